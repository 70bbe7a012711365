"""``python -m quartier_geo network``: the JSON contract, the GeoPackage and hostile input."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from tests.test_cli import run

# quarter 20 (the smallest demo quarter); a source inside its extent (EPSG:25832)
SOURCE = "383100,5700300"
KEYS = {
    "trench_length_m",
    "connected_demand_mwh_per_a",
    "linear_heat_density_kwh_per_m_a",
    "losses_mwh_per_a",
    "investment_eur",
    "cost_eur_per_mwh",
    "connected_buildings",
}


def _network(*args: str) -> tuple[int, dict, str]:
    res = run("network", *args, "--format", "json")
    assert "Traceback" not in res.stderr
    return res.returncode, json.loads(res.stdout), res.stderr


def test_json_figures_and_the_same_out_file_written_twice(tmp_path) -> None:
    out = tmp_path / "layout.gpkg"
    code, first, err = _network(
        "20", "--source", SOURCE, "--blocks", "B003,B004", "--out", str(out)
    )
    assert code == 0, err
    assert set(first) >= KEYS
    # the Baublöcke of the street network: 10 + 9 buildings in B003 and B004 (demo data)
    assert first["connected_buildings"] + first["left_out_buildings"] == 19
    # density = demand / main trench (kWh per metre)
    assert first["linear_heat_density_kwh_per_m_a"] == pytest.approx(
        first["connected_demand_mwh_per_a"] * 1000 / first["main_length_m"], rel=1e-3
    )
    # no sourced lifetime/interest or service cost: null, not invented
    assert first["investment_eur"] is None and first["cost_eur_per_mwh"] is None
    trenches = gpd.read_file(out, layer="trenches")
    assert trenches["length_m"].sum() == pytest.approx(first["trench_length_m"], rel=1e-3)
    assert (trenches["kind"] == "service").sum() == first["connected_buildings"]

    code, second, err = _network("20", "--source", SOURCE, "--blocks", "B003", "--out", str(out))
    assert code == 0, err
    trenches = gpd.read_file(out, layer="trenches")  # replaced, not appended
    assert (trenches["kind"] == "service").sum() == second["connected_buildings"]
    assert second["connected_buildings"] + second["left_out_buildings"] == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layout.gpkg"]  # no temp file left
    blocks = gpd.read_file(out, layer="blocks")
    assert set(blocks["block_id"]) == {"B003"} and list(blocks["buildings"]) == [10]


@pytest.mark.parametrize(
    ("source", "extra", "message"),
    [
        ("garbage", [], "zwei Zahlen"),
        ("1,2,3", [], "zwei Zahlen"),
        ("7.2,51.5", [], "Länge/Breite"),  # degrees given without --crs
        ("7.2,51.5", ["--crs", "EPSG:4326"], "vom nächsten Straßenstück entfernt"),  # far away
        ("383100,5700300", ["--crs", "EPSG:99999"], "unbekanntes Bezugssystem"),
    ],
)
def test_hostile_source_gives_a_message_and_exit_code_2(source, extra, message) -> None:
    code, payload, err = _network("20", "--source", source, *extra)
    assert code == 2
    assert message in err and message in payload["error"]


def test_unknown_block_is_named() -> None:
    code, _payload, err = _network("20", "--source", SOURCE, "--blocks", "NOPE")
    assert code == 2
    assert "NOPE unbekannt" in err


def test_a_building_file_takes_the_bundled_streets_around_it(tmp_path) -> None:
    from quartier_geo.data import layers

    buildings = layers.load_layer("buildings")
    block = buildings[buildings["block_id"] == "Q20-BL0001"]  # 21 buildings of the demo data
    path = tmp_path / "block.geojson"
    block.drop(columns=["quarter_id"]).to_file(path, driver="GeoJSON")
    code, payload, err = _network(str(path), "--source", SOURCE)
    assert code == 0, err
    assert payload["connected_buildings"] + payload["left_out_buildings"] == 21
    assert payload["trench_length_m"] > 0


def test_a_missing_file_is_named() -> None:
    code, payload, _err = _network("no-such-file.geojson", "--source", SOURCE)
    assert code == 2
    assert "no-such-file.geojson" in payload["error"]
