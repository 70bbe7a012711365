"""Connections to the PostgreSQL database of ``QUARTIER_DATABASE_URL``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from quartier_geo.base.errors import StorageError

__all__ = ["connect", "redact"]

#: Seconds to wait for the server before a connection attempt fails.
CONNECT_TIMEOUT_S = 5


def redact(url: str) -> str:
    """The URL without its password, for messages and logs.

    >>> redact("postgresql://quartier:geheim@db.example:5432/quartiere")
    'postgresql://quartier:***@db.example:5432/quartiere'
    >>> redact("postgresql://127.0.0.1/q")
    'postgresql://127.0.0.1/q'
    """
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


@contextmanager
def connect(url: str, *, autocommit: bool = False) -> Iterator[Any]:
    """A psycopg connection to ``url``; closed on leaving. Problems reaching the server
    raise :class:`StorageError` naming the server (never the password)."""
    import psycopg

    try:
        con = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=autocommit)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorageError(
            f"Datenbank {redact(url)} nicht erreichbar ({redact(first)}). "
            "QUARTIER_DATABASE_URL und den Datenbankserver prüfen."
        ) from exc
    try:
        yield con
    finally:
        con.close()
