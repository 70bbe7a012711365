"""PostgreSQL/PostGIS backend (``QUARTIER_DATABASE_URL``): the shared workspace and the
layers of the region in one database, for several app processes and several planners.

* :mod:`.connect` opens connections and names connection problems without secrets;
* :mod:`.migrations` creates and upgrades the schema (numbered, each applied once, under
  an advisory lock, recorded in ``schema_migrations``);
* :mod:`.workspace` is the workspace (records with versions, audit log) with the same
  contract as the SQLite one (:class:`quartier_geo.data.store.Workspace`);
* :mod:`.layers` loads the bundled GeoPackage's layers into PostGIS (schema ``layers``,
  spatial indexes) and reads them back for the app.

Without the variable the embedded default stays: SQLite and the bundled GeoPackage.
"""
