"""Exports: GeoPackage/GeoJSON/CSV round trips, encoding, atomic writes, map and chart images."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from PIL import Image

from quartier_geo.base import atomic
from quartier_geo.base.errors import QuartierGeoError, StorageError
from quartier_geo.data import layers
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import energy
from quartier_geo.domain.bundle import QuarterLayers, build_quarter_bundle
from quartier_geo.exports import files
from quartier_geo.exports.files import (
    FormatOptions,
    atomic_path,
    export_bytes,
    export_layers,
    export_name,
    quarter_layers,
    write_bytes_atomic,
)
from quartier_geo.exports.render import ImageOptions, chart_images
from quartier_geo.exports.static_map import PrintPage, map_image, map_svg
from quartier_geo.views.classify import ColourBy, Colouring

X0, Y0 = 365_000.0, 5_707_000.0
TEXT = "Königstraße „Alt“ 5 – 12 €"
SUMS = (
    "useful_heat_kwh_per_a",
    "final_energy_kwh_per_a",
    "co2_t_per_a",
    "potential_usual_kwh_per_a",
    "conditioned_floor_area_m2",
)


@pytest.fixture
def assessed(three_buildings, ref) -> gpd.GeoDataFrame:
    b = three_buildings.assign(address=[TEXT, "Weg 1", None])
    return energy.assess_buildings(layers.validate_buildings(b, ref).buildings, ref)


@pytest.fixture
def export_set(assessed) -> dict[str, gpd.GeoDataFrame]:
    quarter = gpd.GeoDataFrame(
        {"quarter_id": [99], "name": ["Süd „Test“ €"]},
        geometry=[shapely.box(X0 - 20, Y0 - 20, X0 + 80, Y0 + 60)],
        crs="EPSG:25832",
    )
    streets = gpd.GeoDataFrame(
        {"street_id": ["S1"], "name": ["Hauptstraße"]},
        geometry=[shapely.LineString([(X0, Y0 - 5), (X0 + 100, Y0 - 5)])],
        crs="EPSG:25832",
    )
    bundle = build_quarter_bundle(
        QuarterLayers(buildings=assessed, quarter=quarter, streets=streets), ref=load_reference()
    )
    return quarter_layers(bundle)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ----------------------------------------------------------------------------- layers
def test_quarter_layers_has_the_four_layers(export_set, assessed):
    assert list(export_set) == ["buildings", "quarter", "hectare_grid", "streets"]
    grid = export_set["hectare_grid"]
    assert grid["heat_demand_mwh_per_a"].sum() * 1000 == pytest.approx(
        assessed["useful_heat_kwh_per_a"].sum(), rel=1e-12
    )
    # all three buildings lie next to the 100 m segment: 3 buildings on S1
    assert export_set["streets"]["buildings"].tolist() == [3]


def test_geopackage_round_trip_keeps_figures(export_set, assessed, tmp_path):
    path = export_layers(export_set, tmp_path / "q.gpkg", fmt="gpkg")
    names = [n for n, _ in pyogrio.list_layers(path)]
    assert names == ["buildings", "quarter", "hectare_grid", "streets", "columns"]
    back = pyogrio.read_dataframe(path, layer="buildings")
    assert back.crs.equals("EPSG:25832")
    for column in SUMS:
        assert back[column].sum() == pytest.approx(assessed[column].sum(), rel=1e-9)
    assert back["address"].iloc[0] == TEXT
    assert shapely.equals(back.geometry.to_numpy(), assessed.geometry.to_numpy()).all()
    quarter = pyogrio.read_dataframe(path, layer="quarter")
    assert quarter["name"].iloc[0] == "Süd „Test“ €"
    glossary = pyogrio.read_dataframe(path, layer="columns", read_geometry=False)
    units = dict(zip(glossary["column"], glossary["unit"], strict=False))
    assert units["useful_heat_kwh_per_a"] == "kWh/a"
    assert units["linear_heat_density_kwh_per_m_a"] == "kWh/(m·a)"
    assert _files(tmp_path) == ["q.gpkg"]


def test_geojson_single_layer_and_zip_keep_umlauts(export_set, tmp_path):
    one = export_layers(
        {"buildings": export_set["buildings"]}, tmp_path / "b.geojson", fmt="geojson"
    )
    raw = one.read_text(encoding="utf-8")
    assert TEXT in raw  # written as UTF-8, not as \u escapes
    assert "EPSG::25832" in raw
    back = pyogrio.read_dataframe(one)
    assert back["address"].iloc[0] == TEXT
    assert back.crs.equals("EPSG:25832")

    zipped = export_layers(export_set, tmp_path / "all.zip", fmt="geojson")
    with zipfile.ZipFile(zipped) as zf:
        names = zf.namelist()
        quarter = json.loads(zf.read("quarter.geojson").decode("utf-8"))
    assert names == [
        "buildings.geojson",
        "quarter.geojson",
        "hectare_grid.geojson",
        "streets.geojson",
        "columns.csv",
    ]
    assert quarter["features"][0]["properties"]["name"] == "Süd „Test“ €"
    streets = pyogrio.read_dataframe(f"/vsizip/{zipped}/streets.geojson")
    assert streets["linear_heat_density_kwh_per_m_a"].iloc[0] > 0


def test_geojson_rfc7946_is_in_degrees(export_set, tmp_path):
    path = export_layers(
        {"quarter": export_set["quarter"]},
        tmp_path / "q.geojson",
        fmt="geojson",
        options=FormatOptions(rfc7946=True),
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert 6.0 < lon < 8.0 and 51.0 < lat < 52.0  # near Gelsenkirchen
    assert "crs" not in data


def test_csv_has_bom_wkt_and_points_inside(export_set, assessed, tmp_path):
    path = export_layers({"buildings": export_set["buildings"]}, tmp_path / "b.csv", fmt="csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    assert TEXT.encode("utf-8") in raw
    df = pd.read_csv(path, encoding="utf-8-sig")
    assert df["address"].iloc[0] == TEXT
    geoms = shapely.from_wkt(df["geometry_wkt"].to_numpy())
    assert shapely.area(geoms) == pytest.approx([200.0, 200.0, 200.0])
    inside = shapely.contains_xy(assessed.geometry.to_numpy(), df["x_m"], df["y_m"])
    assert inside.all()
    assert df["useful_heat_kwh_per_a"].sum() == pytest.approx(
        assessed["useful_heat_kwh_per_a"].sum(), rel=1e-9
    )


def test_csv_excel_de_uses_semicolon_and_decimal_comma(export_set, tmp_path):
    data = export_bytes(
        {"grid": export_set["hectare_grid"]}, fmt="csv", options=FormatOptions(csv_style="excel_de")
    )
    text = data.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.split(";")[:2] == ["cell_id", "buildings"]
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert back["heat_density_mwh_per_ha_a"].iloc[0] == pytest.approx(
        export_set["hectare_grid"]["heat_density_mwh_per_ha_a"].iloc[0]
    )
    assert re.search(r";\d+,\d+;", first)  # a decimal comma between separators


def test_export_bytes_formats(export_set):
    gpkg = export_bytes(export_set, fmt="gpkg")
    assert gpkg.startswith(b"SQLite format 3\x00")
    zipped = export_bytes(export_set, fmt="csv")
    assert zipped.startswith(b"PK\x03\x04")
    single = export_bytes({"q": export_set["quarter"]}, fmt="geojson")
    assert json.loads(single)["type"] == "FeatureCollection"
    assert export_name("Quartier 5: Süd/..", fmt="csv", n_layers=4) == "Quartier_5_S_d.zip"
    assert export_name("x", fmt="gpkg", n_layers=4) == "x.gpkg"


def test_several_layers_need_a_zip_and_names_are_safe(export_set, tmp_path):
    with pytest.raises(QuartierGeoError, match=r"\.zip"):
        export_layers(export_set, tmp_path / "all.geojson", fmt="geojson")
    assert _files(tmp_path) == []
    path = export_layers({"../../böse name": export_set["quarter"]}, tmp_path / "x.zip", fmt="csv")
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["b_se_name.csv", "columns.csv"]
    with pytest.raises(QuartierGeoError, match="Exportformat"):
        export_layers(export_set, tmp_path / "x.shp", fmt="shp")  # type: ignore[arg-type]


def test_inputs_are_not_mutated(export_set, assessed, tmp_path):
    before = {name: gdf.copy() for name, gdf in export_set.items()}
    for fmt, name in (("gpkg", "a.gpkg"), ("geojson", "a.zip"), ("csv", "a.zip")):
        export_layers(export_set, tmp_path / name, fmt=fmt)
    map_svg(assessed)
    for name, gdf in export_set.items():
        assert_geodataframe_equal(gdf, before[name])


def test_format_options_refuse_an_unknown_csv_style(export_set, tmp_path):
    with pytest.raises(QuartierGeoError, match="CSV-Stil"):
        FormatOptions(csv_style="tsv")  # type: ignore[arg-type]
    # the CSV style does not touch a GeoJSON file: same bytes with either style
    one = {"quarter": export_set["quarter"]}
    plain = export_bytes(one, fmt="geojson")
    styled = export_bytes(one, fmt="geojson", options=FormatOptions(csv_style="excel_de"))
    assert plain == styled


def test_progress_reaches_one(export_set, tmp_path):
    seen: list[tuple[str, float]] = []
    export_layers(
        export_set, tmp_path / "q.gpkg", fmt="gpkg", progress=lambda s, f: seen.append((s, f))
    )
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert [s for s, _ in seen][:2] == ["buildings", "quarter"]


# ----------------------------------------------------------------------------- atomic
def test_failed_replace_keeps_previous_file(export_set, tmp_path, monkeypatch):
    target = tmp_path / "q.gpkg"
    target.write_bytes(b"previous content")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(StorageError, match="vorherige Datei"):
        export_layers(export_set, target, fmt="gpkg")
    assert target.read_bytes() == b"previous content"
    assert _files(tmp_path) == ["q.gpkg"]  # no temporary file left behind


def test_writer_failing_midway_keeps_previous_file(export_set, tmp_path, monkeypatch):
    target = tmp_path / "q.gpkg"
    export_layers({"quarter": export_set["quarter"]}, target, fmt="gpkg")
    before = target.read_bytes()
    real = pyogrio.write_dataframe
    calls = []

    def flaky(df, path, **kwargs):
        calls.append(kwargs.get("layer"))
        if len(calls) == 3:
            raise RuntimeError("killed mid-write")
        return real(df, path, **kwargs)

    monkeypatch.setattr(files.pyogrio, "write_dataframe", flaky)
    with pytest.raises(RuntimeError, match="mid-write"):
        export_layers(export_set, target, fmt="gpkg")
    assert calls == ["buildings", "quarter", "hectare_grid"]
    assert target.read_bytes() == before
    assert _files(tmp_path) == ["q.gpkg"]
    assert [n for n, _ in pyogrio.list_layers(target)] == ["quarter", "columns"]


def test_atomic_path_refuses_missing_folder_and_writes_bytes(tmp_path):
    with pytest.raises(StorageError, match="Ordner"), atomic_path(tmp_path / "no" / "x.txt"):
        pass
    out = write_bytes_atomic(tmp_path / "x.txt", "ä€".encode())
    assert out.read_text(encoding="utf-8") == "ä€"
    with pytest.raises(StorageError, match="keine Datei"), atomic_path(tmp_path / "y.txt"):
        pass  # nothing written
    assert _files(tmp_path) == ["x.txt"]
    assert not any(name.startswith(".") for name in os.listdir(tmp_path))


# ----------------------------------------------------------------------------- map images
def test_map_svg_classes_legend_scale_and_escaping(assessed):
    b = assessed.copy()
    b["useful_heat_kwh_per_m2a"] = [40.0, 260.0, np.nan]
    svg = map_svg(
        b,
        quarter=shapely.box(X0 - 20, Y0 - 20, X0 + 80, Y0 + 60),
        page=PrintPage(title="<img src=x onerror=alert(1)>", width_px=680, height_px=400),
    )
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert "<img" not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    for text in ("&lt; 50", "50 – 100", "≥ 250", "keine Angabe", "Quartiersgrenze", "kWh/(m²·a)"):
        assert text in svg
    # lowest class (YlOrRd light yellow), highest (dark red) and the missing grey are drawn
    for colour in ('fill="#FFEDA0"', 'fill="#800026"', 'fill="#B4B4B4"'):
        assert colour in svg
    # 100 m wide extent in 500 px (minus padding): a 20 m scale bar
    assert re.search(r">20 m</text>", svg)
    assert "<script" not in svg


def test_map_svg_categorical_and_refuses_degrees(assessed):
    svg = map_svg(assessed, ColourBy("building_type", "Typ", colouring=Colouring(categorical=True)))
    assert 'fill="#E69F00"' in svg  # EFH colour of the palette
    with pytest.raises(QuartierGeoError):
        map_svg(assessed.to_crs("EPSG:4326"))


def test_map_image_svg_and_png(assessed):
    svg = map_image(assessed, fmt="svg", page=PrintPage(width_px=400, height_px=300))
    assert svg.startswith(b"<?xml") and b'xmlns="http://www.w3.org/2000/svg"' in svg
    png = map_image(assessed, fmt="png", page=PrintPage(width_px=400, height_px=300), scale=2)
    image = Image.open(io.BytesIO(png))
    assert image.size == (800, 600)
    grey = np.asarray(image.convert("L"))
    assert (grey < 250).mean() > 0.2  # background, footprints and legend drawn


def test_chart_images_png_and_svg():
    fig = go.Figure(go.Bar(x=["Wärme „A“", "B €"], y=[1, 2]))
    png, png2 = chart_images(
        [fig, fig], options=ImageOptions("png", width_px=300, height_px=200, scale=1)
    )
    assert png.startswith(b"\x89PNG") and png2.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png)).size == (300, 200)
    (svg,) = chart_images([fig], options=ImageOptions("svg", width_px=300, height_px=200))
    assert svg.startswith(b"<svg") and "Wärme „A“".encode() in svg
    with pytest.raises(QuartierGeoError, match="Bildformat"):
        chart_images([fig], options=ImageOptions("gif"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [{"width_px": 0}, {"height_px": -5}, {"scale": 0.0}, {"timeout_s": -1.0}],
)
def test_image_options_refuse_sizes_that_are_not_positive(bad):
    with pytest.raises(QuartierGeoError, match="positiv"):
        ImageOptions("png", **bad)
    assert ImageOptions("png").scale > 0  # the defaults are valid


FORMULAS = [
    '=HYPERLINK("http://evil.example","klick")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "-2+3",
]


@pytest.mark.parametrize("style", ["rfc4180", "excel_de"])
def test_csv_neutralises_spreadsheet_formulas_in_both_styles(assessed, tmp_path, style):
    """OWASP CSV injection: text cells that start a formula get a leading apostrophe; the
    numbers (negative ones too) and ordinary texts stay as they are."""
    rows = assessed.iloc[:3].copy()
    rows["address"] = [FORMULAS[0], FORMULAS[1], "Weg 1"]
    rows["owner_type"] = [FORMULAS[2], FORMULAS[3], "\tTab"]
    rows["co2_t_per_a"] = [-1.5, 2.0, 3.0]
    path = tmp_path / f"x-{style}.csv"
    export_layers({"b": rows}, path, fmt="csv", options=FormatOptions(csv_style=style))
    sep, decimal = (";", ",") if style == "excel_de" else (",", ".")
    back = pd.read_csv(path, sep=sep, decimal=decimal, encoding="utf-8-sig", dtype=str)
    assert back["address"].tolist() == ["'" + FORMULAS[0], "'" + FORMULAS[1], "Weg 1"]
    assert back["owner_type"].tolist() == ["'" + FORMULAS[2], "'" + FORMULAS[3], "'\tTab"]
    assert [float(v.replace(",", ".")) for v in back["co2_t_per_a"]] == [-1.5, 2.0, 3.0]
    assert back["geometry_wkt"].str.startswith("POLYGON").all()
