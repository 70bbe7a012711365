"""Published own areas (data/published_areas.py): a public copy without identifying columns,
refused below the privacy minimum, checked by hash, withdrawn with its files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from quartier_geo.base.errors import DataValidationError, PermissionDeniedError, StorageError
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data import publication as pub
from quartier_geo.data import published_areas as pa
from quartier_geo.data.store import Workspace, WorkspaceState, open_workspace

PLANNER = Editor("CANARY-Bearbeiterin", Mode.PLANNER)
QID = -4711
KEY = "imp-0123456789ab"


def _buildings(n: int) -> gpd.GeoDataFrame:
    """``n`` squares of 10 m x 10 m in a row, 30 m apart, with identifying columns."""
    return gpd.GeoDataFrame(
        {
            "building_id": [f"CANARY-ID-{i}" for i in range(n)],
            "address": [f"CANARY-Straße {i}" for i in range(n)],
            "owner_type": ["private_landlord"] * n,
            "residents": [3.0] * n,
            "adv_function_code": ["31001_1010"] * n,
            "note_from_file": ["CANARY-Freitext"] * n,
            "building_type": ["EFH"] * n,
            "age_class": ["E"] * n,
            "storeys": [2.0] * n,
            "conditioned_floor_area_m2": [174.0] * n,
            "heating_carrier": ["gas"] * n,
            "refurbishment_state": ["existing"] * n,
            "heat_demand_reported_kwh_per_a": [25_000.0] * n,
        },
        geometry=[box(30 * i, 0, 30 * i + 10, 10) for i in range(n)],
        crs="EPSG:25832",
    )


def _area(n: int, name: str = "Siedlung am Kanal") -> pa.AreaToPublish:
    return pa.AreaToPublish(KEY, QID, name, _buildings(n), min_buildings=5)


@pytest.fixture
def ws(tmp_path: Path):
    return open_workspace(tmp_path / "ws.sqlite")


def test_public_copy_keeps_only_the_assessment_inputs() -> None:
    out = pa.public_buildings(_buildings(6), QID)
    assert list(out["building_id"]) == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert set(out["quarter_id"]) == {QID}
    for dropped in ("address", "owner_type", "residents", "adv_function_code", "note_from_file"):
        assert dropped not in out.columns
    for kept in ("building_type", "age_class", "conditioned_floor_area_m2"):
        assert kept in out.columns
    assert "heat_demand_reported_kwh_per_a" in out.columns  # changes the assessment
    assert out.crs == "EPSG:25832"


def test_publish_writes_a_copy_without_canaries(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    snap = pa.publish_area(ws, _area(6), path=path, editor=PLANNER)
    (item,) = snap.areas()
    assert (item.quarter_id, item.name) == (QID, KEY)
    assert item.fields["name"] == "Siedlung am Kanal" and item.fields["buildings"] == 6
    files = list(pa.areas_dir(path).iterdir())
    assert [f.name for f in files] == [item.fields["file"]]
    blob = files[0].read_bytes() + path.read_bytes()
    assert b"CANARY" not in blob  # no id, address, free text, editor in copy or snapshot
    quarter, buildings = pa.read_area(
        path, str(item.fields["file"]), sha256=str(item.fields["sha256"]), quarter_id=QID, name="x"
    )
    assert len(buildings) == 6 and set(buildings["quarter_id"]) == {QID}
    # outline = convex hull of the six footprints (x 0..160 m, y 0..10 m) buffered by 20 m;
    # shapely draws the round corners as a 32-gon (quad_segs=8), area (32/2)·r²·sin(2π/32):
    # 160*10 + 2*(160+10)*20 + 16*400*sin(pi/16) = 1600 + 6800 + 1248.58 = 9648.58 m²
    corners = 16 * 400 * math.sin(math.pi / 16)
    assert quarter["area_ha"].iloc[0] == pytest.approx((1600 + 6800 + corners) / 1e4)


def test_an_area_below_the_privacy_minimum_is_refused(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    with pytest.raises(DataValidationError, match="mindestens 5 Gebäuden"):
        pa.publish_area(ws, _area(4), path=path, editor=PLANNER)
    assert not path.exists() and not pa.areas_dir(path).exists()
    assert ws.list(pub.KIND) == []


def test_a_public_name_is_required(ws, tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="öffentlichen Namen"):
        pa.publish_area(ws, _area(5, name="  "), path=tmp_path / "p.json", editor=PLANNER)


def test_only_the_planner_mode_publishes(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    with pytest.raises(PermissionDeniedError):
        pa.publish_area(ws, _area(6), path=path, editor=Editor("x", Mode.PUBLIC))
    assert not pa.areas_dir(path).exists()


def test_republish_replaces_the_copy_and_withdraw_removes_it(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    first = pa.publish_area(ws, _area(6), path=path, editor=PLANNER).areas()[0]
    second = pa.publish_area(ws, _area(7, "Neuer Name"), path=path, editor=PLANNER).areas()[0]
    assert second.fields["file"] != first.fields["file"]
    assert [f.name for f in pa.areas_dir(path).iterdir()] == [second.fields["file"]]
    assert (second.fields["name"], second.fields["buildings"]) == ("Neuer Name", 7)
    snap = pa.withdraw_area(ws, KEY, QID, path=path, editor=PLANNER)
    assert snap.areas() == ()
    assert list(pa.areas_dir(path).iterdir()) == []
    assert json.loads(path.read_text(encoding="utf-8"))["items"] == []
    actions = [r["action"] for r in ws.audit(limit=10) if r["kind"] == pub.KIND]
    assert actions == ["delete", "update", "insert"]  # newest first: who withdrew is logged


def test_a_failed_record_write_leaves_no_copy(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    pa.publish_area(ws, _area(6), path=path, editor=PLANNER)
    before = sorted(f.name for f in pa.areas_dir(path).iterdir())
    snapshot_before = path.read_bytes()
    # the workspace turned read-only: the snapshot item cannot be written
    read_only = Workspace(ws.path, WorkspaceState.READ_ONLY, ("schreibgeschützt", "read-only"))
    with pytest.raises(StorageError, match="Speichern fehlgeschlagen"):
        pa.publish_area(read_only, _area(8), path=path, editor=PLANNER)
    assert sorted(f.name for f in pa.areas_dir(path).iterdir()) == before
    assert path.read_bytes() == snapshot_before


def test_a_tampered_copy_is_not_read(ws, tmp_path: Path) -> None:
    path = tmp_path / "published.json"
    (item,) = pa.publish_area(ws, _area(6), path=path, editor=PLANNER).areas()
    copy = pa.areas_dir(path) / str(item.fields["file"])
    copy.write_bytes(copy.read_bytes() + b"\0")
    with pytest.raises(StorageError, match="fehlt oder ist verändert"):
        pa.read_area(
            path, copy.name, sha256=str(item.fields["sha256"]), quarter_id=QID, name="Siedlung"
        )
    with pytest.raises(StorageError):  # a name from the snapshot cannot leave the folder
        pa.read_area(path, "../ws.sqlite", sha256="0", quarter_id=QID, name="x")
