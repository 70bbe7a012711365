"""The audit log as CSV, safe to open in a spreadsheet.

Cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are read as
formulas by spreadsheet programs (OWASP "CSV injection"); every such cell gets a leading
apostrophe (:func:`quartier_geo.base.escape.csv_safe`, as in every CSV export). UTF-8 with
BOM, comma-separated (RFC 4180), like the other CSV exports.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from quartier_geo.base.escape import csv_safe
from quartier_geo.domain.audit import AuditEntry

__all__ = ["AUDIT_COLUMNS", "audit_csv"]

#: Column names of the audit CSV (data, not UI text: stable for scripts that read it).
AUDIT_COLUMNS = ("at", "author", "kind", "key", "action", "version", "before", "after")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_csv(entries: Iterable[AuditEntry], *, columns: Sequence[str] = AUDIT_COLUMNS) -> str:
    """The entries as CSV text (with BOM), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for entry in entries:
        writer.writerow([csv_safe(_cell(getattr(entry, c))) for c in columns])
    return "\ufeff" + buffer.getvalue()
