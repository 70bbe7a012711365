"""The publication boundary: what public and workshop servers may read.

Planners work in the workspace (:mod:`quartier_geo.data.store`): module-status edits with
notes and editor names, saved scenarios, the audit log. Public and workshop servers never
open it. They read the **published snapshot**, a small JSON file (path:
:func:`quartier_geo.base.settings.published_path`, default ``published.json`` beside the
workspace; with a database its table ``published_files``, :func:`snapshot_store`) that
holds only what a planner published on purpose and only public fields:

* ``phases`` of a quarter: the status of each concept module (no note, no editor, no time
  of the edit);
* a saved ``scenario`` of a quarter: its name and parameters;
* an own ``area`` (an import): its public name, building count and the public copy of its
  buildings (:mod:`quartier_geo.data.published_areas`).

How it works: publishing an item is a workspace record of kind :data:`KIND` (its payload is
already the public projection), so every publish and withdraw is an audit entry (who, when,
what) through the workspace's optimistic locking. After each change the snapshot is
rewritten from all published records, atomically (:mod:`quartier_geo.base.atomic`): a
reader sees the old or the new file, never half. A public server needs only a read-only
copy (or mount) of that one file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.modes import Editor
from quartier_geo.base.settings import read_settings
from quartier_geo.data.filestore import FileStore, FolderStore
from quartier_geo.data.pg.files import PgFileStore
from quartier_geo.data.store import Record, Workspace, quarter_key, split_quarter_key

__all__ = [
    "FORMAT",
    "ITEM_KINDS",
    "KIND",
    "PublicItem",
    "Snapshot",
    "area_item",
    "dates_item",
    "item_key",
    "phases_item",
    "publish",
    "read_snapshot",
    "scenario_item",
    "snapshot_store",
    "withdraw",
    "write_snapshot",
]

log = logging.getLogger(__name__)

#: Workspace kind of the publication records.
KIND = "published"
#: Version of the snapshot file's layout.
FORMAT = 1
#: What can be published.
ITEM_KINDS = ("phases", "dates", "scenario", "area")
_SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class PublicItem:
    """One published thing: ``kind`` (:data:`ITEM_KINDS`), the quarter, a name (the module
    set ``"phases"`` or the scenario's name) and its public ``fields`` (scalars only)."""

    kind: str
    quarter_id: int
    name: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ITEM_KINDS:
            raise QuartierGeoError(f"{self.kind!r} kann nicht veröffentlicht werden.")
        bad = [k for k, v in self.fields.items() if not isinstance(v, _SCALARS) or v is None]
        if bad:
            raise QuartierGeoError(f"Nicht veröffentlichbare Felder: {', '.join(map(str, bad))}.")


def item_key(kind: str, quarter_id: int, name: str) -> str:
    """Workspace key of a publication record.

    >>> item_key("scenario", 9, "schnell")
    'scenario/9:schnell'
    """
    return f"{kind}/{quarter_key(quarter_id, name)}"


def _from_record(record: Record) -> PublicItem:
    kind, _, rest = record.key.partition("/")
    qid, name = split_quarter_key(rest)
    return PublicItem(kind, qid, name, dict(record.payload))


def phases_item(quarter_id: int, statuses: Mapping[str, str]) -> PublicItem:
    """The public phase status of a quarter: module -> status, nothing else."""
    return PublicItem("phases", quarter_id, "phases", {str(k): str(v) for k, v in statuses.items()})


def dates_item(quarter_id: int, dates: Mapping[str, str | None]) -> PublicItem:
    """The public dates after a quarter's concept: ``agreement`` and ``implementation``
    (ISO dates; missing ones are left out), nothing else."""
    kept = {k: str(v) for k, v in dates.items() if k in ("agreement", "implementation") and v}
    return PublicItem("dates", quarter_id, "dates", kept)


def scenario_item(
    quarter_id: int, name: str, payload: Mapping[str, Any], *, fields: Iterable[str]
) -> PublicItem:
    """A saved scenario's public form: only the parameter ``fields`` of its payload (a
    parameter left unset, None, is left out and takes its default when read back)."""
    wanted = set(fields)
    kept = {k: v for k, v in payload.items() if k in wanted and v is not None}
    return PublicItem("scenario", quarter_id, name, kept)


def area_item(
    quarter_id: int, key: str, *, name: str, buildings: int, file: str, sha256: str
) -> PublicItem:
    """A published own area: import ``key`` under a public ``name``, its building count and
    the public copy (file name and SHA-256), nothing else."""
    fields = {"name": name, "buildings": int(buildings), "file": file, "sha256": sha256}
    return PublicItem("area", quarter_id, key, fields)


@dataclass(frozen=True)
class Snapshot:
    """What a public server shows of the drafts; ``problem`` names an unreadable file."""

    items: tuple[PublicItem, ...] = ()
    written_at: str | None = None
    problem: str | None = None

    def phases(self, quarter_id: int) -> dict[str, str]:
        """The published module statuses of a quarter (empty if none)."""
        for item in self.items:
            if item.kind == "phases" and item.quarter_id == quarter_id:
                return {k: str(v) for k, v in item.fields.items()}
        return {}

    def dates(self) -> dict[int, dict[str, str]]:
        """The published dates after the concept, per quarter (``agreement``,
        ``implementation``)."""
        return {i.quarter_id: dict(i.fields) for i in self.items if i.kind == "dates"}

    def scenarios(self, quarter_id: int) -> dict[str, dict[str, Any]]:
        """The published scenarios of a quarter: name -> parameters."""
        return {
            i.name: dict(i.fields)
            for i in self.items
            if i.kind == "scenario" and i.quarter_id == quarter_id
        }

    def areas(self) -> tuple[PublicItem, ...]:
        """The published own areas (``name`` = import key; fields: name, buildings, file,
        sha256)."""
        return tuple(i for i in self.items if i.kind == "area")

    def published(self, kind: str, quarter_id: int, name: str) -> bool:
        return any((i.kind, i.quarter_id, i.name) == (kind, quarter_id, name) for i in self.items)


def snapshot_store(path: Path) -> tuple[FileStore, str]:
    """Where the snapshot (and the public copies of own areas) live, and the snapshot's
    name there: with ``QUARTIER_DATABASE_URL`` the database's table ``published_files``
    (a public server's role needs only ``SELECT`` on it), else the folder of ``path``."""
    url = read_settings().database_url
    if url:
        return PgFileStore(url, "published_files"), "published.json"
    return FolderStore(Path(path).parent), Path(path).name


def write_snapshot(ws: Workspace, path: Path) -> Snapshot:
    """Rewrite the snapshot at ``path`` from the publication records of ``ws`` (atomic)."""
    items = tuple(_from_record(r) for r in ws.list(KIND))
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    doc = {
        "format": FORMAT,
        "written_at": now,
        "items": [
            {"kind": i.kind, "quarter_id": i.quarter_id, "name": i.name, "fields": dict(i.fields)}
            for i in items
        ],
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1)
    store, name = snapshot_store(path)
    store.write(name, text.encode("utf-8"))
    return Snapshot(items, now)


def publish(ws: Workspace, item: PublicItem, *, path: Path, editor: Editor) -> Snapshot:
    """Publish ``item`` (or replace its published version) and rewrite the snapshot.

    The record write is the audit entry (author, time, the public fields); outside the
    planner mode or on a read-only workspace it raises and the snapshot stays as it was.
    """
    key = item_key(item.kind, item.quarter_id, item.name)
    old = ws.get(KIND, key)
    ws.put(
        KIND,
        key,
        dict(item.fields),
        expected_version=old.version if old else None,
        editor=editor,
    )
    return write_snapshot(ws, path)


def withdraw(
    ws: Workspace, kind: str, quarter_id: int, name: str, *, path: Path, editor: Editor
) -> Snapshot:
    """Withdraw a published item (audit entry ``delete``) and rewrite the snapshot."""
    key = item_key(kind, quarter_id, name)
    old = ws.get(KIND, key)
    if old is not None:
        ws.delete(KIND, key, expected_version=old.version, editor=editor)
    return write_snapshot(ws, path)


def _item(raw: Any) -> PublicItem:
    return PublicItem(
        str(raw["kind"]), int(raw["quarter_id"]), str(raw["name"]), dict(raw["fields"])
    )


def read_snapshot(path: Path) -> Snapshot:
    """The published snapshot; a missing file is an empty one (nothing published yet).

    Never raises for the file's state: an unreadable or malformed file reads as empty with
    ``problem`` set (the public site then shows nothing of the drafts, which is safe).
    """
    try:
        store, name = snapshot_store(path)
        data = store.read(name)
        if data is None:
            return Snapshot()
        doc = json.loads(data.decode("utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError(f"format {doc.get('format')!r}")
        items = tuple(_item(raw) for raw in doc["items"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, QuartierGeoError) as exc:
        log.error("published snapshot %s unreadable: %s", path, exc)
        return Snapshot(problem=str(exc))
    return Snapshot(items, str(doc.get("written_at") or ""))
