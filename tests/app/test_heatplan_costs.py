"""The section "Potenziale und Wärmegestehungskosten" of the Wärmeplanung page (AppTest)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.settings import min_buildings
from quartier_geo.ui import heatplan_costs

NewApp = Callable[..., AppTest]
PAGE = "app_pages/waermeplanung.py"


def _open(new_app: NewApp, mode: str) -> AppTest:
    at = new_app(mode)
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe] + [tb.value for tb in at.table]


def _cost_table(at: AppTest) -> pd.DataFrame:
    header = f"{t('hpc_cost_total', 'de')} [€/MWh]"
    return next(f for f in _frames(at) if header in f.columns)


def _option_cell(table: pd.DataFrame, label: str) -> str:
    # the static table is indexed by its first column, the option label
    return str(table.loc[label, f"{t('hpc_cost_total', 'de')} [€/MWh]"])


def test_planner_sees_potentials_costs_and_unsourced_options(new_app: NewApp) -> None:
    at = _open(new_app, "planner")
    assert t("hpc_title", "de") in [h.value for h in at.header]
    subheaders = [h.value for h in at.subheader]
    assert t("hpc_potentials", "de") in subheaders
    assert t("hpc_costs", "de") in subheaders
    assert at.selectbox(key=heatplan_costs.YEAR_KEY).value == heatplan_costs.DEFAULT_YEAR
    table = _cost_table(at)
    # gas condensing has every part sourced in 2025: a number, German format
    gas = _option_cell(table, "Gas-Brennwertkessel")
    assert gas[0].isdigit() and t("cost_missing", "de") not in gas
    # the pellet boiler's investment has no source: the cell says so and names it
    assert _option_cell(table, "Pelletkessel") == t("cost_missing", "de")
    notes = table[t("hpc_missing", "de")]
    assert f"{t('cost_missing', 'de')}: {t('hpc_missing_capex', 'de')}" in set(notes)
    # a bar chart for the costs and one for the potentials
    assert len(at.get("plotly_chart")) >= 2


def test_year_without_co2_price_blanks_the_fossil_total(new_app: NewApp) -> None:
    at = _open(new_app, "planner")
    at.selectbox(key=heatplan_costs.YEAR_KEY).set_value(2027).run()
    table = _cost_table(at)
    assert _option_cell(table, "Gas-Brennwertkessel") == t("cost_missing", "de")
    # heat pumps pay no BEHG price: still a number
    assert _option_cell(table, "Luft-Wasser-Wärmepumpe")[0].isdigit()
    captions = [c.value for c in at.caption]
    assert t("hpc_co2_missing", "de").format(year=2027) in captions


def test_public_shows_only_blocks_with_enough_buildings(new_app: NewApp) -> None:
    n = min_buildings()
    header = t("hpc_buildings", "de")
    rows: dict[str, int] = {}
    for mode in ("planner", "public"):
        at = _open(new_app, mode)
        block_tables = [
            f for f in _frames(at) if t("hpc_block", "de") in f.columns and header in f.columns
        ]
        # potentials and costs per block (this section, first on the page), then the other
        # sections' block tables: the privacy rule below holds for all of them
        assert len(block_tables) >= 2, mode
        counts = [int(str(v).replace(".", "")) for f in block_tables for v in f[header]]
        assert counts, mode
        rows[mode] = len(block_tables[0])
        if mode == "public":
            # a Baublock without buildings (a park between streets) shows no building's figure
            assert all(c >= n or c == 0 for c in counts)
            assert min(int(str(v).replace(".", "")) for v in block_tables[0][header]) >= n
            notes = [c.value for c in at.caption]
            # "{units} Baublöcke mit weniger als {n} Gebäuden …": the note names the rule
            tail = t("hpc_blocks_withheld", "de").format(units="", n=n).strip()
            assert any(tail in c for c in notes)
        # the section stays in public mode too, with its year selector
        assert at.selectbox(key=heatplan_costs.YEAR_KEY).value == heatplan_costs.DEFAULT_YEAR
    # the privacy rule withholds blocks in public mode that the planner sees
    assert rows["public"] < rows["planner"]
