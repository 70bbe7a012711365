"""The first stage of the upload gate: bytes, extensions and ZIP central directories only."""

from __future__ import annotations

import io
import zipfile

import pytest

from quartier_geo.imports import messages
from quartier_geo.imports.gate import Plan, inspect_zip, looks_like_csv, plan_upload
from quartier_geo.imports.messages import render
from quartier_geo.imports.types import Limits, NeedsChoice, Rejected

LIMITS = Limits()
GEOJSON = b'{"type": "FeatureCollection", "features": []}'


def _zip(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


SHP = {"a.shp": b"x", "a.shx": b"x", "a.dbf": b"x", "a.prj": b"x"}


def _code(result: object) -> str:
    assert isinstance(result, Rejected), result
    return result.code


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "a.geojson", "unreadable_file"),
        (b"<OGRVRTDataSource/>", "a.geojson", "unsupported_format"),
        (b"\xef\xbb\xbf  <OGRVRTDataSource/>", "a.json", "unsupported_format"),
        (b"\xff\xfe{\x00}\x00", "a.geojson", "unreadable_file"),
        (b"x,y\n1,2\n3,4\n", "a.geojson", "unsupported_format"),
        (b"SQLite format 3\x00" + b"\x00" * 100, "a.geojson", "unsupported_format"),
        (b"kein json", "a.geojson", "unreadable_file"),
        (GEOJSON, "a.kml", "unsupported_format"),
        (GEOJSON, "a.vrt", "unsupported_format"),
        (GEOJSON, "pipeline.gdalg.json", "unsupported_format"),
        (GEOJSON, "ohne_endung", "unsupported_format"),
        (b"PK\x03\x04" + b"\x00" * 30, "a.gpkg", "unreadable_file"),
        (b"SQLite format 3\x00" + b"\x00" * 100, "a.gpkg", "no_geometry"),
        (b"{}", "a.zip", "unreadable_file"),
        (b"<?xml version='1.0'?><gml:FeatureCollection/>", "a.gml", "unsupported_format"),
        (b"{}", "a.csv", "unsupported_format"),
    ],
)
def test_sniffing_rejects_with_the_expected_code(data: bytes, name: str, code: str) -> None:
    assert _code(plan_upload(data, name, limits=LIMITS)) == code


def test_sniffing_plans_each_allowed_format() -> None:
    gpkg = b"SQLite format 3\x00" + b"\x00" * 52 + b"GPKG" + b"\x00" * 40
    assert plan_upload(GEOJSON, "a.GeoJSON", limits=LIMITS) == Plan("geojson", "geojson", "geojson")
    assert plan_upload(b"\xef\xbb\xbf" + GEOJSON, "a.json", limits=LIMITS).kind == "geojson"
    assert plan_upload(gpkg, "a.gpkg", limits=LIMITS, layer="x") == Plan(
        "gpkg", "gpkg", "gpkg", layer="x"
    )
    assert plan_upload(b"id;x;y\n1;2;3\n", "a.csv", limits=LIMITS).kind == "csv"
    city = b"<?xml version='1.0'?><core:CityModel xmlns:core='x'/>"
    assert plan_upload(city, "tile.gml", limits=LIMITS).kind == "citygml"


def test_size_limit_and_disabled_formats() -> None:
    small = Limits(max_upload_bytes=10)
    result = plan_upload(GEOJSON, "a.geojson", limits=small)
    assert _code(result) == "too_large"
    assert result.details["size_mb"] > result.details["limit_mb"]
    no_extras = Limits(allow_csv=False, allow_citygml=False)
    assert _code(plan_upload(b"a;b\n1;2\n", "a.csv", limits=no_extras)) == "unsupported_format"
    assert _code(plan_upload(b"<CityModel/>", "a.gml", limits=no_extras)) == "unsupported_format"


def test_zip_with_one_shapefile_in_a_subfolder_is_planned() -> None:
    data = _zip({f"Daten/Gebaeude/{k}": v for k, v in SHP.items()} | {"__MACOSX/._a.shp": b"x"})
    plan = inspect_zip(data, limits=LIMITS)
    assert isinstance(plan, Plan)
    assert plan.kind == "shapefile"
    assert plan.members["shp"] == "Daten/Gebaeude/a.shp"
    assert set(plan.members) == {"shp", "shx", "dbf", "prj"}


def test_zip_with_two_datasets_asks_for_the_layer_and_takes_the_answer() -> None:
    data = _zip(SHP | {k.replace("a.", "b."): v for k, v in SHP.items()})
    choice = inspect_zip(data, limits=LIMITS)
    assert isinstance(choice, NeedsChoice)
    assert choice.parameter == "layer"
    assert [o.value for o in choice.options] == ["a", "b"]
    plan = inspect_zip(data, limits=LIMITS, layer="b")
    assert isinstance(plan, Plan) and plan.members["shp"] == "b.shp"


def test_zip_with_a_geopackage_inside() -> None:
    plan = inspect_zip(_zip({"export/gebaeude.gpkg": b"x"}), limits=LIMITS, layer="tabelle")
    assert isinstance(plan, Plan)
    assert (plan.kind, plan.members["inner"]) == ("gpkg", "export/gebaeude.gpkg")


@pytest.mark.parametrize(
    ("entries", "limits", "code", "text"),
    [
        (
            {f"{i}.txt": b"" for i in range(4)},
            Limits(max_zip_entries=3),
            "archive_limits",
            "4 Einträge",
        ),
        (
            {"a.txt": b"x" * 1000},
            Limits(max_zip_uncompressed_bytes=999),
            "archive_limits",
            "entpackt",
        ),
        ({"a.shp": b"\0" * (2 << 20)}, LIMITS, "archive_limits", "komprimiert"),
        ({"inner.zip": b"x"}, LIMITS, "nested_archive", "inner.zip"),
        ({"data.tar.gz": b"x"}, LIMITS, "nested_archive", "data.tar.gz"),
        ({"../a.shp": b"x"}, LIMITS, "unsafe_archive_names", "../a.shp"),
        ({"/etc/a.shp": b"x"}, LIMITS, "unsafe_archive_names", "/etc/a.shp"),
        ({"C:/a.shp": b"x"}, LIMITS, "unsafe_archive_names", "C:/a.shp"),
        ({"x.vrt": b"<OGRVRTDataSource/>"}, LIMITS, "unsupported_format", "x.vrt"),
        ({"a.dbf": b"x", "a.prj": b"x"}, LIMITS, "shapefile_incomplete", "keine .shp"),
        ({"a.shp": b"x", "a.dbf": b"x"}, LIMITS, "shapefile_incomplete", "a.shx fehlt"),
        ({"readme.txt": b"x"}, LIMITS, "unsupported_format", "keine .shp"),
    ],
)
def test_zip_pre_inspection_rejects(entries, limits, code, text) -> None:
    result = inspect_zip(_zip(entries), limits=limits)
    assert _code(result) == code
    assert text in result.message_de


def test_zip_symlink_and_truncated_archives_are_rejected() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("a.shp")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    assert _code(inspect_zip(buf.getvalue(), limits=LIMITS)) == "unsafe_archive_names"
    valid = _zip(SHP)
    assert _code(inspect_zip(valid[: len(valid) // 2], limits=LIMITS)) == "unreadable_file"


def test_small_entries_may_compress_well() -> None:
    # a DBF of padded fields compresses far beyond 100:1; below 1 MiB it cannot hurt
    plan = inspect_zip(_zip(SHP | {"a.dbf": b" " * 500_000}), limits=LIMITS)
    assert isinstance(plan, Plan)


def test_csv_heuristic_respects_quotes() -> None:
    assert looks_like_csv(b'wkt;name\n"POLYGON((0 0;1 0))";a\n"POINT(1 2)";b\n')
    assert not looks_like_csv(b"one line only, with a comma")


def test_messages_choose_singular_and_plural_and_never_raise() -> None:
    assert render("null_geometry", {"count": 1})[0] == "1 Objekt ohne Geometrie übersprungen"
    assert render("null_geometry", {"count": 3})[0] == "3 Objekte ohne Geometrie übersprungen"
    assert render("non_polygon", {"count": 2, "types": "Point"})[0].startswith(
        "2 Nicht-Flächen ignoriert"
    )
    assert render("shapefile_incomplete", {})[0].startswith("Das Shapefile ist unvollständig: ?")
    assert render("unreadable_file", {"format": "geojson"})[0].startswith(
        "GeoJSON ist unvollständig oder beschädigt"
    )
    assert render("no_such_key")[0] == "no_such_key"


def test_every_message_has_german_and_english() -> None:
    for key, (de, en) in messages.MESSAGES.items():
        assert de and en, key
        assert render(key, {"count": 2})[0] != render(key, {"count": 2})[1] or key == "?"
