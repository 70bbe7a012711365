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


def test_grid_electricity_is_one_uba_series_from_today():
    # issue #9: the old path mixed the GEG value 560 g with a UBA ratio (560 x 150/363 = 231);
    # now one series on the UBA basis: 363 g/kWh for 2024 (UBA estimate, factors.md §3)
    ref = load_reference()
    path = ref.paths[ref.paths["path"] == "electricity_co2"].set_index("year")
    assert path.loc[2024, "value"] == 363 and path.loc[2024, "status"] == "read"
    assert path.loc[2025, "value"] == 363 and path.loc[2025, "status"] == "assumption"
    assert path.loc[2030, "value"] == 150 and path.loc[2030, "status"] == "assumption"
    assert path.loc[2045, "value"] == 0
    assert 560 not in set(path["value"]) and 231 not in set(path["value"])
    uba = ref.factors[(ref.factors["category"] == "co2_grid_uba") & (ref.factors["year"] == 2024)]
    assert float(uba["value"].iloc[0]) == 363.0
    # the status quo of the assessment uses the same value as the path's first scenario year
    assert float(ref.carriers.loc["electricity", "co2_g_per_kwh"]) == path.loc[2025, "value"]


def test_every_new_figure_of_the_review_keeps_its_source_and_status():
    ref = load_reference()
    for key in (
        "living_to_conditioned_area_factor",
        "usable_to_conditioned_area_factor",
        "consumption_calibration_q0",
        "consumption_calibration_anchor_demand",
        "consumption_calibration_anchor_consumption",
    ):
        row = ref.assumptions.loc[key]
        assert row["status"] == "assumption", key
        assert len(str(row["source"])) > 20, key
    for key in (
        "consumption_calibration_anchor_demand",
        "consumption_calibration_anchor_consumption",
    ):
        assert "issue #9" in ref.assumptions.loc[key, "source"]
        assert "secondary" in ref.assumptions.loc[key, "source"]
    systems = ref.systems
    assert systems.loc["gas_low_temp", "advanced_system"] == "gas_condensing"
    assert systems.loc["oil_low_temp", "advanced_system"] == "oil_condensing"
    assert "assumption" in systems.loc["gas_low_temp", "source"]


def test_rows_whose_source_says_not_verified_are_assumptions() -> None:
    """A value the source column itself calls "NOT verified" (the KEA-BW density classes,
    recalled from the Handlungsleitfaden) is no inference from a read source: status
    ``assumption`` (house rule on sources; review of the Wärmeplanung features)."""
    import csv
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "geodata" / "reference"
    wrong = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                said = " ".join(str(v) for v in row.values() if v).casefold()
                if "not verified" in said and row.get("status") not in (None, "assumption"):
                    wrong.append((path.name, row.get("status")))
    assert wrong == []
