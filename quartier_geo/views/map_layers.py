"""Fast, escaped Leaflet layers for the folium maps of :mod:`quartier_geo.views.maps`; their
legends and the shared page style are in :mod:`quartier_geo.views.map_legend`.

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
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import shapely
from branca.element import Element, Figure
from folium.elements import ElementAddToElement
from folium.map import Layer
from folium.template import Template

from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.base.escape import js_safe, js_safe_all
from quartier_geo.views.palette import (
    MISSING_COLOR,
    OUTLINE_COLOR,
    SELECTED_COLOR,
)

__all__ = [
    "COORD_DECIMALS",
    "FastGeoJson",
    "FeatureProps",
    "Interaction",
    "Kind",
    "LayerStyle",
    "LayerToggle",
    "bad_colors",
    "check_colors",
    "features_json",
]

#: Decimal places of longitude/latitude: 1e-6 degree is 0.11 m north-south, 0.07 m east-west
#: at 51° N, finer than any footprint edge and it keeps 5,000 footprints under 1 MB.
COORD_DECIMALS = 6

Kind = Literal["polygon", "line", "point", "outline"]

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def bad_colors(colors: Sequence[str]) -> list[object]:
    """The entries of ``colors`` that are not ``#RRGGBB`` texts."""
    return [c for c in colors if not isinstance(c, str) or not _HEX.match(c)]


def check_colors(colors: Sequence[str]) -> list[str]:
    """``colors`` as a list; ValueError if one is not ``#RRGGBB``."""
    bad = bad_colors(colors)
    if bad:
        raise ValueError(f"Farben müssen als #RRGGBB angegeben sein: {bad[:3]}")
    return list(colors)


@dataclass(frozen=True, eq=False)
class FeatureProps:
    """What each feature of :func:`features_json` carries, one entry per geometry.

    Parameters
    ----------
    classes
        Colour class per feature (index into the layer's colours; -1 = no value); None:
        every feature without a class.
    ids
        Id per feature (``properties.i``), returned by streamlit-folium on a click.
    titles
        Tooltip headline per feature, e.g. the quarter's name (escaped there).
    columns
        Tooltip values, one sequence per tooltip line, each with one text per feature
        (formatted numbers or categories; escaped there).
    """

    classes: np.ndarray | None = None
    ids: Sequence[object] | None = None
    titles: Sequence[object] | None = None
    columns: Sequence[Sequence[object]] = ()


def features_json(
    geometries: np.ndarray, props: FeatureProps = FeatureProps(), *, decimals: int = COORD_DECIMALS
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
    props
        Class, id, tooltip headline and tooltip values per feature (:class:`FeatureProps`).
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
    classes, ids = props.classes, props.ids
    cls = np.full(n, -1, dtype=np.int64) if classes is None else np.asarray(classes, np.int64)
    pieces = [[f'"c":{c}' for c in cls.tolist()]]
    if ids is not None:
        pieces.append([f'"i":{v}' if type(v) is int else f'"i":{_dumps(_json_id(v))}' for v in ids])
    if props.titles is not None:
        pieces.append([f'"t":{t}' for t in _escaped_json(props.titles)])
    if props.columns:
        cols = [_escaped_json(col) for col in props.columns]
        pieces.append(['"v":[' + ",".join(row) + "]" for row in zip(*cols, strict=True)])
    rows = [",".join(parts) for parts in zip(*pieces, strict=True)]
    features = ",".join(
        f'{{"type":"Feature","properties":{{{rows[pos]}}},"geometry":{geo}}}'
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


@dataclass(frozen=True)
class LayerStyle:
    """How the features of a :class:`FastGeoJson` layer are drawn.

    Parameters
    ----------
    kind
        ``"polygon"``, ``"line"``, ``"point"`` (circle markers) or ``"outline"`` (no fill,
        not interactive: the quarter boundary).
    colors
        ``#RRGGBB`` per class; a feature of class -1 (or out of range) gets ``missing_color``.
    fill_opacity
        Fill opacity of polygons and points, 0 to 1.
    stroke_weight
        Outline width of polygons and points in CSS pixels (3 when selected).
    weight
        Width of lines and of the outline kind in CSS pixels.
    radius
        Radius of point markers in CSS pixels.
    """

    kind: Kind = "polygon"
    colors: Sequence[str] = (OUTLINE_COLOR,)
    missing_color: str = MISSING_COLOR
    fill_opacity: float = 0.8
    stroke_weight: float = 0.5
    weight: float = 3.0
    radius: float = 6.0

    def __post_init__(self) -> None:
        problems = []
        if self.kind not in get_args(Kind):
            problems.append(f"kind = {self.kind!r}: eines von {list(get_args(Kind))}.")
        bad = bad_colors([*self.colors, self.missing_color])
        if bad:
            problems.append(f"Farben {bad[:3]}: als #RRGGBB angeben.")
        if not 0.0 <= self.fill_opacity <= 1.0:
            problems.append(f"fill_opacity = {self.fill_opacity!r}: zwischen 0 und 1.")
        widths = {"stroke_weight": self.stroke_weight, "weight": self.weight}
        widths["radius"] = self.radius
        problems += [f"{k} = {v!r}: nicht negativ." for k, v in widths.items() if v < 0]
        if problems:
            raise DataValidationError(problems, what="Der Ebenenstil")


@dataclass(frozen=True)
class Interaction:
    """What a :class:`FastGeoJson` layer does under the pointer.

    Parameters
    ----------
    labels
        One tooltip label per value line of the features (escaped in the layer).
    selected
        The feature whose ``properties.i`` equals this gets a black outline, on top.
    popup
        Also open the tooltip text as a popup on click.
    interactive
        False: no tooltip, no click (the outline kind never is).
    """

    labels: Sequence[str] = ()
    selected: object = None
    popup: bool = False
    interactive: bool = True


@dataclass(frozen=True)
class LayerToggle:
    """How a layer appears in folium's layer control: as an ``overlay``, listed in the
    ``control`` at all, and switched on (``show``) when the map opens."""

    overlay: bool = True
    control: bool = True
    show: bool = True


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
    style
        Kind, colours and line widths (:class:`LayerStyle`).
    interaction
        Tooltip labels, the selected id, popup (:class:`Interaction`).
    toggle
        Place in the layer control (:class:`LayerToggle`).
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
        style: LayerStyle = LayerStyle(),
        interaction: Interaction = Interaction(),
        toggle: LayerToggle = LayerToggle(),
    ) -> None:
        super().__init__(
            name=js_safe(name), overlay=toggle.overlay, control=toggle.control, show=toggle.show
        )
        self._name = "FastGeoJson"
        if "<" in data:
            raise ValueError("data muss von features_json stammen (kein rohes '<').")
        self.data = data
        self.js_options = {
            "kind": style.kind,
            "colors": check_colors(style.colors),
            "missing": check_colors([style.missing_color])[0],
            "labels": js_safe_all(interaction.labels),
            "selected": _json_id(interaction.selected),
            "stroke": OUTLINE_COLOR,
            "selectedColor": SELECTED_COLOR,
            "fillOpacity": float(style.fill_opacity),
            "strokeWeight": float(style.stroke_weight),
            "weight": float(style.weight),
            "radius": float(style.radius),
            "popup": bool(interaction.popup),
            "interactive": bool(interaction.interactive) and style.kind != "outline",
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
