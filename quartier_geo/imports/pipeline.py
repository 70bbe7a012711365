"""User files in: the public entry points of the import pipeline.

``inspect_upload(data, filename)`` runs the whole upload gate of docs/SECURITY.md §3.0 and
returns a domain result, never an exception:

1. **gate** (this process, no GDAL): size, extension allow-list, magic bytes, ZIP
   pre-inspection (:mod:`quartier_geo.imports.gate`);
2. **worker** (a forked child with ``RLIMIT_AS`` 1.5 GiB, 20 s CPU, wall timeout, no
   network, GDAL without VRT/GDALG/CSV, driver forced): parse, check caps and
   coordinates, CRS, repair, reproject (:mod:`quartier_geo.imports.worker.serve`);
3. **mapping**: detect the schema and propose a field mapping (:mod:`quartier_geo.imports.schemas`),
   fill missing attributes by documented rules (:mod:`quartier_geo.imports.fill`);
4. **validation**: :func:`quartier_geo.data.layers.validate_buildings` (the canonical schema);
   a polygon layer named like :data:`BLOCK_LAYER_NAMES` (``baubloecke``) is a block layer
   instead, checked by :func:`quartier_geo.domain.block_plan.checked_block_layer`.

The result is :class:`~quartier_geo.imports.types.Accepted` (preview and confirm, then
:func:`quartier_geo.imports.saved.save_import`), :class:`~quartier_geo.imports.types.NeedsChoice`
(call again with the answer in :class:`ImportOptions`: ``layer``, ``crs`` or ``swap_axes``) or
:class:`~quartier_geo.imports.types.Rejected`. A corrected mapping is applied with :func:`remap`.

Example (not run as a doctest: it starts the worker process)::

    result = import_file("tests/data/lanuv_wbm.gpkg", ref=load_reference())
    if result.kind == "accepted":
        print(result.mapping.schema, len(result.buildings), result.warnings)
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import DataValidationError
from quartier_geo.data.layers import validate_buildings
from quartier_geo.data.reference import Reference
from quartier_geo.domain.block_plan import checked_block_layer
from quartier_geo.imports.crs_detect import bbox_to_lonlat
from quartier_geo.imports.fill import DEFAULTS, ImportDefaults, apply_mapping, apply_street_mapping
from quartier_geo.imports.gate import Plan, plan_upload, size_params
from quartier_geo.imports.messages import render
from quartier_geo.imports.pool import WorkerPool, WorkerRun
from quartier_geo.imports.schemas import Mapping, propose_mapping
from quartier_geo.imports.types import (
    DEFAULT_LIMITS,
    Accepted,
    GateResult,
    Issue,
    Limits,
    NeedsChoice,
    Option,
    Rejected,
    issue,
    rejected,
)

__all__ = [
    "BLOCK_LAYER_NAMES",
    "DANGEROUS_DRIVERS",
    "ImportOptions",
    "Progress",
    "gdal_drivers_safe",
    "import_file",
    "inspect_upload",
    "remap",
    "result_to_dict",
]

log = logging.getLogger(__name__)

#: GDAL drivers that must never be registered where uploads are parsed (docs/SECURITY.md §0.2).
DANGEROUS_DRIVERS = frozenset({"OGR_VRT", "GDALG", "VRT", "CSV"})
#: Names of a polygon layer read as Baublöcke (blocks of the heat plan), not as buildings:
#: an optional layer of an uploaded GeoPackage, chosen with ``ImportOptions(layer=…)``.
BLOCK_LAYER_NAMES = frozenset({"baubloecke", "bloecke", "blocks", "baublöcke", "blöcke"})
#: ``progress(stage, fraction)``: stage in gate, worker, mapping, validation, done.
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ImportOptions:
    """How one file is imported: limits, the user's answers, the mapping, the fill rules.

    Parameters
    ----------
    limits
        Resource limits of the gate and the worker (docs/SECURITY.md §3.0).
    layer, crs, swap_axes
        Answers to an earlier :class:`~quartier_geo.imports.types.NeedsChoice`.
    mapping
        A corrected field mapping (default: the proposed one).
    defaults
        Fill rules for missing attributes (quarter type, carrier, …).
    progress
        ``progress(stage, fraction)`` callback for a progress bar.
    strict
        Return the parsed features as they are: invalid geometries not repaired, empty ones
        not dropped, so that the caller's validation names every problem row (the command
        line's canonical contract). Limits, coordinates and CRS are checked all the same.
    """

    limits: Limits = DEFAULT_LIMITS
    layer: str | None = None
    crs: str | None = None
    swap_axes: bool = False
    mapping: Mapping | None = None
    defaults: ImportDefaults = DEFAULTS
    progress: Progress | None = None
    strict: bool = False


#: Options of a first attempt: the proposed mapping, the default fill rules, no answers.
DEFAULT_OPTIONS = ImportOptions()


def _notify(progress: Progress | None, stage: str, fraction: float) -> None:
    if progress is None:
        return
    try:
        progress(stage, fraction)
    except Exception:  # a broken progress bar must not break the import
        log.exception("progress callback failed")


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _run_worker(
    job_dir: Path, job: dict[str, Any], limits: Limits, pool: WorkerPool | None
) -> WorkerRun:
    (job_dir / "job.json").write_text(json.dumps(job), encoding="utf-8")
    if pool is not None:
        return pool.run(job_dir, limits=limits)
    with WorkerPool() as one_shot:
        return one_shot.run(job_dir, limits=limits)


def _read_features(path: Path) -> gpd.GeoDataFrame:
    import pyarrow as pa
    import pyarrow.ipc

    with pa.OSFile(str(path), "rb") as source:
        table = pa.ipc.open_file(source).read_all()
    df = table.to_pandas()
    geometry = shapely.from_wkb(df.pop("geometry").to_numpy())
    return gpd.GeoDataFrame(df, geometry=geometry, crs=WORK_CRS)


def _log_worker_stderr(job_dir: Path, filename: str) -> None:
    """Keep the worker's last words in the server log (never in the result)."""
    try:
        tail = (job_dir / "stderr.log").read_bytes()[-2000:].decode("utf-8", "replace")
    except OSError:
        tail = ""
    log.warning("import worker failed on %r: %s", filename[:80], tail)


def _failed(run: WorkerRun, plan: Plan, limits: Limits) -> Rejected:
    figures = run.figures()
    if run.timed_out or run.signal in (signal.SIGXCPU, signal.SIGKILL):
        return rejected("worker_timeout", {"seconds": limits.cpu_seconds}, worker=figures)
    if run.result is None and run.maxrss_mb * 2**20 > 0.9 * limits.memory_bytes:
        return rejected("worker_memory", {"limit_mb": limits.memory_bytes // 2**20}, worker=figures)
    return rejected("worker_crashed", {"format": plan.kind}, worker=figures)


def _choice(result: dict[str, Any], figures: dict[str, Any]) -> NeedsChoice:
    key, params = result["key"], result.get("params") or {}
    de, en = render(key, params)
    options = tuple(
        Option(
            str(o["value"]),
            str(o.get("label_de", o["value"])),
            str(o.get("label_en", o["value"])),
            {k: v for k, v in o.items() if k != "value"},
        )
        for o in result.get("options") or []
    )
    details = {**params, "worker": figures, "message_key": key}
    return NeedsChoice(key.split(".")[0], de, en, result["parameter"], options, details)


@dataclass(frozen=True)
class _Parsed:
    """A layer as the worker returned it, with what is known about it."""

    features: gpd.GeoDataFrame
    layer_kind: str
    filename: str


def _canonical(
    parsed: _Parsed, mapping: Mapping, *, defaults: ImportDefaults, ref: Reference
) -> tuple[gpd.GeoDataFrame | None, tuple[Issue, ...], tuple[str, ...]]:
    """Mapped (and for buildings validated) layer, the fills, and validation problems."""
    if parsed.layer_kind == "blocks":  # no attributes to map: the polygons are checked
        try:
            return checked_block_layer(parsed.features), (), ()
        except DataValidationError as exc:
            return None, (), tuple(exc.problems)
    if parsed.layer_kind == "streets":
        streets, report = apply_street_mapping(parsed.features, mapping)
        return streets, report.fills, ()
    mapped, report = apply_mapping(parsed.features, mapping, defaults=defaults, ref=ref)
    try:
        validated = validate_buildings(mapped, ref, what=f"Die Datei {parsed.filename}")
    except DataValidationError as exc:
        return None, report.fills, tuple(exc.problems)
    notes = tuple(Issue("validation_note", n, n) for n in validated.notes)
    return validated.buildings, report.fills + notes, ()


@dataclass(frozen=True)
class _Job:
    """One run of the pipeline: the file's name, its plan, the options and the reference."""

    filename: str
    plan: Plan
    options: ImportOptions
    ref: Reference


def _accept(job: _Job, run: WorkerRun, job_dir: Path, stages: dict[str, float]) -> Accepted:
    filename, plan, options = job.filename, job.plan, job.options
    mapping, progress = options.mapping, options.progress
    result = run.result or {}
    started = time.perf_counter()
    features = _read_features(job_dir / "features.arrow")
    stages["transfer_s"] = round(time.perf_counter() - started, 3)
    report = dict(result.get("report") or {})
    layer_kind = "streets" if report.get("geometry_family") == "lines" else "buildings"
    layer_name = str(result.get("layer") or plan.layer or "").strip().lower()
    if layer_kind == "buildings" and layer_name in BLOCK_LAYER_NAMES:
        layer_kind = "blocks"
    _notify(progress, "mapping", 0.75)
    started = time.perf_counter()
    columns = [c for c in features.columns if c != "geometry"]
    if mapping is None:
        sample = features[columns].head(50)
        mapping = propose_mapping(columns, sample, layer_kind=layer_kind)
    stages["mapping_s"] = round(time.perf_counter() - started, 3)
    _notify(progress, "validation", 0.85)
    started = time.perf_counter()
    parsed = _Parsed(features, layer_kind, filename)
    canonical, fills, problems = _canonical(parsed, mapping, defaults=options.defaults, ref=job.ref)
    stages["validation_s"] = round(time.perf_counter() - started, 3)
    bounds = tuple(float(v) for v in features.total_bounds)
    report.update(
        worker={**run.figures(), "network_isolated": result.get("network_isolated")},
        stages=stages,
        schema=mapping.schema,
        confidence=mapping.confidence,
        features=len(features),
        buildings=0 if canonical is None else len(canonical),
        bbox_25832=bounds,
        bbox_lonlat=bbox_to_lonlat(bounds, WORK_CRS),  # type: ignore[arg-type]
    )
    warnings = tuple(issue(key, params) for key, params in result.get("warnings") or [])
    return Accepted(
        filename=filename,
        format=plan.format if plan.format != "zip" else plan.kind,
        layer=result.get("layer") or plan.layer,
        layer_kind=layer_kind,
        features=features,
        buildings=canonical,
        mapping=mapping,
        warnings=warnings,
        fills=fills,
        problems=problems,
        report=report,
    )


def _inspect(
    data: bytes, filename: str, *, options: ImportOptions, ref: Reference, pool: WorkerPool | None
) -> GateResult:
    limits, layer, progress = options.limits, options.layer, options.progress
    stages: dict[str, float] = {}
    started = time.perf_counter()
    _notify(progress, "gate", 0.0)
    plan = plan_upload(data, filename, limits=limits, layer=layer)
    stages["gate_s"] = round(time.perf_counter() - started, 3)
    if not isinstance(plan, Plan):
        return plan
    _notify(progress, "worker", 0.1)
    with tempfile.TemporaryDirectory(prefix="qg-import-") as tmp:
        job_dir = Path(tmp)
        name = f"input.{plan.suffix}"
        _write_private(job_dir / name, data)
        job = {
            "kind": plan.kind,
            "input": name,
            "members": plan.members,
            "layer": layer if plan.kind == "gpkg" else plan.layer,
            "crs": options.crs,
            "swap_axes": bool(options.swap_axes),
            "strict": bool(options.strict),
            "limits": limits.to_dict(),
        }
        started = time.perf_counter()
        run = _run_worker(job_dir, job, limits, pool)
        stages["worker_s"] = round(time.perf_counter() - started, 3)
        result = run.result
        if result is None:
            _log_worker_stderr(job_dir, filename)
            return _failed(run, plan, limits)
        if result.get("status") == "rejected":
            return rejected(result["key"], result.get("params"), worker=run.figures())
        if result.get("status") == "choice":
            return _choice(result, run.figures())
        job_of = _Job(filename=filename, plan=plan, options=options, ref=ref)
        accepted = _accept(job_of, run, job_dir, stages)
    _notify(progress, "done", 1.0)
    return accepted


def inspect_upload(
    data: bytes,
    filename: str,
    *,
    ref: Reference,
    options: ImportOptions = DEFAULT_OPTIONS,
    pool: WorkerPool | None = None,
) -> GateResult:
    """Check and parse an uploaded file; return Accepted, NeedsChoice or Rejected.

    Parameters
    ----------
    data, filename
        The upload and its name (only the extension is used).
    ref
        The reference tables (TABULA rows for validation, the storey height for fills).
    options
        Limits, answers, mapping, fill rules and progress callback (:class:`ImportOptions`).
    pool
        A running :class:`~quartier_geo.imports.pool.WorkerPool` (default: a one-shot
        worker, which costs about half a second to start).
    """
    try:
        return _inspect(data, filename, options=options, ref=ref, pool=pool)
    except Exception:
        log.exception("import of %r failed unexpectedly", filename[:80])
        return rejected("internal_error")


def import_file(
    path: str | Path,
    *,
    ref: Reference,
    options: ImportOptions = DEFAULT_OPTIONS,
    pool: WorkerPool | None = None,
) -> GateResult:
    """:func:`inspect_upload` of a file on disk (for the CLI); the same keyword options.

    The size is checked before the file is read, so an oversized file never enters memory.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        limit = options.limits.max_upload_bytes
        if size > limit:
            return rejected("too_large", size_params(size, limit))
        data = path.read_bytes()
    except OSError:
        return rejected("unreadable_file", {"format": "file"})
    return inspect_upload(data, path.name, ref=ref, options=options, pool=pool)


def remap(
    accepted: Accepted,
    mapping: Mapping,
    *,
    ref: Reference,
    defaults: ImportDefaults = DEFAULTS,
) -> Accepted:
    """The same parsed layer under a corrected mapping (no re-parse)."""
    parsed = _Parsed(accepted.features, accepted.layer_kind, accepted.filename)
    canonical, fills, problems = _canonical(parsed, mapping, defaults=defaults, ref=ref)
    report = {
        **accepted.report,
        "schema": mapping.schema,
        "confidence": mapping.confidence,
        "buildings": 0 if canonical is None else len(canonical),
    }
    return dataclasses.replace(
        accepted,
        mapping=mapping,
        buildings=canonical,
        fills=fills,
        problems=problems,
        report=report,
    )


def gdal_drivers_safe(*, pool: WorkerPool | None = None, in_process: bool = False) -> bool:
    """True when none of :data:`DANGEROUS_DRIVERS` is registered.

    By default the check runs in the worker process that parses uploads; with
    ``in_process=True`` it checks the current process (the app reads only bundled data
    with GDAL, but ``GDAL_SKIP`` is set there too by ``quartier_geo/__init__``).
    """
    if in_process:
        import pyogrio

        return not (DANGEROUS_DRIVERS & set(pyogrio.list_drivers()))
    try:
        with tempfile.TemporaryDirectory(prefix="qg-selftest-") as tmp:
            run = _run_worker(
                Path(tmp),
                {"kind": "selftest", "limits": DEFAULT_LIMITS.to_dict()},
                DEFAULT_LIMITS,
                pool,
            )
    except Exception:
        log.exception("GDAL self-test failed")
        return False
    drivers = (run.result or {}).get("drivers")
    return isinstance(drivers, list) and bool(drivers) and not (DANGEROUS_DRIVERS & set(drivers))


def result_to_dict(result: GateResult) -> dict[str, Any]:
    """JSON-able summary of a result (for the CLI): kind, code, messages, counts."""
    out: dict[str, Any] = {"kind": result.kind}
    if isinstance(result, Rejected | NeedsChoice):
        out.update(code=result.code, message_de=result.message_de, message_en=result.message_en)
        if isinstance(result, NeedsChoice):
            out.update(parameter=result.parameter, options=[o.value for o in result.options])
        return out
    out.update(
        format=result.format,
        layer=result.layer,
        layer_kind=result.layer_kind,
        schema=result.mapping.schema,
        confidence=result.mapping.confidence,
        mapping=result.mapping.fields,
        features=len(result.features),
        buildings=None if result.buildings is None else len(result.buildings),
        warnings=[w.message_de for w in result.warnings],
        fills=[f.message_de for f in result.fills],
        problems=list(result.problems),
        worker=result.report.get("worker"),
    )
    return out
