"""Imported quarters in the workspace: a GeoPackage per import plus one record.

:func:`save_import` writes the canonical buildings of an accepted upload as
``imports/<key>.gpkg`` in the workspace's file store (:attr:`Workspace.files`: next to the
SQLite file — temp file, ``fsync``, ``os.replace``, directory ``fsync``, docs/SECURITY.md
§3.3 D-2 — or in the database's table ``files``) and only then records it
(kind ``"import"``) in one workspace transaction. The record is what makes an import
visible: a crash before it leaves at most an invisible orphan file, never a half-written
import; a crash after it leaves a complete file whose SHA-256 the record holds and
:func:`load_import` checks. The mode guard applies: only the planner mode may save.

An imported quarter gets a negative ``quarter_id`` (the bundled quarters are 1–20) and a
boundary drawn as the concave hull of its buildings buffered by 20 m (the real quarter
boundary is not in the file; the UI should say so).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import DataValidationError, QuartierGeoError, StorageError
from quartier_geo.base.modes import Editor, require_edit
from quartier_geo.data.filestore import from_gpkg_bytes, gpkg_bytes, sha256
from quartier_geo.data.store import Workspace
from quartier_geo.imports.types import Accepted

__all__ = [
    "BLOCKS_KIND",
    "HULL_BUFFER_M",
    "IMPORT_KIND",
    "ImportInfo",
    "delete_import",
    "imports_dir",
    "list_imports",
    "load_blocks",
    "load_import",
    "quarter_outline",
    "save_blocks",
    "save_import",
]

IMPORT_KIND = "import"
#: Record kind of a quarter's imported block layer (key: the quarter id).
BLOCKS_KIND = "baubloecke"
#: Buffer around the concave hull of the buildings that stands in for the quarter boundary.
HULL_BUFFER_M = 20.0
_HULL_RATIO = 0.3  # shapely.concave_hull ratio: 0 = tight, 1 = convex hull


@dataclass(frozen=True)
class ImportInfo:
    """One saved import as listed in the workspace."""

    key: str
    name: str
    quarter_id: int
    buildings: int
    file: str
    source_filename: str
    schema: str
    bbox_lonlat: list[float] | None
    created_at: str
    author: str
    version: int


def imports_dir(ws: Workspace) -> Path:
    """Folder of the import GeoPackages of a SQLite workspace: ``imports/`` next to its
    file (with a database they are in its table ``files``)."""
    return Path(ws.path).parent / "imports"


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _name(file: str) -> str:
    return f"imports/{Path(file).name}"


def save_import(ws: Workspace, accepted: Accepted, *, name: str, editor: Editor) -> str:
    """Save the canonical buildings of ``accepted`` as a new import; return its key.

    Raises :class:`~quartier_geo.base.errors.PermissionDeniedError` outside the planner mode
    (before anything is written), :class:`~quartier_geo.base.errors.DataValidationError` when
    ``accepted`` has no valid buildings, :class:`~quartier_geo.base.errors.StorageError` when
    the disk or the workspace fails (nothing visible is left behind).
    """
    require_edit(editor.mode)
    if not isinstance(accepted, Accepted) or accepted.layer_kind != "buildings":
        raise DataValidationError(
            ["Nur eine angenommene Gebäudedatei kann gespeichert werden."], what="Der Import"
        )
    if accepted.buildings is None or accepted.buildings.empty:
        problems = list(accepted.problems) or ["Keine gültigen Gebäude."]
        raise DataValidationError(problems, what="Der Import")
    key = f"imp-{uuid.uuid4().hex[:12]}"
    quarter_id = -(int(key[4:11], 16) + 1)
    buildings = accepted.buildings.copy()
    buildings["quarter_id"] = quarter_id
    ws.check_writable()
    file = f"{key}.gpkg"
    sha = ws.files.write(_name(file), gpkg_bytes(buildings))
    report = {k: v for k, v in accepted.report.items() if k not in ("stages",)}
    payload = _json_safe(
        {
            "name": name,
            "file": file,
            "sha256": sha,
            "quarter_id": quarter_id,
            "source_filename": accepted.filename,
            "format": accepted.format,
            "layer": accepted.layer,
            "schema": accepted.mapping.schema,
            "mapping": accepted.mapping.fields,
            "bbox_lonlat": report.get("bbox_lonlat"),
            "counts": {"features": len(accepted.features), "buildings": len(buildings)},
            "warnings": [w.message_de for w in accepted.warnings],
            "fills": [f.message_de for f in accepted.fills],
            "report": report,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    )
    try:
        ws.put(IMPORT_KIND, key, payload, expected_version=None, editor=editor)
    except BaseException:
        ws.files.delete(_name(file))
        raise
    return key


def list_imports(ws: Workspace) -> list[ImportInfo]:
    """All saved imports, ordered by key."""
    out = []
    for rec in ws.list(IMPORT_KIND):
        p = rec.payload
        out.append(
            ImportInfo(
                key=rec.key,
                name=str(p.get("name", rec.key)),
                quarter_id=int(p["quarter_id"]),
                buildings=int(p.get("counts", {}).get("buildings", 0)),
                file=str(p["file"]),
                source_filename=str(p.get("source_filename", "")),
                schema=str(p.get("schema", "")),
                bbox_lonlat=p.get("bbox_lonlat"),
                created_at=str(p.get("created_at", rec.updated_at)),
                author=rec.author,
                version=rec.version,
            )
        )
    return out


def quarter_outline(
    buildings: gpd.GeoDataFrame, *, buffer_m: float = HULL_BUFFER_M
) -> shapely.Geometry:
    """Concave hull (ratio 0.3) of all building vertices, buffered by ``buffer_m`` metres."""
    points = shapely.multipoints(shapely.get_coordinates(buildings.geometry.to_numpy()))
    hull = shapely.concave_hull(points, ratio=_HULL_RATIO)
    return shapely.buffer(hull, buffer_m)


def load_import(ws: Workspace, key: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The quarter outline (one row) and the buildings of a saved import, in EPSG:25832."""
    rec = ws.get(IMPORT_KIND, key)
    if rec is None:
        raise QuartierGeoError(f"Import „{key}“ nicht gefunden. Liste der Importe neu laden.")
    data = ws.files.read(_name(str(rec.payload["file"])))
    if data is None or sha256(data) != rec.payload.get("sha256"):
        raise StorageError(
            f"Die Datei des Imports „{rec.payload.get('name', key)}“ fehlt oder ist beschädigt. "
            "Bitte die Datei erneut importieren."
        )
    buildings = from_gpkg_bytes(data)
    outline = quarter_outline(buildings)
    quarter = gpd.GeoDataFrame(
        {
            "quarter_id": [int(rec.payload["quarter_id"])],
            "name": [str(rec.payload.get("name", key))],
            "import_key": [key],
            "area_ha": [outline.area / 10_000.0],
            "geometry_note": ["Umriss = Hülle der Gebäude + 20 m (kein amtlicher Quartiersumriss)"],
        },
        geometry=[outline],
        crs=WORK_CRS,
    )
    return quarter, buildings


def delete_import(ws: Workspace, key: str, *, expected_version: int, editor: Editor) -> None:
    """Remove an import: the record first (one transaction), then its file."""
    require_edit(editor.mode)
    rec = ws.get(IMPORT_KIND, key)
    ws.delete(IMPORT_KIND, key, expected_version=expected_version, editor=editor)
    if rec is not None:
        ws.files.delete(_name(str(rec.payload["file"])))


def save_blocks(ws: Workspace, accepted: Accepted, *, quarter_id: int, editor: Editor) -> int:
    """Save the checked Baublöcke of ``accepted`` (``layer_kind == "blocks"``) as the block
    layer of quarter ``quarter_id``; a layer saved before is replaced. Returns the
    record's version (the bundle of the quarter is derived anew with it).

    The file is written under a new name and recorded in one transaction (an older file
    is deleted afterwards): a crash leaves the old layer or the new one, never a mix.
    """
    require_edit(editor.mode)
    if not isinstance(accepted, Accepted) or accepted.layer_kind != "blocks":
        raise DataValidationError(
            ["Nur eine angenommene Baublock-Ebene kann als Baublöcke gespeichert werden."],
            what="Der Import",
        )
    if accepted.buildings is None or accepted.buildings.empty:
        raise DataValidationError(
            list(accepted.problems) or ["Keine gültigen Blöcke."], what="Die Baublock-Ebene"
        )
    ws.check_writable()
    key = str(int(quarter_id))
    old = ws.get(BLOCKS_KIND, key)
    file = f"baubloecke-{uuid.uuid4().hex[:12]}.gpkg"
    sha = ws.files.write(_name(file), gpkg_bytes(accepted.buildings, layer=BLOCKS_KIND))
    payload = _json_safe(
        {
            "file": file,
            "sha256": sha,
            "quarter_id": int(quarter_id),
            "source_filename": accepted.filename,
            "layer": accepted.layer,
            "blocks": len(accepted.buildings),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    )
    try:
        version = ws.put(
            BLOCKS_KIND,
            key,
            payload,
            expected_version=None if old is None else old.version,
            editor=editor,
        )
    except BaseException:
        ws.files.delete(_name(file))
        raise
    if old is not None:
        ws.files.delete(_name(str(old.payload["file"])))
    return version


def load_blocks(ws: Workspace, quarter_id: int) -> gpd.GeoDataFrame | None:
    """The imported block layer of quarter ``quarter_id`` in EPSG:25832, or None."""
    rec = ws.get(BLOCKS_KIND, str(int(quarter_id)))
    if rec is None:
        return None
    data = ws.files.read(_name(str(rec.payload["file"])))
    if data is None or sha256(data) != rec.payload.get("sha256"):
        raise StorageError(
            "Die Datei der Baublock-Ebene fehlt oder ist beschädigt. "
            "Bitte die Ebene erneut importieren."
        )
    return from_gpkg_bytes(data, layer=BLOCKS_KIND)
