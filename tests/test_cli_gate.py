"""The command line reads files only through the upload gate (issue #7 item 6): `--layer`
is honoured, nothing named in a file is fetched, hostile geometry is refused cleanly."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tests.test_cli import run


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'{"type": "name", "properties": {"name": "EPSG:25832"}}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    _Canary.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/crs.json", _Canary.hits
    server.shutdown()
    server.server_close()


def _feature(coords: list[list[float]], **props: object) -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [coords]},
    }


def _square(x: float, y: float, size: float = 10.0) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


PROPS = {"building_type": "EFH", "age_class": "E", "storeys": 2}


def test_layer_option_analyses_the_named_layer(tmp_path: Path, three_buildings) -> None:
    """Layer 'good' (3 buildings) comes after layer 'other' (1 building) in the file."""
    path = tmp_path / "zwei.gpkg"
    three_buildings.iloc[:1].to_file(path, layer="other", engine="pyogrio")
    three_buildings.to_file(path, layer="good", engine="pyogrio", mode="a")
    res = run("analyse", str(path), "--layer", "good", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["summary"]["buildings"] == 3
    other = run("analyse", str(path), "--layer", "other", "--format", "json")
    assert json.loads(other.stdout)["summary"]["buildings"] == 1
    asked = run("analyse", str(path), "--format", "json")  # two layers: the user must choose
    assert asked.returncode == 2 and "--layer" in asked.stderr


@pytest.mark.parametrize("command", ["analyse", "report"])
def test_a_crs_link_in_the_file_is_never_fetched(tmp_path: Path, canary, command: str) -> None:
    url, hits = canary
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "link", "properties": {"href": url, "type": "proj4"}},
        "features": [_feature(_square(365_000, 5_707_000), **PROPS)],
    }
    path = tmp_path / "link.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    args = [command, str(path)] + (
        ["--out", str(tmp_path / "x.html")] if command == "report" else []
    )
    res = run(*args)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert hits == []


@pytest.mark.parametrize("command", ["analyse", "report"])
def test_huge_coordinates_are_refused_with_a_message(tmp_path: Path, command: str) -> None:
    coords = _square(365_000, 5_707_000)
    coords[1] = [1e308, 5_707_000]
    doc = {"type": "FeatureCollection", "features": [_feature(coords, **PROPS)]}
    path = tmp_path / "gross.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    args = [command, str(path)] + (
        ["--out", str(tmp_path / "x.html")] if command == "report" else []
    )
    res = run(*args)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "Koordinat" in res.stderr


def test_a_million_vertex_polygon_is_refused_before_parsing_it_fully(tmp_path: Path) -> None:
    angle = np.linspace(0, 2 * np.pi, 1_000_001)
    ring = shapely.Polygon(
        np.column_stack([365_000 + 50 * np.cos(angle), 5_707_000 + 50 * np.sin(angle)])
    )
    gdf = gpd.GeoDataFrame([PROPS], geometry=[ring], crs="EPSG:25832")
    path = tmp_path / "viele.geojson"
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
    assert shapely.get_num_coordinates(ring) > 1_000_000
    res = run("report", str(path), "--out", str(tmp_path / "x.html"))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "x.html").exists()
