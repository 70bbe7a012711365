"""Plotly figure builders: scenario paths, breakdowns, timeline, ranking, suitability, CO2.

Each builder takes data frames, then keyword-only options grouped in the frozen dataclasses
of :mod:`quartier_geo.views.chart_options` (re-exported here), a ``title`` and ``lang``, and
returns a ``plotly.graph_objects.Figure``; nothing here imports streamlit. Its own texts come
from :mod:`quartier_geo.base.i18n` (German by default), the callers pass theirs. Units are in
the axis titles, colours come from :mod:`quartier_geo.views.palette`, separators from
:func:`quartier_geo.base.numfmt.plotly_separators` (German 1.234,5).

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
from quartier_geo.base.i18n import t
from quartier_geo.base.numfmt import Lang
from quartier_geo.views.chart_options import (
    FONT_PX,
    Grouping,
    HeatmapLabels,
    Measure,
    RankingRows,
    TimelineLabels,
    plain_layout,
)
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
    "Grouping",
    "HeatmapLabels",
    "Measure",
    "RankingRows",
    "TimelineLabels",
    "breakdown_bar",
    "for_projector",
    "option_co2_bars",
    "ranking_bar",
    "scenario_paths",
    "suitability_heatmap",
    "timeline",
]

#: Text keys of the default axis titles (with units) of the columns the charts show.
AXIS_KEYS: dict[str, str] = {
    "co2_t_per_a": "chart_axis_co2",
    "useful_heat_mwh_per_a": "chart_axis_useful_heat",
    "final_energy_mwh_per_a": "chart_axis_final_energy",
    "refurbished_share": "chart_axis_refurbished_share",
    "fossil_heat_share": "chart_axis_fossil_share",
}
_SHARES = ("refurbished_share", "fossil_heat_share")
_FONT_PX = FONT_PX  # type size of the charts on a screen
_BAR, _SELECTED = "#56B4E9", "#D55E00"  # Okabe-Ito sky blue; the selected quarter vermillion
_FIXED: dict[str, Mapping[Any, str]] = {
    "building_type": BUILDING_TYPE_COLORS,
    "age_class": AGE_CLASS_COLORS,
    "heating_carrier": CARRIER_COLORS,
    "refurbishment_state": REFURB_STATE_COLORS,
    "phase": PHASE_COLORS,
    "option": SUPPLY_OPTION_COLORS,
}
_CO2 = Measure("co2_t_per_a")  # the default measure of the scenario paths
_ROWS = RankingRows()  # names in "name", ids in "quarter_id", nothing highlighted
#: Target lines of the CO2 paths: column, text key, colour key, dash.
_TARGETS = (
    ("neutral_t_per_a", "chart_target_neutral", "neutral", "dash"),
    ("bottrop_t_per_a", "chart_target_bottrop", "bottrop", "dot"),
)


def _layout(
    fig: go.Figure, *, title: str | None, lang: Lang, height: int | None = None
) -> go.Figure:
    plain_layout(fig, title=title, lang=lang)
    if height:
        fig.update_layout(height=height)
    return fig


def for_projector(fig: go.Figure, *, min_px: int = 20) -> go.Figure:
    """``fig`` with every text a room must read at least ``min_px`` px: title, axis titles
    and ticks, legend, colour bars, texts on bars and cells, hover labels (workshop mode).

    >>> f = for_projector(go.Figure(go.Bar(x=[1], y=["a"])), min_px=20)
    >>> f.layout.xaxis.tickfont.size, f.layout.legend.font.size
    (20, 20)
    """
    size = {"size": min_px}
    # larger type takes room from the plot: the figure grows with it (plotly's default 450)
    grow = max(1.0, min_px / _FONT_PX)
    fig.update_layout(
        height=round((fig.layout.height or 450) * grow),
        font=size,
        title_font={"size": min_px + 4},
        legend_font=size,
        legend_title_font=size,
        hoverlabel_font=size,
    )
    fig.update_xaxes(tickfont=size, title_font=size)
    fig.update_yaxes(tickfont=size, title_font=size)
    fig.update_traces(textfont=size, selector={"type": "bar"})
    fig.update_traces(textfont=size, colorbar={"tickfont": size}, selector={"type": "heatmap"})
    fig.update_annotations(font=size)
    return fig


def _wrap(text: str, width: int = 24) -> str:
    """An escaped name broken into lines of about ``width`` characters (``<br>``), first
    after "Municipality –", so that long names stay whole on a narrow screen.

    >>> _wrap("Mülheim an der Ruhr – Dümpten (Oberdümpten, nördlich der A40)")
    'Mülheim an der Ruhr<br>Dümpten (Oberdümpten,<br>nördlich der A40)'
    """
    lines: list[str] = []
    for part in str(text).split(" – "):
        line = ""
        for word in part.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "<br>".join(plotly_safe(x) for x in lines)


def _axis_title(measure: Measure, lang: Lang) -> str:
    """The measure's own title, else the default of a known column, else the column."""
    if measure.title:
        return measure.title
    key = AXIS_KEYS.get(measure.column)
    return t(key, lang) if key else measure.column


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
    value: Measure = _CO2,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Yearly paths of one or several scenarios, with the target lines.

    Parameters
    ----------
    paths
        Output of :func:`quartier_geo.domain.refurbishment.scenario_path` (``year`` and
        ``value.column``), or a mapping scenario name → such a frame (saved scenarios
        side by side). Shares (0..1) are shown in percent.
    targets
        Output of :func:`quartier_geo.domain.refurbishment.target_lines` (``bottrop_t_per_a``,
        ``neutral_t_per_a``) in t/a, drawn dashed; only with the column ``co2_t_per_a``.
    value
        The column (default CO2 in t/a), its axis title with unit (default from the column,
        e.g. "CO₂-Emissionen (t/a)") and its divisor.
    """
    value_column = value.column
    named = {t("chart_scenario", lang): paths} if isinstance(paths, pd.DataFrame) else dict(paths)
    if not named:
        raise QuartierGeoError("Kein Szenario zum Darstellen übergeben.")
    factor = (100.0 if value_column in _SHARES else 1.0) / value.divisor
    fmt = ",.1f" if value_column in _SHARES else ",.0f"
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
        for column, key, color, dash in _TARGETS:
            if column in targets.columns:
                fig.add_trace(
                    go.Scatter(
                        x=targets["year"],
                        y=targets[column].astype(float) / value.divisor,
                        mode="lines",
                        name=plotly_safe(t(key, lang)),
                        line={"color": TARGET_LINE_COLORS[color], "dash": dash, "width": 2},
                        hovertemplate="%{fullData.name}<br>%{x}: %{y:,.0f}<extra></extra>",
                    )
                )
    fig.update_xaxes(title=plotly_safe(t("year", lang)), dtick=5)
    fig.update_yaxes(
        title=plotly_safe(_axis_title(value, lang)), rangemode="tozero", tickformat=",.0f"
    )
    return _layout(fig, title=title, lang=lang)


def breakdown_bar(
    df: pd.DataFrame,
    *,
    value: Measure,
    groups: Grouping,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Sum of ``value.column`` / ``value.divisor`` per ``groups.by`` (x), optionally stacked.

    Example: heat demand per building type stacked by IWU age class, with
    ``value=Measure("useful_heat_kwh_per_a", title="Nutzwärmebedarf (MWh/a)", divisor=1000)``
    and ``groups=Grouping("building_type", title="Gebäudetyp", stack="age_class")``.
    """
    by, stack, value_column, colors = groups.by, groups.stack, value.column, groups.colors
    _require(df, [by, value_column, *([stack] if stack else [])], what="Die Daten")
    labels = groups.labels or {}
    keys = [by, stack] if stack else [by]
    sums = df.groupby(keys, sort=True, observed=True)[value_column].sum() / value.divisor
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
    fig.update_xaxes(title=plotly_safe(groups.title), type="category")
    fig.update_yaxes(title=plotly_safe(_axis_title(value, lang)), tickformat=",.0f")
    return _layout(fig, title=title, lang=lang)


def timeline(
    phases: pd.DataFrame,
    *,
    labels: TimelineLabels,
    today: pd.Timestamp | None = None,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Gantt chart of the programme phases of all quarters (plotly express ``timeline``).

    ``phases`` is the phases table of :func:`quartier_geo.domain.programme.build_programme_tables`
    (``quarter_id``, ``phase``, ``start_date``, ``end_date``); rows whose dates are
    ``illustrative`` (``start_status``/``end_status``) are hatched. ``labels`` names the
    quarters and phases; ``today`` draws a line.
    """
    quarter_names, phase_labels = labels.quarters, labels.phases
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
    illustrative = t("chart_dates_illustrative", lang)
    sourced = t("chart_dates_sourced", lang)
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
            "phase": plotly_safe(t("phase", lang)),
            "dates": plotly_safe(t("chart_dates", lang)),
        },
    )
    fig.update_traces(
        hovertemplate="%{y} · %{customdata[2]}<br>%{customdata[0]} – %{customdata[1]}"
        " (%{customdata[3]})<extra></extra>"
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=plotly_safe(t("year", lang)))
    if today is not None:
        fig.add_vline(
            x=pd.Timestamp(today).value / 1e6, line={"color": "#000000", "dash": "dot", "width": 1}
        )
    return _layout(fig, title=title, lang=lang, height=max(300, 28 * len(order) + 120))


def ranking_bar(
    df: pd.DataFrame,
    *,
    score: Measure,
    rows: RankingRows = _ROWS,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Horizontal bars of ``score.column`` sorted best first; ``rows.selected`` is dark.

    ``score.title`` is the axis title (e.g. "Punktzahl (0–1)"); ``rows`` names the columns of
    the names and ids.
    """
    score_column, name_column, id_column = score.column, rows.name_column, rows.id_column
    selected = rows.selected
    _require(df, [score_column, name_column], what="Die Rangliste")
    d = df.sort_values(score_column, ascending=True, kind="stable")
    ids = d[id_column].tolist() if id_column in d.columns else [None] * len(d)
    fig = go.Figure(
        go.Bar(
            x=d[score_column].astype(float) / score.divisor,
            y=[_wrap(n) for n in d[name_column]],
            orientation="h",
            marker_color=[
                _SELECTED if selected is not None and i == selected else _BAR for i in ids
            ],
            hovertemplate="%{y}: %{x:,.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(title=plotly_safe(_axis_title(score, lang)), tickformat=",.2f")
    fig.update_yaxes(type="category", title=None, automargin=True)
    lines = max((_wrap(n).count("<br>") + 1 for n in d[name_column]), default=1)
    return _layout(fig, title=title, lang=lang, height=max(300, 18 * lines * len(d) + 120))


def suitability_heatmap(
    matrix: pd.DataFrame,
    *,
    labels: HeatmapLabels,
    title: str | None = None,
    lang: Lang = "de",
) -> go.Figure:
    """Quarters × supply options coloured by the suitability score 0-3.

    ``labels.symbols`` (e.g. ``{3: "++", 2: "+", 1: "o", 0: "–"}``) writes a short symbol
    in each cell instead of the full class name, which stays in the hover text and the
    colour bar; use it when the matrix is too narrow for words.

    ``matrix`` as :func:`quartier_geo.domain.supply.suitability_matrix` (index quarter_id,
    columns options); ``labels.scores`` the class names of the scores, ``labels.rows`` and
    ``labels.columns`` the names of quarters and options. Each cell shows its class;
    missing cells stay empty.
    """
    row_labels, column_labels = labels.rows, labels.columns
    score_labels, cell_symbols = labels.scores, labels.symbols
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
                "title": plotly_safe(t("suitability", lang)),
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
        "co2_now_t_per_a": t("chart_today", lang),
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
    axis = y_title or t(AXIS_KEYS["co2_t_per_a"], lang)
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", tickangle=-30)
    fig.update_yaxes(title=plotly_safe(axis), tickformat=",.0f", rangemode="tozero")
    return _layout(fig, title=title, lang=lang)
