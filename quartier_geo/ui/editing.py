"""Editing in the planner mode: the author field and saving with conflict messages."""

from __future__ import annotations

from typing import Any

import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.modes import Mode, can_edit
from quartier_geo.data.store import Record
from quartier_geo.ui.data import workspace

__all__ = ["author", "save"]

_AUTHOR = "author"
#: Author written to the audit log when the field is left empty (data, not UI text).
_UNKNOWN_AUTHOR = "unbekannt"


def author(lang: Lang) -> str:
    """The editor's name for the audit log (kept for the session)."""
    st.session_state.setdefault(_AUTHOR, t("author_default", lang))
    name = st.text_input(t("author_label", lang), key=_AUTHOR, max_chars=60)
    return str(name).strip() or _UNKNOWN_AUTHOR


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
        st.error(t("save_planner_only", lang))
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
    st.success(t("saved_ok", lang))
    return True
