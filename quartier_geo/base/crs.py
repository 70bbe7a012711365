"""Coordinate reference systems: one place for the two CRS the project uses.

Store and compute in ETRS89 / UTM zone 32N (EPSG:25832), the CRS of all NRW geobasis
data; reproject to WGS84 (EPSG:4326) only for web maps, inside :mod:`quartier_geo.views.maps`.
"""

from __future__ import annotations

import geopandas as gpd

from quartier_geo.base.errors import CrsError

__all__ = ["DISPLAY_CRS", "WORK_CRS", "require_crs", "to_work_crs"]

WORK_CRS = "EPSG:25832"
DISPLAY_CRS = "EPSG:4326"


def require_crs(gdf: gpd.GeoDataFrame, *, what: str = "Die Daten") -> None:
    """Raise :class:`CrsError` when ``gdf`` has no CRS (never guess one silently)."""
    if gdf.crs is None:
        raise CrsError(
            f"{what} haben kein Koordinatenreferenzsystem (CRS). "
            "Bitte die Datei mit CRS speichern (z. B. EPSG:25832) oder das CRS beim Import angeben."
        )


def to_work_crs(gdf: gpd.GeoDataFrame, *, what: str = "Die Daten") -> gpd.GeoDataFrame:
    """Return ``gdf`` in :data:`WORK_CRS`; refuse data without a CRS."""
    require_crs(gdf, what=what)
    if gdf.crs.equals(WORK_CRS):
        return gdf
    return gdf.to_crs(WORK_CRS)
