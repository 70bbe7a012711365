"""Wärmeplanung page, section "Baublöcke (WPG Anlage 2 I)": a block map and a table per block.

The blocks are those of :func:`quartier_geo.ui.data.plan_bundle`
(:mod:`quartier_geo.domain.block_plan`:
from the street network, a layer the planner imported or the ``block_id`` hulls; the caption
says which). The planner sees every block, those under the privacy minimum with outline and
count only; public and workshop servers show only the blocks of
:func:`quartier_geo.exports.public.public_baubloecke` (at least N buildings, checked
against the other public layers), the same as their downloads.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import label, pick, t
from quartier_geo.domain.block_plan import block_indicators
from quartier_geo.exports.public import public_baubloecke
from quartier_geo.ui import mapview, widgets
from quartier_geo.ui.data import min_buildings, plan_bundle, public_units, quarter_bundle
from quartier_geo.ui.frame import Context
from quartier_geo.ui.quartermap import value_labels
from quartier_geo.views import maps

__all__ = ["section"]

_DENSITY = "density_mwh_per_ha_a"


def _density_colour(ctx: Context) -> maps.ColourBy:
    """The classes and colours of the hectare grid's heat density (thresholds.csv)."""
    rows = ctx.data.ref.thresholds
    rows = rows[rows["kind"] == "heat_density"].sort_values("lower", kind="stable")
    bounds = [float(v) for v in rows["lower"].iloc[1:]]
    return maps.ColourBy(
        _DENSITY,
        ctx.t("bplan_density"),
        colouring=maps.Colouring(thresholds=bounds, scheme="ylgnbu"),
        unit="MWh/(ha·a)",
        note=ctx.t("modelled_short"),
    )


def _map(table: gpd.GeoDataFrame, ctx: Context, colour: maps.ColourBy) -> None:
    lang = ctx.lang
    tooltip = [
        ("n_buildings", t("buildings", lang), ""),
        ("area_ha", t("bplan_area", lang), "ha"),
        ("consumption_mwh_per_a", t("bplan_consumption", lang), "MWh/a"),
        (_DENSITY, t("bplan_density", lang), "MWh/(ha·a)"),
        ("type_label", t("bplan_main_type", lang), ""),
    ]
    m = maps.quarter_map(
        table,
        colour,
        context=maps.MapContext(quarter=ctx.data.quarter_frame(ctx.quarter_id)),
        info=maps.FeatureInfo(tooltip=tooltip, title_column="block_id", id_column="block_id"),
        display=maps.Display(lang=lang, font_px=widgets.map_font_px()),
    )
    mapview.static_map(m, height=520, title=t("bplan_map_title", lang))


def _columns(table: pd.DataFrame, ctx: Context) -> dict[str, tuple[str, str | None, int | None]]:
    lang = ctx.lang
    columns: dict[str, tuple[str, str | None, int | None]] = {
        "block_id": (t("bplan_block", lang), None, None),
        "n_buildings": (t("buildings", lang), None, 0),
        "area_ha": (t("bplan_area", lang), "ha", 2),
        "heat_demand_mwh_per_a": (t("heat_demand", lang), "MWh/a", 0),
        "consumption_mwh_per_a": (t("bplan_consumption", lang), "MWh/a", 0),
        _DENSITY: (t("bplan_density", lang), "MWh/(ha·a)", 0),
        "co2_t_per_a": (t("co2", lang), "t/a", 0),
        "decentral_generators": (t("bplan_decentral", lang), None, 0),
        "house_substations": (t("bplan_substations", lang), None, 0),
        "type_label": (t("bplan_main_type", lang), None, None),
        "age_label": (t("bplan_main_age", lang), None, None),
    }
    carriers = ctx.data.ref.carriers
    for carrier in carriers.index:
        share = table[f"pct_{carrier}"]
        if (share.fillna(0) > 0).any():  # carriers nobody in the quarter uses: no column
            name = str(pick(carriers.loc[carrier], "label", lang))
            columns[f"pct_{carrier}"] = (t("bplan_share", lang).format(carrier=name), "%", 0)
    if "pct_other" in table.columns:  # public: carriers of fewer than N buildings pooled
        name = t("bplan_other_carriers", lang)
        columns["pct_other"] = (t("bplan_share", lang).format(carrier=name), "%", 0)
    return columns


def _displayed(table: gpd.GeoDataFrame, ctx: Context) -> gpd.GeoDataFrame:
    """The table with display columns: type and age labels, shares in per cent."""
    ages = value_labels("age_class", None, ctx.lang) or {}
    out = table.assign(
        type_label=[
            None if v is None or pd.isna(v) else label("building_type", v, ctx.lang)
            for v in table["main_type"]
        ],
        age_label=[
            None if v is None or pd.isna(v) else ages.get(v, str(v))
            for v in table["main_age_class"]
        ],
    )
    for carrier in ctx.data.ref.carriers.index:
        out[f"pct_{carrier}"] = table[f"share_{carrier}"] * 100.0
    if "share_other" in table.columns:
        out["pct_other"] = table["share_other"] * 100.0
    return out


def section(ctx: Context) -> None:
    """The section "Baublöcke (WPG Anlage 2 I)" of the Wärmeplanung page."""
    lang, n = ctx.lang, min_buildings()
    st.header(ctx.t("bplan_title"))
    st.caption(ctx.t("bplan_intro"))
    data = quarter_bundle(ctx.quarter_id)
    view = plan_bundle(ctx.quarter_id)  # the planner's imported layer, if any
    blocks = view.plan_blocks
    if blocks is None or blocks.empty:
        st.info(ctx.t("bplan_none"))
        return
    source = str(blocks["source"].iloc[0])
    st.caption(ctx.t(f"bplan_source_{source}").format(blocks=len(blocks)))
    if ctx.planner:
        table = block_indicators(
            view.buildings,
            blocks,
            ctx.data.ref,
            min_buildings=n,
            assignment=view.buildings["block_id"],
        )
        outside = len(data.buildings) - int(table["n_buildings"].sum())
        notes = [ctx.t("bplan_small").format(n=n)]
        if outside:
            notes.append(ctx.t("bplan_outside").format(buildings=outside))
    else:
        cut = public_baubloecke(
            data,
            ref=ctx.data.ref,
            min_buildings=n,
            units=public_units(ctx.quarter_id),
            plan_assignment=view.buildings["block_id"],
        )
        if cut is None:  # plan blocks exist, so the cut does too
            return
        table = cut.shown
        notes = [ctx.t("privacy_rule").format(n=n), ctx.t("bplan_pooled_carriers").format(n=n)]
        if cut.units:
            notes.append(ctx.t("bplan_withheld").format(units=cut.units, buildings=cut.buildings))
    shown = _displayed(table, ctx)
    colour = _density_colour(ctx)
    _map(shown, ctx, colour)
    mapview.map_table(
        shown,
        colour,
        mapview.MapTable(
            t("blocks_count", lang),
            figures={"consumption_mwh_per_a": (t("bplan_consumption", lang), "MWh/a", 0)},
            count_column="n_buildings",
            min_buildings=None if ctx.planner else n,
        ),
        lang=lang,
    )
    st.subheader(ctx.t("bplan_table_title"))
    # the projector gets a static table of every row: folded until asked for
    place = st.expander(ctx.t("bplan_table_show")) if ctx.workshop else st.container()
    with place:
        widgets.table(
            shown,
            columns=_columns(shown, ctx),
            lang=lang,
            style=widgets.TableStyle(key=f"bplan_table_{ctx.quarter_id}"),
        )
    st.caption(" ".join([ctx.t("bplan_modelled"), *notes]))
