"""Target scenario indicators of a heat plan per Stützjahr (WPG §17, Anlage 2 III).

The scenario (every rate a row ``scenario`` of wpg_area_rules.csv, labelled ASSUMPTION):

* from the start year y₀ (2025) on, a share s(y) = min(1, rate × (y − y₀)) of the fossil
  heating systems (``switch_carriers``) is replaced (rate 5 %/a: 20 years service life);
* a replaced heating system in a block that is a Wärmenetzgebiet in the Stützjahr connects
  to the heat network (``network_system``, η of heating_systems.csv); elsewhere it becomes
  an air-source heat pump (``decentral_system``, its SPF); a Wasserstoffnetzgebiet keeps
  its gas heating (only with an operator's plan, never in the bundled data);
  simplification: the category of the Stützjahr applies to every replacement up to it;
* consumption falls by r(y) = min(1, rate_national × (y − y₀)) of the building's
  "usual refurbishment" consumption potential (benchmarks.csv ``rate_national``);
* final energy = consumption / η (or SPF) for a replaced system, otherwise the building's
  final energy × consumption(y) / consumption(y₀); CO₂ = final energy × factor: electricity
  and district heating from paths.csv for the year, the other carriers from carriers.csv.

Buildings enter as expected values: a building counts with weight 1 − s in its old carrier
and s in the new one, so the counts per carrier may be fractional. Every figure of the start
year equals the quarter's totals (same final energy and CO₂ as the assessment).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.base.columns import BuildingType
from quartier_geo.data.reference import Reference, path_value
from quartier_geo.domain.bundle import QuarterBundle, is_plan_view, plan_view
from quartier_geo.domain.costs import area_heat_costs, block_option_costs
from quartier_geo.domain.supply_areas import (
    AreaCategory,
    AreaContext,
    AreaRules,
    area_rules,
    supply_areas,
)

__all__ = [
    "NON_RESIDENTIAL",
    "OTHER",
    "RESIDENTIAL",
    "HeatPlan",
    "indicator_rows",
    "indicator_summary",
    "pooled_rows",
    "public_summary",
    "quarter_heatplan",
    "scenario_years",
]

RESIDENTIAL = "residential"
NON_RESIDENTIAL = "non_residential"
#: the pooled carrier or sector of a public table (groups under the privacy minimum)
OTHER = "other"
#: carriers whose CO₂ factor follows a yearly path of paths.csv
_PATHS = {"electricity": "electricity_co2", "district_heating": "district_heating_co2"}


def scenario_years(rules: AreaRules) -> list[int]:
    """The start year followed by the Stützjahre: [2025, 2030, 2035, 2040, 2045]."""
    return [int(rules.value("scenario", "start_year")), *rules.years]


def _factor(carrier: str, year: int, ref: Reference) -> float:
    if carrier in _PATHS:
        return path_value(ref, _PATHS[carrier], year)
    return float(ref.carriers.loc[carrier, "co2_g_per_kwh"])


def indicator_rows(
    buildings: pd.DataFrame, areas: pd.DataFrame, *, rules: AreaRules, ref: Reference
) -> pd.DataFrame:
    """One row per year, sector (``residential`` / ``non_residential`` by building type
    NWG) and carrier: ``buildings`` (expected count), ``final_energy_mwh_per_a``,
    ``co2_t_per_a``. ``areas`` are the blocks of :func:`supply_areas` (block_id and
    ``category_<y>``); buildings are matched by ``block_id`` (no block: decentral)."""
    start = int(rules.value("scenario", "start_year"))
    replace_rate = rules.value("scenario", "heating_replacement_rate_per_a")
    refurb_rate = float(ref.benchmarks.loc[rules.text("scenario", "refurbishment_rate"), "value"])
    net_system = rules.text("scenario", "network_system")
    dec_system = rules.text("scenario", "decentral_system")
    switch = rules.text("scenario", "switch_carriers").split(";")
    systems = ref.systems
    carrier = buildings["heating_carrier"].astype(str).to_numpy()
    sector = np.where(
        buildings["building_type"].astype(str) == BuildingType.NWG.value,
        NON_RESIDENTIAL,
        RESIDENTIAL,
    )
    consumption = buildings["consumption_kwh_per_a"].to_numpy(float)
    final = buildings["final_energy_kwh_per_a"].to_numpy(float)
    potential = (
        buildings["consumption_potential_usual_kwh_per_a"].fillna(0.0).to_numpy(float)
        if "consumption_potential_usual_kwh_per_a" in buildings.columns
        else np.zeros(len(buildings))
    )
    fossil = np.isin(carrier, switch)
    block = (
        buildings["block_id"]
        if "block_id" in buildings.columns
        else pd.Series(np.nan, index=buildings.index, dtype=object)
    )
    parts = []
    for year in scenario_years(rules):
        s = min(1.0, replace_rate * (year - start))
        r = min(1.0, refurb_rate / 100.0 * (year - start))
        cons_y = consumption - r * potential
        scale = np.divide(cons_y, consumption, out=np.ones_like(cons_y), where=consumption > 0)
        if year == start:
            category = np.full(len(buildings), AreaCategory.DECENTRAL.value, dtype=object)
        else:
            by_block = dict(zip(areas["block_id"], areas[f"category_{year}"], strict=True))
            mapped = block.map(by_block).astype(object)
            category = mapped.where(mapped.notna(), AreaCategory.DECENTRAL.value).to_numpy()
        network = category == AreaCategory.HEAT_NETWORK.value
        hydrogen = category == AreaCategory.HYDROGEN.value
        switched = np.where(fossil & ~hydrogen, s, 0.0)
        new_system = np.where(network, net_system, dec_system)
        new_carrier = systems.loc[new_system, "carrier"].to_numpy()
        new_eta = systems.loc[new_system, "efficiency"].to_numpy(float)
        stay = pd.DataFrame(
            {
                "sector": sector,
                "carrier": carrier,
                "buildings": 1.0 - switched,
                "final_kwh": (1.0 - switched) * final * scale,
            }
        )
        moved = pd.DataFrame(
            {
                "sector": sector,
                "carrier": new_carrier,
                "buildings": switched,
                "final_kwh": switched * cons_y / new_eta,
            }
        )
        rows = pd.concat([stay, moved]).groupby(["sector", "carrier"], as_index=False).sum()
        rows = rows[rows["buildings"] > 0]
        factors = np.array([_factor(c, year, ref) for c in rows["carrier"]])
        parts.append(
            rows.assign(
                year=year,
                final_energy_mwh_per_a=rows["final_kwh"] / 1000.0,
                co2_t_per_a=rows["final_kwh"] * factors / 1e6,
            )
        )
    out = pd.concat(parts, ignore_index=True)
    columns = ["year", "sector", "carrier", "buildings", "final_energy_mwh_per_a", "co2_t_per_a"]
    return out[columns]


def indicator_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per year (index): ``final_energy_mwh_per_a``, ``co2_t_per_a``, ``grid_bound_share``
    (district heating's share of the final energy, WPG §2 'leitungsgebundene
    Wärmeversorgung' = heat networks), ``buildings_heat_network`` and
    ``buildings_gas_grid`` (heating with gas) with their shares of all buildings."""
    g = rows.groupby("year")
    total = g["final_energy_mwh_per_a"].sum()
    buildings = g["buildings"].sum()

    def of(carrier: str, column: str) -> pd.Series:
        part = rows[rows["carrier"] == carrier].groupby("year")[column].sum()
        return part.reindex(total.index, fill_value=0.0)

    return pd.DataFrame(
        {
            "final_energy_mwh_per_a": total,
            "co2_t_per_a": g["co2_t_per_a"].sum(),
            "grid_bound_share": of("district_heating", "final_energy_mwh_per_a") / total,
            "buildings_heat_network": of("district_heating", "buildings"),
            "heat_network_share": of("district_heating", "buildings") / buildings,
            "buildings_gas_grid": of("gas", "buildings"),
            "gas_grid_share": of("gas", "buildings") / buildings,
            "buildings": buildings,
        }
    )


def pooled_rows(rows: pd.DataFrame, *, min_buildings: int) -> pd.DataFrame:
    """``rows`` for a public table: sectors merged when one has fewer than
    ``min_buildings`` buildings, then per year every carrier under the minimum pooled into
    ``other`` (and, if ``other`` itself stays under it, the smallest carrier with it), so
    that no figure rests on fewer than ``min_buildings`` (expected) buildings."""
    columns = ["buildings", "final_energy_mwh_per_a", "co2_t_per_a"]
    per_sector = rows.groupby("sector")["buildings"].sum() / rows["year"].nunique()
    out = rows.copy()
    if (per_sector < min_buildings).any():
        out["sector"] = OTHER
    out = out.groupby(["year", "sector", "carrier"], as_index=False)[columns].sum()
    parts = []
    for _, g in out.groupby(["year", "sector"]):
        g = g.sort_values("buildings")
        small = g["buildings"] < min_buildings
        if small.any() and g.loc[small, "buildings"].sum() < min_buildings and (~small).any():
            small.iloc[int(small.sum())] = True  # secondary: the next smallest joins
        g = g.assign(carrier=np.where(small, OTHER, g["carrier"]))
        parts.append(g.groupby(["year", "sector", "carrier"], as_index=False)[columns].sum())
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True, eq=False)
class HeatPlan:
    """Supply areas and target indicators of one quarter. Never mutate.

    ``areas`` are the blocks with criteria, likelihoods and categories per Stützjahr
    (:func:`~quartier_geo.domain.supply_areas.supply_areas`; None without blocks);
    ``rows`` and ``summary`` the indicators (:func:`indicator_rows`,
    :func:`indicator_summary`). ``block_costs`` are the heat generation costs per block
    and option (:func:`~quartier_geo.domain.costs.block_option_costs`, CO₂ price of
    ``heat_cost_year``) and ``heat_costs`` their network and decentral side
    (:func:`~quartier_geo.domain.costs.area_heat_costs`) that rule C1 used; None without.
    """

    rules: AreaRules
    areas: gpd.GeoDataFrame | None
    rows: pd.DataFrame
    summary: pd.DataFrame
    heat_costs: pd.DataFrame | None = None
    block_costs: pd.DataFrame | None = None
    heat_cost_year: int | None = None


def quarter_heatplan(
    bundle: QuarterBundle,
    *,
    ref: Reference,
    heat_costs: pd.DataFrame | None = None,
    heat_cost_year: int | None = None,
) -> HeatPlan:
    """The heat plan of a quarter's bundle: its plan blocks (the Baublöcke of
    :func:`~quartier_geo.domain.bundle.plan_view`; a bundle that is not yet a plan view is
    turned into one with its own plan blocks) with every block, also those under the
    privacy minimum (cut them for public views), their areas and the indicators (a building
    in no block counts in the totals, as decentral). Rule C1 compares ``heat_costs`` (see
    :class:`AreaContext`); with ``heat_cost_year`` and no ``heat_costs`` they are the costs
    per block of :func:`~quartier_geo.domain.costs.block_option_costs` with that year's
    CO₂ price; with neither the rule is skipped."""
    rules = area_rules(ref)
    view = bundle if is_plan_view(bundle) else plan_view(bundle)
    areas = None
    block_costs = None
    if view.blocks is not None and len(view.blocks):
        if heat_costs is None and heat_cost_year is not None:
            block_costs = block_option_costs(view.buildings, ref, heat_cost_year)
            heat_costs = area_heat_costs(block_costs)
        context = AreaContext(
            streets=view.streets,
            networks=view.networks,
            potentials=view.potentials,
            heat_costs=heat_costs,
        )
        areas = supply_areas(view.blocks, rules=rules, context=context)
    empty = pd.DataFrame({"block_id": pd.Series(dtype=object)})
    for year in rules.years:
        empty[f"category_{year}"] = pd.Series(dtype=object)
    rows = indicator_rows(
        view.buildings, areas if areas is not None else empty, rules=rules, ref=ref
    )
    summary = indicator_summary(rows)
    return HeatPlan(rules, areas, rows, summary, heat_costs, block_costs, heat_cost_year)


def public_summary(summary: pd.DataFrame, pooled: pd.DataFrame) -> pd.DataFrame:
    """``summary`` for a public audience: the district-heating and gas figures of a year
    are NaN where :func:`pooled_rows` pooled that carrier away (under the minimum)."""
    out = summary.copy()
    for carrier, columns in (
        ("district_heating", ["grid_bound_share", "buildings_heat_network", "heat_network_share"]),
        ("gas", ["buildings_gas_grid", "gas_grid_share"]),
    ):
        shown = set(pooled.loc[pooled["carrier"] == carrier, "year"])
        hidden = [y for y in out.index if y not in shown and out.loc[y, columns[-1]] > 0]
        out.loc[hidden, columns] = np.nan
    return out
