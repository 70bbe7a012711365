"""The Wärmeplanung page shows the § 20 implementation strategy: the quarter's measures
with actor, timing, cost (or "keine belegte Zahl") and funding with its source, in every
mode (no building appears in it)."""

from __future__ import annotations

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, goto, problems

HEATPLAN = PATH_OF["page_heatplan"]


def _table_text(at) -> str:
    frames = [tb.value for tb in at.table] + [d.value for d in at.dataframe]
    return "\n".join(f.to_csv() for f in frames)


@pytest.mark.parametrize("mode", [m.value for m in Mode])
def test_the_section_lists_the_measures_with_funding_and_source(new_app: NewApp, mode: str) -> None:
    at = goto(new_app(mode, q="1"), HEATPLAN)
    assert not problems(at), problems(at)
    assert t("heatplan_measures_title", "de") in [s.value for s in at.subheader]
    text = _table_text(at)
    assert "KfW 458" in text and "BAFA BEG EM" in text and "BEW" in text
    assert "https://" in text  # the funding's source
    assert t("heatplan_no_figure", "de") in text  # costs without a sourced figure
    assert t("heatplan_year_n", "de").format(n=1) in text
    assert "Kommune" in text  # an actor


def test_the_section_in_english(new_app: NewApp) -> None:
    at = goto(new_app(Mode.PUBLIC.value, q="1", lang="en"), HEATPLAN)
    assert not problems(at), problems(at)
    assert t("heatplan_measures_title", "en") in [s.value for s in at.subheader]
    text = _table_text(at)
    assert t("heatplan_no_figure", "en") in text and "Building owners" in text


def test_an_own_area_has_no_programme_measures(new_app: NewApp) -> None:
    """A quarter without template measures says so instead of an empty table: quarter 9
    (Herne) has reported measures in every category but mobility, so it keeps M1 only."""
    at = goto(new_app(Mode.PLANNER.value, q="9"), HEATPLAN)
    assert not problems(at), problems(at)
    text = _table_text(at)
    assert "Ladepunkte" in text and "KfW 458" not in text
