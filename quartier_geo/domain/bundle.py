"""One data path: the assessed region, and one quarter's bundle of derived layers.

The app's cached loaders (:mod:`quartier_geo.ui.data`), the fact sheet
(:mod:`quartier_geo.exports.factsheet`) and the command line all go through here:

* :func:`build_region` assesses the validated layers of
  :func:`quartier_geo.data.layers.load_region` once (buildings, figures per quarter);
* :func:`select_quarter` cuts one quarter's layers out of the region;
* :func:`build_quarter_bundle` derives everything a quarter view needs, each layer once:
  assessed buildings, hectare grid, blocks, streets with linear heat density, the supply
  criteria and options.

Pure functions: no file is read, no input is changed. The results are shared by the app's
caches: never mutate them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol

import geopandas as gpd
import pandas as pd

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.layers import RegionLayers, validate_buildings
from quartier_geo.data.reference import Reference
from quartier_geo.domain import block_plan, energy
from quartier_geo.domain.blocks import quarter_blocks
from quartier_geo.domain.heat_density import hectare_grid, linear_heat_density
from quartier_geo.domain.summary import quarter_figures
from quartier_geo.domain.supply import SupplyContext, supply_criteria, supply_options

__all__ = [
    "QuarterBundle",
    "QuarterLayers",
    "RegionBundle",
    "build_quarter_bundle",
    "build_region",
    "ensure_assessed",
    "is_plan_view",
    "plan_view",
    "select_quarter",
]

_ASSESSED = ("useful_heat_kwh_per_a", "co2_t_per_a")


@dataclass(frozen=True, eq=False)
class RegionBundle:
    """The assessed region: every quarter, its buildings (validated and assessed), the
    other layers, the programme tables and one row of figures per quarter. Never mutate.

    ``quarters`` and ``figures`` are the programme's quarters only. A planner's own
    (imported) areas are kept apart in ``areas`` and ``area_figures`` (negative ids): they
    never change the programme's figures, the jury matrix, representativeness or the tour,
    but every per-area view finds them through :meth:`quarter`, :meth:`quarter_frame` and
    :meth:`figure`. Their buildings are in ``buildings`` with their own ids.
    """

    ref: Reference
    quarters: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    heat_networks: gpd.GeoDataFrame
    potentials: gpd.GeoDataFrame
    programme: Mapping[str, pd.DataFrame]
    figures: pd.DataFrame  # one row per quarter (summary.FIGURE_FIELDS)
    areas: gpd.GeoDataFrame | None = None
    area_figures: pd.DataFrame | None = None

    def _all(self) -> gpd.GeoDataFrame:
        if self.areas is None or self.areas.empty:
            return self.quarters
        return pd.concat([self.quarters, self.areas], ignore_index=True)

    @cached_property
    def _by_id(self) -> pd.DataFrame:
        # indexed once per bundle (a picker formats every option through quarter())
        return self._all().set_index("quarter_id")

    @cached_property
    def _figures_by_id(self) -> pd.DataFrame:
        figures = self.figures
        if self.area_figures is not None and not self.area_figures.empty:
            figures = pd.concat([figures, self.area_figures], ignore_index=True)
        return figures.set_index("quarter_id")

    def quarter(self, quarter_id: int) -> pd.Series:
        """The row of a programme quarter or of an own area."""
        return self._by_id.loc[quarter_id]

    def quarter_frame(self, quarter_id: int) -> gpd.GeoDataFrame:
        """The one-row GeoDataFrame (with its polygon) of a quarter or an own area."""
        frame = self._all()
        return frame[frame["quarter_id"] == int(quarter_id)]

    def figure(self, quarter_id: int) -> pd.Series:
        """The key figures of a quarter or an own area (summary.FIGURE_FIELDS)."""
        return self._figures_by_id.loc[quarter_id]

    @property
    def quarter_ids(self) -> list[int]:
        """The programme's quarters (never the own areas)."""
        return [int(q) for q in self.quarters["quarter_id"]]

    @property
    def area_ids(self) -> list[int]:
        """The own (imported) areas."""
        return [] if self.areas is None else [int(q) for q in self.areas["quarter_id"]]

    def is_area(self, quarter_id: int) -> bool:
        """True for an own (imported) area, False for a programme quarter."""
        return int(quarter_id) in self.area_ids


def build_region(
    layers: RegionLayers, *, ref: Reference, on: dt.date | None = None
) -> RegionBundle:
    """Assess the buildings of ``layers`` and sum them per quarter (figures as of ``on``)."""
    assessed = energy.assess_buildings(layers.buildings, ref)
    programme = dict(layers.programme)
    return RegionBundle(
        ref=ref,
        quarters=layers.quarters,
        buildings=assessed,
        streets=layers.streets,
        heat_networks=layers.heat_networks,
        potentials=layers.potentials,
        programme=programme,
        figures=quarter_figures(layers.quarters, assessed, ref, programme=programme, on=on),
    )


@dataclass(frozen=True, eq=False)
class QuarterLayers:
    """The layers of one quarter (EPSG:25832) and where they come from.

    ``buildings`` are canonical (validated here if needed) or already assessed;
    ``quarter`` is the quarter's row with its polygon (None for a bare building file);
    ``networks`` and ``potentials`` may cover the whole region (distances are measured).
    ``synthetic`` marks the bundled demonstration data; ``file_name`` names an imported
    building file; ``blocks`` is an imported block layer
    (:func:`~quartier_geo.domain.block_plan.checked_block_layer`) that replaces the blocks
    derived from the streets.
    """

    buildings: gpd.GeoDataFrame
    quarter: gpd.GeoDataFrame | None = None
    streets: gpd.GeoDataFrame | None = None
    networks: gpd.GeoDataFrame | None = None
    potentials: gpd.GeoDataFrame | None = None
    name: str | None = None
    synthetic: bool = False
    file_name: str | None = None
    blocks: gpd.GeoDataFrame | None = None


class _Region(Protocol):
    @property
    def quarters(self) -> gpd.GeoDataFrame: ...
    @property
    def buildings(self) -> gpd.GeoDataFrame: ...
    @property
    def streets(self) -> gpd.GeoDataFrame: ...
    @property
    def heat_networks(self) -> gpd.GeoDataFrame: ...
    @property
    def potentials(self) -> gpd.GeoDataFrame: ...


def select_quarter(region: _Region, quarter_id: int, *, synthetic: bool = True) -> QuarterLayers:
    """The layers of quarter ``quarter_id`` of a region (:class:`RegionLayers` or
    :class:`RegionBundle`); networks and potentials stay whole (distances reach outside)."""
    qid = int(quarter_id)
    quarters = region.quarters
    areas = getattr(region, "areas", None)
    if areas is not None and not areas.empty:
        quarters = pd.concat([quarters, areas], ignore_index=True)
    quarter = quarters[quarters["quarter_id"] == qid]
    if quarter.empty:
        ids = ", ".join(str(q) for q in sorted(quarters["quarter_id"]))
        raise QuartierGeoError(f"Quartier {quarter_id} unbekannt; vorhanden: {ids}.")
    buildings = region.buildings[region.buildings["quarter_id"] == qid]
    if buildings.empty:
        raise QuartierGeoError(f"Quartier {quarter_id} hat keine Gebäude in den Geodaten.")
    streets = region.streets
    return QuarterLayers(
        buildings=buildings,
        quarter=quarter,
        streets=streets[streets["quarter_id"] == qid] if "quarter_id" in streets else streets,
        networks=region.heat_networks,
        potentials=region.potentials,
        name=str(quarter["name"].iloc[0]),
        synthetic=synthetic,
    )


def ensure_assessed(gdf: gpd.GeoDataFrame, ref: Reference, *, what: str) -> gpd.GeoDataFrame:
    """``gdf`` as assessed buildings: validated and assessed unless it already is."""
    if all(c in gdf.columns for c in _ASSESSED):
        return gdf
    validated = validate_buildings(gdf, ref, what=what)
    return energy.assess_buildings(validated.buildings, ref)


@dataclass(frozen=True, eq=False)
class QuarterBundle:
    """Everything a quarter view shows, derived once. Never mutate.

    ``buildings`` are assessed; ``grid`` is the 100 m hectare grid
    (:func:`~quartier_geo.domain.heat_density.hectare_grid`); ``blocks`` the blocks of
    :func:`~quartier_geo.domain.blocks.quarter_blocks` (None without ``block_id``);
    ``streets`` carry the linear heat density (None without streets); ``criteria`` and
    ``supply`` are :func:`~quartier_geo.domain.supply.supply_criteria` and
    :func:`~quartier_geo.domain.supply.supply_options` with the reference thresholds.
    ``plan_blocks`` are the Baublöcke of the heat plan
    (:func:`~quartier_geo.domain.block_plan.plan_blocks`: imported, street-derived or the
    ``block_id`` hulls, column ``source``; None without any); ``blocks`` stay the
    ``block_id`` groups of the maps and the public block view.
    """

    name: str
    quarter_id: int | None
    quarter: gpd.GeoDataFrame | None
    buildings: gpd.GeoDataFrame
    grid: gpd.GeoDataFrame
    blocks: gpd.GeoDataFrame | None
    streets: gpd.GeoDataFrame | None
    networks: gpd.GeoDataFrame | None
    potentials: gpd.GeoDataFrame | None
    criteria: pd.Series
    supply: pd.DataFrame
    synthetic: bool = False
    file_name: str | None = None
    plan_blocks: gpd.GeoDataFrame | None = None

    @property
    def row(self) -> pd.Series | None:
        """The quarter's attributes (municipality, residents, …), or None."""
        return None if self.quarter is None or self.quarter.empty else self.quarter.iloc[0]


def build_quarter_bundle(layers: QuarterLayers, *, ref: Reference) -> QuarterBundle:
    """Assess (if needed) and derive the layers of one quarter; see :class:`QuarterBundle`.

    Raises :class:`QuartierGeoError` when there are no buildings (nothing to show).
    """
    assessed = ensure_assessed(layers.buildings, ref, what="Die Gebäude des Quartiers")
    if assessed.empty:
        raise QuartierGeoError("Keine Gebäude im Quartier: erst Gebäude laden.")
    quarter = layers.quarter if layers.quarter is not None and len(layers.quarter) else None
    quarter_id = None
    if quarter is not None and "quarter_id" in quarter.columns:
        quarter_id = int(quarter["quarter_id"].iloc[0])
    name = layers.name
    if name is None and quarter is not None and "name" in quarter.columns:
        name = str(quarter["name"].iloc[0])
    grid = hectare_grid(assessed)
    context = SupplyContext(
        networks=layers.networks,
        potentials=layers.potentials,
        quarter_geometry=quarter,
        grid=grid,
    )
    criteria = supply_criteria(assessed, ref=ref, context=context)
    return QuarterBundle(
        name=name or layers.file_name or "Importierte Gebäude",
        quarter_id=quarter_id,
        quarter=quarter,
        buildings=assessed,
        grid=grid,
        blocks=quarter_blocks(assessed) if "block_id" in assessed.columns else None,
        streets=(
            linear_heat_density(assessed, layers.streets)
            if layers.streets is not None and len(layers.streets)
            else None
        ),
        networks=layers.networks,
        potentials=layers.potentials,
        criteria=criteria,
        supply=supply_options(assessed, ref=ref, context=context, criteria=criteria),
        synthetic=layers.synthetic,
        file_name=layers.file_name,
        plan_blocks=block_plan.plan_blocks(
            layers.streets, outline=quarter, buildings=assessed, imported=layers.blocks
        ),
    )


def plan_view(bundle: QuarterBundle, blocks: gpd.GeoDataFrame | None = None) -> QuarterBundle:
    """The bundle as the heat plan sees it: the Baublöcke are the planning unit.

    ``blocks``: the plan blocks (default ``bundle.plan_blocks``; the planner's imported
    layer where saved). Each building's ``block_id`` becomes its plan block
    (:func:`~quartier_geo.domain.block_plan.assign_buildings`; None in no block: it counts
    in the quarter's totals, for no block); ``blocks`` become the plan polygons with their
    buildings' sums (:func:`~quartier_geo.domain.block_plan.block_values`, column
    ``source``) and ``plan_blocks`` the blocks. Without blocks no building has a block.
    Derive it once per quarter and hand it to every heat-plan section; never mutate.
    """
    blocks = bundle.plan_blocks if blocks is None else blocks
    if blocks is None or not len(blocks):
        none = pd.Series(None, index=bundle.buildings.index, dtype=object)
        return replace(
            bundle, buildings=bundle.buildings.assign(block_id=none), blocks=None, plan_blocks=None
        )
    ids = block_plan.assign_buildings(bundle.buildings, blocks)
    buildings = bundle.buildings.assign(block_id=ids.to_numpy())
    return replace(
        bundle,
        buildings=buildings,
        blocks=block_plan.block_values(buildings, blocks),
        plan_blocks=blocks,
    )


def is_plan_view(bundle: QuarterBundle) -> bool:
    """Whether ``bundle`` is a :func:`plan_view` (its blocks are plan blocks)."""
    if bundle.blocks is None:
        return bundle.plan_blocks is None
    return "source" in bundle.blocks.columns
