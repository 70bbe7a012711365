"""Load benchmark: simulated users over Streamlit's websocket protocol, one app process
against two behind nginx (issue #8 item 3). Prints figures; never a test.

Each user is a websocket session that speaks the app's own protocol (``BackMsg`` /
``ForwardMsg`` protobufs of Streamlit): it opens the overview of a random quarter (first
render = connect + script run until ``script_finished``), then, until the time is up,
thinks for 3-8 s and opens another page (a rerun on the server). Users start spread over
``--ramp`` seconds; ``--ramp 0`` opens all sessions at once. The app processes run in
``--mode`` (public by default: the audience the crowd comes from) behind nginx with
deploy/nginx/quartiere-planners.conf (sticky sessions) in both set-ups, so that the only
difference is the number of processes. Memory: peak resident set of each app process,
sampled every 0.5 s from /proc.

    python benchmarks/bench_load.py --users 30 --duration 60            # 1 and 2 processes
    python benchmarks/bench_load.py --users 30 --ramp 0 --processes 1  # all at once

Goals on the 2-core machine (issue #8): rerun p95 <= 2 s at 30 users.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402  (a dependency of streamlit)
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from quartier_geo.ui.frame import _PAGES  # noqa: E402

PAGES = [url for _path, _key, url in _PAGES]
_RERUN_EARLY = 2  # ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN: the run goes on


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout_s:.0f} s")


@dataclass
class Setup:
    url: str
    pids: list[int]
    stop: list[subprocess.Popen[bytes]] = field(default_factory=list)


def start(processes: int, mode: str, folder: Path) -> Setup:
    """``processes`` app processes and nginx in front; returns the proxy's URL."""
    env = dict(os.environ, QUARTIER_MODE=mode, QUARTIER_WORKSPACE=str(folder / "ws.sqlite"))
    apps, upstreams = [], []
    for i in range(processes):
        port = _free_port()
        log = open(folder / f"app-{i}.log", "wb")  # noqa: SIM115 (kept open for the process)
        apps.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    str(ROOT / "app.py"),
                    "--server.port",
                    str(port),
                    "--server.address",
                    "127.0.0.1",
                    "--server.headless",
                    "true",
                    "--server.fileWatcherType",
                    "none",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        upstreams.append(f"server 127.0.0.1:{port};")
        _wait(f"http://127.0.0.1:{port}/_stcore/health")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = _free_port()
    site = (ROOT / "deploy" / "nginx" / "quartiere-planners.conf").read_text(encoding="utf-8")
    for key, value in {
        "@SERVER_NAME@": "127.0.0.1",
        "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAMS@": " ".join(upstreams),
    }.items():
        site = site.replace(key, value)
    (folder / "logs").mkdir(exist_ok=True)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    (folder / "nginx.conf").write_text(
        f"worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/logs/error.log;\n"
        f"events {{ worker_connections 1024; }}\nhttp {{ access_log off;\n"
        f"client_body_temp_path {folder}/b; proxy_temp_path {folder}/p;\n"
        f"fastcgi_temp_path {folder}/f; uwsgi_temp_path {folder}/u; scgi_temp_path {folder}/s;\n"
        f"include {folder}/site.conf; }}\n",
        encoding="utf-8",
    )
    proxy = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait(f"{url}/_stcore/health")
    return Setup(url, [p.pid for p in apps], [proxy, *apps])


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Figures:
    first: list[float] = field(default_factory=list)
    rerun: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _run(ws: websockets.ClientConnection, page: str, query: str) -> float:
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    started = time.perf_counter()
    await ws.send(msg.SerializeToString())
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(await ws.recv())
        if fm.WhichOneof("type") == "script_finished" and fm.script_finished != _RERUN_EARLY:
            return time.perf_counter() - started


async def user(i: int, url: str, until: float, delay: float, figures: Figures) -> None:
    rng = random.Random(i)
    await asyncio.sleep(delay)
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        # the route cookie of the proxy first, as a browser gets it with the page
        route = await asyncio.to_thread(_route_cookie, url)
        started = time.perf_counter()
        async with websockets.connect(
            ws_url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": route},
            max_size=None,
            open_timeout=60,
        ) as ws:
            await _run(ws, "", f"q={rng.randint(1, 20)}")
            figures.first.append(time.perf_counter() - started)
            while time.monotonic() < until:
                await asyncio.sleep(rng.uniform(3, 8))
                figures.rerun.append(await _run(ws, rng.choice(PAGES), ""))
    except Exception as exc:  # counted, the run goes on
        figures.errors.append(f"user {i}: {type(exc).__name__}: {exc}")


def _route_cookie(url: str) -> str:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as r:
        cookie = r.headers.get("Set-Cookie", "")
    return cookie.split(";", 1)[0]


async def _sample(pids: list[int], peak: dict[int, float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        for pid in pids:
            peak[pid] = max(peak.get(pid, 0.0), _rss_mb(pid))
        await asyncio.sleep(0.5)


async def load(setup: Setup, users: int, duration: float, ramp: float) -> tuple[Figures, dict]:
    figures, peak, stop = Figures(), {}, asyncio.Event()
    sampler = asyncio.create_task(_sample(setup.pids, peak, stop))
    until = time.monotonic() + duration
    delays = [ramp * i / max(users - 1, 1) for i in range(users)]
    await asyncio.gather(*(user(i, setup.url, until, d, figures) for i, d in enumerate(delays)))
    stop.set()
    await sampler
    return figures, peak


def _pct(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]:.2f}"


def report(processes: int, figures: Figures, peak: dict[int, float]) -> None:
    med = statistics.median
    print(
        f"{processes} process(es): first render p50 {_pct(figures.first, 0.5)} s, "
        f"p95 {_pct(figures.first, 0.95)} s (n={len(figures.first)}); "
        f"rerun p50 {_pct(figures.rerun, 0.5)} s, p95 {_pct(figures.rerun, 0.95)} s "
        f"(n={len(figures.rerun)}); errors {len(figures.errors)}; "
        f"peak RSS per process {', '.join(f'{v:.0f}' for v in peak.values())} MB"
        + (f" (median {med(peak.values()):.0f} MB)" if peak else "")
    )
    for line in figures.errors[:5]:
        print("  ", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds after ramp-up")
    parser.add_argument("--ramp", type=float, default=15.0, help="seconds to start all users")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--mode", choices=["public", "workshop", "planner"], default="public")
    args = parser.parse_args()
    print(
        f"{args.users} users, think time 3-8 s, {args.duration:.0f} s, mode {args.mode}, "
        f"{os.cpu_count()} cores"
    )
    for n in args.processes:
        folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
        setup = start(n, args.mode, folder)
        try:
            # warm every process once (data load), as a running server would be
            asyncio.run(load(setup, n * 2, 1.0, 0.0))
            figures, peak = asyncio.run(
                load(setup, args.users, args.duration + args.ramp, args.ramp)
            )
            report(n, figures, peak)
        finally:
            for proc in setup.stop:
                proc.terminate()
            for proc in setup.stop:
                proc.wait(timeout=30)
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
