"""App-side handle of the import worker process (see :mod:`quartier_geo.imports.worker.serve`).

:class:`WorkerPool` starts ``python -m quartier_geo.imports.worker.serve --serve`` with a
*minimal* environment (no secrets of the app's environment reach the parser; GDAL is
configured off the network and without the VRT/GDALG/CSV drivers before it is loaded)
and sends it one job at a time. Each job runs in a freshly forked child with
``RLIMIT_AS``/``RLIMIT_CPU`` and a wall timeout; the pool returns the child's result and
its resource figures as a :class:`WorkerRun`, never raises for a bad upload, and
restarts the serving process if it ever dies.

Jobs of one pool run one after another (a lock); concurrent uploads queue. Keep one pool
per app process (e.g. in ``st.cache_resource``: losing it only costs a restart) or use
``with WorkerPool() as pool:`` for a batch. The pool holds no data of record.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quartier_geo.base.settings import PROJECT_ROOT, pass_through
from quartier_geo.imports.types import Limits

__all__ = ["HARDENED_ENV", "WorkerPool", "WorkerRun", "worker_env"]

log = logging.getLogger(__name__)

_ROOT = PROJECT_ROOT
_PASS_THROUGH = ("PATH", "LANG", "LC_ALL", "TZ", "GDAL_DATA", "PROJ_DATA", "PROJ_LIB", "TMPDIR")
_START_TIMEOUT_S = 60.0
_MARGIN_S = 10.0
_MAX_RESULT_BYTES = 16 * 1024 * 1024

#: The worker's GDAL/threading configuration, set before pyogrio is imported there
#: (docs/SECURITY.md §3.0): dangerous drivers skipped, every HTTP request sent to a dead
#: proxy, /vsicurl/ restricted, no PAM side files, PROJ offline, one thread (safe fork),
#: Arrow on the system allocator (its mimalloc/jemalloc pools reserve address space).
HARDENED_ENV = {
    "GDAL_SKIP": "GDALG,OGR_VRT,VRT,CSV",
    "GDAL_HTTP_PROXY": "http://127.0.0.1:1",
    "HTTP_PROXY": "http://127.0.0.1:1",
    "HTTPS_PROXY": "http://127.0.0.1:1",
    "http_proxy": "http://127.0.0.1:1",
    "https_proxy": "http://127.0.0.1:1",
    "ALL_PROXY": "http://127.0.0.1:1",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".nothing-allowed",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_PAM_ENABLED": "NO",
    "GDAL_NUM_THREADS": "1",
    "OGR_GEOMETRY_ACCEPT_UNCLOSED_RING": "YES",
    "SHAPE_RESTORE_SHX": "NO",
    "PROJ_NETWORK": "OFF",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
    "ARROW_DEFAULT_MEMORY_POOL": "system",  # no 1 GiB arena reservations under RLIMIT_AS
    "PYTHONDONTWRITEBYTECODE": "1",
}


def worker_env() -> dict[str, str]:
    """The worker's whole environment: a few pass-through variables plus the hardening."""
    env = pass_through(_PASS_THROUGH)
    env.setdefault("LANG", "C.UTF-8")
    env.update(HARDENED_ENV)
    env["PYTHONPATH"] = str(_ROOT)
    env["HOME"] = "/nonexistent"
    return env


@dataclass(frozen=True)
class WorkerRun:
    """Outcome of one job: the child's ``result.json`` (or None) and its resource use."""

    result: dict[str, Any] | None
    exit_code: int | None
    timed_out: bool = False
    wall_s: float = 0.0
    cpu_s: float = 0.0
    maxrss_mb: float = 0.0
    signal: int | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def figures(self) -> dict[str, Any]:
        """Wall time [s], CPU time [s], peak RSS [MB] and exit status, for reports."""
        return {
            "wall_s": self.wall_s,
            "cpu_s": self.cpu_s,
            "maxrss_mb": self.maxrss_mb,
            "exit_code": self.exit_code,
            "timed_out": self.timed_out,
            "signal": self.signal,
        }


class WorkerPool:
    """A serving worker process that forks one limited child per job.

    Parameters
    ----------
    python
        Interpreter to run (default: the current one).
    """

    def __init__(self, *, python: str | None = None) -> None:
        self._python = python or sys.executable
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Start the serving process if it is not running (idempotent)."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._kill()
        proc = subprocess.Popen(
            [self._python, "-m", "quartier_geo.imports.worker.serve", "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=worker_env(),
            cwd=str(_ROOT),
            start_new_session=True,
        )
        line = self._readline(proc, _START_TIMEOUT_S)
        if line is None or not json.loads(line).get("ready"):
            self._proc = proc
            self._kill()
            raise RuntimeError("import worker did not start")
        self._proc = proc
        return proc

    @staticmethod
    def _readline(proc: subprocess.Popen[bytes], timeout: float) -> bytes | None:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = proc.stdout.readline()
        return line or None

    def run(self, job_dir: Path, *, limits: Limits) -> WorkerRun:
        """Run the job prepared in ``job_dir`` (``job.json`` + input) and wait for it."""
        request = json.dumps({"job_dir": str(job_dir), "limits": limits.to_dict()}) + "\n"
        with self._lock:
            try:
                proc = self._ensure()
                assert proc.stdin is not None
                proc.stdin.write(request.encode())
                proc.stdin.flush()
                line = self._readline(proc, limits.wall_seconds + _MARGIN_S)
            except (OSError, RuntimeError, ValueError) as exc:
                log.warning("import worker failed: %s", exc)
                self._kill()
                return WorkerRun(None, None, timed_out=False)
            if line is None:
                log.warning("import worker did not answer; restarting it")
                self._kill()
                return WorkerRun(None, None, timed_out=True, wall_s=limits.wall_seconds)
        stats = json.loads(line)
        result = _read_result(job_dir / "result.json")
        return WorkerRun(
            result=result,
            exit_code=stats.get("exit"),
            timed_out=bool(stats.get("timed_out")),
            wall_s=float(stats.get("wall_s", 0.0)),
            cpu_s=float(stats.get("cpu_s", 0.0)),
            maxrss_mb=round(float(stats.get("maxrss_kb", 0)) / 1024, 1),
            signal=stats.get("signal"),
            stats=stats,
        )

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        proc.wait()

    def close(self) -> None:
        """Stop the serving process (it also exits when the app process ends)."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None and proc.stdin is not None:
                try:
                    proc.stdin.close()
                    proc.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._kill()


def _read_result(path: Path) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > _MAX_RESULT_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
