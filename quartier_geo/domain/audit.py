"""The audit log with "before" and "after": who changed what, when, from what to what.

The workspace writes one audit row per change with the payload *after* it (``None`` for a
deletion). The payload *before* a change is the payload of the previous row of the same
record (kind and key); :func:`with_before` pairs them up, purely, from the rows as
``Workspace.audit()`` returns them (newest first).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["AuditEntry", "changes", "with_before"]


@dataclass(frozen=True)
class AuditEntry:
    """One change of one record, with the payload before and after it."""

    at: str
    author: str
    kind: str
    key: str
    action: str
    version: int
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def with_before(rows: Sequence[Mapping[str, Any]]) -> list[AuditEntry]:
    """Audit rows (newest first, with ``payload``) as entries with ``before`` and ``after``.

    ``before`` is the payload of the next older row of the same kind and key, ``None`` for
    the first row of a record (or when the older rows are not among ``rows``).

    >>> rows = [
    ...     {"at": "t2", "author": "b", "kind": "m", "key": "1", "action": "update",
    ...      "version": 2, "payload": {"s": "done"}},
    ...     {"at": "t1", "author": "a", "kind": "m", "key": "1", "action": "insert",
    ...      "version": 1, "payload": {"s": "open"}},
    ... ]
    >>> [(e.before, e.after) for e in with_before(rows)]
    [({'s': 'open'}, {'s': 'done'}), (None, {'s': 'open'})]
    """
    last: dict[tuple[str, str], Mapping[str, Any] | None] = {}
    out: list[AuditEntry] = []
    for row in reversed(rows):  # oldest first
        record = (str(row["kind"]), str(row["key"]))
        after = row.get("payload")
        out.append(
            AuditEntry(
                at=str(row["at"]),
                author=str(row["author"]),
                kind=record[0],
                key=record[1],
                action=str(row["action"]),
                version=int(row["version"]),
                before=last.get(record),
                after=after,
            )
        )
        last[record] = after
    out.reverse()
    return out


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def changes(entry: AuditEntry) -> str:
    """The changed fields of an entry as ``field: before → after`` lines.

    >>> e = AuditEntry("t", "a", "m", "1", "update", 2, {"s": "open", "n": "x"},
    ...                {"s": "done", "n": "x"})
    >>> changes(e)
    's: open → done'
    """
    before, after = entry.before or {}, entry.after or {}
    lines = []
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old != new:
            left = "–" if field not in before else _show(old)
            right = "–" if field not in after else _show(new)
            lines.append(f"{field}: {left} → {right}")
    return "\n".join(lines)
