"""Ratios of the overview map: CO2 per resident and the share of the usual potential."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from quartier_geo.domain.summary import with_ratios


def figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter_id": [1, 2, -1],
            "residents": [2000.0, 0.0, float("nan")],
            "co2_t_per_a": [5000.0, 10.0, 300.0],
            "heat_demand_mwh_per_a": [20000.0, 0.0, 1500.0],
            "potential_usual_mwh_per_a": [5000.0, 0.0, 300.0],
        }
    )


def test_ratios_by_hand():
    out = with_ratios(figures())
    # 5000 t / 2000 residents = 2.5 t per resident; 5000 / 20000 MWh = 25 %
    assert out.loc[0, "co2_t_per_resident_a"] == pytest.approx(2.5)
    assert out.loc[0, "potential_share"] == pytest.approx(25.0)
    # imported area: residents unknown, share 300 / 1500 = 20 %
    assert math.isnan(out.loc[2, "co2_t_per_resident_a"])
    assert out.loc[2, "potential_share"] == pytest.approx(20.0)


def test_zero_denominators_give_nan_not_inf():
    out = with_ratios(figures())
    assert math.isnan(out.loc[1, "co2_t_per_resident_a"])
    assert math.isnan(out.loc[1, "potential_share"])


def test_input_is_kept():
    before = figures()
    frame = before.copy()
    with_ratios(frame)
    pd.testing.assert_frame_equal(frame, before)
