"""The region's layers in PostGIS: load the GeoPackage's layers and programme tables into
schema ``layers`` (one table per layer, a GiST index on every geometry), read them back.

A table keeps the columns of its layer with their pandas dtypes (recorded in
``layers.catalog``, so a read returns the same frame as the GeoPackage: same columns,
dtypes, order and values), a ``fid`` for the row order and ``geom`` in EPSG:25832.
Loading replaces a table in one transaction: readers see the old layer or the new one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import QuartierGeoError, StorageError
from quartier_geo.data.pg.connect import connect

__all__ = ["SRID", "layer_counts", "load_into", "quoted", "read_frame"]

SRID = 25832
_NAME = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _ident(name: str) -> str:
    """A quoted identifier for a layer or column name (names of our schema only).

    >>> _ident("heat_networks")
    '"heat_networks"'
    """
    if not name or not set(name.lower()) <= _NAME:
        raise QuartierGeoError(f"Name {name!r} ist als Tabellen- oder Spaltenname ungeeignet.")
    return f'"{name}"'


def quoted(name: str) -> str:
    """A quoted identifier of a layer or column of this schema (checked: see _ident)."""
    return _ident(name)


def _sql_type(dtype: Any) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double precision"
    return "text"


def _cell(value: Any) -> Any:
    """A value for COPY: None for missing, Python scalars, text for the rest."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(value)
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write(con: Any, name: str, frame: pd.DataFrame, *, source: Path, sha: str) -> None:
    spatial = isinstance(frame, gpd.GeoDataFrame)
    columns = [c for c in frame.columns if not (spatial and c == frame.geometry.name)]
    table = f"layers.{_ident(name)}"
    defs = ", ".join(f"{_ident(c)} {_sql_type(frame[c].dtype)}" for c in columns)
    geom = f", geom geometry(Geometry, {SRID})" if spatial else ""
    con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(f"CREATE TABLE {table} (fid integer PRIMARY KEY{', ' if defs else ''}{defs}{geom})")
    names = ", ".join(["fid", *(_ident(c) for c in columns), *(["geom"] if spatial else [])])
    wkb: Iterable[Any] = [None] * len(frame)
    if spatial:
        geoms = shapely.set_srid(frame.geometry.to_crs(WORK_CRS).to_numpy(), SRID)
        wkb = shapely.to_wkb(geoms, hex=True, include_srid=True)
    with con.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        values = frame[columns].itertuples(index=False, name=None)
        for fid, (row, g) in enumerate(zip(values, wkb, strict=True), start=1):
            copy.write_row([fid, *(_cell(v) for v in row), *([g] if spatial else [])])
    if spatial:
        con.execute(f"CREATE INDEX ON {table} USING gist (geom)")
    con.execute(
        "INSERT INTO layers.catalog (name, spatial, srid, columns, rows, source, source_sha256) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET "
        "spatial = excluded.spatial, srid = excluded.srid, columns = excluded.columns, "
        "rows = excluded.rows, source = excluded.source, "
        "source_sha256 = excluded.source_sha256, loaded_at = now()",
        (
            name,
            spatial,
            SRID if spatial else None,
            json.dumps([[c, str(frame[c].dtype)] for c in columns]),
            len(frame),
            source.name,
            sha,
        ),
    )


def load_into(url: str, frames: dict[str, pd.DataFrame], *, source: Path) -> dict[str, int]:
    """Replace the layers and tables ``frames`` (name -> frame) in the database, in one
    transaction; return the rows per name."""
    sha = _sha256(source)
    with connect(url) as con, con.transaction():
        for name, frame in frames.items():
            _write(con, name, frame, source=source, sha=sha)
    return {name: len(frame) for name, frame in frames.items()}


def read_frame(url: str, name: str) -> pd.DataFrame:
    """One layer (a GeoDataFrame in EPSG:25832) or programme table as it was loaded."""
    with connect(url) as con:
        entry = (
            con.execute(
                "SELECT spatial, columns FROM layers.catalog WHERE name = %s", (name,)
            ).fetchone()
            if _has_catalog(con)
            else None
        )
        if entry is None:
            raise StorageError(
                f"Ebene {name!r} fehlt in der Datenbank: "
                "'python -m quartier_geo database init' ausführen."
            )
        spatial, columns = entry
        names = [c for c, _dtype in columns]
        select = ", ".join(
            [*(_ident(c) for c in names), *(["ST_AsBinary(geom)"] if spatial else [])]
        )
        rows = con.execute(f"SELECT {select} FROM layers.{_ident(name)} ORDER BY fid").fetchall()
    frame = pd.DataFrame.from_records(rows, columns=[*names, *(["__wkb"] if spatial else [])])
    for column, dtype in columns:
        frame[column] = _restore(frame[column], dtype)
    if not spatial:
        return frame
    geometry = shapely.from_wkb(frame.pop("__wkb").to_numpy())
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WORK_CRS)


def _restore(values: pd.Series, dtype: str) -> pd.Series:
    if dtype == "object":
        return values.astype(object).where(values.notna(), None)
    if dtype in ("str", "string"):
        return values.astype(dtype)
    if dtype.startswith("float"):
        return pd.to_numeric(values, errors="coerce").astype(dtype)
    return values.astype(dtype)


def _has_catalog(con: Any) -> bool:
    return bool(con.execute("SELECT to_regclass('layers.catalog') IS NOT NULL").fetchone()[0])


def layer_counts(url: str) -> dict[str, int]:
    """Rows per loaded layer and table (from the tables themselves, not the catalog)."""
    with connect(url) as con:
        if not _has_catalog(con):
            return {}
        names = [r[0] for r in con.execute("SELECT name FROM layers.catalog ORDER BY name")]
        return {
            n: int(con.execute(f"SELECT count(*) FROM layers.{_ident(n)}").fetchone()[0])
            for n in names
        }
