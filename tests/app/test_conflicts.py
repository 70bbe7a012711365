"""Two planners edit the same record (issue #7): the second save is a conflict that shows
both versions and keeps the input; nothing saved by the first is lost."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.data.store import open_workspace, quarter_key
from quartier_geo.domain.phases import Module
from quartier_geo.ui import data as ui_data
from quartier_geo.ui.data import MODULE_KIND
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, goto, problems
from tests.helpers import submit_form

PHASES = PATH_OF["page_phases"]
REFURB = PATH_OF["page_refurbishment"]


def _edit_module(at: AppTest, key: str, *, status: str, note: str) -> AppTest:
    at.selectbox(key=f"sel_{key}").set_value(status)
    at.text_input(key=f"note_{key}").set_value(note)
    return submit_form(at, f"form_{key}")


def test_second_module_save_is_a_conflict_with_both_versions(
    new_app: NewApp, workspace_file: Path
) -> None:
    ui_data.clear_workspace()
    anna, ben = goto(new_app(Mode.PLANNER.value), PHASES), goto(new_app(Mode.PLANNER.value), PHASES)
    qid = int(anna.session_state["q"])
    key = quarter_key(qid, Module.BASELINE.value)
    ws = open_workspace(workspace_file)
    before = ws.get(MODULE_KIND, key)

    ben = _edit_module(ben, key, status="in_progress", note="Ben: Kartierung läuft")
    assert not problems(ben), problems(ben)
    saved = ws.get(MODULE_KIND, key)
    assert saved.payload["status"] == "in_progress"
    assert saved.payload["note"] == "Ben: Kartierung läuft"

    anna = _edit_module(anna, key, status="open", note="Anna: noch offen")
    errors = [e.value for e in anna.error]
    assert any(e.startswith(t("save_conflict", "de")) for e in errors), errors
    assert ws.get(MODULE_KIND, key) == saved  # Ben's edit is not lost
    # both versions are shown, and Anna's input is still in the form
    tables = [str(tb.value) for tb in anna.table]
    assert any("Anna: noch offen" in s and "Ben: Kartierung läuft" in s for s in tables), tables
    assert anna.text_input(key=f"note_{key}").value == "Anna: noch offen"
    assert anna.selectbox(key=f"sel_{key}").value == "open"

    # Anna takes the stored version, then saves her change on top of it
    [take] = [b for b in anna.button if b.label == t("conflict_take_stored", "de")]
    anna = take.click().run()
    assert anna.text_input(key=f"note_{key}").value == "Ben: Kartierung läuft"
    anna = _edit_module(anna, key, status="done", note="Anna: abgeschlossen")
    assert not problems(anna), problems(anna)
    final = ws.get(MODULE_KIND, key)
    assert final.payload["note"] == "Anna: abgeschlossen"
    assert final.version == (before.version if before else 0) + 2


def test_a_scenario_name_taken_by_someone_else_is_not_overwritten(
    new_app: NewApp, workspace_file: Path
) -> None:
    ui_data.clear_workspace()
    anna, ben = goto(new_app(Mode.PLANNER.value), REFURB), goto(new_app(Mode.PLANNER.value), REFURB)
    for at, rate in ((ben, 3.0), (anna, 1.0)):
        at.select_slider(key="_w_rate").set_value(rate).run()
        at.text_input(key="scenario_name").set_value("Konflikt-Variante")
    ben = submit_form(ben, "save_scenario")
    assert not problems(ben), problems(ben)
    anna = submit_form(anna, "save_scenario")
    errors = [e.value for e in anna.error]
    assert any(e.startswith(t("save_conflict", "de")) for e in errors), errors
    qid = int(anna.session_state["q"])
    stored = open_workspace(workspace_file).get("scenario", quarter_key(qid, "Konflikt-Variante"))
    assert stored is not None and stored.version == 1
    assert stored.payload["rate_per_a"] == 0.03  # Ben's 3 %/a, not Anna's 1 %/a
