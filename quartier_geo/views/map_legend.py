"""Legends and the shared page style of the folium maps (:mod:`quartier_geo.views.maps`).

A legend is a Leaflet control holding escaped HTML (:func:`legend_html`), optionally shown
only while its layer is on; :class:`MapChrome` adds what every map shares: the grey
background (no tiles), the type size of legends and tooltips, a metric scale bar. Every
text passes :func:`quartier_geo.base.escape.js_safe` here.
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

__all__ = ["Legend", "LegendContent", "MapChrome", "legend_html"]


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


def legend_html(content: LegendContent) -> str:
    """The escaped inner HTML of a legend: entries are (colour, label) pairs."""
    colors = check_colors([c for c, _ in content.entries])
    shape = {"line": "qg-line", "point": "qg-point"}.get(content.kind, "qg-box")
    rows = [f"<div class='qg-title'>{js_safe(content.title)}</div>"]
    rows += [
        f"<div><i class='{shape}' style='background:{c}'></i>{js_safe(label)}</div>"
        for c, (_, label) in zip(colors, content.entries, strict=True)
    ]
    if content.note:
        rows.append(f"<div class='qg-note'>{js_safe(content.note)}</div>")
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
        self.background = check_colors([background])[0]
