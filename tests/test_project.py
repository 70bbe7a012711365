"""Project hygiene: one version, a changelog that names it, docs that exist."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import quartier_geo

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_written_once_and_the_changelog_names_it() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "quartier_geo.__version__"
    }
    headings = re.findall(r"^## (\d+\.\d+\.\d+)", (ROOT / "CHANGELOG.md").read_text("utf-8"), re.M)
    assert headings, "CHANGELOG.md has no version heading"
    assert headings[0] == quartier_geo.__version__


def test_documents_named_in_the_repository_exist() -> None:
    """Every `docs/…md` or top-level `*.md` that code, config or docs name is in the repo."""
    named: set[str] = set()
    pattern = re.compile(r"(?<![\w/.-])((?:docs/)?[A-Z][A-Za-z_]+\.md)\b")
    for path in ROOT.rglob("*"):
        if any(part in {".venv", ".git", "node_modules", "test-output"} for part in path.parts):
            continue
        if path.suffix in {".py", ".md", ".toml", ".sh", ".env", ".csv"} or path.name == "run":
            named |= set(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    missing = sorted(
        n for n in named if not (ROOT / n).exists() and not (ROOT / "docs" / n).exists()
    )
    assert missing == []
    assert "docs/ARCHITECTURE.md" in named  # the scan sees references at all
