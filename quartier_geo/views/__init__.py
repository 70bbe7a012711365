"""Folium map builders, plotly chart builders, classing and the colour palette. Return objects,
never render.
"""
