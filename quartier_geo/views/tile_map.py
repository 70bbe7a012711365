"""The map of every building: a Leaflet vector-tile layer over the app's own static tiles.

:class:`VectorTileLayer` draws a :class:`quartier_geo.views.vector_tiles.TileSet` with
Leaflet.VectorGrid (vendored in ``static/vendor/leaflet.vectorgrid``) on canvas; colours
are the class palette of the quarter map, a hover shows the escaped texts stored in the
tiles, and a click on a footprint hands its id to streamlit-folium as
``last_active_drawing.properties.i`` (read by :func:`quartier_geo.views.maps.clicked_id`),
so the page opens the building card as on the quarter map. Tile URLs must be paths on the
app's own origin (``/app/static/...``); anything else is refused.
"""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import numpy as np
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.escape import js_safe
from quartier_geo.base.i18n import t
from quartier_geo.views.basemap import add_basemap
from quartier_geo.views.map_assets import localise
from quartier_geo.views.map_layers import (
    FastGeoJson,
    FeatureProps,
    LayerStyle,
    LayerToggle,
    check_colors,
    features_json,
)
from quartier_geo.views.map_legend import Legend, LegendContent, MapChrome
from quartier_geo.views.map_options import DEFAULT_DISPLAY, Display
from quartier_geo.views.palette import MISSING_COLOR, OUTLINE_COLOR, SELECTED_COLOR
from quartier_geo.views.vector_tiles import BUILDING_LAYER, CELL_LAYER, TileSet

__all__ = ["MAX_ZOOM", "VECTORGRID_JS", "VectorTileLayer", "all_buildings_map", "check_tile_url"]

#: The vendored Leaflet.VectorGrid below the vendor base URL.
VECTORGRID_JS = "leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js"
MAX_ZOOM = 19
#: A same-origin path template: /…/{z}/{x}/{y}.pbf with plain path characters only.
_TILE_KEY = re.compile(r"^\d{1,2}/\d{1,7}/\d{1,7}$")
_TILE_URL = re.compile(r"^/(?!/)[A-Za-z0-9_./-]*/\{z\}/\{x\}/\{y\}\.pbf$")


def check_tile_url(url: str) -> str:
    """``url`` if it is a path template on the app's own origin, else an error."""
    if not _TILE_URL.match(url) or ".." in url:
        raise QuartierGeoError(
            f"Kachel-URL {url!r} abgelehnt: nur Pfade des eigenen Servers "
            "(/app/static/…/{z}/{x}/{y}.pbf)."
        )
    return url


class VectorTileLayer(JSCSSMixin, Layer):
    """Leaflet.VectorGrid layer of a tile set (cells and footprints), coloured by class."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
    var o = {{ this.js_options|tojson }};
    var map = {{ this._parent.get_name() }};
    // VectorGrid 1.3 calls L.DomEvent.fakeStop, which Leaflet 1.8 removed: without it every
    // click on a tile throws (Leaflet.VectorGrid issue #274)
    if (!L.DomEvent.fakeStop) { L.DomEvent.fakeStop = function () { return true; }; }
    function style(p) {
        var col = (p.c >= 0 && p.c < o.colors.length) ? o.colors[p.c] : o.missing;
        var sel = o.selected !== null && p.i === o.selected;
        return {fill: true, fillColor: col, fillOpacity: o.fillOpacity,
                color: sel ? o.selectedColor : o.stroke, weight: sel ? 3 : (p.i ? 0.5 : 0),
                opacity: 0.9};
    }
    // a pane above the overlay pane: the canvas of the quarter outlines must not catch
    // the clicks meant for the footprints
    if (!map.getPane("qgTiles")) { map.createPane("qgTiles").style.zIndex = 450; }
    var styles = {};
    styles[o.buildings] = style;
    styles[o.cells] = style;
    var layer = L.vectorGrid.protobuf(o.url, {
        rendererFactory: L.canvas.tile, vectorTileLayerStyles: styles, interactive: true,
        pane: "qgTiles",
        minZoom: o.minZoom, maxNativeZoom: o.maxNativeZoom, maxZoom: o.maxZoom,
        getFeatureId: function (f) { return f.properties.i; }
    });
    // only the tiles that exist are fetched (no 404 for empty sea and fields)
    var have = {};
    o.index.forEach(function (k) { have[k] = true; });
    var fetchTile = layer._getVectorTilePromise;
    layer._getVectorTilePromise = function (c) {
        if (!have[c.z + "/" + c.x + "/" + c.y]) { return Promise.resolve({layers: {}}); }
        return fetchTile.call(this, c);
    };
    var tip = L.tooltip({sticky: true});
    layer.on("mouseover", function (e) {
        var p = e.layer.properties || {}, rows = [];
        if (p.t) { rows.push("<b>" + p.t + "</b>"); }
        if (p.n) { rows.push(o.countLabel + ": " + p.n); }
        if (p.v) { rows.push(o.valueLabel + ": " + p.v); }
        if (!rows.length) { return; }
        tip.setContent(rows.join("<br>")).setLatLng(e.latlng);
        map.openTooltip(tip);
    });
    layer.on("mouseout", function () { map.closeTooltip(tip); });
    layer.on("click", function (e) {
        var p = e.layer.properties || {};
        if (!p.i) { return; }
        // streamlit-folium reads last_active_drawing from e.layer.toGeoJSON()
        e.layer.toGeoJSON = function () {
            return {type: "Feature", geometry: null, properties: {i: p.i}};
        };
        if (o.selected !== null) { layer.resetFeatureStyle(o.selected); }
        o.selected = p.i;
        layer.setFeatureStyle(p.i, style(p));
    });
    window.qgVectorTiles = layer;
    return layer;
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        tiles: TileSet,
        *,
        name: str,
        value_label: str,
        count_label: str,
        selected: str | None = None,
        vendor_url: str = DEFAULT_DISPLAY.base_url,
        max_zoom: int = MAX_ZOOM,
    ) -> None:
        super().__init__(name=js_safe(name), overlay=True, control=False, show=True)
        self._name = "VectorTileLayer"
        self.default_js = [("vectorgrid", f"{vendor_url.rstrip('/')}/{VECTORGRID_JS}")]
        self.js_options = {
            "url": check_tile_url(tiles.url),
            "colors": check_colors(tiles.colors),
            "missing": MISSING_COLOR,
            "stroke": OUTLINE_COLOR,
            "selectedColor": SELECTED_COLOR,
            "selected": None if selected is None else str(selected),
            "fillOpacity": 0.85,
            "buildings": BUILDING_LAYER,
            "cells": CELL_LAYER,
            "minZoom": int(tiles.min_zoom),
            "maxNativeZoom": int(tiles.max_native_zoom),
            "maxZoom": int(max_zoom),
            "valueLabel": js_safe(value_label),
            "countLabel": js_safe(count_label),
            "index": [k for k in tiles.tiles if _TILE_KEY.match(k)],
        }


def all_buildings_map(
    tiles: TileSet,
    legend: LegendContent,
    *,
    outlines: gpd.GeoDataFrame | None = None,
    display: Display = DEFAULT_DISPLAY,
    selected: str | None = None,
) -> folium.Map:
    """Every building of ``tiles`` on one map, with the legend ``legend`` (whose entries
    are the tile set's classes) and, for orientation, the ``outlines`` (EPSG:4326) of
    the quarters, dashed."""
    minx, miny, maxx, maxy = tiles.bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=11,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,
    )
    m.options["max_zoom"] = MAX_ZOOM
    m.options["min_zoom"] = tiles.min_zoom
    localise(m, base_url=display.base_url, assets=display.assets)
    add_basemap(m)
    MapChrome(font_px=display.font_px).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    if outlines is not None and not outlines.empty:
        FastGeoJson(
            features_json(
                outlines.geometry.to_numpy(), FeatureProps(classes=np.zeros(len(outlines), int))
            ),
            name=t("quarter", display.lang),
            style=LayerStyle(kind="outline", colors=[SELECTED_COLOR], weight=1.5),
            toggle=LayerToggle(control=False),
        ).add_to(m)
    VectorTileLayer(
        tiles,
        name=legend.title,
        value_label=legend.title,
        count_label=t("buildings", display.lang),
        selected=selected,
        vendor_url=display.base_url,
    ).add_to(m)
    Legend(legend).add_to(m)
    return m
