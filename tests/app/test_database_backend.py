"""The app on the PostgreSQL backend (issue #8 item 1): a planner's module edit on
Projektphasen is saved in the database's workspace, with its audit row, and read back."""

from __future__ import annotations

import pytest

from quartier_geo.base.modes import Mode
from quartier_geo.base.settings import DATABASE_ENV
from quartier_geo.data.pg.connect import connect
from quartier_geo.data.store import quarter_key
from quartier_geo.domain import phases
from quartier_geo.ui import data as ui_data
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, goto, problems
from tests.helpers import submit_form

QID = 11


@pytest.fixture
def database(pg_cluster, monkeypatch):
    from quartier_geo.cli import main

    url = pg_cluster.new_database(postgis=False)
    assert main(["database", "init", "--url", url]) == 0
    monkeypatch.setenv(DATABASE_ENV, url)
    ui_data.clear_workspace()
    yield url
    monkeypatch.delenv(DATABASE_ENV)
    ui_data.clear_workspace()


def test_a_module_edit_is_saved_in_the_database(new_app: NewApp, database: str) -> None:
    at = goto(new_app(Mode.PLANNER.value, q=str(QID)), PATH_OF["page_phases"])
    assert not problems(at), problems(at)
    key = quarter_key(QID, phases.Module.BASELINE.value)
    at.selectbox(key=f"sel_{key}").set_value(phases.ModuleStatus.IN_PROGRESS.value)
    at = submit_form(at, f"form_{key}")
    assert not problems(at), problems(at)
    with connect(database) as con:
        record = con.execute(
            "SELECT payload, version FROM records WHERE kind = 'module_status' AND key = %s",
            (key,),
        ).fetchone()
        actions = [r[0] for r in con.execute("SELECT action FROM audit WHERE key = %s", (key,))]
    assert record is not None and record[0]["status"] == "in_progress" and record[1] == 1
    assert actions == ["insert"]
    assert ui_data.workspace().get("module_status", key) is not None
