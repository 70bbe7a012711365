"""The building card: one building's figures and where each comes from."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from quartier_geo.base.columns import AGE_CLASS_YEARS
from quartier_geo.base.i18n import Lang, label, t
from quartier_geo.base.numfmt import fmt_number
from quartier_geo.data.reference import Reference, assumption
from quartier_geo.ui import state
from quartier_geo.ui.widgets import lang_column, md_escape

__all__ = ["BUILDING", "heading", "selected", "show"]


def heading(lang: Lang) -> str:
    """The card's heading as Markdown (tests look for it to tell where the card is shown)."""
    return f"**{t('building_card', lang)}**"


#: URL parameter and session key of the building shown in the card (a link opens it).
BUILDING = "building"
#: Longest building id taken from a link (ids of ALKIS, OSM and the demo are shorter).
_MAX_ID = 64


def _building_id(raw: str) -> str | None:
    return raw[:_MAX_ID] or None


def selected() -> str | None:
    """The id of the building in the card: from the URL on a first visit, then the clicks."""
    value: str | None = state.init_from_query(BUILDING, None, parse=_building_id)
    return value


def show(buildings: gpd.GeoDataFrame, clicked: object, *, ref: Reference, lang: Lang) -> None:
    """The card of the clicked building, kept in the session and the URL (``?building=``);
    an id that is not in ``buildings`` (another quarter, a made-up link) shows the hint."""
    selected()
    if clicked is not None and str(clicked) != st.session_state.get(BUILDING):
        st.session_state[BUILDING] = str(clicked)
        st.query_params[BUILDING] = str(clicked)
    bid = st.session_state.get(BUILDING)
    match = buildings[buildings["building_id"] == bid] if bid is not None else buildings.iloc[0:0]
    st.markdown(heading(lang))
    if match.empty:
        st.caption(t("building_card_hint", lang))
        return
    b = match.iloc[0]

    def n(x: object, d: int = 0) -> str:
        return fmt_number(x, lang=lang, decimals=d)  # type: ignore[arg-type]

    system = ref.systems.loc[b["heating_system"]]
    carrier = ref.carriers.loc[b["heating_carrier"]]
    start, end = AGE_CLASS_YEARS[b["age_class"]]
    years = f"{start or ''}–{end or ''}"
    factor = assumption(ref, "conditioned_area_factor")
    fallback = b.get("typology_fallback") or ""
    rows = [
        (t("address", lang), md_escape(b.get("address", "–"))),
        (t("building_type", lang), label("building_type", b["building_type"], lang)),
        (t("age_class", lang), f"{b['age_class']} ({years})"),
        (t("storeys", lang), n(b["storeys"], 1)),
        (t("floor_area", lang), f"{n(b['conditioned_floor_area_m2'])} m²"),
        (
            t("refurbishment_state", lang),
            label("refurbishment_state", b["refurbishment_state"], lang),
        ),
        (
            t("card_demand_calculated", lang),
            f"{n(b['useful_heat_kwh_per_a'])} kWh/a ({n(b['useful_heat_kwh_per_m2a'])} kWh/(m²·a))",
        ),
        (
            t(f"card_consumption_{b.get('consumption_source', 'calibrated')}", lang),
            f"{n(b['consumption_kwh_per_a'])} kWh/a ({n(b['consumption_kwh_per_m2a'])} kWh/(m²·a))",
        ),
        (t("final_energy", lang), f"{n(b['final_energy_kwh_per_a'])} kWh/a"),
        (t("co2", lang), f"{n(b['co2_t_per_a'], 1)} t/a"),
        (t("potential_usual", lang), f"{n(b['potential_usual_kwh_per_a'])} kWh/a"),
        (t("potential_advanced", lang), f"{n(b['potential_advanced_kwh_per_a'])} kWh/a"),
        (
            t("heating", lang),
            f"{label('heating_carrier', b['heating_carrier'], lang)} – "
            f"{system[lang_column('label', lang)]}",
        ),
        (t("owner_type", lang), label("owner_type", b.get("owner_type"), lang)),
        (t("listed", lang), t("yes", lang) if bool(b.get("listed")) else t("no", lang)),
    ]
    st.markdown("  \n".join(f"**{k}:** {v}" for k, v in rows))
    typology = ref.typology
    code = typology[
        (typology.building_type == (fallback.split("/")[0] if fallback else b["building_type"]))
        & (typology.age_class == (fallback.split("/")[1] if fallback else b["age_class"]))
        & (typology.state == b["refurbishment_state"])
    ]["tabula_code"]
    tabula = code.iloc[0] if len(code) else "–"
    src = t("card_sources", lang).format(
        factor=n(factor, 2),
        tabula=md_escape(tabula),
        q=n(b["q_h_nd_kwh_per_m2a"] + b["q_w_nd_kwh_per_m2a"], 1),
        eta=n(system["efficiency"], 2),
        co2=n(carrier["co2_g_per_kwh"]),
    )
    if fallback:
        src += " " + t("card_fallback", lang).format(fallback=md_escape(fallback))
    st.caption(src)
    st.caption(t("synthetic_building", lang))
