"""Plotly builders of the Wärmeplanung page's cost and potential section (issue #9).

* :func:`cost_bars`: heat generation cost per supply option as stacked bars of its parts
  (capital, maintenance, energy, CO2) in EUR/MWh; options without a sourced total are left
  out (the caller lists them as "keine belegte Zahl").
* :func:`potential_bars`: the quarter's potentials in MWh/a beside its useful heat demand.

No streamlit here; every text from data or callers passes :func:`plotly_safe`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from quartier_geo.base.escape import plotly_safe
from quartier_geo.base.numfmt import Lang
from quartier_geo.views.chart_options import plain_layout
from quartier_geo.views.palette import categorical

__all__ = ["cost_bars", "potential_bars"]


def cost_bars(
    costs: pd.DataFrame,
    *,
    parts: Mapping[str, str],
    option_labels: Mapping[str, str],
    y_title: str,
    lang: Lang = "de",
) -> go.Figure:
    """Stacked bars: one bar per option of ``costs`` (column ``option``) with a total
    ``cost_eur_per_mwh``; ``parts`` maps a part column to its legend name (stack order).

    >>> df = pd.DataFrame({"option": ["a", "b"], "cost_eur_per_mwh": [30.0, None],
    ...                    "p1": [10.0, None], "p2": [20.0, None]})
    >>> fig = cost_bars(df, parts={"p1": "P1", "p2": "P2"}, option_labels={}, y_title="€/MWh")
    >>> [list(tr.y) for tr in fig.data]
    [[10.0], [20.0]]
    """
    shown = costs[costs["cost_eur_per_mwh"].notna()]
    x = [plotly_safe(option_labels.get(o, o)) for o in shown["option"]]
    fig = go.Figure()
    for color, (column, name) in zip(categorical(len(parts)), parts.items(), strict=True):
        fig.add_trace(
            go.Bar(
                x=x,
                y=shown[column].astype(float).tolist(),
                name=plotly_safe(name),
                marker_color=color,
                hovertemplate="%{x} · %{fullData.name}: %{y:,.0f}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", tickangle=-30, automargin=True)
    fig.update_yaxes(title=plotly_safe(y_title), tickformat=",.0f", rangemode="tozero")
    return plain_layout(fig, title=None, lang=lang)


def potential_bars(
    values_mwh: Sequence[tuple[str, float]], *, x_title: str, lang: Lang = "de"
) -> go.Figure:
    """Horizontal bars of (label, MWh/a) pairs; a NaN value is left out.

    >>> fig = potential_bars([("PV", 9.0), ("ST", float("nan"))], x_title="MWh/a")
    >>> list(fig.data[0].y), list(fig.data[0].x)
    (['PV'], [9.0])
    """
    pairs = [(label, v) for label, v in values_mwh if pd.notna(v)]
    fig = go.Figure(
        go.Bar(
            y=[plotly_safe(label) for label, _ in pairs],
            x=[float(v) for _, v in pairs],
            orientation="h",
            marker_color=categorical(max(len(pairs), 1))[0],
            hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        )
    )
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(title=plotly_safe(x_title), tickformat=",.0f", rangemode="tozero")
    return plain_layout(fig, title=None, lang=lang)
