"""CityGML LoD2 building tiles (Geobasis NRW) read with a hardened, streaming XML parser.

Security: the parser is expat with every DTD handler set to refuse. A document with a
``<!DOCTYPE``, an entity declaration or an external entity reference is rejected
(:class:`UnsafeXmlError`) before any entity is expanded, so XXE and "billion laughs"
inputs never reach a file or the network. ``xsi:schemaLocation`` is ignored (no schema is
fetched). The file is fed in 1 MiB chunks and each ``bldg:Building`` is processed and
dropped as soon as it is closed, so memory stays flat for 1 km tiles (38–160 MB).

Footprints (open_data.md §3): the union of the building's ``GroundSurface`` polygons; if
there are none, the lowest horizontal polygons of its ``lod2Solid``/``lod1Solid``; if still
none, the union of all its polygons projected to 2D. ``BuildingPart``\\s are read the same
way and aggregated to their building: footprint = union, ``measured_height_m`` = the
highest part, ``mean_height_m`` = footprint-weighted mean height (so that
footprint × mean height = Σ part footprint × part height), roof type and function of the
largest part where the building has none. Storeys are derived later from the height
(mapping step, ``gross_storey_height_m`` of assumptions.csv).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import shapely

__all__ = [
    "CityGmlResult",
    "TooComplexError",
    "UnsafeXmlError",
    "citygml_crs",
    "parse_citygml",
]

_GML = ("http://www.opengis.net/gml", "http://www.opengis.net/gml/3.2")
_BLDG = (
    "http://www.opengis.net/citygml/building/1.0",
    "http://www.opengis.net/citygml/building/2.0",
    "http://www.opengis.net/citygml/building/3.0",
)
_GEN = (
    "http://www.opengis.net/citygml/generics/1.0",
    "http://www.opengis.net/citygml/generics/2.0",
)
_CHUNK = 1024 * 1024
_FLAT_M = 0.05  # a polygon whose z varies less than this is horizontal
_LOWEST_M = 0.1  # horizontal polygons within this of the lowest are the base


class UnsafeXmlError(ValueError):
    """The XML contains a DTD or entity declarations (refused, never expanded)."""


class TooComplexError(ValueError):
    """More buildings or coordinates than the limits allow."""

    def __init__(self, what: str, value: int, limit: int) -> None:
        super().__init__(f"{what} {value} > {limit}")
        self.what, self.value, self.limit = what, value, limit


@dataclass
class CityGmlResult:
    """Buildings of a tile: one record and one 2D footprint (or None) per building."""

    records: list[dict[str, Any]] = field(default_factory=list)
    footprints: list[shapely.Geometry | None] = field(default_factory=list)
    srs_name: str | None = None


def citygml_crs(srs_name: str | None) -> str | None:
    """EPSG code of a CityGML ``srsName`` (NRW: ``urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH``).

    >>> citygml_crs("urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH")
    'EPSG:25832'
    >>> citygml_crs("urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::7837")
    'EPSG:25832'
    """
    if not srs_name:
        return None
    s = srs_name.upper().replace("_", "").replace("-", "")
    for code in ("4647", "25832", "25833", "31466", "31467", "3857", "4326"):
        if f"EPSG::{code}" in s or f"EPSG:{code}" in s or s.endswith(f"/{code}"):
            return f"EPSG:{code}"
    if "UTM32" in s and "ETRS89" in s:
        return "EPSG:25832"
    return None


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        uri, _, name = tag[1:].partition("}")
        return uri, name
    return "", tag


def _is(el: ET.Element, uris: tuple[str, ...], name: str) -> bool:
    uri, local = _local(el.tag)
    return local == name and uri in uris


def _children(el: ET.Element, uris: tuple[str, ...], name: str) -> Iterator[ET.Element]:
    return (c for c in el if _is(c, uris, name))


def _text(el: ET.Element, name: str) -> str | None:
    for c in _children(el, _BLDG, name):
        return (c.text or "").strip() or None
    return None


def _float(value: str | None) -> float | None:
    try:
        out = float(value) if value is not None else None
    except ValueError:
        return None
    return out if out is not None and np.isfinite(out) else None


class _Counter:
    def __init__(self, limit: int) -> None:
        self.total, self.limit = 0, limit

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limit:
            raise TooComplexError("vertices_total", self.total, self.limit)


def _ring(el: ET.Element, counter: _Counter) -> np.ndarray | None:
    """Coordinates (n, 3) of a gml:LinearRing (posList or a sequence of gml:pos)."""
    for pl in el.iter():
        if _is(pl, _GML, "posList"):
            values = np.array((pl.text or "").split(), dtype=float)
            dim = int(pl.get("srsDimension") or (3 if values.size % 3 == 0 else 2))
            break
    else:
        pts = [(p.text or "").split() for p in el.iter() if _is(p, _GML, "pos")]
        if not pts:
            return None
        dim = len(pts[0])
        values = np.array([v for p in pts for v in p], dtype=float)
    if dim not in (2, 3) or values.size % dim or values.size < 3 * dim:
        return None
    counter.add(values.size // dim)
    coords = values.reshape(-1, dim)
    if dim == 2:
        coords = np.column_stack([coords, np.zeros(len(coords))])
    return coords


def _polygons(el: ET.Element, counter: _Counter) -> Iterator[tuple[shapely.Polygon, np.ndarray]]:
    """Every gml:Polygon below ``el`` as a 2D polygon with its exterior z values."""
    for poly in el.iter():
        if not _is(poly, _GML, "Polygon"):
            continue
        shell, holes = None, []
        for part in poly:
            if not (_is(part, _GML, "exterior") or _is(part, _GML, "interior")):
                continue
            ring = _ring(part, counter)
            if ring is None:
                continue
            if _is(part, _GML, "exterior"):
                shell = ring
            else:
                holes.append(ring[:, :2])
        if shell is None or not np.isfinite(shell).all():
            continue
        yield shapely.Polygon(shell[:, :2], holes), shell[:, 2]


def _union(polys: list[shapely.Polygon]) -> shapely.Geometry | None:
    if not polys:
        return None
    fixed = shapely.make_valid(np.array(polys, dtype=object), method="structure")
    merged = shapely.union_all(fixed)
    parts = [g for g in shapely.get_parts(merged) if g.geom_type == "Polygon" and g.area > 0]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _footprint(el: ET.Element, counter: _Counter) -> shapely.Geometry | None:
    """Footprint of a Building or BuildingPart, ignoring its BuildingParts."""
    own = [c for c in el if not _is(c, _BLDG, "consistsOfBuildingPart")]
    ground: list[shapely.Polygon] = []
    for c in own:
        if _is(c, _BLDG, "boundedBy"):
            for surface in c:
                if _is(surface, _BLDG, "GroundSurface"):
                    ground.extend(p for p, _ in _polygons(surface, counter))
    if ground:
        return _union(ground)
    for name in ("lod2Solid", "lod1Solid"):
        polys = [pz for c in own if _is(c, _BLDG, name) for pz in _polygons(c, counter)]
        flat = [(p, float(z.mean())) for p, z in polys if float(np.ptp(z)) < _FLAT_M and p.area > 0]
        if flat:
            lowest = min(z for _, z in flat)
            return _union([p for p, z in flat if z - lowest < _LOWEST_M])
    every = [p for c in own for p, _ in _polygons(c, counter) if p.area > 0]
    return _union(every)


def _attributes(el: ET.Element) -> dict[str, Any]:
    gen = {
        c.get("name"): next((v.text for v in c if _local(v.tag)[1] == "value"), None)
        for c in el
        if _local(c.tag)[0] in _GEN and _local(c.tag)[1] == "stringAttribute"
    }
    year = _float(_text(el, "yearOfConstruction"))
    return {
        "function": _text(el, "function"),
        "roof_type": _text(el, "roofType"),
        "height_m": _float(_text(el, "measuredHeight")),
        "storeys_above_ground": _float(_text(el, "storeysAboveGround")),
        "year_of_construction": int(year) if year is not None else None,
        "gemeindeschluessel": gen.get("Gemeindeschluessel"),
    }


def _building(el: ET.Element, counter: _Counter) -> tuple[dict[str, Any], shapely.Geometry | None]:
    """One record per building, BuildingParts aggregated (see the module docstring)."""
    own = _attributes(el)
    pieces = [(own, _footprint(el, counter))]
    parts = [
        p
        for c in el
        if _is(c, _BLDG, "consistsOfBuildingPart")
        for p in c
        if _is(p, _BLDG, "BuildingPart")
    ]
    pieces += [(_attributes(p), _footprint(p, counter)) for p in parts]
    with_area = [(a, g, float(g.area)) for a, g in pieces if g is not None]
    footprint = _union([q for _, g, _ in with_area for q in shapely.get_parts(g)])
    heights = [(a["height_m"], area) for a, _, area in with_area if a["height_m"] is not None]
    weight = sum(area for _, area in heights)
    largest = max(with_area, key=lambda t: t[2])[0] if with_area else own
    record = {
        "gml_id": el.get("{http://www.opengis.net/gml}id")
        or el.get("{http://www.opengis.net/gml/3.2}id"),
        "function": own["function"] or largest["function"],
        "roof_type": own["roof_type"] or largest["roof_type"],
        "measured_height_m": max((h for h, _ in heights), default=own["height_m"]),
        "mean_height_m": (sum(h * w for h, w in heights) / weight)
        if weight > 0
        else own["height_m"],
        "storeys_above_ground": own["storeys_above_ground"] or largest["storeys_above_ground"],
        "year_of_construction": own["year_of_construction"] or largest["year_of_construction"],
        "gemeindeschluessel": own["gemeindeschluessel"],
        "building_parts": len(parts),
    }
    return record, footprint


class _Reader:
    """expat callbacks: forward the events of each top-level Building to a TreeBuilder."""

    def __init__(self, result: CityGmlResult, max_buildings: int, counter: _Counter) -> None:
        self.result, self.max_buildings, self.counter = result, max_buildings, counter
        self.builder: ET.TreeBuilder | None = None
        self.depth = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = "{" + name.replace(" ", "}", 1) if " " in name else name
        attrs = {("{" + k.replace(" ", "}", 1) if " " in k else k): v for k, v in attrs.items()}
        if self.result.srs_name is None and "srsName" in attrs:
            self.result.srs_name = attrs["srsName"]
        if self.builder is None:
            uri, local = _local(tag)
            if local != "Building" or uri not in _BLDG:
                return
            self.builder = ET.TreeBuilder()
            self.depth = 0
        self.depth += 1
        self.builder.start(tag, attrs)

    def end(self, name: str) -> None:
        if self.builder is None:
            return
        tag = "{" + name.replace(" ", "}", 1) if " " in name else name
        self.builder.end(tag)
        self.depth -= 1
        if self.depth == 0:
            element = self.builder.close()
            self.builder = None
            if len(self.result.records) >= self.max_buildings:
                raise TooComplexError("features", len(self.result.records) + 1, self.max_buildings)
            record, footprint = _building(element, self.counter)
            self.result.records.append(record)
            self.result.footprints.append(footprint)

    def data(self, text: str) -> None:
        if self.builder is not None:
            self.builder.data(text)


def _refuse(*_args: object) -> Any:
    raise UnsafeXmlError("DTD/entity declarations are not allowed")


def parse_citygml(
    source: Path | BinaryIO, *, max_buildings: int = 200_000, max_vertices: int = 5_000_000
) -> CityGmlResult:
    """Read the buildings of a CityGML (1.0/2.0) file.

    Raises :class:`UnsafeXmlError` for DTDs/entities, :class:`TooComplexError` above the
    limits and ``xml.parsers.expat.ExpatError`` for malformed XML.
    """
    result = CityGmlResult()
    reader = _Reader(result, max_buildings, _Counter(max_vertices))
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    parser.buffer_text = True
    stream = open(source, "rb") if isinstance(source, Path) else source  # noqa: SIM115
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    finally:
        if isinstance(source, Path):
            stream.close()
    return result
