"""The command-line contract, run as a user would: ``python -m quartier_geo``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[1]
QUARTER_FIELDS = {
    "quarter_id",
    "name",
    "municipality",
    "quarter_type",
    "area_ha",
    "area_ha_status",
    "area_ha_source",
    "residents",
    "residents_status",
    "residents_source",
    "buildings",
    "heat_demand_mwh_per_a",
    "consumption_mwh_per_a",
    "final_energy_mwh_per_a",
    "co2_t_per_a",
    "potential_usual_mwh_per_a",
    "potential_advanced_mwh_per_a",
    "heat_density_mwh_per_ha_a",
    "phase",
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quartier_geo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def quarters_json():
    res = run("quarters", "--format", "json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)  # only JSON on stdout


def test_quarters_lists_the_20_real_quarters(quarters_json):
    assert len(quarters_json) == 20
    assert all(set(q) >= QUARTER_FIELDS for q in quarters_json)
    municipalities = {q["municipality"] for q in quarters_json}
    assert len(municipalities) == 17  # 20 quarters in 17 municipalities (quarters.md)
    herne = next(q for q in quarters_json if q["municipality"] == "Herne")
    assert herne["residents"] == 20500
    assert abs(herne["buildings"] - 2500) <= 250  # reported 2,500 buildings, ±10 %


def test_quarters_carry_the_status_and_source_of_area_and_residents(quarters_json):
    by_id = {q["quarter_id"]: q for q in quarters_json}
    # Herne-Mitte: 273 ha from a report of the 2016 kick-off, cited by the domain review of
    # issue #9 (quarters.md, secondary); the model polygon has exactly that area
    herne = by_id[9]
    assert herne["area_ha"] == pytest.approx(273.0, abs=0.05)
    assert herne["area_ha_status"] == "reported"
    assert "2016 kick-off" in herne["area_ha_source"]
    assert "secondary" in herne["area_ha_source"]
    # Lünen-Süd: 242 ha and 7,754 residents from the quarter brochure (issue #9, secondary)
    luenen = by_id[11]
    assert luenen["area_ha"] == pytest.approx(242.0, abs=0.05)
    assert luenen["residents"] == 7754
    assert luenen["area_ha_status"] == luenen["residents_status"] == "reported"
    assert "brochure" in luenen["residents_source"]
    # Dorsten: residents 8,400 reported, area 260 ha an assumption (quarter_profiles.csv)
    dorsten = by_id[2]
    assert dorsten["residents_status"] == "reported"
    assert dorsten["area_ha_status"] == "assumed"
    assert "quarter_profiles.csv" in dorsten["area_ha_source"]
    # the counts the README states: 11 of 20 areas, 5 of 20 resident counts are assumed
    assert sum(q["area_ha_status"] == "assumed" for q in quarters_json) == 11
    assert sum(q["residents_status"] == "assumed" for q in quarters_json) == 5
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "11 der 20" in readme and "5 der 20" in readme
    assert "Größen, Einwohnerzahlen und berichtete Ergebnisse" not in readme


def test_quarter_figures_are_plausible(quarters_json):
    for q in quarters_json:
        per_resident = q["co2_t_per_a"] / q["residents"]
        assert 0.5 < per_resident < 5.0, q["name"]  # t CO2 per resident and year for heat
        assert q["potential_usual_mwh_per_a"] < q["potential_advanced_mwh_per_a"]
        assert q["potential_advanced_mwh_per_a"] < q["heat_demand_mwh_per_a"]
        assert q["final_energy_mwh_per_a"] > q["heat_demand_mwh_per_a"] * 0.5
        assert q["heat_density_mwh_per_ha_a"] > 0
        assert q["phase"] in {
            "preparation",
            "concept",
            "agreement",
            "implementation",
            "completed",
            "not_started",
        }


def _write(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def test_analyse_a_good_file(tmp_path, three_buildings):
    path = _write(three_buildings, tmp_path / "ok.geojson")
    res = run("analyse", str(path), "--format", "json", "--buildings")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["summary"]["buildings"] == 3
    ids = [b["building_id"] for b in out["buildings"]]
    assert ids == ["a", "b", "c"]
    a = out["buildings"][0]
    # EFH E existing, 100 m²: 100 x (265.3 + 10.0) kWh/a (TABULA DE.N.SFH.05.Gen.ReEx.001.001)
    assert a["useful_heat_kwh_per_a"] == pytest.approx(27_530.0)
    assert set(a) >= {
        "useful_heat_kwh_per_a",
        "final_energy_kwh_per_a",
        "co2_t_per_a",
        "potential_usual_kwh_per_a",
        "potential_advanced_kwh_per_a",
    }
    assert out["summary"]["heat_demand_mwh_per_a"] == pytest.approx(
        sum(b["useful_heat_kwh_per_a"] for b in out["buildings"]) / 1000, rel=1e-3
    )


def test_analyse_gives_consumption_next_to_demand_and_measured_wins(tmp_path, three_buildings):
    measured = three_buildings.assign(measured_consumption_kwh_per_a=[None, 50_000.0, None])
    path = _write(measured, tmp_path / "measured.geojson")
    res = run("analyse", str(path), "--format", "json", "--buildings")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    a, b, _ = out["buildings"]
    # a: TABULA demand 27,530 kWh/a stays; consumption calibrated (assumptions.csv: q0 = 60,
    # slope (125 - 66) / (190 - 66) = 59/124): 100 x (60 + 59/124 x (275.3 - 60)) kWh/a
    assert a["useful_heat_kwh_per_a"] == pytest.approx(27_530.0)
    assert a["consumption_kwh_per_a"] == pytest.approx(100 * (60 + 59 / 124 * 215.3))
    assert a["consumption_source"] == "calibrated"
    assert a["final_energy_kwh_per_a"] == pytest.approx(a["consumption_kwh_per_a"] / 0.82)
    # b: 50,000 kWh/a oil measured (final energy); old oil boiler eta 0.82 (heating_systems.csv)
    assert b["consumption_source"] == "measured"
    assert b["final_energy_kwh_per_a"] == pytest.approx(50_000.0)
    assert b["consumption_kwh_per_a"] == pytest.approx(50_000.0 * 0.82)
    assert b["co2_t_per_a"] == pytest.approx(50_000.0 * 310 / 1e6)  # GEG Anlage 9 oil 310 g
    assert out["summary"]["consumption_mwh_per_a"] == pytest.approx(
        sum(x["consumption_kwh_per_a"] for x in out["buildings"]) / 1000, abs=1e-3
    )  # the CLI rounds MWh to three decimals
    assert out["summary"]["consumption_mwh_per_a"] < out["summary"]["heat_demand_mwh_per_a"]


def test_analyse_reports_every_problem_with_row_ids(tmp_path, three_buildings):
    bad = three_buildings.copy()
    bad.loc[0, "building_type"] = "BUNGALOW"
    bad.loc[1, "age_class"] = "Q"
    x, y = 365_040.0, 5_707_000.0
    bad.loc[2, "geometry"] = shapely.Polygon([(x, y), (x + 10, y + 10), (x + 10, y), (x, y + 10)])
    path = _write(bad, tmp_path / "bad.geojson")
    res = run("analyse", str(path))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert "BUNGALOW" in res.stderr and ": a." in res.stderr
    assert "'age_class'" in res.stderr and ": b." in res.stderr
    assert "Ungültige Geometrie" in res.stderr and ": c." in res.stderr
    assert res.stdout == ""


def test_analyse_without_crs(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"building_type": ["EFH"], "age_class": ["E"], "storeys": [1]},
        geometry=[shapely.box(0, 0, 10, 10)],
    )
    with pytest.warns(UserWarning, match="crs"):  # pyogrio warns that it writes no CRS
        gdf.to_file(tmp_path / "nocrs.gpkg", engine="pyogrio")
    res = run("analyse", str(tmp_path / "nocrs.gpkg"), "--format", "json")
    assert res.returncode == 2
    assert "kein Koordinatensystem" in res.stderr
    assert "--crs" in res.stderr  # says what to do
    assert json.loads(res.stdout)["problems"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Die Datei ist leer"),
        (b"this is not geodata", "GeoJSON ist unvollständig oder beschädigt"),
        (b'{"type": "Feature', "GeoJSON ist unvollständig oder beschädigt"),
    ],
)
def test_analyse_no_geodata_at_all(tmp_path, content, message):
    path = tmp_path / "x.geojson"
    path.write_bytes(content)
    res = run("analyse", str(path))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert message in res.stderr


def test_analyse_empty_geometries(tmp_path, three_buildings):
    b = three_buildings.copy()
    b.loc[1, "geometry"] = None
    path = _write(b, tmp_path / "empty.geojson")
    res = run("analyse", str(path))
    assert res.returncode == 2
    assert "Leere oder fehlende Geometrie: b." in res.stderr


def test_analyse_a_real_nrw_schema_with_its_reported_demand():
    # tests/data: a LANUV heat-demand-model fixture; the total must equal the sum of RW_WW
    fixture = ROOT / "tests" / "data" / "lanuv_wbm.gpkg"
    res = run("analyse", str(fixture), "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["schema"] == "lanuv_wbm"
    assert out["summary"]["heat_demand_mwh_per_a"] == pytest.approx(243.0)


def test_scenario_json_path():
    res = run(
        "scenario", "--quarter", "9", "--rate", "0.03", "--depth", "usual", "--format", "json"
    )
    assert res.returncode == 0, res.stderr
    path = json.loads(res.stdout)
    assert [p["year"] for p in path] == list(range(2025, 2046))
    shares = [p["refurbished_share"] for p in path]
    assert shares == sorted(shares) and shares[-1] <= 1.0
    assert path[-1]["useful_heat_mwh_per_a"] < path[0]["useful_heat_mwh_per_a"]


def test_scenario_default_rate_is_the_national_rate():
    # without --rate the model refurbishes 0.7 %/a of the floor area (benchmarks.csv
    # rate_national, 0.67–0.70 %/a in 2023–2025): after one year the refurbished share has
    # grown by at most 0.007 (whole buildings only, so a little less)
    res = run("scenario", "--quarter", "11", "--format", "json")
    assert res.returncode == 0, res.stderr
    path = json.loads(res.stdout)
    step = path[1]["refurbished_share"] - path[0]["refurbished_share"]
    assert 0.005 < step <= 0.007 + 1e-9


def test_scenario_unknown_quarter():
    res = run("scenario", "--quarter", "99")
    assert res.returncode == 2
    assert "Quartier 99 unbekannt" in res.stderr
