"""Readers of the import worker that do not use GDAL: CSV (pandas) and CityGML.

GDAL's CSV driver is skipped on purpose (``GDAL_SKIP``, docs/SECURITY.md §0.2), so CSV is
read with pandas: UTF-8 or Windows-1252, the delimiter from the header line (``;`` with
a decimal comma is the German default), geometry from a WKT column (``SRID=…;`` EWKT
prefix honoured) or from a coordinate pair. Column names state the CRS only for lon/lat;
x/y and Rechtswert/Hochwert go through the CRS diagnosis (never assumed).
"""

from __future__ import annotations

import io
import xml.parsers.expat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from quartier_geo.imports.fill import numeric
from quartier_geo.imports.worker.citygml import (
    TooComplexError,
    UnsafeXmlError,
    citygml_crs,
    parse_citygml,
)
from quartier_geo.imports.worker.readers import Parsed, decode_text, reject

__all__ = ["read_citygml", "read_csv"]

_WKT = ("wkt", "geometry", "geom", "the_geom", "wkt_geom", "geometrie", "shape", "geometry_wkt")
_PAIRS: tuple[tuple[tuple[str, ...], tuple[str, ...], str | None], ...] = (
    (
        ("lon", "lng", "long", "longitude", "laenge", "länge"),
        ("lat", "latitude", "breite"),
        "EPSG:4326",
    ),
    (
        ("x", "rechtswert", "easting", "ost", "x_coord", "xcoord", "utm_x", "koord_x"),
        ("y", "hochwert", "northing", "nord", "y_coord", "ycoord", "utm_y", "koord_y"),
        None,
    ),
)


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((";", ",", "\t", "|"), key=header.count)


def _ewkt(values: pd.Series) -> tuple[pd.Series, str | None]:
    prefix = values.str.extract(r"^\s*SRID=(\d+);", expand=False)
    srids = set(prefix.dropna())
    if len(srids) == 1:
        return values.str.replace(r"^\s*SRID=\d+;", "", regex=True), f"EPSG:{srids.pop()}"
    return values, None


def read_csv(path: Path, limits: dict[str, Any]) -> Parsed:
    text, fallback = decode_text(path.read_bytes())
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=_delimiter(text),
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
        )
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        raise reject("unreadable_file", format="csv") from None
    if df.empty:
        raise reject("no_features")
    if len(df) > limits["max_features"]:
        raise reject("too_complex.features", features=len(df), limit=limits["max_features"])
    names = {str(c).strip().lower(): c for c in df.columns}
    declared: str | None = None
    used: list[str] = []
    wkt = next((names[n] for n in _WKT if n in names), None)
    if wkt is not None:
        values, declared = _ewkt(df[wkt].astype("string"))
        wkt_text = np.array(
            [v if isinstance(v, str) and v.strip() else None for v in values], dtype=object
        )
        geoms = shapely.from_wkt(wkt_text, on_invalid="ignore")
        used = [wkt]
    else:
        for xs, ys, crs in _PAIRS:
            x = next((names[n] for n in xs if n in names), None)
            y = next((names[n] for n in ys if n in names), None)
            if x is not None and y is not None:
                xv, yv = numeric(df[x]).to_numpy(), numeric(df[y]).to_numpy()
                geoms = shapely.points(xv, yv)
                geoms[~(np.isfinite(xv) & np.isfinite(yv))] = None
                declared, used = crs, [x, y]
                break
        else:
            raise reject("no_geometry.csv", format="csv")
    columns = {
        str(c): df[c].replace("", None).to_numpy(dtype=object) for c in df.columns if c not in used
    }
    out = Parsed(geoms, columns, declared, allow_points=True)
    if fallback:
        out.warnings.append(
            ("encoding_fallback", {"encoding": fallback, "cpg_note": "", "cpg_note_en": ""})
        )
    out.report.update(encoding=fallback or "UTF-8", geometry_columns=used)
    return out


def read_citygml(path: Path, limits: dict[str, Any]) -> Parsed:
    try:
        result = parse_citygml(
            path, max_buildings=limits["max_features"], max_vertices=limits["max_vertices_total"]
        )
    except UnsafeXmlError:
        raise reject("unsafe_xml") from None
    except TooComplexError as exc:
        key = "too_complex.features" if exc.what == "features" else "too_complex.vertices_total"
        raise reject(key, features=exc.value, vertices=exc.value, limit=exc.limit) from None
    except (xml.parsers.expat.ExpatError, ValueError):
        raise reject("unreadable_file", format="citygml") from None
    if not result.records:
        raise reject("no_features")
    has = np.array([g is not None for g in result.footprints], dtype=bool)
    records = [r for r, ok in zip(result.records, has, strict=True) if ok]
    if not records:
        raise reject("no_features")
    geoms = np.array([g for g in result.footprints if g is not None], dtype=object)
    columns = {k: np.array([r[k] for r in records], dtype=object) for k in records[0]}
    out = Parsed(geoms, columns, citygml_crs(result.srs_name))
    if (~has).any():
        out.warnings.append(("citygml_no_footprint", {"count": int((~has).sum())}))
    out.report.update(srs_name=(result.srs_name or "")[:120], buildings_in_file=len(has))
    return out
