"""An optional background map (XYZ, WMTS or WMS) named by the server's settings.

Off by default: the maps draw on a grey background and need no network (workshops without
internet). A server that may reach a tile service sets ``QUARTIER_BASEMAP`` and its
attribution (:mod:`quartier_geo.base.settings`), for example

- OpenStreetMap: ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``, attribution
  ``© OpenStreetMap contributors`` (type ``xyz``);
- basemap.de (BKG): ``https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/
  de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR/{TileMatrix}/{TileRow}/
  {TileCol}.png``, attribution ``© basemap.de / BKG`` (type ``wmts``);
- NRW aerial images: ``https://www.wms.nrw.de/geobasis/wms_nw_dop`` with layers
  ``nw_dop_rgb``, attribution ``© Geobasis NRW`` (type ``wms``).

Every value is checked before it reaches a page: an ``http(s)`` address of plain URL
characters (no quotes, angle brackets, backslashes, spaces or ``javascript:``), only the
placeholders of its type, an attribution of plain text (escaped with
:func:`quartier_geo.base.escape.js_safe`). A value that fails is refused with a log message
that says why, and the maps draw without background.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

import folium

from quartier_geo.base.escape import js_safe
from quartier_geo.base.settings import (
    BASEMAP_ATTRIBUTION_ENV,
    BASEMAP_ENV,
    BASEMAP_LAYERS_ENV,
    BASEMAP_TYPE_ENV,
    Settings,
    read_settings,
)

__all__ = ["KINDS", "Basemap", "add_basemap", "basemap_from_settings", "configured_basemap"]

log = logging.getLogger(__name__)

Kind = Literal["xyz", "wmts", "wms"]
KINDS: tuple[Kind, ...] = ("xyz", "wmts", "wms")
#: Deepest zoom of the background tiles (the maps go to 19; Leaflet scales beyond).
MAX_NATIVE_ZOOM = 19

_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~!$&()*+,;=:@%/?{}-]*)?$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ALLOWED = {
    "xyz": {"z", "x", "y", "s", "r"},
    "wmts": {"TileMatrix", "TileRow", "TileCol", "z", "x", "y"},
    "wms": set(),
}
_WMTS = {"TileMatrix": "z", "TileRow": "y", "TileCol": "x"}
_LAYERS = re.compile(r"^[A-Za-z0-9_.:,-]{1,200}$")
_ATTRIBUTION_MAX = 300


@dataclass(frozen=True)
class Basemap:
    """A checked background map: ``url`` (a Leaflet template for XYZ/WMTS, the service
    address for WMS), its plain-text ``attribution`` and the WMS ``layers``."""

    kind: Kind
    url: str
    attribution: str
    layers: str = ""


def _refuse(reason: str) -> None:
    log.warning(
        "Hintergrundkarte (%s) abgelehnt: %s Die Karten zeigen keinen Hintergrund.",
        BASEMAP_ENV,
        reason,
    )


def basemap_from_settings(settings: Settings) -> Basemap | None:
    """The background map of ``settings``; None when unset or refused (logged)."""
    url = settings.basemap_url
    if not url:
        return None
    kind: Kind = (settings.basemap_type or "xyz").lower()  # type: ignore[assignment]
    if kind not in KINDS:
        _refuse(f"{BASEMAP_TYPE_ENV}={kind!r}: erlaubt sind xyz, wmts, wms.")
        return None
    if not _URL.match(url):
        _refuse(
            f"{BASEMAP_ENV} ist keine http(s)-Adresse aus einfachen URL-Zeichen "
            "(keine Anführungszeichen, spitzen Klammern, Leerzeichen, javascript:)."
        )
        return None
    names = _PLACEHOLDER.findall(url)
    bad = sorted(set(names) - _ALLOWED[kind])
    if bad:
        _refuse(f"Platzhalter {bad} passen nicht zum Typ {kind}.")
        return None
    if kind in ("xyz", "wmts"):
        for wmts, leaflet in _WMTS.items():
            url = url.replace("{" + wmts + "}", "{" + leaflet + "}")
        if not {"z", "x", "y"} <= set(_PLACEHOLDER.findall(url)):
            _refuse(
                "eine Kachel-Adresse braucht {z}, {x} und {y} (WMTS: TileMatrix, TileRow, TileCol)."
            )
            return None
    layers = settings.basemap_layers or ""
    if kind == "wms" and not _LAYERS.match(layers):
        _refuse(f"{BASEMAP_LAYERS_ENV} fehlt oder enthält andere Zeichen als A-Z, 0-9, _.:,-.")
        return None
    attribution = settings.basemap_attribution or ""
    if not attribution or len(attribution) > _ATTRIBUTION_MAX:
        _refuse(
            f"{BASEMAP_ATTRIBUTION_ENV} fehlt oder ist länger als {_ATTRIBUTION_MAX} "
            "Zeichen; ohne Quellenangabe wird kein Hintergrund gezeigt."
        )
        return None
    if any(ord(c) < 32 for c in attribution):
        _refuse(f"{BASEMAP_ATTRIBUTION_ENV} enthält Steuerzeichen.")
        return None
    return Basemap(kind=kind, url=url, attribution=attribution, layers=layers)


def configured_basemap() -> Basemap | None:
    """The background map this server's environment names (read at call time)."""
    return basemap_from_settings(read_settings())


def _max_zoom(m: folium.Map) -> int:
    value = m.options.get("max_zoom", MAX_NATIVE_ZOOM)
    return int(value) if isinstance(value, int | float) else MAX_NATIVE_ZOOM


def add_basemap(m: folium.Map, basemap: Basemap | None = None) -> folium.Map:
    """Put ``basemap`` (default: the configured one) under everything else on ``m``."""
    b = configured_basemap() if basemap is None else basemap
    if b is None:
        return m
    attribution = js_safe(b.attribution)
    if b.kind == "wms":
        folium.WmsTileLayer(
            url=b.url,
            layers=b.layers,
            fmt="image/png",
            transparent=False,
            attr=attribution,
            name=attribution,
            overlay=False,
            control=False,
            max_zoom=_max_zoom(m),
        ).add_to(m)
    else:
        folium.TileLayer(
            tiles=b.url,
            attr=attribution,
            name=attribution,
            overlay=False,
            control=False,
            max_native_zoom=MAX_NATIVE_ZOOM,
            max_zoom=_max_zoom(m),
        ).add_to(m)
    return m
