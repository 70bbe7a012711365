"""Fast, escaped Leaflet layers and legends for the folium maps of :mod:`quartier_geo.views.maps`.

Folium's ``GeoJson`` parses, re-serialises and styles every feature in Python; for 5,000
footprints that took 2.7-8 s (docs/ARCHITECTURE.md §8). Here the FeatureCollection string is
built once with shapely's vectorised ``to_geojson`` (coordinates rounded to 1e-6 degrees, about
0.1 m, written as whole numbers relative to the layer's south-west corner and decoded by
Leaflet's ``coordsToLatLng``), carries only a class index, an id and the tooltip texts, and
goes to ``L.geoJSON`` as is; the page's script is not run through Jinja again. Measured with
``benchmarks/bench_map.py``: 5,000 footprints in about 0.05 s and 0.92 MB of HTML.

Rounding measured on 5,000 footprints: ``numpy.round`` inside ``shapely.transform`` 12 ms,
a regex on the GeoJSON text 40 ms, ``shapely.set_precision`` 110 ms (and it may change
topology), so the first is used.

Safety: every text in a feature, a label or a legend passes :func:`quartier_geo.base.escape.js_safe`
here, at the last step before the page, and the JavaScript only joins those escaped pieces
with ``<br>``. Inputs must already be in EPSG:4326; :mod:`quartier_geo.views.maps` reprojects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from folium.map import Layer
from folium.template import Template

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.escape import js_safe, js_safe_all
from quartier_geo.views.palette import (
    BACKGROUND_COLOR,
    MISSING_COLOR,
    OUTLINE_COLOR,
    SELECTED_COLOR,
)

__all__ = [
    "COORD_DECIMALS",
    "FastGeoJson",
    "Kind",
    "Legend",
    "MapChrome",
    "features_json",
]

#: Decimal places of longitude/latitude: 1e-6 degree is 0.11 m north-south, 0.07 m east-west
#: at 51° N, finer than any footprint edge and it keeps 5,000 footprints under 1 MB.
COORD_DECIMALS = 6

Kind = Literal["polygon", "line", "point", "outline"]

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _check_colors(colors: Sequence[str]) -> list[str]:
    bad = [c for c in colors if not isinstance(c, str) or not _HEX.match(c)]
    if bad:
        raise ValueError(f"Farben müssen als #RRGGBB angegeben sein: {bad[:3]}")
    return list(colors)


def features_json(
    geometries: np.ndarray,
    *,
    classes: np.ndarray | None = None,
    ids: Sequence[object] | None = None,
    titles: Sequence[object] | None = None,
    columns: Sequence[Sequence[object]] = (),
    decimals: int = COORD_DECIMALS,
) -> str:
    """A GeoJSON FeatureCollection string for :class:`FastGeoJson`.

    Coordinates are written as whole numbers of 10^-decimals degrees relative to the
    collection's south-west corner, which is stored in the foreign member
    ``qg_origin`` = [x0, y0, scale]; the layer turns them back into longitude and latitude
    (lon = (x + x0) / scale). That keeps the full 1e-6 degree precision and saves about a
    third of the coordinate text against decimal degrees.

    Parameters
    ----------
    geometries
        shapely geometries in EPSG:4326 (longitude, latitude); missing or empty ones are
        left out together with their properties.
    classes
        Colour class per feature (index into the layer's colours; -1 = no value).
    ids
        Id per feature (``properties.i``), returned by streamlit-folium on a click.
    titles
        Tooltip headline per feature, e.g. the quarter's name (escaped here).
    columns
        Tooltip values, one sequence per tooltip line, each with one text per feature
        (formatted numbers or categories; escaped here).
    decimals
        Decimal places of the coordinates (:data:`COORD_DECIMALS`).

    Returns
    -------
    str
        JSON text without a raw ``<`` (so it cannot close the surrounding ``<script>``).
    """
    geoms = np.asarray(geometries, dtype=object)
    n = geoms.size
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    index = np.flatnonzero(keep).tolist()
    scale = 10**decimals
    kept = geoms[keep]
    if kept.size:
        x0, y0 = (int(v) for v in np.floor(shapely.total_bounds(kept)[:2] * scale))
    else:
        x0 = y0 = 0
    shifted = shapely.transform(kept, lambda c: np.round(c * scale) - (x0, y0))
    # whole numbers print as "123.0": drop the ".0" (geometry text holds nothing else)
    geo_text = [g.replace(".0,", ",").replace(".0]", "]") for g in shapely.to_geojson(shifted)]
    cls = np.full(n, -1, dtype=np.int64) if classes is None else np.asarray(classes, np.int64)
    pieces = [[f'"c":{c}' for c in cls.tolist()]]
    if ids is not None:
        pieces.append([f'"i":{v}' if type(v) is int else f'"i":{_dumps(_json_id(v))}' for v in ids])
    if titles is not None:
        pieces.append([f'"t":{t}' for t in _escaped_json(titles)])
    if columns:
        cols = [_escaped_json(col) for col in columns]
        pieces.append(['"v":[' + ",".join(row) + "]" for row in zip(*cols, strict=True)])
    props = [",".join(parts) for parts in zip(*pieces, strict=True)]
    features = ",".join(
        f'{{"type":"Feature","properties":{{{props[pos]}}},"geometry":{geo}}}'
        for pos, geo in zip(index, geo_text, strict=True)
    )
    text = f'{{"type":"FeatureCollection","qg_origin":[{x0},{y0},{scale}],"features":[{features}]}}'
    return text.replace("<", "\\u003c")


def _json_id(value: object) -> object:
    """An id as JSON-able value: numpy numbers to Python, anything else to text."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return int(value) if float(value).is_integer() else float(value)
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _escaped_json(values: Sequence[object]) -> list[str]:
    """JSON string literals of the escaped texts, each distinct value escaped once."""
    seen: dict[object, str] = {}
    out = []
    for v in values:
        key = v if isinstance(v, Hashable) else str(v)
        text = seen.get(key)
        if text is None:
            text = seen[key] = _dumps(js_safe(v))
        out.append(text)
    return out


class _RawScript(Element):
    """Script text that is not a template (branca would compile it as one: 80 ms per MB)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: object) -> str:
        return self._text


class FastGeoJson(Layer):
    """A Leaflet GeoJSON layer fed with a prebuilt, pre-escaped FeatureCollection string.

    Features are coloured by ``properties.c`` (class index into ``colors``; -1 →
    ``missing_color``); the feature whose ``properties.i`` equals ``selected`` gets a black
    outline and is drawn on top. The tooltip is ``<b>t</b>`` and one ``label: value`` line
    per entry of ``labels``, all escaped before they reach this element.

    Parameters
    ----------
    data
        Output of :func:`features_json`.
    name
        Name in the layer control (escaped here).
    kind
        ``"polygon"``, ``"line"``, ``"point"`` (circle markers) or ``"outline"`` (no fill,
        not interactive: the quarter boundary).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
    var o = {{ this.js_options|tojson }};
    function tip(p) {
        var rows = [];
        if (p.t) { rows.push("<b>" + p.t + "</b>"); }
        for (var k = 0; k < o.labels.length && p.v; k++) {
            rows.push(o.labels[k] + ": " + p.v[k]);
        }
        return rows.join("<br>");
    }
    function style(f) {
        var p = f.properties;
        var sel = o.selected !== null && p.i === o.selected;
        var col = (p.c >= 0 && p.c < o.colors.length) ? o.colors[p.c] : o.missing;
        if (o.kind === "line") {
            return {color: sel ? o.selectedColor : col, weight: sel ? o.weight + 3 : o.weight,
                    opacity: 0.9};
        }
        if (o.kind === "outline") {
            return {color: col, weight: o.weight, fill: false, dashArray: "6 4"};
        }
        return {fillColor: col, fillOpacity: o.fillOpacity, color: sel ? o.selectedColor : o.stroke,
                weight: sel ? 3 : o.strokeWeight, opacity: 0.9};
    }
    var data = {{ this.data }};
    var org = data.qg_origin || [0, 0, 1];
    var layer = L.geoJSON(data, {
        interactive: o.interactive,
        coordsToLatLng: function (c) {
            return L.latLng((c[1] + org[1]) / org[2], (c[0] + org[0]) / org[2]);
        },
        style: style,
        pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, Object.assign({radius: o.radius}, style(f)));
        },
        onEachFeature: function (f, lyr) {
            if (!o.interactive) { return; }
            var html = tip(f.properties);
            if (html) {
                lyr.bindTooltip(html, {sticky: true});
                if (o.popup) { lyr.bindPopup(html); }
            }
        }
    });
    if (o.selected !== null) {
        layer.eachLayer(function (lyr) {
            if (lyr.feature.properties.i === o.selected && lyr.bringToFront) { lyr.bringToFront(); }
        });
    }
    return layer;
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        data: str,
        *,
        name: str,
        kind: Kind = "polygon",
        colors: Sequence[str] = (OUTLINE_COLOR,),
        labels: Sequence[str] = (),
        selected: object = None,
        missing_color: str = MISSING_COLOR,
        fill_opacity: float = 0.8,
        stroke_weight: float = 0.5,
        weight: float = 3.0,
        radius: float = 6.0,
        popup: bool = False,
        interactive: bool = True,
        overlay: bool = True,
        control: bool = True,
        show: bool = True,
    ) -> None:
        super().__init__(name=js_safe(name), overlay=overlay, control=control, show=show)
        self._name = "FastGeoJson"
        if "<" in data:
            raise ValueError("data muss von features_json stammen (kein rohes '<').")
        self.data = data
        self.js_options = {
            "kind": kind,
            "colors": _check_colors(colors),
            "missing": _check_colors([missing_color])[0],
            "labels": js_safe_all(labels),
            "selected": _json_id(selected),
            "stroke": OUTLINE_COLOR,
            "selectedColor": SELECTED_COLOR,
            "fillOpacity": float(fill_opacity),
            "strokeWeight": float(stroke_weight),
            "weight": float(weight),
            "radius": float(radius),
            "popup": bool(popup),
            "interactive": bool(interactive) and kind != "outline",
        }

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Like folium's Layer.render, but the script (with the data) goes in as raw text."""
        if self._parent is None:
            raise QuartierGeoError("Die Ebene gehört zu keiner Karte: erst add_to(karte).")
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=self._parent.get_name()
                ),
                name=self.get_name() + "_add",
            )
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise QuartierGeoError("Die Karte gehört zu keiner HTML-Seite (folium Figure).")
        script = self._template.module.__dict__["script"](self, kwargs)
        figure.script.add_child(_RawScript(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class Legend(MacroElement):
    """A legend box (Leaflet control): title, one swatch and label per class, a note.

    All texts are escaped here; colours must be ``#RRGGBB``. With ``layer`` the legend is
    shown only while that layer is switched on in the layer control.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    var ctl = L.control({position: {{ this.position|tojson }}});
    ctl.onAdd = function () {
        var div = L.DomUtil.create("div", "qg-legend");
        div.innerHTML = {{ this.html|tojson }};
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    {%- if this.layer_name %}
    var layer = {{ this.layer_name }};
    function sync() { if (map.hasLayer(layer)) { ctl.addTo(map); } else { ctl.remove(); } }
    map.on("overlayadd overlayremove", sync);
    sync();
    {%- else %}
    ctl.addTo(map);
    {%- endif %}
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        *,
        title: str,
        entries: Sequence[tuple[str, str]],
        kind: Kind = "polygon",
        note: str | None = None,
        layer: Layer | None = None,
        position: str = "bottomright",
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.position = position
        self.layer_name = layer.get_name() if layer is not None else None
        self.html = legend_html(title=title, entries=entries, kind=kind, note=note)


def legend_html(
    *, title: str, entries: Sequence[tuple[str, str]], kind: Kind = "polygon", note: str | None
) -> str:
    """The escaped inner HTML of a legend: ``entries`` are (colour, label) pairs."""
    colors = _check_colors([c for c, _ in entries])
    shape = {"line": "qg-line", "point": "qg-point"}.get(kind, "qg-box")
    rows = [f"<div class='qg-title'>{js_safe(title)}</div>"]
    rows += [
        f"<div><i class='{shape}' style='background:{c}'></i>{js_safe(label)}</div>"
        for c, (_, label) in zip(colors, entries, strict=True)
    ]
    if note:
        rows.append(f"<div class='qg-note'>{js_safe(note)}</div>")
    return "".join(rows)


class MapChrome(MacroElement):
    """Page style and controls every map shares: grey background (no tiles), legend and
    tooltip type size, a metric scale bar."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
.leaflet-container { background: {{ this.background }}; }
.leaflet-tooltip, .leaflet-popup-content { font-size: {{ this.font_px }}px; }
.qg-legend { background: rgba(255,255,255,0.92); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: {{ this.font_px }}px/1.35 sans-serif;
  max-width: 22em; }
.qg-legend .qg-title { font-weight: bold; margin-bottom: 3px; }
.qg-legend .qg-note { color: #444; margin-top: 3px; font-size: 0.9em; }
.qg-legend i { display: inline-block; margin-right: 6px; vertical-align: middle; }
.qg-legend i.qg-box { width: 14px; height: 14px; border: 1px solid #4D4D4D; }
.qg-legend i.qg-line { width: 18px; height: 4px; }
.qg-legend i.qg-point { width: 11px; height: 11px; border-radius: 50%; border: 1px solid #4D4D4D; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, *, font_px: int = 13, background: str = BACKGROUND_COLOR) -> None:
        super().__init__()
        self._name = "MapChrome"
        self.font_px = int(font_px)
        self.background = _check_colors([background])[0]
