"""Files of record on both backends (data/filestore.py, data/pg/files.py): imports in the
workspace's store, the published snapshot and the public copies of own areas in the
database's ``published_files`` when ``QUARTIER_DATABASE_URL`` is set; a public server's
role that may read only that table reads the snapshot and no draft."""

from __future__ import annotations

import geopandas as gpd
import psycopg
import pytest
from shapely.geometry import box

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.base.settings import DATABASE_ENV
from quartier_geo.data import publication as pub
from quartier_geo.data import published_areas as pa
from quartier_geo.data.filestore import FolderStore, sha256
from quartier_geo.data.pg import migrations
from quartier_geo.data.pg.connect import connect
from quartier_geo.data.pg.files import PgFileStore
from quartier_geo.data.store import open_workspace

PLANNER = Editor("CANARY-Planerin", Mode.PLANNER)


@pytest.fixture
def url(pg_cluster) -> str:
    database = pg_cluster.new_database()
    with connect(database) as con:
        migrations.migrate(con)
    return database


@pytest.fixture(params=["folder", "database"])
def store(request, tmp_path):
    if request.param == "folder":
        return FolderStore(tmp_path)
    return PgFileStore(request.getfixturevalue("url"), "files")


def test_the_file_store_contract(store) -> None:
    assert store.write("imports/a.gpkg", b"eins") == sha256(b"eins")
    store.write("imports/b.gpkg", b"zwei")
    store.write("imports/a.gpkg", b"drei")  # replaced, not added
    assert store.read("imports/a.gpkg") == b"drei" and store.read("imports/x.gpkg") is None
    assert store.names("imports/") == ["imports/a.gpkg", "imports/b.gpkg"]
    assert store.names("imports/b") == ["imports/b.gpkg"]
    store.delete("imports/a.gpkg")
    store.delete("imports/a.gpkg")  # twice: nothing happens
    assert store.names("imports/") == ["imports/b.gpkg"]
    for bad in ("../x", "/etc/passwd", "a/../b", "", "a b"):
        with pytest.raises(QuartierGeoError):
            store.write(bad, b"x")


def _buildings(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "building_id": [f"CANARY-{i}" for i in range(n)],
            "building_type": ["EFH"] * n,
            "age_class": ["E"] * n,
            "storeys": [2.0] * n,
        },
        geometry=[box(30 * i, 0, 30 * i + 10, 10) for i in range(n)],
        crs="EPSG:25832",
    )


def test_publication_lives_in_the_database(url, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(DATABASE_ENV, url)
    ws = open_workspace()
    snapshot = tmp_path / "published.json"
    area = pa.AreaToPublish("imp-0123", -77, "Am Kanal", _buildings(6), min_buildings=5)
    (item,) = pa.publish_area(ws, area, path=snapshot, editor=PLANNER).areas()
    assert list(tmp_path.iterdir()) == []  # nothing on this disk
    with connect(url) as con:
        names = [r[0] for r in con.execute("SELECT name FROM published_files ORDER BY name")]
        blob = b"".join(bytes(r[0]) for r in con.execute("SELECT data FROM published_files"))
    assert names == ["published-areas/" + str(item.fields["file"]), "published.json"]
    assert b"CANARY" not in blob
    assert pub.read_snapshot(snapshot).areas() == (item,)
    _quarter, back = pa.read_area(
        snapshot,
        str(item.fields["file"]),
        sha256=str(item.fields["sha256"]),
        quarter_id=-77,
        name="Am Kanal",
    )
    assert len(back) == 6
    pa.withdraw_area(ws, "imp-0123", -77, path=snapshot, editor=PLANNER)
    with connect(url) as con:
        left = [r[0] for r in con.execute("SELECT name FROM published_files")]
    assert left == ["published.json"] and pub.read_snapshot(snapshot).areas() == ()


def test_a_public_role_reads_the_snapshot_and_no_draft(url, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(DATABASE_ENV, url)
    ws = open_workspace()
    ws.put(
        "module_status",
        "3:concept",
        {"status": "done", "note": "CANARY"},
        expected_version=None,
        editor=PLANNER,
    )
    pub.publish(
        ws, pub.phases_item(3, {"concept": "done"}), path=tmp_path / "p.json", editor=PLANNER
    )
    role = f"oeffentlich_{url.rsplit('/', 1)[1]}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"CREATE ROLE {role} LOGIN")
        con.execute(f"GRANT SELECT ON published_files TO {role}")
    public_url = url.replace("//quartier@", f"//{role}@")
    monkeypatch.setenv(DATABASE_ENV, public_url)
    assert pub.read_snapshot(tmp_path / "p.json").phases(3) == {"concept": "done"}
    with connect(public_url) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("SELECT payload FROM records").fetchall()
