"""Baublöcke as the planning unit of a heat plan (WPG Anlage 2 I).

A Baublock is an area enclosed by streets. :func:`street_blocks` polygonizes the street
lines (noded at every crossing) and clips the faces to the quarter outline; an imported
block layer (:func:`checked_block_layer`) or, when the streets enclose nothing, the convex
hulls of the data's ``block_id`` groups (:mod:`quartier_geo.domain.blocks`) stand in.
:func:`plan_blocks` picks one of the three and says which in the column ``source``.

Buildings belong to the block that holds their representative point
(:func:`assign_buildings`); a building in no block (outside every enclosed area) counts
for no block. :func:`block_indicators` is the table per block of WPG Anlage 2 I: heat
demand and consumption in MWh/a, the consumption density in MWh/(ha·a) over the block
polygon's area, the carriers' shares of final energy, the number of decentral heat
generators, the predominant building type and age class and CO₂ in t/a. A block with
fewer than ``min_buildings`` buildings (WPG §10(2), default 5) keeps its outline and its
building count but no value.

Pure functions: new frames out, inputs unchanged.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.crs import WORK_CRS, require_crs
from quartier_geo.base.errors import DataValidationError
from quartier_geo.base.settings import MIN_BUILDINGS_DEFAULT
from quartier_geo.data.reference import Reference
from quartier_geo.domain.blocks import BLOCK_VALUES, aggregate_to_blocks, block_ratio
from quartier_geo.domain.privacy import OTHER, pool_small_groups

__all__ = [
    "BLOCK_SOURCES",
    "INDICATOR_COLUMNS",
    "NETWORK_CARRIERS",
    "assign_buildings",
    "block_indicators",
    "block_values",
    "checked_block_layer",
    "plan_blocks",
    "street_blocks",
]

log = logging.getLogger(__name__)

#: Where the blocks come from: the street network, an imported layer, the data's block_id.
BLOCK_SOURCES = ("streets", "imported", "block_id")
#: Carriers delivered by a heat network: their buildings have a house substation, not a
#: decentral heat generator (heating_systems.csv: ``district_heating``).
NETWORK_CARRIERS = ("district_heating",)
#: The value columns of :func:`block_indicators` besides ``share_<carrier>`` (NaN/None
#: under the privacy minimum).
INDICATOR_COLUMNS = (
    "heat_demand_mwh_per_a",
    "consumption_mwh_per_a",
    "density_mwh_per_ha_a",
    "co2_t_per_a",
    "decentral_generators",
    "house_substations",
    "main_type",
    "main_age_class",
)
_CATEGORIES = ("main_type", "main_age_class")
_M2_PER_HA = 10_000.0
_KWH_PER_MWH = 1_000.0


def _polygons_only(geoms: np.ndarray) -> np.ndarray:
    parts = shapely.get_parts(geoms)
    return parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]


def _numbered(polygons: np.ndarray, source: str) -> gpd.GeoDataFrame:
    """Blocks ``B001``, ``B002``, … numbered from north-west to south-east (by centroid)."""
    if len(polygons):
        xy = shapely.get_coordinates(shapely.centroid(polygons))
        polygons = polygons[np.lexsort((np.round(xy[:, 0]), -np.round(xy[:, 1])))]
    width = max(3, len(str(len(polygons))))
    ids = [f"B{i + 1:0{width}d}" for i in range(len(polygons))]
    return gpd.GeoDataFrame(
        {"block_id": ids, "source": source},
        geometry=np.asarray(polygons, dtype=object),
        crs=WORK_CRS,
    )


def street_blocks(
    streets: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """The areas enclosed by the street lines, clipped to ``outline`` (if given).

    The lines are noded (split at every crossing) and polygonized; every face is a block,
    numbered ``B001``… from north-west to south-east. With ``outline``, its boundary closes
    the blocks at the edge of the quarter (a face between the last street and the
    boundary is a block too) and faces outside it are dropped. Streets that enclose
    nothing give an empty frame. Four streets around a 100 m square give one block of 1 ha:

    >>> import shapely
    >>> lines = [shapely.LineString([(x, -20), (x, 120)]) for x in (0, 100)] + [
    ...     shapely.LineString([(-20, y), (120, y)]) for y in (0, 100)]
    >>> b = street_blocks(gpd.GeoDataFrame(geometry=lines, crs="EPSG:25832"))
    >>> list(b["block_id"]), float(b.area.iloc[0])
    (['B001'], 10000.0)
    """
    require_crs(streets, what="Die Straßen")
    lines = streets.to_crs(WORK_CRS).geometry.dropna().to_numpy()
    lines = lines[~shapely.is_empty(lines)]
    if not len(lines):
        return _numbered(np.array([], dtype=object), "streets")
    area = None
    if outline is not None and len(outline):
        require_crs(outline, what="Der Quartiersumriss")
        area = shapely.union_all(outline.to_crs(WORK_CRS).geometry.to_numpy())
        lines = np.append(lines, shapely.boundary(area))
    noded = shapely.node(shapely.union_all(lines))
    faces = _polygons_only(np.asarray([shapely.polygonize(shapely.get_parts(noded))]))
    if area is not None:
        inside = shapely.contains_properly(area, shapely.point_on_surface(faces))
        faces = _polygons_only(shapely.intersection(faces[inside], area))
        faces = faces[~shapely.is_empty(faces)]
    return _numbered(faces, "streets")


def checked_block_layer(
    layer: gpd.GeoDataFrame, *, quarter: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """An imported block layer as plan blocks (``block_id``, ``source`` = ``imported``).

    Checks what would make the table wrong and says what to do: a CRS (the import pipeline
    reprojects to EPSG:25832; a layer without one is refused), polygons only, no empty
    geometry, no overlapping blocks (a building would count twice), and, with ``quarter``,
    that the blocks lie in the quarter (a layer in a wrong CRS lands far away). A column
    ``block_id`` (or ``id``/``name``) is kept as the block's name; without one, blocks are
    numbered like :func:`street_blocks`.
    """
    what = "Die Baublock-Ebene"
    if layer.crs is None:
        raise DataValidationError(
            ["kein Koordinatensystem: die Ebene mit CRS (z. B. EPSG:25832) speichern"], what=what
        )
    gdf = layer.to_crs(WORK_CRS)
    geoms = gdf.geometry.to_numpy()
    problems = []
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        problems.append(f"{int(empty.sum())} Blöcke ohne Geometrie")
    family = np.isin(
        shapely.get_type_id(geoms),
        [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON],
    )
    if (~family & ~empty).any():
        problems.append(
            f"{int((~family & ~empty).sum())} Objekte sind keine Flächen (Polygone erwartet)"
        )
    if not len(gdf):
        problems.append("die Ebene ist leer")
    if problems:
        raise DataValidationError(problems, what=what)
    geoms = shapely.make_valid(geoms)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="overlaps")
    pairs = left < right
    if pairs.any():
        overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
        if (overlap > 0).any():
            problems.append(f"{int((overlap > 0).sum())} Paare von Blöcken überlappen sich")
    if quarter is not None and len(quarter):
        area = shapely.union_all(quarter.to_crs(WORK_CRS).geometry.to_numpy())
        if not shapely.intersects(geoms, area).any():
            problems.append("kein Block liegt im Quartier: stimmt das Koordinatensystem der Datei?")
    if problems:
        raise DataValidationError(problems, what=what)
    names = next((c for c in ("block_id", "id", "name") if c in gdf.columns), None)
    if names is None or gdf[names].isna().any() or gdf[names].astype(str).duplicated().any():
        return _numbered(geoms, "imported")
    return gpd.GeoDataFrame(
        {"block_id": gdf[names].astype(str).to_numpy(), "source": "imported"},
        geometry=geoms,
        crs=WORK_CRS,
    )


def assign_buildings(buildings: gpd.GeoDataFrame, blocks: gpd.GeoDataFrame) -> pd.Series:
    """The ``block_id`` of each building (Series on its index; missing = in no block).

    Blocks of source ``block_id`` (convex hulls, which may overlap) keep the data's
    ``block_id``; otherwise a building belongs to the first block that covers its
    representative point (a point inside the footprint, ``point_on_surface``).
    """
    if len(blocks) and (blocks["source"] == "block_id").all():
        ids = buildings["block_id"].astype(str).where(buildings["block_id"].notna())
        return ids.where(ids.isin(set(blocks["block_id"]))).astype(object).rename("block_id")
    out = pd.Series(None, index=buildings.index, dtype=object, name="block_id")
    if not len(blocks) or not len(buildings):
        return out
    require_crs(buildings, what="Die Gebäude")
    points = shapely.point_on_surface(buildings.to_crs(WORK_CRS).geometry.to_numpy())
    tree = shapely.STRtree(blocks.geometry.to_numpy())
    point_idx, block_idx = tree.query(points, predicate="covered_by")
    first = pd.Series(block_idx).groupby(point_idx).min()
    ids = blocks["block_id"].to_numpy(dtype=object)
    out.iloc[first.index.to_numpy()] = ids[first.to_numpy()]
    return out


def plan_blocks(
    streets: gpd.GeoDataFrame | None,
    *,
    outline: gpd.GeoDataFrame | None,
    buildings: gpd.GeoDataFrame,
    imported: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame | None:
    """The planning blocks of a quarter: the imported layer if there is one, else the
    blocks of the street network if they hold at least one building, else the convex hulls
    of the data's ``block_id`` groups; None when there is neither. Column ``source`` says
    which (:data:`BLOCK_SOURCES`)."""
    if imported is not None and len(imported):
        return imported
    if streets is not None and len(streets):
        blocks = street_blocks(streets, outline)
        if len(blocks) and assign_buildings(buildings, blocks).notna().any():
            return blocks
    if "block_id" not in buildings.columns or buildings["block_id"].isna().all():
        return None
    hulls = aggregate_to_blocks(buildings, value_columns=[])
    hulls["block_id"] = hulls["block_id"].astype(str)
    return gpd.GeoDataFrame(
        {"block_id": hulls["block_id"].to_numpy(), "source": "block_id"},
        geometry=hulls.geometry.to_numpy(),
        crs=buildings.crs,
    ).to_crs(WORK_CRS)


def block_values(buildings: pd.DataFrame, blocks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The plan blocks with the sums of their buildings, one row per block of ``blocks``.

    ``buildings`` carry the plan assignment in ``block_id`` (:func:`assign_buildings`;
    missing = in no block, counted for none). Columns: ``block_id``, ``source``,
    ``buildings`` (count, 0 for a block without buildings), the
    :data:`~quartier_geo.domain.blocks.BLOCK_VALUES` present (sums; NaN for a block without
    buildings: no data, not 0) and ``useful_heat_kwh_per_m2a`` = Σ Q_nd / Σ A_C; the block
    polygon. No value is withheld here: cut for public views by the public units."""
    order = blocks["block_id"].astype(str)
    inside = buildings[buildings["block_id"].notna()]
    grouped = inside.groupby(inside["block_id"].astype(str))
    out = pd.DataFrame(
        {
            "block_id": order.to_numpy(),
            "source": blocks["source"].to_numpy(),
            "buildings": grouped.size().reindex(order).fillna(0).astype(int).to_numpy(),
        }
    )
    for column in (c for c in BLOCK_VALUES if c in buildings.columns):
        out[column] = grouped[column].sum(min_count=1).reindex(order).to_numpy(dtype=float)
    if {"useful_heat_kwh_per_a", "conditioned_floor_area_m2"} <= set(out.columns):
        out["useful_heat_kwh_per_m2a"] = block_ratio(
            out, "useful_heat_kwh_per_a", "conditioned_floor_area_m2"
        ).to_numpy()
    return gpd.GeoDataFrame(out, geometry=blocks.geometry.to_numpy(), crs=blocks.crs)


def _pooled_carriers(b: pd.DataFrame, min_buildings: int) -> pd.Series:
    """The heating carrier of each building, :data:`OTHER` where its carrier has fewer
    than ``min_buildings`` buildings in its block (``_block``; secondary suppression)."""
    out = b["heating_carrier"].astype(object).to_numpy(copy=True)
    for rows in b.groupby("_block", sort=False).indices.values():
        part = b.iloc[rows][["heating_carrier"]]
        pooled = pool_small_groups(part, ["heating_carrier"], min_buildings=min_buildings)
        out[rows] = pooled["heating_carrier"].to_numpy()
    return pd.Series(out, index=b.index)


def _mode(values: pd.Series, groups: pd.Series) -> pd.Series:
    """The most frequent value per group (ties: the first in sort order; missing values
    do not count)."""
    frame = pd.DataFrame({"g": groups, "v": values}).dropna()
    frame["v"] = frame["v"].astype(str)
    counts = frame.groupby(["g", "v"]).size().reset_index(name="n")
    counts = counts.sort_values(["g", "n", "v"], ascending=[True, False, True])
    return counts.drop_duplicates("g").set_index("g")["v"]


def block_indicators(
    buildings: gpd.GeoDataFrame,
    blocks: gpd.GeoDataFrame,
    ref: Reference,
    *,
    min_buildings: int = MIN_BUILDINGS_DEFAULT,
    assignment: pd.Series | None = None,
    pool_carriers: bool = False,
) -> gpd.GeoDataFrame:
    """The table per block of WPG Anlage 2 I, one row per block of ``blocks``.

    ``pool_carriers`` (public and workshop output): per block, the carriers of fewer than
    ``min_buildings`` buildings (with the secondary suppression of
    :func:`quartier_geo.domain.privacy.pool_small_groups`) are pooled into one
    ``share_other``; their own ``share_<carrier>`` is NaN. So no share is that of fewer
    than ``min_buildings`` buildings, nor the rest "1 - the shown shares".

    ``assignment``: the block of each building if already derived (:func:`assign_buildings`,
    e.g. the ``block_id`` of :func:`quartier_geo.domain.bundle.plan_view`); else derived here.

    ``buildings`` are assessed (``useful_heat_kwh_per_a``, ``consumption_kwh_per_a``,
    ``final_energy_kwh_per_a``, ``co2_t_per_a``, ``heating_carrier``, ``building_type``,
    ``age_class``; :func:`quartier_geo.domain.energy.assess_buildings`); ``blocks`` come
    from :func:`plan_blocks` (``block_id``, ``source``, polygons).

    Columns: ``block_id``, ``source``, ``n_buildings``, ``area_ha`` (block polygon),
    ``heat_demand_mwh_per_a`` = Σ useful heat / 1000, ``consumption_mwh_per_a`` = Σ
    consumption / 1000, ``density_mwh_per_ha_a`` = consumption / area (the
    Wärmeverbrauchsdichte of WPG Anlage 2 I.2 Nr. 1), ``co2_t_per_a`` = Σ CO₂,
    ``decentral_generators`` (buildings whose carrier is not a network carrier,
    :data:`NETWORK_CARRIERS`), ``house_substations`` (those connected to a network),
    ``main_type`` and ``main_age_class`` (most frequent), ``share_<carrier>`` = the
    carrier's share of the block's final energy [0..1], one column per carrier of
    ``carriers.csv``; the block polygon. Blocks with fewer than ``min_buildings``
    buildings carry only their outline, id, area and count (values NaN or None).
    """
    require_crs(buildings, what="Die Gebäude")
    ids = assign_buildings(buildings, blocks) if assignment is None else assignment
    b = buildings.assign(_block=ids.to_numpy())
    b = b[b["_block"].notna()]
    grouped = b.groupby("_block", sort=False)
    order = blocks["block_id"]
    n = grouped.size().reindex(order).fillna(0).astype(int)

    def total(column: str) -> pd.Series:
        return grouped[column].sum(min_count=1).reindex(order).astype(float)

    area_ha = shapely.area(blocks.geometry.to_numpy()) / _M2_PER_HA
    consumption = total("consumption_kwh_per_a") / _KWH_PER_MWH
    network = b["heating_carrier"].isin(NETWORK_CARRIERS)
    out = pd.DataFrame(
        {
            "block_id": order.to_numpy(),
            "source": blocks["source"].to_numpy(),
            "n_buildings": n.to_numpy(),
            "area_ha": area_ha,
            "heat_demand_mwh_per_a": (total("useful_heat_kwh_per_a") / _KWH_PER_MWH).to_numpy(),
            "consumption_mwh_per_a": consumption.to_numpy(),
            "density_mwh_per_ha_a": consumption.to_numpy() / np.where(area_ha > 0, area_ha, np.nan),
            "co2_t_per_a": total("co2_t_per_a").to_numpy(),
            "decentral_generators": (~network).groupby(b["_block"]).sum().reindex(order).to_numpy(),
            "house_substations": network.groupby(b["_block"]).sum().reindex(order).to_numpy(),
            "main_type": _mode(b["building_type"], b["_block"]).reindex(order).to_numpy(),
            "main_age_class": _mode(b["age_class"], b["_block"]).reindex(order).to_numpy(),
        }
    )
    final = total("final_energy_kwh_per_a")
    final = final.where(final > 0)
    carriers = b["heating_carrier"].astype(object)
    if pool_carriers:
        carriers = _pooled_carriers(b, min_buildings)
    energy = b["final_energy_kwh_per_a"]
    for carrier in [*ref.carriers.index, *([OTHER] if pool_carriers else [])]:
        part = energy.where(carriers == carrier, 0.0)
        summed = part.groupby(b["_block"]).sum().reindex(order).fillna(0.0)
        share = summed / final
        if pool_carriers and carrier != OTHER:
            hidden = (b["heating_carrier"] == carrier) & (carriers == OTHER)
            share = share.where(~hidden.groupby(b["_block"]).any().reindex(order, fill_value=False))
        out[f"share_{carrier}"] = share.to_numpy()
    small = out["n_buildings"] < min_buildings
    values = [c for c in out.columns if c in INDICATOR_COLUMNS or c.startswith("share_")]
    for column in values:
        if column in _CATEGORIES:
            out[column] = out[column].astype(object).where(~small, None)
        else:
            out[column] = out[column].astype(float).where(~small)
    return gpd.GeoDataFrame(out, geometry=blocks.geometry.to_numpy(), crs=blocks.crs)
