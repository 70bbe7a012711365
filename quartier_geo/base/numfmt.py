"""German and English number formatting for maps, legends, charts and fact sheets.

German (the default): ``1.234,5``; English: ``1,234.5``. A missing value shows as ``–``.
Dates: German ``13.02.2018``; English ISO 8601 ``2018-02-13``. Moments (stored as ISO 8601
in UTC) in the Ruhr's local time: German ``30.11.2026, 13:05``; English ``2026-11-30 13:05``.
This module is the one formatting path of the screen, the fact sheet and the exports.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

__all__ = [
    "Lang",
    "auto_decimals",
    "fmt_day",
    "fmt_exact",
    "fmt_month",
    "fmt_number",
    "fmt_timestamp",
    "fmt_value",
    "fmt_values",
    "plotly_separators",
]

Lang = Literal["de", "en"]

_DE = str.maketrans({",": ".", ".": ","})
#: plotly's ``layout.separators``: decimal mark first, thousands separator second.
_PLOTLY_SEPARATORS: dict[str, str] = {"de": ",.", "en": ".,"}
#: A calendar day as printed on fact sheets and exports.
_DAY_FORMAT: dict[str, str] = {"de": "%d.%m.%Y", "en": "%Y-%m-%d"}
_MONTH_FORMAT: dict[str, str] = {"de": "%m/%Y", "en": "%Y-%m"}
_TIME_FORMAT: dict[str, str] = {"de": "%d.%m.%Y, %H:%M", "en": "%Y-%m-%d %H:%M"}


def _local_zone() -> dt.tzinfo:
    try:
        return ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:  # no time-zone database (some Windows installs)
        return dt.UTC


#: The time zone moments are shown in: the Ruhr's (UTC where the system has no tz data).
LOCAL_ZONE: dt.tzinfo = _local_zone()


def fmt_number(x: float | int | None, *, lang: Lang = "de", decimals: int = 0) -> str:
    """Format ``x`` with a thousands separator and ``decimals`` decimal places.

    Parameters
    ----------
    x
        The number; None or NaN give ``"–"``, ±inf gives ``"∞"``/``"-∞"``.
    lang
        ``"de"``: ``1.234,5``; ``"en"``: ``1,234.5``.
    decimals
        Decimal places (rounded half to even, as Python's ``format``).

    Examples
    --------
    >>> fmt_number(1234.5, lang="de", decimals=1)
    '1.234,5'
    >>> fmt_number(1234.5, lang="en", decimals=1)
    '1,234.5'
    >>> fmt_number(-0.04, decimals=1)
    '0,0'
    """
    if x is None:
        return "–"
    value = float(x)
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if decimals < 0:
        raise ValueError("decimals muss >= 0 sein.")
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text[1:].replace(",", "")) == 0.0:
        text = text[1:]  # no "-0,0"
    return text.translate(_DE) if lang == "de" else text


def auto_decimals(values: object) -> int:
    """Decimal places for a set of legend values (class edges), 0 to 3.

    Rule: the smaller of (a) the fewest decimals that show every value exactly and
    (b) one more than needed to tell the closest two values apart,
    ``ceil(-log10(min step)) + 1`` clipped to 0..3. So heat-demand edges such as
    2.964,37 / 10.354,12 get 0 decimals, while 0,25 / 0,5 / 1 keep 2.

    Examples
    --------
    >>> auto_decimals([0, 1200, 5100])
    0
    >>> auto_decimals([0.25, 0.5, 1.0])
    2
    >>> auto_decimals([2964.37, 10354.12, 16578.64])
    0
    >>> auto_decimals([1.5, 2.5, 3.5])
    1
    """
    arr = np.unique(np.asarray(values, dtype=float))
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return 0
    scale = np.maximum(np.abs(arr), 1.0)
    exact = next((d for d in range(4) if np.all(np.abs(np.round(arr, d) - arr) <= 1e-9 * scale)), 3)
    steps = np.diff(arr) if arr.size > 1 else np.abs(arr[arr != 0])
    if steps.size == 0:
        return exact
    apart = int(np.clip(math.ceil(-math.log10(float(steps.min()))) + 1, 0, 3))
    return min(exact, apart)


def fmt_value(x: float | int | None, *, lang: Lang = "de") -> str:
    """Format one value for a tooltip with decimals that suit its own size.

    Whole numbers and values from 100 up get 0 decimals, from 10 up 1, below 10 two:
    ``12.345``, ``15,4``, ``0,42``.

    Examples
    --------
    >>> fmt_value(12345.67)
    '12.346'
    >>> fmt_value(0.4249, lang="en")
    '0.42'
    """
    if x is None:
        return "–"
    value = float(x)
    if not math.isfinite(value):
        return fmt_number(value, lang=lang)
    if value == round(value) or abs(value) >= 100:
        decimals = 0
    elif abs(value) >= 10:
        decimals = 1
    else:
        decimals = 2
    return fmt_number(value, lang=lang, decimals=decimals)


def fmt_values(values: object, *, lang: Lang = "de") -> list[str]:
    """:func:`fmt_value` of many numbers at once (same result, about 10x faster).

    Examples
    --------
    >>> fmt_values([12345.67, 15.44, 0.4249, 3.0, float("nan")])
    ['12.346', '15,4', '0,42', '3', '–']
    """
    x = np.asarray(values, dtype=float).ravel()
    finite = np.isfinite(x)
    a = np.abs(np.where(finite, x, 0.0))
    decimals = np.where((a >= 100) | (x == np.round(x)), 0, np.where(a >= 10, 1, 2))
    out: list[str] = [""] * x.size
    for d in (0, 1, 2):
        idx = np.flatnonzero(finite & (decimals == d))
        for i, v in zip(idx.tolist(), x[idx].tolist(), strict=True):
            text = f"{v:,.{d}f}"
            out[i] = text[1:] if text[0] == "-" and not text.strip("-0.,") else text
    for i in np.flatnonzero(~finite).tolist():
        out[i] = fmt_number(float(x[i]), lang=lang)
    if lang == "de" and out:
        return "\x00".join(out).translate(_DE).split("\x00")
    return out


def fmt_exact(x: float | int | None, *, lang: Lang = "de", max_decimals: int = 4) -> str:
    """A value of a reference table as it was read: the decimals it has (at most
    ``max_decimals``), with the language's separators; years and ids pass as integers.

    Examples
    --------
    >>> fmt_exact(282.7), fmt_exact(0.906), fmt_exact(14500.0), fmt_exact(0.82, lang="en")
    ('282,7', '0,906', '14.500', '0.82')
    """
    if x is None:
        return "–"
    value = float(x)
    if not math.isfinite(value):
        return fmt_number(value, lang=lang)
    decimals = next(
        (
            d
            for d in range(max_decimals + 1)
            if abs(round(value, d) - value) <= 1e-9 * max(1, abs(value))
        ),
        max_decimals,
    )
    return fmt_number(value, lang=lang, decimals=decimals)


def plotly_separators(lang: Lang) -> str:
    """plotly's ``layout.separators`` for ``lang``: decimal mark, then thousands separator.

    Examples
    --------
    >>> plotly_separators("de")
    ',.'
    >>> plotly_separators("en")
    '.,'
    """
    return _PLOTLY_SEPARATORS[lang]


def fmt_day(day: dt.date, *, lang: Lang = "de") -> str:
    """A calendar day: German ``13.02.2018``, English ISO 8601 ``2018-02-13``.

    Examples
    --------
    >>> fmt_day(dt.date(2018, 2, 13))
    '13.02.2018'
    >>> fmt_day(dt.date(2018, 2, 13), lang="en")
    '2018-02-13'
    """
    return day.strftime(_DAY_FORMAT[lang])


def fmt_month(day: dt.date, *, lang: Lang = "de") -> str:
    """A month: German ``02/2018``, English ISO 8601 ``2018-02``.

    >>> fmt_month(dt.date(2018, 2, 13)), fmt_month(dt.date(2018, 2, 13), lang="en")
    ('02/2018', '2018-02')
    """
    return day.strftime(_MONTH_FORMAT[lang])


def fmt_timestamp(value: object, *, lang: Lang = "de", zone: dt.tzinfo | None = None) -> str:
    """A moment stored as ISO 8601 (naive values count as UTC) in local time ``zone``
    (default :data:`LOCAL_ZONE`), to the minute; None gives ``–``, text that is no
    timestamp is returned as it is.

    >>> fmt_timestamp("2026-11-30T12:05:09+00:00", zone=dt.UTC)
    '30.11.2026, 12:05'
    >>> fmt_timestamp("2026-07-01T10:00:00+00:00", lang="en", zone=ZoneInfo("Europe/Berlin"))
    '2026-07-01 12:00'
    >>> fmt_timestamp(None), fmt_timestamp("gestern")
    ('–', 'gestern')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone or LOCAL_ZONE).strftime(_TIME_FORMAT[lang])
