"""One file of a batch: gate, assess, conform to the output schema, sum up.

:func:`assess_file` is the task that runs on a Dask worker. It never raises for a bad file:
every problem becomes a failed :class:`FileReport` with the reason, and the partition is
empty, so one broken file never stops the others.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import energy
from quartier_geo.imports.gated import gated_buildings
from quartier_geo.imports.pipeline import ImportOptions

__all__ = [
    "FIGURES",
    "FLOAT_COLUMNS",
    "STRING_COLUMNS",
    "FileReport",
    "assess_file",
    "conform",
    "empty_frame",
    "municipality_of",
]

log = logging.getLogger(__name__)

#: Text columns of the output GeoParquet (``municipality`` becomes the partition folder).
STRING_COLUMNS = (
    "building_id",
    "municipality",
    "source_file",
    "building_type",
    "age_class",
    "refurbishment_state",
    "heating_system",
    "heating_carrier",
    "demand_source",
    "typology_fallback",
)
#: Numeric columns of the output GeoParquet (units in the names, base/columns.py).
FLOAT_COLUMNS = (
    "conditioned_floor_area_m2",
    "heat_demand_reported_kwh_per_a",
    "useful_heat_kwh_per_a",
    "final_energy_kwh_per_a",
    "primary_energy_kwh_per_a",
    "co2_t_per_a",
    "potential_usual_kwh_per_a",
    "potential_advanced_kwh_per_a",
)

#: Additive figures of one file (and, summed, of one municipality), MWh/a or t/a.
FIGURES = (
    "buildings",
    "demand_from_file",
    *energy.SUMMARY_FIELDS[1:],
    "heat_demand_reported_mwh_per_a",
)


@dataclass(frozen=True)
class FileReport:
    """What happened to one input file.

    ``figures`` holds :data:`FIGURES` (empty for a failed file); ``reason`` says why a
    file failed and what to do.
    """

    file: str
    municipality: str
    ok: bool
    reason: str = ""
    schema: str = ""
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    figures: dict[str, float] = field(default_factory=dict)


def municipality_of(path: Path) -> str:
    """The municipality key of a file: its name without the extension, made folder-safe.

    >>> municipality_of(Path("/data/WBM-NRW_05513000 Gelsenkirchen.zip"))
    'WBM-NRW_05513000_Gelsenkirchen'
    >>> municipality_of(Path("Mülheim an der Ruhr.gpkg"))
    'Mülheim_an_der_Ruhr'
    """
    name = re.sub(r"[^\w.-]+", "_", path.stem).strip("._")
    return name or "unbenannt"


def empty_frame() -> gpd.GeoDataFrame:
    """The output schema without rows (the ``meta`` of the Dask frame)."""
    data: dict[str, pd.Series] = {c: pd.Series([], dtype="str") for c in STRING_COLUMNS}
    data.update({c: pd.Series([], dtype="float64") for c in FLOAT_COLUMNS})
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=WORK_CRS), crs=WORK_CRS)


def conform(assessed: gpd.GeoDataFrame, *, municipality: str, source: str) -> gpd.GeoDataFrame:
    """Assessed buildings in the output schema: fixed columns and dtypes, a fresh index.

    Every partition of the batch has the same schema, whatever the input schema was;
    a column the input lacks is empty (``heat_demand_reported_kwh_per_a`` without a
    reported demand).
    """
    frame = pd.DataFrame(index=pd.RangeIndex(len(assessed)))
    for column in STRING_COLUMNS:
        values = assessed[column].to_numpy() if column in assessed else None
        frame[column] = pd.Series(values, index=frame.index, dtype="str")
    frame["municipality"] = municipality
    frame["source_file"] = source
    for column in FLOAT_COLUMNS:
        if column in assessed:
            values = pd.to_numeric(assessed[column], errors="coerce").to_numpy(dtype="float64")
        else:
            values = np.full(len(assessed), np.nan)
        frame[column] = values
    geometry = gpd.GeoSeries(assessed.geometry.to_numpy(), index=frame.index, crs=assessed.crs)
    out = gpd.GeoDataFrame(frame, geometry=geometry.to_crs(WORK_CRS), crs=WORK_CRS)
    return out.astype({c: "str" for c in STRING_COLUMNS})


def figures_of(assessed: gpd.GeoDataFrame) -> dict[str, float]:
    """:data:`FIGURES` of one set of assessed buildings (the domain's own totals)."""
    totals = energy.summarise(assessed).iloc[0].to_dict()
    reported = pd.to_numeric(
        assessed.get("heat_demand_reported_kwh_per_a", pd.Series(dtype="float64")),
        errors="coerce",
    )
    totals["heat_demand_reported_mwh_per_a"] = float(reported.sum()) / 1000.0
    totals["demand_from_file"] = int((assessed["demand_source"] == "file").sum())
    totals["buildings"] = int(totals["buildings"])
    return {name: totals[name] for name in FIGURES}


def assess_file(
    path: str, *, municipality: str, options: ImportOptions
) -> tuple[gpd.GeoDataFrame, FileReport]:
    """Gate, assess and conform one file; never raises for a bad file.

    Returns the buildings in the output schema (empty for a failed file) and the report.
    """
    started = time.perf_counter()
    file = Path(path)
    try:
        ref = load_reference()
        buildings, notes, schema = gated_buildings(file, ref=ref, options=options)
        assessed = energy.assess_buildings(buildings, ref)
        frame = conform(assessed, municipality=municipality, source=file.name)
        report = FileReport(
            file=file.name,
            municipality=municipality,
            ok=True,
            schema=schema,
            notes=tuple(notes),
            seconds=round(time.perf_counter() - started, 3),
            figures=figures_of(assessed),
        )
        return frame, report
    except DataValidationError as exc:
        reason = "; ".join(exc.problems[:5]) + (" …" if len(exc.problems) > 5 else "")
    except QuartierGeoError as exc:
        reason = str(exc)
    except Exception as exc:  # a bug or a broken environment: report it, keep the batch going
        log.exception("batch: %s failed unexpectedly", file.name)
        reason = f"Interner Fehler ({type(exc).__name__}: {str(exc)[:200]}); Log prüfen."
    report = FileReport(
        file=file.name,
        municipality=municipality,
        ok=False,
        reason=reason,
        seconds=round(time.perf_counter() - started, 3),
    )
    return empty_frame(), report
