"""Saved phase and module edits change what the pages show (issue #7 item 3): the status
table, the phase map and the overview read the programme with the planners' edits; the
read-only audiences see the tables as bundled."""

from __future__ import annotations

import datetime as dt

from quartier_geo.base.modes import Mode
from quartier_geo.data.store import quarter_key
from quartier_geo.domain import phases
from quartier_geo.ui import data as ui_data
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, goto, problems
from tests.helpers import submit_form

PHASES = PATH_OF["page_phases"]
QID = 4  # any programme quarter


def test_a_module_edit_with_its_date_drives_the_status(new_app: NewApp) -> None:
    ui_data.clear_workspace()
    at = goto(new_app(Mode.PLANNER.value, q=str(QID)), PHASES)
    key = quarter_key(QID, phases.Module.SUPPLY_CONCEPT.value)
    at.selectbox(key=f"sel_{key}").set_value(phases.ModuleStatus.IN_PROGRESS.value)
    at.date_input(key=f"since_{key}").set_value(dt.date(2019, 5, 1))
    at = submit_form(at, f"form_{key}")
    assert not problems(at), problems(at)

    drafts = ui_data.programme(drafts=True)
    status = phases.status_at(drafts, "2019-04-01").loc[QID, key.split(":")[1]]
    assert status == phases.ModuleStatus.OPEN.value  # not begun before 2019-05-01
    later = phases.status_at(drafts, "2024-01-01").loc[QID, key.split(":")[1]]
    assert later == phases.ModuleStatus.IN_PROGRESS.value  # no completion date: still running
    published = phases.status_at(ui_data.programme(drafts=False), "2024-01-01")
    assert published.loc[QID, key.split(":")[1]] == phases.ModuleStatus.DONE.value  # as bundled
    # the fact sheet of the Daten page carries the same status for planners, none in public
    from quartier_geo.ui.dataexport import _module_status

    module = key.split(":")[1]
    public_sheet = _module_status(ui_data.current(), QID, public=True)
    assert public_sheet is None  # nothing published for the public sheet
    own = _module_status(ui_data.current(), QID, public=False)
    assert own is not None and own[module] == phases.ModuleStatus.IN_PROGRESS.value
    # the form shows the saved status after a rerun (not "done" by default)
    at = goto(new_app(Mode.PLANNER.value, q=str(QID)), PHASES)
    assert at.selectbox(key=f"sel_{key}").value == phases.ModuleStatus.IN_PROGRESS.value


def test_agreement_and_implementation_dates_move_the_phases(new_app: NewApp) -> None:
    ui_data.clear_workspace()
    at = goto(new_app(Mode.PLANNER.value, q=str(QID)), PHASES)
    key = quarter_key(QID, "dates")
    at.date_input(key=f"agreement_{key}").set_value(dt.date(2020, 3, 2))
    at.date_input(key=f"implementation_{key}").set_value(dt.date(2020, 6, 1))
    at = submit_form(at, f"form_{key}")
    assert not problems(at), problems(at)
    drafts = ui_data.programme(drafts=True)
    assert phases.status_at(drafts, "2020-04-01").loc[QID, "phase"] == phases.Phase.AGREEMENT.value
    assert (
        phases.status_at(drafts, "2020-07-01").loc[QID, "phase"]
        == phases.Phase.IMPLEMENTATION.value
    )

    # an implementation before the agreement is refused with a message, nothing saved
    at.date_input(key=f"implementation_{key}").set_value(dt.date(2019, 1, 1))
    at = submit_form(at, f"form_{key}")
    assert any("Umsetzung" in e.value for e in at.error)
    again = ui_data.programme(drafts=True)
    assert (
        phases.status_at(again, "2020-07-01").loc[QID, "phase"] == phases.Phase.IMPLEMENTATION.value
    )
