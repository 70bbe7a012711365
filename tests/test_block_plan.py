"""Baublöcke as the planning unit (domain/block_plan.py): blocks from a hand-built street
grid, the indicators of WPG Anlage 2 I computed by hand, the privacy minimum, the fallback
to the ``block_id`` hulls and the checks of an imported block layer."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier_geo.base.errors import DataValidationError
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import block_plan

CRS = "EPSG:25832"
X0, Y0 = 360_000.0, 5_710_000.0  # somewhere in the Ruhr, EPSG:25832


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def _streets(xs=(0, 100), ys=(0, 100)) -> gpd.GeoDataFrame:
    """Straight streets 20 m beyond the square on each side (they cross at its corners)."""
    lines = [shapely.LineString([(X0 + x, Y0 - 20), (X0 + x, Y0 + 120)]) for x in xs]
    lines += [shapely.LineString([(X0 - 20, Y0 + y), (X0 + 120, Y0 + y)]) for y in ys]
    return gpd.GeoDataFrame({"street_id": range(len(lines))}, geometry=lines, crs=CRS)


def _square(x: float, y: float, side: float = 10.0) -> shapely.Polygon:
    return shapely.box(X0 + x, Y0 + y, X0 + x + side, Y0 + y + side)


# six buildings inside the 100 m square; consumption, useful heat, final energy in kWh/a
CONSUMPTION = [20_000.0, 30_000.0, 40_000.0, 50_000.0, 60_000.0, 100_000.0]  # Σ 300 MWh/a
USEFUL = [c * 1.5 for c in CONSUMPTION]  # Σ 450 MWh/a
FINAL = [25_000.0, 35_000.0, 45_000.0, 55_000.0, 40_000.0, 100_000.0]  # Σ 300 MWh/a
CO2 = [5.0, 7.0, 9.0, 11.0, 2.0, 16.0]  # Σ 50 t/a
CARRIER = ["gas", "gas", "gas", "gas", "district_heating", "electricity"]
TYPE = ["EFH", "EFH", "MFH", "EFH", "MFH", "EFH"]
AGE = ["C", "E", "E", "C", "C", "E"]  # tie 3 : 3, the first in sort order wins


def _buildings(n: int = 6) -> gpd.GeoDataFrame:
    geoms = [_square(10 + 15 * i, 40) for i in range(n)]
    return gpd.GeoDataFrame(
        {
            "useful_heat_kwh_per_a": USEFUL[:n],
            "consumption_kwh_per_a": CONSUMPTION[:n],
            "final_energy_kwh_per_a": FINAL[:n],
            "co2_t_per_a": CO2[:n],
            "heating_carrier": CARRIER[:n],
            "building_type": TYPE[:n],
            "age_class": AGE[:n],
            "block_id": ["a"] * n,
        },
        geometry=geoms,
        crs=CRS,
    )


def test_four_streets_enclose_one_hectare() -> None:
    blocks = block_plan.street_blocks(_streets())
    assert list(blocks["block_id"]) == ["B001"]
    assert list(blocks["source"]) == ["streets"]
    assert blocks.area.iloc[0] == pytest.approx(100 * 100)


def test_the_quarter_outline_closes_the_edge_blocks() -> None:
    # outline 200 m x 200 m around the square: the square (1 ha) and the ring around it
    # (200² − 100² = 30,000 m² = 3 ha) between the streets and the outline
    outline = gpd.GeoDataFrame(geometry=[_square(-50, -50, 200)], crs=CRS)
    blocks = block_plan.street_blocks(_streets(), outline)
    assert sorted(blocks.area.round(6)) == [10_000.0, 30_000.0]


def test_a_second_street_splits_the_square_in_two_blocks() -> None:
    blocks = block_plan.street_blocks(_streets(xs=(0, 50, 100)))
    assert len(blocks) == 2
    assert list(blocks.area.round(6)) == [5_000.0, 5_000.0]
    assert list(blocks["block_id"]) == ["B001", "B002"]
    # numbered from west to east at the same northing
    assert blocks.geometry.iloc[0].centroid.x < blocks.geometry.iloc[1].centroid.x


def test_indicators_of_six_buildings_by_hand(ref) -> None:
    blocks = block_plan.street_blocks(_streets())
    table = block_plan.block_indicators(_buildings(), blocks, ref, min_buildings=5)
    row = table.iloc[0]
    assert row["n_buildings"] == 6
    assert row["area_ha"] == pytest.approx(1.0)
    assert row["heat_demand_mwh_per_a"] == pytest.approx(450.0)
    assert row["consumption_mwh_per_a"] == pytest.approx(300.0)
    # WPG Anlage 2 I.2 Nr. 1: consumption density = 300 MWh/a / 1 ha
    assert row["density_mwh_per_ha_a"] == pytest.approx(300.0)
    assert row["co2_t_per_a"] == pytest.approx(50.0)
    assert row["decentral_generators"] == 5  # all but the district-heating building
    assert row["house_substations"] == 1
    assert row["main_type"] == "EFH"  # 4 of 6
    assert row["main_age_class"] == "C"  # 3 C, 3 E: the first in sort order
    # shares of final energy: gas 160/300, district heating 40/300, electricity 100/300
    assert row["share_gas"] == pytest.approx(160 / 300)
    assert row["share_district_heating"] == pytest.approx(40 / 300)
    assert row["share_electricity"] == pytest.approx(100 / 300)
    assert row["share_oil"] == pytest.approx(0.0)
    shares = [c for c in table.columns if c.startswith("share_")]
    assert sorted(shares) == sorted(f"share_{c}" for c in ref.carriers.index)
    assert sum(row[c] for c in shares) == pytest.approx(1.0)
    # buildings without a type do not count: with three unknown, 2 MFH beat 1 EFH (the
    # unknown are no class of their own)
    unknown = _buildings().assign(building_type=["EFH", None, None, None, "MFH", "MFH"])
    table = block_plan.block_indicators(unknown, blocks, ref, min_buildings=5)
    assert table.iloc[0]["main_type"] == "MFH"


def test_a_block_under_the_minimum_keeps_its_outline_but_no_value(ref) -> None:
    blocks = block_plan.street_blocks(_streets())
    table = block_plan.block_indicators(_buildings(4), blocks, ref, min_buildings=5)
    row = table.iloc[0]
    assert row["n_buildings"] == 4
    assert row["area_ha"] == pytest.approx(1.0)
    assert table.geometry.iloc[0].area == pytest.approx(10_000.0)
    for column in ("heat_demand_mwh_per_a", "density_mwh_per_ha_a", "co2_t_per_a"):
        assert np.isnan(row[column]), column
    assert row["main_type"] is None and row["main_age_class"] is None
    assert np.isnan(row["share_gas"]) and np.isnan(row["decentral_generators"])
    # the same four buildings with a minimum of 4: values are shown
    shown = block_plan.block_indicators(_buildings(4), blocks, ref, min_buildings=4)
    assert shown["consumption_mwh_per_a"].iloc[0] == pytest.approx(140.0)


def test_buildings_are_assigned_by_their_representative_point() -> None:
    blocks = block_plan.street_blocks(_streets(xs=(0, 50, 100)))
    b = gpd.GeoDataFrame(
        geometry=[
            _square(10, 10),  # west block
            _square(60, 10),  # east block
            # straddling the middle street (x = 50): 5 m west, 30 m east of it; the point
            # inside it is the middle of the 35 m x 10 m rectangle, x = 62.5, east
            shapely.box(X0 + 45, Y0 + 10, X0 + 80, Y0 + 20),
            _square(200, 200),  # outside every block
        ],
        crs=CRS,
    )
    got = block_plan.assign_buildings(b, blocks)
    assert list(got.iloc[:3]) == ["B001", "B002", "B002"]
    assert pd.isna(got.iloc[3])


def test_streets_that_enclose_nothing_fall_back_to_the_block_id_hulls() -> None:
    parallel = _streets(xs=(0, 100), ys=())
    b = _buildings()
    assert block_plan.street_blocks(parallel).empty
    blocks = block_plan.plan_blocks(parallel, outline=None, buildings=b)
    assert blocks is not None
    assert list(blocks["source"]) == ["block_id"] and list(blocks["block_id"]) == ["a"]
    # the hull of the six 10 m squares in a row at y 40..50: x 10..95, 85 m x 10 m
    assert blocks.area.iloc[0] == pytest.approx(850.0)
    assert block_plan.plan_blocks(None, outline=None, buildings=b.drop(columns="block_id")) is None


def test_street_blocks_are_preferred_and_an_imported_layer_wins() -> None:
    b = _buildings()
    assert list(block_plan.plan_blocks(_streets(), outline=None, buildings=b)["source"]) == [
        "streets"
    ]
    layer = gpd.GeoDataFrame({"block_id": ["Nord"]}, geometry=[_square(0, 0, 100)], crs=CRS)
    imported = block_plan.checked_block_layer(layer)
    got = block_plan.plan_blocks(_streets(), outline=None, buildings=b, imported=imported)
    assert list(got["block_id"]) == ["Nord"] and list(got["source"]) == ["imported"]


def _quarter() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[_square(-50, -50, 200)], crs=CRS)


def test_an_imported_layer_in_another_crs_is_reprojected() -> None:
    layer = gpd.GeoDataFrame(geometry=[_square(0, 0, 100)], crs=CRS).to_crs("EPSG:4326")
    got = block_plan.checked_block_layer(layer, quarter=_quarter())
    assert got.crs.to_epsg() == 25832
    assert got.area.iloc[0] == pytest.approx(10_000.0, rel=1e-6)
    assert list(got["block_id"]) == ["B001"]  # no id column: numbered


def test_an_imported_layer_without_crs_is_refused_with_what_to_do() -> None:
    layer = gpd.GeoDataFrame(geometry=[_square(0, 0, 100)])
    with pytest.raises(DataValidationError, match=r"kein Koordinatensystem.*EPSG:25832"):
        block_plan.checked_block_layer(layer, quarter=_quarter())


def test_an_imported_layer_in_a_wrong_crs_lies_outside_the_quarter() -> None:
    # lon/lat degrees stored as if they were EPSG:25832 metres: near (7, 51) m, far away
    wrong = gpd.GeoDataFrame(geometry=[shapely.box(7.0, 51.0, 7.001, 51.001)], crs=CRS)
    with pytest.raises(DataValidationError, match="kein Block liegt im Quartier"):
        block_plan.checked_block_layer(wrong, quarter=_quarter())


def test_a_broken_imported_layer_names_every_problem() -> None:
    layer = gpd.GeoDataFrame(
        geometry=[shapely.LineString([(X0, Y0), (X0 + 1, Y0 + 1)]), None], crs=CRS
    )
    with pytest.raises(DataValidationError) as err:
        block_plan.checked_block_layer(layer)
    text = str(err.value)
    assert "keine Flächen" in text and "ohne Geometrie" in text
    empty = gpd.GeoDataFrame(geometry=[], crs=CRS)
    with pytest.raises(DataValidationError, match="leer"):
        block_plan.checked_block_layer(empty)


def test_overlapping_imported_blocks_are_refused() -> None:
    layer = gpd.GeoDataFrame(geometry=[_square(0, 0, 100), _square(50, 0, 100)], crs=CRS)
    with pytest.raises(DataValidationError, match="überlappen"):
        block_plan.checked_block_layer(layer)
    touching = gpd.GeoDataFrame(geometry=[_square(0, 0, 100), _square(100, 0, 100)], crs=CRS)
    assert len(block_plan.checked_block_layer(touching)) == 2


def test_the_planners_geopackage_has_a_baubloecke_layer(tmp_path, ref) -> None:
    import pyogrio

    from quartier_geo.domain.bundle import QuarterBundle
    from quartier_geo.exports.files import export_layers, quarter_layers

    b = _buildings()
    outline = gpd.GeoDataFrame(
        {"quarter_id": [99], "name": ["Test"]}, geometry=[_square(-50, -50, 200)], crs=CRS
    )
    bundle = QuarterBundle(
        name="Test",
        quarter_id=99,
        quarter=outline,
        buildings=b,
        grid=gpd.GeoDataFrame(geometry=[], crs=CRS),
        blocks=None,
        streets=None,
        networks=None,
        potentials=None,
        criteria=pd.Series(dtype=float),
        supply=pd.DataFrame(),
        plan_blocks=block_plan.plan_blocks(_streets(), outline=outline, buildings=b),
    )
    layers = quarter_layers(bundle, ref=ref, min_buildings=5)
    assert "baubloecke" not in quarter_layers(bundle)  # without the reference: none
    target = tmp_path / "q.gpkg"
    export_layers({"baubloecke": layers["baubloecke"]}, target, fmt="gpkg")
    back = gpd.read_file(target, layer="baubloecke")
    square = back[back["n_buildings"] == 6].iloc[0]  # the 1 ha square; the ring holds none
    assert square["density_mwh_per_ha_a"] == pytest.approx(300.0)
    assert square["main_type"] == "EFH"
    ring = back[back["n_buildings"] == 0].iloc[0]
    assert ring["area_ha"] == pytest.approx(3.0) and pd.isna(ring["density_mwh_per_ha_a"])
    glossary = pyogrio.read_dataframe(target, layer="columns")
    units = dict(zip(glossary["column"], glossary["unit"], strict=True))
    assert units["density_mwh_per_ha_a"] == "MWh/(ha·a)" and units["share_gas"] == "0..1"


def test_public_shares_pool_the_carriers_of_fewer_than_n_buildings(ref) -> None:
    # gas 4 buildings (160 MWh/a), district heating 1 (40), electricity 1 (100); Σ 300
    blocks = block_plan.street_blocks(_streets())
    row = block_plan.block_indicators(
        _buildings(), blocks, ref, min_buildings=2, pool_carriers=True
    ).iloc[0]
    assert row["share_gas"] == pytest.approx(160 / 300)
    # one building each: no own share, pooled (2 buildings >= 2) into "other"
    assert np.isnan(row["share_district_heating"]) and np.isnan(row["share_electricity"])
    assert row["share_other"] == pytest.approx(140 / 300)
    assert row["share_oil"] == pytest.approx(0.0)  # nobody: 0, no building behind it
    # minimum 5: gas (4) is under it too, everything is "other"; no carrier can be derived
    row = block_plan.block_indicators(
        _buildings(), blocks, ref, min_buildings=5, pool_carriers=True
    ).iloc[0]
    assert row["share_other"] == pytest.approx(1.0)
    assert all(np.isnan(row[f"share_{c}"]) for c in ("gas", "district_heating", "electricity"))


def test_secondary_suppression_when_the_pooled_rest_is_too_small(ref) -> None:
    # minimum 3: district heating and electricity (1 + 1 = 2 < 3) would give the rest
    # "1 - gas"; so gas (the smallest shown) joins them and the pool holds all six
    blocks = block_plan.street_blocks(_streets())
    row = block_plan.block_indicators(
        _buildings(), blocks, ref, min_buildings=3, pool_carriers=True
    ).iloc[0]
    assert np.isnan(row["share_gas"]) and np.isnan(row["share_district_heating"])
    assert row["share_other"] == pytest.approx(1.0)
