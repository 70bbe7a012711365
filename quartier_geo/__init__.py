"""Quartiere Ruhr: the domain package behind the dashboard.

Data flows one way, layer by layer (docs/ARCHITECTURE.md): ``base`` (glossary, CRS, errors,
i18n, settings) <- ``data`` (reference tables, layers, workspace) <- ``domain`` (energy,
refurbishment, supply, phases, selection) <- ``views`` (maps, charts) <- ``exports``,
``imports``, ``demo`` <- ``ui`` (the only part that imports streamlit) <- pages.
"""

from quartier_geo.base.settings import harden_gdal_environment

# GDAL must never guess an upload's format through the VRT/GDALG/CSV drivers: a disguised
# VRT read local files in our tests (docs/SECURITY.md §0.2). The variable only works when it
# is set before pyogrio/GDAL is first imported, so it is set here, at package import, and a
# value set before can add drivers but not remove these.
harden_gdal_environment()

__version__ = "0.4.0"
