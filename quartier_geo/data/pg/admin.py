"""``python -m quartier_geo database init|status|aggregate``: create or upgrade the schema, load the
layers of the GeoPackage, report what is there."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from quartier_geo.data import layers
from quartier_geo.data.pg import layers as pg_layers
from quartier_geo.data.pg import migrations
from quartier_geo.data.pg.connect import connect, redact

__all__ = ["Derive", "Status", "init", "status"]


@dataclass(frozen=True)
class Status:
    """Schema version (0: none), the newest this program knows, rows per table."""

    url: str
    schema_version: int
    latest: int
    records: int
    audit: int
    layers: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "database": redact(self.url),
            "schema_version": self.schema_version,
            "schema_latest": self.latest,
            "records": self.records,
            "audit": self.audit,
            "layers": self.layers,
        }


#: Layers derived from the loaded ones (e.g. the assessed buildings), stored beside them.
Derive = Callable[[Mapping[str, pd.DataFrame]], dict[str, pd.DataFrame]]


def init(
    url: str, *, geopackage: Path | None = None, derive: Derive | None = None
) -> tuple[list[int], dict[str, int]]:
    """Apply the missing migrations, then (re)load every layer and programme table of the
    GeoPackage (the bundled one by default), and the layers ``derive`` makes of them, in
    one transaction. Returns the migrations applied and the rows loaded per layer. The
    workspace (records, audit) is never touched by a reload."""
    source = geopackage or layers.geopackage_path()
    with connect(url) as con:
        applied = migrations.migrate(con)
    frames: dict[str, pd.DataFrame] = {
        name: layers.load_layer(name, path=source) for name in layers.LAYERS
    }
    frames |= {name: layers.load_table(name, path=source) for name in layers.TABLES}
    if derive is not None:
        frames |= derive(frames)
    return applied, pg_layers.load_into(url, frames, source=source)


def status(url: str) -> Status:
    """What the database holds (raises StorageError when it cannot be reached)."""
    with connect(url) as con:
        versions = migrations.applied(con)
        counts = {"records": 0, "audit": 0}
        if versions:
            for table in counts:
                counts[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return Status(
        url,
        max(versions, default=0),
        migrations.LATEST,
        counts["records"],
        counts["audit"],
        pg_layers.layer_counts(url) if versions else {},
    )
