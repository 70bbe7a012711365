"""The audit log as CSV, safe to open in a spreadsheet.

Cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are read as
formulas by spreadsheet programs (OWASP "CSV injection"); every such cell gets a leading
apostrophe. UTF-8 with BOM, comma-separated (RFC 4180), like the other CSV exports.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from quartier_geo.domain.audit import AuditEntry

__all__ = ["AUDIT_COLUMNS", "audit_csv", "neutralise_cell"]

#: Column names of the audit CSV (data, not UI text: stable for scripts that read it).
AUDIT_COLUMNS = ("at", "author", "kind", "key", "action", "version", "before", "after")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet would read it as a formula.

    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")"), neutralise_cell("Anna")
    ('\\'=HYPERLINK("http://x")', 'Anna')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


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
        writer.writerow([neutralise_cell(_cell(getattr(entry, c))) for c in columns])
    return "\ufeff" + buffer.getvalue()
