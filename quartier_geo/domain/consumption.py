"""Typical consumption from calculated demand, and measured consumption where a file has it.

TABULA gives the heat *demand* under standard conditions. Measured consumption of old
buildings is far lower (prebound effect: partial heating, lower room temperatures); TABULA
and IWU therefore calibrate the standard calculation to the typical level of measured
consumption (episcope.eu, TABULA WebTool). IWU's own calibration function was not available
to this project, so the mechanism is implemented with explicit assumptions
(assumptions.csv ``consumption_calibration_*``):

* specific consumption  c(q) = q                      for q <= q0
                        c(q) = q0 + s x (q - q0)     for q >  q0
* slope  s = (c_a - q0) / (q_a - q0), where (q_a, c_a) is the anchor point of the issue #9
  review (about 190 kWh/m² calculated against about 125 kWh/m² measured for centrally heated
  old buildings, per m² living area), converted to m² A_C with the living-area factor 1.10.

The ratio c/q is 1 for efficient buildings and falls as the calculated demand rises. q and
c are useful heat per m² conditioned floor area A_C and year. The calibration is one of the
residential typology: non-residential buildings (NWG, whose demand is itself an assumption)
keep their demand as consumption.

A measured consumption in a file (``measured_consumption_kwh_per_a``) is the metered final
energy (e.g. gas from the network operator); it wins: consumption = measured x eta.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from quartier_geo.data.reference import Reference, assumption

__all__ = ["Calibration", "calibrated_kwh_per_a", "specific_consumption"]


@dataclass(frozen=True)
class Calibration:
    """The calibration line in kWh/(m² A_C·a): threshold q0 and the anchor (q_a, c_a)."""

    q0: float
    anchor_demand: float
    anchor_consumption: float

    @property
    def slope(self) -> float:
        """s = (c_a - q0) / (q_a - q0) [-].

        >>> round(Calibration(60.0, 160.0, 110.0).slope, 3)
        0.5
        """
        return (self.anchor_consumption - self.q0) / (self.anchor_demand - self.q0)

    @classmethod
    def from_reference(cls, ref: Reference) -> Calibration:
        """The calibration of assumptions.csv; the anchor converted from m² living area to A_C."""
        living = assumption(ref, "living_to_conditioned_area_factor")
        return cls(
            q0=assumption(ref, "consumption_calibration_q0"),
            anchor_demand=assumption(ref, "consumption_calibration_anchor_demand") / living,
            anchor_consumption=assumption(ref, "consumption_calibration_anchor_consumption")
            / living,
        )


def specific_consumption(q: pd.Series, cal: Calibration) -> pd.Series:
    """Typical specific consumption c(q) [kWh/(m²·a)] for calculated specific demand q.

    >>> cal = Calibration(60.0, 160.0, 110.0)
    >>> specific_consumption(pd.Series([40.0, 60.0, 160.0, 260.0]), cal).tolist()
    [40.0, 60.0, 110.0, 160.0]
    """
    q = q.astype(float)
    above = cal.q0 + cal.slope * (q - cal.q0)
    return q.where(q <= cal.q0, above)


def calibrated_kwh_per_a(
    useful_kwh_per_a: pd.Series,
    area_m2: pd.Series,
    cal: Calibration,
    *,
    calibrate: pd.Series | None = None,
) -> pd.Series:
    """Typical consumption [kWh/a] of a calculated useful heat demand on floor area A_C.

    Buildings without floor area, and those where ``calibrate`` is False (non-residential),
    keep their demand.
    """
    area = area_m2.astype(float)
    ok = area > 0
    if calibrate is not None:
        ok = ok & calibrate.astype(bool)
    q = (useful_kwh_per_a / area.where(ok, np.nan)).fillna(0.0)
    out = specific_consumption(q, cal) * area
    return out.where(ok, useful_kwh_per_a).rename("consumption_kwh_per_a")
