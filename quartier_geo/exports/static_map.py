"""Static maps of one quarter as SVG or PNG: footprints by class, legend, scale bar, north.

For fact sheets and downloads: vector, sharp in print, no JavaScript and no tiles. The
geometries are drawn in EPSG:25832 (metres, north up, the same scale in x and y), so the
scale bar is exact; no reprojection to EPSG:4326 is needed. One ``<path>`` per colour class
keeps the SVG small (about 60 bytes per footprint). Every text passes
:func:`quartier_geo.base.escape.js_safe`.
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.base.escape import js_safe
from quartier_geo.base.i18n import t
from quartier_geo.base.numfmt import Lang, fmt_number
from quartier_geo.domain.heat_density import projected
from quartier_geo.exports.render import screenshot_png
from quartier_geo.views.classify import ColourBy, Colouring, colour_classes
from quartier_geo.views.palette import BACKGROUND_COLOR, MISSING_COLOR, sequential

__all__ = [
    "SPECIFIC_DEMAND_THRESHOLDS_KWH_PER_M2A",
    "PrintPage",
    "map_image",
    "map_svg",
    "specific_demand",
]

#: Class bounds of the specific useful heat demand [kWh/(m²·a)] in fact-sheet maps: fixed,
#: so that maps of different quarters compare. A presentation choice in steps of 50 that
#: spans the TABULA range (about 40 to 300 kWh/(m²·a)); not a legal efficiency class.
SPECIFIC_DEMAND_THRESHOLDS_KWH_PER_M2A: tuple[float, ...] = (50.0, 100.0, 150.0, 200.0, 250.0)

_FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
_LEGEND_W = 180  # px right of the map
_PAD = 10


@dataclass(frozen=True)
class PrintPage:
    """The page of a print map: language, size, accessible name, file or inline.

    Parameters
    ----------
    lang
        Language of the legend's fixed texts and the numbers.
    width_px, height_px
        Size in CSS pixels, at least 300 × 200; 680 px is the width of an A4 page between
        15 mm margins. The legend takes the right 180 px.
    title
        Accessible name of the picture (``<title>``, ``aria-label``); None: the legend title.
    standalone
        True: an SVG file of its own (XML declaration and namespace); False: for inline
        use in an HTML page.
    """

    lang: Lang = "de"
    width_px: int = 680
    height_px: int = 480
    title: str | None = None
    standalone: bool = False

    def __post_init__(self) -> None:
        problems = []
        if self.lang not in ("de", "en"):
            problems.append(f"lang = {self.lang!r}: 'de' oder 'en'.")
        if self.width_px < _LEGEND_W + 120 or self.height_px < 200:
            problems.append(
                f"{self.width_px} × {self.height_px} Pixel: die Karte braucht mindestens "
                f"{_LEGEND_W + 120} × 200 Pixel."
            )
        if problems:
            raise DataValidationError(problems, what="Das Kartenblatt")


def specific_demand(lang: Lang = "de") -> ColourBy:
    """The default colouring of print maps: specific useful heat demand in the fixed classes
    of :data:`SPECIFIC_DEMAND_THRESHOLDS_KWH_PER_M2A`, so that maps of quarters compare."""
    return ColourBy(
        "useful_heat_kwh_per_m2a",
        t("fs_legend_specific", lang),
        colouring=Colouring(thresholds=SPECIFIC_DEMAND_THRESHOLDS_KWH_PER_M2A),
        unit="kWh/(m²·a)",
    )


def _hex(color: str) -> str:
    if not isinstance(color, str) or len(color) != 7 or not color.startswith("#"):
        raise QuartierGeoError(f"Farbe {color!r}: als #RRGGBB angeben.")
    int(color[1:], 16)  # raises ValueError for non-hex digits
    return color


def _classes(
    values: pd.Series, colouring: Colouring, *, lang: Lang
) -> tuple[np.ndarray, list[str], list[str]]:
    """Class per row (-1 = no value), the colour and the legend label per class: the
    classing of the screen map (:func:`quartier_geo.views.classify.colour_classes`)."""
    classes = colour_classes(values, colouring, lang=lang)
    if not classes.colors:  # no value at all: one empty class keeps the legend readable
        return classes.index, sequential(1, scheme=colouring.scheme), ["–"]
    return classes.index, [_hex(c) for c in classes.colors], classes.names


def _nice_length(target_m: float) -> float:
    """The 1-2-5 step at or below ``target_m`` (scale-bar length)."""
    exp = 10 ** math.floor(math.log10(target_m))
    return max(step * exp for step in (1, 2, 5) if step * exp <= target_m)


def _path_data(geoms: np.ndarray, tx: float, ty: float, s: float) -> np.ndarray:
    """SVG path data per geometry (rings as ``M x y x y … Z``), in screen pixels.

    Screen x = (X - tx) / s, y = (ty - Y) / s with s in metres per pixel (north up).
    Vectorised over all rings; only the final join per geometry is a Python loop.
    """
    out = np.full(len(geoms), "", dtype=object)
    if len(geoms) == 0:
        return out
    parts, part_geom = shapely.get_parts(geoms, return_index=True)
    poly = shapely.get_type_id(parts) == 3
    rings, ring_part = shapely.get_rings(parts[poly], return_index=True)
    elements = np.concatenate([rings, parts[~poly]])
    element_geom = np.concatenate([part_geom[poly][ring_part], part_geom[~poly]])
    coords, element_of = shapely.get_coordinates(elements, return_index=True)
    if len(coords) == 0:
        return out
    px = np.round((coords[:, 0] - tx) / s, 1)
    py = np.round((ty - coords[:, 1]) / s, 1)
    tokens = np.char.add(np.char.add(px.astype(str), " "), py.astype(str)).astype(object)
    first = np.r_[True, element_of[1:] != element_of[:-1]]
    last = np.r_[element_of[1:] != element_of[:-1], True]
    closed = shapely.get_type_id(elements)[element_of] == 2  # rings: Z closes them
    drop = last & closed  # the repeated first point of a ring
    before_drop = np.r_[drop[1:], False]
    tokens[first] = "M" + tokens[first]
    tokens[before_drop] = tokens[before_drop] + "Z"
    geom_of = element_geom[element_of][~drop]
    tokens = tokens[~drop]
    order = np.argsort(geom_of, kind="stable")
    splits = np.flatnonzero(np.diff(geom_of[order])) + 1
    for chunk in np.split(order, splits):
        out[geom_of[chunk[0]]] = " ".join(tokens[chunk])
    return out


def _geoms(data: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry | None, what: str) -> np.ndarray:
    if data is None:
        return np.array([], dtype=object)
    if isinstance(data, BaseGeometry):
        arr = np.array([data], dtype=object)  # a shapely geometry is taken to be in 25832
    else:
        arr = projected(data, what=what).geometry.to_numpy()
    return arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]


def map_svg(
    buildings: gpd.GeoDataFrame,
    colour: ColourBy | None = None,
    *,
    quarter: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry | None = None,
    streets: gpd.GeoDataFrame | None = None,
    page: PrintPage = PrintPage(),
) -> str:
    """An SVG map of building footprints coloured by ``colour.column``, with legend,
    scale bar, north arrow and the quarter boundary (dashed).

    Parameters
    ----------
    buildings
        Footprints with the colour column, in a projected CRS (reprojected to EPSG:25832;
        a geographic CRS is refused).
    colour
        Column, classing and legend heading (wrapped) with its unit, the option of the
        screen maps (:class:`quartier_geo.views.classify.ColourBy`); categorical: palette
        colours per value (type, age class, carrier, state). None: :func:`specific_demand`
        (fixed bounds ``< 50`` … ``≥ 250`` kWh/(m²·a)). The note is not drawn in print.
    quarter
        Boundary drawn dashed; it also sets the extent (else the buildings do).
    streets
        Optional street lines drawn thin and grey under the buildings.
    page
        Language, size in CSS pixels, accessible name, file or inline (:class:`PrintPage`).

    Returns
    -------
    str
        The SVG markup; all texts escaped.
    """
    lang, width_px, height_px = page.lang, page.width_px, page.height_px
    colour = colour or specific_demand(lang)
    color_column = colour.column
    b = projected(buildings, what="Die Gebäude")
    if color_column not in b.columns:
        raise QuartierGeoError(f"Spalte {color_column!r} fehlt in den Gebäudedaten.")
    b = b[~(b.geometry.isna() | b.geometry.is_empty)]
    outline = _geoms(quarter, "Das Quartier")
    lines = _geoms(streets, "Die Straßen")
    extent = outline if len(outline) else b.geometry.to_numpy()
    if len(extent) == 0:
        raise QuartierGeoError("Keine Gebäude und kein Quartier mit Geometrie: Daten prüfen.")
    minx, miny, maxx, maxy = shapely.total_bounds(extent)
    map_w, map_h = width_px - _LEGEND_W, height_px
    span_x, span_y = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    s = max(span_x / (map_w - 2 * _PAD), span_y / (map_h - 2 * _PAD))  # metres per pixel
    tx = (minx + maxx) / 2 - s * map_w / 2
    ty = (miny + maxy) / 2 + s * map_h / 2

    classes, palette, names = _classes(b[color_column], colour.colouring, lang=lang)
    d = _path_data(b.geometry.to_numpy(), tx, ty, s)
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        if page.standalone
        else "<svg "
    )
    label = js_safe(page.title or colour.legend_title)
    parts = [
        f'{head}width="{width_px}" height="{height_px}" viewBox="0 0 {width_px} {height_px}" '
        f'role="img" aria-label="{label}" font-family="{_FONT}" class="qg-map">',
        f"<title>{label}</title>",
        f'<rect x="0" y="0" width="{map_w}" height="{map_h}" fill="{BACKGROUND_COLOR}"/>',
        f'<clipPath id="qg-clip"><rect width="{map_w}" height="{map_h}"/></clipPath>',
        '<g clip-path="url(#qg-clip)">',
    ]
    if len(lines):
        street_d = " ".join(_path_data(lines, tx, ty, s))
        parts.append(f'<path d="{street_d}" fill="none" stroke="#FFFFFF" stroke-width="3"/>')
        parts.append(f'<path d="{street_d}" fill="none" stroke="#9A9A9A" stroke-width="0.8"/>')
    for i, color in [(-1, MISSING_COLOR), *enumerate(palette)]:
        chosen = d[classes == i]
        if len(chosen):
            parts.append(
                f'<path d="{" ".join(chosen)}" fill="{color}" fill-rule="evenodd" '
                'stroke="#4D4D4D" stroke-width="0.25" stroke-opacity="0.7"/>'
            )
    if len(outline):
        outline_d = " ".join(_path_data(outline, tx, ty, s))
        parts.append(
            f'<path d="{outline_d}" fill="none" stroke="#000000" stroke-width="1.5" '
            'stroke-dasharray="6 4" fill-rule="evenodd"/>'
        )
    parts.append("</g>")
    parts += _scale_bar(s, map_h, lang=lang)
    parts += _north_arrow(map_w)
    swatches = list(zip(palette, names, strict=True))[::-1]  # high values on top
    if (classes < 0).any():
        swatches.append((MISSING_COLOR, t("map_no_value", lang)))
    parts += _legend(
        map_w,
        colour,
        swatches=swatches,
        outline=t("map_quarter_boundary", lang) if len(outline) else None,
        streets=t("map_streets", lang) if len(lines) else None,
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _scale_bar(s: float, map_h: int, *, lang: Lang) -> list[str]:
    length_m = _nice_length(120 * s)
    px = length_m / s
    label = (
        f"{fmt_number(length_m / 1000, lang=lang, decimals=0 if length_m % 1000 == 0 else 1)} km"
        if length_m >= 1000
        else f"{fmt_number(length_m, lang=lang)} m"
    )
    x0, y0 = 14, map_h - 16
    return [
        f'<rect x="{x0 - 6}" y="{y0 - 22}" width="{px + 12:.1f}" height="30" rx="3" '
        'fill="#FFFFFF" fill-opacity="0.85"/>',
        f'<path d="M{x0} {y0 - 5} V{y0} H{x0 + px:.1f} V{y0 - 5}" fill="none" '
        'stroke="#000000" stroke-width="1.5"/>',
        f'<text x="{x0 + px / 2:.1f}" y="{y0 - 8}" font-size="12" text-anchor="middle">'
        f"{js_safe(label)}</text>",
    ]


def _north_arrow(map_w: int) -> list[str]:
    x, y = map_w - 22, 14
    return [
        f'<path d="M{x} {y} L{x + 7} {y + 20} L{x} {y + 15} L{x - 7} {y + 20} Z" fill="#000000"/>',
        f'<text x="{x}" y="{y + 34}" font-size="12" text-anchor="middle">N</text>',
    ]


def _legend(
    x0: int,
    colour: ColourBy,
    *,
    swatches: Sequence[tuple[str, str]],
    outline: str | None,
    streets: str | None,
) -> list[str]:
    """The legend right of the map at ``x0``: the colour's title and unit, one swatch per
    (colour, name), then the line symbols of the boundary and the streets when drawn."""
    x, y = x0 + 12, 20
    out = []
    unit = colour.unit
    for line in textwrap.wrap(colour.legend_title, 17) + ([f"({unit})"] if unit else []):
        out.append(
            f'<text x="{x}" y="{y}" font-size="13" font-weight="bold">{js_safe(line)}</text>'
        )
        y += 17
    y += 4
    for color, name in swatches:
        out.append(
            f'<rect x="{x}" y="{y}" width="16" height="14" fill="{color}" stroke="#4D4D4D" '
            'stroke-width="0.5"/>'
        )
        out.append(f'<text x="{x + 24}" y="{y + 12}" font-size="12">{js_safe(name)}</text>')
        y += 20
    y += 6
    if outline:
        out.append(
            f'<path d="M{x} {y + 7} H{x + 16}" stroke="#000000" stroke-width="1.5" '
            'stroke-dasharray="4 3"/>'
        )
        out.append(f'<text x="{x + 24}" y="{y + 12}" font-size="12">{js_safe(outline)}</text>')
        y += 20
    if streets:
        out.append(f'<path d="M{x} {y + 7} H{x + 16}" stroke="#9A9A9A" stroke-width="1.5"/>')
        out.append(f'<text x="{x + 24}" y="{y + 12}" font-size="12">{js_safe(streets)}</text>')
    return out


def map_image(
    buildings: gpd.GeoDataFrame,
    *,
    fmt: Literal["png", "svg"],
    scale: float = 2.0,
    timeout_s: float = 30.0,
    **options: object,
) -> bytes:
    """The map of :func:`map_svg` as an SVG file or a PNG (rendered by headless Chromium).

    ``options`` are the options of :func:`map_svg` (colour, quarter, streets, page); the
    page's ``standalone`` follows ``fmt``. ``scale`` is the PNG's pixels per CSS pixel
    (2 = 1360 px wide for the default 680 px).
    """
    if fmt not in ("png", "svg"):
        raise QuartierGeoError(f"Bildformat {fmt!r} unbekannt: 'png' oder 'svg'.")
    page = options.pop("page", None) or PrintPage()
    if not isinstance(page, PrintPage):
        raise QuartierGeoError("page: ein PrintPage angeben.")
    page = dataclasses.replace(page, standalone=fmt == "svg")
    svg = map_svg(buildings, page=page, **options)  # type: ignore[arg-type]
    if fmt == "svg":
        return svg.encode("utf-8")
    width, height = page.width_px, page.height_px
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;'
        "padding:0;background:#fff}svg{display:block}</style></head><body>"
        f"{svg}</body></html>"
    )
    return screenshot_png(page, width_px=width, height_px=height, scale=scale, timeout_s=timeout_s)
