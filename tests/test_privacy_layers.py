"""The public layers of every demo quarter, checked against each other by brute force.

For every pair of shown units of two different layers (block, hectare cell, street
segment) the test takes the sets of buildings they hold. Where one set lies wholly inside
the other, their difference is an aggregate a visitor can compute from two public figures:
it must hold no building or at least N. The Baublöcke of the heat plan are a layer too
(their buildings found here by the point inside each footprint). Also per layer: the
quarter's buildings outside the shown units must number 0 or at least N. Computed with
Python sets, not with the code under test (exports/public.py, domain/privacy.py).
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
import shapely

from quartier_geo.data import layers
from quartier_geo.data.reference import load_reference
from quartier_geo.domain.bundle import build_quarter_bundle, build_region, select_quarter
from quartier_geo.domain.heat_density import assign_streets, cell_ids
from quartier_geo.exports.public import public_layers

N = 5  # WPG §10(2): at least five neighbouring house numbers


@pytest.fixture(scope="module")
def region():
    ref = load_reference()
    return build_region(layers.load_region(ref), ref=ref), ref


def _in_polygons(buildings, polygons) -> pd.Series:
    """The id of the shown polygon that covers each building's point inside it."""
    points = shapely.point_on_surface(buildings.geometry.to_numpy())
    out = pd.Series(None, index=buildings.index, dtype=object)
    for block_id, polygon in zip(polygons["block_id"], polygons.geometry, strict=True):
        out[shapely.covers(polygon, points) & out.isna().to_numpy()] = block_id
    return out


def _members(unit_of, shown_ids) -> list[frozenset]:
    groups: dict[object, set] = {}
    for building, unit in unit_of.items():
        if unit in shown_ids:
            groups.setdefault(unit, set()).add(building)
    return [frozenset(g) for g in groups.values()]


@pytest.mark.parametrize("quarter_id", range(1, 21))
def test_no_two_public_figures_single_out_fewer_than_n_buildings(region, quarter_id) -> None:
    data, ref = region
    bundle = build_quarter_bundle(select_quarter(data, quarter_id, synthetic=True), ref=ref)
    public = public_layers(bundle, min_buildings=N, ref=ref)
    b = bundle.buildings
    unit_of = {
        "blocks": b["block_id"],
        "hectare_grid": cell_ids(b),
        "streets": assign_streets(b, bundle.streets),
        "baubloecke": _in_polygons(b, public.layers["baubloecke"]),
    }
    id_column = {
        "blocks": "block_id",
        "hectare_grid": "cell_id",
        "streets": "street_id",
        "baubloecke": "block_id",
    }
    assert (public.layers["baubloecke"]["source"] == "streets").all()  # the demo's streets
    shown = {
        name: _members(unit_of[name], set(public.layers[name][id_column[name]])) for name in unit_of
    }
    everyone = frozenset(b.index)
    for name, units in shown.items():
        assert all(len(u) >= N for u in units), name
        outside = everyone - frozenset().union(*units)
        assert len(outside) == 0 or len(outside) >= N, (name, len(outside))
    for first, second in itertools.permutations(shown, 2):
        for outer in shown[first]:
            for inner in shown[second]:
                if inner <= outer:
                    rest = len(outer - inner)
                    assert rest == 0 or rest >= N, (first, second, rest)


@pytest.mark.parametrize("quarter_id", [5, 12])
def test_public_carrier_shares_are_of_n_buildings_or_more(region, quarter_id) -> None:
    # quarter 5, block B001: one biomass building had its own share (5.55 %); with the
    # block's CO₂ and the public factors that was its energy
    data, ref = region
    bundle = build_quarter_bundle(select_quarter(data, quarter_id, synthetic=True), ref=ref)
    shown = public_layers(bundle, min_buildings=N, ref=ref).layers["baubloecke"]
    b = bundle.buildings.assign(_unit=_in_polygons(bundle.buildings, shown))
    checked = 0
    for row in shown[shown["n_buildings"] > 0].itertuples(index=False):
        members = b[b["_unit"] == row.block_id]
        counts = members["heating_carrier"].value_counts()
        pooled = len(members)
        for carrier in ref.carriers.index:
            share = getattr(row, f"share_{carrier}")
            held = int(counts.get(carrier, 0))
            if pd.notna(share):
                assert held == 0 or held >= N, (row.block_id, carrier, held)
                pooled -= held
                checked += held > 0
        # the pooled rest: none or at least N buildings, never "1 - the others" of fewer
        assert pooled == 0 or pooled >= N, (row.block_id, pooled)
        assert (row.share_other > 0) == (pooled > 0), row.block_id
    assert checked > 0  # some carrier is shown at all


def test_public_supply_areas_hide_empty_blocks_and_withheld_streets(region) -> None:
    # quarter 5, block B004: no building, yet 840 kWh/(m·a) from the street segments
    # S0015, S0058 (3 buildings, withheld) and S0061
    from quartier_geo.domain import heatplan_indicators as hpi
    from quartier_geo.domain.privacy import cut_layer
    from quartier_geo.domain.supply_areas import NO_BUILDINGS, block_street_ids
    from quartier_geo.exports.public import public_areas, public_streets, public_units

    data, ref = region
    bundle = build_quarter_bundle(select_quarter(data, 5, synthetic=True), ref=ref)
    plan = hpi.quarter_heatplan(bundle, ref=ref)
    units = public_units(bundle, min_buildings=N)
    # the public cut keeps the blocks without buildings (outline only)
    areas = cut_layer(plan.areas, units["baubloecke"], id_column="block_id", min_buildings=N).shown
    streets = public_streets(bundle, min_buildings=N, units=units)
    shown_streets = set(streets.shown["street_id"])
    out = public_areas(
        areas, rules=plan.rules, streets=bundle.streets, public_street_ids=shown_streets
    )
    empty = out[out["buildings"] == 0]
    assert "B004" in set(empty["block_id"])
    assert areas.set_index("block_id").loc["B004", "linear_heat_density_kwh_per_m_a"] > 0
    for column in ("linear_heat_density_kwh_per_m_a", "heat_density_mwh_per_ha_a"):
        assert empty[column].isna().all(), column
    for year in plan.rules.years:
        assert (empty[f"category_{year}"] == NO_BUILDINGS).all()
        assert empty[f"network_{year}"].isna().all()
    assert empty["area_ha"].notna().all()  # the outline and its area stay
    used = block_street_ids(out, rules=plan.rules, streets=bundle.streets)
    draws_withheld = [not ids <= shown_streets for ids in used]
    assert any(draws_withheld)  # the case exists in quarter 5
    density = out["linear_heat_density_kwh_per_m_a"].to_numpy()
    for flag, value in zip(draws_withheld, density, strict=True):
        if flag:
            assert pd.isna(value)
    assert pd.notna(density).any()  # blocks on public streets keep theirs
