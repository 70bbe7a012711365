"""The section "Baublöcke (WPG Anlage 2 I)" of the Wärmeplanung page (ui/blockplanview.py)
in planner and public mode: every block in the planner's table, those under the privacy
minimum without values; on the public server no block with 1 to N - 1 buildings."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import shapely
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.base.settings import MIN_BUILDINGS_DEFAULT
from quartier_geo.data import layers
from quartier_geo.data.store import open_workspace
from quartier_geo.domain.block_plan import checked_block_layer
from quartier_geo.imports.saved import BLOCKS_KIND, save_blocks
from quartier_geo.imports.schemas import propose_mapping
from quartier_geo.imports.types import Accepted
from quartier_geo.ui import data as ui_data

NewApp = Callable[..., AppTest]
PAGE = "app_pages/waermeplanung.py"
N = MIN_BUILDINGS_DEFAULT  # QUARTIER_MIN_BUILDINGS is not set in the tests
HERNE = 9  # quarter_id of Herne-Mitte (geodata/reference/quarters.csv)


def _block_table(at: AppTest, lang: str = "de") -> pd.DataFrame:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert t("bplan_title", lang) in [h.value for h in at.header]
    # the Baublock table: other sections of the page have block tables too
    header = {t("bplan_block", lang), t("bplan_main_type", lang)}
    tables = [d.value for d in at.dataframe if header <= set(d.value.columns)]
    assert len(tables) == 1
    return tables[0]


def _counts(table: pd.DataFrame) -> list[int]:
    return [int(v.replace(".", "")) for v in table[t("buildings", "de")]]


def test_planner_sees_every_block_small_ones_without_values(new_app: NewApp) -> None:
    at = new_app(Mode.PLANNER.value).switch_page(PAGE).run()
    table = _block_table(at)
    counts = _counts(table)
    small = [i for i, c in enumerate(counts) if 0 < c < N]
    assert small, "the demo quarter has blocks under the minimum: the check below must bite"
    density = table[f"{t('bplan_density', 'de')} [MWh/(ha·a)]"]
    assert all(density.iloc[i] == "–" for i in small)
    big = [i for i, c in enumerate(counts) if c >= N]
    assert big and all(density.iloc[i] != "–" for i in big)
    # German number format: thousands with a point, decimals with a comma
    area = table[f"{t('bplan_area', 'de')} [ha]"]
    assert all("," in v for v in area)
    captions = " ".join(c.value for c in at.caption)
    assert t("bplan_source_streets", "de").split(":")[0] in captions  # which blocks
    assert t("bplan_modelled", "de").split(":")[0] in captions


def test_public_shows_no_block_under_the_minimum(new_app: NewApp) -> None:
    planner = _counts(_block_table(new_app(Mode.PLANNER.value).switch_page(PAGE).run()))
    at = new_app(Mode.PUBLIC.value).switch_page(PAGE).run()
    public = _counts(_block_table(at))
    assert public and all(c == 0 or c >= N for c in public)
    assert len(public) < len(planner)  # the small blocks (and their partners) are left out
    captions = " ".join(c.value for c in at.caption)
    assert t("privacy_rule", "de").format(n=N) in captions


def test_workshop_folds_the_table_and_shows_no_small_block(new_app: NewApp) -> None:
    at = new_app(Mode.WORKSHOP.value).switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    [fold] = [e for e in at.expander if e.label == t("bplan_table_show", "de")]
    [table] = [x.value for x in fold.table]  # the projector's static table
    counts = [int(v.replace(".", "")) for v in table[t("buildings", "de")]]
    assert counts and all(c == 0 or c >= N for c in counts)


def test_the_section_speaks_english(new_app: NewApp) -> None:
    at = new_app(Mode.PUBLIC.value, lang="en").switch_page(PAGE).run()
    table = _block_table(at, "en")
    assert f"{t('bplan_density', 'en')} [MWh/(ha·a)]" in table.columns


def test_planner_uses_an_imported_block_layer_public_the_streets(
    new_app: NewApp, workspace_file
) -> None:
    """A block layer saved for Herne (9) replaces the street blocks on the planner's page;
    the public server reads no drafts and keeps the blocks of the street network."""
    quarter = layers.load_layer("quarters")
    quarter = quarter[quarter["quarter_id"] == HERNE]
    outline = quarter.geometry.iloc[0]
    x0, y0, x1, y1 = outline.bounds
    middle = (y0 + y1) / 2
    halves = [
        shapely.intersection(outline, shapely.box(x0, middle, x1, y1)),
        shapely.intersection(outline, shapely.box(x0, y0, x1, middle)),
    ]
    blocks = gpd.GeoDataFrame({"block_id": ["Nord", "Süd"]}, geometry=halves, crs=quarter.crs)
    accepted = Accepted(
        filename="herne.gpkg",
        format="gpkg",
        layer="baubloecke",
        layer_kind="blocks",
        features=blocks,
        buildings=checked_block_layer(blocks),
        mapping=propose_mapping(["block_id"]),
    )
    ws = open_workspace(workspace_file)
    save_blocks(ws, accepted, quarter_id=HERNE, editor=Editor("anna", Mode.PLANNER))
    ui_data.clear_workspace()  # the app opens this session's workspace (not a cached one)
    try:
        at = new_app(Mode.PLANNER.value, q=str(HERNE)).switch_page(PAGE).run()
        table = _block_table(at)
        assert list(table[t("bplan_block", "de")]) == ["Nord", "Süd"]
        n_herne = int((layers.load_layer("buildings")["quarter_id"] == HERNE).sum())
        assert sum(_counts(table)) == n_herne  # the two halves hold every building
        captions = " ".join(c.value for c in at.caption)
        assert t("bplan_source_imported", "de").split(":")[0] in captions
        public = new_app(Mode.PUBLIC.value, q=str(HERNE)).switch_page(PAGE).run()
        assert "Nord" not in list(_block_table(public)[t("bplan_block", "de")])
        captions = " ".join(c.value for c in public.caption)
        assert t("bplan_source_streets", "de").split(":")[0] in captions
    finally:
        record = ws.get(BLOCKS_KIND, str(HERNE))
        assert record is not None
        ws.delete(
            BLOCKS_KIND,
            str(HERNE),
            expected_version=record.version,
            editor=Editor("anna", Mode.PLANNER),
        )


def test_public_pools_the_carriers_of_fewer_than_n_buildings(new_app: NewApp) -> None:
    at = new_app(Mode.PUBLIC.value).switch_page(PAGE).run()
    table = _block_table(at)
    name = t("bplan_other_carriers", "de")
    column = f"{t('bplan_share', 'de').format(carrier=name)} [%]"
    assert column in table.columns
    counts = _counts(table)
    assert any(table[column].iloc[i] != "–" for i, c in enumerate(counts) if c >= N)
    captions = " ".join(c.value for c in at.caption)
    assert t("bplan_pooled_carriers", "de").format(n=N) in captions
