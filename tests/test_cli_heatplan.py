"""``python -m quartier_geo heatplan``: blocks with categories per Stützjahr and the target
indicators as JSON; ``--out`` writes the GeoPackage layers (a second run replaces it)."""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest

from quartier_geo.data import layers
from quartier_geo.data.reference import load_reference
from quartier_geo.exports.heatplan import AREAS_LAYER, INDICATORS_LAYER, SUMMARY_LAYER
from tests.test_cli import run

CATEGORIES = {"heat_network", "hydrogen_network", "decentral", "test_area"}


def test_heatplan_by_name_json_and_gpkg_twice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plan.gpkg"
    first = run("heatplan", "wulfen-barkenberg", "--format", "json", "--out", str(out))
    assert first.returncode == 0, first.stderr
    payload = json.loads(first.stdout)  # only JSON on stdout
    ref = load_reference()
    buildings = layers.load_layer("buildings")
    q2 = buildings[buildings["quarter_id"] == 2]
    assert payload["quarter"] == "Wulfen-Barkenberg"
    assert payload["stuetzjahre"] == [2030, 2035, 2040, 2045]
    assert len(payload["blocks"]) == q2["block_id"].nunique()
    assert sum(b["buildings"] for b in payload["blocks"]) == q2["block_id"].notna().sum()
    for block in payload["blocks"]:
        assert set(block["years"]) == {"2030", "2035", "2040", "2045"}
        assert {y["category"] for y in block["years"].values()} <= CATEGORIES
        assert block["years"]["2045"]["likelihood"]["hydrogen"] == 0  # H1: no plan
    assert [r["year"] for r in payload["indicators"]] == [2025, 2030, 2035, 2040, 2045]
    assert payload["heat_cost_per_option"] is None  # the cost module is not merged yet
    assert ref.wpg_area_rules is not None
    listed = {name for name, _ in pyogrio.list_layers(out)}
    assert {AREAS_LAYER, INDICATORS_LAYER, SUMMARY_LAYER} <= listed
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
