"""One data path: the quarter bundle, its derived layers, and the fact sheet on it."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data import layers
from quartier_geo.domain.blocks import aggregate_to_blocks, block_ratio, quarter_blocks
from quartier_geo.domain.bundle import (
    QuarterLayers,
    build_quarter_bundle,
    build_region,
    select_quarter,
)
from quartier_geo.exports.factsheet import fact_sheet_html
from quartier_geo.exports.factsheet_parts import key_figures

X0, Y0 = 371_200.0, 5_708_100.0  # lower-left corner of one hectare cell


def assessed_blocks() -> gpd.GeoDataFrame:
    """Block 1: three buildings (100, 200, 300 m²; 10, 30, 50 MWh/a); block 2: one."""
    boxes = [shapely.box(X0 + 10 * i, Y0, X0 + 10 * i + 8, Y0 + 8) for i in range(4)]
    return gpd.GeoDataFrame(
        {
            "block_id": [1, 1, 1, 2],
            "useful_heat_kwh_per_a": [10_000.0, 30_000.0, 50_000.0, 7_000.0],
            "conditioned_floor_area_m2": [100.0, 200.0, 300.0, 70.0],
        },
        geometry=boxes,
        crs="EPSG:25832",
    )


def test_block_ratio_is_a_ratio_of_sums():
    blocks = aggregate_to_blocks(
        assessed_blocks(),
        value_columns=["useful_heat_kwh_per_a", "conditioned_floor_area_m2"],
        min_buildings=1,
    )
    q = block_ratio(blocks, "useful_heat_kwh_per_a", "conditioned_floor_area_m2")
    # block 1: 90,000 kWh/a / 600 m² = 150 (the mean of 100, 150, 166.7 would be 138.9)
    assert q.tolist() == pytest.approx([150.0, 100.0])


def test_block_ratio_is_nan_without_floor_area():
    blocks = pd.DataFrame({"q": [5.0, 5.0], "a": [0.0, float("nan")]})
    assert block_ratio(blocks, "q", "a").isna().all()


def test_quarter_blocks_hide_small_blocks():
    b = assessed_blocks().assign(
        consumption_kwh_per_a=1.0,
        final_energy_kwh_per_a=1.0,
        co2_t_per_a=1.0,
        potential_usual_kwh_per_a=1.0,
        potential_advanced_kwh_per_a=1.0,
    )
    blocks = quarter_blocks(b, min_buildings=3).set_index("block_id")
    assert blocks.loc[1, "useful_heat_kwh_per_m2a"] == pytest.approx(150.0)
    assert blocks.loc[1, "co2_t_per_a"] == pytest.approx(3.0)
    assert pd.isna(blocks.loc[2, "useful_heat_kwh_per_m2a"])  # one building: no value
    # the default is WPG §10(2)'s five: a block of three shows no value either
    default = quarter_blocks(b).set_index("block_id")
    assert pd.isna(default.loc[1, "useful_heat_kwh_per_m2a"])
    assert default.loc[1, "buildings"] == 3


def test_quarter_bundle_of_three_buildings(three_buildings, ref):
    bundle = build_quarter_bundle(QuarterLayers(buildings=three_buildings, name="Test"), ref=ref)
    heat_mwh = bundle.buildings["useful_heat_kwh_per_a"].sum() / 1000
    # all three footprints lie in one hectare cell: its density is their whole demand per ha
    assert len(bundle.grid) == 1
    assert bundle.grid["heat_density_mwh_per_ha_a"].iloc[0] == pytest.approx(heat_mwh)
    assert bundle.criteria["heat_density_median_mwh_per_ha_a"] == pytest.approx(heat_mwh)
    assert bundle.supply.loc["status_quo", "heat_demand_mwh_per_a"] == pytest.approx(heat_mwh)
    # the options supply the consumption (calibrated), the figure the status quo's CO2 uses
    consumption_mwh = bundle.buildings["consumption_kwh_per_a"].sum() / 1000
    assert bundle.supply.loc["status_quo", "consumption_mwh_per_a"] == pytest.approx(
        consumption_mwh
    )
    assert bundle.blocks is None and bundle.streets is None  # no block_id, no streets
    assert bundle.quarter_id is None and bundle.row is None and not bundle.synthetic
    assert "useful_heat_kwh_per_a" not in three_buildings.columns  # the input is not changed


def test_quarter_bundle_needs_buildings(three_buildings, ref):
    with pytest.raises(QuartierGeoError):
        build_quarter_bundle(QuarterLayers(buildings=three_buildings.iloc[:0]), ref=ref)


@pytest.fixture(scope="module")
def region(ref):
    return build_region(layers.load_region(ref), ref=ref)


def test_select_quarter_and_unknown_id(region):
    layers_20 = select_quarter(region, 20)
    assert set(layers_20.buildings["quarter_id"]) == {20}
    assert set(layers_20.streets["quarter_id"]) == {20}
    with pytest.raises(QuartierGeoError, match="unbekannt"):
        select_quarter(region, 99)


def test_region_figures_are_the_sums_of_the_buildings(region):
    b = region.buildings[region.buildings["quarter_id"] == 20]
    row = region.figures.set_index("quarter_id").loc[20]
    assert row["co2_t_per_a"] == pytest.approx(b["co2_t_per_a"].sum())


def test_bundle_derives_each_layer_from_its_buildings(region, ref):
    bundle = build_quarter_bundle(select_quarter(region, 20), ref=ref)
    total_mwh = bundle.buildings["useful_heat_kwh_per_a"].sum() / 1000
    assert bundle.grid["heat_demand_mwh_per_a"].sum() == pytest.approx(total_mwh)
    assert bundle.blocks is not None
    assert bundle.blocks["buildings"].sum() == bundle.buildings["block_id"].notna().sum()
    assert "linear_heat_density_kwh_per_m_a" in bundle.streets.columns
    assert bundle.quarter_id == 20 and bundle.synthetic


def test_fact_sheet_and_pages_share_the_bundle(ref):
    """The fact sheet of the UI's cached bundle shows the UI loaders' figures."""
    from quartier_geo.ui import data as ui_data

    bundle = ui_data.quarter_bundle(20)
    assert ui_data.quarter_bundle(20) is bundle  # cached: built once per quarter
    assert ui_data.quarter_buildings(20) is bundle.buildings
    assert ui_data.quarter_grid(20) is bundle.grid
    assert ui_data.quarter_streets(20) is bundle.streets
    html = fact_sheet_html(bundle, ref=ref, lang="de")
    figures = key_figures(ui_data.quarter_buildings(20), quarter=bundle.row, lang="de")
    for label, value, unit in figures:
        shown = f'{value}<span class="unit">{unit}</span>' if unit else f"{value}</dd>"
        assert f"<dt>{label}</dt><dd>{shown}" in html
    page = ui_data.bundle().figures.set_index("quarter_id").loc[20]
    sheet = bundle.buildings["co2_t_per_a"].sum()
    assert sheet == pytest.approx(page["co2_t_per_a"])
