"""Per-building heat demand, final energy, primary energy and CO2; aggregation to quarters.

Formulas (each documented where it is computed):

* conditioned floor area  A_C = footprint_m2 x storeys x f_AC  (f_AC in assumptions.csv)
* useful heat        Q_nd  = A_C x (q_h_nd + q_w_nd)           (IWU/TABULA DE, typology.csv)
* consumption        Q_c   = A_C x c(Q_nd / A_C)                 (domain/consumption.py)
                          or measured final energy x eta        (a file's measurement)
* final energy       Q_f   = Q_c / eta                           (eta, SPF: heating_systems.csv)
* primary energy     Q_p   = Q_f x f_p                           (GEG Anlage 4: carriers.csv)
* CO2                m_CO2 = Q_f x f_CO2 / 1e6  [t/a]            (GEG Anlage 9: carriers.csv)
* potential          P_x   = Q_nd(now) - Q_nd(state x), never negative (demand); the same
                             on consumption: Q_c(now) - Q_c(state x)

Final energy, primary energy and CO2 follow the consumption (the Bestandsanalyse default);
``useful_heat_kwh_per_a`` stays the calculated TABULA demand. A building in the TABULA
advanced state heats with a condensing boiler where its system is an old low-temperature
boiler (heating_systems.csv ``advanced_system``, a project rule).

All functions are pure: they take (Geo)DataFrames and return new objects on the same index.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.base.columns import RefurbState
from quartier_geo.data.reference import Reference, assumption
from quartier_geo.domain.consumption import Calibration, calibrated_kwh_per_a

__all__ = [
    "SUMMARY_FIELDS",
    "assess_buildings",
    "co2_t_per_a",
    "conditioned_floor_area_m2",
    "effective_system",
    "final_energy_kwh_per_a",
    "summarise",
    "system_efficiency",
    "typology_values",
    "useful_heat_kwh_per_a",
]


def conditioned_floor_area_m2(buildings: pd.DataFrame, *, factor: float) -> pd.Series:
    """Conditioned floor area A_C [m²].

    Uses ``conditioned_floor_area_m2`` where the data has it, else
    ``footprint_m2 x storeys x factor``. The default factor 0.87 is derived in
    assumptions.csv (TABULA A_C/A_N ratio x GEG rule A_N = 0.32 V_e x 3 m storey height).

    >>> df = pd.DataFrame({"footprint_m2": [200.0], "storeys": [2.0]})
    >>> float(conditioned_floor_area_m2(df, factor=0.87).iloc[0])
    348.0
    """
    estimated = buildings["footprint_m2"].astype(float) * buildings["storeys"].astype(float)
    estimated = estimated * factor
    if "conditioned_floor_area_m2" in buildings:
        given = pd.to_numeric(buildings["conditioned_floor_area_m2"], errors="coerce")
        estimated = given.where(given.notna(), estimated)
    return estimated.rename("conditioned_floor_area_m2")


def typology_values(
    buildings: pd.DataFrame, ref: Reference, *, state: RefurbState | str | None = None
) -> pd.DataFrame:
    """TABULA q_h_nd and q_w_nd [kWh/(m²·a)] for each building, with the fallback note.

    ``state=None`` uses each building's own ``refurbishment_state``; a given state applies
    that variant to all buildings (for potentials and scenarios).
    """
    states = (
        buildings["refurbishment_state"].astype(str)
        if state is None
        else pd.Series(str(RefurbState(state)), index=buildings.index)
    )
    keys = pd.DataFrame(
        {
            "building_type": buildings["building_type"].astype(str).to_numpy(),
            "age_class": buildings["age_class"].astype(str).to_numpy(),
            "state": states.to_numpy(),
        }
    )
    table = ref.typology[
        [
            "building_type",
            "age_class",
            "state",
            "q_h_nd_kwh_per_m2a",
            "q_w_nd_kwh_per_m2a",
            "typology_fallback",
        ]
    ]
    merged = keys.merge(table, on=["building_type", "age_class", "state"], how="left")
    merged.index = buildings.index
    return merged[["q_h_nd_kwh_per_m2a", "q_w_nd_kwh_per_m2a", "typology_fallback"]]


def useful_heat_kwh_per_a(area_m2: pd.Series, values: pd.DataFrame) -> pd.Series:
    """Useful heat Q_nd = A_C x (q_h_nd + q_w_nd) [kWh/a] (TABULA DE)."""
    specific = values["q_h_nd_kwh_per_m2a"] + values["q_w_nd_kwh_per_m2a"]
    return (area_m2 * specific).rename("useful_heat_kwh_per_a")


def effective_system(buildings: pd.DataFrame, ref: Reference) -> pd.Series:
    """Heating system as modelled: in the TABULA advanced state an old low-temperature boiler
    is replaced by the condensing boiler of its carrier (heating_systems.csv
    ``advanced_system``; project rule, an assumption), every other system stays.
    """
    system = buildings["heating_system"].astype(object)
    replacement = (
        system.map(ref.systems["advanced_system"]) if "advanced_system" in ref.systems else None
    )
    if replacement is None:
        return system.rename("heating_system")
    advanced = buildings["refurbishment_state"].astype(str) == RefurbState.ADVANCED.value
    swap = advanced & replacement.notna() & (replacement.astype(str) != "")
    return system.where(~swap, replacement).rename("heating_system")


def system_efficiency(buildings: pd.DataFrame, ref: Reference) -> pd.Series:
    """Seasonal efficiency (boilers) or seasonal performance factor (heat pumps) [-]."""
    return buildings["heating_system"].map(ref.systems["efficiency"]).astype(float)


def final_energy_kwh_per_a(useful_kwh_per_a: pd.Series, efficiency: pd.Series) -> pd.Series:
    """Final energy Q_f = Q_nd / eta [kWh/a]."""
    return (useful_kwh_per_a / efficiency).rename("final_energy_kwh_per_a")


def co2_t_per_a(final_kwh_per_a: pd.Series, factor_g_per_kwh: pd.Series) -> pd.Series:
    """CO2-equivalent emissions m = Q_f x f_CO2 [g/kWh] / 1e6 [t/a] (GEG Anlage 9)."""
    return (final_kwh_per_a * factor_g_per_kwh / 1e6).rename("co2_t_per_a")


def assess_buildings(buildings: gpd.GeoDataFrame, ref: Reference) -> gpd.GeoDataFrame:
    """All per-building results on a copy of validated canonical ``buildings``.

    Where a building carries ``heat_demand_reported_kwh_per_a`` (e.g. a LANUV file), that
    value is the useful heat (``demand_source = "file"``) and the potentials scale it by the
    TABULA ratio of the target state to the current state. Otherwise the demand is computed
    from TABULA (``demand_source = "tabula"``).

    ``consumption_kwh_per_a`` is the typical consumption calibrated from the demand
    (``consumption_source = "calibrated"``), or the file's ``measured_consumption_kwh_per_a``
    (metered final energy) x eta (``"measured"``). Final energy, primary energy and CO2
    follow the consumption.
    """
    out = buildings.copy()
    area = conditioned_floor_area_m2(out, factor=assumption(ref, "conditioned_area_factor"))
    now = typology_values(out, ref)
    usual = typology_values(out, ref, state=RefurbState.USUAL)
    advanced = typology_values(out, ref, state=RefurbState.ADVANCED)

    q_now = useful_heat_kwh_per_a(area, now)
    q_usual = np.minimum(useful_heat_kwh_per_a(area, usual), q_now)
    q_adv = np.minimum(useful_heat_kwh_per_a(area, advanced), q_usual)

    source = pd.Series("tabula", index=out.index)
    if "heat_demand_reported_kwh_per_a" in out:
        reported = pd.to_numeric(out["heat_demand_reported_kwh_per_a"], errors="coerce")
        has = reported.notna()
        ratio_usual = (q_usual / q_now).where(q_now > 0, 1.0)
        ratio_adv = (q_adv / q_now).where(q_now > 0, 1.0)
        q_now = q_now.where(~has, reported)
        q_usual = q_usual.where(~has, reported * ratio_usual)
        q_adv = q_adv.where(~has, reported * ratio_adv)
        source = source.where(~has, "file")

    out["heating_system"] = effective_system(out, ref)
    eta = system_efficiency(out, ref)
    cal = Calibration.from_reference(ref)
    residential = out["building_type"].astype(str) != "NWG"  # the calibration is residential
    c_now = calibrated_kwh_per_a(q_now, area, cal, calibrate=residential)
    c_usual = np.minimum(calibrated_kwh_per_a(q_usual, area, cal, calibrate=residential), c_now)
    c_adv = np.minimum(calibrated_kwh_per_a(q_adv, area, cal, calibrate=residential), c_usual)
    c_source = pd.Series("calibrated", index=out.index)
    if "measured_consumption_kwh_per_a" in out:
        measured = pd.to_numeric(out["measured_consumption_kwh_per_a"], errors="coerce")
        has = measured.notna() & (measured >= 0)
        c_measured = measured * eta
        scale = (c_measured / c_now).where(c_now > 0, 1.0)
        c_usual = c_usual.where(~has, c_usual * scale)
        c_adv = c_adv.where(~has, c_adv * scale)
        c_now = c_now.where(~has, c_measured)
        c_source = c_source.where(~has, "measured")

    final = final_energy_kwh_per_a(c_now, eta)
    carrier = out["heating_system"].map(ref.systems["carrier"])
    f_co2 = carrier.map(ref.carriers["co2_g_per_kwh"]).astype(float)
    f_p = carrier.map(ref.carriers["primary_energy_factor"]).astype(float)

    out["conditioned_floor_area_m2"] = area
    out["heating_carrier"] = carrier
    out["q_h_nd_kwh_per_m2a"] = now["q_h_nd_kwh_per_m2a"]
    out["q_w_nd_kwh_per_m2a"] = now["q_w_nd_kwh_per_m2a"]
    out["useful_heat_kwh_per_a"] = q_now
    out["useful_heat_kwh_per_m2a"] = (q_now / area).where(area > 0, 0.0)
    out["consumption_kwh_per_a"] = c_now
    out["consumption_kwh_per_m2a"] = (c_now / area).where(area > 0, 0.0)
    out["final_energy_kwh_per_a"] = final
    out["primary_energy_kwh_per_a"] = final * f_p
    out["co2_t_per_a"] = co2_t_per_a(final, f_co2)
    out["potential_usual_kwh_per_a"] = (q_now - q_usual).clip(lower=0.0)
    out["potential_advanced_kwh_per_a"] = (q_now - q_adv).clip(lower=0.0)
    out["consumption_potential_usual_kwh_per_a"] = (c_now - c_usual).clip(lower=0.0)
    out["consumption_potential_advanced_kwh_per_a"] = (c_now - c_adv).clip(lower=0.0)
    out["demand_source"] = source
    out["consumption_source"] = c_source
    out["typology_fallback"] = now["typology_fallback"].where(source == "tabula", "")
    return out


#: Figures of :func:`summarise`, in MWh/a or t/a, as the CLI prints them.
SUMMARY_FIELDS = (
    "buildings",
    "conditioned_floor_area_m2",
    "heat_demand_mwh_per_a",
    "consumption_mwh_per_a",
    "final_energy_mwh_per_a",
    "primary_energy_mwh_per_a",
    "co2_t_per_a",
    "potential_usual_mwh_per_a",
    "potential_advanced_mwh_per_a",
)


def summarise(assessed: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Totals of assessed buildings, overall (one row) or per value of column ``by``.

    Energy figures are converted from kWh/a to MWh/a.
    """
    keys = assessed[by] if by else pd.Series(0, index=assessed.index)
    g = assessed.groupby(keys, sort=True)
    out = pd.DataFrame(
        {
            "buildings": g.size(),
            "conditioned_floor_area_m2": g["conditioned_floor_area_m2"].sum(),
            "heat_demand_mwh_per_a": g["useful_heat_kwh_per_a"].sum() / 1000.0,
            "consumption_mwh_per_a": g["consumption_kwh_per_a"].sum() / 1000.0,
            "final_energy_mwh_per_a": g["final_energy_kwh_per_a"].sum() / 1000.0,
            "primary_energy_mwh_per_a": g["primary_energy_kwh_per_a"].sum() / 1000.0,
            "co2_t_per_a": g["co2_t_per_a"].sum(),
            "potential_usual_mwh_per_a": g["potential_usual_kwh_per_a"].sum() / 1000.0,
            "potential_advanced_mwh_per_a": g["potential_advanced_kwh_per_a"].sum() / 1000.0,
        }
    )
    out.index.name = by
    return out
