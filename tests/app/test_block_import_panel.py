"""The Daten page's import panel with a checked block layer (ui/blockimport.py): checked
against the selected quarter, saved as its Baublöcke on confirmation; a layer that lies
elsewhere (a wrong coordinate system) is refused with the reason."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data import layers
from quartier_geo.data.store import open_workspace
from quartier_geo.domain.block_plan import checked_block_layer
from quartier_geo.imports.saved import BLOCKS_KIND, load_blocks
from quartier_geo.imports.schemas import propose_mapping
from quartier_geo.imports.types import Accepted
from quartier_geo.ui import data as ui_data
from tests.app.conftest import NewApp

HERNE = 9  # quarter_id of Herne-Mitte (geodata/reference/quarters.csv)


def _panel() -> None:
    import streamlit as st

    from quartier_geo.base.modes import Mode
    from quartier_geo.imports.fill import DEFAULTS
    from quartier_geo.ui import dataimport

    st.session_state["q"] = st.session_state["quarter"]
    dataimport._accepted(
        st.session_state["checked"], "bloecke.gpkg", DEFAULTS, mode=Mode.PLANNER, lang="de"
    )


def _accepted(blocks: gpd.GeoDataFrame) -> Accepted:
    return Accepted(
        filename="bloecke.gpkg",
        format="gpkg",
        layer="baubloecke",
        layer_kind="blocks",
        features=blocks,
        buildings=checked_block_layer(blocks),
        mapping=propose_mapping(["block_id"]),
    )


def _herne_in_two() -> gpd.GeoDataFrame:
    quarter = layers.load_layer("quarters")
    outline = quarter[quarter["quarter_id"] == HERNE].geometry.iloc[0]
    x0, y0, x1, y1 = outline.bounds
    middle = (x0 + x1) / 2
    halves = [
        shapely.intersection(outline, shapely.box(x0, y0, middle, y1)),
        shapely.intersection(outline, shapely.box(middle, y0, x1, y1)),
    ]
    return gpd.GeoDataFrame({"block_id": ["West", "Ost"]}, geometry=halves, crs=quarter.crs)


def _run(blocks: gpd.GeoDataFrame) -> AppTest:
    at = AppTest.from_function(_panel, default_timeout=60)
    at.session_state["checked"] = _accepted(blocks)
    at.session_state["quarter"] = HERNE
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_block_layer_is_saved_for_the_selected_quarter(
    new_app: NewApp, workspace_file: Path
) -> None:
    new_app(Mode.PLANNER.value)  # sets the session's workspace for the app
    ui_data.clear_workspace()
    ws = open_workspace(workspace_file)
    at = _run(_herne_in_two())
    assert any("2 Blöcke" in s.value for s in at.success), [s.value for s in at.success]
    [submit] = [b for b in at.button if b.label == t("bplan_import_save", "de")]
    submit.click().run()
    assert not at.exception, [e.message for e in at.exception]
    try:
        saved = load_blocks(ws, HERNE)
        assert saved is not None and list(saved["block_id"]) == ["West", "Ost"]
    finally:
        record = ws.get(BLOCKS_KIND, str(HERNE))
        if record is not None:
            ws.delete(
                BLOCKS_KIND,
                str(HERNE),
                expected_version=record.version,
                editor=Editor("anna", Mode.PLANNER),
            )


def test_a_block_layer_outside_the_quarter_is_refused(new_app: NewApp) -> None:
    new_app(Mode.PLANNER.value)
    two = _herne_in_two()
    far = two.set_geometry(two.translate(xoff=50_000.0))  # 50 km east: not in Herne
    at = _run(far)
    errors = [e.value for e in at.error]
    assert any("kein Block liegt im Quartier" in e for e in errors), errors
    assert not [b for b in at.button if b.label == t("bplan_import_save", "de")]
