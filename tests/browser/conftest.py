"""Browser tests: a real ``streamlit run`` on a free local port, driven by Debian's chromium.

Map tiles and CDNs cannot load here (and must not be needed): every request to a host other
than the local server is aborted and recorded, so a test can assert that none was needed.
Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    mode: str
    process: subprocess.Popen[bytes]
    log: Path


def _start(mode: str, tmp: Path, extra: list[str] | None = None) -> Server:
    port = _free_port()
    env = dict(os.environ)
    env.update(
        QUARTIER_MODE=mode,
        QUARTIER_WORKSPACE=str(tmp / f"ws-{mode}.sqlite"),
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    log = tmp / f"streamlit-{mode}.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.fileWatcherType",
        "none",
        *(extra or []),
    ]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r,
        ):
            if r.status == 200:
                return Server(url=url, mode=mode, process=proc, log=log)
        time.sleep(0.3)
    proc.kill()
    proc.wait()
    raise RuntimeError("streamlit did not become healthy within 90 s")


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """One server per mode, started lazily and stopped at the end of the session."""
    tmp = tmp_path_factory.mktemp("servers")
    started: dict[str, Server] = {}

    class Lazy(dict[str, Server]):
        def __missing__(self, mode: str) -> Server:
            started[mode] = _start(mode, tmp)
            self[mode] = started[mode]
            return started[mode]

    yield Lazy()
    for server in started.values():
        _stop(server)


@dataclass
class Blocked:
    """Requests to any host but the local server, aborted."""

    urls: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: .ci/run installs Debian's chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@contextlib.contextmanager
def open_page(
    browser: object, server: Server, path: str = "", *, viewport: tuple[int, int] = (1920, 1080)
) -> Iterator[tuple[object, Blocked, list[str]]]:
    """A fresh context and page on ``server.url + path``; yields (page, blocked, console errors)."""
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})  # type: ignore[attr-defined]
    blocked = Blocked()
    errors: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith(server.url) or url.startswith(("data:", "blob:", "about:")):
            r.continue_()  # type: ignore[attr-defined]
        else:
            blocked.urls.append(url)
            r.abort()  # type: ignore[attr-defined]

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + path, wait_until="domcontentloaded")
    try:
        yield page, blocked, errors
    finally:
        ctx.close()


def wait_idle(page: object, timeout_s: float = 60) -> None:
    """Wait until Streamlit has finished running the script (no running indicator)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_s * 1000)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const running = document.querySelector('[data-testid="stStatusWidget"]');
            const main = document.querySelector('[data-testid="stMainBlockContainer"]');
            return app && !running && main && main.innerText.length > 20;
        }""",
        timeout=timeout_s * 1000,
    )
    page.wait_for_timeout(500)  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
