"""Wärmeplanung page, section "Erstes Wärmenetz": trenches from a source to chosen blocks.

The planner picks blocks (default: the blocks of the densest heat-density class) and the
source (the nearest existing network, or a point in EPSG:25832); the layout of
:mod:`quartier_geo.domain.network` is drawn on the map (trenches, source, connected blocks)
with a table of figures. Layouts are cached per quarter, blocks and source
(``st.cache_data``).

Public and workshop servers: only blocks shown publicly can be chosen, the layout is shown
only when it connects at least the privacy minimum of buildings and leaves out none or at
least that many (block consumption minus connected demand would be theirs); no service
pipe is drawn and the main pipe only between street nodes
(:func:`quartier_geo.domain.network.public_trenches`: no dead end at a building's foot
point); the lengths stay in the figures.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from shapely.geometry import Point

from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.numfmt import Lang, fmt_number
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import network
from quartier_geo.ui import mapview, widgets
from quartier_geo.ui.data import (
    min_buildings,
    plan_bundle,
    plan_key,
    public_plan_blocks,
    quarter_bundle,
)
from quartier_geo.ui.frame import Context
from quartier_geo.views import maps
from quartier_geo.views.palette import HEAT_NETWORK_COLOR, POTENTIAL_COLOR

__all__ = ["parameters_table", "section"]

_TRENCH_KINDS = ("main", "source_link", "service")
_TRENCH_COLORS = (HEAT_NETWORK_COLOR, "#CC79A7", POTENTIAL_COLOR)
_SOURCE_COLOR = "#000000"
_BLOCK_COLOR = "#F0E442"


@dataclasses.dataclass(frozen=True)
class _Result:
    trenches: gpd.GeoDataFrame
    figures: dict[str, Any]
    source: tuple[float, float]
    left_out: int
    network_id: object


@st.cache_data(max_entries=32, show_spinner=False)
def _layout(
    quarter_id: int, blocks: tuple[str, ...], source: tuple[float, float] | None, key: str
) -> _Result:
    """The layout of the Baublöcke ``blocks`` from ``source`` (None: the nearest existing
    network); ``key``: :func:`quartier_geo.ui.data.plan_key`."""
    data = plan_bundle(quarter_id)
    chosen = network.select_blocks(data.buildings, blocks)
    network_id: object = None
    if source is None:
        point, network_id = network.network_source_point(data.networks, chosen)
    else:
        point = Point(*source)
    layout = network.layout_network(chosen, data.streets, point)
    params = network.layout_parameters(layout, load_reference())
    figures = dataclasses.asdict(network.network_figures(layout, params))
    return _Result(
        trenches=layout.trenches,
        figures=figures,
        source=(point.x, point.y),
        left_out=len(layout.left_out),
        network_id=network_id,
    )


def _block_options(ctx: Context) -> list[str]:
    """The Baublöcke with buildings; public and workshop: the public ones."""
    data = plan_bundle(ctx.quarter_id)
    if data.blocks is None:
        return []
    ids = data.blocks.loc[data.blocks["buildings"] > 0, "block_id"].astype(str)
    if not ctx.planner:
        ids = ids[ids.isin(public_plan_blocks(ctx.quarter_id))]
    return sorted(ids)


def _source_input(ctx: Context) -> tuple[float, float] | None:
    kind = st.radio(
        ctx.t("network_source"),
        ["network", "point"],
        format_func=lambda k: ctx.t(f"network_source_{k}"),
        horizontal=True,
        key="network_source_kind",
    )
    if kind != "point":
        return None
    data = quarter_bundle(ctx.quarter_id)
    centre = shapely.centroid(shapely.union_all(data.buildings.to_crs(WORK_CRS).geometry.values))
    c1, c2 = st.columns(2)
    x = c1.number_input(
        ctx.t("network_x"), value=float(round(centre.x)), step=10.0, format="%.0f", key="network_x"
    )
    y = c2.number_input(
        ctx.t("network_y"), value=float(round(centre.y)), step=10.0, format="%.0f", key="network_y"
    )
    return (float(x), float(y))


def _map(ctx: Context, result: _Result, blocks: tuple[str, ...]) -> None:
    data = plan_bundle(ctx.quarter_id)
    lang = ctx.lang
    assert data.blocks is not None
    shown = data.blocks[data.blocks["block_id"].astype(str).isin(blocks)]
    shown = shown[["block_id", "geometry"]].assign(network_block="connected")
    # only the kinds drawn get a legend entry (no service pipes on public servers)
    kinds = [k for k in _TRENCH_KINDS if (result.trenches["kind"] == k).any()]
    trenches = result.trenches.assign(
        trench_class=result.trenches["kind"].map({k: i for i, k in enumerate(kinds)})
    )
    names = tuple(ctx.t(f"network_trench_{k}") for k in kinds)
    colors = tuple(dict(zip(_TRENCH_KINDS, _TRENCH_COLORS, strict=True))[k] for k in kinds)
    source = gpd.GeoDataFrame(
        {"name": [ctx.t("network_source_marker")]},
        geometry=[Point(*result.source)],
        crs=WORK_CRS,
    )
    label = ctx.t("network_connected_blocks")
    colour = maps.ColourBy(
        "network_block",
        label,
        colouring=maps.Colouring(
            categorical=True, labels={"connected": label}, colors={"connected": _BLOCK_COLOR}
        ),
        fill_opacity=0.35,
    )
    layers = {
        "trenches": maps.LayerSpec(
            trenches,
            label=ctx.t("network_trenches"),
            kind="line",
            class_column="trench_class",
            colors=colors,
            class_names=names,
            legend_title=ctx.t("network_trenches"),
        ),
        "source": maps.LayerSpec(
            source, label=ctx.t("network_source_marker"), kind="point", color=_SOURCE_COLOR
        ),
    }
    m = maps.quarter_map(
        shown,
        colour,
        context=maps.MapContext(quarter=data.quarter, layers=layers),
        info=maps.FeatureInfo(
            tooltip=[("block_id", ctx.t("network_block"), "")], id_column="block_id"
        ),
        display=maps.Display(lang=lang, font_px=widgets.map_font_px()),
    )
    mapview.static_map(m, height=520, title=ctx.t("network_map_title"))


def _value(value: float | None, decimals: int, lang: Lang) -> str:
    return "–" if value is None else fmt_number(value, lang=lang, decimals=decimals)


def _table(ctx: Context, figures: dict[str, Any]) -> None:
    lang = ctx.lang
    rows = [
        ("trench_length_m", "m", 0),
        ("main_length_m", "m", 0),
        ("service_length_m", "m", 0),
        ("connected_buildings", "", 0),
        ("connected_demand_mwh_per_a", "MWh/a", 0),
        ("linear_heat_density_kwh_per_m_a", "kWh/(m·a)", 0),
        ("losses_mwh_per_a", "MWh/a", 0),
        ("investment_main_eur", "€", 0),
        ("investment_eur", "€", 0),
        ("cost_eur_per_mwh", "€/MWh", 1),
        ("heat_pump_cost_eur_per_mwh", "€/MWh", 1),
    ]
    modelled, missing = ctx.t("network_modelled"), ctx.t("network_not_sourced")
    table = pd.DataFrame(
        {
            "figure": [ctx.t(f"network_fig_{k}") for k, _, _ in rows],
            "value": [_value(figures[k], d, lang) for k, _, d in rows],
            "unit": [u or "–" for _, u, _ in rows],
            "status": [modelled if figures[k] is not None else missing for k, _, _ in rows],
        }
    )
    widgets.table(
        table,
        columns={
            "figure": (ctx.t("network_col_figure"), None, None),
            "value": (ctx.t("network_col_value"), None, None),
            "unit": (ctx.t("network_col_unit"), None, None),
            "status": (ctx.t("network_col_status"), None, None),
        },
        lang=lang,
        style=widgets.TableStyle(static=True),
    )


def parameters_table(ctx: Context) -> None:
    """The parameters of ``network_parameters.csv`` with source, status and note (also on
    the Methodik page)."""
    table = load_reference().network_parameters.reset_index()
    lang = ctx.lang
    st.caption(ctx.t("network_sources_note"))
    widgets.table(
        table.assign(value=table["value"].astype(float)),
        columns={
            f"label_{lang}": (ctx.t("ref_col_meaning"), None, None),
            "value": (ctx.t("ref_col_value"), None, 4),
            "unit": (ctx.t("ref_col_unit"), None, None),
            "status": (ctx.t("ref_col_status"), None, None),
            "source": (ctx.t("ref_col_source"), None, None),
            f"note_{lang}": (ctx.t("network_col_note"), None, None),
        },
        lang=lang,
        style=widgets.TableStyle(static=True),
    )


def section(ctx: Context) -> None:
    """The section: block and source pickers, the layout map and its figures."""
    st.header(ctx.t("network_title"))
    st.caption(ctx.t("network_intro"))
    data = plan_bundle(ctx.quarter_id)
    options = _block_options(ctx)
    if data.streets is None or not options:
        st.info(ctx.t("network_unavailable"))
        return
    dense = network.densest_blocks(data.blocks, load_reference().thresholds)
    chosen = st.multiselect(
        ctx.t("network_blocks"),
        options,
        default=[b for b in dense if b in options],
        key=f"network_blocks_{ctx.quarter_id}",
    )
    source = _source_input(ctx)
    if not chosen:
        st.info(ctx.t("network_no_blocks"))
        return
    blocks = tuple(sorted(chosen))
    try:
        result = _layout(ctx.quarter_id, blocks, source, plan_key(ctx.quarter_id))
    except QuartierGeoError as exc:
        st.error(str(exc))
        return
    figures = result.figures
    n = min_buildings()
    if not ctx.planner and figures["connected_buildings"] < n:
        st.warning(ctx.t("network_public_min").format(n=n))
        return
    if not ctx.planner and 0 < result.left_out < n:
        # block consumption minus the connected demand would be the left-out buildings'
        st.warning(ctx.t("network_public_left_out_few").format(n=n))
        return
    if not ctx.planner:
        trenches = network.public_trenches(
            result.trenches, Point(*result.source), plan_bundle(ctx.quarter_id).streets
        )
        result = dataclasses.replace(result, trenches=trenches)
        st.caption(ctx.t("network_public_no_service"))
        st.caption(ctx.t("network_public_main_trimmed"))
    _map(ctx, result, blocks)
    _table(ctx, figures)
    total = figures["connected_buildings"]
    st.caption(
        ctx.t("network_demand_note").format(
            consumption=fmt_number(figures["consumption_buildings"], lang=ctx.lang),
            total=fmt_number(total, lang=ctx.lang),
        )
    )
    if result.left_out:
        st.warning(ctx.t("network_left_out").format(count=result.left_out))
    widgets.modelled_caption(ctx.lang)
    with st.expander(ctx.t("network_sources")):
        parameters_table(ctx)
