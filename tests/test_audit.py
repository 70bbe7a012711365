"""The audit log's before/after and its CSV (issue #7, item 1)."""

from __future__ import annotations

import csv
import io

import pytest

from quartier_geo.base.escape import csv_safe
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.store import open_workspace
from quartier_geo.domain.audit import AuditEntry, changes, with_before
from quartier_geo.exports.audit_csv import AUDIT_COLUMNS, audit_csv


def row(n: int, key: str, action: str, payload: dict | None) -> dict:
    return {
        "at": f"2026-01-0{n}",
        "author": f"p{n}",
        "kind": "module",
        "key": key,
        "action": action,
        "version": n,
        "payload": payload,
    }


def test_before_is_the_previous_payload_of_the_same_record() -> None:
    # newest first, as Workspace.audit returns them; two records interleaved
    rows = [
        row(5, "1:a", "delete", None),
        row(4, "2:b", "update", {"s": "done"}),
        row(3, "1:a", "update", {"s": "done"}),
        row(2, "2:b", "insert", {"s": "open"}),
        row(1, "1:a", "insert", {"s": "open"}),
    ]
    got = [(e.key, e.before, e.after) for e in with_before(rows)]
    assert got == [
        ("1:a", {"s": "done"}, None),
        ("2:b", {"s": "open"}, {"s": "done"}),
        ("1:a", {"s": "open"}, {"s": "done"}),
        ("2:b", None, {"s": "open"}),
        ("1:a", None, {"s": "open"}),
    ]


def test_changes_lists_only_changed_fields() -> None:
    e = AuditEntry(
        "t", "a", "m", "1", "update", 2, {"s": "open", "n": "x"}, {"s": "done", "n": "x"}
    )
    assert changes(e) == "s: open → done"
    new = AuditEntry("t", "a", "m", "1", "insert", 1, None, {"s": "open"})
    assert changes(new) == "s: – → open"
    gone = AuditEntry("t", "a", "m", "1", "delete", 2, {"s": "open"}, None)
    assert changes(gone) == "s: open → –"


def test_workspace_audit_carries_payloads(tmp_path) -> None:
    ws = open_workspace(tmp_path / "ws.sqlite")
    ws.put("m", "1:a", {"s": "open"}, expected_version=None, editor=Editor("anna", Mode.PLANNER))
    ws.put("m", "1:a", {"s": "done"}, expected_version=1, editor=Editor("ben", Mode.PLANNER))
    ws.delete("m", "1:a", expected_version=2, editor=Editor("carla", Mode.PLANNER))
    entries = with_before(ws.audit())
    assert [(e.author, e.action, e.before, e.after) for e in entries] == [
        ("carla", "delete", {"s": "done"}, None),
        ("ben", "update", {"s": "open"}, {"s": "done"}),
        ("anna", "insert", None, {"s": "open"}),
    ]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Anna Planer <anna@stadt.example>", "Anna Planer <anna@stadt.example>"),
        ("a=b", "a=b"),  # only the first character counts
        ("", ""),
    ],
)
def test_neutralise_cell(cell: str, safe: str) -> None:
    assert csv_safe(cell) == safe


def test_audit_csv_neutralises_every_cell() -> None:
    e = AuditEntry(
        "2026-01-01T00:00:00+00:00",
        '=HYPERLINK("http://evil.example")',
        "module",
        "@key",
        "update",
        2,
        {"note": "x"},
        {"note": "=1+1"},
    )
    text = audit_csv([e])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(AUDIT_COLUMNS)
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][3] == "'@key"
    assert rows[1][6] == '{"note": "x"}' and rows[1][7] == '{"note": "=1+1"}'
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in rows[1])
