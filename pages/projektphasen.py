"""Projektphasen: timeline of all 20 quarters, modules, phase map, funding."""

import datetime as dt

import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import label, t
from quartier_geo.base.modes import can_edit
from quartier_geo.domain import phases
from quartier_geo.ui import editing, frame, mapview, state, widgets
from quartier_geo.ui.data import workspace
from quartier_geo.views import charts, maps
from quartier_geo.views.palette import PHASE_OUTSIDE_COLORS

ctx = frame.context()
lang, data, qid = ctx.lang, ctx.data, ctx.quarter_id
labels = phases.LABELS[lang]
names = data.quarters.set_index("quarter_id")
programme = data.programme

st.title(t("page_phases", lang))
st.caption(t("phases_intro", lang))

state.init_from_query("asof", "2017-10-01", parse=lambda s: dt.date.fromisoformat(s).isoformat())
as_of = st.slider(
    t("as_of", lang),
    min_value=dt.date(2016, 1, 1),
    max_value=dt.date(2025, 12, 31),
    value=dt.date.fromisoformat(state.get("asof", "2017-10-01")),
    format="DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD",
    key="_w_asof_slider",
)
st.session_state["asof"] = as_of.isoformat()
state.write_query("asof")

status = phases.status_at(programme, as_of).reset_index()
status["phase_key"] = status["phase"].astype(object).where(status["phase"].notna(), status["state"])
status["phase_label"] = status["phase_key"].map(labels)
order = ["before", "preparation", "concept", "agreement", "implementation", "after"]
counts = status["phase_key"].value_counts().reindex(order).dropna().rename(index=labels)
st.markdown(" · ".join(f"**{widgets.md_escape(k)}**: {v}" for k, v in counts.items()))

col_map, col_chart = st.columns([2, 3])
with col_map:
    q = data.quarters.merge(status[["quarter_id", "phase_key"]], on="quarter_id")
    m = maps.region_map(
        q.rename(columns={"phase_key": "phase"}),
        color_column="phase",
        labels=labels,
        colors=PHASE_OUTSIDE_COLORS,
        legend_title=t("phase", lang),
        selected_id=qid,
        lang=lang,
        tooltip_columns=[("phase", t("phase", lang), "")],
    )
    mapview.static_map(m, height=520)
with col_chart:
    fig = charts.timeline(
        programme["phases"],
        quarter_names={i: f"{r.municipality} – {r.name}" for i, r in names.iterrows()},
        phase_labels=labels,
        today=pd.Timestamp(as_of),
        lang=lang,
    )
    st.plotly_chart(fig, key="timeline")
st.caption(t("phases_dates_note", lang))

st.subheader(f"{names.loc[qid, 'municipality']} – {names.loc[qid, 'name']}")
modules = programme["modules"][programme["modules"]["quarter_id"] == qid].copy()
row = status.set_index("quarter_id").loc[qid]
modules["status_at"] = [labels.get(row[mod], row[mod]) for mod in modules["module"]]
modules["module_label"] = modules["module"].map(labels)
modules["date_status_label"] = modules["date_status"].map(labels)
modules["completed_label"] = [
    widgets.fmt_date(str(v)[:10], lang) for v in modules["completed_date"]
]
widgets.table(
    modules,
    columns={
        "module_label": (t("module", lang), None, 0),
        "status_at": (
            f"{t('status', lang)} {as_of:%d.%m.%Y}"
            if lang == "de"
            else f"{t('status', lang)} {as_of}",
            None,
            0,
        ),
        "completed_label": (t("completed", lang), None, 0),
        "date_status_label": (t("date_quality", lang), None, 0),
        "source": (t("source", lang), None, 0),
    },
    lang=lang,
)

ws = workspace()
if can_edit(ctx.mode):
    with st.expander(t("edit_modules", lang)):
        who = editing.author(lang)
        for mod in phases.Module:
            key = f"{qid}:{mod.value}"
            rec = ws.get("module_status", key)
            current = rec.payload["status"] if rec else "done"
            options = [s.value for s in phases.ModuleStatus]
            with st.form(f"form_{key}"):
                choice = st.selectbox(
                    labels[mod.value],
                    options,
                    index=options.index(current),
                    format_func=lambda s: labels[s],
                    key=f"sel_{key}",
                )
                note = st.text_input(
                    t("note", lang),
                    value=rec.payload.get("note", "") if rec else "",
                    max_chars=500,
                    key=f"note_{key}",
                )
                if st.form_submit_button(t("save", lang)):
                    editing.save(
                        "module_status",
                        key,
                        {"status": choice, "note": note},
                        record=rec,
                        mode=ctx.mode,
                        who=who,
                        lang=lang,
                    )
edits = [r for r in ws.list("module_status") if r.key.startswith(f"{qid}:")]
if edits:
    st.markdown(f"**{t('workspace_edits', lang)}**")
    widgets.table(
        pd.DataFrame(
            [
                {
                    "module": labels.get(r.key.split(":")[1], r.key),
                    "status": labels.get(r.payload["status"]),
                    "note": r.payload.get("note", ""),
                    "author": r.author,
                    "at": r.updated_at,
                    "version": r.version,
                }
                for r in edits
            ]
        ),
        columns={
            "module": (t("module", lang), None, 0),
            "status": (t("status", lang), None, 0),
            "note": (t("note", lang), None, 0),
            "author": (t("author", lang), None, 0),
            "at": (t("changed_at", lang), None, 0),
            "version": ("Version", None, None),
        },
        lang=lang,
    )

st.subheader(t("funding", lang))
measures = programme["measures"][programme["measures"]["quarter_id"] == qid].copy()
measures["title"] = measures["title_de" if lang == "de" else "title_en"]
measures["category_label"] = measures["category"].map(labels)
measures["date_status_label"] = measures["date_status"].map(labels)
measures["funding_label"] = [label("funding_source", v, lang) for v in measures["funding_source"]]
widgets.table(
    measures,
    columns={
        "title": (t("measure", lang), None, 0),
        "category_label": (t("category", lang), None, 0),
        "funding_label": (t("funding_source", lang), None, 0),
        "year": (t("year", lang), None, None),
        "date_status_label": (t("date_quality", lang), None, 0),
        "source": (t("source", lang), None, 0),
    },
    lang=lang,
)
all_measures = programme["measures"]
funding = all_measures[all_measures["category"] != "planning"].groupby("funding_source").size()
st.caption(
    t("funding_note", lang)
    + " "
    + ", ".join(f"{label('funding_source', k, lang)}: {v}" for k, v in funding.items())
)
