"""One key for "phase, or before/after the programme": maps, counts and the figures table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from quartier_geo.domain.phases import LABELS, Module, phase_or_state, status_at


def tables() -> dict[str, pd.DataFrame]:
    """Quarter 1: concept 2017, agreement in January 2018; quarter 2: concept 2018 only."""
    ts = pd.Timestamp
    phases = pd.DataFrame(
        {
            "quarter_id": [1, 1, 2],
            "phase": ["concept", "agreement", "concept"],
            "start_date": [ts("2017-01-01"), ts("2018-01-01"), ts("2018-01-01")],
            "end_date": [ts("2018-01-01"), ts("2018-02-01"), ts("2019-01-01")],
            "date_status": ["read", "illustrative", "read"],
        }
    )
    modules = pd.DataFrame(
        [
            {
                "quarter_id": q,
                "module": m.value,
                "planned_start": ts(start),
                "completed_date": ts(start) + pd.DateOffset(months=6),
            }
            for q, start in ((1, "2017-01-01"), (2, "2018-01-01"))
            for m in Module
        ]
    )
    return {"phases": phases, "modules": modules}


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (dt.date(2016, 6, 1), {1: "before", 2: "before"}),
        (dt.date(2017, 6, 1), {1: "concept", 2: "before"}),
        (dt.date(2018, 1, 15), {1: "agreement", 2: "concept"}),
        (dt.date(2018, 6, 1), {1: "after", 2: "concept"}),
        (dt.date(2019, 1, 1), {1: "after", 2: "after"}),
    ],
)
def test_phase_inside_the_dates_else_the_state(when: dt.date, expected: dict[int, str]):
    keys = phase_or_state(status_at(tables(), when))
    assert keys.to_dict() == expected
    assert keys.name == "phase"


def test_outside_names_rename_only_the_states():
    status = status_at(tables(), dt.date(2018, 6, 1))
    keys = phase_or_state(status, outside={"before": "not_started", "after": "completed"})
    assert keys.to_dict() == {1: "completed", 2: "concept"}


def test_state_missing_from_the_mapping_keeps_its_value():
    status = pd.DataFrame({"phase": [pd.NA, pd.NA], "state": ["before", "after"]})
    assert phase_or_state(status, outside={"after": "completed"}).tolist() == [
        "before",
        "completed",
    ]


def test_default_keys_have_labels_in_both_languages():
    status = pd.DataFrame(
        {"phase": ["concept", pd.NA, pd.NA], "state": ["active", "before", "after"]}
    )
    for key in phase_or_state(status):
        assert key in LABELS["de"] and key in LABELS["en"]


def test_input_is_not_changed():
    status = status_at(tables(), dt.date(2016, 6, 1))
    before = status.copy()
    phase_or_state(status, outside={"before": "not_started"})
    pd.testing.assert_frame_equal(status, before)
