"""Accessibility and screens in English: axe-core, keyboard, screenshots of every page.

German is covered by test_smoke.py (one visit per page, mode and width, with the same axe
check and screenshots). Here, per mode, one browser page at 1920×1080 and one at 390×844
open the app in English and walk through all pages with the app's own navigation (one
Streamlit session per width, so the walk costs a script run per page, not a new session).

Per page and mode at 1920×1080:

- axe-core (npm, package.json; ``npm ci``) in the page and in each map frame: no violation
  of impact "serious" or "critical" (``a11y.AXE_IGNORE`` lists the exceptions, each with
  the reason it cannot be fixed from the app).
- Keyboard: pressing Tab from the top reaches every visible, enabled control of the sidebar
  and the main area, and focus comes back round (no frame keeps it).

At both widths: no Streamlit error box, every visible frame has a name (map frames:
"Interactive map"), the page says lang="en", and a screenshot
``test-output/screenshots/<page>-<mode>-en-<W>x<H>.png``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.a11y import (
    axe_problems,
    keyboard_unreached,
    page_lang,
    unnamed_frames,
)
from tests.browser.harness import (
    PHONE,
    PROJECTOR,
    Server,
    open_page,
    screenshot,
    streamlit_errors,
    wait_for_maps,
    wait_idle,
)
from tests.browser.test_smoke import MODES, PAGES, path_of

pytestmark = pytest.mark.browser


def go_to(page: Any, url: str) -> None:
    """Open the page ``url`` with the sidebar's navigation (same session, no reload)."""
    target = "/" + path_of(url)
    link = page.locator(f'[data-testid="stSidebarNavLink"][href$="{target}"]')
    if not path_of(url):  # the default page: its link ends in the server's root "/"
        link = page.locator('[data-testid="stSidebarNavLink"]').first
    # the phone and workshop layouts collapse the sidebar: a DOM click needs no open sidebar
    link.dispatch_event("click")
    page.wait_for_function(
        "(want) => location.pathname.replace(/\\/$/, '') === want.replace(/\\/$/, '')",
        arg=target,
    )
    wait_idle(page)


@pytest.mark.parametrize("mode", MODES)
def test_english_pages(browser: Any, servers: dict[str, Server], mode: str) -> None:
    server = servers[mode]
    problems: list[str] = []
    for width, height in (PROJECTOR, PHONE):
        size = f"{width}x{height}"
        with open_page(browser, server, "?lang=en", viewport=(width, height)) as (page, watch):
            wait_idle(page)
            for i, (url, _key) in enumerate(PAGES):
                if i:
                    go_to(page, url)
                where = f"{url} {size}"
                wait_for_maps(page, timeout_s=15)
                problems += [f"{where} streamlit error: {e}" for e in streamlit_errors(page)]
                if (lang := page_lang(page)) != "en":
                    problems.append(f"{where}: <html lang={lang!r}>, expected 'en'")
                problems += [f"{where}: frame without a name: {n}" for n in unnamed_frames(page)]
                screenshot(page, f"{url}-{mode}-en-{size}")  # before Tab moves focus
                if width == PROJECTOR[0]:
                    problems += axe_problems(page, where)
                    missed, presses = keyboard_unreached(page)
                    problems += [
                        f"{where} Tab never reaches {c} ({presses} presses)" for c in missed
                    ]
            problems += [f"{size} console: {e}" for e in watch.console_errors]
    assert not problems, "\n".join(problems)
