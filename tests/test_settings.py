"""The settings module is the only reader of the environment, and GDAL_SKIP always holds."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quartier_geo.base import modes
from quartier_geo.base.settings import (
    GDAL_SKIP_REQUIRED,
    PROJECT_ROOT,
    harden_gdal_environment,
    read_settings,
)

PACKAGE = PROJECT_ROOT / "quartier_geo"


def _environment_reads(path: Path) -> list[int]:
    """Line numbers where ``path`` reads os.environ / os.getenv (writes are not reads)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            name = node.func.attr
            if name == "getenv" and isinstance(target, ast.Name) and target.id == "os":
                lines.append(node.lineno)
            if (
                name in {"get", "items", "keys", "copy"}
                and isinstance(target, ast.Attribute)
                and target.attr == "environ"
            ):
                lines.append(node.lineno)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "environ"
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = {
        str(p.relative_to(PROJECT_ROOT)): _environment_reads(p)
        for p in PACKAGE.rglob("*.py")
        if p.name != "settings.py"
    }
    assert {k: v for k, v in readers.items() if v} == {}
    # the check itself finds a read where there is one
    assert _environment_reads(PACKAGE / "base" / "settings.py")


def test_read_settings_takes_every_variable() -> None:
    s = read_settings(
        {
            "QUARTIER_MODE": "public",
            "QUARTIER_GEOPACKAGE": "/data/x.gpkg",
            "QUARTIER_WORKSPACE": "/srv/ws.sqlite",
            "QUARTIER_CHROMIUM": " /opt/chromium ",
        }
    )
    assert s.mode_raw == "public"
    assert s.geopackage == Path("/data/x.gpkg")
    assert s.workspace == Path("/srv/ws.sqlite")
    assert s.chromium == "/opt/chromium"
    empty = read_settings({"QUARTIER_GEOPACKAGE": "  ", "QUARTIER_CHROMIUM": ""})
    assert empty.geopackage is None and empty.chromium is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, modes.Mode.PLANNER), ("Workshop ", modes.Mode.WORKSHOP), ("admin", modes.Mode.PUBLIC)],
)
def test_mode_comes_from_settings(monkeypatch, raw, expected) -> None:
    if raw is None:
        monkeypatch.delenv("QUARTIER_MODE", raising=False)
    else:
        monkeypatch.setenv("QUARTIER_MODE", raw)
    assert modes.current_mode() is expected


def test_gdal_skip_keeps_existing_drivers_and_adds_the_required() -> None:
    env = {"GDAL_SKIP": "WMS, OGR_VRT"}
    value = harden_gdal_environment(env)
    assert value.split(",") == ["WMS", "OGR_VRT", "GDALG", "VRT", "CSV"]
    assert set(GDAL_SKIP_REQUIRED) <= set(env["GDAL_SKIP"].split(","))


def test_a_preset_gdal_skip_cannot_switch_vrt_back_on() -> None:
    """Issue #7: an existing GDAL_SKIP (here one harmless driver) used to win over ours."""
    code = (
        "import quartier_geo, pyogrio; d = set(pyogrio.list_drivers()); "
        "print(sorted(d & {'VRT', 'OGR_VRT', 'GDALG', 'CSV'}))"
    )
    env = {**os.environ, "GDAL_SKIP": "WMS"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "[]"
    # the same check without the package import lists OGR_VRT: the test can fail
    bare = subprocess.run(
        [sys.executable, "-c", "import pyogrio; print('OGR_VRT' in pyogrio.list_drivers())"],
        env={**os.environ, "GDAL_SKIP": "WMS"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert bare == "True"
