"""Charts of the heat plan's indicators: stacked carriers per year, shares in %."""

from __future__ import annotations

import pandas as pd
import pytest

from quartier_geo.base.i18n import t
from quartier_geo.views.charts_heatplan import carrier_bars, indicator_lines

ROWS = pd.DataFrame(
    {
        "year": [2025, 2025, 2045],
        "sector": ["residential", "non_residential", "residential"],
        "carrier": ["gas", "gas", "district_heating"],
        "buildings": [10.0, 5.0, 15.0],
        "final_energy_mwh_per_a": [100.0, 50.0, 80.0],
        "co2_t_per_a": [24.0, 12.0, 0.0],
    }
)


def test_carrier_bars_sum_the_sectors_and_speak_german() -> None:
    fig = carrier_bars(ROWS, labels={"gas": "Erdgas", "district_heating": "Fernwärme"}, lang="de")
    bars = {trace.name: dict(zip(trace.x, trace.y, strict=True)) for trace in fig.data}
    assert bars["Erdgas"]["2025"] == 150.0  # 100 residential + 50 non-residential
    assert bars["Erdgas"]["2045"] == 0.0 and bars["Fernwärme"]["2045"] == 80.0
    assert fig.layout.barmode == "stack"
    assert fig.layout.separators == ",."  # German: decimal comma, thousands dot
    assert fig.layout.yaxis.title.text == t("chart_axis_final_energy", "de")  # with MWh/a


def test_indicator_lines_are_percent() -> None:
    summary = pd.DataFrame({"grid_bound_share": [0.1, 0.75]}, index=[2025, 2045])
    fig = indicator_lines(summary, names={"grid_bound_share": "Netz"}, lang="en")
    assert list(fig.data[0].y) == pytest.approx([10.0, 75.0])
    assert fig.layout.yaxis.title.text == t("hp_share_axis", "en")
    assert fig.layout.separators == ".,"
