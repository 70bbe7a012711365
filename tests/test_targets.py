"""Scenario path against the benchmarks: ten-year cut, Bottrop verdict, neutrality."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.domain.targets import NEUTRAL_RESIDUAL_T_PER_A, TargetCheck, check_targets


def linear_path(start: float, step: float, *, first: int = 2025, last: int = 2045) -> pd.DataFrame:
    years = list(range(first, last + 1))
    return pd.DataFrame(
        {"year": years, "co2_t_per_a": [max(start - step * i, 0.0) for i in range(len(years))]}
    )


def test_cut_is_read_ten_years_after_the_start():
    # 200 t/a falling by 6 t/a: 2035 -> 200 - 60 = 140 t/a, cut 60/200 = 30 %
    check = check_targets(linear_path(200.0, 6.0), benchmark_cut_pct=50.0)
    assert check.co2_start_t_per_a == 200.0
    assert check.co2_horizon_t_per_a == 140.0
    assert check.cut_horizon_pct == pytest.approx(30.0)
    assert check.benchmark_reached is False
    # 2045 -> 200 - 120 = 80 t/a remain: not neutral
    assert check.co2_end_t_per_a == 80.0
    assert check.neutral_reached is False


def test_benchmark_reached_at_exactly_the_benchmark():
    # 120 t/a falling by 6 t/a: 2035 -> 60 t/a = half; 2045 -> 0 t/a
    check = check_targets(linear_path(120.0, 6.0), benchmark_cut_pct=50.0)
    assert check.cut_horizon_pct == pytest.approx(50.0)
    assert check.benchmark_reached is True
    assert check.neutral_reached is True


def test_horizon_is_an_option():
    # 100 t/a falling by 5 t/a: after 4 years 80 t/a, cut 20 %
    check = check_targets(linear_path(100.0, 5.0), benchmark_cut_pct=20.0, horizon_years=4)
    assert check.co2_horizon_t_per_a == 80.0
    assert check.cut_horizon_pct == pytest.approx(20.0)
    assert check.benchmark_reached is True


@pytest.mark.parametrize(
    ("rest", "neutral"),
    [
        (0.0, True),
        (NEUTRAL_RESIDUAL_T_PER_A, True),
        (NEUTRAL_RESIDUAL_T_PER_A + 0.01, False),
        (3.0, False),
    ],
)
def test_neutrality_uses_the_residual_threshold(rest: float, neutral: bool):
    path = linear_path(100.0, 1.0)
    path.loc[path.index[-1], "co2_t_per_a"] = rest
    assert check_targets(path, benchmark_cut_pct=50.0).neutral_reached is neutral


def test_residual_threshold_is_an_option():
    path = linear_path(100.0, 1.0)  # 2045: 80 t/a
    assert check_targets(path, benchmark_cut_pct=50.0, residual_t_per_a=80.0).neutral_reached
    assert not check_targets(path, benchmark_cut_pct=50.0, residual_t_per_a=79.9).neutral_reached


def test_zero_start_has_no_cut_and_no_benchmark():
    check = check_targets(linear_path(0.0, 0.0), benchmark_cut_pct=50.0)
    assert math.isnan(check.cut_horizon_pct)
    assert check.benchmark_reached is False
    assert check.neutral_reached is True


def test_path_shorter_than_the_horizon_is_an_error():
    with pytest.raises(QuartierGeoError):
        check_targets(linear_path(100.0, 1.0, last=2030), benchmark_cut_pct=50.0)


def test_empty_path_is_an_error():
    with pytest.raises(QuartierGeoError):
        check_targets(linear_path(100.0, 1.0).iloc[0:0], benchmark_cut_pct=50.0)


def test_result_is_frozen():
    check = check_targets(linear_path(100.0, 1.0), benchmark_cut_pct=50.0)
    assert isinstance(check, TargetCheck)
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.neutral_reached = True  # type: ignore[misc]
