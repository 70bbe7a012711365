"""Assess many municipality files on a Dask cluster; GeoParquet and a summary out.

One file is one task and one partition of a dask-geopandas frame (:func:`assess_file`:
upload gate, :func:`~quartier_geo.domain.energy.assess_buildings`, fixed output schema).
The frame is written with ``to_parquet(partition_on=["municipality"])`` as it is computed,
partition by partition, so a worker holds a few files at a time, never all of them; the
client only collects the small :class:`FileReport` of each file (progress, summary).

Output in ``out``::

    buildings/municipality=<name>/part.<i>.parquet   GeoParquet, EPSG:25832, i = file index
    summary.csv, summary.json                        one row per municipality, totals, files
    files.csv                                        every input file: status, reason, time

Example (not a doctest: it starts a cluster)::

    result = run_batch([Path("lanuv/")], Path("out"), BatchOptions(workers=2))
    print(result.table, result.failed)
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.batch.assess import FileReport, assess_file, empty_frame, municipality_of
from quartier_geo.batch.summary import write_summary
from quartier_geo.imports.gate import EXTENSIONS
from quartier_geo.imports.pipeline import ImportOptions

__all__ = ["BatchOptions", "BatchResult", "expand_inputs", "run_batch"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs.

    Parameters
    ----------
    scheduler
        Address of a running ``dask scheduler`` (``tcp://host:8786``); ``None`` starts a
        local cluster for the run.
    workers
        Worker processes of the local cluster, one thread each (default: the CPU count).
    processes
        Local workers as processes (default) or as threads of this process (tests).
    memory_limit
        Memory limit per local worker (Dask's spelling: ``"2GiB"``; ``"auto"`` shares the
        machine's memory between the workers).
    imports
        Options of the upload gate for every file: limits, ``layer``, ``crs``.
    progress
        ``progress(line)`` for one line per finished file (the CLI writes it to stderr).
    """

    scheduler: str | None = None
    workers: int | None = None
    processes: bool = True
    memory_limit: str = "auto"
    imports: ImportOptions = field(default_factory=ImportOptions)
    progress: Callable[[str], object] | None = None


@dataclass(frozen=True)
class BatchResult:
    """The outcome: one report per input file (input order), the municipality table."""

    out: Path
    reports: tuple[FileReport, ...]
    table: pd.DataFrame
    seconds: float

    @property
    def failed(self) -> tuple[FileReport, ...]:
        return tuple(r for r in self.reports if not r.ok)


def expand_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files of ``inputs``: a folder stands for its files with a gate extension (sorted,
    not recursive); a path given twice counts once. Missing paths are kept (and fail)."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item).expanduser().absolute()
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower()[1:] in EXTENSIONS)
            files.extend(p for p in found if p.is_file())
        else:
            files.append(path)
    return list(dict.fromkeys(files))


@contextlib.contextmanager
def _client(options: BatchOptions) -> Iterator[Any]:
    from dask.distributed import Client, LocalCluster

    if options.scheduler:
        try:
            client = Client(options.scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise QuartierGeoError(
                f"Dask-Scheduler {options.scheduler} nicht erreichbar ({exc}). Adresse prüfen "
                "(tcp://host:8786) oder ohne --scheduler lokal rechnen."
            ) from exc
        with client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=options.workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=options.processes,
        memory_limit=options.memory_limit,
        dashboard_address=":0",  # any free port: two batches on one machine never collide
        silence_logs=logging.ERROR,
    )
    with cluster, Client(cluster) as client:
        yield client


def _staging(out: Path) -> tuple[Path, Path]:
    target = out / "buildings"
    if target.exists() and any(target.iterdir()):
        raise QuartierGeoError(
            f"{target} enthält schon Ergebnisse: einen neuen Ausgabeordner wählen oder den "
            "alten löschen (nichts wird überschrieben)."
        )
    out.mkdir(parents=True, exist_ok=True)
    return target, out / f".buildings-{uuid.uuid4().hex[:12]}"


def _line(done: int, total: int, report: FileReport) -> str:
    if report.ok:
        what = f"{report.figures.get('buildings', 0)} Gebäude ({report.schema})"
    else:
        what = f"FEHLER: {report.reason}"
    return f"[{done}/{total}] {report.file} → {report.municipality}: {what}, {report.seconds} s"


def run_batch(inputs: Sequence[Path], out: Path, options: BatchOptions) -> BatchResult:
    """Assess every file of ``inputs`` and write GeoParquet and the summary into ``out``.

    A failed file is reported (:attr:`BatchResult.failed`) and never stops the others.
    Raises :class:`QuartierGeoError` when nothing can run (no files, ``out/buildings``
    not empty, scheduler unreachable).
    """
    import dask
    import dask.dataframe as dd
    import dask_geopandas  # registers the geometry dtype with dask (meta, GeoParquet)
    from dask.distributed import as_completed

    started = time.perf_counter()
    files = expand_inputs(inputs)
    if not files:
        raise QuartierGeoError("Keine Eingabedateien gefunden: Dateien oder Ordner angeben.")
    out = Path(out).expanduser().absolute()
    target, staging = _staging(out)
    imports = options.imports
    assess = dask.delayed(assess_file, nout=2, pure=False)
    tasks = [assess(str(p), municipality=municipality_of(p), options=imports) for p in files]
    parts = dd.from_delayed([t[0] for t in tasks], meta=empty_frame(), verify_meta=False)
    frame = dask_geopandas.from_dask_dataframe(parts)
    write = frame.to_parquet(
        str(staging), partition_on=["municipality"], write_index=False, compute=False
    ).to_delayed()  # one graph type with the reports: the file tasks are shared, run once
    say = options.progress or (lambda line: None)
    try:
        with _client(options) as client:
            say(f"{len(files)} Datei(en) auf {client.scheduler.address}")
            futures = client.compute([write, *(t[1] for t in tasks)])
            for done, future in enumerate(as_completed(futures[1:]), start=1):
                say(_line(done, len(files), future.result()))
            futures[0].result()
            reports = tuple(f.result() for f in futures[1:])
        if staging.exists():
            with contextlib.suppress(FileNotFoundError):
                target.rmdir()  # empty (checked above)
            os.replace(staging, target)
        else:
            target.mkdir(exist_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    table = write_summary(out, reports)
    return BatchResult(out, reports, table, round(time.perf_counter() - started, 3))
