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
from quartier_geo.domain.heat_density import cell_ids, hectare_grid
from quartier_geo.domain.privacy import (
    OTHER,
    Withheld,
    cut_layer,
    pool_small_groups,
    public_unit_ids,
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


def _cells(buildings: gpd.GeoDataFrame, n: int = 5) -> Withheld:
    """The hectare grid of ``buildings`` cut to its public cells (one layer)."""
    grid = hectare_grid(buildings)
    ids = public_unit_ids({"cells": cell_ids(buildings)}, min_buildings=n)["cells"]
    return cut_layer(grid, ids, id_column="cell_id", min_buildings=n)


def test_four_buildings_in_a_cell_are_withheld_five_are_shown() -> None:
    # cell 0: 4 buildings, cell 1: 5, cell 2: 7 -> cell 0 goes; 4 < 5 withheld buildings
    # could be read off the total, so the smallest shown cell (5) goes with it
    b = _buildings([4, 5, 7])
    assert sorted(hectare_grid(b)["buildings"]) == [4, 5, 7]
    w = _cells(b)
    assert list(w.shown["buildings"]) == [7]
    assert (w.units, w.buildings) == (2, 9)
    # demand of the shown cell: 7 x 10 MWh/a
    assert w.shown["heat_demand_mwh_per_a"].tolist() == pytest.approx([70.0])


def test_five_buildings_in_a_cell_are_shown() -> None:
    w = _cells(_buildings([5, 6]))
    assert sorted(w.shown["buildings"]) == [5, 6]
    assert (w.units, w.buildings) == (0, 0)


def test_withheld_cells_that_reach_n_together_need_no_second_cut() -> None:
    w = _cells(_buildings([2, 3, 5]))
    assert list(w.shown["buildings"]) == [5]  # 2 + 3 = 5 withheld: enough on their own
    assert (w.units, w.buildings) == (2, 5)


def test_segments_without_buildings_stay_and_the_input_is_unchanged() -> None:
    streets = gpd.GeoDataFrame(
        {
            "street_id": ["S0", "S1", "S2"],
            "buildings": [0, 1, 9],
            "linear_heat_density_kwh_per_m_a": [0.0, 900.0, 1500.0],
        },
        geometry=[shapely.LineString([(0, i), (10, i)]) for i in range(3)],
        crs="EPSG:25832",
    )
    of_building = pd.Series(["S1"] + ["S2"] * 9)  # the street of each of 10 buildings
    ids = public_unit_ids({"streets": of_building}, min_buildings=5)["streets"]
    w = cut_layer(streets, ids, id_column="street_id", min_buildings=5)
    # the 1-building segment goes; 1 < 5, so the 9 goes too; the empty one shows nobody
    assert list(w.shown["buildings"]) == [0]
    assert (w.units, w.buildings) == (2, 10)
    assert len(streets) == 3


def test_a_higher_threshold_withholds_more() -> None:
    w = _cells(_buildings([5, 6, 8]), n=6)
    # 5 withheld (< 6); 5 < 6 so the 6 goes too: 11 withheld buildings, 8 shown
    assert list(w.shown["buildings"]) == [8]
    assert (w.units, w.buildings) == (2, 11)


def _blocks(labels: list[str | None]) -> frozenset:
    return public_unit_ids({"blocks": pd.Series(labels)}, min_buildings=5)["blocks"]


def test_blocks_under_n_leave() -> None:
    # A (4) and C (3) withheld: 7 >= 5 together, B (5) stays
    assert _blocks(["A"] * 4 + ["B"] * 5 + ["C"] * 3) == {"B"}


def test_a_lone_small_block_takes_the_smallest_other_with_it() -> None:
    # A and C: 8 >= 5 -> B stays
    assert _blocks(["A"] * 4 + ["B"] * 5 + ["C"] * 4) == {"B"}
    # A alone (1) could be read off the total: one block of 5 joins it
    assert len(_blocks(["A"] * 1 + ["B"] * 5 + ["C"] * 5)) == 1


def test_buildings_without_block_count_in_the_withheld_rest() -> None:
    # 5 in A, 1 without a block: "quarter total minus A" would be that one building, so A
    # is withheld as well (before, the building without block was left out of the rest)
    assert _blocks(["A"] * 5 + [None]) == frozenset()
    # 5 in A, 5 without a block: the rest holds 5, A stays
    assert _blocks(["A"] * 5 + [None] * 5) == {"A"}


def test_a_block_inside_a_cell_must_not_leave_a_small_rest() -> None:
    # cell 0 holds 7 buildings: block A = the first 5, block B = the other 2 and the 5 of
    # cell 1. "cell 0 - A" = 2 buildings and "B - cell 1" = the same 2 -> cell 0 and B go.
    b = _buildings([7, 5])
    blocks = pd.Series(["A"] * 5 + ["B"] * 7, index=b.index)
    ids = public_unit_ids({"cells": cell_ids(b), "blocks": blocks}, min_buildings=5)
    assert ids["blocks"] == {"A"}
    assert len(ids["cells"]) == 1  # cell 1 only
    (shown_cell,) = ids["cells"]
    assert (cell_ids(b) == shown_cell).sum() == 5


def test_a_cell_made_of_whole_blocks_is_shown() -> None:
    # cell 0 = blocks A (5) + B (5) exactly: "cell - A" = B, itself a shown aggregate
    b = _buildings([10])
    blocks = pd.Series(["A"] * 5 + ["B"] * 5, index=b.index)
    ids = public_unit_ids({"cells": cell_ids(b), "blocks": blocks}, min_buildings=5)
    assert ids["blocks"] == {"A", "B"} and len(ids["cells"]) == 1


def test_threshold_setting_fails_closed() -> None:
    assert min_buildings(read_settings({})) == 5
    assert min_buildings(read_settings({"QUARTIER_MIN_BUILDINGS": "10"})) == 10
    for bad in ("0", "1", "-3", "2.5", "fünf", ""):
        assert min_buildings(read_settings({"QUARTIER_MIN_BUILDINGS": bad})) == 5
    with pytest.raises(QuartierGeoError):
        public_unit_ids({"cells": pd.Series(["a"] * 5)}, min_buildings=0)


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
