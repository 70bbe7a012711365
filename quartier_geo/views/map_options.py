"""The options of the folium map builders (:mod:`quartier_geo.views.maps`), grouped by concern.

What is coloured is a :class:`quartier_geo.views.classify.ColourBy` (shared with the print
map); the rest is here: what a feature tells and how it is picked (:class:`FeatureInfo`),
what is drawn around it (:class:`MapContext`), how the page is shown (:class:`Display`) and
how public-mode blocks sum their buildings (:class:`BlockValues`). All frozen, with defaults
that keep the common call short; each checks itself and names every problem at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import get_args

import geopandas as gpd

from quartier_geo.base.errors import DataValidationError
from quartier_geo.base.numfmt import Lang
from quartier_geo.views.map_assets import DEFAULT_BASE_URL, Assets
from quartier_geo.views.map_extra import LayerSpec, TooltipColumn

__all__ = [
    "DEFAULT_BLOCKS",
    "DEFAULT_CONTEXT",
    "DEFAULT_DISPLAY",
    "DEFAULT_INFO",
    "BlockValues",
    "Display",
    "FeatureInfo",
    "MapContext",
]


@dataclass(frozen=True)
class FeatureInfo:
    """What a feature tells on hover and how it is picked.

    Parameters
    ----------
    tooltip
        Tooltip lines (column, label[, unit]); numbers formatted for the display language.
        Without a unit the glossary's unit of the column is shown.
    title_column
        Column of the tooltip's bold headline (e.g. ``address``); None: the builder's
        default (none on the quarter map, ``name`` on the region map).
    id_column
        Column of the id a click returns (``properties.i``); None: the builder's default
        (``building_id``, ``quarter_id``, the block column).
    selected_id
        Id of the feature drawn with a black outline on top; None for none.
    """

    tooltip: Sequence[TooltipColumn] = ()
    title_column: str | None = None
    id_column: str | None = None
    selected_id: object = None

    def __post_init__(self) -> None:
        bad = [c for c in self.tooltip if not isinstance(c, tuple) or len(c) not in (2, 3)]
        if bad:
            raise DataValidationError(
                [f"tooltip {c!r}: als (Spalte, Beschriftung[, Einheit]) angeben." for c in bad],
                what="Die Tooltip-Angabe",
            )


@dataclass(frozen=True, eq=False)
class MapContext:
    """What the quarter map draws around its main layer.

    Parameters
    ----------
    quarter
        The quarter polygon (one row, any CRS), drawn as a dashed outline; it sets the
        extent when there are no buildings.
    layers
        Further layers by key; plain GeoDataFrames get the look of
        :func:`quartier_geo.views.map_extra.default_layer_spec` (``"streets"``, ``"grid"``,
        ``"heat_networks"``, ``"potentials"``). A layer control lists them.
    """

    quarter: gpd.GeoDataFrame | None = None
    layers: Mapping[str, gpd.GeoDataFrame | LayerSpec] = field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True)
class Display:
    """How the map page is shown.

    Parameters
    ----------
    lang
        Language of the numbers, the legend's fixed texts and the layer names.
    assets
        ``"minimal"`` for ``st.iframe``, ``"st_folium"`` for streamlit-folium
        (:func:`quartier_geo.views.map_assets.localise`).
    base_url
        URL of the local Leaflet files (``static/vendor``).
    font_px
        Type size of legends, tooltips and labels in CSS pixels (18 in workshop mode).
    """

    lang: Lang = "de"
    assets: Assets = "minimal"
    base_url: str = DEFAULT_BASE_URL
    font_px: int = 13

    def __post_init__(self) -> None:
        problems = []
        if self.lang not in ("de", "en"):
            problems.append(f"lang = {self.lang!r}: 'de' oder 'en'.")
        if self.assets not in get_args(Assets):
            problems.append(f"assets = {self.assets!r}: eines von {list(get_args(Assets))}.")
        if not isinstance(self.font_px, int) or self.font_px <= 0:
            problems.append(f"font_px = {self.font_px!r}: eine positive Pixelzahl angeben.")
        if problems:
            raise DataValidationError(problems, what="Die Kartenanzeige")


@dataclass(frozen=True)
class BlockValues:
    """How the public block map sums buildings into blocks.

    The block value is ``sum(column)`` of the colouring, or ``sum(column) /
    sum(denominator_column)`` (e.g. heat demand per m² floor area) with a denominator.

    Parameters
    ----------
    denominator_column
        Column summed below the fraction line; None: the plain sum.
    block_column
        Column with the block id of each building.
    min_buildings
        Blocks with fewer buildings show no value (privacy: no single building).
    value_label
        Tooltip label of the block value; None: the legend title.
    """

    denominator_column: str | None = None
    block_column: str = "block_id"
    min_buildings: int = 3
    value_label: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.min_buildings, int) or self.min_buildings < 1:
            raise DataValidationError(
                [f"min_buildings = {self.min_buildings!r}: mindestens 1 angeben."],
                what="Die Blockbildung",
            )


#: The defaults of the builders' option parameters (one shared, immutable instance each).
DEFAULT_INFO = FeatureInfo()
DEFAULT_CONTEXT = MapContext()
DEFAULT_DISPLAY = Display()
DEFAULT_BLOCKS = BlockValues()
