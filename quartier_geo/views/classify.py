"""Class breaks for choropleth maps and their legend labels.

Three methods, all deterministic (the same data always gives the same map):

- ``quantiles``: breaks at the i/k quantiles (linear interpolation, as ``numpy.quantile`` and
  ``mapclassify.Quantiles``); ties collapse, so there may be fewer than k classes.
- ``equal_interval``: k classes of equal width between minimum and maximum
  (``mapclassify.EqualInterval``).
- ``natural_breaks``: Fisher-Jenks optimal classes (Fisher 1958; Jenks 1977): the partition of
  the sorted values into k groups with the least within-group sum of squared deviations, as
  ``mapclassify.FisherJenks``. Solved here by vectorised dynamic programming on the distinct
  values weighted by their counts; above 1,000 distinct values it runs on 1,000 evenly spaced
  quantiles of the data (an approximation, deterministic). mapclassify's own FisherJenks is
  pure Python without numba (minutes at 5,000 values, and a warning) and its NaturalBreaks is
  k-means with random starts.

Breaks are returned as k+1 edges ``[min, b1, ..., max]``; class i holds the values
``edge[i] < x <= edge[i+1]`` (the first class also holds the minimum), the mapclassify rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from quartier_geo.base.errors import DataValidationError
from quartier_geo.base.numfmt import Lang, auto_decimals, fmt_number
from quartier_geo.views.palette import COLUMN_COLORS, SequentialScheme, category_colors, sequential

__all__ = [
    "MAX_CLASSES",
    "MIN_CLASSES",
    "Classes",
    "ColourBy",
    "Colouring",
    "Method",
    "assign_classes",
    "class_breaks",
    "class_labels",
    "colour_classes",
    "threshold_labels",
]

Method = Literal["quantiles", "equal_interval", "natural_breaks"]

#: Fewest and most classes of a numeric colouring: one class shows no difference; ColorBrewer's
#: sequential schemes stop at nine steps that the eye still tells apart (Brewer 2003).
MIN_CLASSES, MAX_CLASSES = 2, 9

#: Above this many distinct values natural breaks run on this many evenly spaced quantiles.
_JENKS_MAX_VALUES = 1000


def _finite(values: object) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    return arr[np.isfinite(arr)]


def class_breaks(values: object, *, method: Method = "quantiles", k: int = 5) -> list[float]:
    """Class edges ``[min, b1, ..., max]`` of ``values`` (NaN and inf are ignored).

    Parameters
    ----------
    values
        Numbers (array-like), in any unit; the edges are in the same unit.
    method
        ``"quantiles"``, ``"equal_interval"`` or ``"natural_breaks"`` (Fisher-Jenks).
    k
        Wanted number of classes (>= 1). Fewer come back when the data has fewer distinct
        values (then every distinct value is an edge) or when quantiles tie.

    Returns
    -------
    list of float
        Ascending edges; ``[]`` without finite values. The first two edges are equal when
        the first class holds only the minimum: ``[v, v]`` when all values are ``v``, and
        ``[1, 1, 2, 3]`` for the values 1, 2, 3 with k >= 3 (one class per value).

    Examples
    --------
    >>> class_breaks(range(1, 11), method="quantiles", k=5)
    [1.0, 2.8, 4.6, 6.4, 8.2, 10.0]
    >>> class_breaks(range(1, 11), method="natural_breaks", k=5)
    [1.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    """
    if k < 1:
        raise ValueError("k muss mindestens 1 sein.")
    x = _finite(values)
    if x.size == 0:
        return []
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        return [lo, hi]
    distinct = np.unique(x)
    if distinct.size <= k and method != "equal_interval":
        # every distinct value its own class; the first class holds only the minimum
        return [lo, *(float(v) for v in distinct)]
    if method == "quantiles":
        inner = np.quantile(x, np.arange(1, k) / k)
    elif method == "equal_interval":
        inner = lo + (hi - lo) * np.arange(1, k) / k
    elif method == "natural_breaks":
        inner = _jenks_inner(distinct, x, k)
    else:
        raise ValueError(f"Unbekannte Klassifizierung {method!r}.")
    edges = np.unique(np.concatenate([[lo], np.asarray(inner, dtype=float), [hi]]))
    # interpolated edges to 12 significant digits (6.3999999999999995 -> 6.4); edges that
    # are data values (min, max, Fisher-Jenks bounds) stay exact so no value changes class
    in_data = np.isin(edges, x)
    clean = [float(e) if d else float(f"{e:.12g}") for e, d in zip(edges, in_data, strict=True)]
    return sorted(set(clean))


def _jenks_inner(distinct: np.ndarray, x: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of the first k-1 Fisher-Jenks classes (see the module docstring)."""
    if distinct.size > _JENKS_MAX_VALUES:
        v = np.unique(np.quantile(x, np.linspace(0.0, 1.0, _JENKS_MAX_VALUES)))
        w = np.ones_like(v)
    else:
        v = distinct
        w = np.unique(x, return_counts=True)[1].astype(float)
    m = v.size
    s0 = np.concatenate([[0.0], np.cumsum(w)])
    s1 = np.concatenate([[0.0], np.cumsum(w * v)])
    s2 = np.concatenate([[0.0], np.cumsum(w * v * v)])
    i = np.arange(m)[:, None]  # first value of a group
    j = np.arange(m)[None, :]  # last value of a group
    with np.errstate(divide="ignore", invalid="ignore"):
        n = s0[j + 1] - s0[i]
        ssd = (s2[j + 1] - s2[i]) - (s1[j + 1] - s1[i]) ** 2 / n
    ssd = np.where(j >= i, np.maximum(ssd, 0.0), np.inf)
    cost = ssd[0].copy()  # one class covering 0..j
    starts = []
    for _ in range(1, k):
        # last class starts at i (1..j); the rest (0..i-1) is optimal with one class fewer
        total = cost[:-1, None] + ssd[1:, :]
        arg = np.argmin(total, axis=0)
        cost = np.concatenate([[np.inf], total[arg[1:], np.arange(1, m)]])
        starts.append(arg + 1)
    bounds = []
    end = m - 1
    for start in reversed(starts):
        s = int(start[end])
        bounds.append(v[s - 1])
        end = s - 1
    return np.sort(np.asarray(bounds))


def assign_classes(values: object, breaks: Sequence[float]) -> np.ndarray:
    """Class index (0..k-1) of every value for the edges ``breaks``; -1 for NaN or no edges.

    Values below the first edge go to class 0 and above the last edge to class k-1, so
    breaks computed on one quarter can colour another one.

    Examples
    --------
    >>> assign_classes([1, 2, 2.5, 10, float("nan")], [1.0, 2.0, 5.0, 10.0]).tolist()
    [0, 0, 1, 2, -1]
    """
    x = np.asarray(values, dtype=float).ravel()
    out = np.full(x.shape, -1, dtype=np.int64)
    edges = np.asarray(breaks, dtype=float)
    if edges.size == 0:
        return out
    k = max(edges.size - 1, 1)
    ok = ~np.isnan(x)
    out[ok] = np.clip(np.searchsorted(edges[1:-1], x[ok], side="left"), 0, k - 1)
    return out


def class_labels(
    breaks: Sequence[float], *, lang: Lang = "de", decimals: int | None = None
) -> list[str]:
    """Legend labels ``"1.234 – 5.678"`` of the classes of ``breaks``, in German or English.

    Parameters
    ----------
    breaks
        Edges as returned by :func:`class_breaks`.
    decimals
        Decimal places; by default just enough to keep the edges apart
        (:func:`quartier_geo.base.numfmt.auto_decimals`).

    Examples
    --------
    >>> class_labels([0, 1500.5, 12000])
    ['0 – 1.500', '1.500 – 12.000']
    >>> class_labels([296.3604, 23474.8995, 51552.1613])
    ['296 – 23.475', '23.475 – 51.552']
    >>> class_labels([1, 1, 2])
    ['1', '1 – 2']
    >>> class_labels([0.25, 0.5, 1.0], lang="en")
    ['0.25 – 0.50', '0.50 – 1.00']
    """
    edges = list(breaks)
    if not edges:
        return []
    d = auto_decimals(edges) if decimals is None else decimals
    if len(edges) == 1:
        return [fmt_number(edges[0], lang=lang, decimals=d)]
    return [
        fmt_number(b, lang=lang, decimals=d)
        if a == b
        else f"{fmt_number(a, lang=lang, decimals=d)} – {fmt_number(b, lang=lang, decimals=d)}"
        for a, b in itertools.pairwise(edges)
    ]


def threshold_labels(bounds: Sequence[float], *, lang: Lang = "de") -> list[str]:
    """``< 50``, ``50 – 100``, …, ``≥ 250`` for the inner bounds of open-ended classes.

    >>> threshold_labels([50, 100, 1500], lang="de")
    ['< 50', '50 – 100', '100 – 1.500', '≥ 1.500']
    """
    text = [fmt_number(b, lang=lang) for b in bounds]
    middle = [f"{a} – {b}" for a, b in itertools.pairwise(text)]
    return [f"< {text[0]}", *middle, f"≥ {text[-1]}"]


@dataclass(frozen=True)
class Colouring:
    """How a column is coloured, on the screen map and on the print map alike.

    ``categorical``: one colour per value (``colors`` over the palette defaults of the
    column, ``labels`` as display names). Otherwise numeric classes, the first that is
    given: ``thresholds``, inner bounds of open-ended classes (``< 50`` … ``≥ 250``); or
    ``breaks``, class edges ``[min, …, max]`` as :func:`class_breaks` returns; or
    ``method`` with ``k`` classes of the data; drawn in the sequential ``scheme``.
    """

    categorical: bool = False
    colors: Mapping[object, str] | None = None
    labels: Mapping[object, str] | None = None
    method: Method = "quantiles"
    k: int = 5
    breaks: Sequence[float] | None = None
    thresholds: Sequence[float] | None = None
    scheme: SequentialScheme = "ylorrd"

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.k, int) or not MIN_CLASSES <= self.k <= MAX_CLASSES:
            problems.append(f"k = {self.k!r}: {MIN_CLASSES} bis {MAX_CLASSES} Klassen angeben.")
        if self.method not in get_args(Method):
            problems.append(f"method = {self.method!r}: eine von {list(get_args(Method))}.")
        if self.scheme not in get_args(SequentialScheme):
            problems.append(
                f"scheme = {self.scheme!r}: eines von {list(get_args(SequentialScheme))}."
            )
        if self.thresholds is not None and len(self.thresholds) == 0:
            problems.append("thresholds: mindestens eine Klassengrenze angeben (oder None).")
        if self.breaks is not None and list(self.breaks) != sorted(self.breaks):
            problems.append(f"breaks = {list(self.breaks)}: aufsteigend angeben.")
        if problems:
            raise DataValidationError(problems, what="Die Farbgebung")


@dataclass(frozen=True)
class ColourBy:
    """What a map colours and how its legend reads: the same option for the screen maps
    (:mod:`quartier_geo.views.maps`) and the print map (:mod:`quartier_geo.exports.static_map`).

    Parameters
    ----------
    column
        The column whose values give the colour (a unit in its name, e.g.
        ``useful_heat_kwh_per_m2a``).
    legend_title
        Legend heading (escaped where it is drawn).
    colouring
        Categories or numeric classes, see :class:`Colouring`.
    unit
        Unit appended to the legend heading in brackets, e.g. ``"kWh/(m²·a)"``; None for none.
    note
        A line below the legend classes, e.g. the data source; None for none.
    missing_label
        Legend word of the grey features without a value or class, where grey means more
        than "no data" (e.g. "nicht saniert"); None: "keine Angabe".
    fill_opacity
        Opacity of the features' fill (0-1); None: the map's default. A context drawn over
        area layers (the quarter as grey ground under a hectare grid) needs a light one.

    Examples
    --------
    >>> ColourBy("co2_t_per_a", "CO₂", unit="t/a").colouring.k
    5
    """

    column: str
    legend_title: str
    _: KW_ONLY
    colouring: Colouring = Colouring()
    unit: str | None = None
    note: str | None = None
    missing_label: str | None = None
    fill_opacity: float | None = None

    def __post_init__(self) -> None:
        if self.fill_opacity is not None and not 0.0 <= self.fill_opacity <= 1.0:
            raise DataValidationError(
                [f"fill_opacity = {self.fill_opacity!r}: zwischen 0 und 1 angeben."],
                what="Die Farbgebung",
            )
        if not isinstance(self.column, str) or not self.column:
            raise DataValidationError(
                [f"column = {self.column!r}: den Namen einer Spalte angeben."],
                what="Die Farbgebung",
            )


@dataclass(frozen=True)
class Classes:
    """Class per row (``index``, -1 = no value), and colour and legend name per class."""

    index: np.ndarray
    colors: list[str]
    names: list[str]


def colour_classes(values: pd.Series, colouring: Colouring, *, lang: Lang = "de") -> Classes:
    """The classes of ``values`` under ``colouring`` (see :class:`Colouring`).

    Categories in the order of the fixed palette of the column (``values.name``, e.g.
    ``building_type``), then in order of appearance. Numbers: thresholds put ``x`` in
    class i when ``bound[i-1] <= x < bound[i]``; edges as :func:`assign_classes`.

    >>> c = colour_classes(pd.Series([10.0, 60.0, None]), Colouring(thresholds=[50]))
    >>> c.index.tolist(), c.names
    ([0, 1, -1], ['< 50', '≥ 50'])
    """
    if colouring.categorical:
        fixed: dict[Hashable, str] = dict(COLUMN_COLORS.get(str(values.name), {}))
        fixed.update(colouring.colors or {})
        cmap = category_colors(values.tolist(), fixed=fixed)
        order = [c for c in fixed if c in cmap] + [c for c in cmap if c not in fixed]
        position = {c: i for i, c in enumerate(order)}
        index = np.array([position.get(v, -1) for v in values.tolist()], dtype=np.int64)
        labels = colouring.labels or {}
        return Classes(index, [cmap[c] for c in order], [str(labels.get(c, c)) for c in order])
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    if colouring.thresholds is not None:
        bounds = np.asarray(sorted(float(b) for b in colouring.thresholds))
        index = np.searchsorted(bounds, x, side="right").astype(np.int64)
        index[~np.isfinite(x)] = -1
        names = threshold_labels(bounds.tolist(), lang=lang)
        return Classes(index, sequential(bounds.size + 1, scheme=colouring.scheme), names)
    edges = (
        list(colouring.breaks)
        if colouring.breaks is not None
        else class_breaks(x, method=colouring.method, k=colouring.k)
    )
    if not edges:
        return Classes(np.full(len(x), -1, dtype=np.int64), [], [])
    n = max(len(edges) - 1, 1)
    names = class_labels(edges, lang=lang)[:n]
    return Classes(assign_classes(x, edges), sequential(n, scheme=colouring.scheme), names)
