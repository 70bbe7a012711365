"""German and English texts, and labels of the closed vocabularies.

German is the default; every user-facing text is looked up here by key so that the English
switch covers the whole UI. Number formatting lives in :mod:`quartier_geo.numfmt`.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang", "label", "t"]

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")

_TEXTS: dict[str, tuple[str, str]] = {
    # frame
    "app_title": ("Quartiere Ruhr", "Quartiere Ruhr"),
    "app_subtitle": (
        "Klimaneutrale Quartiere im Ruhrgebiet – die 20 Quartiere von „InnovationCity roll out“",
        "Climate-neutral quarters in the Ruhr – the 20 quarters of “InnovationCity roll out”",
    ),
    "language": ("Sprache", "Language"),
    "quarter": ("Quartier", "Quarter"),
    "mode": ("Modus", "Mode"),
    "mode_planner": ("Planung", "Planner"),
    "mode_workshop": ("Workshop", "Workshop"),
    "mode_public": ("Öffentlich", "Public"),
    "mode_note_planner": (
        "Planungsmodus: alle Funktionen, Bearbeiten und Import.",
        "Planner mode: all functions, editing and import.",
    ),
    "mode_note_workshop": (
        "Workshopmodus: Präsentation ohne Bearbeitung.",
        "Workshop mode: presentation without editing.",
    ),
    "mode_note_public": (
        "Öffentlicher Modus: nur lesen; Gebäudedaten zu Baublöcken zusammengefasst.",
        "Public mode: read-only; building data aggregated to blocks.",
    ),
    "synthetic_note": (
        "Demodaten: Quartiersgrenzen und alle Gebäude sind synthetisch erzeugt (plausible Form "
        "und Größe um den ungefähren Mittelpunkt). Echt sind Namen, Kommunen, Termine, Größen, "
        "Einwohnerzahlen und berichtete Ergebnisse.",
        "Demo data: quarter boundaries and all buildings are synthetic (plausible shape and size "
        "around the approximate centre). Names, municipalities, dates, sizes, residents and "
        "reported results are real.",
    ),
    "modelled_note": (
        "Berechnet nach IWU/TABULA (Bedarf, nicht Verbrauch) und GEG Anlage 9.",
        "Modelled with IWU/TABULA (demand, not consumption) and GEG Annex 9.",
    ),
    "source": ("Quelle", "Source"),
    "sources": ("Quellen", "Sources"),
    "assumption": ("Annahme", "Assumption"),
    "unit": ("Einheit", "Unit"),
    "no_data": ("keine Daten", "no data"),
    # pages
    "page_overview": ("Übersicht", "Overview"),
    "page_quarter_map": ("Quartierskarte", "Quarter map"),
    "page_refurbishment": ("Sanierung", "Refurbishment"),
    "page_supply": ("Versorgung", "Supply"),
    "page_phases": ("Projektphasen", "Programme phases"),
    "page_jury": ("Jury", "Jury"),
    "page_projekttisch": ("Projekttisch Ruhr", "Projekttisch Ruhr"),
    "page_methods": ("Methodik & Quellen", "Methods & sources"),
    "page_data": ("Daten", "Data"),
    # figures
    "residents": ("Einwohner", "Residents"),
    "buildings": ("Gebäude", "Buildings"),
    "area_ha": ("Fläche", "Area"),
    "heat_demand": ("Wärmebedarf", "Heat demand"),
    "final_energy": ("Endenergie", "Final energy"),
    "co2": ("CO₂-Emissionen", "CO₂ emissions"),
    "potential_usual": ("Einsparpotenzial (übliche Sanierung)", "Saving potential (usual refurbishment)"),
    "potential_advanced": ("Einsparpotenzial (ambitionierte Sanierung)", "Saving potential (advanced refurbishment)"),
    "heat_density": ("Wärmedichte", "Heat density"),
    "linear_heat_density": ("Wärmeliniendichte", "Linear heat density"),
    "phase": ("Phase", "Phase"),
    "municipality": ("Kommune", "Municipality"),
    "name": ("Name", "Name"),
    "quarter_type": ("Quartierstyp", "Quarter type"),
    "region": ("Alle 20 Quartiere", "All 20 quarters"),
    "selection": ("Auswahl", "Selection"),
    "color_by": ("Einfärben nach", "Colour by"),
    "table_beside_map": ("Tabelle zur Karte", "Table for the map"),
    "click_quarter_hint": (
        "Klicken Sie auf ein Quartier, um es auszuwählen.",
        "Click a quarter to select it.",
    ),
}

_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "building_type": {
        "EFH": ("Einfamilienhaus", "Single-family house"),
        "RH": ("Reihenhaus", "Terraced house"),
        "MFH": ("Mehrfamilienhaus", "Multi-family house"),
        "GMH": ("Großes Mehrfamilienhaus", "Apartment block"),
        "HH": ("Hochhaus", "High-rise"),
        "NWG": ("Nichtwohngebäude", "Non-residential"),
    },
    "quarter_type": {
        "colliery": ("Zechensiedlung", "Colliery settlement"),
        "gruenderzeit": ("Gründerzeit-Blockrand", "Gründerzeit perimeter blocks"),
        "postwar_rows": ("Nachkriegs-Zeilenbau", "Post-war row housing"),
        "estate_6070": ("Großsiedlung der 1960er/70er", "1960s/70s housing estate"),
        "suburb_efh": ("Einfamilienhausgebiet", "Single-family suburb"),
        "mixed_inner": ("Gemischte Innenstadt", "Mixed inner city"),
    },
    "refurbishment_state": {
        "existing": ("unsaniert (Bestand)", "unrefurbished (existing)"),
        "usual": ("übliche Sanierung", "usual refurbishment"),
        "advanced": ("ambitionierte Sanierung", "advanced refurbishment"),
    },
    "heating_carrier": {
        "gas": ("Erdgas", "Natural gas"),
        "oil": ("Heizöl", "Heating oil"),
        "coal": ("Kohle", "Coal"),
        "electricity": ("Strom", "Electricity"),
        "district_heating": ("Fernwärme", "District heating"),
        "biomass": ("Holz/Pellets", "Wood/pellets"),
    },
    "owner_type": {
        "self_user": ("Selbstnutzer", "Owner-occupier"),
        "private_landlord": ("Privatvermieter", "Private landlord"),
        "housing_company": ("Wohnungsunternehmen", "Housing company"),
        "public": ("Öffentliche Hand", "Public sector"),
        "commercial": ("Gewerbe", "Commercial"),
    },
    "phase": {
        "preparation": ("Vorbereitung", "Preparation"),
        "concept": ("Konzeptphase", "Concept phase"),
        "agreement": ("Vereinbarung", "Agreement"),
        "implementation": ("Umsetzung", "Implementation"),
    },
}


def t(key: str, lang: Lang = "de") -> str:
    """The text ``key`` in ``lang``; an unknown key returns the key (visible, not a crash)."""
    pair = _TEXTS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "de" else pair[1]


def label(vocabulary: str, value: object, lang: Lang = "de") -> str:
    """Label of a vocabulary value, e.g. ``label("building_type", "EFH") == "Einfamilienhaus"``."""
    pair = _LABELS.get(vocabulary, {}).get(str(value))
    if pair is None:
        return str(value)
    return pair[0] if lang == "de" else pair[1]


