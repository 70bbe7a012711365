"""The summary of a batch: one row per municipality, the totals, every file's outcome.

Figures are additive (counts, m², MWh/a, t/a), so the municipality rows are sums of the
files' own totals (computed per file by :func:`quartier_geo.domain.energy.summarise`) and
the total row is the sum of the municipality rows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from quartier_geo.base.atomic import atomic_path
from quartier_geo.base.escape import csv_safe
from quartier_geo.batch.assess import FIGURES, FileReport

__all__ = ["municipality_table", "totals", "write_summary"]

_COLUMNS = ("municipality", "files", *FIGURES)


def municipality_table(reports: Sequence[FileReport]) -> pd.DataFrame:
    """One row per municipality (sorted by name): files and :data:`FIGURES` summed.

    >>> a = FileReport("a.gpkg", "A", True, figures=dict.fromkeys(FIGURES, 1.0))
    >>> b = FileReport("b.gpkg", "A", True, figures=dict.fromkeys(FIGURES, 2.0))
    >>> bad = FileReport("c.gpkg", "C", False, reason="kaputt")
    >>> table = municipality_table([a, b, bad])
    >>> table[["municipality", "files", "buildings", "co2_t_per_a"]].to_dict("records")
    [{'municipality': 'A', 'files': 2, 'buildings': 3, 'co2_t_per_a': 3.0}]
    """
    rows = [{"municipality": r.municipality, "files": 1, **r.figures} for r in reports if r.ok]
    if not rows:
        return pd.DataFrame(columns=list(_COLUMNS))
    frame = pd.DataFrame(rows)
    table = frame.groupby("municipality", sort=True).sum().reset_index()
    for column in ("files", "buildings", "demand_from_file"):
        table[column] = table[column].astype("int64")
    return table[list(_COLUMNS)]


def totals(table: pd.DataFrame) -> dict[str, float]:
    """The sum of every figure over all municipalities (``files`` and :data:`FIGURES`)."""
    return {c: _number(table[c].sum()) if len(table) else 0 for c in ("files", *FIGURES)}


def _number(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value


def _file_record(report: FileReport) -> dict[str, Any]:
    return {
        "file": report.file,
        "municipality": report.municipality,
        "status": "ok" if report.ok else "failed",
        "reason": report.reason if not report.ok else "",
        "schema": report.schema,
        "buildings": int(report.figures.get("buildings", 0)),
        "seconds": report.seconds,
        "notes": list(report.notes),
    }


def write_summary(out: Path, reports: Sequence[FileReport]) -> pd.DataFrame:
    """Write ``summary.csv``, ``summary.json`` and ``files.csv`` into ``out``; return the table.

    ``summary.csv``: one row per municipality. ``summary.json``: the same rows, the totals
    and every file with its status and reason. ``files.csv``: one row per input file.
    Each file is replaced atomically.
    """
    table = municipality_table(reports)
    records = [{k: _number(v) for k, v in row.items()} for row in table.to_dict(orient="records")]
    files = [_file_record(r) for r in reports]
    payload = {
        "municipalities": records,
        "totals": totals(table),
        "files": files,
        "failed": [{"file": f["file"], "reason": f["reason"]} for f in files if f["reason"]],
    }
    with atomic_path(out / "summary.csv") as tmp:
        table.assign(municipality=table["municipality"].map(csv_safe)).to_csv(
            tmp, index=False, float_format="%.6f"
        )
    with atomic_path(out / "summary.json") as tmp:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    listing = pd.DataFrame(files, columns=list(_file_record(FileReport("", "", True)).keys()))
    listing["notes"] = listing["notes"].map(" | ".join)
    for column in ("file", "municipality", "reason", "notes"):
        listing[column] = listing[column].map(csv_safe)
    with atomic_path(out / "files.csv") as tmp:
        listing.to_csv(tmp, index=False)
    return table
