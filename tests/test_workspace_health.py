"""A damaged, read-only or unreachable workspace is reported, read as far as possible, and
never written; a failed write names its cause ("Speichern fehlgeschlagen")."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from quartier_geo.base.errors import StorageError
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data import store
from quartier_geo.data.store import WorkspaceState, open_workspace

PLANNER = Editor("anna", Mode.PLANNER)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _workspace_with_one_note(path: Path) -> None:
    ws = open_workspace(path)
    assert ws.state is WorkspaceState.OK
    ws.put("note", "q1", {"text": "Entwurf"}, expected_version=None, editor=PLANNER)
    # fold the WAL into the main file, as after a clean shutdown
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_a_fresh_path_is_created_and_writable(tmp_path) -> None:
    ws = open_workspace(tmp_path / "neu" / "ws.sqlite")
    assert ws.state is WorkspaceState.OK and ws.writable and ws.reason is None
    assert ws.put("note", "a", {"x": 1}, expected_version=None, editor=PLANNER) == 1


def test_a_corrupt_file_reads_as_empty_and_is_never_written(tmp_path) -> None:
    path = tmp_path / "ws.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    before = _digest(path)
    ws = open_workspace(path)
    assert ws.state is WorkspaceState.UNAVAILABLE
    assert ws.reason is not None and "beschädigt" in ws.reason[0] and "damaged" in ws.reason[1]
    assert ws.list("note") == [] and ws.get("note", "q1") is None and ws.audit() == []
    with pytest.raises(StorageError, match=r"^Speichern fehlgeschlagen: Arbeitsbereich beschädigt"):
        ws.put("note", "q1", {"text": "neu"}, expected_version=None, editor=PLANNER)
    assert _digest(path) == before


def test_a_foreign_sqlite_file_is_not_taken_over(tmp_path) -> None:
    path = tmp_path / "ws.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE kunden (name TEXT)")
    ws = open_workspace(path)
    assert ws.state is WorkspaceState.UNAVAILABLE
    assert "records/audit" in ws.reason[0]
    with sqlite3.connect(path) as con:  # no table was added to the foreign file
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert names == {"kunden"}


def test_a_folder_or_an_uncreatable_path_is_unavailable(tmp_path) -> None:
    assert open_workspace(tmp_path).state is WorkspaceState.UNAVAILABLE
    blocker = tmp_path / "datei.txt"
    blocker.write_text("kein Ordner", encoding="utf-8")
    ws = open_workspace(blocker / "ws.sqlite")
    assert ws.state is WorkspaceState.UNAVAILABLE
    assert "kann nicht angelegt werden" in ws.reason[0]
    assert ws.list("note") == []


def test_a_read_only_workspace_is_read_but_not_written(tmp_path, monkeypatch) -> None:
    path = tmp_path / "ws.sqlite"
    _workspace_with_one_note(path)
    before = _digest(path)
    # root may write any file, so "read-only" is simulated where the check asks the system
    monkeypatch.setattr(store, "_writable", lambda target: False)
    ws = open_workspace(path)
    assert ws.state is WorkspaceState.READ_ONLY and not ws.writable
    assert ws.reason == ("Arbeitsbereich ist schreibgeschützt", "workspace is read-only")
    assert ws.get("note", "q1").payload == {"text": "Entwurf"}
    assert [r.key for r in ws.list("note")] == ["q1"]
    with pytest.raises(StorageError, match=r"^Speichern fehlgeschlagen: .*schreibgeschützt"):
        ws.put("note", "q1", {"text": "neu"}, expected_version=1, editor=PLANNER)
    with pytest.raises(StorageError, match=r"^Speichern fehlgeschlagen"):
        ws.delete("note", "q1", expected_version=1, editor=PLANNER)
    assert _digest(path) == before


def test_a_read_only_corrupt_file_is_unavailable(tmp_path, monkeypatch) -> None:
    path = tmp_path / "ws.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    monkeypatch.setattr(store, "_writable", lambda target: False)
    assert open_workspace(path).state is WorkspaceState.UNAVAILABLE


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        ("attempt to write a readonly database", "schreibgeschützt"),
        ("database is locked", "belegt"),
        ("database or disk is full", "Speicherplatz"),
        ("disk I/O error", "Datenträger"),
    ],
)
def test_failed_writes_name_their_cause(error, cause) -> None:
    message = str(store._write_failure(sqlite3.OperationalError(error)))
    assert message.startswith("Speichern fehlgeschlagen")
    assert cause in message and error in message
