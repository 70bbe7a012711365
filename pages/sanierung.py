"""Sanierung: scenarios to 2045 against the targets, breakdowns, map, saved scenarios."""

import pandas as pd
import streamlit as st

from quartier_geo.base.columns import RefurbState
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import label, t
from quartier_geo.base.modes import Mode, can_edit
from quartier_geo.base.numfmt import fmt_number
from quartier_geo.domain.refurbishment import Priority, ScenarioParams, target_lines
from quartier_geo.ui import editing, frame, mapview, scenarios, state, widgets
from quartier_geo.ui.data import quarter_buildings
from quartier_geo.views import charts, maps
from quartier_geo.views.palette import sequential

ctx = frame.context()
lang, data, qid, mode = ctx.lang, ctx.data, ctx.quarter_id, ctx.mode
quarter = data.quarter(qid)
bench = data.ref.benchmarks["value"]

st.title(f"{t('page_refurbishment', lang)}: {quarter['municipality']} – {quarter['name']}")
st.caption(t("refurb_intro", lang))

state.init_from_query("rate", 1.0, parse=float)
state.init_from_query("depth", "usual", options=["usual", "advanced"])
state.init_from_query("prio", "worst_first", options=[p.value for p in Priority])
state.init_from_query("hp", 0.0, parse=float)
state.init_from_query("dh", 0.0, parse=float)

presets = {
    t("preset_national", lang): float(bench["rate_national"]),
    t("preset_ic", lang): float(bench["rate_innovationcity_target"]),
    t("preset_bottrop", lang): float(bench["rate_bottrop"]),
}
cols = st.columns(len(presets))
for col, (name, value) in zip(cols, presets.items(), strict=True):
    if col.button(f"{name}: {fmt_number(value, lang=lang, decimals=1)} %/a", key=f"preset_{value}"):
        st.session_state["rate"] = value
        st.session_state["_w_rate"] = value
        st.query_params["rate"] = str(value)

c1, c2, c3 = st.columns(3)
with c1:
    rate = st.slider(
        t("rate", lang), 0.0, 6.0, step=0.1, format="%.1f %%/a", **state.widget_kwargs("rate")
    )
with c2:
    depth = st.segmented_control(
        t("depth", lang),
        ["usual", "advanced"],
        format_func=lambda d: label("refurbishment_state", d, lang),
        **state.widget_kwargs("depth"),
    )
with c3:
    prio = st.selectbox(
        t("priority", lang),
        [p.value for p in Priority],
        format_func=lambda p: t("prio_" + p, lang),
        **state.widget_kwargs("prio"),
    )
if mode is not Mode.WORKSHOP:
    with st.expander(t("supply_switch", lang)):
        s1, s2 = st.columns(2)
        with s1:
            st.slider(
                t("hp_switch", lang),
                0.0,
                10.0,
                step=0.5,
                format="%.1f %%/a",
                **state.widget_kwargs("hp"),
            )
        with s2:
            st.slider(
                t("dh_switch", lang),
                0.0,
                10.0,
                step=0.5,
                format="%.1f %%/a",
                **state.widget_kwargs("dh"),
            )
        st.caption(t("paths_note", lang))

try:
    params = ScenarioParams(
        rate_per_a=float(state.get("rate", 1.0)) / 100.0,
        depth=RefurbState(state.get("depth", "usual")),
        priority=Priority(state.get("prio", "worst_first")),
        heat_pump_switch_rate_per_a=float(state.get("hp", 0.0)) / 100.0,
        district_heating_switch_rate_per_a=float(state.get("dh", 0.0)) / 100.0,
    )
except QuartierGeoError as exc:
    st.error(str(exc))
    st.stop()

path = scenarios.path_for(qid, params)
targets = target_lines(path, data.ref)
first, last = path.iloc[0], path.iloc[-1]
ten = path[path["year"] == int(first["year"]) + 10].iloc[0]
cut_10 = 100 * (1 - ten["co2_t_per_a"] / first["co2_t_per_a"])
widgets.metric_row(
    [
        (t("co2_start", lang), first["co2_t_per_a"], "t/a", 0),
        (t("co2_2045", lang), last["co2_t_per_a"], "t/a", 0),
        (t("cut_10y", lang), cut_10, "%", 0),
        (t("refurbished_2045", lang), 100 * last["refurbished_share"], "%", 0),
    ],
    lang=lang,
    help=t("modelled_note", lang),
)
bottrop = float(bench["bottrop_co2_reduction_10y"])
verdict = "bottrop_reached" if cut_10 >= bottrop else "bottrop_missed"
st.markdown(
    t(verdict, lang).format(
        cut=fmt_number(cut_10, lang=lang), bottrop=fmt_number(bottrop, lang=lang)
    )
)
if last["co2_t_per_a"] > 0.5:
    st.markdown(t("neutral_missed", lang).format(rest=fmt_number(last["co2_t_per_a"], lang=lang)))

left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.scenario_paths(path, targets=targets, title=t("chart_co2_path", lang), lang=lang),
        key="co2_path",
    )
with right:
    st.plotly_chart(
        charts.scenario_paths(
            path, value_column="useful_heat_mwh_per_a", title=t("chart_heat_path", lang), lang=lang
        ),
        key="heat_path",
    )

st.subheader(t("where_potential", lang))
b = quarter_buildings(qid)
map_col, chart_col = st.columns([3, 2])
with map_col:
    years = scenarios.years_for(qid, params)
    period = scenarios.periods(years, params)
    shown = b.assign(refurbishment_year=years, refurbishment_period=period)
    order = sorted(period.dropna().unique())
    period_colors = dict(zip(order, sequential(max(len(order), 1), scheme="viridis"), strict=False))
    if mode is Mode.PUBLIC:
        m = maps.block_map(
            b,
            quarter=data.quarters[data.quarters.quarter_id == qid],
            value_column=f"potential_{params.depth.value}_kwh_per_a",
            legend_title=t("potential_" + params.depth.value, lang),
            unit="kWh/a",
            lang=lang,
        )
    else:
        m = maps.quarter_map(
            shown,
            quarter=data.quarters[data.quarters.quarter_id == qid],
            color_column="refurbishment_period",
            categorical=True,
            colors=period_colors,
            legend_title=t("refurbishment_year", lang),
            tooltip_columns=[
                ("address", t("address", lang), ""),
                ("refurbishment_period", t("refurbishment_year", lang), ""),
                (
                    f"potential_{params.depth.value}_kwh_per_a",
                    t("potential_" + params.depth.value, lang),
                    "kWh/a",
                ),
            ],
            note=t("not_in_horizon", lang),
            lang=lang,
        )
    mapview.static_map(m, height=480)
with chart_col:
    fig = charts.breakdown_bar(
        b,
        by="age_class",
        stack="building_type",
        value_column=f"potential_{params.depth.value}_kwh_per_a",
        divisor=1000.0,
        value_title=f"{t('potential_' + params.depth.value, lang)} (MWh/a)",
        by_title=t("age_class", lang),
        labels={
            "building_type": {
                v: label("building_type", v, lang) for v in b["building_type"].unique()
            }
        },
        lang=lang,
    )
    st.plotly_chart(fig, key="potential_breakdown")

st.subheader(t("saved_scenarios", lang))
saved = scenarios.saved_for_quarter(qid)
if can_edit(mode):
    with st.form("save_scenario"):
        name = st.text_input(t("scenario_name", lang), max_chars=60)
        who = editing.author(lang)
        if st.form_submit_button(t("save", lang)):
            if not name.strip():
                st.error(t("scenario_name_missing", lang))
            else:
                key = f"{qid}:{name.strip()}"
                existing = next((r for r in saved if r.key == key), None)
                if editing.save(
                    scenarios.KIND,
                    key,
                    scenarios.to_payload(params),
                    record=existing,
                    mode=mode,
                    who=who,
                    lang=lang,
                ):
                    saved = scenarios.saved_for_quarter(qid)
if saved:
    names = {r.key.split(":", 1)[1]: r for r in saved}
    chosen = st.multiselect(t("compare", lang), list(names), default=list(names)[:3], key="cmp")
    compare = {t("current_scenario", lang): path}
    for n in chosen:
        try:
            compare[n] = scenarios.path_for(qid, scenarios.from_payload(names[n].payload))
        except QuartierGeoError as exc:
            st.error(str(exc))
    st.plotly_chart(charts.scenario_paths(compare, targets=targets, lang=lang), key="compare")
    rows = []
    for n, p in compare.items():
        rows.append(
            {
                "name": n,
                "co2_2045": p["co2_t_per_a"].iloc[-1],
                "heat_2045": p["useful_heat_mwh_per_a"].iloc[-1],
                "share": 100 * p["refurbished_share"].iloc[-1],
            }
        )
    widgets.table(
        pd.DataFrame(rows),
        columns={
            "name": (t("scenario_name", lang), None, 0),
            "co2_2045": (t("co2_2045", lang), "t/a", 0),
            "heat_2045": (t("heat_2045", lang), "MWh/a", 0),
            "share": (t("refurbished_2045", lang), "%", 0),
        },
        lang=lang,
    )
else:
    st.caption(t("no_saved_scenarios", lang))
