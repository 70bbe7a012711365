"""Small multiples: the outlines of many quarters side by side, at one common scale.

The jury page shows every quarter as a small square picture so that sizes and shapes
compare at a glance. The pictures are inline SVG (:func:`quarter_outline_svg`) embedded as
``data:`` URIs in a flex row of ``<figure>`` elements; every text from data is escaped with
:func:`quartier_geo.base.escape.js_safe`. Pure builders: no streamlit, no I/O.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from quartier_geo.base.escape import js_safe
from quartier_geo.views.map_extra import SvgFrame, quarter_outline_svg

__all__ = ["DEFAULT_FILL", "Tile", "common_scale_m_per_px", "legend_html", "tiles_html"]

#: Fill of a tile whose colour is not given.
DEFAULT_FILL = "#56B4E9"


@dataclass(frozen=True)
class Tile:
    """One picture: an outline in metres (EPSG:25832), its caption and fill colour."""

    geometry: BaseGeometry
    caption: str
    fill: str = DEFAULT_FILL


def common_scale_m_per_px(
    geometries: Sequence[BaseGeometry], *, size_px: int, margin: float = 1.05
) -> float:
    """Metres per pixel at which the largest outline fills a square of ``size_px``.

    The extent of an outline is the larger of its width and height (m); the scale is the
    largest extent times ``margin`` (a small border) divided by ``size_px``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> common_scale_m_per_px([box(0, 0, 300, 100), box(0, 0, 50, 200)], size_px=150)
    2.1
    """
    if not geometries:
        raise ValueError("Keine Umrisse.")
    if size_px <= 0 or margin <= 0:
        raise ValueError("size_px und margin müssen positiv sein.")
    extent = max(max(g.bounds[2] - g.bounds[0], g.bounds[3] - g.bounds[1]) for g in geometries)
    return extent * margin / size_px


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def tiles_html(
    tiles: Sequence[Tile],
    *,
    size_px: int = 150,
    scale_bar_m: float | None = 1000.0,
    margin: float = 1.05,
) -> str:
    """A wrapping row of quarter outlines at one common scale, each with its caption.

    Parameters
    ----------
    tiles
        The pictures in display order.
    size_px
        Width and height of each picture (px).
    scale_bar_m
        Length of the scale bar drawn in the first picture only (m); None for none.
    margin
        Border around the largest outline, as a factor on its extent.

    Returns
    -------
    str
        HTML (a ``<div>`` of ``<figure>`` elements); captions are escaped.
    """
    if not tiles:
        return ""
    scale = common_scale_m_per_px([t.geometry for t in tiles], size_px=size_px, margin=margin)
    figures = []
    for i, tile in enumerate(tiles):
        frame = SvgFrame(scale, size_px=size_px, scale_bar_m=scale_bar_m if i == 0 else None)
        svg = quarter_outline_svg(tile.geometry, frame, title=tile.caption, fill=tile.fill)
        caption = js_safe(tile.caption)
        figures.append(
            f'<figure style="margin:4px;width:{size_px}px;text-align:center">'
            f'<img src="{_data_uri(svg)}" width="{size_px}" height="{size_px}" alt="{caption}">'
            f'<figcaption style="font-size:12px;line-height:1.2">{caption}</figcaption></figure>'
        )
    return '<div style="display:flex;flex-wrap:wrap;gap:6px">' + "".join(figures) + "</div>"


def legend_html(colours: Mapping[str, str]) -> str:
    """A one-line legend: a coloured square before each label (label -> ``#RRGGBB``).

    Examples
    --------
    >>> legend_html({"Zechensiedlung": "#E69F00"})
    "<div style='font-size:13px'><span style='color:#E69F00'>■</span> Zechensiedlung</div>"
    """
    items = " · ".join(
        f"<span style='color:{js_safe(colour)}'>■</span> {js_safe(text)}"
        for text, colour in colours.items()
    )
    return f"<div style='font-size:13px'>{items}</div>"
