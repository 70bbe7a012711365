"""Quartiere Ruhr: the domain package behind the dashboard.

Data flows one way: ``reference``/``layers`` (geodata) -> domain modules (``energy``,
``refurbishment``, ``supply``, ``phases``, ``selection``) -> ``maps``/``charts`` -> pages.
Only ``quartier_geo.ui`` imports streamlit.
"""

import os

# GDAL must never guess an upload's format through the VRT/GDALG/CSV drivers: a disguised
# VRT read local files in our tests (docs/SECURITY.md §0.2). The variable only works when it
# is set before pyogrio/GDAL is first imported, so it is set here, at package import.
os.environ.setdefault("GDAL_SKIP", "GDALG,OGR_VRT,VRT,CSV")

__version__ = "0.1.0"
