"""The escaping helper (docs/SECURITY.md S-1): payloads inert, ordinary text untouched."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

from quartier_geo.base.escape import MISSING_TEXT, js_safe, js_safe_all, plotly_safe

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "${top.document.body.dataset.pwned='x'}",
    "`+(alert(1))+`",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "C:\\temp\\x",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_js_safe_leaves_no_active_character(payload: str) -> None:
    out = js_safe(payload)
    for char in "<>\"'`$\\":
        assert char not in out
    assert html.unescape(out) == payload  # the browser shows the literal text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plotly_safe_escapes_tags_and_template_characters(payload: str) -> None:
    out = plotly_safe(payload)
    for char in "<>`$\\":
        assert char not in out
    assert "&quot;" not in out  # plotly would print it literally
    assert html.unescape(out) == payload


def test_known_escapes() -> None:
    assert js_safe("${x}") == "&#36;{x}"
    assert js_safe("`a`") == "&#96;a&#96;"
    assert js_safe("a\\b") == "a&#92;b"
    assert js_safe('"x"') == "&quot;x&quot;"
    assert js_safe("<b>") == "&lt;b&gt;"


def test_german_text_survives() -> None:
    text = "Größe „Zeche Ewald“ – 5 € · Straße"
    assert js_safe(text) == text
    assert plotly_safe(text) == text


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values_show_a_dash(missing: object) -> None:
    assert js_safe(missing) == MISSING_TEXT == "–"
    assert plotly_safe(missing) == "–"


def test_numbers_and_all() -> None:
    assert js_safe(12) == "12"
    assert js_safe_all(["<", None, "ä"]) == ["&lt;", "–", "ä"]
