"""Showing maps: a static map as an iframe (cheap), a clickable map with streamlit-folium,
and below each map the table of its figures (:func:`map_table`, the accessible alternative).

``st_folium`` costs about three times an iframe of the same map (docs/ARCHITECTURE.md §8),
so it is used only where the page reads a click, and then it returns only the clicked
feature, so that panning and zooming never rerun the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from quartier_geo.base.i18n import Lang, t
from quartier_geo.domain.privacy import withhold_small
from quartier_geo.ui import state, widgets
from quartier_geo.views.classify import ColourBy
from quartier_geo.views.map_assets import label_page
from quartier_geo.views.map_table import CLASS, FEATURES, class_table
from quartier_geo.views.maps import clicked_id, map_html

__all__ = ["MapTable", "clickable_map", "map_table", "static_map", "static_map_html"]

#: Column spec of :func:`quartier_geo.ui.widgets.table`: column -> (header, unit, decimals).
Columns = Mapping[str, tuple[str, str | None, int | None]]


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


@dataclass(frozen=True)
class MapTable:
    """What the table beside a map shows: the name of its features (``"Gebäude"``,
    ``"Baublöcke"``), the summed figures (column -> header, unit, decimals), the column
    counting the buildings of each feature (blocks, cells) and, on public pages, the least
    number of buildings of a listed class (:mod:`quartier_geo.domain.privacy`)."""

    features: str
    figures: Columns = field(default_factory=dict)
    count_column: str | None = None
    min_buildings: int | None = None


def map_table(frame: pd.DataFrame, colour: ColourBy, spec: MapTable, *, lang: Lang) -> None:
    """An expander "Tabelle zur Karte" with one row per legend class of the map: number of
    features (and buildings), and the sums of the figures the map shows."""
    table = class_table(
        frame, colour, sums=list(spec.figures), count_column=spec.count_column, lang=lang
    )
    withheld = None
    if spec.min_buildings is not None and spec.count_column:
        withheld = withhold_small(
            gpd.GeoDataFrame(table),
            min_buildings=spec.min_buildings,
            count_column=spec.count_column,
        )
        table = pd.DataFrame(withheld.shown)
    title = f"{colour.legend_title} ({colour.unit})" if colour.unit else colour.legend_title
    columns: dict[str, tuple[str, str | None, int | None]] = {
        CLASS: (title, None, 0),
        FEATURES: (spec.features, None, 0),
    }
    if spec.count_column:
        columns[spec.count_column] = (t("buildings", lang), None, 0)
    columns.update(spec.figures)
    with st.expander(t("table_beside_map", lang)):
        widgets.table(table, columns=columns, lang=lang, style=widgets.TableStyle(static=True))
        if withheld is not None and withheld.units:
            st.caption(
                t("map_table_withheld", lang).format(
                    units=withheld.units, buildings=withheld.buildings, n=spec.min_buildings
                )
            )
