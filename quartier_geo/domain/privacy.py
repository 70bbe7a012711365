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

Pure functions: a new frame out, the input unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.base.errors import QuartierGeoError

__all__ = [
    "OTHER",
    "Withheld",
    "buildings_in_public_blocks",
    "pool_small_groups",
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


def _withheld_mask(counts: np.ndarray, min_buildings: int) -> np.ndarray:
    """True for the units to withhold (counts >= 0; units without buildings stay shown)."""
    withheld = (counts > 0) & (counts < min_buildings)
    rest = int(counts[withheld].sum())
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


def buildings_in_public_blocks(
    buildings: gpd.GeoDataFrame, *, min_buildings: int, block_column: str = "block_id"
) -> Withheld:
    """The buildings whose block may be shown, for a block map or block export.

    ``shown`` holds the buildings of the blocks with at least ``min_buildings`` buildings
    (same rule as :func:`withhold_small`, with secondary suppression); buildings without a
    block are withheld. ``units`` counts the withheld blocks, ``buildings`` all withheld
    buildings. The caller aggregates ``shown`` to blocks and never draws the buildings.
    """
    _check(min_buildings)
    if block_column not in buildings.columns:
        raise QuartierGeoError(f"Spalte {block_column!r} (Baublock) fehlt in den Gebäuden.")
    blocks = buildings[block_column]
    sizes = blocks.value_counts(sort=False)
    withheld_blocks = _withheld_mask(sizes.to_numpy(dtype=np.int64), min_buildings)
    out = set(sizes.index[withheld_blocks])
    keep = blocks.notna() & ~blocks.isin(out)
    return Withheld(
        shown=buildings[keep.to_numpy()].copy(),
        units=len(out),
        buildings=int((~keep).sum()),
        min_buildings=min_buildings,
    )


#: Value that replaces the categories of pooled small groups (translated as "Sonstige").
OTHER = "other"


def pool_small_groups(
    buildings: pd.DataFrame, columns: Sequence[str], *, min_buildings: int
) -> pd.DataFrame:
    """``buildings`` with the categories of every small group replaced by :data:`OTHER`.

    A group is one combination of the values of ``columns`` (e.g. building type and age
    class of a breakdown chart). Groups with fewer than ``min_buildings`` buildings are
    pooled into one "other" group, with the secondary suppression of :func:`withhold_small`
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
