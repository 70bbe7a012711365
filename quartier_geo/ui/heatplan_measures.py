"""Wärmeplanung page, § 20 WPG: the implementation strategy of the selected quarter.

A table of the quarter's measures (:func:`quartier_geo.domain.heatplan_measures.
implementation_measures`) with the responsible actor, the year of implementation, the
cost (or "keine belegte Zahl") and today's funding programme with its rate and source. No building
appears: the table is the same for every audience.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import Lang, label, pick
from quartier_geo.base.numfmt import fmt_exact, fmt_number
from quartier_geo.domain import phases
from quartier_geo.domain.heatplan_measures import implementation_measures
from quartier_geo.ui import widgets
from quartier_geo.ui.frame import Context

__all__ = ["section"]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _cost(row: pd.Series, missing: str, lang: Lang) -> str:
    """The cost with the language's separators (numfmt) and its unit, else ``missing``.

    >>> _cost(pd.Series({"cost_eur": 12500.5, "cost_unit": "€"}), "–", "de")
    '12.500,5 €'
    >>> _cost(pd.Series({"cost_eur": "12500", "cost_unit": "€"}), "–", "en")
    '12,500 €'
    >>> _cost(pd.Series({"cost_eur": None, "cost_unit": ""}), "keine belegte Zahl", "de")
    'keine belegte Zahl'
    """
    cost = pd.to_numeric(pd.Series([row["cost_eur"]]), errors="coerce").iloc[0]
    if pd.isna(cost):
        return missing
    return f"{fmt_exact(float(cost), lang=lang)} {_text(row['cost_unit'])}".strip()


def _funding(row: pd.Series, lang: Lang, missing: str) -> str:
    programme = _text(row[widgets.lang_column("funding_programme", lang)])
    if not programme:
        return missing
    rate = _text(row[widgets.lang_column("funding_rate", lang)])
    return f"{programme}: {rate}" if rate else programme


def section(ctx: Context) -> None:
    """§ 20 WPG: the measures of the selected quarter with actor, timing, cost, funding."""
    lang = ctx.lang
    st.subheader(ctx.t("heatplan_measures_title"))
    st.caption(ctx.t("heatplan_measures_intro"))
    plan = implementation_measures(
        ctx.data.ref.programme_facts["templates"], ctx.programme["measures"], ctx.quarter_id
    )
    if plan.empty:
        st.info(ctx.t("heatplan_measures_none"))
        return
    missing = ctx.t("heatplan_no_figure")
    labels = phases.LABELS[lang]
    shown = plan.assign(
        title=plan[widgets.lang_column("title", lang)],
        category_label=plan["category"].map(labels).fillna(plan["category"]),
        actor=plan[widgets.lang_column("actor", lang)],
        timing=[
            ctx.t("heatplan_year_n").format(n=fmt_number(int(n), lang=lang))
            for n in plan["implementation_year"]
        ],
        cost=[_cost(r, missing, lang) for _, r in plan.iterrows()],
        funding=[_funding(r, lang, missing) for _, r in plan.iterrows()],
        funding_source=[
            f"{_text(r['funding_url'])} ({label('source_status', r['funding_status'], lang)})"
            if _text(r["funding_url"])
            else missing
            for _, r in plan.iterrows()
        ],
    )
    widgets.table(
        shown,
        columns={
            "title": (ctx.t("measure"), None, 0),
            "category_label": (ctx.t("category"), None, 0),
            "actor": (ctx.t("heatplan_actor"), None, 0),
            "timing": (ctx.t("heatplan_timing"), None, 0),
            "cost": (ctx.t("heatplan_cost"), None, 0),
            "funding": (ctx.t("heatplan_funding"), None, 0),
            "funding_source": (ctx.t("heatplan_funding_source"), None, 0),
        },
        lang=lang,
        style=widgets.TableStyle(static=True),
    )
    with st.expander(ctx.t("heatplan_measures_sources")):
        st.markdown(
            "\n".join(
                f"- **{widgets.md_escape(_text(r[widgets.lang_column('title', lang)]))}**: "
                f"{widgets.md_escape(_text(pick(r, 'funding_note', lang)))}; "
                f"{widgets.md_escape(_text(pick(r, 'cost_note', lang)))}"
                for _, r in plan.iterrows()
            )
        )
