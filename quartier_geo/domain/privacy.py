"""The privacy rule of public and workshop servers: aggregates of at least N buildings only.

WPG §10(2) lets municipalities publish heat-planning data only aggregated over at least five
neighbouring house numbers. Public and workshop servers therefore show (and offer for
download) no single building, no building id and no footprint, and every aggregate they
show - an urban block, a hectare cell, a street segment - holds at least
``min_buildings`` buildings (``QUARTIER_MIN_BUILDINGS``, default 5,
:func:`quartier_geo.base.settings.min_buildings`).

Units under the threshold are withheld (dropped from the layer). So that the withheld
rest cannot be read off as "quarter total minus the shown units", the withheld units must
together hold at least ``min_buildings`` buildings too: if they hold fewer, the smallest
shown units are withheld as well until they do (secondary suppression, the usual practice
of statistical offices). The result says how many units and buildings were withheld, for
the note beside the map or table.

The layers are also checked against each other (:func:`public_unit_ids`): where every
building of a shown block lies in one shown hectare cell, "cell minus block" is an aggregate
as well, and must not hold 1 to N - 1 buildings. A unit whose shown nested units of another
layer leave such a small rest is withheld too.

Pure functions: a new frame out, the input unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.base.errors import QuartierGeoError

__all__ = [
    "OTHER",
    "Withheld",
    "cut_layer",
    "pool_small_groups",
    "public_unit_ids",
    "withhold_small",
]


@dataclass(frozen=True, eq=False)
class Withheld:
    """A layer cut to its public units, and what was left out.

    ``shown``: the units with at least ``min_buildings`` buildings (a new frame);
    ``units``: how many units were withheld; ``buildings``: how many buildings they held.
    """

    shown: gpd.GeoDataFrame
    units: int
    buildings: int
    min_buildings: int


def _check(min_buildings: int) -> None:
    if not isinstance(min_buildings, int) or min_buildings < 1:
        raise QuartierGeoError(f"min_buildings = {min_buildings!r}: eine ganze Zahl ab 1 angeben.")


def _withheld_mask(counts: np.ndarray, min_buildings: int, *, outside: int = 0) -> np.ndarray:
    """True for the units to withhold (counts >= 0; units without buildings stay shown).

    ``outside``: buildings in no unit of the layer; the quarter total minus the shown units
    covers them too, so they count in the withheld rest."""
    withheld = (counts > 0) & (counts < min_buildings)
    rest = int(counts[withheld].sum()) + outside
    if 0 < rest < min_buildings:
        # secondary suppression: the smallest shown units join the withheld ones
        candidates = np.flatnonzero(~withheld & (counts > 0))
        for i in candidates[np.argsort(counts[candidates], kind="stable")]:
            withheld[i] = True
            rest += int(counts[i])
            if rest >= min_buildings:
                break
    return withheld


def withhold_small(
    layer: gpd.GeoDataFrame, *, min_buildings: int, count_column: str = "buildings"
) -> Withheld:
    """The units of ``layer`` (blocks, hectare cells, street segments) that may be shown.

    Units with 1 to ``min_buildings`` - 1 buildings are withheld, then the smallest
    others while the withheld ones hold fewer than ``min_buildings`` buildings together.
    Units without buildings (a street segment nobody lives on) carry no building's figure
    and stay.

    >>> import shapely
    >>> def cells(*n):
    ...     return gpd.GeoDataFrame({"buildings": n}, geometry=[shapely.Point(0, 0)] * len(n))
    >>> w = withhold_small(cells(5, 7, 0), min_buildings=5)
    >>> list(w.shown["buildings"]), w.units, w.buildings
    ([5, 7, 0], 0, 0)

    A cell of 4 is withheld; 4 alone could be read off the quarter total, so the smallest
    shown cell (5) is withheld with it:

    >>> w = withhold_small(cells(4, 5, 6, 0), min_buildings=5)
    >>> list(w.shown["buildings"]), w.units, w.buildings
    ([6, 0], 2, 9)
    """
    _check(min_buildings)
    if count_column not in layer.columns:
        raise QuartierGeoError(f"Spalte {count_column!r} (Anzahl Gebäude) fehlt in der Ebene.")
    counts = pd.to_numeric(layer[count_column], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
    withheld = _withheld_mask(counts, min_buildings)
    return Withheld(
        shown=layer[~withheld].copy(),
        units=int(withheld.sum()),
        buildings=int(counts[withheld].sum()),
        min_buildings=min_buildings,
    )


def cut_layer(
    layer: gpd.GeoDataFrame, ids: frozenset, *, id_column: str, min_buildings: int
) -> Withheld:
    """The units of ``layer`` (blocks, hectare cells, street segments) whose id is in
    ``ids`` (from :func:`public_unit_ids`); units without buildings (a street segment
    nobody lives on) carry no building's figure and stay. Counts what was withheld.

    >>> import shapely
    >>> cells = gpd.GeoDataFrame({"cell_id": ["a", "b", "c"], "buildings": [4, 7, 0]},
    ...     geometry=[shapely.Point(0, 0)] * 3)
    >>> w = cut_layer(cells, frozenset({"b"}), id_column="cell_id", min_buildings=5)
    >>> list(w.shown["cell_id"]), w.units, w.buildings
    (['b', 'c'], 1, 4)
    """
    _check(min_buildings)
    if "buildings" not in layer.columns:
        raise QuartierGeoError("Spalte 'buildings' (Anzahl Gebäude) fehlt in der Ebene.")
    counts = pd.to_numeric(layer["buildings"], errors="coerce").fillna(0)
    keep = (layer[id_column].isin(ids) | (counts == 0)).to_numpy()
    return Withheld(
        shown=layer[keep].copy(),
        units=int((~keep).sum()),
        buildings=int(counts[~keep].sum()),
        min_buildings=min_buildings,
    )


def _small_rest_units(
    outer: pd.Series, inner: pd.Series, shown_outer: set, shown_inner: set, n: int
) -> set:
    """Shown units of ``outer`` whose shown nested ``inner`` units leave a rest of 1 to
    ``n`` - 1 buildings (``outer``/``inner``: the unit of each building, same index)."""
    frame = pd.DataFrame({"outer": outer, "inner": inner})
    per_inner = frame.dropna(subset=["inner"]).groupby("inner", sort=False)["outer"]
    # an inner unit is nested where all its buildings have one and the same outer unit
    single = per_inner.agg(lambda s: s.iloc[0] if s.notna().all() and s.nunique() == 1 else None)
    sizes = frame["inner"].value_counts()
    nested = single[single.notna() & single.index.isin(list(shown_inner))]
    covered = sizes.reindex(nested.index).groupby(nested.to_numpy()).sum()
    outer_sizes = frame["outer"].value_counts()
    rest = outer_sizes.reindex(covered.index) - covered
    small = rest[(rest > 0) & (rest < n)].index
    return {u for u in small if u in shown_outer}


def public_unit_ids(
    assignments: Mapping[str, pd.Series], *, min_buildings: int
) -> dict[str, frozenset]:
    """The units of each layer that may be shown, checked per layer and across layers.

    ``assignments``: per layer (``"blocks"``, ``"hectare_grid"``, ``"streets"`` …) the
    unit of every building (Series on the buildings' index; missing = in no unit). Per
    layer, units with 1 to ``min_buildings`` - 1 buildings are withheld, then the smallest
    others while the withheld ones and the buildings in no unit hold fewer than
    ``min_buildings`` together (secondary suppression); then, for every pair of layers, a
    shown unit is withheld when the shown units of the other layer nested in it (all their
    buildings inside it) leave a rest of 1 to ``min_buildings`` - 1 buildings, until
    nothing changes.

    Cell E0 holds buildings 1-7, cell E1 buildings 8-12; block A buildings 1-5, block B
    buildings 6-12. A lies wholly in E0, so "E0 minus A" would show buildings 6 and 7
    alone; E1 lies wholly in B, so "B minus E1" would show them too: E0 and B are withheld.

    >>> cells = pd.Series(["E0"] * 7 + ["E1"] * 5)
    >>> blocks = pd.Series(["A"] * 5 + ["B"] * 7)
    >>> ids = public_unit_ids({"cells": cells, "blocks": blocks}, min_buildings=5)
    >>> sorted(ids["cells"]), sorted(ids["blocks"])
    (['E1'], ['A'])
    """
    _check(min_buildings)
    shown: dict[str, set] = {}
    for name, units in assignments.items():
        sizes = units.dropna().value_counts(sort=False)
        outside = int(units.isna().sum())
        mask = _withheld_mask(sizes.to_numpy(dtype=np.int64), min_buildings, outside=outside)
        shown[name] = set(sizes.index[~mask])
    changed = True
    while changed:
        changed = False
        for outer in assignments:
            for inner in assignments:
                if outer == inner:
                    continue
                small = _small_rest_units(
                    assignments[outer],
                    assignments[inner],
                    shown[outer],
                    shown[inner],
                    min_buildings,
                )
                if small:
                    shown[outer] -= small
                    changed = True
    return {name: frozenset(ids) for name, ids in shown.items()}


#: Value that replaces the categories of pooled small groups (translated as "Sonstige").
OTHER = "other"


def pool_small_groups(
    buildings: pd.DataFrame, columns: Sequence[str], *, min_buildings: int
) -> pd.DataFrame:
    """``buildings`` with the categories of every small group replaced by :data:`OTHER`.

    A group is one combination of the values of ``columns`` (e.g. building type and age
    class of a breakdown chart). Groups with fewer than ``min_buildings`` buildings are
    pooled into one "other" group, with the secondary suppression of :func:`public_unit_ids`
    (the pooled group itself holds at least ``min_buildings`` buildings where the whole has
    that many). Returns a new frame; figures are unchanged, only categories are merged.

    >>> df = pd.DataFrame({"type": ["EFH"] * 6 + ["MFH"] * 3 + ["RH"] * 2, "q": range(11)})
    >>> pooled = pool_small_groups(df, ["type"], min_buildings=5)
    >>> pooled["type"].value_counts().to_dict()
    {'EFH': 6, 'other': 5}
    """
    _check(min_buildings)
    cols = list(columns)
    keys = buildings[cols].astype(object).where(buildings[cols].notna(), OTHER)
    groups = pd.Series(list(keys.itertuples(index=False, name=None)), index=buildings.index)
    counts = groups.value_counts(sort=False)
    small = set(counts.index[_withheld_mask(counts.to_numpy(dtype=np.int64), min_buildings)])
    out = buildings.copy()
    out.loc[groups.isin(small).to_numpy(), cols] = OTHER
    return out
