"""Every URL the app shows opens without a dialog, on a freshly started server and warm.

Issue #10 item 3: opening ``/uebersicht`` showed Streamlit's "Page not found" dialog (the
default page is served at ``/`` only) and blocked clicks; on a cold server Streamlit's own
navigation of the ``pages/`` folder showed for a moment before the app's. Each check
records, from the first byte of the document on (an init script polling every 25 ms), every
``[role=dialog]``, any "Page not found" text and every sidebar navigation link that ever
appeared; then the workshop tour's "next" button must move on to the next quarter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from quartier_geo.base.i18n import t
from quartier_geo.ui import frame
from tests.browser.harness import (
    PROJECTOR,
    Server,
    open_page,
    screenshot,
    start_server,
    wait_idle,
)

pytestmark = pytest.mark.browser

#: The URL paths of the app's navigation (the default page at "/") plus the default page's
#: own name, which people type and which older versions showed.
NAV_URLS = ["", *[p[2] for p in frame._PAGES[1:]]]
URLS = [*NAV_URLS, frame._PAGES[0][2]]

_RECORD_JS = """
window.__qgSeen = {dialogs: [], notFound: false, nav: []};
setInterval(() => {
    const seen = window.__qgSeen;
    for (const d of document.querySelectorAll('[role="dialog"]')) {
        const text = (d.innerText || '').trim().slice(0, 200);
        if (!seen.dialogs.includes(text)) { seen.dialogs.push(text); }
    }
    if (document.body && /page not found/i.test(document.body.innerText || '')) {
        seen.notFound = true;
    }
    for (const a of document.querySelectorAll('[data-testid="stSidebarNavLink"]')) {
        const href = new URL(a.href, location.href).pathname.replace(/^\\//, '');
        if (!seen.nav.includes(href)) { seen.nav.push(href); }
    }
}, 25);
"""


@pytest.fixture
def cold_server(tmp_path: Path) -> Iterator[Server]:
    """A workshop server that has served no page yet (started for this test alone)."""
    server = start_server("workshop", tmp_path, name="cold")
    try:
        yield server.wait_healthy()
    finally:
        server.stop()


def position(page: Any) -> int:
    """The number n of the tour's "Quartier n von 20" line."""
    text = page.inner_text('[data-testid="stMainBlockContainer"]')
    pattern = t("tour_position", "de").format(n="(\\d+)", total="\\d+")
    match = re.search(pattern, text)
    assert match, f"no tour position in the page: {text[:300]!r}"
    return int(match.group(1))


def visit(browser: Any, server: Server, url: str) -> list[str]:
    """Open ``url``, check what ever showed, then press the tour's next button."""
    problems: list[str] = []
    ctx = browser.new_context(viewport={"width": PROJECTOR[0], "height": PROJECTOR[1]})
    ctx.add_init_script(_RECORD_JS)  # before the first request: a cold server stays cold
    try:
        page = ctx.new_page()
        page.goto(f"{server.url}/{url}", wait_until="domcontentloaded")
        wait_idle(page)
        before = position(page)
        seen = page.evaluate("() => window.__qgSeen")
        problems += [f"/{url}: dialog {d!r}" for d in seen["dialogs"]]
        if seen["notFound"]:
            problems.append(f"/{url}: 'Page not found' shown")
        stray = sorted(set(seen["nav"]) - set(NAV_URLS))
        if stray:
            problems.append(f"/{url}: navigation links outside the app's: {stray}")
        path = page.evaluate("() => location.pathname.replace(/^\\//, '')")
        if url in NAV_URLS and path != url:
            problems.append(f"/{url}: address changed to /{path}")
        try:
            page.get_by_role("button", name=t("tour_next", "de")).click(timeout=5000)
        except PlaywrightError as e:
            return [*problems, f"/{url}: tour next cannot be clicked: {str(e)[:300]}"]
        page.wait_for_timeout(300)
        wait_idle(page)
        after = position(page)
        if after != before % 20 + 1:
            problems.append(f"/{url}: tour next went from {before} to {after}")
    finally:
        ctx.close()
    return problems


@pytest.mark.parametrize("url", URLS, ids=[u or "root" for u in URLS])
def test_cold_server_opens_url_without_dialog(browser: Any, cold_server: Server, url: str) -> None:
    """The first visitor of a fresh server: no dialog, only the app's navigation."""
    assert visit(browser, cold_server, url) == []


def test_warm_server_opens_every_url_without_dialog(
    browser: Any, servers: dict[str, Server]
) -> None:
    server = servers["workshop"]
    problems = [p for url in URLS for p in visit(browser, server, url)]
    assert problems == [], "\n".join(problems)


def test_default_page_alias_forwards_to_root_with_its_query(
    browser: Any, servers: dict[str, Server]
) -> None:
    """``/uebersicht?q=9&lang=en`` ends at ``/`` with the same quarter and language."""
    server = servers["workshop"]
    with open_page(browser, server, "uebersicht?q=9&lang=en") as (page, _watch):
        wait_idle(page)
        page.wait_for_function("() => location.pathname === '/'", timeout=10_000)
        wait_idle(page)
        path, query = page.evaluate("() => [location.pathname, location.search]")
        text = page.inner_text('[data-testid="stMainBlockContainer"]')
    assert path == "/"
    assert "q=9" in query and "lang=en" in query, query
    assert t("tour_position", "en").format(n=9, total=20) in text


def test_jury_link_with_weights_opens_with_them(browser: Any, servers: dict[str, Server]) -> None:
    """A copied Jury link: the weights of the URL are on the sliders, in German format
    ("2,5"), and stay in the address (public server: what a citizen gets sent)."""
    server = servers["public"]
    with open_page(browser, server, "jury?w_share_fossil=2.5&w_share_listed=0") as (page, _w):
        wait_idle(page)
        sliders = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stSlider"]')].map(s => [
                s.querySelector('[data-testid="stWidgetLabel"]')?.innerText.trim(),
                s.querySelector('[data-testid="stSliderThumbValue"]')?.innerText.trim(),
            ])"""
        )
        query = page.evaluate("() => location.search")
        screenshot(page, "jury-weights-link-public-1920x1080", full=False)
    by_label = dict(sliders)
    assert by_label.get("Anteil fossile Wärme") == "2,5", sliders
    assert by_label.get("Anteil Baudenkmäler") == "0,0", sliders
    assert by_label.get("Anteil unsaniert") == "1,0", sliders
    assert "w_share_fossil=2.5" in query, query
