"""Overview page: the 20 quarters on the Ruhr map, key figures of the region and the selection.

The page script only calls these functions in order; the map colouring is a persistent,
URL-mirrored choice (``?color=``), and a click on a quarter selects it in the sidebar.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import streamlit as st

from quartier_geo.base.i18n import Lang, label, t
from quartier_geo.domain import phases
from quartier_geo.domain.summary import with_ratios
from quartier_geo.ui import mapview, state, widgets
from quartier_geo.ui.data import Bundle
from quartier_geo.ui.frame import Context
from quartier_geo.views import maps
from quartier_geo.views.palette import PHASE_OUTSIDE_COLORS

__all__ = [
    "AS_OF_DEFAULT",
    "colourings",
    "header",
    "map_and_table",
    "pick_colouring",
    "region_metrics",
    "selection_panel",
]

#: Date the phase colouring opens at: all 20 quarters are in their concept phase.
AS_OF_DEFAULT = dt.date(2017, 10, 1)
_AS_OF_RANGE = (dt.date(2016, 1, 1), dt.date(2025, 12, 31))
_CLICK = "_overview_click"


def header(ctx: Context) -> None:
    st.title(ctx.t("app_title"))
    st.markdown(ctx.t("app_subtitle"))
    widgets.synthetic_banner(ctx.lang)


def region_metrics(ctx: Context) -> None:
    """Two rows of totals over all quarters (modelled energy figures in GWh/a, kt/a)."""
    region, lang = ctx.data.figures, ctx.lang
    widgets.metric_row(
        [
            (t("quarters_count", lang), len(region), "", 0),
            (t("residents", lang), region["residents"].sum(), "", 0),
            (t("buildings", lang), region["buildings"].sum(), "", 0),
        ],
        lang=lang,
    )
    widgets.metric_row(
        [
            (t("heat_demand", lang), region["heat_demand_mwh_per_a"].sum() / 1000, "GWh/a", 0),
            (t("co2", lang), region["co2_t_per_a"].sum() / 1000, "kt/a", 1),
            (
                t("potential_usual", lang),
                region["potential_usual_mwh_per_a"].sum() / 1000,
                "GWh/a",
                0,
            ),
        ],
        lang=lang,
        help=t("modelled_note", lang),
    )


def colourings(lang: Lang) -> dict[str, tuple[str, str | None]]:
    """Map colourings: column -> (title, unit or None)."""
    return {
        "phase": (t("phase", lang), None),
        "quarter_type": (t("quarter_type", lang), None),
        "heat_demand_mwh_per_a": (t("heat_demand", lang), "MWh/a"),
        "co2_t_per_a": (t("co2", lang), "t/a"),
        "co2_t_per_resident_a": (t("co2_per_resident", lang), t("unit_t_per_resident_a", lang)),
        "heat_density_mwh_per_ha_a": (t("heat_density", lang), "MWh/(ha·a)"),
        "potential_share": (t("potential_share", lang), "%"),
    }


def pick_colouring(ctx: Context) -> str:
    """The colouring control (persistent, in the URL as ``color``)."""
    options = colourings(ctx.lang)
    state.init_from_query("color", "phase", options=list(options))
    chosen = st.segmented_control(
        ctx.t("color_by"),
        list(options),
        format_func=lambda c: options[c][0],
        **state.widget_kwargs("color"),
    )
    return str(chosen or state.get("color", "phase"))


def _quarters(data: Bundle) -> gpd.GeoDataFrame:
    q = data.quarters[["quarter_id", "name", "municipality", "geometry"]]
    return q.merge(
        with_ratios(data.figures.drop(columns=["name", "municipality"])), on="quarter_id"
    )


def _phase_colouring(
    ctx: Context, q: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, dict[str, str], dict[str, str]]:
    """The quarters with ``phase`` on the chosen date (date widget), its labels and colours."""
    as_of = st.columns([1, 3])[0].date_input(
        ctx.t("as_of"),
        value=AS_OF_DEFAULT,
        min_value=_AS_OF_RANGE[0],
        max_value=_AS_OF_RANGE[1],
        format=widgets.date_input_format(ctx.lang),
        key="ov_asof",
    )
    status = phases.status_at(ctx.programme, as_of)
    keys = phases.phase_or_state(status).rename_axis("quarter_id").reset_index()
    q = q.drop(columns=["phase"]).merge(keys, on="quarter_id")
    return q, phases.LABELS[ctx.lang], PHASE_OUTSIDE_COLORS


def map_and_table(ctx: Context, colour: str) -> None:
    """The clickable region map coloured by ``colour`` and the table beside it."""
    lang = ctx.lang
    q = _quarters(ctx.data)
    labels: dict | None = None
    colors: dict | None = None
    if colour == "phase":
        q, labels, colors = _phase_colouring(ctx, q)
    elif colour == "quarter_type":
        labels = {v: label("quarter_type", v, lang) for v in q["quarter_type"].unique()}
    title, unit = colourings(lang)[colour]
    col_map, col_table = st.columns([3, 2])
    with col_map:
        m = maps.region_map(
            q,
            maps.ColourBy(
                colour, title, colouring=maps.Colouring(labels=labels, colors=colors), unit=unit
            ),
            info=maps.FeatureInfo(
                tooltip=[
                    ("residents", t("residents", lang), ""),
                    ("heat_demand_mwh_per_a", t("heat_demand", lang), "MWh/a"),
                    ("co2_t_per_a", t("co2", lang), "t/a"),
                ],
                selected_id=ctx.quarter_id,
            ),
            display=maps.Display(lang=lang, assets="st_folium", font_px=widgets.map_font_px()),
            label_column="municipality",
        )
        clicked = mapview.clickable_map(m, key="overview_map", height=560)
        st.caption(t("click_quarter_hint", lang))
        _select_clicked(ctx, clicked)
    with col_table:
        st.markdown(f"**{t('table_beside_map', lang)}**")
        status = {"reported": t("reported", lang), "assumed": t("assumption", lang)}
        widgets.table(
            q.assign(residents_status=q["residents_status"].map(status)).sort_values("quarter_id"),
            columns={
                "municipality": (t("municipality", lang), None, 0),
                "name": (t("name", lang), None, 0),
                "residents": (t("residents", lang), None, 0),
                "residents_status": (t("residents_status_col", lang), None, 0),
                "heat_demand_mwh_per_a": (t("heat_demand", lang), "MWh/a", 0),
                "co2_t_per_a": (t("co2", lang), "t/a", 0),
                "heat_density_mwh_per_ha_a": (t("heat_density", lang), "MWh/(ha·a)", 0),
            },
            lang=lang,
            style=widgets.TableStyle(height=560, key="overview_table"),
        )


def _select_clicked(ctx: Context, clicked: object) -> None:
    """Select a newly clicked quarter in the sidebar (and rerun)."""
    # st_folium keeps returning the last click; act only on a new one, so that a quarter
    # picked later in the sidebar is not overridden by an old click
    new_click = clicked is not None and clicked != st.session_state.get(_CLICK)
    st.session_state[_CLICK] = clicked
    if not new_click:
        return
    quarter_id = int(clicked)  # type: ignore[call-overload]
    if quarter_id != ctx.quarter_id and quarter_id in ctx.data.quarter_ids:
        st.session_state[state.QUARTER] = quarter_id
        # the URL is written by the sidebar in the rerun (a query-param change sent just
        # before st.rerun() can be lost on the way to the browser)
        st.rerun()


def selection_panel(ctx: Context) -> None:
    """Key figures and the fact sheet of the selected quarter."""
    lang = ctx.lang
    row = ctx.data.figure(ctx.quarter_id)
    st.subheader(f"{t('selection', lang)}: {ctx.quarter_name}")
    widgets.metric_row(
        [
            (t("residents", lang), row["residents"], "", 0),
            (t("area_ha", lang), row["area_ha"], "ha", 0),
            (t("buildings", lang), row["buildings"], "", 0),
            (t("heat_demand", lang), row["heat_demand_mwh_per_a"], "MWh/a", 0),
            (t("co2", lang), row["co2_t_per_a"], "t/a", 0),
            (t("heat_density", lang), row["heat_density_mwh_per_ha_a"], "MWh/(ha·a)", 0),
        ],
        lang=lang,
        help=t("modelled_note", lang),
    )
    widgets.quarter_facts(ctx.quarter, ref=ctx.data.ref, lang=lang)
