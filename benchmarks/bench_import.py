"""Benchmark the import pipeline on a 50,000-building LANUV-style shapefile (ZIP).

Run: ``python benchmarks/bench_import.py [--buildings 50000]``. Generates a WBM-NRW-like
shapefile (fields RW_WW, RW, WW, RW_WW_spez, NF, GEBAEUDETY, WG_NWG, Fest_ID, citygml_fu)
in a temporary folder, zips it, runs ``inspect_upload`` with a warm worker pool and then
``energy.assess_buildings``, and prints the time per stage and the peak memory of the app
process and of the worker. Targets (issue): < 10 s in total and < 2 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pyogrio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quartier_geo.data.reference import load_reference
from quartier_geo.demo.lanuv import synthetic_lanuv
from quartier_geo.domain import energy
from quartier_geo.imports.pipeline import ImportOptions, inspect_upload
from quartier_geo.imports.pool import WorkerPool
from quartier_geo.imports.types import Accepted

#: The reference tables, loaded once for the module (the importers take them explicitly).
REF = load_reference()

X0, Y0 = 360_000.0, 5_700_000.0


def make_zip(folder: Path, n: int, *, seed: int = 1) -> Path:
    """A WBM-NRW-like shapefile of ``n`` 10 m x 12 m footprints on a 15 m grid, zipped."""
    gdf = synthetic_lanuv(
        n, seed=seed, origin=(X0, Y0), type_weights=(0.35, 0.2, 0.3, 0.1, 0.05), id_prefix=""
    )
    shp = folder / "WBM-NRW_05513000.shp"
    pyogrio.write_dataframe(gdf, shp, encoding="UTF-8")
    target = folder / "WBM-NRW_05513000.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(folder.glob("WBM-NRW_05513000.*")):
            if part.suffix != ".zip":
                zf.write(part, part.name)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--buildings", type=int, default=50_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        started = time.perf_counter()
        path = make_zip(Path(tmp), args.buildings)
        data = path.read_bytes()
        print(
            f"generated {args.buildings} buildings, {len(data) / 1e6:.1f} MB zip "
            f"in {time.perf_counter() - started:.1f} s"
        )
        ref = load_reference()
        with WorkerPool() as pool:
            marks: list[tuple[str, float]] = []
            started = time.perf_counter()
            result = inspect_upload(
                data,
                path.name,
                ref=REF,
                options=ImportOptions(progress=lambda s, f: marks.append((s, time.perf_counter()))),
                pool=pool,
            )
            total_import = time.perf_counter() - started
            if not isinstance(result, Accepted) or result.buildings is None:
                print(f"import failed: {result}")
                return 1
            started = time.perf_counter()
            assessed = energy.assess_buildings(result.buildings, ref)
            assess_s = time.perf_counter() - started
        stages = result.report["stages"]
        worker = result.report["worker"]
        total_mwh = energy.summarise(assessed)["heat_demand_mwh_per_a"].iloc[0]
        print(
            f"schema {result.mapping.schema}, {len(result.buildings)} buildings, "
            f"total {total_mwh:,.0f} MWh/a (Σ RW_WW / 1000)"
        )
        rows = [
            ("gate (sniff + zip pre-inspection)", stages["gate_s"]),
            ("worker: parse + checks (child wall)", worker["wall_s"]),
            ("worker: round trip (request to answer)", stages["worker_s"]),
            ("transfer (Arrow IPC into the app)", stages["transfer_s"]),
            ("mapping (schema detection)", stages["mapping_s"]),
            ("fill + validation", stages["validation_s"]),
            ("assessment (energy.assess_buildings)", assess_s),
        ]
        for name, seconds in rows:
            print(f"  {name:<40} {seconds:7.2f} s")
        total = total_import + assess_s
        print(f"  {'total (import + assessment)':<40} {total:7.2f} s   target < 10 s")
        app_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"  peak RSS app process {app_mb:,.0f} MB, worker {worker['maxrss_mb']:,.0f} MB"
            f"   target < 2048 MB"
        )
        print(
            f"  worker CPU {worker['cpu_s']:.2f} s, parse {result.report.get('parse_s')} s, "
            f"checks {result.report.get('checks_s')} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
