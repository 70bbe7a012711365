"""Benchmark: building sums per hectare cell, block and quarter, in PostGIS vs in Python.

On all demo buildings: the database aggregates ``layers.buildings_assessed``
(:mod:`quartier_geo.data.pg.aggregate`, one query); Python assesses nothing either, it
groups the already assessed buildings (:func:`quartier_geo.domain.aggregates.
building_sums`). Also timed: reading the stored buildings into Python, which a Python
aggregation on the database backend needs first. Each figure is the median of ``--runs``.

    python benchmarks/bench_aggregate.py [--url postgresql://…] [--runs 5]

Without ``--url`` (or ``QUARTIER_DATABASE_URL``) it starts a throw-away cluster
(tests/pgcluster.py) and runs ``database init`` into it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quartier_geo.cli import main as cli_main  # noqa: E402
from quartier_geo.data import layers  # noqa: E402
from quartier_geo.data.pg.aggregate import ASSESSED, aggregate  # noqa: E402
from quartier_geo.data.pg.layers import read_frame  # noqa: E402
from quartier_geo.data.reference import load_reference  # noqa: E402
from quartier_geo.domain import energy  # noqa: E402
from quartier_geo.domain.aggregates import building_sums  # noqa: E402


@contextlib.contextmanager
def database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.pgcluster import start_cluster

    folder = Path(tempfile.mkdtemp(prefix="quartier-bench-pg-"))
    folder.chmod(0o755)
    cluster = start_cluster(folder / "cluster")
    try:
        new = cluster.new_database(postgis=False)
        if cli_main(["database", "init", "--url", new]) != 0:
            raise SystemExit("database init failed")
        yield new
    finally:
        cluster.stop()


def median_s(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.environ.get("QUARTIER_DATABASE_URL"))
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    ref = load_reference()
    assessed = energy.assess_buildings(layers.load_region(ref).buildings, ref)
    load1, _ = os.getloadavg()[:2]
    print(f"{len(assessed)} buildings, {args.runs} runs each, load average {load1:.2f}")
    with database(args.url) as url:
        read_s = median_s(lambda: read_frame(url, ASSESSED), args.runs)
        print(f"read {ASSESSED} into Python: {read_s * 1000:8.1f} ms")
        print(f"{'level':8} {'units':>6} {'database ms':>12} {'python ms':>10} {'equal':>6}")
        for level in ("cell", "block", "quarter"):
            db_s = median_s(lambda lv=level: aggregate(url, lv), args.runs)
            py_s = median_s(lambda lv=level: building_sums(assessed, lv), args.runs)
            db, py = aggregate(url, level).frame, building_sums(assessed, level)
            same = db.shape == py.shape and bool(
                (
                    (db.drop(columns=db.columns[0]) - py.drop(columns=py.columns[0])).abs()
                    <= 1e-6 * py.drop(columns=py.columns[0]).abs().clip(lower=1)
                )
                .all()
                .all()
            )
            print(f"{level:8} {len(db):6d} {db_s * 1000:12.1f} {py_s * 1000:10.1f} {same!s:>6}")


if __name__ == "__main__":
    main()
