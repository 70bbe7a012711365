"""The published snapshot is read once per script run (issue #8): a public page asks for it
several times (own areas, dates, module statuses), and with the database backend every
read is a connection. A new run still reads it afresh, so a snapshot written by another
process shows on the next run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.data.publication import FORMAT, Snapshot
from quartier_geo.domain import phases
from quartier_geo.ui import data as ui_data
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, problems

PHASES = PATH_OF["page_phases"]
QID = 6


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count the snapshot reads of ui.data (the store's read behind published())."""
    calls: list[Path] = []
    real: Callable[[Path], Snapshot] = ui_data.read_snapshot

    def counted(path: Path) -> Snapshot:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(ui_data, "read_snapshot", counted)
    return calls


def _write(path: Path, statuses: dict[str, str]) -> None:
    """A snapshot as another (planner) process writes it: the statuses of quarter QID."""
    item = {"kind": "phases", "quarter_id": QID, "name": "phases", "fields": statuses}
    doc = {"format": FORMAT, "written_at": "2026-11-30T12:00:00+00:00", "items": [item]}
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_one_read_per_run_of_a_public_page(
    new_app: NewApp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    snapshot = tmp_path / "published.json"
    monkeypatch.setenv("QUARTIER_PUBLISHED", str(snapshot))
    _write(snapshot, {phases.Module.BASELINE.value: phases.ModuleStatus.IN_PROGRESS.value})
    at = new_app(Mode.PUBLIC.value, q=str(QID))
    calls = _counting(monkeypatch)
    at.switch_page(PHASES).run()
    assert not problems(at), problems(at)
    # the page used the snapshot (the published status is shown) and read it once
    assert any(t("published_status", "de") in m.value for m in at.markdown)
    assert calls == [snapshot]
    at.run()  # every run reads once more, never more than once
    assert calls == [snapshot, snapshot]


def test_a_new_run_sees_a_snapshot_written_meanwhile(
    new_app: NewApp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    snapshot = tmp_path / "published.json"
    monkeypatch.setenv("QUARTIER_PUBLISHED", str(snapshot))
    at = new_app(Mode.PUBLIC.value, q=str(QID))
    at.switch_page(PHASES).run()
    assert not any(t("published_status", "de") in m.value for m in at.markdown)
    done = phases.LABELS["de"][phases.ModuleStatus.DONE.value]
    _write(snapshot, {phases.Module.BASELINE.value: phases.ModuleStatus.DONE.value})
    at.run()
    assert any(t("published_status", "de") in m.value for m in at.markdown)
    assert any(done in str(d.value) for d in at.dataframe)
    snapshot.unlink()  # withdrawn by another process: gone on the next run
    at.run()
    assert not any(t("published_status", "de") in m.value for m in at.markdown)
