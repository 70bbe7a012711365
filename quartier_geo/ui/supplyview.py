"""Supply page glue: user-adjusted thresholds and cached supply options per quarter."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.domain import supply
from quartier_geo.ui.data import current, quarter_bundle

__all__ = ["matrix", "options_for", "thresholds_with"]


def thresholds_with(
    thresholds: pd.DataFrame, *, kind: str, bounds: Sequence[float]
) -> pd.DataFrame:
    """``thresholds`` with the inner class bounds of ``kind`` replaced (ascending, > 0).

    The first class keeps its lower bound 0 and the last stays open-ended; labels, sources
    and status rows are kept, so the UI can still show where the defaults came from.
    """
    rows = thresholds[thresholds["kind"] == kind].sort_values("lower").copy()
    bounds = [float(b) for b in bounds]
    if len(bounds) != len(rows) - 1:
        raise QuartierGeoError(f"{kind}: {len(rows) - 1} Grenzen erwartet.")
    if any(b <= 0 for b in bounds) or any(b2 <= b1 for b1, b2 in itertools.pairwise(bounds)):
        raise QuartierGeoError(
            "Die Schwellen müssen größer als 0 sein und von Klasse zu Klasse steigen."
        )
    rows["lower"] = [0.0, *bounds]
    rows["upper"] = [*bounds, float("nan")]
    return pd.concat([thresholds[thresholds["kind"] != kind], rows], ignore_index=True)


def _key(thresholds: pd.DataFrame) -> tuple[tuple[str, float], ...]:
    return tuple(zip(thresholds["kind"], thresholds["lower"].astype(float), strict=True))


@st.cache_data(max_entries=64, show_spinner=False)
def _options(quarter_id: int, bounds: tuple[tuple[str, float], ...]) -> pd.DataFrame:
    data = current()
    thresholds = data.ref.thresholds.copy()
    for kind in {k for k, _ in bounds}:
        lows = sorted(v for k, v in bounds if k == kind)[1:]
        thresholds = thresholds_with(thresholds, kind=kind, bounds=lows)
    q = quarter_bundle(quarter_id)
    return supply.supply_options(
        q.buildings, ref=data.ref, thresholds=thresholds, criteria=q.criteria
    )


def options_for(quarter_id: int, thresholds: pd.DataFrame) -> pd.DataFrame:
    return _options(quarter_id, _key(thresholds))


def matrix(quarter_ids: Sequence[int], thresholds: pd.DataFrame) -> pd.DataFrame:
    """Suitability (0-3) of every option for every quarter."""
    return supply.suitability_matrix({q: options_for(q, thresholds) for q in quarter_ids})
