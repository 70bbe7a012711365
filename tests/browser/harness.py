"""Browser-test harness: a real ``streamlit run`` per mode, driven by Debian's chromium.

Network: every request to a host other than the local server is aborted and recorded, so a
test can assert that none was needed (docs/SECURITY.md S-12: maps must draw on a closed
network). Console errors are recorded per page, except one known benign pair (below).
Screenshots go to ``test-output/screenshots/<page>-<mode>-<lang>-<W>x<H>.png``.

Known benign console errors: when a page is opened at a sub-path (``/quartierskarte``),
Streamlit's frontend first probes ``<sub-path>/_stcore/health`` and
``<sub-path>/_stcore/host-config`` (it cannot know whether the app is served under a path
prefix), gets 404 and falls back to ``/_stcore/...``. Chromium logs each 404 as
"Failed to load resource". Only exactly these two URLs are ignored.

Maps: folium maps on a canvas renderer (no SVG paths). A map "drew" when the Leaflet map in
its frame holds GeoJSON features (layers with a ``feature``) and its canvas has painted
pixels. Static maps are ``st.iframe`` srcdoc frames, clickable maps are streamlit-folium
component frames; :func:`map_frames` finds both.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
#: The two window sizes of CONTRIBUTING.md (browser tests): projector and phone.
PROJECTOR = (1920, 1080)
PHONE = (390, 844)
#: Longest a full-length screenshot may get (px); longer pages are cut here.
MAX_SHOT_HEIGHT = 9000

_BENIGN_404 = re.compile(r"^https?://[^/]+/.+/_stcore/(health|host-config)$")


# ---------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    mode: str
    process: subprocess.Popen[bytes]
    log: Path
    healthy: bool = False

    def wait_healthy(self, timeout_s: float = 90) -> Server:
        deadline = time.monotonic() + timeout_s
        while not self.healthy and time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log_tail()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r,
            ):
                self.healthy = r.status == 200
            if not self.healthy:
                time.sleep(0.3)
        if not self.healthy:
            raise RuntimeError(f"streamlit did not become healthy in {timeout_s} s")
        return self

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:]

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_errors(self, since: int = 0) -> list[str]:
        """Tracebacks and ERROR lines the server logged after byte ``since``."""
        with open(self.log, "rb") as fh:
            fh.seek(since)
            text = fh.read().decode(errors="replace")
        blocks = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", text)
        return [b.strip()[-3000:] for b in blocks if "Traceback" in b or " ERROR " in b]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    mode: str,
    tmp: Path,
    *,
    name: str | None = None,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> Server:
    """Start ``streamlit run app.py`` on ``port`` or a free one (returns at once; see
    wait_healthy). A fixed port lets a test write the login's redirect URI first."""
    name = name or mode
    port = port or free_port()
    full_env = dict(os.environ)
    full_env.pop("QUARTIER_GEOPACKAGE", None)
    full_env.update(
        QUARTIER_MODE=mode,
        QUARTIER_WORKSPACE=str(tmp / f"ws-{name}.sqlite"),
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    full_env.update(env or {})
    log = tmp / f"streamlit-{name}.log"
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
    ]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=fh, stderr=subprocess.STDOUT)
    return Server(url=f"http://127.0.0.1:{port}", mode=mode, process=proc, log=log)


# ---------------------------------------------------------------------------- pages


@dataclass
class Watch:
    """What one browser page did: blocked requests, console errors, failed responses."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)


@contextlib.contextmanager
def open_page(
    browser: Any,
    server: Server,
    path: str = "",
    *,
    viewport: tuple[int, int] = PROJECTOR,
) -> Iterator[tuple[Any, Watch]]:
    """A fresh context and page on ``server.url/path``; yields (page, watch)."""
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    watch = Watch()

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(server.url) or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            watch.blocked.append(url)
            r.abort()

    def on_console(m: Any) -> None:
        if m.type != "error":
            return
        where = (m.location or {}).get("url", "")
        text = f"{m.text} [{where}]"
        (watch.ignored if _BENIGN_404.match(where) else watch.console_errors).append(text)

    def on_response(r: Any) -> None:
        if r.status >= 400 and not _BENIGN_404.match(r.url):
            watch.bad_responses.append(f"{r.status} {r.url}")

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda e: watch.console_errors.append(f"pageerror: {e}"))
    page.on("response", on_response)
    page.goto(f"{server.url}/{path.lstrip('/')}", wait_until="domcontentloaded")
    try:
        yield page, watch
    finally:
        ctx.close()


_IDLE_JS = """() => {
    const running = document.querySelector('[data-testid="stStatusWidget"]');
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const stale = document.querySelectorAll('[data-stale="true"]').length;
    const element = main && main.querySelector('[data-testid="stElementContainer"]');
    const busy = document.querySelector(
        '[data-testid="stSpinner"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]');
    return !running && !busy && !!element && stale === 0;
}"""


def wait_idle(page: Any, timeout_s: float = 60, settle_ms: int = 400) -> None:
    """Wait until Streamlit has finished the script run (no status widget, nothing stale)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_s * 1000)
    page.wait_for_function(_IDLE_JS, timeout=timeout_s * 1000)
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(_IDLE_JS, timeout=timeout_s * 1000)


def streamlit_errors(page: Any) -> list[str]:
    """Texts of Streamlit exception boxes and st.error alerts in the page."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
            '[data-testid="stException"], [data-testid="stAlertContentError"]'
        )].map(e => e.innerText.slice(0, 1500))"""
    )


def main_text(page: Any) -> str:
    return page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').innerText"
    )


def sidebar_nav(page: Any) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stSidebarNavLink"]')]
                .map(a => a.innerText.trim())"""
    )


def screenshot(page: Any, name: str, *, full: bool = True) -> Path:
    """Screenshot into test-output/screenshots/<name>.png.

    Streamlit scrolls inside ``stMain``, so Playwright's ``full_page`` sees one screen only;
    for a full-length picture the window is made as tall as the content (at most
    :data:`MAX_SHOT_HEIGHT`) for the shot and restored afterwards.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = size["height"]
    if full:
        height = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0"
        )
        height = min(max(height, size["height"]), MAX_SHOT_HEIGHT)
    if height != size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(600)
    try:
        page.screenshot(path=str(path))
    finally:
        if height != size["height"]:
            page.set_viewport_size(size)
    return path


def horizontal_overflow(page: Any) -> list[str]:
    """Elements of the main area wider than the window (cut off or scrolling sideways)."""
    return page.evaluate(
        """() => {
            const out = [];
            const main = document.querySelector('[data-testid="stMain"]');
            if (main && main.scrollWidth > main.clientWidth + 1) {
                out.push(`stMain scrollWidth ${main.scrollWidth} > ${main.clientWidth}`);
            }
            const doc = document.documentElement;
            if (doc.scrollWidth > window.innerWidth + 1) {
                out.push(`document scrollWidth ${doc.scrollWidth} > ${window.innerWidth}`);
            }
            return out;
        }"""
    )


# ---------------------------------------------------------------------------- maps

#: Finds the Leaflet maps among the frame's globals (folium declares ``var map_<id>``).
_MAPS_JS = """
    window.__qgMaps = function () {
        if (!window.L || !L.Map) { return []; }
        const maps = [];
        for (const k of Object.getOwnPropertyNames(window)) {
            let v; try { v = window[k]; } catch (e) { continue; }
            if (v && v instanceof L.Map && !maps.includes(v)) { maps.push(v); }
        }
        return maps;
    };
"""

_STATS_JS = (
    "() => {"
    + _MAPS_JS
    + """
    return window.__qgMaps().map(m => {
        let features = 0, tooltips = 0, popups = 0;
        m.eachLayer(l => {
            if (!l.feature) { return; }
            features++;
            if (l.getTooltip && l.getTooltip()) { tooltips++; }
            if (l.getPopup && l.getPopup()) { popups++; }
        });
        let painted = 0;
        for (const c of m.getContainer().querySelectorAll('canvas')) {
            if (!c.width || !c.height) { continue; }
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 16) { if (d[i] > 0) { painted++; } }
        }
        const svgPaths = m.getContainer().querySelectorAll('path.leaflet-interactive').length;
        const size = m.getSize();
        // a zoom animation (fitBounds) leaves the features projected for the old zoom and
        // scaled by CSS until it ends: hit tests and point positions are wrong meanwhile
        const moving = !!(m._animatingZoom || (m._panAnim && m._panAnim._inProgress));
        return {features, tooltips, popups, painted, svgPaths, moving,
                width: size.x, height: size.y};
    });
}"""
)

#: Frame-viewport points of up to ``n`` tooltip features that the mouse can reach: inside
#: the feature (Leaflet's own hit test) and not under a control or legend.
_POINTS_JS = (
    "([n, wanted]) => {"
    + _MAPS_JS
    + """
    const out = [];
    for (const m of window.__qgMaps()) {
        const box = m.getContainer().getBoundingClientRect();
        const size = m.getSize();
        const layers = [];
        m.eachLayer(l => { if (l.feature && l.getTooltip && l.getTooltip()) { layers.push(l); } });
        const want = (l) => !wanted || String(l.getTooltip().getContent()).includes(wanted);
        // polygons first, from the middle of the list (the map's centre, not its edge)
        layers.sort((a, b) => (b._pxBounds ? 1 : 0) - (a._pxBounds ? 1 : 0));
        for (const l of layers) {
            if (out.length >= n) { break; }
            if (!want(l)) { continue; }
            let p = null;
            if (l.getLatLng) {
                p = m.latLngToLayerPoint(l.getLatLng());
            } else if (l._pxBounds && l._containsPoint) {
                const b = l._pxBounds, w = b.max.x - b.min.x, h = b.max.y - b.min.y;
                const c = b.getCenter();
                if (l._containsPoint(c)) { p = c; }
                for (let k = 1; k < 7 && !p; k++) {
                    for (let i = 0; i <= k && !p; i++) {
                        for (let j = 0; j <= k && !p; j++) {
                            const q = L.point(b.min.x + w * (i + 0.5) / (k + 1),
                                              b.min.y + h * (j + 0.5) / (k + 1));
                            if (l._containsPoint(q)) { p = q; }
                        }
                    }
                }
            }
            if (!p) { continue; }
            const cp = m.layerPointToContainerPoint(p);
            if (cp.x < 8 || cp.y < 8 || cp.x > size.x - 8 || cp.y > size.y - 8) { continue; }
            const x = box.left + cp.x, y = box.top + cp.y;
            const hit = document.elementFromPoint(x, y);
            if (!hit || hit.tagName !== 'CANVAS') { continue; }
            const p2 = l.feature.properties || {};
            out.push({x, y, id: p2.i === undefined ? null : p2.i,
                      tip: String(l.getTooltip().getContent())});
        }
    }
    return out;
}"""
)

#: Opens the tooltip (and popup, if bound) of every feature whose tooltip contains
#: ``needle``, at most ``limit``; returns the rendered texts (innerText) of what opened.
_OPEN_ALL_JS = (
    "([needle, limit]) => {"
    + _MAPS_JS
    + """
    const texts = [];
    let opened = 0;
    for (const m of window.__qgMaps()) {
        const layers = [];
        m.eachLayer(l => { if (l.feature && l.getTooltip && l.getTooltip()) { layers.push(l); } });
        for (const l of layers) {
            if (opened >= limit) { break; }
            if (!String(l.getTooltip().getContent()).includes(needle)) { continue; }
            opened++;
            l.openTooltip();
            const el = l.getTooltip().getElement();
            if (el) { texts.push(el.innerText); }
            l.closeTooltip();
            if (l.getPopup && l.getPopup()) {
                l.openPopup();
                const pe = l.getPopup().getElement();
                if (pe) { texts.push(pe.innerText); }
                l.closePopup();
            }
        }
    }
    return texts;
}"""
)


def is_map_frame(frame: Any) -> bool:
    try:
        return bool(frame.evaluate("() => !!(window.L && window.L.Map)"))
    except Exception:  # a frame that navigated away or closed meanwhile
        return False


def map_frames(page: Any) -> list[Any]:
    return [f for f in page.frames if f is not page.main_frame and is_map_frame(f)]


def map_stats(frame: Any) -> list[dict[str, int]]:
    return frame.evaluate(_STATS_JS)


_MAP_IFRAMES_JS = """() => [...document.querySelectorAll('iframe')].filter(f =>
    (f.srcdoc || '').includes('L.map(') || (f.src || '').includes('streamlit_folium')
).length"""


def map_iframes(page: Any) -> int:
    """Number of map iframes in the page (st.iframe with a folium page, st_folium)."""
    return int(page.evaluate(_MAP_IFRAMES_JS))


def wait_for_maps(
    page: Any, *, minimum: int = 0, timeout_s: float = 10
) -> tuple[list[tuple[Any, dict]], int]:
    """Wait until every map iframe of the page (at least ``minimum``) shows a drawn map:
    features, painted canvas pixels, no zoom animation running.

    Returns ((frame, stats) per drawn map, number of map iframes) at success or deadline;
    the caller compares the two.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        found: list[tuple[Any, dict]] = []
        for frame in map_frames(page):
            with contextlib.suppress(Exception):
                for stats in map_stats(frame):
                    if stats["features"] > 0 and stats["painted"] > 0 and not stats["moving"]:
                        found.append((frame, stats))
        expected = max(map_iframes(page), minimum)
        if len(found) >= expected or time.monotonic() > deadline:
            return found, expected
        page.wait_for_timeout(250)


def feature_points(frame: Any, n: int = 5, *, containing: str | None = None) -> list[dict]:
    """Up to ``n`` reachable feature points (frame coordinates) with id and tooltip HTML."""
    return frame.evaluate(_POINTS_JS, [n, containing])


def to_page(frame: Any, point: Mapping[str, float]) -> tuple[float, float]:
    """Frame coordinates to page (viewport) coordinates, after scrolling the frame in view."""
    if frame.parent_frame is None:  # the top document itself
        return point["x"], point["y"]
    element = frame.frame_element()
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


def hover_tooltip(page: Any, frame: Any, point: Mapping[str, float]) -> str | None:
    """Move the mouse onto ``point`` and return the tooltip's text (None if none opened).

    Permanent place labels (class ``quarter-label``) are tooltips too; they are ignored."""
    frame.evaluate(
        "() => {"
        + _MAPS_JS
        + "for (const m of window.__qgMaps()) {"
        + " m.eachLayer(l => l.closeTooltip && l.closeTooltip()); } }"
    )
    x, y = to_page(frame, point)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y, steps=3)
    try:
        frame.wait_for_selector(
            ".leaflet-tooltip:not(.quarter-label)", state="visible", timeout=3000
        )
    except Exception:
        return None
    return frame.evaluate(
        "() => [...document.querySelectorAll('.leaflet-tooltip:not(.quarter-label)')]"
        ".map(t => t.innerText).join('\\n')"
    )


def open_all_tooltips(frame: Any, needle: str, limit: int = 400) -> list[str]:
    return frame.evaluate(_OPEN_ALL_JS, [needle, limit])


def pwned_frames(page: Any) -> list[str]:
    """Frames (and the top document) in which ``document.body.dataset.pwned`` is set."""
    hits = []
    for frame in page.frames:
        with contextlib.suppress(Exception):
            value = frame.evaluate("() => document.body ? document.body.dataset.pwned : undefined")
            if value is not None:
                hits.append(f"{frame.url[:80]}: pwned={value!r}")
    return hits
