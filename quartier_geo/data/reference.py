"""Reference tables from ``geodata/reference/``: typology, factors, thresholds, with sources.

Every table keeps a ``source`` and a ``status`` column (read | inferred | assumption) so that
the UI can show where each figure comes from. Loaded once per process; treat as read-only.
This is the only module that reads the reference CSVs: the domain modules get the tables
through :class:`Reference` (supply options and rules, programme facts, regional shares too).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from quartier_geo.base.columns import AgeClass, BuildingType, RefurbState
from quartier_geo.base.errors import ReferenceDataError

__all__ = [
    "REFERENCE_DIR",
    "Reference",
    "assumption",
    "load_reference",
    "path_value",
]

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "geodata" / "reference"

_VARIANT_TO_STATE = {
    "existing": RefurbState.EXISTING,
    "usual_refurbishment": RefurbState.USUAL,
    "advanced_refurbishment": RefurbState.ADVANCED,
}
_AGE_ORDER = [a.value for a in AgeClass]


@dataclass(frozen=True)
class Reference:
    """All reference tables. DataFrames are shared: never mutate them."""

    typology: pd.DataFrame  # complete grid type x class x state, with fallback notes
    typology_raw: pd.DataFrame  # typology.csv as shipped (TABULA rows)
    carriers: pd.DataFrame  # indexed by carrier
    systems: pd.DataFrame  # indexed by system
    paths: pd.DataFrame
    assumptions: pd.DataFrame  # indexed by key
    benchmarks: pd.DataFrame  # indexed by key
    thresholds: pd.DataFrame
    quarters: pd.DataFrame  # quarters.csv as shipped
    quarter_profiles: pd.DataFrame  # indexed by quarter_id
    potentials: pd.DataFrame
    factors: pd.DataFrame
    quarter_texts: pd.DataFrame  # German/English texts per quarter, indexed by quarter_id
    supply_options: pd.DataFrame  # supply_options.csv, indexed by option
    supply_rules: pd.DataFrame  # supply_rules.csv (caps and parameters)
    #: programme tables by key: facts (programme.csv), measures (programme_measures.csv),
    #: meetings (projekttisch.csv), lessons (lessons.csv), templates (measure_templates.csv)
    programme_facts: Mapping[str, pd.DataFrame]
    #: residents' share [0..1] per settlement type in the region (illustrative, assumption)
    region_shares: pd.Series
    #: wpg_area_rules.csv: supply areas (WPG §18, §19) and the target scenario's assumptions
    wpg_area_rules: pd.DataFrame

    #: per-metre costs, loss share, annuity inputs of the heat-network layout, indexed by key
    #: (network_parameters.csv; an empty value is "keine belegte Zahl")
    network_parameters: pd.DataFrame = field(default_factory=pd.DataFrame)


def _read(directory: Path, name: str, **kwargs: object) -> pd.DataFrame:
    path = directory / name
    if not path.exists():
        raise ReferenceDataError(
            f"Referenztabelle {name} fehlt in {directory}. Installation prüfen (git checkout)."
        )
    return pd.read_csv(path, **kwargs)


def _tabula_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """TABULA 'generic' rows (HR for high-rises) as type/class/state -> q_h_nd, q_w_nd."""
    rows = raw[raw["subtype"].isin(["Gen", "HR"])].copy()
    out = pd.DataFrame(
        {
            "building_type": rows["iwu_type"].astype(str),
            "age_class": rows["age_class"].astype(str),
            "state": rows["variant"].map(_VARIANT_TO_STATE).astype(str),
            "q_h_nd_kwh_per_m2a": rows["q_h_nd_kwh_m2a"].astype(float),
            "q_w_nd_kwh_per_m2a": rows["q_w_nd_kwh_m2a"].astype(float),
            "tabula_code": rows["tabula_code"].astype(str),
        }
    )
    if out.duplicated(["building_type", "age_class", "state"]).any():
        raise ReferenceDataError("typology.csv: doppelte TABULA-Zeilen für Typ/Klasse/Zustand.")
    return out


def _nwg_rows(assumptions: pd.DataFrame) -> pd.DataFrame:
    """Non-residential buildings: one assumed value for all age classes (no TABULA type)."""
    q_w = float(assumptions.loc["nwg_q_w_nd", "value"])
    records = []
    for state in RefurbState:
        q_h = float(assumptions.loc[f"nwg_q_h_nd_{state.value}", "value"])
        for age in _AGE_ORDER:
            records.append(("NWG", age, state.value, q_h, q_w, "assumption (assumptions.csv)"))
    return pd.DataFrame(
        records,
        columns=[
            "building_type",
            "age_class",
            "state",
            "q_h_nd_kwh_per_m2a",
            "q_w_nd_kwh_per_m2a",
            "tabula_code",
        ],
    )


def complete_typology(tabula: pd.DataFrame) -> pd.DataFrame:
    """Fill every (type, class, state) cell, recording which row stood in.

    Rule (documented in the Methods page): a missing GMH or HH class takes the MFH row of
    the same class (the closest type built in that period); any other gap takes the nearest
    age class of the same type (earlier class on a tie). The ``typology_fallback`` column
    names the substitute, e.g. ``"MFH/K"``; it is empty for exact rows.
    """
    have = {(r.building_type, r.age_class, r.state): r for r in tabula.itertuples(index=False)}
    records = []
    for btype in BuildingType:
        for age in _AGE_ORDER:
            for state in RefurbState:
                key = (btype.value, age, state.value)
                if key in have:
                    row, note = have[key], ""
                else:
                    row, note = _substitute(have, btype.value, age, state.value)
                records.append(
                    {
                        "building_type": btype.value,
                        "age_class": age,
                        "state": state.value,
                        "q_h_nd_kwh_per_m2a": row.q_h_nd_kwh_per_m2a,
                        "q_w_nd_kwh_per_m2a": row.q_w_nd_kwh_per_m2a,
                        "tabula_code": row.tabula_code,
                        "typology_fallback": note,
                    }
                )
    return pd.DataFrame.from_records(records)


def _substitute(
    have: dict[tuple[str, str, str], Any], btype: str, age: str, state: str
) -> tuple[Any, str]:
    if btype in ("GMH", "HH") and ("MFH", age, state) in have:
        return have[("MFH", age, state)], f"MFH/{age}"
    i = _AGE_ORDER.index(age)
    for d in range(1, len(_AGE_ORDER)):
        for j in (i - d, i + d):
            if 0 <= j < len(_AGE_ORDER) and (btype, _AGE_ORDER[j], state) in have:
                return have[(btype, _AGE_ORDER[j], state)], f"{btype}/{_AGE_ORDER[j]}"
    raise ReferenceDataError(f"Keine TABULA-Zeile für Gebäudetyp {btype} ({state}).")


_PROGRAMME_FILES = {
    "facts": "programme.csv",
    "measures": "programme_measures.csv",
    "meetings": "projekttisch.csv",
    "lessons": "lessons.csv",
    "templates": "measure_templates.csv",
}


def _programme_facts(directory: Path) -> Mapping[str, pd.DataFrame]:
    """The programme tables (dates and quarter lists as text), read-only mapping by key."""
    return MappingProxyType(
        {
            key: _read(directory, name, dtype={"date": str, "quarters": str})
            for key, name in _PROGRAMME_FILES.items()
        }
    )


def _region_shares(directory: Path) -> pd.Series:
    table = _read(directory, "region_settlement_types.csv")
    return table.set_index("settlement_type")["share_residents"].astype(float)


@functools.cache
def load_reference(directory: Path = REFERENCE_DIR) -> Reference:
    """Load all reference tables from ``directory`` (default: the bundled ones)."""
    raw = _read(directory, "typology.csv")
    assumptions = _read(directory, "assumptions.csv").set_index("key")
    tabula = pd.concat([_tabula_rows(raw), _nwg_rows(assumptions)], ignore_index=True)
    systems = _read(directory, "heating_systems.csv").set_index("system")
    carriers = _read(directory, "carriers.csv").set_index("carrier")
    unknown = set(systems["carrier"]) - set(carriers.index)
    if unknown:
        raise ReferenceDataError(f"heating_systems.csv nennt unbekannte Energieträger: {unknown}")
    return Reference(
        typology=complete_typology(tabula),
        typology_raw=raw,
        carriers=carriers,
        systems=systems,
        paths=_read(directory, "paths.csv"),
        assumptions=assumptions,
        benchmarks=_read(directory, "benchmarks.csv").set_index("key"),
        thresholds=_read(directory, "thresholds.csv"),
        quarters=_read(directory, "quarters.csv", dtype={"concept_start": str}),
        quarter_profiles=_read(directory, "quarter_profiles.csv").set_index("quarter_id"),
        potentials=_read(directory, "potentials.csv"),
        factors=_read(directory, "factors.csv"),
        quarter_texts=_read(directory, "quarter_texts.csv", keep_default_na=False).set_index(
            "quarter_id"
        ),
        supply_options=_read(directory, "supply_options.csv").set_index("option"),
        supply_rules=_read(directory, "supply_rules.csv"),
        programme_facts=_programme_facts(directory),
        region_shares=_region_shares(directory),
        wpg_area_rules=_read(directory, "wpg_area_rules.csv"),
        network_parameters=_read(directory, "network_parameters.csv").set_index("key"),
    )


def assumption(ref: Reference, key: str) -> float:
    """A numeric value of assumptions.csv, e.g. ``conditioned_area_factor``."""
    return float(ref.assumptions.loc[key, "value"])


def path_value(ref: Reference, path: str, year: int) -> float:
    """Value of a yearly path (paths.csv), linearly interpolated, held flat outside its years.

    >>> ref = load_reference()
    >>> path_value(ref, "district_heating_co2", 2035)
    81.0
    """
    p = ref.paths[ref.paths["path"] == path].sort_values("year")
    if p.empty:
        raise ReferenceDataError(f"Pfad {path!r} fehlt in paths.csv.")
    return float(np.interp(year, p["year"].to_numpy(float), p["value"].to_numpy(float)))
