"""An imported block layer through the upload gate (imports/pipeline.py): a GeoPackage's
``baubloecke`` layer is read by the sandboxed worker like any upload and checked as
Baublöcke (domain/block_plan.py::checked_block_layer), with a clear message for a layer
without a coordinate system, in a wrong one, or with overlapping blocks."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from quartier_geo.base.errors import DataValidationError, PermissionDeniedError
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.reference import load_reference
from quartier_geo.data.store import open_workspace
from quartier_geo.imports.pipeline import ImportOptions, import_file
from quartier_geo.imports.pool import WorkerPool
from quartier_geo.imports.saved import BLOCKS_KIND, load_blocks, save_blocks
from quartier_geo.imports.types import Accepted, NeedsChoice

X0, Y0 = 360_000.0, 5_710_000.0
BLOCKS = ImportOptions(layer="baubloecke")


@pytest.fixture(scope="module")
def pool():
    with WorkerPool() as p:
        yield p


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def _box(x: float, y: float, side: float = 100.0) -> shapely.Polygon:
    return shapely.box(X0 + x, Y0 + y, X0 + x + side, Y0 + y + side)


def _gpkg(path: Path, blocks: gpd.GeoDataFrame) -> Path:
    """A GeoPackage with a building layer and the block layer ``baubloecke``."""
    houses = gpd.GeoDataFrame(
        {"building_type": ["EFH", "EFH"], "age_class": ["E", "F"]},
        geometry=[_box(10, 10, 10), _box(110, 10, 10)],
        crs="EPSG:25832",
    )
    houses.to_file(path, layer="gebaeude", driver="GPKG")
    blocks.to_file(path, layer="baubloecke", driver="GPKG")
    return path


def test_a_block_layer_of_a_geopackage_is_read_as_blocks(tmp_path, pool, ref) -> None:
    blocks = gpd.GeoDataFrame(
        {"block_id": ["West", "Ost"]}, geometry=[_box(0, 0), _box(100, 0)], crs="EPSG:25832"
    )
    result = import_file(_gpkg(tmp_path / "q.gpkg", blocks), ref=ref, options=BLOCKS, pool=pool)
    assert isinstance(result, Accepted), result
    assert result.layer_kind == "blocks" and result.problems == ()
    got = result.buildings
    assert got is not None
    assert list(got["block_id"]) == ["West", "Ost"]
    assert list(got["source"]) == ["imported", "imported"]
    assert [round(a, 3) for a in got.area] == [10_000.0, 10_000.0]
    # the same file's other layer is still read as buildings
    houses = import_file(tmp_path / "q.gpkg", ref=ref, options=ImportOptions(layer="gebaeude"))
    assert isinstance(houses, Accepted) and houses.layer_kind == "buildings"


def test_a_block_layer_in_lon_lat_is_reprojected(tmp_path, pool, ref) -> None:
    blocks = gpd.GeoDataFrame(geometry=[_box(0, 0)], crs="EPSG:25832").to_crs("EPSG:4326")
    result = import_file(_gpkg(tmp_path / "ll.gpkg", blocks), ref=ref, options=BLOCKS, pool=pool)
    assert isinstance(result, Accepted), result
    assert result.buildings is not None
    assert result.buildings.area.iloc[0] == pytest.approx(10_000.0, rel=1e-4)


def test_overlapping_blocks_are_named_as_the_problem(tmp_path, pool, ref) -> None:
    blocks = gpd.GeoDataFrame(geometry=[_box(0, 0), _box(50, 0)], crs="EPSG:25832")
    result = import_file(_gpkg(tmp_path / "ov.gpkg", blocks), ref=ref, options=BLOCKS, pool=pool)
    assert isinstance(result, Accepted), result
    assert result.buildings is None
    assert any("überlappen" in p for p in result.problems), result.problems


def test_a_block_layer_without_crs_asks_for_one(tmp_path, pool, ref) -> None:
    blocks = gpd.GeoDataFrame(geometry=[_box(0, 0), _box(100, 0)])
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        path = _gpkg(tmp_path / "nc.gpkg", blocks)
    result = import_file(path, ref=ref, options=BLOCKS, pool=pool)
    assert isinstance(result, NeedsChoice), result
    assert result.parameter == "crs"
    assert "kein Koordinatensystem" in result.message_de


def test_a_block_layer_in_a_wrong_crs_is_not_taken_silently(tmp_path, pool, ref) -> None:
    # EPSG:25832 metres declared as EPSG:4326 degrees: the gate sees the mismatch
    blocks = gpd.GeoDataFrame(geometry=[_box(0, 0), _box(100, 0)], crs="EPSG:4326")
    result = import_file(_gpkg(tmp_path / "wr.gpkg", blocks), ref=ref, options=BLOCKS, pool=pool)
    assert isinstance(result, NeedsChoice), result
    assert result.code == "crs_mismatch" and result.parameter == "crs"
    assert "EPSG:25832" in result.message_de and "EPSG:4326" in result.message_de
    # the planner confirms the proposed system: the blocks are read in metres
    answer = ImportOptions(layer="baubloecke", crs=result.options[0].value)
    fixed = import_file(tmp_path / "wr.gpkg", ref=ref, options=answer, pool=pool)
    assert isinstance(fixed, Accepted) and fixed.buildings is not None
    assert [round(a, 3) for a in fixed.buildings.area] == [10_000.0, 10_000.0]


def test_a_saved_block_layer_is_the_quarters_until_replaced(tmp_path, pool, ref) -> None:
    ws = open_workspace(tmp_path / "ws.sqlite")
    anna = Editor("anna", Mode.PLANNER)
    two = gpd.GeoDataFrame(
        {"block_id": ["West", "Ost"]}, geometry=[_box(0, 0), _box(100, 0)], crs="EPSG:25832"
    )
    first = import_file(_gpkg(tmp_path / "a.gpkg", two), ref=ref, options=BLOCKS, pool=pool)
    assert isinstance(first, Accepted)
    assert load_blocks(ws, 9) is None
    assert save_blocks(ws, first, quarter_id=9, editor=anna) == 1
    got = load_blocks(ws, 9)
    assert got is not None and list(got["block_id"]) == ["West", "Ost"]
    assert load_blocks(ws, 8) is None  # the layer belongs to quarter 9 only
    one = gpd.GeoDataFrame({"block_id": ["Alle"]}, geometry=[_box(0, 0, 200)], crs="EPSG:25832")
    second = import_file(_gpkg(tmp_path / "b.gpkg", one), ref=ref, options=BLOCKS, pool=pool)
    assert isinstance(second, Accepted)
    assert save_blocks(ws, second, quarter_id=9, editor=anna) == 2
    again = load_blocks(ws, 9)
    assert again is not None and list(again["block_id"]) == ["Alle"]
    # the replaced file is gone: one block file left in the store
    assert len(ws.files.names("imports/baubloecke-")) == 1
    record = ws.get(BLOCKS_KIND, "9")
    assert record is not None and record.author == "anna"


def test_only_the_planner_saves_and_only_a_block_layer(tmp_path, pool, ref) -> None:
    ws = open_workspace(tmp_path / "ws.sqlite")
    blocks = gpd.GeoDataFrame(geometry=[_box(0, 0)], crs="EPSG:25832")
    result = import_file(_gpkg(tmp_path / "c.gpkg", blocks), ref=ref, options=BLOCKS, pool=pool)
    assert isinstance(result, Accepted)
    with pytest.raises(PermissionDeniedError):
        save_blocks(ws, result, quarter_id=9, editor=Editor("eve", Mode.PUBLIC))
    houses = import_file(tmp_path / "c.gpkg", ref=ref, options=ImportOptions(layer="gebaeude"))
    with pytest.raises(DataValidationError, match="Baublock-Ebene"):
        save_blocks(ws, houses, quarter_id=9, editor=Editor("anna", Mode.PLANNER))
    assert load_blocks(ws, 9) is None
