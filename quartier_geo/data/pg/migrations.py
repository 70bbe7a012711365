"""The schema of the PostgreSQL backend, as numbered migrations.

Each migration runs once, in its own transaction, in order; ``schema_migrations`` records
which ran. :func:`migrate` holds a transaction-level advisory lock, so two processes that
start at once do not apply a migration twice. A migration is never edited after release:
a change of the schema is a new migration at the end of :data:`MIGRATIONS`.

The layer tables (schema ``layers``) are data, not schema: ``database init`` replaces
them from the bundled GeoPackage (:mod:`.layers`); their catalog is created here.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LATEST", "MIGRATIONS", "applied", "migrate"]

#: (version, name, SQL) in order.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "workspace: records with versions, audit log",
        """
        CREATE TABLE records (
            kind text NOT NULL,
            key text NOT NULL,
            payload jsonb NOT NULL,
            version integer NOT NULL CHECK (version > 0),
            updated_at text NOT NULL,
            author text NOT NULL,
            PRIMARY KEY (kind, key)
        );
        CREATE TABLE audit (
            id bigserial PRIMARY KEY,
            at text NOT NULL,
            author text NOT NULL,
            kind text NOT NULL,
            key text NOT NULL,
            action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
            version integer NOT NULL,
            payload jsonb
        );
        CREATE INDEX audit_kind_key ON audit (kind, key);
        """,
    ),
    (
        2,
        "layers: PostGIS, schema and catalog of the loaded layers",
        """
        CREATE EXTENSION IF NOT EXISTS postgis;
        CREATE SCHEMA IF NOT EXISTS layers;
        CREATE TABLE layers.catalog (
            name text PRIMARY KEY,
            spatial boolean NOT NULL,
            srid integer,
            columns jsonb NOT NULL,
            rows integer NOT NULL,
            source text NOT NULL,
            source_sha256 text NOT NULL,
            loaded_at timestamptz NOT NULL DEFAULT now()
        );
        """,
    ),
    (
        3,
        "files of record: imports (files), published snapshot and copies (published_files)",
        """
        CREATE TABLE files (
            name text PRIMARY KEY,
            data bytea NOT NULL,
            sha256 text NOT NULL,
            written_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE published_files (
            name text PRIMARY KEY,
            data bytea NOT NULL,
            sha256 text NOT NULL,
            written_at timestamptz NOT NULL DEFAULT now()
        );
        """,
    ),
)
LATEST = MIGRATIONS[-1][0]
#: Key of the advisory lock held while migrating (any constant; "QR" in ASCII).
_LOCK = 0x5152


def applied(con: Any) -> list[int]:
    """The versions applied so far (empty for a new database)."""
    exists = con.execute("SELECT to_regclass('public.schema_migrations') IS NOT NULL").fetchone()
    if not exists[0]:
        return []
    return [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version")]


def migrate(con: Any) -> list[int]:
    """Apply the missing migrations; return the versions applied now."""
    done: list[int] = []
    with con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        have = set(applied(con))
        for version, name, sql in MIGRATIONS:
            if version in have:
                continue
            with con.transaction():
                con.execute(sql)
                con.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (version, name),
                )
            done.append(version)
    return done
