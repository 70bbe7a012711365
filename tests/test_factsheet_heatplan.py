"""The fact sheet's heat plan block (WPG §17-§19): areas per Stützjahr and indicators."""

from __future__ import annotations

import re

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.data import layers
from quartier_geo.data.reference import load_reference
from quartier_geo.domain.bundle import build_quarter_bundle, plan_view, select_quarter
from quartier_geo.exports.factsheet import SheetOptions, fact_sheet_html
from quartier_geo.exports.factsheet_heatplan import heatplan_block
from quartier_geo.exports.public import public_units


@pytest.fixture(scope="module")
def ref():  # type: ignore[no-untyped-def]
    return load_reference()


@pytest.fixture(scope="module")
def bundle(ref):  # type: ignore[no-untyped-def]
    return build_quarter_bundle(select_quarter(layers.load_region(ref), 1), ref=ref)


def blocks_in(cell: str) -> int:
    """The block count of a cell "12 Blöcke, 300 Gebäude"."""
    return int(re.match(r"(\d+) ", cell).group(1))  # type: ignore[union-attr]


def test_planner_block_counts_every_block_each_year(bundle, ref) -> None:  # type: ignore[no-untyped-def]
    block = heatplan_block(bundle, ref=ref, lang="de")
    n = len(bundle.plan_blocks)  # every Baublock, also those without buildings
    assert block.area_heads[1:] == ["2030", "2035", "2040", "2045"]
    for column in range(1, 5):
        assert sum(blocks_in(row[column]) for row in block.area_rows) == n
    assert [row[0] for row in block.indicator_rows] == ["2025", "2030", "2035", "2040", "2045"]


def test_public_block_counts_only_public_blocks(bundle, ref) -> None:  # type: ignore[no-untyped-def]
    block = heatplan_block(bundle, ref=ref, lang="de", public_min=5)
    public = public_units(bundle, min_buildings=5)["baubloecke"]
    sizes = plan_view(bundle).blocks.set_index("block_id")["buildings"]
    # the public Baublöcke and those without buildings (no building's figure in them)
    shown = int((sizes.index.isin(list(public)) | (sizes == 0)).sum())
    assert 0 < shown < len(bundle.plan_blocks)
    for column in range(1, 5):
        assert sum(blocks_in(row[column]) for row in block.area_rows) == shown


def test_the_sheet_shows_the_block(bundle, ref) -> None:  # type: ignore[no-untyped-def]
    html = fact_sheet_html(bundle, ref=ref, lang="en", options=SheetOptions())
    assert t("fs_hp_title", "en") in html
    assert t("area_cat_heat_network", "en") in html
