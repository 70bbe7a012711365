"""German and English texts, and labels of the closed vocabularies.

German is the default; every user-facing text is looked up here by key so that the English
switch covers the whole UI. Number formatting lives in :mod:`quartier_geo.numfmt`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

__all__ = ["LANGS", "Lang", "label", "long_text", "t"]

_TEXT_DIR = Path(__file__).resolve().parent / "texts"

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
    "potential_usual": (
        "Einsparpotenzial (übliche Sanierung)",
        "Saving potential (usual refurbishment)",
    ),
    "potential_advanced": (
        "Einsparpotenzial (ambitionierte Sanierung)",
        "Saving potential (advanced refurbishment)",
    ),
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
    "synthetic_geometry": (
        "Die Quartiersgrenze ist synthetisch: eine plausible Form der berichteten Fläche um den "
        "ungefähren Mittelpunkt. Echte Grenzen lassen sich auf der Seite „Daten“ importieren.",
        "The quarter boundary is synthetic: a plausible shape of the reported area around the "
        "approximate centre. Real boundaries can be imported on the “Data” page.",
    ),
    "quarters_count": ("Quartiere", "Quarters"),
    "co2_per_resident": ("CO₂ je Einwohner", "CO₂ per resident"),
    "potential_share": ("Einsparpotenzial (übliche Sanierung)", "Saving potential (usual)"),
    "reported": ("belegt", "reported"),
    "concept_start": ("Start der Konzeptphase", "Start of the concept phase"),
    "facts_type_note": ("Charakter", "Character"),
    "facts_completed": ("Konzept und Umsetzung", "Concept and implementation"),
    "facts_results": ("Berichtete Ergebnisse", "Reported results"),
    "facts_facts": ("Weitere Angaben", "Further facts"),
    # quarter map
    "class_breaks": ("Klassengrenzen", "Class breaks"),
    "breaks_quantiles": ("Quantile", "Quantiles"),
    "breaks_equal_interval": ("gleiche Abstände", "Equal interval"),
    "breaks_natural_breaks": ("natürliche Brüche", "Natural breaks"),
    "classes": ("Klassen", "Classes"),
    "layers": ("Ebenen", "Layers"),
    "layer_streets": ("Straßen nach Wärmeliniendichte", "Streets by linear heat density"),
    "layer_grid": ("Hektarraster der Wärmedichte", "Hectare grid of heat density"),
    "layer_heat_networks": ("Wärmenetze", "Heat networks"),
    "layer_potentials": ("Potenziale (z. B. Grubenwasser)", "Potentials (e.g. mine water)"),
    "fact_sheet": ("Steckbrief", "Fact sheet"),
    "building_type": ("Gebäudetyp", "Building type"),
    "age_class": ("Baualtersklasse", "Construction period"),
    "specific_demand": ("Spezifischer Wärmebedarf", "Specific heat demand"),
    "heating_carrier": ("Energieträger der Heizung", "Heating fuel"),
    "refurbishment_state": ("Sanierungszustand", "Refurbishment state"),
    "owner_type": ("Eigentümer", "Owner"),
    "modelled_short": ("berechnet (IWU/TABULA, GEG)", "modelled (IWU/TABULA, GEG)"),
    "per_block": ("je Baublock", "per block"),
    "public_blocks_note": (
        "Im öffentlichen Modus werden Gebäude zu Baublöcken zusammengefasst; Blöcke mit weniger "
        "als drei Gebäuden zeigen keinen Wert.",
        "In public mode buildings are grouped into blocks; blocks with fewer than three "
        "buildings show no value.",
    ),
    "address": ("Adresse", "Address"),
    "click_building_hint": (
        "Klicken Sie auf ein Gebäude, um seinen Steckbrief zu sehen. Verschieben und Zoomen "
        "laden die Seite nicht neu.",
        "Click a building to see its card. Panning and zooming do not reload the page.",
    ),
    "building_card": ("Gebäude", "Building"),
    "building_card_hint": (
        "Noch kein Gebäude gewählt: bitte in der Karte anklicken.",
        "No building selected yet: click one on the map.",
    ),
    "storeys": ("Geschosse", "Storeys"),
    "floor_area": ("Beheizte Fläche A_C", "Conditioned floor area A_C"),
    "heating": ("Heizung", "Heating"),
    "listed": ("Denkmalschutz", "Listed building"),
    "yes": ("ja", "yes"),
    "no": ("nein", "no"),
    "card_sources": (
        "Herkunft: Fläche = Grundfläche × Geschosse × {factor} (Annahme); Bedarf = A_C × {q} "
        "kWh/(m²·a) aus TABULA {tabula}; Endenergie = Bedarf / {eta} (Heizsystem); "
        "CO₂ = Endenergie × {co2} g/kWh (GEG Anlage 9). Alle Werte berechnet, nicht gemessen.",
        "Origin: area = footprint × storeys × {factor} (assumption); demand = A_C × {q} "
        "kWh/(m²·a) from TABULA {tabula}; final energy = demand / {eta} (heating system); "
        "CO₂ = final energy × {co2} g/kWh (GEG Annex 9). All values modelled, not measured.",
    ),
    "card_fallback": (
        "TABULA hat keine eigene Zeile: ersetzt durch {fallback}.",
        "TABULA has no row of its own: replaced by {fallback}.",
    ),
    "synthetic_building": (
        "Das Gebäude und seine Merkmale sind synthetisch (Demodaten).",
        "The building and its attributes are synthetic (demo data).",
    ),
    # phases
    "phases_intro": (
        "Das Programm lief in festen Schritten: Vorbereitung mit Auswahl der 20 Quartiere durch "
        "eine Fachjury (bekannt gegeben am 2. Mai 2016), Konzeptphase ab Juli 2016 – je Quartier "
        "versetzt – mit vier Bausteinen, eine unterzeichnete Vereinbarung der Akteure und die "
        "Umsetzung ohne EFRE-Förderung. Der Projekttisch Ruhr begleitete alles.",
        "The programme ran in fixed steps: preparation with the selection of the 20 quarters by "
        "an expert jury (announced on 2 May 2016), the concept phase from July 2016 – staggered "
        "per quarter – with four modules, a signed agreement of the local actors, and "
        "implementation without ERDF funding. The Projekttisch Ruhr accompanied all of it.",
    ),
    "as_of": ("Stand am", "As of"),
    "phases_dates_note": (
        "Schraffierte Balken: Termine illustrativ (nicht belegt). Belegt sind die Starttermine "
        "der Konzeptphase und einzelne Abschlusstermine; Details in der Spalte „Quelle“.",
        "Hatched bars: illustrative dates (not sourced). Sourced are the concept-phase start "
        "dates and some completion dates; details in the column “source”.",
    ),
    "module": ("Baustein", "Module"),
    "status": ("Status", "Status"),
    "completed": ("abgeschlossen am", "completed on"),
    "date_quality": ("Datum ist", "Date is"),
    "edit_modules": ("Bausteine bearbeiten (Arbeitsbereich)", "Edit modules (workspace)"),
    "note": ("Notiz", "Note"),
    "save": ("Speichern", "Save"),
    "workspace_edits": ("Bearbeitungen im Arbeitsbereich", "Edits in the workspace"),
    "author": ("geändert von", "changed by"),
    "changed_at": ("geändert am (UTC)", "changed at (UTC)"),
    "funding": (
        "Maßnahmen und Finanzierung der Umsetzung",
        "Measures and funding of implementation",
    ),
    "measure": ("Maßnahme", "Measure"),
    "category": ("Art", "Category"),
    "funding_source": ("Finanzierung", "Funding"),
    "year": ("Jahr", "Year"),
    "funding_note": (
        "Die Umsetzung war nicht EFRE-gefördert; Mittel kamen aus anderen Programmen. "
        "Maßnahmen aller Quartiere nach Finanzierung (Anzahl, überwiegend illustrativ):",
        "Implementation was not ERDF-funded; money came from other programmes. "
        "Measures of all quarters by funding (count, mostly illustrative):",
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


def long_text(name: str, lang: Lang = "de") -> str:
    """A long Markdown text shipped in ``quartier_geo/texts/<name>_<lang>.md`` (trusted)."""
    return (_TEXT_DIR / f"{name}_{lang}.md").read_text(encoding="utf-8")
