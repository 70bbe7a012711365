"""Wärmeplanung page: the WPG deliverables of the selected quarter.

The page gathers what a municipal heat plan under the Wärmeplanungsgesetz needs per
quarter: blocks as the planning unit (Anlage 2 I), supply areas per Stützjahr (§18, §19),
the target scenario's indicators (§17, Anlage 2 III), potentials (§16), heat generation
costs, a first heat-network layout and the implementation measures (§20). Each section
lives in a module of its own; this one holds the page header.
"""

from __future__ import annotations

import streamlit as st

from quartier_geo.ui.frame import Context

__all__ = ["header"]


def header(ctx: Context) -> None:
    """Title with the quarter's name and what the page is for."""
    st.title(f"{ctx.t('page_heatplan')}: {ctx.quarter_name}")
    st.caption(ctx.t("heatplan_intro"))
