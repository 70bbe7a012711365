"""The planner's publish and withdraw buttons (issue #7 item 2), driven as a user would:
what a planner publishes on Projektphasen appears on the public server's page, without the
note and the editor's name, and disappears when withdrawn."""

from __future__ import annotations

import datetime as dt

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.data.store import quarter_key
from quartier_geo.domain import phases
from quartier_geo.ui import data as ui_data
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, goto, problems
from tests.helpers import submit_form

PHASES = PATH_OF["page_phases"]
QID = 6
NOTE = "KANARIE-Notiz nur für die Planung"


def _public_text(new_app: NewApp) -> str:
    at = goto(new_app(Mode.PUBLIC.value, q=str(QID)), PHASES)
    assert not problems(at), problems(at)
    parts = [m.value for m in at.markdown] + [str(d.value) for d in at.dataframe]
    return "\n".join(parts)


def test_publish_then_withdraw_the_module_status(
    new_app: NewApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    ui_data.clear_workspace()
    planner = goto(new_app(Mode.PLANNER.value, q=str(QID)), PHASES)
    key = quarter_key(QID, phases.Module.BASELINE.value)
    planner.selectbox(key=f"sel_{key}").set_value(phases.ModuleStatus.IN_PROGRESS.value)
    planner.text_input(key=f"note_{key}").set_value(NOTE)
    planner = submit_form(planner, f"form_{key}")
    assert not problems(planner), problems(planner)

    before = _public_text(new_app)
    assert t("published_status", "de") not in before  # nothing published yet

    monkeypatch.setenv("QUARTIER_MODE", Mode.PLANNER.value)  # one process, one mode at a time
    planner.button(key="pub_phases").click().run()
    assert not problems(planner), problems(planner)
    assert any(s.value == t("publish_done", "de") for s in planner.success)

    after = _public_text(new_app)
    assert t("published_status", "de") in after
    assert phases.LABELS["de"][phases.ModuleStatus.IN_PROGRESS.value] in after
    assert NOTE not in after and "KANARIE" not in after

    planner = goto(new_app(Mode.PLANNER.value, q=str(QID)), PHASES)
    planner.button(key="pub_phases_withdraw").click().run()
    assert any(s.value == t("withdraw_done", "de") for s in planner.success)
    assert t("published_status", "de") not in _public_text(new_app)


def test_published_dates_move_the_public_phases(
    new_app: NewApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Agreement and implementation dates reach the public phase map and timeline only
    once they are published, and leave them when withdrawn."""
    ui_data.clear_workspace()
    planner = goto(new_app(Mode.PLANNER.value, q=str(QID)), PHASES)
    key = quarter_key(QID, "dates")
    planner.date_input(key=f"agreement_{key}").set_value(dt.date(2020, 3, 2))
    planner.date_input(key=f"implementation_{key}").set_value(dt.date(2020, 6, 1))
    planner = submit_form(planner, f"form_{key}")
    assert not problems(planner), problems(planner)

    def public_phase_on(day: str) -> str:
        return str(phases.status_at(ui_data.programme(drafts=False), day).loc[QID, "phase"])

    assert public_phase_on("2020-04-01") != phases.Phase.AGREEMENT.value  # a draft only
    planner.button(key="pub_phases").click().run()
    assert any(s.value == t("publish_done", "de") for s in planner.success)
    assert public_phase_on("2020-04-01") == phases.Phase.AGREEMENT.value
    assert public_phase_on("2020-07-01") == phases.Phase.IMPLEMENTATION.value
    planner.button(key="pub_phases_withdraw").click().run()
    assert public_phase_on("2020-04-01") != phases.Phase.AGREEMENT.value
