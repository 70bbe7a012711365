"""One escaping helper for every value from data or users that reaches map or chart HTML.

``html.escape`` alone is not enough inside folium/Leaflet pages: a ``${...}`` placeholder or a
backtick survives it and runs when a template literal is built from the text (measured in
docs/SECURITY.md, test S-1). :func:`js_safe` therefore also escapes `` ` ``, ``$`` and ``\\`` as
HTML character references, which render as the same characters in a tooltip.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "CSV_FORMULA_STARTS",
    "MISSING_TEXT",
    "csv_safe",
    "js_safe",
    "js_safe_all",
    "plotly_safe",
]

#: What a missing value (None, NaN, NA, NaT) shows as.
MISSING_TEXT = "–"

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return False


def js_safe(value: object) -> str:
    """Return ``value`` as text that is inert in HTML, attributes and JS template literals.

    Formula: ``html.escape(str(value), quote=True)`` followed by `` ` `` → ``&#96;``,
    ``$`` → ``&#36;``, ``\\`` → ``&#92;`` (docs/SECURITY.md §3.2, "the escaping helper").
    Missing values (None, NaN, ``pd.NA``, ``pd.NaT``) become ``"–"``.

    Parameters
    ----------
    value
        Any value; it is converted with ``str``. Format numbers before escaping them.

    Returns
    -------
    str
        Escaped text; umlauts, „quotes“ and € stay as they are.

    Examples
    --------
    >>> js_safe("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> js_safe("${x}")
    '&#36;{x}'
    >>> js_safe(None)
    '–'
    """
    if _is_missing(value):
        return MISSING_TEXT
    return html.escape(str(value), quote=True).translate(_EXTRA)


def js_safe_all(values: Iterable[object]) -> list[str]:
    """:func:`js_safe` of every value, in order (for columns of tooltips and legends)."""
    return [js_safe(v) for v in values]


def plotly_safe(value: object) -> str:
    """Like :func:`js_safe`, for plotly titles, tick labels, legends and hover text.

    Plotly shows ``&lt;``, ``&gt;``, ``&amp;`` and numeric references as characters but
    prints ``&quot;`` as it stands, so quotes stay unescaped (harmless: with ``<`` escaped no
    tag, and so no attribute, can start). `` ` `` ``$`` ``\\`` become numeric references;
    ``$`` also keeps MathJax from reading ``$...$`` as a formula.

    Examples
    --------
    >>> plotly_safe('"><svg onload=alert(1)>')
    '"&gt;&lt;svg onload=alert(1)&gt;'
    """
    if _is_missing(value):
        return MISSING_TEXT
    return html.escape(str(value), quote=False).translate(_EXTRA)


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A text cell that no spreadsheet runs as a formula; other values unchanged.

    A text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe (OWASP's advice for CSV files), so ``=HYPERLINK(...)`` from an imported
    file stays text in Excel and LibreOffice. Numbers are not texts and keep their sign.

    >>> csv_safe("=HYPERLINK(1)"), csv_safe("+cmd|' /C calc'!A0"), csv_safe("@SUM(A1)")
    ("'=HYPERLINK(1)", "'+cmd|' /C calc'!A0", "'@SUM(A1)")
    >>> csv_safe("Zeche „Erin“"), csv_safe(-3.5), csv_safe(None)
    ('Zeche „Erin“', -3.5, None)
    """
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value
