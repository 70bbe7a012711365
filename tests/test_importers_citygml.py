"""CityGML LoD2 parsing in-process: footprints, BuildingParts, hardened XML."""

from __future__ import annotations

import io
import xml.parsers.expat
from pathlib import Path

import pytest

from quartier_geo.imports.worker.citygml import (
    TooComplexError,
    UnsafeXmlError,
    citygml_crs,
    parse_citygml,
)

TILE = Path(__file__).parent / "data" / "LoD2_32_368_5708_1_NW.gml"


@pytest.fixture(scope="module")
def tile():
    return parse_citygml(TILE)


def test_tile_has_three_buildings_with_their_footprints(tile) -> None:
    assert [r["gml_id"] for r in tile.records] == [
        "DENW36AL3000001",
        "DENW36AL3000002",
        "DENW36AL3000003",
    ]
    # 10 m x 20 m ground surface; two 10 m x 10 m parts; a 12 m x 8 m solid without ground
    assert [round(g.area, 6) for g in tile.footprints] == [200.0, 200.0, 96.0]
    assert citygml_crs(tile.srs_name) == "EPSG:25832"
    assert tile.records[0]["gemeindeschluessel"] == "05513000"


def test_building_parts_are_aggregated_to_their_building(tile) -> None:
    parts = tile.records[1]
    assert parts["building_parts"] == 2
    assert parts["measured_height_m"] == 12.0  # the highest part
    assert parts["mean_height_m"] == pytest.approx(9.0)  # (6 x 100 + 12 x 100) / 200
    assert parts["function"] == "31001_1010"  # the building's own function wins
    assert tile.footprints[1].geom_type == "Polygon"  # adjacent parts merge into one


def test_footprint_from_the_lowest_ring_of_the_solid(tile) -> None:
    b3 = tile.footprints[2]
    assert b3.bounds == pytest.approx((368_070.0, 5_708_320.0, 368_082.0, 5_708_328.0))
    assert tile.records[2]["measured_height_m"] == 6.5


DTD = """<?xml version="1.0"?>
<!DOCTYPE core:CityModel [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/1.0">&xxe;</core:CityModel>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<lolz>&lol2;</lolz>"""
PARAM = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]><x/>"""


@pytest.mark.parametrize("text", [DTD, LAUGHS, PARAM])
def test_dtds_and_entities_are_refused_before_expansion(text: str) -> None:
    with pytest.raises(UnsafeXmlError):
        parse_citygml(io.BytesIO(text.encode()))


def test_limits_and_malformed_xml() -> None:
    with pytest.raises(TooComplexError) as info:
        parse_citygml(TILE, max_buildings=2)
    assert (info.value.what, info.value.limit) == ("features", 2)
    with pytest.raises(TooComplexError):
        parse_citygml(TILE, max_vertices=10)
    with pytest.raises(xml.parsers.expat.ExpatError):
        parse_citygml(io.BytesIO(TILE.read_bytes()[:-100]))


@pytest.mark.parametrize(
    ("srs", "epsg"),
    [
        ("urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH", "EPSG:25832"),
        ("urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::7837", "EPSG:25832"),
        ("EPSG:4647", "EPSG:4647"),
        ("urn:ogc:def:crs:EPSG::31466", "EPSG:31466"),
        ("urn:adv:crs:DE_DHDN_3GK2", None),
        (None, None),
    ],
)
def test_srs_names(srs, epsg) -> None:
    assert citygml_crs(srs) == epsg
