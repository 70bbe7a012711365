"""Building counts and sums per hectare cell, block or quarter, computed in PostGIS
(issue #8): the same figures as :func:`quartier_geo.domain.aggregates.building_sums`
without reading the buildings into Python.

The table aggregated is ``layers.buildings_assessed`` (the assessed results, stored by
``database init``) where it exists, else ``layers.buildings`` (count, floor area,
dwellings and residents only). A building counts in the cell of its representative
point, ``ST_PointOnSurface`` (GEOS's point on surface, as shapely's
``representative_point``), cell = floor(x / 100 m), floor(y / 100 m) in EPSG:25832.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from quartier_geo.base.columns import AGGREGATE_LEVELS, AGGREGATE_SUMS
from quartier_geo.base.errors import QuartierGeoError, StorageError
from quartier_geo.data.pg.connect import connect
from quartier_geo.data.pg.layers import quoted

__all__ = ["ASSESSED", "Aggregate", "aggregate"]

#: The layer of assessed buildings that ``database init`` stores beside ``buildings``.
ASSESSED = "buildings_assessed"
_CELL = "'E' || floor(ST_X(p) / 100)::bigint || '_N' || floor(ST_Y(p) / 100)::bigint"


@dataclass(frozen=True)
class Aggregate:
    """The sums per unit (``frame``: key column, ``buildings``, one column per sum) and
    the table they come from."""

    level: str
    table: str
    frame: pd.DataFrame

    def as_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "table": f"layers.{self.table}",
            "columns": list(self.frame.columns),
            "rows": self.frame.to_dict("records"),
        }


def _catalog(con: object, name: str) -> dict[str, str] | None:
    row = con.execute(  # type: ignore[attr-defined]
        "SELECT columns FROM layers.catalog WHERE name = %s", (name,)
    ).fetchone()
    return {c: dtype for c, dtype in row[0]} if row else None


def aggregate(url: str, level: str) -> Aggregate:
    """Count and sum the stored buildings per unit of ``level`` (cell, block, quarter),
    sorted by the unit's key; a unit without buildings has no row."""
    if level not in AGGREGATE_LEVELS:
        raise QuartierGeoError(f"Unbekannte Ebene {level!r}: cell, block oder quarter.")
    key = AGGREGATE_LEVELS[level]
    with connect(url) as con:
        if not con.execute("SELECT to_regclass('layers.catalog') IS NOT NULL").fetchone()[0]:
            raise StorageError("Keine Ebenen in der Datenbank: 'database init' ausführen.")
        table, columns = ASSESSED, _catalog(con, ASSESSED)
        if columns is None:
            table, columns = "buildings", _catalog(con, "buildings")
        if columns is None:
            raise StorageError("Keine Gebäude in der Datenbank: 'database init' ausführen.")
        summed = [c for c in AGGREGATE_SUMS if c in columns]
        sums = [
            f"coalesce(sum({quoted(c)}), 0)::"
            + ("bigint" if columns[c].startswith("int") else "double precision")
            for c in summed
        ]
        if level == "cell":
            unit = _CELL
            source = (
                f"(SELECT *, ST_PointOnSurface(geom) AS p FROM layers.{quoted(table)}"
                " WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)) b"
            )
        else:
            unit = quoted(key)
            source = f"layers.{quoted(table)} WHERE {unit} IS NOT NULL"
        collate = "" if level == "quarter" else ' COLLATE "C"'
        rows = con.execute(
            f"SELECT * FROM (SELECT {unit} AS {quoted(key)}, count(*) AS buildings"
            + "".join(f", {s}" for s in sums)
            + f" FROM {source} GROUP BY 1) u ORDER BY {quoted(key)}{collate}"
        ).fetchall()
    frame = pd.DataFrame.from_records(rows, columns=[key, "buildings", *summed])
    return Aggregate(level, table, frame)
