"""The import worker process: parse one upload under hard limits, far from the app.

Run as ``python -m quartier_geo.imports.worker.serve --serve`` by
:class:`quartier_geo.imports.pool.WorkerPool`. The serving process (a "zygote") imports
pyogrio, shapely, pyproj and pyarrow once, with the hardened environment
(:data:`quartier_geo.imports.pool.HARDENED_ENV`) set *before* pyogrio is imported, and then
forks one fresh child per job:

* the child leaves the network (a new user + network namespace where the kernel allows
  it; otherwise GDAL's HTTP goes to a dead proxy), sets ``RLIMIT_AS`` (1.5 GiB),
  ``RLIMIT_CPU`` (20 s), ``RLIMIT_FSIZE`` and no core dumps, redirects its stdout/stderr
  away from the protocol pipe, parses, and writes ``result.json`` and
  ``features.arrow`` (attributes + WKB) into the job's private directory;
* the zygote kills the child after the wall timeout and reports its exit status, wall
  time, CPU time and peak RSS (``wait4``) as one JSON line on stdout.

A fork per job costs milliseconds instead of a 0.5 s interpreter start, and no state
survives from one upload to the next. The zygote is kept single-threaded (OpenBLAS,
GDAL and Arrow's jemalloc background thread are configured off) so forking is safe;
``python -m quartier_geo.imports.worker.serve --job DIR`` runs one job in-process instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import resource
import select
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from quartier_geo.imports.pool import HARDENED_ENV

__all__ = ["HARDENED_ENV", "main", "run_job"]

_FSIZE_BYTES = 2 * 1024**3
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38


def _harden_environment() -> None:
    """Apply :data:`HARDENED_ENV` (again) before pyogrio/GDAL is first imported here."""
    os.environ.update(HARDENED_ENV)
    for key in ("NO_PROXY", "no_proxy"):
        os.environ.pop(key, None)
    if "pyogrio" in sys.modules:  # too late: GDAL_SKIP only works before the first import
        raise RuntimeError("pyogrio was imported before the worker environment was set")


def _preload() -> None:
    """Import everything a job needs once, in the zygote (children inherit it)."""
    import pyarrow.ipc  # noqa: F401
    import pyogrio  # noqa: F401

    from quartier_geo.imports import crs_detect
    from quartier_geo.imports.worker import geometry

    for crs in crs_detect.CANDIDATES:  # PROJ set-up once; every forked child inherits it
        crs_detect.bbox_to_lonlat((0.0, 0.0, 1.0, 1.0), crs)
        geometry.to_work_transformer(crs)
    _warm_up()


def _warm_up() -> None:
    """First use of GDAL's GeoJSON/GPKG drivers and of Arrow IPC, on our own tiny file."""
    import tempfile

    import pyogrio
    import shapely

    with tempfile.TemporaryDirectory(prefix="qg-warm-") as tmp:
        path = Path(tmp) / "warm.geojson"
        path.write_text(
            '{"type":"FeatureCollection","features":[{"type":"Feature",'
            '"properties":{"a":1},"geometry":{"type":"Point","coordinates":[0,0]}}]}'
        )
        _meta, _fids, wkb, fields = pyogrio.raw.read(f"GeoJSON:{path}", force_2d=True)
        _write_features(
            Path(tmp) / "warm.arrow", {"a": fields[0]}, np.arange(1), shapely.from_wkb(wkb)
        )


def _to_arrow(values: Any) -> Any:
    import pyarrow as pa

    arr = np.asarray(values)
    if arr.dtype.kind in "iufbM":
        return pa.array(arr)
    try:
        return pa.array(list(arr), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return pa.array([None if v is None else str(v) for v in arr], type=pa.string())


def _write_features(
    path: Path, columns: dict[str, Any], keep: np.ndarray, geoms: np.ndarray
) -> None:
    import pyarrow as pa
    import pyarrow.ipc
    import shapely

    names: list[str] = []
    arrays = []
    for name, values in columns.items():
        unique, n = ("geometry_attr" if name == "geometry" else name), 1
        while unique in names or unique == "geometry":
            n += 1
            unique = f"{name}_{n}"
        names.append(unique)
        arrays.append(_to_arrow(np.asarray(values)[keep]))
    names.append("geometry")
    arrays.append(pa.array(list(shapely.to_wkb(geoms)), type=pa.binary()))
    table = pa.Table.from_arrays(arrays, names=names)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read(job: dict[str, Any], job_dir: Path) -> Any:
    from quartier_geo.imports.worker import readers as rd
    from quartier_geo.imports.worker import shapefile as sh
    from quartier_geo.imports.worker import tables as tb

    kind, limits = job["kind"], job["limits"]
    source = job_dir / job["input"]
    if job.get("members") and kind != "shapefile":
        source = sh.extract_members(source, job["members"], job_dir)["inner"]
    if kind == "geojson":
        return rd.read_geojson(source, limits)
    if kind == "gpkg":
        return rd.read_gpkg(source, job.get("layer"))
    if kind == "shapefile":
        return sh.read_shapefile(source, job["members"], job_dir, limits)
    if kind == "csv":
        return tb.read_csv(source, limits)
    if kind == "citygml":
        return tb.read_citygml(source, limits)
    raise ValueError(f"unknown job kind {kind!r}")


def run_job(job_dir: Path) -> dict[str, Any]:
    """Parse the job in ``job_dir``; return the JSON-able result (also written to disk)."""
    from quartier_geo.imports.worker.geometry import postprocess
    from quartier_geo.imports.worker.readers import Stop

    job = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))
    if job["kind"] == "selftest":
        import pyogrio

        return {"status": "selftest", "drivers": sorted(pyogrio.list_drivers())}
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = _read(job, job_dir)
            parse_s = time.perf_counter() - started
            outcome = postprocess(parsed, job)
            _write_features(job_dir / "features.arrow", parsed.columns, outcome.keep, outcome.geoms)
    except Stop as stop:
        return {
            "status": stop.status,
            "key": stop.key,
            "params": stop.params,
            "options": stop.options,
            "parameter": stop.parameter,
        }
    except MemoryError:
        limit_mb = job["limits"]["memory_bytes"] // 2**20
        return {"status": "rejected", "key": "worker_memory", "params": {"limit_mb": limit_mb}}
    report = {**parsed.report, **outcome.report, "layer": parsed.layer}
    report["parse_s"] = round(parse_s, 3)
    report["checks_s"] = round(time.perf_counter() - started - parse_s, 3)
    return {
        "status": "accepted",
        "warnings": parsed.warnings + outcome.warnings,
        "report": report,
        "layer": parsed.layer,
    }


def _no_new_privileges() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def _isolate_network() -> bool:
    """Leave the network: a new user + network namespace (only loopback, down)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _apply_limits(limits: dict[str, Any]) -> None:
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (int(limits["memory_bytes"]),) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (_FSIZE_BYTES, _FSIZE_BYTES))


def _child(job_dir: Path, limits: dict[str, Any]) -> int:
    """Body of a forked child: isolate, limit, parse, write ``result.json``."""
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    err = os.open(job_dir / "stderr.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(err, 2)
    _no_new_privileges()
    isolated = _isolate_network()
    _apply_limits(limits)
    os.chdir(job_dir)
    try:
        result = run_job(job_dir)
    except MemoryError:
        result = {
            "status": "rejected",
            "key": "worker_memory",
            "params": {"limit_mb": int(limits["memory_bytes"]) // 2**20},
        }
    result["network_isolated"] = isolated
    tmp = job_dir / "result.json.tmp"
    tmp.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, job_dir / "result.json")
    return 0


def _wait(pid: int, timeout: float) -> bool:
    """True when the child ended within ``timeout`` seconds."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
            time.sleep(0.005)
        return False
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
        return bool(ready)
    finally:
        os.close(fd)


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def _fork_job(job_dir: Path, limits: dict[str, Any]) -> dict[str, Any]:
    threads = _threads()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        code = 70
        try:
            code = _child(job_dir, limits)
        except BaseException:
            try:
                traceback.print_exc()
            finally:
                code = 70
        finally:
            os._exit(code)
    finished = _wait(pid, float(limits["wall_seconds"]))
    if not finished:
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return {
        "exit": code,
        "signal": -code if code < 0 else None,
        "timed_out": not finished,
        "wall_s": round(time.monotonic() - started, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "maxrss_kb": int(usage.ru_maxrss),
        "threads_at_fork": threads,
    }


def serve() -> int:
    """Zygote loop: one JSON request per line on stdin, one JSON response per line."""
    # No PR_SET_PDEATHSIG: it fires when the *thread* that started us ends (a Streamlit
    # script thread); the zygote ends when its stdin closes, i.e. with the app process.
    _preload()
    gc.freeze()  # children never traverse (and so never copy) the preloaded objects
    out = sys.stdout
    out.write(json.dumps({"ready": True, "pid": os.getpid(), "threads": _threads()}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            request = json.loads(line)
            response = _fork_job(Path(request["job_dir"]), request["limits"])
        except Exception as exc:  # a broken request must not kill the zygote
            response = {"exit": 70, "error": type(exc).__name__}
        out.write(json.dumps(response) + "\n")
        out.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    _harden_environment()
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--serve"]:
        return serve()
    if args[:1] == ["--job"] and len(args) == 2:
        job_dir = Path(args[1])
        limits = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))["limits"]
        return _child(job_dir, limits)
    sys.stderr.write("usage: python -m quartier_geo.imports.worker.serve --serve | --job DIR\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
