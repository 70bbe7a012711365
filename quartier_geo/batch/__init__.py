"""Many municipality files at once on Dask: upload gate, assessment, GeoParquet, summary.

:func:`quartier_geo.batch.runner.run_batch` is the entry point (``python -m quartier_geo
batch``); :mod:`~quartier_geo.batch.assess` is the task of one file, :mod:`~.summary` the
table per municipality.
"""
