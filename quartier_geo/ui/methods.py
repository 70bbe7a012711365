"""Methods page: formulas, factors, thresholds and sources, each reference table in a tab."""

from __future__ import annotations

import streamlit as st

from quartier_geo.base.i18n import long_text
from quartier_geo.data.cost_tables import load_cost_tables
from quartier_geo.ui import heatplan_network
from quartier_geo.ui.frame import Context
from quartier_geo.ui.widgets import reference_table

__all__ = ["TABS", "show"]

#: Title keys of the tabs, in order.
TABS = (
    "methods_tab_tabula",
    "methods_tab_factors",
    "methods_tab_systems",
    "methods_tab_paths",
    "methods_tab_thresholds",
    "methods_tab_assumptions",
    "methods_tab_quarters",
    "methods_tab_costs",
)


def show(ctx: Context) -> None:
    """The methods text and the reference tables as read (no computation), headers and
    numbers in the page's language."""
    ref = ctx.data.ref
    st.title(ctx.t("page_methods"))
    st.markdown(long_text("methods", ctx.lang))
    tabs = dict(zip(TABS, st.tabs([ctx.t(k) for k in TABS]), strict=True))
    lang = ctx.lang
    with tabs["methods_tab_tabula"]:
        st.caption(ctx.t("methods_tabula_source"))
        reference_table(ref.typology, lang=lang)
    with tabs["methods_tab_factors"]:
        reference_table(ref.carriers.reset_index(), lang=lang)
        reference_table(ref.factors, lang=lang)
    with tabs["methods_tab_systems"]:
        reference_table(ref.systems.reset_index(), lang=lang)
    with tabs["methods_tab_paths"]:
        reference_table(ref.paths, lang=lang)
    with tabs["methods_tab_thresholds"]:
        reference_table(ref.thresholds, lang=lang)
        reference_table(ref.benchmarks.reset_index(), lang=lang)
    with tabs["methods_tab_assumptions"]:
        reference_table(ref.assumptions.reset_index(), lang=lang)
        heatplan_network.parameters_table(ctx)
    with tabs["methods_tab_quarters"]:
        reference_table(ref.quarters, lang=lang)
    with tabs["methods_tab_costs"]:
        costs = load_cost_tables()
        reference_table(costs.catalogue, lang=lang)
        reference_table(costs.prices.reset_index(), lang=lang)
        reference_table(costs.co2.reset_index(), lang=lang)
        reference_table(costs.params.reset_index(), lang=lang)
        reference_table(costs.potential.reset_index(), lang=lang)
