"""Urban blocks: buildings grouped by ``block_id`` for the public maps and exports.

A block is the convex hull of its buildings; its values are sums over them, and its
specific demand is the ratio of two sums (never a mean of the buildings' ratios). Blocks
with fewer than ``min_buildings`` buildings (default 5, WPG §10(2)) carry no values, so
that no single building's figure can be read off a map. Public and workshop servers go
further and leave such blocks out altogether (their hull is close to a footprint):
:func:`quartier_geo.exports.public.block_buildings`.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.crs import require_crs
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.settings import MIN_BUILDINGS_DEFAULT

__all__ = ["BLOCK_VALUES", "aggregate_to_blocks", "block_ratio", "quarter_blocks"]

log = logging.getLogger(__name__)

#: Values summed per block in a quarter's bundle (kWh/a, t/a, m²).
BLOCK_VALUES = (
    "useful_heat_kwh_per_a",
    "consumption_kwh_per_a",
    "final_energy_kwh_per_a",
    "co2_t_per_a",
    "potential_usual_kwh_per_a",
    "potential_advanced_kwh_per_a",
    "conditioned_floor_area_m2",
)


def aggregate_to_blocks(
    buildings: gpd.GeoDataFrame,
    *,
    value_columns: list[str] | tuple[str, ...],
    block_column: str = "block_id",
    min_buildings: int = MIN_BUILDINGS_DEFAULT,
) -> gpd.GeoDataFrame:
    """One row per block: the convex hull of its buildings, their count and value sums.

    Parameters
    ----------
    buildings
        Footprints with ``block_column`` and the ``value_columns`` (in their units).
    value_columns
        Columns summed per block (NaN skipped; all NaN gives NaN).
    min_buildings
        Blocks with fewer buildings keep their outline but get NaN values, so that no
        single building's figure can be read off the map. The default 5 follows WPG
        §10(2) (at least five neighbouring house numbers; one building counted as one).

    Returns
    -------
    GeoDataFrame
        Columns ``block_column``, ``buildings``, the value columns and the hull geometry,
        in the CRS of ``buildings``; ordered by block id.
    """
    require_crs(buildings, what="Die Gebäude")
    missing = [c for c in (block_column, *value_columns) if c not in buildings.columns]
    if missing:
        raise QuartierGeoError(
            f"Für die Blockansicht fehlen die Spalten {', '.join(missing)}. "
            "Gebäude mit Block-Zuordnung (block_id) laden."
        )
    ok = buildings[block_column].notna().to_numpy() & ~(
        buildings.geometry.isna().to_numpy() | buildings.geometry.is_empty.to_numpy()
    )
    if not ok.all():
        log.info("%d Gebäude ohne Block oder Geometrie ausgelassen", int((~ok).sum()))
    b = buildings[ok]
    codes, blocks = pd.factorize(b[block_column], sort=True)
    coords, part = shapely.get_coordinates(b.geometry.to_numpy(), return_index=True)
    order = np.argsort(codes[part], kind="stable")
    hulls = (
        shapely.convex_hull(shapely.multipoints(coords[order], indices=codes[part][order]))
        if len(b)
        else np.array([], dtype=object)
    )
    grouped = b.groupby(codes, sort=True)
    out = pd.DataFrame({block_column: np.asarray(blocks), "buildings": grouped.size().to_numpy()})
    for col in value_columns:
        out[col] = grouped[col].sum(min_count=1).to_numpy(dtype=float)
        out.loc[out["buildings"] < min_buildings, col] = np.nan
    return gpd.GeoDataFrame(out, geometry=np.asarray(hulls, dtype=object), crs=buildings.crs)


def block_ratio(blocks: pd.DataFrame, numerator: str, denominator: str) -> pd.Series:
    """Σ ``numerator`` / Σ ``denominator`` per block; NaN where the denominator is not > 0.

    With the sums of :func:`aggregate_to_blocks`, ``block_ratio(blocks,
    "useful_heat_kwh_per_a", "conditioned_floor_area_m2")`` is the block's specific useful
    heat demand q = Σ Q_nd / Σ A_C in kWh/(m²·a) (the floor-area-weighted mean of its
    buildings). Returns a new Series on the index of ``blocks``.
    """
    den = blocks[denominator].where(blocks[denominator] > 0)
    return (blocks[numerator] / den).rename(f"{numerator}/{denominator}")


def quarter_blocks(
    buildings: gpd.GeoDataFrame, *, min_buildings: int = MIN_BUILDINGS_DEFAULT
) -> gpd.GeoDataFrame:
    """The blocks of assessed buildings: :data:`BLOCK_VALUES` summed and the specific
    useful heat demand ``useful_heat_kwh_per_m2a`` = Σ Q_nd / Σ A_C [kWh/(m²·a)]."""
    blocks = aggregate_to_blocks(
        buildings, value_columns=list(BLOCK_VALUES), min_buildings=min_buildings
    )
    return blocks.assign(
        useful_heat_kwh_per_m2a=block_ratio(
            blocks, "useful_heat_kwh_per_a", "conditioned_floor_area_m2"
        )
    )
