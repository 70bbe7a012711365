"""What a visitor reads on a page run by AppTest, and what is wrong with it in a language.

:func:`shown_texts` collects every text of the element tree (markdown, captions, headings,
alerts, metrics, widget labels, options and help texts, table cells, chart titles and
labels, HTML snippets) as (where, text). :func:`language_problems` checks them:

- German pages: no English decimal point (``1.0``, ``282.7``). A dot between digits is
  legitimate in German as a thousands separator (``12.345``: exactly three digits follow)
  and in dates and versions (``13.02.2018``, ``0.2.0``: several dots in a row); URLs, file
  names, e-mail addresses and ``%{y:.1f}``-style templates are left out.
- English pages: no German decimal comma (``1,5``; ``1,234`` is a thousands separator).
- Both: no text key shown instead of its text, no snake_case column name, no ``None``,
  ``nan``, ``NaT`` or ISO timestamp, no number column left for the browser to format (it
  would use the English decimal point), plotly charts with the language's separators.
- A short list of common words of the other language. Quarter and place names are proper
  names and left out; table columns that quote data texts as read (citations and working
  notes of the reference tables, named by the caller) are checked for raw values and, if a
  cell is a number, its format only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import _TEXTS
from quartier_geo.base.numfmt import plotly_separators

#: An English decimal number: digits, one dot, then 1-2 or 4+ digits (3 digits are a German
#: thousands group), not part of a dotted chain (dates, versions, section numbers).
EN_DECIMAL = re.compile(r"(?<![\w.,])\d+\.(?:\d{1,2}|\d{4,})(?![\w.]|,\d)")
#: A German decimal number in English text: digits, one comma, 1-2 digits, not a list.
DE_DECIMAL = re.compile(r"(?<![\w.,])\d+,\d{1,2}(?![\w,]|\.\d)")
#: URLs, e-mail addresses, file names and plotly templates, removed before the checks.
_SKIP = re.compile(
    r"https?://\S+|\S+@\S+\.\w+|[\w.-]+\.(?:csv|gpkg|geojson|json|zip|gml|xml|shp|png|svg|pdf|"
    r"html|toml|md|py)\b|%\{[^}]*\}|\b(?:EPSG|epsg):\d+|\b[\w-]*\d[\w-]*_[\w.-]+|"
    r"CC BY \d\.\d|\bq_[hw],nd\b"
)
SNAKE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/.-])")
RAW_VALUES = re.compile(r"(?<!\w)(?:None|nan|NaN|NaT|<NA>)(?!\w)|\d{4}-\d\d-\d\dT\d\d:\d\d")
#: Common English words that never belong in the German interface (word-bounded).
ENGLISH_WORDS = (
    "the", "and", "of", "with", "north", "south", "east", "west", "source", "found",
    "not", "weight", "building", "buildings", "quarter", "heat", "share", "true", "false",
)  # fmt: skip
#: Common German words that never belong in the English interface (word-bounded).
GERMAN_WORDS = (
    "und", "der", "die", "das", "nicht", "keine", "kein", "Quelle", "Gebäude", "Wärme",
    "Anteil", "mit", "für", "nördlich", "südlich", "Sanierung", "gewichtet", "Stand",
)  # fmt: skip

_TEXT_FIELDS = {
    "body", "label", "help", "placeholder", "caption", "value", "text", "options",
    "formatted_options", "delta", "title",
}  # fmt: skip
#: Plotly keys whose strings a visitor reads.
_PLOTLY_TEXT_KEYS = {"text", "hovertext", "ticktext", "name", "title"}


def _proto_texts(proto: Any) -> Iterator[str]:
    for field, value in proto.ListFields():
        if field.name not in _TEXT_FIELDS:
            continue
        if field.type == field.TYPE_STRING:
            if isinstance(value, str):
                yield value
            else:
                yield from value


def _plotly_texts(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _plotly_texts(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _plotly_texts(v, key)
    elif isinstance(node, str) and key in _PLOTLY_TEXT_KEYS:
        yield node


def _html_text(html: str) -> str:
    html = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"&nbsp;|&#160;", " ", html)


def _walk(node: object) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def shown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(element kind, text) of everything the last run shows (maps excluded)."""
    out: list[tuple[str, str]] = []
    for node in _walk(at._tree):
        kind = str(getattr(node, "type", ""))
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if kind in {"arrow_data_frame", "dataframe", "table", "arrow_table"}:
            out += _frame_texts(kind, proto)
            continue
        if kind == "plotly_chart":
            spec = json.loads(proto.spec or "{}")
            out += [(kind, s) for s in _plotly_texts(spec)]
            out.append((f"{kind}:separators", str(spec.get("layout", {}).get("separators"))))
            continue
        if kind in {"iframe", "components", "unknown"}:
            continue  # maps (folium HTML and JavaScript): the map tests check their texts
        for text in _proto_texts(proto):
            out.append((kind, _html_text(text) if kind == "html" else text))
        if kind == "slider":
            out.append(("slider:format", proto.format))
    return [(k, t) for k, t in out if t and t.strip()]


def _frame_texts(kind: str, proto: Any) -> list[tuple[str, str]]:
    data = getattr(proto, "data", b"") or getattr(getattr(proto, "arrow_data", None), "data", b"")
    if not data:
        return []
    frame = pa.ipc.open_stream(BytesIO(data)).read_pandas()
    out = [(f"{kind}:header", str(c)) for c in frame.columns]
    for col in frame.columns:
        values = frame[col]
        if (
            pd.api.types.is_float_dtype(values)
            and not values.dropna().apply(float.is_integer).all()
        ):
            out.append((f"{kind}:float-column", f"{col}: {values.dropna().iloc[0]!r}"))
        out += [(f"{kind}:cell[{col}]", str(v)) for v in values if isinstance(v, str)]
    return out


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])", re.IGNORECASE)


_EN_WORDS = _words(ENGLISH_WORDS)
_DE_WORDS = _words(GERMAN_WORDS)


def language_problems(
    texts: list[tuple[str, str]],
    lang: str,
    *,
    proper_names: tuple[str, ...] = (),
    quoted_columns: frozenset[str] = frozenset(),
) -> list[str]:
    """What is wrong with the shown texts for a page in ``lang`` (empty: nothing).

    ``quoted_columns``: table headers whose cells quote data texts as read (citations,
    working notes of the reference tables): checked for raw values and, where a cell is a
    number, its format only."""
    problems: list[str] = []
    keys = set(_TEXTS)
    for kind, raw in texts:
        if kind.endswith(":separators"):
            if raw != plotly_separators(lang):  # type: ignore[arg-type]
                problems.append(f"{kind}: {raw!r}")
            continue
        if kind.endswith(":float-column"):
            problems.append(f"{kind} left for the browser to format: {raw}")
            continue
        if kind == "slider:format":
            if lang == "de" and re.search(r"%[-+ #0]*\d*\.[1-9]\d*f", raw):
                problems.append(f"slider with an English decimal format {raw!r}")
            continue
        if kind.endswith(":header") and raw in quoted_columns:
            continue  # a data column the browser shows under a column_config title
        text = _SKIP.sub(" ", raw)
        for name in proper_names:
            text = text.replace(name, " ")
        where = f"{kind}: {raw[:120]!r}"
        pattern = EN_DECIMAL if lang == "de" else DE_DECIMAL
        problems += [f"{where} raw value {m!r}" for m in RAW_VALUES.findall(text)]
        header = kind.partition(":cell[")[2][:-1]
        if header and header in quoted_columns:
            if pattern.fullmatch(text.strip()):
                problems.append(f"{where} number")
            continue
        problems += [f"{where} number {m!r}" for m in pattern.findall(text)]
        problems += [f"{where} text key {m!r}" for m in SNAKE.findall(text) if m in keys]
        problems += [f"{where} raw name {m!r}" for m in SNAKE.findall(text) if m not in keys]
        words = _EN_WORDS if lang == "de" else _DE_WORDS
        problems += [f"{where} word {m!r}" for m in words.findall(text)]
    return sorted(set(problems))
