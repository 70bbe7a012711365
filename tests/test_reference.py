"""The reference tables load in one place; domain modules read no files."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from quartier_geo.base.errors import ReferenceDataError
from quartier_geo.data.reference import load_reference

DOMAIN = Path(__file__).resolve().parents[1] / "quartier_geo" / "domain"
_FILE_CALLS = {"read_csv", "read_file", "read_text", "read_bytes", "open", "load_reference"}


def test_reference_holds_supply_programme_and_region_tables():
    ref = load_reference()
    assert {"status_quo", "biomass"} <= set(ref.supply_options.index)
    assert {"cap", "parameter"} <= set(ref.supply_rules["kind"])
    assert set(ref.programme_facts) == {"facts", "measures", "meetings", "lessons", "templates"}
    assert ref.programme_facts["facts"]["date"].map(type).eq(str).any()  # dates stay text
    assert isinstance(ref.region_shares, pd.Series)
    assert ref.region_shares.sum() == pytest.approx(1.0)
    with pytest.raises(TypeError):
        ref.programme_facts["facts"] = ref.quarters  # type: ignore[index]


def test_a_missing_table_is_a_named_error(tmp_path):
    with pytest.raises(ReferenceDataError, match=r"typology\.csv"):
        load_reference(tmp_path)


@pytest.mark.parametrize("module", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_modules_read_no_files(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert not calls & _FILE_CALLS, f"{module.name} reads files: {calls & _FILE_CALLS}"
    assert "REFERENCE_DIR" not in module.read_text(encoding="utf-8")
