"""Planners' phase and module edits drive the status at a date (issue #7 item 3)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from quartier_geo.domain.phases import (
    DateStatus,
    Module,
    ModuleEdit,
    ModuleStatus,
    Phase,
    PhaseEdit,
    status_at,
    with_edits,
)

D = pd.Timestamp


def _tables() -> dict[str, pd.DataFrame]:
    """One quarter: concept 2017-01-01..2018-01-01, agreement one month, implementation
    five years (2018-02-01..2023-02-01); one module planned 2017-01-01..2017-06-01."""
    phases = pd.DataFrame(
        {
            "quarter_id": [7, 7, 7, 7],
            "phase": [p.value for p in Phase],
            "start_date": [D("2016-03-01"), D("2017-01-01"), D("2018-01-01"), D("2018-02-01")],
            "end_date": [D("2017-01-01"), D("2018-01-01"), D("2018-02-01"), D("2023-02-01")],
            "date_status": ["read"] * 4,
            "source": ["quelle"] * 4,
        }
    )
    modules = pd.DataFrame(
        {
            "quarter_id": [7] * 4,
            "module": [m.value for m in Module],
            "planned_start": [D("2017-01-01")] * 4,
            "completed_date": [D("2017-06-01")] * 4,
            "date_status": ["illustrative"] * 4,
            "source": ["Regel"] * 4,
        }
    )
    return {"phases": phases, "modules": modules}


def test_module_edits_set_the_status_at_every_date() -> None:
    tables = _tables()
    edits = [
        ModuleEdit(7, Module.BASELINE, ModuleStatus.DONE, date(2017, 3, 15)),
        ModuleEdit(7, Module.SUPPLY_CONCEPT, ModuleStatus.IN_PROGRESS, date(2017, 5, 1)),
        ModuleEdit(7, Module.ACTIVATION_CONCEPT, ModuleStatus.OPEN),
    ]
    edited = with_edits(tables, modules=edits)
    before, mid, late = (
        status_at(edited, d).loc[7] for d in ("2017-02-01", "2017-04-01", "2030-01-01")
    )
    assert before[Module.BASELINE.value] == ModuleStatus.IN_PROGRESS.value  # begun 2017-01-01
    assert mid[Module.BASELINE.value] == ModuleStatus.DONE.value  # done on 2017-03-15
    assert mid[Module.SUPPLY_CONCEPT.value] == ModuleStatus.OPEN.value  # begins 2017-05-01
    assert late[Module.SUPPLY_CONCEPT.value] == ModuleStatus.IN_PROGRESS.value  # no end yet
    assert late[Module.ACTIVATION_CONCEPT.value] == ModuleStatus.OPEN.value  # never begun
    assert late[Module.REFURBISHMENT_CONCEPT.value] == ModuleStatus.DONE.value  # not edited
    rows = edited["modules"].set_index("module")
    assert rows.loc[Module.BASELINE.value, "date_status"] == DateStatus.EDITED.value
    assert rows.loc[Module.REFURBISHMENT_CONCEPT.value, "date_status"] == "illustrative"
    assert tables["modules"]["date_status"].eq("illustrative").all()  # input unchanged


def test_phase_edits_move_the_agreement_and_the_implementation() -> None:
    edited = with_edits(
        _tables(),
        phases=[PhaseEdit(7, agreement=date(2018, 6, 1), implementation=date(2018, 9, 1))],
    )
    rows = edited["phases"].set_index("phase")
    assert rows.loc[Phase.CONCEPT.value, "end_date"] == D("2018-06-01")
    assert rows.loc[Phase.AGREEMENT.value, ["start_date", "end_date"]].tolist() == [
        D("2018-06-01"),
        D("2018-09-01"),
    ]
    # the implementation keeps its length: 2018-02-01..2023-02-01 is 1826 days
    assert rows.loc[Phase.IMPLEMENTATION.value, "end_date"] == D("2018-09-01") + pd.Timedelta(
        days=1826
    )
    assert (
        status_at(edited, "2018-03-01").loc[7, "phase"] == Phase.CONCEPT.value
    )  # was implementation
    assert status_at(edited, "2018-07-01").loc[7, "phase"] == Phase.AGREEMENT.value
    assert rows.loc[Phase.PREPARATION.value, "date_status"] == "read"
    assert rows.loc[Phase.AGREEMENT.value, "date_status"] == DateStatus.EDITED.value
