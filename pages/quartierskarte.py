"""Quartierskarte: building footprints by attribute, layers, building card, fact panel."""

import streamlit as st

from quartier_geo.base.i18n import label, t
from quartier_geo.base.modes import Mode
from quartier_geo.ui import buildingcard, frame, quartermap, state, widgets
from quartier_geo.ui.data import quarter_buildings
from quartier_geo.views import charts

ctx = frame.context()
lang, data, qid, mode = ctx.lang, ctx.data, ctx.quarter_id, ctx.mode
quarter = data.quarter(qid)
public = mode is Mode.PUBLIC

st.title(f"{t('page_quarter_map', lang)}: {quarter['municipality']} – {quarter['name']}")
widgets.synthetic_banner(lang)

options = quartermap.colour_options(lang, public=public)
state.init_from_query("color_b", next(iter(options)), options=list(options))
state.init_from_query("breaks", "quantiles", options=list(quartermap.BREAK_METHODS))
state.init_from_query("k", 5, options=[3, 4, 5, 6, 7], parse=int)
state.init_from_query("layers", "streets", parse=quartermap.parse_layers)

c1, c2, c3 = st.columns([3, 2, 1])
with c1:
    colour = st.selectbox(
        t("color_by", lang),
        list(options),
        format_func=lambda c: options[c][0],
        **state.widget_kwargs("color_b"),
    )
if mode is not Mode.WORKSHOP:
    with c2:
        method = st.segmented_control(
            t("class_breaks", lang),
            list(quartermap.BREAK_METHODS),
            format_func=lambda m: t("breaks_" + m, lang),
            **state.widget_kwargs("breaks"),
        )
    with c3:
        k = st.selectbox(t("classes", lang), [3, 4, 5, 6, 7], **state.widget_kwargs("k"))
layer_keys = (
    []
    if public
    else st.multiselect(
        t("layers", lang),
        list(quartermap.LAYERS),
        format_func=lambda key: t("layer_" + key, lang),
        default=[x for x in state.get("layers", "streets").split(",") if x],
        key="_w_layers_ms",
    )
)
if not public:
    st.session_state["layers"] = ",".join(layer_keys)
    state.write_query("layers")

view = quartermap.ViewChoice(
    quarter_id=qid,
    colour=str(state.get("color_b", colour)),
    method=str(state.get("breaks", "quantiles")),
    k=int(state.get("k", 5)),
    layers=tuple(layer_keys),
    lang=lang,
    mode=mode,
)


@st.fragment
def map_and_card() -> None:
    col_map, col_card = st.columns([3, 1]) if not public else (st.container(), None)
    with col_map:
        clicked = quartermap.show(view, data=data, options=options)
    if col_card is not None:
        with col_card:
            buildingcard.show(quarter_buildings(qid), clicked, ref=data.ref, lang=lang)


map_and_card()

st.subheader(t("fact_sheet", lang))
row = data.figures.set_index("quarter_id").loc[qid]
widgets.metric_row(
    [
        (t("buildings", lang), row["buildings"], "", 0),
        (t("heat_demand", lang), row["heat_demand_mwh_per_a"], "MWh/a", 0),
        (t("final_energy", lang), row["final_energy_mwh_per_a"], "MWh/a", 0),
        (t("co2", lang), row["co2_t_per_a"], "t/a", 0),
        (t("potential_advanced", lang), row["potential_advanced_mwh_per_a"], "MWh/a", 0),
    ],
    lang=lang,
    help=t("modelled_note", lang),
)
left, right = st.columns(2)
with left:
    widgets.quarter_facts(quarter, ref=data.ref, lang=lang)
with right:
    b = quarter_buildings(qid)
    fig = charts.breakdown_bar(
        b,
        by="building_type",
        stack="age_class",
        value_column="useful_heat_kwh_per_a",
        divisor=1000.0,
        value_title=f"{t('heat_demand', lang)} (MWh/a)",
        by_title=t("building_type", lang),
        labels={
            "building_type": {
                v: label("building_type", v, lang) for v in b["building_type"].unique()
            }
        },
        lang=lang,
    )
    st.plotly_chart(fig, key="qm_breakdown")
