"""Every building on one map (vector tiles, issue 8 item 4) in a real Streamlit and Chromium.

The planner switches the map on in the Übersicht; the tiles come from the app's own
``/app/static/tiles/`` (no other host is asked: every other request is blocked by the
harness); zoomed to a known building of the bundled GeoPackage, the map draws footprints,
and a click on that building opens its card beside the map.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.data.layers import load_layer
from tests.browser.harness import (
    Server,
    main_text,
    open_page,
    screenshot,
    start_server,
    streamlit_errors,
    to_page,
    wait_idle,
)

pytestmark = pytest.mark.browser

_FRAME_JS = "() => !!window.qgVectorTiles"
_DRAWN_JS = """() => {
    const l = window.qgVectorTiles; let n = 0;
    for (const k in l._vectorTiles) { n += Object.keys(l._vectorTiles[k]._features || {}).length; }
    return n;
}"""


@pytest.fixture(scope="module")
def planner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server("planner", tmp_path_factory.mktemp("all-buildings"), name="tiles")
    try:
        yield server.wait_healthy()
    finally:
        server.stop()


def _target() -> tuple[str, str, float, float]:
    """Id, address, latitude and longitude (a point inside) of one bundled building."""
    b = load_layer("buildings")
    row = b.iloc[[len(b) // 2]]
    point = row.geometry.representative_point().to_crs("EPSG:4326").iloc[0]
    return str(row["building_id"].iloc[0]), str(row["address"].iloc[0]), point.y, point.x


def _tile_frame(page: Any) -> Any:
    for _ in range(120):
        for fr in page.frames:
            try:
                if fr is not page.main_frame and fr.evaluate(_FRAME_JS):
                    return fr
            except Exception:  # a frame that navigated away meanwhile
                continue
        page.wait_for_timeout(500)
    screenshot(page, "all_buildings_missing")
    raise AssertionError(
        f"no vector-tile map in the page: {streamlit_errors(page)} {main_text(page)[-600:]}"
    )


def test_planner_map_draws_tiles_and_a_click_opens_the_card(
    browser: Any, planner: Server, tmp_path: Path
) -> None:
    _bid, address, lat, lon = _target()
    with open_page(browser, planner) as (page, watch):
        tile_requests: list[str] = []
        page.on("request", lambda r: "/tiles/" in r.url and tile_requests.append(r.url))
        wait_idle(page)
        page.get_by_text(t("all_buildings_show", "de")).click()
        wait_idle(page, timeout_s=120)
        fr = _tile_frame(page)
        fr.evaluate(
            "([lat, lon]) => { const m = Object.values(window).find(v => v instanceof L.Map);"
            " m.setView([lat, lon], 17, {animate: false}); window.__qgTileMap = m; }",
            [lat, lon],
        )
        fr.wait_for_function(_DRAWN_JS, timeout=20_000)
        page.wait_for_timeout(800)
        assert fr.evaluate(_DRAWN_JS) > 0
        point = fr.evaluate(
            "([lat, lon]) => window.__qgTileMap.latLngToContainerPoint([lat, lon])", [lat, lon]
        )
        screenshot(page, "all_buildings_z17")
        x, y = to_page(fr, point)
        page.mouse.move(x - 2, y - 2)
        page.mouse.click(x, y)
        card = f"{t('address', 'de')}: {address}"
        page.wait_for_function(
            "(card) => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(card)",
            arg=card,
            timeout=30_000,
        )
        wait_idle(page)
        assert card in main_text(page)
        fr = _tile_frame(page)
        assert (
            fr.evaluate("() => Object.values(window).find(v => v instanceof L.Map).getZoom()") == 17
        ), "the map left the street view after the click"
        screenshot(page, "all_buildings_card")
        assert not streamlit_errors(page)
        assert not [e for e in watch.console_errors if e.startswith("pageerror")]
        assert watch.blocked == [], watch.blocked
        assert tile_requests, "the map fetched no tile"
        assert all(u.startswith(f"{planner.url}/app/static/tiles/") for u in tile_requests)
        assert any("/17/" in u for u in tile_requests), "no building tile (z17) fetched"
