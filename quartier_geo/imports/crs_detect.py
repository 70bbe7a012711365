"""Which coordinate reference system do a file's coordinates fit? NRW-specific checks.

Data in NRW arrive in a handful of systems: ETRS89/UTM 32N (EPSG:25832, all current
Geobasis NRW products), the same with the zone number 32 prefixed to the easting
(EPSG:4647, older deliveries such as ``hu_EPSG4647_Shape``), Gauß-Krüger zones 2 and 3
(EPSG:31466/31467, legacy municipal data), WGS 84 lon/lat (EPSG:4326, GeoJSON and OSM)
and Web Mercator (EPSG:3857, web exports). Their coordinate ranges over NRW do not
overlap, so the bounding box of a file tells them apart. The checks compare the bbox,
transformed to lon/lat, with the NRW box (lon 5.8–9.5, lat 50.3–52.6) and warn outside
the Ruhr box (lon 6.3–8.0, lat 51.1–51.9), as docs/SECURITY.md §3.0 asks.

Nothing is assumed silently: :func:`diagnose` says ``ok`` only for a declared CRS under
which the data lie in NRW; otherwise it proposes candidates for the user to confirm.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pyproj

__all__ = [
    "CANDIDATES",
    "CRS_LABELS",
    "NRW_BOX",
    "RUHR_BOX",
    "WORK_EPSG",
    "Diagnosis",
    "bbox_to_lonlat",
    "diagnose",
    "finite_bounds",
    "fitting_crs",
    "normalise_crs",
]

WORK_EPSG = "EPSG:25832"
#: lon_min, lat_min, lon_max, lat_max of North Rhine-Westphalia (rounded outwards).
NRW_BOX = (5.8, 50.3, 9.5, 52.6)
#: lon_min, lat_min, lon_max, lat_max of the Ruhr area (Regionalverband Ruhr, rounded).
RUHR_BOX = (6.3, 51.1, 8.0, 51.9)
#: Candidate systems, most specific first (the order of the proposals).
CANDIDATES = ("EPSG:25832", "EPSG:4647", "EPSG:31466", "EPSG:31467", "EPSG:4326", "EPSG:3857")
#: German and English labels of the candidates.
CRS_LABELS: dict[str, tuple[str, str]] = {
    "EPSG:25832": ("ETRS89/UTM 32N (EPSG:25832)", "ETRS89/UTM 32N (EPSG:25832)"),
    "EPSG:4647": (
        "ETRS89/UTM 32N mit Zonenkennung (EPSG:4647)",
        "ETRS89/UTM 32N with zone prefix (EPSG:4647)",
    ),
    "EPSG:31466": ("Gauß-Krüger Zone 2 (EPSG:31466)", "Gauss-Krüger zone 2 (EPSG:31466)"),
    "EPSG:31467": ("Gauß-Krüger Zone 3 (EPSG:31467)", "Gauss-Krüger zone 3 (EPSG:31467)"),
    "EPSG:4326": ("WGS 84 Länge/Breite (EPSG:4326)", "WGS 84 lon/lat (EPSG:4326)"),
    "EPSG:3857": ("Web Mercator (EPSG:3857)", "Web Mercator (EPSG:3857)"),
}
#: Offered when no candidate fits (docs/SECURITY.md: "offer 25832/31466/4326").
_ALWAYS_OFFERED = ("EPSG:25832", "EPSG:31466", "EPSG:4326")
_ZONE_PREFIX_M = 32_000_000.0

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class Diagnosis:
    """Outcome of :func:`diagnose`.

    ``status``: ``ok`` (use ``crs``), ``missing`` (no CRS; ``candidates`` to offer),
    ``mismatch`` (declared CRS does not fit; ``candidates[0]`` fits), ``swapped``
    (lat/lon order; swap and use ``crs``) or ``outside`` (fits nothing; reject).
    ``warnings`` holds message keys (``crs_zone_prefix``, ``outside_ruhr``).
    """

    status: str
    crs: str | None
    candidates: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    bbox_lonlat: Bounds | None = None
    previews: dict[str, Bounds | None] = field(default_factory=dict)


@functools.lru_cache(maxsize=32)
def _to_lonlat(crs: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def normalise_crs(crs: str | None) -> str | None:
    """``EPSG:xxxx`` where the CRS has an EPSG code (confidence ≥ 70), else its WKT."""
    if not crs:
        return None
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        return None
    code = parsed.to_epsg(min_confidence=70)
    return f"EPSG:{code}" if code else parsed.to_wkt()


def bbox_to_lonlat(bounds: Bounds, crs: str) -> Bounds | None:
    """The bbox ``bounds`` in ``crs`` as lon/lat (densified edges), or None if undefined."""
    if not all(math.isfinite(v) for v in bounds):
        return None
    try:
        out = _to_lonlat(crs).transform_bounds(*bounds, densify_pts=5)
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError):
        return None
    if not all(math.isfinite(v) for v in out):
        return None
    return (float(out[0]), float(out[1]), float(out[2]), float(out[3]))


def _inside(bbox: Bounds | None, box: Bounds) -> bool:
    if bbox is None:
        return False
    return bbox[0] >= box[0] and bbox[1] >= box[1] and bbox[2] <= box[2] and bbox[3] <= box[3]


def _plausible_raw(bounds: Bounds, crs: str) -> bool:
    """Cheap range check before transforming (a lon/lat CRS needs |x| ≤ 180, |y| ≤ 90)."""
    if crs == "EPSG:4326":
        return abs(bounds[0]) <= 180 and abs(bounds[2]) <= 180 and abs(bounds[1]) <= 90
    return True


def fitting_crs(bounds: Bounds) -> list[str]:
    """Candidates under which the bbox lies inside NRW, most specific first.

    >>> fitting_crs((365000.0, 5707000.0, 366000.0, 5708000.0))
    ['EPSG:25832']
    >>> fitting_crs((7.05, 51.5, 7.1, 51.52))
    ['EPSG:4326']
    """
    return [
        c
        for c in CANDIDATES
        if _plausible_raw(bounds, c) and _inside(bbox_to_lonlat(bounds, c), NRW_BOX)
    ]


def _swap(bounds: Bounds) -> Bounds:
    return (bounds[1], bounds[0], bounds[3], bounds[2])


def _is_work_utm(crs: str) -> bool:
    return crs == WORK_EPSG or "UTM zone 32N" in crs or "UTM_Zone_32N" in crs


def _ok(crs: str, bbox: Bounds | None, extra: tuple[str, ...] = ()) -> Diagnosis:
    warns = extra + (() if _inside(bbox, RUHR_BOX) else ("outside_ruhr",))
    return Diagnosis("ok", crs, (crs,), warns, bbox)


def _previews(bounds: Bounds, candidates: tuple[str, ...]) -> dict[str, Bounds | None]:
    return {c: bbox_to_lonlat(bounds, c) if _plausible_raw(bounds, c) else None for c in candidates}


def diagnose(bounds: Bounds, declared: str | None, *, chosen: bool = False) -> Diagnosis:
    """Check a bbox against its declared CRS (or its absence) for data in NRW.

    Parameters
    ----------
    bounds
        ``(xmin, ymin, xmax, ymax)`` of the data as read.
    declared
        The CRS the file states (normalised with :func:`normalise_crs`), or None.
    chosen
        ``declared`` was chosen by the user: accept it when it fits, reject otherwise
        (never ask the same question twice).

    Examples
    --------
    >>> diagnose((365000.0, 5707000.0, 366000.0, 5708000.0), None).candidates[0]
    'EPSG:25832'
    >>> diagnose((51.5, 7.05, 51.52, 7.1), "EPSG:4326").status
    'swapped'
    """
    if declared is not None:
        if _is_work_utm(declared) and bounds[0] > _ZONE_PREFIX_M:
            bbox = bbox_to_lonlat(bounds, "EPSG:4647")
            if _inside(bbox, NRW_BOX):
                return _ok("EPSG:4647", bbox, ("crs_zone_prefix",))
        bbox = bbox_to_lonlat(bounds, declared) if _plausible_raw(bounds, declared) else None
        if _inside(bbox, NRW_BOX):
            return _ok(declared, bbox)
        swapped = _swap(bounds)
        if _plausible_raw(swapped, declared) and _inside(
            bbox_to_lonlat(swapped, declared), NRW_BOX
        ):
            return Diagnosis("swapped", declared, (declared,), (), bbox)
        fits = tuple(c for c in fitting_crs(bounds) if c != declared)
        if fits and not chosen:
            return Diagnosis("mismatch", fits[0], fits, (), bbox, _previews(bounds, fits))
        return Diagnosis("outside", None, (), (), bbox)
    fits = tuple(fitting_crs(bounds))
    offered = fits + tuple(c for c in _ALWAYS_OFFERED if c not in fits)
    if not fits and _inside(bbox_to_lonlat(_swap(bounds), "EPSG:4326"), NRW_BOX):
        return Diagnosis("swapped", "EPSG:4326", ("EPSG:4326",), (), None)
    return Diagnosis(
        "missing", fits[0] if fits else None, offered, (), None, _previews(bounds, offered)
    )


def finite_bounds(coords: np.ndarray) -> Bounds:
    """``(xmin, ymin, xmax, ymax)`` of an (n, 2) coordinate array (NaN-free input)."""
    return (
        float(coords[:, 0].min()),
        float(coords[:, 1].min()),
        float(coords[:, 0].max()),
        float(coords[:, 1].max()),
    )
