"""Aggregation in the database (issue #8 item 1): building counts and sums per hectare
cell, block and quarter computed by PostGIS equal the Python figures
(:func:`quartier_geo.domain.aggregates.building_sums`) on the same buildings."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal

from quartier_geo.base.columns import AGGREGATE_SUMS
from quartier_geo.cli import main
from quartier_geo.data import layers
from quartier_geo.data.pg import migrations
from quartier_geo.data.pg.aggregate import ASSESSED, aggregate
from quartier_geo.data.pg.connect import connect
from quartier_geo.data.pg.layers import load_into
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import energy
from quartier_geo.domain.aggregates import building_sums

LEVELS = ["cell", "block", "quarter"]


@pytest.fixture(scope="module")
def loaded(pg_cluster) -> str:
    """A database after ``python -m quartier_geo database init --url …``."""
    url = pg_cluster.new_database(postgis=False)
    assert main(["database", "init", "--url", url]) == 0
    return url


@pytest.fixture(scope="module")
def assessed() -> gpd.GeoDataFrame:
    """All demo buildings assessed as the app assesses them (ui.data.bundle)."""
    ref = load_reference()
    return energy.assess_buildings(layers.load_region(ref).buildings, ref)


@pytest.mark.parametrize("level", LEVELS)
def test_database_sums_equal_the_python_sums(loaded, assessed, level) -> None:
    result = aggregate(loaded, level)
    assert result.table == ASSESSED
    expected = building_sums(assessed, level)
    # the assessed results are summed, not only the stored attributes
    assert {"useful_heat_kwh_per_a", "co2_t_per_a"} <= set(result.frame.columns)
    assert list(result.frame.columns) == list(expected.columns)
    assert int(result.frame["buildings"].sum()) == len(assessed)
    assert_frame_equal(result.frame, expected, check_dtype=False, rtol=1e-9)


def test_the_quarter_sums_are_the_quarters_of_the_app(loaded, assessed) -> None:
    """Independent of building_sums: the quarter rows equal a plain groupby of the
    assessed buildings."""
    frame = aggregate(loaded, "quarter").frame.set_index("quarter_id")
    by_quarter = assessed.groupby("quarter_id")
    assert len(frame) == 20
    assert (frame["buildings"] == by_quarter.size()).all()
    assert np.allclose(frame["useful_heat_kwh_per_a"], by_quarter["useful_heat_kwh_per_a"].sum())


def _tiny(url: str, tmp_path: Path) -> None:
    """Three stored (not assessed) buildings; cells and sums by hand below."""
    frame = gpd.GeoDataFrame(
        {
            "building_id": ["a", "b", "c"],
            "quarter_id": [1, 1, 2],
            "block_id": ["B1", "B2", "B2"],
            "conditioned_floor_area_m2": [100.0, 250.0, np.nan],
            "dwellings": [1, 3, 2],
        },
        # representative points: (10, 10) -> E0_N0; (199, 50) -> E1_N0; (-5, 150) -> E-1_N1
        geometry=[
            shapely.box(0, 0, 20, 20),
            shapely.box(198, 40, 200, 60),
            shapely.box(-10, 140, 0, 160),
        ],
        crs="EPSG:25832",
    )
    source = tmp_path / "tiny.gpkg"
    source.write_bytes(b"tiny")
    with connect(url) as con:
        migrations.migrate(con)
    load_into(url, {"buildings": frame}, source=source)


def test_without_assessed_buildings_the_stored_attributes_are_summed(pg_cluster, tmp_path) -> None:
    url = pg_cluster.new_database()
    _tiny(url, tmp_path)
    cells = aggregate(url, "cell")
    assert cells.table == "buildings"
    assert list(cells.frame.columns) == [
        "cell_id",
        "buildings",
        "conditioned_floor_area_m2",
        "dwellings",
    ]
    # sorted as text: "E-1_N1" < "E0_N0" < "E1_N0"
    assert cells.frame.to_dict("list") == {
        "cell_id": ["E-1_N1", "E0_N0", "E1_N0"],
        "buildings": [1, 1, 1],
        "conditioned_floor_area_m2": [0.0, 100.0, 250.0],  # a missing area counts 0
        "dwellings": [2, 1, 3],
    }
    blocks = aggregate(url, "block").frame
    assert blocks.to_dict("list") == {
        "block_id": ["B1", "B2"],
        "buildings": [1, 2],
        "conditioned_floor_area_m2": [100.0, 250.0],
        "dwellings": [1, 5],
    }
    quarters = aggregate(url, "quarter").frame
    assert quarters["quarter_id"].tolist() == [1, 2]
    assert quarters["dwellings"].tolist() == [4, 2]


def test_the_command_prints_the_sums_as_json(loaded, assessed) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            ["database", "aggregate", "--url", loaded, "--level", "block", "--format", "json"]
        )
    doc = json.loads(out.getvalue())
    assert code == 0 and doc["level"] == "block" and doc["table"] == f"layers.{ASSESSED}"
    assert doc["columns"][:2] == ["block_id", "buildings"]
    assert set(doc["columns"][2:]) == {c for c in AGGREGATE_SUMS if c in assessed.columns}
    rows = pd.DataFrame(doc["rows"])
    assert len(rows) == assessed["block_id"].nunique()
    assert rows["buildings"].sum() == len(assessed)
