"""Final energy, CO2 and cost cells of the supply options (split from
:mod:`quartier_geo.domain.supply`, which composes the option table).

* CO2 of a supply option [t/a] = heat x (1 - solar share) / η x f_CO2(year) / 1e6, heat = the
  buildings' consumption (calibrated or measured; Q_nd without it) (η or SPF:
  heating_systems.csv or supply_options.csv; f_CO2: GEG Anlage 9, carriers.csv, with the
  electricity and district-heating paths of paths.csv)
* the status quo: the buildings' own final energy by carrier x the same factors
* cost cells: the heat generation cost of :mod:`quartier_geo.domain.costs` or
  "keine belegte Zahl" with what is missing.

Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from quartier_geo.base.errors import DataValidationError
from quartier_geo.data.reference import Reference, path_value
from quartier_geo.domain import costs

__all__ = [
    "buildings_carrier",
    "cost_cells",
    "emission_factor_g_per_kwh",
    "numeric",
    "option_energy",
    "status_quo_energy",
]


def numeric(df: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(df[column], errors="coerce").astype(float)


def buildings_carrier(buildings: pd.DataFrame, ref: Reference) -> pd.Series:
    if "heating_carrier" in buildings.columns:
        return buildings["heating_carrier"].astype(object)
    return buildings["heating_system"].map(ref.systems["carrier"]).astype(object)


def emission_factor_g_per_kwh(carrier: str, year: int, ref: Reference) -> float:
    """Emission factor: electricity and district heating follow paths.csv, others GEG."""
    if carrier in ("electricity", "district_heating"):
        return path_value(ref, f"{carrier}_co2", year)
    return float(ref.carriers.loc[carrier, "co2_g_per_kwh"])


def status_quo_energy(
    b: pd.DataFrame, ref: Reference, years: Sequence[int]
) -> tuple[float, list[float]]:
    """Final energy [kWh/a] and CO2 [t/a] per year of the buildings' current systems."""
    carrier = buildings_carrier(b, ref)
    unknown = sorted(set(carrier.dropna().astype(str)) - set(ref.carriers.index))
    if carrier.isna().any() or unknown:
        raise DataValidationError(
            [
                f"Energieträger unbekannt oder leer ({', '.join(unknown) or 'leer'}); "
                "heating_system/heating_carrier nach heating_systems.csv zuordnen."
            ],
            what="Die Gebäude des Quartiers",
        )
    if "final_energy_kwh_per_a" in b.columns:
        final = numeric(b, "final_energy_kwh_per_a").fillna(0.0)
    else:
        eff = b["heating_system"].map(ref.systems["efficiency"]).astype(float)
        final = (numeric(b, "useful_heat_kwh_per_a") / eff).fillna(0.0)
    by_carrier = final.groupby(carrier.to_numpy()).sum()
    co2 = [
        sum(kwh * emission_factor_g_per_kwh(str(c), y, ref) for c, kwh in by_carrier.items()) / 1e6
        for y in years
    ]
    return float(final.sum()), co2


def option_energy(
    row: pd.Series, heat_kwh: float, ref: Reference, years: Sequence[int]
) -> tuple[float, list[float]]:
    """Final energy [kWh/a] and CO2 [t/a] per year when ``row``'s option supplies all heat."""
    system = str(row["system"])
    eff = float(row["efficiency"]) if pd.notna(row["efficiency"]) else None
    eff = eff or float(ref.systems.loc[system, "efficiency"])
    solar = float(row["solar_share"]) if pd.notna(row["solar_share"]) else 0.0
    final = heat_kwh * (1.0 - solar) / eff  # the solar share carries no CO2 (GEG Anlage 9: 0)
    if pd.notna(row["co2_path"]):
        factors = [path_value(ref, str(row["co2_path"]), y) for y in years]
    elif pd.notna(row["co2_g_per_kwh"]):
        factors = [float(row["co2_g_per_kwh"])] * len(years)
    else:
        carrier = str(ref.systems.loc[system, "carrier"])
        factors = [emission_factor_g_per_kwh(carrier, y, ref) for y in years]
    return final, [final * f / 1e6 for f in factors]


def cost_cells(cost: pd.DataFrame, option: str) -> dict[str, object]:
    """``cost_eur_per_mwh`` (NaN without a sourced total) and ``cost_note`` of one option."""
    if option not in cost.index:
        return {"cost_eur_per_mwh": np.nan, "cost_note": "keine belegte Zahl"}
    total = cost.loc[option, "cost_eur_per_mwh"]
    if total is None:
        missing = ", ".join(costs.MISSING_DE[m] for m in cost.loc[option, "missing"])
        return {"cost_eur_per_mwh": np.nan, "cost_note": f"keine belegte Zahl: {missing}"}
    return {"cost_eur_per_mwh": float(total), "cost_note": "berechnet (domain/costs.py)"}
