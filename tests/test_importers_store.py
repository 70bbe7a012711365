"""Saving accepted imports in the workspace: atomic file + record, mode guard, integrity.

The contract runs on both backends: SQLite with its folder, and PostgreSQL with the
table ``files`` (a throw-away cluster, tests/pgcluster.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from quartier_geo.base.errors import DataValidationError, PermissionDeniedError, StorageError
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data.pg.workspace import PgWorkspace
from quartier_geo.data.reference import load_reference
from quartier_geo.imports.pipeline import ImportOptions, import_file
from quartier_geo.imports.pool import WorkerPool
from quartier_geo.imports.saved import (
    delete_import,
    imports_dir,
    list_imports,
    load_import,
    quarter_outline,
    save_import,
)
from quartier_geo.imports.types import Accepted

#: The reference tables, loaded once for the module (the importers take them explicitly).
REF = load_reference()

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def accepted() -> dict[str, Accepted]:
    with WorkerPool() as pool:
        out = {
            "wbm": import_file(DATA / "lanuv_wbm.gpkg", ref=REF, pool=pool),
            "lines": import_file(
                DATA / "lanuv_rwb.zip",
                ref=REF,
                options=ImportOptions(
                    layer="Raumwaermebedarfsmodell-NRW_05513000_Gelsenkirchen_EPSG25832_Shape/"
                    "waermeliniendichte-05513000"
                ),
                pool=pool,
            ),
        }
    assert all(isinstance(a, Accepted) for a in out.values())
    return out


@pytest.fixture
def ws(any_workspace):
    return any_workspace


def _files(ws) -> list[str]:
    return ws.files.names("imports/")


def test_save_list_load_round_trip(ws, accepted) -> None:
    key = save_import(
        ws, accepted["wbm"], name="Gelsenkirchen WBM", editor=Editor("anna", Mode.PLANNER)
    )
    [info] = list_imports(ws)
    assert (info.key, info.name, info.buildings, info.schema) == (
        key,
        "Gelsenkirchen WBM",
        4,
        "lanuv_wbm",
    )
    assert info.quarter_id < 0 and info.author == "anna"
    quarter, buildings = load_import(ws, key)
    assert quarter["quarter_id"].tolist() == [info.quarter_id]
    assert (buildings["quarter_id"] == info.quarter_id).all()
    assert buildings["heat_demand_reported_kwh_per_a"].sum() == 243_000.0
    assert buildings.crs.to_epsg() == 25832 and quarter.crs.to_epsg() == 25832
    outline = quarter.geometry.iloc[0]
    assert outline.contains(shapely.union_all(buildings.geometry.to_numpy()))
    assert outline.distance(shapely.Point(368_000.0 - 25.0, 5_708_010.0)) > 0  # 20 m, not more
    assert _files(ws) == [f"imports/{key}.gpkg"]  # no temporary file left
    if not isinstance(ws, PgWorkspace):
        assert [p.name for p in imports_dir(ws).iterdir()] == [f"{key}.gpkg"]
    assert ws.audit(limit=1)[0]["action"] == "insert"


@pytest.mark.parametrize("mode", [Mode.PUBLIC, Mode.WORKSHOP])
def test_read_only_modes_write_nothing(ws, accepted, mode) -> None:
    with pytest.raises(PermissionDeniedError):
        save_import(ws, accepted["wbm"], name="x", editor=Editor("anna", mode))
    assert list_imports(ws) == [] and ws.audit() == [] and _files(ws) == []


def test_only_valid_building_layers_can_be_saved(ws, accepted) -> None:
    with pytest.raises(DataValidationError):
        save_import(ws, accepted["lines"], name="x", editor=Editor("anna", Mode.PLANNER))
    import dataclasses

    broken = dataclasses.replace(accepted["wbm"], buildings=None, problems=("Typ fehlt",))
    with pytest.raises(DataValidationError, match="Typ fehlt"):
        save_import(ws, broken, name="x", editor=Editor("anna", Mode.PLANNER))
    assert list_imports(ws) == []


def test_failed_record_leaves_no_visible_import_and_no_file(ws, accepted, monkeypatch) -> None:
    def fail(*_args, **_kwargs):
        raise StorageError("Speichern fehlgeschlagen (Test)")

    monkeypatch.setattr(type(ws), "put", fail)
    with pytest.raises(StorageError):
        save_import(ws, accepted["wbm"], name="x", editor=Editor("anna", Mode.PLANNER))
    assert list_imports(ws) == []
    assert _files(ws) == []


def test_damaged_file_is_reported_not_loaded(ws, accepted) -> None:
    key = save_import(ws, accepted["wbm"], name="x", editor=Editor("anna", Mode.PLANNER))
    name = f"imports/{key}.gpkg"
    ws.files.write(name, ws.files.read(name)[:1000])
    with pytest.raises(StorageError, match="fehlt oder ist beschädigt"):
        load_import(ws, key)


def test_delete_removes_record_then_file(ws, accepted) -> None:
    key = save_import(ws, accepted["wbm"], name="x", editor=Editor("anna", Mode.PLANNER))
    [info] = list_imports(ws)
    with pytest.raises(PermissionDeniedError):
        delete_import(ws, key, expected_version=info.version, editor=Editor("anna", Mode.PUBLIC))
    delete_import(ws, key, expected_version=info.version, editor=Editor("anna", Mode.PLANNER))
    assert list_imports(ws) == []
    assert _files(ws) == []


def test_outline_of_a_single_building_is_its_buffer(accepted) -> None:
    one = accepted["wbm"].buildings.iloc[:1]
    outline = quarter_outline(one)
    assert outline.area == pytest.approx((10 + 40) * (20 + 40) - (4 - 3.14159) * 400, rel=0.01)
