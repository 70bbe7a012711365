"""Builders of the bad-input corpus (see make_bad_uploads.py): GeoJSON, ZIP, GPKG, GML."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import geopandas as gpd
import shapely

X0, Y0 = 368_000.0, 5_708_000.0
LON0, LAT0 = 7.098, 51.5077
GIB = 1024**3


def fc(features: list[dict], crs: str | None = None) -> dict:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return doc


def feature(ring: list, props: dict | None = None, kind: str = "Polygon") -> dict:
    coords = [ring] if kind == "Polygon" else ring
    return {
        "type": "Feature",
        "properties": props or {"name": "a"},
        "geometry": {"type": kind, "coordinates": coords},
    }


def square(x: float, y: float, d: float) -> list[list[float]]:
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def lonlat(i: int = 0) -> list[list[float]]:
    return square(LON0 + 0.0005 * i, LAT0, 0.0002)


def utm(i: int = 0) -> list[list[float]]:
    return square(X0 + 20 * i, Y0, 10.0)


def dump(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def buildings(n: int = 3, names: list[str] | None = None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": names or [f"Haus {i}" for i in range(n)],
            "typ": ["EFH"] * n,
            "klasse": ["E"] * n,
            "geschosse": [2.0] * n,
        },
        geometry=[shapely.box(X0 + 20 * i, Y0, X0 + 20 * i + 10, Y0 + 20) for i in range(n)],
        crs="EPSG:25832",
    )


def shapefile(
    gdf: gpd.GeoDataFrame, folder: Path, stem: str, encoding: str = "UTF-8"
) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    gdf.to_file(folder / f"{stem}.shp", engine="pyogrio", encoding=encoding)
    return {p.suffix[1:]: p.read_bytes() for p in folder.glob(f"{stem}.*")}


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def bomb_zip(name: str, size: int = GIB) -> bytes:
    """A real deflate bomb: ``size`` zero bytes in about 1 MB (repeated flushed segments)."""
    chunk = b"\0" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = comp.compress(chunk) + comp.flush(zlib.Z_SYNC_FLUSH)
    n = size // len(chunk)
    data = segment * n + b"\x03\x00"
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    raw = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(data),
        size,
        len(raw),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    body = local + raw + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(raw), len(body), 0)
    return body + central + raw + end


def gpkg(folder: Path, name: str, layers: int = 1) -> Path:
    path = folder / name
    for i in range(layers):
        buildings().to_file(path, layer=f"layer{i}", engine="pyogrio", mode="a" if i else "w")
    return path


def citygml(extra_root_attrs: str = "", prolog: str = "", body_extra: str = "") -> str:
    ring = " ".join(f"{x} {y} 50" for x, y in utm(0))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        '<core:CityModel xmlns:core="http://www.opengis.net/citygml/1.0" '
        'xmlns:bldg="http://www.opengis.net/citygml/building/1.0" '
        'xmlns:gml="http://www.opengis.net/gml" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" {extra_root_attrs}>{body_extra}'
        '<gml:boundedBy><gml:Envelope srsName="urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH"/>'
        '</gml:boundedBy><core:cityObjectMember><bldg:Building gml:id="DENW1">'
        "<bldg:function>31001_1000</bldg:function>"
        '<bldg:measuredHeight uom="urn:adv:uom:m">6</bldg:measuredHeight><bldg:boundedBy>'
        "<bldg:GroundSurface><bldg:lod2MultiSurface><gml:MultiSurface><gml:surfaceMember>"
        '<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList srsDimension="3">'
        f"{ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>"
        "</gml:MultiSurface></bldg:lod2MultiSurface></bldg:GroundSurface></bldg:boundedBy>"
        "</bldg:Building></core:cityObjectMember></core:CityModel>\n"
    )


def parts(
    files: dict[str, bytes], stem: str = "gebaeude", skip: tuple[str, ...] = ()
) -> dict[str, bytes]:
    """The members of a shapefile under ``stem``, without the extensions in ``skip``."""
    return {f"{stem}.{k}": v for k, v in files.items() if k not in skip}
