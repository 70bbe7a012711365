"""Quarter polygons, district-heating lines and supply potentials of the demo generator.

The quarter boundaries of the roll-out are not public (quarters.md, "Gaps"): each quarter
gets a synthetic, irregular but simple polygon of exactly its model area
(``quarter_profiles.csv: area_ha_model``) around its approximate centre (quarters.csv,
inferred), shifted apart where two would come closer than :data:`MIN_GAP_M`. District
heating lines and mine-water candidates are synthetic as well and say so in their
``status``; the operators named in ``operator_note`` are the facts of ruhr_supply.md.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.reference import Reference

__all__ = [
    "GEOMETRY_NOTE",
    "MIN_GAP_M",
    "OPERATOR_NOTES",
    "heat_network",
    "potentials_layer",
    "quarters_layer",
]

GEOMETRY_NOTE = "synthetisch: plausible Form der berichteten Fläche um den ungefähren Mittelpunkt"
#: Minimum distance between two synthetic quarter polygons [m] (assumption).
MIN_GAP_M = 100.0
#: Distance of a "nearby" network from the quarter edge [m], drawn from this range
#: (assumption: "nearby" in quarter_profiles.csv gives no distance).
NEARBY_DISTANCE_M = (300.0, 1500.0)
#: How far a core network's main reaches beyond the quarter edge (feed from outside) [m]
#: (assumption).
CORE_FEED_M = 800.0
#: No synthetic mine-water candidate where a known site lies within this distance [m]
#: (project rule for the demo, not a technical limit).
CANDIDATE_RADIUS_M = 5000.0
_SHAPE, _NETWORK, _CANDIDATE = 0, 6, 7  # purposes of the random streams (demo uses 1-5)

#: Operator facts per quarter (ruhr_supply.md); the line itself is always synthetic.
OPERATOR_NOTES: dict[int, str] = {
    1: "synthetisch; Betreiber in den Referenzdaten nicht belegt",
    4: "synthetisch; real: STEAG/Iqony Fernwärme, Netz nach Rotthausen erweitert (ruhr_supply.md)",
    6: "synthetisch; real: Uniper Wärme, Partner in Gladbeck Stadtmitte (ruhr_supply.md)",
    7: "synthetisch; Betreiber in den Referenzdaten nicht belegt",
    8: "synthetisch; Potenzial: Müllverbrennungsanlage Hamm im Quartier (ruhr_supply.md)",
    9: "synthetisch; real: Stadtwerke Herne, Fernwärme im Kern (ruhr_supply.md)",
    10: "synthetisch; real: Iqony Fernwärme, RZR Herten im Netz (ruhr_supply.md)",
    12: "synthetisch; real: Fernwärmeversorgung Niederrhein, Netz bis Moers (ruhr_supply.md)",
    14: "synthetisch; Betreiber in den Referenzdaten nicht belegt",
}
_DEFAULT_OPERATOR = "synthetisch; Betreiber in den Referenzdaten nicht belegt"
#: Quarters ruhr_supply.md names as mine-water candidates besides the colliery ones.
_EXTRA_CANDIDATES = (9,)  # Herne ("candidates by proximity: Herne, Herten, ...")

NETWORK_COLUMNS = ["network_id", "quarter_id", "operator_note", "kind", "status", "geometry"]


def _rng(seed: int, quarter_id: int, purpose: int) -> np.random.Generator:
    return np.random.default_rng([seed, quarter_id, purpose])


def _outline(area_m2: float, rng: np.random.Generator) -> np.ndarray:
    """Star-shaped outline around (0, 0) of exactly ``area_m2``: r(θ) = exp(Σ a_k cos(kθ+φ_k)).

    A star-shaped ring with r > 0 sampled at increasing θ never self-intersects.
    """
    theta = np.linspace(0.0, 2 * np.pi, 96, endpoint=False)
    amp = np.array([0.05, 0.16, 0.08, 0.05, 0.03]) * rng.uniform(0.4, 1.0, 5)
    phase = rng.uniform(0.0, 2 * np.pi, 5)
    k = np.arange(1, 6)[:, None]
    r = np.exp((amp[:, None] * np.cos(k * theta + phase[:, None])).sum(axis=0))
    xy = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    x, y = xy[:, 0], xy[:, 1]
    area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    return xy * np.sqrt(area_m2 / area)


def _separate(outlines: np.ndarray, centres: np.ndarray, *, step_m: float = 25.0) -> np.ndarray:
    """Shifts [m] that keep all polygons at least :data:`MIN_GAP_M` apart.

    Each pair closer than that is pushed apart along the line between the centres, both
    by ``step_m`` per round, until no pair is too close (minimal, symmetric shifts).
    """
    shift = np.zeros_like(centres)
    for _ in range(400):
        polys = shapely.polygons(outlines + (centres + shift)[:, None, :])
        close = shapely.distance(polys[:, None], polys[None, :]) < MIN_GAP_M
        left, right = np.nonzero(np.triu(close, k=1))
        if not len(left):
            return shift
        for i, j in zip(left, right, strict=True):
            d = centres[j] + shift[j] - centres[i] - shift[i]
            d = d / np.linalg.norm(d) * step_m
            shift[i] -= d
            shift[j] += d
    raise QuartierGeoError("Quartiersflächen lassen sich nicht überschneidungsfrei anordnen.")


def quarters_layer(ref: Reference, *, seed: int) -> gpd.GeoDataFrame:
    """The quarters with their reference facts and a synthetic polygon (EPSG:25832).

    Columns starting with ``_`` (centre and grid angle) are for the generator only.
    """
    q = ref.quarters.sort_values("id").reset_index(drop=True)
    prof = ref.quarter_profiles.loc[q["id"].to_numpy()]
    pts = gpd.GeoSeries.from_xy(q["lon_wgs84"], q["lat_wgs84"], crs="EPSG:4326").to_crs(WORK_CRS)
    cx, cy = pts.x.to_numpy(), pts.y.to_numpy()
    outlines, angles = [], []
    for qid, area_ha in zip(q["id"], prof["area_ha_model"], strict=True):
        rng = _rng(seed, int(qid), _SHAPE)
        outlines.append(_outline(float(area_ha) * 1e4, rng))
        angles.append(rng.uniform(0.0, np.pi / 2))
    centres = np.column_stack([cx, cy])
    shift = _separate(np.stack(outlines), centres)
    centres = centres + shift
    cx, cy = centres[:, 0], centres[:, 1]
    notes = [GEOMETRY_NOTE] * len(q)
    for i in np.flatnonzero(np.hypot(shift[:, 0], shift[:, 1]) > 0):
        notes[i] += (
            f"; um {np.hypot(*shift[i]):.0f} m vom Mittelpunkt verschoben, "
            "damit sich benachbarte Quartiere nicht überschneiden"
        )
    geometry = shapely.polygons(np.stack(outlines) + centres[:, None, :])
    out = pd.DataFrame(
        {
            "quarter_id": q["id"].astype(int),
            "name": q["quarter"].astype(str),
            "municipality": q["municipality"].astype(str),
            "alt_name": q["alt_name"].astype("str"),
            "quarter_type": prof["primary_type"].astype(str).to_numpy(),
            "quarter_type_note": q["quarter_type"].astype(str),
            "area_ha": shapely.area(geometry) / 1e4,
            "area_ha_reported": q["area_ha"].astype(float),
            "area_status": prof["area_status"].astype(str).to_numpy(),
            "residents": prof["residents_model"].astype(float).to_numpy(),
            "residents_reported": q["residents"].astype(float),
            "residents_status": prof["residents_status"].astype(str).to_numpy(),
            "buildings_reported": q["buildings"].astype(float),
            "coord_confidence": q["coord_confidence"].astype(str),
            "concept_start": q["concept_start"].astype("str"),
            "concept_completed": q["concept_completed"].astype("str"),
            "reported_results": q["reported_results"].astype("str"),
            "source": q["size_sources"].astype("str"),
            "geometry_note": notes,
            "_centre_x": cx,
            "_centre_y": cy,
            "_angle_rad": angles,
        }
    )
    return gpd.GeoDataFrame(out, geometry=geometry, crs=WORK_CRS)


def _extent(polygon: shapely.Polygon, origin: np.ndarray, direction: np.ndarray) -> tuple:
    proj = (shapely.get_coordinates(polygon) - origin) @ direction
    return float(proj.min()), float(proj.max())


def heat_network(
    quarter: pd.Series,
    profile: pd.Series,
    *,
    buildings: gpd.GeoSeries | np.ndarray,
    seed: int,
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The synthetic district-heating main of a quarter and each building's distance to it.

    ``core``: a main along one of the two main roads through the centre, fed from
    :data:`CORE_FEED_M` beyond the quarter edge. ``nearby``: a 3 km straight main at a
    distance drawn from :data:`NEARBY_DISTANCE_M` outside the quarter edge, with one
    branch along the shortest line to the quarter. ``none``: no lines (distance None).
    """
    mode = str(profile["district_heating"])
    qid = int(quarter["quarter_id"])
    if mode not in ("core", "nearby"):
        return pd.DataFrame(columns=NETWORK_COLUMNS), None
    rng = _rng(seed, qid, _NETWORK)
    centre = np.array([quarter["_centre_x"], quarter["_centre_y"]])
    poly = quarter.geometry
    if mode == "core":
        angle = quarter["_angle_rad"] + (np.pi / 2 if rng.random() < 0.5 else 0.0)
        angle += np.pi if rng.random() < 0.5 else 0.0  # the side the feed comes from
        d = np.array([np.cos(angle), np.sin(angle)])
        lo, hi = _extent(poly, centre, d)
        lines = [shapely.LineString([centre + d * (lo - CORE_FEED_M), centre + d * hi])]
        kinds = ["main"]
    else:
        angle = rng.uniform(0.0, 2 * np.pi)
        d = np.array([np.cos(angle), np.sin(angle)])
        perp = np.array([-d[1], d[0]])
        _, hi = _extent(poly, centre, d)
        mid = centre + d * (hi + rng.uniform(*NEARBY_DISTANCE_M))
        main = shapely.LineString([mid - perp * 1500.0, mid + perp * 1500.0])
        lines = [main, shapely.shortest_line(main, poly)]
        kinds = ["main", "branch"]
    distance = shapely.distance(lines[0], np.asarray(buildings))
    networks = pd.DataFrame(
        {
            "network_id": [f"HN{qid:02d}-{i:03d}" for i in range(1, len(lines) + 1)],
            "quarter_id": qid,
            "operator_note": OPERATOR_NOTES.get(qid, _DEFAULT_OPERATOR),
            "kind": kinds,
            "status": "synthetic",
            "geometry": lines,
        }
    )
    return networks, distance


def potentials_layer(ref: Reference, quarters: gpd.GeoDataFrame, *, seed: int) -> gpd.GeoDataFrame:
    """Supply potentials of potentials.csv plus synthetic mine-water candidates.

    A candidate is placed 200-800 m beyond the edge of each former colliery quarter
    (colliery in its zone mix, or named in ruhr_supply.md) that has no known mine-water
    site within :data:`CANDIDATE_RADIUS_M` of its centre.
    """
    p = ref.potentials
    known = gpd.GeoDataFrame(
        {
            "potential_id": p["potential_id"].astype(str),
            "kind": p["kind"].astype(str),
            "name": p["name"].astype(str),
            "municipality": p["municipality"].astype(str),
            "description": p["description"].astype(str),
            "source": p["source"].astype(str),
            "location_status": p["location_status"].astype(str),
            "status": "read",
        },
        geometry=gpd.points_from_xy(p["lon_wgs84"], p["lat_wgs84"]),
        crs="EPSG:4326",
    ).to_crs(WORK_CRS)
    water = known.geometry[known["kind"] == "mine_water"].to_numpy()
    colliery = ref.quarter_profiles["zone_mix"].str.contains("colliery")
    wanted = set(colliery[colliery].index) | set(_EXTRA_CANDIDATES)
    rows, points = [], []
    for _, q in quarters.sort_values("quarter_id").iterrows():
        qid = int(q["quarter_id"])
        centre = shapely.Point(q["_centre_x"], q["_centre_y"])
        if qid not in wanted or (shapely.distance(centre, water) <= CANDIDATE_RADIUS_M).any():
            continue
        rng = _rng(seed, qid, _CANDIDATE)
        angle = rng.uniform(0.0, 2 * np.pi)
        d = np.array([np.cos(angle), np.sin(angle)])
        origin = np.array([q["_centre_x"], q["_centre_y"]])
        _, hi = _extent(q.geometry, origin, d)
        points.append(shapely.Point(origin + d * (hi + rng.uniform(200.0, 800.0))))
        rows.append(
            {
                "potential_id": f"C{qid:02d}",
                "kind": "mine_water_candidate",
                "name": f"Grubenwasser-Kandidat {q['municipality']} {q['name']} (synthetisch)",
                "municipality": q["municipality"],
                "description": (
                    "Modellierter Kandidat, kein bekannter Standort: ehemaliges Zechenquartier "
                    "ohne bekannten Grubenwasser-Standort im Umkreis von 5 km; Lage und Eignung "
                    "ungeprüft (Nähe-Kriterium nach ruhr_supply.md)."
                ),
                "source": "ruhr_supply.md (inferred); Lage synthetisch (quartier_geo.demo)",
                "location_status": "synthetic",
                "status": "synthetic",
            }
        )
    candidates = gpd.GeoDataFrame(rows, geometry=points, crs=WORK_CRS)
    out = pd.concat([known, candidates], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WORK_CRS)
