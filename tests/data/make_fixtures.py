"""Write the small committed fixture files that mimic each real NRW schema.

Run once (``python tests/data/make_fixtures.py``) and commit the output; the tests only
read the files. Every fixture holds a few buildings near Gelsenkirchen/Herne in
EPSG:25832 (or the CRS its product uses) with hand-checkable numbers. Field names follow
``geodata/reference/open_data_schemas.json``; values are invented.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely

HERE = Path(__file__).resolve().parent
X0, Y0 = 368_000.0, 5_708_000.0  # Gelsenkirchen-Mitte, EPSG:25832
ENCODED_NAME = "Büro – „Zeche“ €"
_DATE = (2024, 5, 1, 12, 0, 0)


def rect(i: int, w: float = 10.0, h: float = 20.0, dy: float = 0.0) -> shapely.Polygon:
    x = X0 + 20.0 * i
    return shapely.box(x, Y0 + dy, x + w, Y0 + dy + h)


def _zip(target: Path, files: dict[str, Path]) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, path in sorted(files.items()):
            info = zipfile.ZipInfo(arcname, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())


def _shapefile(
    gdf: gpd.GeoDataFrame, folder: Path, stem: str, *, encoding: str = "UTF-8"
) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    gdf.to_file(folder / f"{stem}.shp", engine="pyogrio", encoding=encoding)
    return {p.name: p for p in folder.glob(f"{stem}.*")}


def lanuv_wbm(tmp: Path) -> None:
    data = {
        "Fest_ID": ["DENW0001", "DENW0002", "DENW0003", "DENW0004"],
        "RW": [20_000.0, 100_000.0, 70_000.0, 15_000.0],
        "WW": [5_000.0, 20_000.0, 10_000.0, 3_000.0],
        "RW_WW": [25_000.0, 120_000.0, 80_000.0, 18_000.0],
        "NF": [200.0, 800.0, 600.0, 150.0],
        "GEBAEUDETY": ["EFH_J", "MFH_C", "NWG_E", "RH_F"],
        "WG_NWG": ["WG", "WG", "NWG", "WG"],
        "citygml_fu": ["31001_1010", "31001_1000", "31001_2050", "31001_1020"],
        "Nutzung": ["Wohnen", "Wohnen", "Handel", "Wohnen"],
    }
    geoms = [rect(i) for i in range(4)]
    gdf = gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:25832")
    gdf["RW_WW_spez"] = gdf["RW_WW"] / gdf["NF"]
    renamed = gdf.rename(columns={"RW_WW": "RW_WW [kWh/a]"})
    out = HERE / "lanuv_wbm.gpkg"
    out.unlink(missing_ok=True)
    renamed.to_file(out, layer="WBM-NRW_05513000", engine="pyogrio")
    files = _shapefile(gdf, tmp / "wbm", "WBM-NRW_05513000")
    _zip(HERE / "lanuv_wbm_shp.zip", files)


def lanuv_rwb(tmp: Path) -> None:
    folder = "Raumwaermebedarfsmodell-NRW_05513000_Gelsenkirchen_EPSG25832_Shape"
    houses = gpd.GeoDataFrame(
        {
            "Fest_ID": ["R1", "R2", "R3"],
            "GEB_HOEHE": [7.5, 12.0, 15.5],
            "GEBAEUDETY": ["EFH_E", "MFH_D", "GMH_F"],
            "AGS": ["05513000"] * 3,
            "spez_WB_HU": [180.0, 150.0, 120.0],
            "WB_HU": [27_000.0, 90_000.0, 144_000.0],
            "EBZ_Final": [150.0, 600.0, 1200.0],
            "WLD_ID": ["W1", "W1", "W2"],
        },
        geometry=[rect(i, dy=40.0) for i in range(3)],
        crs="EPSG:25832",
    )
    lines = gpd.GeoDataFrame(
        {
            "WLD_ID": ["W1", "W2"],
            "RW_WW_WBED": [117_000.0, 144_000.0],
            "RW_WW_WLD": [1_170.0, 1_440.0],
            "gn": ["Gelsenkirchen"] * 2,
            "kn": ["kreisfrei"] * 2,
        },
        geometry=[
            shapely.LineString([(X0, Y0 + 30), (X0 + 100, Y0 + 30)]),
            shapely.LineString([(X0 + 100, Y0 + 30), (X0 + 200, Y0 + 30)]),
        ],
        crs="EPSG:25832",
    )
    files = _shapefile(houses, tmp / "rwb", "hausumringe-05513000")
    files |= _shapefile(lines, tmp / "rwb", "waermeliniendichte-05513000")
    _zip(HERE / "lanuv_rwb.zip", {f"{folder}/{name}": p for name, p in files.items()})


def hausumringe(tmp: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {
            "AGS": ["05513000"] * 4,
            "OI": ["DENW36AL1000001", "DENW36AL1000002", "DENW36AL1000003", "DENW36AL1000004"],
            "GFK": ["31001_1000", "31001_2463", "31001_2050", "31001_1010"],
            "AKTUALITAE": ["2024-01-15"] * 4,
            "LAGEBEZ": [ENCODED_NAME, "Straße am Förderturm 3", "Hüttenweg 1", "Zechenstraße 7"],
        },
        geometry=[rect(i, dy=80.0) for i in range(4)],
        crs="EPSG:25832",
    ).to_crs("EPSG:4647")
    files = _shapefile(gdf, tmp / "hu", "hu_shp", encoding="cp1252")
    files.pop("hu_shp.cpg", None)
    dbf = files["hu_shp.dbf"]
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0  # no language driver id: like the real files, only the bytes tell cp1252
    dbf.write_bytes(bytes(raw))
    _zip(HERE / "hausumringe_4647.zip", files)


def _geojson(path: Path, gdf: gpd.GeoDataFrame, crs_member: str | None) -> None:
    doc = json.loads(gdf.to_json(drop_id=True))
    if crs_member:
        doc["crs"] = {"type": "name", "properties": {"name": crs_member}}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def alkis() -> None:
    gdf = gpd.GeoDataFrame(
        {
            "oid": ["DENW36AL20000001", "DENW36AL20000002", "DENW36AL20000003", "DENW36AL20000004"],
            "funktion": [
                "Wohnhaus",
                "Garage",
                "Gebäude für Handel und Dienstleistungen",
                "Wohngebäude",
            ],
            "anzahlgs": [2, 1, 3, 5],
        },
        geometry=[rect(i, dy=120.0) for i in range(4)],
        crs="EPSG:25832",
    )
    _geojson(HERE / "alkis_gebaeude.geojson", gdf, "urn:ogc:def:crs:EPSG::25832")


def osm() -> None:
    gdf = gpd.GeoDataFrame(
        {
            "osm_id": ["way/101", "way/102", "way/103", "way/104", "way/105", "way/106"],
            "building": ["house", "apartments", "terrace", "garage", "commercial", "yes"],
            "building:levels": ["2", "6", None, "1", "3", None],
            "start_date": ["1925", "1972-05", None, None, "~1990", None],
            "name": [None, None, None, None, "Markt <b>&</b>", None],
            "addr:street": ["Hauptstraße", "Hauptstraße", None, None, None, None],
            "addr:housenumber": ["1", "3a", None, None, None, None],
        },
        geometry=[rect(i, dy=160.0) for i in range(6)],
        crs="EPSG:25832",
    ).to_crs("EPSG:4326")
    _geojson(HERE / "osm_buildings.geojson", gdf, None)


def csv_files() -> None:
    wkt = ["id;gebaeudetyp;baujahr;geschosse;wkt"]
    for i, (t, y, s) in enumerate([("EFH", 1955, "1,5"), ("MFH", 1910, "4"), ("RH", 1985, "2")]):
        wkt.append(f"c{i};{t};{y};{s};{rect(i, dy=200.0).wkt}")
    (HERE / "buildings_wkt.csv").write_text("\n".join(wkt) + "\n", encoding="utf-8")
    pts = gpd.GeoSeries([rect(i, dy=240.0).centroid for i in range(3)], crs="EPSG:25832")
    ll = pts.to_crs("EPSG:4326")
    rows = ["id,lon,lat,building_type,age_class,storeys,conditioned_floor_area_m2"]
    for i, (p, t, a, s, f) in enumerate(
        zip(ll, ["EFH", "MFH", "GMH"], ["E", "C", "F"], [2, 4, 8], [150, 1200, 4000], strict=True)
    ):
        rows.append(f"p{i},{p.x:.7f},{p.y:.7f},{t},{a},{s},{f}")
    (HERE / "buildings_lonlat.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def canonical() -> None:
    out = HERE / "canonical_two_layers.gpkg"
    out.unlink(missing_ok=True)
    b = gpd.GeoDataFrame(
        {
            "building_id": ["k1", "k2", "k3"],
            "building_type": ["EFH", "MFH", "RH"],
            "age_class": ["E", "C", "F"],
            "storeys": [1.0, 3.0, 2.0],
            "heating_carrier": ["gas", "oil", "electricity"],
            "refurbishment_state": ["existing", "existing", "usual"],
        },
        geometry=[rect(i, dy=280.0) for i in range(3)],
        crs="EPSG:25832",
    )
    b.to_file(out, layer="buildings", engine="pyogrio")
    parcels = gpd.GeoDataFrame(
        {"parcel": ["p1"]}, geometry=[rect(0, 70.0, 30.0, 275.0)], crs="EPSG:25832"
    )
    parcels.to_file(out, layer="parcels", engine="pyogrio", mode="a")


def _pos(coords: list[tuple[float, float, float]]) -> str:
    return " ".join(f"{x:.2f} {y:.2f} {z:.2f}" for x, y, z in coords)


def _box_ring(x: float, y: float, w: float, h: float, z: float) -> list[tuple[float, float, float]]:
    return [(x, y, z), (x + w, y, z), (x + w, y + h, z), (x, y + h, z), (x, y, z)]


def _polygon(coords: list[tuple[float, float, float]]) -> str:
    return (
        '<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList srsDimension="3">'
        f"{_pos(coords)}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
    )


def _ground(x: float, y: float, w: float, h: float, z: float) -> str:
    return (
        "<bldg:boundedBy><bldg:GroundSurface><bldg:lod2MultiSurface><gml:MultiSurface>"
        f"<gml:surfaceMember>{_polygon(_box_ring(x, y, w, h, z))}</gml:surfaceMember>"
        "</gml:MultiSurface></bldg:lod2MultiSurface></bldg:GroundSurface></bldg:boundedBy>"
    )


def _solid(x: float, y: float, w: float, h: float, z0: float, z1: float) -> str:
    walls = [
        [(x, y, z0), (x + w, y, z0), (x + w, y, z1), (x, y, z1), (x, y, z0)],
        [(x + w, y, z0), (x + w, y + h, z0), (x + w, y + h, z1), (x + w, y, z1), (x + w, y, z0)],
    ]
    members = [_box_ring(x, y, w, h, z0), _box_ring(x, y, w, h, z1), *walls]
    inner = "".join(f"<gml:surfaceMember>{_polygon(m)}</gml:surfaceMember>" for m in members)
    return (
        f"<bldg:lod2Solid><gml:Solid><gml:exterior><gml:CompositeSurface>{inner}"
        "</gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod2Solid>"
    )


def lod2() -> None:
    y = Y0 + 320.0
    b1 = (
        '<bldg:Building gml:id="DENW36AL3000001">'
        '<gen:stringAttribute name="Gemeindeschluessel"><gen:value>05513000</gen:value>'
        "</gen:stringAttribute><bldg:function>31001_1000</bldg:function>"
        "<bldg:roofType>3100</bldg:roofType>"
        '<bldg:measuredHeight uom="urn:adv:uom:m">9.0</bldg:measuredHeight>'
        f"{_ground(X0, y, 10, 20, 50.0)}</bldg:Building>"
    )
    parts = "".join(
        f'<bldg:consistsOfBuildingPart><bldg:BuildingPart gml:id="DENW36AL3000002_{i}">'
        f"<bldg:roofType>{roof}</bldg:roofType>"
        f'<bldg:measuredHeight uom="urn:adv:uom:m">{height}</bldg:measuredHeight>'
        f"{_ground(X0 + 30 + 10 * i, y, 10, 10, 50.0)}</bldg:BuildingPart>"
        "</bldg:consistsOfBuildingPart>"
        for i, (roof, height) in enumerate([("1000", "6.0"), ("3100", "12.0")])
    )
    b2 = (
        '<bldg:Building gml:id="DENW36AL3000002"><bldg:function>31001_1010</bldg:function>'
        f"{parts}</bldg:Building>"
    )
    b3 = (
        '<bldg:Building gml:id="DENW36AL3000003"><bldg:function>31001_2050</bldg:function>'
        "<bldg:roofType>1000</bldg:roofType>"
        '<bldg:measuredHeight uom="urn:adv:uom:m">6.5</bldg:measuredHeight>'
        f"{_solid(X0 + 70, y, 12, 8, 40.0, 46.5)}</bldg:Building>"
    )
    members = "".join(f"<core:cityObjectMember>{b}</core:cityObjectMember>" for b in (b1, b2, b3))
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<core:CityModel xmlns:core="http://www.opengis.net/citygml/1.0" '
        'xmlns:bldg="http://www.opengis.net/citygml/building/1.0" '
        'xmlns:gen="http://www.opengis.net/citygml/generics/1.0" '
        'xmlns:gml="http://www.opengis.net/gml" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<gml:boundedBy><gml:Envelope srsName="urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH" '
        f'srsDimension="3"><gml:lowerCorner>{X0} {y} 40</gml:lowerCorner>'
        f"<gml:upperCorner>{X0 + 100} {y + 20} 60</gml:upperCorner></gml:Envelope>"
        f"</gml:boundedBy>\n{members}\n</core:CityModel>\n"
    )
    (HERE / "LoD2_32_368_5708_1_NW.gml").write_text(doc, encoding="utf-8")


def main() -> None:
    import tempfile

    os.environ.setdefault("GDAL_SKIP", "GDALG,OGR_VRT,VRT,CSV")
    with tempfile.TemporaryDirectory() as tmp:
        lanuv_wbm(Path(tmp))
        lanuv_rwb(Path(tmp))
        hausumringe(Path(tmp))
    alkis()
    osm()
    csv_files()
    canonical()
    lod2()


if __name__ == "__main__":
    main()
