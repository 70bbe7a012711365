"""Übersicht: the 20 quarters on the Ruhr map, key figures of the region and the selection."""

import datetime as dt

import streamlit as st

from quartier_geo.base.i18n import label, t
from quartier_geo.domain import phases
from quartier_geo.ui import frame, mapview, state, widgets
from quartier_geo.views import maps
from quartier_geo.views.palette import PHASE_OUTSIDE_COLORS

ctx = frame.context()
lang, data, qid = ctx.lang, ctx.data, ctx.quarter_id
fig = data.figures.set_index("quarter_id")

st.title(t("app_title", lang))
st.markdown(t("app_subtitle", lang))
widgets.synthetic_banner(lang)

region = data.figures
widgets.metric_row(
    [
        (t("quarters_count", lang), len(region), "", 0),
        (t("residents", lang), region["residents"].sum(), "", 0),
        (t("buildings", lang), region["buildings"].sum(), "", 0),
    ],
    lang=lang,
)
widgets.metric_row(
    [
        (t("heat_demand", lang), region["heat_demand_mwh_per_a"].sum() / 1000, "GWh/a", 0),
        (t("co2", lang), region["co2_t_per_a"].sum() / 1000, "kt/a", 1),
        (t("potential_usual", lang), region["potential_usual_mwh_per_a"].sum() / 1000, "GWh/a", 0),
    ],
    lang=lang,
    help=t("modelled_note", lang),
)

COLOURINGS = {
    "phase": (t("phase", lang), None),
    "quarter_type": (t("quarter_type", lang), None),
    "heat_demand_mwh_per_a": (t("heat_demand", lang), "MWh/a"),
    "co2_t_per_a": (t("co2", lang), "t/a"),
    "co2_t_per_resident_a": (t("co2_per_resident", lang), "t/(EW·a)"),
    "heat_density_mwh_per_ha_a": (t("heat_density", lang), "MWh/(ha·a)"),
    "potential_share": (t("potential_share", lang), "%"),
}
state.init_from_query("color", "phase", options=list(COLOURINGS))
colour = st.segmented_control(
    t("color_by", lang),
    list(COLOURINGS),
    format_func=lambda c: COLOURINGS[c][0],
    **state.widget_kwargs("color"),
) or state.get("color", "phase")

q = data.quarters[["quarter_id", "name", "municipality", "geometry"]].merge(
    region.drop(columns=["name", "municipality"]), on="quarter_id"
)
q["co2_t_per_resident_a"] = q["co2_t_per_a"] / q["residents"]
q["potential_share"] = 100 * q["potential_usual_mwh_per_a"] / q["heat_demand_mwh_per_a"]
labels = None
colors = None
if colour == "phase":
    as_of = st.columns([1, 3])[0].date_input(
        t("as_of", lang),
        value=dt.date(2017, 10, 1),
        min_value=dt.date(2016, 1, 1),
        max_value=dt.date(2025, 12, 31),
        format="DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD",
        key="ov_asof",
    )
    status = phases.status_at(data.programme, as_of).reset_index()
    status["phase_key"] = (
        status["phase"].astype(object).where(status["phase"].notna(), status["state"])
    )
    q = q.drop(columns=["phase"]).merge(status[["quarter_id", "phase_key"]], on="quarter_id")
    q = q.rename(columns={"phase_key": "phase"})
    labels, colors = phases.LABELS[lang], PHASE_OUTSIDE_COLORS
elif colour == "quarter_type":
    labels = {v: label("quarter_type", v, lang) for v in q["quarter_type"].unique()}

title, unit = COLOURINGS[colour]
col_map, col_table = st.columns([3, 2])
with col_map:
    m = maps.region_map(
        q,
        color_column=colour,
        labels=labels,
        colors=colors,
        legend_title=title,
        unit=unit,
        selected_id=qid,
        lang=lang,
        assets="st_folium",
        label_column="municipality",
        tooltip_columns=[
            ("residents", t("residents", lang), ""),
            ("heat_demand_mwh_per_a", t("heat_demand", lang), "MWh/a"),
            ("co2_t_per_a", t("co2", lang), "t/a"),
        ],
    )
    clicked = mapview.clickable_map(m, key="overview_map", height=560)
    st.caption(t("click_quarter_hint", lang))
    # st_folium keeps returning the last click; act only on a new one, so that a quarter
    # picked later in the sidebar is not overridden by an old click
    new_click = clicked is not None and clicked != st.session_state.get("_overview_click")
    st.session_state["_overview_click"] = clicked
    if new_click and int(clicked) != qid and int(clicked) in data.quarter_ids:
        st.session_state[state.QUARTER] = int(clicked)
        # the URL is written by the sidebar in the rerun (a query-param change sent just
        # before st.rerun() can be lost on the way to the browser)
        st.rerun()
with col_table:
    st.markdown(f"**{t('table_beside_map', lang)}**")
    widgets.table(
        q.sort_values("quarter_id"),
        columns={
            "municipality": (t("municipality", lang), None, 0),
            "name": (t("name", lang), None, 0),
            "residents": (t("residents", lang), None, 0),
            "heat_demand_mwh_per_a": (t("heat_demand", lang), "MWh/a", 0),
            "co2_t_per_a": (t("co2", lang), "t/a", 0),
            "heat_density_mwh_per_ha_a": (t("heat_density", lang), "MWh/(ha·a)", 0),
        },
        lang=lang,
        height=560,
        key="overview_table",
    )

row = fig.loc[qid]
quarter = data.quarter(qid)
st.subheader(f"{t('selection', lang)}: {quarter['municipality']} – {quarter['name']}")
widgets.metric_row(
    [
        (t("residents", lang), row["residents"], "", 0),
        (t("area_ha", lang), row["area_ha"], "ha", 0),
        (t("buildings", lang), row["buildings"], "", 0),
        (t("heat_demand", lang), row["heat_demand_mwh_per_a"], "MWh/a", 0),
        (t("co2", lang), row["co2_t_per_a"], "t/a", 0),
        (t("heat_density", lang), row["heat_density_mwh_per_ha_a"], "MWh/(ha·a)", 0),
    ],
    lang=lang,
    help=t("modelled_note", lang),
)
widgets.quarter_facts(quarter, ref=data.ref, lang=lang)
