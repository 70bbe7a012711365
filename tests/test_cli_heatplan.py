"""``python -m quartier_geo heatplan``: blocks with categories per Stützjahr and the target
indicators as JSON; ``--out`` writes the GeoPackage layers (a second run replaces it)."""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest

from quartier_geo.data import layers
from quartier_geo.data.reference import load_reference
from quartier_geo.domain.block_plan import assign_buildings
from quartier_geo.domain.bundle import build_quarter_bundle, select_quarter
from quartier_geo.exports.heatplan import (
    AREAS_LAYER,
    COSTS_LAYER,
    INDICATORS_LAYER,
    SUMMARY_LAYER,
)
from tests.test_cli import run

CATEGORIES = {"heat_network", "hydrogen_network", "decentral", "test_area"}


def test_heatplan_by_name_json_and_gpkg_twice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plan.gpkg"
    first = run("heatplan", "wulfen-barkenberg", "--format", "json", "--out", str(out))
    assert first.returncode == 0, first.stderr
    payload = json.loads(first.stdout)  # only JSON on stdout
    ref = load_reference()
    bundle = build_quarter_bundle(select_quarter(layers.load_region(ref), 2), ref=ref)
    assert bundle.plan_blocks is not None
    assigned = assign_buildings(bundle.buildings, bundle.plan_blocks)
    assert payload["quarter"] == "Wulfen-Barkenberg"
    assert payload["stuetzjahre"] == [2030, 2035, 2040, 2045]
    # the Baublöcke of the street network, the same ids as the Baublock section's
    assert [b["block_id"] for b in payload["blocks"]] == list(bundle.plan_blocks["block_id"])
    assert sum(b["buildings"] for b in payload["blocks"]) == assigned.notna().sum()
    for block in payload["blocks"]:
        assert set(block["years"]) == {"2030", "2035", "2040", "2045"}
        assert {y["category"] for y in block["years"].values()} <= CATEGORIES
        assert block["years"]["2045"]["likelihood"]["hydrogen"] == 0  # H1: no plan
    assert [r["year"] for r in payload["indicators"]] == [2025, 2030, 2035, 2040, 2045]
    # heat generation costs per block: numbers for the sourced options (cost_catalogue.csv,
    # energy_prices.csv), null for the options without a sourced number (biomass,
    # mine-water network: "keine belegte Zahl" in supply_options.csv)
    assert payload["heat_cost_year"] == 2025
    inhabited = [b for b in payload["blocks"] if b["buildings"] > 0]
    assert inhabited
    for block in inhabited:
        costs = block["heat_cost_eur_per_mwh"]
        for option in ("district_heating", "heat_pump_air", "heat_pump_ground"):
            assert isinstance(costs[option], float) and costs[option] > 0
        assert costs["biomass"] is None and costs["mine_water_network"] is None
    assert all(b["heat_cost_eur_per_mwh"] == {} for b in payload["blocks"] if not b["buildings"])
    assert ref.wpg_area_rules is not None
    listed = {name for name, _ in pyogrio.list_layers(out)}
    assert {AREAS_LAYER, INDICATORS_LAYER, SUMMARY_LAYER, COSTS_LAYER} <= listed
    costs_out = pyogrio.read_dataframe(out, layer=COSTS_LAYER)
    assert "geometry" not in costs_out.columns  # a non-spatial table
    first_block = inhabited[0]
    row = costs_out[
        (costs_out["block_id"] == first_block["block_id"])
        & (costs_out["option"] == "district_heating")
    ]
    assert row["cost_eur_per_mwh"].iloc[0] == pytest.approx(
        first_block["heat_cost_eur_per_mwh"]["district_heating"], abs=1e-3
    )
    assert (costs_out["year"] == 2025).all()
    areas = gpd.read_file(out, layer=AREAS_LAYER)
    assert len(areas) == len(payload["blocks"]) and areas.crs.to_epsg() == 25832
    assert set(areas["category_2030"]) <= CATEGORIES
    indicators = pyogrio.read_dataframe(out, layer=INDICATORS_LAYER)
    assert "geometry" not in indicators.columns  # a non-spatial table
    second = run("heatplan", "2", "--format", "json", "--out", str(out))
    assert second.returncode == 0, second.stderr  # replaces, does not crash
    assert len(gpd.read_file(out, layer=AREAS_LAYER)) == len(areas)
    assert json.loads(second.stdout)["blocks"] == payload["blocks"]


@pytest.mark.parametrize("target", ["Nirgendwo", "99"])
def test_heatplan_unknown_target(target: str) -> None:
    res = run("heatplan", target, "--format", "json")
    assert res.returncode == 2
    assert json.loads(res.stdout)["error"]


def test_heatplan_of_a_file_without_blocks(tmp_path, three_buildings) -> None:  # type: ignore[no-untyped-def]
    """An imported file without block_id: no blocks, indicators of all three buildings."""
    path = tmp_path / "three.geojson"
    three_buildings.to_file(path, driver="GeoJSON", engine="pyogrio")
    res = run("heatplan", str(path), "--format", "json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["blocks"] == []
    assert all(r["buildings"] == pytest.approx(3) for r in payload["indicators"])


def test_heatplan_of_a_file_gets_street_blocks_and_network_distances(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A building file gets the region's streets around it (street blocks) and the heat
    networks (distances), as ``network FILE`` does (cli_common.target_bundle)."""
    buildings = layers.load_layer("buildings")
    quarter = buildings[buildings["quarter_id"] == 20]  # the smallest demo quarter
    path = tmp_path / "q20.geojson"
    quarter.drop(columns=["quarter_id", "block_id"]).to_file(path, driver="GeoJSON")
    res = run("heatplan", str(path), "--format", "json")
    assert res.returncode == 0, res.stderr
    payload = json.loads(res.stdout)
    assert payload["blocks"], "no street blocks for a building file"
    assert sum(b["buildings"] for b in payload["blocks"]) > 0
    assert all(b["network_distance_m"] is not None for b in payload["blocks"])
