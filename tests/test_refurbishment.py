"""Scenario paths: invariants and hand-checked years."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from quartier_geo.base.columns import RefurbState
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.layers import validate_buildings
from quartier_geo.domain.energy import assess_buildings
from quartier_geo.domain.refurbishment import (
    Priority,
    ScenarioParams,
    refurbishment_years,
    scenario_path,
    target_lines,
)


@pytest.fixture
def assessed(ref, three_buildings):
    return assess_buildings(validate_buildings(three_buildings, ref).buildings, ref)


def test_rate_zero_gives_a_flat_path(ref, assessed):
    p = scenario_path(assessed, ScenarioParams(rate_per_a=0.0), ref)
    assert len(p) == 21
    assert np.ptp(p["useful_heat_mwh_per_a"]) == 0.0
    assert p["refurbished_buildings"].max() == 0


def test_first_year_is_the_status_quo(ref, assessed):
    p = scenario_path(assessed, ScenarioParams(rate_per_a=0.05), ref)
    first = p.iloc[0]
    assert first["useful_heat_mwh_per_a"] == pytest.approx(
        assessed["useful_heat_kwh_per_a"].sum() / 1000
    )
    assert first["final_energy_mwh_per_a"] == pytest.approx(
        assessed["final_energy_kwh_per_a"].sum() / 1000
    )
    # in 2025 the electricity path equals the GEG value, so CO2 equals the assessment
    assert first["co2_t_per_a"] == pytest.approx(assessed["co2_t_per_a"].sum())


def test_years_by_hand(ref, assessed):
    # floor areas: a 100 m², b 522 m², c 348 m² (already usual) -> total 970 m².
    # usual depth, worst first: a (275.3 kWh/m²a) then b (233.5); c is no candidate.
    # rate 10 %/a: a reaches 100/970 = 10.3 % -> ceil(1.03) = 2 -> 2027;
    # b reaches 622/970 = 64.1 % -> ceil(6.41) = 7 -> 2032.
    years = refurbishment_years(assessed, ScenarioParams(rate_per_a=0.10))
    assert years.tolist()[0] == 2027
    assert years.tolist()[1] == 2032
    assert np.isnan(years.tolist()[2])


def test_refurbishment_never_raises_demand_and_share_stays_within_one(ref, assessed):
    for depth in (RefurbState.USUAL, RefurbState.ADVANCED):
        for prio in Priority:
            p = scenario_path(
                assessed, ScenarioParams(rate_per_a=0.5, depth=depth, priority=prio), ref
            )
            assert (np.diff(p["useful_heat_mwh_per_a"]) <= 1e-9).all()
            assert p["refurbished_share"].between(0, 1).all()
            assert (np.diff(p["refurbished_share"]) >= 0).all()


def test_full_switch_removes_fossil_heat(ref, assessed):
    p = scenario_path(
        assessed, ScenarioParams(rate_per_a=0.0, heat_pump_switch_rate_per_a=1.0), ref
    )
    # shares of the consumption (calibrated, s = 59/124 above q0 = 60, assumptions.csv):
    # a (gas) 100 x (60 + s x 215.3) = 16,244.1; b (oil) 522 x (60 + s x 173.5) = 74,412.4;
    # c (electric) 348 x (60 + s x 22.4) = 24,589.0 kWh/a
    s = 59 / 124
    a, b, c = 100 * (60 + s * 215.3), 522 * (60 + s * 173.5), 348 * (60 + s * 22.4)
    assert p["fossil_heat_share"].iloc[0] == pytest.approx((a + b) / (a + b + c))
    assert p["fossil_heat_share"].iloc[0] == pytest.approx(90_656.5 / 115_245.5, rel=1e-5)
    assert p["fossil_heat_share"].iloc[1] == 0.0
    # 2045: all heat by heat pumps on a grid path that reaches 0 g/kWh -> no CO2
    assert p["co2_t_per_a"].iloc[-1] == pytest.approx(0.0)


def test_advanced_depth_replaces_old_boilers_with_condensing_ones(ref, assessed):
    # rate 100 %/a: every candidate is refurbished to advanced in 2026 (ceil(share/1) = 1).
    # consumption (s = 59/124, q0 = 60, assumptions.csv) and efficiencies (heating_systems.csv):
    # a EFH E advanced 79.9 kWh/(m²·a): 100 x (60 + s x 19.9), gas condensing 0.95 (was 0.82)
    # b MFH C advanced 62.6: 522 x (60 + s x 2.6), oil condensing 0.92 (was 0.82)
    # c RH F advanced 57.2 <= 60: 348 x 57.2, storage heater 1.0
    s = 59 / 124
    final = (
        100 * (60 + s * 19.9) / 0.95 + 522 * (60 + s * 2.6) / 0.92 + 348 * 57.2 / 1.0
    )  # 7,312.5 + 34,745.4 + 19,905.6 = 61,963.5 kWh/a
    p = scenario_path(assessed, ScenarioParams(rate_per_a=1.0, depth=RefurbState.ADVANCED), ref)
    assert p["final_energy_mwh_per_a"].iloc[1] == pytest.approx(final / 1000)
    assert p["final_energy_mwh_per_a"].iloc[1] == pytest.approx(61.9635, rel=1e-5)
    # the demand path stays TABULA: 100 x 79.9 + 522 x 62.6 + 348 x 57.2
    assert p["useful_heat_mwh_per_a"].iloc[1] == pytest.approx(
        (100 * 79.9 + 522 * 62.6 + 348 * 57.2) / 1000
    )


def test_bad_parameters_are_refused_with_a_message():
    with pytest.raises(QuartierGeoError, match="Sanierungsrate"):
        ScenarioParams(rate_per_a=1.5)
    with pytest.raises(QuartierGeoError, match="Endjahr"):
        ScenarioParams(start_year=2045, end_year=2030)


def test_target_lines(ref, assessed):
    p = scenario_path(assessed, ScenarioParams(), ref)
    t = target_lines(p, ref)
    start = p["co2_t_per_a"].iloc[0]
    assert t["bottrop_t_per_a"].iloc[10] == pytest.approx(start / 2)  # 2035: halved (Bottrop)
    assert t["neutral_t_per_a"].iloc[-1] == 0.0


def test_default_rate_is_the_national_rate_of_2023_to_2025(ref):
    # 0.67–0.70 %/a in 2023–2025 (domain review of issue #9, benchmarks.csv rate_national):
    # 0.7 %/a = 0.007 per year, no longer the out-of-date 1 %/a
    assert ScenarioParams().rate_per_a == pytest.approx(0.007)
    assert float(ref.benchmarks.loc["rate_national", "value"]) == pytest.approx(0.7)
    assert 100 * ScenarioParams().rate_per_a == pytest.approx(
        float(ref.benchmarks.loc["rate_national", "value"])
    )


def test_bottrop_and_herne_rates_are_labelled_as_buildings_with_any_measure(ref):
    # both count buildings with any measure (issue #9 review), not floor area refurbished in full
    for key in ("rate_bottrop", "rate_herne"):
        row = ref.benchmarks.loc[key]
        assert "mindestens einer Maßnahme" in row["label_de"], key
        assert "not a full-refurbishment floor-area rate" in row["label_en"], key


def test_params_are_frozen_value_keys_for_caches():
    """Equal parameters find the same cache entry, different ones do not, nothing mutates."""
    cache = {ScenarioParams(rate_per_a=0.03): "3 %/a"}
    assert cache.get(ScenarioParams(rate_per_a=0.03)) == "3 %/a"
    assert cache.get(ScenarioParams(rate_per_a=0.01)) is None
    assert cache.get(ScenarioParams(rate_per_a=0.03, depth=RefurbState.ADVANCED)) is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        ScenarioParams().rate_per_a = 0.5  # type: ignore[misc]
