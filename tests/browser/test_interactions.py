"""Clicks on the canvas maps with a real mouse, and the offline map (S-12).

A feature's position comes from Leaflet in the map's frame (a point inside the feature, not
under a control); the mouse moves there in page coordinates (frame box + point). The hover
tooltip tells which feature is under the mouse, so the test knows what the click selects.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.ui import frame
from tests.browser.harness import (
    Server,
    feature_points,
    hover_tooltip,
    main_text,
    open_page,
    streamlit_errors,
    to_page,
    wait_for_maps,
    wait_idle,
)

pytestmark = pytest.mark.browser

URL = {p[1]: p[2] for p in frame._PAGES}  # title key -> url path
DEFAULT_KEY = frame._PAGES[0][1]
#: docs/SECURITY.md §3.4: a map draws within 10 s of navigation; a quarter switch ≤ 2 s.
MAP_BUDGET_S = 10.0
SWITCH_BUDGET_S = 2.0


def path(key: str) -> str:
    return "" if key == DEFAULT_KEY else URL[key]


def only_map(page: Any) -> Any:
    drawn, _n = wait_for_maps(page, minimum=1, timeout_s=20)
    assert drawn, "no map drew"
    return drawn[0][0]


def js_errors(watch: Any) -> list[str]:
    """Uncaught script errors (console errors in general are the smoke test's business)."""
    return [e for e in watch.console_errors if e.startswith("pageerror")]


def sidebar_quarter(page: Any) -> str:
    """The quarter shown in the sidebar select box (its text and any input value)."""
    return page.evaluate(
        """() => {
            const box = document.querySelector(
                '[data-testid="stSidebar"] [data-testid="stSelectbox"]');
            const inputs = [...box.querySelectorAll('input')].map(i => i.value || '');
            const title = [...box.querySelectorAll('[title]')].map(e => e.title);
            return [box.innerText, ...inputs, ...title].join(' | ');
        }"""
    )


def test_overview_click_selects_quarter(browser: Any, servers: dict[str, Server]) -> None:
    server = servers["planner"]
    with open_page(browser, server, path("page_overview")) as (page, watch):
        wait_idle(page)
        fr = only_map(page)
        current = parse_qs(urlparse(page.url).query).get("q", ["1"])[0]
        candidates = [p for p in feature_points(fr, 20) if str(p["id"]) != current]
        assert candidates, "no clickable quarter found on the overview map"
        target, name = None, None
        for cand in candidates:
            tip = hover_tooltip(page, fr, cand)
            if tip:
                target, name = cand, tip.splitlines()[0].strip()
                break
        assert target and name, "hovering the quarters opened no tooltip"
        x, y = to_page(fr, target)
        started = time.monotonic()
        page.mouse.click(x, y)
        heading = f"{t('selection', 'de')}: "
        page.wait_for_function(
            """([heading, name]) => [...document.querySelectorAll('h3')].some(
                   h => h.innerText.startsWith(heading) && h.innerText.includes(name))""",
            arg=[heading, name],
            timeout=20_000,
        )
        switched_s = time.monotonic() - started
        wait_idle(page)
        assert name in sidebar_quarter(page)
        assert parse_qs(urlparse(page.url).query)["q"] == [str(target["id"])]
        assert not streamlit_errors(page)
        assert not js_errors(watch), js_errors(watch)
        assert switched_s <= SWITCH_BUDGET_S, f"quarter switch took {switched_s:.1f} s"


def test_quarter_map_click_shows_building_card(browser: Any, servers: dict[str, Server]) -> None:
    server = servers["planner"]
    with open_page(browser, server, path("page_quarter_map")) as (page, watch):
        wait_idle(page)
        fr = only_map(page)
        assert t("building_card_hint", "de")[:30] in main_text(page)
        # buildings carry the building-type line in their tooltip; streets do not
        points = feature_points(fr, 12, containing=t("building_type", "de"))
        assert points, "no reachable building on the quarter map"
        target, address = None, None
        for cand in points:
            tip = hover_tooltip(page, fr, cand)
            if tip and t("building_type", "de") in tip:
                target, address = cand, tip.splitlines()[0].strip()
                break
        assert target and address, "hovering the buildings opened no building tooltip"
        x, y = to_page(fr, target)
        page.mouse.click(x, y)
        card = f"{t('address', 'de')}: {address}"
        page.wait_for_function(
            "(card) => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(card)",
            arg=card,
            timeout=20_000,
        )
        wait_idle(page)
        text = main_text(page)
        assert t("building_card_hint", "de")[:30] not in text
        assert card in text
        assert not streamlit_errors(page)
        assert not js_errors(watch), js_errors(watch)


@pytest.mark.parametrize("key", [DEFAULT_KEY, "page_quarter_map", "page_refurbishment"])
def test_map_draws_offline_within_budget(
    browser: Any, servers: dict[str, Server], key: str
) -> None:
    """S-12: all external hosts blocked; Leaflet comes from /app/static; drawn ≤ 10 s."""
    server = servers["planner"]
    started = time.monotonic()
    with open_page(browser, server, path(key)) as (page, watch):
        drawn, _n = wait_for_maps(page, minimum=1, timeout_s=MAP_BUDGET_S + 5)
        took = time.monotonic() - started
        assert drawn, "the map did not draw"
        fr, stats = drawn[0]
        assert stats["features"] > 0 and stats["painted"] > 0, stats
        scripts = fr.evaluate(
            "() => performance.getEntriesByType('resource').map(e => e.name)"
            ".concat([...document.scripts].map(s => s.src))"
        )
        assert any("/app/static/vendor/leaflet/leaflet.js" in s for s in scripts), scripts
        assert watch.blocked == [], watch.blocked
        assert took <= MAP_BUDGET_S, f"map drew after {took:.1f} s"
