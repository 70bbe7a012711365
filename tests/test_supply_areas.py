"""Supply areas per block and Stützjahr (WPG §18, §19), hand-computed from the rows of
geodata/reference/wpg_area_rules.csv (rule ids cited beside each expected value)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier_geo.data.reference import load_reference
from quartier_geo.domain.costs import area_heat_costs
from quartier_geo.domain.supply_areas import (
    AreaCategory,
    AreaContext,
    area_rules,
    areas_long,
    likelihood_label,
    supply_areas,
)

CRS = "EPSG:25832"
X, Y = 365_000.0, 5_707_000.0
#: A Baublock (a plan block polygon, source "streets"): its area is the polygon's,
#: 100 m x 100 m = 1 ha, no buffer.
AREA_HA = 1.0
#: The fallback: a 100 m x 100 m hull of a block_id group, buffered by block_buffer_m =
#: 15 m (rules row "block_buffer_m"): square + four 100 x 15 strips + the four rounded
#: corners, which shapely draws with 8 segments per quarter circle: together a regular
#: 32-gon of radius 15, area 32/2 x r² x sin(2π/32).
HULL_AREA_HA = (100.0**2 + 4 * 100.0 * 15.0 + 16 * 15.0**2 * math.sin(2 * math.pi / 32)) / 10_000.0


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return area_rules(load_reference())


def block(
    density: float, *, dx: float = 0.0, block_id: str = "B1", source: str = "streets"
) -> gpd.GeoDataFrame:
    """One 100 m square block whose consumption gives ``density`` MWh/(ha·a): a Baublock
    (``source`` streets) or the fallback hull of a block_id group (``block_id``)."""
    area_ha = HULL_AREA_HA if source == "block_id" else AREA_HA
    consumption_kwh = density * area_ha * 1000.0
    return gpd.GeoDataFrame(
        {
            "block_id": [block_id],
            "source": [source],
            "n_buildings": [12],
            "useful_heat_kwh_per_a": [consumption_kwh * 1.2],
            "consumption_kwh_per_a": [consumption_kwh],
        },
        geometry=[shapely.box(X + dx, Y, X + dx + 100.0, Y + 100.0)],
        crs=CRS,
    )


def street(heat_mwh: float) -> gpd.GeoDataFrame:
    """A 100 m street segment along the block's south side, 10 m away."""
    return gpd.GeoDataFrame(
        {"street_id": ["S1"], "length_m": [100.0], "heat_demand_mwh_per_a": [heat_mwh]},
        geometry=[shapely.LineString([(X, Y - 10.0), (X + 100.0, Y - 10.0)])],
        crs=CRS,
    )


def network(distance_m: float) -> gpd.GeoDataFrame:
    """A heat network line ``distance_m`` east of the block."""
    x = X + 100.0 + distance_m
    return gpd.GeoDataFrame(
        {"network_id": ["N1"]}, geometry=[shapely.LineString([(x, Y), (x, Y + 100)])], crs=CRS
    )


def test_the_rules_table_has_the_four_stuetzjahre_and_the_19_levels(rules) -> None:  # type: ignore[no-untyped-def]
    assert rules.years == [2030, 2035, 2040, 2045]  # WPG §18 Abs. 3 and the target year 2045
    labels = [likelihood_label(s, rules, "de") for s in (3, 2, 1, 0)]
    assert labels == [  # WPG §19 Abs. 2 Satz 2 (rows L3..L0)
        "sehr wahrscheinlich geeignet",
        "wahrscheinlich geeignet",
        "wahrscheinlich ungeeignet",
        "sehr wahrscheinlich ungeeignet",
    ]
    table = rules.table
    assert set(table["status"]) <= {"read", "inferred", "assumption"}
    assert table["source"].notna().all()


def test_a_dense_block_next_to_a_network_is_a_heat_network_area(rules) -> None:  # type: ignore[no-untyped-def]
    """500 MWh/(ha·a) (NB3: >= 415 -> 3), street 200 MWh/a over 100 m = 2,000 kWh/(m·a)
    (NL1: >= 1,500 -> +1), network 50 m away (NR1: within the 2030 reach of 250 m -> +1):
    3 + 1 + 1 = 5, clamped to 3 = sehr wahrscheinlich geeignet. Decentral: DB1 (< 1,050) 1,
    DL1 (>= 1,500 kWh/(m·a)) -1 -> 0. Category (D1: >= 2, better, within reach):
    Wärmenetzgebiet in every Stützjahr."""
    context = AreaContext(streets=street(200.0), networks=network(50.0))
    out = supply_areas(block(500.0), rules=rules, context=context).iloc[0]
    assert out["heat_density_mwh_per_ha_a"] == pytest.approx(500.0)
    assert out["linear_heat_density_kwh_per_m_a"] == pytest.approx(2000.0)
    assert out["network_distance_m"] == pytest.approx(50.0)
    for year in (2030, 2035, 2040, 2045):
        assert out[f"network_{year}"] == 3
        assert out[f"decentral_{year}"] == 0
        assert out[f"hydrogen_{year}"] == 0  # H1: no transformation plan
        assert out[f"category_{year}"] == AreaCategory.HEAT_NETWORK


def test_network_areas_grow_with_the_reach_of_the_stuetzjahr(rules) -> None:  # type: ignore[no-untyped-def]
    """The same block with the network 800 m away: NB3 3 + NL1 1 = 4 -> 3 in every year,
    but a network within reach only from 2040 (R2030 250 m, R2035 500 m, R2040 1,000 m):
    Prüfgebiet 2030 and 2035, Wärmenetzgebiet 2040 and 2045 (assumption of the R rows)."""
    context = AreaContext(streets=street(200.0), networks=network(800.0))
    out = supply_areas(block(500.0), rules=rules, context=context).iloc[0]
    assert [out[f"category_{y}"] for y in (2030, 2035, 2040, 2045)] == [
        AreaCategory.TEST_AREA,
        AreaCategory.TEST_AREA,
        AreaCategory.HEAT_NETWORK,
        AreaCategory.HEAT_NETWORK,
    ]
    assert [out[f"network_{y}"] for y in (2030, 2040)] == [3, 3]


def test_a_heat_source_nearby_counts_like_a_network(rules) -> None:  # type: ignore[no-untyped-def]
    """No network, a mine-water potential 100 m away (SK1): within the 2030 reach -> NR1."""
    source = gpd.GeoDataFrame(
        {"kind": ["mine_water", "chp"]},
        geometry=[shapely.Point(X + 200.0, Y + 50.0), shapely.Point(X + 120.0, Y)],
        crs=CRS,
    )
    out = supply_areas(block(300.0), rules=rules, context=AreaContext(potentials=source)).iloc[0]
    assert out["source_distance_m"] == pytest.approx(100.0)  # the CHP (kind chp) is no source
    # NB2 (>= 175) 2 + NR1 1 = 3; DB2 (< 415) 2: network better, within reach
    assert out["network_2030"] == 3 and out["decentral_2030"] == 2
    assert out["category_2030"] == AreaCategory.HEAT_NETWORK


def test_a_sparse_block_without_network_is_decentral(rules) -> None:  # type: ignore[no-untyped-def]
    """100 MWh/(ha·a): NB1 (>= 70) 1, no network or source within 2,000 m (NR2) -1 -> 0 =
    sehr wahrscheinlich ungeeignet; decentral DB3 (< 175) 3: Gebiet für die dezentrale
    Wärmeversorgung in every year."""
    out = supply_areas(block(100.0), rules=rules).iloc[0]
    assert out["network_2045"] == 0 and out["decentral_2045"] == 3
    assert {out[f"category_{y}"] for y in (2030, 2035, 2040, 2045)} == {AreaCategory.DECENTRAL}
    assert np.isnan(out["linear_heat_density_kwh_per_m_a"])  # no street: no step
    assert likelihood_label(out["network_2045"], rules, "de") == "sehr wahrscheinlich ungeeignet"


def test_hydrogen_only_with_a_transformation_plan(rules) -> None:  # type: ignore[no-untyped-def]
    """H1: without a plan hydrogen is 0 and no block is a Wasserstoffnetzgebiet; a plan that
    rates the block 3 makes it one (>= D1 and not worse than the others)."""
    without = supply_areas(block(100.0), rules=rules).iloc[0]
    assert without["hydrogen_2030"] == 0
    assert without["category_2030"] != AreaCategory.HYDROGEN
    planned = supply_areas(
        block(100.0), rules=rules, context=AreaContext(hydrogen_plan={"B1": 3})
    ).iloc[0]
    assert planned["hydrogen_2030"] == 3
    assert planned["category_2030"] == AreaCategory.HYDROGEN


def test_costs_break_a_tie_and_no_costs_skip_the_rule(rules) -> None:  # type: ignore[no-untyped-def]
    """300 MWh/(ha·a), network 1,500 m away: NB2 2 (no NR1 in 2030, no NR2) = DB2 2: a tie,
    so Prüfgebiet. With decentral cheaper (C1) decentral gets +1: 3 > 2 -> dezentral."""
    blocks = block(300.0)
    context = AreaContext(networks=network(1500.0))
    tie = supply_areas(blocks, rules=rules, context=context).iloc[0]
    assert (tie["network_2030"], tie["decentral_2030"]) == (2, 2)
    assert tie["category_2030"] == AreaCategory.TEST_AREA
    costs = pd.DataFrame(
        {"network_eur_per_mwh": [150.0], "decentral_eur_per_mwh": [120.0]}, index=["B1"]
    )
    priced = AreaContext(networks=network(1500.0), heat_costs=costs)
    cheaper = supply_areas(blocks, rules=rules, context=priced).iloc[0]
    assert (cheaper["network_2030"], cheaper["decentral_2030"]) == (2, 3)
    assert cheaper["category_2030"] == AreaCategory.DECENTRAL


def test_a_block_without_values_is_a_pruefgebiet(rules) -> None:  # type: ignore[no-untyped-def]
    """A block of the bundle under the privacy minimum carries NaN sums: no score, and
    Prüfgebiet (WPG §3 Abs. 1 Nr. 10: not enough known)."""
    blocks = block(300.0).assign(consumption_kwh_per_a=np.nan, useful_heat_kwh_per_a=np.nan)
    out = supply_areas(blocks, rules=rules).iloc[0]
    assert np.isnan(out["network_2030"]) and np.isnan(out["decentral_2030"])
    assert out["category_2030"] == AreaCategory.TEST_AREA


def test_blocks_with_a_buildings_column_and_the_long_table(rules) -> None:  # type: ignore[no-untyped-def]
    """The bundle's blocks count in ``buildings`` (street-derived ones in ``n_buildings``);
    the long table has one row per block and Stützjahr."""
    two = pd.concat([block(100.0), block(500.0, dx=300.0, block_id="B2")], ignore_index=True)
    two = gpd.GeoDataFrame(two.rename(columns={"n_buildings": "buildings"}), crs=CRS)
    out = supply_areas(two, rules=rules)
    assert list(out["buildings"]) == [12, 12]
    long = areas_long(out, rules.years)
    assert len(long) == 2 * 4
    assert set(long["year"]) == {2030, 2035, 2040, 2045}


def test_a_baublock_counts_its_polygon_and_only_a_hull_is_buffered(rules) -> None:  # type: ignore[no-untyped-def]
    """200 MWh/a in a 100 m square, no network or source (NR2 -1): as a Baublock
    200 / 1 ha = 200 MWh/(ha·a) (NB2 2 - 1 = 1, DB2 2); as the hull of a block_id group
    200 / 1.6703 ha (HULL_AREA_HA) = 119.74 MWh/(ha·a) (NB1 1 - 1 = 0, DB3 3). A frame
    without ``source`` is the fallback too."""
    consumption = {"consumption_kwh_per_a": [200_000.0], "useful_heat_kwh_per_a": [240_000.0]}
    polygon = supply_areas(block(0.0).assign(**consumption), rules=rules).iloc[0]
    assert polygon["area_ha"] == pytest.approx(1.0)
    assert polygon["heat_density_mwh_per_ha_a"] == pytest.approx(200.0)
    assert (polygon["network_2030"], polygon["decentral_2030"]) == (1, 2)
    hull = supply_areas(block(0.0, source="block_id").assign(**consumption), rules=rules).iloc[0]
    assert hull["area_ha"] == pytest.approx(HULL_AREA_HA)
    assert hull["heat_density_mwh_per_ha_a"] == pytest.approx(200.0 / HULL_AREA_HA)
    assert hull["heat_density_mwh_per_ha_a"] == pytest.approx(119.74, abs=0.01)
    assert (hull["network_2030"], hull["decentral_2030"]) == (0, 3)
    bare = block(0.0).drop(columns="source").assign(**consumption)
    assert supply_areas(bare, rules=rules).iloc[0]["area_ha"] == pytest.approx(HULL_AREA_HA)


def test_costs_of_the_cost_module_flip_a_tie_per_block(rules) -> None:  # type: ignore[no-untyped-def]
    """Rule C1 on :func:`area_heat_costs`. Three tied blocks: 300 MWh/(ha·a), a network
    1,400-1,800 m east (no NR1 in 2030, no NR2): NB2 2 = DB2 2, Prüfgebiet.
    B1: district heating 150, air heat pump 170, ground heat pump 140 €/MWh; decentral =
    min(170, 140) = 140 < 150: decentral +1 -> 3 > 2, dezentral.
    B2: district heating 100 < min(170, 180) = 170: network +1 -> 3, but no network within
    the 250 m of 2030: still Prüfgebiet; in 2045 (reach 2,000 m) NR1 +1 too:
    2 + 1 + 1 = 4, clamped to 3 > 2: Wärmenetzgebiet.
    B3: district heating unsourced (None): the rule is skipped (no 0 invented), the tie
    stays."""
    long = pd.DataFrame(
        {
            "block_id": ["B1"] * 3 + ["B2"] * 3 + ["B3"] * 3,
            "option": ["district_heating", "heat_pump_air", "heat_pump_ground"] * 3,
            "cost_eur_per_mwh": [150.0, 170.0, 140.0, 100.0, 170.0, 180.0, None, 90.0, 95.0],
        }
    )
    costs = area_heat_costs(long)
    assert costs.loc["B1"].tolist() == [150.0, 140.0]
    assert costs.loc["B2"].tolist() == [100.0, 170.0]
    assert np.isnan(costs.loc["B3", "network_eur_per_mwh"])
    assert costs.loc["B3", "decentral_eur_per_mwh"] == 90.0
    three = pd.concat(
        [block(300.0, dx=200.0 * i, block_id=f"B{i + 1}") for i in range(3)], ignore_index=True
    )
    three = gpd.GeoDataFrame(three, crs=CRS)
    x = X + 3 * 200.0 + 1300.0  # 1,400 m east of B3, 1,600 m of B2, 1,800 m of B1
    far = gpd.GeoDataFrame(geometry=[shapely.LineString([(x, Y), (x, Y + 100)])], crs=CRS)
    plain = supply_areas(three, rules=rules, context=AreaContext(networks=far))
    assert list(plain["category_2030"]) == [AreaCategory.TEST_AREA] * 3
    out = supply_areas(three, rules=rules, context=AreaContext(networks=far, heat_costs=costs))
    assert list(out["decentral_2030"]) == [3, 2, 2]
    assert list(out["network_2030"]) == [2, 3, 2]
    assert list(out["category_2030"]) == [
        AreaCategory.DECENTRAL,
        AreaCategory.TEST_AREA,
        AreaCategory.TEST_AREA,
    ]
    assert out["category_2045"].iloc[1] == AreaCategory.HEAT_NETWORK
