"""Quartiere Ruhr: the domain package behind the dashboard.

Data flows one way: ``reference``/``layers`` (geodata) -> domain modules (``energy``,
``refurbishment``, ``supply``, ``phases``, ``selection``) -> ``maps``/``charts`` -> pages.
Only ``quartier_geo.ui`` imports streamlit.
"""

__version__ = "0.1.0"
