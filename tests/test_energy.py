"""The energy model against the cited tables (TABULA DE rows, GEG Anlage 9), not itself."""

from __future__ import annotations

import csv

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier_geo.data.layers import validate_buildings
from quartier_geo.data.reference import REFERENCE_DIR
from quartier_geo.domain.consumption import Calibration, specific_consumption
from quartier_geo.domain.energy import assess_buildings, conditioned_floor_area_m2, summarise

_STATE = {
    "existing": "existing",
    "usual_refurbishment": "usual",
    "advanced_refurbishment": "advanced",
}


def _tabula_rows() -> list[dict[str, str]]:
    with open(REFERENCE_DIR / "typology.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # the generic variant of each type (HR = the high-rise rows used as HH); EFH F LightFrame
    # is an alternative construction of the same class and not the default row.
    return [r for r in rows if r["subtype"] in ("Gen", "HR")]


def _one_building_file(rows: list[dict[str, str]]) -> gpd.GeoDataFrame:
    n = len(rows)
    return gpd.GeoDataFrame(
        {
            "building_id": [r["tabula_code"] for r in rows],
            "building_type": [r["iwu_type"] for r in rows],
            "age_class": [r["age_class"] for r in rows],
            "refurbishment_state": [_STATE[r["variant"]] for r in rows],
            "conditioned_floor_area_m2": [100.0] * n,
            "heating_carrier": ["gas"] * n,
        },
        geometry=[shapely.box(i * 30.0, 0, i * 30.0 + 10, 20) for i in range(n)],
        crs="EPSG:25832",
    )


def test_every_tabula_row_gives_100_m2_times_its_specific_need(ref):
    rows = _tabula_rows()
    assert len(rows) == 126  # 129 rows minus the three EFH F LightFrame variants
    assessed = assess_buildings(validate_buildings(_one_building_file(rows), ref).buildings, ref)
    expected = np.array(
        [100.0 * (float(r["q_h_nd_kwh_m2a"]) + float(r["q_w_nd_kwh_m2a"])) for r in rows]
    )
    np.testing.assert_allclose(assessed["useful_heat_kwh_per_a"].to_numpy(), expected, rtol=1e-12)
    assert (assessed["typology_fallback"] == "").all()
    assert (assessed["demand_source"] == "tabula").all()


def test_first_efh_row_by_hand(ref):
    # EFH A existing: q_h_nd 282.7 + q_w_nd 10.0 (typology.md) -> 100 m² x 292.7 = 29,270 kWh/a
    rows = [r for r in _tabula_rows() if r["tabula_code"] == "DE.N.SFH.01.Gen.ReEx.001.001"]
    assessed = assess_buildings(validate_buildings(_one_building_file(rows), ref).buildings, ref)
    assert assessed["useful_heat_kwh_per_a"].iloc[0] == pytest.approx(29_270.0)


# Fuels: GEG 2020 Anlage 9 Nr. 3 in g CO2-eq per kWh final energy (factors.md §1).
# Grid electricity: the UBA grid mix 2024, estimate, 363 g/kWh (factors.md §3), the start of
# the one electricity series of paths.csv (issue #9: no GEG value mixed with a UBA ratio).
CO2_FACTORS = {"gas": 240, "oil": 310, "coal": 400, "electricity": 363, "biomass": 20}


@pytest.mark.parametrize("carrier", sorted(CO2_FACTORS))
def test_co2_is_final_energy_times_the_carrier_factor(ref, carrier, three_buildings):
    b = three_buildings.copy()
    b["heating_carrier"] = carrier
    assessed = assess_buildings(validate_buildings(b, ref).buildings, ref)
    expected = assessed["final_energy_kwh_per_a"] * CO2_FACTORS[carrier] / 1e6
    np.testing.assert_allclose(assessed["co2_t_per_a"], expected, rtol=1e-12)


def test_district_heating_uses_the_geg_chp_gas_default(ref, three_buildings):
    # GEG Anlage 9: Nah-/Fernwärme aus KWK, gasförmige/flüssige Brennstoffe = 180 g/kWh
    b = three_buildings.assign(heating_carrier="district_heating")
    assessed = assess_buildings(validate_buildings(b, ref).buildings, ref)
    np.testing.assert_allclose(
        assessed["co2_t_per_a"], assessed["final_energy_kwh_per_a"] * 180 / 1e6
    )


# Calibration to typical consumption (assumptions.csv, all assumptions): q0 = 60 kWh/(m²·a);
# anchor 190 calculated / 125 measured kWh per m² living area (issue #9 review, secondary),
# divided by the living-area factor 1.10 (median A_C_Ref / A_C_Living, typology.csv):
# slope s = (125/1.1 - 60) / (190/1.1 - 60) = (125 - 66) / (190 - 66) = 59/124.
S = 59 / 124


def test_final_energy_of_a_gas_boiler_by_hand(ref, three_buildings):
    # building a: EFH E existing, 100 m²: 100 x (265.3 + 10) = 27,530 kWh/a useful heat
    # (TABULA demand, unchanged); consumption 100 x (60 + 59/124 x (275.3 - 60))
    # = 100 x 162.4411 = 16,244.11 kWh/a; old gas boiler eta 0.82 -> 19,809.9 kWh/a final
    # -> x 240 g = 4.754 t/a
    assessed = assess_buildings(validate_buildings(three_buildings, ref).buildings, ref)
    a = assessed.set_index("building_id").loc["a"]
    consumption = 100 * (60 + S * (275.3 - 60))
    assert consumption == pytest.approx(16_244.11, abs=0.01)
    assert a["useful_heat_kwh_per_a"] == pytest.approx(27_530.0)
    assert a["consumption_kwh_per_a"] == pytest.approx(consumption)
    assert a["consumption_source"] == "calibrated"
    assert a["final_energy_kwh_per_a"] == pytest.approx(consumption / 0.82)
    assert a["co2_t_per_a"] == pytest.approx(consumption / 0.82 * 240 / 1e6)


def test_calibration_line_by_hand(ref):
    cal = Calibration.from_reference(ref)
    assert cal.q0 == 60.0
    assert cal.slope == pytest.approx(S)
    q = pd.Series([50.0, 60.0, 190 / 1.1, 275.3])
    c = specific_consumption(q, cal)
    assert c.iloc[0] == 50.0  # efficient: consumption = demand
    assert c.iloc[1] == 60.0
    # the anchor: 125 measured against 190 calculated, ratio 125/190 = 0.658
    assert c.iloc[2] == pytest.approx(125 / 1.1)
    assert c.iloc[2] / q.iloc[2] == pytest.approx(125 / 190)
    assert c.iloc[3] == pytest.approx(60 + S * 215.3)  # 162.44: ratio 0.59 at 275 kWh/(m²·a)


def test_measured_consumption_wins_and_scales_the_consumption_potential(ref, three_buildings):
    # building a measured 20,000 kWh/a of gas (final energy); old gas boiler eta 0.82
    b = three_buildings.assign(measured_consumption_kwh_per_a=[20_000.0, None, None])
    assessed = assess_buildings(validate_buildings(b, ref).buildings, ref).set_index("building_id")
    a = assessed.loc["a"]
    assert a["consumption_source"] == "measured"
    assert assessed.loc["b", "consumption_source"] == "calibrated"
    assert a["final_energy_kwh_per_a"] == pytest.approx(20_000.0)
    assert a["consumption_kwh_per_a"] == pytest.approx(20_000.0 * 0.82)  # 16,400 kWh/a
    assert a["co2_t_per_a"] == pytest.approx(20_000.0 * 240 / 1e6)  # 4.8 t/a
    assert a["useful_heat_kwh_per_a"] == pytest.approx(27_530.0)  # the demand stays TABULA
    # usual refurbishment: calibrated 100 x (60 + S x (128.1 + 10 - 60)) against
    # 100 x (60 + S x 215.3) now; the measured value is scaled by that ratio
    ratio = (60 + S * 78.1) / (60 + S * 215.3)
    assert a["consumption_potential_usual_kwh_per_a"] == pytest.approx(16_400.0 * (1 - ratio))


def test_advanced_refurbishment_includes_a_condensing_boiler(ref, three_buildings):
    # heating_systems.csv advanced_system (project rule): an old gas low-temperature boiler
    # (eta 0.82) is a condensing boiler (eta 0.95) in the TABULA advanced state.
    b = three_buildings.assign(refurbishment_state=["advanced", "existing", "usual"])
    assessed = assess_buildings(validate_buildings(b, ref).buildings, ref).set_index("building_id")
    a = assessed.loc["a"]
    assert a["heating_system"] == "gas_condensing"
    assert assessed.loc["b", "heating_system"] == "oil_low_temp"  # existing: unchanged
    # EFH E advanced: 69.9 + 10 = 79.9 kWh/(m²·a) -> c = 60 + S x 19.9 = 69.47 per m²
    consumption = 100 * (60 + S * 19.9)
    assert a["final_energy_kwh_per_a"] == pytest.approx(consumption / 0.95)
    assert a["co2_t_per_a"] == pytest.approx(consumption / 0.95 * 240 / 1e6)


def test_area_from_storeys_uses_the_documented_factor(ref, three_buildings):
    # building b: 10 m x 20 m footprint, 3 storeys, factor 0.87 -> 522 m²
    assessed = assess_buildings(validate_buildings(three_buildings, ref).buildings, ref)
    assert assessed.set_index("building_id").loc["b", "conditioned_floor_area_m2"] == pytest.approx(
        522.0
    )


def test_given_area_wins_over_the_estimate():
    df = pd.DataFrame(
        {
            "footprint_m2": [200.0, 200.0],
            "storeys": [2.0, 2.0],
            "conditioned_floor_area_m2": [150.0, np.nan],
        }
    )
    assert conditioned_floor_area_m2(df, factor=0.87).tolist() == [150.0, 348.0]


def test_invariants_demand_non_negative_linear_and_refurbishment_never_raises(ref, three_buildings):
    base = assess_buildings(validate_buildings(three_buildings, ref).buildings, ref)
    doubled = three_buildings.copy()
    doubled["conditioned_floor_area_m2"] = [200.0, None, None]
    doubled["storeys"] = [1.0, 6.0, 4.0]
    twice = assess_buildings(validate_buildings(doubled, ref).buildings, ref)
    assert (base["useful_heat_kwh_per_a"] >= 0).all()
    np.testing.assert_allclose(twice["useful_heat_kwh_per_a"], 2 * base["useful_heat_kwh_per_a"])
    assert (base["potential_usual_kwh_per_a"] >= 0).all()
    assert (base["potential_advanced_kwh_per_a"] >= base["potential_usual_kwh_per_a"]).all()
    assert (base["potential_advanced_kwh_per_a"] <= base["useful_heat_kwh_per_a"]).all()


def test_every_type_and_class_has_a_value_and_gaps_are_reported(ref):
    t = ref.typology
    assert len(t) == 6 * 12 * 3
    assert t["q_h_nd_kwh_per_m2a"].notna().all()
    # TABULA DE has no RH row for class A (typology.md): the nearest class B stands in
    rh_a = t[(t.building_type == "RH") & (t.age_class == "A") & (t.state == "existing")].iloc[0]
    assert rh_a["typology_fallback"] == "RH/B"
    assert rh_a["q_h_nd_kwh_per_m2a"] == 199.5
    # GMH class K takes MFH K (72.7 existing, typology.md)
    gmh_k = t[(t.building_type == "GMH") & (t.age_class == "K") & (t.state == "existing")].iloc[0]
    assert gmh_k["typology_fallback"] == "MFH/K"
    assert gmh_k["q_h_nd_kwh_per_m2a"] == 72.7


def test_reported_demand_is_used_and_labelled(ref, three_buildings):
    b = three_buildings.assign(heat_demand_reported_kwh_per_a=[10_000.0, None, 5_000.0])
    assessed = assess_buildings(validate_buildings(b, ref).buildings, ref).set_index("building_id")
    assert assessed.loc["a", "useful_heat_kwh_per_a"] == 10_000.0
    assert assessed.loc["a", "demand_source"] == "file"
    assert assessed.loc["b", "demand_source"] == "tabula"
    # potential scales the reported value with the TABULA ratio: EFH E usual 138.1 / 275.3
    assert assessed.loc["a", "potential_usual_kwh_per_a"] == pytest.approx(
        10_000 * (1 - 138.1 / 275.3)
    )


def test_summary_in_mwh(ref, three_buildings):
    assessed = assess_buildings(validate_buildings(three_buildings, ref).buildings, ref)
    s = summarise(assessed).iloc[0]
    assert s["buildings"] == 3
    assert s["heat_demand_mwh_per_a"] == pytest.approx(
        assessed["useful_heat_kwh_per_a"].sum() / 1000
    )
    # consumption, by hand: a 100 x (60 + S x 215.3); b MFH C existing 522 m² x
    # (60 + S x (218.5 + 15 - 60)); c RH F usual 348 m² x (60 + S x (72.4 + 10 - 60))
    expected = 100 * (60 + S * 215.3) + 522 * (60 + S * 173.5) + 348 * (60 + S * 22.4)
    assert s["consumption_mwh_per_a"] == pytest.approx(expected / 1000)


def test_non_residential_buildings_are_not_calibrated(ref, three_buildings):
    # the calibration line is one of the residential typology (domain/consumption.py); NWG
    # demand (150 + 5 kWh/(m²·a) existing, assumptions.csv) stays the consumption
    b = three_buildings.assign(building_type=["NWG", "MFH", "RH"])
    assessed = assess_buildings(validate_buildings(b, ref).buildings, ref).set_index("building_id")
    a = assessed.loc["a"]
    assert a["useful_heat_kwh_per_a"] == pytest.approx(100 * (150 + 5))
    assert a["consumption_kwh_per_a"] == pytest.approx(100 * (150 + 5))
    assert assessed.loc["b", "consumption_kwh_per_a"] == pytest.approx(522 * (60 + S * 173.5))
