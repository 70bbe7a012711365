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


# GEG 2020 Anlage 9 Nr. 3 in g CO2-eq per kWh final energy (factors.md §1)
GEG_ANLAGE_9 = {"gas": 240, "oil": 310, "coal": 400, "electricity": 560, "biomass": 20}


@pytest.mark.parametrize("carrier", sorted(GEG_ANLAGE_9))
def test_co2_is_final_energy_times_geg_factor(ref, carrier, three_buildings):
    b = three_buildings.copy()
    b["heating_carrier"] = carrier
    assessed = assess_buildings(validate_buildings(b, ref).buildings, ref)
    expected = assessed["final_energy_kwh_per_a"] * GEG_ANLAGE_9[carrier] / 1e6
    np.testing.assert_allclose(assessed["co2_t_per_a"], expected, rtol=1e-12)


def test_district_heating_uses_the_geg_chp_gas_default(ref, three_buildings):
    # GEG Anlage 9: Nah-/Fernwärme aus KWK, gasförmige/flüssige Brennstoffe = 180 g/kWh
    b = three_buildings.assign(heating_carrier="district_heating")
    assessed = assess_buildings(validate_buildings(b, ref).buildings, ref)
    np.testing.assert_allclose(
        assessed["co2_t_per_a"], assessed["final_energy_kwh_per_a"] * 180 / 1e6
    )


def test_final_energy_of_a_gas_boiler_by_hand(ref, three_buildings):
    # building a: EFH E existing, 100 m²: 100 x (265.3 + 10) = 27,530 kWh/a useful heat;
    # old gas boiler eta 0.82 -> 33,573.17 kWh/a final -> x 240 g = 8.0576 t/a
    assessed = assess_buildings(validate_buildings(three_buildings, ref).buildings, ref)
    a = assessed.set_index("building_id").loc["a"]
    assert a["useful_heat_kwh_per_a"] == pytest.approx(27_530.0)
    assert a["final_energy_kwh_per_a"] == pytest.approx(27_530.0 / 0.82)
    assert a["co2_t_per_a"] == pytest.approx(27_530.0 / 0.82 * 240 / 1e6)


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
