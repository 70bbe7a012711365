"""German throughout (issue #10 item 4): every page in every mode and both languages shows
numbers in the language's format, no text key, no raw column name or value, and no common
word of the other language. The rules are in ``tests/app/language_scan.py``."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.modes import Mode
from quartier_geo.data import layers
from quartier_geo.imports.types import Accepted
from tests.app.conftest import NewApp
from tests.app.language_scan import language_problems, shown_texts
from tests.app.test_import_twice import accepted  # noqa: F401  (module fixture)
from tests.app.test_pages import PAGES, PATH_OF, goto, problems


@pytest.fixture(scope="module")
def place_names() -> tuple[str, ...]:
    """Quarter and municipality names: proper names, the same in both languages."""
    q = layers.load_layer("quarters")
    names = {*q["name"].astype(str), *q["municipality"].astype(str)}
    return tuple(sorted(names, key=len, reverse=True))


#: Reference-table columns that quote sources, working notes and codes as read (English
#: only in geodata/reference/*.csv): their words are not checked, their numbers and raw
#: values are. Translating these notes is content work, not formatting.
QUOTED = (
    "source", "basis", "meaning", "type_notes", "other_stats", "reported_results",
    "size_sources", "concept_start_source", "concept_completed", "alt_name", "quarter_type",
    "key", "item", "category", "system", "kind", "path", "default_for_carrier", "unit",
    "tabula_code", "typology_fallback",
    # cost and potential tables (issue #9): notes as read, option and component codes
    "note", "option", "component", "size_basis", "price_key", "includes_co2_price",
)  # fmt: skip


#: Columns of the Daten page that show stored records as they are: the change log's entry
#: (kind and key) and its before → after of the stored fields, an import's schema id.
RECORDS = ("audit_what", "audit_changes", "import_schema")


def quoted(lang: str) -> frozenset[str]:
    refs = {t(f"ref_col_{c}", lang) for c in QUOTED}  # type: ignore[arg-type]
    return frozenset(refs | {t(k, lang) for k in RECORDS})  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", [m.value for m in Mode])
@pytest.mark.parametrize("page", list(PAGES))
def test_page_speaks_one_language(
    new_app: NewApp, page: str, mode: str, place_names: tuple[str, ...]
) -> None:
    at = goto(new_app(mode), page)
    assert not problems(at), problems(at)
    found = [
        f"[de] {p}"
        for p in language_problems(
            shown_texts(at), "de", proper_names=place_names, quoted_columns=quoted("de")
        )
    ]
    at.button_group(key="_w_lang").set_value("en").run()
    assert not problems(at), problems(at)
    texts = shown_texts(at)
    found += [
        f"[en] {p}"
        for p in language_problems(
            texts, "en", proper_names=place_names, quoted_columns=quoted("en")
        )
    ]
    assert found == [], "\n".join(found)


def test_scanner_finds_what_it_looks_for() -> None:
    """The scanner itself: each rule fires on a bad text and stays quiet on a good one."""
    bad_de = [
        ("markdown", "Gewicht 1.0 und 282.7 kWh"),
        ("caption", "page_overview"),
        ("dataframe:cell", "None"),
        ("dataframe:cell", "2024-05-01T10:00:00"),
        ("help", "the share of old buildings"),
        ("slider:format", "%.1f %%/a"),
        ("plotly_chart:separators", "None"),
    ]
    found = language_problems(bad_de, "de")
    for needle in ("'1.0'", "'282.7'", "text key", "'None'", "T10:00", "'the'", "slider", "sep"):
        assert any(needle in p for p in found), (needle, found)
    good_de = [
        ("markdown", "12.345 Einwohner am 13.02.2018, Version 0.2.0, 1,5 %/a"),
        ("caption", "Quelle: https://www.iwu.de/x_y.pdf, Datei alkis_gebaeude.geojson"),
        ("slider:format", "%d"),
        ("plotly_chart:separators", ",."),
    ]
    assert language_problems(good_de, "de") == []
    assert language_problems([("markdown", "Anteil 1,5 % der Gebäude")], "en") != []
    assert language_problems([("markdown", "1,234 buildings, 1.5 % share")], "en") == []


def test_projekttisch_says_in_german_when_a_meeting_has_no_source(new_app: NewApp) -> None:
    """geodata/reference/projekttisch.csv: meetings 2 and 5 have no source (English note
    "no source found for ..."); the German page says so in German, the web addresses of
    the others stay."""
    at = goto(new_app(Mode.PUBLIC.value), PATH_OF["page_projekttisch"])
    cells = [c for kind, c in shown_texts(at) if ":cell[" in kind]
    assert cells.count(t("meeting_no_source", "de")) == 2, cells
    assert not [c for c in cells if "no source found" in c]
    assert any(c.startswith("https://www.icrollout.de/presse/erster-projekttisch") for c in cells)


def _checked_import() -> None:
    """The Daten page's panel for a checked file, in the session's language."""
    import streamlit as st

    from quartier_geo.base.modes import Mode
    from quartier_geo.imports.fill import DEFAULTS
    from quartier_geo.ui import dataimport

    result, lang = st.session_state["checked"], st.session_state["lang_for_test"]
    dataimport._accepted(result, "a.gpkg", DEFAULTS, mode=Mode.PLANNER, lang=lang)


#: The mapping editor's data columns: the file's own column names and the target names,
#: which the browser shows through column_config titles and a format_func.
MAPPING_COLUMNS = frozenset({"source", "target"})
#: The first building of tests/data/lanuv_wbm.gpkg: EFH, no storeys, 25,000 kWh/a and
#: 125 kWh/(m²·a) as given in the file.
FIRST = {
    "de": {
        "storeys": "–",
        "building_type": "Einfamilienhaus",
        "heat_demand_reported_kwh_per_a": "25.000",
        "heat_demand_reported_kwh_per_m2a": "125",
    },
    "en": {
        "storeys": "–",
        "building_type": "Single-family house",
        "heat_demand_reported_kwh_per_a": "25,000",
        "heat_demand_reported_kwh_per_m2a": "125",
    },
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_import_preview_speaks_one_language(
    new_app: NewApp,
    accepted: Accepted,  # noqa: F811
    lang: Lang,
) -> None:
    """The preview of a checked file: headers in the language, codes labelled, "–" for
    empty cells, numbers in the language's format; no raw name, None or timestamp."""
    new_app(Mode.PLANNER.value)
    at = AppTest.from_function(_checked_import, default_timeout=60)
    at.session_state["checked"] = accepted
    at.session_state["lang_for_test"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    found = language_problems(shown_texts(at), lang, quoted_columns=MAPPING_COLUMNS)
    assert found == [], "\n".join(found)
    storeys = t("import_col_storeys", lang)
    preview = next(d.value for d in at.dataframe if storeys in d.value.columns)
    first = preview.iloc[0]
    for column, shown in FIRST[lang].items():
        assert first[t(f"import_col_{column}", lang)] == shown, column
