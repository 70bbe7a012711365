"""The change log (audit) on the Daten page: who changed what, when, before and after.

Shown to those who may edit (planners; on a loopback server without login, the person at
the computer) and downloadable as CSV with spreadsheet formulas neutralised
(:mod:`quartier_geo.exports.audit_csv`).
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import Lang, label, t
from quartier_geo.base.numfmt import fmt_exact, fmt_timestamp
from quartier_geo.domain.audit import AuditEntry, with_before
from quartier_geo.exports.audit_csv import audit_csv
from quartier_geo.ui import widgets
from quartier_geo.ui.data import workspace

__all__ = ["SHOWN", "show", "shown_changes", "shown_value"]

#: Entries shown and downloaded (newest first); "before" is looked up in a longer window.
SHOWN = 500
_LOOKBACK = 20_000


_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def shown_value(value: object, lang: Lang) -> str:
    """A stored value for reading: numbers and moments through numfmt, yes/no, and a
    structure (an import's report, a list) by its size only; the CSV has it in full.

    >>> shown_value(112.7, "de"), shown_value(True, "en"), shown_value({"a": 1, "b": 2}, "de")
    ('112,7', 'yes', '(2 Angaben, vollständig im CSV)')
    >>> shown_value("2026-11-30T12:05:09+00:00", "en"), shown_value("open", "de")
    ('2026-11-30 13:05', 'open')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, (int, float)):
        return fmt_exact(value, lang=lang)
    if isinstance(value, (dict, list, tuple)):
        return t("audit_structure", lang).format(n=len(value))
    text = str(value)
    return fmt_timestamp(text, lang=lang) if _MOMENT.match(text) else text


def shown_changes(entry: AuditEntry, lang: Lang) -> str:
    """The changed fields of an entry as ``field: before → after`` lines, values through
    :func:`shown_value` (the CSV download keeps the stored values)."""
    before, after = entry.before or {}, entry.after or {}
    lines = []
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old != new:
            left = shown_value(old, lang) if field in before else "–"
            right = shown_value(new, lang) if field in after else "–"
            lines.append(f"{field}: {left} → {right}")
    return "\n".join(lines)


def show(*, lang: Lang) -> None:
    rows = workspace().audit(limit=_LOOKBACK)
    entries = with_before(rows)[:SHOWN]
    st.caption(t("audit_intro", lang).format(n=SHOWN))
    if not entries:
        st.caption(t("audit_none", lang))
        return
    st.download_button(
        t("audit_download", lang),
        audit_csv(entries).encode("utf-8"),
        file_name="aenderungsprotokoll.csv",
        mime="text/csv",
        key="audit_download",
    )
    frame = pd.DataFrame(
        {
            "at": [fmt_timestamp(e.at, lang=lang) for e in entries],
            "author": [e.author for e in entries],
            "what": [f"{label('record_kind', e.kind, lang)} {e.key}" for e in entries],
            "action": [t(f"audit_action_{e.action}", lang) for e in entries],
            "version": [e.version for e in entries],
            "changes": [shown_changes(e, lang) for e in entries],
        }
    )
    widgets.table(
        frame,
        columns={
            "at": (t("audit_at", lang), None, None),
            "author": (t("author", lang), None, None),
            "what": (t("audit_what", lang), None, None),
            "action": (t("audit_action", lang), None, None),
            "version": (t("version", lang), None, None),
            "changes": (t("audit_changes", lang), None, None),
        },
        lang=lang,
        style=widgets.TableStyle(key="audit_table"),
    )
