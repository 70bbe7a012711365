"""Showing maps: a static map as an iframe (cheap), a clickable map with streamlit-folium.

``st_folium`` costs about three times an iframe of the same map (docs/ARCHITECTURE.md §8),
so it is used only where the page reads a click, and then it returns only the clicked
feature, so that panning and zooming never rerun the app.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from quartier_geo.views.maps import clicked_id, map_html

__all__ = ["clickable_map", "static_map", "static_map_html"]


def static_map(m: folium.Map, *, height: int = 520) -> None:
    st.iframe(map_html(m), height=height)


def static_map_html(html: str, *, height: int = 520) -> None:
    """A prebuilt (cached) map page."""
    st.iframe(html, height=height)


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
