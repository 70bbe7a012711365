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


def _baubloecke():  # type: ignore[no-untyped-def]
    """The Baublöcke of quarter 1 with their building counts (the heat plan's view) and
    the ids of the public ones (>= 5 buildings, checked across the public layers, and
    those without buildings)."""
    from quartier_geo.domain.bundle import plan_view
    from quartier_geo.exports.public import public_units
    from quartier_geo.ui.data import quarter_bundle

    raw = quarter_bundle(1)
    blocks = plan_view(raw).blocks
    assert blocks is not None
    sizes = blocks.set_index("block_id")["buildings"]
    public = set(public_units(raw, min_buildings=5)["baubloecke"])
    # blocks without buildings carry no building's figure: shown, as in the Baublock layer
    return sizes, public | set(sizes.index[sizes == 0])


def _block_table(at):  # type: ignore[no-untyped-def]
    # the supply-area table: other sections of the page have block tables too
    columns = {t("hp_block", "de"), t("hp_category", "de")}
    return next(d.value for d in at.dataframe if columns <= set(d.value.columns))


def test_planner_sees_every_block_and_the_year_moves_the_url(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER, q="1"), "page_heatplan")
    assert not problems(at), problems(at)
    assert at.select_slider(key=SLIDER).value == 2030  # the first Stützjahr by default
    assert t("hp_areas", "de") in [s.value for s in at.subheader]
    # WPG Anlage 2 III Nr. 3: the network's generation mix is not modelled, and it says so
    assert any("Erzeugungsmix des Wärmenetzes" in c.value for c in at.caption)
    sizes, _public = _baubloecke()
    table = _block_table(at)
    # planner: every Baublock, also those under 5 buildings; the ids of the Baublock section
    assert list(table[t("hp_block", "de")]) == list(sizes.index)
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
    assert len(table) > 0 and ((counts >= 5) | (counts == 0)).all()
    sizes, public = _baubloecke()
    assert ((sizes > 0) & (sizes < 5)).any()  # quarter 1 has small blocks: withheld here
    assert len(table) < len(sizes)
    assert set(table[t("hp_block", "de")]) == set(public)  # the one public cut
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

    at = goto(new_app(mode, q="1"), "page_data")
    at.button(key="exp_layers").click().run()
    assert not problems(at), problems(at)
    kind, data, *_ = at.session_state["_export_ready"]
    assert kind == "layers"
    path = tmp_path / "export.gpkg"
    path.write_bytes(data)
    areas = gpd.read_file(path, layer=AREAS_LAYER)
    sizes, public = _baubloecke()
    if mode == PLANNER:
        assert list(areas["block_id"]) == list(sizes.index)
    else:
        assert 0 < len(areas) < len(sizes)
        assert ((areas["buildings"] >= 5) | (areas["buildings"] == 0)).all()
        assert set(areas["block_id"]) == set(public)
        # blocks without buildings: outline and area only; their criteria came from
        # street segments of other (possibly withheld) buildings
        empty = areas[areas["buildings"] == 0]
        assert len(empty) > 0
        assert empty["area_ha"].notna().all()
        for column in ("linear_heat_density_kwh_per_m_a", "heat_density_mwh_per_ha_a"):
            assert empty[column].isna().all(), column
        assert (empty["category_2045"] == "no_buildings").all()
        assert empty["network_2045"].isna().all()


@pytest.mark.parametrize("mode", [PLANNER, PUBLIC])
def test_every_section_shows_the_same_baubloecke(new_app: NewApp, mode: str) -> None:
    """The Baublock section, the supply areas, the costs per block and the network's block
    picker name the same blocks (the heat plan's view): in public mode the one public cut."""
    at = goto(new_app(mode, q="1"), "page_heatplan")
    assert not problems(at), problems(at)
    sizes, public = _baubloecke()
    shown = set(sizes.index) if mode == PLANNER else public
    inhabited = {b for b in shown if sizes[b] > 0}
    plan_header = {t("bplan_block", "de"), t("bplan_main_type", "de")}
    baubloecke = next(d.value for d in at.dataframe if plan_header <= set(d.value.columns))
    assert set(baubloecke[t("bplan_block", "de")]) == shown
    assert set(_block_table(at)[t("hp_block", "de")]) == shown
    # the potentials and cost tables: block tables that are neither of the two above
    others = {t("hp_category", "de"), t("bplan_main_type", "de")}
    cost_tables = [
        d.value
        for d in at.dataframe
        if t("hpc_block", "de") in d.value.columns and not others & set(d.value.columns)
    ]
    assert len(cost_tables) == 2
    cost_ids = {str(b) for f in cost_tables for b in f[t("hpc_block", "de")]}
    assert cost_ids and cost_ids <= inhabited  # potentials and costs: blocks with buildings
    assert set(at.multiselect(key="network_blocks_1").options) == inhabited
