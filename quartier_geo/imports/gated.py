"""Buildings of a file on disk, parsed only by the sandboxed worker of the upload gate.

The one entry point of the command line (``analyse``, ``report``) and of the batch
(:mod:`quartier_geo.batch`) for building files: the gate's checks, then the canonical
contract or the mapping of a real NRW schema, every problem named.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd

from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.data import layers
from quartier_geo.data.reference import Reference
from quartier_geo.imports.pipeline import ImportOptions, import_file
from quartier_geo.imports.pool import WorkerPool

__all__ = ["gated_buildings"]


def gated_buildings(
    path: Path,
    *,
    ref: Reference,
    options: ImportOptions,
    pool: WorkerPool | None = None,
) -> tuple[gpd.GeoDataFrame, list[str], str]:
    """Buildings of a file, parsed only by the sandboxed worker of the upload gate.

    Returns (validated buildings, notes, schema). A file in the canonical schema is held to
    the canonical contract: nothing is guessed or repaired silently, so the worker returns
    its features as they are (``strict``) and every problem row is named; files in a real
    NRW schema are mapped, repaired and filled as on the Data page, each step in the notes.
    The file is never opened with GDAL in this process. ``options.layer`` may be a part of
    a layer name when it fits exactly one layer. ``pool`` is a running worker pool
    (default: a one-shot worker per call). Raises :class:`DataValidationError` (or
    :class:`QuartierGeoError` for a missing file) with what to do.
    """
    what = f"Die Datei {path.name}"
    if not path.exists():
        raise QuartierGeoError(f"Datei {path} nicht gefunden. Pfad prüfen.")
    result = import_file(path, ref=ref, options=options, pool=pool)
    if result.kind == "choice" and result.parameter == "layer" and options.layer:
        # a part of a layer name that fits exactly one layer ("hausumringe" in every
        # LANUV zip, whose layer names carry the municipality key) stands for that layer
        hint = options.layer.casefold()
        fits = [o.value for o in result.options if hint in o.value.casefold()]
        if len(fits) == 1:
            options = dataclasses.replace(options, layer=fits[0])
            result = import_file(path, ref=ref, options=options, pool=pool)
    if result.kind == "accepted" and result.mapping.schema == "canonical":
        strict = dataclasses.replace(options, strict=True)
        result = import_file(path, ref=ref, options=strict, pool=pool)
    if result.kind == "rejected":
        raise DataValidationError([result.message_de], what=what)
    if result.kind == "choice":
        choices = ", ".join(str(o.value) for o in result.options)
        flag = {"layer": "--layer", "crs": "--crs", "swap_axes": "--swap-axes"}[result.parameter]
        raise DataValidationError(
            [f"{result.message_de} Bitte mit {flag} angeben (Möglichkeiten: {choices})."],
            what=what,
        )
    if result.mapping.schema == "canonical":
        validated = layers.validate_buildings(result.features, ref, what=what)
        return validated.buildings, list(validated.notes), "canonical"
    if result.buildings is None or result.buildings.empty:
        raise DataValidationError(list(result.problems) or ["Keine Gebäude."], what=what)
    notes = [i.message_de for i in (*result.warnings, *result.fills)]
    return result.buildings, notes, result.mapping.schema
