"""All colours of maps and charts in one place, colour-blind safe.

Categories use the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), extended by
Paul Tol's "muted" scheme beyond eight categories. Ordered values use sequential ramps that
stay readable for the common colour-vision deficiencies: viridis and cividis (Nuñez et al.
2018), ColorBrewer YlOrRd and YlGnBu; deviations use ColorBrewer RdBu or PuOr (Brewer 2003,
colorbrewer2.org, all marked "colorblind safe"). Pages never pick colours themselves.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Literal

import numpy as np

__all__ = [
    "AGE_CLASS_COLORS",
    "BACKGROUND_COLOR",
    "BUILDING_TYPE_COLORS",
    "CARRIER_COLORS",
    "COLUMN_COLORS",
    "CONTEXT_COLOR",
    "HEAT_NETWORK_COLOR",
    "MISSING_COLOR",
    "MODULE_STATUS_COLORS",
    "OKABE_ITO",
    "OUTLINE_COLOR",
    "PHASE_COLORS",
    "PHASE_OUTSIDE_COLORS",
    "POTENTIAL_COLOR",
    "QUARTER_TYPE_COLORS",
    "REFURB_STATE_COLORS",
    "SELECTED_COLOR",
    "SUITABILITY_COLORS",
    "SUPPLY_OPTION_COLORS",
    "TARGET_LINE_COLORS",
    "TOL_MUTED",
    "DivergingScheme",
    "SequentialScheme",
    "categorical",
    "category_colors",
    "diverging",
    "sequential",
]

SequentialScheme = Literal["viridis", "cividis", "ylorrd", "ylgnbu"]
DivergingScheme = Literal["rdbu", "puor"]

#: Okabe-Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple, black.
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#000000",
)
#: Paul Tol "muted" (personal.sron.nl/~pault), used after the eight Okabe-Ito colours.
TOL_MUTED: tuple[str, ...] = (
    "#CC6677",
    "#332288",
    "#DDCC77",
    "#117733",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
)

#: Anchors of the sequential ramps, low to high (viridis/cividis as in matplotlib; ColorBrewer
#: YlOrRd and YlGnBu without their palest step so the lowest class stays visible on grey).
_SEQUENTIAL: dict[str, tuple[str, ...]] = {
    "viridis": (
        "#440154",
        "#482878",
        "#3E4989",
        "#31688E",
        "#26828E",
        "#1F9E89",
        "#35B779",
        "#6ECE58",
        "#B5DE2B",
        "#FDE725",
    ),
    "cividis": (
        "#00224E",
        "#123570",
        "#3B496C",
        "#575D6D",
        "#707173",
        "#8A8678",
        "#A59C74",
        "#C3B369",
        "#E1CC55",
        "#FEE838",
    ),
    "ylorrd": (
        "#FFEDA0",
        "#FED976",
        "#FEB24C",
        "#FD8D3C",
        "#FC4E2A",
        "#E31A1C",
        "#BD0026",
        "#800026",
    ),
    "ylgnbu": (
        "#EDF8B1",
        "#C7E9B4",
        "#7FCDBB",
        "#41B6C4",
        "#1D91C0",
        "#225EA8",
        "#253494",
        "#081D58",
    ),
}
#: Diverging anchors, negative to positive (ColorBrewer RdBu and PuOr, 11 classes).
_DIVERGING: dict[str, tuple[str, ...]] = {
    "rdbu": (
        "#67001F",
        "#B2182B",
        "#D6604D",
        "#F4A582",
        "#FDDBC7",
        "#F7F7F7",
        "#D1E5F0",
        "#92C5DE",
        "#4393C3",
        "#2166AC",
        "#053061",
    ),
    "puor": (
        "#7F3B08",
        "#B35806",
        "#E08214",
        "#FDB863",
        "#FEE0B6",
        "#F7F7F7",
        "#D8DAEB",
        "#B2ABD2",
        "#8073AC",
        "#542788",
        "#2D004B",
    ),
}

#: Features without a value (legend: "keine Angabe").
MISSING_COLOR = "#B4B4B4"
#: Map background where no tiles are loaded (closed networks): a neutral light grey.
BACKGROUND_COLOR = "#EEEEEC"
#: Outline of polygons and of the selected feature.
OUTLINE_COLOR = "#4D4D4D"
SELECTED_COLOR = "#000000"
HEAT_NETWORK_COLOR = "#D55E00"
POTENTIAL_COLOR = "#0072B2"


def _hex_to_rgb(colors: Iterable[str]) -> np.ndarray:
    return np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colors], dtype=float)


def _interpolate(anchors: tuple[str, ...], k: int) -> list[str]:
    """``k`` colours evenly spaced along the piecewise-linear RGB ramp through ``anchors``."""
    if k < 1:
        raise ValueError("k muss mindestens 1 sein.")
    rgb = _hex_to_rgb(anchors)
    pos = np.linspace(0.0, 1.0, len(anchors))
    at = np.linspace(0.0, 1.0, k) if k > 1 else np.array([0.5])
    out = np.column_stack([np.interp(at, pos, rgb[:, ch]) for ch in range(3)])
    return ["#{:02X}{:02X}{:02X}".format(*row) for row in np.rint(out).astype(int)]


def sequential(k: int, *, scheme: SequentialScheme = "ylorrd") -> list[str]:
    """``k`` ordered colours, low to high, from the ramp ``scheme``.

    Examples
    --------
    >>> sequential(2, scheme="viridis")
    ['#440154', '#FDE725']
    """
    if scheme not in _SEQUENTIAL:
        raise ValueError(f"Unbekanntes Farbschema {scheme!r}; vorhanden: {sorted(_SEQUENTIAL)}.")
    return _interpolate(_SEQUENTIAL[scheme], k)


def diverging(k: int, *, scheme: DivergingScheme = "rdbu") -> list[str]:
    """``k`` colours from negative to positive with the neutral colour in the middle (odd k)."""
    if scheme not in _DIVERGING:
        raise ValueError(f"Unbekanntes Farbschema {scheme!r}; vorhanden: {sorted(_DIVERGING)}.")
    return _interpolate(_DIVERGING[scheme], k)


def categorical(n: int) -> list[str]:
    """``n`` distinct category colours: Okabe-Ito first, then Tol muted, then repeated."""
    base = OKABE_ITO + TOL_MUTED
    return [base[i % len(base)] for i in range(n)]


def category_colors(
    values: Iterable[Hashable], *, fixed: Mapping[Hashable, str] | None = None
) -> dict[Hashable, str]:
    """A colour per distinct value: ``fixed`` where it knows the value, else the next free one.

    The result is the same for the same set of values whatever their order (values are
    sorted by their text), so a category keeps its colour from page to page.
    """
    fixed = fixed or {}
    distinct = sorted({v for v in values if v is not None and v == v}, key=str)
    used = {fixed[v] for v in distinct if v in fixed}
    free = iter(c for c in categorical(len(distinct) + len(used)) if c not in used)
    return {v: fixed[v] if v in fixed else next(free) for v in distinct}


#: IWU building types (columns.BuildingType).
BUILDING_TYPE_COLORS: dict[str, str] = {
    "EFH": "#E69F00",
    "RH": "#F0E442",
    "MFH": "#56B4E9",
    "GMH": "#0072B2",
    "HH": "#D55E00",
    "NWG": "#CC79A7",
}
#: IWU age classes A (before 1860) to L (from 2016): ordinal, dark = old, yellow = new.
AGE_CLASS_COLORS: dict[str, str] = dict(
    zip("ABCDEFGHIJKL", sequential(12, scheme="viridis"), strict=True)
)
#: Heating carriers of carriers.csv, plus the supply families the option comparison shows.
CARRIER_COLORS: dict[str, str] = {
    "gas": "#0072B2",
    "oil": "#E69F00",
    "coal": "#000000",
    "electricity": "#F0E442",
    "district_heating": "#D55E00",
    "biomass": "#009E73",
    "heat_pump": "#56B4E9",
    "mine_water": "#CC79A7",
    "solar_thermal": "#DDCC77",
}
#: Programme phases, in their order.
PHASE_COLORS: dict[str, str] = {
    "preparation": "#56B4E9",
    "concept": "#0072B2",
    "agreement": "#E69F00",
    "implementation": "#009E73",
}
#: Status of a concept module.
MODULE_STATUS_COLORS: dict[str, str] = {
    "open": "#B4B4B4",
    "in_progress": "#E69F00",
    "done": "#009E73",
}
#: TABULA refurbishment states (columns.RefurbState): warm = existing, green = advanced.
REFURB_STATE_COLORS: dict[str, str] = {
    "existing": "#D55E00",
    "usual": "#E69F00",
    "advanced": "#009E73",
}
#: Settlement types (columns.QuarterType).
QUARTER_TYPE_COLORS: dict[str, str] = {
    "colliery": "#E69F00",
    "gruenderzeit": "#CC79A7",
    "postwar_rows": "#56B4E9",
    "estate_6070": "#0072B2",
    "suburb_efh": "#009E73",
    "mixed_inner": "#D55E00",
}
#: Suitability score of a supply option (supply.py: 0 unsuitable .. 3 well suited).
SUITABILITY_COLORS: dict[int, str] = dict(enumerate(sequential(4, scheme="ylgnbu")))
#: Supply options (supply.SupplyOption), for the option comparison.
SUPPLY_OPTION_COLORS: dict[str, str] = {
    "status_quo": "#999999",
    "gas_condensing": "#0072B2",
    "district_heating": "#D55E00",
    "heat_pump_air": "#56B4E9",
    "heat_pump_ground": "#009E73",
    "mine_water_network": "#CC79A7",
    "biomass": "#117733",
    "solar_thermal_support": "#F0E442",
    "gas_chp_network": "#E69F00",
}
#: Target and benchmark lines of the scenario chart.
TARGET_LINE_COLORS: dict[str, str] = {
    "neutral": "#000000",
    "bottrop": "#CC79A7",
    "scenario": "#0072B2",
}

#: Quarters outside the programme's dates on a phase map: before (light) and completed (grey).
PHASE_OUTSIDE_COLORS: dict[str, str] = {
    **PHASE_COLORS,
    "before": "#DDDDDD",
    "after": "#999999",
}

#: Buildings drawn only as context under another layer (light grey, no meaning of its own).
CONTEXT_COLOR = "#C8C8C8"

#: Fixed colours of the categorical columns maps are coloured by (same on screen and in print).
COLUMN_COLORS: dict[str, Mapping[Any, str]] = {
    "building_type": BUILDING_TYPE_COLORS,
    "age_class": AGE_CLASS_COLORS,
    "heating_carrier": CARRIER_COLORS,
    "refurbishment_state": REFURB_STATE_COLORS,
    "quarter_type": QUARTER_TYPE_COLORS,
    "phase": PHASE_COLORS,
}
