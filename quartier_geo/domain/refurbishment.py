"""Refurbishment scenarios: yearly paths of demand, final energy and CO2 to 2045.

Model (documented for the Methods page):

* Each year from ``start_year + 1`` a share ``rate_per_a`` of the *total* conditioned floor
  area of the stock is refurbished to ``depth`` (TABULA usual or advanced variant): a
  full-refurbishment rate of floor area. The default 0.7 %/a is the national energetic
  refurbishment rate of 2023–2025 (0.67–0.70 %/a, benchmarks.csv ``rate_national``); 3 %/a
  is the InnovationCity target. Bottrop's 3.3 %/a and Herne-Mitte's 1.4 %/a count buildings
  with any measure and are not this rate (benchmarks.csv). Candidates are buildings whose
  current state is below ``depth``; the ``priority`` rule orders them (worst specific
  demand first, oldest first, or by owner).
* A building's useful heat drops from Q_nd(now) to Q_nd(depth) in its refurbishment year
  (never rises: :func:`quartier_geo.domain.energy.assess_buildings` clips the potentials),
  and its consumption from Q_c(now) to Q_c(depth) (the calibrated or measured consumption,
  domain/consumption.py). Final energy and CO2 follow the consumption, as in the
  assessment. An old low-temperature boiler becomes a condensing boiler when the building
  reaches the advanced state (heating_systems.csv ``advanced_system``).
* Supply switch: each year the shares ``heat_pump_switch_rate_per_a`` and
  ``district_heating_switch_rate_per_a`` of the heat still supplied by gas, oil, coal or
  night-storage heaters move to air heat pumps (SPF 3.4) and district heating.
* CO2 uses GEG Anlage 9 factors; grid electricity and district heating follow the yearly
  paths of paths.csv (explicit, editable assumptions: see ``ScenarioParams``).

The row of ``start_year`` is the status quo; its figures equal the building assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from quartier_geo.base.columns import AgeClass, OwnerType, RefurbState
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.reference import Reference, path_value
from quartier_geo.domain.energy import effective_system

__all__ = [
    "SWITCHABLE_SYSTEMS",
    "Priority",
    "ScenarioParams",
    "refurbishment_years",
    "scenario_path",
    "target_lines",
]

#: Heating systems that the supply switch replaces (fossil boilers and night-storage heaters).
SWITCHABLE_SYSTEMS = (
    "gas_low_temp",
    "gas_condensing",
    "oil_low_temp",
    "oil_condensing",
    "coal_stove",
    "storage_heater",
)


class Priority(StrEnum):
    WORST_FIRST = "worst_first"  # highest specific useful heat [kWh/(m²·a)] first
    OLDEST_FIRST = "oldest_first"  # age class A first
    HOUSING_COMPANY_FIRST = "housing_company_first"
    SELF_USER_FIRST = "self_user_first"


@dataclass(frozen=True)
class ScenarioParams:
    """Scenario parameters; frozen and hashable, so it is also a cheap cache key.

    Rates are fractions per year (0.03 = 3 %/a). ``electricity_co2_2030_g_per_kwh``
    overrides the 2030 point of the grid-mix path (paths.csv, an assumption) when given.
    """

    start_year: int = 2025
    end_year: int = 2045
    rate_per_a: float = 0.007  # benchmarks.csv rate_national: 0.67–0.70 %/a in 2023–2025
    depth: RefurbState = RefurbState.USUAL
    priority: Priority = Priority.WORST_FIRST
    heat_pump_switch_rate_per_a: float = 0.0
    district_heating_switch_rate_per_a: float = 0.0
    electricity_co2_2030_g_per_kwh: float | None = None

    def __post_init__(self) -> None:
        problems = []
        if not 0.0 <= self.rate_per_a <= 1.0:
            problems.append("Sanierungsrate muss zwischen 0 und 100 %/a liegen.")
        if self.end_year <= self.start_year:
            problems.append("Das Endjahr muss nach dem Startjahr liegen.")
        if self.depth not in (RefurbState.USUAL, RefurbState.ADVANCED):
            problems.append("Sanierungstiefe: 'usual' oder 'advanced'.")
        switch = self.heat_pump_switch_rate_per_a + self.district_heating_switch_rate_per_a
        if min(self.heat_pump_switch_rate_per_a, self.district_heating_switch_rate_per_a) < 0:
            problems.append("Umstellungsraten dürfen nicht negativ sein.")
        if switch > 1.0:
            problems.append("Die Umstellungsraten zusammen dürfen 100 %/a nicht übersteigen.")
        if problems:
            raise QuartierGeoError(" ".join(problems))


def _priority_key(assessed: pd.DataFrame, priority: Priority) -> pd.Series:
    """Sort key: smaller = earlier."""
    if priority is Priority.WORST_FIRST:
        return -assessed["useful_heat_kwh_per_m2a"].astype(float)
    age_rank = assessed["age_class"].map({a.value: i for i, a in enumerate(AgeClass)})
    if priority is Priority.OLDEST_FIRST:
        return age_rank.astype(float)
    wanted = (
        OwnerType.HOUSING_COMPANY
        if priority is Priority.HOUSING_COMPANY_FIRST
        else OwnerType.SELF_USER
    )
    owner = assessed.get("owner_type", pd.Series("", index=assessed.index))
    # preferred owners first, then worst first within each group
    return (owner != wanted.value).astype(float) * 1e6 - assessed["useful_heat_kwh_per_m2a"]


def _target_demand(assessed: pd.DataFrame, depth: RefurbState) -> pd.Series:
    potential = (
        assessed["potential_usual_kwh_per_a"]
        if depth is RefurbState.USUAL
        else assessed["potential_advanced_kwh_per_a"]
    )
    return assessed["useful_heat_kwh_per_a"] - potential


def _target_consumption(assessed: pd.DataFrame, depth: RefurbState) -> pd.Series:
    potential = (
        assessed["consumption_potential_usual_kwh_per_a"]
        if depth is RefurbState.USUAL
        else assessed["consumption_potential_advanced_kwh_per_a"]
    )
    return assessed["consumption_kwh_per_a"] - potential


def _by_system(
    values: np.ndarray, done: np.ndarray, before: pd.Series, after: pd.Series
) -> pd.DataFrame:
    """Sum of ``values`` (years x buildings) per heating system and year: the system
    ``before`` until a building's refurbishment, ``after`` from then on."""
    parts = [
        pd.DataFrame(np.where(mask, values, 0.0).T, index=system.to_numpy()).groupby(level=0).sum()
        for mask, system in ((~done, before), (done, after))
    ]
    return parts[0].add(parts[1], fill_value=0.0).T


def refurbishment_years(assessed: pd.DataFrame, params: ScenarioParams) -> pd.Series:
    """Year in which each building is refurbished in the scenario (NaN: not by end_year).

    A candidate is refurbished in year ``start_year + ceil(c / rate)``, where ``c`` is the
    cumulative share of the total floor area up to and including it in priority order.
    """
    area = assessed["conditioned_floor_area_m2"].astype(float)
    total = float(area.sum())
    years = pd.Series(np.nan, index=assessed.index, name="refurbishment_year")
    if params.rate_per_a <= 0 or total <= 0:
        return years
    order = [s.value for s in RefurbState]
    state_rank = assessed["refurbishment_state"].map({s: i for i, s in enumerate(order)})
    saving = assessed["useful_heat_kwh_per_a"] - _target_demand(assessed, params.depth)
    candidate = (state_rank < order.index(params.depth.value)) & (saving > 0)
    key = _priority_key(assessed[candidate], params.priority)
    ordered = key.sort_values(kind="stable").index
    cum_share = area.loc[ordered].cumsum() / total
    year = params.start_year + np.ceil(cum_share / params.rate_per_a - 1e-9)
    year = year.where(year <= params.end_year)
    years.loc[ordered] = year.to_numpy()
    return years


def scenario_path(assessed: pd.DataFrame, params: ScenarioParams, ref: Reference) -> pd.DataFrame:
    """Yearly path from ``start_year`` (status quo) to ``end_year``.

    Returns one row per year with useful_heat_mwh_per_a (calculated demand),
    consumption_mwh_per_a, final_energy_mwh_per_a and co2_t_per_a (from the consumption),
    refurbished_share (share of floor area at or above the depth, 0..1),
    refurbished_buildings (refurbished in the scenario so far) and fossil_heat_share.
    """
    years = np.arange(params.start_year, params.end_year + 1)
    if len(assessed) == 0:
        raise QuartierGeoError("Keine Gebäude im Szenario: erst ein Quartier mit Gebäuden wählen.")
    refurb_year = refurbishment_years(assessed, params)
    q_now = assessed["useful_heat_kwh_per_a"].astype(float)
    saving = (q_now - _target_demand(assessed, params.depth)).clip(lower=0.0)
    c_now = assessed["consumption_kwh_per_a"].astype(float)
    c_saving = (c_now - _target_consumption(assessed, params.depth)).clip(lower=0.0)
    area = assessed["conditioned_floor_area_m2"].astype(float)
    system = assessed["heating_system"].astype(str)
    after = system
    if params.depth is RefurbState.ADVANCED:  # old LT boilers become condensing boilers
        after = effective_system(assessed.assign(refurbishment_state=params.depth.value), ref)
    systems = ref.systems

    # demand and consumption per year: status quo minus the savings realised so far
    done = refurb_year.to_numpy()[None, :] <= years[:, None]  # years x buildings (NaN -> False)
    useful = q_now.to_numpy()[None, :] - np.where(done, saving.to_numpy()[None, :], 0.0)
    consumed = c_now.to_numpy()[None, :] - np.where(done, c_saving.to_numpy()[None, :], 0.0)
    by_system = _by_system(consumed, done, system, after.astype(str))
    by_system.index = years

    switchable = [s for s in by_system.columns if s in SWITCHABLE_SYSTEMS]
    hp, dh = params.heat_pump_switch_rate_per_a, params.district_heating_switch_rate_per_a
    remaining = np.clip(1.0 - hp - dh, 0.0, 1.0) ** (years - params.start_year)
    moved = by_system[switchable].sum(axis=1) * (1.0 - remaining)
    by_system[switchable] = by_system[switchable].mul(remaining, axis=0)
    if hp + dh > 0:
        for target, share in (("heat_pump_air", hp), ("district_heating", dh)):
            if target not in by_system:
                by_system[target] = 0.0
            by_system[target] = by_system[target] + moved * share / (hp + dh)

    eff = systems.loc[by_system.columns, "efficiency"].astype(float)
    final = by_system.div(eff, axis=1)
    carrier = systems.loc[by_system.columns, "carrier"]
    co2 = pd.DataFrame(index=years, columns=by_system.columns, dtype=float)
    for col in by_system.columns:
        c = carrier[col]
        if c in ("electricity", "district_heating"):
            factors = np.array([_path(ref, f"{c}_co2", int(y), params) for y in years])
        else:
            factors = np.full(len(years), float(ref.carriers.loc[c, "co2_g_per_kwh"]))
        co2[col] = final[col].to_numpy() * factors / 1e6

    order = [s.value for s in RefurbState]
    state_rank = assessed["refurbishment_state"].map({s: i for i, s in enumerate(order)})
    already = float(area[state_rank >= order.index(params.depth.value)].sum())
    refurbished_area = np.array([area[d].sum() for d in done])
    total_area = float(area.sum())
    fossil_cols = [s for s in switchable if systems.loc[s, "carrier"] in ("gas", "oil", "coal")]
    consumed_total = by_system.sum(axis=1)
    return pd.DataFrame(
        {
            "year": years,
            "useful_heat_mwh_per_a": useful.sum(axis=1) / 1000.0,
            "consumption_mwh_per_a": consumed_total.to_numpy() / 1000.0,
            "final_energy_mwh_per_a": final.sum(axis=1).to_numpy() / 1000.0,
            "co2_t_per_a": co2.sum(axis=1).to_numpy(),
            "refurbished_share": np.minimum((already + refurbished_area) / total_area, 1.0),
            "refurbished_buildings": done.sum(axis=1),
            "fossil_heat_share": (
                by_system[fossil_cols].sum(axis=1) / consumed_total.where(consumed_total > 0)
            ).to_numpy(),
        }
    )


def _path(ref: Reference, path: str, year: int, params: ScenarioParams) -> float:
    if path == "electricity_co2" and params.electricity_co2_2030_g_per_kwh is not None:
        p = ref.paths[ref.paths["path"] == path].sort_values("year")
        xs = p["year"].to_numpy(float)
        ys = np.where(xs == 2030, params.electricity_co2_2030_g_per_kwh, p["value"].to_numpy(float))
        return float(np.interp(year, xs, ys))
    return path_value(ref, path, year)


def target_lines(path: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """Benchmark CO2 lines for the chart: Bottrop (−50 % in 10 years) and neutrality 2045.

    ``bottrop_t_per_a`` falls linearly from the start value to half of it ten years later
    (InnovationCity Bottrop 2010–2020, benchmarks.csv) and stays there; ``neutral_t_per_a``
    falls linearly to 0 in the target year 2045 (KSG/WPG).
    """
    start = float(path["co2_t_per_a"].iloc[0])
    y0 = int(path["year"].iloc[0])
    cut = float(ref.benchmarks.loc["bottrop_co2_reduction_10y", "value"]) / 100.0
    target_year = int(ref.benchmarks.loc["target_year_neutrality", "value"])
    years = path["year"].to_numpy()
    bottrop = start * (1.0 - cut * np.clip((years - y0) / 10.0, 0.0, 1.0))
    span = max(target_year - y0, 1)
    neutral = start * np.clip(1.0 - (years - y0) / span, 0.0, 1.0)
    return pd.DataFrame({"year": years, "bottrop_t_per_a": bottrop, "neutral_t_per_a": neutral})
