"""Per-quarter workspace keys "<quarter_id>:<name>": built, split and filtered in one place."""

from __future__ import annotations

import pytest

from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.store import (
    Record,
    open_workspace,
    quarter_key,
    records_of_quarter,
    split_quarter_key,
)


def record(key: str) -> Record:
    return Record("scenario", key, {}, 1, "2025-01-01T00:00:00+00:00", "test")


@pytest.mark.parametrize(
    ("quarter_id", "name", "key"),
    [
        (9, "baseline", "9:baseline"),
        (12, "Variante A", "12:Variante A"),
        (-3, "Import", "-3:Import"),
        (1, "a:b", "1:a:b"),
    ],
)
def test_key_round_trip(quarter_id: int, name: str, key: str):
    assert quarter_key(quarter_id, name) == key
    assert split_quarter_key(key) == (quarter_id, name)


def test_empty_name_is_refused():
    with pytest.raises(ValueError):
        quarter_key(1, "")


@pytest.mark.parametrize("key", ["baseline", "x:y", "1:", ""])
def test_split_refuses_other_keys(key: str):
    with pytest.raises(ValueError):
        split_quarter_key(key)


def test_records_of_quarter_does_not_confuse_1_with_12_or_minus_1():
    records = [record(k) for k in ("1:a", "12:b", "-1:c", "1:d:e", "other", "10:f")]
    assert [r.key for r in records_of_quarter(records, 1)] == ["1:a", "1:d:e"]
    assert [r.key for r in records_of_quarter(records, 12)] == ["12:b"]
    assert [r.key for r in records_of_quarter(records, -1)] == ["-1:c"]
    assert records_of_quarter(records, 2) == []


def test_keys_work_with_the_workspace(tmp_path):
    ws = open_workspace(tmp_path / "ws.sqlite")
    for qid, name in ((1, "baseline"), (12, "baseline"), (1, "supply_concept")):
        ws.put(
            "module_status",
            quarter_key(qid, name),
            {"status": "done"},
            expected_version=None,
            editor=Editor("test", Mode.PLANNER),
        )
    mine = records_of_quarter(ws.list("module_status"), 1)
    assert sorted(split_quarter_key(r.key)[1] for r in mine) == ["baseline", "supply_concept"]
