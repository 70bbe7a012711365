"""Shared fixtures: tiny hand-checkable buildings in EPSG:25832."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from quartier_geo.data.reference import Reference, load_reference


@pytest.fixture(scope="session")
def ref() -> Reference:
    return load_reference()


def rect(x0: float, y0: float, w: float = 10.0, h: float = 20.0) -> shapely.Polygon:
    return shapely.box(x0, y0, x0 + w, y0 + h)


@pytest.fixture
def three_buildings() -> gpd.GeoDataFrame:
    """Three 10 m x 20 m footprints (200 m² each) 10 m apart, near Gelsenkirchen."""
    x, y = 365_000.0, 5_707_000.0
    return gpd.GeoDataFrame(
        {
            "building_id": ["a", "b", "c"],
            "building_type": ["EFH", "MFH", "RH"],
            "age_class": ["E", "C", "F"],
            "storeys": [1.0, 3.0, 2.0],
            "conditioned_floor_area_m2": [100.0, None, None],
            "heating_carrier": ["gas", "oil", "electricity"],
            "refurbishment_state": ["existing", "existing", "usual"],
            "owner_type": ["self_user", "housing_company", "private_landlord"],
        },
        geometry=[rect(x, y), rect(x + 20, y), rect(x + 40, y)],
        crs="EPSG:25832",
    )


@pytest.fixture(scope="session")
def pg_cluster():
    """A throw-away PostgreSQL/PostGIS cluster for the whole session (tests/pgcluster.py).

    Its folder is a new one under the system's temporary folder: pytest's own are private
    to root, and the server runs as the ``postgres`` user."""
    import tempfile
    from pathlib import Path

    from tests.pgcluster import start_cluster

    folder = Path(tempfile.mkdtemp(prefix="quartier-pg-"))
    folder.chmod(0o755)  # the server's user must reach its data folder inside
    cluster = start_cluster(folder / "cluster")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def any_workspace(request, tmp_path, monkeypatch):
    """A new, writable workspace on each backend: a SQLite file, and a migrated database
    of the throw-away PostgreSQL cluster (``QUARTIER_DATABASE_URL`` set for the test)."""
    from quartier_geo.base.settings import DATABASE_ENV
    from quartier_geo.data.pg import migrations
    from quartier_geo.data.pg.connect import connect
    from quartier_geo.data.pg.workspace import PgWorkspace
    from quartier_geo.data.store import open_workspace

    if request.param == "sqlite":
        return open_workspace(tmp_path / "ws.sqlite")
    url = request.getfixturevalue("pg_cluster").new_database()
    with connect(url) as con:
        migrations.migrate(con)
    monkeypatch.setenv(DATABASE_ENV, url)
    workspace = open_workspace()
    assert isinstance(workspace, PgWorkspace) and workspace.writable
    return workspace
