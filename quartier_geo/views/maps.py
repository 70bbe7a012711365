"""Folium map builders: the region of 20 quarters, one quarter's buildings, public blocks.

The only place that reprojects to EPSG:4326 (:data:`quartier_geo.base.crs.DISPLAY_CRS`). Every map:
no tiles (nothing loads on a closed network; a grey background instead), canvas renderer,
``maxZoom`` in the map options, a metric scale bar, Leaflet from ``static/vendor``
(:func:`quartier_geo.views.map_assets.localise`) and layers built by
:mod:`quartier_geo.views.map_layers` (fast, every text escaped). The builders return a
``folium.Map``; :func:`map_html` turns it into the page the app shows with ``st.iframe``.

With streamlit-folium, a click on a feature returns it as ``last_active_drawing``;
:func:`clicked_id` reads the feature's id from that result.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.base.columns import BUILDING_COLUMNS, QUARTER_COLUMNS, RESULT_COLUMNS
from quartier_geo.base.crs import DISPLAY_CRS, require_crs
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import t
from quartier_geo.base.numfmt import Lang, fmt_values
from quartier_geo.domain.blocks import block_ratio
from quartier_geo.views.basemap import add_basemap
from quartier_geo.views.classify import ColourBy, Colouring, colour_classes
from quartier_geo.views.map_assets import inline_assets, localise, map_html
from quartier_geo.views.map_extra import (
    LayerSpec,
    SvgFrame,
    TooltipColumn,
    add_labels,
    aggregate_to_blocks,
    clicked_id,
    default_layer_spec,
    quarter_outline_svg,
)
from quartier_geo.views.map_layers import (
    FastGeoJson,
    FeatureProps,
    Interaction,
    Kind,
    LayerStyle,
    LayerToggle,
    features_json,
)
from quartier_geo.views.map_legend import Legend, LegendContent, MapChrome
from quartier_geo.views.map_options import (
    DEFAULT_BLOCKS,
    DEFAULT_CONTEXT,
    DEFAULT_DISPLAY,
    DEFAULT_INFO,
    BlockValues,
    Display,
    FeatureInfo,
    MapContext,
)
from quartier_geo.views.palette import MISSING_COLOR, SELECTED_COLOR, sequential

__all__ = [
    "MAX_ZOOM",
    "BlockValues",
    "ColourBy",
    "Colouring",
    "Display",
    "FeatureInfo",
    "LayerSpec",
    "MapContext",
    "SvgFrame",
    "TooltipColumn",
    "aggregate_to_blocks",
    "block_map",
    "clicked_id",
    "default_layer_spec",
    "inline_assets",
    "localise",
    "map_html",
    "quarter_map",
    "quarter_outline_svg",
    "region_map",
]

log = logging.getLogger(__name__)

#: Deepest zoom (about 0.3 m per pixel); without tiles Leaflet needs it in the map options.
MAX_ZOOM = 19


_UNITS: dict[str, str] = {
    c.name: c.unit
    for c in (*BUILDING_COLUMNS, *RESULT_COLUMNS, *QUARTER_COLUMNS)
    if c.unit not in ("-", "date", "persons")
}


# ----------------------------------------------------------------------------- helpers
def _display(gdf: gpd.GeoDataFrame, *, what: str) -> gpd.GeoDataFrame:
    """``gdf`` without missing/empty geometries, reprojected to EPSG:4326."""
    require_crs(gdf, what=what)
    geoms = gdf.geometry.array
    keep = ~(geoms.isna() | geoms.is_empty)
    if not keep.all():
        log.info("%s: %d Objekte ohne Geometrie ausgelassen", what, int((~keep).sum()))
    out = gdf[keep]
    return out if out.crs.equals(DISPLAY_CRS) else out.to_crs(DISPLAY_CRS)


def _base_map(bounds: np.ndarray, display: Display) -> folium.Map:
    """Empty map fitted to ``bounds`` (minx, miny, maxx, maxy in degrees)."""
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=14,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # MapChrome adds a metric-only scale bar
    )
    m.options["max_zoom"] = MAX_ZOOM
    m.options["min_zoom"] = 7
    # fractional zoom steps: the fit to the content (MapChrome) fills the frame closely
    m.options["zoom_snap"] = 0.25
    localise(m, base_url=display.base_url, assets=display.assets)
    add_basemap(m)  # only where the server names one (QUARTIER_BASEMAP)
    MapChrome(font_px=display.font_px, bounds=(minx, miny, maxx, maxy)).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _tooltip(
    df: pd.DataFrame,
    columns: Sequence[TooltipColumn],
    *,
    lang: Lang,
    value_labels: Mapping[str, Mapping[object, str]] | None = None,
) -> tuple[list[str], list[Sequence[object]]]:
    """Tooltip labels (with units) and the values of each tooltip line, formatted for
    ``lang`` (numbers) or mapped through ``value_labels`` (categories)."""
    labels: list[str] = []
    cols: list[Sequence[object]] = []
    for spec in columns:
        column, label = spec[0], spec[1]
        unit = spec[2] if len(spec) == 3 else _UNITS.get(column, "")
        if column not in df.columns:
            raise QuartierGeoError(f"Spalte {column!r} für den Tooltip fehlt in den Kartendaten.")
        labels.append(f"{label} ({unit})" if unit else label)
        s = df[column]
        mapping = (value_labels or {}).get(column)
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            cols.append(fmt_values(s.to_numpy(dtype=float, na_value=np.nan), lang=lang))
        else:
            cols.append([mapping.get(v, v) if mapping else v for v in s.tolist()])
    return labels, cols


def _is_categorical(s: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)


def _colouring(
    s: pd.Series, colouring: Colouring, *, lang: Lang
) -> tuple[np.ndarray, list[str], list[tuple[str, str]]]:
    """Class per row, the colour per class and the legend entries (colour, label)."""
    classes = colour_classes(s, colouring, lang=lang)
    entries = list(zip(classes.colors, classes.names, strict=True))
    if (classes.index < 0).any():
        entries.append((MISSING_COLOR, t("map_no_value", lang)))
    return classes.index, classes.colors, entries


def _named_missing(entries: list[tuple[str, str]], colour: ColourBy) -> list[tuple[str, str]]:
    """The legend entries with the grey entry named as ``colour.missing_label`` says."""
    if not colour.missing_label:
        return entries
    return [(c, colour.missing_label if c == MISSING_COLOR else n) for c, n in entries]


def _legend_title(title: str, unit: str | None) -> str:
    return f"{title} ({unit})" if unit else title


def _value_labels(colour: ColourBy) -> dict[str, Mapping[object, str]] | None:
    """Display names of a categorical column's values, for its tooltip line."""
    labels = colour.colouring.labels
    return {colour.column: labels} if labels else None


# ----------------------------------------------------------------------------- builders
def region_map(
    quarters: gpd.GeoDataFrame,
    colour: ColourBy,
    *,
    info: FeatureInfo = DEFAULT_INFO,
    display: Display = DEFAULT_DISPLAY,
    label_column: str | None = None,
) -> folium.Map:
    """The quarters on one map, coloured by ``colour.column``, the selected one outlined.

    Parameters
    ----------
    quarters
        Polygons with ``quarter_id``, ``name``, ``municipality`` and the colour column, in
        any CRS (usually EPSG:25832).
    colour
        Column, classing and legend (:class:`ColourBy`). Categorical or not follows the
        column's type: text (e.g. ``phase``) one colour per value, numbers classed by
        ``method`` and ``k``.
    info
        Extra tooltip lines below name and municipality and the selected ``quarter_id``
        (black outline on top); id and headline default to ``quarter_id`` and ``name``.
    display
        Language, assets (``"minimal"`` for ``st.iframe``, ``"st_folium"`` for
        streamlit-folium), type size.
    label_column
        Text written next to each quarter (e.g. ``municipality``), escaped; gives the map
        orientation where no tiles can load.
    """
    lang = display.lang
    q = _display(quarters, what="Die Quartiere")
    if q.empty:
        raise QuartierGeoError("Keine Quartiere mit Geometrie: Quartiersebene prüfen.")
    s = q[colour.column]
    colouring = dataclasses.replace(colour.colouring, categorical=_is_categorical(s))
    classes, palette, entries = _colouring(s, colouring, lang=lang)
    entries = _named_missing(entries, colour)
    cols = [("municipality", t("municipality", lang), ""), *info.tooltip]
    tip_labels, tip_values = _tooltip(q, cols, lang=lang, value_labels=_value_labels(colour))
    m = _base_map(q.total_bounds, display)
    props = FeatureProps(
        classes=classes,
        ids=q[info.id_column or "quarter_id"].tolist(),
        titles=q[info.title_column or "name"].tolist(),
        columns=tip_values,
    )
    FastGeoJson(
        features_json(q.geometry.to_numpy(), props),
        name=colour.legend_title,
        style=LayerStyle(colors=palette, fill_opacity=0.75, stroke_weight=1.0),
        interaction=Interaction(labels=tip_labels, selected=info.selected_id),
        toggle=LayerToggle(control=False),
    ).add_to(m)
    title = _legend_title(colour.legend_title, colour.unit)
    Legend(LegendContent(title, entries, note=colour.note)).add_to(m)
    if label_column:
        add_labels(m, q, label_column, font_px=display.font_px)
    return m


def quarter_map(
    buildings: gpd.GeoDataFrame,
    colour: ColourBy,
    *,
    context: MapContext = DEFAULT_CONTEXT,
    info: FeatureInfo = DEFAULT_INFO,
    display: Display = DEFAULT_DISPLAY,
) -> folium.Map:
    """Building footprints of one quarter coloured by ``colour.column``, with optional layers.

    Parameters
    ----------
    buildings
        Footprints (any CRS, usually EPSG:25832) with the id column and the colour column.
    colour
        Column, classing and legend (:class:`ColourBy`): categorical, one colour per value
        (``colors``/``labels``, palette defaults); else classes of the numeric column by
        ``method`` and ``k`` (or fixed ``breaks``/``thresholds``) in ``scheme``; the legend
        heading, its unit and a note below the classes (e.g. the data source).
    context
        The quarter outline (dashed; sets the extent without buildings) and further layers
        (:class:`MapContext`); with further layers a layer control lists them.
    info
        Tooltip lines (column, label[, unit]; numbers formatted for the language), the
        headline column, the id column (default ``building_id``) and the selected id.
    display
        Language, assets, base URL of the local Leaflet files, type size.
    """
    lang = display.lang
    b = _display(buildings, what="Die Gebäude")
    quarter = context.quarter
    outline = _display(quarter, what="Das Quartier") if quarter is not None else None
    # fit the map to the buildings and the quarter outline: the whole quarter is in view
    parts = [g.total_bounds for g in (b, outline) if g is not None and not g.empty]
    bounds = None
    if parts:
        stacked = np.vstack(parts)
        bounds = np.concatenate([stacked[:, :2].min(axis=0), stacked[:, 2:].max(axis=0)])
    if bounds is None or not np.all(np.isfinite(bounds)):
        raise QuartierGeoError("Keine Gebäude und kein Quartier mit Geometrie: Daten prüfen.")
    m = _base_map(bounds, display)
    specs = {
        key: (v if isinstance(v, LayerSpec) else default_layer_spec(key, v, lang=lang))
        for key, v in context.layers.items()
    }
    for spec in (s for s in specs.values() if s.kind == "polygon"):
        _add_spec(m, spec, lang=lang)  # area layers (hectare grid) under the buildings
    if outline is not None and not outline.empty:
        FastGeoJson(
            features_json(
                outline.geometry.to_numpy(), FeatureProps(classes=np.zeros(len(outline), int))
            ),
            name=t("quarter", lang),
            style=LayerStyle(kind="outline", colors=[SELECTED_COLOR], weight=2.0),
            toggle=LayerToggle(control=False),
        ).add_to(m)
    s = b[colour.column] if colour.column in b.columns else None
    if s is None:
        raise QuartierGeoError(f"Spalte {colour.column!r} fehlt in den Gebäudedaten.")
    classes, palette, entries = _colouring(s, colour.colouring, lang=lang)
    entries = _named_missing(entries, colour)
    tip_labels, tip_values = _tooltip(
        b, info.tooltip, lang=lang, value_labels=_value_labels(colour)
    )
    id_column = info.id_column or "building_id"
    props = FeatureProps(
        classes=classes,
        ids=b[id_column].tolist() if id_column in b.columns else None,
        titles=b[info.title_column].tolist() if info.title_column else None,
        columns=tip_values,
    )
    style = LayerStyle(colors=palette or [MISSING_COLOR])
    if colour.fill_opacity is not None:
        style = dataclasses.replace(style, fill_opacity=colour.fill_opacity)
    FastGeoJson(
        features_json(b.geometry.to_numpy(), props),
        name=colour.legend_title,
        style=style,
        interaction=Interaction(labels=tip_labels, selected=info.selected_id),
    ).add_to(m)
    if b.empty:
        entries = [(MISSING_COLOR, t("no_data", lang))]
    title = _legend_title(colour.legend_title, colour.unit)
    Legend(LegendContent(title, entries, note=colour.note)).add_to(m)
    for spec in (s for s in specs.values() if s.kind != "polygon"):
        _add_spec(m, spec, lang=lang)
    if specs:
        folium.LayerControl(collapsed=False).add_to(m)
    return m


def _add_spec(m: folium.Map, spec: LayerSpec, *, lang: Lang) -> None:
    """Add one extra layer (and its legend, shown while the layer is on)."""
    g = _display(spec.data, what=spec.label)
    kind: Kind = spec.kind
    if spec.class_column and spec.class_column in g.columns:
        names = list(spec.class_names or ())
        palette = list(spec.colors or sequential(max(len(names), 1), scheme=spec.scheme))
        classes = g[spec.class_column].fillna(-1).to_numpy(dtype=np.int64)
        entries = list(zip(palette, names, strict=False))
        if (classes < 0).any():
            entries.append((MISSING_COLOR, t("map_no_value", lang)))
    elif spec.color_column and spec.color_column in g.columns:
        colouring = Colouring(
            categorical=spec.breaks is None and _is_categorical(g[spec.color_column]),
            breaks=spec.breaks,
            scheme=spec.scheme,
        )
        classes, palette, entries = _colouring(g[spec.color_column], colouring, lang=lang)
        if spec.class_names is not None:
            names = [*spec.class_names, *(label for _, label in entries[len(spec.class_names) :])]
            entries = [(c, n) for (c, _), n in zip(entries, names, strict=False)]
    else:  # one colour: the legend names the layer
        classes = np.zeros(len(g), dtype=np.int64)
        palette, entries = [spec.color], [(spec.color, spec.label)]
    tip_cols = [c for c in spec.tooltip_columns if c[0] in g.columns]
    tip_labels, tip_values = _tooltip(g, tip_cols, lang=lang)
    title = spec.title_column if spec.title_column in g.columns else None
    props = FeatureProps(
        classes=classes, titles=g[title].tolist() if title else None, columns=tip_values
    )
    layer = FastGeoJson(
        features_json(g.geometry.to_numpy(), props),
        name=spec.label,
        style=LayerStyle(
            kind=kind,
            colors=palette,
            fill_opacity=spec.fill_opacity,
            stroke_weight=0.0 if kind == "polygon" else 0.5,
        ),
        interaction=Interaction(labels=tip_labels),
        toggle=LayerToggle(show=spec.show),
    )
    layer.add_to(m)
    if entries:
        title_text = _legend_title(spec.legend_title or spec.label, spec.unit)
        content = LegendContent(title_text, entries, kind=kind)
        Legend(content, layer=layer, position="bottomleft").add_to(m)


def block_map(
    buildings: gpd.GeoDataFrame,
    colour: ColourBy,
    *,
    blocks: BlockValues = DEFAULT_BLOCKS,
    context: MapContext = DEFAULT_CONTEXT,
    display: Display = DEFAULT_DISPLAY,
) -> folium.Map:
    """Public mode: buildings grouped into blocks, coloured by a block total or ratio.

    The block value is ``sum(colour.column)``, or ``sum(colour.column) /
    sum(blocks.denominator_column)`` (e.g. heat demand per m² floor area) when a
    denominator is given, classed by ``colour.colouring`` (``method``, ``k``). Blocks with
    fewer than ``blocks.min_buildings`` buildings show no value
    (:func:`quartier_geo.views.map_extra.aggregate_to_blocks`). No single building is drawn;
    ``context`` and ``display`` as in :func:`quarter_map`.
    """
    value_column, denominator = colour.column, blocks.denominator_column
    columns = [value_column] + ([denominator] if denominator else [])
    grouped = aggregate_to_blocks(
        buildings,
        value_columns=columns,
        block_column=blocks.block_column,
        min_buildings=blocks.min_buildings,
    )
    shown = "block_value"
    grouped[shown] = (
        block_ratio(grouped, value_column, denominator) if denominator else grouped[value_column]
    )
    info = FeatureInfo(
        tooltip=[
            ("buildings", t("buildings", display.lang), ""),
            (shown, blocks.value_label or colour.legend_title, colour.unit or ""),
        ],
        id_column=blocks.block_column,
    )
    return quarter_map(
        grouped,
        dataclasses.replace(colour, column=shown),
        context=context,
        info=info,
        display=display,
    )
