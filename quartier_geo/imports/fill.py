"""Apply a field mapping and fill missing attributes by documented rules, reporting each.

:func:`apply_mapping` turns a parsed layer (source columns, EPSG:25832) into canonical
buildings. Every value that does not come straight from the file is counted under the
rule that produced it (an :class:`~quartier_geo.imports.types.Issue` per rule), so the
preview can say "312 Gebäude: Baualtersklasse E angenommen (Standard)".

Rules (in this order; all defaults are **assumptions** of this importer):

* type and age class from a combined code (LANUV ``GEBAEUDETY`` "EFH_J");
* non-residential (``WG_NWG``, AdV function code, ALKIS function text, OSM tag) → NWG;
  unheated outbuildings (garage, carport, shed, canopy) are dropped first, unless the
  file reports heat demands (LANUV: every building counts) or ``exclude_unheated`` is off;
* OSM ``building=house/terrace/apartments`` → EFH/RH/flats; flats and residential
  buildings of known storeys by height class (≤ 2.5 house, ≤ 4.5 MFH, ≤ 8.5 GMH, else HH);
* otherwise the default of the chosen quarter type (:data:`QUARTER_TYPE_DEFAULTS`) or
  the global default (MFH, E); the age class likewise, or from a construction year;
* storeys from a height: round(h / gross storey height × 2) / 2, at least 1 (the storey
  height 3.0 m is ``gross_storey_height_m`` of assumptions.csv); else by type
  (:data:`STOREYS_BY_TYPE`) where no floor area is given either;
* conditioned floor area A_C: given, else usable area A_N x 0.906, else living area x 1.10
  (TABULA medians, assumptions.csv; a Wohnfläche or Nutzfläche is not A_C);
* heating carrier: gas where neither carrier nor system is given;
* reported heat demand: total, else space heat + hot water, else specific × area; a total
  1000× too small against specific × area is read as MWh/a and converted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier_geo.base.columns import AGE_CLASS_YEARS
from quartier_geo.data.reference import Reference, assumption
from quartier_geo.imports.rules import (
    CARRIERS,
    GLOBAL_DEFAULT,
    KEEP_EXTRA,
    OSM_HOUSE,
    QUARTER_TYPE_DEFAULTS,
    RESIDENTIAL_ADV_CODES,
    STOREYS_BY_TYPE,
    TYPE_ALIASES,
    categorise,
    fill_issue,
    numeric,
    text_values,
    type_by_storeys,
    unique_ids,
    year_to_age,
    years_of,
)
from quartier_geo.imports.schemas import Mapping
from quartier_geo.imports.types import Issue

__all__ = [
    "DEFAULTS",
    "GLOBAL_DEFAULT",
    "QUARTER_TYPE_DEFAULTS",
    "RESIDENTIAL_ADV_CODES",
    "STOREYS_BY_TYPE",
    "ImportDefaults",
    "MappingReport",
    "apply_mapping",
    "apply_street_mapping",
    "numeric",
]


@dataclass(frozen=True)
class ImportDefaults:
    """Defaults for attributes a file does not have (all assumptions, reported per use)."""

    quarter_type: str | None = None
    building_type: str | None = None
    age_class: str | None = None
    heating_carrier: str = "gas"
    exclude_unheated: bool = True
    storey_height_m: float | None = None  # None: gross_storey_height_m of assumptions.csv

    def type_and_age(self) -> tuple[str, str, str]:
        """(building type, age class, which default) for missing values."""
        if self.quarter_type in QUARTER_TYPE_DEFAULTS:
            t, a = QUARTER_TYPE_DEFAULTS[str(self.quarter_type)]
            source = f"Standard für Quartierstyp {self.quarter_type}"
        else:
            (t, a), source = GLOBAL_DEFAULT, "globaler Standard"
        return self.building_type or t, self.age_class or a, source


#: The rules as documented, without a quarter type (every default an assumption).
DEFAULTS = ImportDefaults()


@dataclass(frozen=True)
class MappingReport:
    """What :func:`apply_mapping` did: the fills per rule and the rows dropped."""

    schema: str
    fields: dict[str, str]
    fills: tuple[Issue, ...] = ()
    dropped: int = 0
    notes: tuple[str, ...] = ()


def _storey_height_m(ref: Reference) -> float:
    """Gross storey height [m] from assumptions.csv (``gross_storey_height_m``)."""
    return assumption(ref, "gross_storey_height_m")


def _area_from_other_areas(
    found: dict[str, pd.Series], area: pd.Series, ref: Reference, fills: list[Issue]
) -> tuple[pd.Series, pd.Series]:
    """(A_C, the file's own area) where a file gives only a usable area (EnEV/GEG A_N) or a
    living area.

    Neither is TABULA's reference area A_C: A_C = A_N x 0.906 and A_C = living area x 1.10,
    the medians of A_C_Ref / A_N_EnEV and A_C_Ref / A_C_Living over the TABULA DE rows
    (typology.md; ``usable_to_conditioned_area_factor``, ``living_to_conditioned_area_factor``
    of assumptions.csv, assumptions). A given A_C wins; the usable area before the living area.
    The file's own (unconverted) area is what a specific value in the file refers to.
    """
    file_area = area.copy()
    for column, key, rule in (
        ("usable_area_m2", "usable_to_conditioned_area_factor", "area_from_usable"),
        ("living_area_m2", "living_to_conditioned_area_factor", "area_from_living"),
    ):
        if column not in found:
            continue
        factor = assumption(ref, key)
        other = numeric(found[column])
        todo = area.isna() & (other > 0)
        if todo.any():
            area = area.mask(todo, other * factor)
            file_area = file_area.mask(todo, other)
            fills.append(fill_issue(rule, int(todo.sum()), factor=f"{factor:g}"))
    return area, file_area


def _heat_demand(
    found: dict[str, pd.Series], area: pd.Series, fills: list[Issue]
) -> pd.Series | None:
    total = (
        numeric(found["heat_demand_reported_kwh_per_a"])
        if "heat_demand_reported_kwh_per_a" in found
        else None
    )
    specific = (
        numeric(found["heat_demand_reported_kwh_per_m2a"])
        if "heat_demand_reported_kwh_per_m2a" in found
        else None
    )
    if total is not None and specific is not None:
        ratio = (total / (specific * area)).replace([np.inf, -np.inf], np.nan).dropna()
        if len(ratio) and 0.0005 <= float(ratio.median()) <= 0.002:
            total = total * 1000.0
            fills.append(fill_issue("demand_unit_mwh", len(total)))
    if "space_heat_reported_kwh_per_a" in found and "hot_water_reported_kwh_per_a" in found:
        parts = numeric(found["space_heat_reported_kwh_per_a"]) + numeric(
            found["hot_water_reported_kwh_per_a"]
        )
        todo = parts.notna() if total is None else total.isna() & parts.notna()
        if todo.any():
            total = parts.where(todo, total if total is not None else np.nan)
            fills.append(fill_issue("demand_from_parts", int(todo.sum())))
    if specific is not None:
        computed = specific * area
        todo = computed.notna() if total is None else total.isna() & computed.notna()
        if todo.any():
            total = computed.where(todo, total if total is not None else np.nan)
            fills.append(fill_issue("demand_from_specific", int(todo.sum())))
    return total


def apply_mapping(
    gdf: gpd.GeoDataFrame,
    mapping: Mapping,
    *,
    ref: Reference,
    defaults: ImportDefaults = DEFAULTS,
) -> tuple[gpd.GeoDataFrame, MappingReport]:
    """Canonical buildings from a parsed layer and a (possibly corrected) mapping.

    Returns a new GeoDataFrame on the same index minus dropped unheated outbuildings,
    ready for :func:`quartier_geo.data.layers.validate_buildings`, and the report of every
    fill (see the module docstring for the rules, in order).
    """
    idx = gdf.index
    found: dict[str, pd.Series] = {}
    for source, target in mapping.fields.items():
        if source in gdf.columns and source != gdf.geometry.name and target not in found:
            found[target] = gdf[source]
    demand_targets = {
        "heat_demand_reported_kwh_per_a",
        "space_heat_reported_kwh_per_a",
        "heat_demand_reported_kwh_per_m2a",
    }
    if defaults.exclude_unheated and not demand_targets & set(found):
        unheated = (categorise(found, idx)[0] == "unheated").fillna(False).to_numpy()
        if unheated.any():
            kept, report = apply_mapping(
                gdf[~unheated],
                mapping,
                ref=ref,
                defaults=dataclasses.replace(defaults, exclude_unheated=False),
            )
            n = int(unheated.sum())
            return kept, dataclasses.replace(
                report, fills=(*report.fills, fill_issue("unheated_dropped", n)), dropped=n
            )
    fills: list[Issue] = []
    out = gpd.GeoDataFrame(index=idx, geometry=gdf.geometry.copy(), crs=gdf.crs)

    out["building_id"] = unique_ids(
        text_values(found.get("building_id", pd.Series(pd.NA, index=idx))), fills
    )
    btype = pd.Series(pd.NA, index=idx, dtype="string")
    age = pd.Series(pd.NA, index=idx, dtype="string")
    if "type_age_code" in found:
        parts = (
            text_values(found["type_age_code"])
            .str.upper()
            .str.extract(r"^([A-ZÄÖÜ]+)[\s_-]*([A-L])?$")
        )
        btype, age = parts[0].map(TYPE_ALIASES).astype("string"), parts[1].astype("string")
    if "building_type" in found:
        given = text_values(found["building_type"]).str.upper().map(TYPE_ALIASES).astype("string")
        btype = given.fillna(btype)
    if "age_class" in found:
        given = text_values(found["age_class"]).str.upper()
        age = given.where(given.isin(list(AGE_CLASS_YEARS)).fillna(False), pd.NA).fillna(age)
    if "construction_year" in found:
        from_year = year_to_age(years_of(found["construction_year"]))
        todo = age.isna() & from_year.notna()
        age = age.mask(todo, from_year)
        if todo.any():
            fills.append(fill_issue("age_from_year", int(todo.sum())))

    storeys = numeric(found["storeys"]) if "storeys" in found else pd.Series(np.nan, index=idx)
    storeys = storeys.where(storeys > 0)
    if "height_m" in found:
        storey_m = defaults.storey_height_m or _storey_height_m(ref)
        height = numeric(found["height_m"])
        from_h = (np.round(height / storey_m * 2) / 2).clip(lower=1.0)
        todo = storeys.isna() & (height > 0)
        storeys = storeys.mask(todo, from_h)
        if todo.any():
            fills.append(fill_issue("storeys_from_height", int(todo.sum()), height=f"{storey_m:g}"))
    area = (
        numeric(found["conditioned_floor_area_m2"])
        if "conditioned_floor_area_m2" in found
        else pd.Series(np.nan, index=idx)
    )
    area = area.where(area > 0)
    area, file_area = _area_from_other_areas(found, area, ref, fills)

    category, hint = categorise(found, idx)
    demand = _heat_demand(found, file_area, fills)  # a specific value is per the file's area
    default_type, default_age, source = defaults.type_and_age()
    rules = (
        (
            "type_nonresidential",
            (category == "non_residential").fillna(False),
            pd.Series("NWG", index=idx, dtype="string"),
        ),
        ("type_from_osm", hint.isin(list(OSM_HOUSE.values())).fillna(False), hint),
        (
            "type_from_storeys",
            storeys.notna() & (category != "non_residential").fillna(True),
            type_by_storeys(storeys, default_type if default_type in ("EFH", "RH") else "EFH"),
        ),
        (
            "type_flats_default",
            (hint == "flats").fillna(False),
            pd.Series("MFH", index=idx, dtype="string"),
        ),
    )
    for rule, where, value in rules:
        todo = btype.isna() & where & value.notna()
        if todo.any():
            btype = btype.mask(todo, value)
            fills.append(fill_issue(rule, int(todo.sum())))
    for column, values, value in (
        ("type_default", btype, default_type),
        ("age_default", age, default_age),
    ):
        todo = values.isna()
        if todo.any():
            values.loc[todo] = value
            fills.append(fill_issue(column, int(todo.sum()), value=value, source=source))
    out["building_type"], out["age_class"] = btype.astype(object), age.astype(object)

    need = storeys.isna() & area.isna()
    if need.any():
        storeys = storeys.mask(need, btype.map(STOREYS_BY_TYPE).astype(float))
        fills.append(fill_issue("storeys_default", int(need.sum())))
    out["storeys"] = storeys
    if area.notna().any():
        out["conditioned_floor_area_m2"] = area
    _heating(out, found, defaults, fills)
    for column in (
        "owner_type",
        "listed",
        "street_id",
        "block_id",
        "address",
        "residents",
        "quarter_id",
    ):
        if column in found:
            out[column] = found[column].to_numpy()
    if "address" not in found and "address_street" in found:
        street = text_values(found["address_street"])
        number = text_values(found["address_number"]) if "address_number" in found else ""
        out["address"] = (
            (street + " " + number).str.strip().astype(object)
            if "address_number" in found
            else street.astype(object)
        )
    if demand is not None:
        out["heat_demand_reported_kwh_per_a"] = demand
    if "measured_consumption_kwh_per_a" in found:
        measured = numeric(found["measured_consumption_kwh_per_a"])
        out["measured_consumption_kwh_per_a"] = measured.where(measured >= 0)
    for column in KEEP_EXTRA:
        if column in found:
            out[column] = found[column].to_numpy()
    return out, MappingReport(mapping.schema, dict(mapping.fields), tuple(fills), 0, mapping.notes)


def _heating(
    out: gpd.GeoDataFrame, found: dict[str, pd.Series], defaults: ImportDefaults, fills: list[Issue]
) -> None:
    idx = out.index
    carrier = pd.Series(pd.NA, index=idx, dtype="string")
    if "heating_carrier" in found:
        carrier = text_values(found["heating_carrier"]).str.lower().map(CARRIERS).astype("string")
    system = text_values(found["heating_system"]).str.lower() if "heating_system" in found else None
    todo = carrier.isna() if system is None else carrier.isna() & system.isna()
    if todo.any():
        carrier = carrier.mask(todo, defaults.heating_carrier)
        fills.append(fill_issue("carrier_default", int(todo.sum())))
    out["heating_carrier"] = carrier.astype(object)
    if system is not None:
        out["heating_system"] = system.astype(object)
    state = pd.Series(pd.NA, index=idx, dtype="string")
    if "refurbishment_state" in found:
        state = text_values(found["refurbishment_state"]).str.lower()
        state = state.where(state.isin(["existing", "usual", "advanced"]).fillna(False), pd.NA)
    if state.isna().any():
        fills.append(fill_issue("refurbishment_default", int(state.isna().sum())))
        state = state.fillna("existing")
    out["refurbishment_state"] = state.astype(object)


def apply_street_mapping(
    gdf: gpd.GeoDataFrame, mapping: Mapping
) -> tuple[gpd.GeoDataFrame, MappingReport]:
    """Street segments: ``street_id`` (numbered where missing), name, ``length_m`` and the
    reported linear heat density / heat demand where the file has them."""
    fills: list[Issue] = []
    found = {t: gdf[s] for s, t in mapping.fields.items() if s in gdf.columns}
    out = gpd.GeoDataFrame(index=gdf.index, geometry=gdf.geometry.copy(), crs=gdf.crs)
    ids = text_values(found.get("street_id", pd.Series(pd.NA, index=gdf.index)))
    out["street_id"] = unique_ids(ids, fills).astype(object)
    if "name" in found:
        out["name"] = text_values(found["name"]).astype(object)
    out["length_m"] = out.geometry.length
    for column in ("linear_heat_density_reported_kwh_per_ma", "heat_demand_reported_kwh_per_a"):
        if column in found:
            out[column] = numeric(found[column])
    return out, MappingReport(mapping.schema, dict(mapping.fields), tuple(fills), 0, mapping.notes)
