"""Sanierung: scenarios to 2045 against the targets, breakdowns, map, saved scenarios."""

import streamlit as st

from quartier_geo.ui import frame, refurb

ctx = frame.context()
refurb.header(ctx)
refurb.controls(ctx)
scenario = refurb.scenario(ctx)
if scenario is None:
    st.stop()
refurb.key_figures(ctx, scenario)
refurb.path_charts(ctx, scenario)
refurb.potential(ctx, scenario)
refurb.saved_scenarios(ctx, scenario)
