"""The bad-input corpus of docs/SECURITY.md §3.1: one test per file, invariants (a)–(e).

(a) a domain result with the expected code (or the expected warnings), never an exception;
(c) the workspace database is byte-identical after a reject and no import file appears;
(d) the worker's wall time ≤ 20 s and peak RSS ≤ 1.5 GiB, as the worker reports them;
(e) neither the canary secret file's content nor the canary environment variable appears
    anywhere in the result, and the loopback canary HTTP server receives no request
    (crs links, /vsicurl/, GML/CityGML schema locations).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import ClassVar

import pytest

from quartier_geo.data.reference import load_reference
from quartier_geo.data.store import open_workspace
from quartier_geo.imports.pipeline import ImportOptions, inspect_upload
from quartier_geo.imports.pool import WorkerPool
from quartier_geo.imports.saved import imports_dir
from quartier_geo.imports.types import Accepted, NeedsChoice, Rejected
from tests.data.make_bad_uploads import Case, write_corpus

#: The reference tables, loaded once for the module (the importers take them explicitly).
REF = load_reference()

SECRET = "CANARY-FILE-7f3a9c"
ENV_SECRET = "CANARY-ENV-51d2e8"
WALL_LIMIT_S = 20.0
RSS_LIMIT_MB = 1536.0


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = f"{SECRET}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture(scope="session")
def canary_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Canary.hits
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def canary_env():
    previous = os.environ.get("QUARTIER_CANARY_SECRET")
    os.environ["QUARTIER_CANARY_SECRET"] = ENV_SECRET
    yield ENV_SECRET
    if previous is None:
        os.environ.pop("QUARTIER_CANARY_SECRET", None)
    else:
        os.environ["QUARTIER_CANARY_SECRET"] = previous


@pytest.fixture(scope="session")
def corpus_pool(canary_env):
    with WorkerPool() as pool:  # started after the canary variable is set
        yield pool


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, canary_server) -> dict[str, tuple[Path, Case]]:
    folder = tmp_path_factory.mktemp("bad_uploads")
    secret = folder.parent / "canary_secret.csv"
    secret.write_text(f"id,secret\n1,{SECRET}\n", encoding="utf-8")
    url, _hits = canary_server
    return {p.name: (p, c) for p, c in write_corpus(folder, canary=secret, url=url)}


@pytest.fixture(scope="session")
def workspace(tmp_path_factory):
    return open_workspace(tmp_path_factory.mktemp("ws") / "quartiere.sqlite")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _text_of(result: object) -> str:
    """Everything a result carries, as text, to search for the canaries."""
    if isinstance(result, Accepted):
        parts = [
            json.dumps(result.report, default=str),
            repr(result.warnings),
            repr(result.fills),
            repr(result.problems),
            repr(result.mapping),
        ]
        for frame in (result.features, result.buildings):
            if frame is not None:
                parts.append(frame.drop(columns="geometry").astype(str).to_csv())
        return "\n".join(parts)
    return repr(result)


NAMES = sorted(
    [
        "attributes_only.gpkg",
        "billion_laughs.kml",
        "billion_laughs_citygml.gml",
        "bom_utf8.geojson",
        "bomb_geojson_1GiB.zip",
        "bomb_shp_1GiB.zip",
        "bowtie_selfintersect.geojson",
        "citygml_schema_location.gml",
        "citygml_truncated.gml",
        "corrupt_page.gpkg",
        "csv_disguised.geojson",
        "csv_latin1.csv",
        "csv_no_coordinates.csv",
        "csv_utf16.csv",
        "csv_xy_decimal_comma.csv",
        "deep_nesting.geojson",
        "empty.geojson",
        "empty_fc.geojson",
        "esri_json_disguised.geojson",
        "features_100k.geojson",
        "gdalg_disguised.gdalg.json",
        "gdalg_disguised.geojson",
        "geojson_array.geojson",
        "gk2_legacy_crs_31466.geojson",
        "hole_outside_shell.geojson",
        "huge_1e308.geojson",
        "huge_property_20MB.geojson",
        "inf_token.geojson",
        "latin1_bytes.geojson",
        "latlon_swapped.geojson",
        "many_entries_20k.zip",
        "million_vertices.geojson",
        "mixed_types.geojson",
        "nan_token.geojson",
        "no_extension",
        "not_json.geojson",
        "null_geometry.geojson",
        "outside_nrw_berlin.geojson",
        "overflow_1e400.geojson",
        "oversize.geojson",
        "plain_sqlite.gpkg",
        "point_only.geojson",
        "program.exe",
        "property_named_geometry.geojson",
        "random_bytes.gpkg",
        "selfintersect_20k.geojson",
        "shp_4647_labelled_25832.zip",
        "shp_cpg_latin1_means_cp1252.zip",
        "shp_cpg_lies_utf8.zip",
        "shp_in_subfolder.zip",
        "shp_latin1_no_cpg.zip",
        "shp_no_cpg_cp1252.zip",
        "shp_no_dbf.zip",
        "shp_no_prj.zip",
        "shp_no_shx.zip",
        "shp_ok.zip",
        "shp_only_dbf.zip",
        "shp_path_traversal_names.zip",
        "shp_points_only.zip",
        "single_feature.geojson",
        "spike.geojson",
        "ssrf_crs_name_url.geojson",
        "ssrf_geojson_crs_link.geojson",
        "ssrf_gml_schema.gml",
        "ssrf_vrt_vsicurl.geojson",
        "truncated.geojson",
        "truncated_4k.gpkg",
        "truncated_half.gpkg",
        "two_layers.gpkg",
        "two_layers.zip",
        "two_point_ring.geojson",
        "unclosed_ring.geojson",
        "utf16.geojson",
        "utm_legacy_crs_25832.geojson",
        "utm_no_crs.geojson",
        "view_layer.gpkg",
        "vrt_disguised.geojson",
        "vrt_disguised_ws.json",
        "vrt_etc_passwd.geojson",
        "vrt_in_zip.zip",
        "xss_names.geojson",
        "xxe.kml",
        "xxe_citygml.gml",
        "zero_bytes.gpkg",
        "zip_absolute_names.zip",
        "zip_empty.zip",
        "zip_in_zip.zip",
        "zip_symlink.zip",
        "zip_truncated.zip",
    ]
)


def test_canaries_would_catch_a_leak(corpus, canary_server) -> None:
    """Without the gate, GDAL itself reads the canary (so the invariants have teeth)."""
    url, hits = canary_server
    env = {k: v for k, v in os.environ.items() if k != "GDAL_SKIP"}
    code = (
        "import sys, pyogrio\n"
        "for p in sys.argv[1:]:\n"
        "    try: print(pyogrio.read_dataframe(p).to_csv())\n"
        "    except Exception as e: print(type(e).__name__)\n"
    )
    files = [str(corpus[n][0]) for n in ("vrt_disguised.geojson", "gdalg_disguised.geojson")]
    out = subprocess.run(
        [sys.executable, "-c", code, *files],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    assert out.count(SECRET) == 2
    with urllib.request.urlopen(f"{url}/probe", timeout=5) as response:
        assert SECRET in response.read().decode()
    assert hits == ["/probe"]
    hits.clear()


def test_corpus_lists_every_generated_file(corpus) -> None:
    assert sorted(corpus) == NAMES
    assert len(NAMES) >= 40


@pytest.mark.parametrize("name", NAMES)
def test_bad_upload(name, corpus, corpus_pool, canary_server, canary_env, workspace) -> None:
    path, case = corpus[name]
    _url, hits = canary_server
    before = _digest(workspace.path)
    result = inspect_upload(
        path.read_bytes(), path.name, ref=REF, pool=corpus_pool
    )  # (a) must not raise

    assert isinstance(result, Accepted | Rejected | NeedsChoice)
    if result.kind in case.codes_allowed:
        pass
    elif case.kind == "accepted":
        assert isinstance(result, Accepted), result
        assert case.warnings <= {w.code for w in result.warnings}
        assert result.buildings is not None and len(result.buildings) > 0, result.problems
    else:
        assert result.kind == case.kind, result
        assert result.code == case.code, result
        assert result.message_de and result.message_en

    if isinstance(result, Rejected):  # (c)
        assert _digest(workspace.path) == before
        assert not imports_dir(workspace).exists() or not any(imports_dir(workspace).iterdir())

    details = result.report if isinstance(result, Accepted) else result.details
    worker = details.get("worker")
    if worker is not None:  # (d) the worker ran and reported its figures
        assert 0 < worker["wall_s"] <= WALL_LIMIT_S
        assert 0 < worker["maxrss_mb"] <= RSS_LIMIT_MB

    if name == "features_100k.geojson":  # the 10 s target is measured in bench_import.py
        stages = result.report["stages"]
        assert {"worker_s", "mapping_s"} <= set(stages) and min(stages.values()) >= 0

    text = _text_of(result)  # (e)
    assert SECRET not in text
    assert canary_env not in text
    assert hits == [], f"canary server was contacted: {hits}"


def test_encoding_cases_round_trip_exactly(corpus, corpus_pool) -> None:
    expected = {
        "shp_no_cpg_cp1252.zip": "Büro – „Zeche“ €",
        "shp_cpg_lies_utf8.zip": "Büro – „Zeche“ €",
        "shp_cpg_latin1_means_cp1252.zip": "Büro – „Zeche“ €",
        "shp_latin1_no_cpg.zip": "Müller",
        "latin1_bytes.geojson": "Müller – „Zeche“ €",
        "csv_latin1.csv": "Büro – „Zeche“ €",
    }
    for name, text in expected.items():
        path, _case = corpus[name]
        result = inspect_upload(path.read_bytes(), path.name, ref=REF, pool=corpus_pool)
        assert isinstance(result, Accepted)
        assert result.features["name"].iloc[0] == text, name


def test_repaired_geometries_and_choices_can_be_answered(corpus, corpus_pool) -> None:
    path, _ = corpus["hole_outside_shell.geojson"]
    hole = inspect_upload(path.read_bytes(), path.name, ref=REF, pool=corpus_pool)
    assert hole.features.geometry.area.sum() == pytest.approx(2.0)  # 0 → 2 units²
    path, _ = corpus["latlon_swapped.geojson"]
    swapped = inspect_upload(
        path.read_bytes(),
        path.name,
        ref=REF,
        options=ImportOptions(swap_axes=True),
        pool=corpus_pool,
    )
    assert isinstance(swapped, Accepted) and "axes_swapped" in {w.code for w in swapped.warnings}
    path, _ = corpus["utm_no_crs.geojson"]
    choice = inspect_upload(path.read_bytes(), path.name, ref=REF, pool=corpus_pool)
    assert "Koordinaten sehen nach ETRS89/UTM 32N (EPSG:25832) aus" in choice.message_de
    fixed = inspect_upload(
        path.read_bytes(),
        path.name,
        ref=REF,
        options=ImportOptions(crs=choice.options[0].value),
        pool=corpus_pool,
    )
    assert isinstance(fixed, Accepted) and fixed.report["crs_source"] == "EPSG:25832"
    path, _ = corpus["two_layers.zip"]
    layer = inspect_upload(
        path.read_bytes(),
        path.name,
        ref=REF,
        options=ImportOptions(layer="nebengebaeude"),
        pool=corpus_pool,
    )
    assert isinstance(layer, Accepted) and layer.layer == "nebengebaeude"


def test_xss_names_are_stored_raw(corpus, corpus_pool) -> None:
    path, _ = corpus["xss_names.geojson"]
    result = inspect_upload(path.read_bytes(), path.name, ref=REF, pool=corpus_pool)
    assert result.features["name"].iloc[0].startswith("<img src=x onerror=alert(1)>${top.")
