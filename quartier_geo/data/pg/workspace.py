"""The workspace in PostgreSQL: the contract of :class:`quartier_geo.data.store.Workspace`
(records with versions, optimistic locking, an audit row per change, the mode guard) for
several app processes on one database.

Every write is one transaction: the record's row is locked (``SELECT … FOR UPDATE``), its
version compared with the one the editor read, then the record and the audit row written.
Two first saves of the same new record meet at the primary key: the second gets the
same :class:`ConflictError` as a stale version.

:func:`open_pg_workspace` checks the database once: unreachable or with an older schema ->
unavailable (reads as empty, with the reason); without the right to write -> read-only.
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quartier_geo.base.errors import ConflictError, StorageError
from quartier_geo.base.modes import Editor, require_edit
from quartier_geo.data.filestore import FileStore
from quartier_geo.data.pg import migrations
from quartier_geo.data.pg.connect import connect, redact
from quartier_geo.data.pg.files import PgFileStore
from quartier_geo.data.store import (
    Record,
    Workspace,
    WorkspaceState,
    changed_or_gone,
    stale_version,
)

__all__ = ["PgWorkspace", "open_pg_workspace"]

log = logging.getLogger(__name__)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write_failure(exc: Exception) -> StorageError:
    return StorageError(
        f"Speichern fehlgeschlagen ({type(exc).__name__}: {str(exc).strip()[:200]}): "
        "Datenbank prüfen. Der vorherige Stand ist unverändert."
    )


@dataclass(frozen=True)
class PgWorkspace(Workspace):
    """A workspace in the PostgreSQL database ``url`` (``path``: the local workspace path
    of the settings, the anchor of the published snapshot's default name)."""

    url: str = ""

    @property
    def files(self) -> FileStore:
        """The files of record (imports) in the database's table ``files``."""
        return PgFileStore(self.url, "files")

    def get(self, kind: str, key: str) -> Record | None:
        if self.state is WorkspaceState.UNAVAILABLE:
            return None
        with connect(self.url) as con:
            row = con.execute(
                "SELECT kind, key, payload, version, updated_at, author FROM records "
                "WHERE kind = %s AND key = %s",
                (kind, key),
            ).fetchone()
        return Record(*row) if row else None

    def list(self, kind: str) -> builtins.list[Record]:
        if self.state is WorkspaceState.UNAVAILABLE:
            return []
        with connect(self.url) as con:
            rows = con.execute(
                "SELECT kind, key, payload, version, updated_at, author FROM records "
                'WHERE kind = %s ORDER BY key COLLATE "C"',
                (kind,),
            ).fetchall()
        return [Record(*r) for r in rows]

    def put(
        self,
        kind: str,
        key: str,
        payload: dict[str, Any],
        *,
        expected_version: int | None,
        editor: Editor,
    ) -> int:
        """See :meth:`quartier_geo.data.store.Workspace.put`."""
        import psycopg
        from psycopg.types.json import Jsonb

        require_edit(editor.mode)
        self._require_writable()
        now = _now()
        try:
            with connect(self.url) as con, con.transaction():
                row = con.execute(
                    "SELECT version, author, updated_at FROM records "
                    "WHERE kind = %s AND key = %s FOR UPDATE",
                    (kind, key),
                ).fetchone()
                current = row[0] if row else None
                if current != expected_version:
                    raise stale_version(key, row)
                version = (current or 0) + 1
                con.execute(
                    "INSERT INTO records (kind, key, payload, version, updated_at, author) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (kind, key) DO UPDATE SET "
                    "payload = excluded.payload, version = excluded.version, "
                    "updated_at = excluded.updated_at, author = excluded.author",
                    (kind, key, Jsonb(payload), version, now, editor.name),
                )
                con.execute(
                    "INSERT INTO audit (at, author, kind, key, action, version, payload) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    (
                        now,
                        editor.name,
                        kind,
                        key,
                        "insert" if current is None else "update",
                        version,
                        Jsonb(payload),
                    ),
                )
        except psycopg.errors.UniqueViolation as exc:  # two first saves at once
            raise ConflictError(
                f"„{key}“ wurde gerade von jemand anderem angelegt. Bitte neu laden."
            ) from exc
        except psycopg.Error as exc:
            raise _write_failure(exc) from exc
        return version

    def delete(self, kind: str, key: str, *, expected_version: int, editor: Editor) -> None:
        """See :meth:`quartier_geo.data.store.Workspace.delete`."""
        import psycopg

        require_edit(editor.mode)
        self._require_writable()
        try:
            with connect(self.url) as con, con.transaction():
                row = con.execute(
                    "SELECT version FROM records WHERE kind = %s AND key = %s FOR UPDATE",
                    (kind, key),
                ).fetchone()
                if row is None or row[0] != expected_version:
                    raise changed_or_gone(key)
                con.execute("DELETE FROM records WHERE kind = %s AND key = %s", (kind, key))
                con.execute(
                    "INSERT INTO audit (at, author, kind, key, action, version, payload) "
                    "VALUES (%s, %s, %s, %s, 'delete', %s, NULL)",
                    (_now(), editor.name, kind, key, expected_version),
                )
        except psycopg.Error as exc:
            raise _write_failure(exc) from exc

    def audit(self, *, limit: int = 100) -> builtins.list[dict[str, Any]]:
        """See :meth:`quartier_geo.data.store.Workspace.audit`."""
        if self.state is WorkspaceState.UNAVAILABLE:
            return []
        with connect(self.url) as con:
            rows = con.execute(
                "SELECT at, author, kind, key, action, version, payload FROM audit "
                "ORDER BY id DESC LIMIT %s",
                (limit,),
            ).fetchall()
        cols = ("at", "author", "kind", "key", "action", "version", "payload")
        return [dict(zip(cols, r, strict=True)) for r in rows]


def open_pg_workspace(url: str, *, files: Path) -> PgWorkspace:
    """Check the database at ``url`` and return its workspace in the state found.

    Never raises for the database's state: unreachable, or a schema older than this
    version's (run ``python -m quartier_geo database init``) -> unavailable; no right to
    write the records -> read-only; each with the reason in German and English.
    """
    try:
        with connect(url) as con:
            versions = migrations.applied(con)
            writable = (
                versions
                and con.execute(
                    "SELECT has_table_privilege('records', 'INSERT, UPDATE, DELETE') "
                    "AND has_table_privilege('audit', 'INSERT')"
                ).fetchone()[0]
            )
    except StorageError as exc:
        log.error("database workspace unavailable: %s", exc)
        return PgWorkspace(
            files,
            WorkspaceState.UNAVAILABLE,
            (
                f"Datenbank nicht erreichbar ({redact(url)})",
                f"database unreachable ({redact(url)})",
            ),
            url=url,
        )
    if not versions or max(versions) < migrations.LATEST:
        have = max(versions) if versions else 0
        return PgWorkspace(
            files,
            WorkspaceState.UNAVAILABLE,
            (
                f"Datenbankschema veraltet (Version {have} statt {migrations.LATEST}; "
                "python -m quartier_geo database init ausführen)",
                f"database schema is out of date (version {have}, needs {migrations.LATEST}; "
                "run python -m quartier_geo database init)",
            ),
            url=url,
        )
    if not writable:
        return PgWorkspace(
            files,
            WorkspaceState.READ_ONLY,
            (
                "Datenbank nur lesbar (keine Schreibrechte)",
                "database is read-only (no write grant)",
            ),
            url=url,
        )
    return PgWorkspace(files, url=url)
