"""Daten page, import part: an imported block layer saved as the selected quarter's Baublöcke.

A GeoPackage layer named ``baubloecke`` (or ``blocks``) passes the same upload gate as a
building file (:mod:`quartier_geo.imports.pipeline`, layer kind ``blocks``); here it is
checked against the selected quarter (:func:`quartier_geo.domain.block_plan.checked_block_layer`:
polygons, no overlaps, inside the quarter) and, once confirmed, saved as its block layer
(:func:`quartier_geo.imports.saved.save_blocks`). The planner's Wärmeplanung page then uses
these blocks; public and workshop servers keep the blocks of the street network.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.modes import Mode
from quartier_geo.base.numfmt import fmt_number
from quartier_geo.domain.block_plan import checked_block_layer
from quartier_geo.imports.saved import save_blocks
from quartier_geo.imports.types import Accepted
from quartier_geo.ui import editing, state, widgets
from quartier_geo.ui.data import current, workspace

__all__ = ["accepted"]


def accepted(result: Accepted, *, mode: Mode, lang: Lang) -> None:
    """Check an accepted block layer against the selected quarter; offer to save it."""
    if result.buildings is None or result.buildings.empty:
        for problem in result.problems:
            st.error(problem)
        return
    quarter_id = int(state.get(state.QUARTER, 0))
    data = current()
    if quarter_id not in (*data.quarter_ids, *data.area_ids):
        st.info(t("bplan_import_no_quarter", lang))
        return
    name = widgets.md_escape(data.quarter(quarter_id)["name"])
    try:
        blocks = checked_block_layer(result.buildings, quarter=data.quarter_frame(quarter_id))
    except QuartierGeoError as exc:
        st.error(str(exc))
        return
    area_ha = float(blocks.area.sum()) / 10_000.0
    st.success(
        t("bplan_import_readable", lang).format(
            n=len(blocks), area=fmt_number(area_ha, lang=lang, decimals=1), quarter=name
        )
    )
    with st.form("blocks_confirm"):
        who = editing.author(lang, mode=mode, form="blocks_confirm")
        if st.form_submit_button(t("bplan_import_save", lang), type="primary") and (
            editing.may_save(who, lang)
        ):
            try:
                save_blocks(
                    workspace(),
                    dataclasses.replace(result, buildings=blocks),
                    quarter_id=quarter_id,
                    editor=who,
                )
            except QuartierGeoError as exc:
                st.error(str(exc))
            else:
                st.success(t("bplan_import_saved", lang).format(quarter=name))
