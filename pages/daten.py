"""Daten: import own building data (planner), imported areas, exports and fact sheets."""

import streamlit as st

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.ui import dataexport, dataimport, frame

ctx = frame.context()
lang, data, qid, mode = ctx.lang, ctx.data, ctx.quarter_id, ctx.mode
quarter = data.quarter(qid)

st.title(t("page_data", lang))
tabs = [t("tab_export", lang), t("tab_imports", lang)]
if mode is Mode.PLANNER:
    tabs.append(t("tab_import", lang))
parts = st.tabs(tabs)
with parts[0]:
    st.subheader(f"{quarter['municipality']} – {quarter['name']}")
    dataexport.show(data, qid, mode=mode, lang=lang)
with parts[1]:
    dataimport.show_imports(mode=mode, lang=lang)
if mode is Mode.PLANNER:
    with parts[2]:
        dataimport.show_import(mode=mode, lang=lang)
