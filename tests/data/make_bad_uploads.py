"""Write the bad-input corpus of docs/SECURITY.md §3.1 into a folder (at test time).

:func:`write_corpus` returns one :class:`Case` per file with the expected outcome: the
result kind (``rejected``/``accepted``/``choice``), the expected code, and for accepted
files the warning codes that must be present. Nothing generated here is committed; the
test session writes it into a temporary folder. The disguised VRT/GDALG files point at a
canary secret file and at ``/proc/self/environ``; the SSRF files point at a loopback
canary HTTP server, so the tests can prove that nothing was read or fetched.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from tests.data.bad_upload_builders import (
    LAT0,
    LON0,
    X0,
    Y0,
    bomb_zip,
    buildings,
    citygml,
    dump,
    fc,
    feature,
    gpkg,
    lonlat,
    parts,
    shapefile,
    square,
    utm,
    zip_bytes,
)

__all__ = ["Case", "write_corpus"]

NAME = "Büro – „Zeche“ €"
XSS = '<img src=x onerror=alert(1)>${top.document.body.dataset.pwned="x"}'


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # rejected | accepted | choice
    code: str | None = None  # rejected/choice code; for accepted None
    warnings: frozenset[str] = field(default_factory=frozenset)
    codes_allowed: frozenset[str] = field(default_factory=frozenset)  # alternative outcomes


def _geojson_cases(canary: Path, url: str) -> dict[str, tuple[bytes, Case]]:
    ok = [feature(utm(0)), feature(utm(1))]
    vrt = (
        f'<OGRVRTDataSource><OGRVRTLayer name="{canary.stem}"><SrcDataSource>{canary}'
        "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
    )
    environ = vrt.replace(str(canary), "/proc/self/environ")
    vsicurl = vrt.replace(str(canary), f"/vsicurl/{url}/vrt.csv")
    gdalg = {
        "type": "gdal_streamed_alg",
        "command_line": f"gdal vector pipeline ! read {canary} ! "
        "write --of stream streamed_dataset",
        "relative_paths_relative_to_this_file": False,
    }
    bowtie = [[X0, Y0], [X0 + 10, Y0 + 10], [X0 + 10, Y0], [X0, Y0 + 10], [X0, Y0]]
    spike = [
        [X0, Y0],
        [X0 + 10, Y0],
        [X0 + 10, Y0 + 10],
        [X0 + 10, Y0 + 30],
        [X0 + 10, Y0 + 10],
        [X0, Y0 + 10],
        [X0, Y0],
    ]
    hole_outside = {
        "type": "Feature",
        "properties": {"name": "h"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [square(X0, Y0, 1.0), square(X0 + 5, Y0, 1.0)],
        },
    }
    mixed = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [X0, Y0]},
        },
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[X0, Y0], [X0 + 5, Y0]]},
        },
        feature(utm(0)),
        feature([[utm(1)], [utm(2)]], kind="MultiPolygon"),
    ]
    n = 1_000_000
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    big = np.column_stack([X0 + 100 * np.cos(angles), Y0 + 100 * np.sin(angles)]).round(3).tolist()
    star = np.linspace(0, 40 * np.pi, 20_000, endpoint=False)
    zig = (
        np.column_stack(
            [
                X0 + (50 + 40 * (np.arange(20_000) % 2)) * np.cos(star * 7.3),
                Y0 + (50 + 40 * (np.arange(20_000) % 2)) * np.sin(star * 7.3),
            ]
        )
        .round(3)
        .tolist()
    )
    many = [
        {
            "type": "Feature",
            "properties": {"building_type": "EFH", "age_class": "E", "storeys": 2},
            "geometry": {
                "type": "Polygon",
                "coordinates": [square(X0 + 12 * (i % 300), Y0 + 12 * (i // 300), 8.0)],
            },
        }
        for i in range(100_000)
    ]
    gk2 = [
        [2_576_400.0 + dx, 5_708_960.0 + dy]
        for dx, dy in ((0, 0), (10, 0), (10, 20), (0, 20), (0, 0))
    ]
    text = lambda s: s.encode("utf-8")  # noqa: E731
    rej = lambda code, **kw: Case("", "rejected", code, **kw)  # noqa: E731
    acc = lambda *w: Case("", "accepted", None, frozenset(w))  # noqa: E731
    cho = lambda code: Case("", "choice", code)  # noqa: E731
    return {
        "truncated.geojson": (dump(fc(ok, "EPSG:25832"))[:-40], rej("unreadable_file")),
        "not_json.geojson": (b"Hallo Welt, das ist kein JSON", rej("unreadable_file")),
        "empty.geojson": (b"", rej("unreadable_file")),
        "utf16.geojson": (json.dumps(fc(ok)).encode("utf-16"), rej("unreadable_file")),
        "deep_nesting.geojson": (
            b'{"type":"FeatureCollection","features":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            rej("unreadable_file"),
        ),
        "huge_property_20MB.geojson": (
            dump(fc([feature(utm(0), {"x": "A" * 20_000_000})], "EPSG:25832")),
            rej("unreadable_file"),
        ),
        "geojson_array.geojson": (b"[1, 2, 3]", rej("unreadable_file")),
        "empty_fc.geojson": (dump(fc([])), rej("no_features")),
        "nan_token.geojson": (
            text(
                '{"type":"FeatureCollection","features":[{"type":"Feature",'
                '"properties":{},"geometry":{"type":"Polygon","coordinates":'
                f"[[[{LON0},{LAT0}],[NaN,{LAT0}],[{LON0},51.6],[{LON0},{LAT0}]]]}}}}]}}"
            ),
            rej("non_finite_or_out_of_range_coordinates"),
        ),
        "inf_token.geojson": (
            text(
                json.dumps(
                    fc(
                        [
                            feature(lonlat(0)),
                            feature(
                                [[LON0, LAT0], [float("inf"), LAT0], [LON0, 51.6], [LON0, LAT0]]
                            ),
                        ]
                    )
                )
            ),
            rej("non_finite_or_out_of_range_coordinates"),
        ),
        "overflow_1e400.geojson": (
            text(
                '{"type":"FeatureCollection","features":[{"type":"Feature",'
                '"properties":{},"geometry":{"type":"Polygon","coordinates":'
                f"[[[{LON0},{LAT0}],[1e400,{LAT0}],[{LON0},51.6],[{LON0},{LAT0}]]]}}}}]}}"
            ),
            rej("non_finite_or_out_of_range_coordinates"),
        ),
        "huge_1e308.geojson": (
            dump(fc([feature([[LON0, LAT0], [1e308, LAT0], [LON0, 51.6], [LON0, LAT0]])])),
            rej("non_finite_or_out_of_range_coordinates"),
        ),
        "null_geometry.geojson": (
            dump(fc([*ok, {"type": "Feature", "properties": {}, "geometry": None}], "EPSG:25832")),
            acc("null_geometry"),
        ),
        "mixed_types.geojson": (dump(fc(mixed, "EPSG:25832")), acc("non_polygon")),
        "bowtie_selfintersect.geojson": (
            dump(fc([feature(bowtie)], "EPSG:25832")),
            acc("repaired", "area_changed"),
        ),
        "spike.geojson": (dump(fc([feature(spike)], "EPSG:25832")), acc("repaired")),
        "hole_outside_shell.geojson": (
            dump(fc([hole_outside], "EPSG:25832")),
            acc("repaired", "area_changed"),
        ),
        "unclosed_ring.geojson": (
            dump(fc([feature(utm(0)[:-1])], "EPSG:25832")),
            acc("rings_closed"),
        ),
        "two_point_ring.geojson": (
            dump(fc([feature(utm(0)), feature(utm(1)[:2])], "EPSG:25832")),
            acc("degenerate_dropped"),
        ),
        "latlon_swapped.geojson": (
            dump(fc([feature([[y, x] for x, y in lonlat(0)])])),
            cho("axis_swapped"),
        ),
        "utm_no_crs.geojson": (dump(fc(ok)), cho("crs_mismatch")),
        "utm_legacy_crs_25832.geojson": (dump(fc(ok, "urn:ogc:def:crs:EPSG::25832")), acc()),
        "gk2_legacy_crs_31466.geojson": (
            dump(fc([feature(gk2)], "urn:ogc:def:crs:EPSG::31466")),
            acc(),
        ),
        "outside_nrw_berlin.geojson": (
            dump(fc([feature(square(13.4, 52.52, 0.0002))])),
            rej("outside_region"),
        ),
        "bom_utf8.geojson": (b"\xef\xbb\xbf" + dump(fc(ok, "EPSG:25832")), acc()),
        "latin1_bytes.geojson": (
            json.dumps(
                fc([feature(utm(0), {"name": "Müller – „Zeche“ €"})], "EPSG:25832"),
                ensure_ascii=False,
            ).encode("cp1252"),
            acc("encoding_fallback"),
        ),
        "property_named_geometry.geojson": (
            dump(fc([feature(utm(0), {"geometry": "x", "geometry_attr": "y"})], "EPSG:25832")),
            acc(),
        ),
        "xss_names.geojson": (dump(fc([feature(utm(0), {"name": XSS})], "EPSG:25832")), acc()),
        "single_feature.geojson": (
            dump(
                {**feature(utm(0)), "crs": {"type": "name", "properties": {"name": "EPSG:25832"}}}
            ),
            acc(),
        ),
        "point_only.geojson": (dump(fc([mixed[0]], "EPSG:25832")), rej("no_features")),
        "esri_json_disguised.geojson": (
            dump({"geometryType": "esriGeometryPolygon", "features": []}),
            rej("unsupported_format"),
        ),
        "million_vertices.geojson": (
            dump(fc([feature([*big, big[0]])], "EPSG:25832")),
            rej("too_complex"),
        ),
        "selfintersect_20k.geojson": (
            dump(fc([feature([*zig, zig[0]])], "EPSG:25832")),
            rej("too_complex"),
        ),
        "features_100k.geojson": (dump(fc(many, "EPSG:25832")), acc()),
        "vrt_disguised.geojson": (text(vrt), rej("unsupported_format")),
        "vrt_disguised_ws.json": (b"\xef\xbb\xbf \n\t" + text(vrt), rej("unsupported_format")),
        "vrt_etc_passwd.geojson": (text(environ), rej("unsupported_format")),
        "gdalg_disguised.geojson": (dump(gdalg), rej("unsupported_format")),
        "gdalg_disguised.gdalg.json": (dump(gdalg), rej("unsupported_format")),
        "csv_disguised.geojson": (
            text(
                f'WKT,name\n"POLYGON(({X0} {Y0},{X0 + 1} {Y0},{X0} {Y0 + 1},{X0} {Y0}))",x\n'
                f'"POLYGON(({X0} {Y0},{X0 + 2} {Y0},{X0} {Y0 + 2},{X0} {Y0}))",y\n'
            ),
            rej("unsupported_format"),
        ),
        "ssrf_geojson_crs_link.geojson": (
            dump(
                {
                    **fc(ok),
                    "crs": {
                        "type": "link",
                        "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"},
                    },
                }
            ),
            rej("unsafe_crs"),
        ),
        "ssrf_crs_name_url.geojson": (dump(fc(ok, f"{url}/crs-name")), rej("unsafe_crs")),
        "ssrf_vrt_vsicurl.geojson": (text(vsicurl), rej("unsupported_format")),
    }


def _zip_cases(tmp: Path, canary: Path) -> dict[str, tuple[bytes, Case]]:
    base = shapefile(buildings(), tmp / "base", "gebaeude")
    named = shapefile(buildings(3, [NAME, "Straße", "Ärztehaus"]), tmp / "cp", "gebaeude", "cp1252")
    latin = shapefile(buildings(2, ["Müller", "Größe"]), tmp / "latin", "gebaeude", "latin1")
    prefixed = shapefile(
        buildings().to_crs("EPSG:4647").set_crs("EPSG:25832", allow_override=True),
        tmp / "pre",
        "gebaeude",
    )
    points = shapefile(
        gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(X0, Y0)], crs="EPSG:25832"),
        tmp / "pts",
        "punkte",
    )
    nocpg = parts(named, skip=("cpg",))
    lying = {**nocpg, "gebaeude.cpg": b"UTF-8"}
    latin1_c1 = {**nocpg, "gebaeude.cpg": b"ISO-8859-1"}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("gebaeude.shp")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
        for k in ("shx", "dbf"):
            zf.writestr(f"gebaeude.{k}", base[k])
    valid = zip_bytes(parts(base))
    many = zip_bytes({f"f{i}.txt": b"" for i in range(20_000)})
    rej = lambda code: Case("", "rejected", code)  # noqa: E731
    acc = lambda *w: Case("", "accepted", None, frozenset(w))  # noqa: E731
    return {
        "shp_ok.zip": (valid, acc()),
        "shp_no_prj.zip": (
            zip_bytes(parts(base, skip=("prj",))),
            Case("", "choice", "crs_missing"),
        ),
        "shp_no_dbf.zip": (zip_bytes(parts(base, skip=("dbf", "cpg"))), acc("no_attributes")),
        "shp_no_shx.zip": (zip_bytes(parts(base, skip=("shx",))), rej("shapefile_incomplete")),
        "shp_only_dbf.zip": (zip_bytes({"gebaeude.dbf": base["dbf"]}), rej("shapefile_incomplete")),
        "zip_truncated.zip": (valid[: len(valid) // 2], rej("unreadable_file")),
        "zip_in_zip.zip": (zip_bytes({"inner.zip": valid}), rej("nested_archive")),
        "shp_in_subfolder.zip": (
            zip_bytes({f"Daten/Gebaeude/{k}": v for k, v in parts(base).items()}),
            acc(),
        ),
        "two_layers.zip": (
            zip_bytes({**parts(base), **parts(base, "nebengebaeude")}),
            Case("", "choice", "layer_choice"),
        ),
        "shp_no_cpg_cp1252.zip": (zip_bytes(nocpg), acc("encoding_fallback")),
        "shp_cpg_lies_utf8.zip": (zip_bytes(lying), acc("encoding_fallback")),
        "shp_cpg_latin1_means_cp1252.zip": (zip_bytes(latin1_c1), acc("encoding_fallback")),
        "shp_latin1_no_cpg.zip": (zip_bytes(parts(latin, skip=("cpg",))), acc("encoding_fallback")),
        "shp_4647_labelled_25832.zip": (zip_bytes(parts(prefixed)), acc("crs_zone_prefix")),
        "shp_points_only.zip": (zip_bytes(parts(points, "punkte")), rej("no_features")),
        "bomb_geojson_1GiB.zip": (bomb_zip("bomb.geojson"), rej("archive_limits")),
        "bomb_shp_1GiB.zip": (bomb_zip("x.shp"), rej("archive_limits")),
        "many_entries_20k.zip": (many, rej("archive_limits")),
        "shp_path_traversal_names.zip": (
            zip_bytes({f"../../{k}": v for k, v in parts(base).items()}),
            rej("unsafe_archive_names"),
        ),
        "zip_absolute_names.zip": (
            zip_bytes({f"/tmp/{k}": v for k, v in parts(base).items()}),
            rej("unsafe_archive_names"),
        ),
        "zip_symlink.zip": (buf.getvalue(), rej("unsafe_archive_names")),
        "vrt_in_zip.zip": (
            zip_bytes(
                {
                    "daten.vrt": (
                        f"<OGRVRTDataSource><OGRVRTLayer name='x'><SrcDataSource>"
                        f"{canary}</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
                    ).encode()
                }
            ),
            rej("unsupported_format"),
        ),
        "zip_empty.zip": (b"PK\x05\x06" + b"\0" * 18, rej("unreadable_file")),
    }


def _gpkg_cases(tmp: Path) -> dict[str, tuple[bytes, Case]]:
    good = gpkg(tmp, "good.gpkg").read_bytes()
    two = gpkg(tmp, "two.gpkg", layers=2).read_bytes()
    plain = tmp / "plain.sqlite"
    con = sqlite3.connect(plain)
    con.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    con.execute("INSERT INTO t VALUES (1, 'x')")
    con.commit()
    con.close()
    view = tmp / "view.gpkg"
    view.write_bytes(good)
    con = sqlite3.connect(view)
    con.execute("CREATE VIEW v AS SELECT * FROM layer0")
    con.execute("UPDATE gpkg_contents SET table_name = 'v' WHERE table_name = 'layer0'")
    con.commit()
    con.close()
    attrs = tmp / "attributes.gpkg"
    gpd.pd.DataFrame({"a": [1, 2]}).pipe(lambda df: gpd.GeoDataFrame(df)).to_file(
        attrs, layer="table", engine="pyogrio"
    )
    corrupt = bytearray(good)
    middle = (len(corrupt) // 4096 // 2) * 4096
    corrupt[middle : middle + 4096] = os.urandom(4096)
    rng = np.random.default_rng(7)
    rej = lambda code: Case("", "rejected", code)  # noqa: E731
    return {
        "truncated_half.gpkg": (good[: len(good) // 2], rej("unreadable_file")),
        "truncated_4k.gpkg": (good[:4096], rej("unreadable_file")),
        "random_bytes.gpkg": (rng.bytes(20_000), rej("unreadable_file")),
        "zero_bytes.gpkg": (b"", rej("unreadable_file")),
        "plain_sqlite.gpkg": (plain.read_bytes(), rej("no_geometry")),
        "corrupt_page.gpkg": (
            bytes(corrupt),
            Case("", "rejected", "unreadable_file", codes_allowed=frozenset({"accepted"})),
        ),
        "two_layers.gpkg": (two, Case("", "choice", "layer_choice")),
        "view_layer.gpkg": (view.read_bytes(), rej("unsupported_format")),
        "attributes_only.gpkg": (attrs.read_bytes(), rej("no_geometry")),
    }


def _other_cases(canary: Path, url: str) -> dict[str, tuple[bytes, Case]]:
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file://{canary}">]>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>&xxe;</name></Document></kml>'
    )
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        + "]>\n<lolz>&lol9;</lolz>"
    )
    city_xxe = citygml(
        prolog=f'<!DOCTYPE core:CityModel [<!ENTITY xxe SYSTEM "file://{canary}">]>\n',
        body_extra="<gml:name>&xxe;</gml:name>",
    )
    city_laughs = citygml(
        prolog=laughs.split("\n")[1].replace("lolz", "core:CityModel") + "\n",
        body_extra="<gml:name>&lol9;</gml:name>",
    )
    gml = (
        '<?xml version="1.0"?><ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:gml="http://www.opengis.net/gml" '
        f'xsi:schemaLocation="http://ogr.maptools.org/ {url}/schema.xsd"></ogr:FeatureCollection>'
    )
    csv_latin = f"id;lon;lat;name\n1;{LON0};{LAT0};{NAME}\n".encode("cp1252")
    rej = lambda code: Case("", "rejected", code)  # noqa: E731
    return {
        "xxe.kml": (xxe.encode(), rej("unsupported_format")),
        "billion_laughs.kml": (laughs.encode(), rej("unsupported_format")),
        "xxe_citygml.gml": (city_xxe.encode(), rej("unsafe_xml")),
        "billion_laughs_citygml.gml": (city_laughs.encode(), rej("unsafe_xml")),
        "ssrf_gml_schema.gml": (gml.encode(), rej("unsupported_format")),
        "citygml_schema_location.gml": (
            citygml(
                f'xsi:schemaLocation="http://www.opengis.net/citygml/1.0 {url}/city.xsd"'
            ).encode(),
            Case("", "accepted"),
        ),
        "citygml_truncated.gml": (citygml().encode()[:-60], rej("unreadable_file")),
        "csv_no_coordinates.csv": (b"id;name\n1;a\n2;b\n", rej("no_geometry")),
        "csv_latin1.csv": (
            csv_latin,
            Case("", "accepted", None, frozenset({"encoding_fallback", "point_footprint"})),
        ),
        "csv_utf16.csv": ("id,lon,lat\n1,7.1,51.5\n".encode("utf-16"), rej("unreadable_file")),
        "csv_xy_decimal_comma.csv": (
            f"id;Rechtswert;Hochwert\n1;{X0:.0f},5;{Y0:.0f},25\n".encode(),
            Case("", "choice", "crs_missing"),
        ),
        "program.exe": (b"MZ\x90\x00" + os.urandom(200), rej("unsupported_format")),
        "no_extension": (b'{"type":"FeatureCollection","features":[]}', rej("unsupported_format")),
        "oversize.geojson": (b"{" + b" " * (50 * 1024 * 1024), rej("too_large")),
    }


def write_corpus(folder: Path, *, canary: Path, url: str) -> list[tuple[Path, Case]]:
    """Write every corpus file into ``folder``; return (path, expected case) pairs.

    Parameters
    ----------
    canary
        A secret file the disguised VRT/GDALG/XXE inputs try to read.
    url
        Base URL of the loopback canary HTTP server the SSRF inputs point at.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "_work"
    shutil.rmtree(tmp, ignore_errors=True)
    cases = {
        **_geojson_cases(canary, url),
        **_zip_cases(tmp, canary),
        **_gpkg_cases(tmp),
        **_other_cases(canary, url),
    }
    out = []
    for name, (data, case) in sorted(cases.items()):
        path = folder / name
        path.write_bytes(data)
        out.append((path, Case(name, case.kind, case.code, case.warnings, case.codes_allowed)))
    return out
