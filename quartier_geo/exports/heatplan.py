"""The heat plan's layers out: supply areas per block (``waermeversorgungsgebiete``) and the
target indicators (``zielszenario_indikatoren``) and the heat generation costs per block
(``waermegestehungskosten``) as non-spatial tables, as a GeoPackage.

The areas layer holds one row per block with its criteria and, per Stützjahr, category and
likelihoods; a public or workshop server passes only the public blocks (``block_ids``).
Files are written atomically (:func:`quartier_geo.base.atomic.atomic_path`): a second run
into the same file replaces it.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from quartier_geo.base.atomic import atomic_path
from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import StorageError
from quartier_geo.domain.heatplan_indicators import HeatPlan

__all__ = [
    "AREAS_LAYER",
    "COSTS_LAYER",
    "INDICATORS_LAYER",
    "SUMMARY_LAYER",
    "areas_layer",
    "costs_table",
    "write_heatplan",
]

AREAS_LAYER = "waermeversorgungsgebiete"
INDICATORS_LAYER = "zielszenario_indikatoren"
SUMMARY_LAYER = "zielszenario_summen"
COSTS_LAYER = "waermegestehungskosten"


def areas_layer(plan: HeatPlan, *, block_ids: Collection[str] | None = None) -> gpd.GeoDataFrame:
    """The areas of ``plan`` as a layer in EPSG:25832 (only ``block_ids`` if given; an
    empty layer when the quarter has no blocks)."""
    if plan.areas is None:
        return gpd.GeoDataFrame({"block_id": pd.Series(dtype=object)}, geometry=[], crs=WORK_CRS)
    areas = plan.areas
    if block_ids is not None:
        areas = areas[areas["block_id"].isin(list(block_ids))]
    return areas.to_crs(WORK_CRS).reset_index(drop=True)


def costs_table(plan: HeatPlan, *, block_ids: Collection[str] | None = None) -> pd.DataFrame:
    """The heat generation cost per block and option (non-spatial): ``block_id``,
    ``option``, ``cost_eur_per_mwh`` (empty where unsourced), ``missing`` and ``year`` (the
    CO₂ price year); only ``block_ids`` if given; empty without costs."""
    columns = ["block_id", "option", "year", "cost_eur_per_mwh", "missing"]
    if plan.block_costs is None or plan.block_costs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = plan.block_costs.assign(
        block_id=plan.block_costs["block_id"].astype(str),
        year=plan.heat_cost_year,
        cost_eur_per_mwh=pd.to_numeric(plan.block_costs["cost_eur_per_mwh"], errors="coerce"),
        missing=[";".join(m) for m in plan.block_costs["missing"]],
    )
    if block_ids is not None:
        out = out[out["block_id"].isin([str(b) for b in block_ids])]
    return out[columns].reset_index(drop=True)


def write_heatplan(plan: HeatPlan, path: Path, *, block_ids: Collection[str] | None = None) -> Path:
    """Write the areas, the indicator rows, the summary per year and the heat generation
    costs per block (:func:`costs_table`) to the GeoPackage ``path`` (replaced atomically
    if it exists)."""
    path = Path(path)
    summary = plan.summary.reset_index()
    with atomic_path(path) as tmp:
        try:
            pyogrio.write_dataframe(
                areas_layer(plan, block_ids=block_ids), tmp, layer=AREAS_LAYER, driver="GPKG"
            )
            pyogrio.write_dataframe(plan.rows, tmp, layer=INDICATORS_LAYER, driver="GPKG")
            pyogrio.write_dataframe(summary, tmp, layer=SUMMARY_LAYER, driver="GPKG")
            pyogrio.write_dataframe(
                costs_table(plan, block_ids=block_ids), tmp, layer=COSTS_LAYER, driver="GPKG"
            )
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
            raise StorageError(
                f"Wärmeplan nach {path.name} nicht geschrieben ({exc}); die vorherige Datei "
                "ist unverändert."
            ) from exc
    return path
