"""What the commands of :mod:`quartier_geo.cli` share: JSON-safe output and the loading of
a target (a quarter id or name, or a building file through the upload gate).

>>> clean(float("nan")), clean(2.34567)
(None, 2.346)
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from quartier_geo.base.errors import QuartierGeoError

__all__ = ["FILE_STREET_MARGIN_M", "clean", "emit", "gated_buildings", "records", "target_bundle"]


def clean(value: Any) -> Any:
    """JSON-safe scalars: numpy to Python, NaN/NA to None, floats rounded to 3 decimals."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 3)
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: clean(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def emit(payload: Any, fmt: str, table: pd.DataFrame | None = None) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    elif table is not None:
        with pd.option_context("display.width", 200, "display.max_columns", 50):
            sys.stdout.write(table.to_string(index=False) + "\n")
    else:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")


def gated_buildings(path: Path, *, ref: Any, options: Any) -> tuple[Any, list[str], str]:
    """Buildings of a file through the upload gate (:mod:`quartier_geo.imports.gated`)."""
    from quartier_geo.imports.gated import gated_buildings as gate

    return gate(path, ref=ref, options=options)


#: streets of the region within this margin of a building file's extent [m] (the network
#: layout needs the streets around the buildings, the block plan their street blocks)
FILE_STREET_MARGIN_M = 200.0


def target_bundle(target: str, ref: Any, *, by_name: bool = False) -> Any:
    """The bundle of a quarter id (``"5"``), with ``by_name`` also of a quarter's name
    (``"Wulfen-Barkenberg"``, case-insensitive), or of a canonical building file (path).

    A file's buildings come through the upload gate and get the region's streets within
    :data:`FILE_STREET_MARGIN_M` of their extent and the region's heat networks and
    potentials whole (as a quarter does: distances reach outside), so that street blocks and
    network distances exist for a file too."""
    from quartier_geo.data import layers
    from quartier_geo.domain.bundle import QuarterLayers, build_quarter_bundle, select_quarter

    text = str(target).strip()
    if text.isdigit():
        return build_quarter_bundle(select_quarter(layers.load_region(ref), int(text)), ref=ref)
    path = Path(text)
    if by_name and not path.exists():
        region = layers.load_region(ref)
        names = region.quarters.set_index("quarter_id")["name"].astype(str)
        hits = names[names.str.casefold() == text.casefold()]
        if hits.empty:
            raise QuartierGeoError(
                f"{text!r} ist weder eine Datei noch ein Quartier; Quartiere: "
                + ", ".join(f"{i} {n}" for i, n in names.items())
            )
        return build_quarter_bundle(select_quarter(region, int(hits.index[0])), ref=ref)
    if not path.is_file():
        raise QuartierGeoError(f"{text}: weder eine Quartiersnummer (1–20) noch eine Datei.")
    from quartier_geo.imports.pipeline import ImportOptions

    buildings, _notes, _schema = gated_buildings(path, ref=ref, options=ImportOptions())
    region = layers.load_region(ref)
    minx, miny, maxx, maxy = buildings.to_crs(region.streets.crs).total_bounds
    m = FILE_STREET_MARGIN_M
    data = QuarterLayers(
        buildings=buildings,
        streets=region.streets.cx[minx - m : maxx + m, miny - m : maxy + m],
        networks=region.heat_networks,
        potentials=region.potentials,
        name=path.stem,
        file_name=path.name,
    )
    return build_quarter_bundle(data, ref=ref)
