"""Schemas of real NRW building files and their mapping to the canonical columns.

One declarative table per schema (like pvlib's ``VARIABLE_MAP``): source field →
*target*. A target is a canonical column of :mod:`quartier_geo.base.columns` or a derived
target that :mod:`quartier_geo.imports.fill` converts (``type_age_code`` "EFH_J" → type +
age class, ``adv_function_code`` → residential or not, ``height_m`` → storeys, …).
Field names are matched after :func:`normalise_name` (case, umlauts, unit suffixes such
as ``"RW_WW [kWh/a]"``), so a renamed export still matches.

Sources of the field lists: ``geodata/reference/open_data.md`` and
``open_data_schemas.json`` (status read / inferred as noted per schema).

:func:`propose_mapping` scores every schema on the columns (all signature fields present,
share of known fields found, sample values that fit the expected pattern) and returns a
:class:`Mapping` the user can correct before :func:`quartier_geo.imports.fill.apply_mapping`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from quartier_geo.base.columns import BUILDING_COLUMNS

__all__ = [
    "SCHEMAS",
    "TARGETS",
    "Mapping",
    "Schema",
    "normalise_name",
    "propose_mapping",
]

#: Every target a source field can be mapped to, with its German label (for the UI).
TARGETS: dict[str, str] = {
    **{c.name: c.meaning for c in BUILDING_COLUMNS},
    "type_age_code": "Gebäudetyp und Baualtersklasse in einem Code (z. B. EFH_J)",
    "residential_flag": "Wohngebäude ja/nein (z. B. WG/NWG)",
    "adv_function_code": "Gebäudefunktion als AdV-Code (z. B. 31001_1000)",
    "function_text": "Gebäudefunktion als Text (z. B. Wohnhaus)",
    "osm_building": "OSM-Gebäudetyp (building=…)",
    "construction_year": "Baujahr",
    "height_m": "Gebäudehöhe [m] (Geschosse = Höhe / Geschosshöhe)",
    "measured_height_m": "gemessene Höhe bis First [m] (nur Anzeige)",
    "space_heat_reported_kwh_per_a": "Raumwärmebedarf laut Datei [kWh/a]",
    "hot_water_reported_kwh_per_a": "Warmwasserbedarf laut Datei [kWh/a]",
    "heat_demand_reported_kwh_per_m2a": "spezifischer Wärmebedarf laut Datei [kWh/(m²·a)]",
    "living_area_m2": "Wohnfläche [m²] (A_C = Wohnfläche × 1,10, assumptions.csv)",
    "usable_area_m2": "Nutzfläche A_N nach EnEV/GEG [m²] (A_C = A_N × 0,906, assumptions.csv)",
    "linear_heat_density_reported_kwh_per_ma": "Wärmeliniendichte laut Datei [kWh/(m·a)]",
    "address_street": "Straße",
    "address_number": "Hausnummer",
    "name": "Name",
    "roof_type": "Dachform (AdV-Code)",
    "municipality_key": "Gemeindeschlüssel (AGS)",
    "source_date": "Aktualität laut Datei",
    "parcel_id": "Flurstück",
}


def normalise_name(name: str) -> str:
    """Comparable form of a field name: lower case, ASCII, no unit suffix.

    >>> normalise_name("RW_WW [kWh/a]")
    'rw_ww'
    >>> normalise_name("building:levels")
    'building_levels'
    >>> normalise_name("Gebäudehöhe (m)")
    'gebaeudehoehe'
    """
    s = re.sub(r"[\[(].*?[\])]", "", str(name)).strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


@dataclass(frozen=True)
class Schema:
    """A known source schema: how to recognise it and how its fields map.

    ``fields`` maps normalised source names to targets; ``signature`` names the
    normalised fields that must all be present; ``patterns`` optional regexes that sample
    values of a field must match; ``notes`` the assumptions the mapping makes.
    """

    name: str
    title: str
    layer_kind: str
    signature: tuple[str, ...]
    fields: dict[str, str]
    source: str
    patterns: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


SCHEMAS: tuple[Schema, ...] = (
    Schema(
        "lanuv_wbm",
        "LANUV Wärmebedarfsmodell NRW (WBM-NRW)",
        "buildings",
        signature=("rw_ww",),
        fields={
            "rw_ww": "heat_demand_reported_kwh_per_a",
            "rw": "space_heat_reported_kwh_per_a",
            "ww": "hot_water_reported_kwh_per_a",
            "rw_ww_spez": "heat_demand_reported_kwh_per_m2a",
            "nf": "usable_area_m2",
            "gebaeudety": "type_age_code",
            "wg_nwg": "residential_flag",
            "fest_id": "building_id",
            "citygml_fu": "adv_function_code",
            "flurstueck": "parcel_id",
            "fortschrei": "source_date",
        },
        source="F-Heat/fheat src/fheat_nrw (open_data.md §4) [read]",
        patterns={"gebaeudety": r"^[A-Za-z]+_[A-La-l]$"},
        notes=(
            "NF (Nutzfläche) wird als A_N gelesen: A_C = NF × 0,906 (TABULA-Median, Annahme).",
            "RW_WW (Raumwärme + Warmwasser, kWh/a) ist der Wärmebedarf laut Datei.",
        ),
    ),
    Schema(
        "lanuv_rwb",
        "LANUV Raumwärmebedarfsmodell NRW (ältere Fassung, hausumringe-<AGS>)",
        "buildings",
        signature=("wb_hu", "ebz_final"),
        fields={
            "wb_hu": "heat_demand_reported_kwh_per_a",
            "spez_wb_hu": "heat_demand_reported_kwh_per_m2a",
            "ebz_final": "conditioned_floor_area_m2",
            "gebaeudety": "type_age_code",
            "fest_id": "building_id",
            "wld_id": "street_id",
            "geb_hoehe": "height_m",
            "ags": "municipality_key",
        },
        source="Humanimaliberation/Waermeplanung_Datenaufbereitung qml_styles (open_data.md §4)",
        patterns={"gebaeudety": r"^[A-Za-z]+_[A-La-l]$"},
        notes=(
            "EBZ_Final (Energiebezugsfläche) wird als A_C verwendet (Annahme).",
            "WB_HU in kWh/a (abgeleitet; geprüft gegen spez_WB_HU × EBZ_Final).",
        ),
    ),
    Schema(
        "lanuv_wld",
        "LANUV Wärmeliniendichte (Straßenabschnitte)",
        "streets",
        signature=("rw_ww_wld",),
        fields={
            "wld_id": "street_id",
            "rw_ww_wld": "linear_heat_density_reported_kwh_per_ma",
            "rw_ww_wbed": "heat_demand_reported_kwh_per_a",
        },
        source="Humanimaliberation/Waermeplanung_Datenaufbereitung qml_styles (open_data.md §4)",
        notes=("RW_WW_WLD in kWh/(m·a) (abgeleitet aus dem QGIS-Stil, der durch 1000 teilt).",),
    ),
    Schema(
        "hausumringe_nrw",
        "Hausumringe NRW (ALKIS, HU-NW)",
        "buildings",
        signature=("oi", "gfk"),
        fields={
            "oi": "building_id",
            "gfk": "adv_function_code",
            "ags": "municipality_key",
            "aktualitae": "source_date",
            "lagebez": "address",
            "strasse": "address",
        },
        source="sovia data preparation (open_data.md §1) [read]",
        patterns={"gfk": r"^\d{5}_\d{4}$"},
        notes=("Keine Höhe, Geschosse oder Baujahre in dieser Datei: Standardwerte nötig.",),
    ),
    Schema(
        "alkis_gebaeude",
        "ALKIS vereinfacht: GebaeudeBauwerk",
        "buildings",
        signature=("oid", "funktion"),
        fields={
            "oid": "building_id",
            "funktion": "function_text",
            "anzahlgs": "storeys",
            "lagebeztxt": "address",
            "aktualit": "source_date",
        },
        source="F-Heat/fheat download.py (open_data.md §2); anzahlgs/lagebeztxt inferred",
        notes=("anzahlgs und lagebeztxt sind unbestätigte Feldnamen (abgeleitet).",),
    ),
    Schema(
        "osm_buildings",
        "OpenStreetMap-Gebäude",
        "buildings",
        signature=("osm_id",),
        fields={
            "osm_id": "building_id",
            "building": "osm_building",
            "type": "osm_building",
            "building_levels": "storeys",
            "start_date": "construction_year",
            "name": "name",
            "addr_street": "address_street",
            "addr_housenumber": "address_number",
        },
        source="Geofabrik shapefile fields (open_data.md §5); OSM tags [inferred]",
    ),
    Schema(
        "citygml_lod2",
        "3D-Gebäudemodell LoD2 NRW (CityGML)",
        "buildings",
        signature=("gml_id", "mean_height_m"),
        fields={
            "gml_id": "building_id",
            "function": "adv_function_code",
            "mean_height_m": "height_m",
            "measured_height_m": "measured_height_m",
            "storeys_above_ground": "storeys",
            "roof_type": "roof_type",
            "year_of_construction": "construction_year",
            "gemeindeschluessel": "municipality_key",
        },
        source="Geobasis NRW LoD2 tile (open_data.md §3) [read]",
        notes=("Geschosse = mittlere Gebäudehöhe / Geschosshöhe (assumptions.csv, Annahme).",),
    ),
)

_CANONICAL = {c.name for c in BUILDING_COLUMNS}
#: Synonyms of the generic fallback (German and English exports, hand-made tables).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "building_id": ("id", "gebaeude_id", "objekt_id", "objectid", "gml_id", "uuid", "oid"),
    "building_type": ("gebaeudetyp", "haustyp", "typ", "building_type_iwu"),
    "age_class": ("baualtersklasse", "altersklasse", "iwu_klasse"),
    "construction_year": ("baujahr", "year_built", "construction_year", "jahr"),
    "storeys": ("geschosse", "stockwerke", "vollgeschosse", "anzahl_geschosse", "levels", "floors"),
    "conditioned_floor_area_m2": ("energiebezugsflaeche", "ebf", "beheizte_flaeche"),
    # living and usable areas are not TABULA's reference area A_C: fill.py converts them
    "living_area_m2": ("wohnflaeche", "wohnflaeche_m2", "living_area"),
    "usable_area_m2": ("nutzflaeche", "nutzflaeche_m2", "usable_area"),
    "measured_consumption_kwh_per_a": (
        "verbrauch",
        "verbrauch_kwh",
        "energieverbrauch",
        "gasverbrauch",
        "measured_consumption",
    ),
    "heat_demand_reported_kwh_per_a": ("waermebedarf", "waermebedarf_kwh", "heat_demand"),
    "heating_carrier": ("energietraeger", "heizung", "brennstoff", "heating", "carrier"),
    "address": ("adresse", "strasse", "lagebez", "anschrift"),
    "name": ("name", "bezeichnung"),
    "height_m": ("hoehe", "height", "geb_hoehe", "gebaeudehoehe"),
}


@dataclass(frozen=True)
class Mapping:
    """A field mapping: source column → target, with the schema it came from.

    Correct it with :func:`dataclasses.replace`, e.g.
    ``replace(m, fields={**m.fields, "Geschosse": "storeys"})``; a source column absent
    from ``fields`` is ignored.
    """

    schema: str
    fields: dict[str, str]
    confidence: float
    layer_kind: str = "buildings"
    title: str = ""
    notes: tuple[str, ...] = ()


def _matches(sample: pd.DataFrame | None, column: str, pattern: str) -> bool | None:
    if sample is None or column not in sample:
        return None
    values = sample[column].dropna().astype(str).str.strip()
    values = values[values != ""]
    if values.empty:
        return None
    return bool(values.str.match(pattern).mean() >= 0.8)


def _canonical(columns: Sequence[str]) -> dict[str, str]:
    """Canonical names, also as the 10-character names a shapefile truncates them to."""
    out: dict[str, str] = {}
    for col in columns:
        n = str(col).strip().lower()
        if n in _CANONICAL:
            out[col] = n
        elif len(n) == 10:
            hits = [c for c in _CANONICAL if c.startswith(n)]
            if len(hits) == 1:
                out[col] = hits[0]
    return out


def _generic(columns: Sequence[str]) -> dict[str, str]:
    norm = {normalise_name(c): c for c in columns}
    out: dict[str, str] = {}
    for target, names in _SYNONYMS.items():
        for n in names:
            if n in norm and norm[n] not in out:
                out[norm[n]] = target
                break
    return out


def propose_mapping(
    columns: Sequence[str], sample: pd.DataFrame | None = None, *, layer_kind: str = "buildings"
) -> Mapping:
    """Detect the schema of a layer and propose its field mapping.

    Parameters
    ----------
    columns
        The layer's column names (without the geometry column).
    sample
        A few rows of the layer, used to check value patterns (e.g. ``EFH_J``).
    layer_kind
        ``"buildings"`` (polygons) or ``"streets"`` (lines): only schemas of that kind.

    Returns
    -------
    Mapping
        ``confidence`` is 0.5 + 0.5 × (share of the schema's fields found), × 0.6 when
        sample values contradict the schema's patterns; canonical files get 0.5–1.0 by
        the share of canonical columns; the generic synonym fallback at most 0.4.

    Examples
    --------
    >>> m = propose_mapping(["Fest_ID", "RW_WW [kWh/a]", "NF", "GEBAEUDETY"])
    >>> m.schema, m.fields["RW_WW [kWh/a]"]
    ('lanuv_wbm', 'heat_demand_reported_kwh_per_a')
    """
    cols = [str(c) for c in columns if str(c) != "geometry"]
    norm: dict[str, str] = {}
    for c in cols:
        norm.setdefault(normalise_name(c), c)
    best: Mapping | None = None
    if layer_kind == "streets":
        return _streets(cols, norm)
    for schema in SCHEMAS:
        if schema.layer_kind != layer_kind or not all(s in norm for s in schema.signature):
            continue
        found = {norm[f]: t for f, t in schema.fields.items() if f in norm}
        if schema.name == "osm_buildings" and "building" in norm:
            found.pop(norm.get("type", ""), None)  # building= wins over Geofabrik's type
        confidence = 0.5 + 0.5 * len(found) / len(schema.fields)
        checks = [_matches(sample, norm[f], p) for f, p in schema.patterns.items() if f in norm]
        if any(c is False for c in checks):
            confidence *= 0.6
        if best is None or confidence > best.confidence:
            best = Mapping(
                schema.name,
                found,
                round(confidence, 3),
                schema.layer_kind,
                schema.title,
                schema.notes,
            )
    canonical = _canonical(cols)
    core = {"building_type", "age_class", "storeys", "conditioned_floor_area_m2"}
    if len(set(canonical.values()) & core) >= 2:
        share = len(set(canonical.values()) & core) / len(core)
        mapping = Mapping(
            "canonical",
            canonical,
            round(0.5 + 0.5 * share, 3),
            "buildings",
            "Kanonisches Gebäudeschema (Quartiere Ruhr)",
        )
        if best is None or mapping.confidence >= best.confidence:
            best = mapping
    if best is not None:
        return best
    generic = _generic(cols)
    confidence = round(min(0.4, 0.1 * len(generic)), 3)
    return Mapping(
        "generic",
        generic,
        confidence,
        "buildings",
        "Unbekanntes Schema",
        ("Zuordnung nach Feldnamen geraten: bitte prüfen.",),
    )


def _streets(cols: list[str], norm: dict[str, str]) -> Mapping:
    for schema in SCHEMAS:
        if schema.layer_kind == "streets" and all(s in norm for s in schema.signature):
            found = {norm[f]: t for f, t in schema.fields.items() if f in norm}
            confidence = round(0.5 + 0.5 * len(found) / len(schema.fields), 3)
            return Mapping(schema.name, found, confidence, "streets", schema.title, schema.notes)
    found = {}
    for target, names in (
        ("street_id", ("street_id", "id", "wld_id", "segment_id")),
        ("name", ("name", "strassenname", "strasse", "street")),
    ):
        hit = next((norm[n] for n in names if n in norm), None)
        if hit is not None:
            found[hit] = target
    return Mapping("generic_streets", found, 0.3, "streets", "Straßenabschnitte (unbekannt)")
