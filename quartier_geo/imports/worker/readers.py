"""Format readers of the import worker process (never imported by the app process).

Each reader checks the bytes it is given *before* GDAL sees them, then reads with a
forced driver (``GeoJSON:``/``GPKG:`` prefix, an extracted ``.shp`` by exact path) or
without GDAL (CSV with pandas, CityGML with :mod:`quartier_geo.imports.worker.citygml`).
A reader either returns :class:`Parsed` or raises :class:`Stop` with a message key of
:mod:`quartier_geo.imports.messages`.

* GeoJSON: UTF-8 (BOM stripped) or Windows-1252 with a warning; parsed once with
  :mod:`json` to refuse non-GeoJSON JSON (GDALG pipelines), ``crs`` members of type
  ``link`` or with URLs, oversized attribute values, deep nesting and too many vertices.
* GeoPackage: ``PRAGMA quick_check`` on the read-only, immutable file, feature tables
  from ``gpkg_contents`` (views refused), a layer choice when there are several.
* Shapefile: see :mod:`quartier_geo.imports.worker.shapefile`.
* CSV: pandas, delimiter and decimal comma detected; x/y, lon/lat, Rechtswert/Hochwert
  or a WKT column.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import shapely

from quartier_geo.imports.gate import sniff_geojson, sniff_gpkg

__all__ = [
    "Parsed",
    "Stop",
    "decode_text",
    "gdal_read",
    "read_geojson",
    "read_gpkg",
    "reject",
    "wkb_to_geoms",
]

_GEOJSON_TYPES = {
    "FeatureCollection",
    "Feature",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
_SAFE_CRS = re.compile(r"^(urn:ogc:def:crs:(EPSG|OGC)::?[0-9A-Za-z.]+|EPSG:\d{4,6})$")


class Stop(Exception):
    """End the job with a domain result (``status``: rejected or choice)."""

    def __init__(
        self,
        status: str,
        key: str,
        params: dict[str, Any] | None = None,
        *,
        options: list[dict[str, Any]] | None = None,
        parameter: str | None = None,
    ) -> None:
        super().__init__(key)
        self.status, self.key, self.params = status, key, dict(params or {})
        self.options, self.parameter = options or [], parameter


def reject(key: str, **params: Any) -> Stop:
    """A :class:`Stop` that rejects the file with message ``key``."""
    return Stop("rejected", key, params)


@dataclass
class Parsed:
    """What a reader found: geometries, attribute columns and the declared CRS."""

    geoms: np.ndarray
    columns: dict[str, Any]
    declared_crs: str | None
    implicit_crs: bool = False
    allow_points: bool = False
    layer: str | None = None
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def decode_text(raw: bytes) -> tuple[str, str | None]:
    """Text of ``raw``: UTF-8 (BOM removed) or, failing that, Windows-1252/Latin-1."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "ISO-8859-1"


def wkb_to_geoms(wkb: np.ndarray) -> tuple[np.ndarray, int]:
    """Shapely geometries of GDAL's WKB; unclosed rings closed (``on_invalid="fix"``)."""
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    bad = np.flatnonzero((geoms == None) & (wkb != None))  # noqa: E711 - elementwise
    if bad.size:
        geoms[bad] = shapely.from_wkb(wkb[bad], on_invalid="fix")
    fixed = int(np.count_nonzero(geoms[bad] != None)) if bad.size else 0  # noqa: E711
    return geoms, fixed


def gdal_read(path: str, *, layer: str | None = None, encoding: str | None = None) -> tuple:
    """``pyogrio.raw.read`` in 2D: (meta, fids, WKB array, field arrays)."""
    import pyogrio

    return pyogrio.raw.read(path, layer=layer, encoding=encoding, force_2d=True)


def _columns(meta: dict[str, Any], fields: list[np.ndarray]) -> dict[str, Any]:
    return {str(name): arr for name, arr in zip(meta["fields"], fields, strict=True)}


# --- GeoJSON ---------------------------------------------------------------------------


def _vertices(geom: Any) -> int:
    """Vertex count of a GeoJSON geometry dict, counting rings (not numbers)."""
    if not isinstance(geom, dict):
        return 0
    kind, coords = geom.get("type"), geom.get("coordinates")
    if kind == "GeometryCollection":
        return sum(_vertices(g) for g in geom.get("geometries") or [] if isinstance(g, dict))
    if not isinstance(coords, list):
        return 0
    if kind == "Point":
        return 1
    if kind in ("LineString", "MultiPoint"):
        return len(coords)
    if kind in ("Polygon", "MultiLineString"):
        return sum(len(r) for r in coords if isinstance(r, list))
    if kind == "MultiPolygon":
        return sum(len(r) for p in coords if isinstance(p, list) for r in p if isinstance(r, list))
    return 0


def _finite(value: Any) -> bool:
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return not isinstance(value, float) or (math.isfinite(value) and abs(value) <= 1e8)


def _first_non_finite(doc: Any) -> int | None:
    """Number (from 1) of the first feature with a NaN/infinite/huge coordinate."""
    if not isinstance(doc, dict):
        return None
    features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
    for i, feat in enumerate(features if isinstance(features, list) else []):
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if isinstance(geom, dict) and not _finite(geom.get("coordinates")):
            return i + 1
    return None


def _check_crs_member(doc: dict[str, Any]) -> str | None:
    crs = doc.get("crs")
    if crs is None:
        return None
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not (isinstance(crs, dict) and crs.get("type") == "name" and isinstance(name, str)):
        raise reject("unsafe_crs")
    if not _SAFE_CRS.match(name.strip()):
        raise reject("unsafe_crs")
    return name.strip()


def read_geojson(path: Path, limits: dict[str, Any]) -> Parsed:
    raw = path.read_bytes()
    bad = sniff_geojson(raw[:65536])
    if bad is not None:
        raise Stop("rejected", bad.details["message_key"], bad.details)
    text, fallback = decode_text(raw)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise reject("unreadable_file", format="geojson") from None
    if not isinstance(doc, dict) or doc.get("type") not in _GEOJSON_TYPES:
        raise reject("unsupported_format", reason="JSON ohne GeoJSON-Typ (z. B. GDALG)")
    crs_name = _check_crs_member(doc)
    if doc["type"] == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise reject("unreadable_file", format="geojson")
    elif doc["type"] == "Feature":
        features = [doc]
    else:
        features = [{"type": "Feature", "geometry": doc}]
    if not features:
        raise reject("no_features")
    if len(features) > limits["max_features"]:
        raise reject("too_complex.features", features=len(features), limit=limits["max_features"])
    total = 0
    for i, feat in enumerate(features):
        if not isinstance(feat, dict):
            raise reject("unreadable_file", format="geojson")
        props = feat.get("properties")
        for value in (props or {}).values() if isinstance(props, dict) else ():
            if isinstance(value, str) and len(value) > limits["max_attribute_bytes"]:
                raise reject(
                    "unreadable_file.attribute",
                    format="geojson",
                    size_kb=len(value) // 1024,
                    limit_kb=limits["max_attribute_bytes"] // 1024,
                )
        n = _vertices(feat.get("geometry"))
        if n > limits["max_vertices_per_feature"]:
            raise reject(
                "too_complex.vertices_per_feature",
                index=i + 1,
                vertices=n,
                limit=limits["max_vertices_per_feature"],
            )
        total += n
    if total > limits["max_vertices_total"]:
        raise reject(
            "too_complex.vertices_total", vertices=total, limit=limits["max_vertices_total"]
        )
    del doc, features
    target = path
    if fallback or raw.startswith(b"\xef\xbb\xbf"):
        target = path.with_name("normalised.geojson")
        target.write_text(text, encoding="utf-8")
    try:
        meta, _fids, wkb, fields = gdal_read(f"GeoJSON:{target}")
    except UnicodeDecodeError:
        raise reject("unreadable_file.encoding", format="geojson") from None
    except Exception:
        bad_feature = _first_non_finite(json.loads(text))  # only on this failure path
        if bad_feature is not None:
            raise reject("non_finite_or_out_of_range_coordinates", index=bad_feature) from None
        raise reject("unreadable_file", format="geojson") from None
    geoms, fixed = wkb_to_geoms(wkb)
    out = Parsed(geoms, _columns(meta, fields), meta["crs"], implicit_crs=crs_name is None)
    if fixed:
        out.warnings.append(("rings_closed", {"count": fixed}))
    if fallback:
        out.warnings.append(
            ("encoding_fallback", {"encoding": fallback, "cpg_note": "", "cpg_note_en": ""})
        )
    out.report["encoding"] = fallback or "UTF-8"
    return out


# --- GeoPackage ------------------------------------------------------------------------


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_gpkg(path: Path, layer: str | None) -> Parsed:
    bad = sniff_gpkg(path.read_bytes()[:100])
    if bad is not None:
        raise Stop("rejected", bad.details["message_key"], bad.details)
    uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            if con.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                raise reject("unreadable_file", format="gpkg")
            try:
                rows = con.execute(
                    "SELECT c.table_name, m.type FROM gpkg_contents c LEFT JOIN sqlite_master m "
                    "ON m.name = c.table_name WHERE c.data_type = 'features' ORDER BY 1"
                ).fetchall()
            except sqlite3.OperationalError:
                raise reject("no_geometry", format="gpkg") from None
            tables = [name for name, kind in rows if kind == "table"]
            counts = {
                t: con.execute(f"SELECT count(*) FROM {_quote_ident(t)}").fetchone()[0]
                for t in tables
            }
        finally:
            con.close()
    except sqlite3.DatabaseError:
        raise reject("unreadable_file", format="gpkg") from None
    if not tables:
        if rows:
            raise reject("unsupported_format", reason="GeoPackage-Ebene ist eine Sicht (View)")
        raise reject("no_geometry", format="gpkg")
    if layer not in tables:
        if len(tables) > 1:
            options = [{"value": t, "features": counts[t]} for t in tables]
            raise Stop(
                "choice",
                "layer_choice",
                {"count": len(tables), "names": ", ".join(tables)},
                options=options,
                parameter="layer",
            )
        layer = tables[0]
    warnings: list[tuple[str, dict[str, Any]]] = []
    try:
        try:
            meta, _fids, wkb, fields = gdal_read(f"GPKG:{path}", layer=layer)
        except UnicodeDecodeError:
            meta, _fids, wkb, fields = gdal_read(f"GPKG:{path}", layer=layer, encoding="cp1252")
            warnings.append(
                (
                    "encoding_fallback",
                    {"encoding": "Windows-1252", "cpg_note": "", "cpg_note_en": ""},
                )
            )
    except Stop:
        raise
    except Exception:
        raise reject("unreadable_file", format="gpkg") from None
    geoms, fixed = wkb_to_geoms(wkb)
    out = Parsed(geoms, _columns(meta, fields), meta["crs"], layer=layer, warnings=warnings)
    out.report["layers"] = tables
    if fixed:
        out.warnings.append(("rings_closed", {"count": fixed}))
    return out
