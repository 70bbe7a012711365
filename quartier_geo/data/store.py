"""The workspace: edits, saved scenarios and jury weights, with an audit log (SQLite).

Durability rules (docs/SECURITY.md §3.3): WAL journal, ``synchronous=FULL``, every write in
one ``BEGIN IMMEDIATE`` transaction with a busy timeout, and a version per record so that
concurrent edits of the same record are detected (:class:`ConflictError`), never silently
lost. Every change writes an audit row with time and author. Only the planner mode may
write; every write function checks the mode first.

Nothing of record lives in a Streamlit cache; the bundled GeoPackage is never written here.

A workspace that cannot be written or read is not fatal: :func:`open_workspace` checks it
once (``PRAGMA quick_check``) and returns a handle in the state it found
(:class:`WorkspaceState`): a read-only file is read but never written, a corrupt or
unreachable one reads as empty. The app shows the state as a banner and offers no editing;
every attempted write raises :class:`StorageError` ("Speichern fehlgeschlagen: …").
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from quartier_geo.base.errors import ConflictError, StorageError
from quartier_geo.base.modes import Editor, require_edit
from quartier_geo.base.settings import PROJECT_ROOT, WORKSPACE_ENV, read_settings
from quartier_geo.data.filestore import FileStore, FolderStore

__all__ = [
    "DEFAULT_WORKSPACE",
    "ENV_VAR",
    "Record",
    "Workspace",
    "WorkspaceState",
    "changed_or_gone",
    "open_workspace",
    "quarter_key",
    "records_of_quarter",
    "split_quarter_key",
    "stale_version",
]

ENV_VAR = WORKSPACE_ENV
DEFAULT_WORKSPACE = PROJECT_ROOT / "workspace" / "quartiere.sqlite"
BUSY_TIMEOUT_MS = 10_000
log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    author TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    action TEXT NOT NULL,
    version INTEGER NOT NULL,
    payload TEXT
);
"""


@dataclass(frozen=True)
class Record:
    kind: str
    key: str
    payload: dict[str, Any]
    version: int
    updated_at: str
    author: str


class WorkspaceState(StrEnum):
    """What :func:`open_workspace` found."""

    OK = "ok"  # readable and writable
    READ_ONLY = "read_only"  # readable; the file or its folder cannot be written
    UNAVAILABLE = "unavailable"  # missing and cannot be created, or corrupt: reads as empty


@dataclass(frozen=True)
class Workspace:
    """Handle of a workspace file; each operation opens its own connection.

    ``state`` and ``reason`` say what the check at opening found (the reason names the
    problem for the banner, in German and English).
    """

    path: Path
    state: WorkspaceState = WorkspaceState.OK
    reason: tuple[str, str] | None = None

    @property
    def writable(self) -> bool:
        return self.state is WorkspaceState.OK

    @property
    def files(self) -> FileStore:
        """The files of record beside the records (imports): the workspace's folder."""
        return FolderStore(self.path.parent)

    def check_writable(self) -> None:
        """Raise :class:`StorageError` ("Speichern fehlgeschlagen: …") unless writable."""
        self._require_writable()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if self.state is WorkspaceState.READ_ONLY:
            uri, ro = f"file:{self.path}?mode=ro", True
        else:
            uri, ro = str(self.path), False
        try:
            con = sqlite3.connect(uri, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=ro)
        except sqlite3.Error as exc:
            raise StorageError(f"Arbeitsbereich {self.path} nicht lesbar: {exc}") from exc
        try:
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not ro:
                con.execute("PRAGMA synchronous = FULL")
            yield con
        finally:
            con.close()

    def _require_writable(self) -> None:
        if not self.writable:
            reason = self.reason[0] if self.reason else "Arbeitsbereich nicht beschreibbar"
            raise StorageError(
                f"Speichern fehlgeschlagen: {reason}. Die Eingabe bleibt erhalten; "
                "bitte die Betreuung des Servers verständigen."
            )

    def get(self, kind: str, key: str) -> Record | None:
        if self.state is WorkspaceState.UNAVAILABLE:
            return None
        with self._connect() as con:
            row = con.execute(
                "SELECT kind, key, payload, version, updated_at, author FROM records "
                "WHERE kind = ? AND key = ?",
                (kind, key),
            ).fetchone()
        return _record(row) if row else None

    def list(self, kind: str) -> builtins.list[Record]:
        if self.state is WorkspaceState.UNAVAILABLE:
            return []
        with self._connect() as con:
            rows = con.execute(
                "SELECT kind, key, payload, version, updated_at, author FROM records "
                "WHERE kind = ? ORDER BY key",
                (kind,),
            ).fetchall()
        return [_record(r) for r in rows]

    def put(
        self,
        kind: str,
        key: str,
        payload: dict[str, Any],
        *,
        expected_version: int | None,
        editor: Editor,
    ) -> int:
        """Insert or update a record in one transaction; return its new version.

        ``expected_version`` is the version the editor read (``None`` for a new record);
        if the stored version differs, :class:`ConflictError` is raised and nothing changes.
        ``editor`` names the author in the audit log; outside the planner mode nothing is
        written (:class:`~quartier_geo.base.errors.PermissionDeniedError`).
        """
        require_edit(editor.mode)
        self._require_writable()
        author = editor.name
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        now = _now()
        with self._connect() as con, _transaction(con):
            row = con.execute(
                "SELECT version, author, updated_at FROM records WHERE kind = ? AND key = ?",
                (kind, key),
            ).fetchone()
            current = row[0] if row else None
            if current != expected_version:
                raise stale_version(key, row)
            version = (current or 0) + 1
            con.execute(
                "INSERT INTO records (kind, key, payload, version, updated_at, author) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET "
                "payload = excluded.payload, version = excluded.version, "
                "updated_at = excluded.updated_at, author = excluded.author",
                (kind, key, text, version, now, author),
            )
            con.execute(
                "INSERT INTO audit (at, author, kind, key, action, version, payload) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now, author, kind, key, "insert" if current is None else "update", version, text),
            )
        return version

    def delete(self, kind: str, key: str, *, expected_version: int, editor: Editor) -> None:
        """Delete a record in one transaction if it still has ``expected_version``."""
        require_edit(editor.mode)
        self._require_writable()
        author = editor.name
        with self._connect() as con, _transaction(con):
            row = con.execute(
                "SELECT version FROM records WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
            if row is None or row[0] != expected_version:
                raise changed_or_gone(key)
            con.execute("DELETE FROM records WHERE kind = ? AND key = ?", (kind, key))
            con.execute(
                "INSERT INTO audit (at, author, kind, key, action, version, payload) "
                "VALUES (?, ?, ?, ?, 'delete', ?, NULL)",
                (_now(), author, kind, key, expected_version),
            )

    def audit(self, *, limit: int = 100) -> builtins.list[dict[str, Any]]:
        """The newest ``limit`` audit rows, newest first; ``payload`` is the record after
        the change (``None`` for a deletion)."""
        if self.state is WorkspaceState.UNAVAILABLE:
            return []
        with self._connect() as con:
            rows = con.execute(
                "SELECT at, author, kind, key, action, version, payload FROM audit "
                "ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        cols = ("at", "author", "kind", "key", "action", "version", "payload")
        out = [dict(zip(cols, r, strict=True)) for r in rows]
        for row in out:
            row["payload"] = json.loads(row["payload"]) if row["payload"] is not None else None
        return out


def stale_version(key: str, row: tuple[Any, ...] | None) -> ConflictError:
    """The conflict of a save whose version is no longer current (``row``: the stored
    version, author and time, or None); the same words on every backend."""
    who = f"{row[1]} am {row[2]}" if row else "jemand anderem"
    current = row[0] if row else None
    return ConflictError(
        f"„{key}“ wurde inzwischen von {who} geändert (Version {current}). "
        "Bitte neu laden, die Änderung prüfen und erneut speichern."
    )


def changed_or_gone(key: str) -> ConflictError:
    """The conflict of a deletion whose record changed or is gone."""
    return ConflictError(f"„{key}“ wurde inzwischen geändert oder gelöscht. Bitte neu laden.")


def _write_failure(exc: sqlite3.Error) -> StorageError:
    """A German message for a failed write that names the cause and what to do."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        why = "Arbeitsbereich belegt; bitte erneut versuchen"
    elif "readonly" in text or "read-only" in text or "permission" in text:
        why = "Arbeitsbereich ist schreibgeschützt; Schreibrechte prüfen"
    elif "disk" in text or "full" in text or "i/o" in text:
        why = "Speicherplatz oder Datenträger prüfen"
    else:
        why = "Arbeitsbereich prüfen"
    return StorageError(
        f"Speichern fehlgeschlagen ({exc}): {why}. Der vorherige Stand ist unverändert."
    )


@contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[None]:
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise _write_failure(exc) from exc
    try:
        yield
    except sqlite3.Error as exc:
        con.execute("ROLLBACK")
        raise _write_failure(exc) from exc
    except BaseException:
        con.execute("ROLLBACK")
        raise
    try:
        con.execute("COMMIT")
    except sqlite3.Error as exc:
        con.execute("ROLLBACK")
        raise _write_failure(exc) from exc


def _record(row: tuple[Any, ...]) -> Record:
    return Record(row[0], row[1], json.loads(row[2]), int(row[3]), row[4], row[5])


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _writable(target: Path) -> bool:
    """Whether SQLite can write ``target`` (WAL needs the folder for its side files)."""
    folder_ok = os.access(target.parent, os.W_OK | os.X_OK)
    return folder_ok and (not target.exists() or os.access(target, os.W_OK))


def _check(target: Path, *, uri: str, ro: bool) -> str | None:
    """``None`` if the file passes ``PRAGMA quick_check`` with our tables, else the reason."""
    try:
        con = sqlite3.connect(uri, uri=ro, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            result = con.execute("PRAGMA quick_check").fetchone()
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        finally:
            con.close()
    except sqlite3.Error as exc:
        return str(exc)
    if not result or result[0] != "ok":
        return f"quick_check: {result[0] if result else 'no answer'}"
    if target.exists() and tables and not {"records", "audit"} <= tables:
        return "fremde Datenbank (Tabellen records/audit fehlen)"
    return None


def _unavailable(target: Path, de: str, en: str) -> Workspace:
    log.error("workspace %s unavailable: %s", target, en)
    return Workspace(target, WorkspaceState.UNAVAILABLE, (de, en))


def open_workspace(path: Path | None = None) -> Workspace:
    """Open the workspace at ``path`` or ``$QUARTIER_WORKSPACE``, creating it if allowed;
    without ``path`` and with ``$QUARTIER_DATABASE_URL`` the database's workspace
    (:mod:`quartier_geo.data.pg.workspace`).

    Never raises for the state of the file: a workspace that cannot be written comes back
    :attr:`WorkspaceState.READ_ONLY`, a missing one that cannot be created or a corrupt one
    :attr:`WorkspaceState.UNAVAILABLE`, each with the reason in German and English.
    """
    settings = read_settings()
    target = Path(path or settings.workspace or DEFAULT_WORKSPACE)
    if path is None and settings.database_url:
        # the PostgreSQL backend builds on this module's Workspace: imported here, not above
        from quartier_geo.data.pg.workspace import open_pg_workspace

        return open_pg_workspace(settings.database_url, files=target)
    if target.is_dir():
        return _unavailable(target, "Arbeitsbereich ist ein Ordner", "workspace is a folder")
    if not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _unavailable(
                target,
                f"Arbeitsbereich fehlt und kann nicht angelegt werden ({exc.strerror})",
                f"workspace is missing and cannot be created ({exc.strerror})",
            )
    if not _writable(target):
        if not target.exists():
            return _unavailable(
                target,
                "Arbeitsbereich fehlt, der Ordner ist schreibgeschützt",
                "workspace is missing and its folder is read-only",
            )
        problem = _check(target, uri=f"file:{target}?mode=ro", ro=True)
        if problem:
            return _unavailable(
                target,
                f"Arbeitsbereich beschädigt ({problem})",
                f"workspace is damaged ({problem})",
            )
        log.warning("workspace %s is read-only", target)
        return Workspace(
            target,
            WorkspaceState.READ_ONLY,
            ("Arbeitsbereich ist schreibgeschützt", "workspace is read-only"),
        )
    problem = _check(target, uri=str(target), ro=False) if target.exists() else None
    if problem:
        return _unavailable(
            target, f"Arbeitsbereich beschädigt ({problem})", f"workspace is damaged ({problem})"
        )
    try:
        con = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            con.execute("PRAGMA journal_mode = WAL")
            con.executescript(_SCHEMA)
            con.commit()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return _unavailable(
            target,
            f"Arbeitsbereich kann nicht geöffnet werden ({exc})",
            f"workspace cannot be opened ({exc})",
        )
    return Workspace(target)


# --------------------------------------------------------------------------- quarter keys
#: Separator of a per-quarter record key ``"<quarter_id>:<name>"``.
_KEY_SEP = ":"


def quarter_key(quarter_id: int, name: str) -> str:
    """Key of a record that belongs to one quarter: ``"<quarter_id>:<name>"``.

    Module edits (name = module) and saved scenarios (name = scenario name) are keyed this
    way, so that :func:`records_of_quarter` finds them. Imported areas have negative ids.

    Examples
    --------
    >>> quarter_key(9, "baseline")
    '9:baseline'
    >>> quarter_key(-2, "Variante: schnell")
    '-2:Variante: schnell'
    """
    if not name:
        raise ValueError("Der Name eines Eintrags darf nicht leer sein.")
    return f"{int(quarter_id)}{_KEY_SEP}{name}"


def split_quarter_key(key: str) -> tuple[int, str]:
    """The quarter id and the name of a key built by :func:`quarter_key`.

    The name may itself contain the separator; only the first one splits. A key that is not
    a quarter key raises ``ValueError``.

    Examples
    --------
    >>> split_quarter_key("-2:Variante: schnell")
    (-2, 'Variante: schnell')
    """
    head, sep, name = key.partition(_KEY_SEP)
    if not sep or not name:
        raise ValueError(f"Kein Quartiersschlüssel: {key!r}")
    return int(head), name


def records_of_quarter(records: Iterable[Record], quarter_id: int) -> builtins.list[Record]:
    """The records whose key belongs to ``quarter_id`` (other keys are skipped), in order."""
    out = []
    for record in records:
        try:
            owner, _name = split_quarter_key(record.key)
        except ValueError:
            continue
        if owner == quarter_id:
            out.append(record)
    return out
