"""The deterministic generator of the bundled demo data (``geodata/quartiere_ruhr.gpkg``)."""
