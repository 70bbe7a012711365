"""Programme phases page: the date slider, phase map and timeline of all quarters, the
selected quarter's concept modules (editable in planner mode) and its funded measures.

The date is a persistent, URL-mirrored choice (``?asof=2017-10-01``). Module edits are
workspace records of kind :data:`MODULE_KIND` keyed by
:func:`quartier_geo.data.store.quarter_key` (quarter id and module).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import label, t
from quartier_geo.base.modes import Editor
from quartier_geo.base.numfmt import fmt_timestamp
from quartier_geo.data.store import quarter_key, records_of_quarter, split_quarter_key
from quartier_geo.domain import phases
from quartier_geo.ui import editing, mapview, publishing, state, widgets
from quartier_geo.ui.data import MODULE_KIND, PHASE_KIND, iso_day, workspace
from quartier_geo.ui.frame import Context
from quartier_geo.views import charts, maps
from quartier_geo.views.palette import PHASE_OUTSIDE_COLORS

__all__ = [
    "MODULE_KIND",
    "PHASE_ORDER",
    "edit_modules",
    "funding",
    "header",
    "module_edits",
    "modules",
    "overview",
    "pick_date",
]

#: Workspace kind of the module status edits.
#: Order of the phase counts line: before the programme, the phases, after it.
PHASE_ORDER = ("before", *(p.value for p in phases.Phase), "after")
_DEFAULT_DATE = "2017-10-01"
_RANGE = (dt.date(2016, 1, 1), dt.date(2025, 12, 31))


def header(ctx: Context) -> None:
    st.title(ctx.t("page_phases"))
    st.caption(ctx.t("phases_intro"))


def pick_date(ctx: Context) -> dt.date:
    """The date slider (persistent, in the URL as ``asof``)."""
    state.init_from_query(
        "asof",
        _DEFAULT_DATE,
        parse=lambda s: dt.date.fromisoformat(s).isoformat(),
        bounds=(_RANGE[0].isoformat(), _RANGE[1].isoformat()),
    )
    as_of = st.slider(
        ctx.t("as_of"),
        min_value=_RANGE[0],
        max_value=_RANGE[1],
        value=dt.date.fromisoformat(state.get("asof", _DEFAULT_DATE)),
        format=widgets.date_input_format(ctx.lang),
        key="_w_asof_slider",
    )
    st.session_state["asof"] = as_of.isoformat()
    state.write_query("asof")
    return as_of


def _status(ctx: Context, as_of: dt.date) -> pd.DataFrame:
    """status_at plus ``phase_key`` (phase, or before/after), index quarter_id."""
    status = phases.status_at(ctx.programme, as_of)
    return status.assign(phase_key=phases.phase_or_state(status))


def overview(ctx: Context, as_of: dt.date) -> None:
    """Counts per phase, the phase map and the timeline of all quarters on ``as_of``."""
    lang = ctx.lang
    labels: dict[object, str] = {k: v for k, v in phases.LABELS[lang].items()}
    colours: dict[object, str] = {k: v for k, v in PHASE_OUTSIDE_COLORS.items()}
    names: dict[object, str] = {k: v for k, v in widgets.quarter_labels(ctx.data.quarters).items()}
    status = _status(ctx, as_of)
    counts = status["phase_key"].value_counts().reindex(PHASE_ORDER).dropna()
    st.markdown(
        " · ".join(f"**{widgets.md_escape(labels[k])}**: {int(v)}" for k, v in counts.items())
    )
    col_map, col_chart = st.columns([2, 3])
    with col_map:
        keys = status["phase_key"].rename("phase").rename_axis("quarter_id").reset_index()
        by_phase = maps.Colouring(categorical=True, labels=labels, colors=colours)
        colour = maps.ColourBy("phase", t("phase", lang), colouring=by_phase)
        m = maps.region_map(
            ctx.data.quarters.merge(keys, on="quarter_id"),
            colour,
            info=maps.FeatureInfo(
                tooltip=[("phase", t("phase", lang), "")], selected_id=ctx.quarter_id
            ),
            display=maps.Display(lang=lang, font_px=widgets.map_font_px()),
        )
        mapview.static_map(m, height=520)
        mapview.map_table(keys, colour, mapview.MapTable(t("quarters_count", lang)), lang=lang)
    with col_chart:
        fig = charts.timeline(
            ctx.programme["phases"],
            labels=charts.TimelineLabels(quarters=names, phases=labels),
            today=pd.Timestamp(as_of),
            lang=lang,
        )
        widgets.chart(fig, key="timeline")
    st.caption(t("phases_dates_note", lang))


def modules(ctx: Context, as_of: dt.date) -> None:
    """The selected quarter's concept modules: status on ``as_of``, completion, sources."""
    lang, qid, labels = ctx.lang, ctx.quarter_id, phases.LABELS[ctx.lang]
    st.subheader(ctx.quarter_name)
    table = ctx.programme["modules"]
    mods = table[table["quarter_id"] == qid]
    row = _status(ctx, as_of).loc[qid]
    shown = mods.assign(
        status_at=[labels.get(row[mod], row[mod]) for mod in mods["module"]],
        module_label=mods["module"].map(labels),
        date_status_label=mods["date_status"].map(labels),
        completed_label=[widgets.fmt_date(str(v)[:10], lang) for v in mods["completed_date"]],
    )
    widgets.table(
        shown,
        columns={
            "module_label": (t("module", lang), None, 0),
            "status_at": (
                t("status_on", lang).format(date=widgets.fmt_day(as_of, lang)),
                None,
                0,
            ),
            "completed_label": (t("completed", lang), None, 0),
            "date_status_label": (t("date_quality", lang), None, 0),
            "source": (t("source", lang), None, 0),
        },
        lang=lang,
    )


def edit_modules(ctx: Context) -> None:
    """Planner mode: one small form per module (status since a date, note) and one for the
    dates of the agreement and the implementation. Saved edits drive the status table, the
    phase map, the timeline and the overview (:func:`quartier_geo.ui.data.programme`)."""
    if not ctx.can_edit:
        return
    lang, labels = ctx.lang, phases.LABELS[ctx.lang]
    options = [s.value for s in phases.ModuleStatus]
    today = dt.date.today()
    now = phases.status_at(ctx.programme, today).loc[ctx.quarter_id]
    with st.expander(t("edit_modules", lang)):
        who = editing.author(lang, mode=ctx.mode, form="modules")
        for mod in phases.Module:
            key = quarter_key(ctx.quarter_id, mod.value)
            rec = editing.opened(MODULE_KIND, key)
            current = rec.payload["status"] if rec else str(now[mod.value])
            since = (iso_day(rec.payload.get("since")) if rec else None) or today
            with st.form(f"form_{key}"):
                c1, c2 = st.columns([3, 2])
                choice = c1.selectbox(
                    labels[mod.value],
                    options,
                    index=options.index(current),
                    format_func=lambda s: labels[s],
                    key=f"sel_{key}",
                )
                day = c2.date_input(
                    t("module_since", lang),
                    value=since,
                    format=widgets.date_input_format(lang),
                    key=f"since_{key}",
                )
                note = st.text_input(
                    t("note", lang),
                    value=rec.payload.get("note", "") if rec else "",
                    max_chars=500,
                    key=f"note_{key}",
                )
                if st.form_submit_button(t("save", lang)):
                    payload = {"status": choice, "since": day.isoformat(), "note": note}
                    editing.save(
                        editing.Draft(MODULE_KIND, key, payload, rec), editor=who, lang=lang
                    )
            editing.conflict_panel(
                MODULE_KIND,
                key,
                lang=lang,
                widget_keys=(f"sel_{key}", f"since_{key}", f"note_{key}"),
            )
        _edit_phase_dates(ctx, who)


def _edit_phase_dates(ctx: Context, who: Editor) -> None:
    """The dates after the concept: agreement signed, implementation begun (both optional)."""
    lang = ctx.lang
    key = quarter_key(ctx.quarter_id, "dates")
    rec = editing.opened(PHASE_KIND, key)
    stored = rec.payload if rec else {}
    with st.form(f"form_{key}"):
        st.markdown(f"**{t('phase_dates', lang)}**")
        c1, c2 = st.columns(2)
        agreement = c1.date_input(
            t("agreement_signed", lang),
            value=iso_day(stored.get("agreement")),
            format=widgets.date_input_format(lang),
            key=f"agreement_{key}",
        )
        implementation = c2.date_input(
            t("implementation_since", lang),
            value=iso_day(stored.get("implementation")),
            format=widgets.date_input_format(lang),
            key=f"implementation_{key}",
        )
        if st.form_submit_button(t("save", lang)):
            if agreement and implementation and implementation < agreement:
                st.error(t("implementation_before_agreement", lang))
            else:
                payload = {
                    "agreement": agreement.isoformat() if agreement else None,
                    "implementation": implementation.isoformat() if implementation else None,
                }
                editing.save(editing.Draft(PHASE_KIND, key, payload, rec), editor=who, lang=lang)
    editing.conflict_panel(
        PHASE_KIND, key, lang=lang, widget_keys=(f"agreement_{key}", f"implementation_{key}")
    )


def module_edits(ctx: Context) -> None:
    """The saved module edits of the selected quarter (who, when, which version).

    Public and workshop servers show the published status instead (no note, no editor).
    """
    if not ctx.planner:
        publishing.published_modules(ctx)
        return
    lang, labels = ctx.lang, phases.LABELS[ctx.lang]
    edits = records_of_quarter(workspace().list(MODULE_KIND), ctx.quarter_id)
    if not edits:
        return
    st.markdown(f"**{t('workspace_edits', lang)}**")
    rows = []
    for r in edits:
        module = split_quarter_key(r.key)[1]
        rows.append(
            {
                "module": labels.get(module, module),
                "status": labels.get(r.payload["status"]),
                "note": r.payload.get("note", ""),
                "author": r.author,
                "at": fmt_timestamp(r.updated_at, lang=lang),
                "version": r.version,
            }
        )
    widgets.table(
        pd.DataFrame(rows),
        columns={
            "module": (t("module", lang), None, 0),
            "status": (t("status", lang), None, 0),
            "note": (t("note", lang), None, 0),
            "author": (t("author", lang), None, 0),
            "at": (t("changed_at", lang), None, 0),
            "version": (t("version", lang), None, None),
        },
        lang=lang,
    )


def funding(ctx: Context) -> None:
    """The selected quarter's measures with their funding, and the counts of all quarters."""
    lang, labels = ctx.lang, phases.LABELS[ctx.lang]
    st.subheader(t("funding", lang))
    measures = ctx.programme["measures"]
    mine = measures[measures["quarter_id"] == ctx.quarter_id]
    shown = mine.assign(
        title=mine[widgets.lang_column("title", lang)],
        category_label=mine["category"].map(labels),
        date_status_label=mine["date_status"].map(labels),
        funding_label=[label("funding_source", v, lang) for v in mine["funding_source"]],
    )
    widgets.table(
        shown,
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
    counts = measures[measures["category"] != phases.MeasureCategory.PLANNING.value]
    per_source = counts.groupby("funding_source").size()
    st.caption(
        t("funding_note", lang)
        + " "
        + ", ".join(f"{label('funding_source', k, lang)}: {v}" for k, v in per_source.items())
    )
