"""Post-parse checks of the import worker: geometry, caps, CRS, repair, reprojection.

Order (docs/SECURITY.md §3.0), each step vectorised with shapely 2:

1. feature cap; null/empty geometries skipped (warning ``null_geometry``);
2. vertex caps per feature and in total, *before* any ``make_valid`` (a crafted
   self-intersecting polygon of 20 k vertices would take 71 s to repair);
3. finite coordinates within ±1e8 (NaN, Infinity, 1e400 and 1e308 are refused with the
   feature number, counted from 1);
4. polygonal types only (others counted in ``non_polygon``; CSV points become squares);
5. CRS: a user choice, the declared CRS or a proposal
   (:func:`~quartier_geo.imports.crs_detect.diagnose`);
6. ``make_valid(method="structure")`` on the invalid features only; area change > 1 %
   flagged; features that collapse to nothing dropped (``degenerate_dropped``);
7. reprojection to EPSG:25832.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyproj
import shapely

from quartier_geo.imports.crs_detect import (
    CRS_LABELS,
    WORK_EPSG,
    diagnose,
    finite_bounds,
    normalise_crs,
)
from quartier_geo.imports.worker.readers import Parsed, Stop, reject

__all__ = [
    "COORDINATE_LIMIT",
    "POINT_FOOTPRINT_M2",
    "Outcome",
    "postprocess",
    "to_work_transformer",
]

#: |x|, |y| above this are refused: no CRS used in NRW comes near it (EPSG:4647 ≈ 3.3e7).
COORDINATE_LIMIT = 1e8
#: Footprint drawn for buildings given only as a point (CSV x/y): a 10 m x 10 m square.
#: Assumption of this importer; reported per file as ``point_footprint``.
POINT_FOOTPRINT_M2 = 100.0
_POLYGONAL = (3, 6)  # shapely type ids of Polygon, MultiPolygon
_LINEAR = (1, 5)  # LineString, MultiLineString: a street layer (LANUV Wärmelinien)
_AREA_TOLERANCE = 0.01
_MAX_LISTED = 10


@dataclass
class Outcome:
    """Kept row positions, their geometries in EPSG:25832, warnings and report."""

    keep: np.ndarray
    geoms: np.ndarray
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def _polygonal_parts(geoms: np.ndarray) -> np.ndarray:
    """Polygonal part of each geometry (collections from make_valid), None if nothing."""
    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):  # only the few repaired features pass through here
        parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        parts = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty]
        if parts:
            out[i] = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    return out


def _option(crs: str, preview: Any = None) -> dict[str, Any]:
    de, en = CRS_LABELS.get(crs, (crs, crs))
    return {"value": crs, "label_de": de, "label_en": en, "bbox_lonlat": preview}


def _crs_step(geoms: np.ndarray, parsed: Parsed, job: dict[str, Any]) -> tuple[str, list[str]]:
    """The CRS to use, or :class:`Stop` with a choice for the user."""
    coords = shapely.get_coordinates(geoms)
    bounds = finite_bounds(coords)
    chosen = normalise_crs(job.get("crs"))
    declared = chosen or normalise_crs(parsed.declared_crs)
    diag = diagnose(bounds, declared, chosen=chosen is not None)
    if diag.status == "ok":
        assert diag.crs is not None
        return diag.crs, list(diag.warnings)
    if diag.status == "swapped":
        return_opts = [{"value": "true", "label_de": "Tauschen", "label_en": "Swap"}]
        raise Stop("choice", "axis_swapped", {}, options=return_opts, parameter="swap_axes")
    if diag.status == "outside":
        lon = (bounds[0], bounds[2]) if diag.bbox_lonlat is None else diag.bbox_lonlat[::2]
        lat = (bounds[1], bounds[3]) if diag.bbox_lonlat is None else diag.bbox_lonlat[1::2]
        raise reject(
            "outside_region",
            lon_min=round(lon[0], 2),
            lon_max=round(lon[1], 2),
            lat_min=round(lat[0], 2),
            lat_max=round(lat[1], 2),
        )
    options = [_option(c, diag.previews.get(c)) for c in diag.candidates]
    guess = diag.crs
    params = {
        "guess_de": CRS_LABELS.get(guess or "", ("?", "?"))[0],
        "guess_en": CRS_LABELS.get(guess or "", ("?", "?"))[1],
        "declared": CRS_LABELS.get(declared or "", (declared, declared))[0] if declared else "",
        "proposal": guess,
    }
    if diag.status == "mismatch" and not parsed.implicit_crs:
        key = "crs_mismatch"
    elif diag.status == "mismatch":
        key = "crs_mismatch"
        params["declared"] = "keine Angabe (GeoJSON-Standard WGS 84)"
    else:
        key = "crs_missing" if guess else "crs_missing.unknown"
    raise Stop("choice", key, params, options=options, parameter="crs")


@functools.lru_cache(maxsize=16)
def to_work_transformer(crs: str) -> pyproj.Transformer:
    """Transformer from ``crs`` to EPSG:25832 (x/y order), cached per process."""
    return pyproj.Transformer.from_crs(crs, WORK_EPSG, always_xy=True)


def _reproject(geoms: np.ndarray, crs: str) -> np.ndarray:
    if crs == WORK_EPSG:
        return geoms
    transformer = to_work_transformer(crs)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    out = shapely.transform(geoms, move)
    coords = shapely.get_coordinates(out)
    if not np.isfinite(coords).all():
        raise reject("outside_region", lon_min="?", lon_max="?", lat_min="?", lat_max="?")
    return out


def _crs_and_swap(
    geoms: np.ndarray, parsed: Parsed, job: dict[str, Any], warnings: list[Any]
) -> tuple[np.ndarray, str]:
    if job.get("swap_axes"):
        geoms = shapely.transform(geoms, lambda xy: xy[:, ::-1])
        warnings.append(("axes_swapped", {}))
    crs, crs_warnings = _crs_step(geoms, parsed, job)
    if job.get("crs"):
        warnings.append(("crs_chosen", {"crs": crs}))
    warnings.extend((w, {}) for w in crs_warnings)
    return geoms, crs


def _lines(
    keep: np.ndarray,
    geoms: np.ndarray,
    parsed: Parsed,
    job: dict[str, Any],
    warnings: list[Any],
) -> Outcome:
    """A layer of lines only (street segments): no repair, just CRS and reprojection."""
    n = len(parsed.geoms)
    geoms, crs = _crs_and_swap(geoms, parsed, job, warnings)
    geoms = _reproject(geoms, crs)
    report = {
        "features_read": n,
        "crs_source": crs,
        "geometry_family": "lines",
        "features_kept": len(geoms),
    }
    return Outcome(keep, geoms, warnings, report)


def postprocess(parsed: Parsed, job: dict[str, Any]) -> Outcome:
    """Run steps 1–7 of the module docstring on a reader's output."""
    limits = job["limits"]
    # strict: the caller validates the features itself and wants them as they are (no
    # repair, nothing dropped), e.g. the command line's canonical contract
    strict = bool(job.get("strict"))
    geoms = np.asarray(parsed.geoms, dtype=object)
    n = len(geoms)
    warnings: list[tuple[str, dict[str, Any]]] = []
    if n > limits["max_features"]:
        raise reject("too_complex.features", features=n, limit=limits["max_features"])
    null = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if null.all():
        raise reject("no_features")
    if null.any() and not strict:
        warnings.append(("null_geometry", {"count": int(null.sum())}))
    keep = np.arange(n) if strict else np.flatnonzero(~null)
    geoms = geoms[keep]

    vertices = shapely.get_num_coordinates(geoms)
    over = np.flatnonzero(vertices > limits["max_vertices_per_feature"])
    if over.size:
        raise reject(
            "too_complex.vertices_per_feature",
            index=int(keep[over[0]]) + 1,
            vertices=int(vertices[over[0]]),
            limit=limits["max_vertices_per_feature"],
        )
    if int(vertices.sum()) > limits["max_vertices_total"]:
        raise reject(
            "too_complex.vertices_total",
            vertices=int(vertices.sum()),
            limit=limits["max_vertices_total"],
        )
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    bad = ~(np.isfinite(coords).all(axis=1) & (np.abs(coords) <= COORDINATE_LIMIT).all(axis=1))
    if bad.any():
        raise reject("non_finite_or_out_of_range_coordinates", index=int(keep[owner[bad][0]]) + 1)

    types = shapely.get_type_id(geoms)
    if np.isin(types, _LINEAR).all():
        return _lines(keep, geoms, parsed, job, warnings)
    polygonal = np.isin(types, _POLYGONAL) | np.logical_and(strict, types < 0)
    points = (types == 0) if parsed.allow_points else np.zeros(len(geoms), dtype=bool)
    others = ~polygonal & ~points
    if others.any():
        names = sorted({shapely.get_type_id(g) for g in geoms[others]})
        labels = [
            [
                "Point",
                "LineString",
                "LinearRing",
                "Polygon",
                "MultiPoint",
                "MultiLineString",
                "MultiPolygon",
                "GeometryCollection",
            ][t]
            for t in names
        ]
        warnings.append(("non_polygon", {"count": int(others.sum()), "types": ", ".join(labels)}))
    keep, geoms = keep[~others], geoms[~others]
    points = points[~others]
    if len(geoms) == 0:
        raise reject("no_features")

    geoms, crs = _crs_and_swap(geoms, parsed, job, warnings)
    report: dict[str, Any] = {"features_read": n, "crs_source": crs, "geometry_family": "polygons"}
    poly_idx = np.flatnonzero(~points)
    invalid = poly_idx[~shapely.is_valid(geoms[poly_idx])]
    if invalid.size and not strict:
        before = shapely.area(geoms[invalid])
        repaired = _polygonal_parts(shapely.make_valid(geoms[invalid], method="structure"))
        after = np.array([g.area if g is not None else 0.0 for g in repaired])
        changed = np.abs(after - before) > _AREA_TOLERANCE * np.maximum(before, 1e-12)
        geoms[invalid] = repaired
        warnings.append(("repaired", {"count": int(invalid.size)}))
        if changed.any():
            listed = [int(keep[i]) + 1 for i in invalid[changed][:_MAX_LISTED]]
            warnings.append(
                (
                    "area_changed",
                    {"count": int(changed.sum()), "indices": ", ".join(map(str, listed))},
                )
            )
        report["repaired"] = int(invalid.size)
        report["area_changed"] = int(changed.sum())
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    empty |= ~points & (shapely.area(geoms) <= 0)
    if empty.any() and not strict:
        warnings.append(("degenerate_dropped", {"count": int(empty.sum())}))
        keep, geoms, points = keep[~empty], geoms[~empty], points[~empty]
    if len(geoms) == 0:
        raise reject("no_features")

    geoms = _reproject(geoms, crs)
    if points.any():
        half = np.sqrt(POINT_FOOTPRINT_M2) / 2
        xy = shapely.get_coordinates(geoms[points])
        geoms[points] = shapely.box(
            xy[:, 0] - half, xy[:, 1] - half, xy[:, 0] + half, xy[:, 1] + half
        )
        warnings.append(
            ("point_footprint", {"count": int(points.sum()), "area_m2": int(POINT_FOOTPRINT_M2)})
        )
    report.update(features_kept=len(geoms), vertices=int(shapely.get_num_coordinates(geoms).sum()))
    return Outcome(keep, geoms, warnings, report)
