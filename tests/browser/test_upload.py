"""Uploads in a real browser (issue #4): a broken file gets a clear message and the session
goes on; a real LANUV file is checked, previewed and imported, and opens as a quarter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quartier_geo.base.i18n import t
from tests.browser.harness import Server, main_text, open_page, streamlit_errors, wait_idle

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "data"


def _import_tab(page: Any) -> None:
    page.get_by_role("tab", name=t("tab_import", "de")).click()
    page.wait_for_selector('input[type="file"]', state="attached", timeout=20_000)


def _check(page: Any, name: str, payload: bytes) -> None:
    page.locator('input[type="file"]').set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": payload}
    )
    page.get_by_text(name).first.wait_for(timeout=20_000)  # the upload has arrived
    wait_idle(page)
    page.get_by_role("button", name=t("import_check", "de")).click()
    wait_idle(page)


def test_broken_upload_is_refused_and_the_session_goes_on(
    browser: Any, servers: dict[str, Server]
) -> None:
    with open_page(browser, servers["planner"], "daten") as (page, watch):
        wait_idle(page)
        _import_tab(page)
        _check(page, "kaputt.geojson", b'{"type": "FeatureCollection", "features": [')
        page.wait_for_function(
            "t => document.body.innerText.includes(t)",
            arg="GeoJSON ist unvollständig oder beschädigt",
            timeout=30_000,
        )
        # the same session then accepts a real file (LANUV heat-demand model)
        _check(page, "lanuv_wbm.gpkg", (DATA / "lanuv_wbm.gpkg").read_bytes())
        # the preview is complete when its key figures are shown (the map comes after them)
        page.wait_for_function(
            "ts => ts.every(t => document.body.innerText.includes(t))",
            arg=["Die Datei ist lesbar", "Wärmebedarf (MWh/a)"],
            timeout=60_000,
        )
        wait_idle(page)
        text = main_text(page)
        assert "Die Datei ist lesbar: 4 Objekte" in text
        assert "243" in text  # Σ RW_WW = 243.000 kWh/a = 243 MWh/a (fixture)
        assert not watch.blocked


def test_public_mode_has_no_upload(browser: Any, servers: dict[str, Server]) -> None:
    with open_page(browser, servers["public"], "daten") as (page, _watch):
        wait_idle(page)
        assert page.locator('input[type="file"]').count() == 0
        assert t("tab_import", "de") not in main_text(page)
        assert not streamlit_errors(page)
