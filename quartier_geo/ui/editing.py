"""Editing in the planner mode: the author field and saving with conflict messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.modes import Editor, Mode, can_edit
from quartier_geo.data.store import Record
from quartier_geo.ui.data import workspace

__all__ = ["Draft", "author", "save"]

_AUTHOR = "author"
#: Author written to the audit log when the field is left empty (data, not UI text).
_UNKNOWN_AUTHOR = "unbekannt"


@dataclass(frozen=True)
class Draft:
    """What a form wants to save: the record's kind and key, the new payload, and the
    record as the form read it (``None`` for a new record), whose version must still hold."""

    kind: str
    key: str
    payload: Mapping[str, Any]
    read: Record | None = None


def author(lang: Lang, *, mode: Mode, form: str) -> Editor:
    """The editor (name for the audit log, kept for the session, and the server's mode).

    One name field per ``form`` (a page may show several forms at once, and widget keys
    must be unique); the last name typed is the default of forms opened later.
    """
    st.session_state.setdefault(_AUTHOR, t("author_default", lang))
    wkey = f"_w_{_AUTHOR}_{form}"
    st.session_state.setdefault(wkey, st.session_state[_AUTHOR])
    name = st.text_input(t("author_label", lang), key=wkey, max_chars=60)
    st.session_state[_AUTHOR] = name  # remembered for the other forms
    return Editor(str(name).strip() or _UNKNOWN_AUTHOR, mode)


def save(draft: Draft, *, editor: Editor, lang: Lang) -> bool:
    """Save one record with the version that was read; show success or the reason it failed."""
    if not can_edit(editor.mode):  # the widgets are not shown, but never trust that alone
        st.error(t("save_planner_only", lang))
        return False
    try:
        workspace().put(
            draft.kind,
            draft.key,
            dict(draft.payload),
            expected_version=draft.read.version if draft.read else None,
            editor=editor,
        )
    except QuartierGeoError as exc:
        st.error(str(exc))
        return False
    st.success(t("saved_ok", lang))
    return True
