"""Key figures per quarter: the energy totals, heat density and programme phase.

One function, :func:`quarter_figures`, produces the table that the CLI prints, the
overview page shows and the jury compares. Inputs are the bundled (or imported) layers.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from quartier_geo.data.reference import Reference
from quartier_geo.domain import energy, phases, supply

__all__ = ["FIGURE_FIELDS", "quarter_figures", "summary_record", "with_ratios"]

#: Fields of one quarter record, in the order of the CLI contract.
FIGURE_FIELDS = (
    "quarter_id",
    "name",
    "municipality",
    "quarter_type",
    "area_ha",
    "residents",
    "buildings",
    "heat_demand_mwh_per_a",
    "final_energy_mwh_per_a",
    "co2_t_per_a",
    "potential_usual_mwh_per_a",
    "potential_advanced_mwh_per_a",
    "heat_density_mwh_per_ha_a",
    "phase",
)


#: The figures table's (CLI contract) names for the time before and after a quarter's phases.
_OUTSIDE = {
    phases.ProgrammeState.BEFORE.value: "not_started",
    phases.ProgrammeState.AFTER.value: "completed",
}


def summary_record(assessed: gpd.GeoDataFrame) -> dict[str, float]:
    """Totals of one set of assessed buildings plus its heat density.

    ``heat_density_mwh_per_ha_a`` is the heat demand divided by the area of the hectare
    cells that contain buildings (MWh per built hectare and year), the figure that the
    heat-density thresholds refer to (thresholds.csv).
    """
    totals = energy.summarise(assessed).iloc[0].to_dict()
    grid = supply.hectare_grid(assessed)
    built_ha = float(grid.geometry.area.sum()) / 10_000.0
    totals["heat_density_mwh_per_ha_a"] = (
        totals["heat_demand_mwh_per_a"] / built_ha if built_ha > 0 else 0.0
    )
    totals["buildings"] = int(totals["buildings"])
    return totals


def quarter_figures(
    quarters: gpd.GeoDataFrame,
    assessed: gpd.GeoDataFrame,
    ref: Reference,
    *,
    programme: dict[str, pd.DataFrame] | None = None,
    on: dt.date | None = None,
) -> pd.DataFrame:
    """One row per quarter with :data:`FIGURE_FIELDS` (energy in MWh/a, CO2 in t/a)."""
    rows = []
    for qid, group in assessed.groupby("quarter_id", sort=True):
        rec = summary_record(group)
        rec["quarter_id"] = int(qid)
        rows.append(rec)
    figures = pd.DataFrame(rows)
    base = quarters[["quarter_id", "name", "municipality", "quarter_type", "residents"]].copy()
    base["area_ha"] = quarters.geometry.area / 10_000.0
    out = base.merge(figures, on="quarter_id", how="left")
    if programme is not None:
        status = phases.status_at(programme, on or dt.date.today()).reset_index()
        # outside the programme's dates the quarter has no phase: say before or completed
        status["phase"] = phases.phase_or_state(status, outside=_OUTSIDE)
        out = out.merge(status[["quarter_id", "phase"]], on="quarter_id", how="left")
    else:
        out["phase"] = pd.NA
    return out[list(FIGURE_FIELDS)].sort_values("quarter_id").reset_index(drop=True)


def with_ratios(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` plus two ratios for the overview map (a new frame; the input is kept).

    * ``co2_t_per_resident_a`` = co2_t_per_a / residents (t CO2 per resident and year),
      NaN where the residents are unknown or 0 (imported areas);
    * ``potential_share`` = 100 * potential_usual_mwh_per_a / heat_demand_mwh_per_a (%):
      the share of today's heat demand that usual refurbishment saves, NaN for no demand.
    """
    residents = figures["residents"].astype(float)
    demand = figures["heat_demand_mwh_per_a"].astype(float)
    co2 = figures["co2_t_per_a"].astype(float)
    potential = figures["potential_usual_mwh_per_a"].astype(float)
    return figures.assign(
        co2_t_per_resident_a=(co2 / residents.where(residents > 0)),
        potential_share=100.0 * potential / demand.where(demand > 0),
    )
