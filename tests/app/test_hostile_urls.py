"""Hostile or broken links open the page with clamped values, never an exception, and the
session goes on working (issue #7: ``?rate=600`` broke the page for the whole session)."""

from __future__ import annotations

import pytest

from quartier_geo.base.modes import Mode
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, goto, problems

REFURB = PATH_OF["page_refurbishment"]
PHASES = PATH_OF["page_phases"]


@pytest.mark.parametrize(
    ("query", "slider", "expected"),
    [
        ({"rate": "600"}, "_w_rate", 6.0),  # the slider's upper end (%/a)
        ({"rate": "-5"}, "_w_rate", 0.0),
        # not a number: the default 0.7 %/a (benchmarks.csv rate_national, 0.67–0.70 %/a)
        ({"rate": "inf"}, "_w_rate", 0.7),
        ({"rate": "1e308"}, "_w_rate", 6.0),
        ({"rate": "nan"}, "_w_rate", 0.7),
        ({"hp": "-1"}, "_w_hp", 0.0),
        ({"dh": "1e300"}, "_w_dh", 10.0),
        ({"rate": "2.5"}, "_w_rate", 2.5),  # control: a valid value is taken as it is
    ],
)
def test_refurbishment_link_values_are_clamped(
    new_app: NewApp, query: dict[str, str], slider: str, expected: float
) -> None:
    at = goto(new_app(Mode.PLANNER.value, **query), REFURB)
    assert not problems(at), problems(at)
    assert at.select_slider(key=slider).value == pytest.approx(expected)
    # the session goes on: the same page reruns and another page opens
    at.select_slider(key="_w_rate").set_value(3.0).run()
    assert not problems(at), problems(at)
    assert not problems(goto(at, PHASES))


@pytest.mark.parametrize(
    ("asof", "expected"),
    [("9999-12-31", "2025-12-31"), ("1900-01-01", "2016-01-01"), ("31.12.2017", "2017-10-01")],
)
def test_phase_date_from_a_link_is_clamped(new_app: NewApp, asof: str, expected: str) -> None:
    at = goto(new_app(Mode.PUBLIC.value, asof=asof), PHASES)
    assert not problems(at), problems(at)
    assert str(at.slider(key="_w_asof_slider").value) == expected
