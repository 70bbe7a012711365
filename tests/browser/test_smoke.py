"""Every page in every mode in headless Chromium: it loads, maps draw, nothing external.

Per page: no Streamlit exception box or st.error, no console error (except the two benign
sub-path probes documented in harness.py), no request to another host (all are blocked, so
a map that needed a CDN would not draw), every map on the page holds features and painted
canvas pixels, nothing wider than the window; at 1920×1080 no axe-core violation of impact
"serious" or "critical" (test_a11y.py: the rule, its exceptions, English and the keyboard).
Screenshots at 1920×1080 and 390×844 go to
test-output/screenshots/<page>-<mode>-de-<W>x<H>.png (workshop at phone width: screenshot
only, the workshop is shown on a projector). Public and workshop modes: no upload, no text
field, no form, no edit/save button (S-3); public mode also shows no building card.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.ui import frame
from tests.browser.a11y import axe_problems, page_lang, unnamed_frames
from tests.browser.harness import (
    PHONE,
    PROJECTOR,
    Server,
    horizontal_overflow,
    open_page,
    screenshot,
    sidebar_nav,
    streamlit_errors,
    wait_for_maps,
    wait_idle,
)

pytestmark = pytest.mark.browser

PAGES = [(p[2], p[1]) for p in frame._PAGES]  # (url path, title key)
#: The default page is served at "/" (Streamlit ignores its url_path).
DEFAULT_URL = PAGES[0][0]


def path_of(url: str) -> str:
    return "" if url == DEFAULT_URL else url


MODES = ("planner", "workshop", "public")

#: Widgets that write or upload, as Streamlit marks them in the DOM.
EDITING_SELECTORS = (
    'input[type="file"]',
    '[data-testid="stFileUploader"]',
    '[data-testid="stFileUploaderDropzone"]',
    '[data-testid="stFormSubmitButton"]',
    '[data-testid="stForm"]',
    '[data-testid="stTextInput"]',
    '[data-testid="stTextArea"]',
    '[data-testid="stChatInput"]',
)
EDIT_WORDS = re.compile(
    r"speicher|save|bearbeit|edit|lösch|delete|hochlad|upload|import|ändern", re.I
)

#: Control for the detector: in planner mode this page shows its save form.
EDITOR_CONTROL_PAGE = "page_refurbishment"
#: Pages whose maps the brief names: the least number of features their map must hold.
MIN_FEATURES = {"page_overview": 20, "page_quarter_map": 1}


def editing_widgets(page: Any) -> list[str]:
    return page.evaluate(
        """([sels, words]) => {
            const out = [];
            for (const s of sels) {
                const n = document.querySelectorAll(s).length;
                if (n) { out.push(`${s} x${n}`); }
            }
            const re = new RegExp(words, 'i');
            for (const b of document.querySelectorAll('button')) {
                const txt = (b.innerText || '').trim();
                if (txt && re.test(txt)) { out.push(`button "${txt}"`); }
            }
            return out;
        }""",
        [list(EDITING_SELECTORS), EDIT_WORDS.pattern],
    )


def building_card(page: Any) -> list[str]:
    """Traces of the building card (ui/buildingcard.py): its hints or its address line."""
    text = page.inner_text('[data-testid="stMainBlockContainer"]')
    hints = [t("building_card_hint", "de"), t("click_building_hint", "de")]
    lines = [x for x in text.splitlines() if x.startswith(t("address", "de") + ":")]
    return [h for h in hints if h in text] + lines


def check_page(page: Any, *, key: str, mode: str, size: str) -> list[str]:
    """Problems of the page as it is now (errors, maps, mode rules, overflow)."""
    problems = [f"{size} streamlit error: {e}" for e in streamlit_errors(page)]
    drawn, expected = wait_for_maps(page, minimum=int(key in MIN_FEATURES), timeout_s=15)
    if len(drawn) < expected:
        problems.append(f"{size}: {len(drawn)} of {expected} maps drew: {[s for _, s in drawn]}")
    if key in MIN_FEATURES and drawn:
        most = max(s["features"] for _, s in drawn)
        if most < MIN_FEATURES[key]:
            problems.append(f"{size}: map has {most} features, expected ≥ {MIN_FEATURES[key]}")
    if mode != "planner":
        problems += [f"{size} {mode}: editing widget {w}" for w in editing_widgets(page)]
    elif key == EDITOR_CONTROL_PAGE and not editing_widgets(page):
        problems.append(f"{size}: the editing-widget detector found no editor in planner mode")
    if mode == "public":
        problems += [f"{size} public: building card: {c!r}" for c in building_card(page)]
    problems += [f"{size} overflow: {o}" for o in horizontal_overflow(page)]
    return problems


def check_links(page: Any) -> list[str]:
    """Links whose target carries an escaped backslash (Markdown escaping inside a URL)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] a[href]')]
            .map(a => a.getAttribute('href'))
            .filter(h => h.includes('%5C') || h.includes('\\\\'))"""
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("url", "key"), PAGES, ids=[u for u, _ in PAGES])
def test_page(browser: Any, servers: dict[str, Server], url: str, key: str, mode: str) -> None:
    server = servers[mode]
    log_start = server.log_size()
    problems: list[str] = []
    for width, height in (PROJECTOR, PHONE):
        size = f"{width}x{height}"
        with open_page(browser, server, path_of(url), viewport=(width, height)) as (page, watch):
            wait_idle(page)
            if mode == "workshop" and width == PHONE[0]:
                # the workshop is for the projector: at phone width a picture only
                wait_for_maps(page, timeout_s=15)
                screenshot(page, f"{url}-{mode}-de-{size}")
                continue
            problems += check_page(page, key=key, mode=mode, size=size)
            if width == PROJECTOR[0]:
                problems += axe_problems(page, size)
                problems += [f"{size}: frame without a name: {n}" for n in unnamed_frames(page)]
                if (lang := page_lang(page)) != "de":
                    problems.append(f"{size}: <html lang={lang!r}>, expected 'de'")
            problems += [f"{size} broken link: {h}" for h in sorted(set(check_links(page)))]
            if mode != "workshop" and width == PROJECTOR[0]:
                nav = sidebar_nav(page)  # the workshop starts with the sidebar collapsed
                want = [t(k, "de") for _u, k in PAGES]
                if nav != want:
                    problems.append(f"sidebar navigation {nav} != {want}")
            screenshot(page, f"{url}-{mode}-de-{size}")
            problems += [f"{size} console: {e}" for e in watch.console_errors]
            problems += [f"{size} blocked external request: {u}" for u in watch.blocked]
            problems += [f"{size} HTTP {r}" for r in watch.bad_responses]
    problems += [f"server log: {e}" for e in server.log_errors(since=log_start)]
    assert not problems, "\n".join(problems)
