"""The programme's phase model: phases, concept modules, measures, meetings and lessons.

InnovationCity roll out (icrollout.de "Projektablauf", quarters.md): a preparation phase
from March 2016 with the jury's selection of 20 quarters (announced 2 May 2016); a concept
phase per quarter, staggered from July 2016, with four modules (Grundlagenermittlung,
energetisches Sanierungskonzept, Energieversorgungskonzept, Akteursaktivierungs- und
Kommunikationskonzept); a signed agreement; then implementation (not EFRE-funded; ICM
2019: agreed with 20 cities for 5 years each).

Every date carries a :class:`DateStatus` and a source text. Real dates come from
quarters.csv and programme.csv; the gaps are filled by these illustrative rules:

* preparation: project start (March 2016) until the quarter's concept start; the jury
  selection of 2 May 2016 lies inside it (for late starters the time until their kick-off
  counts as preparation: a modelling choice);
* concept end = concept start + 12 months. Each concept was planned for about 6 months,
  but the reports took longer (Dorsten 13 months, Wesel 14 months). Where only the year or
  half-year of completion is known, the date is clamped into it (status ``inferred``); no
  concept ends after the closing event of 1 July 2019;
* agreement = concept end .. concept end + 1 month; implementation starts at the agreement
  and lasts 5 years (ICM 2019), unless programme.csv has the real dates;
* modules: baseline in the first third of the concept phase, refurbishment and supply
  concepts from a quarter of it to its end, activation over the whole phase.

All tables are deterministic: the same reference gives the same tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd

from quartier_geo.base.errors import QuartierGeoError, ReferenceDataError
from quartier_geo.data.reference import Reference

__all__ = [
    "AS_OF",
    "LABELS",
    "DateStatus",
    "MeasureCategory",
    "MeasureStatus",
    "Module",
    "ModuleStatus",
    "ParsedDate",
    "Phase",
    "ProgrammeState",
    "build_programme_tables",
    "parse_date",
    "phase_or_state",
    "status_at",
    "weakest",
]

#: Date at which the bundled measures' status (done / in progress / planned) is stated.
AS_OF = date(2025, 6, 30)


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


def _add_months(d: date, months: int) -> date:
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
        last = _add_months(date(y, int(match["m2"] or match["m"]), 1), 1)
        precision, status = "month", DateStatus.READ_MONTH
    elif match["h"]:
        first = date(y, 1 if match["h"] == "H1" else 7, 1)
        last, precision, status = _add_months(first, 6), "half", DateStatus.INFERRED
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


def _fact(facts: pd.DataFrame, event: str, quarter_id: int | None = None) -> pd.Series | None:
    q = facts["quarter_id"]
    mask = (facts["event"] == event) & (q.isna() if quarter_id is None else q == quarter_id)
    rows = facts[mask]
    return None if rows.empty else rows.iloc[0]


def _program_dates(facts: pd.DataFrame) -> dict[str, tuple[date, DateStatus, str]]:
    out = {}
    for event in ("project_start", "selection_announced", "closing_event"):
        row = _fact(facts, event)
        if row is None:
            raise ReferenceDataError(f"programme.csv: Ereignis {event!r} fehlt.")
        parsed = parse_date(row["date"])
        status = parsed.status if row["status"] == "read" else weakest(parsed.status, "inferred")
        out[event] = (parsed.first, status, str(row["source"]))
    return out


def _quarter_dates(
    qid: int, start_text: str, start_source: str, facts: pd.DataFrame, programme: dict
) -> dict[str, tuple[date, DateStatus, str]]:
    """Start and end of each phase of one quarter, each with status and source."""
    start = parse_date(start_text, source=start_source)
    s = (start.first, start.status, f"quarters.csv: {start_source}")
    closing = programme["closing_event"][0]
    planned = _add_months(s[0], 12)
    row = _fact(facts, "concept_end", qid)
    if row is None:
        e = (
            min(planned, closing),
            DateStatus.ILLUSTRATIVE,
            "illustrativ: Konzeptstart + 12 Monate (geplant ~6 Monate, Berichte dauerten länger)",
        )
    else:
        end = parse_date(row["date"])
        if end.precision in ("day", "month"):
            e = (end.first, end.status, f"programme.csv {row['fact_id']}: {row['source']}")
        else:
            clamped = min(max(planned, end.first), end.last)
            e = (
                clamped,
                DateStatus.INFERRED,
                f"Zeitraum belegt ({row['date']}, {row['source']}); Tag illustrativ",
            )
    row = _fact(facts, "implementation_start", qid)
    if row is None:
        i = (
            _add_months(e[0], 1),
            DateStatus.ILLUSTRATIVE,
            "illustrativ: Vereinbarung 1 Monat nach Konzeptende",
        )
    else:
        p = parse_date(row["date"])
        i = (p.first, p.status, f"programme.csv {row['fact_id']}: {row['source']}")
    years = _fact(facts, "implementation_agreed")
    span = int(years["value"]) if years is not None else 5
    row = _fact(facts, "implementation_end", qid)
    if row is None:
        status = (
            DateStatus.INFERRED
            if i[1] in (DateStatus.READ, DateStatus.READ_MONTH)
            else DateStatus.ILLUSTRATIVE
        )
        x = (
            _add_months(i[0], 12 * span),
            status,
            f"Umsetzungsbeginn + {span} Jahre (ICM 2019: je 5 Jahre)",
        )
    else:
        p = parse_date(row["date"])
        x = (p.first, p.status, f"programme.csv {row['fact_id']}: {row['source']}")
    return {"prep": programme["project_start"], "start": s, "end": e, "impl": i, "impl_end": x}


def _phase_rows(qid: int, d: dict) -> list[dict]:
    spans = (
        (Phase.PREPARATION, d["prep"], d["start"]),
        (Phase.CONCEPT, d["start"], d["end"]),
        (Phase.AGREEMENT, d["end"], d["impl"]),
        (Phase.IMPLEMENTATION, d["impl"], d["impl_end"]),
    )
    return [
        {
            "quarter_id": qid,
            "phase": phase.value,
            "start_date": a[0],
            "end_date": b[0],
            "start_status": a[1].value,
            "end_status": b[1].value,
            "date_status": weakest(a[1], b[1]).value,
            "source": f"Beginn: {a[2]} | Ende: {b[2]}",
        }
        for phase, a, b in spans
    ]


def _module_rows(qid: int, d: dict) -> list[dict]:
    (s, s_status, _), (e, e_status, _) = d["start"], d["end"]
    span = e.toordinal() - s.toordinal()
    third, quarter = (
        date.fromordinal(s.toordinal() + span // 3),
        date.fromordinal(s.toordinal() + span // 4),
    )
    # a handed-over report implies that its modules were done then: at best inferred
    done_status = weakest(e_status, DateStatus.INFERRED)
    ill = DateStatus.ILLUSTRATIVE
    rows = (
        (Module.BASELINE, s, third, weakest(s_status, ill)),
        (Module.REFURBISHMENT_CONCEPT, quarter, e, ill),
        (Module.SUPPLY_CONCEPT, quarter, e, ill),
        (Module.ACTIVATION_CONCEPT, s, e, weakest(s_status, done_status)),
    )
    return [
        {
            "quarter_id": qid,
            "module": module.value,
            "planned_start": start,
            "completed_date": done,
            "date_status": status.value,
            "source": "Modulfolge illustrativ innerhalb der Konzeptphase",
        }
        for module, start, done, status in rows
    ]


def _measure_status(year: int, as_of: date) -> str:
    if year < as_of.year:
        return MeasureStatus.DONE.value
    return (MeasureStatus.IN_PROGRESS if year == as_of.year else MeasureStatus.PLANNED).value


@dataclass(frozen=True)
class _MeasureCase:
    """What one quarter's measures depend on: its id and dates (:func:`_quarter_dates`),
    district heating in or near it, and the categories of its reported measures."""

    qid: int
    dates: dict
    networked: bool
    reported: frozenset[str]


def _measure_rows(case: _MeasureCase, *, as_of: date, templates: pd.DataFrame) -> list[dict]:
    """The EFRE-funded concept and illustrative examples, except in the categories where
    the quarter has reported measures (those speak for themselves)."""
    qid, d, networked, reported = case.qid, case.dates, case.networked, case.reported
    e, e_status, _ = d["end"]
    rows = [
        {
            "measure_id": f"M{qid:02d}-C",
            "quarter_id": qid,
            "title_de": "Integriertes energetisches Quartierskonzept (IEQK)",
            "title_en": "Integrated energy quarter concept (IEQK)",
            "category": MeasureCategory.PLANNING.value,
            "funding_source": "EFRE",
            "status": _measure_status(e.year, as_of),
            "year": e.year,
            "count": 1,
            "co2_saving_t_per_a": np.nan,
            "date_status": e_status.value,
            "source": "quarters.md: Konzeptphase aus EFRE (Regio.NRW); Jahr = Konzeptende",
        }
    ]
    rows = [r for r in rows if r["category"] not in reported]
    impl, impl_end = d["impl"][0].year, d["impl_end"][0].year
    for t in templates.itertuples(index=False):
        if (bool(t.needs_district_heating) and not networked) or t.category in reported:
            continue
        year = min(impl + int(t.year_offset), impl_end)
        rows.append(
            {
                "measure_id": f"M{qid:02d}-{t.key}",
                "quarter_id": qid,
                "title_de": t.title_de,
                "title_en": t.title_en,
                "category": MeasureCategory(t.category).value,
                "funding_source": t.funding_source,
                "status": _measure_status(year, as_of),
                "year": year,
                "count": np.nan,
                "co2_saving_t_per_a": np.nan,
                "date_status": DateStatus.ILLUSTRATIVE.value,
                "source": f"illustrativ: Beispielmaßnahme (measure_templates.csv {t.key})",
            }
        )
    return rows


def _timestamps(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    return df.assign(**{c: pd.to_datetime(df[c]) for c in columns})


def build_programme_tables(ref: Reference, *, as_of: date = AS_OF) -> dict[str, pd.DataFrame]:
    """All programme tables: phases, modules, measures, meetings, lessons, milestones.

    ``phases``: quarter_id, phase, start_date, end_date (exclusive), start_status,
    end_status, date_status (the weaker of both), source. ``modules``: quarter_id, module,
    planned_start, completed_date, date_status, source. ``measures``: the reported facts of
    programme_measures.csv (Herne, Wesel, Mülheim), one EFRE-funded concept per quarter and
    illustrative examples; ``status`` is stated as of ``as_of``. ``meetings``: Projekttisch
    Ruhr (projekttisch.csv). ``lessons``: lessons.csv. ``milestones``: programme-wide dates.
    """
    facts = ref.programme_facts
    programme = _program_dates(facts["facts"])
    quarters = ref.quarters.sort_values("id")
    profiles = ref.quarter_profiles
    reported = facts["measures"].groupby("quarter_id")["category"].agg(set)
    phases, modules, measures = [], [], []
    for q in quarters.itertuples(index=False):  # 20 quarters
        qid = int(q.id)
        d = _quarter_dates(
            qid, q.concept_start, str(q.concept_start_source), facts["facts"], programme
        )
        networked = qid in profiles.index and profiles.loc[qid, "district_heating"] in (
            "core",
            "nearby",
        )
        phases += _phase_rows(qid, d)
        modules += _module_rows(qid, d)
        case = _MeasureCase(qid, d, networked, frozenset(reported.get(qid, set())))
        measures += _measure_rows(case, as_of=as_of, templates=facts["templates"])
    reported = facts["measures"].rename(columns={"status": "provenance"})
    reported = reported.rename(columns={"measure_status": "status"}).drop(columns="provenance")
    measures_df = pd.concat([pd.DataFrame(measures), reported], ignore_index=True)
    measures_df = measures_df.sort_values(["quarter_id", "year", "measure_id"], kind="stable")
    meetings = facts["meetings"].assign(date=lambda m: pd.to_datetime(m["date"]))
    dated = facts["facts"][facts["facts"]["quarter_id"].isna() & facts["facts"]["date"].notna()]
    milestones = pd.DataFrame(
        {
            "event": dated["event"].to_numpy(),
            "date": pd.to_datetime([parse_date(t).first for t in dated["date"]]),
            "date_status": [parse_date(t).status.value for t in dated["date"]],
            "note": dated["note"].to_numpy(),
            "source": dated["source"].to_numpy(),
        }
    )
    return {
        "phases": _timestamps(pd.DataFrame(phases), ("start_date", "end_date")),
        "modules": _timestamps(pd.DataFrame(modules), ("planned_start", "completed_date")),
        "measures": measures_df.reset_index(drop=True),
        "meetings": meetings.sort_values("number").reset_index(drop=True),
        "lessons": facts["lessons"].copy(),
        "milestones": milestones.sort_values("date", kind="stable").reset_index(drop=True),
    }


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
    module_status = np.select(
        [t < modules["planned_start"], t < modules["completed_date"]],
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
