"""Heat density, linear heat density, classes and supply options on hand-made fixtures."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import (
    CrsError,
    DataValidationError,
    QuartierGeoError,
    ReferenceDataError,
)
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import costs
from quartier_geo.domain.energy import assess_buildings
from quartier_geo.domain.supply import (
    SupplyContext,
    SupplyOption,
    assign_streets,
    classify,
    hectare_grid,
    linear_heat_density,
    suitability_matrix,
    supply_criteria,
    supply_options,
    supply_tables,
)

# lower-left corner of the hectare cell E3712_N57081
X0, Y0 = 371_200.0, 5_708_100.0


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def rect(x: float, y: float, w: float = 10.0, h: float = 20.0) -> shapely.Polygon:
    """A w x h rectangle with its lower-left corner at (x, y), EPSG:25832 metres."""
    return shapely.box(x, y, x + w, y + h)


def buildings(heat_kwh, xy, **columns) -> gpd.GeoDataFrame:
    data = {"useful_heat_kwh_per_a": list(map(float, heat_kwh)), **columns}
    return gpd.GeoDataFrame(data, geometry=[rect(x, y) for x, y in xy], crs=WORK_CRS)


def quarter(
    heat_each: float,
    *,
    n: int = 4,
    state: str = "usual",
    age: str = "H",
    carrier: str = "gas",
    listed: bool = False,
    eta: float = 0.95,
    factor_g: float = 240.0,
) -> gpd.GeoDataFrame:
    """n buildings (10 m x 20 m) in one hectare cell, with assessed columns set by hand."""
    final = heat_each / eta
    return buildings(
        [heat_each] * n,
        [(X0 + 10 + 20 * i, Y0 + 10) for i in range(n)],
        refurbishment_state=[state] * n,
        age_class=[age] * n,
        heating_carrier=[carrier] * n,
        listed=[listed] * n,
        final_energy_kwh_per_a=[final] * n,
        co2_t_per_a=[final * factor_g / 1e6] * n,
    )


def line(x0: float, y0: float, x1: float, y1: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[shapely.LineString([(x0, y0), (x1, y1)])], crs=WORK_CRS)


def points(kind: str, *xy: tuple[float, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kind": [kind] * len(xy)}, geometry=[shapely.Point(p) for p in xy], crs=WORK_CRS
    )


# --------------------------------------------------------------------------- hectare grid
def test_two_buildings_in_one_cell_give_50_mwh_per_ha():
    b = buildings([30_000, 20_000], [(X0 + 10, Y0 + 10), (X0 + 60, Y0 + 50)])
    grid = hectare_grid(b)
    assert len(grid) == 1
    cell = grid.iloc[0]
    assert cell["cell_id"] == "E3712_N57081"
    assert cell["buildings"] == 2
    assert cell["heat_demand_mwh_per_a"] == pytest.approx(50.0)
    assert cell["heat_density_mwh_per_ha_a"] == pytest.approx(50.0)
    assert cell.geometry.area == pytest.approx(10_000.0)
    assert cell.geometry.bounds == (X0, Y0, X0 + 100, Y0 + 100)
    assert grid.crs.equals(WORK_CRS)


def test_only_non_empty_cells_and_demand_is_conserved():
    b = buildings(
        [10_000, 20_000, 40_000], [(X0 + 10, Y0 + 10), (X0 + 510, Y0 + 10), (X0 + 520, Y0 + 40)]
    )
    grid = hectare_grid(b)
    assert sorted(grid["cell_id"]) == ["E3712_N57081", "E3717_N57081"]
    assert grid["heat_demand_mwh_per_a"].sum() == pytest.approx(70.0)
    assert grid["buildings"].sum() == 3


def test_representative_point_decides_the_cell():
    # 40 m wide footprint straddling x = X0 + 100; its representative point lies at x = X0 + 110
    b = gpd.GeoDataFrame(
        {"useful_heat_kwh_per_a": [1_000.0]}, geometry=[rect(X0 + 90, Y0 + 10, w=40)], crs=WORK_CRS
    )
    assert hectare_grid(b)["cell_id"].tolist() == ["E3713_N57081"]


def test_cell_size_is_a_parameter():
    b = buildings([50_000], [(X0 + 10, Y0 + 10)])
    grid = hectare_grid(b, cell_m=200.0)
    assert grid["cell_id"].tolist() == ["E1856_N28540"]
    assert grid["heat_density_mwh_per_ha_a"].iloc[0] == pytest.approx(50.0 / 4.0)


def test_grid_refuses_geographic_or_missing_crs():
    b = buildings([1_000], [(X0, Y0)])
    with pytest.raises(CrsError):
        hectare_grid(b.set_crs(None, allow_override=True))
    geographic = gpd.GeoDataFrame(
        {"useful_heat_kwh_per_a": [1.0]},
        geometry=[shapely.box(7.0, 51.0, 7.001, 51.001)],
        crs="EPSG:4326",
    )
    with pytest.raises(CrsError):
        hectare_grid(geographic)


def test_grid_of_no_buildings_is_empty():
    empty = buildings([], [])
    grid = hectare_grid(empty)
    assert grid.empty
    assert "heat_density_mwh_per_ha_a" in grid.columns


def test_grid_does_not_mutate_input():
    b = buildings([30_000], [(X0, Y0)])
    before = b.copy()
    hectare_grid(b)
    pd.testing.assert_frame_equal(b, before)


# --------------------------------------------------------------------------- linear density
def streets() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"street_id": ["S1", "S2", "S3"], "name": ["A", "B", "C"]},
        geometry=[
            shapely.LineString([(X0, Y0), (X0 + 100, Y0)]),
            shapely.LineString([(X0, Y0 + 200), (X0 + 50, Y0 + 200)]),
            shapely.LineString([(X0 + 1000, Y0), (X0 + 1100, Y0)]),
        ],
        crs=WORK_CRS,
    )


def test_100_m_street_with_150_mwh_gives_1500_kwh_per_m():
    b = buildings([100_000, 50_000], [(X0 + 10, Y0 + 5), (X0 + 60, Y0 + 5)])
    out = linear_heat_density(b, streets())
    s1 = out.set_index("street_id").loc["S1"]
    assert s1["length_m"] == pytest.approx(100.0)
    assert s1["heat_demand_mwh_per_a"] == pytest.approx(150.0)
    assert s1["linear_heat_density_kwh_per_m_a"] == pytest.approx(1_500.0)
    assert s1["buildings"] == 2
    # segments without buildings get 0, not NaN
    assert out.set_index("street_id").loc["S3", "linear_heat_density_kwh_per_m_a"] == 0.0


def test_street_id_wins_when_it_matches_else_nearest():
    # all three lie next to S1; the first names S2 explicitly, the second an unknown id
    b = buildings(
        [10_000, 20_000, 40_000],
        [(X0 + 10, Y0 + 5), (X0 + 30, Y0 + 5), (X0 + 50, Y0 + 5)],
        street_id=["S2", "S9", None],
    )
    assert assign_streets(b, streets()).tolist() == ["S2", "S1", "S1"]
    out = linear_heat_density(b, streets()).set_index("street_id")
    assert out.loc["S2", "linear_heat_density_kwh_per_m_a"] == pytest.approx(10_000 / 50)
    assert out.loc["S1", "heat_demand_mwh_per_a"] == pytest.approx(60.0)


def test_duplicate_street_ids_are_refused():
    s = streets()
    s.loc[1, "street_id"] = "S1"
    with pytest.raises(DataValidationError):
        assign_streets(buildings([1.0], [(X0, Y0)]), s)


# --------------------------------------------------------------------------- classes
def test_classify_heat_density_bounds(ref):
    values = pd.Series([0.0, 69.999, 70.0, 174.9, 175.0, 1049.0, 1050.0, 9e9, -1.0, np.nan])
    result = classify(values, ref.thresholds, kind="heat_density")
    assert result.index.tolist() == [0, 0, 1, 1, 2, 3, 4, 4, pd.NA, pd.NA]
    assert result.label_de.iloc[6] == "sehr hohe Eignung"
    assert result.label_en.iloc[0] == "no technical potential"
    assert result.label_de.iloc[8] is None


def test_classify_linear_density_bounds(ref):
    values = pd.Series([499.99, 500.0, 1499.9, 1500.0])
    result = classify(values, ref.thresholds, kind="linear_heat_density")
    assert result.index.tolist() == [0, 1, 1, 2]
    assert result.label_de.tolist()[-1] == "geeignet für Wärmenetz"


def test_classify_takes_edited_thresholds_and_checks_them(ref):
    edited = ref.thresholds.copy()
    rows = edited["kind"] == "linear_heat_density"
    edited.loc[rows & (edited["lower"] == 500), "upper"] = 1_000
    edited.loc[rows & (edited["lower"] == 1500), "lower"] = 1_000
    assert classify(pd.Series([1_200.0]), edited, kind="linear_heat_density").index.iloc[0] == 2
    overlapping = ref.thresholds.copy()
    overlapping.loc[overlapping["lower"] == 500, "upper"] = 2_000
    with pytest.raises(DataValidationError):
        classify(pd.Series([1.0]), overlapping, kind="linear_heat_density")
    with pytest.raises(QuartierGeoError):
        classify(pd.Series([1.0]), ref.thresholds, kind="no_such_kind")


# --------------------------------------------------------------------------- options
def test_option_co2_by_hand(ref):
    q = quarter(25_000.0)  # 4 x 25,000 kWh = 100,000 kWh/a useful heat
    out = supply_options(q, ref=ref)
    heat = 100_000.0
    # electricity: 363 g/kWh now (UBA 2024 estimate, paths.csv/carriers.csv), 150 g/kWh in
    # 2030 (paths.csv, assumption on the same UBA basis), 0 in 2045
    expected_now = {
        "gas_condensing": heat / 0.95 * 240 / 1e6,
        "heat_pump_air": heat / 3.4 * 363 / 1e6,
        "heat_pump_ground": heat / 4.3 * 363 / 1e6,
        "mine_water_network": heat / 4.5 * 363 / 1e6,
        "district_heating": heat / 0.98 * 180 / 1e6,
        "biomass": heat / 0.85 * 20 / 1e6,
        "solar_thermal_support": heat * 0.85 / 0.95 * 240 / 1e6,
        "gas_chp_network": heat / 0.98 * 180 / 1e6,
    }
    for option, value in expected_now.items():
        assert out.loc[option, "co2_now_t_per_a"] == pytest.approx(value), option
    assert out.loc["heat_pump_air", "co2_2030_t_per_a"] == pytest.approx(heat / 3.4 * 150 / 1e6)
    assert out.loc["district_heating", "co2_2030_t_per_a"] == pytest.approx(heat / 0.98 * 126 / 1e6)
    assert out.loc["heat_pump_air", "co2_2045_t_per_a"] == 0.0
    assert out.loc["district_heating", "co2_2045_t_per_a"] == 0.0
    # fossil options keep their factor: the CHP network is still 180 g/kWh in 2045
    assert out.loc["gas_chp_network", "co2_2045_t_per_a"] == pytest.approx(
        expected_now["gas_chp_network"]
    )
    assert out["heat_demand_mwh_per_a"].to_numpy() == pytest.approx(np.full(9, 100.0))
    assert list(out.index) == [o.value for o in SupplyOption]


def test_status_quo_equals_the_assessed_buildings_and_follows_the_paths(ref):
    b = gpd.GeoDataFrame(
        {
            "building_type": ["MFH", "EFH", "MFH"],
            "age_class": ["C", "F", "H"],
            "storeys": [3.0, 2.0, 3.0],
            "footprint_m2": [200.0, 200.0, 200.0],
            "heating_system": ["gas_low_temp", "heat_pump_air", "district_heating"],
            "refurbishment_state": ["existing", "existing", "usual"],
            "listed": [False, False, False],
        },
        geometry=[rect(X0 + 10, Y0 + 10), rect(X0 + 40, Y0 + 10), rect(X0 + 70, Y0 + 10)],
        crs=WORK_CRS,
    )
    assessed = assess_buildings(b, ref)
    out = supply_options(assessed, ref=ref)
    sq = out.loc["status_quo"]
    assert sq["co2_now_t_per_a"] == pytest.approx(assessed["co2_t_per_a"].sum())
    final = assessed.set_index("heating_system")["final_energy_kwh_per_a"]
    expected_2045 = final["gas_low_temp"] * 240 / 1e6  # electricity and DH are 0 in 2045
    assert sq["co2_2045_t_per_a"] == pytest.approx(expected_2045)
    assert sq["co2_now_t_per_a"] > sq["co2_2030_t_per_a"] > sq["co2_2045_t_per_a"]


def test_dense_quarter_next_to_a_network_suits_district_heating(ref):
    q = quarter(300_000.0)  # 1,200 MWh/(ha·a)
    net = line(X0 - 100, Y0, X0 - 100, Y0 + 100)  # 100 m west of the cell
    out = supply_options(
        q, ref=ref, context=SupplyContext(networks=net, quarter_geometry=rect(X0, Y0, 100, 100))
    )
    assert out.loc["district_heating", "suitability"] == 3
    assert out.loc["district_heating", "suitability_de"] == "gut geeignet"
    assert out.loc["district_heating", "source_distance_m"] == pytest.approx(100.0)
    assert "sehr hohe Eignung" in out.loc["district_heating", "reasons_de"]
    assert out.loc["heat_pump_ground", "suitability"] == 1
    assert "Erdsonden" in out.loc["heat_pump_ground", "reasons_de"]
    assert out.loc["gas_condensing", "suitability"] == 1


def test_sparse_quarter_without_networks_is_unsuited_for_district_heating(ref):
    q = quarter(5_000.0)  # 20 MWh/(ha·a)
    out = supply_options(q, ref=ref)
    assert out.loc["district_heating", "suitability"] == 0
    assert "unter 70 MWh/(ha·a)" in out.loc["district_heating", "reasons_de"]
    assert "keins in den Daten" in out.loc["district_heating", "reasons_de"]
    assert "none in the data" in out.loc["district_heating", "reasons_en"]
    assert "heat-density class:" in out.loc["district_heating", "reasons_en"]
    assert "Wärmedichte-Klasse:" in out.loc["district_heating", "reasons_de"]
    assert np.isinf(out.loc["district_heating", "source_distance_m"])
    assert out.loc["gas_chp_network", "suitability"] == 0


@pytest.mark.parametrize(("distance_m", "best"), [(1_500.0, 3), (3_000.0, 2), (6_000.0, 0)])
def test_mine_water_distance_classes(ref, distance_m, best):
    q = quarter(75_000.0)  # 300 MWh/(ha·a): enough for a low-temperature network
    shape = rect(X0, Y0, 100, 100)
    pots = points("mine_water", (X0 + 100 + distance_m, Y0 + 50))
    out = supply_options(q, ref=ref, context=SupplyContext(potentials=pots, quarter_geometry=shape))
    row = out.loc["mine_water_network"]
    assert row["source_distance_m"] == pytest.approx(distance_m)
    assert row["suitability"] == best


def test_other_potentials_do_not_count_as_mine_water(ref):
    q = quarter(75_000.0)
    pots = points("chp", (X0 + 50, Y0 + 50))
    crit = supply_criteria(q, ref=ref, context=SupplyContext(potentials=pots))
    assert np.isinf(crit["mine_water_distance_m"])


def test_high_temperature_stock_penalises_heat_pumps_unless_refurbished(ref):
    old = supply_options(quarter(25_000.0, state="existing", age="E"), ref=ref)
    refurbished = supply_options(quarter(25_000.0, state="usual", age="E"), ref=ref)
    assert old.loc["heat_pump_air", "suitability"] == 1
    assert "erst sanieren" in old.loc["heat_pump_air", "reasons_de"]
    assert refurbished.loc["heat_pump_air", "suitability"] == 3
    assert "keine einschränkenden Kriterien" in refurbished.loc["heat_pump_air", "reasons_de"]
    assert "no restricting criteria" in refurbished.loc["heat_pump_air", "reasons_en"]
    # new buildings (class H) need no high temperatures even unrefurbished
    new = supply_options(quarter(25_000.0, state="existing", age="H"), ref=ref)
    assert new.loc["heat_pump_air", "suitability"] == 3


def test_listed_buildings_penalise_solar_and_outdoor_units(ref):
    out = supply_options(quarter(25_000.0, listed=True), ref=ref)
    assert out.loc["solar_thermal_support", "suitability"] == 0
    assert out.loc["heat_pump_air", "suitability"] == 2
    assert "Baudenkmäler" in out.loc["heat_pump_air", "reasons_de"]


def test_fossil_status_quo_is_unsuited_and_costs_are_sourced_or_empty(ref):
    buildings = quarter(25_000.0)
    out = supply_options(buildings, ref=ref)
    assert out.loc["status_quo", "suitability"] == 0
    # the cost comes from domain/costs.py for the same buildings and year (2025)
    expected = costs.option_costs(buildings, ref, 2025).set_index("option")["cost_eur_per_mwh"]
    assert out.loc["gas_condensing", "cost_eur_per_mwh"] == pytest.approx(
        expected["gas_condensing"]
    )
    assert out.loc["gas_condensing", "cost_note"] == "berechnet (domain/costs.py)"
    # unsourced: NaN, never 0, and the note says what is missing
    assert np.isnan(out.loc["status_quo", "cost_eur_per_mwh"])
    assert np.isnan(out.loc["biomass", "cost_eur_per_mwh"])
    assert out.loc["biomass", "cost_note"] == "keine belegte Zahl: Investition"
    assert "4,5" in out.loc["mine_water_network", "assumptions_de"]


def test_supply_options_do_not_mutate_the_buildings(ref):
    q = quarter(25_000.0)
    before = q.copy()
    supply_options(q, ref=ref)
    pd.testing.assert_frame_equal(q, before)


def test_no_buildings_is_a_named_error(ref):
    with pytest.raises(QuartierGeoError):
        supply_criteria(quarter(1.0).iloc[:0], ref=ref)


def test_rule_and_option_tables_carry_source_and_status(ref):
    tables = supply_tables(ref)
    for table in (tables.rules, tables.options):
        assert table["source"].notna().all()
        assert set(table["status"]) <= {"read", "inferred", "assumption"}
    caps = tables.rules[tables.rules["kind"] == "cap"]
    assert set(caps["option"]) == {o.value for o in SupplyOption}
    assert caps["max_score"].between(0, 2).all()


def test_suitability_matrix_from_mapping_and_long_frame(ref):
    a = supply_options(quarter(300_000.0), ref=ref)
    b = supply_options(quarter(5_000.0), ref=ref)
    matrix = suitability_matrix({1: a, 2: b})
    assert matrix.shape == (2, len(SupplyOption))
    assert list(matrix.columns) == [o.value for o in SupplyOption]
    assert matrix.loc[2, "district_heating"] == 0
    long = pd.concat([a.assign(quarter_id=1), b.assign(quarter_id=2)])
    pd.testing.assert_frame_equal(suitability_matrix(long), matrix)
    co2 = suitability_matrix({1: a}, value="co2_2045_t_per_a")
    assert co2.loc[1, "heat_pump_air"] == 0.0


def test_supply_tables_name_every_problem_of_the_reference(ref):
    rules = ref.supply_rules.copy()
    rules.loc[rules.index[rules["kind"] == "cap"][0], "criterion"] = "no_such_criterion"
    broken = dataclasses.replace(
        ref, supply_options=ref.supply_options.drop(index="biomass"), supply_rules=rules
    )
    with pytest.raises(ReferenceDataError, match="biomass") as info:
        supply_tables(broken)
    assert "unbekanntes Kriterium" in str(info.value)


def test_a_given_grid_is_used_instead_of_building_one(ref):
    q = quarter(62_500.0)  # 4 x 62.5 MWh/a in one hectare cell: 250 MWh/(ha·a)
    own = supply_criteria(q, ref=ref)
    assert own["heat_density_median_mwh_per_ha_a"] == pytest.approx(250.0)
    halved = hectare_grid(q).assign(heat_density_mwh_per_ha_a=125.0)
    given = supply_criteria(q, ref=ref, context=SupplyContext(grid=halved))
    assert given["heat_density_median_mwh_per_ha_a"] == pytest.approx(125.0)
