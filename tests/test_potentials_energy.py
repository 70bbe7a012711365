"""Energy potentials (domain/potentials_energy.py) against hand calculations."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier_geo.data.cost_tables import load_cost_tables
from quartier_geo.domain import potentials_energy as pe

TABLES = load_cost_tables()


def test_pv_yield_of_a_100_m2_roof():
    # 100 m² roof / 10 = 10 kWp (wohnglueck.de rule of thumb) x 900 kWh/kWp
    # (Energieatlas NRW flat yield) = 9 000 kWh/a
    b = pd.DataFrame({"footprint_m2": [100.0]})
    out = pe.roof_potentials(b, TABLES)
    assert out.loc[0, "pv_kwh_per_a"] == pytest.approx(9_000.0)


def test_lod2_roof_area_wins_over_the_footprint():
    b = pd.DataFrame({"footprint_m2": [100.0, 100.0], "roof_area_m2": [140.0, np.nan]})
    out = pe.roof_potentials(b, TABLES)
    assert list(out["roof_area_m2"]) == [140.0, 100.0]
    assert out.loc[0, "pv_kwh_per_a"] == pytest.approx(140 * 0.1 * 900)


def test_solar_thermal_without_source_is_missing_not_zero():
    out = pe.roof_potentials(pd.DataFrame({"footprint_m2": [100.0]}), TABLES)
    assert out["solar_thermal_kwh_per_a"].isna().all()


def _block(width: float, footprints: list[float]) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    blocks = gpd.GeoDataFrame(
        {"block_id": ["B1"]}, geometry=[shapely.box(0, 0, width, width)], crs="EPSG:25832"
    )
    buildings = pd.DataFrame(
        {
            "block_id": ["B1"] * len(footprints),
            "footprint_m2": footprints,
            "useful_heat_kwh_per_a": [20_000.0] * len(footprints),
        }
    )
    return blocks, buildings


def test_block_free_space_boreholes_and_heat_pumps_by_hand():
    blocks, buildings = _block(20.0, [50.0, 50.0])
    row = pe.block_potentials(blocks, buildings, TABLES, spf_ground=4.3).loc["B1"]
    # 20 x 20 = 400 m² outline - 2 x 50 m² footprints = 300 m² free (modelled)
    assert row["free_m2"] == pytest.approx(300.0)
    # 150 m² per building >= pi x 3 m² = 28.3 m² (3 m noise distance): suitable
    assert row["air_hp_kwh_per_a"] == pytest.approx(40_000.0)
    # VDI 4640 Blatt 2: 6 m spacing -> floor(300 / 36) = 8 boreholes of 100 m at 50 W/m,
    # 2 400 h/a: 8 x 100 x 50 x 2 400 / 1 000 = 96 000 kWh extracted; with SPF 4.3 the
    # heat delivered is 96 000 x 4.3 / 3.3 = 125 091 kWh/a
    assert row["boreholes"] == 8
    assert row["ground_hp_kwh_per_a"] == pytest.approx(96_000 * 4.3 / 3.3)


def test_a_tight_block_has_no_air_or_ground_heat_pump_potential():
    blocks, buildings = _block(10.0, [45.0, 45.0])  # 100 - 90 = 10 m² free, 5 m² each
    row = pe.block_potentials(blocks, buildings, TABLES, spf_ground=4.3).loc["B1"]
    assert row["air_hp_kwh_per_a"] == 0.0
    assert row["boreholes"] == 0
    assert row["ground_hp_kwh_per_a"] == 0.0


def test_unsourced_distance_leaves_air_heat_pumps_missing():
    potential = TABLES.potential.copy()
    potential.loc["hp_air_min_distance_m", "value"] = np.nan
    tables = dataclasses.replace(TABLES, potential=potential)
    blocks, buildings = _block(20.0, [50.0, 50.0])
    row = pe.block_potentials(blocks, buildings, tables, spf_ground=4.3).loc["B1"]
    assert np.isnan(row["air_hp_kwh_per_a"])


def test_quarter_sums_keep_missing_values_missing():
    blocks, buildings = _block(20.0, [50.0, 50.0])
    table = pe.block_potentials(blocks, buildings, TABLES, spf_ground=4.3)
    two = pd.concat([table, table.rename(index={"B1": "B2"})])
    q = pe.quarter_potentials(two)
    assert q["pv_kwh_per_a"] == pytest.approx(2 * 100 * 0.1 * 900)
    assert q["buildings"] == 4
    assert np.isnan(q["solar_thermal_kwh_per_a"])


def test_site_temperatures_come_from_the_reference(ref):
    layer = pd.DataFrame({"potential_id": ["P1", "P7"], "kind": ["mine_water", "waste_heat"]})
    out = pe.site_potentials(layer, ref.potentials).set_index("potential_id")
    # potentials.csv: Robert Müser 18-20 °C (gw-ruhr.rub.de), the lower value
    assert out.loc["P1", "temperature_c"] == 18.0
    assert np.isnan(out.loc["P7", "temperature_c"])
    assert out["energy_mwh_per_a"].isna().all()  # an input the planner fills


def test_a_planner_value_in_the_layer_wins(ref):
    layer = pd.DataFrame({"potential_id": ["P1"], "temperature_c": [22.0]})
    out = pe.site_potentials(layer, ref.potentials)
    assert out.loc[0, "temperature_c"] == 22.0


def test_public_quarter_total_is_withheld_when_it_would_single_out_a_small_rest():
    # B1: 6 buildings shown; B2: 3 buildings withheld. Total - B1 = B2's potentials: hide
    six = pe.block_potentials(*_block(100.0, [50.0] * 6), TABLES, spf_ground=4.3)
    three = pe.block_potentials(*_block(100.0, [50.0] * 3), TABLES, spf_ground=4.3)
    table = pd.concat([six, three.rename(index={"B1": "B2"})])
    assert pe.public_quarter_potentials(table, {"B1"}, min_buildings=5) is None
    # both shown, or the withheld rest of 3 under a minimum of 3: the total is shown
    both = pe.public_quarter_potentials(table, {"B1", "B2"}, min_buildings=5)
    assert both is not None and both["buildings"] == 9
    # PV: 9 roofs of 50 m² / 10 m² per kWp x 900 kWh/kWp = 40 500 kWh/a
    assert both["pv_kwh_per_a"] == pytest.approx(9 * 50 * 0.1 * 900)
    assert pe.public_quarter_potentials(table, {"B1"}, min_buildings=3) is not None
