"""S-1/S-2: names that carry scripts stay text in maps, tables, charts and headings.

A server runs on a copy of the GeoPackage whose quarter names and municipalities, building
addresses, street names and potential names/descriptions are script payloads
(tests/browser/payloads.py). On every page: every map still draws; the mouse hovers
payload features (real pointer, positions from Leaflet) and clicks one; every payload
feature's tooltip and popup is opened through Leaflet; the mouse passes over every plotly
chart. Then ``document.body.dataset.pwned`` must be unset in the top document and in every
frame, and the payloads must be visible as literal text (tooltips, tables, headings).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from quartier_geo.base.i18n import t
from quartier_geo.ui import frame
from tests.browser.harness import (
    ROOT,
    Server,
    feature_points,
    hover_tooltip,
    main_text,
    open_all_tooltips,
    open_page,
    pwned_frames,
    streamlit_errors,
    to_page,
    wait_for_maps,
    wait_idle,
)
from tests.browser.payloads import MARKER, PAYLOADS

pytestmark = pytest.mark.browser

PAGES = [(p[2], p[1]) for p in frame._PAGES]
DEFAULT_URL = PAGES[0][0]

#: Pages that must show a map (the others are checked for whatever maps they have).
MAP_PAGES = {"page_overview", "page_quarter_map"}
_TABLE_CELLS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stDataFrame"] td, [data-testid="stDataFrame"] th, [data-testid="stTable"] td'
)].map(c => c.innerText)"""

_PLOTLY_TEXT_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map(p => [...p.querySelectorAll('text')].map(t => t.textContent).join('\\n'))"""


def literal(texts: list[str]) -> set[str]:
    """The payloads that occur verbatim in any of ``texts``."""
    return {p for p in PAYLOADS if any(p in x for x in texts)}


def hover_plotly(page: Any) -> None:
    """Move the mouse across each plotly chart (hover labels are built from data text)."""
    for chart in page.query_selector_all(".js-plotly-plot .nsewdrag"):
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        if not box:
            continue
        for fx in (0.15, 0.35, 0.5, 0.65, 0.85):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + 0.5 * box["height"])
            page.wait_for_timeout(60)


@pytest.fixture(scope="module")
def seen() -> dict[str, set[str]]:
    return {"tooltip": set(), "table": set(), "plotly": set(), "text": set()}


@pytest.mark.parametrize(("url", "key"), PAGES, ids=[u for u, _ in PAGES])
def test_payloads_stay_text(
    browser: Any, payload_server: Server, seen: dict[str, set[str]], url: str, key: str
) -> None:
    problems: list[str] = []
    log_start = payload_server.log_size()
    with open_page(browser, payload_server, "" if url == DEFAULT_URL else url) as (page, watch):
        wait_idle(page)
        problems += [f"streamlit error: {e}" for e in streamlit_errors(page)]
        drawn, expected = wait_for_maps(page, minimum=int(key in MAP_PAGES), timeout_s=20)
        if len(drawn) < expected:
            problems.append(f"only {len(drawn)} of {expected} maps drew with payload data")
        tips: list[str] = []
        clickable = []
        for fr, _stats in drawn:
            points = feature_points(fr, 6, containing=MARKER)
            hovered = [tip for point in points if (tip := hover_tooltip(page, fr, point))]
            if points and not hovered:
                problems.append(f"hovering {len(points)} payload features opened no tooltip")
            tips += hovered
            tips += open_all_tooltips(fr, MARKER, limit=300)
            if points:
                clickable.append((fr, points[0]))
        hover_plotly(page)
        seen["tooltip"] |= literal(tips)
        seen["table"] |= literal(page.evaluate(_TABLE_CELLS_JS))
        seen["plotly"] |= literal(page.evaluate(_PLOTLY_TEXT_JS))
        seen["text"] |= literal([main_text(page)])
        problems += [f"after hover: {p}" for p in pwned_frames(page)]
        for fr, point in clickable:  # a click opens popups; on st_folium maps it reruns
            x, y = to_page(fr, point)
            page.mouse.click(x, y)
            page.wait_for_timeout(300)
            wait_idle(page)
        problems += [f"after click: {p}" for p in pwned_frames(page)]
        problems += [f"streamlit error after click: {e}" for e in streamlit_errors(page)]
        problems += [e for e in watch.console_errors if e.startswith("pageerror")]
    problems += [f"server log: {e}" for e in payload_server.log_errors(since=log_start)]
    assert not problems, "\n".join(problems)


def test_building_card_shows_payload_address_as_text(browser: Any, payload_server: Server) -> None:
    """The card (Markdown) after a real click on a building whose address is a payload."""
    url = next(u for u, k in PAGES if k == "page_quarter_map")
    with open_page(browser, payload_server, url) as (page, _watch):
        wait_idle(page)
        drawn, _n = wait_for_maps(page, minimum=1, timeout_s=20)
        assert drawn, "the quarter map did not draw with payload data"
        fr = drawn[0][0]
        points = feature_points(fr, 8, containing=t("building_type", "de"))
        assert points, "no reachable building"
        label = f"{t('address', 'de')}: "
        card = """(label) => document.querySelector('[data-testid="stMain"]').innerText
                   .split('\\n').some(l => l.startsWith(label) && l.includes('pwned'))"""
        # This test is about the card's escaping, not the click (test_interactions): a click
        # that lands while the map redraws on a loaded machine is repeated on the next building.
        for point in points[:3]:
            x, y = to_page(fr, point)
            page.mouse.click(x, y)
            try:
                page.wait_for_function(card, arg=label, timeout=15_000)
                break
            except PlaywrightTimeout:
                wait_idle(page)
        page.wait_for_function(card, arg=label, timeout=5_000)
        wait_idle(page)
        lines = [x for x in main_text(page).splitlines() if x.startswith(label)]
        assert any(x[len(label) :].strip() in PAYLOADS for x in lines), lines
        assert pwned_frames(page) == []


def test_payloads_were_seen_as_literal_text(seen: dict[str, set[str]]) -> None:
    """Runs after the page tests: the payloads did reach the sinks, as visible text."""
    if not any(seen.values()):
        pytest.skip("run together with test_payloads_stay_text")
    assert seen["tooltip"] == set(PAYLOADS), (
        f"missing in tooltips: {set(PAYLOADS) - seen['tooltip']}"
    )
    assert seen["table"], "no payload visible as text in any table cell"
    assert seen["text"], "no payload visible as text in headings or Markdown"
    assert seen["plotly"], "no payload visible as text in any plotly chart"


def test_harness_detects_an_unescaped_tooltip(browser: Any) -> None:
    """Control: the same detection on a Leaflet map that does NOT escape finds the payload.

    Without this, a broken detector (wrong frame, tooltips never opened) would pass.
    """
    leaflet = ROOT / "static" / "vendor" / "leaflet" / "leaflet.js"
    ctx = browser.new_context(viewport={"width": 800, "height": 600})
    try:
        page = ctx.new_page()
        page.set_content(
            '<html><body><div id="m" style="width:600px;height:400px"></div></body></html>'
        )
        page.add_style_tag(path=str(leaflet.with_suffix(".css")))
        page.add_script_tag(path=str(leaflet))
        page.evaluate(
            """(payload) => {
                window.map_demo = L.map('m', {preferCanvas: true}).setView([51.5, 7.2], 12);
                L.geoJSON({type: 'Feature', properties: {},
                           geometry: {type: 'Polygon', coordinates: [[[7.18, 51.49],
                               [7.22, 51.49], [7.22, 51.51], [7.18, 51.51], [7.18, 51.49]]]}},
                          {onEachFeature: (f, l) => l.bindTooltip('<b>' + payload + '</b> Kommune')}
                ).addTo(window.map_demo);
            }""",
            PAYLOADS[0],
        )
        fr = page.main_frame
        points = feature_points(fr, 1, containing=MARKER)
        assert points, "the control map offers no point"
        assert hover_tooltip(page, fr, points[0]) is not None
        page.wait_for_timeout(300)  # onerror of the broken image
        assert pwned_frames(page), "the detector missed an executed payload"
    finally:
        ctx.close()
