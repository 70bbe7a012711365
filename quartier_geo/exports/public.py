"""The layers a public or workshop server offers for download (docs/ARCHITECTURE.md §11).

Only aggregates of at least ``min_buildings`` buildings (:mod:`quartier_geo.domain.privacy`):
urban blocks, hectare cells and street segments with enough buildings, plus the quarter's
outline. No building, no building id, no footprint. What was withheld is counted, so that
the page can say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from quartier_geo.domain.blocks import quarter_blocks
from quartier_geo.domain.bundle import QuarterBundle
from quartier_geo.domain.privacy import Withheld, buildings_in_public_blocks, withhold_small

__all__ = ["PublicLayers", "public_blocks", "public_layers"]


@dataclass(frozen=True, eq=False)
class PublicLayers:
    """The public layers by name and, per aggregated layer, what was withheld."""

    layers: dict[str, gpd.GeoDataFrame]
    withheld: dict[str, Withheld]


def public_blocks(data: QuarterBundle, *, min_buildings: int) -> Withheld | None:
    """The blocks with at least ``min_buildings`` buildings (None without ``block_id``)."""
    if "block_id" not in data.buildings.columns:
        return None
    kept = buildings_in_public_blocks(data.buildings, min_buildings=min_buildings)
    blocks = quarter_blocks(kept.shown, min_buildings=min_buildings)
    return Withheld(blocks, kept.units, kept.buildings, min_buildings)


def public_layers(data: QuarterBundle, *, min_buildings: int) -> PublicLayers:
    """Quarter outline, blocks, hectare grid and streets of ``data``, cut to the public rule."""
    layers: dict[str, gpd.GeoDataFrame] = {}
    withheld: dict[str, Withheld] = {}
    if data.quarter is not None:
        layers["quarter"] = data.quarter
    blocks = public_blocks(data, min_buildings=min_buildings)
    if blocks is not None:
        layers["blocks"], withheld["blocks"] = blocks.shown, blocks
    grid = withhold_small(data.grid, min_buildings=min_buildings)
    layers["hectare_grid"], withheld["hectare_grid"] = grid.shown, grid
    if data.streets is not None:
        streets = withhold_small(data.streets, min_buildings=min_buildings)
        layers["streets"], withheld["streets"] = streets.shown, streets
    return PublicLayers(layers, withheld)
