"""A second import in one session and workspace: the confirm form and the delete form are
on the page at once (issue #7: both used the widget key 'author' and the page crashed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.reference import load_reference
from quartier_geo.data.store import open_workspace
from quartier_geo.imports.pipeline import import_file
from quartier_geo.imports.saved import list_imports, save_import
from quartier_geo.imports.types import Accepted
from quartier_geo.ui import data as ui_data
from tests.app.conftest import NewApp

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def accepted() -> Accepted:
    result = import_file(DATA / "lanuv_wbm.gpkg", ref=load_reference())
    assert isinstance(result, Accepted)
    return result


def _daten_with_a_checked_file() -> None:
    """The Daten page's two import panels as the page arranges them, with a checked file."""
    import streamlit as st

    from quartier_geo.base.modes import Mode
    from quartier_geo.imports.fill import DEFAULTS
    from quartier_geo.ui import dataimport

    dataimport.show_imports(mode=Mode.PLANNER, lang="de", editable=True)
    dataimport._accepted(
        st.session_state["checked"], "zweite.gpkg", DEFAULTS, mode=Mode.PLANNER, lang="de"
    )


def test_confirm_and_delete_forms_share_the_page(
    new_app: NewApp, workspace_file: Path, accepted: Accepted
) -> None:
    new_app(Mode.PLANNER.value)  # sets the session's workspace for the app
    ui_data.clear_workspace()
    ws = open_workspace(workspace_file)
    save_import(ws, accepted, name="Erster Import", editor=Editor("anna", Mode.PLANNER))
    at = AppTest.from_function(_daten_with_a_checked_file, default_timeout=60)
    at.session_state["checked"] = accepted
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    forms = {w.key for w in at.text_input if w.key and w.key.startswith("_w_author")}
    # three forms on one page (confirm, delete, publish an own area), one name field each
    assert forms == {
        "_w_author_import_confirm",
        "_w_author_import_delete",
        "_w_author_publish_areas",
    }, forms
    # confirm the second import: it is saved beside the first one
    at.text_input(key="import_name").set_value("Zweiter Import")
    [submit] = [b for b in at.button if b.label == t("import_confirm", "de")]
    submit.click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert sorted(i.name for i in list_imports(ws)) == ["Erster Import", "Zweiter Import"]
