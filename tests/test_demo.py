"""Tests of the demo generator: determinism, geometry invariants, profile shares, GeoPackage.

All 20 quarters are generated once per module (about 2 s); a second, smaller generation
checks determinism and the independence of quarters.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from quartier_geo.base.columns import AgeClass, BuildingType, OwnerType, RefurbState
from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.layers import GEOPACKAGE, load_layer, load_table, validate_buildings
from quartier_geo.data.reference import load_reference
from quartier_geo.demo import build
from quartier_geo.demo.attributes import _pick, housing_figures
from quartier_geo.demo.build import _cut_to_residents
from quartier_geo.demo.layout import MAIN_HALF_WIDTH_M, RESIDENTIAL_HALF_WIDTH_M, ZONES
from quartier_geo.demo.quarters import (
    CANDIDATE_RADIUS_M,
    GEOMETRY_NOTE,
    MIN_GAP_M,
    NEARBY_DISTANCE_M,
    _separate,
)
from quartier_geo.demo.streets import address_numbers

HERNE, ERKENSCHWICK, DORSTEN, MOERS = 9, 16, 2, 12


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(scope="module")
def layers(ref):
    return build.generate(ref)


@pytest.fixture(scope="module")
def buildings(layers):
    return layers["buildings"]


def _rows_of(gdf: gpd.GeoDataFrame, ids: list[int]) -> gpd.GeoDataFrame:
    return gdf[gdf["quarter_id"].isin(ids)].reset_index(drop=True)


# --- determinism and files -------------------------------------------------------------


def test_generation_is_deterministic_and_quarters_independent(ref, layers):
    ids = [ERKENSCHWICK, 20]
    first = build.generate(ref, quarter_ids=ids)
    second = build.generate(ref, quarter_ids=ids)
    for name in build.LAYER_NAMES:
        assert_geodataframe_equal(first[name], second[name])
    # a quarter generated alone equals its rows in the full run
    for name in ("buildings", "streets", "heat_networks"):
        assert_geodataframe_equal(first[name], _rows_of(layers[name], ids))
    assert len(first["buildings"]) > 100


def test_other_seed_gives_other_buildings(ref, layers):
    other = build.generate(ref, seed=build.DEMO_SEED + 1, quarter_ids=[20])["buildings"]
    mine = _rows_of(layers["buildings"], [20])
    assert len(other) != len(mine) or not other.geometry.equals(mine.geometry)


def test_geopackage_round_trip(layers, tmp_path):
    path = tmp_path / "generate.gpkg"
    table = pd.DataFrame(
        {"quarter_id": [1, 2], "phase": ["Konzept", "Umsetzung"], "x": [0.5, None]}
    )
    build.write_geopackage(layers, {"phases": table}, path)
    listed = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert listed["phases"] is None  # an attribute-only table
    for name in build.LAYER_NAMES:
        assert_geodataframe_equal(pyogrio.read_dataframe(path, layer=name), layers[name])
        assert_geodataframe_equal(load_layer(name, path=path), layers[name])
    back = pyogrio.read_dataframe(path, layer="phases", read_geometry=False)
    pd.testing.assert_frame_equal(pd.DataFrame(back), table)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generate.gpkg"]  # no temp files left


def test_write_replaces_atomically_and_keeps_old_file_on_error(layers, tmp_path):
    path = tmp_path / "generate.gpkg"
    path.write_bytes(b"old content")
    bad = {"quarters": layers["quarters"].set_crs(None, allow_override=True)}
    with pytest.raises(QuartierGeoError, match="EPSG:25832"):
        build.write_geopackage(bad, {}, path)
    assert path.read_bytes() == b"old content"
    small = {"potentials": layers["potentials"]}
    build.write_geopackage(small, {}, path)
    assert len(pyogrio.read_dataframe(path, layer="potentials")) == len(layers["potentials"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generate.gpkg"]


def test_committed_geopackage_equals_fresh_generation(layers):
    assert GEOPACKAGE.exists(), (
        "geodata/quartiere_ruhr.gpkg fehlt: mit build.write_geopackage erzeugen"
    )
    for name in build.LAYER_NAMES:
        assert_geodataframe_equal(load_layer(name, path=GEOPACKAGE), layers[name])


# --- geometry invariants ---------------------------------------------------------------


def test_all_layers_in_work_crs_and_valid(layers):
    assert tuple(layers) == build.LAYER_NAMES
    for name, gdf in layers.items():
        assert gdf.crs.equals(WORK_CRS), name
        assert gdf.geometry.is_valid.all(), name
        assert not gdf.geometry.is_empty.any(), name


def test_buildings_do_not_overlap(buildings):
    shrunk = gpd.GeoSeries(buildings.geometry.buffer(-0.01, join_style="mitre"), crs=WORK_CRS)
    left, right = shrunk.sindex.query(shrunk, predicate="intersects")
    assert (left == right).all(), f"{int((left != right).sum() // 2)} Überlappungen"


def test_buildings_keep_clear_of_street_corridors(layers, buildings):
    streets = layers["streets"]
    half = np.where(streets["street_type"] == "main", MAIN_HALF_WIDTH_M, RESIDENTIAL_HALF_WIDTH_M)
    corridor = streets.geometry.buffer(half - 1.0)  # 10 m residential, 16 m main corridors
    hits = buildings.sindex.query(corridor, predicate="intersects")
    assert hits.shape[1] == 0
    assert (half - 1.0 >= 5.0).all()


def test_buildings_lie_inside_their_quarter(layers, buildings):
    quarters = layers["quarters"].set_index("quarter_id").geometry
    own = quarters.loc[buildings["quarter_id"]].to_numpy()
    assert shapely.contains(own, buildings.geometry.to_numpy()).all()


def test_quarter_polygons_have_model_area_and_do_not_overlap(ref, layers):
    q = layers["quarters"]
    model = ref.quarter_profiles.loc[q["quarter_id"], "area_ha_model"].to_numpy()
    np.testing.assert_allclose(q.geometry.area / 1e4, model, rtol=0.005)
    np.testing.assert_allclose(q["area_ha"], model, rtol=0.005)
    left, right = q.sindex.query(q.geometry, predicate="intersects")
    assert (left == right).all()
    assert sorted(q["quarter_id"]) == list(range(1, 21))


def test_quarter_centres_stay_near_reference(ref, layers):
    q = layers["quarters"]
    pts = gpd.GeoSeries.from_xy(
        ref.quarters["lon_wgs84"], ref.quarters["lat_wgs84"], crs="EPSG:4326"
    ).to_crs(WORK_CRS)
    assert shapely.contains(q.geometry.to_numpy(), pts.to_numpy()).all()
    shifted = q["geometry_note"].str.contains("verschoben")
    assert q.loc[~shifted, "geometry_note"].eq(GEOMETRY_NOTE).all()


# --- sizes and attributes --------------------------------------------------------------


def test_residents_per_quarter_within_ten_percent(layers, buildings):
    modelled = buildings.groupby("quarter_id")["residents"].sum()
    target = layers["quarters"].set_index("quarter_id")["residents"]
    ratio = modelled / target
    assert ratio.between(0.9, 1.1).all(), ratio[~ratio.between(0.9, 1.1)]
    assert len(ratio) == 20


def test_herne_has_about_2500_buildings(buildings):
    n = int((buildings["quarter_id"] == HERNE).sum())
    assert abs(n / 2500 - 1) <= 0.10, n


def test_floor_area_residents_and_footprint_follow_formulas(ref, buildings):
    area = buildings.geometry.area
    np.testing.assert_allclose(buildings["footprint_m2"], area)
    np.testing.assert_allclose(
        buildings["conditioned_floor_area_m2"], area * buildings["storeys"] * 0.87
    )
    res = buildings["building_type"] != "NWG"
    np.testing.assert_allclose(
        buildings.loc[res, "residents"], buildings.loc[res, "conditioned_floor_area_m2"] / 42
    )
    assert (buildings.loc[~res, "residents"] == 0).all()
    assert (buildings.loc[~res, "dwellings"] == 0).all()
    assert (buildings.loc[res, "dwellings"] >= 1).all()


def test_gross_erkenschwick_shares_match_profile(buildings):
    b = buildings[buildings["quarter_id"] == ERKENSCHWICK]
    flats = b[b["building_type"].isin(["MFH", "GMH", "HH"])]
    assert abs((b["refurbishment_state"] == "existing").mean() - 0.62) <= 0.03
    assert abs(b["heating_carrier"].isin(["gas", "oil", "coal"]).mean() - 0.92) <= 0.03
    assert abs((flats["owner_type"] == "housing_company").mean() - 0.84) <= 0.03


def test_profile_shares_in_other_quarters(ref, buildings):
    houses = buildings[buildings["building_type"].isin(["EFH", "RH"])]
    dorsten = houses[houses["quarter_id"] == DORSTEN]
    assert abs((dorsten["heating_system"] == "storage_heater").mean() - 0.35) <= 0.02
    moers = houses[(houses["quarter_id"] == MOERS) & (houses["zone_type"] == "colliery")]
    assert abs(moers["listed"].mean() - 0.90) <= 0.02
    hp = buildings["heating_system"].str.startswith("heat_pump").groupby(buildings["quarter_id"])
    assert hp.mean().between(0.01, 0.04).all()
    existing = (buildings["refurbishment_state"] == "existing").groupby(buildings["quarter_id"])
    target = ref.quarter_profiles["existing_state_share"]
    assert (existing.mean() - target).abs().max() <= 0.01


def test_core_district_heating_reaches_half_of_central_flats(ref, buildings):
    for qid in ref.quarter_profiles.index[ref.quarter_profiles["district_heating"] == "core"]:
        b = buildings[buildings["quarter_id"] == qid]
        zone = min(b["zone_type"].unique(), key=lambda z: ZONES[z].centrality)
        central = b["zone_type"] == zone
        big = central & b["building_type"].isin(["MFH", "GMH", "HH", "NWG"])
        share = (b.loc[big, "heating_carrier"] == "district_heating").mean()
        assert 0.35 <= share <= 0.65, (qid, share)
    none = ref.quarter_profiles.index[ref.quarter_profiles["district_heating"] == "none"]
    assert (
        not buildings.loc[buildings["quarter_id"].isin(none), "heating_carrier"]
        .eq("district_heating")
        .any()
    )


def test_buildings_pass_schema_validation(ref, buildings):
    validated = validate_buildings(buildings, ref)
    assert validated.notes == []
    assert set(buildings["building_type"]) <= {t.value for t in BuildingType}
    assert set(buildings["age_class"]) <= {a.value for a in AgeClass}
    assert set(buildings["refurbishment_state"]) == {s.value for s in RefurbState}
    assert set(buildings["owner_type"]) <= {o.value for o in OwnerType}
    carrier = ref.systems["carrier"].reindex(buildings["heating_system"]).to_numpy()
    assert (carrier == buildings["heating_carrier"].to_numpy()).all()
    assert buildings["building_id"].is_unique
    colliery = buildings["zone_type"] == "colliery"
    assert (buildings.loc[colliery, "storeys"] == 1.5).all()


def test_buildings_front_existing_streets_with_addresses(layers, buildings):
    streets = layers["streets"].set_index("street_id")
    assert streets.index.is_unique
    assert buildings["street_id"].isin(streets.index).all()
    assert (
        streets.loc[buildings["street_id"], "quarter_id"].to_numpy() == buildings["quarter_id"]
    ).all()
    name = streets.loc[buildings["street_id"], "name"].to_numpy()
    number = buildings["address"].str.rsplit(" ", n=1).str[1]
    assert (buildings["address"].str.rsplit(" ", n=1).str[0].to_numpy() == name).all()
    assert number.str.isdigit().all()
    assert not buildings.duplicated(["quarter_id", "address"]).any()
    assert set(layers["streets"]["street_type"]) == {"main", "residential"}
    np.testing.assert_allclose(layers["streets"]["length_m"], layers["streets"].length)


# --- networks and potentials -----------------------------------------------------------


def test_heat_networks_follow_profile(ref, layers):
    nets, q = layers["heat_networks"], layers["quarters"].set_index("quarter_id")
    mode = ref.quarter_profiles["district_heating"]
    assert set(nets["quarter_id"]) == set(mode.index[mode != "none"])
    assert (nets["status"] == "synthetic").all()
    mains = nets[nets["kind"] == "main"].set_index("quarter_id")
    for qid, main in mains.geometry.items():
        gap = main.distance(q.geometry.loc[qid])
        if mode.loc[qid] == "core":
            assert main.intersects(q.geometry.loc[qid].centroid.buffer(200))
        else:
            assert NEARBY_DISTANCE_M[0] - 1 <= gap <= NEARBY_DISTANCE_M[1] + 1, (qid, gap)
    assert (
        nets.loc[nets["quarter_id"] == HERNE, "operator_note"]
        .str.contains("Stadtwerke Herne")
        .all()
    )


def test_potentials_keep_reference_sites_and_add_candidates(ref, layers):
    pot = layers["potentials"]
    known = pot[pot["status"] == "read"]
    assert list(known["potential_id"]) == list(ref.potentials["potential_id"])
    cand = pot[pot["kind"] == "mine_water_candidate"]
    assert (cand["location_status"] == "synthetic").all() and len(cand) >= 6
    centres = gpd.GeoSeries.from_xy(
        ref.quarters["lon_wgs84"], ref.quarters["lat_wgs84"], crs="EPSG:4326"
    ).to_crs(WORK_CRS)
    centres.index = ref.quarters["id"]
    water = pot.geometry[pot["kind"] == "mine_water"]
    with_candidate = {int(pid[1:]) for pid in cand["potential_id"]}
    for qid in with_candidate:
        assert water.distance(centres.loc[qid]).min() > CANDIDATE_RADIUS_M
    assert with_candidate >= {9, 10, 18}  # Herne, Herten, Waltrop (Lünen-Süd is near Aden)


# --- helpers ---------------------------------------------------------------------------


def test_pick_draws_exact_count_and_never_zero_weights():
    rng = np.random.default_rng(1)
    weights = np.array([0.0, 1.0, 1.0, 5.0, 0.0])
    mask = _pick(rng, weights, 2)
    assert mask.sum() == 2 and not mask[[0, 4]].any()
    assert _pick(rng, weights, 10).sum() == 3  # only three items can be drawn


def test_unknown_quarter_is_refused(ref):
    with pytest.raises(QuartierGeoError, match="Unbekannte Quartiere"):
        build.generate(ref, quarter_ids=[21])


def test_table_loader_reads_attribute_table(layers, tmp_path: Path):
    path = tmp_path / "t.gpkg"
    build.write_geopackage({}, {"meetings": pd.DataFrame({"n": [1]})}, path)
    assert load_table("meetings", path=path)["n"].tolist() == [1]


def test_cut_keeps_buildings_until_each_zone_has_its_residents():
    zone = np.array(["a", "a", "a", "b", "b"])
    residents = np.array([10.0, 10.0, 10.0, 5.0, 5.0])
    keep = _cut_to_residents(zone, residents, {"a": 15.0, "b": 5.0})
    assert keep.tolist() == [True, True, False, True, False]
    # zone b can hold only 10 of its 20: zone a takes the other 10
    keep = _cut_to_residents(zone, residents, {"a": 10.0, "b": 20.0})
    assert keep.tolist() == [True, True, False, True, True]


def test_housing_figures_by_hand():
    btype = pd.Series(["EFH", "EFH", "MFH", "NWG"])
    floor = pd.Series([126.0, 210.0, 700.0, 500.0])
    out = housing_figures(btype, floor, area_per_resident_m2=42.0)
    assert out["residents"].tolist() == [3.0, 5.0, 700 / 42, 0.0]
    assert out["dwellings"].tolist() == [1, 2, 10, 0]


def test_address_numbers_odd_left_even_right():
    street = shapely.LineString([(0, 0), (100, 0)])
    fronts = shapely.points([(30, 5), (10, 5), (20, -5)])
    numbers = address_numbers(np.array([street]), np.zeros(3, int), fronts, np.array(["k"]))
    assert numbers.tolist() == [3, 1, 2]


def test_separate_pushes_close_polygons_apart():
    square = np.array([[-50.0, -50.0], [50.0, -50.0], [50.0, 50.0], [-50.0, 50.0]])
    outlines = np.stack([square, square])
    centres = np.array([[0.0, 0.0], [80.0, 0.0]])  # overlapping by 20 m
    shift = _separate(outlines, centres)
    assert shift[0, 0] < 0 < shift[1, 0] and shift[0, 0] == -shift[1, 0]
    assert np.allclose(shift[:, 1], 0.0)
    gap = (centres[1, 0] + shift[1, 0]) - (centres[0, 0] + shift[0, 0]) - 100.0
    assert MIN_GAP_M <= gap < MIN_GAP_M + 50.0
