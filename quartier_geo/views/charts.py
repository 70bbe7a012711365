"""Plotly figure builders: scenario paths, breakdowns, timeline, ranking, suitability, CO2.

Each builder takes data frames and the texts to show (German by default; the pages pass the
texts of :mod:`quartier_geo.base.i18n`), and returns a ``plotly.graph_objects.Figure``; nothing
here imports streamlit. Units are in the axis titles, colours come from
:mod:`quartier_geo.views.palette`, German figures use ``layout.separators = ",."`` (1.234,5).

Plotly renders titles, tick labels, legend entries and hover text as a subset of HTML
(``<b>``, ``<a href>``) and, with MathJax, ``$...$`` as formulas. Every text that comes from
data (names, categories) and every caller text passes :func:`quartier_geo.base.escape.plotly_safe`,
which plotly shows as the literal characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.escape import plotly_safe
from quartier_geo.base.numfmt import Lang
from quartier_geo.views.palette import (
    AGE_CLASS_COLORS,
    BUILDING_TYPE_COLORS,
    CARRIER_COLORS,
    OKABE_ITO,
    PHASE_COLORS,
    REFURB_STATE_COLORS,
    SUITABILITY_COLORS,
    SUPPLY_OPTION_COLORS,
    TARGET_LINE_COLORS,
    category_colors,
    sequential,
)

__all__ = [
    "breakdown_bar",
    "option_co2_bars",
    "ranking_bar",
    "scenario_paths",
    "suitability_heatmap",
    "timeline",
]

#: Default axis titles with units of the columns the charts show.
_AXIS: dict[str, tuple[str, str]] = {
    "co2_t_per_a": ("CO₂-Emissionen (t/a)", "CO₂ emissions (t/a)"),
    "useful_heat_mwh_per_a": ("Nutzwärmebedarf (MWh/a)", "Useful heat demand (MWh/a)"),
    "final_energy_mwh_per_a": ("Endenergie (MWh/a)", "Final energy (MWh/a)"),
    "refurbished_share": ("Sanierter Flächenanteil (%)", "Refurbished floor area (%)"),
    "fossil_heat_share": ("Fossiler Wärmeanteil (%)", "Fossil heat share (%)"),
}
_SHARES = ("refurbished_share", "fossil_heat_share")
_BAR, _SELECTED = "#56B4E9", "#D55E00"  # Okabe-Ito sky blue; the selected quarter vermillion
_FIXED: dict[str, Mapping[Any, str]] = {
    "building_type": BUILDING_TYPE_COLORS,
    "age_class": AGE_CLASS_COLORS,
    "heating_carrier": CARRIER_COLORS,
    "refurbishment_state": REFURB_STATE_COLORS,
    "phase": PHASE_COLORS,
    "option": SUPPLY_OPTION_COLORS,
}
_TEXT = {
    "de": {
        "year": "Jahr",
        "neutral": "Klimaneutral 2045",
        "bottrop": "Bottrop-Tempo (−50 % in 10 Jahren)",
    },
    "en": {
        "year": "Year",
        "neutral": "Climate-neutral 2045",
        "bottrop": "Bottrop pace (−50 % in 10 years)",
    },
}


def _layout(
    fig: go.Figure, *, title: str | None, lang: Lang, height: int | None = None
) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        separators=",." if lang == "de" else ".,",
        title=plotly_safe(title) if title else None,
        font={"family": "sans-serif", "size": 14},
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"namelength": -1},
    )
    if height:
        fig.update_layout(height=height)
    return fig


def _label(value: object, labels: Mapping[object, str] | None) -> str:
    return plotly_safe(labels.get(value, value) if labels else value)


def _require(df: pd.DataFrame, columns: Sequence[str], *, what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise QuartierGeoError(f"{what}: Spalte(n) {', '.join(missing)} fehlen für das Diagramm.")


def scenario_paths(
    paths: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    targets: pd.DataFrame | None = None,
    value_column: str = "co2_t_per_a",
    y_title: str | None = None,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Yearly paths of one or several scenarios, with the target lines.

    Parameters
    ----------
    paths
        Output of :func:`quartier_geo.domain.refurbishment.scenario_path` (``year`` and
        ``value_column``), or a mapping scenario name → such a frame (saved scenarios
        side by side). Shares (0..1) are shown in percent.
    targets
        Output of :func:`quartier_geo.domain.refurbishment.target_lines` (``bottrop_t_per_a``,
        ``neutral_t_per_a``), drawn dashed; only with ``value_column="co2_t_per_a"``.
    y_title
        Axis title with unit; default from the column (e.g. "CO₂-Emissionen (t/a)").
    """
    named = (
        {"Szenario" if lang == "de" else "Scenario": paths}
        if isinstance(paths, pd.DataFrame)
        else dict(paths)
    )
    if not named:
        raise QuartierGeoError("Kein Szenario zum Darstellen übergeben.")
    factor = 100.0 if value_column in _SHARES else 1.0
    fmt = ",.1f" if factor != 1.0 else ",.0f"
    fig = go.Figure()
    colors = [
        TARGET_LINE_COLORS["scenario"],
        *(c for c in OKABE_ITO if c != TARGET_LINE_COLORS["scenario"]),
    ]
    for i, (name, df) in enumerate(named.items()):
        _require(df, ["year", value_column], what=str(name))
        label = plotly_safe(name)
        fig.add_trace(
            go.Scatter(
                x=df["year"],
                y=df[value_column].astype(float) * factor,
                mode="lines+markers",
                name=label,
                line={"color": colors[i % len(colors)], "width": 3},
                marker={"size": 5},
                hovertemplate=f"%{{fullData.name}}<br>%{{x}}: %{{y:{fmt}}}<extra></extra>",
            )
        )
    if targets is not None and value_column == "co2_t_per_a":
        text = _TEXT[lang]
        for column, key, dash in (
            ("neutral_t_per_a", "neutral", "dash"),
            ("bottrop_t_per_a", "bottrop", "dot"),
        ):
            if column in targets.columns:
                fig.add_trace(
                    go.Scatter(
                        x=targets["year"],
                        y=targets[column].astype(float),
                        mode="lines",
                        name=plotly_safe(text[key]),
                        line={"color": TARGET_LINE_COLORS[key], "dash": dash, "width": 2},
                        hovertemplate="%{fullData.name}<br>%{x}: %{y:,.0f}<extra></extra>",
                    )
                )
    axis = y_title or _AXIS.get(value_column, (value_column, value_column))[lang == "en"]
    fig.update_xaxes(title=plotly_safe(_TEXT[lang]["year"]), dtick=5)
    fig.update_yaxes(title=plotly_safe(axis), rangemode="tozero", tickformat=",.0f")
    return _layout(fig, title=title, lang=lang)


def breakdown_bar(
    df: pd.DataFrame,
    *,
    by: str,
    value_column: str,
    stack: str | None = None,
    divisor: float = 1.0,
    value_title: str,
    by_title: str,
    labels: Mapping[str, Mapping[object, str]] | None = None,
    colors: Mapping[object, str] | None = None,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Sum of ``value_column`` per ``by`` (x), optionally stacked by ``stack``.

    Example: heat demand per building type stacked by IWU age class, with
    ``value_column="useful_heat_kwh_per_a"``, ``divisor=1000`` and
    ``value_title="Nutzwärmebedarf (MWh/a)"``. ``labels`` maps column → value → text.
    """
    _require(df, [by, value_column, *([stack] if stack else [])], what="Die Daten")
    labels = labels or {}
    keys = [by, stack] if stack else [by]
    sums = df.groupby(keys, sort=True, observed=True)[value_column].sum() / divisor
    sums = sums.reset_index()
    fig = go.Figure()
    x_text = [_label(v, labels.get(by)) for v in sums[by]]
    if stack:
        fixed = dict(_FIXED.get(stack, {}))
        fixed.update(colors or {})
        cmap = category_colors(sums[stack].tolist(), fixed=fixed)
        order = [c for c in fixed if c in cmap] + [c for c in cmap if c not in fixed]
        for cat in order:
            part = sums[sums[stack] == cat]
            name = _label(cat, labels.get(stack))
            fig.add_trace(
                go.Bar(
                    x=[_label(v, labels.get(by)) for v in part[by]],
                    y=part[value_column],
                    name=name,
                    marker_color=cmap[cat],
                    hovertemplate="%{x} · %{fullData.name}: %{y:,.0f}<extra></extra>",
                )
            )
        fig.update_layout(barmode="stack")
    else:
        fixed = dict(_FIXED.get(by, {}))
        fixed.update(colors or {})
        cmap = category_colors(sums[by].tolist(), fixed=fixed)
        fig.add_trace(
            go.Bar(
                x=x_text,
                y=sums[value_column],
                marker_color=[cmap[v] for v in sums[by]],
                showlegend=False,
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            )
        )
    fig.update_xaxes(title=plotly_safe(by_title), type="category")
    fig.update_yaxes(title=plotly_safe(value_title), tickformat=",.0f")
    return _layout(fig, title=title, lang=lang)


def timeline(
    phases: pd.DataFrame,
    *,
    quarter_names: Mapping[object, str],
    phase_labels: Mapping[object, str] | None = None,
    today: pd.Timestamp | None = None,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Gantt chart of the programme phases of all quarters (plotly express ``timeline``).

    ``phases`` is the phases table of :func:`quartier_geo.domain.phases.build_programme_tables`
    (``quarter_id``, ``phase``, ``start_date``, ``end_date``); rows whose dates are
    ``illustrative`` (``start_status``/``end_status``) are hatched. ``today`` draws a line.
    """
    _require(phases, ["quarter_id", "phase", "start_date", "end_date"], what="Die Phasen")
    df = pd.DataFrame(
        {
            "quarter": [plotly_safe(quarter_names.get(q, q)) for q in phases["quarter_id"]],
            "phase": [_label(p, phase_labels) for p in phases["phase"]],
            "start": pd.to_datetime(phases["start_date"]),
            "end": pd.to_datetime(phases["end_date"]),
        }
    )
    status = [
        "illustrative" in f"{a} {b}"
        for a, b in zip(
            phases.get("start_status", pd.Series("", index=phases.index)),
            phases.get("end_status", pd.Series("", index=phases.index)),
            strict=True,
        )
    ]
    illustrative = "illustrativ" if lang == "de" else "illustrative"
    sourced = "belegt" if lang == "de" else "from sources"
    df["dates"] = [illustrative if s else sourced for s in status]
    df["from"] = df["start"].dt.strftime("%m/%Y")
    df["to"] = df["end"].dt.strftime("%m/%Y")
    color_map = {_label(k, phase_labels): v for k, v in PHASE_COLORS.items()}
    order = list(dict.fromkeys(plotly_safe(quarter_names.get(q, q)) for q in phases["quarter_id"]))
    fig = px.timeline(
        df,
        x_start="start",
        x_end="end",
        y="quarter",
        color="phase",
        pattern_shape="dates",
        pattern_shape_map={sourced: "", illustrative: "/"},
        color_discrete_map=color_map,
        category_orders={"quarter": order, "phase": list(color_map)},
        custom_data=["from", "to", "phase", "dates"],
        labels={
            "quarter": "",
            "phase": plotly_safe("Phase"),
            "dates": plotly_safe("Termine" if lang == "de" else "Dates"),
        },
    )
    fig.update_traces(
        hovertemplate="%{y} · %{customdata[2]}<br>%{customdata[0]} – %{customdata[1]}"
        " (%{customdata[3]})<extra></extra>"
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=plotly_safe(_TEXT[lang]["year"]))
    if today is not None:
        fig.add_vline(
            x=pd.Timestamp(today).value / 1e6, line={"color": "#000000", "dash": "dot", "width": 1}
        )
    return _layout(fig, title=title, lang=lang, height=max(300, 28 * len(order) + 120))


def ranking_bar(
    df: pd.DataFrame,
    *,
    score_column: str,
    name_column: str = "name",
    x_title: str,
    selected: object = None,
    id_column: str = "quarter_id",
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Horizontal bars of ``score_column`` sorted best first; the ``selected`` id is dark."""
    _require(df, [score_column, name_column], what="Die Rangliste")
    d = df.sort_values(score_column, ascending=True, kind="stable")
    ids = d[id_column].tolist() if id_column in d.columns else [None] * len(d)
    fig = go.Figure(
        go.Bar(
            x=d[score_column].astype(float),
            y=[plotly_safe(n) for n in d[name_column]],
            orientation="h",
            marker_color=[
                _SELECTED if selected is not None and i == selected else _BAR for i in ids
            ],
            hovertemplate="%{y}: %{x:,.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(title=plotly_safe(x_title), tickformat=",.2f")
    fig.update_yaxes(type="category", title=None)
    return _layout(fig, title=title, lang=lang, height=max(300, 26 * len(d) + 100))


def suitability_heatmap(
    matrix: pd.DataFrame,
    *,
    row_labels: Mapping[object, str] | None = None,
    column_labels: Mapping[object, str] | None = None,
    score_labels: Mapping[int, str],
    cell_symbols: Mapping[int, str] | None = None,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Quarters × supply options coloured by the suitability score 0-3.

    ``cell_symbols`` (e.g. ``{3: "++", 2: "+", 1: "o", 0: "–"}``) writes a short symbol
    in each cell instead of the full class name, which stays in the hover text and the
    colour bar; use it when the matrix is too narrow for words.

    ``matrix`` as :func:`quartier_geo.domain.supply.suitability_matrix` (index quarter_id,
    columns options); ``score_labels`` e.g. ``supply.SUITABILITY_LABELS["de"]``. Each cell
    shows its class; missing cells stay empty.
    """
    if matrix.empty:
        raise QuartierGeoError("Die Eignungsmatrix ist leer: erst Versorgungsoptionen berechnen.")
    z = matrix.to_numpy(dtype=float)
    y = [plotly_safe(row_labels.get(i, i) if row_labels else i) for i in matrix.index]
    x = [plotly_safe(column_labels.get(c, c) if column_labels else c) for c in matrix.columns]
    text = [
        [plotly_safe(score_labels.get(int(v), v)) if np.isfinite(v) else "" for v in row]
        for row in z
    ]
    scores = sorted(SUITABILITY_COLORS)
    lo, hi = scores[0], scores[-1]
    # a stepped colour scale: each score its own colour (plotly scales run from 0 to 1)
    scale = []
    for s in scores:
        a, b = (s - lo) / (hi - lo + 1), (s - lo + 1) / (hi - lo + 1)
        scale += [[a, SUITABILITY_COLORS[s]], [b, SUITABILITY_COLORS[s]]]
    shown = (
        [[cell_symbols.get(int(v), "") if np.isfinite(v) else "" for v in row] for row in z]
        if cell_symbols
        else text
    )
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            zmin=lo - 0.5,
            zmax=hi + 0.5,
            colorscale=scale,
            text=shown,
            customdata=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            hovertemplate="%{y} · %{x}: %{customdata}<extra></extra>",
            colorbar={
                "tickvals": scores,
                "ticktext": [plotly_safe(score_labels.get(s, s)) for s in scores],
                "title": plotly_safe("Eignung" if lang == "de" else "Suitability"),
            },
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="top", tickangle=-30)
    return _layout(fig, title=title, lang=lang, height=max(320, 30 * len(y) + 160))


def option_co2_bars(
    options: pd.DataFrame,
    *,
    option_labels: Mapping[object, str] | None = None,
    y_title: str | None = None,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """CO2 of each supply option now, 2030 and 2045 as grouped bars.

    ``options`` is :func:`quartier_geo.domain.supply.supply_options` (index ``option``; columns
    ``co2_now_t_per_a``, ``co2_2030_t_per_a``, ``co2_2045_t_per_a``).
    """
    columns = {
        "co2_now_t_per_a": "heute" if lang == "de" else "today",
        "co2_2030_t_per_a": "2030",
        "co2_2045_t_per_a": "2045",
    }
    _require(options, list(columns), what="Die Versorgungsoptionen")
    x = [plotly_safe(option_labels.get(o, o) if option_labels else o) for o in options.index]
    fig = go.Figure()
    for color, (column, name) in zip(sequential(3, scheme="cividis"), columns.items(), strict=True):
        fig.add_trace(
            go.Bar(
                x=x,
                y=options[column].astype(float),
                name=plotly_safe(name),
                marker_color=color,
                hovertemplate="%{x} · %{fullData.name}: %{y:,.0f}<extra></extra>",
            )
        )
    axis = y_title or _AXIS["co2_t_per_a"][lang == "en"]
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", tickangle=-30)
    fig.update_yaxes(title=plotly_safe(axis), tickformat=",.0f", rangemode="tozero")
    return _layout(fig, title=title, lang=lang)
