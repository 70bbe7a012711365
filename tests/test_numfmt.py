"""German and English number formatting."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from quartier_geo.base.numfmt import (
    auto_decimals,
    fmt_day,
    fmt_number,
    fmt_value,
    fmt_values,
    plotly_separators,
)


def test_fmt_number_german_and_english() -> None:
    assert fmt_number(1234.5, lang="de", decimals=1) == "1.234,5"
    assert fmt_number(1234.5, lang="en", decimals=1) == "1,234.5"
    assert fmt_number(1234567, lang="de") == "1.234.567"
    assert fmt_number(-1234.56, lang="de", decimals=2) == "-1.234,56"


def test_fmt_number_special_values() -> None:
    assert fmt_number(None) == "–"
    assert fmt_number(float("nan")) == "–"
    assert fmt_number(float("inf")) == "∞"
    assert fmt_number(-0.04, decimals=1) == "0,0"  # no "-0,0"
    with pytest.raises(ValueError):
        fmt_number(1.0, decimals=-1)


def test_fmt_value_decimals_follow_size() -> None:
    assert fmt_value(12345.67) == "12.346"
    assert fmt_value(15.44) == "15,4"
    assert fmt_value(0.4249) == "0,42"
    assert fmt_value(3.0) == "3"
    assert fmt_value(0.4249, lang="en") == "0.42"


def test_fmt_values_equals_fmt_value() -> None:
    rng = np.random.default_rng(0)
    x = rng.lognormal(2.0, 3.0, 2000) * rng.choice([-1.0, 1.0], 2000)
    x = np.concatenate([x, [0.0, -0.0, -0.004, 0.005, 9.995, 99.995, np.nan, np.inf, 1e12]])
    for lang in ("de", "en"):
        assert fmt_values(x, lang=lang) == [fmt_value(v, lang=lang) for v in x]
        assert fmt_values([], lang=lang) == []


def test_auto_decimals() -> None:
    assert auto_decimals([0, 1200, 5100]) == 0
    assert auto_decimals([0.25, 0.5, 1.0]) == 2
    assert auto_decimals([1.5, 2.5, 3.5]) == 1
    assert auto_decimals([2964.37, 10354.12]) == 0
    assert auto_decimals([]) == 0


def test_plotly_separators_match_fmt_number() -> None:
    for lang in ("de", "en"):
        decimal, thousands = plotly_separators(lang)
        # the same marks as the text formatting: 1.234,5 (de), 1,234.5 (en)
        assert fmt_number(1234.5, lang=lang, decimals=1) == f"1{thousands}234{decimal}5"


def test_fmt_day_german_and_iso() -> None:
    assert fmt_day(dt.date(2017, 10, 1)) == "01.10.2017"
    assert fmt_day(dt.date(2017, 10, 1), lang="en") == "2017-10-01"


def test_timestamps_in_the_ruhrs_local_time() -> None:
    """Stored in UTC (data/store.py), shown in Central European time: UTC+1 in winter,
    UTC+2 in summer; naive values count as UTC; English is ISO 8601 to the minute."""
    from quartier_geo.base.numfmt import LOCAL_ZONE, fmt_timestamp

    if LOCAL_ZONE is dt.UTC:
        pytest.fail("no time-zone database: install tzdata")
    assert fmt_timestamp("2026-11-30T12:05:09+00:00") == "30.11.2026, 13:05"
    assert fmt_timestamp("2026-07-01T23:30:00") == "02.07.2026, 01:30"
    assert fmt_timestamp("2026-11-30T12:05:09+00:00", lang="en") == "2026-11-30 13:05"
