"""Vector tiles of every building (issue 8 item 4): tile arithmetic, the MVT encoder on
hand-made squares, cells, the written tile set, and the map page that draws it.

Tile arithmetic follows the XYZ scheme of Web Mercator (EPSG:3857): the world square of
side 2 * 20037508.342789244 m has 2**z tiles per side, x to the east, y to the south; a
tile has 4096 units per side (MVT 2.1, "extent").
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.views import mvt, tile_map, vector_tiles
from quartier_geo.views.classify import ColourBy, Colouring
from quartier_geo.views.map_assets import external_urls, map_html
from quartier_geo.views.map_legend import LegendContent

HALF = mvt.HALF_WORLD
Z, X, Y = 16, 34000, 21700


def _square(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """A square given in tile fractions of tile Z/X/Y (x to the east, y down)."""
    minx, _miny, maxx, maxy = mvt.tile_bounds(Z, X, Y)
    s = maxx - minx
    return box(minx + x0 * s, maxy - y1 * s, minx + x1 * s, maxy - y0 * s)


def _area(ring: list[tuple[int, int]]) -> float:
    """Surveyor's formula in tile coordinates (y down), as the MVT specification uses it."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def _layer() -> mvt.LayerFeatures:
    inside = _square(0.25, 0.25, 0.5, 0.5)
    across_east = _square(0.9, 0.1, 1.1, 0.2)  # also in tile X+1
    elsewhere = _square(3.25, 3.25, 3.5, 3.5)  # tile X+3, Y+3
    return mvt.LayerFeatures(
        "buildings",
        [inside, across_east, elsewhere],
        [
            {"i": "A", "c": 2, "v": "12,5 kWh"},
            {"i": "B", "c": -1, "v": None},
            {"i": "C", "c": 0, "share": 0.25},
        ],
    )


def test_tile_bounds_of_the_world_and_its_quarters() -> None:
    assert mvt.tile_bounds(0, 0, 0) == pytest.approx((-HALF, -HALF, HALF, HALF))
    assert mvt.tile_bounds(1, 1, 0) == pytest.approx((0.0, 0.0, HALF, HALF))
    assert mvt.tile_bounds(1, 0, 1) == pytest.approx((-HALF, -HALF, 0.0, 0.0))


def test_a_tile_holds_the_buildings_that_intersect_it() -> None:
    lf = _layer()
    here = mvt.decode_tile(mvt.encode_tile(Z, X, Y, lf))["buildings"]
    east = mvt.decode_tile(mvt.encode_tile(Z, X + 1, Y, lf))["buildings"]
    far = mvt.decode_tile(mvt.encode_tile(Z, X + 3, Y + 3, lf))["buildings"]
    assert sorted(f["properties"]["i"] for f in here) == ["A", "B"]
    assert [f["properties"]["i"] for f in east] == ["B"]
    assert [f["properties"]["i"] for f in far] == ["C"]
    assert mvt.encode_tile(Z, X - 1, Y, lf) == b""


def test_geometry_in_tile_units_and_exterior_ring_clockwise() -> None:
    (a,) = [
        f
        for f in mvt.decode_tile(mvt.encode_tile(Z, X, Y, _layer()))["buildings"]
        if f["properties"]["i"] == "A"
    ]
    assert a["type"] == 3  # POLYGON
    (ring,) = a["rings"]
    # 0.25 and 0.5 of 4096 units
    assert set(ring) == {(1024, 1024), (2048, 1024), (2048, 2048), (1024, 2048)}
    assert ring[0] == ring[-1]
    assert _area(ring) == 1024 * 1024  # positive: an exterior ring (MVT 2.1, 4.3.4.4)
    # the neighbour tile sees B shifted by one tile: x from 0.9 - 1 to 1.1 - 1 of 4096
    (b,) = mvt.decode_tile(mvt.encode_tile(Z, X + 1, Y, _layer()))["buildings"]
    xs = sorted({p[0] for p in b["rings"][0]})
    assert xs == [round(-0.1 * 4096), round(0.1 * 4096)]


def test_a_hole_is_an_interior_ring_with_negative_area() -> None:
    outer = _square(0.0, 0.0, 0.5, 0.5)
    hole = _square(0.125, 0.125, 0.25, 0.25)
    donut = Polygon(outer.exterior.coords, [hole.exterior.coords])
    lf = mvt.LayerFeatures("b", [donut], [{"i": "D"}])
    (f,) = mvt.decode_tile(mvt.encode_tile(Z, X, Y, lf))["b"]
    ext, inner = f["rings"]
    assert _area(ext) == 2048 * 2048
    assert _area(inner) == -(512 * 512)


def test_property_values_keep_their_type_and_missing_ones_are_left_out() -> None:
    feats = {
        f["properties"]["i"]: f["properties"]
        for f in mvt.decode_tile(mvt.encode_tile(Z, X, Y, _layer()))["buildings"]
    }
    assert feats["A"] == {"i": "A", "c": 2, "v": "12,5 kWh"}
    assert feats["B"] == {"i": "B", "c": -1}
    far = mvt.decode_tile(mvt.encode_tile(Z, X + 3, Y + 3, _layer()))["buildings"][0]
    assert far["properties"]["share"] == 0.25


def test_a_polygon_smaller_than_a_tile_unit_is_left_out() -> None:
    tiny = _square(0.5, 0.5, 0.5 + 0.1 / 4096, 0.5 + 0.1 / 4096)
    lf = mvt.LayerFeatures("b", [tiny, _square(0.1, 0.1, 0.2, 0.2)], [{"i": "t"}, {"i": "ok"}])
    feats = mvt.decode_tile(mvt.encode_tile(Z, X, Y, lf))["b"]
    assert [f["properties"]["i"] for f in feats] == ["ok"]


# ----------------------------------------------------------------------------- tile sets
def _buildings() -> gpd.GeoDataFrame:
    """Six 10 m squares in EPSG:25832: four in hectare cell (3600, 57050), two in the next
    cell to the east; types and demands chosen so the cell values are easy by hand."""
    xs = [360_010, 360_030, 360_050, 360_070, 360_110, 360_130]
    return gpd.GeoDataFrame(
        {
            "building_id": [f"b{i}" for i in range(6)],
            "address": ["Weg 1", "Weg 2", "<b>Weg 3</b>", "Weg 4", "Weg 5", "Weg 6"],
            "building_type": ["EFH", "EFH", "MFH", "EFH", "MFH", "MFH"],
            "useful_heat_kwh_per_a": [10_000.0, 20_000.0, 30_000.0, 40_000.0, 5_000.0, 5_000.0],
            "conditioned_floor_area_m2": [100.0, 100.0, 100.0, 100.0, 50.0, 50.0],
            "useful_heat_kwh_per_m2a": [100.0, 200.0, 300.0, 400.0, 100.0, 100.0],
        },
        geometry=[box(x, 5_705_010, x + 10, 5_705_020) for x in xs],
        crs="EPSG:25832",
    )


def _hectare_layer(data: vector_tiles.TileData) -> mvt.LayerFeatures:
    return next(lf for level, lf in data.layers if level.cell_m == 100.0)


def test_cells_count_buildings_and_take_the_most_frequent_class() -> None:
    colour = ColourBy("building_type", "Typ", colouring=Colouring(categorical=True))
    data = vector_tiles.tile_data(_buildings(), colour)
    cells = sorted(_hectare_layer(data).properties, key=lambda p: -int(p["n"]))
    names = [name for _c, name in data.entries]
    assert [p["n"] for p in cells] == [4, 2]
    assert names[cells[0]["c"]] == "EFH"  # three EFH, one MFH
    assert names[cells[1]["c"]] == "MFH"


def test_cells_of_a_ratio_are_floor_area_weighted_and_share_the_breaks() -> None:
    colour = ColourBy(
        "useful_heat_kwh_per_m2a",
        "Spez.",
        unit="kWh/(m²·a)",
        colouring=Colouring(breaks=[0.0, 150.0, 500.0]),
    )
    data = vector_tiles.tile_data(_buildings(), colour)
    cells = sorted(_hectare_layer(data).properties, key=lambda p: -int(p["n"]))
    # (10,000 + 20,000 + 30,000 + 40,000) kWh/a / 400 m² = 250; 10,000 / 100 = 100
    assert [p["v"] for p in cells] == ["250 kWh/(m²·a)", "100 kWh/(m²·a)"]
    assert [p["c"] for p in cells] == [1, 0]
    buildings = next(lf for level, lf in data.layers if level.cell_m is None)
    assert [p["c"] for p in buildings.properties] == [0, 1, 1, 1, 0, 0]
    assert buildings.properties[2]["t"] == "&lt;b&gt;Weg 3&lt;/b&gt;"  # escaped in the tile


def test_write_tiles_once_per_key_and_every_listed_tile_exists(tmp_path: Path) -> None:
    b = _buildings()
    colour = ColourBy("building_type", "Typ", colouring=Colouring(categorical=True))
    key = vector_tiles.tile_key(b, colour, lang="de")
    data = vector_tiles.tile_data(b, colour)
    ts = vector_tiles.write_tiles(data, key=key, root=tmp_path)
    files = {p.relative_to(ts.folder).with_suffix("").as_posix() for p in ts.folder.rglob("*.pbf")}
    assert files == set(ts.tiles)
    zooms = {int(k.split("/")[0]) for k in ts.tiles}
    assert zooms == set(range(9, 18))
    assert ts.url == f"/app/static/tiles/{key}/{{z}}/{{x}}/{{y}}.pbf"
    z17 = [k for k in ts.tiles if k.startswith("17/")]
    ids = {
        f["properties"]["i"]
        for k in z17
        for f in mvt.decode_tile((ts.folder / f"{k}.pbf").read_bytes())["buildings"]
    }
    assert ids == set(b["building_id"])
    stamp = (ts.folder / "complete").stat().st_mtime_ns
    again = vector_tiles.write_tiles(data, key=key, root=tmp_path)
    assert again.tiles == ts.tiles
    assert (ts.folder / "complete").stat().st_mtime_ns == stamp
    assert json.loads((ts.folder / "complete").read_text())["tiles"] == list(ts.tiles)
    known = vector_tiles.load_tiles(key, root=tmp_path)  # what a restarted server finds
    assert known is not None
    assert (known.tiles, known.entries, known.colors) == (ts.tiles, ts.entries, ts.colors)
    assert known.bounds == pytest.approx(ts.bounds)
    assert vector_tiles.load_tiles("other", root=tmp_path) is None
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "complete").write_text("[]")  # a set of an older format
    assert vector_tiles.load_tiles("old", root=tmp_path) is None
    assert not (tmp_path / "old").exists()


def test_the_key_changes_with_data_colouring_and_language() -> None:
    b = _buildings()
    colour = ColourBy("building_type", "Typ", colouring=Colouring(categorical=True))
    key = vector_tiles.tile_key(b, colour, lang="de")
    assert vector_tiles.tile_key(b.copy(), colour, lang="de") == key
    assert vector_tiles.tile_key(b, colour, lang="en") != key
    changed = b.copy()
    changed.loc[0, "building_type"] = "MFH"
    assert vector_tiles.tile_key(changed, colour, lang="de") != key
    moved = b.set_geometry(b.geometry.translate(1.0, 0.0))
    assert vector_tiles.tile_key(moved, colour, lang="de") != key


def test_remove_building_tiles_empties_the_tile_folder(tmp_path: Path) -> None:
    for key in ("abc", "def"):
        (tmp_path / key / "17" / "1").mkdir(parents=True)
        (tmp_path / key / "17" / "1" / "2.pbf").write_bytes(b"x")
    assert vector_tiles.remove_building_tiles(tmp_path) == 2
    assert list(tmp_path.iterdir()) == []
    assert vector_tiles.remove_building_tiles(tmp_path / "missing") == 0


# ----------------------------------------------------------------------------- the map
def _map_html(tmp_path: Path) -> tuple[str, vector_tiles.TileSet]:
    b = _buildings()
    colour = ColourBy("building_type", "Typ", colouring=Colouring(categorical=True))
    data = vector_tiles.tile_data(b, colour)
    ts = vector_tiles.write_tiles(data, key="k1", root=tmp_path)
    m = tile_map.all_buildings_map(ts, LegendContent("Typ", ts.entries))
    return map_html(m), ts


def test_the_map_page_names_tiles_of_its_own_origin_only(tmp_path: Path) -> None:
    html, ts = _map_html(tmp_path)
    assert external_urls(html) == []
    assert not re.search(r"https?://|//[a-z]", html.replace("http://www.w3.org", ""))
    assert '"url": "/app/static/tiles/k1/{z}/{x}/{y}.pbf"' in html
    assert "/app/static/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js" in html
    assert all(k in html for k in ts.tiles)  # the index of existing tiles
    assert "EFH" in html  # the legend, from the classes written into the tiles


@pytest.mark.parametrize(
    "url",
    [
        "https://tiles.example.org/{z}/{x}/{y}.pbf",
        "//tiles.example.org/{z}/{x}/{y}.pbf",
        "/app/static/../../etc/{z}/{x}/{y}.pbf",
        "javascript:alert(1)//{z}/{x}/{y}.pbf",
        '/app/static/tiles/a"onload="x/{z}/{x}/{y}.pbf',
    ],
)
def test_a_tile_url_of_another_origin_is_refused(url: str) -> None:
    with pytest.raises(QuartierGeoError, match="abgelehnt"):
        tile_map.check_tile_url(url)


def _legends(html: str) -> list[str]:
    """The inner HTML of every legend of a map page (Legend writes it as a JSON string)."""
    return [json.loads(raw) for raw in re.findall(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', html)]


@pytest.mark.parametrize(
    "colour",
    [
        ColourBy("useful_heat_kwh_per_a", "Wärmebedarf", colouring=Colouring(k=3), unit="kWh/a"),
        ColourBy(
            "useful_heat_kwh_per_a",
            "Wärmebedarf",
            colouring=Colouring(method="equal_interval", k=4),
            unit="kWh/a",
        ),
        ColourBy("building_type", "Typ", colouring=Colouring(categorical=True)),
    ],
)
def test_same_classes_colours_and_legend_as_the_quarter_map(colour: ColourBy) -> None:
    from quartier_geo.views import maps
    from quartier_geo.views.map_legend import legend_html

    b = _buildings()
    b.loc[5, "useful_heat_kwh_per_a"] = float("nan")  # a building without value
    title = f"{colour.legend_title} ({colour.unit})" if colour.unit else colour.legend_title
    quarter = maps.map_html(maps.quarter_map(b, colour))
    data = vector_tiles.tile_data(b, colour)
    assert legend_html(LegendContent(title, data.entries)) in _legends(quarter)
    # the palette and the class of each building are those the quarter map draws
    (layer,) = re.findall(r'"colors": (\[[^\]]*\])', quarter)[-1:]
    assert data.colors == json.loads(layer)
    drawn = [int(c) for c in re.findall(r'"c":\s*(-?\d+)', quarter)]
    tiles = next(lf for level, lf in data.layers if level.cell_m is None)
    assert [p["c"] for p in tiles.properties] == drawn
    assert len(drawn) == len(b)
