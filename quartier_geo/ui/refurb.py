"""Refurbishment page: scenario controls, the path against the targets, where the potential
lies, and saved scenarios (planner mode saves, every mode compares).

The scenario parameters are persistent, URL-mirrored choices (``rate``, ``depth``,
``prio``, ``hp``, ``dh``); the verdicts come from :func:`quartier_geo.domain.targets.
check_targets`, the paths from the cached :mod:`quartier_geo.ui.scenarios`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from quartier_geo.base.columns import RefurbState
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang, label, t
from quartier_geo.base.numfmt import fmt_number
from quartier_geo.data.store import quarter_key, split_quarter_key
from quartier_geo.domain.refurbishment import Priority, ScenarioParams, target_lines
from quartier_geo.domain.targets import check_targets
from quartier_geo.ui import editing, mapview, publishing, quartermap, scenarios, state, widgets
from quartier_geo.ui.data import chart_buildings, min_buildings, public_cut, quarter_buildings
from quartier_geo.ui.frame import Context
from quartier_geo.views import charts, maps
from quartier_geo.views.palette import sequential

__all__ = [
    "DEPTHS",
    "Scenario",
    "controls",
    "header",
    "key_figures",
    "path_charts",
    "potential",
    "saved_scenarios",
    "scenario",
]

DEPTHS = ("usual", "advanced")
_PRESETS = (
    ("preset_national", "rate_national"),
    ("preset_ic", "rate_innovationcity_target"),
    ("preset_bottrop", "rate_bottrop"),
)


@dataclass(frozen=True)
class Scenario:
    """The chosen parameters, their yearly path and the benchmark lines (not to be mutated)."""

    params: ScenarioParams
    path: pd.DataFrame
    targets: pd.DataFrame


def header(ctx: Context) -> None:
    st.title(f"{ctx.t('page_refurbishment')}: {ctx.quarter_name}")
    st.caption(ctx.t("refurb_intro"))


#: Slider ranges [%/a] of the refurbishment rate and the heating switch rates; URL values
#: outside are clamped to them.
_RATE_RANGE_PCT = (0.0, 6.0)
_SWITCH_RANGE_PCT = (0.0, 10.0)
#: Default rate [%/a] of the page and its URL: the model's default (benchmarks.csv
#: rate_national, 0.67–0.70 %/a in 2023–2025).
DEFAULT_RATE_PCT = round(100.0 * ScenarioParams().rate_per_a, 2)
#: Slider steps [%/a]: the sliders offer these values only (select sliders, whose labels
#: are formatted by numfmt: "1,0 %/a"; st.slider's printf format knows no decimal comma).
_RATE_STEP, _SWITCH_STEP = 0.1, 0.5


def _steps(bounds: tuple[float, float], step: float) -> list[float]:
    return [
        round(bounds[0] + i * step, 1) for i in range(round((bounds[1] - bounds[0]) / step) + 1)
    ]


def _snap(bounds: tuple[float, float], step: float) -> Callable[[str], float]:
    """Parse a URL value: clamped to ``bounds`` and snapped to ``step`` (NaN, inf raise)."""

    def parse(raw: str) -> float:
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(raw)
        value = min(max(value, bounds[0]), bounds[1])
        return round(round(value / step) * step, 1)

    return parse


def _init_state() -> None:
    rate, switch = _snap(_RATE_RANGE_PCT, _RATE_STEP), _snap(_SWITCH_RANGE_PCT, _SWITCH_STEP)
    state.init_from_query("rate", DEFAULT_RATE_PCT, parse=rate, bounds=_RATE_RANGE_PCT)
    state.init_from_query("depth", "usual", options=list(DEPTHS))
    state.init_from_query("prio", "worst_first", options=[p.value for p in Priority])
    state.init_from_query("hp", 0.0, parse=switch, bounds=_SWITCH_RANGE_PCT)
    state.init_from_query("dh", 0.0, parse=switch, bounds=_SWITCH_RANGE_PCT)


def _per_year(lang: Lang) -> Callable[[float], str]:
    return lambda v: f"{fmt_number(v, lang=lang, decimals=1)} %/a"


def _presets(ctx: Context) -> None:
    """Buttons that set the rate to a benchmark (benchmarks.csv)."""
    bench = ctx.data.ref.benchmarks["value"]
    cols = st.columns(len(_PRESETS))
    for col, (text_key, bench_key) in zip(cols, _PRESETS, strict=True):
        value = round(float(bench[bench_key]), 1)
        text = f"{ctx.t(text_key)}: {fmt_number(value, lang=ctx.lang, decimals=1)} %/a"
        if col.button(text, key=f"preset_{value}"):
            st.session_state["rate"] = value
            st.session_state["_w_rate"] = value
            st.query_params["rate"] = str(value)
    st.caption(ctx.t("preset_rates_note"))


def controls(ctx: Context) -> None:
    """Presets, rate, depth, priority and (not in the workshop) the heating switch rates."""
    lang = ctx.lang
    _init_state()
    _presets(ctx)
    c1, c2, c3 = st.columns(3)
    with c1:
        st.select_slider(
            t("rate", lang),
            options=_steps(_RATE_RANGE_PCT, _RATE_STEP),
            format_func=_per_year(lang),
            **state.widget_kwargs("rate"),
        )
    with c2:
        st.segmented_control(
            t("depth", lang),
            list(DEPTHS),
            format_func=lambda d: label("refurbishment_state", d, lang),
            **state.widget_kwargs("depth"),
        )
    with c3:
        st.selectbox(
            t("priority", lang),
            [p.value for p in Priority],
            format_func=lambda p: t("prio_" + p, lang),
            **state.widget_kwargs("prio"),
        )
    if ctx.workshop:
        return
    with st.expander(t("supply_switch", lang)):
        s1, s2 = st.columns(2)
        for col, key, name in ((s1, "hp_switch", "hp"), (s2, "dh_switch", "dh")):
            with col:
                st.select_slider(
                    t(key, lang),
                    options=_steps(_SWITCH_RANGE_PCT, _SWITCH_STEP),
                    format_func=_per_year(lang),
                    **state.widget_kwargs(name),
                )
        st.caption(t("paths_note", lang))


def scenario(ctx: Context) -> Scenario | None:
    """The scenario of the current choices, or None after showing why it is invalid."""
    try:
        params = ScenarioParams(
            rate_per_a=float(state.get("rate", DEFAULT_RATE_PCT)) / 100.0,
            depth=RefurbState(state.get("depth", "usual")),
            priority=Priority(state.get("prio", "worst_first")),
            heat_pump_switch_rate_per_a=float(state.get("hp", 0.0)) / 100.0,
            district_heating_switch_rate_per_a=float(state.get("dh", 0.0)) / 100.0,
        )
    except QuartierGeoError as exc:
        st.error(str(exc))
        return None
    path = scenarios.path_for(ctx.quarter_id, params)
    return Scenario(params=params, path=path, targets=target_lines(path, ctx.data.ref))


def key_figures(ctx: Context, sc: Scenario) -> None:
    """CO2 now and in 2045, the ten-year cut, the refurbished share; the two verdicts."""
    lang = ctx.lang
    bench = ctx.data.ref.benchmarks["value"]
    check = check_targets(sc.path, benchmark_cut_pct=float(bench["bottrop_co2_reduction_10y"]))
    last = sc.path.iloc[-1]
    widgets.metric_row(
        [
            (t("co2_start", lang), check.co2_start_t_per_a, "t/a", 0),
            (t("co2_2045", lang), check.co2_end_t_per_a, "t/a", 0),
            (t("cut_10y", lang), check.cut_horizon_pct, "%", 0),
            (t("refurbished_2045", lang), 100 * last["refurbished_share"], "%", 0),
        ],
        lang=lang,
        help=t("modelled_note", lang),
    )
    st.caption(
        t("refurbished_baseline", lang).format(
            depth=label("refurbishment_state", sc.params.depth.value, lang),
            now=fmt_number(100 * sc.path.iloc[0]["refurbished_share"], lang=lang, decimals=1),
        )
    )
    verdict = "bottrop_reached" if check.benchmark_reached else "bottrop_missed"
    st.markdown(
        t(verdict, lang).format(
            cut=fmt_number(check.cut_horizon_pct, lang=lang),
            bottrop=fmt_number(check.benchmark_cut_pct, lang=lang),
        )
    )
    if not check.neutral_reached:
        rest = fmt_number(check.co2_end_t_per_a, lang=lang)
        st.markdown(t("neutral_missed", lang).format(rest=rest))


def path_charts(ctx: Context, sc: Scenario) -> None:
    left, right = st.columns(2)
    with left:
        fig = charts.scenario_paths(
            sc.path, targets=sc.targets, title=ctx.t("chart_co2_path"), lang=ctx.lang
        )
        widgets.chart(fig, key="co2_path")
    with right:
        fig = charts.scenario_paths(
            sc.path,
            value=charts.Measure("useful_heat_mwh_per_a"),
            title=ctx.t("chart_heat_path"),
            lang=ctx.lang,
        )
        widgets.chart(fig, key="heat_path")


def potential(ctx: Context, sc: Scenario) -> None:
    """Map of the refurbishment periods (blocks of potential in public mode) and breakdown."""
    lang, qid, params = ctx.lang, ctx.quarter_id, sc.params
    st.subheader(t("where_potential", lang))
    b = quarter_buildings(qid)
    quarter = ctx.data.quarter_frame(qid)
    column = f"potential_{params.depth.value}_kwh_per_a"
    potential_title = t("potential_" + params.depth.value, lang)
    map_col, chart_col = st.columns([3, 2])
    with map_col:
        figures = {"potential_mwh": (potential_title, "MWh/a", 0)}
        if not ctx.planner:
            n = min_buildings()
            shown = public_cut(qid).block_buildings.shown
            colour = maps.ColourBy(column, potential_title, unit="kWh/a")
            blocks = maps.BlockValues(min_buildings=n)
            m = maps.block_map(
                shown,
                colour,
                blocks=blocks,
                context=maps.MapContext(quarter=quarter),
                display=maps.Display(lang=lang, font_px=widgets.map_font_px()),
            )
            rows = quartermap.block_rows(shown, colour, blocks)
            table = (
                rows.assign(potential_mwh=rows[column] / 1000.0),
                dataclasses.replace(colour, column="block_value"),
                mapview.MapTable(
                    t("blocks_count", lang),
                    figures=figures,
                    count_column="buildings",
                    min_buildings=n,
                ),
            )
        else:
            period = scenarios.periods(scenarios.years_for(qid, params), params)
            order = sorted(period.dropna().unique())
            colours = sequential(max(len(order), 1), scheme="viridis")
            by_period = maps.Colouring(
                categorical=True, colors=dict(zip(order, colours, strict=False))
            )
            colour = maps.ColourBy(
                "refurbishment_period",
                t("refurbishment_year", lang),
                colouring=by_period,
                missing_label=t("not_refurbished_2045", lang),
            )
            shown = b.assign(refurbishment_period=period)
            table = (
                shown.assign(potential_mwh=shown[column] / 1000.0),
                colour,
                mapview.MapTable(t("buildings", lang), figures=figures),
            )
            m = maps.quarter_map(
                shown,
                colour,
                context=maps.MapContext(quarter=quarter),
                info=maps.FeatureInfo(
                    tooltip=[
                        ("address", t("address", lang), ""),
                        ("refurbishment_period", t("refurbishment_year", lang), ""),
                        (column, potential_title, "kWh/a"),
                    ]
                ),
                display=maps.Display(lang=lang, font_px=widgets.map_font_px()),
            )
        mapview.static_map(m, height=480)
        mapview.map_table(*table, lang=lang)
    with chart_col:
        pooled = chart_buildings(b, ["age_class", "building_type"], public=not ctx.planner)
        fig = charts.breakdown_bar(
            pooled,
            value=charts.Measure(column, title=f"{potential_title} (MWh/a)", divisor=1000.0),
            groups=charts.Grouping(
                "age_class",
                title=t("age_class", lang),
                stack="building_type",
                labels={
                    "building_type": {
                        v: label("building_type", v, lang) for v in pooled["building_type"].unique()
                    },
                    "age_class": {
                        v: label("age_class", v, lang) for v in pooled["age_class"].unique()
                    },
                },
            ),
            lang=lang,
        )
        widgets.chart(fig, key="potential_breakdown")


def _save_form(ctx: Context, sc: Scenario) -> None:
    """Planner mode: save the current parameters under a name (per quarter)."""
    lang = ctx.lang
    with st.form("save_scenario"):
        name = st.text_input(t("scenario_name", lang), max_chars=60, key="scenario_name")
        who = editing.author(lang, mode=ctx.mode, form="save_scenario")
        submitted = st.form_submit_button(t("save", lang))
        key = quarter_key(ctx.quarter_id, name.strip()) if name.strip() else None
        if submitted and key is None:
            st.error(t("scenario_name_missing", lang))
        elif submitted and key is not None:
            # a name this session has not saved before is a new scenario: an existing one
            # of that name (someone else's) is a conflict, never silently overwritten
            read = editing.known(scenarios.KIND, key)
            draft = editing.Draft(scenarios.KIND, key, scenarios.to_payload(sc.params), read)
            editing.save(draft, editor=who, lang=lang)
    if key is not None:
        editing.conflict_panel(scenarios.KIND, key, lang=lang)


def saved_scenarios(ctx: Context, sc: Scenario) -> None:
    """Save form (planner) and the comparison of saved scenarios with the current one."""
    lang = ctx.lang
    st.subheader(t("saved_scenarios", lang))
    if ctx.can_edit:
        _save_form(ctx, sc)
    if ctx.planner:
        saved = scenarios.saved_for_quarter(ctx.quarter_id)
        publishing.scenario_controls(ctx, saved)
    else:  # public and workshop: only what a planner published
        saved = publishing.published_scenarios(ctx.quarter_id)
    if not saved:
        st.caption(t("no_saved_scenarios", lang))
        return
    by_name = {split_quarter_key(r.key)[1]: r for r in saved}
    chosen = st.multiselect(t("compare", lang), list(by_name), default=list(by_name)[:3], key="cmp")
    compare = {t("current_scenario", lang): sc.path}
    for name in chosen:
        try:
            params = scenarios.from_payload(by_name[name].payload)
            compare[name] = scenarios.path_for(ctx.quarter_id, params)
        except QuartierGeoError as exc:
            st.error(str(exc))
    widgets.chart(charts.scenario_paths(compare, targets=sc.targets, lang=lang), key="compare")
    rows = pd.DataFrame(
        [
            {
                "name": name,
                "co2_2045": p["co2_t_per_a"].iloc[-1],
                "heat_2045": p["useful_heat_mwh_per_a"].iloc[-1],
                "share": 100 * p["refurbished_share"].iloc[-1],
            }
            for name, p in compare.items()
        ]
    )
    widgets.table(
        rows,
        columns={
            "name": (t("scenario_name", lang), None, 0),
            "co2_2045": (t("co2_2045", lang), "t/a", 0),
            "heat_2045": (t("heat_2045", lang), "MWh/a", 0),
            "share": (t("refurbished_2045", lang), "%", 0),
        },
        lang=lang,
    )
