"""The optional background map (issue 8 item 5): off by default, a checked XYZ, WMTS or WMS
layer with its attribution when the server names one, hostile values refused."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import geopandas as gpd
import pytest

from quartier_geo.base.settings import read_settings
from quartier_geo.views import maps, tile_map, vector_tiles
from quartier_geo.views.basemap import basemap_from_settings
from quartier_geo.views.classify import ColourBy, Colouring
from quartier_geo.views.map_legend import LegendContent

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
BASEMAP_DE = (
    "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/"
    "default/GLOBAL_WEBMERCATOR/{TileMatrix}/{TileRow}/{TileCol}.png"
)
NRW_DOP = "https://www.wms.nrw.de/geobasis/wms_nw_dop"
ENV = (
    "QUARTIER_BASEMAP",
    "QUARTIER_BASEMAP_TYPE",
    "QUARTIER_BASEMAP_ATTRIBUTION",
    "QUARTIER_BASEMAP_LAYERS",
)


@pytest.fixture(autouse=True)
def _no_basemap(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _all_maps(b: gpd.GeoDataFrame, tmp_path: Path) -> list[str]:
    """The HTML of the quarter map, the region map and the map of every building."""
    colour = ColourBy("useful_heat_kwh_per_a", "Wärmebedarf", colouring=Colouring(k=2))
    quarters = b.assign(quarter_id=[1, 2, 3], name=["A", "B", "C"], municipality="Essen")
    data = vector_tiles.tile_data(b, colour)
    ts = vector_tiles.write_tiles(data, key="k", root=tmp_path)
    return [
        maps.map_html(maps.quarter_map(b, colour)),
        maps.map_html(maps.region_map(quarters, colour)),
        maps.map_html(tile_map.all_buildings_map(ts, LegendContent("W", ts.entries))),
    ]


def _building_frame(three_buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return three_buildings.assign(
        useful_heat_kwh_per_a=[1.0, 2.0, 3.0], address=["W 1", "W 2", "W 3"]
    )


def test_unset_no_external_tile_url_in_any_map(three_buildings, tmp_path) -> None:
    for html in _all_maps(_building_frame(three_buildings), tmp_path):
        assert "L.tileLayer" not in html
        assert not re.findall(r"https?://", html)


def test_xyz_layer_with_its_attribution_in_every_map(
    three_buildings, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("QUARTIER_BASEMAP", OSM)
    monkeypatch.setenv("QUARTIER_BASEMAP_ATTRIBUTION", "© OpenStreetMap contributors")
    for html in _all_maps(_building_frame(three_buildings), tmp_path):
        assert "L.tileLayer(" in html
        assert f'"{OSM}"' in html
        assert '"attribution": "\\u00a9 OpenStreetMap contributors"' in html  # © as JSON


def test_wmts_template_becomes_a_leaflet_template() -> None:
    b = basemap_from_settings(
        read_settings(
            {
                "QUARTIER_BASEMAP": BASEMAP_DE,
                "QUARTIER_BASEMAP_TYPE": "wmts",
                "QUARTIER_BASEMAP_ATTRIBUTION": "© basemap.de / BKG",
            }
        )
    )
    assert b is not None and b.kind == "wmts"
    assert b.url.endswith("/GLOBAL_WEBMERCATOR/{z}/{y}/{x}.png")


def test_wms_layer_with_layers_and_attribution(three_buildings, monkeypatch) -> None:
    monkeypatch.setenv("QUARTIER_BASEMAP", NRW_DOP)
    monkeypatch.setenv("QUARTIER_BASEMAP_TYPE", "wms")
    monkeypatch.setenv("QUARTIER_BASEMAP_LAYERS", "nw_dop_rgb")
    monkeypatch.setenv("QUARTIER_BASEMAP_ATTRIBUTION", "© Geobasis NRW")
    colour = ColourBy("useful_heat_kwh_per_a", "W", colouring=Colouring(k=2))
    html = maps.map_html(maps.quarter_map(_building_frame(three_buildings), colour))
    assert "L.tileLayer.wms(" in html
    assert f'"{NRW_DOP}"' in html
    assert '"layers": "nw_dop_rgb"' in html
    assert '"attribution": "\\u00a9 Geobasis NRW"' in html


def test_attribution_text_is_escaped(three_buildings, monkeypatch) -> None:
    monkeypatch.setenv("QUARTIER_BASEMAP", OSM)
    monkeypatch.setenv("QUARTIER_BASEMAP_ATTRIBUTION", '<img src=x onerror="alert(1)">')
    colour = ColourBy("useful_heat_kwh_per_a", "W", colouring=Colouring(k=2))
    html = maps.map_html(maps.quarter_map(_building_frame(three_buildings), colour))
    assert "<img src=x" not in html
    (raw,) = re.findall(r'"attribution": ("[^"]*")', html)
    assert json.loads(raw) == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"QUARTIER_BASEMAP": "javascript:alert(1)//{z}/{x}/{y}"}, "keine http(s)-Adresse"),
        (
            {"QUARTIER_BASEMAP": 'https://a.example/{z}/{x}/{y}.png"onload="x'},
            "keine http(s)-Adresse",
        ),
        (
            {"QUARTIER_BASEMAP": "https://a.example/{z}/{x}/{y}.png' + alert(1) + '"},
            "keine http(s)-Adresse",
        ),
        (
            {"QUARTIER_BASEMAP": "https://a.example/<script>/{z}/{x}/{y}.png"},
            "keine http(s)-Adresse",
        ),
        ({"QUARTIER_BASEMAP": "https://a.example/{z}/{x}/{y}/{evil}.png"}, "Platzhalter"),
        ({"QUARTIER_BASEMAP": "https://a.example/tiles.png"}, "braucht {z}"),
        ({"QUARTIER_BASEMAP": OSM, "QUARTIER_BASEMAP_TYPE": "tms"}, "erlaubt sind"),
        (
            {
                "QUARTIER_BASEMAP": NRW_DOP,
                "QUARTIER_BASEMAP_TYPE": "wms",
                "QUARTIER_BASEMAP_LAYERS": "a'b",
            },
            "QUARTIER_BASEMAP_LAYERS",
        ),
        ({"QUARTIER_BASEMAP": OSM, "QUARTIER_BASEMAP_ATTRIBUTION": ""}, "ohne Quellenangabe"),
    ],
)
def test_hostile_or_incomplete_values_are_refused_with_a_log_message(
    env: dict[str, str], reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    full = {"QUARTIER_BASEMAP_ATTRIBUTION": "© someone", **env}
    with caplog.at_level(logging.WARNING, logger="quartier_geo.views.basemap"):
        assert basemap_from_settings(read_settings(full)) is None
    (message,) = [r.getMessage() for r in caplog.records]
    assert "Hintergrundkarte (QUARTIER_BASEMAP) abgelehnt" in message
    assert reason in message


def test_a_refused_value_leaves_the_map_without_background(three_buildings, monkeypatch) -> None:
    monkeypatch.setenv("QUARTIER_BASEMAP", "javascript:alert(1)//{z}/{x}/{y}")
    monkeypatch.setenv("QUARTIER_BASEMAP_ATTRIBUTION", "x")
    colour = ColourBy("useful_heat_kwh_per_a", "W", colouring=Colouring(k=2))
    html = maps.map_html(maps.quarter_map(_building_frame(three_buildings), colour))
    assert "L.tileLayer" not in html and "javascript:" not in html
