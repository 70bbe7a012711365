"""Jury criteria, ranking, sensitivity, representativeness, similar quarters (4 toy quarters)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.reference import REFERENCE_DIR, load_reference
from quartier_geo.domain.selection import (
    CRITERIA,
    _fmt,
    criteria_table,
    normalise,
    rank,
    rank_sensitivity,
    representativeness,
    representativeness_index,
    similar_quarters,
)

NAMES = [c.name for c in CRITERIA]


@pytest.fixture
def quarters() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter_id": [1, 2, 3, 4],
            "area_ha": [100.0, 50.0, 200.0, 100.0],
            "residents": [5_000, 5_000, 4_000, 5_000],
            "quarter_type": ["colliery", "gruenderzeit", "suburb_efh", "colliery"],
        }
    )


@pytest.fixture
def buildings() -> pd.DataFrame:
    """Quarter 4 is an exact copy of quarter 1."""
    q1 = {
        "conditioned_floor_area_m2": [100.0, 300.0],
        "useful_heat_kwh_per_a": [20_000.0, 30_000.0],
        "co2_t_per_a": [5.0, 7.0],
        "potential_usual_kwh_per_a": [10_000.0, 10_000.0],
        "refurbishment_state": ["existing", "usual"],
        "owner_type": ["housing_company", "self_user"],
        "listed": [True, False],
        "age_class": ["B", "E"],
        "building_type": ["MFH", "NWG"],
        "heating_carrier": ["gas", "district_heating"],
    }
    q2 = {
        "conditioned_floor_area_m2": [200.0],
        "useful_heat_kwh_per_a": [30_000.0],
        "co2_t_per_a": [8.0],
        "potential_usual_kwh_per_a": [15_000.0],
        "refurbishment_state": ["existing"],
        "owner_type": ["private_landlord"],
        "listed": [False],
        "age_class": ["C"],
        "building_type": ["MFH"],
        "heating_carrier": ["oil"],
    }
    q3 = {
        "conditioned_floor_area_m2": [400.0],
        "useful_heat_kwh_per_a": [40_000.0],
        "co2_t_per_a": [9.0],
        "potential_usual_kwh_per_a": [10_000.0],
        "refurbishment_state": ["existing"],
        "owner_type": ["self_user"],
        "listed": [False],
        "age_class": ["H"],
        "building_type": ["EFH"],
        "heating_carrier": ["electricity"],
    }
    frames = [pd.DataFrame(d).assign(quarter_id=q) for q, d in ((1, q1), (2, q2), (3, q3), (4, q1))]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def criteria(quarters, buildings) -> pd.DataFrame:
    return criteria_table(quarters, buildings)


def test_criteria_by_hand(criteria):
    q1 = criteria.loc[1]
    assert q1["residents_per_ha"] == pytest.approx(50.0)
    assert q1["heat_demand_kwh_per_m2a"] == pytest.approx(50_000 / 400)
    assert q1["co2_t_per_resident_a"] == pytest.approx(12 / 5_000)
    assert q1["potential_usual_share"] == pytest.approx(20_000 / 50_000)
    assert q1["share_existing_state"] == pytest.approx(100 / 400)
    assert q1["share_fossil"] == pytest.approx(20_000 / 50_000)
    assert q1["district_heating_share"] == pytest.approx(30_000 / 50_000)
    assert q1["share_housing_company"] == pytest.approx(0.25)
    assert q1["share_listed"] == pytest.approx(0.25)
    assert q1["share_pre1949"] == pytest.approx(0.25)
    assert q1["share_1949_1978"] == pytest.approx(0.75)
    assert q1["share_nwg"] == pytest.approx(0.75)
    assert q1["quarter_type"] == "colliery"
    assert criteria.loc[2, "share_fossil"] == 1.0
    assert criteria.loc[3, "share_fossil"] == 0.0
    assert list(criteria.columns[:-1]) == NAMES


def test_missing_owner_column_leaves_that_criterion_empty(quarters, buildings):
    out = criteria_table(quarters, buildings.drop(columns="owner_type"))
    assert out["share_housing_company"].isna().all()
    assert out["share_listed"].notna().all()


def test_normalise_range_and_direction(criteria):
    norm = normalise(criteria)
    assert norm.min().min() >= 0.0 and norm.max().max() <= 1.0
    # heat demand: higher is better -> quarter 2 (150 kWh/m²a) gets 1, quarter 3 (100) gets 0
    assert norm.loc[2, "heat_demand_kwh_per_m2a"] == 1.0
    assert norm.loc[3, "heat_demand_kwh_per_m2a"] == 0.0
    # listed share: lower is better -> the quarters with listed buildings get 0
    assert norm.loc[1, "share_listed"] == 0.0
    assert norm.loc[2, "share_listed"] == 1.0


def test_constant_criterion_is_neutral(criteria):
    flat = criteria.assign(residents_per_ha=42.0)
    assert (normalise(flat)["residents_per_ha"] == 0.5).all()


@pytest.mark.parametrize("name", ["heat_demand_kwh_per_m2a", "residents_per_ha", "share_listed"])
def test_single_weight_ranks_by_that_criterion(criteria, name):
    result = rank(criteria, {name: 1.0})
    direction = next(c.direction for c in CRITERIA if c.name == name)
    expected = (criteria[name] * direction).rank(ascending=False, method="min").astype(int)
    pd.testing.assert_series_equal(result["rank"].sort_index(), expected, check_names=False)


def test_equal_criteria_give_equal_scores(criteria):
    result = rank(criteria, {n: 1.0 for n in NAMES})
    assert result.loc[1, "score"] == result.loc[4, "score"]
    assert result.loc[1, "rank"] == result.loc[4, "rank"]
    assert result["score"].between(0, 1).all()


def test_weight_validation(criteria):
    with pytest.raises(QuartierGeoError):
        rank(criteria, {"no_such_criterion": 1.0})
    with pytest.raises(QuartierGeoError):
        rank(criteria, {"residents_per_ha": 0.0})
    with pytest.raises(QuartierGeoError):
        rank(criteria, {"residents_per_ha": -1.0, "share_nwg": 2.0})


def test_sensitivity_with_zero_spread_keeps_every_rank(criteria):
    weights = {"heat_demand_kwh_per_m2a": 2.0, "share_fossil": 1.0, "share_listed": 0.5}
    out = rank_sensitivity(criteria, weights, spread=0.0, samples=20)
    base = rank(criteria, weights)["rank"]
    for column in ("rank_min", "rank_max", "rank_median"):
        assert (out[column] == out["rank"]).all(), column
    assert (out["rank"].sort_index() == base.sort_index()).all()


def test_sensitivity_is_seeded_and_bounded(criteria):
    # two criteria pulling in opposite directions make the ranking sensitive
    weights = {"residents_per_ha": 1.0, "share_nwg": 1.0}
    a = rank_sensitivity(criteria, weights, spread=0.9, samples=200, seed=3)
    b = rank_sensitivity(criteria, weights, spread=0.9, samples=200, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert (a["rank_min"] <= a["rank_median"]).all()
    assert (a["rank_median"] <= a["rank_max"]).all()
    assert a["rank_max"].max() <= 4 and a["rank_min"].min() >= 1
    assert (a["rank_max"] > a["rank_min"]).any()
    with pytest.raises(QuartierGeoError):
        rank_sensitivity(criteria, weights, spread=1.5)


def test_similar_quarter_of_a_duplicate_is_the_duplicate(criteria):
    out = similar_quarters(criteria, 1, n=2)
    assert out.index[0] == 4
    assert out.loc[4, "distance"] == 0.0
    assert bool(out.loc[4, "same_type"])
    assert len(out) == 2
    assert 1 not in out.index
    assert out.loc[4, "reasons_de"].startswith("gleicher Quartierstyp; ähnlich bei:")
    assert out.loc[4, "reasons_de"].count(" / ") == 3  # three criteria, "own / other" each
    assert out.loc[4, "reasons_en"].startswith("same quarter type; similar in:")
    assert out.loc[4, "reasons_en"].count(" / ") == 3
    other = out.index[1]
    assert not out.loc[other, "same_type"]
    assert out.loc[other, "reasons_de"].startswith("ähnlich bei:")
    assert out.loc[other, "reasons_en"].startswith("similar in:")
    assert (out["distance"].diff().dropna() >= 0).all()
    with pytest.raises(QuartierGeoError):
        similar_quarters(criteria, 99)


def test_representativeness_by_hand(quarters):
    # residents by type: colliery 10,000, gruenderzeit 5,000, suburb_efh 4,000 (of 19,000)
    region = {"colliery": 0.5, "gruenderzeit": 0.25, "suburb_efh": 0.25}
    table = representativeness(quarters, region)
    assert table.loc["colliery", "share_selection"] == pytest.approx(10 / 19)
    assert table.loc["suburb_efh", "difference"] == pytest.approx(4 / 19 - 0.25)
    expected = 1 - 0.5 * (abs(10 / 19 - 0.5) + abs(5 / 19 - 0.25) + abs(4 / 19 - 0.25))
    assert representativeness_index(table) == pytest.approx(expected)
    assert table.attrs["similarity"] == pytest.approx(expected)
    assert table["share_selection"].sum() == pytest.approx(1.0)


def test_representativeness_extremes(quarters):
    same = {"colliery": 10.0, "gruenderzeit": 5.0, "suburb_efh": 4.0}  # un-normalised is fine
    assert representativeness_index(representativeness(quarters, same)) == pytest.approx(1.0)
    disjoint = representativeness(quarters, {"estate_6070": 1.0})
    assert representativeness_index(disjoint) == pytest.approx(0.0)
    assert disjoint.loc["estate_6070", "share_selection"] == 0.0


def test_bundled_region_shares_are_marked_assumption(quarters):
    shares = load_reference().region_shares
    assert shares.sum() == pytest.approx(1.0)
    assert set(shares.index) == {
        "colliery",
        "gruenderzeit",
        "postwar_rows",
        "estate_6070",
        "suburb_efh",
        "mixed_inner",
    }
    raw = pd.read_csv(REFERENCE_DIR / "region_settlement_types.csv")
    assert (raw["status"] == "assumption").all()
    score = representativeness_index(representativeness(quarters, shares))
    assert 0.0 <= score <= 1.0
    assert np.isfinite(score)


def test_criterion_units_in_both_languages():
    # EW = Einwohner (residents); a whole number shows without decimals
    assert _fmt(12.0, "EW/ha", "de") == "12 EW/ha"
    assert _fmt(12.0, "EW/ha", "en") == "12 res./ha"
    assert _fmt(1.5, "t/(EW·a)", "en") == "1.50 t/(res.·a)"
    assert _fmt(0.25, "share", "de") == "25 %"
