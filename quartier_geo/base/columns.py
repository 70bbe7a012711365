"""The glossary: every canonical column with its unit and meaning, and the closed vocabularies.

Numeric names carry their unit (``_m2``, ``_kwh_per_a``, ``_t_per_a``). Source fields of
imported files are mapped to these names once, at the boundary (importers, layers).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "AGE_CLASS_YEARS",
    "AGGREGATE_LEVELS",
    "AGGREGATE_SUMS",
    "BUILDING_COLUMNS",
    "QUARTER_COLUMNS",
    "RESULT_COLUMNS",
    "AgeClass",
    "BuildingType",
    "Column",
    "OwnerType",
    "QuarterType",
    "RefurbState",
]


class BuildingType(StrEnum):
    """IWU building types; HH = high-rise (TABULA AB.xx.HR), NWG = non-residential."""

    EFH = "EFH"  # Einfamilienhaus (single-family, detached or semi-detached)
    RH = "RH"  # Reihenhaus (terraced house)
    MFH = "MFH"  # Mehrfamilienhaus
    GMH = "GMH"  # großes Mehrfamilienhaus (apartment block)
    HH = "HH"  # Hochhaus (high-rise)
    NWG = "NWG"  # Nichtwohngebäude (non-residential)


class AgeClass(StrEnum):
    """IWU/TABULA construction-year classes A-L."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"
    I = "I"  # noqa: E741 - the IWU class is called I
    J = "J"
    K = "K"
    L = "L"


#: First and last construction year of each IWU class (typology.md, read from TABULA Year1/Year2).
AGE_CLASS_YEARS: dict[str, tuple[int | None, int | None]] = {
    "A": (None, 1859),
    "B": (1860, 1918),
    "C": (1919, 1948),
    "D": (1949, 1957),
    "E": (1958, 1968),
    "F": (1969, 1978),
    "G": (1979, 1983),
    "H": (1984, 1994),
    "I": (1995, 2001),
    "J": (2002, 2009),
    "K": (2010, 2015),
    "L": (2016, None),
}


class RefurbState(StrEnum):
    """TABULA variants: existing state, usual and advanced refurbishment."""

    EXISTING = "existing"
    USUAL = "usual"
    ADVANCED = "advanced"


class OwnerType(StrEnum):
    SELF_USER = "self_user"  # owner-occupier
    PRIVATE_LANDLORD = "private_landlord"
    HOUSING_COMPANY = "housing_company"
    PUBLIC = "public"
    COMMERCIAL = "commercial"


class QuarterType(StrEnum):
    """Settlement types the demo generator draws and the jury compares."""

    COLLIERY = "colliery"  # Zechensiedlung
    GRUENDERZEIT = "gruenderzeit"  # Gründerzeit-Blockrand
    POSTWAR_ROWS = "postwar_rows"  # Nachkriegs-Zeilenbau
    ESTATE_6070 = "estate_6070"  # Großsiedlung der 1960er/70er
    SUBURB_EFH = "suburb_efh"  # Einfamilienhausgebiet
    MIXED_INNER = "mixed_inner"  # gemischte Innenstadt


@dataclass(frozen=True)
class Column:
    name: str
    unit: str
    meaning: str


_B = Column
#: Canonical building attributes (input side). Required for ``analyse``: building_type,
#: age_class and either conditioned_floor_area_m2 or storeys.
BUILDING_COLUMNS: tuple[Column, ...] = (
    _B("building_id", "-", "unique id of the building"),
    _B("quarter_id", "-", "id of the quarter (1-20 for the roll-out quarters)"),
    _B("building_type", "-", "EFH, RH, MFH, GMH, HH or NWG"),
    _B("age_class", "-", "IWU construction-year class A-L"),
    _B("storeys", "-", "number of full storeys (1.5 = storey plus converted attic)"),
    _B("footprint_m2", "m²", "area of the footprint polygon, computed in EPSG:25832"),
    _B("conditioned_floor_area_m2", "m²", "conditioned floor area A_C (TABULA reference area)"),
    _B("heating_carrier", "-", "gas, oil, coal, electricity, district_heating, biomass"),
    _B("heating_system", "-", "system id of heating_systems.csv (sets efficiency or SPF)"),
    _B("refurbishment_state", "-", "existing, usual or advanced (TABULA variants)"),
    _B("owner_type", "-", "self_user, private_landlord, housing_company, public, commercial"),
    _B("listed", "-", "listed building (Denkmal): true/false"),
    _B("street_id", "-", "id of the street segment the building is assigned to"),
    _B("block_id", "-", "id of the urban block (public mode aggregates to blocks)"),
    _B("address", "-", "street and number (synthetic in the demo)"),
    _B("residents", "persons", "modelled residents (demo data)"),
    _B("heat_demand_reported_kwh_per_a", "kWh/a", "heat demand given by the source file"),
    _B(
        "measured_consumption_kwh_per_a",
        "kWh/a",
        "measured (metered) final energy consumption; wins over the calibrated consumption",
    ),
)

#: Result columns added by :func:`quartier_geo.domain.energy.assess_buildings`.
RESULT_COLUMNS: tuple[Column, ...] = (
    _B("q_h_nd_kwh_per_m2a", "kWh/(m²·a)", "space heating need, TABULA row of the current state"),
    _B("q_w_nd_kwh_per_m2a", "kWh/(m²·a)", "hot-water need, TABULA row"),
    _B("useful_heat_kwh_per_a", "kWh/a", "useful heat demand (space heating + hot water)"),
    _B("useful_heat_kwh_per_m2a", "kWh/(m²·a)", "useful heat per m² conditioned floor area"),
    _B("consumption_kwh_per_a", "kWh/a", "typical heat consumption: calibrated demand or measured"),
    _B("consumption_kwh_per_m2a", "kWh/(m²·a)", "consumption per m² conditioned floor area"),
    _B("consumption_source", "-", "calibrated (from the demand) or measured (from the file)"),
    _B("final_energy_kwh_per_a", "kWh/a", "consumption / system efficiency (or SPF)"),
    _B("primary_energy_kwh_per_a", "kWh/a", "final energy x primary energy factor (GEG Anlage 4)"),
    _B("co2_t_per_a", "t CO2/a", "final energy x emission factor (carriers.csv)"),
    _B("potential_usual_kwh_per_a", "kWh/a", "useful heat now - after usual refurbishment"),
    _B("potential_advanced_kwh_per_a", "kWh/a", "useful heat now - after advanced refurbishment"),
    _B("consumption_potential_usual_kwh_per_a", "kWh/a", "consumption now - after usual"),
    _B("consumption_potential_advanced_kwh_per_a", "kWh/a", "consumption now - after advanced"),
    _B("demand_source", "-", "tabula (computed) or file (taken from the source file)"),
    _B("typology_fallback", "-", "empty, or which TABULA row stood in for a missing one"),
)

QUARTER_COLUMNS: tuple[Column, ...] = (
    _B("quarter_id", "-", "1-20 as in quarters.csv"),
    _B("name", "-", "quarter name"),
    _B("municipality", "-", "municipality"),
    _B("quarter_type", "-", "primary settlement type (QuarterType)"),
    _B("area_ha", "ha", "area of the (synthetic) quarter polygon"),
    _B("area_ha_reported", "ha", "reported area, empty where no source gave one"),
    _B("residents_reported", "persons", "reported residents, empty where unknown"),
    _B("residents", "persons", "residents used by the model (reported or assumed)"),
    _B("buildings_reported", "-", "reported number of buildings (Herne-Mitte only)"),
    _B("concept_start", "date", "start of the concept phase (first day of month if only month)"),
)


#: Units of aggregation of the buildings, and the column that names a unit in each
#: (``cell_id`` as in :func:`quartier_geo.domain.heat_density.cell_ids`).
AGGREGATE_LEVELS = MappingProxyType(
    {"cell": "cell_id", "block": "block_id", "quarter": "quarter_id"}
)
#: Columns summed per unit where the buildings carry them: the stored building layer has
#: the first three; the assessed results follow (``database init`` stores them too).
AGGREGATE_SUMS = (
    "conditioned_floor_area_m2",
    "dwellings",
    "residents",
    "useful_heat_kwh_per_a",
    "consumption_kwh_per_a",
    "final_energy_kwh_per_a",
    "co2_t_per_a",
)
