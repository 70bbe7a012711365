"""Target scenario indicators per Stützjahr (WPG §17, Anlage 2 III), computed by hand from
wpg_area_rules.csv (scenario rows), heating_systems.csv, carriers.csv and paths.csv."""

from __future__ import annotations

import pandas as pd
import pytest

from quartier_geo.data import layers
from quartier_geo.data.reference import load_reference
from quartier_geo.domain.block_plan import assign_buildings
from quartier_geo.domain.bundle import build_quarter_bundle, select_quarter
from quartier_geo.domain.heatplan_indicators import (
    OTHER,
    indicator_rows,
    indicator_summary,
    pooled_rows,
    quarter_heatplan,
)
from quartier_geo.domain.supply_areas import area_rules


@pytest.fixture(scope="module")
def ref():  # type: ignore[no-untyped-def]
    return load_reference()


def three(ref):  # type: ignore[no-untyped-def]
    """Gas EFH in a heat network block B1; oil NWG and biomass MFH in a decentral block B2
    (final energy = consumption / η: 0.82 for old gas/oil boilers, 0.85 pellets)."""
    buildings = pd.DataFrame(
        {
            "block_id": ["B1", "B2", "B2"],
            "building_type": ["EFH", "NWG", "MFH"],
            "heating_carrier": ["gas", "oil", "biomass"],
            "consumption_kwh_per_a": [10_000.0, 20_000.0, 5_000.0],
            "final_energy_kwh_per_a": [10_000.0 / 0.82, 20_000.0 / 0.82, 5_000.0 / 0.85],
            "consumption_potential_usual_kwh_per_a": [0.0, 0.0, 1_000.0],
        }
    )
    areas = pd.DataFrame({"block_id": ["B1", "B2"]})
    for year in (2030, 2035, 2040, 2045):
        areas[f"category_{year}"] = ["heat_network", "decentral"]
    return buildings, areas


def cell(rows: pd.DataFrame, year: int, sector: str, carrier: str) -> pd.Series:
    hit = rows[(rows["year"] == year) & (rows["sector"] == sector) & (rows["carrier"] == carrier)]
    assert len(hit) == 1, (year, sector, carrier)
    return hit.iloc[0]


def test_2030_by_hand(ref) -> None:  # type: ignore[no-untyped-def]
    """2030: s = 5 %/a x 5 a = 0.25 of the fossil heating replaced (row
    heating_replacement_rate_per_a), r = 0.7 %/a x 5 a = 0.035 (benchmarks rate_national)."""
    buildings, areas = three(ref)
    rows = indicator_rows(buildings, areas, rules=area_rules(ref), ref=ref)
    gas = cell(rows, 2030, "residential", "gas")
    assert gas["buildings"] == pytest.approx(0.75)
    assert gas["final_energy_mwh_per_a"] == pytest.approx(0.75 * 10_000 / 0.82 / 1000)
    assert gas["co2_t_per_a"] == pytest.approx(0.75 * 10_000 / 0.82 * 240 / 1e6)  # GEG Anl. 9
    dh = cell(rows, 2030, "residential", "district_heating")  # substation η 0.98
    assert dh["final_energy_mwh_per_a"] == pytest.approx(0.25 * 10_000 / 0.98 / 1000)
    assert dh["co2_t_per_a"] == pytest.approx(0.25 * 10_000 / 0.98 * 126 / 1e6)  # paths 2030
    oil = cell(rows, 2030, "non_residential", "oil")
    assert oil["co2_t_per_a"] == pytest.approx(0.75 * 20_000 / 0.82 * 310 / 1e6)
    hp = cell(rows, 2030, "non_residential", "electricity")  # heat pump air, SPF 3.4
    assert hp["final_energy_mwh_per_a"] == pytest.approx(0.25 * 20_000 / 3.4 / 1000)
    assert hp["co2_t_per_a"] == pytest.approx(0.25 * 20_000 / 3.4 * 150 / 1e6)  # paths 2030
    wood = cell(rows, 2030, "residential", "biomass")  # not fossil: stays, 1,000 x 0.035 saved
    assert wood["buildings"] == pytest.approx(1.0)
    assert wood["final_energy_mwh_per_a"] == pytest.approx(5_000 / 0.85 * 4_965 / 5_000 / 1000)


def test_2045_and_the_summary(ref) -> None:  # type: ignore[no-untyped-def]
    """2045: every fossil heating replaced (s = 1); r = 0.14. Grid-bound share = district
    heating's final energy / all final energy; electricity and district heating 0 g/kWh."""
    buildings, areas = three(ref)
    rows = indicator_rows(buildings, areas, rules=area_rules(ref), ref=ref)
    summary = indicator_summary(rows)
    dh, hp = 10_000 / 0.98, 20_000 / 3.4
    wood = 5_000 / 0.85 * (5_000 - 0.14 * 1_000) / 5_000
    assert summary.loc[2045, "final_energy_mwh_per_a"] == pytest.approx((dh + hp + wood) / 1000)
    assert summary.loc[2045, "grid_bound_share"] == pytest.approx(dh / (dh + hp + wood))
    assert summary.loc[2045, "co2_t_per_a"] == pytest.approx(wood * 20 / 1e6)
    assert summary.loc[2045, "buildings_heat_network"] == pytest.approx(1.0)
    assert summary.loc[2045, "buildings_gas_grid"] == 0
    assert summary.loc[2025, "buildings_gas_grid"] == 1  # start year: as assessed
    assert list(summary.index) == [2025, 2030, 2035, 2040, 2045]


def test_the_start_year_sums_to_the_quarter_totals(ref) -> None:  # type: ignore[no-untyped-def]
    """Quarter 1 (with 18 NWG): the start year's final energy and CO₂ are the assessment's
    totals, every year counts every building once, and residential + non-residential = the
    total."""
    bundle = build_quarter_bundle(select_quarter(layers.load_region(ref), 1), ref=ref)
    plan = quarter_heatplan(bundle, ref=ref)
    b = bundle.buildings
    first = plan.summary.loc[2025]
    assert first["final_energy_mwh_per_a"] == pytest.approx(
        b["final_energy_kwh_per_a"].sum() / 1000
    )
    assert first["co2_t_per_a"] == pytest.approx(b["co2_t_per_a"].sum())
    assert plan.summary["buildings"].to_numpy() == pytest.approx([len(b)] * 5)
    by_sector = plan.rows.groupby(["year", "sector"])["final_energy_mwh_per_a"].sum().unstack()
    assert by_sector.sum(axis=1).to_numpy() == pytest.approx(
        plan.summary["final_energy_mwh_per_a"].to_numpy()
    )
    nwg = b["building_type"] == "NWG"
    assert by_sector.loc[2025, "non_residential"] == pytest.approx(
        b.loc[nwg, "final_energy_kwh_per_a"].sum() / 1000
    )
    assert plan.areas is not None
    assert bundle.plan_blocks is not None
    # every Baublock, also small and empty ones, with the buildings assigned to it
    assert list(plan.areas["block_id"]) == list(bundle.plan_blocks["block_id"])
    assigned = assign_buildings(b, bundle.plan_blocks)
    assert plan.areas["buildings"].sum() == assigned.notna().sum()


def test_public_rows_pool_every_group_under_five(ref) -> None:  # type: ignore[no-untyped-def]
    buildings, areas = three(ref)
    rows = indicator_rows(buildings, areas, rules=area_rules(ref), ref=ref)
    pooled = pooled_rows(rows, min_buildings=5)
    # three buildings in all: one pooled group per year, sectors merged
    assert set(pooled["sector"]) == {OTHER} and set(pooled["carrier"]) == {OTHER}
    assert pooled.groupby("year")["final_energy_mwh_per_a"].sum().to_numpy() == pytest.approx(
        rows.groupby("year")["final_energy_mwh_per_a"].sum().to_numpy()
    )


def test_buildings_with_an_empty_block_column_count_as_decentral(ref) -> None:  # type: ignore[no-untyped-def]
    """An imported area whose block_id column is empty (all NaN): no areas, the fossil
    heating becomes heat pumps (decentral), no warning (tests run with warnings as errors)."""
    buildings, areas = three(ref)
    buildings = buildings.assign(block_id=float("nan"))
    rows = indicator_rows(buildings, areas, rules=area_rules(ref), ref=ref)
    assert "district_heating" not in set(rows.loc[rows["year"] == 2045, "carrier"])
    hp = cell(rows, 2045, "residential", "electricity")
    assert hp["final_energy_mwh_per_a"] == pytest.approx(10_000 / 3.4 / 1000)
