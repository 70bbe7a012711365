"""Files of record in the database (:class:`quartier_geo.data.filestore.FileStore` on a
table): ``files`` for the workspace's imports, ``published_files`` for the published
snapshot and the public copies of own areas (a public server's database role needs
``SELECT`` on that table and the layers only)."""

from __future__ import annotations

from quartier_geo.base.errors import QuartierGeoError, StorageError
from quartier_geo.data.filestore import FileStore, check_name, sha256
from quartier_geo.data.pg.connect import connect

__all__ = ["TABLES", "PgFileStore"]

TABLES = ("files", "published_files")


class PgFileStore(FileStore):
    """Files in table ``table`` (:data:`TABLES`) of the database ``url``."""

    def __init__(self, url: str, table: str) -> None:
        if table not in TABLES:
            raise QuartierGeoError(f"Unbekannte Dateitabelle {table!r}.")
        self.url, self.table = url, table

    def write(self, name: str, data: bytes) -> str:
        import psycopg

        digest = sha256(data)
        try:
            with connect(self.url) as con, con.transaction():
                con.execute(
                    f"INSERT INTO {self.table} (name, data, sha256) VALUES (%s, %s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET data = excluded.data, "
                    "sha256 = excluded.sha256, written_at = now()",
                    (check_name(name), data, digest),
                )
        except psycopg.Error as exc:
            raise StorageError(
                f"Speichern fehlgeschlagen ({type(exc).__name__}): Datenbank prüfen."
            ) from exc
        return digest

    def read(self, name: str) -> bytes | None:
        with connect(self.url) as con:
            row = con.execute(
                f"SELECT data FROM {self.table} WHERE name = %s", (check_name(name),)
            ).fetchone()
        return bytes(row[0]) if row else None

    def delete(self, name: str) -> None:
        with connect(self.url) as con, con.transaction():
            con.execute(f"DELETE FROM {self.table} WHERE name = %s", (check_name(name),))

    def names(self, prefix: str) -> list[str]:
        with connect(self.url) as con:
            rows = con.execute(
                f"SELECT name FROM {self.table} WHERE starts_with(name, %s) "
                'ORDER BY name COLLATE "C"',
                (prefix,),
            ).fetchall()
        return [r[0] for r in rows]
