"""The PostgreSQL backend's own rules: migrations once and in order, the state found at
opening (unreachable, schema too old, read-only grant), no password in any message. The
workspace contract itself runs on both backends in tests/test_store.py."""

from __future__ import annotations

import psycopg
import pytest

from quartier_geo.base.errors import StorageError
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.pg import migrations
from quartier_geo.data.pg.connect import connect
from quartier_geo.data.pg.workspace import open_pg_workspace
from quartier_geo.data.store import WorkspaceState

PLANNER = Editor("anna", Mode.PLANNER)


@pytest.fixture
def url(pg_cluster) -> str:
    return pg_cluster.new_database()


def test_migrations_run_once_and_in_order(url, tmp_path) -> None:
    with connect(url) as con:
        first = migrations.migrate(con)
        second = migrations.migrate(con)
        rows = con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert first == [v for v, _name, _sql in migrations.MIGRATIONS] and second == []
    assert [r[0] for r in rows] == first
    assert open_pg_workspace(url, files=tmp_path).state is WorkspaceState.OK


def test_an_old_schema_reads_as_unavailable_and_names_the_command(url, tmp_path) -> None:
    with connect(url) as con, con.transaction():
        con.execute(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (1, 'x')")
        con.execute(migrations.MIGRATIONS[0][2])
    ws = open_pg_workspace(url, files=tmp_path)
    assert ws.state is WorkspaceState.UNAVAILABLE
    assert ws.reason and "database init" in ws.reason[0]
    assert ws.list("scenario") == [] and ws.get("scenario", "x") is None
    with pytest.raises(StorageError, match="Speichern fehlgeschlagen"):
        ws.put("scenario", "x", {}, expected_version=None, editor=PLANNER)


def test_an_unreachable_server_is_unavailable_without_the_password(pg_cluster, tmp_path):
    url = f"postgresql://quartier:GEHEIM@127.0.0.1:{pg_cluster.port + 1}/nirgends"
    ws = open_pg_workspace(url, files=tmp_path)
    assert ws.state is WorkspaceState.UNAVAILABLE
    assert "GEHEIM" not in " ".join(ws.reason or ())
    with pytest.raises(StorageError) as err, connect(url):
        pass
    assert "GEHEIM" not in str(err.value) and "***" in str(err.value)


def test_a_role_without_write_grant_is_read_only(url, pg_cluster, tmp_path) -> None:
    with connect(url) as con:
        migrations.migrate(con)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE ROLE leser LOGIN")
        con.execute("GRANT SELECT ON records, audit, schema_migrations TO leser")
    reader = url.replace("//quartier@", "//leser@")
    ws = open_pg_workspace(reader, files=tmp_path)
    assert ws.state is WorkspaceState.READ_ONLY and not ws.writable
    assert ws.list("scenario") == []  # reading works
    with pytest.raises(StorageError, match="Speichern fehlgeschlagen"):
        ws.put("scenario", "x", {}, expected_version=None, editor=PLANNER)
