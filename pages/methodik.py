"""Methodik & Quellen: formulas, factors, thresholds and sources."""

import streamlit as st

from quartier_geo.base.i18n import long_text, t
from quartier_geo.ui import frame

ctx = frame.context()
lang, ref = ctx.lang, ctx.data.ref

st.title(t("page_methods", lang))
st.markdown(long_text("methods", lang))

tabs = st.tabs(
    [
        "TABULA",
        "GEG / Faktoren" if lang == "de" else "GEG / factors",
        "Heizsysteme" if lang == "de" else "Heating systems",
        "Pfade" if lang == "de" else "Paths",
        "Schwellen" if lang == "de" else "Thresholds",
        "Annahmen" if lang == "de" else "Assumptions",
        "Quartiere (Quellen)" if lang == "de" else "Quarters (sources)",
    ]
)
with tabs[0]:
    st.caption("IWU / TABULA-EPISCOPE (www.episcope.eu), CC BY 4.0 – q_h,nd, q_w,nd in kWh/(m²·a)")
    st.dataframe(ref.typology, hide_index=True)
with tabs[1]:
    st.dataframe(ref.carriers.reset_index(), hide_index=True)
    st.dataframe(ref.factors, hide_index=True)
with tabs[2]:
    st.dataframe(ref.systems.reset_index(), hide_index=True)
with tabs[3]:
    st.dataframe(ref.paths, hide_index=True)
with tabs[4]:
    st.dataframe(ref.thresholds, hide_index=True)
    st.dataframe(ref.benchmarks.reset_index(), hide_index=True)
with tabs[5]:
    st.dataframe(ref.assumptions.reset_index(), hide_index=True)
with tabs[6]:
    st.dataframe(ref.quarters, hide_index=True)
