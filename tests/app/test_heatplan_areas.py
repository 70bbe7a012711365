"""Wärmeplanung page, section supply areas and target scenario (issue #9 items 3 and 4):
the Stützjahr in the URL (clamped), the map, tables and download in planner and public mode.
"""

from __future__ import annotations

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.ui.heatplan_areas import YEAR
from tests.app.conftest import NewApp
from tests.app.test_page_actions import goto, problems

PLANNER, PUBLIC = Mode.PLANNER.value, Mode.PUBLIC.value
SLIDER = f"_w_{YEAR}"


def _block_table(at):  # type: ignore[no-untyped-def]
    # the supply-area table: other sections of the page have block tables too
    columns = {t("hp_block", "de"), t("hp_category", "de")}
    return next(d.value for d in at.dataframe if columns <= set(d.value.columns))


def test_planner_sees_every_block_and_the_year_moves_the_url(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER, q="1"), "page_heatplan")
    assert not problems(at), problems(at)
    assert at.select_slider(key=SLIDER).value == 2030  # the first Stützjahr by default
    assert t("hp_areas", "de") in [s.value for s in at.subheader]
    from quartier_geo.ui.data import quarter_bundle

    n_blocks = quarter_bundle(1).buildings["block_id"].nunique()
    table = _block_table(at)
    assert len(table) == n_blocks  # planner: every block, also those under 5 buildings
    assert table[t("hp_category", "de")].isin(
        [t(f"area_cat_{c}", "de") for c in ("heat_network", "hydrogen_network", "decentral",
                                            "test_area")]
    ).all()  # fmt: skip
    at.select_slider(key=SLIDER).set_value(2045).run()
    assert not problems(at), problems(at)
    assert at.query_params[YEAR] == "2045"
    assert t("hp_block_table_title", "de").format(year=2045) in [e.label for e in at.expander]
    assert any(b.label == t("hp_download", "de") for b in at.get("download_button"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2099", 2045), ("garbage", 2030), ("nan", 2030), ("-5", 2030), ("2041", 2040),
     ("2035", 2035), ("", 2030)],
)  # fmt: skip
def test_the_year_from_a_link_is_clamped_to_a_stuetzjahr(
    new_app: NewApp, raw: str, expected: int
) -> None:
    at = goto(new_app(PLANNER, q="1", **{YEAR: raw}), "page_heatplan")
    assert not problems(at), problems(at)
    assert at.select_slider(key=SLIDER).value == expected
    assert at.query_params[YEAR] == str(expected)


def test_public_shows_only_blocks_of_at_least_five_buildings(new_app: NewApp) -> None:
    at = goto(new_app(PUBLIC, q="1"), "page_heatplan")
    assert not problems(at), problems(at)
    table = _block_table(at)
    counts = table[t("buildings", "de")].astype(int)
    assert len(table) > 0 and (counts >= 5).all()
    from quartier_geo.ui.data import quarter_bundle

    sizes = quarter_bundle(1).buildings["block_id"].value_counts()
    assert (sizes < 5).any()  # quarter 1 has small blocks: they are withheld here
    assert len(table) < len(sizes)
    note = t("privacy_rule", "de").format(n=5)
    assert any(note in c.value for c in at.caption)
    # the sector/carrier table pools groups under 5 buildings
    sector = next(d.value for d in at.dataframe if t("hp_sector", "de") in d.value.columns)
    values = sector[t("buildings", "de")].str.replace(".", "").str.replace(",", ".").astype(float)
    assert (values >= 5).all()


@pytest.mark.parametrize("mode", [PLANNER, PUBLIC])
def test_the_data_page_download_holds_the_areas_layer(new_app: NewApp, tmp_path, mode) -> None:  # type: ignore[no-untyped-def]
    """The GeoPackage of the Daten page has the layer ``waermeversorgungsgebiete``: every
    block for the planner, only blocks of at least five buildings in public mode."""
    import geopandas as gpd

    from quartier_geo.exports.heatplan import AREAS_LAYER
    from quartier_geo.ui.data import quarter_bundle

    at = goto(new_app(mode, q="1"), "page_data")
    at.button(key="exp_layers").click().run()
    assert not problems(at), problems(at)
    kind, data, *_ = at.session_state["_export_ready"]
    assert kind == "layers"
    path = tmp_path / "export.gpkg"
    path.write_bytes(data)
    areas = gpd.read_file(path, layer=AREAS_LAYER)
    sizes = quarter_bundle(1).buildings["block_id"].value_counts()
    if mode == PLANNER:
        assert len(areas) == len(sizes)
    else:
        assert 0 < len(areas) < len(sizes)
        assert (areas["buildings"] >= 5).all()
        assert set(areas["block_id"]) <= set(sizes[sizes >= 5].index)
