"""Workspace: transactions, optimistic locking, audit log, mode guard.

The contract tests run against both backends: the embedded SQLite file and PostgreSQL
(a throw-away cluster, tests/pgcluster.py; a new database per test)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from quartier_geo.base.errors import ConflictError, PermissionDeniedError
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.store import open_workspace


@pytest.fixture
def ws(any_workspace):
    return any_workspace


def test_insert_update_and_audit(ws):
    v1 = ws.put(
        "scenario",
        "Basis",
        {"rate": 0.01},
        expected_version=None,
        editor=Editor("anna", Mode.PLANNER),
    )
    v2 = ws.put(
        "scenario", "Basis", {"rate": 0.03}, expected_version=v1, editor=Editor("ben", Mode.PLANNER)
    )
    assert (v1, v2) == (1, 2)
    rec = ws.get("scenario", "Basis")
    assert rec.payload == {"rate": 0.03} and rec.author == "ben"
    log = ws.audit()
    assert [e["action"] for e in log] == ["update", "insert"]
    assert [e["author"] for e in log] == ["ben", "anna"]


def test_stale_version_is_a_conflict_and_changes_nothing(ws):
    ws.put("note", "q1", {"text": "a"}, expected_version=None, editor=Editor("anna", Mode.PLANNER))
    ws.put("note", "q1", {"text": "b"}, expected_version=1, editor=Editor("ben", Mode.PLANNER))
    with pytest.raises(ConflictError, match="ben"):
        ws.put("note", "q1", {"text": "c"}, expected_version=1, editor=Editor("anna", Mode.PLANNER))
    assert ws.get("note", "q1").payload == {"text": "b"}
    assert len(ws.audit()) == 2


@pytest.mark.parametrize("mode", [Mode.PUBLIC, Mode.WORKSHOP])
def test_read_only_modes_cannot_write(ws, mode):
    with pytest.raises(PermissionDeniedError):
        ws.put("note", "q1", {"text": "x"}, expected_version=None, editor=Editor("x", mode))
    assert ws.list("note") == []


def test_concurrent_editors_lose_nothing(ws):
    """4 threads x 50 read-modify-write cycles: every acknowledged save is counted."""
    ws.put("counter", "c", {"n": 0}, expected_version=None, editor=Editor("init", Mode.PLANNER))
    acknowledged = []
    conflicts = []

    def editor(name: str) -> None:
        for _ in range(50):
            rec = ws.get("counter", "c")
            try:
                ws.put(
                    "counter",
                    "c",
                    {"n": rec.payload["n"] + 1},
                    expected_version=rec.version,
                    editor=Editor(name, Mode.PLANNER),
                )
                acknowledged.append(1)
            except ConflictError:
                conflicts.append(1)

    threads = [threading.Thread(target=editor, args=(f"e{i}",)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert ws.get("counter", "c").payload["n"] == len(acknowledged)
    assert len(acknowledged) + len(conflicts) == 200


def test_sqlite_file_settings(tmp_path):
    ws = open_workspace(tmp_path / "ws.sqlite")
    con = sqlite3.connect(ws.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
