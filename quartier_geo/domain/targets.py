"""A scenario path against the benchmarks: the ten-year CO2 cut and climate neutrality.

The refurbishment page compares a quarter's path (:func:`quartier_geo.domain.refurbishment.
scenario_path`) with two benchmarks from benchmarks.csv: InnovationCity Bottrop halved the
CO2 emissions of its pilot area in ten years (``bottrop_co2_reduction_10y``, 50 %), and
the quarter should be climate-neutral in the target year (2045, KSG/WPG). This module
turns the path into those two verdicts; the wording stays in the UI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from quartier_geo.base.errors import QuartierGeoError

__all__ = [
    "BENCHMARK_HORIZON_YEARS",
    "NEUTRAL_RESIDUAL_T_PER_A",
    "TargetCheck",
    "check_targets",
]

#: Years after the start over which the CO2 cut is compared with Bottrop's (2010-2020).
BENCHMARK_HORIZON_YEARS = 10

#: Residual emissions in the end year up to which the quarter counts as climate-neutral
#: (t CO2 per year). An assumption of this tool, not from a source: it absorbs the rounding
#: of the path (a few hundred kilograms, far less than one household's heating) so that a
#: path that reaches zero in the model is not reported as missing the target.
NEUTRAL_RESIDUAL_T_PER_A = 0.5

#: A cut this close below the benchmark (percentage points) counts as reached: float noise.
_TOLERANCE_PCT = 1e-9


@dataclass(frozen=True)
class TargetCheck:
    """The verdicts of one scenario path.

    Attributes
    ----------
    co2_start_t_per_a
        Emissions in the start year (t CO2/a).
    co2_horizon_t_per_a
        Emissions :data:`BENCHMARK_HORIZON_YEARS` years after the start (t CO2/a).
    cut_horizon_pct
        Reduction from the start to the horizon year in per cent of the start value (NaN if
        the start value is 0: nothing to reduce).
    benchmark_cut_pct
        The benchmark's reduction over the same horizon (per cent), e.g. Bottrop's 50.
    benchmark_reached
        ``cut_horizon_pct >= benchmark_cut_pct`` up to float noise (False when the cut
        is NaN).
    co2_end_t_per_a
        Emissions in the path's last year (t CO2/a).
    neutral_reached
        ``co2_end_t_per_a <= residual`` (see :data:`NEUTRAL_RESIDUAL_T_PER_A`).
    """

    co2_start_t_per_a: float
    co2_horizon_t_per_a: float
    cut_horizon_pct: float
    benchmark_cut_pct: float
    benchmark_reached: bool
    co2_end_t_per_a: float
    neutral_reached: bool


def check_targets(
    path: pd.DataFrame,
    *,
    benchmark_cut_pct: float,
    horizon_years: int = BENCHMARK_HORIZON_YEARS,
    residual_t_per_a: float = NEUTRAL_RESIDUAL_T_PER_A,
) -> TargetCheck:
    """Compare a yearly CO2 path with a ten-year benchmark and with climate neutrality.

    Parameters
    ----------
    path
        One row per year with ``year`` and ``co2_t_per_a`` (t CO2/a), first row the start
        (status quo), as returned by ``scenario_path``.
    benchmark_cut_pct
        Reduction in per cent reached by the benchmark within ``horizon_years``
        (benchmarks.csv ``bottrop_co2_reduction_10y``).
    horizon_years
        Years after the start at which the cut is read (a).
    residual_t_per_a
        Emissions in the last year up to which the path counts as climate-neutral (t/a).

    Returns
    -------
    TargetCheck

    Raises
    ------
    QuartierGeoError
        If the path has no row ``horizon_years`` after its first year.

    Examples
    --------
    >>> co2 = [80.0 - 4 * i for i in range(21)]  # 80 t/a falling by 4 t/a to 0 in 2045
    >>> p = pd.DataFrame({"year": range(2025, 2046), "co2_t_per_a": co2})
    >>> c = check_targets(p, benchmark_cut_pct=50.0)
    >>> (c.cut_horizon_pct, c.benchmark_reached, c.co2_end_t_per_a, c.neutral_reached)
    (50.0, True, 0.0, True)
    """
    if path.empty:
        raise QuartierGeoError("Der Szenariopfad ist leer.")
    years = path["year"].astype(int).to_numpy()
    co2 = path["co2_t_per_a"].astype(float).to_numpy()
    at_horizon = years == years[0] + horizon_years
    if not at_horizon.any():
        raise QuartierGeoError(
            f"Der Szenariopfad reicht keine {horizon_years} Jahre (bis {years[-1]})."
        )
    start = float(co2[0])
    horizon = float(co2[at_horizon][0])
    cut = 100.0 * (start - horizon) / start if start > 0 else math.nan
    end = float(co2[-1])
    return TargetCheck(
        co2_start_t_per_a=start,
        co2_horizon_t_per_a=horizon,
        cut_horizon_pct=cut,
        benchmark_cut_pct=float(benchmark_cut_pct),
        benchmark_reached=bool(cut >= benchmark_cut_pct - _TOLERANCE_PCT),
        co2_end_t_per_a=end,
        neutral_reached=end <= residual_t_per_a,
    )
