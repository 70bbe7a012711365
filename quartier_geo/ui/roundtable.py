"""Projekttisch Ruhr page: the round table's meetings, the lessons learned, and the quarters
most similar to the selected one (for knowledge transfer)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import Lang, t
from quartier_geo.domain import phases, selection
from quartier_geo.ui import widgets
from quartier_geo.ui.data import jury_criteria
from quartier_geo.ui.frame import Context

__all__ = ["header", "lessons", "meetings", "municipalities", "similar", "source_urls"]

#: Number of similar quarters shown.
SIMILAR_N = 3


def municipalities(ids: object, quarters: pd.DataFrame) -> str:
    """The municipalities of a comma-separated list of quarter ids ("3, 9"); unknown ids
    are skipped, "–" if none is left."""
    known = quarters.set_index("quarter_id")["municipality"]
    out = []
    for part in str(ids or "").split(","):
        part = part.strip()
        if part.isdigit() and int(part) in known.index:
            out.append(str(known.loc[int(part)]))
    return ", ".join(out) if out else "–"


def source_urls(source: object, lang: Lang) -> str:
    """The web addresses of a meeting's source ("a ; b"): the working notes beside them are
    English only and their gist is the date-quality column; without an address, a text
    that says the meeting is illustrative.

    >>> source_urls("https://a.de/x (month inferred) ; https://b.de", "de")
    'https://a.de/x ; https://b.de'
    >>> source_urls("no source found for the second meeting", "de")
    'keine Quelle gefunden: Datum, Ort und Themen sind illustrativ'
    """
    urls = [
        part.split()[0]
        for part in str(source or "").split(";")
        if part.strip().startswith(("http://", "https://"))
    ]
    return " ; ".join(urls) if urls else t("meeting_no_source", lang)


def header(ctx: Context) -> None:
    st.title(ctx.t("page_projekttisch"))
    st.caption(ctx.t("projekttisch_intro"))


def meetings(ctx: Context) -> None:
    lang, labels = ctx.lang, phases.LABELS[ctx.lang]
    st.subheader(t("meetings", lang))
    table = ctx.data.programme["meetings"]
    shown = table.assign(
        quarter_names=[municipalities(v, ctx.data.quarters) for v in table["quarters"]],
        date_label=[widgets.fmt_date(str(v)[:10], lang) for v in table["date"]],
        status_label=table["date_status"].map(labels).fillna(table["date_status"]),
        source_label=[source_urls(v, lang) for v in table["source"]],
    )
    widgets.table(
        shown,
        columns={
            "number": (t("number_short", lang), None, None),
            "date_label": (t("date", lang), None, 0),
            "place": (t("place", lang), None, 0),
            widgets.lang_column("topics", lang): (t("topics", lang), None, 0),
            "quarter_names": (t("quarters", lang), None, 0),
            "status_label": (t("date_quality", lang), None, 0),
            "source_label": (t("source", lang), None, 0),
        },
        lang=lang,
        style=widgets.TableStyle(static=True),
    )


def lessons(ctx: Context) -> None:
    lang, labels = ctx.lang, phases.LABELS[ctx.lang]
    st.subheader(t("lessons", lang))
    column = widgets.lang_column("text", lang)
    for row in ctx.data.programme["lessons"].itertuples():
        st.markdown(f"- {widgets.md_escape(getattr(row, column))}")
        status = widgets.md_escape(labels.get(row.status, row.status))
        st.caption(f"{t('source', lang)}: {widgets.source_links(row.source)} ({status})")


def similar(ctx: Context) -> None:
    """The quarters whose jury criteria lie closest to the selected one's."""
    lang = ctx.lang
    st.subheader(t("similar_quarters", lang).format(name=ctx.quarter_name))
    found = selection.similar_quarters(jury_criteria(), ctx.quarter_id, n=SIMILAR_N)
    found["label"] = pd.Series(widgets.quarter_labels(ctx.data.quarters)).reindex(found.index)
    widgets.table(
        found.reset_index(),
        columns={
            "label": (t("quarter", lang), None, 0),
            "distance": (t("distance", lang), None, 2),
            widgets.lang_column("reasons", lang): (t("reasons", lang), None, 0),
        },
        lang=lang,
        style=widgets.TableStyle(static=True),
    )
    st.caption(t("similar_note", lang))
