"""Property-based fuzzing of the upload gate (docs/SECURITY.md §3.1, invariant (a)).

Whatever bytes arrive — random GeoJSON-like documents, mutations of real fixture files,
random ZIP layouts — ``inspect_upload`` returns a domain result and never an exception,
and never the catch-all ``internal_error`` (that would be a bug to turn into a corpus file).
A Python exception inside the worker (exit code 70) fails the test as well.
Derandomised and bounded so the whole file takes well under a minute on 2 cores.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from quartier_geo.data.reference import load_reference
from quartier_geo.imports.pipeline import ImportOptions, inspect_upload
from quartier_geo.imports.pool import WorkerPool
from quartier_geo.imports.types import Accepted, NeedsChoice, Rejected

#: The reference tables, loaded once for the module (the importers take them explicitly).
REF = load_reference()

DATA = Path(__file__).parent / "data"
SEEDS = sorted(
    p for p in DATA.iterdir() if p.suffix in (".geojson", ".gpkg", ".zip", ".csv", ".gml")
)
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def pool():
    with WorkerPool() as p:
        yield p


def _check(result: object) -> None:
    event(f"{result.kind}:{getattr(result, 'code', '')}")
    assert isinstance(result, Accepted | Rejected | NeedsChoice), result
    if isinstance(result, Rejected):
        assert result.code != "internal_error", result
        assert result.message_de and result.message_en
        if result.code == "worker_crashed":  # only a native crash may end there, not a bug of ours
            assert result.details["worker"]["signal"] is not None, result


X = st.one_of(
    st.floats(min_value=367_000, max_value=369_000),
    st.floats(min_value=7.0, max_value=7.2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
)
Y = st.one_of(
    st.floats(min_value=5_707_000, max_value=5_709_000),
    st.floats(min_value=51.4, max_value=51.6),
    X,
)
POSITION = st.one_of(st.tuples(X, Y).map(list), st.lists(X, max_size=4))
RING = st.lists(POSITION, max_size=8)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
GEOMETRY = st.one_of(
    st.none(),
    st.fixed_dictionaries({"type": st.just("Polygon"), "coordinates": st.lists(RING, max_size=3)}),
    st.fixed_dictionaries(
        {
            "type": st.just("MultiPolygon"),
            "coordinates": st.lists(st.lists(RING, max_size=2), max_size=2),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Point", "LineString", "GeometryCollection", "Foo"]),
            "coordinates": JSON,
        }
    ),
    JSON,
)
FEATURE = st.fixed_dictionaries(
    {"type": st.sampled_from(["Feature", "feature"]), "geometry": GEOMETRY},
    optional={
        "properties": st.one_of(st.none(), st.dictionaries(st.text(max_size=12), JSON, max_size=4)),
        "id": JSON,
    },
)
CRS = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("name"),
            "properties": st.fixed_dictionaries(
                {
                    "name": st.sampled_from(
                        ["EPSG:25832", "urn:ogc:def:crs:EPSG::4326", "EPSG:31466", "x"]
                    )
                }
            ),
        }
    ),
    st.fixed_dictionaries({"type": st.just("link"), "properties": JSON}),
    JSON,
)
NEAR = st.lists(
    st.tuples(st.floats(min_value=0, max_value=30), st.floats(min_value=0, max_value=30)),
    min_size=3,
    max_size=8,
).map(
    lambda pts: (
        [[368_000 + x, 5_708_000 + y] for x, y in pts]
        + [[368_000 + pts[0][0], 5_708_000 + pts[0][1]]]
    )
)
VALUES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "EFH",
            "MFH",
            "E",
            "J",
            "gas",
            "31001_1000",
            "Wohnhaus",
            "EFH_J",
            "1925",
            "garage",
            "3,5",
            "",
        ]
    ),
    st.integers(-5, 50),
    st.floats(allow_nan=True),
    st.text(max_size=6),
)
KEYS = st.sampled_from(
    [
        "building_type",
        "age_class",
        "storeys",
        "heating_carrier",
        "GEBAEUDETY",
        "RW_WW",
        "NF",
        "OI",
        "GFK",
        "osm_id",
        "building",
        "funktion",
        "oid",
        "Baujahr",
        "name",
    ]
)
PLAUSIBLE = st.fixed_dictionaries(
    {
        "type": st.just("FeatureCollection"),
        "crs": st.just({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}),
        "features": st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.just("Feature"),
                    "properties": st.dictionaries(KEYS, VALUES, max_size=6),
                    "geometry": st.fixed_dictionaries(
                        {
                            "type": st.just("Polygon"),
                            "coordinates": st.lists(NEAR, min_size=1, max_size=2),
                        }
                    ),
                }
            ),
            min_size=1,
            max_size=6,
        ),
    }
)
DOCUMENT = st.one_of(
    PLAUSIBLE,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["FeatureCollection", "Feature", "Polygon", "Topology"]),
            "features": st.lists(FEATURE, max_size=5),
        },
        optional={"crs": CRS, "geometry": GEOMETRY, "coordinates": st.lists(RING, max_size=2)},
    ),
    JSON,
)


@settings(FUZZ, max_examples=300)
@given(doc=DOCUMENT)
def test_random_geojson_documents(pool, doc) -> None:
    data = json.dumps(doc, allow_nan=True).encode("utf-8")
    _check(inspect_upload(data, "fuzz.geojson", ref=REF, pool=pool))


MUTATION = st.tuples(
    st.sampled_from(["flip", "cut", "insert", "truncate"]),
    st.floats(min_value=0, max_value=1),
    st.binary(min_size=1, max_size=8),
)


def _mutate(data: bytes, ops: list[tuple[str, float, bytes]]) -> bytes:
    buf = bytearray(data)
    for op, where, payload in ops:
        i = int(where * max(len(buf) - 1, 0))
        if op == "flip" and buf:
            buf[i] ^= payload[0] or 0xFF
        elif op == "cut":
            del buf[i : i + len(payload) * 16]
        elif op == "insert":
            buf[i:i] = payload
        else:
            del buf[i:]
    return bytes(buf)


@settings(FUZZ, max_examples=500)
@given(seed=st.sampled_from(SEEDS), ops=st.lists(MUTATION, min_size=1, max_size=4))
def test_byte_mutations_of_fixture_files(pool, seed, ops) -> None:
    _check(inspect_upload(_mutate(seed.read_bytes(), ops), seed.name, ref=REF, pool=pool))


def _shapefile_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(DATA / "lanuv_wbm_shp.zip") as zf:
        return {Path(n).suffix[1:]: zf.read(n) for n in zf.namelist()}


PARTS = _shapefile_parts()
NAMES = st.one_of(
    st.sampled_from(
        [
            "a.shp",
            "a.shx",
            "a.dbf",
            "a.prj",
            "a.cpg",
            "sub/dir/a.shp",
            "sub/dir/a.shx",
            "sub/dir/a.dbf",
            "b.shp",
            "b.shx",
            "../a.shp",
            "/abs/a.shp",
            "x.zip",
            "x.vrt",
            "c.gpkg",
            "d.geojson",
            "__MACOSX/._a.shp",
            "readme.txt",
            "A.SHP",
            "a.SHX",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1, max_size=12),
)
CONTENT = st.one_of(
    st.sampled_from(sorted(PARTS.values())),
    st.binary(max_size=64),
    st.just(b'{"type":"FeatureCollection","features":[]}'),
)


@settings(FUZZ, max_examples=500)
@given(
    entries=st.lists(st.tuples(NAMES, CONTENT), max_size=8),
    layer=st.none() | st.sampled_from(["a", "b", "sub/dir/a"]),
)
def test_random_zip_layouts(pool, entries, layer) -> None:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are part of the attack
        for name, content in entries:
            zf.writestr(name, content)
    _check(
        inspect_upload(
            buf.getvalue(), "fuzz.zip", ref=REF, options=ImportOptions(layer=layer), pool=pool
        )
    )
