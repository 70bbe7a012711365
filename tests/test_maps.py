"""Map builders: local assets, escaping, colours per class, reprojection, blocks, SVG."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from quartier_geo.base.errors import CrsError, QuartierGeoError
from quartier_geo.views import maps
from quartier_geo.views.classify import ColourBy, Colouring, assign_classes, class_breaks
from quartier_geo.views.map_assets import external_urls
from quartier_geo.views.map_layers import FastGeoJson, FeatureProps, features_json
from quartier_geo.views.map_legend import Legend
from quartier_geo.views.map_options import (
    DEFAULT_INFO,
    BlockValues,
    Display,
    FeatureInfo,
    MapContext,
)
from quartier_geo.views.palette import BUILDING_TYPE_COLORS, MISSING_COLOR, sequential

X0, Y0 = 365_000.0, 5_707_000.0
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "${top.document.body.dataset.pwned='x'}",
    "`+(alert(1))+`",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]
CDN_HOSTS = ("cdn.jsdelivr", "cdnjs", "code.jquery", "netdna", "unpkg", "openstreetmap")


class _Attrs(HTMLParser):
    """src/href of real tags (script content is not parsed as tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def tag_urls(html: str) -> list[str]:
    parser = _Attrs()
    parser.feed(html)
    return parser.urls


def layers(m: folium.Map, cls: type) -> list:
    return [c for c in m._children.values() if isinstance(c, cls)]


def decoded(layer: FastGeoJson) -> dict:
    """The layer's FeatureCollection with each feature's coordinates in degrees."""
    data = json.loads(layer.data)
    x0, y0, scale = data["qg_origin"]
    for f in data["features"]:
        geometry = shapely.from_geojson(json.dumps(f["geometry"]))
        xy = shapely.get_coordinates(geometry)
        f["lonlat"] = np.column_stack([xy[:, 0] + x0, xy[:, 1] + y0]) / scale
    return data


@pytest.fixture
def buildings(three_buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    b = three_buildings.copy()
    b["useful_heat_kwh_per_a"] = [12_000.0, 45_000.4, np.nan]
    b["address"] = ["Hauptstraße 1", PAYLOADS[0], PAYLOADS[1]]
    b["block_id"] = [7, 7, 7]
    return b


@pytest.fixture
def quarter() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"quarter_id": [4], "name": ["Rotthausen"], "municipality": ["Gelsenkirchen"]},
        geometry=[shapely.box(X0 - 50, Y0 - 50, X0 + 100, Y0 + 80)],
        crs="EPSG:25832",
    )


def heat_map(
    b: gpd.GeoDataFrame,
    *,
    k: int = 5,
    note: str | None = None,
    info: FeatureInfo = DEFAULT_INFO,
    **options: Any,
) -> folium.Map:
    """Heat demand map with two tooltip lines; ``options`` are ``context`` and ``display``."""
    tooltip = [("address", "Adresse"), ("useful_heat_kwh_per_a", "Wärmebedarf")]
    colour = ColourBy(
        "useful_heat_kwh_per_a", "Wärmebedarf", colouring=Colouring(k=k), unit="kWh/a", note=note
    )
    return maps.quarter_map(b, colour, info=dataclasses.replace(info, tooltip=tooltip), **options)


def test_quarter_map_uses_local_leaflet_no_tiles(buildings, quarter) -> None:
    html = maps.map_html(heat_map(buildings, context=MapContext(quarter=quarter)))
    assert not any(host in html for host in CDN_HOSTS)
    assert '<script src="/app/static/vendor/leaflet/leaflet.js">' in html
    assert 'href="/app/static/vendor/leaflet/leaflet.css"' in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    assert '"maxZoom": 19' in html and '"preferCanvas": true' in html
    assert "L.tileLayer" not in html
    assert "imperial: false" in html  # metric scale bar


def test_localise_does_not_touch_folium_class_defaults(buildings) -> None:
    before = list(folium.Map.default_js), list(folium.Map.default_css)
    m = heat_map(buildings, display=Display(assets="st_folium", base_url="/static/x/"))
    assert (list(folium.Map.default_js), list(folium.Map.default_css)) == before
    urls = [u for _, u in m.default_js + m.default_css]
    assert "/static/x/jquery/jquery.min.js" in urls
    assert "/static/x/bootstrap/bootstrap.bundle.min.js" in urls
    assert all(u.startswith("/static/x/") for u in urls)
    with pytest.raises(ValueError):
        maps.localise(folium.Map(tiles=None), assets="cdn")  # type: ignore[arg-type]


def test_inline_variant_has_no_external_or_server_url(buildings, quarter) -> None:
    html = maps.map_html(heat_map(buildings, context=MapContext(quarter=quarter)), inline=True)
    urls = tag_urls(html)
    assert urls == []  # no src= or href= on any tag: everything is in the page
    assert "L.geoJSON" in html and "Leaflet" in html  # the library itself is inlined
    assert "data:image/png;base64," in html  # CSS images as data URIs
    assert len(html) > 150_000


def test_map_html_refuses_cdn_assets(buildings) -> None:
    m = heat_map(buildings)
    folium.plugins.Fullscreen().add_to(m)  # a plugin that loads its JS from a CDN
    with pytest.raises(QuartierGeoError, match="Internet"):
        maps.map_html(m)
    assert external_urls('<script src="https://x/y.js"></script><a href="https://ok">') == [
        "https://x/y.js"
    ]


def test_payloads_only_escaped_in_html(buildings, quarter) -> None:
    b = buildings.copy()
    b["address"] = PAYLOADS[:3]
    q = quarter.assign(name=PAYLOADS[3], municipality=PAYLOADS[4], phase=PAYLOADS[5])
    pages = [
        maps.map_html(
            heat_map(
                b,
                context=MapContext(quarter=q),
                info=FeatureInfo(title_column="address"),
                note=PAYLOADS[2],
            ),
        ),
        maps.map_html(
            maps.region_map(
                q,
                ColourBy(
                    "phase",
                    PAYLOADS[1],
                    colouring=Colouring(labels={PAYLOADS[5]: PAYLOADS[0]}),
                    unit=PAYLOADS[2],
                ),
                info=FeatureInfo(tooltip=[("name", PAYLOADS[4])]),
            )
        ),
        maps.map_html(
            maps.quarter_map(
                b,
                ColourBy(
                    "address",
                    PAYLOADS[4],
                    colouring=Colouring(categorical=True, labels={p: p for p in PAYLOADS}),
                ),
                context=MapContext(layers={PAYLOADS[3]: q}),
                info=FeatureInfo(tooltip=[("address", PAYLOADS[0])]),
            )
        ),
    ]
    for html in pages:
        for raw in ("<img src=x", "${", "`+(", "<svg onload", "</script><script>alert"):
            assert raw not in html
        assert "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[0]
    assert "&#36;{top.document.body.dataset.pwned=" in pages[0]


def test_colours_per_class_match_assign_classes(buildings) -> None:
    m = heat_map(buildings, k=2)
    (layer,) = layers(m, FastGeoJson)
    values = buildings["useful_heat_kwh_per_a"].to_numpy()
    breaks = class_breaks(values, method="quantiles", k=2)
    expected = assign_classes(values, breaks)
    features = decoded(layer)["features"]
    assert [f["properties"]["c"] for f in features] == expected.tolist() == [0, 1, -1]
    assert layer.js_options["colors"] == sequential(len(breaks) - 1, scheme="ylorrd")
    assert layer.js_options["missing"] == MISSING_COLOR
    assert [f["properties"]["i"] for f in features] == ["a", "b", "c"]
    assert features[1]["properties"]["v"] == ["&lt;img src=x onerror=alert(1)&gt;", "45.000"]
    (legend,) = layers(m, Legend)
    assert "Wärmebedarf (kWh/a)" in legend.html and "keine Angabe" in legend.html
    assert "12.000 – 45.000" in legend.html  # German number format


def test_categorical_colours_from_palette(buildings) -> None:
    m = maps.quarter_map(
        buildings, ColourBy("building_type", "Typ", colouring=Colouring(categorical=True))
    )
    (layer,) = layers(m, FastGeoJson)
    colors = layer.js_options["colors"]
    got = [colors[f["properties"]["c"]] for f in decoded(layer)["features"]]
    assert got == [BUILDING_TYPE_COLORS[t] for t in buildings["building_type"]]


def test_reprojection_to_lon_lat(buildings) -> None:
    point = gpd.GeoDataFrame({"name": ["P"]}, geometry=[shapely.Point(X0, Y0)], crs="EPSG:25832")
    m = heat_map(buildings, context=MapContext(layers={"potentials": point}))
    layer = next(x for x in layers(m, FastGeoJson) if x.js_options["kind"] == "point")
    ((lon, lat),) = decoded(layer)["features"][0]["lonlat"]
    exp_lon, exp_lat = pyproj.Transformer.from_crs(25832, 4326, always_xy=True).transform(X0, Y0)
    assert lon == pytest.approx(exp_lon, abs=1e-6)
    assert lat == pytest.approx(exp_lat, abs=1e-6)
    assert 7.0 < lon < 7.2 and 51.4 < lat < 51.6  # Gelsenkirchen


def test_building_corners_within_a_decimetre(buildings) -> None:
    (layer,) = layers(heat_map(buildings), FastGeoJson)
    got = decoded(layer)["features"][0]["lonlat"]
    expected = shapely.get_coordinates(buildings.to_crs(4326).geometry.iloc[0])
    assert np.abs(got - expected).max() <= 0.5e-6 + 1e-12


def test_features_json_skips_missing_geometry_and_has_no_raw_lt() -> None:
    geoms = np.array([shapely.Point(7.0, 51.0), None, shapely.Point(7.1, 51.1)], dtype=object)
    props = FeatureProps(classes=np.array([0, 1, 2]), titles=["<a>", "x", "</script>"])
    text = features_json(geoms, props)
    assert "<" not in text
    data = json.loads(text)
    assert [f["properties"]["c"] for f in data["features"]] == [0, 2]
    assert data["features"][1]["properties"]["t"] == "&lt;/script&gt;"
    assert data["qg_origin"] == [7_000_000, 51_000_000, 1_000_000]
    assert data["features"][1]["geometry"]["coordinates"] == [100_000, 100_000]


def test_threshold_layers_need_the_thresholds(ref) -> None:
    cells = gpd.GeoDataFrame(
        {"heat_density_mwh_per_ha_a": [100.0, 500.0]},
        geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100)] * 2,
        crs="EPSG:25832",
    )
    with pytest.raises(QuartierGeoError, match="Klassengrenzen"):
        maps.default_layer_spec("grid", cells)
    spec = maps.default_layer_spec("grid", cells, thresholds=ref.thresholds)
    bounds = ref.thresholds[ref.thresholds["kind"] == "heat_density"]["lower"].sort_values()
    expected = np.searchsorted(bounds.to_numpy(float), [100.0, 500.0], side="right") - 1
    assert spec.data["_class"].tolist() == expected.tolist()


def test_layer_control_legends_and_selection(buildings, quarter, ref) -> None:
    streets = gpd.GeoDataFrame(
        {"name": ["A-Str."], "linear_heat_density_kwh_per_m_a": [800.0]},
        geometry=[shapely.LineString([(X0, Y0 - 5), (X0 + 60, Y0 - 5)])],
        crs="EPSG:25832",
    )
    spec = maps.default_layer_spec("streets", streets, thresholds=ref.thresholds)
    m = heat_map(
        buildings,
        context=MapContext(quarter=quarter, layers={"streets": spec}),
        info=FeatureInfo(selected_id="b"),
    )
    html = maps.map_html(m)
    assert "L.control.layers" in html
    building_layer = next(x for x in layers(m, FastGeoJson) if x.js_options["selected"] == "b")
    assert building_layer.js_options["kind"] == "polygon"
    street_layer = next(x for x in layers(m, FastGeoJson) if x.js_options["kind"] == "line")
    assert decoded(street_layer)["features"][0]["properties"]["c"] == 1  # 500-1500 class
    legends = [lg.html for lg in layers(m, Legend)]
    assert any("500 – 1.500: bedingt geeignet" in h for h in legends)


def test_region_map_selection_and_tooltip(quarter) -> None:
    q = gpd.GeoDataFrame(
        {
            "quarter_id": [1, 2],
            "name": ["Habinghorst", "Wulfen"],
            "municipality": ["Castrop-Rauxel", "Dorsten"],
            "residents": [19_500, 8_400],
        },
        geometry=[quarter.geometry.iloc[0], quarter.geometry.iloc[0].buffer(-10)],
        crs="EPSG:25832",
    )
    m = maps.region_map(
        q,
        ColourBy("residents", "Einwohner", colouring=Colouring(k=2)),
        info=FeatureInfo(tooltip=[("residents", "Einwohner")], selected_id=2),
    )
    (layer,) = layers(m, FastGeoJson)
    assert layer.js_options["selected"] == 2
    props = [f["properties"] for f in decoded(layer)["features"]]
    assert props[0]["t"] == "Habinghorst"
    assert props[0]["v"] == ["Castrop-Rauxel", "19.500"]
    assert layer.js_options["labels"] == ["Kommune", "Einwohner"]


def test_builders_refuse_data_without_crs(buildings) -> None:
    with pytest.raises(CrsError):
        heat_map(buildings.set_crs(None, allow_override=True))
    with pytest.raises(QuartierGeoError):
        heat_map(buildings.iloc[0:0])


def test_aggregate_to_blocks_sums_and_suppresses(buildings) -> None:
    b = buildings.copy()
    b["block_id"] = [1, 1, 2]
    b["useful_heat_kwh_per_a"] = [100.0, 200.0, 50.0]
    before = b.copy()
    blocks = maps.aggregate_to_blocks(b, value_columns=["useful_heat_kwh_per_a"], min_buildings=2)
    assert blocks["block_id"].tolist() == [1, 2]
    assert blocks["buildings"].tolist() == [2, 1]
    assert blocks["useful_heat_kwh_per_a"].iloc[0] == 300.0
    assert np.isnan(blocks["useful_heat_kwh_per_a"].iloc[1])  # single building hidden
    # hull of two 10 m x 20 m boxes 10 m apart: 30 m x 20 m
    assert blocks.geometry.iloc[0].area == pytest.approx(600.0)
    assert blocks.crs == b.crs
    assert b.equals(before)


def test_block_map_draws_blocks_only(buildings) -> None:
    m = maps.block_map(
        buildings,
        ColourBy("useful_heat_kwh_per_a", "Wärmebedarf", unit="kWh/a"),
        blocks=BlockValues(min_buildings=3),
    )
    (layer,) = layers(m, FastGeoJson)
    features = decoded(layer)["features"]
    assert len(features) == 1
    assert features[0]["properties"]["v"] == ["3", "57.000"]
    assert "Hauptstraße" not in maps.map_html(m)
    with pytest.raises(QuartierGeoError, match="block_id"):
        maps.block_map(buildings.drop(columns="block_id"), ColourBy("useful_heat_kwh_per_a", "x"))


def test_quarter_outline_svg_at_common_scale() -> None:
    square = shapely.box(X0, Y0, X0 + 100, Y0 + 100)
    svg = maps.quarter_outline_svg(
        square, maps.SvgFrame(1.0, size_px=200, scale_bar_m=50), title="<b>Q</b>"
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "M150 150 L150 50 L50 50 L50 150 L150 150 Z" in svg
    assert "<title>&lt;b&gt;Q&lt;/b&gt;</title>" in svg
    assert 'x2="56.0"' in svg and "50 m" in svg
    half = maps.quarter_outline_svg(square, maps.SvgFrame(2.0, size_px=200))
    assert "M125 125 L125 75 L75 75 L75 125 L125 125 Z" in half
    with pytest.raises(QuartierGeoError):
        maps.quarter_outline_svg(shapely.Polygon(), maps.SvgFrame(1.0))


def test_clicked_id() -> None:
    assert maps.clicked_id({"last_active_drawing": {"properties": {"i": "b", "c": 0}}}) == "b"
    assert maps.clicked_id({"last_active_drawing": None}) is None
    assert maps.clicked_id(None) is None


def test_thousand_footprints_stay_small() -> None:
    n = 1000
    i = np.arange(n)
    x, y = X0 + (i % 40) * 25.0, Y0 + (i // 40) * 25.0
    b = gpd.GeoDataFrame(
        {"building_id": i, "useful_heat_kwh_per_a": 1000.0 + i * 37.5},
        geometry=shapely.box(x, y, x + 12, y + 9),
        crs="EPSG:25832",
    )
    html = maps.map_html(
        maps.quarter_map(
            b,
            ColourBy("useful_heat_kwh_per_a", "Wärmebedarf"),
            info=FeatureInfo(tooltip=[("useful_heat_kwh_per_a", "Wärmebedarf")]),
        )
    )
    assert len(html.encode()) < 200_000  # about 150 bytes per footprint


def test_inline_assets_only_reads_inside_vendor(tmp_path) -> None:
    page = '<script src="/app/static/vendor/../../pyproject.toml"></script>'
    with pytest.raises(QuartierGeoError):
        maps.inline_assets(page)
    other = '<script src="/elsewhere/x.js"></script>'
    assert maps.inline_assets(other) == other  # not ours: left for map_html to judge
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.js").write_text("var a = '</script>';", encoding="utf-8")
    out = maps.inline_assets(
        '<script src="/v/lib/a.js"></script>', base_url="/v", vendor_dir=tmp_path
    )
    assert out == "<script>var a = '<\\/script>';</script>"


def test_streamlit_folium_script_contains_our_layers(buildings, quarter) -> None:
    sf = pytest.importorskip("streamlit_folium")
    m = heat_map(
        buildings, context=MapContext(quarter=quarter), display=Display(assets="st_folium")
    )
    m.get_root().render()
    script = sf._get_map_string(m)
    assert script.count("L.geoJSON(") == 2  # quarter outline and buildings
    assert "var map_div = L.map(" in script
    assert "qg-legend" in script
    assert ".qg-legend" in sf._get_header(m)


def test_quarter_without_buildings_draws_outline_and_says_so(buildings, quarter) -> None:
    m = heat_map(buildings.iloc[0:0], context=MapContext(quarter=quarter))
    (legend,) = layers(m, Legend)
    assert "keine Daten" in legend.html
    outline = next(x for x in layers(m, FastGeoJson) if x.js_options["kind"] == "outline")
    assert len(decoded(outline)["features"]) == 1
    assert "L.geoJSON" in maps.map_html(m)


def _chrome(m: folium.Map) -> Any:
    from quartier_geo.views.map_legend import MapChrome

    return next(c for c in m._children.values() if isinstance(c, MapChrome))


def test_fit_covers_buildings_and_the_whole_quarter_outline(buildings, quarter) -> None:
    """The quarter outline (150 m × 130 m box) is larger than the three buildings: the fit
    spans both, so that the boundary is never cut (issue 10)."""
    m = heat_map(buildings, context=MapContext(quarter=quarter))
    (south, west), (north, east) = _chrome(m).bounds
    outline = quarter.to_crs("EPSG:4326").total_bounds  # minx, miny, maxx, maxy
    assert west <= outline[0] + 1e-9 and south <= outline[1] + 1e-9
    assert east >= outline[2] - 1e-9 and north >= outline[3] - 1e-9
    # the page script fits these bounds once legends are placed (tests/browser/test_screens)
    assert "paddingBottomRight" in _chrome(m)._template.module.script(_chrome(m))


def test_one_colour_layers_have_a_legend_entry(buildings, quarter) -> None:
    networks = gpd.GeoDataFrame(
        {"name": ["Fernwärme Nord"], "kind": ["district"]},
        geometry=[shapely.LineString([(X0, Y0), (X0 + 80, Y0 + 10)])],
        crs="EPSG:25832",
    )
    spec = maps.default_layer_spec("heat_networks", networks, lang="de")
    m = heat_map(buildings, context=MapContext(quarter=quarter, layers={"heat_networks": spec}))
    legends = [lg.html for lg in layers(m, Legend)]
    assert any(spec.label in h and "qg-line" in h for h in legends), legends


def test_grey_legend_entry_says_what_grey_means(buildings, quarter) -> None:
    """A building without a value is grey; the legend word is the caller's (Sanierung:
    "bis 2045 nicht saniert"), else "keine Angabe"."""
    colour = ColourBy("useful_heat_kwh_per_a", "Wärmebedarf", missing_label="nicht saniert")
    m = maps.quarter_map(buildings, colour, context=MapContext(quarter=quarter))
    html = next(lg.html for lg in layers(m, Legend))
    assert f"background:{MISSING_COLOR}'></i>nicht saniert" in html
    assert "keine Angabe" not in html
    plain = maps.quarter_map(buildings, dataclasses.replace(colour, missing_label=None))
    assert "keine Angabe" in next(lg.html for lg in layers(plain, Legend))


def test_legends_fold_and_start_folded_on_narrow_maps(buildings) -> None:
    m = heat_map(buildings)
    legend = layers(m, Legend)[0]
    assert legend.html.startswith("<details open><summary class='qg-title'>")
    script = legend._template.module.script(legend)
    assert "clientWidth < 560" in script and "fold.open = false" in script


def test_place_labels_name_each_town_once(quarter) -> None:
    """Two quarters of one town get one label (they piled up on the overview)."""
    two = gpd.GeoDataFrame(
        {
            "quarter_id": [1, 2, 3],
            "name": ["Nord", "Süd", "Mitte"],
            "municipality": ["Gladbeck", "Gladbeck", "Herten"],
            "phase": ["concept", "concept", "concept"],
        },
        geometry=[shapely.box(X0 + i * 900, Y0, X0 + i * 900 + 300, Y0 + 300) for i in range(3)],
        crs="EPSG:25832",
    )
    m = maps.region_map(two, ColourBy("phase", "Phase"), label_column="municipality")
    labels = [c for c in m._children.values() if isinstance(c, folium.CircleMarker)]
    texts = sorted(
        c.text for x in labels for c in x._children.values() if isinstance(c, folium.Tooltip)
    )
    assert texts == ["Gladbeck", "Herten"]
    # the label's anchor is no 10 px click target over the quarter (Leaflet's default radius)
    assert all(x.options["radius"] == 0 and x.options["interactive"] is False for x in labels)


def test_a_ground_layer_can_have_a_light_fill(buildings, quarter) -> None:
    """Versorgung's public map draws the quarter as grey ground over the hectare grid; its
    fill must be light (0.15) or the grid is washed out. Default fill: LayerStyle's 0.8."""
    colour = ColourBy("building_type", "Typ")

    def fills(c: ColourBy) -> list[float]:
        html = maps.map_html(
            maps.quarter_map(buildings, c, context=maps.MapContext(quarter=quarter))
        )
        return [float(v) for v in re.findall(r'"fillOpacity": ([0-9.]+)', html)]

    assert 0.8 in fills(colour) and 0.15 not in fills(colour)
    assert 0.15 in fills(dataclasses.replace(colour, fill_opacity=0.15))
    with pytest.raises(QuartierGeoError, match="fill_opacity"):
        ColourBy("building_type", "Typ", fill_opacity=1.5)
