"""The rule tables of the importer: defaults, code lists, vocabularies, fill messages.

Every default here is an **assumption** of this importer (marked as such), every code
list names its source. :mod:`quartier_geo.imports.fill` applies them in a fixed order and
reports each use; the helpers below are the vectorised building blocks it uses.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from quartier_geo.base.columns import AGE_CLASS_YEARS, QuarterType
from quartier_geo.imports.types import Issue

__all__ = [
    "CARRIERS",
    "GLOBAL_DEFAULT",
    "KEEP_EXTRA",
    "OSM_HOUSE",
    "QUARTER_TYPE_DEFAULTS",
    "RESIDENTIAL_ADV_CODES",
    "STOREYS_BY_TYPE",
    "TYPE_ALIASES",
    "UNHEATED_ADV_CODES",
    "categorise",
    "fill_issue",
    "numeric",
    "text_values",
    "type_by_storeys",
    "unique_ids",
    "year_to_age",
    "years_of",
]

#: Default (building type, age class) per quarter type: the dominant style and age of the
#: demo generator's settlement types (demo_attributes.py). Assumption.
QUARTER_TYPE_DEFAULTS: dict[str, tuple[str, str]] = {
    QuarterType.COLLIERY: ("RH", "B"),
    QuarterType.GRUENDERZEIT: ("MFH", "B"),
    QuarterType.POSTWAR_ROWS: ("MFH", "D"),
    QuarterType.ESTATE_6070: ("GMH", "F"),
    QuarterType.SUBURB_EFH: ("EFH", "F"),
    QuarterType.MIXED_INNER: ("MFH", "B"),
}
#: Without a quarter type: post-war multi-family housing, the largest group of the Ruhr's
#: stock (assumption).
GLOBAL_DEFAULT = ("MFH", "E")
#: Storeys by building type where neither storeys nor floor area are known (assumption).
STOREYS_BY_TYPE = {"EFH": 1.5, "RH": 2.0, "MFH": 3.0, "GMH": 6.0, "HH": 10.0, "NWG": 2.0}
#: Residential AdV building function codes (open_data.md §1, list [read]).
RESIDENTIAL_ADV_CODES = frozenset(
    ["31001_1000", "31001_1010", "31001_1210", "31001_3064", "31001_3066"]
    + [f"31001_{c}" for c in range(1020, 1026)]
    + [f"31001_{c}" for c in range(2070, 2073)]
)
#: Unheated AdV functions: 2463 Garage, 51009_1610 Überdachung (canopy) [inferred].
UNHEATED_ADV_CODES = frozenset(["31001_2463", "51009_1610"])
#: Values of a residential flag (LANUV ``WG_NWG``) meaning yes / no.
_WG = ["WG", "W", "WOHNGEBAEUDE", "WOHNGEBÄUDE", "1", "JA"]
_NWG = ["NWG", "N", "NICHTWOHNGEBAEUDE", "NICHTWOHNGEBÄUDE", "0", "NEIN"]
_UNHEATED_WORDS = (
    "garage",
    "carport",
    "schuppen",
    "überdachung",
    "ueberdachung",
    "gartenhaus",
    "scheune",
    "parkhaus",
    "tiefgarage",
)
_OSM_UNHEATED = {
    "garage",
    "garages",
    "carport",
    "shed",
    "hut",
    "roof",
    "parking",
    "barn",
    "greenhouse",
    "transformer_tower",
    "ruins",
    "construction",
    "bunker",
    "service",
    "cowshed",
    "stable",
    "sty",
    "kiosk",
}
OSM_HOUSE = {
    "house": "EFH",
    "detached": "EFH",
    "semidetached_house": "EFH",
    "bungalow": "EFH",
    "farm": "EFH",
    "terrace": "RH",
}
_OSM_FLATS = {"apartments", "residential", "dormitory"}
_OSM_UNKNOWN = {"yes", "building", "true", "1"}
TYPE_ALIASES = {
    "EFH": "EFH",
    "ZFH": "EFH",
    "DHH": "EFH",
    "SFH": "EFH",
    "EINFAMILIENHAUS": "EFH",
    "ZWEIFAMILIENHAUS": "EFH",
    "DOPPELHAUS": "EFH",
    "RH": "RH",
    "RMH": "RH",
    "REH": "RH",
    "TH": "RH",
    "REIHENHAUS": "RH",
    "MFH": "MFH",
    "MEHRFAMILIENHAUS": "MFH",
    "GMH": "GMH",
    "AB": "GMH",
    "HH": "HH",
    "HOCHHAUS": "HH",
    "NWG": "NWG",
    "NICHTWOHNGEBAEUDE": "NWG",
}
CARRIERS = {
    "gas": "gas",
    "erdgas": "gas",
    "oil": "oil",
    "oel": "oil",
    "öl": "oil",
    "heizoel": "oil",
    "heizöl": "oil",
    "coal": "coal",
    "kohle": "coal",
    "electricity": "electricity",
    "strom": "electricity",
    "district_heating": "district_heating",
    "fernwaerme": "district_heating",
    "fernwärme": "district_heating",
    "biomass": "biomass",
    "holz": "biomass",
    "pellets": "biomass",
    "biomasse": "biomass",
}
KEEP_EXTRA = (
    "name",
    "roof_type",
    "adv_function_code",
    "municipality_key",
    "measured_height_m",
    "source_date",
    "parcel_id",
    "construction_year",
    "space_heat_reported_kwh_per_a",
    "hot_water_reported_kwh_per_a",
    "heat_demand_reported_kwh_per_m2a",
)
_TEXT_FILL = {
    "id_generated": (
        "{count} Gebäude ohne Kennung: fortlaufend nummeriert",
        "{count} building(s) without id: numbered",
    ),
    "id_duplicate": (
        "{count} doppelte Kennungen: mit Suffix eindeutig gemacht",
        "{count} duplicate id(s): made unique with a suffix",
    ),
    "type_nonresidential": (
        "{count} Gebäude laut Gebäudefunktion kein Wohngebäude: NWG",
        "{count} building(s) non-residential by function: NWG",
    ),
    "type_from_osm": (
        "{count} Gebäudetypen aus dem OSM-Gebäudetyp abgeleitet",
        "{count} building type(s) derived from the OSM building tag",
    ),
    "type_flats_default": (
        "{count} Wohnblöcke (OSM apartments) ohne Geschosszahl: MFH angenommen",
        "{count} apartment building(s) (OSM) without storeys: MFH assumed",
    ),
    "type_from_storeys": (
        "{count} Gebäudetypen aus der Geschosszahl abgeleitet",
        "{count} building type(s) derived from the number of storeys",
    ),
    "type_default": (
        "{count} Gebäude ohne (gültigen) Gebäudetyp: {value} angenommen ({source})",
        "{count} building(s) without a (valid) type: {value} assumed ({source})",
    ),
    "age_from_year": (
        "{count} Baualtersklassen aus dem Baujahr abgeleitet",
        "{count} age class(es) derived from the construction year",
    ),
    "age_default": (
        "{count} Gebäude ohne Baualtersklasse: {value} angenommen ({source})",
        "{count} building(s) without age class: {value} assumed ({source})",
    ),
    "storeys_from_height": (
        "{count} Geschosszahlen aus der Höhe (÷ {height} m) abgeleitet",
        "{count} storey count(s) derived from the height (÷ {height} m)",
    ),
    "storeys_default": (
        "{count} Gebäude ohne Geschosse und Fläche: Geschosse nach Typ angenommen",
        "{count} building(s) without storeys or area: storeys by type assumed",
    ),
    "carrier_default": (
        "{count} Gebäude ohne Energieträger: Erdgas angenommen",
        "{count} building(s) without carrier: natural gas assumed",
    ),
    "refurbishment_default": (
        "{count} Gebäude ohne Sanierungsstand: unsaniert angenommen",
        "{count} building(s) without refurbishment state: existing",
    ),
    "area_from_usable": (
        "{count} Flächen aus der Nutzfläche A_N umgerechnet: A_C = A_N × {factor} "
        "(TABULA, assumptions.csv)",
        "{count} area(s) converted from the usable area A_N: A_C = A_N × {factor} "
        "(TABULA, assumptions.csv)",
    ),
    "area_from_living": (
        "{count} Flächen aus der Wohnfläche umgerechnet: A_C = Wohnfläche × {factor} "
        "(TABULA, assumptions.csv)",
        "{count} area(s) converted from the living area: A_C = living area × {factor} "
        "(TABULA, assumptions.csv)",
    ),
    "demand_from_parts": (
        "{count} Wärmebedarfe aus Raumwärme + Warmwasser summiert",
        "{count} heat demand(s) summed from space heat + hot water",
    ),
    "demand_from_specific": (
        "{count} Wärmebedarfe aus spezifischem Wert × Fläche berechnet",
        "{count} heat demand(s) computed from specific value × area",
    ),
    "demand_unit_mwh": (
        "Wärmebedarf der Datei in MWh/a erkannt: in kWh/a umgerechnet",
        "Heat demand of the file detected in MWh/a: converted to kWh/a",
    ),
    "unheated_dropped": (
        "{count} unbeheizte Nebengebäude (Garage, Schuppen, …) nicht übernommen",
        "{count} unheated outbuilding(s) (garage, shed, …) not imported",
    ),
}


def numeric(values: pd.Series) -> pd.Series:
    """Numbers from text, accepting a decimal comma when no value uses a point.

    >>> numeric(pd.Series(["7,1", "51,5"])).tolist()
    [7.1, 51.5]
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    text = values.astype("string").str.strip().str.replace(" ", "", regex=False)
    if not text.str.contains(".", regex=False).fillna(False).any():
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype(float)


def text_values(values: pd.Series) -> pd.Series:
    """Stripped text with empty strings as missing (pandas ``string`` dtype)."""
    out = values.astype("string").str.strip()
    return out.where(out != "", pd.NA)


def fill_issue(rule: str, count: int, **params: Any) -> Issue:
    """The report line of one fill rule: how many buildings, which rule (German/English)."""
    de, en = _TEXT_FILL[rule]
    values = {"count": count, **params}
    return Issue(rule, de.format(**values), en.format(**values), count, values)


def year_to_age(years: pd.Series) -> pd.Series:
    """IWU age class A–L of each construction year (``AGE_CLASS_YEARS``, TABULA)."""
    out = pd.Series(pd.NA, index=years.index, dtype="string")
    for cls, (first, last) in AGE_CLASS_YEARS.items():
        hit = years.notna() & (years >= (first or 0)) & (years <= (last or 9999))
        out = out.mask(hit, cls)
    return out


def years_of(values: pd.Series) -> pd.Series:
    """The first four-digit year in each value ("1925", "1972-05", "~1990"), 1000–2100."""
    text = values.astype("string").str.extract(r"(\d{4})", expand=False)
    years = pd.to_numeric(text, errors="coerce").astype(float)
    return years.where((years >= 1000) & (years <= 2100))


def categorise(found: dict[str, pd.Series], index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """(residential | non_residential | unheated, OSM type hint) per building."""
    cat = pd.Series(pd.NA, index=index, dtype="string")
    hint = pd.Series(pd.NA, index=index, dtype="string")
    if "residential_flag" in found:
        flag = text_values(found["residential_flag"]).str.upper()
        cat = cat.mask(flag.isin(_WG).fillna(False), "residential")
        cat = cat.mask(flag.isin(_NWG).fillna(False), "non_residential")
    if "adv_function_code" in found:
        code = text_values(found["adv_function_code"])
        full = code.where(code.str.contains("_").fillna(False), "31001_" + code.str[-4:])
        kind = pd.Series("non_residential", index=index, dtype="string")
        kind = kind.mask(full.isin(list(RESIDENTIAL_ADV_CODES)).fillna(False), "residential")
        kind = kind.mask(code.isin(list(UNHEATED_ADV_CODES)).fillna(False), "unheated")
        cat = cat.fillna(kind.where(code.notna(), pd.NA))
    if "function_text" in found:
        text = text_values(found["function_text"]).str.lower()
        kind = pd.Series("non_residential", index=index, dtype="string")
        kind = kind.mask(text.str.contains("wohn").fillna(False), "residential")
        kind = kind.mask(text.str.contains("|".join(_UNHEATED_WORDS)).fillna(False), "unheated")
        cat = cat.fillna(kind.where(text.notna(), pd.NA))
    if "osm_building" in found:
        tag = text_values(found["osm_building"]).str.lower()
        kind = pd.Series(pd.NA, index=index, dtype="string")
        kind = kind.mask(tag.isin(list(OSM_HOUSE) + list(_OSM_FLATS)).fillna(False), "residential")
        kind = kind.mask(tag.isin(list(_OSM_UNHEATED)).fillna(False), "unheated")
        other = tag.notna() & kind.isna() & ~tag.isin(list(_OSM_UNKNOWN)).fillna(False)
        kind = kind.mask(other, "non_residential")
        cat = cat.fillna(kind)
        hint = tag.map(OSM_HOUSE).astype("string")
        hint = hint.mask(tag.isin(list(_OSM_FLATS)).fillna(False), "flats")
    return cat, hint


def type_by_storeys(storeys: pd.Series, house: str) -> pd.Series:
    """Residential type by storeys: ≤ 2.5 ``house``, ≤ 4.5 MFH, ≤ 8.5 GMH, else HH (assumption)."""
    out = pd.Series(pd.NA, index=storeys.index, dtype="string")
    out = out.mask(storeys <= 2.5, house)
    out = out.mask((storeys > 2.5) & (storeys <= 4.5), "MFH")
    out = out.mask((storeys > 4.5) & (storeys <= 8.5), "GMH")
    return out.mask(storeys > 8.5, "HH")


def unique_ids(ids: pd.Series, fills: list[Issue]) -> pd.Series:
    """Ids numbered B1, B2, … where missing and suffixed _2, _3 where repeated (reported)."""
    missing = ids.isna()
    if missing.any():
        ids = ids.mask(
            missing, pd.Series([f"B{i}" for i in range(1, len(ids) + 1)], index=ids.index)
        )
        fills.append(fill_issue("id_generated", int(missing.sum())))
    rank = ids.groupby(ids).cumcount()
    if (rank > 0).any():
        ids = ids.mask(rank > 0, ids + "_" + (rank + 1).astype("string"))
        fills.append(fill_issue("id_duplicate", int((rank > 0).sum())))
    return ids
