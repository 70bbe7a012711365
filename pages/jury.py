"""Jury: criteria of all 20, weights and ranking with its sensitivity, small multiples,
representativeness of the selection for the Ruhr's settlement types."""

import base64

import streamlit as st

from quartier_geo.base.escape import js_safe
from quartier_geo.base.i18n import label, t
from quartier_geo.domain import selection
from quartier_geo.ui import frame, widgets
from quartier_geo.ui.data import jury_criteria
from quartier_geo.views import charts
from quartier_geo.views.maps import quarter_outline_svg
from quartier_geo.views.palette import QUARTER_TYPE_COLORS

ctx = frame.context()
lang, data, qid = ctx.lang, ctx.data, ctx.quarter_id
names = data.quarters.set_index("quarter_id")
suffix = "de" if lang == "de" else "en"

st.title(t("page_jury", lang))
st.caption(t("jury_intro", lang))

criteria = jury_criteria()
specs = {c.name: c for c in selection.CRITERIA}
table = criteria.reset_index().merge(names[["name", "municipality"]].reset_index(), on="quarter_id")
shares = [c for c in specs if specs[c].unit == "%" or c.startswith("share") or c.endswith("_share")]
shown = table.copy()
for col in shares:
    shown[col] = 100 * shown[col]
shown["type_label"] = [label("quarter_type", v, lang) for v in shown["quarter_type"]]
columns = {
    "municipality": (t("municipality", lang), None, 0),
    "name": (t("name", lang), None, 0),
    "type_label": (t("quarter_type", lang), None, 0),
}
for name, spec in specs.items():
    unit = "%" if name in shares else spec.unit
    columns[name] = (getattr(spec, f"label_{suffix}"), unit, 0 if name in shares else 1)
st.subheader(t("criteria", lang))
widgets.table(shown, columns=columns, lang=lang, key="criteria_table")
st.caption(t("criteria_note", lang))

st.subheader(t("weights", lang))
cols = st.columns(4)
weights = {}
for i, (name, spec) in enumerate(specs.items()):
    with cols[i % 4]:
        weights[name] = st.slider(
            getattr(spec, f"label_{suffix}"),
            0.0,
            3.0,
            1.0,
            0.5,
            format="%.1f",
            key=f"w_{name}",
            help=spec.why,
        )
if sum(weights.values()) <= 0:
    st.warning(t("weights_zero", lang))
    st.stop()
ranking = selection.rank(criteria, weights)
sens = selection.rank_sensitivity(criteria, weights, spread=0.2, samples=200, seed=0)
result = ranking.join(sens[["rank_min", "rank_median", "rank_max"]]).join(
    names[["name", "municipality"]]
)
result["label"] = result["municipality"] + " – " + result["name"]
left, right = st.columns([3, 2])
with left:
    fig = charts.ranking_bar(
        result.reset_index(),
        score_column="score",
        name_column="label",
        x_title=t("score", lang),
        selected=qid,
        lang=lang,
    )
    st.plotly_chart(fig, key="ranking")
with right:
    widgets.table(
        result.reset_index().sort_values("rank"),
        columns={
            "rank": (t("rank", lang), None, None),
            "label": (t("quarter", lang), None, 0),
            "rank_min": (t("rank_best", lang), None, None),
            "rank_max": (t("rank_worst", lang), None, None),
        },
        lang=lang,
        height=560,
        key="rank_table",
    )
    st.caption(t("sensitivity_note", lang))

st.subheader(t("small_multiples", lang))
geoms = data.quarters.set_index("quarter_id").geometry
extent = max(max(g.bounds[2] - g.bounds[0], g.bounds[3] - g.bounds[1]) for g in geoms)
size = 150
tiles = []
for q, geom in geoms.items():
    kind = names.loc[q, "quarter_type"]
    svg = quarter_outline_svg(
        geom,
        size_px=size,
        scale_m_per_px=extent * 1.05 / size,
        title=f"{names.loc[q, 'municipality']} – {names.loc[q, 'name']}",
        fill=QUARTER_TYPE_COLORS.get(kind, "#56B4E9"),
        scale_bar_m=1000 if q == geoms.index[0] else None,
    )
    caption = js_safe(f"{names.loc[q, 'municipality']} – {names.loc[q, 'name']}")
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    tiles.append(
        f'<figure style="margin:4px;width:{size}px;text-align:center">'
        f'<img src="{uri}" width="{size}" height="{size}" alt="{caption}">'
        f'<figcaption style="font-size:12px;line-height:1.2">{caption}</figcaption></figure>'
    )
st.html('<div style="display:flex;flex-wrap:wrap;gap:6px">' + "".join(tiles) + "</div>")
legend = " · ".join(
    f"<span style='color:{c}'>■</span> {js_safe(label('quarter_type', k, lang))}"
    for k, c in QUARTER_TYPE_COLORS.items()
)
st.html(f"<div style='font-size:13px'>{legend}</div>")
st.caption(t("small_multiples_note", lang))

st.subheader(t("representativeness", lang))
region = data.ref.region_shares
rep = selection.representativeness(data.quarters, region)
rep_shown = rep.reset_index()
rep_shown["type_label"] = [label("quarter_type", v, lang) for v in rep_shown["settlement_type"]]
for col in ("share_selection", "share_region", "difference"):
    rep_shown[col] = 100 * rep_shown[col]
left, right = st.columns([2, 3])
with left:
    widgets.metric(
        t("similarity", lang),
        100 * rep.attrs["similarity"],
        "%",
        lang=lang,
        help=t("similarity_help", lang),
    )
with right:
    widgets.table(
        rep_shown,
        columns={
            "type_label": (t("quarter_type", lang), None, 0),
            "share_selection": (t("share_selection", lang), "%", 0),
            "share_region": (t("share_region", lang), "%", 0),
            "difference": (t("difference", lang), "%-Pkt.", 0),
        },
        lang=lang,
        key="rep_table",
    )
st.caption(t("region_assumption", lang))
