"""The deterministic generator of the bundled demo data (``geodata/quartiere_ruhr.gpkg``).

The 20 quarters, their residents and profiles are real reference facts
(``geodata/reference``); their boundaries, streets and buildings are not public, so this
module draws plausible ones: a polygon of the model area around the approximate centre,
a street grid per settlement type and footprints along it, sized so that the modelled
residents (conditioned floor area / 42 m² per resident, assumptions.csv) match the
quarter's residents and Herne-Mitte has its 2,500 buildings. Every synthetic value is
marked as such in the layers (``geometry_note``, ``status``) and in geodata/README.md.

Deterministic: all randomness comes from ``numpy.random.default_rng([seed, quarter_id,
purpose])``, so each quarter is independent of the others and of the order of generation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.atomic import atomic_path
from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.reference import Reference, assumption
from quartier_geo.demo import layout as lay
from quartier_geo.demo.attributes import (
    assign_energy_and_owner,
    housing_figures,
    sample_typology,
)
from quartier_geo.demo.quarters import heat_network, potentials_layer, quarters_layer
from quartier_geo.demo.streets import address_numbers, name_streets

__all__ = ["DEMO_SEED", "LAYER_NAMES", "generate", "write_geopackage"]

logger = logging.getLogger(__name__)

#: Seed of the bundled demo data (the year the roll-out started).
DEMO_SEED = 2016
#: The spatial layers :func:`generate` returns, in this order.
LAYER_NAMES = ("quarters", "buildings", "streets", "heat_networks", "potentials")
#: Closest the modelled buildings may come to the reported count before we stop tuning.
_BUILDINGS_TOLERANCE = 0.02
# purposes of the random streams (demo_quarters uses 0, 6 and 7)
_CELLS, _LOTS, _TYPOLOGY, _ATTRIBUTES, _NAMES = 1, 2, 3, 4, 5

BUILDING_ORDER = [
    "building_id", "quarter_id", "building_type", "age_class", "storeys", "footprint_m2",
    "conditioned_floor_area_m2", "heating_carrier", "heating_system", "refurbishment_state",
    "owner_type", "listed", "street_id", "block_id", "address", "residents", "dwellings",
    "zone_type", "geometry",
]  # fmt: skip
STREET_ORDER = ["street_id", "quarter_id", "name", "street_type", "length_m", "geometry"]


def _rng(seed: int, quarter_id: int, purpose: int) -> np.random.Generator:
    return np.random.default_rng([seed, quarter_id, purpose])


def _zone_targets(profile: pd.Series, residents: float) -> dict[str, float]:
    """Residents per zone type from the profile's ``zone_mix`` ("type:share;...")."""
    mix = {}
    for part in str(profile["zone_mix"]).split(";"):
        zone, share = part.split(":")
        if zone.strip() not in lay.ZONES:
            raise QuartierGeoError(
                f"quarter_profiles.csv: unbekannter Zonentyp {zone!r}. "
                f"Erlaubt: {', '.join(lay.ZONES)}."
            )
        mix[zone.strip()] = float(share)
    total = sum(mix.values())
    return {z: residents * s / total for z, s in mix.items()}


def _cut_to_residents(
    zone: np.ndarray, residents: np.ndarray, targets: dict[str, float]
) -> np.ndarray:
    """Keep buildings in build order until each zone reaches its residents.

    A zone that cannot reach its target with all its cells passes the shortfall to the
    zones with spare capacity, in proportion to their spare residents.
    """
    cap = {z: float(residents[zone == z].sum()) for z in targets}
    goal = {z: min(t, cap[z]) for z, t in targets.items()}
    shortfall = sum(targets.values()) - sum(goal.values())
    spare = {z: cap[z] - goal[z] for z in targets}
    if shortfall > 0 and sum(spare.values()) > 0:
        factor = min(1.0, shortfall / sum(spare.values()))
        goal = {z: goal[z] + spare[z] * factor for z in targets}
    keep = np.zeros(len(zone), bool)
    for z, g in goal.items():
        idx = np.flatnonzero(zone == z)
        before = np.cumsum(residents[idx]) - residents[idx]
        keep[idx[before < g]] = True
    return keep


def _to_world(x0: float, y0: float, angle: float) -> Callable[[np.ndarray], np.ndarray]:
    """Coordinate transform local frame -> EPSG:25832 (rotate by ``angle``, then shift)."""
    cos, sin = np.cos(angle), np.sin(angle)

    def transform(c: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [x0 + c[:, 0] * cos - c[:, 1] * sin, y0 + c[:, 0] * sin + c[:, 1] * cos]
        )

    return transform


def _local_polygon(quarter: pd.Series) -> shapely.Polygon:
    """The quarter polygon in its local frame (inverse of :func:`_to_world`), prepared."""
    x0, y0, angle = quarter["_centre_x"], quarter["_centre_y"], quarter["_angle_rad"]
    cos, sin = np.cos(angle), np.sin(angle)

    def to_local(c: np.ndarray) -> np.ndarray:
        dx, dy = c[:, 0] - x0, c[:, 1] - y0
        return np.column_stack([dx * cos + dy * sin, -dx * sin + dy * cos])

    poly = shapely.transform(quarter.geometry, to_local)
    shapely.prepare(poly)
    return poly


@dataclass(frozen=True)
class _Goal:
    """What one quarter's buildings must match, and the random streams that draw them."""

    residents_per_zone: dict[str, float]
    buildings: float  # reported building count, NaN where none is reported
    seed: int
    qid: int


def _sized_buildings(
    ref: Reference, cells: pd.DataFrame, local_poly: shapely.Polygon, goal: _Goal
) -> pd.DataFrame:
    """Footprints inside the quarter with type and size, cut to the residents per zone.

    Where the quarter has a reported building count, the lot widths of the scalable
    styles are scaled (secant steps on ``lot_scale``) until the count is within
    :data:`_BUILDINGS_TOLERANCE`; residents stay matched because the cut is by residents.
    """
    targets, buildings_target = goal.residents_per_zone, goal.buildings
    seed, qid = goal.seed, goal.qid
    factor = assumption(ref, "conditioned_area_factor")
    per_resident = assumption(ref, "living_area_per_resident_m2")
    lot_scale = 1.0
    for _ in range(6):
        cand = lay.layout_buildings(cells, rng=_rng(seed, qid, _LOTS), lot_scale=lot_scale)
        cand = cand[shapely.contains_properly(local_poly, cand["geometry"].to_numpy())]
        cand = cand.reset_index(drop=True)
        typ = sample_typology(cand, rng=_rng(seed, qid, _TYPOLOGY))
        area = pd.Series(shapely.area(cand["geometry"].to_numpy()), index=cand.index)
        floor = area * typ["storeys"] * factor
        housing = housing_figures(typ["building_type"], floor, area_per_resident_m2=per_resident)
        keep = _cut_to_residents(cand["zone"].to_numpy(), housing["residents"].to_numpy(), targets)
        n = int(keep.sum())
        if pd.isna(buildings_target) or abs(n / buildings_target - 1) <= _BUILDINGS_TOLERANCE:
            break
        lot_scale *= n / float(buildings_target)
    sized = pd.concat([cand, typ, housing], axis=1)
    sized["footprint_m2"] = area
    sized["conditioned_floor_area_m2"] = floor
    return sized[keep].reset_index(drop=True)


def _streets(
    cells: pd.DataFrame,
    b: pd.DataFrame,
    local_poly: shapely.Polygon,
    *,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Streets clipped to the quarter, each building's street and its address.

    A building fronts the street nearest to the middle of its street front; residential
    streets that no building fronts are dropped (main and collector roads stay).
    """
    used = np.isin(np.arange(len(cells)), b["cell"].unique())
    lines = lay.street_lines(cells, used)
    clipped = shapely.intersection(lines["geometry"].to_numpy(), local_poly)
    parts, source = shapely.get_parts(clipped, return_index=True)
    streets = lines.iloc[source].reset_index(drop=True).assign(geometry=parts)
    ok = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 5.0)
    streets = streets[ok].reset_index(drop=True)
    front = shapely.points(b["front_u"].to_numpy(), b["front_v"].to_numpy())
    tree = shapely.STRtree(streets["geometry"].to_numpy())
    nearest = tree.query_nearest(front, all_matches=False)[1]
    keep = np.isin(np.arange(len(streets)), nearest) | (streets["kind"] != "residential").to_numpy()
    street_idx = (np.cumsum(keep) - 1)[nearest]
    streets = streets[keep].reset_index(drop=True)
    streets["name"] = name_streets(streets["line_key"], rng=rng)
    numbers = address_numbers(
        streets["geometry"].to_numpy(), street_idx, front, streets["line_key"].to_numpy()
    )
    address = streets["name"].to_numpy()[street_idx] + " " + numbers.astype(str)
    return streets, street_idx, address


def _quarter(
    ref: Reference, quarter: pd.Series, profile: pd.Series, *, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Buildings, streets and heat-network lines of one quarter (EPSG:25832)."""
    qid = int(quarter["quarter_id"])
    local_poly = _local_polygon(quarter)
    targets = _zone_targets(profile, float(quarter["residents"]))
    rng = _rng(seed, qid, _CELLS)
    cells = lay.allocate_cells(lay.grid_cells(local_poly), targets, rng=rng)
    cells["orient"] = rng.integers(0, 2, len(cells))
    target_count = float(profile.get("buildings_target", np.nan))
    goal = _Goal(targets, target_count, seed=seed, qid=qid)
    b = _sized_buildings(ref, cells, local_poly, goal)
    streets, street_idx, address = _streets(cells, b, local_poly, rng=_rng(seed, qid, _NAMES))
    b["street_idx"], b["address"] = street_idx, address

    to_world = _to_world(quarter["_centre_x"], quarter["_centre_y"], quarter["_angle_rad"])
    b["geometry"] = shapely.transform(b["geometry"].to_numpy(), to_world)
    streets["geometry"] = shapely.transform(streets["geometry"].to_numpy(), to_world)
    central = min(targets, key=lambda z: (lay.ZONES[z].centrality, z))
    networks, distance = heat_network(
        quarter, profile, buildings=b["geometry"].to_numpy(), seed=seed
    )
    attributes = assign_energy_and_owner(
        b, profile, central_zone=central, network_distance_m=distance,
        rng=_rng(seed, qid, _ATTRIBUTES),
    )  # fmt: skip
    b = pd.concat([b, attributes], axis=1)
    if len(networks) and profile["district_heating"] == "core":
        connected = b.loc[b["heating_system"] == "district_heating", "street_idx"].unique()
        networks = _add_branches(networks, streets.iloc[np.sort(connected)])
    b["heating_carrier"] = ref.systems["carrier"].reindex(b["heating_system"]).to_numpy()
    b["quarter_id"] = qid
    b["building_id"] = [f"Q{qid:02d}-B{i:05d}" for i in range(1, len(b) + 1)]
    streets["street_id"] = [f"Q{qid:02d}-S{i:04d}" for i in range(1, len(streets) + 1)]
    b["street_id"] = streets["street_id"].to_numpy()[b["street_idx"]]
    block_codes = pd.factorize(b["cell"] * 100 + b["block"])[0]
    b["block_id"] = [f"Q{qid:02d}-BL{i:04d}" for i in block_codes + 1]
    b["zone_type"] = b["zone"]
    streets["quarter_id"] = qid
    streets["street_type"] = np.where(streets["kind"] == "main", "main", "residential")
    streets["length_m"] = shapely.length(streets["geometry"].to_numpy())
    logger.info("Quartier %s: %d Gebäude, %.0f Einwohner", qid, len(b), b["residents"].sum())
    return b[BUILDING_ORDER], streets[STREET_ORDER], networks


def _add_branches(networks: pd.DataFrame, streets: pd.DataFrame) -> pd.DataFrame:
    """Branches of a core network along the (non-main) streets of connected buildings."""
    sel = streets[streets["kind"] != "main"]
    first = networks.iloc[0]
    branches = pd.DataFrame(
        {
            "quarter_id": first["quarter_id"],
            "operator_note": first["operator_note"],
            "kind": "branch",
            "status": "synthetic",
            "geometry": sel["geometry"].to_numpy(),
        }
    )
    out = pd.concat([networks, branches], ignore_index=True)
    qid = int(first["quarter_id"])
    out["network_id"] = [f"HN{qid:02d}-{i:03d}" for i in range(1, len(out) + 1)]
    return out


def generate(
    ref: Reference, *, seed: int = DEMO_SEED, quarter_ids: Sequence[int] | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Generate all demo layers, in EPSG:25832.

    Parameters
    ----------
    ref
        The reference tables (:func:`quartier_geo.data.reference.load_reference`).
    seed
        Base seed; quarter ``q`` draws from ``default_rng([seed, q, purpose])``.
    quarter_ids
        Generate buildings, streets and networks only for these quarters (the quarters
        and potentials layers always cover all 20). The rows of a quarter are identical
        whether it is generated alone or with the others.

    Returns
    -------
    dict
        ``quarters``, ``buildings``, ``streets``, ``heat_networks``, ``potentials``.
    """
    quarters = quarters_layer(ref, seed=seed)
    wanted = set(quarters["quarter_id"]) if quarter_ids is None else {int(q) for q in quarter_ids}
    unknown = wanted - set(quarters["quarter_id"])
    if unknown:
        raise QuartierGeoError(f"Unbekannte Quartiere {sorted(unknown)}; erlaubt sind 1-20.")
    buildings, streets, networks = [], [], []
    for _, q in quarters[quarters["quarter_id"].isin(sorted(wanted))].iterrows():
        b, s, n = _quarter(ref, q, ref.quarter_profiles.loc[int(q["quarter_id"])], seed=seed)
        buildings.append(b)
        streets.append(s)
        networks.append(n)
    public = [c for c in quarters.columns if not c.startswith("_")]
    net = pd.concat(networks, ignore_index=True)
    net["length_m"] = shapely.length(net["geometry"].to_numpy()) if len(net) else []
    net = net.astype({c: "str" for c in ("network_id", "operator_note", "kind", "status")})
    net_cols = ["network_id", "quarter_id", "operator_note", "kind", "status", "length_m"]
    return {
        "quarters": gpd.GeoDataFrame(quarters[public], geometry="geometry", crs=WORK_CRS),
        "buildings": gpd.GeoDataFrame(
            pd.concat(buildings, ignore_index=True), geometry="geometry", crs=WORK_CRS
        ),
        "streets": gpd.GeoDataFrame(
            pd.concat(streets, ignore_index=True), geometry="geometry", crs=WORK_CRS
        ),
        "heat_networks": gpd.GeoDataFrame(
            net[[*net_cols, "geometry"]].astype({"quarter_id": int}),
            geometry="geometry",
            crs=WORK_CRS,
        ),
        "potentials": potentials_layer(ref, quarters, seed=seed),
    }


def write_geopackage(
    layers: dict[str, gpd.GeoDataFrame], tables: dict[str, pd.DataFrame], path: Path
) -> None:
    """Write spatial layers and attribute tables into one GeoPackage, atomically.

    The file is written to a temporary name in the same directory, flushed to disk
    (``fsync``) and moved over ``path`` with ``os.replace``, so readers see either the
    old or the new file, never a half-written one. Attribute tables become GeoPackage
    ``attributes`` tables (no geometry), readable with
    ``pyogrio.read_dataframe(path, layer=name, read_geometry=False)``.
    """
    import pyogrio

    path = Path(path)
    names = list(layers) + list(tables)
    if len(set(names)) != len(names):
        raise QuartierGeoError("Ebenen- und Tabellennamen müssen eindeutig sein.")
    for name, gdf in layers.items():
        if gdf.crs is None or not gdf.crs.equals(WORK_CRS):
            raise QuartierGeoError(f"Ebene {name} ist nicht in {WORK_CRS}; vorher to_crs aufrufen.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        for name, gdf in layers.items():
            pyogrio.write_dataframe(gdf, tmp, layer=name, driver="GPKG")
        for name, df in tables.items():
            pyogrio.write_dataframe(pd.DataFrame(df), tmp, layer=name, driver="GPKG")
    logger.info("GeoPackage geschrieben: %s (%d Ebenen)", path, len(names))
