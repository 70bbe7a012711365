"""Data out: GeoPackage/GeoJSON/CSV files, static maps, chart images and the quarter fact sheet."""
