"""Heat generation costs per supply option (WPG §17 indicators; issue #9 item 6).

Annuity method in the style of VDI 2067 Blatt 1, per year of operation:

    cost [EUR/MWh] = (capex x annuity factor + fixed O&M + energy cost + CO2 cost) / heat supplied

* **heat supplied** is the heat the plant actually delivers per year: the building's
  consumption (``consumption_kwh_per_a``, the calibrated typical consumption, measured where
  imported) where present, else its useful heat (TABULA demand) - the same quantity the block
  density, the indicators and the network use. Every EUR/MWh part is per MWh of it.
* **capex**: each building gets its own plant, sized from its useful heat (the demand) by the
  full-load hours (``cost_parameters.csv``): heat load [kW] = useful heat [kWh/a] / full-load
  hours.
  The cost functions per component (``cost_catalogue.csv``, EWI Working Paper 05/2024
  supplementary code) are ``(coef x size^exponent + constant) x (1 + markup)``; a heat
  pump's unit is sized in kW_el = kW_th / design COP.
* **annuity factor** a = i (1+i)^n / ((1+i)^n - 1) with the interest rate i and the period n
  of ``cost_parameters.csv`` (both labelled assumptions there).
* **fixed O&M**: EUR/(kW·a) x size plus a share of a component's capex per year.
* **energy**: final energy = heat supplied / efficiency (``heating_systems.csv``; the supply
  option's own efficiency where ``supply_options.csv`` gives one) x price
  (``energy_prices.csv``). Gas prices include the BEHG CO2 price of their price year: that
  part is taken out and priced separately.
* **CO2**: BEHG/ETS 2 price of the chosen year (``co2_price.csv``) x 0.02 ct/kWh per EUR/t for
  gas. District heating prices contain the supplier's CO2 costs; electricity and pellets
  carry none.

Where a part has no sourced number the part is None (never 0), the total is None and
``missing`` names what is missing: ``capex``, ``energy_price``, ``co2_price``. Pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.cost_tables import CostTables, load_cost_tables, value_or_none
from quartier_geo.data.reference import Reference

__all__ = [
    "AREA_COST_YEAR",
    "AREA_DECENTRAL_OPTIONS",
    "AREA_NETWORK_OPTION",
    "COST_PARTS",
    "MISSING_DE",
    "annuity_factor",
    "area_heat_costs",
    "block_option_costs",
    "capex_eur",
    "co2_price_eur_per_t",
    "decentral_cost_eur_per_mwh",
    "heat_loads_kw",
    "heat_supplied_kwh",
    "option_costs",
]

#: the parts of the cost in EUR per MWh of heat supplied, in stacking order
COST_PARTS = ("capex_eur_per_mwh", "om_eur_per_mwh", "energy_eur_per_mwh", "co2_eur_per_mwh")

#: German names of the ``missing`` codes (for notes in reference-style tables)
MISSING_DE = {"capex": "Investition", "energy_price": "Energiepreis", "co2_price": "CO2-Preis"}

#: the CO2 price year of rule C1 (the last year with a fixed BEHG price, co2_price.csv)
AREA_COST_YEAR = 2025
#: rule C1 of the supply areas: the network option and the decentral options compared
AREA_NETWORK_OPTION = "district_heating"
AREA_DECENTRAL_OPTIONS = ("heat_pump_air", "heat_pump_ground")

_PRICE_CARRIER = {
    "gas": "gas",
    "electricity": "electricity_heat_pump",
    "biomass": "biomass",
    "district_heating": "district_heating",
}


def annuity_factor(interest_rate: float, years: float) -> float:
    """Annuity factor a = i (1+i)^n / ((1+i)^n - 1); 1/n without interest.

    >>> round(annuity_factor(0.05, 20), 5)
    0.08024
    >>> annuity_factor(0.0, 20)
    0.05
    """
    if years <= 0:
        raise QuartierGeoError("Nutzungsdauer muss größer als 0 sein.")
    if interest_rate == 0:
        return 1.0 / years
    q = (1.0 + interest_rate) ** years
    return interest_rate * q / (q - 1.0)


def co2_price_eur_per_t(tables: CostTables, year: int) -> float | None:
    """The CO2 price of ``year`` (co2_price.csv), None where no sourced number exists."""
    return value_or_none(tables.co2, year, "price_eur_per_t")


def _param(tables: CostTables, key: str) -> float | None:
    return value_or_none(tables.params, key)


def heat_loads_kw(values: pd.DataFrame | Mapping[str, float], tables: CostTables) -> np.ndarray:
    """The heat load of each building [kW] = useful heat / full-load hours.

    ``values`` is either a frame of buildings (``useful_heat_kwh_per_a`` per row) or the
    values of a block (``useful_heat_kwh_per_a`` summed and ``buildings``, the count): then
    every building is taken as equally large.
    """
    hours = _param(tables, "full_load_hours_h_per_a")
    if hours is None:
        raise ValueError("cost_parameters.csv: full_load_hours_h_per_a fehlt")
    if isinstance(values, pd.DataFrame):
        heat = values["useful_heat_kwh_per_a"].to_numpy(float)
    else:
        n = int(values.get("buildings", 1) or 1)
        heat = np.full(n, float(values["useful_heat_kwh_per_a"]) / n)
    return np.nan_to_num(heat) / hours


def heat_supplied_kwh(values: pd.DataFrame | Mapping[str, float]) -> float:
    """The heat supplied per year [kWh/a]: ``consumption_kwh_per_a`` (calibrated or measured)
    where present, else ``useful_heat_kwh_per_a``; per building for a frame, once for a
    block's values.

    >>> heat_supplied_kwh(pd.DataFrame({"useful_heat_kwh_per_a": [10.0, 20.0],
    ...     "consumption_kwh_per_a": [8.0, None]}))
    28.0
    >>> heat_supplied_kwh({"useful_heat_kwh_per_a": 10.0, "buildings": 2})
    10.0
    """
    if isinstance(values, pd.DataFrame):
        useful = pd.to_numeric(values["useful_heat_kwh_per_a"], errors="coerce")
        if "consumption_kwh_per_a" in values.columns:
            used = pd.to_numeric(values["consumption_kwh_per_a"], errors="coerce")
            useful = used.where(used.notna(), useful)
        return float(useful.fillna(0.0).sum())
    used = values.get("consumption_kwh_per_a")
    if used is not None and pd.notna(used):
        return float(used)
    return float(values["useful_heat_kwh_per_a"])


def _component_cost(row: pd.Series, size_kw: np.ndarray) -> np.ndarray:
    lo = 0.0 if pd.isna(row["min_kw"]) else float(row["min_kw"])
    hi = np.inf if pd.isna(row["max_kw"]) else float(row["max_kw"])
    inside = (size_kw >= lo) & (size_kw < hi) & (size_kw > 0)
    cost = float(row["coef_eur"]) * size_kw ** float(row["exponent"]) + float(row["constant_eur"])
    markup = 0.0 if pd.isna(row["markup_share"]) else float(row["markup_share"])
    return np.where(inside, cost * (1.0 + markup), 0.0)


def _rows(tables: CostTables, ref: Reference, option: str) -> pd.DataFrame:
    cat = tables.catalogue
    rows = cat[cat["option"] == option]
    opt = ref.supply_options.loc[option]
    share = opt.get("solar_share")
    if pd.notna(share) and float(share) > 0:  # a base system with solar support
        rows = pd.concat([cat[cat["option"] == opt["system"]], rows])
    return rows


def capex_eur(
    loads_kw: np.ndarray, rows: pd.DataFrame, *, design_cop: float | None
) -> tuple[float | None, float | None]:
    """(capex [EUR], fixed O&M [EUR/a]) of plants of ``loads_kw``, summed over buildings.

    None where a component of ``rows`` has no sourced number (or there are no rows).

    >>> rows = pd.DataFrame([{"component": "equipment", "size_basis": "kw_th", "min_kw": 0,
    ...     "max_kw": None, "coef_eur": 100.0, "exponent": 1.0, "constant_eur": 1000.0,
    ...     "markup_share": 0.5, "om_eur_per_kw_a": None, "om_share_per_a": None}])
    >>> capex_eur(np.array([10.0]), rows, design_cop=None)
    (3000.0, 0.0)
    """
    if rows.empty:
        return None, None
    capex = 0.0
    om = 0.0
    for _, row in rows.iterrows():
        size = loads_kw
        if row["size_basis"] == "kw_el":
            if design_cop is None:
                return None, None
            size = loads_kw / design_cop
        if pd.notna(row["om_eur_per_kw_a"]):
            om += float(np.sum(size[size > 0]) * float(row["om_eur_per_kw_a"]))
            continue
        if pd.isna(row["coef_eur"]) or pd.isna(row["constant_eur"]):
            return None, None
        part = float(np.sum(_component_cost(row, size)))
        capex += part
        if pd.notna(row["om_share_per_a"]):
            om += part * float(row["om_share_per_a"])
    return capex, om


def _efficiency(ref: Reference, option: str) -> tuple[float, str]:
    opt = ref.supply_options.loc[option]
    system = ref.systems.loc[opt["system"]]
    eff = opt.get("efficiency")
    eff = float(system["efficiency"]) if pd.isna(eff) else float(eff)
    return eff, str(system["carrier"])


def _energy_parts(
    ref: Reference, tables: CostTables, option: str, year: int
) -> tuple[float | None, float | None, list[str]]:
    """(energy EUR/MWh, CO2 EUR/MWh, missing) per MWh of heat supplied."""
    eff, carrier = _efficiency(ref, option)
    share = ref.supply_options.loc[option].get("solar_share")
    fuel_share = 1.0 - (float(share) if pd.notna(share) else 0.0)
    key = option if option in tables.prices.index else _PRICE_CARRIER.get(carrier, carrier)
    price = value_or_none(tables.prices, key, "price_ct_per_kwh")
    missing: list[str] = []
    final_mwh = fuel_share / eff  # MWh final energy per MWh heat supplied
    if price is None:
        return None, None, ["energy_price"]
    co2_cost: float | None = 0.0
    if key == "gas":
        factor = _param(tables, "gas_behg_ct_per_kwh_per_eur_t")
        price_year = value_or_none(tables.prices, key, "price_year")
        in_price = co2_price_eur_per_t(tables, int(price_year)) if price_year else None
        now = co2_price_eur_per_t(tables, year)
        if factor is None or in_price is None:
            return None, None, ["energy_price"]
        price -= in_price * factor
        if now is None:
            missing.append("co2_price")
            co2_cost = None
        else:
            co2_cost = final_mwh * now * factor * 10.0  # ct/kWh -> EUR/MWh
    return final_mwh * price * 10.0, co2_cost, missing


def _one(
    values: pd.DataFrame | Mapping[str, float],
    ref: Reference,
    tables: CostTables,
    option: str,
    year: int,
) -> dict[str, object]:
    loads = heat_loads_kw(values, tables)  # sized from the demand (useful heat)
    heat_mwh = heat_supplied_kwh(values) / 1000  # every EUR/MWh part is per MWh supplied
    rows = _rows(tables, ref, option)
    capex, om = capex_eur(loads, rows, design_cop=_param(tables, "hp_design_cop"))
    rate, years = _param(tables, "interest_rate"), _param(tables, "period_a")
    missing: list[str] = []
    capex_part = om_part = None
    if capex is None or om is None or rate is None or years is None or heat_mwh <= 0:
        missing.append("capex")
    else:
        capex_part = capex * annuity_factor(rate, years) / heat_mwh
        om_part = om / heat_mwh
    energy, co2, more = _energy_parts(ref, tables, option, year)
    missing += more
    parts = [capex_part, om_part, energy, co2]
    total = None if any(p is None for p in parts) else float(sum(p for p in parts if p))
    return {
        "option": option,
        "heat_mwh_per_a": heat_mwh,
        "heat_load_kw": float(loads.sum()),
        "capex_eur": capex,
        **dict(zip(COST_PARTS, parts, strict=True)),
        "cost_eur_per_mwh": total,
        "missing": missing,
    }


def option_costs(
    values: pd.DataFrame | Mapping[str, float],
    ref: Reference,
    year: int,
    *,
    tables: CostTables | None = None,
) -> pd.DataFrame:
    """Heat generation cost of every supply option (except the status quo) for ``values``.

    ``values``: the buildings (a frame with ``useful_heat_kwh_per_a``, optionally
    ``consumption_kwh_per_a``) or a block's values (``useful_heat_kwh_per_a``, optionally
    ``consumption_kwh_per_a``, and ``buildings``). Plants are sized from the useful heat;
    costs are per MWh of :func:`heat_supplied_kwh` (``heat_mwh_per_a``). One row per option
    with ``cost_eur_per_mwh``,
    the parts of :data:`COST_PARTS` (None where unsourced, never 0) and ``missing``.
    ``tables`` defaults to the bundled cost tables.
    """
    tables = tables if tables is not None else load_cost_tables()
    options = [o for o in ref.supply_options.index if o != "status_quo"]
    records = [_one(values, ref, tables, o, year) for o in options]
    out = pd.DataFrame(records)
    for c in (*COST_PARTS, "cost_eur_per_mwh", "capex_eur"):  # None stays None, never NaN
        out[c] = pd.Series([r[c] for r in records], dtype=object)
    return out


def block_option_costs(
    buildings: pd.DataFrame,
    ref: Reference,
    year: int,
    *,
    tables: CostTables | None = None,
) -> pd.DataFrame:
    """:func:`option_costs` per block of ``buildings`` (column ``block_id``), long format:
    one row per block and option, with ``block_id`` and ``buildings`` (the count)."""
    frames = []
    if "block_id" in buildings.columns:  # buildings without a block belong to none
        for block_id, group in buildings.groupby("block_id", sort=True):
            frame = option_costs(group, ref, year, tables=tables)
            frames.append(frame.assign(block_id=block_id, buildings=len(group)))
    if not frames:
        return pd.DataFrame(columns=["block_id", "buildings", "option", "cost_eur_per_mwh"])
    return pd.concat(frames, ignore_index=True)


def decentral_cost_eur_per_mwh(
    buildings: pd.DataFrame, ref: Reference, year: int = AREA_COST_YEAR
) -> float | None:
    """The heat cost [€/MWh] of the cheaper sourced decentral heat pump
    (:data:`AREA_DECENTRAL_OPTIONS`) for ``buildings``, each with a plant of its own; None
    where neither option has a sourced cost (the comparison of the network layout)."""
    if buildings.empty:
        return None
    table = option_costs(buildings, ref, year).set_index("option")
    costs = [table.at[o, "cost_eur_per_mwh"] for o in AREA_DECENTRAL_OPTIONS if o in table.index]
    sourced = [float(c) for c in costs if c is not None]
    return min(sourced) if sourced else None


def area_heat_costs(block_costs: pd.DataFrame) -> pd.DataFrame:
    """The heat costs of rule C1 (:class:`~quartier_geo.domain.supply_areas.AreaContext`)
    from :func:`block_option_costs`: index ``block_id``; ``network_eur_per_mwh`` = the
    cost of :data:`AREA_NETWORK_OPTION`, ``decentral_eur_per_mwh`` = the cheaper of the
    sourced :data:`AREA_DECENTRAL_OPTIONS`. NaN where no option of the side has a sourced
    cost (the rule is then skipped for that block; never 0)."""
    if block_costs.empty:
        return pd.DataFrame(
            columns=["network_eur_per_mwh", "decentral_eur_per_mwh"],
            index=pd.Index([], name="block_id"),
            dtype=float,
        )
    wide = block_costs.pivot(index="block_id", columns="option", values="cost_eur_per_mwh")
    wide = wide.apply(pd.to_numeric, errors="coerce")  # None (unsourced) -> NaN

    def of(options: tuple[str, ...]) -> pd.Series:
        present = [o for o in options if o in wide.columns]
        if not present:
            return pd.Series(np.nan, index=wide.index)
        return wide[present].min(axis=1, skipna=True)

    out = pd.DataFrame(
        {
            "network_eur_per_mwh": of((AREA_NETWORK_OPTION,)),
            "decentral_eur_per_mwh": of(AREA_DECENTRAL_OPTIONS),
        }
    )
    out.index = out.index.astype(str).rename("block_id")
    return out
