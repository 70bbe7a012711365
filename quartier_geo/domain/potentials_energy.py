"""Potentials with energy per block and quarter (WPG §16; issue #9 item 5). Modelled.

* **Roof PV** [kWh/a] = roof area x kWp per m² of roof x specific yield (NRW)
  (``potential_parameters.csv``). The roof area is ``roof_area_m2`` where an import gives
  it, else the footprint (no sourced roof-shape factor: a lower bound for pitched roofs).
* **Roof solar thermal**: no sourced specific yield, so None ("keine belegte Zahl").
* **Free space** of a block [m²] = block outline (convex hull of its buildings,
  :mod:`.blocks`) minus the footprints: plots are not in the data, so this is modelled.
* **Air heat pumps**: a block is suitable where each building has at least a circle of the
  noise distance (π d², d from ``potential_parameters.csv``) of free space; its useful heat
  is then the air heat pump potential.
* **Ground heat pumps**: boreholes = free space / spacing² (VDI 4640 Blatt 2); heat
  [kWh/a] = boreholes x length x W/m x hours / 1000 x SPF / (SPF - 1) (the extracted heat
  plus the electricity, SPF of ``heating_systems.csv``).
* **Waste heat and mine water** sites: ``energy_mwh_per_a`` and ``temperature_c`` are
  inputs (the reference table gives temperatures where its source names them).

Pure functions; None / NaN where a parameter has no sourced number, never 0.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from quartier_geo.data.cost_tables import CostTables, value_or_none

__all__ = [
    "POTENTIAL_COLUMNS",
    "block_potentials",
    "public_quarter_potentials",
    "quarter_potentials",
    "roof_potentials",
    "site_potentials",
]

#: the energy columns of a block's or quarter's potentials, kWh/a
POTENTIAL_COLUMNS = (
    "pv_kwh_per_a",
    "solar_thermal_kwh_per_a",
    "air_hp_kwh_per_a",
    "ground_hp_kwh_per_a",
)


def _p(tables: CostTables, key: str) -> float | None:
    return value_or_none(tables.potential, key)


def roof_potentials(buildings: pd.DataFrame, tables: CostTables) -> pd.DataFrame:
    """Roof area [m²], PV and solar thermal [kWh/a] per building (same index).

    ``roof_area_m2`` is used where present and filled, else ``footprint_m2`` (or the
    geometry's area). Solar thermal stays NaN without a sourced specific yield.
    """
    footprint = (
        buildings["footprint_m2"].astype(float)
        if "footprint_m2" in buildings.columns
        else pd.Series(np.asarray(buildings.geometry.area, float), index=buildings.index)
    )
    roof = footprint
    if "roof_area_m2" in buildings.columns:
        roof = buildings["roof_area_m2"].astype(float).fillna(footprint)
    kwp_per_m2 = _p(tables, "pv_kwp_per_m2_roof")
    yield_ = _p(tables, "pv_specific_yield_kwh_per_kwp")
    st = _p(tables, "solar_thermal_kwh_per_m2a")
    nan = pd.Series(np.nan, index=buildings.index)
    return pd.DataFrame(
        {
            "roof_area_m2": roof,
            "pv_kwh_per_a": roof * kwp_per_m2 * yield_ if kwp_per_m2 and yield_ else nan,
            "solar_thermal_kwh_per_a": roof * st if st else nan,
        },
        index=buildings.index,
    )


def _ground_hp_kwh(free_m2: pd.Series, tables: CostTables, spf: float) -> pd.Series:
    keys = ("borehole_spacing_m", "borehole_length_m", "borehole_extraction_w_per_m")
    spacing, length, w_per_m = (_p(tables, k) for k in keys)
    hours = _p(tables, "borehole_hours_h_per_a")
    if not (spacing and length and w_per_m and hours) or spf <= 1:
        return pd.Series(np.nan, index=free_m2.index)
    boreholes = np.floor(free_m2.clip(lower=0) / spacing**2)
    extracted = boreholes * length * w_per_m * hours / 1000.0
    return extracted * spf / (spf - 1.0)


def block_potentials(
    blocks: pd.DataFrame, buildings: pd.DataFrame, tables: CostTables, *, spf_ground: float
) -> pd.DataFrame:
    """Potentials per block (index ``block_id``): buildings, useful heat, roof area,
    footprint, free space [m²], boreholes and :data:`POTENTIAL_COLUMNS` [kWh/a]."""
    roofs = roof_potentials(buildings, tables)
    per = buildings[["block_id", "useful_heat_kwh_per_a"]].join(roofs)
    per["footprint_m2"] = (
        buildings["footprint_m2"].astype(float)
        if "footprint_m2" in buildings.columns
        else np.asarray(buildings.geometry.area, float)
    )
    sums = per.groupby("block_id").agg(
        buildings=("useful_heat_kwh_per_a", "size"),
        useful_heat_kwh_per_a=("useful_heat_kwh_per_a", "sum"),
        roof_area_m2=("roof_area_m2", "sum"),
        footprint_m2=("footprint_m2", "sum"),
        pv_kwh_per_a=("pv_kwh_per_a", lambda s: s.sum(min_count=len(s))),
        solar_thermal_kwh_per_a=("solar_thermal_kwh_per_a", lambda s: s.sum(min_count=len(s))),
    )
    outline = pd.Series(
        np.asarray(blocks.geometry.area, float), index=blocks["block_id"].to_numpy()
    )
    sums["outline_m2"] = outline.reindex(sums.index)
    sums["free_m2"] = (sums["outline_m2"] - sums["footprint_m2"]).clip(lower=0)
    distance = _p(tables, "hp_air_min_distance_m")
    if distance:
        fits = sums["free_m2"] / sums["buildings"] >= np.pi * distance**2
        sums["air_hp_kwh_per_a"] = sums["useful_heat_kwh_per_a"].where(fits, 0.0)
    else:
        sums["air_hp_kwh_per_a"] = np.nan
    spacing = _p(tables, "borehole_spacing_m")
    sums["boreholes"] = np.floor(sums["free_m2"] / spacing**2) if spacing else np.nan
    sums["ground_hp_kwh_per_a"] = _ground_hp_kwh(sums["free_m2"], tables, spf_ground)
    return sums


def quarter_potentials(block_table: pd.DataFrame) -> pd.Series:
    """The quarter's sums of :func:`block_potentials` (NaN stays NaN where any block lacks it)."""
    cols = ["buildings", "useful_heat_kwh_per_a", "roof_area_m2", "free_m2", "boreholes"]
    cols += list(POTENTIAL_COLUMNS)
    return block_table[cols].sum(min_count=1).where(block_table[cols].notna().all())


def public_quarter_potentials(
    block_table: pd.DataFrame, shown: Collection[str], *, min_buildings: int
) -> pd.Series | None:
    """:func:`quarter_potentials` for public output, or None where it must be withheld:
    the quarter total minus the shown blocks (``shown``: ids of ``block_table``'s index)
    is the sum of the withheld blocks, so the total is shown only when these hold no
    building or at least ``min_buildings`` buildings together."""
    withheld = ~block_table.index.astype(str).isin([str(b) for b in shown])
    rest = int(block_table.loc[withheld, "buildings"].sum())
    if 0 < rest < min_buildings:
        return None
    return quarter_potentials(block_table)


def site_potentials(potentials: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Waste heat and mine water sites with ``energy_mwh_per_a`` and ``temperature_c``.

    The layer's own columns win; where it lacks them, the reference table (potentials.csv,
    by ``potential_id``) fills them. Both stay NaN where nobody entered a number.
    """
    out = pd.DataFrame(potentials.drop(columns="geometry", errors="ignore")).copy()
    ref = reference.set_index("potential_id") if "potential_id" in reference.columns else None
    for col in ("energy_mwh_per_a", "temperature_c"):
        own = out[col] if col in out.columns else pd.Series(np.nan, index=out.index)
        if ref is not None and col in ref.columns and "potential_id" in out.columns:
            own = own.astype(float).fillna(out["potential_id"].map(ref[col]))
        out[col] = own.astype(float)
    keep = [c for c in ("potential_id", "kind", "name", "municipality") if c in out.columns]
    return out[[*keep, "energy_mwh_per_a", "temperature_c"]]
