"""Browser-test fixtures: one server per mode per session, one chromium per session.

The helpers (servers, pages, maps, screenshots) live in ``tests/browser/harness.py``.
The servers of all three modes are started together on first use (their start-up overlaps),
the payload server of the security test separately.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, Server, start_server
from tests.browser.payloads import build_payload_geopackage

MODES = ("planner", "workshop", "public")


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """``servers[mode]``: a healthy server of that mode (all three started at once)."""
    tmp = tmp_path_factory.mktemp("servers")
    started: dict[str, Server] = {}

    class Lazy(dict[str, Server]):
        def __missing__(self, mode: str) -> Server:
            if not started:
                for m in MODES:
                    started[m] = start_server(m, tmp)
            self[mode] = started[mode].wait_healthy()
            return self[mode]

    yield Lazy()
    for server in started.values():
        server.stop()


@pytest.fixture(scope="session")
def payload_gpkg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_payload_geopackage(tmp_path_factory.mktemp("payload") / "payload.gpkg")


@pytest.fixture(scope="session")
def payload_server(
    tmp_path_factory: pytest.TempPathFactory, payload_gpkg: Path
) -> Iterator[Server]:
    """A planner-mode server whose GeoPackage carries the XSS payloads (S-1)."""
    tmp = tmp_path_factory.mktemp("payload-server")
    server = start_server(
        "planner", tmp, name="payload", env={"QUARTIER_GEOPACKAGE": str(payload_gpkg)}
    )
    try:
        yield server.wait_healthy()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: .ci/run installs Debian's chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
