"""The programme's phase model: the vocabulary of phases, concept modules, module and date
status, dates with their provenance, and each quarter's status at a date.

The tables themselves (phases, modules, measures, meetings, lessons, milestones with their
illustrative date rules) are built in :mod:`quartier_geo.domain.programme`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd

from quartier_geo.base.errors import QuartierGeoError

__all__ = [
    "LABELS",
    "DateStatus",
    "MeasureCategory",
    "MeasureStatus",
    "Module",
    "ModuleEdit",
    "ModuleStatus",
    "ParsedDate",
    "Phase",
    "PhaseEdit",
    "ProgrammeState",
    "add_months",
    "parse_date",
    "phase_or_state",
    "status_at",
    "weakest",
    "with_edits",
]


class Phase(StrEnum):
    PREPARATION = "preparation"
    CONCEPT = "concept"
    AGREEMENT = "agreement"
    IMPLEMENTATION = "implementation"


class Module(StrEnum):
    """The four building blocks of each concept (icrollout.de Projektablauf)."""

    BASELINE = "baseline"
    REFURBISHMENT_CONCEPT = "refurbishment_concept"
    SUPPLY_CONCEPT = "supply_concept"
    ACTIVATION_CONCEPT = "activation_concept"


class ModuleStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class DateStatus(StrEnum):
    """Provenance of a date, from strongest to weakest."""

    EDITED = "edited"  # entered by a planner in the workspace (with author and version)
    READ = "read"  # day stated by the source
    READ_MONTH = "read_month"  # month stated; the day is set to the 1st
    INFERRED = "inferred"  # derived from a source (e.g. "yesterday" in a dated release)
    ILLUSTRATIVE = "illustrative"  # placeholder by the rules of this module


class MeasureCategory(StrEnum):
    REFURBISHMENT = "refurbishment"
    SUPPLY = "supply"
    ACTIVATION = "activation"
    MOBILITY = "mobility"
    PLANNING = "planning"  # concept work (the only EFRE-funded part)


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ProgrammeState(StrEnum):
    """Where a date lies relative to a quarter's phases."""

    BEFORE = "before"
    ACTIVE = "active"
    AFTER = "after"


_LABEL_ROWS: tuple[tuple[StrEnum, str, str], ...] = (
    (Phase.PREPARATION, "Vorbereitungsphase", "preparation phase"),
    (Phase.CONCEPT, "Konzeptphase", "concept phase"),
    (Phase.AGREEMENT, "Vereinbarung", "agreement"),
    (Phase.IMPLEMENTATION, "Umsetzungsphase", "implementation phase"),
    (Module.BASELINE, "Grundlagenermittlung", "baseline survey"),
    (Module.REFURBISHMENT_CONCEPT, "Energetisches Sanierungskonzept", "refurbishment concept"),
    (Module.SUPPLY_CONCEPT, "Energieversorgungskonzept", "energy supply concept"),
    (
        Module.ACTIVATION_CONCEPT,
        "Akteursaktivierungs- und Kommunikationskonzept",
        "stakeholder activation and communication concept",
    ),
    (ModuleStatus.OPEN, "offen", "open"),
    (ModuleStatus.IN_PROGRESS, "in Arbeit", "in progress"),
    (ModuleStatus.DONE, "erledigt", "done"),
    (MeasureStatus.PLANNED, "geplant", "planned"),
    (DateStatus.EDITED, "von der Planung eingetragen", "entered by planners"),
    (DateStatus.READ, "belegt", "from a source"),
    (DateStatus.READ_MONTH, "Monat belegt", "month from a source"),
    (DateStatus.INFERRED, "abgeleitet", "inferred"),
    (DateStatus.ILLUSTRATIVE, "illustrativ", "illustrative"),
    (MeasureCategory.REFURBISHMENT, "Sanierung", "refurbishment"),
    (MeasureCategory.SUPPLY, "Versorgung", "supply"),
    (MeasureCategory.ACTIVATION, "Aktivierung", "activation"),
    (MeasureCategory.MOBILITY, "Mobilität", "mobility"),
    (MeasureCategory.PLANNING, "Planung/Konzept", "planning/concept"),
    (ProgrammeState.BEFORE, "noch nicht begonnen", "not yet started"),
    (ProgrammeState.ACTIVE, "läuft", "running"),
    (ProgrammeState.AFTER, "abgeschlossen", "completed"),
)
#: German and English labels of every enum value: ``LABELS["de"]["concept"]``.
LABELS: dict[str, dict[str, str]] = {
    "de": {str(m): de for m, de, _ in _LABEL_ROWS},
    "en": {str(m): en for m, _, en in _LABEL_ROWS},
}

_STATUS_ORDER = list(DateStatus)
_INFERRED_SOURCE = re.compile(r"inferred|gestern|yesterday|am montag|approx", re.IGNORECASE)
_DATE = re.compile(
    r"^(?P<y>\d{4})(?:-(?:(?P<h>H[12])|(?P<m>\d{2})(?:-(?P<d>\d{2})|/(?P<m2>\d{2}))?))?"
    r"\s*(?P<approx>\(approx\.?\))?$"
)


@dataclass(frozen=True)
class ParsedDate:
    """A date and how much of it a source states; ``last`` closes the stated window."""

    first: date
    last: date
    precision: str  # day | month | half | year
    status: DateStatus


def weakest(*statuses: DateStatus | str) -> DateStatus:
    """The weakest of several date statuses (read < read_month < inferred < illustrative)."""
    return max((DateStatus(s) for s in statuses), key=_STATUS_ORDER.index)


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    days = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(d.day, days))


def parse_date(text: str, *, source: str = "") -> ParsedDate:
    """Parse the date formats of quarters.csv and programme.csv.

    ``2018-02-13`` (day, read), ``2016-10`` (month: the 1st, read_month), ``2017-01/02
    (approx.)`` (first month of the range, inferred), ``2019-H1`` (half-year), ``2018``
    (year; both inferred: first day of the window). "(approx.)" or a ``source`` that says
    the date was inferred ("inferred", "gestern", "yesterday", "am Montag") gives
    ``inferred``.

    >>> parse_date("2017-07 (approx.)").first, parse_date("2017-07 (approx.)").status.value
    (datetime.date(2017, 7, 1), 'inferred')
    """
    match = _DATE.match(str(text).strip())
    if match is None:
        raise QuartierGeoError(
            f"Datum {text!r} nicht lesbar; erwartet JJJJ-MM-TT, JJJJ-MM, JJJJ-MM/MM, JJJJ-H1 "
            "oder JJJJ."
        )
    y = int(match["y"])
    if match["d"]:
        first = date(y, int(match["m"]), int(match["d"]))
        last, precision, status = first, "day", DateStatus.READ
    elif match["m"]:
        first = date(y, int(match["m"]), 1)
        last = add_months(date(y, int(match["m2"] or match["m"]), 1), 1)
        precision, status = "month", DateStatus.READ_MONTH
    elif match["h"]:
        first = date(y, 1 if match["h"] == "H1" else 7, 1)
        last, precision, status = add_months(first, 6), "half", DateStatus.INFERRED
    else:
        first, last, precision, status = (
            date(y, 1, 1),
            date(y + 1, 1, 1),
            "year",
            DateStatus.INFERRED,
        )
    if precision != "day":
        last = date.fromordinal(last.toordinal() - 1)
    if match["approx"] or _INFERRED_SOURCE.search(source or ""):
        status = weakest(status, DateStatus.INFERRED)
    return ParsedDate(first=first, last=last, precision=precision, status=status)


def status_at(tables: Mapping[str, pd.DataFrame], when: date | str | pd.Timestamp) -> pd.DataFrame:
    """Each quarter's phase and module status on the date ``when`` (for a timeline slider).

    Index quarter_id. ``phase`` is the phase whose [start_date, end_date) holds ``when``
    (NA before the programme and after the implementation); ``state`` says before / active
    / after; ``date_status`` is that of the phase row. One column per :class:`Module`:
    open before planned_start, in_progress until completed_date, done from then on.
    """
    t = pd.Timestamp(when)
    phases, modules = tables["phases"], tables["modules"]
    inside = phases[(phases["start_date"] <= t) & (t < phases["end_date"])]
    inside = inside.drop_duplicates("quarter_id").set_index("quarter_id")
    span = phases.groupby("quarter_id").agg(first=("start_date", "min"), last=("end_date", "max"))
    state = np.select(
        [t < span["first"], t >= span["last"]],
        [ProgrammeState.BEFORE.value, ProgrammeState.AFTER.value],
        ProgrammeState.ACTIVE.value,
    )
    out = pd.DataFrame(
        {
            "phase": inside["phase"].reindex(span.index),
            "state": state,
            "date_status": inside["date_status"].reindex(span.index),
        },
        index=span.index,
    )
    # a module without a start is open, one without a completion date still in progress
    module_status = np.select(
        [
            modules["planned_start"].isna() | (t < modules["planned_start"]),
            modules["completed_date"].isna() | (t < modules["completed_date"]),
        ],
        [ModuleStatus.OPEN.value, ModuleStatus.IN_PROGRESS.value],
        ModuleStatus.DONE.value,
    )
    wide = modules.assign(module_status=module_status).pivot(
        index="quarter_id", columns="module", values="module_status"
    )
    wide = wide.reindex(columns=[m.value for m in Module])
    return out.join(wide)


def phase_or_state(status: pd.DataFrame, *, outside: Mapping[str, str] | None = None) -> pd.Series:
    """Each quarter's phase, or where the date lies when no phase holds it.

    Outside the programme's dates :func:`status_at` gives no ``phase`` (NA) and a ``state``
    of ``before`` or ``after`` (:class:`ProgrammeState`). This is the one place that
    merges the two columns into one key for maps, counts and the figures table.

    Parameters
    ----------
    status
        Output of :func:`status_at` (columns ``phase`` and ``state``), any index.
    outside
        Names for the states outside the phases, e.g. ``{"before": "not_started",
        "after": "completed"}`` for the CLI's figures table; states not in the mapping
        keep their :class:`ProgrammeState` value. Default: the ProgrammeState values, which
        :data:`LABELS` translates.

    Returns
    -------
    pandas.Series
        Object dtype, same index as ``status``, named ``phase``: a :class:`Phase` value or
        the (renamed) state.

    Examples
    --------
    >>> s = pd.DataFrame({"phase": ["concept", pd.NA], "state": ["active", "before"]})
    >>> phase_or_state(s).tolist()
    ['concept', 'before']
    >>> phase_or_state(s, outside={"before": "not_started"}).tolist()
    ['concept', 'not_started']
    """
    state = status["state"].astype(object)
    if outside:
        state = state.map(lambda s: outside.get(s, s))
    phase = status["phase"].astype(object)
    return phase.where(phase.notna(), state).rename("phase")


# ------------------------------------------------------------------------------ edits
@dataclass(frozen=True)
class ModuleEdit:
    """A planner's statement on one concept module: its status since a date.

    ``open``: not begun (no start); ``in_progress`` since ``since``; ``done`` on ``since``.
    """

    quarter_id: int
    module: Module
    status: ModuleStatus
    since: date | None = None


@dataclass(frozen=True)
class PhaseEdit:
    """A planner's dates of the steps after the concept: the agreement signed on
    ``agreement`` (ending the concept phase) and the implementation begun on
    ``implementation``. Either may be missing."""

    quarter_id: int
    agreement: date | None = None
    implementation: date | None = None


def _edited_modules(modules: pd.DataFrame, edits: Sequence[ModuleEdit]) -> pd.DataFrame:
    out = modules.copy()
    for e in edits:
        row = (out["quarter_id"] == e.quarter_id) & (out["module"] == Module(e.module).value)
        since = pd.Timestamp(e.since) if e.since else pd.NaT
        status = ModuleStatus(e.status)
        if status is ModuleStatus.OPEN:
            start, done = pd.NaT, pd.NaT
        elif status is ModuleStatus.IN_PROGRESS:
            start, done = since, pd.NaT
        else:  # done on ``since``: begun at the latest then
            begun = out.loc[row, "planned_start"].min()
            start = since if pd.isna(begun) or pd.isna(since) else min(begun, since)
            done = since
        out.loc[row, ["planned_start", "completed_date"]] = [start, done]
        out.loc[row, ["date_status", "source"]] = [DateStatus.EDITED.value, "Arbeitsbereich"]
    return out


def _edited_phases(table: pd.DataFrame, edits: Sequence[PhaseEdit]) -> pd.DataFrame:
    out = table.copy()
    for e in edits:
        rows = out["quarter_id"] == e.quarter_id

        def at(phase: Phase, _rows: pd.Series = rows) -> pd.Series:
            return _rows & (out["phase"] == phase.value)

        agreement = pd.Timestamp(e.agreement) if e.agreement else None
        implementation = pd.Timestamp(e.implementation) if e.implementation else None
        if agreement is not None:
            out.loc[at(Phase.CONCEPT), "end_date"] = agreement
            out.loc[at(Phase.AGREEMENT), "start_date"] = agreement
        if implementation is not None:
            years = out.loc[at(Phase.IMPLEMENTATION), ["start_date", "end_date"]]
            span = (years["end_date"] - years["start_date"]).iloc[0] if len(years) else None
            out.loc[at(Phase.AGREEMENT), "end_date"] = implementation
            out.loc[at(Phase.IMPLEMENTATION), "start_date"] = implementation
            if span is not None:
                out.loc[at(Phase.IMPLEMENTATION), "end_date"] = implementation + span
        changed = at(Phase.CONCEPT) | at(Phase.AGREEMENT) | at(Phase.IMPLEMENTATION)
        if agreement is not None or implementation is not None:
            out.loc[changed, ["date_status", "source"]] = [
                DateStatus.EDITED.value,
                "Arbeitsbereich",
            ]
    return out


def with_edits(
    tables: Mapping[str, pd.DataFrame],
    *,
    modules: Sequence[ModuleEdit] = (),
    phases: Sequence[PhaseEdit] = (),
) -> dict[str, pd.DataFrame]:
    """The programme tables with the planners' edits applied (new tables; input unchanged).

    Module edits set ``planned_start``/``completed_date`` of their row, phase edits move the
    concept end, the agreement and the implementation start (the implementation keeps its
    length); every changed row gets the date status ``edited`` and the source
    "Arbeitsbereich", so that tables and maps can say where a date comes from.

    Examples
    --------
    >>> day = pd.Timestamp
    >>> mods = pd.DataFrame({"quarter_id": [1], "module": ["baseline"],
    ...     "planned_start": [day("2017-01-01")], "completed_date": [day("2017-06-01")],
    ...     "date_status": ["illustrative"], "source": ["Regel"]})
    >>> edit = ModuleEdit(1, Module.BASELINE, ModuleStatus.IN_PROGRESS, date(2018, 3, 1))
    >>> out = with_edits({"modules": mods}, modules=[edit])["modules"].iloc[0]
    >>> str(out["planned_start"].date()), pd.isna(out["completed_date"]), out["date_status"]
    ('2018-03-01', True, 'edited')
    """
    out = dict(tables)
    if modules and "modules" in out:
        out["modules"] = _edited_modules(out["modules"], modules)
    if phases and "phases" in out:
        out["phases"] = _edited_phases(out["phases"], phases)
    return out
