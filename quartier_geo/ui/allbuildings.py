"""Übersicht, planner server only: every building of the region on one map (vector tiles).

The tiles are written at first use into ``static/tiles/<key>/`` (:mod:`quartier_geo.views.
vector_tiles`) and served by Streamlit; the page ships a small map page that names them,
not the buildings. A click on a footprint opens the building card beside the map, as on
the quarter map. Public and workshop servers never get building tiles (privacy rule: only
aggregates of at least N buildings), and a tile set left on such a server's static folder
is removed (:func:`purge_on_public_server`).
"""

from __future__ import annotations

import streamlit as st

from quartier_geo.base.i18n import Lang, t
from quartier_geo.ui import buildingcard, mapview, state
from quartier_geo.ui.frame import Context
from quartier_geo.ui.quartermap import colour_options, value_labels
from quartier_geo.views import tile_map, vector_tiles
from quartier_geo.views.classify import ColourBy, Colouring
from quartier_geo.views.map_legend import LegendContent
from quartier_geo.views.map_options import Display

__all__ = ["MAP_KEY", "TOGGLE_KEY", "purge_on_public_server", "section", "tile_set"]

TOGGLE_KEY = "all_buildings"
MAP_KEY = "all_buildings_map"
_COLOUR = "ab_colour"


@st.cache_resource(show_spinner=False)
def purge_on_public_server() -> int:
    """Remove tile sets from ``static/tiles`` (once per process of a public or workshop
    server): they hold single buildings and ``static/`` is served to every visitor."""
    return vector_tiles.remove_building_tiles()


@st.cache_resource(max_entries=8, show_spinner=False)
def tile_set(colour: str, lang: Lang, data_token: int, _ctx: Context) -> vector_tiles.TileSet:
    """The written tile set of the current buildings coloured by ``colour`` (cached per
    colour, language and dataset; on disk the set is keyed by a hash of its content)."""
    buildings = _ctx.data.buildings
    title, unit, categorical, vocab = colour_options(lang, public=False)[colour]
    colour_by = ColourBy(
        colour,
        title,
        colouring=Colouring(
            categorical=categorical,
            labels=value_labels(vocab, buildings[colour].unique(), lang),
        ),
        unit=unit,
    )
    key = vector_tiles.tile_key(buildings, colour_by, lang=lang)
    known = vector_tiles.load_tiles(key)  # written before (this or another process)
    if known is not None:
        return known
    data = vector_tiles.tile_data(buildings, colour_by, lang=lang)
    return vector_tiles.write_tiles(data, key=key)


def section(ctx: Context) -> None:
    """The switch, the colouring choice and, when switched on, the map and the card."""
    if not ctx.planner:
        purge_on_public_server()
        return
    lang = ctx.lang
    st.subheader(t("all_buildings_title", lang))
    if not st.toggle(t("all_buildings_show", lang), key=TOGGLE_KEY):
        st.caption(t("all_buildings_intro", lang))
        return
    options = colour_options(lang, public=False)
    state.init_from_query(_COLOUR, next(iter(options)), options=list(options))
    colour = st.selectbox(
        t("color_by", lang),
        list(options),
        format_func=lambda c: options[c][0],
        **state.widget_kwargs(_COLOUR),
    )
    map_and_card(ctx, str(colour or next(iter(options))))


@st.fragment
def map_and_card(ctx: Context, colour: str) -> None:
    """The map and the card of the clicked building (a click reruns only this part)."""
    lang = ctx.lang
    with st.spinner(t("all_buildings_preparing", lang)):
        tiles = tile_set(colour, lang, id(ctx.data.buildings), ctx)
        if not (tiles.folder / "complete").is_file():  # removed meanwhile (pruned, purged)
            tile_set.clear()
            tiles = tile_set(colour, lang, id(ctx.data.buildings), ctx)
    title, unit, *_ = colour_options(lang, public=False)[colour]
    legend = LegendContent(
        f"{title} ({unit})" if unit else title,
        tiles.entries,
        note=t("all_buildings_cells_note", lang),
    )
    col_map, col_card = st.columns([3, 1])
    with col_map:
        # no selected id in the page: an unchanged page keeps the view after a click (the
        # click outlines the building in the browser)
        m = tile_map.all_buildings_map(
            tiles,
            legend,
            outlines=ctx.data.quarters.to_crs("EPSG:4326"),
            display=Display(lang=lang, assets="st_folium"),
        )
        clicked = mapview.clickable_map(m, key=MAP_KEY, height=620)
        st.caption(t("all_buildings_hint", lang))
    with col_card:
        buildingcard.show(ctx.data.buildings, clicked, ref=ctx.data.ref, lang=lang)
