"""A copy of the bundled GeoPackage whose names carry script payloads (docs/SECURITY.md S-1).

Quarter names and municipalities, building addresses, street names and the names and
descriptions of potentials are replaced by the payloads below, cycling through them (quarter
name and municipality cycle with different strides, so every quarter's label is unique).
Each payload, if it ever ran, would set ``top.document.body.dataset.pwned``.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from quartier_geo.data.layers import GEOPACKAGE

PAYLOADS = (
    "<img src=x onerror=\"top.document.body.dataset.pwned='img'\">",
    "${top.document.body.dataset.pwned='tpl'}",
    "`+(top.document.body.dataset.pwned='bt')+`",
    "</script><script>top.document.body.dataset.pwned='script'</script>",
    '"><svg onload="top.document.body.dataset.pwned=\'svg\'">',
    "javascript:top.document.body.dataset.pwned='js'",
)
#: Text every payload contains (to find the features that carry one).
MARKER = "pwned"

# (table, column, offset into PAYLOADS, stride of the second cycle)
_COLUMNS = (
    ("quarters", "municipality", 0, 0),
    ("quarters", "name", 0, 1),
    ("buildings", "address", 0, 0),
    ("streets", "name", 1, 0),
    ("potentials", "name", 2, 0),
    ("potentials", "description", 5, 0),
)


def payload_for(row: int, *, offset: int = 0, stride: int = 0) -> str:
    """The payload of the ``row``-th feature (0-based)."""
    n = len(PAYLOADS)
    return PAYLOADS[(row + offset + stride * (row // n)) % n]


def build_payload_geopackage(dest: Path, *, source: Path = GEOPACKAGE) -> Path:
    """Copy ``source`` to ``dest`` and write the payloads into the text columns.

    The GeoPackage's R-tree triggers call spatial SQL functions (``ST_IsEmpty`` …) that
    plain sqlite3 lacks; they only fire when a geometry or fid changes, which never happens
    here, but SQLite needs the names to prepare the UPDATE, so inert stand-ins are registered.
    """
    shutil.copyfile(source, dest)
    con = sqlite3.connect(dest)
    for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
        con.create_function(fn, 1, lambda _g: 0)
    try:
        with con:
            for table, column, offset, stride in _COLUMNS:
                fids = [r[0] for r in con.execute(f'SELECT fid FROM "{table}" ORDER BY fid')]
                con.executemany(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE fid = ?',
                    [
                        (payload_for(i, offset=offset, stride=stride), fid)
                        for i, fid in enumerate(fids)
                    ],
                )
    finally:
        con.close()
    return dest
