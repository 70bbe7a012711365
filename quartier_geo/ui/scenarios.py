"""Scenario glue: parameters from widgets and URL, cached paths, saved scenarios."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import streamlit as st

from quartier_geo.base.columns import RefurbState
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.store import Record, records_of_quarter
from quartier_geo.domain.refurbishment import (
    Priority,
    ScenarioParams,
    refurbishment_years,
    scenario_path,
)
from quartier_geo.ui.data import bundle, quarter_buildings, workspace

__all__ = [
    "KIND",
    "from_payload",
    "path_for",
    "periods",
    "saved_for_quarter",
    "to_payload",
    "years_for",
]

KIND = "scenario"


@st.cache_data(max_entries=64, show_spinner=False)
def path_for(quarter_id: int, params: ScenarioParams) -> pd.DataFrame:
    """The yearly path of one quarter (cached by quarter id and the frozen parameters)."""
    return scenario_path(quarter_buildings(quarter_id), params, bundle().ref)


@st.cache_data(max_entries=32, show_spinner=False)
def years_for(quarter_id: int, params: ScenarioParams) -> pd.Series:
    return refurbishment_years(quarter_buildings(quarter_id), params)


def periods(years: pd.Series, params: ScenarioParams, *, step: int = 5) -> pd.Series:
    """Five-year periods of the refurbishment year ("2026–2030"); NaN stays NaN."""
    start = params.start_year + 1
    bins = list(range(start, params.end_year + 1, step))
    labels = {b: f"{b}–{min(b + step - 1, params.end_year)}" for b in bins}
    first = (start + ((years - start) // step) * step).where(years.notna())
    return first.map(labels)


def to_payload(params: ScenarioParams) -> dict[str, Any]:
    out = dataclasses.asdict(params)
    out["depth"] = params.depth.value
    out["priority"] = params.priority.value
    return out


def from_payload(payload: dict[str, Any]) -> ScenarioParams:
    """Parameters of a saved scenario; an unreadable record raises a QuartierGeoError."""
    try:
        values = dict(payload)
        values["depth"] = RefurbState(values["depth"])
        values["priority"] = Priority(values["priority"])
        return ScenarioParams(**values)
    except (KeyError, TypeError, ValueError) as exc:
        raise QuartierGeoError(f"Gespeichertes Szenario nicht lesbar ({exc}).") from exc


def saved_for_quarter(quarter_id: int) -> list[Record]:
    """Saved scenarios of a quarter (read from the workspace on every run, never cached)."""
    return records_of_quarter(workspace().list(KIND), quarter_id)
