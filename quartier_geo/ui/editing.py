"""Editing in the planner mode: the author field and saving with conflict messages."""

from __future__ import annotations

from typing import Any

import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang
from quartier_geo.base.modes import Mode, can_edit
from quartier_geo.data.store import Record
from quartier_geo.ui.data import workspace

__all__ = ["author", "save"]

_AUTHOR = "author"


def author(lang: Lang) -> str:
    """The editor's name for the audit log (kept for the session)."""
    label = (
        "Ihr Name (für das Änderungsprotokoll)" if lang == "de" else "Your name (for the audit log)"
    )
    st.session_state.setdefault(_AUTHOR, "Planung" if lang == "de" else "Planner")
    return str(st.text_input(label, key=_AUTHOR, max_chars=60)).strip() or "unbekannt"


def save(
    kind: str,
    key: str,
    payload: dict[str, Any],
    *,
    record: Record | None,
    mode: Mode,
    who: str,
    lang: Lang,
) -> bool:
    """Save one record with the version that was read; show success or the reason it failed."""
    if not can_edit(mode):  # the widgets are not shown, but never trust that alone
        st.error(
            "Nur im Planungsmodus kann gespeichert werden."
            if lang == "de"
            else "Saving is only possible in planner mode."
        )
        return False
    try:
        workspace().put(
            kind,
            key,
            payload,
            expected_version=record.version if record else None,
            author=who,
            mode=mode,
        )
    except QuartierGeoError as exc:
        st.error(str(exc))
        return False
    st.success("Gespeichert." if lang == "de" else "Saved.")
    return True
