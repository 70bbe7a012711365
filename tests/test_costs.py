"""Heat generation costs (domain/costs.py) against hand calculations with cited inputs."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from quartier_geo.data.cost_tables import load_cost_tables
from quartier_geo.domain import costs

# One building with 18 000 kWh/a useful heat: 18 000 / 1 800 full-load hours = 10 kW
# (cost_parameters.csv: 1 800 h/a, AGFW reference customer in the statista price series).
HOUSE = {"useful_heat_kwh_per_a": 18_000.0, "buildings": 1}
# Annuity factor i = 5 %, n = 20 a by hand: 0.05 x 1.05^20 / (1.05^20 - 1),
# 1.05^20 = 2.653298 -> 0.05 x 2.653298 / 1.653298 = 0.0802426 (standard annuity table value)
A_5_20 = 0.0802426
# EWI A-heated-debate cost functions (cost_catalogue.csv), gas boiler of 10 kW:
# equipment (124.76 x 10 + 3 073.75) x 1.5 margin = 6 482.025 EUR;
# installation 1 890.54 x 10^0.62 = 1 890.54 x 4.168694 = 7 881.09 EUR
GAS_CAPEX_10KW = 6482.025 + 1890.54 * 4.168694
# BDEW 2024 MFH gas 10.41 ct/kWh incl. 45 EUR/t (BEHG 2024) x 0.02 ct/kWh per EUR/t
# (0.5 ct at 25 EUR/t, vvl-berlin.de): 10.41 - 0.90 = 9.51 ct/kWh without CO2;
# per MWh useful heat with the condensing boiler's 0.95: 95.1 / 0.95
GAS_ENERGY = 95.1 / 0.95
# 2025: 55 EUR/t (bundesregierung.de) x 0.02 = 1.1 ct/kWh = 11 EUR/MWh final energy
GAS_CO2_2025 = 11.0 / 0.95


def _row(frame: pd.DataFrame, option: str) -> pd.Series:
    return frame.set_index("option").loc[option]


def test_annuity_factor_by_hand():
    assert costs.annuity_factor(0.05, 20) == pytest.approx(A_5_20, rel=1e-6)
    assert costs.annuity_factor(0.0, 20) == pytest.approx(1 / 20)


def test_annuity_factor_is_the_one_of_the_network_and_refuses_no_period():
    from quartier_geo.base.errors import QuartierGeoError
    from quartier_geo.domain import network

    assert network.annuity_factor is costs.annuity_factor  # one implementation (review)
    with pytest.raises(QuartierGeoError):
        costs.annuity_factor(0.05, 0)


def test_gas_condensing_cost_by_hand(ref):
    row = _row(costs.option_costs(HOUSE, ref, 2025), "gas_condensing")
    assert row["heat_load_kw"] == pytest.approx(10.0)
    assert row["capex_eur"] == pytest.approx(GAS_CAPEX_10KW, rel=1e-5)
    assert row["capex_eur_per_mwh"] == pytest.approx(GAS_CAPEX_10KW * A_5_20 / 18, rel=1e-5)
    # EWI FOM_gb_de: 20 EUR/(kW a) x 10 kW / 18 MWh
    assert row["om_eur_per_mwh"] == pytest.approx(200 / 18)
    assert row["energy_eur_per_mwh"] == pytest.approx(GAS_ENERGY)
    assert row["co2_eur_per_mwh"] == pytest.approx(GAS_CO2_2025)
    total = GAS_CAPEX_10KW * A_5_20 / 18 + 200 / 18 + GAS_ENERGY + GAS_CO2_2025
    assert row["cost_eur_per_mwh"] == pytest.approx(total, rel=1e-5)
    assert row["missing"] == []


def test_co2_price_path_changes_only_the_co2_part(ref):
    y24 = _row(costs.option_costs(HOUSE, ref, 2024), "gas_condensing")
    y25 = _row(costs.option_costs(HOUSE, ref, 2025), "gas_condensing")
    assert y24["co2_eur_per_mwh"] == pytest.approx(9.0 / 0.95)  # 45 EUR/t x 0.02 ct
    assert y25["energy_eur_per_mwh"] == pytest.approx(y24["energy_eur_per_mwh"])
    assert y25["cost_eur_per_mwh"] > y24["cost_eur_per_mwh"]


def test_unsourced_co2_price_gives_none_not_zero(ref):
    # co2_price.csv: 2027 (EU ETS 2) has no sourced number
    frame = costs.option_costs(HOUSE, ref, 2027)
    gas = _row(frame, "gas_condensing")
    assert gas["co2_eur_per_mwh"] is None
    assert gas["cost_eur_per_mwh"] is None
    assert gas["missing"] == ["co2_price"]
    # heat pumps carry no BEHG price: their cost stays computable
    assert _row(frame, "heat_pump_air")["cost_eur_per_mwh"] is not None


def test_options_without_a_sourced_investment_are_none(ref):
    frame = costs.option_costs(HOUSE, ref, 2025)
    for option in ("biomass", "solar_thermal_support", "mine_water_network", "gas_chp_network"):
        row = _row(frame, option)
        assert row["cost_eur_per_mwh"] is None, option
        assert row["capex_eur_per_mwh"] is None, option
        assert "capex" in row["missing"], option
    # the pellet price is sourced (DEPI 12/2024: 5.72 ct/kWh) although the boiler is not
    pellets = _row(frame, "biomass")
    assert pellets["energy_eur_per_mwh"] == pytest.approx(57.2 / 0.85)
    assert _row(frame, "gas_chp_network")["missing"] == ["capex", "energy_price"]


def test_heat_pump_energy_by_hand(ref):
    frame = costs.option_costs(HOUSE, ref, 2025)
    # enet: 16.5 ct/kWh heat pump tariff; JAZ 3.4 air, 4.3 ground (Fraunhofer ISE WP-QS)
    assert _row(frame, "heat_pump_air")["energy_eur_per_mwh"] == pytest.approx(165 / 3.4)
    assert _row(frame, "heat_pump_ground")["energy_eur_per_mwh"] == pytest.approx(165 / 4.3)
    # air unit sized in kW_el = 10 / 3 (EWI cop = 3): 7 689 x (10/3)^0.69 x 1.5 margin,
    # plus installation 3 986 x 10^0.68 = 3 986 x 4.786301
    unit = 7689 * (10 / 3) ** 0.69 * 1.5
    assert _row(frame, "heat_pump_air")["capex_eur"] == pytest.approx(
        unit + 3986 * 4.786301, rel=1e-5
    )


def test_block_values_equal_their_buildings(ref):
    two = pd.DataFrame({"useful_heat_kwh_per_a": [18_000.0, 18_000.0]})
    as_block = {"useful_heat_kwh_per_a": 36_000.0, "buildings": 2}
    a = costs.option_costs(two, ref, 2025).set_index("option")
    b = costs.option_costs(as_block, ref, 2025).set_index("option")
    assert a.loc["gas_condensing", "capex_eur"] == pytest.approx(2 * GAS_CAPEX_10KW, rel=1e-5)
    assert a.loc["gas_condensing", "cost_eur_per_mwh"] == pytest.approx(
        b.loc["gas_condensing", "cost_eur_per_mwh"]
    )


def test_emptied_price_gives_none(ref):
    tables = load_cost_tables()
    prices = tables.prices.copy()
    prices.loc["electricity_heat_pump", "price_ct_per_kwh"] = float("nan")
    changed = dataclasses.replace(tables, prices=prices)
    row = _row(costs.option_costs(HOUSE, ref, 2025, tables=changed), "heat_pump_air")
    assert row["energy_eur_per_mwh"] is None
    assert row["cost_eur_per_mwh"] is None
    assert row["missing"] == ["energy_price"]


def test_block_option_costs_one_row_per_block_and_option(ref):
    buildings = pd.DataFrame(
        {"block_id": ["B1", "B1", "B2"], "useful_heat_kwh_per_a": [18_000.0, 9_000.0, 0.0]}
    )
    out = costs.block_option_costs(buildings, ref, 2025)
    n_options = len(ref.supply_options) - 1  # without the status quo
    assert len(out) == 2 * n_options
    b1 = out[(out["block_id"] == "B1") & (out["option"] == "gas_condensing")].iloc[0]
    assert b1["buildings"] == 2
    assert b1["heat_mwh_per_a"] == pytest.approx(27.0)
    # a block without heat has no cost per MWh
    b2 = out[(out["block_id"] == "B2") & (out["option"] == "gas_condensing")].iloc[0]
    assert b2["cost_eur_per_mwh"] is None


def test_every_cost_and_potential_row_has_a_source_or_says_it_has_none():
    tables = load_cost_tables()
    values = {
        "catalogue": (tables.catalogue, ["coef_eur", "constant_eur", "om_eur_per_kw_a"]),
        "prices": (tables.prices, ["price_ct_per_kwh"]),
        "co2": (tables.co2, ["price_eur_per_t"]),
        "params": (tables.params, ["value"]),
        "potential": (tables.potential, ["value"]),
    }
    for name, (table, cols) in values.items():
        assert set(table["status"]) <= {"read", "inferred", "assumption", "missing"}, name
        empty = table[cols].isna().all(axis=1)
        # an empty value is marked missing and its note says so; a value names its source
        assert (table.loc[empty, "status"] == "missing").all(), name
        assert table.loc[empty, "note"].str.startswith("keine belegte Zahl").all(), name
        assert (table.loc[~empty, "status"] != "missing").all(), name
        assert table.loc[~empty, "source"].str.len().gt(10).all(), name


def test_buildings_without_blocks_give_an_empty_block_table(ref):
    no_block = pd.DataFrame({"block_id": [None, None], "useful_heat_kwh_per_a": [1.0, 2.0]})
    assert costs.block_option_costs(no_block, ref, 2025).empty
    no_column = pd.DataFrame({"useful_heat_kwh_per_a": [1.0]})
    assert costs.block_option_costs(no_column, ref, 2025).empty


# The same 18 000 kWh/a house (TABULA demand) with a calibrated consumption of 12 000 kWh/a:
# the plant is still sized from the demand (10 kW, same capex), but every EUR/MWh part is per
# MWh actually supplied, 12 MWh: capex GAS_CAPEX_10KW x 0.0802426 / 12, O&M 20 EUR/(kW a) x
# 10 kW / 12 MWh (EWI FOM_gb_de); energy and CO2 per MWh do not change (price / efficiency).
CALIBRATED = {"useful_heat_kwh_per_a": 18_000.0, "consumption_kwh_per_a": 12_000.0, "buildings": 1}


def test_costs_are_per_mwh_of_consumption_plants_sized_from_demand(ref):
    row = _row(costs.option_costs(CALIBRATED, ref, 2025), "gas_condensing")
    assert row["heat_load_kw"] == pytest.approx(10.0)
    assert row["capex_eur"] == pytest.approx(GAS_CAPEX_10KW, rel=1e-5)
    assert row["heat_mwh_per_a"] == pytest.approx(12.0)
    assert row["capex_eur_per_mwh"] == pytest.approx(GAS_CAPEX_10KW * A_5_20 / 12, rel=1e-5)
    assert row["om_eur_per_mwh"] == pytest.approx(200 / 12)
    assert row["energy_eur_per_mwh"] == pytest.approx(GAS_ENERGY)
    total = GAS_CAPEX_10KW * A_5_20 / 12 + 200 / 12 + GAS_ENERGY + GAS_CO2_2025
    assert row["cost_eur_per_mwh"] == pytest.approx(total, rel=1e-5)


def test_buildings_without_consumption_fall_back_to_useful_heat(ref):
    # two 18 000 kWh/a houses (2 x 10 kW); one calibrated to 12 000 kWh/a, one without a
    # consumption value (NaN -> its useful heat): 12 + 18 = 30 MWh supplied
    two = pd.DataFrame(
        {"useful_heat_kwh_per_a": [18_000.0, 18_000.0], "consumption_kwh_per_a": [12_000.0, None]}
    )
    row = _row(costs.option_costs(two, ref, 2025), "gas_condensing")
    assert row["heat_load_kw"] == pytest.approx(20.0)
    assert row["heat_mwh_per_a"] == pytest.approx(30.0)
    assert row["capex_eur_per_mwh"] == pytest.approx(2 * GAS_CAPEX_10KW * A_5_20 / 30, rel=1e-5)
    assert row["om_eur_per_mwh"] == pytest.approx(400 / 30)
