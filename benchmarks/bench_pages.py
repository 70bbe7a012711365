"""Benchmark: server time per page (warm) and cold start to first paint in headless Chromium.

1. Warm server time: every page is run with Streamlit's AppTest in this process, once to
   warm the caches, then ``--repeat`` times; the median script time per page is printed.
2. Browser: a fresh ``streamlit run`` on a free local port; for each page a new Chromium
   page measures the time from navigation to "painted" (main content present, no script
   running, and for map pages the Leaflet layer drawn). The first page includes the
   server's cold start (data load). Requests to other hosts are blocked, as on a closed
   workshop network.

    python benchmarks/bench_pages.py [--repeat 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quartier_geo.ui.frame import _PAGES  # noqa: E402

MAP_PAGES = {"uebersicht", "quartierskarte", "sanierung", "versorgung", "projektphasen"}
_DRAWN = """() => {
  const frames = Array.from(document.querySelectorAll('iframe'));
  if (!frames.length) return true;
  return frames.every(f => {
    try {
      const w = f.contentWindow;
      if (!w || !w.L) return false;
      for (const k of Object.keys(w)) {
        const v = w[k];
        if (v && v instanceof w.L.Map) {
          let n = 0; v.eachLayer(l => { if (l.feature) n += 1; });
          return n > 0;
        }
      }
      return false;
    } catch (e) { return true; }
  });
}"""


def warm_server_times(repeat: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    out = {}
    for path, _key, url in _PAGES:
        runs = []
        for i in range(repeat + 1):
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
            at.run()
            t0 = time.perf_counter()
            at.switch_page(path).run()
            if i:  # the first run warms the caches
                runs.append(time.perf_counter() - t0)
            if at.exception:
                raise RuntimeError(f"{url}: {at.exception[0].value}")
        out[url] = statistics.median(runs)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def browser_first_paint() -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, QUARTIER_WORKSPACE=str(Path(tempfile.mkdtemp()) / "ws.sqlite"))
    t_start = time.perf_counter()
    proc = subprocess.Popen(
        [
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
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    out: dict[str, float] = {}
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        out["server start (s)"] = time.perf_counter() - t_start
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for _path, _key, url in _PAGES:
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.route(
                    "**/*",
                    lambda r: (
                        r.continue_()
                        if r.request.url.startswith(base)
                        or r.request.url.startswith(("data:", "blob:", "about:"))
                        else r.abort()
                    ),
                )
                t0 = time.perf_counter()
                page.goto(f"{base}/{'' if url == 'uebersicht' else url}")  # default page at /
                page.wait_for_function(
                    """() => {
                        const m = document.querySelector('[data-testid="stMainBlockContainer"]');
                        return m && m.innerText.length > 50
                          && !document.querySelector('[data-testid="stStatusWidget"]'); }""",
                    timeout=180_000,
                )
                if url in MAP_PAGES:
                    page.wait_for_selector("iframe", timeout=60_000)
                    page.wait_for_function(_DRAWN, timeout=60_000, polling=100)
                out[url] = time.perf_counter() - t0
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print("Warm server time per page (AppTest, median of", args.repeat, "runs):")
    for url, secs in warm_server_times(args.repeat).items():
        print(f"  {url:16s} {secs:6.2f} s")
    if not args.no_browser:
        print("Headless Chromium, navigation to first paint (first page includes cold start):")
        for url, secs in browser_first_paint().items():
            print(f"  {url:16s} {secs:6.2f} s")


if __name__ == "__main__":
    main()
