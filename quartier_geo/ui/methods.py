"""Methods page: formulas, factors, thresholds and sources, each reference table in a tab."""

from __future__ import annotations

import streamlit as st

from quartier_geo.base.i18n import long_text
from quartier_geo.ui.frame import Context

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
)


def show(ctx: Context) -> None:
    """The methods text and the reference tables as read (no computation)."""
    ref = ctx.data.ref
    st.title(ctx.t("page_methods"))
    st.markdown(long_text("methods", ctx.lang))
    tabs = dict(zip(TABS, st.tabs([ctx.t(k) for k in TABS]), strict=True))
    with tabs["methods_tab_tabula"]:
        st.caption(ctx.t("methods_tabula_source"))
        st.dataframe(ref.typology, hide_index=True)
    with tabs["methods_tab_factors"]:
        st.dataframe(ref.carriers.reset_index(), hide_index=True)
        st.dataframe(ref.factors, hide_index=True)
    with tabs["methods_tab_systems"]:
        st.dataframe(ref.systems.reset_index(), hide_index=True)
    with tabs["methods_tab_paths"]:
        st.dataframe(ref.paths, hide_index=True)
    with tabs["methods_tab_thresholds"]:
        st.dataframe(ref.thresholds, hide_index=True)
        st.dataframe(ref.benchmarks.reset_index(), hide_index=True)
    with tabs["methods_tab_assumptions"]:
        st.dataframe(ref.assumptions.reset_index(), hide_index=True)
    with tabs["methods_tab_quarters"]:
        st.dataframe(ref.quarters, hide_index=True)
