"""Mapbox Vector Tiles (MVT 2.1) for polygons: tile arithmetic, encoder, a small decoder.

Written here instead of taking a package: the encoder is about a hundred lines of protobuf
(``vector_tile.proto`` of the Mapbox Vector Tile Specification 2.1: ``Tile.layers`` = 3;
``Layer`` version 15, name 1, features 2, keys 3, values 4, extent 5; ``Feature`` id 1,
tags 2, type 3, geometry 4; ``Value`` string 1, double 3, sint 6, bool 7), and the
packages on PyPI (``mapbox-vector-tile``) need pyclipper and clip every polygon, which
footprints of 10-30 m never need: a feature is written whole into every tile its bounding
box touches (coordinates outside 0..extent are allowed by the specification and clipped
by the canvas). Polygons are oriented as the specification asks (exterior ring with
positive area in tile coordinates, y down). Pure functions: no streamlit, no I/O.

Input geometries are in EPSG:3857 (metres of Web Mercator).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "EXTENT",
    "HALF_WORLD",
    "LayerFeatures",
    "decode_tile",
    "encode_tile",
    "encode_tiles",
    "features_by_tile",
    "tile_bounds",
    "tile_index",
]

#: Tile coordinate units per tile side (the specification's default).
EXTENT = 4096
#: Half the side of the Web Mercator square (m).
HALF_WORLD = 20037508.342789244

_MOVE, _LINE, _CLOSE = 1, 2, 7
_POLYGON = 3
Value = str | int | float | bool


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """``(minx, miny, maxx, maxy)`` of tile z/x/y in EPSG:3857 (XYZ scheme, y down).

    >>> [round(v) for v in tile_bounds(1, 1, 0)]
    [0, 0, 20037508, 20037508]
    """
    side = 2 * HALF_WORLD / 2**z
    minx = -HALF_WORLD + x * side
    maxy = HALF_WORLD - y * side
    return minx, maxy - side, minx + side, maxy


def tile_index(bounds: np.ndarray, z: int) -> tuple[np.ndarray, ...]:
    """First and last tile column and row touched by each bounding box.

    ``bounds`` has rows ``(minx, miny, maxx, maxy)`` in EPSG:3857; returns
    ``(x0, x1, y0, y1)`` (inclusive) as integer arrays.
    """
    n = 2**z
    side = 2 * HALF_WORLD / n
    b = np.atleast_2d(np.asarray(bounds, dtype=float))
    x0 = np.floor((b[:, 0] + HALF_WORLD) / side)
    x1 = np.floor((b[:, 2] + HALF_WORLD) / side)
    y0 = np.floor((HALF_WORLD - b[:, 3]) / side)
    y1 = np.floor((HALF_WORLD - b[:, 1]) / side)
    return tuple(np.clip(a, 0, n - 1).astype(np.int64) for a in (x0, x1, y0, y1))


@dataclass(frozen=True)
class LayerFeatures:
    """One tile layer's features: polygons in EPSG:3857 and their properties.

    ``properties[i]`` maps a key to a text, a whole number, a float or a bool; ``None``
    values are left out of the feature.
    """

    name: str
    geometries: Sequence[BaseGeometry]
    properties: Sequence[Mapping[str, Value | None]]
    ids: Sequence[int] | None = None

    def __post_init__(self) -> None:
        if len(self.geometries) != len(self.properties):
            raise ValueError("geometries und properties müssen gleich lang sein.")


# ----------------------------------------------------------------------------- encoding
def _varint(n: int, out: bytearray) -> None:
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _key(field_no: int, wire: int, out: bytearray) -> None:
    _varint((field_no << 3) | wire, out)


def _bytes_field(field_no: int, payload: bytes | bytearray, out: bytearray) -> None:
    _key(field_no, 2, out)
    _varint(len(payload), out)
    out += payload


def _packed(field_no: int, values: Sequence[int], out: bytearray) -> None:
    body = bytearray()
    for v in values:
        _varint(v, body)
    _bytes_field(field_no, body, out)


def _value(v: Value) -> bytes:
    out = bytearray()
    if isinstance(v, bool):
        _key(7, 0, out)
        _varint(int(v), out)
    elif isinstance(v, int | np.integer):
        _key(6, 0, out)
        _varint(_zigzag(int(v)), out)
    elif isinstance(v, float | np.floating):
        _key(3, 1, out)
        out += struct.pack("<d", float(v))
    else:
        _bytes_field(1, str(v).encode("utf-8"), out)
    return bytes(out)


@dataclass
class _LayerWriter:
    """One layer of one tile: its key and value tables and the encoded features."""

    name: str
    keys: dict[str, int] = field(default_factory=dict)
    values: dict[tuple[type, Value], int] = field(default_factory=dict)
    features: bytearray = field(default_factory=bytearray)

    def tags(self, props: Mapping[str, Value | None]) -> list[int]:
        out: list[int] = []
        for k, v in props.items():
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            ki = self.keys.setdefault(k, len(self.keys))
            vi = self.values.setdefault((type(v), v), len(self.values))
            out += (ki, vi)
        return out

    def encode(self) -> bytes:
        out = bytearray()
        _key(15, 0, out)
        _varint(2, out)
        _bytes_field(1, self.name.encode("utf-8"), out)
        out += self.features
        for k in self.keys:
            _bytes_field(3, k.encode("utf-8"), out)
        for _t, v in self.values:
            _bytes_field(4, _value(v), out)
        _key(5, 0, out)
        _varint(EXTENT, out)
        return bytes(out)


def _varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Varint bytes of non-negative ``values`` (vectorised) and each value's byte offset
    (one more offset at the end)."""
    v = np.asarray(values, dtype=np.int64)
    n = np.ones(len(v), dtype=np.int64)  # bytes per value: 7 bits each, up to 2**35
    for k in range(1, 5):
        n += v >= (1 << (7 * k))
    offsets = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(n, out=offsets[1:])
    out = np.zeros(int(offsets[-1]), dtype=np.uint8)
    for k in range(5):
        m = n > k
        byte = (v[m] >> (7 * k)) & 0x7F
        out[offsets[:-1][m] + k] = byte | np.where(n[m] > k + 1, 0x80, 0)
    return out, offsets


def _zz(a: np.ndarray) -> np.ndarray:
    return (a << 1) ^ (a >> 63)


@dataclass(frozen=True)
class _Geometry:
    """The geometry commands of a layer's features at one zoom, ready to be cut into tiles.

    Every feature's commands are in ``rest`` (varint bytes) from ``start`` to ``end``,
    except the parameters of its first MoveTo, which depend on the tile: ``first`` holds
    that point in global tile units (zoom's pixel grid times the extent).
    """

    first: np.ndarray  # (n, 2) int64; -1 rows for features without a drawable ring
    rest: bytes
    start: np.ndarray
    end: np.ndarray


def _prepare(geometries: Sequence[BaseGeometry], z: int) -> _Geometry:
    n_feat = len(geometries)
    geoms = shapely.orient_polygons(np.asarray(geometries, dtype=object), exterior_cw=True)
    parts, part_feat = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_feat = part_feat[ring_part]
    xy, point_ring = shapely.get_coordinates(rings, return_index=True)
    scale = EXTENT * 2**z / (2 * HALF_WORLD)
    g = np.empty(xy.shape, dtype=np.int64)
    g[:, 0] = np.round((xy[:, 0] + HALF_WORLD) * scale)
    g[:, 1] = np.round((HALF_WORLD - xy[:, 1]) * scale)
    # drop each ring's closing point and points that round onto their predecessor
    keep = np.ones(len(g), dtype=bool)
    if len(g):
        last = np.r_[point_ring[1:] != point_ring[:-1], True]
        keep &= ~last
        same = np.r_[False, np.all(g[1:] == g[:-1], axis=1) & (point_ring[1:] == point_ring[:-1])]
        keep &= ~same
    counts = np.bincount(point_ring[keep], minlength=len(rings))
    good_ring = counts >= 3
    keep &= good_ring[point_ring] if len(g) else keep
    g, point_ring = g[keep], point_ring[keep]
    ring_ids = np.flatnonzero(good_ring)
    n_pts = counts[ring_ids]
    feat_of_ring = ring_feat[ring_ids]
    feat_of_point = feat_of_ring[np.searchsorted(ring_ids, point_ring)] if len(g) else point_ring
    # deltas from the previous point of the same feature (first point: set per tile)
    d = np.zeros_like(g)
    if len(g):
        d[1:] = g[1:] - g[:-1]
        new_feat = np.r_[True, feat_of_point[1:] != feat_of_point[:-1]]
        d[new_feat] = 0
    # tokens per ring: MoveTo, dx, dy, LineTo(n-1), 2(n-1) params, ClosePath
    size = 2 * n_pts + 3
    tok_start = np.zeros(len(ring_ids) + 1, dtype=np.int64)
    np.cumsum(size, out=tok_start[1:])
    tok = np.zeros(int(tok_start[-1]), dtype=np.int64)
    rs = tok_start[:-1]
    tok[rs] = (1 << 3) | _MOVE
    tok[rs + 3] = ((n_pts - 1) << 3) | _LINE
    tok[rs + size - 1] = (1 << 3) | _CLOSE
    ring_first_point = np.zeros(len(ring_ids), dtype=np.int64)
    if len(ring_ids):
        ring_first_point[1:] = np.cumsum(n_pts)[:-1]
    j = np.arange(len(g)) - np.repeat(ring_first_point, n_pts)  # index within the ring
    pos = np.repeat(rs, n_pts) + np.where(j == 0, 1, 2 + 2 * j)
    tok[pos] = _zz(d[:, 0])
    tok[pos + 1] = _zz(d[:, 1])
    data, offsets = _varints(tok)
    first = np.full((n_feat, 2), -1, dtype=np.int64)
    start = np.zeros(n_feat, dtype=np.int64)
    end = np.zeros(n_feat, dtype=np.int64)
    if len(ring_ids):
        firsts = np.r_[True, feat_of_ring[1:] != feat_of_ring[:-1]]
        lasts = np.r_[feat_of_ring[1:] != feat_of_ring[:-1], True]
        f = feat_of_ring[firsts]
        first[f] = g[ring_first_point[firsts]]
        start[f] = offsets[rs[firsts] + 3]  # after the first MoveTo and its two parameters
        end[feat_of_ring[lasts]] = offsets[tok_start[1:][lasts]]
    return _Geometry(first, data.tobytes(), start, end)


def _feature(
    geo: _Geometry, i: int, origin: tuple[int, int], tags: list[int], fid: int | None
) -> bytearray:
    feat = bytearray()
    if fid is not None:
        _key(1, 0, feat)
        _varint(int(fid), feat)
    if tags:
        _packed(2, tags, feat)
    _key(3, 0, feat)
    _varint(_POLYGON, feat)
    body = bytearray()
    _varint((1 << 3) | _MOVE, body)
    _varint(_zigzag(int(geo.first[i, 0]) - origin[0]), body)
    _varint(_zigzag(int(geo.first[i, 1]) - origin[1]), body)
    body += geo.rest[geo.start[i] : geo.end[i]]
    _bytes_field(4, body, feat)
    return feat


def encode_tiles(lf: LayerFeatures, z: int) -> Iterator[tuple[int, int, bytes]]:
    """``(x, y, bytes)`` of every tile at zoom ``z`` that holds a feature of ``lf``.

    Each feature goes whole into every tile its bounding box touches; polygons that round
    to fewer than three distinct points at this zoom are left out.
    """
    geo = _prepare(lf.geometries, z)
    for (x, y), idx in sorted(features_by_tile(lf.geometries, z).items()):
        origin = (x * EXTENT, y * EXTENT)
        writer = _LayerWriter(lf.name)
        for i in idx:
            if geo.first[i, 0] < 0:
                continue
            tags = writer.tags(lf.properties[i])
            fid = lf.ids[i] if lf.ids is not None else None
            _bytes_field(2, _feature(geo, i, origin, tags, fid), writer.features)
        if writer.features:
            out = bytearray()
            _bytes_field(3, writer.encode(), out)
            yield x, y, bytes(out)


def encode_tile(z: int, x: int, y: int, lf: LayerFeatures) -> bytes:
    """The MVT bytes of tile z/x/y for the features of ``lf`` (``b""`` when none touch it)."""
    for tx, ty, blob in encode_tiles(lf, z):
        if (tx, ty) == (x, y):
            return blob
    return b""


def features_by_tile(
    geometries: Sequence[BaseGeometry], z: int
) -> dict[tuple[int, int], list[int]]:
    """Tile (x, y) -> indices of the geometries whose bounding box touches it at zoom ``z``."""
    if len(geometries) == 0:
        return {}
    bounds = shapely.bounds(np.asarray(geometries, dtype=object))
    ok = np.all(np.isfinite(bounds), axis=1)
    x0, x1, y0, y1 = tile_index(np.where(ok[:, None], bounds, 0.0), z)
    out: dict[tuple[int, int], list[int]] = {}
    single = ok & (x0 == x1) & (y0 == y1)
    if single.any():
        idx = np.flatnonzero(single)
        order = np.lexsort((idx, y0[idx], x0[idx]))
        idx = idx[order]
        kx, ky = x0[idx], y0[idx]
        cut = np.flatnonzero(np.r_[True, (kx[1:] != kx[:-1]) | (ky[1:] != ky[:-1])])
        for a, b in zip(cut.tolist(), [*cut[1:].tolist(), len(idx)], strict=True):
            out[(int(kx[a]), int(ky[a]))] = idx[a:b].tolist()
    for i in np.flatnonzero(ok & ~single).tolist():
        for tx in range(int(x0[i]), int(x1[i]) + 1):
            for ty in range(int(y0[i]), int(y1[i]) + 1):
                out.setdefault((tx, ty), []).append(i)
    for v in out.values():
        v.sort()
    return out


# ----------------------------------------------------------------------------- decoding
def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes) -> Iterator[tuple[int, int, Any]]:
    pos = 0
    while pos < len(buf):
        key, pos = _read_varint(buf, pos)
        no, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = _read_varint(buf, pos)
            yield no, wire, v
        elif wire == 1:
            yield no, wire, buf[pos : pos + 8]
            pos += 8
        elif wire == 2:
            n, pos = _read_varint(buf, pos)
            yield no, wire, buf[pos : pos + n]
            pos += n
        elif wire == 5:
            yield no, wire, buf[pos : pos + 4]
            pos += 4
        else:
            raise ValueError(f"Unbekannter Protobuf-Typ {wire}.")


def _unpack(buf: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(buf):
        v, pos = _read_varint(buf, pos)
        out.append(v)
    return out


def _unzig(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _decode_value(buf: bytes) -> Value:
    for no, _wire, v in _fields(buf):
        if no == 1:
            return bytes(v).decode("utf-8")
        if no == 2:
            return float(struct.unpack("<f", v)[0])
        if no == 3:
            return float(struct.unpack("<d", v)[0])
        if no in (4, 5):
            return int(v)
        if no == 6:
            return _unzig(int(v))
        if no == 7:
            return bool(v)
    raise ValueError("Leerer Wert.")


def _decode_rings(commands: list[int]) -> list[list[tuple[int, int]]]:
    rings: list[list[tuple[int, int]]] = []
    x = y = i = 0
    while i < len(commands):
        cmd, count = commands[i] & 7, commands[i] >> 3
        i += 1
        if cmd == _CLOSE:
            rings[-1].append(rings[-1][0])
            continue
        for _ in range(count):
            x += _unzig(commands[i])
            y += _unzig(commands[i + 1])
            i += 2
            if cmd == _MOVE:
                rings.append([])
            rings[-1].append((x, y))
    return rings


def decode_tile(data: bytes) -> dict[str, list[dict[str, object]]]:
    """Layer name -> features (``id``, ``type``, ``properties``, ``rings`` in tile units).

    For tests and inspection; reads what :func:`encode_tile` writes (MVT 2.1 polygons).
    """
    out: dict[str, list[dict[str, object]]] = {}
    for no, _w, layer in _fields(data):
        if no != 3:
            continue
        name, keys, values, raw = "", [], [], []
        for lno, _lw, v in _fields(layer):
            if lno == 1:
                name = bytes(v).decode("utf-8")
            elif lno == 2:
                raw.append(v)
            elif lno == 3:
                keys.append(bytes(v).decode("utf-8"))
            elif lno == 4:
                values.append(_decode_value(v))
        feats = []
        for f in raw:
            feat: dict[str, object] = {"id": None, "properties": {}, "rings": [], "type": None}
            for fno, _fw, v in _fields(f):
                if fno == 1:
                    feat["id"] = v
                elif fno == 2:
                    tags = _unpack(v)
                    feat["properties"] = {
                        keys[tags[j]]: values[tags[j + 1]] for j in range(0, len(tags), 2)
                    }
                elif fno == 3:
                    feat["type"] = v
                elif fno == 4:
                    feat["rings"] = _decode_rings(_unpack(v))
            feats.append(feat)
        out[name] = feats
    return out
