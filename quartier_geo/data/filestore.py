"""Files of record beside the workspace: the GeoPackages of imports, the published
snapshot and the public copies of own areas.

One small interface, two places: :class:`FolderStore` (a folder; every write atomic,
:mod:`quartier_geo.base.atomic`) for the embedded default, and
:class:`quartier_geo.data.pg.files.PgFileStore` (a table of the database) with
``QUARTIER_DATABASE_URL``. Names are relative paths of plain parts (``imports/imp-1.gpkg``);
anything that could leave the store (``..``, absolute paths, odd characters) is refused.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import geopandas as gpd

from quartier_geo.base.atomic import write_bytes_atomic
from quartier_geo.base.errors import QuartierGeoError, StorageError

__all__ = [
    "FileStore",
    "FolderStore",
    "check_name",
    "from_gpkg_bytes",
    "gpkg_bytes",
    "sha256",
]

_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_name(name: str) -> str:
    """``name`` if it is a relative path of plain parts, else :class:`QuartierGeoError`.

    >>> check_name("imports/imp-0a1b.gpkg")
    'imports/imp-0a1b.gpkg'
    >>> check_name("../etc/passwd")
    Traceback (most recent call last):
    ...
    quartier_geo.base.errors.QuartierGeoError: Ungültiger Dateiname '../etc/passwd'.
    """
    parts = name.split("/")
    if not name or not all(_PART.fullmatch(p) and ".." not in p for p in parts):
        raise QuartierGeoError(f"Ungültiger Dateiname {name!r}.")
    return name


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class FileStore:
    """Write, read, delete and list files by name (see the module's docstring)."""

    def write(self, name: str, data: bytes) -> str:
        """Store ``data`` under ``name`` (replacing it); return its SHA-256."""
        raise NotImplementedError

    def read(self, name: str) -> bytes | None:
        """The file's bytes, or None when there is no such file."""
        raise NotImplementedError

    def delete(self, name: str) -> None:
        """Remove the file (nothing happens if there is none)."""
        raise NotImplementedError

    def names(self, prefix: str) -> list[str]:
        """The names that start with ``prefix``, sorted."""
        raise NotImplementedError


class FolderStore(FileStore):
    """Files in the folder ``root``.

    >>> import tempfile
    >>> store = FolderStore(Path(tempfile.mkdtemp()))
    >>> len(store.write("imports/a.gpkg", b"x")), store.read("imports/a.gpkg")
    (64, b'x')
    >>> store.names("imports/"), store.read("imports/b.gpkg")
    (['imports/a.gpkg'], None)
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        return self.root / check_name(name)

    def write(self, name: str, data: bytes) -> str:
        path = self._path(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Ordner {path.parent} kann nicht angelegt werden ({exc}).") from exc
        write_bytes_atomic(path, data)
        return sha256(data)

    def read(self, name: str) -> bytes | None:
        path = self._path(name)
        try:
            return path.read_bytes() if path.is_file() else None
        except OSError as exc:
            raise StorageError(f"Datei {path} nicht lesbar ({exc.strerror}).") from exc

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"Datei {name} kann nicht gelöscht werden ({exc}).") from exc

    def names(self, prefix: str) -> list[str]:
        folder, _, start = prefix.rpartition("/")
        base = self.root / folder if folder else self.root
        if not base.is_dir():
            return []
        found = [
            f"{folder}/{p.name}" if folder else p.name
            for p in base.iterdir()
            if p.is_file() and p.name.startswith(start) and not p.name.startswith(".")
        ]
        return sorted(found)


def gpkg_bytes(frame: gpd.GeoDataFrame, *, layer: str = "buildings") -> bytes:
    """``frame`` as the bytes of a GeoPackage with one layer (written in a private
    temporary folder; any failure is a :class:`StorageError` that leaves nothing)."""
    import pyogrio

    try:
        with tempfile.TemporaryDirectory(prefix="quartier-gpkg-") as folder:
            path = Path(folder) / f"{layer}.gpkg"
            pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
            return path.read_bytes()
    except Exception as exc:
        raise StorageError(
            f"GeoPackage konnte nicht geschrieben werden ({type(exc).__name__}); "
            "Speicherplatz prüfen und erneut versuchen. Es wurde nichts gespeichert."
        ) from exc


def from_gpkg_bytes(data: bytes, *, layer: str = "buildings") -> gpd.GeoDataFrame:
    """The layer of a GeoPackage given as bytes (our own files, checked by their hash)."""
    with tempfile.TemporaryDirectory(prefix="quartier-gpkg-") as folder:
        path = Path(folder) / f"{layer}.gpkg"  # GDAL wants the GeoPackage's extension
        path.write_bytes(data)
        return gpd.read_file(f"GPKG:{path}", layer=layer, engine="pyogrio")
