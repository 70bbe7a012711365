"""Publishing an own area (issue #7 item 2), driven as a user would: a planner gives it a
public name and publishes it on the Daten page; the public server lists it after the 20
quarters and every page works for it, without the ids, addresses, file name or editor of
the import; withdrawing or deleting the import takes it off the public server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.reference import load_reference
from quartier_geo.data.store import open_workspace
from quartier_geo.imports.pipeline import import_file
from quartier_geo.imports.saved import delete_import, list_imports, save_import
from quartier_geo.imports.types import Accepted
from quartier_geo.ui import data as ui_data
from quartier_geo.ui.widgets import md_escape
from tests.app.conftest import NewApp
from tests.app.test_pages import PAGES, PATH_OF, goto, problems
from tests.helpers import area_geopackage, submit_form

CANARY = "KANARIE-Gebiet"
EDITOR = "KANARIE-Bearbeiter"
SOURCE = "kanarie_quelle.gpkg"
PUBLIC_NAME = "Siedlung Eigen-Öffentlich"
PROGRAMME = 20
DATA = PATH_OF["page_data"]


@pytest.fixture
def own_area(new_app: NewApp, workspace_file: Path, tmp_path: Path) -> Iterator[str]:
    source = area_geopackage(tmp_path / SOURCE, 8, canary=CANARY)
    accepted = import_file(source, ref=load_reference())
    assert isinstance(accepted, Accepted)
    new_app(Mode.PLANNER.value)
    ws = open_workspace(workspace_file)
    key = save_import(ws, accepted, name=SOURCE, editor=Editor(EDITOR, Mode.PLANNER))
    ui_data.clear_workspace()
    yield key
    for info in list_imports(ws):
        if info.key == key:
            delete_import(ws, key, expected_version=info.version, editor=Editor("t", Mode.PLANNER))
    for area in ui_data.published().areas():  # leave no publication to the next test
        from quartier_geo.base.settings import published_path
        from quartier_geo.data import published_areas

        published_areas.withdraw_area(
            ws, area.name, area.quarter_id, path=published_path(), editor=Editor("t", Mode.PLANNER)
        )


def _index(key: str) -> int:
    """Row of import ``key`` in the Daten page's list (other tests' imports may be there)."""
    return [i.key for i in list_imports(ui_data.workspace())].index(key)


def _publish(new_app: NewApp, key: str) -> None:
    at = goto(new_app(Mode.PLANNER.value), DATA)
    at.text_input(key=f"pub_area_name_{key}").set_value(PUBLIC_NAME)
    at.button(key=f"pub_area_{_index(key)}").click().run()
    assert not problems(at), problems(at)
    assert any(s.value == t("publish_done", "de") for s in at.success)


def _public_options(new_app: NewApp) -> list[str]:
    at = new_app(Mode.PUBLIC.value)
    assert not problems(at), problems(at)
    return list(at.selectbox(key="_w_q").options)


def _all_text(at) -> str:  # type: ignore[no-untyped-def]
    parts = [str(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.metric)]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(parts)


def test_a_published_area_shows_on_every_public_page_without_its_drafts(
    new_app: NewApp, own_area: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(_public_options(new_app)) == PROGRAMME  # nothing published yet
    monkeypatch.setenv("QUARTIER_MODE", Mode.PLANNER.value)
    _publish(new_app, own_area)
    options = _public_options(new_app)
    assert len(options) == PROGRAMME + 1
    assert options[-1] == f"{t('own_area', 'de')}: {PUBLIC_NAME}"
    area = min(int(q) for q in ui_data.current().area_ids)
    for page in PAGES:
        at = goto(new_app(Mode.PUBLIC.value, q=str(area)), page)
        assert not problems(at), (page, problems(at))
        text = _all_text(at)
        for secret in (CANARY, EDITOR, SOURCE):
            assert secret not in text, (page, secret)
    daten = goto(new_app(Mode.PUBLIC.value), DATA)
    assert md_escape(PUBLIC_NAME) in _all_text(daten)  # markdown source: escaped


def test_withdraw_and_delete_take_the_area_off_the_public_server(
    new_app: NewApp, own_area: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish(new_app, own_area)
    monkeypatch.setenv("QUARTIER_MODE", Mode.PLANNER.value)
    at = goto(new_app(Mode.PLANNER.value), DATA)
    at.button(key=f"pub_area_w_{_index(own_area)}").click().run()
    assert any(s.value == t("withdraw_done", "de") for s in at.success)
    assert len(_public_options(new_app)) == PROGRAMME

    _publish(new_app, own_area)
    assert len(_public_options(new_app)) == PROGRAMME + 1
    at = goto(new_app(Mode.PLANNER.value), DATA)
    [which] = [s for s in at.selectbox if s.label == t("import_delete_which", "de")]
    which.set_value(own_area)
    at = submit_form(at, "import_delete")
    assert not problems(at), problems(at)
    assert any(s.value == t("import_deleted", "de") for s in at.success)
    assert len(_public_options(new_app)) == PROGRAMME  # deleting withdrew it


def test_an_area_below_the_minimum_is_refused_with_a_message(
    new_app: NewApp, workspace_file: Path, tmp_path: Path
) -> None:
    source = area_geopackage(tmp_path / "klein.gpkg", 4, canary=CANARY)
    accepted = import_file(source, ref=load_reference())
    assert isinstance(accepted, Accepted)
    new_app(Mode.PLANNER.value)
    ws = open_workspace(workspace_file)
    key = save_import(ws, accepted, name="klein", editor=Editor(EDITOR, Mode.PLANNER))
    ui_data.clear_workspace()
    try:
        at = goto(new_app(Mode.PLANNER.value), DATA)
        at.text_input(key=f"pub_area_name_{key}").set_value("Klein")
        at.button(key=f"pub_area_{_index(key)}").click().run()
        assert [e.value for e in at.error] and "mindestens 5" in at.error[0].value
        assert ui_data.published().areas() == ()
    finally:
        info = next(i for i in list_imports(ws) if i.key == key)
        delete_import(ws, key, expected_version=info.version, editor=Editor("t", Mode.PLANNER))
