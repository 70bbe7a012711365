"""Benchmark: every building of the region on one map, three ways, in headless Chromium.

The same buildings (the 35,340 of the demo GeoPackage, or ``--synthetic N`` rectangles as an
imported municipality) coloured by specific heat demand:

1. ``tiles``: vector tiles (:mod:`quartier_geo.views.vector_tiles`, cold: classes, cells,
   encoding and writing every tile) and the small map page (:mod:`quartier_geo.views.
   tile_map`);
2. ``builder``: today's quarter-map builder (:func:`quartier_geo.views.maps.quarter_map`) on
   all buildings, one HTML page with every footprint;
3. ``geojson``: folium's ``GeoJson`` layer with a style function and a tooltip.

For each: build seconds, HTML bytes, bytes fetched until the first paint (page, scripts,
tiles), paint seconds (navigation to drawn map), zoom to street level at a building and a
pan by 400 px (seconds until drawn), and a click on that building (seconds until the map's
click handler has the id). Pages are served by a local HTTP server that maps
``/app/static`` to the repository's ``static/`` (as Streamlit does); other hosts are blocked.
With ``--streamlit`` it also starts a planner server and times toggle-to-map and
click-to-card in the app.

    python benchmarks/bench_all_buildings.py [--synthetic 50000] [--skip-geojson] [--streamlit]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quartier_geo.views import maps, tile_map, vector_tiles  # noqa: E402
from quartier_geo.views.classify import ColourBy, Colouring, colour_classes  # noqa: E402
from quartier_geo.views.map_legend import LegendContent  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
COLOUR = ColourBy(
    "useful_heat_kwh_per_m2a", "Spez. Wärmebedarf", colouring=Colouring(k=5), unit="kWh/(m²·a)"
)

_MAP = "Object.values(window).find(v => v instanceof L.Map)"
_SETTLED = f"""() => new Promise(resolve => {{
    const m = {_MAP};
    const t = window.qgVectorTiles;
    const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
    if (t && t.isLoading()) {{ t.once('load', done); }} else {{ done(); }}
}})"""


def demo_buildings() -> gpd.GeoDataFrame:
    import datetime as dt

    from quartier_geo.data import layers
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain.bundle import build_region

    ref = load_reference()
    return build_region(layers.load_region(ref), ref=ref, on=dt.date.today()).buildings


def synthetic(n: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` rectangles 8-20 m x 8-15 m on a 25 m grid near Gelsenkirchen (EPSG:25832)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x = 360_000.0 + (i % side) * 25.0 + rng.uniform(0, 3, n)
    y = 5_705_000.0 + (i // side) * 25.0 + rng.uniform(0, 3, n)
    w, h = rng.uniform(8, 20, n), rng.uniform(8, 15, n)
    area = w * h * 1.6
    demand = rng.lognormal(4.9, 0.4, n)
    return gpd.GeoDataFrame(
        {
            "building_id": [f"S{k:06d}" for k in i],
            "address": [f"Teststraße {k}" for k in i],
            "useful_heat_kwh_per_m2a": demand.round(1),
            "useful_heat_kwh_per_a": (demand * area).round(0),
            "conditioned_floor_area_m2": area.round(1),
        },
        geometry=shapely.box(x, y, x + w, y + h),
        crs="EPSG:25832",
    )


def build_tiles(b: gpd.GeoDataFrame) -> tuple[float, str, vector_tiles.TileSet]:
    """Cold: the set is removed first, then classed, aggregated, encoded and written."""
    shutil.rmtree(
        vector_tiles.TILE_ROOT / vector_tiles.tile_key(b, COLOUR, lang="de"), ignore_errors=True
    )
    t0 = time.perf_counter()
    key = vector_tiles.tile_key(b, COLOUR, lang="de")
    ts = vector_tiles.write_tiles(vector_tiles.tile_data(b, COLOUR), key=key)
    html = maps.map_html(
        tile_map.all_buildings_map(ts, LegendContent("Spez. Wärmebedarf", ts.entries))
    )
    return time.perf_counter() - t0, html, ts


def build_builder(b: gpd.GeoDataFrame) -> tuple[float, str]:
    t0 = time.perf_counter()
    m = maps.quarter_map(
        b,
        COLOUR,
        info=maps.FeatureInfo(
            tooltip=[("address", "Adresse"), ("useful_heat_kwh_per_m2a", "Spez.")],
        ),
    )
    html = maps.map_html(m)
    return time.perf_counter() - t0, html


def build_geojson(b: gpd.GeoDataFrame) -> tuple[float, str]:
    t0 = time.perf_counter()
    classes = colour_classes(b[COLOUR.column], COLOUR.colouring)
    g = b[["building_id", "address", COLOUR.column, "geometry"]].to_crs("EPSG:4326")
    g = g.assign(colour=[classes.colors[c] if c >= 0 else "#B4B4B4" for c in classes.index])
    m = folium.Map(tiles=None, prefer_canvas=True)
    maps.localise(m)
    folium.GeoJson(
        g,
        style_function=lambda f: {
            "fillColor": f["properties"]["colour"],
            "color": "#4D4D4D",
            "weight": 0.5,
            "fillOpacity": 0.85,
        },
        tooltip=folium.GeoJsonTooltip(["address", COLOUR.column]),
    ).add_to(m)
    m.fit_bounds([[g.total_bounds[1], g.total_bounds[0]], [g.total_bounds[3], g.total_bounds[2]]])
    html = maps.map_html(m)
    return time.perf_counter() - t0, html


@contextlib.contextmanager
def serve(pages: dict[str, str]) -> Iterator[str]:
    """A local HTTP server: the pages at /<name>.html, the repository's static/ at /app/static."""
    tmp = Path(tempfile.mkdtemp(prefix="qg-bench-"))
    (tmp / "app").mkdir()
    (tmp / "app" / "static").symlink_to(ROOT / "static")
    for name, html in pages.items():
        (tmp / f"{name}.html").write_text(html, encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(tmp))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def measure(browser: Any, base: str, name: str, target: tuple[float, float]) -> dict[str, float]:
    """Paint, bytes, zoom, pan and click times of one page in a fresh browser context."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    page = ctx.new_page()
    fetched: list[int] = []

    def on_response(r: Any) -> None:  # the body size as the server announced it
        fetched.append(int(r.headers.get("content-length", "0") or 0))

    page.on("response", on_response)
    t0 = time.perf_counter()
    page.goto(f"{base}/{name}.html", wait_until="load", timeout=300_000)
    page.evaluate(_SETTLED)
    paint = time.perf_counter() - t0
    first_bytes = sum(fetched)
    lat, lon = target
    t1 = time.perf_counter()
    page.evaluate(
        f"([lat, lon]) => {{ {_MAP}.setView([lat, lon], 17, {{animate: false}}); }}", [lat, lon]
    )
    page.evaluate(_SETTLED)
    zoom = time.perf_counter() - t1
    t2 = time.perf_counter()
    page.evaluate(f"() => {{ {_MAP}.panBy([400, 0], {{animate: false}}); }}")
    page.evaluate(_SETTLED)
    pan = time.perf_counter() - t2
    page.evaluate(f"() => {{ {_MAP}.panBy([-400, 0], {{animate: false}}); }}")
    page.evaluate(_SETTLED)
    page.evaluate(
        f"""() => {{ window.__clicked = null; const m = {_MAP};
        m.eachLayer(l => l.on && l.on('click', () => {{
            window.__clicked = performance.now(); }})); }}"""
    )
    point = page.evaluate(f"([lat, lon]) => {_MAP}.latLngToContainerPoint([lat, lon])", [lat, lon])
    page.mouse.move(point["x"] - 2, point["y"] - 2)
    start = page.evaluate("() => performance.now()")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_function("() => window.__clicked !== null", timeout=30_000)
    click = (page.evaluate("() => window.__clicked") - start) / 1000
    total = sum(fetched)
    ctx.close()
    return {
        "paint_s": paint,
        "first_bytes": first_bytes,
        "zoom_s": zoom,
        "pan_s": pan,
        "click_s": click,
        "bytes_after_zoom_pan": total,
    }


def streamlit_click_to_card(browser: Any, target: tuple[str, float, float]) -> dict[str, float]:
    from quartier_geo.base.i18n import t
    from tests.browser.harness import open_page, start_server, to_page, wait_idle

    address, lat, lon = target
    server = start_server("planner", Path(tempfile.mkdtemp()), name="bench").wait_healthy()
    try:
        with open_page(browser, server) as (page, _watch):
            wait_idle(page, timeout_s=180)
            t0 = time.perf_counter()
            page.get_by_text(t("all_buildings_show", "de")).click()
            wait_idle(page, timeout_s=180)
            fr = next(
                f
                for _ in range(240)
                for f in page.frames
                if f is not page.main_frame and _has_tiles(f)
            )
            fr.evaluate(_SETTLED)
            toggle = time.perf_counter() - t0
            fr.evaluate(
                f"([a, b]) => {{ {_MAP}.setView([a, b], 17, {{animate: false}}); }}", [lat, lon]
            )
            fr.evaluate(_SETTLED)
            point = fr.evaluate(f"([a, b]) => {_MAP}.latLngToContainerPoint([a, b])", [lat, lon])
            x, y = to_page(fr, point)
            page.mouse.move(x - 2, y - 2)
            t1 = time.perf_counter()
            page.mouse.click(x, y)
            card = f"{t('address', 'de')}: {address}"
            page.wait_for_function(
                "(c) => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(c)",
                arg=card,
                timeout=60_000,
            )
            return {"toggle_to_map_s": toggle, "click_to_card_s": time.perf_counter() - t1}
    finally:
        server.stop()


def _has_tiles(frame: Any) -> bool:
    try:
        return bool(frame.evaluate("() => !!window.qgVectorTiles"))
    except Exception:
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=int, default=0, help="N synthetic buildings instead")
    ap.add_argument("--skip-geojson", action="store_true", help="leave out folium GeoJson")
    ap.add_argument("--streamlit", action="store_true", help="also time the app (demo data)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    b = synthetic(args.synthetic) if args.synthetic else demo_buildings()
    row = b.iloc[[len(b) // 2]]
    pt = row.geometry.representative_point().to_crs("EPSG:4326").iloc[0]
    target = (pt.y, pt.x)
    print(f"{len(b):,} Gebäude")
    pages: dict[str, str] = {}
    results: dict[str, dict[str, float]] = {}
    if True:
        secs, html, ts = build_tiles(b)
        pages["tiles"] = html
        size = sum(p.stat().st_size for p in ts.folder.rglob("*.pbf"))
        results["tiles"] = {"build_s": secs, "html_bytes": len(html.encode())}
        print(f"tiles: {len(ts.tiles)} Kacheln, {size / 1e6:.1f} MB auf der Platte, z9-z17")
        secs, html = build_builder(b)
        pages["builder"] = html
        results["builder"] = {"build_s": secs, "html_bytes": len(html.encode())}
        if not args.skip_geojson:
            secs, html = build_geojson(b)
            pages["geojson"] = html
            results["geojson"] = {"build_s": secs, "html_bytes": len(html.encode())}
        with serve(pages) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
            )
            for name in pages:
                results[name].update(measure(browser, base, name, target))
            if args.streamlit and not args.synthetic:
                app = streamlit_click_to_card(browser, (str(row["address"].iloc[0]), *target))
            browser.close()
    cols = [
        "build_s",
        "html_bytes",
        "first_bytes",
        "paint_s",
        "zoom_s",
        "pan_s",
        "click_s",
        "bytes_after_zoom_pan",
    ]
    print(f"{'way':<9}" + "".join(f"{c:>21}" for c in cols))
    for name, r in results.items():
        cells = [f"{r[c] / 1e6:.2f} MB" if "bytes" in c else f"{r[c]:.2f} s" for c in cols]
        print(f"{name:<9}" + "".join(f"{c:>21}" for c in cells))
    if args.streamlit and not args.synthetic:
        print(
            f"Streamlit: Schalter bis Karte {app['toggle_to_map_s']:.2f} s, "
            f"Klick bis Gebäudekarte {app['click_to_card_s']:.2f} s"
        )


if __name__ == "__main__":
    main()
