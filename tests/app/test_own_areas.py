"""Own (imported) areas are not programme quarters (issue #7 item 4): they never change the
20 quarters' figures, matrix or tour; every page works for them or says why it does not
apply; any number of imports works in one workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.store import open_workspace
from quartier_geo.imports.saved import save_import
from quartier_geo.imports.types import Accepted
from quartier_geo.ui import data as ui_data
from tests.app.conftest import NewApp
from tests.app.test_import_twice import accepted  # noqa: F401  (module fixture)
from tests.app.test_pages import PAGES, PATH_OF, goto, problems

PROGRAMME = 20  # quarters of InnovationCity roll out (geodata/reference/quarters.csv)


@pytest.fixture
def three_imports(new_app: NewApp, workspace_file: Path, accepted: Accepted) -> Iterator[list[str]]:  # noqa: F811
    new_app(Mode.PLANNER.value)  # the session's workspace is set for the app
    ws = open_workspace(workspace_file)
    keys = [
        save_import(ws, accepted, name=f"Eigenes Gebiet {i}", editor=Editor("anna", Mode.PLANNER))
        for i in range(3)
    ]
    ui_data.clear_workspace()
    yield keys
    from quartier_geo.imports.saved import delete_import, list_imports

    for info in list_imports(ws):
        if info.key in keys:
            delete_import(
                ws, info.key, expected_version=info.version, editor=Editor("t", Mode.PLANNER)
            )


def _area_ids(at) -> list[int]:
    return [q for q in at.selectbox(key="_w_q").options_values if int(q) < 0]  # type: ignore[attr-defined]


def test_imports_are_listed_apart_and_change_no_programme_figure(
    new_app: NewApp, three_imports: list[str]
) -> None:
    at = new_app(Mode.PLANNER.value)
    assert not problems(at), problems(at)
    options = at.selectbox(key="_w_q").options
    own = [o for o in options if o.startswith(t("own_area", "de") + ":")]
    assert len(options) >= PROGRAMME + 3 and len(own) >= 3, options
    assert (
        options[:PROGRAMME]
        == [o for o in options if not o.startswith(t("own_area", "de"))][:PROGRAMME]
    )
    data = ui_data.current()
    assert len(data.quarters) == PROGRAMME and len(data.figures) == PROGRAMME
    assert len(data.area_ids) >= 3


def test_read_only_modes_list_no_own_area(new_app: NewApp, three_imports: list[str]) -> None:
    for mode in (Mode.WORKSHOP.value, Mode.PUBLIC.value):
        at = new_app(mode)
        assert not problems(at), problems(at)
        assert len(at.selectbox(key="_w_q").options) == PROGRAMME


def test_workshop_tour_counts_the_programme_only(new_app: NewApp, three_imports: list[str]) -> None:
    at = new_app(Mode.WORKSHOP.value)
    text = " ".join(m.value for m in at.markdown)
    assert t("tour_position", "de").format(n=1, total=PROGRAMME) in text


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_works_for_an_own_area(
    new_app: NewApp, three_imports: list[str], page: str
) -> None:
    at = new_app(Mode.PLANNER.value)
    area = min(int(q) for q in ui_data.current().area_ids)
    at.selectbox(key="_w_q").set_value(area).run()
    at = goto(at, page)
    assert not problems(at), problems(at)
    if page in (PATH_OF["page_phases"], PATH_OF["page_projekttisch"]):
        info = [i.value for i in at.info]
        assert any(t("own_area", "de").split()[0].lower() in i.lower() for i in info), info


def test_the_suitability_matrix_has_the_programme_rows(
    new_app: NewApp, three_imports: list[str]
) -> None:
    from quartier_geo.ui.supplyview import matrix

    data = ui_data.current()
    table = matrix(data.quarter_ids, data.ref.thresholds)
    assert len(table) == PROGRAMME and (table.index > 0).all()


def test_an_own_area_names_its_file_not_the_demo_data(
    new_app: NewApp,
    three_imports: list[str],
    accepted: Accepted,  # noqa: F811
) -> None:
    """Quartierskarte of an imported area: the banner names the imported file and schema
    (from the import record) instead of "Demodaten … synthetisch"; a programme quarter keeps
    the demo note."""
    at = new_app(Mode.PLANNER.value)
    at = goto(at, PATH_OF["page_quarter_map"])
    assert any(i.value == t("synthetic_note", "de") for i in at.info)
    area = min(int(q) for q in ui_data.current().area_ids)
    at.selectbox(key="_w_q").set_value(area).run()
    at = goto(at, PATH_OF["page_quarter_map"])
    info = [i.value for i in at.info]
    assert not any(t("synthetic_note", "de") == i for i in info), info
    from quartier_geo.ui.widgets import md_escape  # the banner is Markdown: names escaped

    file, schema = md_escape(accepted.filename), md_escape(accepted.mapping.schema)
    assert any(f"„{file}“" in i and f"Schema: {schema}" in i for i in info), info
