"""Phase model: date parsing, programme tables from the reference, status on a date."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.reference import load_reference
from quartier_geo.domain.phases import (
    LABELS,
    DateStatus,
    MeasureCategory,
    MeasureStatus,
    Module,
    ModuleStatus,
    Phase,
    ProgrammeState,
    parse_date,
    status_at,
    weakest,
)
from quartier_geo.domain.programme import build_programme_tables

STATUSES = {s.value for s in DateStatus}


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(scope="module")
def tables(ref):
    return build_programme_tables(ref)


def phase_row(tables, quarter_id: int, phase: Phase) -> pd.Series:
    p = tables["phases"]
    return p[(p["quarter_id"] == quarter_id) & (p["phase"] == phase.value)].iloc[0]


# --------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("text", "first", "last", "precision", "status"),
    [
        ("2018-02-13", date(2018, 2, 13), date(2018, 2, 13), "day", DateStatus.READ),
        ("2016-10", date(2016, 10, 1), date(2016, 10, 31), "month", DateStatus.READ_MONTH),
        ("2017-01/02 (approx.)", date(2017, 1, 1), date(2017, 2, 28), "month", DateStatus.INFERRED),
        ("2017-07 (approx.)", date(2017, 7, 1), date(2017, 7, 31), "month", DateStatus.INFERRED),
        ("2019-H1", date(2019, 1, 1), date(2019, 6, 30), "half", DateStatus.INFERRED),
        ("2018", date(2018, 1, 1), date(2018, 12, 31), "year", DateStatus.INFERRED),
    ],
)
def test_parse_date_formats(text, first, last, precision, status):
    parsed = parse_date(text)
    assert (parsed.first, parsed.last, parsed.precision, parsed.status) == (
        first,
        last,
        precision,
        status,
    )


def test_source_saying_yesterday_makes_a_day_inferred():
    assert parse_date("2018-02-19", source="release of 20 Feb 2018 says 'gestern'").status == (
        DateStatus.INFERRED
    )
    assert parse_date("2017-03-13", source="'am Montag' (date inferred)").status == (
        DateStatus.INFERRED
    )


def test_every_concept_start_of_quarters_csv_parses(ref):
    for row in ref.quarters.itertuples(index=False):
        parsed = parse_date(row.concept_start, source=row.concept_start_source)
        assert date(2016, 7, 1) <= parsed.first <= date(2018, 3, 29), row.id
    wesel = ref.quarters[ref.quarters["id"] == 19].iloc[0]
    assert parse_date(wesel.concept_start, source=wesel.concept_start_source).status == (
        DateStatus.INFERRED
    )


def test_unreadable_date_is_a_named_error():
    with pytest.raises(QuartierGeoError):
        parse_date("März 2017")


def test_weakest_status():
    assert weakest(DateStatus.READ, DateStatus.READ_MONTH) is DateStatus.READ_MONTH
    assert weakest("read", "illustrative", "inferred") is DateStatus.ILLUSTRATIVE


# --------------------------------------------------------------------------- phases
def test_all_20_quarters_have_a_concept_phase_from_their_reported_start(ref, tables):
    concept = tables["phases"][tables["phases"]["phase"] == Phase.CONCEPT.value]
    assert sorted(concept["quarter_id"]) == list(range(1, 21))
    starts = concept.set_index("quarter_id")["start_date"]
    assert starts[1] == pd.Timestamp("2018-02-13")
    assert starts[2] == pd.Timestamp("2016-10-01")
    assert starts[14] == pd.Timestamp("2017-01-01")
    assert starts[15] == pd.Timestamp("2017-07-01")


def test_phases_are_contiguous_and_ordered(tables):
    order = [p.value for p in Phase]
    for qid, group in tables["phases"].groupby("quarter_id"):
        group = group.set_index("phase").loc[order]
        assert (group["start_date"] < group["end_date"]).all(), qid
        assert (
            group["end_date"].iloc[:-1].to_numpy() == group["start_date"].iloc[1:].to_numpy()
        ).all()
        assert group["start_date"].iloc[0] == pd.Timestamp("2016-03-01")


def test_reported_dates_are_read(tables):
    dorsten = phase_row(tables, 2, Phase.CONCEPT)
    assert dorsten["end_date"] == pd.Timestamp("2017-11-14")
    assert dorsten["end_status"] == DateStatus.READ.value
    assert phase_row(tables, 14, Phase.CONCEPT)["end_date"] == pd.Timestamp("2017-10-02")
    wesel = phase_row(tables, 19, Phase.CONCEPT)
    assert (wesel["end_date"], wesel["end_status"]) == (pd.Timestamp("2019-04-01"), "read_month")
    assert phase_row(tables, 19, Phase.IMPLEMENTATION)["start_date"] == pd.Timestamp("2020-10-01")
    assert phase_row(tables, 7, Phase.CONCEPT)["end_date"] == pd.Timestamp("2019-06-01")
    assert phase_row(tables, 9, Phase.IMPLEMENTATION)["start_date"] == pd.Timestamp("2019-01-01")
    oberhausen = phase_row(tables, 15, Phase.IMPLEMENTATION)
    assert (oberhausen["start_date"], oberhausen["end_date"]) == (
        pd.Timestamp("2020-06-01"),
        pd.Timestamp("2025-04-01"),
    )


def test_year_only_completions_fall_into_their_year(tables):
    for qid, year in (
        (5, 2017),
        (4, 2018),
        (6, 2018),
        (10, 2018),
        (16, 2018),
        (17, 2018),
        (15, 2019),
    ):
        row = phase_row(tables, qid, Phase.CONCEPT)
        assert row["end_date"].year == year, qid
        assert row["end_status"] == DateStatus.INFERRED.value
    for qid in (1, 18):  # first half of 2019
        end = phase_row(tables, qid, Phase.CONCEPT)["end_date"]
        assert pd.Timestamp("2019-01-01") <= end <= pd.Timestamp("2019-06-30")


def test_illustrative_rules(tables):
    witten = phase_row(tables, 20, Phase.CONCEPT)  # start 29 Mar 2018, no completion found
    assert witten["end_date"] == pd.Timestamp("2019-03-29")
    assert witten["end_status"] == DateStatus.ILLUSTRATIVE.value
    assert "12 Monate" in witten["source"]
    agreement = phase_row(tables, 20, Phase.AGREEMENT)
    assert agreement["end_date"] == pd.Timestamp("2019-04-29")
    implementation = phase_row(tables, 20, Phase.IMPLEMENTATION)
    assert implementation["end_date"] == pd.Timestamp("2024-04-29")
    herne = phase_row(tables, 9, Phase.IMPLEMENTATION)
    assert herne["end_date"] == pd.Timestamp("2024-01-01")
    assert herne["end_status"] == DateStatus.INFERRED.value


def test_no_concept_ends_after_the_closing_event(tables):
    concept = tables["phases"][tables["phases"]["phase"] == Phase.CONCEPT.value]
    assert (concept["end_date"] <= pd.Timestamp("2019-07-01")).all()


def test_every_date_has_a_status_and_a_source(tables):
    for key in ("phases", "modules", "measures", "meetings"):
        table = tables[key]
        assert set(table["date_status"]) <= STATUSES, key
        assert table["source"].astype(str).str.len().gt(5).all(), key
    assert set(tables["modules"]["module"]) == {m.value for m in Module}


def test_tables_are_deterministic(ref, tables):
    again = build_programme_tables(ref)
    for key, table in tables.items():
        pd.testing.assert_frame_equal(table, again[key])


# --------------------------------------------------------------------------- status at a date
def test_status_before_the_programme(tables):
    before = status_at(tables, "2016-02-15")
    assert len(before) == 20
    assert before["phase"].isna().all()
    assert (before["state"] == ProgrammeState.BEFORE.value).all()
    assert (before[[m.value for m in Module]] == ModuleStatus.OPEN.value).all().all()


def test_status_after_2025(tables):
    after = status_at(tables, date(2031, 1, 1))
    assert after["phase"].isna().all()
    assert (after["state"] == ProgrammeState.AFTER.value).all()
    assert (after[[m.value for m in Module]] == ModuleStatus.DONE.value).all().all()


def test_status_in_mid_2017_and_2022(tables):
    mid = status_at(tables, "2017-06-01")
    assert mid.loc[2, "phase"] == Phase.CONCEPT.value  # Dorsten, Oct 2016 - Nov 2017
    assert mid.loc[20, "phase"] == Phase.PREPARATION.value  # Witten starts Mar 2018
    assert mid.loc[20, Module.BASELINE.value] == ModuleStatus.OPEN.value
    assert mid.loc[2, Module.BASELINE.value] == ModuleStatus.DONE.value
    assert mid.loc[2, Module.SUPPLY_CONCEPT.value] == ModuleStatus.IN_PROGRESS.value
    assert status_at(tables, "2022-01-01").loc[9, "phase"] == Phase.IMPLEMENTATION.value
    assert status_at(tables, "2020-01-01").loc[19, "phase"] == Phase.AGREEMENT.value


# --------------------------------------------------------------------------- measures etc.
def test_reported_measures_of_herne_wesel_and_muelheim(tables):
    m = tables["measures"].set_index("measure_id")
    assert m.loc["M09-R2019", "count"] == 31
    assert m.loc["M09-R2020", "count"] == 39
    assert m.loc["M09-A2020", "count"] == 333
    assert m.loc["M09-S2020", "co2_saving_t_per_a"] == pytest.approx(195.3)
    assert m.loc["M19-A2021a", "count"] == 50
    assert m.loc["M19-A2021b", "count"] == 41
    assert m.loc["M14-P2017", "count"] == 40
    reported = m.loc[["M09-R2019", "M19-A2021b", "M14-P2017"], "date_status"]
    assert (reported == DateStatus.READ.value).all()


def test_measure_vocabularies_and_efre_only_for_concepts(tables):
    m = tables["measures"]
    assert set(m["category"]) <= {c.value for c in MeasureCategory}
    assert set(m["status"]) <= {s.value for s in MeasureStatus}
    assert (m.loc[m["funding_source"] == "EFRE", "category"] == "planning").all()
    illustrative = m[m["source"].str.startswith("illustrativ")]
    assert len(illustrative) > 0
    assert (illustrative["date_status"] == DateStatus.ILLUSTRATIVE.value).all()
    # where a quarter reports measures, no illustrative ones stand beside them
    herne = m[m["quarter_id"] == 9]
    assert set(herne.loc[herne["date_status"] == "illustrative", "category"]) <= {
        "mobility",
        "planning",
    }


def test_meetings(tables):
    meetings = tables["meetings"].set_index("number")
    assert list(meetings.index) == [1, 2, 3, 4, 5, 6]
    fourth = meetings.loc[4]
    assert fourth["municipality"] == "Gelsenkirchen"
    assert fourth["date"] == pd.Timestamp("2017-12-01")
    assert fourth["date_status"] != DateStatus.ILLUSTRATIVE.value
    assert meetings.loc[1, "date"] == pd.Timestamp("2016-09-27")
    guessed = meetings[meetings["date_status"] == DateStatus.ILLUSTRATIVE.value]
    assert len(guessed) >= 1
    assert guessed["topics_de"].str.contains("illustrativ").all()


def test_lessons_and_milestones(tables):
    lessons = tables["lessons"]
    assert lessons["text_de"].str.contains("1,4 %/a").any()
    assert lessons["text_en"].str.contains("18 months").any()
    assert set(lessons["status"]) <= {"read", "inferred", "assumption"}
    assert lessons["source"].notna().all()
    milestones = tables["milestones"].set_index("event")
    assert milestones.loc["selection_announced", "date"] == pd.Timestamp("2016-05-02")
    assert milestones.loc["closing_event", "date"] == pd.Timestamp("2019-07-01")


def test_every_enum_value_has_german_and_english_labels():
    for enum in (
        Phase,
        Module,
        ModuleStatus,
        DateStatus,
        MeasureCategory,
        MeasureStatus,
        ProgrammeState,
    ):
        for member in enum:
            assert LABELS["de"][member.value], member
            assert LABELS["en"][member.value], member
    assert LABELS["de"][Module.BASELINE.value] == "Grundlagenermittlung"
