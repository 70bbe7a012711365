"""Daten: import own building data (planner), imported areas, exports and fact sheets."""

import streamlit as st

from quartier_geo.ui import auditview, dataexport, dataimport, frame

ctx = frame.context()
st.title(ctx.t("page_data"))
tabs = [
    "tab_export",
    "tab_imports",
    *(["tab_import"] if ctx.can_edit else []),
    *(["tab_audit"] if ctx.sees_audit else []),
]
parts = dict(zip(tabs, st.tabs([ctx.t(k) for k in tabs]), strict=True))
with parts["tab_export"]:
    st.subheader(ctx.quarter_name)
    dataexport.show(ctx.data, ctx.quarter_id, mode=ctx.mode, lang=ctx.lang)
with parts["tab_imports"]:
    dataimport.show_imports(mode=ctx.mode, lang=ctx.lang, editable=ctx.can_edit)
if "tab_import" in parts:
    with parts["tab_import"]:
        dataimport.show_import(mode=ctx.mode, lang=ctx.lang)
if "tab_audit" in parts:
    with parts["tab_audit"]:
        auditview.show(lang=ctx.lang)
