"""Versorgung: density maps with adjustable thresholds, options, suitability of all quarters."""

import dataclasses

import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.domain import supply
from quartier_geo.ui import frame, mapview, supplyview, widgets
from quartier_geo.ui.data import quarter_buildings, quarter_grid, quarter_streets
from quartier_geo.views import charts, maps
from quartier_geo.views.map_extra import default_layer_spec
from quartier_geo.views.palette import CONTEXT_COLOR

ctx = frame.context()
lang, data, qid, mode = ctx.lang, ctx.data, ctx.quarter_id, ctx.mode
quarter = data.quarter(qid)
ref = data.ref
suffix = "de" if lang == "de" else "en"

st.title(f"{t('page_supply', lang)}: {quarter['municipality']} – {quarter['name']}")
st.caption(t("supply_intro", lang))

thresholds = ref.thresholds
defaults = {
    kind: sorted(thresholds.loc[thresholds["kind"] == kind, "lower"].astype(float))[1:]
    for kind in ("heat_density", "linear_heat_density")
}
with st.expander(t("thresholds", lang), expanded=False):
    st.caption(t("thresholds_note", lang))
    bounds = {}
    for kind, unit in (("heat_density", "MWh/(ha·a)"), ("linear_heat_density", "kWh/(m·a)")):
        cols = st.columns(len(defaults[kind]))
        bounds[kind] = [
            col.number_input(
                f"{t(kind, lang)} {i + 1} ({unit})",
                min_value=1.0,
                value=v,
                step=5.0,
                key=f"thr_{kind}_{i}",
                disabled=mode is Mode.WORKSHOP,
            )
            for i, (col, v) in enumerate(zip(cols, defaults[kind], strict=True))
        ]
    st.dataframe(
        thresholds[["kind", "lower", "upper", "unit", f"class_{suffix}", "source", "status"]],
        hide_index=True,
    )
try:
    for kind, values in bounds.items():
        thresholds = supplyview.thresholds_with(thresholds, kind=kind, bounds=values)
except QuartierGeoError as exc:
    st.error(str(exc))
    thresholds = ref.thresholds

quarter_gdf = data.quarters[data.quarters["quarter_id"] == qid]
grid, streets = quarter_grid(qid), quarter_streets(qid)
left, right = st.columns(2)
for col, key, title in (
    (left, "grid", t("heat_density", lang)),
    (right, "streets", t("linear_heat_density", lang)),
):
    with col:
        st.markdown(f"**{title}**")
        spec = default_layer_spec(
            key, grid if key == "grid" else streets, lang=lang, thresholds=thresholds
        )
        layer = dataclasses.replace(spec, show=True)
        context = quarter_buildings(qid)[["building_id", "geometry"]].assign(
            kind=t("buildings", lang)
        )
        m = maps.quarter_map(
            context,
            quarter=quarter_gdf,
            color_column="kind",
            categorical=True,
            colors={t("buildings", lang): CONTEXT_COLOR},
            legend_title=t("buildings", lang),
            extra_layers={key: layer},
            lang=lang,
        )
        mapview.static_map(m, height=430)
cls = supply.classify(grid["heat_density_mwh_per_ha_a"], thresholds, kind="heat_density")
share = grid.groupby(cls.index)["heat_demand_mwh_per_a"].sum() / grid["heat_demand_mwh_per_a"].sum()
names = getattr(cls, f"label_{suffix}")
st.caption(
    t("grid_summary", lang).format(
        cells=len(grid),
        classes="; ".join(
            f"{names[cls.index == i].iloc[0]}: {100 * v:.0f} %" for i, v in share.items()
        ),
    )
)

st.subheader(t("options", lang))
try:
    options = supplyview.options_for(qid, thresholds)
except QuartierGeoError as exc:
    st.error(str(exc))
    st.stop()
left, right = st.columns([3, 2])
with left:
    widgets.table(
        options.assign(cost=options["cost_eur_per_mwh"]),
        columns={
            f"label_{suffix}": (t("option", lang), None, 0),
            f"suitability_{suffix}": (t("suitability", lang), None, 0),
            f"reasons_{suffix}": (t("reasons", lang), None, 0),
            "co2_now_t_per_a": (t("co2_now", lang), "t/a", 0),
            "co2_2030_t_per_a": ("CO₂ 2030", "t/a", 0),
            "co2_2045_t_per_a": ("CO₂ 2045", "t/a", 0),
            "cost": (t("cost", lang), "€/MWh", 0),
        },
        lang=lang,
        static=True,
    )
    st.caption(t("cost_note", lang))
with right:
    fig = charts.option_co2_bars(
        options, option_labels=options[f"label_{suffix}"].to_dict(), lang=lang
    )
    st.plotly_chart(fig, key="option_co2")

st.subheader(t("matrix", lang))
names_all = data.quarters.set_index("quarter_id")
SUITABILITY_SYMBOLS = {3: "++", 2: "+", 1: "o", 0: "–"}
matrix = supplyview.matrix(data.quarter_ids, thresholds)
fig = charts.suitability_heatmap(
    matrix,
    row_labels={i: f"{r.municipality} – {r['name']}" for i, r in names_all.iterrows()},
    column_labels=options[f"label_{suffix}"].to_dict(),
    score_labels=supply.SUITABILITY_LABELS[suffix],
    cell_symbols=SUITABILITY_SYMBOLS,
    lang=lang,
)
st.plotly_chart(fig, key="matrix")
st.caption(t("matrix_note", lang))
