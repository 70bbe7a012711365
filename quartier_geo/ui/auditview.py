"""The change log (audit) on the Daten page: who changed what, when, before and after.

Shown to those who may edit (planners; on a loopback server without login, the person at
the computer) and downloadable as CSV with spreadsheet formulas neutralised
(:mod:`quartier_geo.exports.audit_csv`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.numfmt import fmt_timestamp
from quartier_geo.domain.audit import changes, with_before
from quartier_geo.exports.audit_csv import audit_csv
from quartier_geo.ui import widgets
from quartier_geo.ui.data import workspace

__all__ = ["SHOWN", "show"]

#: Entries shown and downloaded (newest first); "before" is looked up in a longer window.
SHOWN = 500
_LOOKBACK = 20_000


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
            "what": [f"{e.kind} {e.key}" for e in entries],
            "action": [t(f"audit_action_{e.action}", lang) for e in entries],
            "version": [e.version for e in entries],
            "changes": [changes(e) for e in entries],
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
