"""The privacy rule of public servers (domain/privacy.py): aggregates of at least N buildings.

Every example is counted by hand; N = 5 after WPG §10(2) unless the test says otherwise.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.settings import min_buildings, read_settings
from quartier_geo.domain.heat_density import hectare_grid
from quartier_geo.domain.privacy import (
    OTHER,
    buildings_in_public_blocks,
    pool_small_groups,
    withhold_small,
)

X0, Y0 = 371_200.0, 5_708_100.0  # lower-left corner of a hectare cell


def _buildings(per_cell: list[int]) -> gpd.GeoDataFrame:
    """``per_cell[i]`` small footprints in hectare cell i (cells side by side, 100 m)."""
    boxes, demand = [], []
    for i, n in enumerate(per_cell):
        for j in range(n):
            x, y = X0 + 100 * i + 5 + 10 * j, Y0 + 5
            boxes.append(shapely.box(x, y, x + 6, y + 6))
            demand.append(10_000.0)
    return gpd.GeoDataFrame({"useful_heat_kwh_per_a": demand}, geometry=boxes, crs="EPSG:25832")


def test_four_buildings_in_a_cell_are_withheld_five_are_shown() -> None:
    # cell 0: 4 buildings, cell 1: 5, cell 2: 7 -> cell 0 goes; 4 < 5 withheld buildings
    # could be read off the total, so the smallest shown cell (5) goes with it
    grid = hectare_grid(_buildings([4, 5, 7]))
    assert sorted(grid["buildings"]) == [4, 5, 7]
    w = withhold_small(grid, min_buildings=5)
    assert list(w.shown["buildings"]) == [7]
    assert (w.units, w.buildings) == (2, 9)
    # demand of the shown cell: 7 x 10 MWh/a
    assert w.shown["heat_demand_mwh_per_a"].tolist() == pytest.approx([70.0])


def test_five_buildings_in_a_cell_are_shown() -> None:
    grid = hectare_grid(_buildings([5, 6]))
    w = withhold_small(grid, min_buildings=5)
    assert sorted(w.shown["buildings"]) == [5, 6]
    assert (w.units, w.buildings) == (0, 0)


def test_withheld_cells_that_reach_n_together_need_no_second_cut() -> None:
    grid = hectare_grid(_buildings([2, 3, 5]))
    w = withhold_small(grid, min_buildings=5)
    assert list(w.shown["buildings"]) == [5]  # 2 + 3 = 5 withheld: enough on their own
    assert (w.units, w.buildings) == (2, 5)


def test_segments_without_buildings_stay_and_the_input_is_unchanged() -> None:
    streets = gpd.GeoDataFrame(
        {"buildings": [0, 1, 9], "linear_heat_density_kwh_per_m_a": [0.0, 900.0, 1500.0]},
        geometry=[shapely.LineString([(0, i), (10, i)]) for i in range(3)],
        crs="EPSG:25832",
    )
    w = withhold_small(streets, min_buildings=5)
    # the 1-building segment goes; 1 < 5, so the 9 goes too; the empty one shows nobody
    assert list(w.shown["buildings"]) == [0]
    assert (w.units, w.buildings) == (2, 10)
    assert len(streets) == 3


def test_a_higher_threshold_withholds_more() -> None:
    grid = hectare_grid(_buildings([5, 6, 8]))
    w = withhold_small(grid, min_buildings=6)
    # 5 withheld (< 6); 5 < 6 so the 6 goes too: 11 withheld buildings, 8 shown
    assert list(w.shown["buildings"]) == [8]
    assert (w.units, w.buildings) == (2, 11)


def test_blocks_under_n_leave_with_all_their_buildings() -> None:
    b = _buildings([12]).assign(block_id=["A"] * 4 + ["B"] * 5 + ["C"] * 3)
    w = buildings_in_public_blocks(b, min_buildings=5)
    # A (4) and C (3) withheld: 7 >= 5 together, B (5) stays
    assert set(w.shown["block_id"]) == {"B"}
    assert (w.units, w.buildings) == (2, 7)


def test_a_lone_small_block_takes_the_smallest_other_with_it() -> None:
    b = _buildings([13]).assign(block_id=["A"] * 4 + ["B"] * 5 + ["C"] * 4)
    w = buildings_in_public_blocks(b, min_buildings=5)
    # A and C: 8 >= 5 -> B stays
    assert set(w.shown["block_id"]) == {"B"}
    b2 = _buildings([11]).assign(block_id=["A"] * 1 + ["B"] * 5 + ["C"] * 5)
    w2 = buildings_in_public_blocks(b2, min_buildings=5)
    # A alone (1) could be read off the total: one block of 5 joins it
    assert len(set(w2.shown["block_id"])) == 1
    assert (w2.units, w2.buildings) == (2, 6)


def test_buildings_without_block_are_withheld() -> None:
    b = _buildings([6]).assign(block_id=["A"] * 5 + [None])
    w = buildings_in_public_blocks(b, min_buildings=5)
    assert len(w.shown) == 5 and w.buildings == 1


def test_threshold_setting_fails_closed() -> None:
    assert min_buildings(read_settings({})) == 5
    assert min_buildings(read_settings({"QUARTIER_MIN_BUILDINGS": "10"})) == 10
    for bad in ("0", "1", "-3", "2.5", "fünf", ""):
        assert min_buildings(read_settings({"QUARTIER_MIN_BUILDINGS": bad})) == 5
    with pytest.raises(QuartierGeoError):
        withhold_small(hectare_grid(_buildings([5])), min_buildings=0)


def test_pool_small_groups_in_two_columns_by_hand() -> None:
    """12 buildings: (EFH, C) x 6, (EFH, E) x 3, (MFH, C) x 2, (RH, E) x 1.
    Small groups 3 + 2 + 1 = 6 buildings >= 5: they are pooled and nothing else."""
    df = pd.DataFrame(
        {
            "building_type": ["EFH"] * 9 + ["MFH"] * 2 + ["RH"],
            "age_class": ["C"] * 6 + ["E"] * 3 + ["C"] * 2 + ["E"],
            "useful_heat_kwh_per_a": [1000.0] * 12,
        }
    )
    pooled = pool_small_groups(df, ["building_type", "age_class"], min_buildings=5)
    groups = pooled.groupby(["building_type", "age_class"]).size().to_dict()
    assert groups == {("EFH", "C"): 6, (OTHER, OTHER): 6}
    assert pooled["useful_heat_kwh_per_a"].sum() == 12_000.0  # figures unchanged
    assert df["building_type"].tolist()[-1] == "RH"  # input unchanged


def test_pool_small_groups_pools_a_shown_group_when_the_rest_is_too_small() -> None:
    """(A) x 6, (B) x 5, (C) x 2: C alone (2 < 5) would be readable from the total, so the
    smallest shown group (B, 5) is pooled with it: 7 buildings in 'other'."""
    df = pd.DataFrame({"building_type": ["A"] * 6 + ["B"] * 5 + ["C"] * 2})
    pooled = pool_small_groups(df, ["building_type"], min_buildings=5)
    assert pooled["building_type"].value_counts().to_dict() == {OTHER: 7, "A": 6}


def test_public_charts_of_every_demo_quarter_have_no_small_group() -> None:
    from quartier_geo.data import layers
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain import energy

    ref = load_reference()
    b = layers.validate_buildings(layers.load_layer("buildings"), ref).buildings
    b = energy.assess_buildings(b, ref)
    for _qid, quarter in b.groupby("quarter_id"):
        pooled = pool_small_groups(quarter, ["building_type", "age_class"], min_buildings=5)
        sizes = pooled.groupby(["building_type", "age_class"]).size()
        assert (sizes >= 5).all(), sizes[sizes < 5]
