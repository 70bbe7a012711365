"""Benchmark the Dask batch: buildings per second with 1 and 2 workers, memory per worker.

Run: ``python benchmarks/bench_batch.py [--buildings 1000000] [--files 20] [--workers 1,2]``.
Generates ``--files`` WBM-NRW-like GeoPackages (LANUV fields RW_WW, RW, WW, NF, GEBAEUDETY,
WG_NWG, Fest_ID; 10 m x 12 m footprints) with ``--buildings`` in all in a temporary folder,
then for each worker count starts a local Dask cluster (processes, one thread each), runs
:func:`quartier_geo.batch.runner.run_batch` against its scheduler address and prints the
wall time, buildings per second and the peak resident memory of each Dask worker process
(psutil, sampled every 0.2 s) and of the worker plus its sandboxed gate children. The
summary's heat demand is checked against the sum of RW_WW of the generated files.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pyogrio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quartier_geo.batch.runner import BatchOptions, BatchResult, run_batch
from quartier_geo.demo.lanuv import synthetic_lanuv
from quartier_geo.imports.pipeline import ImportOptions
from quartier_geo.imports.types import DEFAULT_LIMITS

X0, Y0 = 300_000.0, 5_650_000.0
#: Shares of EFH, RH, MFH, GMH and NWG in the synthetic files.
WEIGHTS = (0.35, 0.2, 0.3, 0.1, 0.05)


def make_file(path: Path, n: int, *, seed: int) -> float:
    """A WBM-NRW-like GeoPackage of ``n`` footprints; returns its sum of RW_WW [kWh/a]."""
    gdf = synthetic_lanuv(n, seed=seed, origin=(X0 + 5_000.0 * seed, Y0), type_weights=WEIGHTS)
    pyogrio.write_dataframe(gdf, path, layer=f"WBM-NRW_{seed:08d}")
    return float(gdf["RW_WW"].sum())


class Sampler(threading.Thread):
    """Peak RSS [bytes] of each process in ``pids``, alone and with its descendants."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.procs = [psutil.Process(p) for p in pids]
        self.alone = dict.fromkeys(pids, 0)
        self.family = dict.fromkeys(pids, 0)
        self.stop = threading.Event()

    def _rss(self, proc: psutil.Process) -> int:
        try:
            return int(proc.memory_info().rss)
        except psutil.Error:
            return 0

    def run(self) -> None:
        while not self.stop.wait(0.2):
            for proc in self.procs:
                own = self._rss(proc)
                try:
                    kids = proc.children(recursive=True)
                except psutil.Error:
                    kids = []
                self.alone[proc.pid] = max(self.alone[proc.pid], own)
                total = own + sum(self._rss(k) for k in kids)
                self.family[proc.pid] = max(self.family[proc.pid], total)


@dataclasses.dataclass(frozen=True)
class Run:
    seconds: float
    result: BatchResult
    worker_mb: list[float]
    with_gate_mb: list[float]


def run(files: list[Path], workers: int, out: Path, options: ImportOptions) -> Run:
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        sampler = Sampler(list(client.run(os.getpid).values()))
        sampler.start()
        started = time.perf_counter()
        batch = BatchOptions(scheduler=cluster.scheduler_address, imports=options)
        result = run_batch(files, out, batch)
        seconds = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
    return Run(
        seconds,
        result,
        [v / 2**20 for v in sampler.alone.values()],
        [v / 2**20 for v in sampler.family.values()],
    )


def report(workers: int, figures: Run, *, total: int, demand_kwh: float) -> str:
    done = int(figures.result.table["buildings"].sum())
    demand = float(figures.result.table["heat_demand_mwh_per_a"].sum())
    same = abs(demand - demand_kwh / 1000) <= 1e-6 * demand
    return (
        f"{workers} worker(s): {figures.seconds:.1f} s, {done / figures.seconds:,.0f} buildings/s, "
        f"{len(figures.result.failed)} failed file(s); peak RSS per Dask worker "
        + ", ".join(f"{v:.0f}" for v in figures.worker_mb)
        + " MB (with its gate children: "
        + ", ".join(f"{v:.0f}" for v in figures.with_gate_mb)
        + f" MB); {done:,} of {total:,} buildings; heat demand {demand:,.0f} MWh/a "
        + ("equals" if same else "DIFFERS from")
        + " the inputs' RW_WW"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--buildings", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--timeout", type=int, default=120, help="gate: CPU s per file")
    args = parser.parse_args(argv)
    limits = dataclasses.replace(
        DEFAULT_LIMITS, cpu_seconds=args.timeout, wall_seconds=float(args.timeout)
    )
    options = ImportOptions(limits=limits)
    per_file = args.buildings // args.files
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        started = time.perf_counter()
        files = [folder / f"Gemeinde_{k:02d}.gpkg" for k in range(1, args.files + 1)]
        demand_kwh = sum(make_file(f, per_file, seed=k) for k, f in enumerate(files, start=1))
        size_mb = sum(f.stat().st_size for f in files) / 2**20
        total = per_file * args.files
        print(
            f"input: {total:,} buildings in {args.files} GeoPackages ({size_mb:.0f} MB), "
            f"generated in {time.perf_counter() - started:.1f} s; gate timeout {args.timeout} s",
            flush=True,
        )
        for workers in (int(w) for w in args.workers.split(",")):
            figures = run(files, workers, Path(tmp) / f"out-{workers}", options)
            print(report(workers, figures, total=total, demand_kwh=demand_kwh), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
