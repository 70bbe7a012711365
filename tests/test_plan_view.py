"""The heat plan's view of a bundle (domain/bundle.py ``plan_view``): the Baublöcke are the
planning unit of every Wärmeplanung section. Two street blocks of 1 ha each, four
buildings: two in the west block, one in the east block, one outside every block."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from quartier_geo.data.cost_tables import load_cost_tables
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import potentials_energy as pe
from quartier_geo.domain.block_plan import street_blocks
from quartier_geo.domain.bundle import QuarterBundle, is_plan_view, plan_view
from quartier_geo.domain.heatplan_indicators import quarter_heatplan

CRS = "EPSG:25832"
X0, Y0 = 360_000.0, 5_710_000.0


def _streets() -> gpd.GeoDataFrame:
    """Three north-south streets at x = 0, 100, 200 and two east-west at y = 0, 100: two
    100 m squares (west B001, east B002)."""
    lines = [shapely.LineString([(X0 + x, Y0 - 20), (X0 + x, Y0 + 120)]) for x in (0, 100, 200)]
    lines += [shapely.LineString([(X0 - 20, Y0 + y), (X0 + 220, Y0 + y)]) for y in (0, 100)]
    return gpd.GeoDataFrame({"street_id": range(len(lines))}, geometry=lines, crs=CRS)


def _bundle() -> QuarterBundle:
    # 10 m x 10 m footprints: two in the west block, one in the east block, one at x = 300
    xs = [10.0, 40.0, 150.0, 300.0]
    buildings = gpd.GeoDataFrame(
        {
            "block_id": ["a", "a", "a", "a"],  # the data's block_id groups: one for all
            "useful_heat_kwh_per_a": [30_000.0, 45_000.0, 60_000.0, 15_000.0],
            "consumption_kwh_per_a": [20_000.0, 30_000.0, 40_000.0, 10_000.0],
            "final_energy_kwh_per_a": [25_000.0, 35_000.0, 45_000.0, 12_000.0],
            "co2_t_per_a": [5.0, 7.0, 9.0, 2.0],
            "conditioned_floor_area_m2": [150.0, 150.0, 300.0, 100.0],
            "footprint_m2": [100.0, 100.0, 100.0, 100.0],
            "heating_carrier": ["gas", "gas", "gas", "gas"],
            "building_type": ["EFH", "EFH", "MFH", "EFH"],
        },
        geometry=[shapely.box(X0 + x, Y0 + 40, X0 + x + 10, Y0 + 50) for x in xs],
        crs=CRS,
    )
    return QuarterBundle(
        name="Test",
        quarter_id=None,
        quarter=None,
        buildings=buildings,
        grid=gpd.GeoDataFrame(geometry=[], crs=CRS),
        blocks=None,
        streets=None,
        networks=None,
        potentials=None,
        criteria=pd.Series(dtype=float),
        supply=pd.DataFrame(),
        plan_blocks=street_blocks(_streets()),
    )


def test_buildings_get_their_baublock_and_the_blocks_their_sums() -> None:
    raw = _bundle()
    assert not is_plan_view(raw)
    view = plan_view(raw)
    assert is_plan_view(view)
    ids = view.buildings["block_id"]
    assert list(ids.iloc[:3]) == ["B001", "B001", "B002"] and ids.isna().tolist()[3]
    blocks = view.blocks
    assert blocks is not None
    assert list(blocks["block_id"]) == ["B001", "B002"]
    assert list(blocks["source"]) == ["streets", "streets"]
    assert list(blocks["buildings"]) == [2, 1]
    # Σ consumption 20 + 30 = 50 MWh/a in B001, 40 in B002; the building outside in none
    assert list(blocks["consumption_kwh_per_a"]) == [50_000.0, 40_000.0]
    # Σ Q_nd / Σ A_C = 75 000 / 300 = 250 kWh/(m²·a) in B001
    assert blocks["useful_heat_kwh_per_m2a"].iloc[0] == pytest.approx(250.0)
    assert list(blocks.area) == pytest.approx([10_000.0, 10_000.0])  # the polygons
    assert list(raw.buildings["block_id"]) == ["a"] * 4  # the input is unchanged


def test_an_imported_layer_replaces_the_street_blocks() -> None:
    layer = gpd.GeoDataFrame(
        {"block_id": ["N1"], "source": ["imported"]},
        geometry=[shapely.box(X0, Y0, X0 + 400, Y0 + 100)],
        crs=CRS,
    )
    view = plan_view(_bundle(), layer)
    assert list(view.buildings["block_id"]) == ["N1"] * 4
    assert view.blocks is not None and list(view.blocks["buildings"]) == [4]


def test_free_space_is_the_baublock_minus_the_footprints() -> None:
    """B001: 100 m x 100 m = 10 000 m² - 2 x 100 m² footprints = 9 800 m² (no hull)."""
    view = plan_view(_bundle())
    assert view.blocks is not None
    table = pe.block_potentials(view.blocks, view.buildings, load_cost_tables(), spf_ground=4.3)
    assert table.loc["B001", "free_m2"] == pytest.approx(9_800.0)
    assert table.loc["B002", "free_m2"] == pytest.approx(9_900.0)
    assert set(table.index) == {"B001", "B002"}  # the building outside counts for none


def test_the_heat_plan_areas_are_the_baubloecke_and_the_totals_count_every_building() -> None:
    """Consumption density over the polygon: B001 50 MWh/a / 1 ha = 50 MWh/(ha·a), B002
    40 / 1 = 40; the start year's final energy counts all four buildings (25 + 35 + 45 +
    12 = 117 MWh/a), also the one in no block."""
    plan = quarter_heatplan(_bundle(), ref=load_reference())
    assert plan.areas is not None
    assert list(plan.areas["block_id"]) == ["B001", "B002"]
    assert list(plan.areas["area_ha"]) == pytest.approx([1.0, 1.0])
    assert list(plan.areas["heat_density_mwh_per_ha_a"]) == pytest.approx([50.0, 40.0])
    assert plan.summary.loc[2025, "final_energy_mwh_per_a"] == pytest.approx(117.0)
    assert plan.summary.loc[2025, "buildings"] == pytest.approx(4.0)


def test_the_public_cut_takes_the_assignment_of_the_plan_view() -> None:
    """The public units of the Baublöcke from the plan view's assignment (derived once) are
    those :func:`public_units` derives itself; a different assignment changes them."""
    from quartier_geo.exports.public import public_units

    raw = _bundle()
    view = plan_view(raw)
    own = public_units(raw, min_buildings=2)
    reused = public_units(raw, min_buildings=2, plan_assignment=view.buildings["block_id"])
    assert reused == own
    assert "B002" not in own["baubloecke"]  # one building: under the minimum of 2
    one_block = pd.Series(["B002"] * 4, index=raw.buildings.index)
    other = public_units(raw, min_buildings=2, plan_assignment=one_block)
    assert other["baubloecke"] != own["baubloecke"]
