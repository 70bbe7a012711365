"""The calculations: pure functions on GeoDataFrames (energy, refurbishment, heat density, supply,
phases, jury selection, key figures). No I/O.
"""
