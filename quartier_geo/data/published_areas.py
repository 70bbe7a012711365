"""Published own areas: the public copy of an imported area's buildings.

A planner may publish an imported area (an "Eigenes Gebiet") so that public and workshop
servers show it like a programme quarter: aggregated, under the privacy rule
(:func:`quartier_geo.base.settings.min_buildings`). Those servers never open the drafts,
so publishing writes a **public copy** next to the snapshot
(``published-areas/<key>.<token>.gpkg`` beside ``published.json``) and a snapshot item of
kind ``"area"`` that names the file and its SHA-256. Each publication writes a new file and
removes the older ones of the area once the snapshot names the new one.

The copy holds only what the assessment needs (:data:`PUBLIC_COLUMNS`: type, age class,
storeys, floor area, heating, refurbishment state, reported demand; the footprint to place
each building in its hectare cell, block and street) and nothing that names or identifies:
no building id of the source (buildings are renumbered ``P1 … Pn``), no address, owner,
residents or any other column of the source file, no source file name, no editor. Its
outline is the convex hull of the buildings plus :data:`OUTLINE_BUFFER_M` (the planners'
concave hull would trace single buildings). The public pages never ship single buildings
of it (docs/ARCHITECTURE.md §11), exactly as for the programme quarters.

Files are written atomically (:mod:`quartier_geo.base.atomic`); a reader checks the hash
and skips a copy that is missing or altered, so a half-copied or tampered file is never
shown.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import DataValidationError, StorageError
from quartier_geo.base.modes import Editor, require_edit
from quartier_geo.data import publication as pub
from quartier_geo.data.filestore import from_gpkg_bytes, gpkg_bytes
from quartier_geo.data.filestore import sha256 as hash_of
from quartier_geo.data.store import Workspace

__all__ = [
    "OUTLINE_BUFFER_M",
    "PUBLIC_COLUMNS",
    "AreaToPublish",
    "areas_dir",
    "prune",
    "public_buildings",
    "publish_area",
    "read_area",
    "withdraw_area",
    "write_area",
]

log = logging.getLogger(__name__)

#: The building columns a public copy keeps (everything else is dropped).
PUBLIC_COLUMNS = (
    "building_type",
    "age_class",
    "storeys",
    "footprint_m2",
    "conditioned_floor_area_m2",
    "heating_carrier",
    "heating_system",
    "refurbishment_state",
    "listed",
)
#: Numeric energy figures of the source file are kept too (they change the assessment);
#: recognised by these name endings (units as in base/columns.py).
_ENERGY_SUFFIXES = ("_kwh_per_a", "_kwh_per_m2a")
#: Buffer around the convex hull of the buildings: the public outline of an area.
OUTLINE_BUFFER_M = 20.0
_SUFFIX = ".gpkg"
_FOLDER = "published-areas"


@dataclass(frozen=True)
class AreaToPublish:
    """An own area a planner publishes: import ``key`` and its ``quarter_id``, the public
    ``name``, its canonical ``buildings`` and the privacy minimum in force."""

    key: str
    quarter_id: int
    name: str
    buildings: gpd.GeoDataFrame
    min_buildings: int


def areas_dir(snapshot: Path) -> Path:
    """Folder of the public copies beside a snapshot file (without a database):
    ``published-areas/``.

    >>> areas_dir(Path("/srv/pub/published.json")).as_posix()
    '/srv/pub/published-areas'
    """
    return Path(snapshot).parent / _FOLDER


def _name(file: str) -> str:
    """The store name of a copy (``file`` is reduced to its last part).

    >>> _name("../../etc/imp-1.ab.gpkg")
    'published-areas/imp-1.ab.gpkg'
    """
    return f"{_FOLDER}/{Path(file).name}"


def public_buildings(buildings: gpd.GeoDataFrame, quarter_id: int) -> gpd.GeoDataFrame:
    """The public projection of an area's buildings: :data:`PUBLIC_COLUMNS`, numeric
    energy columns, the footprint in EPSG:25832, new ids ``P1 … Pn``."""
    if buildings.crs is None:
        raise DataValidationError(["Gebäude ohne Koordinatenreferenzsystem."], what="Das Gebiet")
    kept = [c for c in buildings.columns if c in PUBLIC_COLUMNS]
    kept += [
        c
        for c in buildings.columns
        if c.endswith(_ENERGY_SUFFIXES) and pd.api.types.is_numeric_dtype(buildings[c])
    ]
    out = gpd.GeoDataFrame(
        buildings[kept].reset_index(drop=True),
        geometry=buildings.geometry.to_crs(WORK_CRS).reset_index(drop=True),
        crs=WORK_CRS,
    )
    out.insert(0, "building_id", [f"P{i}" for i in range(1, len(out) + 1)])
    out.insert(1, "quarter_id", int(quarter_id))
    return out


def _outline(buildings: gpd.GeoDataFrame) -> shapely.Geometry:
    hull = shapely.convex_hull(shapely.union_all(buildings.geometry.to_numpy()))
    return shapely.buffer(hull, OUTLINE_BUFFER_M)


def write_area(snapshot: Path, key: str, buildings: gpd.GeoDataFrame) -> tuple[str, str]:
    """Write a new public copy of ``buildings`` (already :func:`public_buildings`) for
    import ``key``; return its file name and SHA-256. Atomic: a failure leaves no file."""
    store, _snapshot_name = pub.snapshot_store(snapshot)
    file = f"{Path(key).name}.{uuid.uuid4().hex[:12]}{_SUFFIX}"
    return file, store.write(_name(file), gpkg_bytes(buildings))


def read_area(
    snapshot: Path, file: str, *, sha256: str, quarter_id: int, name: str
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The outline (one row) and buildings of a published area from its copy ``file``;
    raises :class:`StorageError` when the copy is missing or does not match its hash."""
    store, _snapshot_name = pub.snapshot_store(snapshot)
    data = store.read(_name(file))
    if data is None or hash_of(data) != sha256:
        raise StorageError(f"Die öffentliche Kopie von „{name}“ fehlt oder ist verändert.")
    buildings = from_gpkg_bytes(data)
    buildings["quarter_id"] = int(quarter_id)
    outline = _outline(buildings)
    quarter = gpd.GeoDataFrame(
        {
            "quarter_id": [int(quarter_id)],
            "name": [name],
            "import_key": [Path(file).name.split(".")[0]],
            "area_ha": [outline.area / 10_000.0],
            "geometry_note": [
                "Umriss = konvexe Hülle der Gebäude + 20 m (kein amtlicher Quartiersumriss)"
            ],
        },
        geometry=[outline],
        crs=WORK_CRS,
    )
    return quarter, buildings


def prune(snapshot: Path, key: str, *, keep: str | None) -> None:
    """Delete the public copies of import ``key`` except ``keep`` (the file the snapshot
    names; None after a withdrawal). A copy that cannot be removed is only logged: the
    snapshot no longer names it, so it is never read."""
    store, _snapshot_name = pub.snapshot_store(snapshot)
    for name in store.names(f"{_FOLDER}/{Path(key).name}."):
        if Path(name).name != keep:
            try:
                store.delete(name)
            except StorageError as exc:
                log.warning("public copy %s not removed: %s", name, exc)


def publish_area(ws: Workspace, area: AreaToPublish, *, path: Path, editor: Editor) -> pub.Snapshot:
    """Publish an own area: write its public copy, then the snapshot item (the audit
    entry), then remove the older copies. Areas with fewer buildings than the privacy
    minimum ``area.min_buildings`` are refused. On a failed record write the new copy is
    removed and the published state stays as it was."""
    require_edit(editor.mode)
    buildings = public_buildings(area.buildings, area.quarter_id)
    if len(buildings) < area.min_buildings:
        raise DataValidationError(
            [
                f"Das Gebiet hat {len(buildings)} Gebäude; veröffentlicht werden nur Gebiete "
                f"mit mindestens {area.min_buildings} Gebäuden (Datenschutzregel)."
            ],
            what="Die Veröffentlichung",
        )
    name = area.name.strip()
    if not name:
        raise DataValidationError(
            ["Einen öffentlichen Namen angeben."], what="Die Veröffentlichung"
        )
    file, sha = write_area(path, area.key, buildings)
    item = pub.area_item(
        area.quarter_id, area.key, name=name, buildings=len(buildings), file=file, sha256=sha
    )
    try:
        snapshot = pub.publish(ws, item, path=path, editor=editor)
    except BaseException:
        store, _snapshot_name = pub.snapshot_store(path)
        store.delete(_name(file))
        raise
    prune(path, area.key, keep=file)
    return snapshot


def withdraw_area(
    ws: Workspace, key: str, quarter_id: int, *, path: Path, editor: Editor
) -> pub.Snapshot:
    """Withdraw a published area: the snapshot item first (audit entry), then its copies."""
    snapshot = pub.withdraw(ws, "area", quarter_id, key, path=path, editor=editor)
    prune(path, key, keep=None)
    return snapshot
