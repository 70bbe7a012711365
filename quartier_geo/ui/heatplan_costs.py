"""Wärmeplanung page, section "Potenziale und Wärmegestehungskosten" (issue #9 items 5, 6).

Potentials with energy per quarter and block (WPG §16,
:mod:`quartier_geo.domain.potentials_energy`) and the heat generation cost of each supply
option (:mod:`quartier_geo.domain.costs`) for a chosen year of the CO2 price. Every figure is
modelled; where the reference tables hold no sourced number the cell says "keine belegte
Zahl" and names what is missing. Public and workshop servers show blocks only where the
privacy rule lets them (>= N buildings, :func:`quartier_geo.ui.data.public_plan_blocks`).
Blocks are the Baublöcke of :func:`quartier_geo.ui.data.plan_bundle`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.numfmt import fmt_exact, fmt_number
from quartier_geo.base.settings import min_buildings
from quartier_geo.data.cost_tables import CostTables, load_cost_tables, value_or_none
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import costs, potentials_energy
from quartier_geo.ui import widgets
from quartier_geo.ui.data import (
    plan_bundle,
    plan_key,
    public_plan_blocks,
    public_plan_withheld,
    quarter_bundle,
)
from quartier_geo.ui.frame import Context
from quartier_geo.views import cost_charts

__all__ = ["DEFAULT_YEAR", "YEAR_KEY", "costs_note", "section"]

#: year of the CO2 price shown first (the last year with a fixed BEHG price)
DEFAULT_YEAR = 2025
#: widget key of the year selector
YEAR_KEY = "hpc_year"
_PARTS = {
    "capex_eur_per_mwh": "hpc_part_capex",
    "om_eur_per_mwh": "hpc_part_om",
    "energy_eur_per_mwh": "hpc_part_energy",
    "co2_eur_per_mwh": "hpc_part_co2",
}
_POTENTIALS = {
    "pv_kwh_per_a": "hpc_pot_pv",
    "solar_thermal_kwh_per_a": "hpc_pot_solar_thermal",
    "air_hp_kwh_per_a": "hpc_pot_air_hp",
    "ground_hp_kwh_per_a": "hpc_pot_ground_hp",
}
_KINDS = ("mine_water", "mine_water_candidate", "mine_gas", "waste_heat", "chp")


@st.cache_resource(max_entries=24, show_spinner=False)
def _block_potentials(quarter_id: int, key: str) -> pd.DataFrame:
    data = plan_bundle(quarter_id)  # the Baublöcke: free space = polygon - footprints
    if data.blocks is None:
        return pd.DataFrame()
    spf = float(load_reference().systems.loc["heat_pump_ground", "efficiency"])
    return potentials_energy.block_potentials(
        data.blocks, data.buildings, load_cost_tables(), spf_ground=spf
    )


@st.cache_resource(max_entries=48, show_spinner=False)
def _quarter_costs(quarter_id: int, year: int) -> pd.DataFrame:
    return costs.option_costs(quarter_bundle(quarter_id).buildings, load_reference(), year)


@st.cache_resource(max_entries=48, show_spinner=False)
def _block_costs(quarter_id: int, year: int, key: str) -> pd.DataFrame:
    buildings = plan_bundle(quarter_id).buildings  # block_id = the Baublock
    return costs.block_option_costs(buildings, load_reference(), year)


def _shown_blocks(ctx: Context, table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The Baublöcke this audience may see and how many (with buildings) were withheld."""
    if ctx.planner or table.empty:
        return table, 0
    ids = public_plan_blocks(ctx.quarter_id)
    return table[table.index.astype(str).isin(ids)], public_plan_withheld(ctx.quarter_id)[0]


def _missing_text(missing: list[str], lang: Lang) -> str:
    if not missing:
        return ""
    what = ", ".join(t(f"hpc_missing_{m}", lang) for m in missing)
    return f"{t('cost_missing', lang)}: {what}"


def _mwh(v: float | None, lang: Lang) -> str:
    return t("cost_missing", lang) if v is None or pd.isna(v) else fmt_number(v, lang=lang)


def potentials(ctx: Context) -> None:
    """Potentials with energy per quarter (bar chart) and per block (table), modelled."""
    lang = ctx.lang
    st.subheader(t("hpc_potentials", lang))
    table = _block_potentials(ctx.quarter_id, plan_key(ctx.quarter_id))
    if table.empty:
        st.info(t("hpc_no_blocks", lang))
        return
    n = min_buildings()
    if ctx.planner:
        quarter = potentials_energy.quarter_potentials(table)
    else:  # the total minus the shown blocks must not single out a withheld block
        quarter = potentials_energy.public_quarter_potentials(
            table, public_plan_blocks(ctx.quarter_id), min_buildings=n
        )
        if quarter is None:
            st.info(t("hpc_total_withheld", lang).format(n=n))
    if quarter is not None and (ctx.planner or quarter["buildings"] >= n):
        pairs = [(t("hpc_pot_heat", lang), quarter["useful_heat_kwh_per_a"] / 1000)]
        pairs += [(t(k, lang), quarter[c] / 1000) for c, k in _POTENTIALS.items()]
        widgets.chart(
            cost_charts.potential_bars(pairs, x_title=t("hpc_axis_mwh", lang), lang=lang),
            key="hpc_potential_bars",
        )
        missing = [t(k, lang) for c, k in _POTENTIALS.items() if pd.isna(quarter[c])]
        if missing:
            st.caption(f"{t('cost_missing', lang)}: {', '.join(missing)}")
    with st.expander(t("hpc_block_table", lang)):  # long: collapsed on the projector too
        _potential_table(ctx, table)
    _sites(ctx)


def _potential_table(ctx: Context, table: pd.DataFrame) -> None:
    lang = ctx.lang
    shown, withheld = _shown_blocks(ctx, table)
    out = shown.assign(**{c: shown[c] / 1000 for c in _POTENTIALS})
    out = out.assign(useful_heat_mwh=shown["useful_heat_kwh_per_a"] / 1000)
    out["solar_thermal_kwh_per_a"] = [_mwh(v, lang) for v in out["solar_thermal_kwh_per_a"]]
    widgets.table(
        out.reset_index(),
        columns={
            "block_id": (t("hpc_block", lang), None, None),
            "buildings": (t("hpc_buildings", lang), None, 0),
            "useful_heat_mwh": (t("hpc_pot_heat", lang), "MWh/a", 0),
            "roof_area_m2": (t("hpc_roof_area", lang), "m²", 0),
            "pv_kwh_per_a": (t("hpc_pot_pv", lang), "MWh/a", 0),
            "solar_thermal_kwh_per_a": (t("hpc_pot_solar_thermal", lang), "MWh/a", 0),
            "free_m2": (t("hpc_free_area", lang), "m²", 0),
            "air_hp_kwh_per_a": (t("hpc_pot_air_hp", lang), "MWh/a", 0),
            "boreholes": (t("hpc_boreholes", lang), None, 0),
            "ground_hp_kwh_per_a": (t("hpc_pot_ground_hp", lang), "MWh/a", 0),
        },
        lang=lang,
        style=widgets.TableStyle(key="hpc_potentials_table"),
    )
    note = t("hpc_potentials_note", lang)
    if withheld:
        note += " " + t("hpc_blocks_withheld", lang).format(units=withheld, n=min_buildings())
    st.caption(note)


def _sites(ctx: Context) -> None:
    """Waste heat and mine water sites of the quarter's municipality, with their inputs."""
    lang = ctx.lang
    layer = quarter_bundle(ctx.quarter_id).potentials
    if layer is None or layer.empty:
        return
    sites = potentials_energy.site_potentials(layer, load_reference().potentials)
    town = ctx.quarter.get("municipality") if "municipality" in ctx.quarter.index else None
    if town is not None and "municipality" in sites.columns:
        sites = sites[sites["municipality"] == town]
    if sites.empty:
        return
    st.markdown(f"**{t('hpc_sites', lang)}**")
    kinds = [t(f"hpc_kind_{k}", lang) if k in _KINDS else str(k) for k in sites["kind"]]
    widgets.table(
        sites.assign(
            kind_label=pd.Series(kinds, index=sites.index, dtype="string"),
            energy=pd.Series(
                [_input_or_open(v, lang) for v in sites["energy_mwh_per_a"]],
                index=sites.index,
                dtype="string",
            ),
            temperature=pd.Series(
                [_input_or_open(v, lang) for v in sites["temperature_c"]],
                index=sites.index,
                dtype="string",
            ),
        ),
        columns={
            "name": (t("hpc_site_name", lang), None, None),
            "kind_label": (t("hpc_site_kind", lang), None, None),
            "energy": (t("hpc_site_energy", lang), "MWh/a", None),
            "temperature": (t("hpc_site_temperature", lang), "°C", None),
        },
        lang=lang,
        style=widgets.TableStyle(key="hpc_sites_table"),
    )
    st.caption(t("hpc_sites_note", lang))


def _input_or_open(v: float | None, lang: Lang) -> str:
    return t("hpc_site_open", lang) if v is None or pd.isna(v) else fmt_number(v, lang=lang)


def _co2_caption(tables: CostTables, year: int, lang: Lang) -> str:
    price = value_or_none(tables.co2, year, "price_eur_per_t")
    if price is None:
        return t("hpc_co2_missing", lang).format(year=year)
    high = value_or_none(tables.co2, year, "price_max_eur_per_t")
    text = t("hpc_co2_price", lang).format(year=year, price=fmt_number(price, lang=lang))
    if high is not None:
        text += " " + t("hpc_co2_corridor", lang).format(high=fmt_number(high, lang=lang))
    return text


def costs_note(lang: Lang, tables: CostTables | None = None) -> str:
    """The method caption of the cost table; interest, period and full-load hours from
    ``cost_parameters.csv`` (never typed into the text)."""
    tables = tables if tables is not None else load_cost_tables()
    rate = value_or_none(tables.params, "interest_rate")
    return t("hpc_costs_note", lang).format(
        hours=fmt_exact(value_or_none(tables.params, "full_load_hours_h_per_a"), lang=lang),
        rate=fmt_exact(None if rate is None else rate * 100, lang=lang),
        years=fmt_exact(value_or_none(tables.params, "period_a"), lang=lang),
    )


def cost_comparison(ctx: Context) -> None:
    """Heat generation cost of the options (stacked bars, table) for a CO2 price year."""
    lang = ctx.lang
    st.subheader(t("hpc_costs", lang))
    tables = load_cost_tables()
    years = [int(y) for y in tables.co2.index]
    year = st.selectbox(
        t("hpc_year", lang),
        years,
        index=years.index(DEFAULT_YEAR) if DEFAULT_YEAR in years else 0,
        key=YEAR_KEY,
    )
    st.caption(_co2_caption(tables, int(year), lang))
    table = _quarter_costs(ctx.quarter_id, int(year))
    options = load_reference().supply_options
    labels = options[widgets.lang_column("label", lang)].to_dict()
    if table["cost_eur_per_mwh"].notna().any():
        fig = cost_charts.cost_bars(
            table,
            parts={c: t(k, lang) for c, k in _PARTS.items()},
            option_labels=labels,
            y_title=t("hpc_axis_eur_per_mwh", lang),
            lang=lang,
        )
        widgets.chart(fig, key="hpc_cost_bars")
    rows = table.assign(
        label=table["option"].map(labels),
        total=[_mwh(v, lang) for v in table["cost_eur_per_mwh"]],
        **{c: [_mwh(v, lang) for v in table[c]] for c in _PARTS},
        note=[_missing_text(m, lang) for m in table["missing"]],
    )
    widgets.table(
        rows,
        columns={
            "label": (t("option", lang), None, None),
            "total": (t("hpc_cost_total", lang), "€/MWh", None),
            **{c: (t(k, lang), "€/MWh", None) for c, k in _PARTS.items()},
            "note": (t("hpc_missing", lang), None, None),
        },
        lang=lang,
        style=widgets.TableStyle(static=True),
    )
    st.caption(costs_note(lang, tables))
    with st.expander(t("hpc_block_costs", lang)):
        _block_cost_table(ctx, int(year), labels)


def _block_cost_table(ctx: Context, year: int, labels: dict[str, str]) -> None:
    lang = ctx.lang
    long = _block_costs(ctx.quarter_id, year, plan_key(ctx.quarter_id))
    if long.empty:
        return
    wide = long.pivot(index="block_id", columns="option", values="cost_eur_per_mwh")
    wide = wide[[o for o in labels if o in wide.columns]]  # the options' own order
    wide.insert(0, "buildings", long.groupby("block_id")["buildings"].first())
    shown, withheld = _shown_blocks(ctx, wide)
    priced = [o for o in wide.columns[1:] if shown[o].notna().any()]
    out = shown.reset_index()
    for o in priced:
        out[o] = [_mwh(v, lang) for v in out[o]]
    widgets.table(
        out,
        columns={
            "block_id": (t("hpc_block", lang), None, None),
            "buildings": (t("hpc_buildings", lang), None, 0),
            **{o: (labels.get(o, o), "€/MWh", None) for o in priced},
        },
        lang=lang,
        style=widgets.TableStyle(key="hpc_block_costs_table"),
    )
    note = t("hpc_block_costs_note", lang)
    if withheld:
        note += " " + t("hpc_blocks_withheld", lang).format(units=withheld, n=min_buildings())
    st.caption(note)


def section(ctx: Context) -> None:
    """The whole section: potentials, then the cost comparison."""
    st.header(t("hpc_title", ctx.lang))
    st.caption(t("hpc_intro", ctx.lang))
    potentials(ctx)
    cost_comparison(ctx)
