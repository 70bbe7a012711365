"""Server settings: the one module that reads the process environment.

Every setting of a deployment comes from an environment variable read here, at call time
(never cached in a module-level variable, so tests and a restarted server see the current
value). Everything else in the package asks this module.

==========================  ==============================================================
variable                    meaning
==========================  ==============================================================
``QUARTIER_MODE``           ``planner`` (default), ``workshop`` or ``public``; anything else
                            is treated as ``public`` (fail closed), see :mod:`.modes`
``QUARTIER_GEOPACKAGE``     another GeoPackage with the bundled layers (default:
                            ``geodata/quartiere_ruhr.gpkg``)
``QUARTIER_WORKSPACE``      the workspace SQLite file (default:
                            ``workspace/quartiere.sqlite``); with a database, its folder
                            keeps the files of imports and the published snapshot
``QUARTIER_DATABASE_URL``   ``postgresql://…``: workspace and layers in PostgreSQL/PostGIS
                            (:mod:`quartier_geo.data.pg`); unset: SQLite and the GeoPackage
``QUARTIER_CHROMIUM``       the Chromium executable for PDF and images (default: the
                            ``chromium`` on the PATH)
``QUARTIER_ROLES_FILE``    a TOML file that maps e-mail addresses and groups of logged-in
                            people to the roles planner and viewer (:mod:`.access`); without
                            it, every logged-in person is a viewer
``GDAL_SKIP``               always contains :data:`GDAL_SKIP_REQUIRED`; other drivers a
                            server skips are kept (:func:`harden_gdal_environment`)
``QUARTIER_PUBLISHED``      the published snapshot that public and workshop servers read
                            (default: ``published.json`` beside the workspace), see
                            :mod:`quartier_geo.data.publication`
``QUARTIER_BASEMAP``        an optional background map: a URL template of XYZ or WMTS tiles
                            (``https://…/{z}/{x}/{y}.png``) or a WMS address; unset (the
                            default): no background, every map draws offline
``QUARTIER_BASEMAP_TYPE``   ``xyz`` (default), ``wmts`` (REST template with ``{TileMatrix}``,
                            ``{TileRow}``, ``{TileCol}`` of a Web Mercator tile matrix set)
                            or ``wms``
``QUARTIER_BASEMAP_ATTRIBUTION``  the source's attribution shown on every map (required)
``QUARTIER_BASEMAP_LAYERS`` the WMS layers (``wms`` only), comma-separated
``QUARTIER_MIN_BUILDINGS``  the fewest buildings an aggregate (block, hectare cell, street
                            segment) needs to be shown on a public or workshop server
                            (default 5, after WPG §10(2): at least five neighbouring house
                            numbers); a value that is not a whole number >= 2 gives 5
==========================  ==============================================================

>>> s = read_settings({"QUARTIER_MODE": "workshop"})
>>> s.mode_raw, s.geopackage is None
('workshop', True)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BASEMAP_ATTRIBUTION_ENV",
    "BASEMAP_ENV",
    "BASEMAP_LAYERS_ENV",
    "BASEMAP_TYPE_ENV",
    "CHROMIUM_ENV",
    "DATABASE_ENV",
    "GDAL_SKIP_REQUIRED",
    "GEOPACKAGE_ENV",
    "MIN_BUILDINGS_DEFAULT",
    "MIN_BUILDINGS_ENV",
    "MODE_ENV",
    "PROJECT_ROOT",
    "PUBLISHED_ENV",
    "ROLES_ENV",
    "WORKSPACE_ENV",
    "Settings",
    "harden_gdal_environment",
    "min_buildings",
    "pass_through",
    "published_path",
    "read_settings",
]

MODE_ENV = "QUARTIER_MODE"
GEOPACKAGE_ENV = "QUARTIER_GEOPACKAGE"
WORKSPACE_ENV = "QUARTIER_WORKSPACE"
DATABASE_ENV = "QUARTIER_DATABASE_URL"
CHROMIUM_ENV = "QUARTIER_CHROMIUM"
ROLES_ENV = "QUARTIER_ROLES_FILE"
PUBLISHED_ENV = "QUARTIER_PUBLISHED"
MIN_BUILDINGS_ENV = "QUARTIER_MIN_BUILDINGS"
BASEMAP_ENV = "QUARTIER_BASEMAP"
BASEMAP_TYPE_ENV = "QUARTIER_BASEMAP_TYPE"
BASEMAP_ATTRIBUTION_ENV = "QUARTIER_BASEMAP_ATTRIBUTION"
BASEMAP_LAYERS_ENV = "QUARTIER_BASEMAP_LAYERS"
#: WPG §10(2): data are published only aggregated over at least five neighbouring house
#: numbers; one building counts as one house number here (a building with several numbers
#: makes the rule stricter, never weaker).
MIN_BUILDINGS_DEFAULT = 5

#: The folder that holds ``geodata/``, ``static/`` and ``workspace/`` (the repository).
PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: GDAL drivers that must never read an upload: a disguised OGR VRT or GDALG pipeline read
#: local files in our tests, GDAL's CSV driver is replaced by pandas (docs/SECURITY.md §0.2).
GDAL_SKIP_REQUIRED: tuple[str, ...] = ("GDALG", "OGR_VRT", "VRT", "CSV")


@dataclass(frozen=True)
class Settings:
    """The deployment's settings as read from the environment (raw, unvalidated values).

    Validation belongs to the module that uses a value (the mode falls back to public,
    a missing GeoPackage is reported by the loader), so that every message names the
    problem where it matters.
    """

    mode_raw: str | None = None
    geopackage: Path | None = None
    workspace: Path | None = None
    chromium: str | None = None
    roles_file: Path | None = None
    published: Path | None = None
    min_buildings_raw: str | None = None
    database_url: str | None = None
    basemap_url: str | None = None
    basemap_type: str | None = None
    basemap_attribution: str | None = None
    basemap_layers: str | None = None


def _path(value: str | None) -> Path | None:
    return Path(value) if value and value.strip() else None


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The current settings; ``environ`` defaults to :data:`os.environ`."""
    env = os.environ if environ is None else environ
    chromium = env.get(CHROMIUM_ENV, "").strip()
    return Settings(
        mode_raw=env.get(MODE_ENV),
        geopackage=_path(env.get(GEOPACKAGE_ENV)),
        workspace=_path(env.get(WORKSPACE_ENV)),
        chromium=chromium or None,
        roles_file=_path(env.get(ROLES_ENV)),
        published=_path(env.get(PUBLISHED_ENV)),
        min_buildings_raw=env.get(MIN_BUILDINGS_ENV),
        database_url=env.get(DATABASE_ENV, "").strip() or None,
        basemap_url=env.get(BASEMAP_ENV, "").strip() or None,
        basemap_type=env.get(BASEMAP_TYPE_ENV, "").strip() or None,
        basemap_attribution=env.get(BASEMAP_ATTRIBUTION_ENV, "").strip() or None,
        basemap_layers=env.get(BASEMAP_LAYERS_ENV, "").strip() or None,
    )


def pass_through(names: Iterable[str]) -> dict[str, str]:
    """The values of the variables ``names`` that are set (for a child process's environment)."""
    return {name: os.environ[name] for name in names if name in os.environ}


def harden_gdal_environment(environ: MutableMapping[str, str] | None = None) -> str:
    """Make ``GDAL_SKIP`` contain every driver of :data:`GDAL_SKIP_REQUIRED`; return the value.

    Drivers that the server already skips are kept; a value set before cannot switch a
    required driver back on. Only effective before pyogrio/GDAL is first imported, so the
    package calls it at import (``quartier_geo/__init__.py``).

    >>> env = {"GDAL_SKIP": "WMS VRT"}
    >>> harden_gdal_environment(env)
    'WMS,VRT,GDALG,OGR_VRT,CSV'
    >>> harden_gdal_environment({})
    'GDALG,OGR_VRT,VRT,CSV'
    """
    env = os.environ if environ is None else environ
    present = [d for d in env.get("GDAL_SKIP", "").replace(",", " ").split() if d]
    merged = present + [d for d in GDAL_SKIP_REQUIRED if d not in present]
    env["GDAL_SKIP"] = ",".join(merged)
    return env["GDAL_SKIP"]


def published_path(settings: Settings | None = None) -> Path:
    """The published snapshot: ``QUARTIER_PUBLISHED``, else ``published.json`` beside the
    workspace (``QUARTIER_WORKSPACE`` or ``workspace/quartiere.sqlite``).

    >>> published_path(read_settings({"QUARTIER_WORKSPACE": "/srv/ws/q.sqlite"})).as_posix()
    '/srv/ws/published.json'
    """
    s = read_settings() if settings is None else settings
    if s.published is not None:
        return s.published
    workspace = s.workspace or PROJECT_ROOT / "workspace" / "quartiere.sqlite"
    return workspace.with_name("published.json")


def min_buildings(settings: Settings | None = None) -> int:
    """The fewest buildings of a public aggregate (``QUARTIER_MIN_BUILDINGS``, default 5).

    Fails closed: a value that is not a whole number of at least 2 gives the default.

    >>> [min_buildings(read_settings({"QUARTIER_MIN_BUILDINGS": v})) for v in ("8", "1", "x")]
    [8, 5, 5]
    """
    s = read_settings() if settings is None else settings
    try:
        value = int((s.min_buildings_raw or "").strip())
    except ValueError:
        return MIN_BUILDINGS_DEFAULT
    return value if value >= 2 else MIN_BUILDINGS_DEFAULT
