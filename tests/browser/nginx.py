"""nginx (Debian) for the deployment tests: render a file of deploy/nginx/ and run it in a
folder of its own, in the foreground, on a loopback port."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.browser.harness import ROOT
from tests.helpers import require_tool

DEPLOY = ROOT / "deploy" / "nginx"


def render(name: str, values: Mapping[str, str]) -> str:
    """``deploy/nginx/<name>`` with its ``@PLACEHOLDERS@`` replaced (all of them)."""
    text = (DEPLOY / name).read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    code = [line.split("#", 1)[0] for line in text.splitlines()]
    assert not [line for line in code if "@" in line], "a placeholder was not replaced"
    return text


@contextmanager
def running(prefix: Path, site: str, port: int) -> Iterator[str]:
    """nginx with the server block(s) ``site`` listening on ``port``; yields its URL."""
    nginx = require_tool("nginx", package="nginx")
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(site, encoding="utf-8")
    (prefix / "nginx.conf").write_text(
        f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
""",
        encoding="utf-8",
    )
    check = subprocess.run(
        [nginx, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)
