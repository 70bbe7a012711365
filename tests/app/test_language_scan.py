"""German throughout (issue #10 item 4): every page in every mode and both languages shows
numbers in the language's format, no text key, no raw column name or value, and no common
word of the other language. The rules are in ``tests/app/language_scan.py``."""

from __future__ import annotations

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.data import layers
from tests.app.conftest import NewApp
from tests.app.language_scan import language_problems, shown_texts
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
)  # fmt: skip


def quoted(lang: str) -> frozenset[str]:
    return frozenset(t(f"ref_col_{c}", lang) for c in QUOTED)  # type: ignore[arg-type]


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
