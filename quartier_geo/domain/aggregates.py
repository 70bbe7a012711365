"""Building counts and sums per hectare cell, block or quarter (issue #8).

The Python side of the aggregation that the database does too
(:mod:`quartier_geo.data.pg.aggregate`): both give the same figures for the same
buildings (tests/test_pg_aggregate.py). A building counts in the cell of its
representative point (:func:`quartier_geo.domain.heat_density.cell_ids`), in its
``block_id`` and its ``quarter_id``; buildings without a unit are left out.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from quartier_geo.base.columns import AGGREGATE_LEVELS, AGGREGATE_SUMS
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.domain.heat_density import cell_ids

__all__ = ["building_sums"]


def building_sums(buildings: gpd.GeoDataFrame, level: str) -> pd.DataFrame:
    """One row per unit of ``level`` (``cell``, ``block``, ``quarter``; sorted by its
    key): ``buildings`` (count) and the sum of each :data:`AGGREGATE_SUMS` column that the
    buildings carry (missing values count as 0).

    >>> import shapely
    >>> b = gpd.GeoDataFrame({"quarter_id": [1, 1, 2], "dwellings": [2, 3, 4]},
    ...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(150, 0, 160, 10),
    ...     shapely.box(20, 0, 30, 10)], crs="EPSG:25832")
    >>> building_sums(b, "cell").to_dict("list")
    {'cell_id': ['E0_N0', 'E1_N0'], 'buildings': [2, 1], 'dwellings': [6, 3]}
    """
    if level not in AGGREGATE_LEVELS:
        raise QuartierGeoError(f"Unbekannte Ebene {level!r}: cell, block oder quarter.")
    key = AGGREGATE_LEVELS[level]
    units = cell_ids(buildings) if level == "cell" else buildings[key]
    columns = [c for c in AGGREGATE_SUMS if c in buildings.columns]
    frame = pd.DataFrame({c: pd.to_numeric(buildings[c]).fillna(0) for c in columns})
    frame.insert(0, "buildings", 1)
    frame.insert(0, key, units.to_numpy())
    frame = frame[frame[key].notna()]
    out = frame.groupby(key, sort=True).sum().reset_index()
    return out.sort_values(key, kind="stable", ignore_index=True)
