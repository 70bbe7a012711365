"""Cached loaders. The bundle is derived data only (rebuilt after any cache clear).

``st.cache_resource`` returns the same object to every session without copying (a
GeoDataFrame copy per rerun costs time): nothing returned from here may be mutated.
Parameterised caches are keyed by small values and bounded by ``max_entries``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from quartier_geo import energy, layers, selection, supply
from quartier_geo.reference import Reference, load_reference
from quartier_geo.store import Workspace, open_workspace
from quartier_geo.summary import quarter_figures

__all__ = [
    "Bundle",
    "bundle",
    "jury_criteria",
    "quarter_buildings",
    "quarter_grid",
    "quarter_streets",
    "workspace",
]


@dataclass(frozen=True)
class Bundle:
    ref: Reference
    quarters: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame  # validated and assessed
    streets: gpd.GeoDataFrame
    heat_networks: gpd.GeoDataFrame
    potentials: gpd.GeoDataFrame
    programme: dict[str, pd.DataFrame]
    figures: pd.DataFrame  # one row per quarter (summary.FIGURE_FIELDS)

    def quarter(self, quarter_id: int) -> pd.Series:
        return self.quarters.set_index("quarter_id").loc[quarter_id]

    @property
    def quarter_ids(self) -> list[int]:
        return [int(q) for q in self.quarters["quarter_id"]]


@st.cache_resource(show_spinner="Daten werden geladen …")
def bundle() -> Bundle:
    ref = load_reference()
    quarters = layers.load_layer("quarters")
    raw = layers.load_layer("buildings")
    assessed = energy.assess_buildings(layers.validate_buildings(raw, ref).buildings, ref)
    programme = {name: layers.load_table(name) for name in layers.TABLES}
    figures = quarter_figures(quarters, assessed, ref, programme=programme, on=dt.date.today())
    return Bundle(
        ref=ref,
        quarters=quarters,
        buildings=assessed,
        streets=layers.load_layer("streets"),
        heat_networks=layers.load_layer("heat_networks"),
        potentials=layers.load_layer("potentials"),
        programme=programme,
        figures=figures,
    )


@st.cache_resource(max_entries=24, show_spinner=False)
def quarter_buildings(quarter_id: int) -> gpd.GeoDataFrame:
    b = bundle().buildings
    return b[b["quarter_id"] == quarter_id]


@st.cache_resource(max_entries=24, show_spinner=False)
def quarter_grid(quarter_id: int) -> gpd.GeoDataFrame:
    return supply.hectare_grid(quarter_buildings(quarter_id))


@st.cache_resource(max_entries=24, show_spinner=False)
def quarter_streets(quarter_id: int) -> gpd.GeoDataFrame:
    s = bundle().streets
    return supply.linear_heat_density(
        quarter_buildings(quarter_id), s[s["quarter_id"] == quarter_id]
    )


@st.cache_resource(show_spinner=False)
def jury_criteria() -> pd.DataFrame:
    """Jury criteria of the quarters (selection.criteria_table), derived once."""
    data = bundle()
    return selection.criteria_table(data.quarters, data.buildings)


@st.cache_resource(show_spinner=False)
def workspace() -> Workspace:
    """The workspace handle (a path only: records are always read from SQLite)."""
    return open_workspace()
