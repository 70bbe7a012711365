"""Publishing (planner): what public and workshop servers show of the drafts.

A planner publishes a quarter's module status (Projektphasen) or a saved scenario
(Sanierung) on purpose and can withdraw it; each step is an audit entry and rewrites the
published snapshot (:mod:`quartier_geo.data.publication`). Public and workshop servers read
only that snapshot: :func:`published_modules` and :func:`published_scenarios`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.base.numfmt import fmt_number, fmt_timestamp
from quartier_geo.base.settings import min_buildings, published_path
from quartier_geo.data import publication as pub
from quartier_geo.data import published_areas
from quartier_geo.data.store import Record, quarter_key, records_of_quarter, split_quarter_key
from quartier_geo.domain import phases
from quartier_geo.domain.refurbishment import ScenarioParams
from quartier_geo.imports.saved import ImportInfo, load_import
from quartier_geo.ui import editing, widgets
from quartier_geo.ui.data import (
    MODULE_KIND,
    PHASE_KIND,
    forget_published,
    published,
    workspace,
)
from quartier_geo.ui.frame import Context

__all__ = [
    "MODULE_KIND",
    "SCENARIO_FIELDS",
    "SCENARIO_KIND",
    "area_controls",
    "phases_controls",
    "published_area_list",
    "published_modules",
    "published_scenarios",
    "scenario_controls",
]

#: Workspace kind of saved scenarios (ui/scenarios.py).
SCENARIO_KIND = "scenario"
#: The parameters of a saved scenario, its only fields that are published.
SCENARIO_FIELDS = tuple(f.name for f in dataclasses.fields(ScenarioParams))


def _run(action: Callable[[], object], who: Editor, *, lang: Lang, done: str) -> None:
    if not editing.may_save(who, lang):  # the buttons are not shown to others; never trust that
        return
    try:
        action()
    except QuartierGeoError as exc:
        st.error(t("publish_failed", lang).format(reason=str(exc)))
    else:
        forget_published()  # the rest of this run shows the snapshot just written
        st.success(t(done, lang))


def _audit(lang: Lang) -> None:
    rows = [r for r in workspace().audit(limit=200) if r["kind"] == pub.KIND][:10]
    if not rows:
        return
    action = {"insert": "publish_action_publish", "update": "publish_action_publish"}
    shown = pd.DataFrame(
        {
            "at": [fmt_timestamp(r["at"], lang=lang) for r in rows],
            "author": [r["author"] for r in rows],
            "what": [r["key"] for r in rows],
            "action": [t(action.get(r["action"], "publish_action_withdraw"), lang) for r in rows],
        }
    )
    st.markdown(f"**{t('publish_log', lang)}**")
    widgets.table(
        shown,
        columns={
            "at": (t("changed_at", lang), None, 0),
            "author": (t("author", lang), None, 0),
            "action": (t("publish_action", lang), None, 0),
            "what": (t("publish_what", lang), None, 0),
        },
        lang=lang,
    )


def phases_controls(ctx: Context) -> None:
    """Planner: publish or withdraw the module status and the dates after the concept
    (agreement, implementation) of the selected quarter."""
    if not ctx.can_edit:
        return
    lang, qid = ctx.lang, ctx.quarter_id
    drafts = records_of_quarter(workspace().list(MODULE_KIND), qid)
    statuses = {split_quarter_key(r.key)[1]: str(r.payload["status"]) for r in drafts}
    dated = workspace().get(PHASE_KIND, quarter_key(qid, "dates"))
    dates = pub.dates_item(qid, dated.payload if dated else {})
    with st.expander(t("publish_phases_title", lang)):
        st.caption(t("publish_phases_note", lang))
        who = editing.author(lang, mode=ctx.mode, form="publish_phases")
        shown = published().phases(qid)
        st.markdown(
            t("publish_state_yes" if shown else "publish_state_no", lang).format(
                items=", ".join(
                    f"{phases.LABELS[lang].get(k, k)}: {phases.LABELS[lang].get(v, v)}"
                    for k, v in shown.items()
                )
            )
        )
        left, right = st.columns(2)
        items = [pub.phases_item(qid, statuses)] if statuses else []
        items += [dates] if dates.fields else []
        if left.button(t("publish_button", lang), key="pub_phases", disabled=not items):
            _run(
                lambda: [_publish(item, who)() for item in items],
                who,
                lang=lang,
                done="publish_done",
            )
        snapshot = published()
        out = [k for k in ("phases", "dates") if snapshot.published(k, qid, k)]
        if out and right.button(t("withdraw_button", lang), key="pub_phases_withdraw"):
            _run(
                lambda: [
                    pub.withdraw(workspace(), k, qid, k, path=published_path(), editor=who)
                    for k in out
                ],
                who,
                lang=lang,
                done="withdraw_done",
            )
        _audit(lang)


def scenario_controls(ctx: Context, saved: list[Record]) -> None:
    """Planner: publish or withdraw each saved scenario of the selected quarter."""
    if not ctx.can_edit or not saved:
        return
    lang, qid = ctx.lang, ctx.quarter_id
    snapshot = published()
    with st.expander(t("publish_scenarios_title", lang)):
        st.caption(t("publish_scenarios_note", lang))
        who = editing.author(lang, mode=ctx.mode, form="publish_scenarios")
        for i, record in enumerate(saved):
            name = split_quarter_key(record.key)[1]
            is_out = snapshot.published("scenario", qid, name)
            left, right = st.columns([3, 1])
            left.markdown(
                f"**{widgets.md_escape(name)}** – "
                + t("publish_state_short_yes" if is_out else "publish_state_short_no", lang)
            )
            if is_out and right.button(t("withdraw_button", lang), key=f"pub_sc_w_{i}"):
                _run(
                    _withdraw_scenario(qid, name, who),
                    who,
                    lang=lang,
                    done="withdraw_done",
                )
            elif not is_out and right.button(t("publish_button", lang), key=f"pub_sc_{i}"):
                item = pub.scenario_item(qid, name, record.payload, fields=SCENARIO_FIELDS)
                _run(_publish(item, who), who, lang=lang, done="publish_done")


def _publish(item: pub.PublicItem, who: Editor) -> Callable[[], object]:
    return lambda: pub.publish(workspace(), item, path=published_path(), editor=who)


def _withdraw_scenario(quarter_id: int, name: str, who: Editor) -> Callable[[], object]:
    return lambda: pub.withdraw(
        workspace(), "scenario", quarter_id, name, path=published_path(), editor=who
    )


def published_modules(ctx: Context) -> None:
    """Public and workshop: the published module status of the selected quarter."""
    lang, labels = ctx.lang, phases.LABELS[ctx.lang]
    statuses = published().phases(ctx.quarter_id)
    if not statuses:
        return
    st.markdown(f"**{t('published_status', lang)}**")
    widgets.table(
        pd.DataFrame(
            {
                "module": [labels.get(k, k) for k in statuses],
                "status": [labels.get(v, v) for v in statuses.values()],
            }
        ),
        columns={"module": (t("module", lang), None, 0), "status": (t("status", lang), None, 0)},
        lang=lang,
    )


def published_scenarios(quarter_id: int) -> list[Record]:
    """Public and workshop: the published scenarios of a quarter, as records without author."""
    out: list[Record] = []
    for name, fields in published().scenarios(quarter_id).items():
        payload: dict[str, Any] = dict(fields)
        out.append(Record(SCENARIO_KIND, f"{quarter_id}:{name}", payload, 1, "", ""))
    return out


def area_controls(imports: list[ImportInfo], *, mode: Mode, lang: Lang) -> None:
    """Planner: publish an own area under a public name, or withdraw it.

    What is published is the public copy of :mod:`quartier_geo.data.published_areas`
    (no building ids, addresses, owners, source file or editor); public pages show it only
    aggregated, like the programme quarters.
    (Shown where edits may be saved; the caller checks.)
    """
    if not imports:
        return
    snapshot = published()
    out = {a.name: a for a in snapshot.areas()}
    with st.expander(t("publish_areas_title", lang)):
        st.caption(t("publish_areas_note", lang).format(n=min_buildings()))
        who = editing.author(lang, mode=mode, form="publish_areas")
        for i, info in enumerate(imports):
            item = out.get(info.key)
            left, mid, right = st.columns([3, 3, 1], vertical_alignment="bottom")
            left.markdown(
                f"**{widgets.md_escape(info.name)}** – "
                + (
                    t("publish_area_state_yes", lang).format(
                        name=widgets.md_escape(str(item.fields["name"]))
                    )
                    if item
                    else t("publish_state_short_no", lang)
                )
            )
            public_name = mid.text_input(
                t("publish_area_name", lang),
                value=str(item.fields["name"]) if item else "",
                max_chars=80,
                key=f"pub_area_name_{info.key}",
            )
            if right.button(t("publish_button", lang), key=f"pub_area_{i}"):
                _run(_publish_area(info, public_name, who), who, lang=lang, done="publish_done")
            if item and right.button(t("withdraw_button", lang), key=f"pub_area_w_{i}"):
                _run(_withdraw_area(info, who), who, lang=lang, done="withdraw_done")


def _publish_area(info: ImportInfo, name: str, who: Editor) -> Callable[[], object]:
    def run() -> object:
        _quarter, buildings = load_import(workspace(), info.key)
        area = published_areas.AreaToPublish(
            info.key, info.quarter_id, name, buildings, min_buildings()
        )
        return published_areas.publish_area(workspace(), area, path=published_path(), editor=who)

    return run


def _withdraw_area(info: ImportInfo, who: Editor) -> Callable[[], object]:
    return lambda: published_areas.withdraw_area(
        workspace(), info.key, info.quarter_id, path=published_path(), editor=who
    )


def published_area_list(lang: Lang) -> None:
    """Public and workshop: the published own areas (name and number of buildings)."""
    areas = published().areas()
    if not areas:
        st.caption(t("published_areas_none", lang))
        return
    st.markdown(
        "\n".join(
            f"- **{widgets.md_escape(str(a.fields['name']))}** – "
            + t("published_area_buildings", lang).format(
                n=fmt_number(int(a.fields["buildings"]), lang=lang)
            )
            for a in areas
        )
    )
    st.caption(t("published_areas_open", lang))
