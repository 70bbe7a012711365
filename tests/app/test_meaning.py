"""What the figures mean (issue 10): Sanierung's starting share, empty cost cells, the grey
of the refurbishment map, the table beside each map."""

from __future__ import annotations

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.base.numfmt import fmt_number
from quartier_geo.ui import data as ui_data
from tests.app.test_pages import PATH_OF, NewApp, goto, problems


def _captions(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.value for c in at.caption]


def test_refurbished_share_states_its_starting_value(new_app: NewApp) -> None:
    """The share starts at the floor area already at the chosen depth: for "usual" the
    buildings in state usual or advanced, for "advanced" only the advanced ones."""
    at = goto(new_app(Mode.PLANNER.value), PATH_OF["page_refurbishment"])
    assert not problems(at), problems(at)
    b = ui_data.quarter_buildings(1)
    area = b["conditioned_floor_area_m2"]
    usual = 100 * area[b["refurbishment_state"].isin(["usual", "advanced"])].sum() / area.sum()
    advanced = 100 * area[b["refurbishment_state"] == "advanced"].sum() / area.sum()
    assert advanced < usual  # why the two depths start apart
    text = " ".join(_captions(at))
    assert f"{fmt_number(usual, lang='de', decimals=1)} % der Fläche" in text, text
    at.segmented_control(key="_w_depth").set_value("advanced").run()
    text = " ".join(_captions(at))
    assert f"{fmt_number(advanced, lang='de', decimals=1)} % der Fläche" in text, text


def test_empty_cost_cells_say_why(new_app: NewApp) -> None:
    at = goto(new_app(Mode.PLANNER.value), PATH_OF["page_supply"])
    assert not problems(at), problems(at)
    header = f"{t('cost', 'de')} [€/MWh]"
    tables = [tb.value for tb in at.table if header in tb.value.columns]
    assert tables, [list(tb.value.columns) for tb in at.table]
    table = tables[0]
    # sourced options carry a number (domain/costs.py), the others say why they have none
    gas = str(table.loc["Gas-Brennwertkessel", header])
    assert gas[0].isdigit(), gas
    assert table.loc["Pelletkessel", header] == t("cost_missing", "de")
    assert table.loc["Status quo (heutige Versorgung)", header] == t("cost_missing", "de")


def test_every_map_has_a_table(new_app: NewApp) -> None:
    """Quartierskarte, Sanierung, Versorgung (two maps), Projektphasen: an expander "Tabelle
    zur Karte" below each map; Übersicht has its table beside the map."""
    want = {"page_quarter_map": 1, "page_refurbishment": 1, "page_supply": 2, "page_phases": 1}
    for mode in (Mode.PLANNER.value, Mode.PUBLIC.value):
        for key, n in want.items():
            at = goto(new_app(mode), PATH_OF[key])
            labels = [e.label for e in at.expander if e.label == t("table_beside_map", "de")]
            assert len(labels) == n, (mode, key, [e.label for e in at.expander])
