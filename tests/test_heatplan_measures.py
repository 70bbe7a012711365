"""§ 20 WPG implementation strategy (issue #9 item 8): every measure template names its
actor, timing, cost (or says there is no sourced figure) and today's funding programme,
and every funding figure has a source that was read."""

from __future__ import annotations

import pandas as pd
import pytest

from quartier_geo.data import layers
from quartier_geo.data.reference import REFERENCE_DIR
from quartier_geo.domain.heatplan_measures import implementation_measures

FUNDING = [
    "funding_programme",
    "funding_programme_de",
    "funding_programme_en",
    "funding_rate_de",
    "funding_rate_en",
    "funding_base_pct",
    "funding_max_pct",
]
NO_FIGURE = "keine belegte Zahl"


@pytest.fixture(scope="module")
def templates() -> pd.DataFrame:
    return pd.read_csv(
        REFERENCE_DIR / "measure_templates.csv", dtype=str, keep_default_na=False
    ).set_index("key")


def test_every_non_empty_funding_cell_has_a_source_that_was_read(templates) -> None:
    funded = templates[(templates[FUNDING] != "").any(axis=1)]
    assert len(funded) >= 3  # heat pumps, envelope measures, heat networks
    for key, row in funded.iterrows():
        assert row["funding_url"].startswith("https://"), key
        assert all(u.strip().startswith("https://") for u in row["funding_url"].split(";")), key
        assert row["funding_status"] == "read", key
        assert row["funding_programme_de"] and row["funding_programme_en"]
        assert row["funding_rate_de"] and row["funding_rate_en"]


def test_a_measure_without_funding_figures_says_so(templates) -> None:
    unfunded = templates[(templates[FUNDING] == "").all(axis=1)]
    assert len(unfunded) >= 1
    for key, row in unfunded.iterrows():
        assert row["funding_url"] == "" and row["funding_status"] == "", key
        assert NO_FIGURE in row["funding_note_de"], key
        assert "no sourced figure" in row["funding_note_en"], key


def test_cost_is_sourced_or_marked_as_missing(templates) -> None:
    for key, row in templates.iterrows():
        if row["cost_eur"]:
            assert row["cost_unit"] and row["cost_source"].startswith("https://"), key
        else:
            assert NO_FIGURE in row["cost_note_de"], key
            assert "no sourced figure" in row["cost_note_en"], key


def test_every_measure_has_an_actor_and_a_timing(templates) -> None:
    assert (templates["actor_de"] != "").all() and (templates["actor_en"] != "").all()
    assert set(templates["actor_status"]) == {"assumption"}  # no source names the actors
    assert templates["year_offset"].astype(int).between(0, 10).all()


def test_the_funding_programmes_and_rates_of_the_sources(templates) -> None:
    """Rates as stated by the cited pages (funding_url): KfW 458 30 % base, bonuses up to a
    cap of 70 %; BEG EM 15 % plus 5 % iSFP bonus = 20 %; BEW investment grant 40 %."""
    heat_pumps, envelope, network = templates.loc["S2"], templates.loc["R2"], templates.loc["S1"]
    assert heat_pumps["funding_programme"] == "KfW 458"
    assert (heat_pumps["funding_base_pct"], heat_pumps["funding_max_pct"]) == ("30", "70")
    # 30 base + 20 speed + 30 income (+ 5 efficiency) exceeds the cap: the cap holds
    assert int(heat_pumps["funding_max_pct"]) < 30 + 20 + 30
    assert envelope["funding_programme"] == "BAFA BEG EM"
    assert (envelope["funding_base_pct"], envelope["funding_max_pct"]) == ("15", str(15 + 5))
    assert templates.loc["R1", "funding_programme"] == envelope["funding_programme"]
    assert network["funding_programme"] == "BEW"
    assert network["funding_max_pct"] == "40"


def test_the_plan_of_a_quarter_follows_the_programme_tables(templates) -> None:
    """Quarter 1 has district heating (measure M01-S1): all seven templates, ordered by
    the year of implementation (year_offset + 1)."""
    measures = layers.load_table("measures")
    plan = implementation_measures(templates.reset_index(), measures, 1)
    assert plan["key"].tolist() == ["A1", "R1", "R2", "S1", "S2", "S3", "M1"]
    assert plan["implementation_year"].tolist() == [1, 1, 2, 2, 3, 3, 4]
    networked = set(measures.loc[measures["measure_id"].str.endswith("-S1"), "quarter_id"])
    without = next(q for q in range(1, 21) if q not in networked)
    assert (
        "S1"
        not in implementation_measures(templates.reset_index(), measures, without)["key"].tolist()
    )


def test_funding_source_agrees_with_the_funding_programme(templates) -> None:
    """The Projektphasen page shows ``funding_source``, the Wärmeplanung page the programme:
    both must name the same funder (review: R1 said KfW beside BAFA BEG EM, S2 said BAFA
    beside KfW 458)."""
    funder = {"BAFA": "BAFA BEG", "KfW": "KfW"}
    checked = 0
    for key, row in templates.iterrows():
        prefix = row["funding_programme"].split(" ")[0]
        if prefix in funder:
            assert row["funding_source"] == funder[prefix], key
            checked += 1
    assert checked >= 3  # R1, R2 (BAFA BEG EM), S2 (KfW 458)


def test_a_filled_cost_is_shown_with_the_language_separators() -> None:
    """Once a template has a cost it is formatted by numfmt, not printed as a raw float."""
    from quartier_geo.ui.heatplan_measures import _cost

    row = pd.Series({"cost_eur": 12500.5, "cost_unit": "€ je Gebäude"})
    assert _cost(row, NO_FIGURE, "de") == "12.500,5 € je Gebäude"
    assert _cost(row, NO_FIGURE, "en") == "12,500.5 € je Gebäude"
    assert _cost(pd.Series({"cost_eur": "", "cost_unit": ""}), NO_FIGURE, "de") == NO_FIGURE
