"""Session-state keys and the URL query: a copied link reopens the same view.

Every cross-page value (quarter, language) and each page's choices are mirrored into
``st.query_params``. Widget keys are private (``_w_<name>``); the persistent value lives
under ``<name>`` so it survives page switches, when Streamlit drops widget state.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

__all__ = [
    "LANG",
    "QUARTER",
    "from_query",
    "get",
    "init_from_query",
    "widget_kwargs",
    "write_query",
]

T = TypeVar("T")

QUARTER = "q"
LANG = "lang"


def from_query(
    raw: str | None,
    default: T,
    *,
    options: Sequence[T] | None = None,
    parse: Callable[[str], T] | None = None,
    bounds: tuple[T, T] | None = None,
) -> T:
    """The value of a URL parameter, validated before any widget sees it.

    Unparsable values, values outside ``options`` and non-finite numbers give ``default``;
    values outside ``bounds`` (inclusive) are clamped to the nearest bound, so that a link
    such as ``?rate=600`` opens the page at the slider's end instead of breaking it.

    >>> from_query("600", 1.0, parse=float, bounds=(0.0, 6.0))
    6.0
    >>> from_query("-5", 1.0, parse=float, bounds=(0.0, 6.0)), from_query("inf", 1.0, parse=float)
    (0.0, 1.0)
    >>> from_query("abc", 2, parse=int), from_query("7", 5, parse=int, options=[3, 4, 5])
    (2, 5)
    """
    if raw is None:
        return default
    try:
        value: Any = parse(raw) if parse else raw
    except (TypeError, ValueError, OverflowError):
        return default
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return default
    if options is not None and value not in options:
        return default
    if bounds is not None:
        low, high = bounds
        value = min(max(value, low), high)
    return value


def init_from_query(
    name: str,
    default: T,
    *,
    options: Sequence[T] | None = None,
    parse: Callable[[str], T] | None = None,
    bounds: tuple[T, T] | None = None,
) -> T:
    """Set ``session_state[name]`` once per session from the URL (:func:`from_query`)."""
    if name not in st.session_state:
        raw = st.query_params.get(name)
        st.session_state[name] = from_query(
            raw, default, options=options, parse=parse, bounds=bounds
        )
    return st.session_state[name]


def get(name: str, default: T) -> T:
    return st.session_state.get(name, default)


def widget_kwargs(name: str, *, query: bool = True) -> dict[str, Any]:
    """``key`` and ``on_change`` for a widget that edits the persistent value ``name``.

    The widget's state is seeded from ``name`` (do not also pass ``index``/``value``/
    ``default``, which Streamlit would report as a conflict); the callback copies the new
    value back to ``name`` and the URL. A widget cleared to ``None`` keeps the old value.
    """
    wkey = f"_w_{name}"
    if name in st.session_state:
        st.session_state[wkey] = st.session_state[name]

    def _copy() -> None:
        value = st.session_state.get(wkey)
        if value is None:
            st.session_state[wkey] = st.session_state.get(name)
            return
        st.session_state[name] = value
        if query:
            st.query_params[name] = str(value)

    return {"key": wkey, "on_change": _copy}


def write_query(*names: str) -> None:
    """Mirror persistent values into the URL (only when changed, to avoid reruns)."""
    for name in names:
        if name in st.session_state:
            value = str(st.session_state[name])
            if st.query_params.get(name) != value:
                st.query_params[name] = value
