"""Reference tables, the bundled layers and the workspace store: everything that reads or writes
data files. Builds on :mod:`quartier_geo.base`.
"""
