"""German and English texts, and labels of the closed vocabularies.

German is the default; every user-facing text is looked up here by key so that the English
switch covers the whole UI. The texts live in ``quartier_geo/texts/ui.toml`` (one table per key
with ``de`` and ``en``), the labels of the closed vocabularies below. Number formatting
lives in :mod:`quartier_geo.base.numfmt`.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

__all__ = ["LANGS", "MISSING_KEY_MESSAGE", "Lang", "label", "long_text", "pick", "t"]

_TEXT_DIR = Path(__file__).resolve().parent / "texts"

log = logging.getLogger(__name__)

#: Start of the warning logged for a key that has no text (tests fail on it).
MISSING_KEY_MESSAGE = "UI text key without a text"

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")


def _load_texts() -> dict[str, tuple[str, str]]:
    with open(_TEXT_DIR / "ui.toml", "rb") as fh:
        raw = tomllib.load(fh)
    return {key: (entry["de"], entry["en"]) for key, entry in raw.items()}


#: All UI texts (quartier_geo/texts/ui.toml), read once at import; immutable mapping.
_TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(_load_texts())

_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "building_type": {
        "EFH": ("Einfamilienhaus", "Single-family house"),
        "RH": ("Reihenhaus", "Terraced house"),
        "MFH": ("Mehrfamilienhaus", "Multi-family house"),
        "GMH": ("Großes Mehrfamilienhaus", "Apartment block"),
        "HH": ("Hochhaus", "High-rise"),
        "NWG": ("Nichtwohngebäude", "Non-residential"),
        # pooled small groups on public servers (domain.privacy.OTHER)
        "other": ("Sonstige (zusammengefasst)", "Other (pooled)"),
    },
    "age_class": {
        "other": ("Sonstige (zusammengefasst)", "Other (pooled)"),
    },
    "quarter_type": {
        "colliery": ("Zechensiedlung", "Colliery settlement"),
        "gruenderzeit": ("Gründerzeit-Blockrand", "Gründerzeit perimeter blocks"),
        "postwar_rows": ("Nachkriegs-Zeilenbau", "Post-war row housing"),
        "estate_6070": ("Großsiedlung der 1960er/70er", "1960s/70s housing estate"),
        "suburb_efh": ("Einfamilienhausgebiet", "Single-family suburb"),
        "mixed_inner": ("Gemischte Innenstadt", "Mixed inner city"),
        "imported": ("Importiertes Gebiet", "Imported area"),
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
    "funding_source": {
        "municipal": ("Kommune", "Municipality"),
        "utility": ("Stadtwerke/Versorger", "Utility"),
        "unknown": ("unbekannt", "unknown"),
        "KfW": ("KfW", "KfW"),
        "BAFA BEG": ("BAFA (BEG)", "BAFA (BEG)"),
        "EFRE": ("EFRE (Konzeptphase)", "ERDF (concept phase)"),
        "progres.nrw": ("progres.nrw", "progres.nrw"),
    },
    # kinds of workspace records (data/store.py), as the change log names them
    "record_kind": {
        "module_status": ("Status Konzeptbaustein", "Module status"),
        "phase_dates": ("Phasentermine", "Phase dates"),
        "scenario": ("Szenario", "Scenario"),
        "import": ("Import", "Import"),
        "published": ("Veröffentlichung", "Publication"),
    },
    # how a figure of the reference tables is backed (column "status" of geodata/reference)
    "source_status": {
        "read": ("belegt", "sourced"),
        "inferred": ("erschlossen", "inferred"),
        "assumption": ("Annahme", "assumption"),
        "missing": ("keine belegte Zahl", "no sourced figure"),
    },
    "phase": {
        "preparation": ("Vorbereitung", "Preparation"),
        "concept": ("Konzeptphase", "Concept phase"),
        "agreement": ("Vereinbarung", "Agreement"),
        "implementation": ("Umsetzung", "Implementation"),
    },
}


def t(key: str, lang: Lang = "de") -> str:
    """The text ``key`` in ``lang``; an unknown key returns the key (visible, not a crash).

    An unknown key is also logged as a warning, so that the app tests, which render every
    page in every mode and language, find keys that are built or passed in variables.
    """
    pair = _TEXTS.get(key)
    if pair is None:
        log.warning("%s: %r", MISSING_KEY_MESSAGE, key)
        return key
    return pair[0] if lang == "de" else pair[1]


def label(vocabulary: str, value: object, lang: Lang = "de") -> str:
    """Label of a vocabulary value, e.g. ``label("building_type", "EFH") == "Einfamilienhaus"``."""
    pair = _LABELS.get(vocabulary, {}).get(str(value))
    if pair is None:
        return str(value)
    return pair[0] if lang == "de" else pair[1]


def pick(table: Any, stem: str, lang: Lang = "de") -> Any:
    """The ``<stem>_<lang>`` entry of a reference row, table or mapping with German and
    English columns (``class_de``/``class_en``), so that code never switches on ``lang``.

    Examples
    --------
    >>> pick({"class_de": "geeignet", "class_en": "suitable"}, "class", "en")
    'suitable'
    """
    if lang not in LANGS:
        raise ValueError(f"Sprache {lang!r} unbekannt: {LANGS}.")
    return table[f"{stem}_{lang}"]


def long_text(name: str, lang: Lang = "de") -> str:
    """A long Markdown text shipped in ``quartier_geo/texts/<name>_<lang>.md`` (trusted)."""
    return (_TEXT_DIR / f"{name}_{lang}.md").read_text(encoding="utf-8")
