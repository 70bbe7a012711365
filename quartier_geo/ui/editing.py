"""Editing in the planner mode: the author, the version a form read, saving, conflicts.

The author of an edit is the logged-in identity wherever an identity provider is
configured (:mod:`quartier_geo.ui.auth`); only a server bound to loopback without one asks
for a name, and its audit entries are marked "(lokal)".

Optimistic locking needs the version that the person *saw*: :func:`opened` reads a record
once, when its form first appears in the session, and keeps it in session state; saving
sends that version, so an edit saved by someone else in between is detected instead of
silently overwritten. On a conflict :func:`conflict_panel` shows both versions; the form
keeps the person's input until they take over the stored version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from quartier_geo.base.errors import ConflictError, QuartierGeoError
from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.modes import Editor, Mode, can_edit
from quartier_geo.base.numfmt import fmt_timestamp
from quartier_geo.data.store import Record
from quartier_geo.ui import auth
from quartier_geo.ui.data import workspace
from quartier_geo.ui.widgets import md_escape

__all__ = ["Draft", "author", "conflict_panel", "known", "may_save", "opened", "save"]

_AUTHOR = "author"
#: Author written to the audit log when the field is left empty (data, not UI text).
_UNKNOWN_AUTHOR = "unbekannt"
#: Mark of an author typed on a loopback server without login (data, not UI text).
_LOCAL = "lokal"


@dataclass(frozen=True)
class Draft:
    """What a form wants to save: the record's kind and key, the new payload, and the
    record as the form read it (``None`` for a new record), whose version must still hold."""

    kind: str
    key: str
    payload: Mapping[str, Any]
    read: Record | None = None


def author(lang: Lang, *, mode: Mode, form: str) -> Editor:
    """The editor (name for the audit log, and the server's mode).

    With a login: the logged-in identity, shown, not editable. Without (a loopback server):
    one name field per ``form`` (a page may show several forms at once, and widget keys
    must be unique); the last name typed is the default of forms opened later, and the
    audit log marks the name "(lokal)".
    """
    access = auth.current()
    if access.login:
        st.caption(t("auth_author", lang).format(author=md_escape(access.author)))
        return Editor(access.author, mode)
    st.session_state.setdefault(_AUTHOR, t("author_default", lang))
    wkey = f"_w_{_AUTHOR}_{form}"
    st.session_state.setdefault(wkey, st.session_state[_AUTHOR])
    name = st.text_input(t("author_label", lang), key=wkey, max_chars=60)
    st.session_state[_AUTHOR] = name  # remembered for the other forms
    return Editor(f"{str(name).strip() or _UNKNOWN_AUTHOR} ({_LOCAL})", mode)


def _opened_key(kind: str, key: str) -> str:
    return f"_opened:{kind}:{key}"


def _conflict_key(kind: str, key: str) -> str:
    return f"_conflict:{kind}:{key}"


def opened(kind: str, key: str) -> Record | None:
    """The record as this session read it when its form first opened (``None``: new)."""
    skey = _opened_key(kind, key)
    if skey not in st.session_state:
        st.session_state[skey] = workspace().get(kind, key)
    record: Record | None = st.session_state[skey]
    return record


def may_save(editor: Editor, lang: Lang) -> bool:
    """True if this visitor may write now (the server's mode and the visitor's role); else
    say so. Every write path of the UI asks: the edit widgets are not shown to others, but
    never trust that alone."""
    if can_edit(editor.mode) and auth.current().may_edit:
        return True
    st.error(t("save_planner_only", lang))
    return False


def save(draft: Draft, *, editor: Editor, lang: Lang) -> bool:
    """Save one record with the version that was read; show success or the reason it failed.

    On success the form's remembered record becomes the saved one. On a conflict the stored
    version is kept aside for :func:`conflict_panel` and nothing is written.
    """
    if not may_save(editor, lang):
        return False
    ws = workspace()
    try:
        ws.put(
            draft.kind,
            draft.key,
            dict(draft.payload),
            expected_version=draft.read.version if draft.read else None,
            editor=editor,
        )
    except ConflictError as exc:
        st.session_state[_conflict_key(draft.kind, draft.key)] = (
            dict(draft.payload),
            ws.get(draft.kind, draft.key),
        )
        st.error(f"{t('save_conflict', lang)} {exc}")
        return False
    except QuartierGeoError as exc:
        st.error(str(exc))
        return False
    st.session_state[_opened_key(draft.kind, draft.key)] = ws.get(draft.kind, draft.key)
    st.session_state.pop(_conflict_key(draft.kind, draft.key), None)
    st.success(t("saved_ok", lang))
    return True


def known(kind: str, key: str) -> Record | None:
    """The record as this session last read or saved it, without reading (``None``: never
    seen). For forms whose key is typed (a scenario name): saving under a name someone else
    already used is then a conflict, not a silent overwrite."""
    record: Record | None = st.session_state.get(_opened_key(kind, key))
    return record


def _take_stored(kind: str, key: str, widget_keys: tuple[str, ...]) -> None:
    st.session_state[_opened_key(kind, key)] = workspace().get(kind, key)
    st.session_state.pop(_conflict_key(kind, key), None)
    for wkey in widget_keys:
        st.session_state.pop(wkey, None)


def conflict_panel(kind: str, key: str, *, lang: Lang, widget_keys: tuple[str, ...] = ()) -> None:
    """After a conflict: both versions side by side and a button that takes the stored one
    (and resets the form's ``widget_keys``). Shows nothing without a conflict."""
    conflict = st.session_state.get(_conflict_key(kind, key))
    if conflict is None:
        return
    mine, stored = conflict
    theirs: Mapping[str, Any] = stored.payload if stored is not None else {}
    fields = sorted(set(mine) | set(theirs))
    who = (
        t("conflict_stored_by", lang).format(
            author=stored.author, at=fmt_timestamp(stored.updated_at, lang=lang)
        )
        if stored is not None
        else t("conflict_deleted", lang)
    )
    st.warning(t("conflict_intro", lang).format(who=who))
    st.table(
        {
            t("conflict_field", lang): fields,
            t("conflict_yours", lang): [str(mine.get(f, "")) for f in fields],
            t("conflict_stored", lang): [str(theirs.get(f, "")) for f in fields],
        }
    )
    st.button(
        t("conflict_take_stored", lang),
        key=f"take_{kind}_{key}",
        on_click=_take_stored,
        args=(kind, key, widget_keys),
    )
