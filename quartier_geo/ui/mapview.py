"""Showing maps: a static map as an iframe (cheap), a clickable map with streamlit-folium.

``st_folium`` costs about three times an iframe of the same map (docs/ARCHITECTURE.md §8),
so it is used only where the page reads a click, and then it returns only the clicked
feature, so that panning and zooming never rerun the app.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from quartier_geo.base.i18n import Lang, t
from quartier_geo.ui import state
from quartier_geo.views.map_assets import label_page
from quartier_geo.views.maps import clicked_id, map_html

__all__ = ["clickable_map", "static_map", "static_map_html"]


def static_map(m: folium.Map, *, height: int = 520, title: str | None = None) -> None:
    """Show ``m`` in an iframe named ``title`` (default: "Karte"/"Map") for screen readers."""
    static_map_html(map_html(m), height=height, title=title)


def static_map_html(html: str, *, height: int = 520, title: str | None = None) -> None:
    """A prebuilt (cached) map page; the frame and its document carry ``title`` and the
    page's language (tests/browser/test_a11y.py)."""
    lang: Lang = state.get(state.LANG, "de")
    name = title or t("map_frame_title", lang)
    st.iframe(label_page(html, title=name, lang=lang), height=height, alt=name)


def clickable_map(m: folium.Map, *, key: str, height: int = 560) -> object:
    """Show ``m`` and return the id of the feature clicked last (or None)."""
    result = st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    return clicked_id(result)
