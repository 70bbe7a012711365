"""Legends and the shared page style of the folium maps (:mod:`quartier_geo.views.maps`).

A legend is a Leaflet control holding escaped HTML (:func:`legend_html`), optionally shown
only while its layer is on; it folds open and shut on its title and starts folded on a
narrow map (a phone), so that it never hides the quarter there. :class:`MapChrome` adds what
every map shares: the grey background (no tiles), the type size of legends and tooltips, a
metric scale bar, and the fit of the map to its content with a margin, keeping the content
clear of the legends and controls (:data:`FIT_MARGIN_PX`). Every text passes
:func:`quartier_geo.base.escape.js_safe` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from quartier_geo.base.errors import DataValidationError
from quartier_geo.base.escape import js_safe
from quartier_geo.views.map_layers import Kind, bad_colors, check_colors
from quartier_geo.views.palette import BACKGROUND_COLOR

__all__ = ["FIT_MARGIN_PX", "NARROW_MAP_PX", "Legend", "LegendContent", "MapChrome", "legend_html"]

#: Margin (px) between the map's content and its edge or a legend/control.
FIT_MARGIN_PX = 16
#: Maps narrower than this (px) start with their legends folded (phones).
NARROW_MAP_PX = 560


@dataclass(frozen=True)
class LegendContent:
    """What a legend says: ``title``, one (colour, label) entry per class drawn as the
    swatch of ``kind`` (box, line or dot), and an optional ``note`` below."""

    title: str
    entries: Sequence[tuple[str, str]]
    kind: Kind = "polygon"
    note: str | None = None

    def __post_init__(self) -> None:
        bad = bad_colors([c for c, _ in self.entries])
        if bad:
            raise DataValidationError(
                [f"Farben {bad[:3]}: als #RRGGBB angeben."], what="Der Legendeninhalt"
            )


class Legend(MacroElement):
    """A legend box (Leaflet control) showing a :class:`LegendContent`.

    All texts are escaped here; colours must be ``#RRGGBB``. With ``layer`` the legend is
    shown only while that layer is switched on in the layer control; ``position`` is a
    Leaflet control corner (``"bottomright"``, ``"bottomleft"``, …).
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
        var fold = div.querySelector("details");
        if (fold && map.getContainer().clientWidth < {{ this.narrow_px }}) { fold.open = false; }
        if (fold) { fold.addEventListener("toggle", function () { map.fire("qg:legend"); }); }
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
        self, content: LegendContent, *, layer: Layer | None = None, position: str = "bottomright"
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.position = position
        self.layer_name = layer.get_name() if layer is not None else None
        self.html = legend_html(content)
        self.narrow_px = NARROW_MAP_PX


def legend_html(content: LegendContent) -> str:
    """The escaped inner HTML of a legend: entries are (colour, label) pairs, folding open
    and shut on the title (``<details open>``).

    >>> legend_html(LegendContent("A & B", [("#000000", "x")]))[:59]
    "<details open><summary class='qg-title'>A &amp; B</summary>"
    """
    colors = check_colors([c for c, _ in content.entries])
    shape = {"line": "qg-line", "point": "qg-point"}.get(content.kind, "qg-box")
    rows = [f"<details open><summary class='qg-title'>{js_safe(content.title)}</summary>"]
    rows += [
        f"<div><i class='{shape}' style='background:{c}'></i>{js_safe(label)}</div>"
        for c, (_, label) in zip(colors, content.entries, strict=True)
    ]
    if content.note:
        rows.append(f"<div class='qg-note'>{js_safe(content.note)}</div>")
    rows.append("</details>")
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
@media (max-width: {{ this.narrow_px - 1 }}px) {
  .qg-legend { max-width: 42vw; }
  .leaflet-control-layers { font-size: 12px; }
}
.qg-legend .qg-title { font-weight: bold; margin-bottom: 3px; cursor: pointer; }
.qg-legend details:not([open]) .qg-title { margin-bottom: 0; }
.qg-legend .qg-note { color: #444; margin-top: 3px; font-size: 0.9em; }
.qg-legend i { display: inline-block; margin-right: 6px; vertical-align: middle; }
.qg-legend i.qg-box { width: 14px; height: 14px; border: 1px solid #4D4D4D; }
.qg-legend i.qg-line { width: 18px; height: 4px; }
.qg-legend i.qg-point { width: 11px; height: 11px; border-radius: 50%; border: 1px solid #4D4D4D; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    L.control.scale({imperial: false, maxWidth: 160}).addTo(map);
    {%- if this.bounds %}
    var bounds = L.latLngBounds({{ this.bounds|tojson }});
    var margin = {{ this.margin }}, touched = false;
    // the boxes of the controls in each corner (legends, zoom, layers, scale bar)
    function corner(v, h) {
        var el = map.getContainer().querySelector(".leaflet-" + v + ".leaflet-" + h);
        var w = 0, ht = 0;
        if (el) {
            for (var i = 0; i < el.children.length; i++) {
                var r = el.children[i].getBoundingClientRect();
                if (!r.width || !r.height) { continue; }
                w = Math.max(w, r.width + 10);
                ht += r.height + 10;
            }
        }
        return {w: w, h: ht, v: v, h2: h};
    }
    // fit the content with a margin; each corner's controls are kept clear of it either
    // beside it (their width) or above/below it (their height), whichever zooms in more
    function fit() {
        var size = map.getSize();
        if (!size.x || !size.y) { return; }
        var corners = [corner("top", "left"), corner("top", "right"),
                       corner("bottom", "left"), corner("bottom", "right")];
        var labels = 0;
        map.getContainer().querySelectorAll(".quarter-label").forEach(function (e) {
            labels = Math.max(labels, e.getBoundingClientRect().width + margin);
        });
        var best = null;
        for (var mask = 0; mask < 16; mask++) {
            var pad = {top: 0, bottom: 0, left: 0, right: 0};
            corners.forEach(function (c, i) {
                if (!c.w) { return; }
                if (mask & (1 << i)) { pad[c.h2] = Math.max(pad[c.h2], c.w); }
                else { pad[c.v] = Math.max(pad[c.v], c.h); }
            });
            // place labels stick out to the right of their feature
            pad.right = Math.max(pad.right, labels);
            var tl = L.point(Math.max(pad.left, margin), Math.max(pad.top, margin));
            var br = L.point(Math.max(pad.right, margin), Math.max(pad.bottom, margin));
            if (tl.x + br.x >= size.x - 20 || tl.y + br.y >= size.y - 20) { continue; }
            var z = map.getBoundsZoom(bounds, false, tl.add(br));
            if (!best || z > best.z) { best = {z: z, tl: tl, br: br}; }
        }
        if (!best) {
            best = {tl: L.point(margin, margin), br: L.point(margin, margin)};
        }
        map.fitBounds(bounds, {paddingTopLeft: best.tl, paddingBottomRight: best.br,
                               animate: false});
    }
    var box = map.getContainer();
    // a pointer on the map (not on a legend) means someone is aiming at a feature: the
    // map must not move under it any more
    ["mousedown", "mousemove", "touchstart", "wheel", "keydown"].forEach(function (e) {
        box.addEventListener(e, function (ev) {
            if (!ev.target.closest || !ev.target.closest(".qg-legend")) { touched = true; }
        }, {passive: true});
    });
    var fits = 0;
    function refit() {
        if (touched) { return; }
        map.invalidateSize({pan: false});
        fit();
        fits++;
    }
    map.qgFitCount = function () { return fits; };
    map.on("qg:legend", refit);
    // the frame gets its final size, the legends their place and fonts after the first
    // paint: refit whenever the map or a corner of controls changes size
    if (window.ResizeObserver) {
        var watch = new ResizeObserver(function () { setTimeout(refit, 0); });
        watch.observe(box);
        box.querySelectorAll(".leaflet-control-container > div").forEach(function (c) {
            watch.observe(c);
        });
    }
    window.addEventListener("load", refit);
    [0, 150, 600, 1500].forEach(function (ms) { setTimeout(refit, ms); });
    {%- endif %}
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        *,
        font_px: int = 13,
        background: str = BACKGROUND_COLOR,
        bounds: tuple[float, float, float, float] | None = None,
    ) -> None:
        """``bounds`` (min lon, min lat, max lon, max lat) is the content the map is fitted
        to once its legends and controls are placed; None leaves the view as it is."""
        super().__init__()
        self._name = "MapChrome"
        self.font_px = int(font_px)
        self.background = check_colors([background])[0]
        self.margin = FIT_MARGIN_PX
        self.narrow_px = NARROW_MAP_PX
        self.bounds = None
        if bounds is not None:
            minx, miny, maxx, maxy = (float(b) for b in bounds)
            self.bounds = [[miny, minx], [maxy, maxx]]
