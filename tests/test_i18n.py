"""Every text key used by the code exists in German and English; labels and formatting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quartier_geo.base import i18n

ROOT = Path(__file__).resolve().parents[1]
_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*ROOT.glob("app_pages/*.py"), *ROOT.glob("quartier_geo/**/*.py")]:
        keys |= set(_CALL.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_literal_key_has_both_languages():
    missing = sorted(k for k in _used_keys() if not k.endswith("_") and k not in i18n._TEXTS)
    assert missing == []


def test_keys_built_from_a_prefix_exist():
    from quartier_geo.base.modes import Mode
    from quartier_geo.domain.refurbishment import Priority

    families = {
        "breaks_": ["quantiles", "equal_interval", "natural_breaks"],
        "prio_": [p.value for p in Priority],
        "layer_": ["streets", "grid", "heat_networks", "potentials"],
        "mode_": [m.value for m in Mode],
        "mode_note_": [m.value for m in Mode],
        "potential_": ["usual", "advanced"],
        "facts_": ["type_note", "completed", "results", "facts"],
        "csv_": ["excel_de", "rfc4180"],
        "privacy_withheld_": ["blocks", "hectare_grid", "streets"],
    }
    used = {k for k in _used_keys() if k.endswith("_")}
    assert used <= set(families), used - set(families)
    missing = [
        p + s for p, suffixes in families.items() for s in suffixes if p + s not in i18n._TEXTS
    ]
    assert missing == []


@pytest.mark.parametrize("key", sorted(i18n._TEXTS))
def test_texts_are_filled_in_both_languages(key):
    de, en = i18n._TEXTS[key]
    assert de.strip() and en.strip()


def test_unknown_key_is_visible_not_a_crash_and_logged(caplog):
    with caplog.at_level("WARNING", logger="quartier_geo.base.i18n"):
        assert i18n.t("no_such_key") == "no_such_key"
        assert i18n.t("mode_planner") != "mode_planner"
    assert [r.getMessage() for r in caplog.records] == [
        f"{i18n.MISSING_KEY_MESSAGE}: 'no_such_key'"
    ]


def test_labels():
    assert i18n.label("building_type", "EFH") == "Einfamilienhaus"
    assert i18n.label("building_type", "EFH", "en") == "Single-family house"
    assert i18n.label("building_type", "XYZ") == "XYZ"
