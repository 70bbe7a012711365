"""Streamlit glue: cached loaders, session/query state, shared widgets and modes.

The only part of :mod:`quartier_geo` that imports streamlit.
"""
