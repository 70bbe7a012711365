"""Wärmeplanung page, section "supply areas and target scenario" (WPG §17-§19).

A map of the blocks coloured by their area category in the chosen Stützjahr (select slider,
in the URL as ``jahr``, clamped to the nearest Stützjahr), the table beside the map, a table
per block (category, likelihoods, criteria with units), the target indicators per Stützjahr
(charts and table) and a GeoPackage download. Public and workshop servers show only the
public Baublöcke (at least N buildings, :func:`quartier_geo.ui.data.public_plan_blocks`) and pooled
indicator groups (:func:`quartier_geo.domain.heatplan_indicators.pooled_rows`).
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import Lang, label, t
from quartier_geo.base.numfmt import fmt_exact
from quartier_geo.domain import heatplan_indicators as hpi
from quartier_geo.domain.costs import AREA_COST_YEAR
from quartier_geo.domain.supply_areas import (
    CATEGORY_COLORS,
    NO_BUILDINGS,
    AreaCategory,
    likelihood_label,
)
from quartier_geo.exports.heatplan import AREAS_LAYER, write_heatplan
from quartier_geo.exports.public import public_areas
from quartier_geo.ui import mapview, state, widgets
from quartier_geo.ui.data import (
    current,
    min_buildings,
    plan_bundle,
    plan_key,
    public_cut,
    public_plan_blocks,
    public_plan_withheld,
)
from quartier_geo.ui.frame import Context
from quartier_geo.views import charts_heatplan, maps

__all__ = [
    "YEAR",
    "download_layer",
    "heatplan",
    "nearest_year",
    "rules_frame",
    "section",
    "shown_plan",
]

#: URL parameter of the Stützjahr.
YEAR = "jahr"
_KINDS = ("network", "decentral", "hydrogen")


@st.cache_resource(max_entries=24, show_spinner=False)
def _heatplan(quarter_id: int, key: str) -> hpi.HeatPlan:
    return hpi.quarter_heatplan(
        plan_bundle(quarter_id), ref=current().ref, heat_cost_year=AREA_COST_YEAR
    )


def heatplan(quarter_id: int) -> hpi.HeatPlan:
    """The heat plan of a quarter on its Baublöcke (:func:`quartier_geo.ui.data.plan_bundle`;
    all blocks; rule C1 with the costs of :data:`AREA_COST_YEAR`; cached, never mutate)."""
    return _heatplan(quarter_id, plan_key(quarter_id))


def shown_plan(ctx: Context) -> tuple[hpi.HeatPlan, set[str] | None]:
    """The plan this audience may see and the ids of the shown blocks (None: all).
    Public and workshop: the public blocks, pooled indicator rows, hidden small carriers."""
    plan = heatplan(ctx.quarter_id)
    if ctx.planner:
        return plan, None
    n = min_buildings()
    ids = set(public_plan_blocks(ctx.quarter_id))
    pooled = hpi.pooled_rows(plan.rows, min_buildings=n)
    areas = _public_areas(ctx.quarter_id, plan, ids)
    summary = hpi.public_summary(plan.summary, pooled)
    return dataclasses.replace(plan, areas=areas, rows=pooled, summary=summary), ids


def _public_areas(quarter_id: int, plan: hpi.HeatPlan, ids: set[str]) -> gpd.GeoDataFrame | None:
    """The areas of the public blocks ``ids``: blocks without buildings without criteria,
    no linear heat density drawn from withheld street segments
    (:func:`quartier_geo.exports.public.public_areas`)."""
    if plan.areas is None:
        return None
    areas = plan.areas[plan.areas["block_id"].astype(str).isin(ids)]
    streets = public_cut(quarter_id).streets
    return public_areas(
        areas,
        rules=plan.rules,
        streets=plan_bundle(quarter_id).streets,
        public_street_ids=None if streets is None else set(streets.shown["street_id"]),
    )


def download_layer(quarter_id: int, *, public: bool) -> gpd.GeoDataFrame:
    """The ``waermeversorgungsgebiete`` layer for the Daten page's downloads."""
    from quartier_geo.exports.heatplan import areas_layer

    plan = heatplan(quarter_id)
    ids = None
    if public:
        ids = set(public_plan_blocks(quarter_id))
        plan = dataclasses.replace(plan, areas=_public_areas(quarter_id, plan, ids))
    return areas_layer(plan, block_ids=ids)


def nearest_year(years: list[int]) -> Callable[[str], int]:
    """A parser for the URL: the Stützjahr nearest to a number (``2099`` -> 2045); text,
    NaN and infinity raise ValueError (the default is taken)."""

    def parse(raw: str) -> int:
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(raw)
        return min(years, key=lambda y: (abs(y - value), y))

    return parse


_SIGNS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def rules_frame(table: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """wpg_area_rules.csv for reading: the rule's code (named parameters shown as "–"), the
    condition as text ("≥ 415 MWh/(ha·a)"), the level or step, the year, the meaning in
    ``lang``, source and status. The raw criterion names stay in the file."""
    conditions = []
    for row in table.itertuples(index=False):
        if pd.isna(row.threshold):
            conditions.append("–")
            continue
        sign = _SIGNS.get(str(row.operator), "=") if isinstance(row.operator, str) else "="
        if row.unit == "a":  # a year (the scenario's start): no thousands separator
            conditions.append(f"{sign} {int(row.threshold)}")
            continue
        unit = f" {row.unit}" if isinstance(row.unit, str) else ""
        conditions.append(f"{sign} {fmt_exact(float(row.threshold), lang=lang)}{unit}")
    return pd.DataFrame(
        {
            "kind": table["kind"].to_numpy(),
            "rule_id": ["–" if "_" in str(r) else str(r) for r in table["rule_id"]],
            "condition": conditions,
            "score": table["score"].to_numpy(),
            "year": table["year"].astype("Int64").to_numpy(),
            f"note_{lang}": table[f"note_{lang}"].to_numpy(),
            "source": table["source"].to_numpy(),
            "status": table["status"].to_numpy(),
        }
    )


def _category_label(value: object, lang: Lang) -> str:
    return t(f"area_cat_{value}", lang)


def _carrier_label(value: str, lang: Lang) -> str:
    return t("hp_other", lang) if value == hpi.OTHER else label("heating_carrier", value, lang)


def _year(ctx: Context, years: list[int]) -> int:
    state.init_from_query(YEAR, years[0], parse=nearest_year(years))
    st.select_slider(
        t("hp_year", ctx.lang), options=years, help=t("hp_year_help", ctx.lang),
        **state.widget_kwargs(YEAR),
    )  # fmt: skip
    state.write_query(YEAR)
    return int(state.get(YEAR, years[0]))


def _block_frame(areas: pd.DataFrame, year: int, *, plan: hpi.HeatPlan, lang: Lang) -> pd.DataFrame:
    out = areas.assign(
        _category=[_category_label(v, lang) for v in areas[f"category_{year}"]],
        **{
            f"_{k}": [likelihood_label(v, plan.rules, lang) for v in areas[f"{k}_{year}"]]
            for k in _KINDS
        },
    )
    return out


def _map(ctx: Context, frame: gpd.GeoDataFrame) -> None:
    lang = ctx.lang
    names: dict[object, str] = {
        _category_label(c.value, lang): CATEGORY_COLORS[c] for c in AreaCategory
    }
    if (frame["_category"] == _category_label(NO_BUILDINGS, lang)).any():  # public blocks
        names[_category_label(NO_BUILDINGS, lang)] = "#BBBBBB"
    colour = maps.ColourBy(
        "_category",
        t("hp_category", lang),
        colouring=maps.Colouring(categorical=True, colors=names),
        note=t("modelled_short", lang),
    )
    m = maps.quarter_map(
        frame,
        colour,
        context=maps.MapContext(quarter=ctx.data.quarter_frame(ctx.quarter_id)),
        info=maps.FeatureInfo(
            tooltip=[
                ("_category", t("hp_category", lang), ""),
                ("buildings", t("buildings", lang), ""),
                ("heat_density_mwh_per_ha_a", t("hp_density", lang), "MWh/(ha·a)"),
                ("_network", t("hp_lk_network", lang), ""),
                ("_decentral", t("hp_lk_decentral", lang), ""),
            ],
            title_column="block_id",
            id_column="block_id",
        ),
        display=maps.Display(lang=lang, font_px=widgets.map_font_px()),
    )
    mapview.static_map(m, height=560 if ctx.workshop else 480, title=t("hp_map_title", lang))
    mapview.map_table(
        frame,
        colour,
        mapview.MapTable(
            t("blocks_count", lang),
            figures={"consumption_mwh_per_a": (t("hp_consumption", lang), "MWh/a", 0)},
            count_column="buildings",
            min_buildings=None if ctx.planner else min_buildings(),
        ),
        lang=lang,
    )


def _block_table(frame: pd.DataFrame, lang: Lang) -> None:
    widgets.table(
        frame,
        columns={
            "block_id": (t("hp_block", lang), None, None),
            "buildings": (t("buildings", lang), None, 0),
            "_category": (t("hp_category", lang), None, 0),
            "_network": (t("hp_lk_network", lang), None, 0),
            "_decentral": (t("hp_lk_decentral", lang), None, 0),
            "_hydrogen": (t("hp_lk_hydrogen", lang), None, 0),
            "heat_density_mwh_per_ha_a": (t("hp_density", lang), "MWh/(ha·a)", 0),
            "demand_density_mwh_per_ha_a": (t("hp_demand_density", lang), "MWh/(ha·a)", 0),
            "linear_heat_density_kwh_per_m_a": (t("linear_heat_density", lang), "kWh/(m·a)", 0),
            "network_distance_m": (t("hp_network_distance", lang), "m", 0),
            "source_distance_m": (t("hp_source_distance", lang), "m", 0),
            "consumption_mwh_per_a": (t("hp_consumption", lang), "MWh/a", 0),
            "heat_demand_mwh_per_a": (t("heat_demand", lang), "MWh/a", 0),
        },
        lang=lang,
        style=widgets.TableStyle(key="hp_block_table"),
    )


def _indicators(ctx: Context, plan: hpi.HeatPlan) -> None:
    lang = ctx.lang
    st.subheader(t("hp_indicators", lang))
    st.caption(t("hp_indicators_intro", lang))
    carriers = {c: _carrier_label(c, lang) for c in plan.rows["carrier"].unique()}
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('hp_final_by_carrier', lang)}**")
        widgets.chart(
            charts_heatplan.carrier_bars(plan.rows, labels=carriers, lang=lang), key="hp_final"
        )
    with right:
        st.markdown(f"**{t('hp_co2_by_carrier', lang)}**")
        fig = charts_heatplan.carrier_bars(
            plan.rows, value="co2_t_per_a", labels=carriers, lang=lang
        )
        widgets.chart(fig, key="hp_co2")
    names = {
        "grid_bound_share": t("hp_grid_bound_share", lang),
        "heat_network_share": t("hp_heat_network_share", lang),
        "gas_grid_share": t("hp_gas_grid_share", lang),
    }
    st.markdown(f"**{t('hp_shares', lang)}**")
    widgets.chart(
        charts_heatplan.indicator_lines(plan.summary, names=names, lang=lang), key="hp_shares"
    )
    summary = plan.summary.reset_index()
    for column in ("grid_bound_share", "heat_network_share", "gas_grid_share"):
        summary[column] = 100.0 * summary[column]
    widgets.table(
        summary,
        columns={
            "year": (t("hp_year", lang), None, None),
            "final_energy_mwh_per_a": (t("final_energy", lang), "MWh/a", 0),
            "co2_t_per_a": (t("co2", lang), "t/a", 0),
            "grid_bound_share": (names["grid_bound_share"], "%", 1),
            "buildings_heat_network": (t("hp_buildings_heat_network", lang), None, 0),
            "buildings_gas_grid": (t("hp_buildings_gas_grid", lang), None, 0),
        },
        lang=lang,
        style=widgets.TableStyle(static=True),
    )
    sectors = plan.rows.assign(
        sector=[t(f"hp_sector_{s}", lang) for s in plan.rows["sector"]],
        carrier=[carriers[c] for c in plan.rows["carrier"]],
    )
    with st.expander(t("hp_by_sector", lang)):
        widgets.table(
            sectors,
            columns={
                "year": (t("hp_year", lang), None, None),
                "sector": (t("hp_sector", lang), None, 0),
                "carrier": (t("heating_carrier", lang), None, 0),
                "buildings": (t("buildings", lang), None, 1),
                "final_energy_mwh_per_a": (t("final_energy", lang), "MWh/a", 0),
                "co2_t_per_a": (t("co2", lang), "t/a", 0),
            },
            lang=lang,
            style=widgets.TableStyle(key="hp_sector_table"),
        )
    areas, costs = plan.areas, plan.heat_costs
    if areas is not None and costs is not None:
        both = costs.dropna().index
        priced = int(areas["block_id"].astype(str).isin(both).sum())
        st.caption(
            t("hp_cost_rule", lang).format(
                year=plan.heat_cost_year, priced=priced, blocks=len(areas)
            )
        )


def _download(ctx: Context, plan: hpi.HeatPlan, ids: set[str] | None) -> None:
    with tempfile.TemporaryDirectory(prefix="qg-heatplan-") as tmp:
        path = write_heatplan(plan, Path(tmp) / "plan.gpkg", block_ids=ids)
        data = path.read_bytes()
    st.download_button(
        t("hp_download", ctx.lang),
        data=data,
        file_name=f"waermeplan_{AREAS_LAYER}_{ctx.quarter_id}.gpkg",
        mime="application/geopackage+sqlite3",
        key="hp_download",
    )


def section(ctx: Context) -> None:
    """The section: Stützjahr, map with legend and table, blocks, indicators, download."""
    lang = ctx.lang
    st.subheader(t("hp_areas", lang))
    st.caption(t("hp_areas_intro", lang))
    plan, ids = shown_plan(ctx)
    year = _year(ctx, plan.rules.years)
    if plan.areas is None or plan.areas.empty:
        st.info(t("hp_no_blocks", lang))
    else:
        frame = _block_frame(plan.areas, year, plan=plan, lang=lang)
        _map(ctx, frame)
        if ids is not None:
            units, buildings = public_plan_withheld(ctx.quarter_id)
            st.caption(
                t("privacy_rule", lang).format(n=min_buildings())
                + " "
                + t("privacy_withheld_blocks_note", lang).format(units=units, buildings=buildings)
                + " "
                + t("hp_public_areas_note", lang).format(n=min_buildings())
            )
        with st.expander(t("hp_block_table_title", lang).format(year=year)):
            _block_table(frame, lang)
    st.caption(t("hp_rules_note", lang))
    with st.expander(t("hp_rules", lang)):
        widgets.reference_table(rules_frame(plan.rules.table, lang), lang=lang, key="hp_rules")
    _indicators(ctx, plan)
    _download(ctx, plan, ids)
