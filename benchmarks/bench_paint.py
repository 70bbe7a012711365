"""Benchmark: quarter-map paint after navigation and building click to building card, in
headless Chromium against a real ``streamlit run`` (planner mode, demo data).

Goals (issue #8): the quarter map painted <= 3 s after navigation; a click on a building
shows its card <= 1 s. On the largest demo quarter (most buildings), ``--runs`` times each:

* ``nav``: on Methodik (no map), click the sidebar link "Quartierskarte"; seconds until the
  map's canvas shows its features (Leaflet holds the features, the canvas has painted
  pixels, no zoom animation; polled every 50 ms);
* ``load``: a new browser context opens ``/quartierskarte?q=<id>``; seconds until the same;
* ``card``: in a new page (no card yet), a click on a building (a different one each run,
  found through its tooltip); seconds until its address shows in the building card.

The server is warmed first (one page load of the quarter map, not counted). Prints p50 and
p95 per figure and the load average at the start.

    python benchmarks/bench_paint.py [--runs 5] [--quarter ID]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quartier_geo.base.i18n import t  # noqa: E402
from quartier_geo.data import layers  # noqa: E402
from tests.browser.harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    feature_points,
    hover_tooltip,
    map_frames,
    map_stats,
    open_page,
    start_server,
    to_page,
    wait_idle,
)

MAP_PATH = "quartierskarte"
NO_MAP_PATH = "methodik"


def drawn_map(page: Any, timeout_s: float = 60) -> Any:
    """The first map frame whose map shows painted features (polled every 50 ms)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in map_frames(page):
            try:
                stats = map_stats(frame)
            except Exception:
                continue
            if any(s["features"] > 0 and s["painted"] > 0 and not s["moving"] for s in stats):
                return frame
        page.wait_for_timeout(50)
    raise RuntimeError(f"no map drew within {timeout_s} s")


def nav_paint_s(browser: Any, server: Any, qid: int) -> float:
    with open_page(browser, server, f"{NO_MAP_PATH}?q={qid}") as (page, _watch):
        wait_idle(page, timeout_s=120)
        link = page.locator(f'[data-testid="stSidebarNavLink"][href$="/{MAP_PATH}"]')
        started = time.perf_counter()
        link.click()
        drawn_map(page)
        return time.perf_counter() - started


def load_paint_s(browser: Any, server: Any, qid: int) -> float:
    started = time.perf_counter()
    with open_page(browser, server, f"{MAP_PATH}?q={qid}") as (page, _watch):
        drawn_map(page)
        return time.perf_counter() - started


def card_s(browser: Any, server: Any, qid: int, run: int) -> float | None:
    """A fresh page (no card shown yet), the ``run``-th reachable building: seconds from
    the click until its address shows in the card, with the card's hint gone; None when
    the click opened no card for that building within 15 s."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    needle, hint = t("building_type", "de"), t("building_card_hint", "de")[:30]
    with open_page(browser, server, f"{MAP_PATH}?q={qid}") as (page, _watch):
        wait_idle(page, timeout_s=120)
        frame = drawn_map(page)
        points = feature_points(frame, 3 * (run + 1), containing=needle)
        for point in points[run:] + points[:run]:
            tip = hover_tooltip(page, frame, point)
            if tip and needle in tip:
                break
        else:
            return None
        card = f"{t('address', 'de')}: {tip.splitlines()[0].strip()}"
        x, y = to_page(frame, point)
        started = time.perf_counter()
        page.mouse.click(x, y)
        try:
            page.wait_for_function(
                """([card, hint]) => {
                    const text = document.querySelector('[data-testid="stMain"]').innerText;
                    return text.includes(card) && !text.includes(hint);
                }""",
                arg=[card, hint],
                timeout=15_000,
            )
        except PlaywrightTimeout:
            print(f"  (keine Karte für {card!r} in 15 s)")
            return None
        return time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quarter", type=int, default=0, help="quarter id (default: largest)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    counts = layers.load_layer("buildings")["quarter_id"].value_counts()
    qid = args.quarter or int(counts.idxmax())
    print(
        f"Quartier {qid} ({int(counts[qid])} Gebäude), {args.runs} Läufe je Wert, "
        f"Load average zu Beginn {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} Kerne"
    )
    server = start_server("planner", Path(tempfile.mkdtemp()), name="paint").wait_healthy()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            load_paint_s(browser, server, qid)  # warm-up: the server's caches
            figures = {
                "nav": [nav_paint_s(browser, server, qid) for _ in range(args.runs)],
                "load": [load_paint_s(browser, server, qid) for _ in range(args.runs)],
                "card": [
                    s
                    for s in (card_s(browser, server, qid, i) for i in range(args.runs))
                    if s is not None
                ],
            }
            browser.close()
    finally:
        server.stop()
    goals = {"nav": 3.0, "load": 3.0, "card": 1.0}
    for name, values in figures.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(
            f"{name:5} p50 {pct(values, 0.5):.2f} s  p95 {pct(values, 0.95):.2f} s  "
            f"median {statistics.median(values):.2f} s  (Ziel <= {goals[name]:.0f} s; "
            f"n={len(values)}: {shown})"
        )
    print(f"Load average am Ende {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
