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

__all__ = ["ASSUMED_SOURCE", "FIGURE_FIELDS", "quarter_figures", "summary_record", "with_ratios"]

#: Fields of one quarter record, in the order of the CLI contract.
FIGURE_FIELDS = (
    "quarter_id",
    "name",
    "municipality",
    "quarter_type",
    "area_ha",
    "area_ha_status",
    "area_ha_source",
    "residents",
    "residents_status",
    "residents_source",
    "buildings",
    "heat_demand_mwh_per_a",
    "consumption_mwh_per_a",
    "final_energy_mwh_per_a",
    "co2_t_per_a",
    "potential_usual_mwh_per_a",
    "potential_advanced_mwh_per_a",
    "heat_density_mwh_per_ha_a",
    "phase",
)


#: Status of a quarter's area and residents in the figures: the layer's status words
#: (quarter_profiles.csv: ``read`` / ``assumption``) in the words of the CLI contract.
_STATUS = {"read": "reported", "assumption": "assumed"}
#: Source of an assumed area or resident count.
ASSUMED_SOURCE = "assumption of the project (geodata/reference/quarter_profiles.csv)"


def _status_columns(quarters: pd.DataFrame, kind: str) -> tuple[pd.Series, pd.Series]:
    """(status, source) of ``kind`` ("area" or "residents") per quarter.

    ``reported`` figures carry the quarter's source text (quarters.csv ``size_sources``,
    where Herne-Mitte's area and Lünen-Süd's figures are marked as secondary citations);
    ``assumed`` ones name the profile table; unknown ones (an imported area's residents)
    are empty.
    """
    raw = quarters.get(f"{kind}_status", pd.Series("", index=quarters.index))
    status = raw.fillna("").astype(str).map(_STATUS)
    source = quarters.get("source", pd.Series("", index=quarters.index)).fillna("").astype(str)
    source = source.where(status == "reported", ASSUMED_SOURCE).where(status.notna(), None)
    return status, source


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
    base["area_ha_status"], base["area_ha_source"] = _status_columns(quarters, "area")
    base["residents_status"], base["residents_source"] = _status_columns(quarters, "residents")
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
