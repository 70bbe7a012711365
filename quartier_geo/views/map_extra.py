"""Extra map layers, public blocks, quarter outlines as SVG, and the click helper.

Part of the map builders (:mod:`quartier_geo.views.maps`); no reprojection here. The suitability
classes of streets and hectare cells come from the reference thresholds
(``geodata/reference/thresholds.csv``: F-Heat / Energieatlas Bayern for linear heat density,
KEA-BW for heat density, with the status given there).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.base.escape import js_safe
from quartier_geo.base.i18n import pick
from quartier_geo.base.i18n import t as text
from quartier_geo.base.numfmt import Lang, fmt_number, fmt_value
from quartier_geo.domain.blocks import aggregate_to_blocks
from quartier_geo.views.palette import (
    HEAT_NETWORK_COLOR,
    OUTLINE_COLOR,
    POTENTIAL_COLOR,
    sequential,
)

__all__ = [
    "LayerSpec",
    "SvgFrame",
    "TooltipColumn",
    "add_labels",
    "aggregate_to_blocks",
    "clicked_id",
    "default_layer_spec",
    "quarter_outline_svg",
    "threshold_classes",
]

log = logging.getLogger(__name__)

LayerKind = Literal["polygon", "line", "point"]
#: Maps narrower than this (px) show no permanent place labels (they would pile up).
NARROW_LABELS_PX = 560
#: (column, label) or (column, label, unit); without a unit the glossary's unit is used.
TooltipColumn = tuple[str, str] | tuple[str, str, str]


@dataclass(frozen=True, eq=False)
class LayerSpec:
    """How an extra layer is drawn on the quarter map.

    Colouring, first that applies: ``class_column`` holds a class index per feature (0..k-1,
    -1 or NA = no class) drawn in ``colors`` with ``class_names`` in the legend;
    ``color_column`` with ``breaks`` colours numeric classes; a text ``color_column`` is
    categorical; otherwise every feature gets ``color``. ``tooltip_columns`` as in
    :func:`quartier_geo.views.maps.quarter_map`.
    """

    data: gpd.GeoDataFrame
    label: str
    kind: LayerKind = "polygon"
    color_column: str | None = None
    class_column: str | None = None
    colors: tuple[str, ...] | None = None
    breaks: tuple[float, ...] | None = None
    class_names: tuple[str, ...] | None = None
    scheme: Literal["viridis", "cividis", "ylorrd", "ylgnbu"] = "ylgnbu"
    color: str = OUTLINE_COLOR
    tooltip_columns: tuple[TooltipColumn, ...] = field(default_factory=tuple)
    title_column: str | None = None
    fill_opacity: float = 0.6
    show: bool = True
    legend_title: str | None = None
    unit: str | None = None


def _kind(gdf: gpd.GeoDataFrame) -> LayerKind:
    types = set(gdf.geometry.geom_type.dropna())
    if types and types <= {"Point", "MultiPoint"}:
        return "point"
    if types and types <= {"LineString", "MultiLineString", "LinearRing"}:
        return "line"
    return "polygon"


def threshold_classes(
    values: pd.Series, thresholds: pd.DataFrame, kind: str, *, lang: Lang = "de"
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class index per value (-1 = none) and legend labels for one ``kind`` of thresholds.csv.

    The classes are those of :func:`quartier_geo.domain.heat_density.classify` (lower <= v < upper,
    the table validated there), so map and tables agree; labels read
    ``"175 – 415: Niedertemperaturnetz im Bestand empfohlen"`` and ``"ab 1.050: …"``.
    """
    from quartier_geo.domain.heat_density import classify

    index = classify(values, thresholds, kind=kind).index
    t = thresholds[thresholds["kind"] == kind].sort_values("lower", kind="stable")
    lower = pd.to_numeric(t["lower"]).astype(float).tolist()
    upper = pd.to_numeric(t["upper"], errors="coerce").astype(float).tolist()
    names = []
    for lo, up, label in zip(lower, upper, pick(t, "class", lang), strict=True):
        lo_txt = fmt_number(lo, lang=lang)
        if np.isnan(up):
            names.append(f"{text('map_class_from', lang)} {lo_txt}: {label}")
        else:
            names.append(f"{lo_txt} – {fmt_number(up, lang=lang)}: {label}")
    return index.fillna(-1).to_numpy(dtype=np.int64), tuple(names)


def default_layer_spec(
    key: str, gdf: gpd.GeoDataFrame, *, lang: Lang = "de", thresholds: pd.DataFrame | None = None
) -> LayerSpec:
    """The standard look of the layers ``streets``, ``grid``, ``heat_networks``,
    ``potentials``; any other key is drawn in one colour with its key as name.

    ``streets`` and ``grid`` are classed by ``thresholds`` (thresholds.csv of the reference,
    or user-set bounds), which they need; nothing is loaded here.
    """
    if key in ("streets", "grid"):
        if thresholds is None:
            raise QuartierGeoError(
                f"Ebene {key}: Klassengrenzen fehlen (thresholds der Referenz übergeben)."
            )
        column, kind, unit = {
            "streets": ("linear_heat_density_kwh_per_m_a", "linear_heat_density", "kWh/(m·a)"),
            "grid": ("heat_density_mwh_per_ha_a", "heat_density", "MWh/(ha·a)"),
        }[key]
        if column not in gdf.columns:
            raise QuartierGeoError(
                f"Ebene {key}: Spalte {column} fehlt. Erst die Wärmedichte berechnen (supply)."
            )
        classes, names = threshold_classes(gdf[column], thresholds, kind, lang=lang)
        if key == "streets":
            label = text("map_layer_streets", lang)
        else:
            label = text("map_layer_grid", lang)
        return LayerSpec(
            data=gdf.assign(_class=classes),
            label=label,
            kind="line" if key == "streets" else "polygon",
            class_column="_class",
            # lines: without the palest step, which vanishes on the grey background
            colors=tuple(sequential(len(names) + (key == "streets"), scheme="ylgnbu"))[
                (key == "streets") :
            ],
            class_names=names,
            tooltip_columns=((column, label.split(": ")[-1], unit),),
            title_column="name",
            show=key == "streets",
            unit=unit,
        )
    if key == "heat_networks":
        return LayerSpec(
            data=gdf,
            label=text("map_layer_networks", lang),
            kind=_kind(gdf),
            color=HEAT_NETWORK_COLOR,
            title_column="name",
            tooltip_columns=(
                ("operator_note", text("map_operator", lang), ""),
                ("kind", text("map_kind", lang), ""),
                ("status", text("status", lang), ""),
                ("length_m", text("map_length", lang), "m"),
            ),
        )
    if key == "potentials":
        return LayerSpec(
            data=gdf,
            label=text("map_layer_potentials", lang),
            kind=_kind(gdf),
            color=POTENTIAL_COLOR,
            title_column="name",
            tooltip_columns=(
                ("kind", text("map_kind", lang), ""),
                ("description", text("map_description", lang), ""),
            ),
        )
    return LayerSpec(data=gdf, label=key, kind=_kind(gdf))


def clicked_id(result: Mapping[str, object] | None) -> object:
    """The id (``properties.i``) of the feature clicked in a streamlit-folium map, or None.

    ``result`` is the dict ``st_folium`` returns; ask for
    ``returned_objects=["last_active_drawing"]`` so that only clicks rerun the page.
    """
    if not result:
        return None
    drawing = result.get("last_active_drawing")
    if not isinstance(drawing, Mapping):
        return None
    props = drawing.get("properties")
    return props.get("i") if isinstance(props, Mapping) else None


@dataclass(frozen=True)
class SvgFrame:
    """The square picture of :func:`quarter_outline_svg`: its scale, size and scale bar.

    Parameters
    ----------
    scale_m_per_px
        Metres per pixel, the same for every quarter so that sizes compare
        (e.g. the largest quarter's extent / ``size_px``). Parts outside are clipped.
    size_px
        Width and height of the square picture in pixels.
    scale_bar_m
        Length of a scale bar in metres drawn bottom left, or None.

    Examples
    --------
    >>> SvgFrame(2.0).size_px
    160
    """

    scale_m_per_px: float
    size_px: int = 160
    scale_bar_m: float | None = None

    def __post_init__(self) -> None:
        problems = [
            f"{name} = {value!r}: eine positive Zahl angeben."
            for name, value in (("scale_m_per_px", self.scale_m_per_px), ("size_px", self.size_px))
            if not value > 0
        ]
        if self.scale_bar_m is not None and not self.scale_bar_m > 0:
            problems.append(f"scale_bar_m = {self.scale_bar_m!r}: positiv oder None.")
        if problems:
            raise DataValidationError(problems, what="Der Bildrahmen")


def quarter_outline_svg(
    geom: BaseGeometry,
    frame: SvgFrame,
    *,
    title: str | None = None,
    fill: str = "#56B4E9",
    stroke: str = "#4D4D4D",
) -> str:
    """An inline SVG of one quarter outline at a common scale (jury small multiples).

    Parameters
    ----------
    geom
        Polygon or MultiPolygon in metres (EPSG:25832), centred in the picture.
    frame
        Scale (m per px), size (px) and scale bar (m) of the square picture.
    title
        Accessible name (``<title>``), escaped.
    fill, stroke
        Colours of the area and its outline, ``#RRGGBB``.
    """
    if geom is None or geom.is_empty:
        raise QuartierGeoError("Das Quartier hat keine Geometrie.")
    size_px, scale_m_per_px, scale_bar_m = frame.size_px, frame.scale_m_per_px, frame.scale_bar_m
    minx, miny, maxx, maxy = geom.bounds
    cx, cy, half = (minx + maxx) / 2, (miny + maxy) / 2, size_px / 2

    def ring_path(ring: BaseGeometry) -> str:
        xy = shapely.get_coordinates(ring)
        px = np.round((xy[:, 0] - cx) / scale_m_per_px + half, 1)
        py = np.round(half - (xy[:, 1] - cy) / scale_m_per_px, 1)
        pts = " L".join(f"{x:g} {y:g}" for x, y in zip(px, py, strict=True))
        return f"M{pts} Z"

    polygons = shapely.get_parts(geom)
    polygons = polygons[shapely.get_type_id(polygons) == 3]
    d = " ".join(ring_path(r) for p in polygons for r in (p.exterior, *p.interiors))
    colours = [fill, stroke]
    if any(not isinstance(c, str) or len(c) != 7 or not c.startswith("#") for c in colours):
        raise ValueError("Farben als #RRGGBB angeben.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_px}" height="{size_px}" '
        f'viewBox="0 0 {size_px} {size_px}" role="img">'
    ]
    if title:
        parts.append(f"<title>{js_safe(title)}</title>")
    parts.append(
        f'<path d="{d}" fill="{js_safe(fill)}" fill-opacity="0.8" stroke="{js_safe(stroke)}" '
        'stroke-width="1" fill-rule="evenodd"/>'
    )
    if scale_bar_m:
        length = scale_bar_m / scale_m_per_px
        y = size_px - 6
        parts.append(
            f'<line x1="6" y1="{y}" x2="{6 + length:.1f}" y2="{y}" stroke="#000" stroke-width="2"/>'
            f'<text x="6" y="{y - 4}" font-size="10" font-family="sans-serif">'
            f"{js_safe(fmt_value(scale_bar_m))} m</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def add_labels(m: folium.Map, gdf: gpd.GeoDataFrame, column: str, *, font_px: int) -> None:
    """Permanent text labels at each feature's representative point (escaped).

    A zero-radius circle marker carries a permanent tooltip: no marker image is loaded
    (Leaflet's default marker icon would be fetched from the vendor folder otherwise).
    """
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        folium.Element(
            "<style>.leaflet-tooltip.quarter-label{background:transparent;border:none;"
            "box-shadow:none;padding:0;color:#333;text-shadow:0 0 3px #fff,0 0 3px #fff,"
            f"0 0 2px #fff;font-size:{font_px - 1}px}}"
            ".leaflet-tooltip.quarter-label:before{display:none}"
            # on a phone the names would pile up: the tooltip and the table name them
            f"@media (max-width:{NARROW_LABELS_PX}px)"
            "{.leaflet-tooltip.quarter-label{display:none}}"
            "</style>"
        )
    )
    # anchored at the east edge, so that the label does not cover the polygon it names;
    # a text repeated (two quarters of one town) is written once, at its first feature
    gdf = gdf[~gdf[column].duplicated()]
    points = gdf.geometry.representative_point()
    east = gdf.geometry.bounds["maxx"]
    for words, point, x in zip(gdf[column].tolist(), points, east, strict=True):
        marker = folium.CircleMarker(
            location=[point.y, x],
            radius=0,
            weight=0,
            tooltip=folium.Tooltip(
                js_safe(words),
                sticky=False,
                permanent=True,
                direction="right",
                offset=(4, 0),
                class_name="quarter-label",
            ),
        )
        # folium drops radius 0 (Leaflet's default 10 px) and ``interactive``: an invisible
        # 10 px disc at the quarter's edge would catch the clicks meant for the quarter
        marker.options.update(radius=0, interactive=False)
        marker.add_to(m)
