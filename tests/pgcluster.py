"""A throw-away PostgreSQL/PostGIS cluster for the tests (Debian's postgresql + postgis).

:func:`start_cluster` runs ``initdb`` in a temporary folder (as the ``postgres`` user when
the tests run as root), starts the server on a free loopback port with its socket in that
folder, and returns its URL; :meth:`Cluster.stop` stops it. Durability is switched off
(``fsync=off``): the cluster lives for one test session. ``.ci/run`` installs the packages;
without them a test skips locally and fails in CI (``tests.helpers.require_tool``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import missing, require_tool

USER = "quartier"


def _bindir() -> Path:
    roots = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if roots:
        return roots[-1].parent
    return Path(require_tool("initdb", package="postgresql")).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    as_user: list[str]
    bindir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, *, postgis: bool = True) -> str:
        """A new, empty database (with the PostGIS extension); its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        if postgis:
            with psycopg.connect(self.url(name), autocommit=True) as con:
                con.execute("CREATE EXTENSION postgis")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [
                *self.as_user,
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder.parent, ignore_errors=True)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{command[-1]}: {done.stderr.strip() or done.stdout.strip()}")


def start_cluster(folder: Path) -> Cluster:
    bindir = _bindir()
    if not any(Path("/usr/share/postgresql").glob("*/extension/postgis.control")):
        missing("PostGIS is missing: install the Debian package postgis (.ci/run does)")
    folder.mkdir(parents=True, exist_ok=True)
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    return Cluster(folder, port, as_user, bindir)
