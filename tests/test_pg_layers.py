"""The layers in PostGIS (issue #8 item 1): ``database init`` loads every layer and table of
the bundled GeoPackage, they read back unchanged, and the command line gives the same
figures on both backends."""

from __future__ import annotations

import contextlib
import io
import json

import pyogrio
import pytest
import shapely
from pandas.testing import assert_frame_equal

from quartier_geo.base.modes import Editor, Mode
from quartier_geo.base.settings import DATABASE_ENV
from quartier_geo.cli import main
from quartier_geo.data import layers
from quartier_geo.data.pg import migrations
from quartier_geo.data.pg.aggregate import ASSESSED
from quartier_geo.data.pg.connect import connect
from quartier_geo.data.store import open_workspace


@pytest.fixture(scope="module")
def loaded(pg_cluster) -> str:
    """A database after ``python -m quartier_geo database init --url …``."""
    url = pg_cluster.new_database(postgis=False)  # the migration creates the extension
    assert main(["database", "init", "--url", url]) == 0
    return url


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def test_status_counts_every_layer_of_the_geopackage(loaded) -> None:
    code, text = _run(["database", "status", "--url", loaded, "--format", "json"])
    state = json.loads(text)
    assert code == 0 and state["schema_version"] == migrations.LATEST
    expected = {
        name: int(pyogrio.read_info(layers.GEOPACKAGE, layer=name)["features"])
        for name in (*layers.LAYERS, *layers.TABLES)
    }
    expected[ASSESSED] = expected["buildings"]  # the assessed buildings, for aggregation
    assert state["layers"] == expected
    assert expected["quarters"] == 20  # the 20 quarters of the programme


@pytest.mark.parametrize("name", [*layers.LAYERS, *layers.TABLES])
def test_a_layer_reads_back_as_it_was_loaded(loaded, name, monkeypatch) -> None:
    original = (
        layers.load_layer(name, path=layers.GEOPACKAGE)
        if name in layers.LAYERS
        else layers.load_table(name, path=layers.GEOPACKAGE)
    )
    monkeypatch.setenv(DATABASE_ENV, loaded)
    back = layers.load_layer(name) if name in layers.LAYERS else layers.load_table(name)
    if name in layers.LAYERS:
        assert back.crs == original.crs
        same = shapely.equals_exact(back.geometry.to_numpy(), original.geometry.to_numpy(), 0)
        assert same.all()
        back, original = back.drop(columns="geometry"), original.drop(columns="geometry")
    assert_frame_equal(back, original)


def test_every_geometry_has_a_spatial_index(loaded) -> None:
    with connect(loaded) as con:
        rows = con.execute(
            "SELECT tablename FROM pg_indexes WHERE schemaname = 'layers' "
            "AND indexdef LIKE '%USING gist%'"
        ).fetchall()
    assert sorted(r[0] for r in rows) == sorted([*layers.LAYERS, ASSESSED])


def test_quarters_json_is_the_same_on_both_backends(loaded, monkeypatch) -> None:
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    code_file, from_file = _run(["quarters", "--format", "json"])
    monkeypatch.setenv(DATABASE_ENV, loaded)
    code_db, from_db = _run(["quarters", "--format", "json"])
    assert code_file == code_db == 0
    assert json.loads(from_db) == json.loads(from_file)
    assert len(json.loads(from_file)) == 20


def test_a_second_init_keeps_the_workspace(loaded, monkeypatch) -> None:
    monkeypatch.setenv(DATABASE_ENV, loaded)
    ws = open_workspace()
    key = "init-twice"
    before = ws.get("scenario", key)
    ws.put(
        "scenario",
        key,
        {"rate_per_a": 0.02},
        expected_version=before.version if before else None,
        editor=Editor("anna", Mode.PLANNER),
    )
    assert main(["database", "init", "--url", loaded]) == 0
    after = open_workspace().get("scenario", key)
    assert after is not None and after.payload == {"rate_per_a": 0.02}


def test_init_without_a_database_says_what_to_set(monkeypatch, capsys) -> None:
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    assert main(["database", "status"]) == 2
    assert "QUARTIER_DATABASE_URL" in capsys.readouterr().err
