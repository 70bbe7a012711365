"""Options of the plotly chart builders in :mod:`quartier_geo.views.charts`.

Each builder takes its data, then a few keyword-only options grouped by concern: what value
is shown (:class:`Measure`), how the rows are grouped or named (:class:`Grouping`,
:class:`RankingRows`, :class:`TimelineLabels`, :class:`HeatmapLabels`), and the chart's
``title`` and ``lang``. The options are frozen; they check themselves when made, so a wrong
option fails where it is written, not deep inside plotly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import plotly.graph_objects as go

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.escape import plotly_safe
from quartier_geo.base.numfmt import Lang, plotly_separators

__all__ = [
    "FONT_PX",
    "Grouping",
    "HeatmapLabels",
    "Measure",
    "RankingRows",
    "TimelineLabels",
    "plain_layout",
]

#: font size of the charts on a screen (charts, cost_charts, charts_heatplan)
FONT_PX = 14


def plain_layout(fig: go.Figure, *, title: str | None, lang: Lang) -> go.Figure:
    """The shared layout of every chart: white template, the language's
    separators, the escaped ``title``, legend above the plot."""
    fig.update_layout(
        template="plotly_white",
        separators=plotly_separators(lang),
        title=plotly_safe(title) if title else None,
        font={"family": "sans-serif", "size": FONT_PX},
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"namelength": -1},
    )
    return fig


@dataclass(frozen=True)
class Measure:
    """The value a chart shows: a column, its axis title with unit, and a divisor.

    Parameters
    ----------
    column
        Numeric column, e.g. ``"useful_heat_kwh_per_a"``.
    title
        Axis title with unit, e.g. ``"Nutzwärmebedarf (MWh/a)"``; default: the chart's title
        for a known column (``"CO₂-Emissionen (t/a)"``), else the column name.
    divisor
        The values are divided by it before they are drawn: 1000 turns kWh/a into MWh/a.
        Must be positive and finite.

    Examples
    --------
    >>> Measure("useful_heat_kwh_per_a", title="Nutzwärmebedarf (MWh/a)", divisor=1000).divisor
    1000
    """

    column: str
    title: str | None = None
    divisor: float = 1.0

    def __post_init__(self) -> None:
        if not self.column:
            raise QuartierGeoError("Diagramm: keine Wertespalte angegeben.")
        if not (math.isfinite(self.divisor) and self.divisor > 0):
            raise QuartierGeoError(
                f"Diagramm: Teiler {self.divisor!r} für {self.column} muss positiv sein "
                "(z. B. 1000 für kWh → MWh)."
            )


@dataclass(frozen=True)
class Grouping:
    """The categories of a breakdown: one bar per value of ``by``, stacked by ``stack``.

    Parameters
    ----------
    by
        Column of the x categories, e.g. ``"building_type"``.
    title
        Axis title of the categories, e.g. ``"Gebäudetyp"``.
    stack
        Column whose values are stacked in each bar (e.g. ``"age_class"``), or None.
    labels
        Column → value → shown text, e.g. ``{"building_type": {"EFH": "Einfamilienhaus"}}``.
    colors
        Value → colour over the palette's defaults of the stacked (or the ``by``) column.
    """

    by: str
    title: str
    stack: str | None = None
    labels: Mapping[str, Mapping[object, str]] | None = None
    colors: Mapping[object, str] | None = None

    def __post_init__(self) -> None:
        if not self.by:
            raise QuartierGeoError("Diagramm: keine Spalte für die Gruppen angegeben.")
        if self.stack == self.by:
            raise QuartierGeoError(
                f"Diagramm: {self.by} kann nicht zugleich Gruppe und Stapel sein."
            )


@dataclass(frozen=True)
class RankingRows:
    """How the bars of a ranking are named and which one is highlighted.

    ``name_column`` holds the shown names, ``id_column`` the ids compared with ``selected``
    (the bar of that id is drawn dark; None highlights nothing).
    """

    name_column: str = "name"
    id_column: str = "quarter_id"
    selected: object = None


@dataclass(frozen=True)
class TimelineLabels:
    """Shown names of a programme timeline: quarter id → name, phase code → label."""

    quarters: Mapping[object, str]
    phases: Mapping[object, str] | None = None


@dataclass(frozen=True)
class HeatmapLabels:
    """Texts of the suitability heatmap.

    Parameters
    ----------
    scores
        Score → class name, e.g. ``{3: "gut geeignet", …, 0: "ungeeignet"}``; shown in the
        hover text and on the colour bar.
    rows, columns
        Row id → name (quarters), column id → name (supply options); default the ids.
    symbols
        Score → short symbol written in each cell instead of the class name (e.g.
        ``{3: "++", 2: "+", 1: "o", 0: "–"}``), for a matrix too narrow for words. Every
        score with a symbol needs a class name in ``scores``.
    """

    scores: Mapping[int, str]
    rows: Mapping[object, str] | None = None
    columns: Mapping[object, str] | None = None
    symbols: Mapping[int, str] | None = None

    def __post_init__(self) -> None:
        unnamed = sorted(set(self.symbols or {}) - set(self.scores))
        if unnamed:
            raise QuartierGeoError(
                f"Eignungsmatrix: Symbole für Stufen ohne Namen ({unnamed}); "
                "jede Stufe mit Symbol braucht einen Namen in scores."
            )
