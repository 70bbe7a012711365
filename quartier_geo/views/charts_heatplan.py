"""Plotly builders of the heat plan's target indicators (WPG §17, Anlage 2 III).

Same conventions as :mod:`quartier_geo.views.charts`: data frames in, keyword-only options,
texts passed by the caller or from :mod:`quartier_geo.base.i18n`, every text through
:func:`quartier_geo.base.escape.plotly_safe`, German separators, units in the axis titles.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from quartier_geo.base.escape import plotly_safe
from quartier_geo.base.i18n import t
from quartier_geo.base.numfmt import Lang
from quartier_geo.views.chart_options import plain_layout
from quartier_geo.views.palette import CARRIER_COLORS, MISSING_COLOR

__all__ = ["carrier_bars", "indicator_lines"]


def carrier_bars(
    rows: pd.DataFrame,
    *,
    value: str = "final_energy_mwh_per_a",
    labels: Mapping[str, str],
    lang: Lang = "de",
) -> go.Figure:
    """Stacked bars per year: ``value`` summed by carrier (rows of
    :func:`quartier_geo.domain.heatplan_indicators.indicator_rows`); ``labels`` maps a
    carrier (and ``other``) to its legend name. The axis names the value and its unit."""
    table = rows.pivot_table(index="year", columns="carrier", values=value, aggfunc="sum")
    fig = go.Figure()
    for carrier in table.columns:
        fig.add_trace(
            go.Bar(
                x=[str(y) for y in table.index],
                y=table[carrier].fillna(0.0).astype(float),
                name=plotly_safe(labels.get(carrier, carrier)),
                marker_color=CARRIER_COLORS.get(carrier, MISSING_COLOR),
                hovertemplate="%{x} · %{fullData.name}: %{y:,.0f}<extra></extra>",
            )
        )
    axis = t(
        "chart_axis_final_energy" if value == "final_energy_mwh_per_a" else "chart_axis_co2", lang
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", title=plotly_safe(t("hp_year", lang)))
    fig.update_yaxes(title=plotly_safe(axis), tickformat=",.0f", rangemode="tozero")
    return plain_layout(fig, title=None, lang=lang)


def indicator_lines(summary: pd.DataFrame, *, names: Mapping[str, str], lang: Lang) -> go.Figure:
    """Shares per year in % (``grid_bound_share``, ``heat_network_share``, ``gas_grid_share``
    of :func:`~quartier_geo.domain.heatplan_indicators.indicator_summary`), one line each;
    ``names`` maps a column to its legend name."""
    fig = go.Figure()
    palette = ("#D55E00", "#E69F00", "#0072B2")
    for color, (column, name) in zip(palette, names.items(), strict=False):
        fig.add_trace(
            go.Scatter(
                x=[str(y) for y in summary.index],
                y=100.0 * summary[column].astype(float),
                name=plotly_safe(name),
                mode="lines+markers",
                line={"color": color},
                hovertemplate="%{x} · %{fullData.name}: %{y:,.1f} %<extra></extra>",
            )
        )
    fig.update_xaxes(type="category", title=plotly_safe(t("hp_year", lang)))
    fig.update_yaxes(title=plotly_safe(t("hp_share_axis", lang)), range=[0, 100])
    return plain_layout(fig, title=None, lang=lang)
