"""The published snapshot (data/publication.py): publish, withdraw, atomic, public fields only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quartier_geo.base.errors import PermissionDeniedError, QuartierGeoError, StorageError
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data import publication as pub
from quartier_geo.data.store import open_workspace, quarter_key

PLANNER = Editor("Erika Planerin", Mode.PLANNER)
NOTE = "CANARY-NOTE vertraulich"


@pytest.fixture
def ws(tmp_path: Path):
    w = open_workspace(tmp_path / "ws.sqlite")
    # drafts: a module edit with a note, two saved scenarios
    w.put(
        "module_status",
        quarter_key(9, "concept"),
        {"status": "done", "note": NOTE},
        expected_version=None,
        editor=PLANNER,
    )
    w.put(
        "scenario",
        quarter_key(9, "schnell"),
        {"rate_per_a": 0.03, "depth": "advanced"},
        expected_version=None,
        editor=PLANNER,
    )
    w.put(
        "scenario",
        quarter_key(9, "geheim"),
        {"rate_per_a": 0.01, "depth": "usual"},
        expected_version=None,
        editor=PLANNER,
    )
    return w


def test_publish_writes_only_the_public_fields(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    drafts = {r.key: r.payload for r in ws.list("module_status")}
    statuses = {"concept": drafts[quarter_key(9, "concept")]["status"]}
    pub.publish(ws, pub.phases_item(9, statuses), path=path, editor=PLANNER)
    saved = ws.get("scenario", quarter_key(9, "schnell"))
    assert saved is not None
    item = pub.scenario_item(9, "schnell", saved.payload | {"note": NOTE}, fields=["rate_per_a"])
    snap = pub.publish(ws, item, path=path, editor=PLANNER)
    text = path.read_text(encoding="utf-8")
    assert NOTE not in text and "Erika" not in text and "geheim" not in text
    assert "depth" not in text  # not among the fields asked for
    assert snap.phases(9) == {"concept": "done"}
    assert snap.scenarios(9) == {"schnell": {"rate_per_a": 0.03}}
    back = pub.read_snapshot(path)
    assert back.items == snap.items and back.problem is None
    assert back.phases(3) == {} and back.scenarios(3) == {}


def test_publish_and_withdraw_are_audited(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    pub.publish(ws, pub.phases_item(9, {"concept": "done"}), path=path, editor=PLANNER)
    pub.publish(ws, pub.phases_item(9, {"concept": "open"}), path=path, editor=PLANNER)
    snap = pub.withdraw(ws, "phases", 9, "phases", path=path, editor=PLANNER)
    assert snap.items == () and pub.read_snapshot(path).items == ()
    rows = [r for r in ws.audit() if r["kind"] == pub.KIND]
    assert [r["action"] for r in rows] == ["delete", "update", "insert"]  # newest first
    assert {r["author"] for r in rows} == {"Erika Planerin"}
    assert {r["key"] for r in rows} == {"phases/9:phases"}


def test_only_the_planner_publishes(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    with pytest.raises(PermissionDeniedError):
        pub.publish(ws, pub.phases_item(9, {"a": "b"}), path=path, editor=Editor("x", Mode.PUBLIC))
    assert not path.exists()


def test_non_scalar_fields_are_refused() -> None:
    with pytest.raises(QuartierGeoError):
        pub.PublicItem("scenario", 9, "x", {"buildings": ["B1", "B2"]})
    with pytest.raises(QuartierGeoError):
        pub.PublicItem("notes", 9, "x", {})


def test_a_failed_write_keeps_the_previous_snapshot(ws, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "published.json"
    pub.publish(ws, pub.phases_item(9, {"concept": "done"}), path=path, editor=PLANNER)
    before = path.read_bytes()

    def fail(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("quartier_geo.base.atomic._fsync_file", fail)
    with pytest.raises(StorageError):
        pub.publish(ws, pub.phases_item(9, {"concept": "open"}), path=path, editor=PLANNER)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_missing_or_broken_snapshot_reads_as_nothing_published(tmp_path: Path) -> None:
    assert pub.read_snapshot(tmp_path / "none.json").items == ()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    snap = pub.read_snapshot(broken)
    assert snap.items == () and snap.problem
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": 99, "items": []}), encoding="utf-8")
    assert pub.read_snapshot(other).problem
