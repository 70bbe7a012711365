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

import logging
from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.base.columns import BUILDING_COLUMNS, QUARTER_COLUMNS, RESULT_COLUMNS
from quartier_geo.base.crs import DISPLAY_CRS, require_crs
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.numfmt import Lang, fmt_values
from quartier_geo.domain.blocks import block_ratio
from quartier_geo.views.classify import Colouring, Method, colour_classes
from quartier_geo.views.map_assets import (
    DEFAULT_BASE_URL,
    Assets,
    inline_assets,
    localise,
    map_html,
)
from quartier_geo.views.map_extra import (
    LayerSpec,
    TooltipColumn,
    add_labels,
    aggregate_to_blocks,
    clicked_id,
    default_layer_spec,
    quarter_outline_svg,
)
from quartier_geo.views.map_layers import FastGeoJson, Kind, Legend, MapChrome, features_json
from quartier_geo.views.palette import (
    MISSING_COLOR,
    SELECTED_COLOR,
    SequentialScheme,
    sequential,
)

__all__ = [
    "MAX_ZOOM",
    "LayerSpec",
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
_TEXT = {
    "de": {"missing": "keine Angabe", "municipality": "Kommune", "empty": "keine Daten"},
    "en": {"missing": "no data", "municipality": "Municipality", "empty": "no data"},
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


def _base_map(bounds: np.ndarray, *, assets: Assets, base_url: str, font_px: int) -> folium.Map:
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
    localise(m, base_url=base_url, assets=assets)
    MapChrome(font_px=font_px).add_to(m)
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
        entries.append((MISSING_COLOR, _TEXT[lang]["missing"]))
    return classes.index, classes.colors, entries


def _legend_title(title: str, unit: str | None) -> str:
    return f"{title} ({unit})" if unit else title


# ----------------------------------------------------------------------------- builders
def region_map(
    quarters: gpd.GeoDataFrame,
    *,
    color_column: str,
    colors: Mapping[object, str] | None = None,
    labels: Mapping[object, str] | None = None,
    legend_title: str,
    unit: str | None = None,
    tooltip_columns: Sequence[TooltipColumn] = (),
    selected_id: int | None = None,
    method: Method = "quantiles",
    k: int = 5,
    lang: Lang = "de",
    assets: Assets = "minimal",
    base_url: str = DEFAULT_BASE_URL,
    font_px: int = 13,
    label_column: str | None = None,
) -> folium.Map:
    """The quarters on one map, coloured by ``color_column``, the selected one outlined.

    Parameters
    ----------
    quarters
        Polygons with ``quarter_id``, ``name``, ``municipality`` and ``color_column``, in
        any CRS (usually EPSG:25832).
    color_column
        Categorical (text, e.g. ``phase``) or numeric (classified with ``method`` and ``k``).
    colors, labels
        Colour and display name per category (colours default to :mod:`palette`).
    legend_title, unit
        Legend heading; the unit is appended in brackets.
    tooltip_columns
        Extra tooltip lines (column, label[, unit]) below name and municipality.
    selected_id
        ``quarter_id`` drawn with a black outline on top.
    label_column
        Text written next to each quarter (e.g. ``municipality``), escaped; gives the map
        orientation where no tiles can load.
    assets
        ``"minimal"`` for ``st.iframe``, ``"st_folium"`` for streamlit-folium.
    """
    q = _display(quarters, what="Die Quartiere")
    if q.empty:
        raise QuartierGeoError("Keine Quartiere mit Geometrie: Quartiersebene prüfen.")
    s = q[color_column]
    colouring = Colouring(
        categorical=_is_categorical(s), colors=colors, labels=labels, method=method, k=k
    )
    classes, palette, entries = _colouring(s, colouring, lang=lang)
    value_labels = {color_column: labels} if labels else None
    cols = [("municipality", _TEXT[lang]["municipality"], ""), *tooltip_columns]
    tip_labels, tip_values = _tooltip(q, cols, lang=lang, value_labels=value_labels)
    m = _base_map(q.total_bounds, assets=assets, base_url=base_url, font_px=font_px)
    data = features_json(
        q.geometry.to_numpy(),
        classes=classes,
        ids=q["quarter_id"].tolist(),
        titles=q["name"].tolist(),
        columns=tip_values,
    )
    FastGeoJson(
        data,
        name=legend_title,
        colors=palette,
        labels=tip_labels,
        selected=selected_id,
        fill_opacity=0.75,
        stroke_weight=1.0,
        control=False,
    ).add_to(m)
    Legend(title=_legend_title(legend_title, unit), entries=entries).add_to(m)
    if label_column:
        add_labels(m, q, label_column, font_px=font_px)
    return m


def quarter_map(
    buildings: gpd.GeoDataFrame,
    *,
    quarter: gpd.GeoDataFrame | None = None,
    color_column: str,
    categorical: bool,
    colors: Mapping[object, str] | None = None,
    labels: Mapping[object, str] | None = None,
    method: Method = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    scheme: SequentialScheme = "ylorrd",
    tooltip_columns: Sequence[TooltipColumn] = (),
    title_column: str | None = None,
    id_column: str = "building_id",
    selected_id: object = None,
    extra_layers: Mapping[str, gpd.GeoDataFrame | LayerSpec] | None = None,
    legend_title: str,
    unit: str | None = None,
    note: str | None = None,
    lang: Lang = "de",
    assets: Assets = "minimal",
    base_url: str = DEFAULT_BASE_URL,
    font_px: int = 13,
) -> folium.Map:
    """Building footprints of one quarter coloured by ``color_column``, with optional layers.

    Parameters
    ----------
    buildings
        Footprints (any CRS, usually EPSG:25832) with ``id_column`` and ``color_column``.
    quarter
        The quarter polygon (one row), drawn as a dashed outline; also sets the extent.
    categorical
        True: one colour per value (``colors``/``labels``, palette defaults); False: classes
        of the numeric column by ``method`` and ``k`` (or fixed ``breaks``) in ``scheme``.
    tooltip_columns
        Tooltip lines (column, label[, unit]); numbers formatted for ``lang``.
    extra_layers
        Further layers by key; plain GeoDataFrames get the defaults of
        :func:`quartier_geo.views.map_extra.default_layer_spec` (``"streets"`` by linear heat
        density, ``"grid"`` hectare cells by heat density, ``"heat_networks"``,
        ``"potentials"``). A layer control lists them.
    legend_title, unit, note
        Legend heading, its unit, and a line below the classes (e.g. the data source).
    """
    b = _display(buildings, what="Die Gebäude")
    outline = _display(quarter, what="Das Quartier") if quarter is not None else None
    # fit the map to the buildings (the synthetic quarter outline is often much larger and
    # would shrink the footprints to dots); without buildings, to the quarter
    bounds = b.total_bounds if not b.empty else None
    if bounds is None and outline is not None and not outline.empty:
        bounds = outline.total_bounds
    if bounds is None or not np.all(np.isfinite(bounds)):
        raise QuartierGeoError("Keine Gebäude und kein Quartier mit Geometrie: Daten prüfen.")
    m = _base_map(bounds, assets=assets, base_url=base_url, font_px=font_px)
    specs = {
        key: (v if isinstance(v, LayerSpec) else default_layer_spec(key, v, lang=lang))
        for key, v in (extra_layers or {}).items()
    }
    for spec in (s for s in specs.values() if s.kind == "polygon"):
        _add_spec(m, spec, lang=lang)  # area layers (hectare grid) under the buildings
    if outline is not None and not outline.empty:
        FastGeoJson(
            features_json(outline.geometry.to_numpy(), classes=np.zeros(len(outline), int)),
            name="Quartier" if lang == "de" else "Quarter",
            kind="outline",
            colors=[SELECTED_COLOR],
            weight=2.0,
            control=False,
        ).add_to(m)
    s = b[color_column] if color_column in b.columns else None
    if s is None:
        raise QuartierGeoError(f"Spalte {color_column!r} fehlt in den Gebäudedaten.")
    colouring = Colouring(
        categorical=categorical,
        colors=colors,
        labels=labels,
        method=method,
        k=k,
        breaks=breaks,
        scheme=scheme,
    )
    classes, palette, entries = _colouring(s, colouring, lang=lang)
    value_labels = {color_column: labels} if labels else None
    tip_labels, tip_values = _tooltip(b, tooltip_columns, lang=lang, value_labels=value_labels)
    layer = FastGeoJson(
        features_json(
            b.geometry.to_numpy(),
            classes=classes,
            ids=b[id_column].tolist() if id_column in b.columns else None,
            titles=b[title_column].tolist() if title_column else None,
            columns=tip_values,
        ),
        name=legend_title,
        colors=palette or [MISSING_COLOR],
        labels=tip_labels,
        selected=selected_id,
    )
    layer.add_to(m)
    if b.empty:
        entries = [(MISSING_COLOR, _TEXT[lang]["empty"])]
    Legend(title=_legend_title(legend_title, unit), entries=entries, note=note).add_to(m)
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
            entries.append((MISSING_COLOR, _TEXT[lang]["missing"]))
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
    else:
        classes = np.zeros(len(g), dtype=np.int64)
        palette, entries = [spec.color], []
    tip_cols = [c for c in spec.tooltip_columns if c[0] in g.columns]
    tip_labels, tip_values = _tooltip(g, tip_cols, lang=lang)
    title = spec.title_column if spec.title_column in g.columns else None
    layer = FastGeoJson(
        features_json(
            g.geometry.to_numpy(),
            classes=classes,
            titles=g[title].tolist() if title else None,
            columns=tip_values,
        ),
        name=spec.label,
        kind=kind,
        colors=palette,
        labels=tip_labels,
        fill_opacity=spec.fill_opacity,
        stroke_weight=0.0 if kind == "polygon" else 0.5,
        show=spec.show,
    )
    layer.add_to(m)
    if entries:
        title_text = _legend_title(spec.legend_title or spec.label, spec.unit)
        Legend(
            title=title_text, entries=entries, kind=kind, layer=layer, position="bottomleft"
        ).add_to(m)


def block_map(
    buildings: gpd.GeoDataFrame,
    *,
    quarter: gpd.GeoDataFrame | None = None,
    value_column: str,
    denominator_column: str | None = None,
    block_column: str = "block_id",
    min_buildings: int = 3,
    method: Method = "quantiles",
    k: int = 5,
    legend_title: str,
    unit: str | None = None,
    value_label: str | None = None,
    note: str | None = None,
    lang: Lang = "de",
    assets: Assets = "minimal",
    base_url: str = DEFAULT_BASE_URL,
    font_px: int = 13,
) -> folium.Map:
    """Public mode: buildings grouped into blocks, coloured by a block total or ratio.

    The block value is ``sum(value_column)``, or ``sum(value_column) /
    sum(denominator_column)`` (e.g. heat demand per m² floor area) when a denominator is
    given. Blocks with fewer than ``min_buildings`` buildings show no value
    (:func:`quartier_geo.views.map_extra.aggregate_to_blocks`). No single building is drawn.
    """
    columns = [value_column] + ([denominator_column] if denominator_column else [])
    blocks = aggregate_to_blocks(
        buildings, value_columns=columns, block_column=block_column, min_buildings=min_buildings
    )
    shown = "block_value"
    blocks[shown] = (
        block_ratio(blocks, value_column, denominator_column)
        if denominator_column
        else blocks[value_column]
    )
    n_label = "Gebäude" if lang == "de" else "Buildings"
    return quarter_map(
        blocks,
        quarter=quarter,
        color_column=shown,
        categorical=False,
        method=method,
        k=k,
        tooltip_columns=[
            ("buildings", n_label, ""),
            (shown, value_label or legend_title, unit or ""),
        ],
        id_column=block_column,
        legend_title=legend_title,
        unit=unit,
        note=note,
        lang=lang,
        assets=assets,
        base_url=base_url,
        font_px=font_px,
    )
