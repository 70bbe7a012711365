"""The overview table says which resident counts are reported and which are assumed
(issue #9, item 10: 5 of 20 resident counts are assumptions, quarter_profiles.csv)."""

from __future__ import annotations

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, goto, problems


def test_overview_table_shows_the_status_of_the_resident_counts(new_app: NewApp) -> None:
    at = goto(new_app(Mode.PLANNER.value), PATH_OF["page_overview"])
    assert not problems(at), problems(at)
    header = t("residents_status_col", "de")
    tables = [d.value for d in at.dataframe if header in d.value.columns]
    assert len(tables) == 1
    status = tables[0][header].tolist()
    assert len(status) == 20
    # quarter_profiles.csv residents_status "assumption": quarters 7, 12, 14, 16, 18 (Lünen-Süd,
    # 11, is reported since the issue #9 correction: 7,754 from the quarter brochure)
    assert status.count(t("assumption", "de")) == 5
    assert status.count(t("reported", "de")) == 15
