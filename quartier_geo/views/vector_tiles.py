"""Every building of the region as vector tiles: hectare cells at region zoom, footprints at
street zoom, written once per dataset and colouring as static files.

A folium map of 35,340 footprints is 7.2 MB of HTML that travels on every rerun; tiles
keep the bytes proportional to what is on screen. :func:`tile_data` classes the buildings
exactly as the quarter map does (:func:`quartier_geo.views.classify.colour_classes`, the
same palette and legend) and aggregates them to square cells whose class follows the same
breaks (numbers: mean per building, or the floor-area weighted ratio for kWh/(m²·a);
categories: the most frequent class). :func:`write_tiles` writes Mapbox Vector Tiles
(:mod:`quartier_geo.views.mvt`) to ``static/tiles/<key>/{z}/{x}/{y}.pbf``, which Streamlit
serves at ``/app/static/tiles/...`` (``server.enableStaticServing``); ``<key>`` is a hash of
the buildings, the colouring and the language, so a changed dataset gets new tiles and an
unchanged one is never written twice. Old tile sets beyond :data:`KEEP_SETS` are removed.

Zoom levels (:data:`LEVELS`): z9-z11 cells of 500 m, z12-z14 hectare cells (100 m),
z15-z17 footprints; deeper zooms scale the z17 tiles. Tiles hold single buildings (ids,
addresses): only planner servers may write or show them (``static/`` is public to every
visitor of a server), see :func:`remove_building_tiles`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.escape import js_safe
from quartier_geo.base.i18n import t
from quartier_geo.base.numfmt import Lang, fmt_values
from quartier_geo.base.settings import PROJECT_ROOT
from quartier_geo.views.classify import ColourBy, Colouring, class_breaks, colour_classes
from quartier_geo.views.mvt import LayerFeatures, encode_tiles
from quartier_geo.views.palette import MISSING_COLOR

__all__ = [
    "BUILDING_LAYER",
    "CELL_LAYER",
    "KEEP_SETS",
    "LEVELS",
    "TILE_ROOT",
    "TILE_URL_PREFIX",
    "Level",
    "TileData",
    "TileSet",
    "load_tiles",
    "remove_building_tiles",
    "tile_data",
    "tile_key",
    "write_tiles",
]

log = logging.getLogger(__name__)

#: Where tile sets are written (served by Streamlit as ``/app/static/tiles``); gitignored.
TILE_ROOT = PROJECT_ROOT / "static" / "tiles"
TILE_URL_PREFIX = "/app/static/tiles"
BUILDING_LAYER = "buildings"
CELL_LAYER = "cells"
#: Tile sets kept on disk (the newest by modification time); older ones are removed.
KEEP_SETS = 12
#: Changes whenever the tile content changes for the same input (part of the key).
FORMAT_VERSION = "2"
_MERCATOR = "EPSG:3857"
_METRIC = "EPSG:25832"
#: Ratio columns whose cell value is sum(numerator) / sum(denominator).
_RATIOS = {"useful_heat_kwh_per_m2a": ("useful_heat_kwh_per_a", "conditioned_floor_area_m2")}


@dataclass(frozen=True)
class Level:
    """Zooms ``first``..``last`` show cells of ``cell_m`` metres, or buildings (``None``)."""

    first: int
    last: int
    cell_m: float | None


LEVELS: tuple[Level, ...] = (Level(9, 11, 500.0), Level(12, 14, 100.0), Level(15, 17, None))


@dataclass(frozen=True)
class TileData:
    """What the tiles hold: one layer per level, the legend entries and the map extent."""

    layers: tuple[tuple[Level, LayerFeatures], ...]
    entries: list[tuple[str, str]]
    colors: list[str]
    bounds: tuple[float, float, float, float]  # lon/lat: minx, miny, maxx, maxy


@dataclass(frozen=True)
class TileSet:
    """A written tile set: its key, folder, URL template and what the map needs to draw it."""

    key: str
    folder: Path
    url: str
    colors: list[str]
    entries: list[tuple[str, str]]
    bounds: tuple[float, float, float, float]
    tiles: tuple[str, ...]  # "z/x/y" of every written tile (the map asks for no other)
    seconds: float
    min_zoom: int = LEVELS[0].first
    max_native_zoom: int = LEVELS[-1].last


def tile_key(buildings: gpd.GeoDataFrame, colour: ColourBy, *, lang: Lang) -> str:
    """A hash of the buildings (ids, footprints, the coloured column), the colouring and
    the language: equal inputs give equal keys in every process."""
    h = hashlib.sha256(FORMAT_VERSION.encode())
    cols = [c for c in ("building_id", "address", colour.column, *_RATIOS.get(colour.column, ()))]
    for c in dict.fromkeys(cols):
        if c in buildings.columns:
            h.update(pd.util.hash_pandas_object(buildings[c], index=False).to_numpy().tobytes())
    for wkb in shapely.to_wkb(buildings.geometry.to_numpy(), output_dimension=2).tolist():
        h.update(wkb or b"")
    h.update(str(buildings.crs).encode())
    c = colour.colouring
    h.update(repr((colour.column, c.categorical, c.method, c.k, c.breaks, c.thresholds)).encode())
    h.update(repr((sorted((str(k), v) for k, v in (c.colors or {}).items()), c.scheme)).encode())
    h.update(repr(sorted((str(k), v) for k, v in (c.labels or {}).items())).encode())
    h.update(lang.encode())
    return h.hexdigest()[:24]


def _formatted(
    values: pd.Series,
    names: Sequence[str],
    index: np.ndarray,
    *,
    lang: Lang,
    categorical: bool,
    unit: str | None,
) -> list[str | None]:
    if categorical:
        return [js_safe(names[i]) if i >= 0 else None for i in index.tolist()]
    texts = fmt_values(values.to_numpy(dtype=float, na_value=np.nan), lang=lang)
    suffix = f" {unit}" if unit else ""
    return [
        js_safe(s + suffix) if np.isfinite(v) else None
        for s, v in zip(texts, values.to_numpy(dtype=float, na_value=np.nan), strict=True)
    ]


def _cells(
    b: gpd.GeoDataFrame,
    classes: np.ndarray,
    colour: ColourBy,
    colouring: Colouring,
    names: Sequence[str],
    *,
    size: float,
    lang: Lang,
) -> LayerFeatures:
    """Square cells of ``size`` m (EPSG:25832) holding building centroids: count, value, class."""
    pts = shapely.centroid(b.geometry.to_numpy())
    ix = np.floor(shapely.get_x(pts) / size).astype(np.int64)
    iy = np.floor(shapely.get_y(pts) / size).astype(np.int64)
    df = pd.DataFrame({"ix": ix, "iy": iy, "c": classes})
    keys = ["ix", "iy"]
    count = df.groupby(keys).size().rename("n")
    if colouring.categorical:
        votes = df[df["c"] >= 0].groupby([*keys, "c"]).size().rename("k").reset_index()
        votes = votes.sort_values([*keys, "k", "c"], ascending=[True, True, False, True])
        top = votes.drop_duplicates(keys).set_index(keys)["c"]
        cells = count.to_frame().join(top).reset_index()
        cells["c"] = cells["c"].fillna(-1).astype(np.int64)
        values = pd.Series(np.nan, index=cells.index)
    else:
        ratio = _RATIOS.get(colour.column)
        if ratio and set(ratio) <= set(b.columns):
            num = df.assign(a=b[ratio[0]].to_numpy(float), d=b[ratio[1]].to_numpy(float))
            sums = num.groupby(keys)[["a", "d"]].sum(min_count=1)
            value = (sums["a"] / sums["d"].where(sums["d"] > 0)).rename("value")
        else:
            value = df.assign(value=pd.to_numeric(b[colour.column], errors="coerce").to_numpy())
            value = value.groupby(keys)["value"].mean()
        cells = count.to_frame().join(value).reset_index()
        values = cells["value"]
        cells["c"] = colour_classes(values.rename(colour.column), colouring, lang=lang).index
    x0 = cells["ix"].to_numpy(float) * size
    y0 = cells["iy"].to_numpy(float) * size
    boxes = gpd.GeoSeries(shapely.box(x0, y0, x0 + size, y0 + size), crs=_METRIC)
    texts = _formatted(
        values,
        names,
        cells["c"].to_numpy(),
        lang=lang,
        categorical=colouring.categorical,
        unit=colour.unit,
    )
    props = [
        {"c": int(c), "n": int(n), "v": v}
        for c, n, v in zip(cells["c"].tolist(), cells["n"].tolist(), texts, strict=True)
    ]
    return LayerFeatures(CELL_LAYER, boxes.to_crs(_MERCATOR).to_numpy(), props)


def tile_data(
    buildings: gpd.GeoDataFrame,
    colour: ColourBy,
    *,
    lang: Lang = "de",
    id_column: str = "building_id",
    title_column: str | None = "address",
) -> TileData:
    """Classes, legend and tile layers of ``buildings`` coloured by ``colour``.

    The classes are those of the quarter map for the same buildings and colouring; numeric
    breaks are computed once on the buildings and reused for the cells (so one legend
    fits every zoom).
    """
    if colour.column not in buildings.columns:
        raise ValueError(f"Spalte {colour.column!r} fehlt in den Gebäudedaten.")
    geoms = buildings.geometry.array
    b = buildings[~(geoms.isna() | geoms.is_empty)]
    if b.crs is None:
        raise ValueError("Die Gebäude haben kein Koordinatensystem.")
    metric = b if b.crs.equals(_METRIC) else b.to_crs(_METRIC)
    colouring = colour.colouring
    if not colouring.categorical and colouring.breaks is None and colouring.thresholds is None:
        edges = class_breaks(
            pd.to_numeric(b[colour.column], errors="coerce"), method=colouring.method, k=colouring.k
        )
        colouring = dataclasses.replace(colouring, breaks=edges)
    classes = colour_classes(b[colour.column], colouring, lang=lang)
    entries = list(zip(classes.colors, classes.names, strict=True))
    if (classes.index < 0).any():
        entries.append((MISSING_COLOR, t("map_no_value", lang)))
    texts = _formatted(
        b[colour.column],
        classes.names,
        classes.index,
        lang=lang,
        categorical=colouring.categorical,
        unit=colour.unit,
    )
    ids = b[id_column].astype(str).tolist()
    titles = b[title_column].tolist() if title_column and title_column in b.columns else None
    props = [
        {"c": int(c), "i": i, "v": v, "t": js_safe(titles[k]) if titles else None}
        for k, (c, i, v) in enumerate(zip(classes.index.tolist(), ids, texts, strict=True))
    ]
    layers: list[tuple[Level, LayerFeatures]] = []
    for level in LEVELS:
        if level.cell_m is None:
            lf = LayerFeatures(BUILDING_LAYER, b.to_crs(_MERCATOR).geometry.to_numpy(), props)
        else:
            lf = _cells(
                metric,
                classes.index,
                colour,
                colouring,
                classes.names,
                size=level.cell_m,
                lang=lang,
            )
        layers.append((level, lf))
    bounds = tuple(float(v) for v in b.to_crs("EPSG:4326").total_bounds)
    return TileData(tuple(layers), entries, list(classes.colors), bounds)  # type: ignore[arg-type]


def write_tiles(
    data: TileData,
    *,
    key: str,
    root: Path | None = None,
    url_prefix: str = TILE_URL_PREFIX,
    keep: int = KEEP_SETS,
) -> TileSet:
    """Write the tiles of ``data`` to ``root/key`` (unless there already) and return the set.

    Written into a temporary folder and renamed when complete, so that a browser never
    sees half a set and two sessions writing the same set do not collide.
    """
    if not key.isalnum():
        raise ValueError("Der Schlüssel eines Kachelsatzes besteht aus Buchstaben und Ziffern.")
    root = TILE_ROOT if root is None else root
    folder = root / key
    start = time.perf_counter()
    written: list[str] = []
    if load_tiles(key, root=root, url_prefix=url_prefix) is None:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".part-", dir=root))
        try:
            for level, lf in data.layers:
                for z in range(level.first, level.last + 1):
                    for x, y, blob in encode_tiles(lf, z):
                        path = tmp / str(z) / str(x) / f"{y}.pbf"
                        path.parent.mkdir(parents=True, exist_ok=True)
                        path.write_bytes(blob)
                        written.append(f"{z}/{x}/{y}")
            meta = {
                "tiles": written,
                "colors": data.colors,
                "entries": data.entries,
                "bounds": data.bounds,
            }
            (tmp / "complete").write_text(json.dumps(meta), encoding="utf-8")
            if folder.exists():  # written meanwhile by another session
                shutil.rmtree(tmp)
            else:
                tmp.rename(folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        log.info(
            "Kachelsatz %s: %d Kacheln in %.1f s", key, len(written), time.perf_counter() - start
        )
        _prune(root, keep=keep, current=key)
    loaded = load_tiles(key, root=root, url_prefix=url_prefix)
    if loaded is None:
        raise OSError(f"Kachelsatz {folder} wurde gleich nach dem Schreiben entfernt.")
    return dataclasses.replace(loaded, seconds=time.perf_counter() - start)


def load_tiles(
    key: str, *, root: Path | None = None, url_prefix: str = TILE_URL_PREFIX
) -> TileSet | None:
    """The complete tile set ``key`` on disk (written earlier, by any process), or None.

    A server that restarts finds its sets here without classing or encoding anything.
    """
    if not key.isalnum():
        return None
    folder = (TILE_ROOT if root is None else root) / key
    try:
        meta = json.loads((folder / "complete").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or not {"tiles", "colors", "entries", "bounds"} <= set(meta):
        log.warning("Kachelsatz %s ist unvollständig oder veraltet: wird neu geschrieben.", key)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return TileSet(
        key=key,
        folder=folder,
        url=f"{url_prefix.rstrip('/')}/{key}/{{z}}/{{x}}/{{y}}.pbf",
        colors=list(meta["colors"]),
        entries=[(str(c), str(n)) for c, n in meta["entries"]],
        bounds=tuple(float(v) for v in meta["bounds"]),  # type: ignore[arg-type]
        tiles=tuple(meta["tiles"]),
        seconds=0.0,
    )


def _prune(root: Path, *, keep: int, current: str) -> None:
    sets = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in [p for p in sets if p.name != current][max(keep - 1, 0) :]:
        shutil.rmtree(old, ignore_errors=True)


def remove_building_tiles(root: Path | None = None) -> int:
    """Remove every tile set under ``root``; return how many there were.

    Called by public and workshop servers: tiles hold single buildings, and ``static/`` is
    served to every visitor, so such a server must not keep a planner's tile sets.
    """
    root = TILE_ROOT if root is None else root
    if not root.is_dir():
        return 0
    removed = 0
    for p in root.iterdir():
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
            removed += 1
    if removed:
        log.warning(
            "%d Kachelsätze mit Einzelgebäuden aus %s entfernt (kein Planungsserver).",
            removed,
            root,
        )
    return removed
