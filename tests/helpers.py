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
    message = f"{name} is missing: install the Debian package {package} (.ci/run does)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


def submit_form(at: Any, form: str) -> Any:
    """Click the submit button of the Streamlit form ``form`` in an AppTest and rerun."""
    [button] = [b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}")]
    return button.click().run()
