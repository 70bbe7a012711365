"""Supply page: density maps with adjustable thresholds, the supply options of the selected
quarter and the suitability matrix of all quarters.

The thresholds start from thresholds.csv; the planner and the public may move the inner
class bounds (disabled in the workshop), which changes classes, options and matrix.
Options are cached per quarter and bounds (``st.cache_data``). Public and workshop servers
draw no building: the maps show the quarter outline, hectare cells and street segments of
at least N buildings only (:mod:`quartier_geo.domain.privacy`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.numfmt import fmt_number
from quartier_geo.domain import supply
from quartier_geo.domain.privacy import Withheld
from quartier_geo.ui import mapview, state, widgets
from quartier_geo.ui.data import (
    current,
    min_buildings,
    public_cut,
    quarter_buildings,
    quarter_bundle,
    quarter_grid,
    quarter_streets,
)
from quartier_geo.ui.frame import NARROW_ONLY, WIDE_ONLY, Context
from quartier_geo.views import charts, maps
from quartier_geo.views.map_extra import default_layer_spec
from quartier_geo.views.palette import CONTEXT_COLOR

__all__ = [
    "DENSITY_KINDS",
    "MATRIX_CHART_KEY",
    "MATRIX_TABLE_KEY",
    "SUITABILITY_SYMBOLS",
    "class_shares",
    "density_maps",
    "header",
    "inner_bounds",
    "matrix",
    "matrix_table",
    "options",
    "options_for",
    "suitability_matrix",
    "threshold_controls",
    "thresholds_with",
]

#: The two density kinds of thresholds.csv with the unit of their bounds.
DENSITY_KINDS = (("heat_density", "MWh/(ha·a)"), ("linear_heat_density", "kWh/(m·a)"))
#: Symbols in the matrix cells by suitability score (3 well suited .. 0 unsuitable).
SUITABILITY_SYMBOLS = {3: "++", 2: "+", 1: "o", 0: "–"}


def inner_bounds(thresholds: pd.DataFrame, *, kind: str) -> list[float]:
    """The class bounds of ``kind`` between its classes, ascending (the first lower bound,
    0, is fixed and left out): the values the threshold inputs start from."""
    return sorted(thresholds.loc[thresholds["kind"] == kind, "lower"].astype(float))[1:]


def class_shares(
    grid: pd.DataFrame, thresholds: pd.DataFrame, *, lang: Lang
) -> list[tuple[str, float]]:
    """Share of the heat demand (0..1) of the hectare cells in each heat-density class.

    ``grid`` has ``heat_density_mwh_per_ha_a`` and ``heat_demand_mwh_per_a`` per cell;
    returns (class label in ``lang``, share) in class order, classes without cells left out.
    """
    cls = supply.classify(grid["heat_density_mwh_per_ha_a"], thresholds, kind="heat_density")
    labels = getattr(cls, widgets.lang_column("label", lang))
    demand = grid["heat_demand_mwh_per_a"].astype(float)
    total = float(demand.sum())
    if total <= 0:
        return []
    per_class = demand.groupby(cls.index).sum()
    return [(str(labels[cls.index == i].iloc[0]), float(v) / total) for i, v in per_class.items()]


def thresholds_with(
    thresholds: pd.DataFrame, *, kind: str, bounds: Sequence[float]
) -> pd.DataFrame:
    """``thresholds`` with the inner class bounds of ``kind`` replaced (ascending, > 0).

    The first class keeps its lower bound 0 and the last stays open-ended; labels, sources
    and status rows are kept, so the UI can still show where the defaults came from.
    """
    rows = thresholds[thresholds["kind"] == kind].sort_values("lower").copy()
    bounds = [float(b) for b in bounds]
    if len(bounds) != len(rows) - 1:
        raise QuartierGeoError(f"{kind}: {len(rows) - 1} Grenzen erwartet.")
    if any(b <= 0 for b in bounds) or any(b2 <= b1 for b1, b2 in itertools.pairwise(bounds)):
        raise QuartierGeoError(
            "Die Schwellen müssen größer als 0 sein und von Klasse zu Klasse steigen."
        )
    rows["lower"] = [0.0, *bounds]
    rows["upper"] = [*bounds, float("nan")]
    return pd.concat([thresholds[thresholds["kind"] != kind], rows], ignore_index=True)


def _key(thresholds: pd.DataFrame) -> tuple[tuple[str, float], ...]:
    return tuple(zip(thresholds["kind"], thresholds["lower"].astype(float), strict=True))


@st.cache_data(max_entries=64, show_spinner=False)
def _options(quarter_id: int, bounds: tuple[tuple[str, float], ...]) -> pd.DataFrame:
    data = current()
    thresholds = data.ref.thresholds.copy()
    for kind in {k for k, _ in bounds}:
        lows = sorted(v for k, v in bounds if k == kind)[1:]
        thresholds = thresholds_with(thresholds, kind=kind, bounds=lows)
    q = quarter_bundle(quarter_id)
    return supply.supply_options(
        q.buildings, ref=data.ref, thresholds=thresholds, criteria=q.criteria
    )


def options_for(quarter_id: int, thresholds: pd.DataFrame) -> pd.DataFrame:
    return _options(quarter_id, _key(thresholds))


def matrix(quarter_ids: Sequence[int], thresholds: pd.DataFrame) -> pd.DataFrame:
    """Suitability (0-3) of every option for every quarter."""
    return supply.suitability_matrix({q: options_for(q, thresholds) for q in quarter_ids})


def header(ctx: Context) -> None:
    st.title(f"{ctx.t('page_supply')}: {ctx.quarter_name}")
    st.caption(ctx.t("supply_intro"))


def threshold_controls(ctx: Context) -> pd.DataFrame:
    """Inputs for the inner class bounds; the thresholds to use (the defaults if invalid)."""
    lang, defaults = ctx.lang, ctx.data.ref.thresholds
    with st.expander(t("thresholds", lang), expanded=False):
        st.caption(t("thresholds_note", lang))
        bounds: dict[str, list[float]] = {}
        for kind, unit in DENSITY_KINDS:
            values = inner_bounds(defaults, kind=kind)
            cols = st.columns(len(values))
            bounds[kind] = [
                _threshold_input(
                    col, f"{t(kind, lang)} {i + 1} ({unit})", f"thr_{kind}_{i}", v, ctx
                )
                for i, (col, v) in enumerate(zip(cols, values, strict=True))
            ]
        columns = ["kind", "lower", "upper", "unit", widgets.lang_column("class", lang)]
        widgets.reference_table(defaults[[*columns, "source", "status"]], lang=lang)
    thresholds = defaults
    try:
        for kind, values in bounds.items():
            thresholds = thresholds_with(thresholds, kind=kind, bounds=values)
    except QuartierGeoError as exc:
        st.error(str(exc))
        return defaults
    return thresholds


#: Range of a class bound from a link (MWh/(ha·a) or kWh/(m·a)); text, NaN or inf give the
#: default, values outside are clamped.
_THRESHOLD_BOUNDS = (1, 1_000_000)


def _whole(raw: str) -> int:
    return round(float(raw))


def _threshold_input(col: Any, text: str, name: str, default: float, ctx: Context) -> float:
    """One class bound: a whole number, kept in the session and the URL (``thr_<kind>_<i>``)
    so that a link shares the classes; the workshop sees it but cannot change it."""
    state.init_from_query(name, round(default), parse=_whole, bounds=_THRESHOLD_BOUNDS)
    col.number_input(  # whole numbers: "%d" needs no decimal mark
        text,
        min_value=_THRESHOLD_BOUNDS[0],
        max_value=_THRESHOLD_BOUNDS[1],
        step=5,
        disabled=ctx.workshop,
        **state.widget_kwargs(name),
    )
    return float(state.get(name, round(default)))


def _density_map(
    ctx: Context, key: str, layer_data: gpd.GeoDataFrame, thresholds: pd.DataFrame
) -> None:
    lang = ctx.lang
    spec = default_layer_spec(key, layer_data, lang=lang, thresholds=thresholds)
    quarter = ctx.data.quarter_frame(ctx.quarter_id)
    if ctx.planner:
        name = t("buildings", lang)
        context = quarter_buildings(ctx.quarter_id)[["building_id", "geometry"]].assign(kind=name)
    else:  # no footprint, no building id: the quarter's outline is the grey context
        name = t("quarter", lang)
        context = quarter[["geometry"]].assign(kind=name)
    grey = maps.Colouring(categorical=True, colors={name: CONTEXT_COLOR})
    # the quarter as ground lies over the grid: a light fill keeps the cells readable
    ground = None if ctx.planner else 0.15
    m = maps.quarter_map(
        context,
        maps.ColourBy("kind", name, colouring=grey, fill_opacity=ground),
        context=maps.MapContext(
            quarter=quarter,
            layers={key: dataclasses.replace(spec, show=True)},
        ),
        display=maps.Display(lang=lang, font_px=widgets.map_font_px()),
    )
    mapview.static_map(m, height=560 if ctx.workshop else 430)
    names = list(spec.class_names or ())
    classes = layer_data.assign(
        _name=[names[i] if 0 <= i < len(names) else None for i in spec.data["_class"]]
    ).dropna(subset=["_name"])
    mapview.map_table(
        classes,
        maps.ColourBy(
            "_name",
            spec.label,
            colouring=maps.Colouring(
                categorical=True, colors=dict(zip(names, spec.colors or (), strict=False))
            ),
            unit=spec.unit,
        ),
        mapview.MapTable(
            t("cells_count" if key == "grid" else "segments_count", lang),
            figures={"heat_demand_mwh_per_a": (t("heat_demand", lang), "MWh/a", 0)},
            count_column="buildings",
            min_buildings=None if ctx.planner else min_buildings(),
        ),
        lang=lang,
    )


def density_maps(ctx: Context, thresholds: pd.DataFrame) -> None:
    """Heat density (hectare grid) and linear heat density (streets) side by side."""
    lang = ctx.lang
    grid, streets = quarter_grid(ctx.quarter_id), quarter_streets(ctx.quarter_id)
    withheld: list[tuple[str, Withheld]] = []
    if not ctx.planner:
        cut = public_cut(ctx.quarter_id)
        grid = cut.grid.shown
        withheld.append(("hectare_grid", cut.grid))
        if cut.streets is not None:
            streets = cut.streets.shown
            withheld.append(("streets", cut.streets))
    left, right = st.columns(2)
    for col, key, data, title in (
        (left, "grid", grid, t("heat_density", lang)),
        (right, "streets", streets, t("linear_heat_density", lang)),
    ):
        with col:
            st.markdown(f"**{title}**")
            if data.empty:  # an imported area without a street layer
                st.info(t("no_layer_data", lang))
                continue
            _density_map(ctx, key, data, thresholds)
    shares = class_shares(grid, thresholds, lang=lang)
    classes = "; ".join(f"{name}: {fmt_number(100 * share, lang=lang)} %" for name, share in shares)
    st.caption(t("grid_summary", lang).format(cells=len(grid), classes=classes))
    if not ctx.planner:
        parts = [
            t("privacy_withheld_" + name, lang).format(units=w.units, buildings=w.buildings)
            for name, w in withheld
            if w.units
        ]
        note = t("privacy_rule", lang).format(n=min_buildings())
        if parts:
            note += " " + t("privacy_withheld", lang).format(parts="; ".join(parts))
        st.caption(note)


#: Container keys of the matrix as chart (wide screens) and as table (phones): the page
#: style of :mod:`quartier_geo.ui.frame` shows one or the other by the window's width.
MATRIX_CHART_KEY = f"{WIDE_ONLY}matrix"
MATRIX_TABLE_KEY = f"{NARROW_ONLY}matrix"


def options(ctx: Context, thresholds: pd.DataFrame) -> pd.DataFrame | None:
    """The supply options of the selected quarter (table and CO2 chart); None on error."""
    lang = ctx.lang
    st.subheader(t("options", lang))
    try:
        table = options_for(ctx.quarter_id, thresholds)
    except QuartierGeoError as exc:
        st.error(str(exc))
        return None
    label_col = widgets.lang_column("label", lang)
    left, right = st.columns([3, 2])
    with left:
        # no sourced cost figure yet: the cell says so instead of a bare dash
        costs = [
            fmt_number(v, lang=lang) if pd.notna(v) else t("cost_missing", lang)
            for v in table["cost_eur_per_mwh"]
        ]
        widgets.table(
            table.assign(cost=pd.Series(costs, index=table.index, dtype="string")),
            columns={
                label_col: (t("option", lang), None, 0),
                widgets.lang_column("suitability", lang): (t("suitability", lang), None, 0),
                widgets.lang_column("reasons", lang): (t("reasons", lang), None, 0),
                "co2_now_t_per_a": (t("co2_now", lang), "t/a", 0),
                "co2_2030_t_per_a": (t("co2_2030", lang), "t/a", 0),
                "co2_2045_t_per_a": (t("co2_2045", lang), "t/a", 0),
                "cost": (t("cost", lang), "€/MWh", 0),
            },
            lang=lang,
            style=widgets.TableStyle(static=True),
        )
        st.caption(t("cost_note", lang))
    with right:
        fig = charts.option_co2_bars(table, option_labels=table[label_col].to_dict(), lang=lang)
        widgets.chart(fig, key="option_co2")
    return table


def suitability_matrix(ctx: Context, thresholds: pd.DataFrame, option_table: pd.DataFrame) -> None:
    """Suitability of every option for every quarter as a heatmap."""
    lang = ctx.lang
    st.subheader(t("matrix", lang))
    names: dict[object, str] = {k: v for k, v in widgets.quarter_labels(ctx.data.quarters).items()}
    fig = charts.suitability_heatmap(
        matrix(ctx.data.quarter_ids, thresholds),
        labels=charts.HeatmapLabels(
            scores=supply.SUITABILITY_LABELS[lang],
            rows=names,
            columns=option_table[widgets.lang_column("label", lang)].to_dict(),
            symbols=SUITABILITY_SYMBOLS,
        ),
        lang=lang,
    )
    # the heatmap on a wide screen; on a phone the same classes as a table that scrolls
    # sideways in its own box (the page style hides one or the other by width)
    with st.container(key=MATRIX_CHART_KEY):
        widgets.chart(fig, key="matrix")
    with st.container(key=MATRIX_TABLE_KEY):
        st.dataframe(matrix_table(ctx, thresholds, option_table), key="matrix_table")
    st.caption(t("matrix_note", lang))


def matrix_table(
    ctx: Context, thresholds: pd.DataFrame, option_table: pd.DataFrame
) -> pd.DataFrame:
    """The suitability matrix as text: one row per quarter, one column per option, each
    cell the symbol and the class name ("++ gut geeignet")."""
    lang = ctx.lang
    scores = matrix(ctx.data.quarter_ids, thresholds)
    names = supply.SUITABILITY_LABELS[lang]
    columns = option_table[widgets.lang_column("label", lang)].to_dict()
    rows = widgets.quarter_labels(ctx.data.quarters)
    out = scores.apply(
        lambda col: [
            f"{SUITABILITY_SYMBOLS[int(v)]} {names[int(v)]}" if pd.notna(v) else "–" for v in col
        ]
    )
    out.index = pd.Index([rows.get(int(i), str(i)) for i in out.index], name=t("quarter", lang))
    return out.rename(columns=lambda c: columns.get(c, c))
