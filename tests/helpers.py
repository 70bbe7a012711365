"""Helpers shared by test modules (not fixtures)."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest


def require_tool(name: str, *, package: str) -> str:
    """Path of the system tool ``name``; skip the test without it, but fail in CI.

    ``.ci/run`` installs every tool the tests need, so in CI (``CI=true``) a missing tool
    is a broken install step and must not turn into a quiet skip.
    """
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    missing(f"{name} is missing: install the Debian package {package} (.ci/run does)")
    raise AssertionError("unreachable")


def missing(message: str) -> None:
    """Skip the test for a missing system package, but fail in CI (``CI=true``)."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


def submit_form(at: Any, form: str) -> Any:
    """Click the submit button of the Streamlit form ``form`` in an AppTest and rerun."""
    [button] = [b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}")]
    return button.click().run()


def area_geopackage(path: Any, n: int, *, canary: str) -> Any:
    """A building file of ``n`` single-family houses in a row (Bottrop, EPSG:25832) whose
    ids and addresses carry ``canary``; returns ``path``."""
    import geopandas as gpd
    from shapely.geometry import box

    x0, y0 = 357_000.0, 5_713_000.0
    gpd.GeoDataFrame(
        {
            "building_id": [f"{canary}-ID-{i}" for i in range(n)],
            "address": [f"{canary}-Weg {i}" for i in range(n)],
            "building_type": ["EFH"] * n,
            "age_class": ["E"] * n,
            "storeys": [2.0] * n,
            "heating_carrier": ["gas"] * n,
        },
        geometry=[box(x0 + 25 * i, y0, x0 + 25 * i + 10, y0 + 12) for i in range(n)],
        crs="EPSG:25832",
    ).to_file(path, layer="buildings", driver="GPKG")
    return path
