"""A damaged workspace takes no page down (issue #7): every page renders in every mode,
planners see a banner in their language and no editor, and the file stays untouched."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.ui import data as ui_data
from tests.app.conftest import NewApp
from tests.app.test_pages import EDITING_PAGES, PAGES, editing_widgets, goto, problems


@pytest.fixture
def corrupt_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A workspace file with garbage after a valid SQLite header; the cached handle is
    reopened so that the app sees it, and again afterwards for the other tests."""
    path = tmp_path / "kaputt.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff\x00\x13" * 3000)
    ui_data.clear_workspace()
    yield path
    ui_data.clear_workspace()


def _banner(at: object) -> list[str]:
    return [w.value for w in at.warning]  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", [m.value for m in Mode])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_a_corrupt_workspace(
    new_app: NewApp, corrupt_workspace: Path, monkeypatch: pytest.MonkeyPatch, page: str, mode: str
) -> None:
    before = hashlib.sha256(corrupt_workspace.read_bytes()).hexdigest()
    make = new_app  # the fixture set the session workspace; point it at the broken file
    monkeypatch.setenv("QUARTIER_WORKSPACE", str(corrupt_workspace))
    at = goto(make(mode), page)
    assert not problems(at), problems(at)
    if mode == Mode.PLANNER.value:
        assert editing_widgets(at) == []
        expected = t("workspace_down", "de").split("(")[0].strip()
        assert any(text.startswith(expected) for text in _banner(at)), _banner(at)
    else:
        assert not any("Arbeitsbereich" in text for text in _banner(at))
    assert hashlib.sha256(corrupt_workspace.read_bytes()).hexdigest() == before


def test_the_banner_follows_the_language(
    new_app: NewApp, corrupt_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUARTIER_WORKSPACE", str(corrupt_workspace))
    at = new_app(Mode.PLANNER.value, lang="en")
    assert not problems(at), problems(at)
    assert any(w.startswith("The workspace is unavailable") for w in _banner(at)), _banner(at)


def test_editors_return_with_a_healthy_workspace(new_app: NewApp) -> None:
    """Control: with the session's healthy workspace the editing pages have editors and
    no banner, so the absence above is caused by the broken file."""
    ui_data.clear_workspace()
    for page in EDITING_PAGES:
        at = goto(new_app(Mode.PLANNER.value), page)
        assert editing_widgets(at), page
        assert not any("Arbeitsbereich" in w for w in _banner(at))


@pytest.fixture
def data_unreachable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The region's data come from a database that does not answer (port 1)."""
    monkeypatch.setenv("QUARTIER_DATABASE_URL", "postgresql://quartier:GEHEIM@127.0.0.1:1/x")
    ui_data.bundle.clear()  # the process-wide cache holds the GeoPackage's data
    ui_data.clear_workspace()
    yield
    monkeypatch.delenv("QUARTIER_DATABASE_URL")
    ui_data.bundle.clear()
    ui_data.clear_workspace()


@pytest.mark.parametrize("mode", [m.value for m in Mode])
def test_unloadable_data_give_a_message_not_a_traceback(
    new_app: NewApp, data_unreachable: None, mode: str
) -> None:
    at = new_app(mode)
    assert [e.message for e in at.exception] == []
    [error] = [e.value for e in at.error]
    assert error.startswith(t("data_unavailable", "de").split(":")[0])
    assert "127.0.0.1:1" in error and "GEHEIM" not in error  # names the server, no password
