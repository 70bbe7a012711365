"""The layers a public or workshop server shows and offers for download
(docs/ARCHITECTURE.md §11).

Only aggregates of at least ``min_buildings`` buildings (:mod:`quartier_geo.domain.privacy`):
urban blocks, the Baublöcke of the heat plan, hectare cells and street segments with enough
buildings, checked per layer and against each other (:func:`public_units`), plus the
quarter's outline. No building, no building id, no footprint. What was withheld is counted,
so that the page can say so. The maps and the downloads of the public pages take their
units from here, so a visitor who combines a map with a download finds the same units.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.data.reference import Reference
from quartier_geo.domain.block_plan import assign_buildings, block_indicators
from quartier_geo.domain.blocks import quarter_blocks
from quartier_geo.domain.bundle import QuarterBundle
from quartier_geo.domain.heat_density import assign_streets, cell_ids
from quartier_geo.domain.privacy import Withheld, cut_layer, public_unit_ids
from quartier_geo.domain.supply_areas import (
    CRITERIA,
    NO_BUILDINGS,
    AreaRules,
    block_count_column,
    block_street_ids,
)

__all__ = [
    "PublicLayers",
    "block_buildings",
    "public_areas",
    "public_baubloecke",
    "public_blocks",
    "public_grid",
    "public_layers",
    "public_streets",
    "public_units",
]


@dataclass(frozen=True, eq=False)
class PublicLayers:
    """The public layers by name and, per aggregated layer, what was withheld."""

    layers: dict[str, gpd.GeoDataFrame]
    withheld: dict[str, Withheld]


def _assignments(data: QuarterBundle, plan: pd.Series | None = None) -> dict[str, pd.Series]:
    b = data.buildings
    out = {"hectare_grid": cell_ids(b)}
    if "block_id" in b.columns:
        out["blocks"] = b["block_id"]
    if data.streets is not None and len(data.streets) and "buildings" in data.streets:
        out["streets"] = assign_streets(b, data.streets)
    if data.plan_blocks is not None and len(data.plan_blocks):
        out["baubloecke"] = assign_buildings(b, data.plan_blocks) if plan is None else plan
    return out


def public_units(
    data: QuarterBundle, *, min_buildings: int, plan_assignment: pd.Series | None = None
) -> dict[str, frozenset]:
    """The ids of the units that may be shown, per layer (``blocks``, ``hectare_grid``,
    ``streets``, ``baubloecke``), by :func:`quartier_geo.domain.privacy.public_unit_ids`.
    ``plan_assignment``: each building's Baublock if already derived (the ``block_id`` of
    :func:`quartier_geo.domain.bundle.plan_view` of ``data``); else derived here."""
    assignments = _assignments(data, plan_assignment)
    return public_unit_ids(assignments, min_buildings=min_buildings)


def block_buildings(
    data: QuarterBundle, *, min_buildings: int, units: dict[str, frozenset] | None = None
) -> Withheld | None:
    """The buildings of the public blocks, for a block map that aggregates them itself
    (None without ``block_id``). ``units``/``buildings``: what was withheld. ``units``:
    :func:`public_units` if already computed."""
    if "block_id" not in data.buildings.columns:
        return None
    units = units or public_units(data, min_buildings=min_buildings)
    ids = units["blocks"]
    blocks = data.buildings["block_id"]
    keep = blocks.isin(ids).to_numpy()
    withheld = int(blocks[~keep].dropna().nunique())
    return Withheld(data.buildings[keep].copy(), withheld, int((~keep).sum()), min_buildings)


def public_blocks(
    data: QuarterBundle, *, min_buildings: int, units: dict[str, frozenset] | None = None
) -> Withheld | None:
    """The public blocks as a layer (None without ``block_id``)."""
    kept = block_buildings(data, min_buildings=min_buildings, units=units)
    if kept is None:
        return None
    blocks = quarter_blocks(kept.shown, min_buildings=min_buildings)
    return Withheld(blocks, kept.units, kept.buildings, min_buildings)


def public_grid(
    data: QuarterBundle, *, min_buildings: int, units: dict[str, frozenset] | None = None
) -> Withheld:
    """The public hectare cells."""
    ids = (units or public_units(data, min_buildings=min_buildings))["hectare_grid"]
    return cut_layer(data.grid, ids, id_column="cell_id", min_buildings=min_buildings)


def public_streets(
    data: QuarterBundle, *, min_buildings: int, units: dict[str, frozenset] | None = None
) -> Withheld | None:
    """The public street segments (None without a street layer)."""
    ids = (units or public_units(data, min_buildings=min_buildings)).get("streets")
    if ids is None or data.streets is None:
        return None
    return cut_layer(data.streets, ids, id_column="street_id", min_buildings=min_buildings)


def public_baubloecke(
    data: QuarterBundle,
    *,
    ref: Reference,
    min_buildings: int,
    units: dict[str, frozenset] | None = None,
    plan_assignment: pd.Series | None = None,
) -> Withheld | None:
    """The public Baublöcke with their WPG indicators
    (:func:`quartier_geo.domain.block_plan.block_indicators`): only the blocks of
    :func:`public_units` (at least ``min_buildings`` buildings, checked against the other
    layers) and blocks without buildings (outline only). Carriers of fewer than
    ``min_buildings`` buildings in a block are pooled into ``share_other``. None without plan
    blocks.
    ``plan_assignment``: see :func:`public_units`."""
    if data.plan_blocks is None or not len(data.plan_blocks):
        return None
    n = min_buildings
    ids = (units or public_units(data, min_buildings=n, plan_assignment=plan_assignment))[
        "baubloecke"
    ]
    table = block_indicators(
        data.buildings,
        data.plan_blocks,
        ref,
        min_buildings=n,
        assignment=plan_assignment,
        pool_carriers=True,  # no carrier share of fewer than n buildings
    )
    counted = table.assign(buildings=table["n_buildings"])
    cut = cut_layer(counted, ids, id_column="block_id", min_buildings=min_buildings)
    shown = cut.shown.drop(columns="buildings")
    return Withheld(shown, cut.units, cut.buildings, min_buildings)


def public_layers(
    data: QuarterBundle, *, min_buildings: int, ref: Reference | None = None
) -> PublicLayers:
    """Quarter outline, blocks, hectare grid and streets of ``data``, cut to the public rule;
    with ``ref`` also the Baublöcke with their indicators (:func:`public_baubloecke`)."""
    layers: dict[str, gpd.GeoDataFrame] = {}
    withheld: dict[str, Withheld] = {}
    if data.quarter is not None:
        layers["quarter"] = data.quarter
    n, units = min_buildings, public_units(data, min_buildings=min_buildings)
    parts = {
        "blocks": public_blocks(data, min_buildings=n, units=units),
        "hectare_grid": public_grid(data, min_buildings=n, units=units),
        "streets": public_streets(data, min_buildings=n, units=units),
    }
    if ref is not None:
        parts["baubloecke"] = public_baubloecke(data, ref=ref, min_buildings=n, units=units)
    for name, cut in parts.items():
        if cut is not None:
            layers[name], withheld[name] = cut.shown, cut
    return PublicLayers(layers, withheld)


def public_areas(
    areas: gpd.GeoDataFrame,
    *,
    rules: AreaRules,
    streets: gpd.GeoDataFrame | None,
    public_street_ids: Collection | None,
) -> gpd.GeoDataFrame:
    """The supply areas (:func:`quartier_geo.domain.supply_areas.supply_areas`) of the
    public blocks, for public output (a new frame).

    A block without buildings keeps its outline, id, area and count (0) but no criteria, no
    likelihood and the category :data:`~quartier_geo.domain.supply_areas.NO_BUILDINGS`:
    its linear heat density is that of street segments whose buildings lie outside it.
    A block's linear heat density is blanked where any street segment it draws on
    (:func:`~quartier_geo.domain.supply_areas.block_street_ids`) is not in
    ``public_street_ids`` (withheld: fewer than N buildings; None = no public streets).
    """
    out = areas.copy()
    empty = (out[block_count_column(out)].fillna(0) == 0).to_numpy()
    used = block_street_ids(out, rules=rules, streets=streets)
    shown = frozenset(public_street_ids or ())
    withheld = np.array([not ids <= shown for ids in used], dtype=bool)
    for column in CRITERIA:
        out[column] = out[column].astype(float).where(~empty)
    out["linear_heat_density_kwh_per_m_a"] = out["linear_heat_density_kwh_per_m_a"].where(~withheld)
    for year in rules.years:
        for kind in ("network", "decentral", "hydrogen"):
            out[f"{kind}_{year}"] = out[f"{kind}_{year}"].astype(float).where(~empty)
        out[f"category_{year}"] = out[f"category_{year}"].astype(object).where(~empty, NO_BUILDINGS)
    return out
