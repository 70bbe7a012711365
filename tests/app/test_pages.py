"""Every page in every mode and both languages, driven through the router with AppTest.

The pages come from ``frame._PAGES``, so a new page is covered without touching this file.
Widgets are driven by key: ``_w_q`` (quarter, sidebar) and ``_w_lang`` (language).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.data import layers
from quartier_geo.ui import buildingcard, frame

NewApp = Callable[..., AppTest]
PAGES = {p[0]: p[1] for p in frame._PAGES}  # file -> title key
PATH_OF = {key: path for path, key in PAGES.items()}
DEFAULT_PAGE = frame._PAGES[0][0]
MODES = [m.value for m in Mode]
READ_ONLY_MODES = [Mode.WORKSHOP.value, Mode.PUBLIC.value]

#: Pages about all quarters at once; every other page must show the selected quarter in a
#: title, header or subheader (and follow the sidebar selection).
ALL_QUARTER_PAGES = {PATH_OF["page_methods"], PATH_OF["page_jury"]}
#: Pages with editing widgets (forms, uploads) in planner mode.
EDITING_PAGES = {PATH_OF["page_refurbishment"], PATH_OF["page_phases"], PATH_OF["page_data"]}
HERNE = 9  # quarter_id of Herne-Mitte in the bundled data (geodata/reference/quarters.csv)


@pytest.fixture(scope="module")
def municipality() -> dict[int, str]:
    q = layers.load_layer("quarters")
    return dict(zip(q["quarter_id"].astype(int), q["municipality"].astype(str), strict=True))


def walk(node: object) -> Iterator[object]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def problems(at: AppTest) -> list[str]:
    """Exceptions and st.error texts of the last run."""
    out = [f"exception: {e.message}\n{''.join(e.stack_trace)}" for e in at.exception]
    out += [f"st.error: {e.value}" for e in at.error]
    return out


def markdown_texts(at: AppTest) -> list[str]:
    return [m.value.strip() for m in at.markdown]


def headings(at: AppTest) -> list[str]:
    return [h.value for h in [*at.title, *at.header, *at.subheader]]


def editing_widgets(at: AppTest) -> list[str]:
    """Widgets that write or upload: file uploaders, text fields, data editors, forms."""
    found: list[str] = []
    for node in walk(at._tree):
        kind = getattr(node, "type", None)
        if kind in {"file_uploader", "text_input", "text_area", "chat_input", "form"}:
            found.append(f"{kind} {getattr(node, 'label', '') or getattr(node, 'key', '')}")
        elif kind == "button" and node.proto.is_form_submitter:  # type: ignore[attr-defined]
            found.append(f"form_submit_button {node.label}")  # type: ignore[attr-defined]
        elif kind == "dataframe" and node.editing_mode != "read_only":  # type: ignore[attr-defined]
            found.append(f"data_editor {node.key}")  # type: ignore[attr-defined]
    return found


def goto(at: AppTest, page: str) -> AppTest:
    return at.switch_page(page).run()


def title_of(page: str, lang: str) -> str:
    return t("app_title" if page == DEFAULT_PAGE else PAGES[page], lang)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_in_both_languages(new_app: NewApp, page: str, mode: str) -> None:
    """No exception and no st.error, in German and after the switch to English."""
    at = goto(new_app(mode), page)
    assert not problems(at), "[de] " + "\n".join(problems(at))
    assert len(at.main.children) > 0
    at.button_group(key="_w_lang").set_value("en").run()
    assert not problems(at), "[en] " + "\n".join(problems(at))
    assert at.selectbox(key="_w_q").label == t("quarter", "en")
    assert at.query_params["lang"] == "en"


@pytest.mark.parametrize("page", list(PAGES))
def test_page_title_names_the_page_in_both_languages(new_app: NewApp, page: str) -> None:
    """The st.title carries the navigation title (the app title on the start page)."""
    at = goto(new_app(Mode.PLANNER.value), page)
    de_titles = [x.value for x in at.title]
    at.button_group(key="_w_lang").set_value("en").run()
    en_titles = [x.value for x in at.title]
    assert any(title_of(page, "de") in x for x in de_titles), de_titles
    assert any(title_of(page, "en") in x for x in en_titles), en_titles


@pytest.mark.parametrize("page", list(PAGES))
def test_page_follows_the_sidebar_quarter(
    new_app: NewApp, page: str, municipality: dict[int, str]
) -> None:
    at = goto(new_app(Mode.PLANNER.value), page)
    first = at.selectbox(key="_w_q").value
    before = headings(at)
    at.selectbox(key="_w_q").set_value(HERNE).run()
    assert not problems(at), "\n".join(problems(at))
    after = headings(at)
    shows_quarter = any(municipality[first] in h for h in before)
    if page in ALL_QUARTER_PAGES and not shows_quarter:
        return
    assert shows_quarter, f"{page}: no heading names the selected quarter: {before}"
    assert any(municipality[HERNE] in h for h in after), after
    assert not any(municipality[first] in h for h in after), after
    assert at.query_params["q"] == str(HERNE)


def test_quarter_and_language_survive_page_switches(
    new_app: NewApp, municipality: dict[int, str]
) -> None:
    at = new_app(Mode.PLANNER.value)
    at.selectbox(key="_w_q").set_value(HERNE).run()
    at.button_group(key="_w_lang").set_value("en").run()
    for page in PAGES:
        goto(at, page)
        assert not problems(at), (page, problems(at))
        assert at.selectbox(key="_w_q").value == HERNE, page
        assert at.button_group(key="_w_lang").value == "en", page
        assert at.query_params["q"] == str(HERNE), page
        assert at.query_params["lang"] == "en", page


def test_query_params_open_quarter_and_language(
    new_app: NewApp, municipality: dict[int, str]
) -> None:
    """A copied link ?q=9&lang=en reopens Herne in English."""
    at = new_app(Mode.PUBLIC.value, q=str(HERNE), lang="en")
    assert not problems(at), problems(at)
    assert at.selectbox(key="_w_q").value == HERNE
    assert at.selectbox(key="_w_q").label == t("quarter", "en")
    sub = [s.value for s in at.subheader]
    assert any(
        s.startswith(t("selection", "en") + ":") and municipality[HERNE] in s for s in sub
    ), sub
    goto(at, PATH_OF["page_quarter_map"])
    assert at.title[0].value.startswith(t("page_quarter_map", "en") + ": " + municipality[HERNE])


@pytest.mark.parametrize("query", [{"q": "999", "lang": "xx"}, {"q": "abc"}, {"q": "-1"}])
def test_bad_query_params_fall_back_to_defaults(new_app: NewApp, query: dict[str, str]) -> None:
    at = new_app(Mode.PUBLIC.value, **query)
    assert not problems(at), problems(at)
    assert at.selectbox(key="_w_q").index == 0
    assert at.button_group(key="_w_lang").value == "de"


@pytest.mark.parametrize("mode", READ_ONLY_MODES)
@pytest.mark.parametrize("page", list(PAGES))
def test_no_editing_widgets_in_read_only_modes(new_app: NewApp, page: str, mode: str) -> None:
    """Workshop and public: no upload, no text field, no data editor, no form (S-3).

    Paired with :func:`test_editing_widgets_in_planner_mode`: the same detector finds
    editors on these pages in planner mode, so an empty list here is not a blind spot.
    """
    at = goto(new_app(mode), page)
    assert not problems(at), problems(at)
    assert editing_widgets(at) == []


@pytest.mark.parametrize("page", list(PAGES))
def test_editing_widgets_in_planner_mode(new_app: NewApp, page: str) -> None:
    """Planner: exactly the pages of EDITING_PAGES offer editors; none of those editors is
    left in the read-only modes (compared by kind and label)."""
    planner = editing_widgets(goto(new_app(Mode.PLANNER.value), page))
    assert bool(planner) == (page in EDITING_PAGES), planner
    for mode in READ_ONLY_MODES:
        assert not set(planner) & set(editing_widgets(goto(new_app(mode), page))), mode


@pytest.mark.parametrize("mode", [Mode.PUBLIC.value, Mode.WORKSHOP.value])
@pytest.mark.parametrize("page", list(PAGES))
def test_public_and_workshop_show_no_building_card(new_app: NewApp, page: str, mode: str) -> None:
    """Issue 7: no single building on public and workshop servers (aggregates of N only)."""
    at = goto(new_app(mode), page)
    assert not problems(at), problems(at)
    assert buildingcard.heading("de") not in markdown_texts(at)


def test_building_card_is_shown_beside_the_quarter_map(new_app: NewApp) -> None:
    """Control for the test above: the same heading is found where the card must be."""
    at = goto(new_app(Mode.PLANNER.value), PATH_OF["page_quarter_map"])
    assert not problems(at), problems(at)
    assert buildingcard.heading("de") in markdown_texts(at)


def test_editing_widget_detector_sees_planner_forms(new_app: NewApp) -> None:
    """Control for the two tests above: in planner mode the detector does find editors."""
    at = goto(new_app(Mode.PLANNER.value), PATH_OF["page_phases"])
    assert not problems(at), problems(at)
    found = editing_widgets(at)
    assert any(f.startswith("form_submit_button") for f in found), found
    assert any(f.startswith("text_input") for f in found), found
    assert any(f.startswith("form") for f in found), found
