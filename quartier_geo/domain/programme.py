"""The programme tables: phases, concept modules, measures, meetings, lessons, milestones.

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

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from quartier_geo.base.errors import ReferenceDataError
from quartier_geo.data.reference import Reference
from quartier_geo.domain.phases import (
    DateStatus,
    MeasureCategory,
    MeasureStatus,
    Module,
    Phase,
    add_months,
    parse_date,
    weakest,
)

__all__ = ["AS_OF", "build_programme_tables"]

#: Date at which the bundled measures' status (done / in progress / planned) is stated.
AS_OF = date(2025, 6, 30)


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
    planned = add_months(s[0], 12)
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
            add_months(e[0], 1),
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
            add_months(i[0], 12 * span),
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
