"""S-10: the effective Streamlit configuration of the public deployment (streamlit config show)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _env(name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "QUARTIER_"))}
    for line in (ROOT / "deploy" / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    return env


def _effective(env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    values: dict[str, str] = {}
    section = current = ""
    for line in out.splitlines():
        if m := re.match(r"^\[(\w+)\]", line):
            section = m.group(1)
        elif m := re.match(r"^(\w+) = (.*)$", line):
            values[f"{section}.{m.group(1)}"] = m.group(2).strip().strip('"')
            current = f"{section}.{m.group(1)}"
        elif line.startswith("    ") and current:  # continuation of a list value
            values[current] += line.strip()
    return values


@pytest.fixture(scope="module")
def public() -> dict[str, str]:
    env = _env("public.env")
    env["STREAMLIT_SERVER_ALLOWED_HOSTS"] = "quartiere.example.org"  # as run_public.sh sets it
    return _effective(env)


def test_public_config(public):
    assert public["client.showErrorDetails"] == "none"
    assert public["client.toolbarMode"] == "viewer"
    assert public["server.enableXsrfProtection"] == "true"
    assert public["server.enableCORS"] == "true"
    assert int(public["server.maxUploadSize"]) <= 50
    assert public["server.enableStaticServing"] == "true"
    assert public["server.runOnSave"] == "false"
    assert public["server.fileWatcherType"] == "none"
    assert public["server.enableAgentApi"] == "false"
    assert "quartiere.example.org" in public["server.allowedHosts"]


def test_local_config_serves_leaflet_and_limits_uploads():
    local = _effective({k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")})
    assert local["server.enableStaticServing"] == "true"
    assert int(local["server.maxUploadSize"]) <= 50
    assert (ROOT / "static" / "vendor" / "leaflet" / "leaflet.js").exists()


def test_local_config_binds_loopback():
    """Without a login, editing is offered only on loopback (issue #7): the README's start
    command must not listen on the network."""
    local = _effective({k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")})
    assert local["server.address"] == "127.0.0.1"


def test_public_script_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in os.environ.items() if k != "QUARTIER_ALLOWED_HOSTS"}
    res = subprocess.run(
        ["bash", str(ROOT / "deploy" / "run_public.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert res.returncode != 0
    assert "QUARTIER_ALLOWED_HOSTS" in res.stderr
