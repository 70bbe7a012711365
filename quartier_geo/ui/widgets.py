"""Shared widgets and formatting for pages: metrics with units, notes, safe text."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from quartier_geo.base import numfmt
from quartier_geo.base.i18n import Lang, label, t
from quartier_geo.base.modes import Mode, current_mode
from quartier_geo.base.numfmt import fmt_exact, fmt_number
from quartier_geo.data.reference import Reference
from quartier_geo.domain.phases import parse_date
from quartier_geo.imports.saved import ImportInfo
from quartier_geo.views.charts import for_projector

__all__ = [
    "MAP_FONT_PX",
    "WORKSHOP_MIN_PX",
    "Quantity",
    "TableStyle",
    "chart",
    "date_input_format",
    "fmt_date",
    "fmt_day",
    "lang_column",
    "map_font_px",
    "md_escape",
    "metric",
    "metric_row",
    "modelled_caption",
    "quarter_facts",
    "quarter_label",
    "quarter_labels",
    "reference_table",
    "source_links",
    "synthetic_banner",
    "table",
]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def lang_column(prefix: str, lang: Lang) -> str:
    """Name of the column of a reference table in ``lang``: ``label`` -> ``label_de``."""
    return f"{prefix}_{lang}"


#: Least type size (px) of everything a projector room must read (workshop mode): chart
#: ticks, legends and titles, map legends and tooltips, tables.
WORKSHOP_MIN_PX = 20
#: Type size (px) of map legends, tooltips and labels on a screen.
MAP_FONT_PX = 13


def map_font_px() -> int:
    """Type size of the maps' legends and tooltips: 20 px for the projector (workshop)."""
    return WORKSHOP_MIN_PX if current_mode() is Mode.WORKSHOP else MAP_FONT_PX


def chart(fig: go.Figure, *, key: str) -> None:
    """Show a plotly chart the width of its column; in workshop mode with every text at
    least :data:`WORKSHOP_MIN_PX` px (:func:`quartier_geo.views.charts.for_projector`).

    The chart's title is written above it as page text: inside the figure a legend that
    wraps onto several lines on a phone would grow into it."""
    title = fig.layout.title.text
    if title:
        st.markdown(f"**{md_escape(html.unescape(title))}**")
        fig.update_layout(title=None, margin={"t": 20})
    if current_mode() is Mode.WORKSHOP:
        for_projector(fig, min_px=WORKSHOP_MIN_PX)
    st.plotly_chart(fig, key=key)


#: quarter_type of a planner's own (imported) area, which is no programme quarter.
OWN_AREA_TYPE = "imported"


def quarter_label(row: pd.Series, lang: Lang = "de") -> str:
    """ "Municipality – name" of a quarter row (the way every page names a quarter); an own
    (imported) area is named as such: "Eigenes Gebiet: name"."""
    if row.get("quarter_type") == OWN_AREA_TYPE:
        return f"{t('own_area', lang)}: {row['name']}"
    return f"{row['municipality']} – {row['name']}"


def quarter_labels(quarters: pd.DataFrame) -> dict[int, str]:
    """quarter_id -> "Municipality – name" of every quarter (any index, needs quarter_id)."""
    table = quarters.reset_index() if "quarter_id" not in quarters.columns else quarters
    return {
        int(q): f"{m} – {n}"
        for q, m, n in zip(table["quarter_id"], table["municipality"], table["name"], strict=True)
    }


def date_input_format(lang: Lang) -> str:
    """The ``format`` of ``st.date_input`` and date sliders in ``lang``."""
    return t("date_widget_format", lang)


def md_escape(text: object) -> str:
    """Escape data text for ``st.markdown``: no links, images, HTML or formulas from data."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


@dataclass(frozen=True)
class Quantity:
    """A figure to show: its label, value, unit and the decimals it is shown with."""

    label: str
    value: float | None
    unit: str
    decimals: int = 0


def metric(quantity: Quantity, *, lang: Lang, help: str | None = None) -> None:
    """A metric whose label carries the unit, so that the value stays short and readable."""
    q = quantity
    text = fmt_number(q.value, lang=lang, decimals=q.decimals)
    st.metric(f"{q.label} ({q.unit})" if q.unit else q.label, text, help=help)


def metric_row(
    items: Sequence[tuple[str, float | None, str, int]], *, lang: Lang, help: str | None = None
) -> None:
    """Several metrics side by side: (label, value, unit, decimals)."""
    cols = st.columns(len(items))
    for col, (text, value, unit, decimals) in zip(cols, items, strict=True):
        with col:
            metric(Quantity(text, value, unit, decimals), lang=lang, help=help)


def synthetic_banner(lang: Lang, *, record: ImportInfo | None = None) -> None:
    """Where the data come from: the demo note, or for an imported area its import record
    (file, detected schema, date)."""
    if record is None:
        st.info(t("synthetic_note", lang), icon=":material/info:")
        return
    text = t("import_source_note", lang).format(
        file=md_escape(record.source_filename or record.file),
        schema=md_escape(record.schema or t("import_schema_unknown", lang)),
        date=md_escape(fmt_date(str(record.created_at)[:10], lang)),
        buildings=fmt_number(record.buildings, lang=lang),
    )
    st.info(text, icon=":material/upload_file:")


def modelled_caption(lang: Lang) -> None:
    st.caption(t("modelled_note", lang))


def _plain(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@dataclass(frozen=True)
class TableStyle:
    """How a table is shown: its height, its widget key, or as a static table that wraps."""

    height: int | Literal["auto", "stretch", "content"] = "auto"
    key: str | None = None
    static: bool = False


def table(
    df: pd.DataFrame,
    *,
    columns: dict[str, tuple[str, str | None, int | None]],
    lang: Lang,
    style: TableStyle = TableStyle(),
) -> None:
    """A read-only table with German/English headers incl. units and formatted numbers.

    ``columns`` maps a column to (header, unit or None, decimals); numbers are rendered as
    text with the language's separators so that the table matches the rest of the UI.
    ``decimals=None`` shows the value as it is (years, ids). ``style.static`` renders a
    plain table whose long texts wrap (for a few rows with explanations).
    """
    out = pd.DataFrame(index=df.index)
    for col, (header, unit, decimals) in columns.items():
        name = f"{header} [{unit}]" if unit else header
        values = df[col]
        if decimals is None:
            out[name] = [_plain(v) for v in values]
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[name] = [fmt_number(v, lang=lang, decimals=decimals) for v in values]
        else:
            out[name] = values.astype("string").fillna("–")
    # the projector reads the static table, whose type the workshop style enlarges (the
    # interactive grid draws on a canvas at a fixed size)
    if style.static or current_mode() is Mode.WORKSHOP:
        st.table(out.set_index(out.columns[0]))
    else:
        st.dataframe(out, hide_index=True, height=style.height, key=style.key)


#: Reference columns shown as they are (no thousands separator): years and numbers.
_PLAIN_COLUMNS = {"year", "id", "price_year"}
#: Reference columns holding codes of a closed vocabulary, shown with its labels.
_VOCABULARY_COLUMNS = {
    "carrier": "heating_carrier",
    "state": "refurbishment_state",
    "status": "source_status",
}


def reference_table(df: pd.DataFrame, *, lang: Lang, key: str | None = None) -> None:
    """A reference table as read, for reading: headers in ``lang`` (``ref_col_<column>``),
    only the ``lang`` column of ``<name>_de``/``<name>_en`` pairs, numbers with the
    language's separators and all their decimals (``282,7``), empty cells as "–"."""
    other = "_en" if lang == "de" else "_de"
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        if col.endswith(other):
            continue
        name = col.removesuffix(f"_{lang}")
        values = df[col]
        if name in _PLAIN_COLUMNS:
            shown = [_plain(v) for v in values]
        elif name == "advanced_system" and f"label_{lang}" in df.columns:
            # a system of the same table: shown by its label ("Gas-Brennwertkessel")
            names = dict(zip(df["system"], df[f"label_{lang}"], strict=True))
            shown = [names.get(v, _plain(v)) if pd.notna(v) and v else "–" for v in values]
        elif name in _VOCABULARY_COLUMNS:
            shown = [label(_VOCABULARY_COLUMNS[name], v, lang) for v in values]
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            shown = [fmt_exact(v, lang=lang) for v in values]
        else:
            shown = [_plain(v) if pd.notna(v) else "–" for v in values]
        out[t(f"ref_col_{name}", lang)] = shown
    st.dataframe(out, hide_index=True, key=key)


def quarter_facts(quarter: pd.Series, *, ref: Reference, lang: Lang) -> None:
    """The reported facts of one quarter with their status and sources (the "Steckbrief")."""
    qid = int(quarter.name) if quarter.name is not None else int(quarter["quarter_id"])
    texts = ref.quarter_texts.loc[qid] if qid in ref.quarter_texts.index else None

    def status(kind: str) -> str:
        value = quarter.get(f"{kind}_status", "")
        return t("reported", lang) if value == "read" else t("assumption", lang)

    kind = md_escape(label("quarter_type", quarter["quarter_type"], lang))
    residents = fmt_number(quarter["residents"], lang=lang)
    lines = [
        f"**{t('quarter_type', lang)}:** {kind}",
        f"**{t('residents', lang)}:** {residents} ({status('residents')})",
        f"**{t('area_ha', lang)}:** {fmt_number(quarter['area_ha'], lang=lang, decimals=1)} ha "
        f"({status('area')})",
        f"**{t('concept_start', lang)}:** {md_escape(fmt_date(quarter['concept_start'], lang))}",
    ]
    if texts is not None:
        for key in ("type_note", "completed", "results", "facts"):
            value = str(texts.get(lang_column(key, lang), "") or "")
            if value:
                lines.append(f"**{t('facts_' + key, lang)}:** {md_escape(value)}")
        sources = str(texts.get("source", "") or "")
    else:
        sources = str(quarter.get("source", "") or "")
    st.markdown("  \n".join(lines))
    if sources:
        st.caption(f"{t('sources', lang)}: {source_links(sources)}")
    own = quarter.get("quarter_type") == OWN_AREA_TYPE
    st.caption(t("import_outline_note" if own else "synthetic_geometry", lang))


_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s()<>\[\]]*)?$")


def source_links(text: str) -> str:
    """Sources separated by ";" as Markdown: checked http(s) URLs become links with the host
    as text; anything else is escaped text."""
    parts = []
    for raw in str(text).split(";"):
        item = raw.strip()
        url, _, rest = item.partition(" ")
        if _URL.match(url):
            host = url.split("/")[2]
            note = f" {md_escape(rest)}" if rest else ""
            parts.append(f"[{md_escape(host)}]({url}){note}")
        elif item:
            parts.append(md_escape(item))
    return " · ".join(parts)


def fmt_day(day: dt.date, lang: Lang) -> str:
    """A calendar day for display (:func:`quartier_geo.base.numfmt.fmt_day`)."""
    return numfmt.fmt_day(day, lang=lang)


def fmt_date(text: object, lang: Lang) -> str:
    """A reference date ("2016-11-14", "2016-10", "2017-07 (approx.)") for display
    (German "14.11.2016", "10/2016"; English ISO "2016-11-14", "2016-10")."""
    try:
        parsed = parse_date(str(text))
    except Exception:
        return str(text)
    if parsed.precision == "month":
        shown = numfmt.fmt_month(parsed.first, lang=lang)
    else:
        shown = numfmt.fmt_day(parsed.first, lang=lang)
    if parsed.status == "inferred":
        shown += f" ({t('date_inferred', lang)})"
    return shown
