"""Quarter map page: colouring options, layers, the building (or block) map with the
building card, and the quarter's fact panel.

The choices are persistent and mirrored into the URL (``color_b``, ``breaks``, ``k``,
``layers``). Public and workshop servers show blocks of at least N buildings only: no
single building, no card, no layers (:mod:`quartier_geo.domain.privacy`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import streamlit as st

from quartier_geo.base.columns import AGE_CLASS_YEARS
from quartier_geo.base.i18n import Lang, label, t
from quartier_geo.base.modes import Mode
from quartier_geo.domain.blocks import block_ratio
from quartier_geo.ui import buildingcard, mapview, state, widgets
from quartier_geo.ui.data import (
    Bundle,
    chart_buildings,
    import_record,
    min_buildings,
    public_cut,
    quarter_buildings,
    quarter_grid,
    quarter_streets,
)
from quartier_geo.ui.frame import Context
from quartier_geo.views import charts, maps
from quartier_geo.views.classify import Method

__all__ = [
    "BREAK_METHODS",
    "CLASS_COUNTS",
    "LAYERS",
    "ViewChoice",
    "block_rows",
    "choose_view",
    "colour_options",
    "extra_layers",
    "fact_panel",
    "header",
    "map_and_card",
    "parse_layers",
    "show",
]

BREAK_METHODS = ("quantiles", "equal_interval", "natural_breaks")
LAYERS = ("streets", "grid", "heat_networks", "potentials")
#: Numbers of classes offered for numeric colourings.
CLASS_COUNTS = (3, 4, 5, 6, 7)
#: Other layers within this distance of the quarter are drawn (m).
NEARBY_M = 3000.0

#: column -> (title key, unit, categorical, vocabulary for labels)
_BUILDING_COLOURS: dict[str, tuple[str, str | None, bool, str | None]] = {
    "age_class": ("age_class", None, True, "age_class"),
    "building_type": ("building_type", None, True, "building_type"),
    "useful_heat_kwh_per_m2a": ("specific_demand", "kWh/(m²·a)", False, None),
    "useful_heat_kwh_per_a": ("heat_demand", "kWh/a", False, None),
    "co2_t_per_a": ("co2", "t/a", False, None),
    "potential_usual_kwh_per_a": ("potential_usual", "kWh/a", False, None),
    "potential_advanced_kwh_per_a": ("potential_advanced", "kWh/a", False, None),
    "heating_carrier": ("heating_carrier", None, True, "heating_carrier"),
    "refurbishment_state": ("refurbishment_state", None, True, "refurbishment_state"),
    "owner_type": ("owner_type", None, True, "owner_type"),
}
#: Public mode: block totals or block ratios only (no single building is shown).
_BLOCK_COLOURS: dict[str, tuple[str, str | None, bool, str | None]] = {
    "useful_heat_kwh_per_m2a": ("specific_demand", "kWh/(m²·a)", False, None),
    "useful_heat_kwh_per_a": ("heat_demand", "kWh/a", False, None),
    "co2_t_per_a": ("co2", "t/a", False, None),
    "potential_usual_kwh_per_a": ("potential_usual", "kWh/a", False, None),
}


@dataclass(frozen=True)
class ViewChoice:
    quarter_id: int
    colour: str
    method: str
    k: int
    layers: tuple[str, ...]
    lang: Lang
    mode: Mode


def colour_options(
    lang: Lang, *, public: bool
) -> dict[str, tuple[str, str | None, bool, str | None]]:
    """Colouring choices: column -> (title, unit, categorical, vocabulary)."""
    table = _BLOCK_COLOURS if public else _BUILDING_COLOURS
    return {col: (t(key, lang), unit, cat, vocab) for col, (key, unit, cat, vocab) in table.items()}


def parse_layers(raw: str) -> str:
    keys = [k for k in raw.split(",") if k in LAYERS]
    return ",".join(keys)


def _age_label(code: str, lang: Lang) -> str:
    start, end = AGE_CLASS_YEARS[code]
    if start is None:
        return f"{code} ({t('age_up_to', lang).format(year=end)})"
    if end is None:
        return f"{code} ({t('age_from', lang).format(year=start)})"
    return f"{code} ({start}–{end})"


def value_labels(vocab: str | None, values: object, lang: Lang) -> dict[object, str] | None:
    if vocab is None:
        return None
    if vocab == "age_class":
        return {v: _age_label(str(v), lang) for v in AGE_CLASS_YEARS}
    return {v: label(vocab, v, lang) for v in values}  # type: ignore[attr-defined]


def _nearby(layer: gpd.GeoDataFrame, quarter: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    area = quarter.geometry.iloc[0].buffer(NEARBY_M)
    return layer[layer.intersects(area)]


def extra_layers(view: ViewChoice, data: Bundle) -> dict[str, gpd.GeoDataFrame]:
    quarter = data.quarter_frame(view.quarter_id)
    out: dict[str, gpd.GeoDataFrame] = {}
    for key in view.layers:
        if key == "streets":
            out[key] = quarter_streets(view.quarter_id)
        elif key == "grid":
            out[key] = quarter_grid(view.quarter_id)
        elif key == "heat_networks":
            out[key] = _nearby(data.heat_networks, quarter)
        elif key == "potentials":
            out[key] = _nearby(data.potentials, quarter)
    return {k: v for k, v in out.items() if not v.empty}


def show(view: ViewChoice, *, data: Bundle, options: Mapping[str, tuple[Any, ...]]) -> object:
    """Draw the map; return the id of the clicked building (None in public mode)."""
    lang = view.lang
    title, unit, categorical, vocab = options[view.colour]
    quarter = data.quarter_frame(view.quarter_id)
    buildings = quarter_buildings(view.quarter_id)
    font = widgets.map_font_px()
    method: Method = view.method if view.method in BREAK_METHODS else "quantiles"  # type: ignore[assignment]
    note = t("modelled_short", lang)
    if view.mode is not Mode.PLANNER:
        ratio = view.colour == "useful_heat_kwh_per_m2a"
        n = min_buildings()
        kept = public_cut(view.quarter_id).block_buildings
        colour = maps.ColourBy(
            "useful_heat_kwh_per_a" if ratio else view.colour,
            f"{title} – {t('per_block', lang)}",
            colouring=maps.Colouring(method=method, k=view.k),
            unit=unit,
            note=note,
        )
        blocks = maps.BlockValues(
            denominator_column="conditioned_floor_area_m2" if ratio else None,
            value_label=title,
            min_buildings=n,
        )
        m = maps.block_map(
            kept.shown,
            colour,
            blocks=blocks,
            context=maps.MapContext(quarter=quarter),
            display=maps.Display(lang=lang, font_px=font),
        )
        mapview.static_map(m, height=_map_height(view))
        _block_table(kept.shown, colour, blocks, lang=lang)
        st.caption(
            t("privacy_rule", lang).format(n=n)
            + " "
            + t("privacy_withheld_blocks_note", lang).format(
                units=kept.units, buildings=kept.buildings
            )
        )
        return None
    display = buildings.assign(
        type_label=[label("building_type", v, lang) for v in buildings["building_type"]]
    )
    tooltip = [
        ("address", t("address", lang), ""),
        ("type_label", t("building_type", lang), ""),
        ("age_class", t("age_class", lang), ""),
        ("useful_heat_kwh_per_a", t("heat_demand", lang), "kWh/a"),
    ]
    if view.colour not in {c for c, *_ in tooltip} and not categorical:
        tooltip.append((view.colour, title, unit or ""))
    colouring = maps.Colouring(
        categorical=categorical,
        labels=value_labels(vocab, buildings[view.colour].unique(), lang),
        method=method,
        k=view.k,
    )
    colour = maps.ColourBy(view.colour, title, colouring=colouring, unit=unit, note=note)
    m = maps.quarter_map(
        display,
        colour,
        context=maps.MapContext(
            quarter=quarter,
            layers={
                k: maps.default_layer_spec(k, v, lang=lang, thresholds=data.ref.thresholds)
                for k, v in extra_layers(view, data).items()
            },
        ),
        info=maps.FeatureInfo(
            tooltip=tooltip, title_column="address", selected_id=buildingcard.selected()
        ),
        display=maps.Display(lang=lang, assets="st_folium", font_px=font),
    )
    clicked = mapview.clickable_map(m, key=f"qmap_{view.quarter_id}", height=_map_height(view))
    st.caption(t("click_building_hint", lang))
    mapview.map_table(
        display.assign(heat_mwh=display["useful_heat_kwh_per_a"] / 1000.0),
        colour,
        mapview.MapTable(t("buildings", lang), figures=_figures(lang)),
        lang=lang,
    )
    return clicked


def _map_height(view: ViewChoice) -> int:
    """The map's height (px): in the workshop it fits a 1080 px projector below the header."""
    return 560 if view.mode is Mode.WORKSHOP else 620


def _figures(lang: Lang) -> dict[str, tuple[str, str | None, int | None]]:
    return {
        "heat_mwh": (t("heat_demand", lang), "MWh/a", 0),
        "co2_t_per_a": (t("co2", lang), "t/a", 0),
    }


def block_rows(
    buildings: gpd.GeoDataFrame, colour: maps.ColourBy, blocks: maps.BlockValues
) -> gpd.GeoDataFrame:
    """The blocks of a public block map with the value it colours (``block_value``) and the
    sums of its table, as :func:`quartier_geo.views.maps.block_map` computes them."""
    columns = list(
        dict.fromkeys(
            [colour.column, "useful_heat_kwh_per_a", "co2_t_per_a"]
            + ([blocks.denominator_column] if blocks.denominator_column else [])
        )
    )
    grouped = maps.aggregate_to_blocks(
        buildings,
        value_columns=columns,
        block_column=blocks.block_column,
        min_buildings=blocks.min_buildings,
    )
    value = grouped[colour.column]
    if blocks.denominator_column:
        value = block_ratio(grouped, colour.column, blocks.denominator_column)
    return grouped.assign(block_value=value, heat_mwh=grouped["useful_heat_kwh_per_a"] / 1000.0)


def _block_table(
    buildings: gpd.GeoDataFrame, colour: maps.ColourBy, blocks: maps.BlockValues, *, lang: Lang
) -> None:
    rows = block_rows(buildings, colour, blocks)
    mapview.map_table(
        rows,
        dataclasses.replace(colour, column="block_value"),
        mapview.MapTable(
            t("blocks_count", lang),
            figures=_figures(lang),
            count_column="buildings",
            min_buildings=blocks.min_buildings,
        ),
        lang=lang,
    )


def header(ctx: Context) -> None:
    st.title(f"{ctx.t('page_quarter_map')}: {ctx.quarter_name}")
    widgets.synthetic_banner(ctx.lang, record=import_record(ctx.quarter_id))


def choose_view(ctx: Context) -> ViewChoice:
    """Colouring, class breaks and count (not in the workshop), layers (not in public)."""
    lang = ctx.lang
    options = colour_options(lang, public=not ctx.planner)
    state.init_from_query("color_b", next(iter(options)), options=list(options))
    state.init_from_query("breaks", "quantiles", options=list(BREAK_METHODS))
    state.init_from_query("k", 5, options=list(CLASS_COUNTS), parse=int)
    state.init_from_query("layers", "streets", parse=parse_layers)
    c1, c2, c3 = st.columns([3, 2, 1])
    with c1:
        colour = st.selectbox(
            t("color_by", lang),
            list(options),
            format_func=lambda c: options[c][0],
            **state.widget_kwargs("color_b"),
        )
    if not ctx.workshop:
        with c2:
            st.segmented_control(
                t("class_breaks", lang),
                list(BREAK_METHODS),
                format_func=lambda m: t("breaks_" + m, lang),
                **state.widget_kwargs("breaks"),
            )
        with c3:
            st.selectbox(t("classes", lang), list(CLASS_COUNTS), **state.widget_kwargs("k"))
    layers: list[str] = []
    if ctx.planner:
        layers = st.multiselect(
            t("layers", lang),
            list(LAYERS),
            format_func=lambda key: t("layer_" + key, lang),
            default=[x for x in state.get("layers", "streets").split(",") if x],
            key="_w_layers_ms",
        )
        st.session_state["layers"] = ",".join(layers)
        state.write_query("layers")
    return ViewChoice(
        quarter_id=ctx.quarter_id,
        colour=str(state.get("color_b", colour)),
        method=str(state.get("breaks", "quantiles")),
        k=int(state.get("k", 5)),
        layers=tuple(layers),
        lang=lang,
        mode=ctx.mode,
    )


@st.fragment
def map_and_card(ctx: Context, view: ViewChoice) -> None:
    """The map and, beside it, the card of the clicked building (a fragment: a click reruns
    only this part)."""
    options = colour_options(ctx.lang, public=not ctx.planner)
    if not ctx.planner:
        show(view, data=ctx.data, options=options)
        return
    col_map, col_card = st.columns([3, 1])
    with col_map:
        clicked = show(view, data=ctx.data, options=options)
    with col_card:
        buildingcard.show(
            quarter_buildings(ctx.quarter_id), clicked, ref=ctx.data.ref, lang=ctx.lang
        )


def fact_panel(ctx: Context) -> None:
    """Key figures, reported facts and the heat demand by building type and age."""
    lang = ctx.lang
    st.subheader(t("fact_sheet", lang))
    row = ctx.data.figure(ctx.quarter_id)
    widgets.metric_row(
        [
            (t("buildings", lang), row["buildings"], "", 0),
            (t("fs_kf_heat_demand", lang), row["heat_demand_mwh_per_a"], "MWh/a", 0),
            (t("fs_kf_consumption", lang), row["consumption_mwh_per_a"], "MWh/a", 0),
            (t("final_energy", lang), row["final_energy_mwh_per_a"], "MWh/a", 0),
            (t("co2", lang), row["co2_t_per_a"], "t/a", 0),
            (t("potential_advanced", lang), row["potential_advanced_mwh_per_a"], "MWh/a", 0),
        ],
        lang=lang,
        help=t("modelled_note", lang),
    )
    left, right = st.columns(2)
    with left:
        widgets.quarter_facts(ctx.quarter, ref=ctx.data.ref, lang=lang)
    with right:
        b = chart_buildings(
            quarter_buildings(ctx.quarter_id),
            ["building_type", "age_class"],
            public=not ctx.planner,
        )
        fig = charts.breakdown_bar(
            b,
            value=charts.Measure(
                "useful_heat_kwh_per_a", title=f"{t('heat_demand', lang)} (MWh/a)", divisor=1000.0
            ),
            groups=charts.Grouping(
                "building_type",
                title=t("building_type", lang),
                stack="age_class",
                labels={
                    "building_type": {
                        v: label("building_type", v, lang) for v in b["building_type"].unique()
                    },
                    "age_class": {v: label("age_class", v, lang) for v in b["age_class"].unique()},
                },
            ),
            lang=lang,
        )
        widgets.chart(fig, key="qm_breakdown")
