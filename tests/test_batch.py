"""The batch on Dask (quartier_geo.batch, ``python -m quartier_geo batch``).

Small LANUV-style GeoPackages (WBM-NRW fields: RW_WW = heat demand in kWh/a) for three
municipalities plus one broken file run on a local cluster in threads; a second run goes
through the command line to the address of a cluster started here. The expected totals are
read from the input files with pyogrio in the test, independently of the batch.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from quartier_geo import cli
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.batch.assess import conform, empty_frame
from quartier_geo.batch.runner import BatchOptions, expand_inputs, run_batch
from quartier_geo.demo.lanuv import synthetic_lanuv

#: municipality -> buildings in its file
SIZES = {"Bottrop": 300, "Gelsenkirchen": 200, "Mülheim an der Ruhr": 120}
FOLDERS = {
    "Bottrop": "Bottrop",
    "Gelsenkirchen": "Gelsenkirchen",
    "Mülheim an der Ruhr": "Mülheim_an_der_Ruhr",
}


def lanuv_file(path: Path, n: int, *, seed: int) -> Path:
    """A WBM-NRW-like GeoPackage of ``n`` 10 m x 12 m footprints on a 15 m grid."""
    gdf = synthetic_lanuv(n, seed=seed)
    pyogrio.write_dataframe(gdf, path, layer=f"WBM-NRW_{seed:08d}")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lanuv")
    for seed, (name, n) in enumerate(SIZES.items(), start=1):
        lanuv_file(folder / f"{name}.gpkg", n, seed=seed)
    (folder / "Kaputt.gpkg").write_bytes(b"this is no GeoPackage\n" * 20)
    (folder / "liesmich.txt").write_text("not a data file", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def batch(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[object, list[str]]:
    lines: list[str] = []
    out = tmp_path_factory.mktemp("batch") / "out"
    options = BatchOptions(workers=2, processes=False, progress=lines.append)
    return run_batch([inputs], out, options), lines


def _input_demand_kwh(path: Path) -> float:
    return float(pyogrio.read_dataframe(path, read_geometry=False)["RW_WW"].sum())


def test_a_folder_stands_for_its_data_files(inputs: Path) -> None:
    names = [p.name for p in expand_inputs([inputs, inputs / "Bottrop.gpkg"])]
    assert names == [
        "Bottrop.gpkg",
        "Gelsenkirchen.gpkg",
        "Kaputt.gpkg",
        "Mülheim an der Ruhr.gpkg",
    ]


def test_geoparquet_is_partitioned_by_municipality(batch: tuple, inputs: Path) -> None:
    result, _ = batch
    root = result.out / "buildings"
    folders = sorted(p.name for p in root.iterdir())
    assert folders == sorted(f"municipality={f}" for f in FOLDERS.values())
    for name, folder in FOLDERS.items():
        parts = sorted((root / f"municipality={folder}").glob("part.*.parquet"))
        assert len(parts) == 1
        buildings = gpd.read_parquet(parts[0])
        assert buildings.crs.to_epsg() == 25832
        assert len(buildings) == SIZES[name]
        assert set(buildings["source_file"]) == {f"{name}.gpkg"}
        expected_ids = pyogrio.read_dataframe(inputs / f"{name}.gpkg", read_geometry=False)
        assert set(buildings["building_id"]) == set(expected_ids["Fest_ID"])
    # the whole data set reads back as one partitioned table with the municipality column
    everything = gpd.read_parquet(root)
    assert len(everything) == sum(SIZES.values())
    assert sorted(everything["municipality"].astype(str).unique()) == sorted(FOLDERS.values())


def test_summary_totals_equal_the_inputs(batch: tuple, inputs: Path) -> None:
    result, _ = batch
    table = pd.read_csv(result.out / "summary.csv").set_index("municipality")
    assert sorted(table.index) == sorted(FOLDERS.values())
    for name, folder in FOLDERS.items():
        demand_kwh = _input_demand_kwh(inputs / f"{name}.gpkg")
        assert table.loc[folder, "buildings"] == SIZES[name]
        assert table.loc[folder, "files"] == 1
        assert table.loc[folder, "heat_demand_mwh_per_a"] == pytest.approx(demand_kwh / 1000)
        assert table.loc[folder, "heat_demand_reported_mwh_per_a"] == pytest.approx(
            demand_kwh / 1000
        )
        assert table.loc[folder, "demand_from_file"] == SIZES[name]
    summary = json.loads((result.out / "summary.json").read_text("utf-8"))
    all_kwh = sum(_input_demand_kwh(inputs / f"{name}.gpkg") for name in SIZES)
    assert summary["totals"]["buildings"] == 620  # 300 + 200 + 120
    assert summary["totals"]["files"] == 3
    assert summary["totals"]["heat_demand_mwh_per_a"] == pytest.approx(all_kwh / 1000)


def test_summary_agrees_with_the_buildings_written(batch: tuple) -> None:
    result, _ = batch
    buildings = gpd.read_parquet(result.out / "buildings")
    by = buildings.groupby(buildings["municipality"].astype(str))
    table = pd.read_csv(result.out / "summary.csv").set_index("municipality")
    for folder in FOLDERS.values():
        assert table.loc[folder, "co2_t_per_a"] == pytest.approx(by["co2_t_per_a"].sum()[folder])
        assert table.loc[folder, "potential_usual_mwh_per_a"] == pytest.approx(
            by["potential_usual_kwh_per_a"].sum()[folder] / 1000
        )
        assert table.loc[folder, "co2_t_per_a"] > 0


def test_a_broken_file_is_reported_and_the_others_are_done(batch: tuple) -> None:
    result, lines = batch
    assert [r.file for r in result.failed] == ["Kaputt.gpkg"]
    assert "beschädigt" in result.failed[0].reason
    assert sum(r.ok for r in result.reports) == 3
    files = pd.read_csv(result.out / "files.csv").set_index("file")
    assert files.loc["Kaputt.gpkg", "status"] == "failed"
    assert files.loc["Bottrop.gpkg", "status"] == "ok"
    summary = json.loads((result.out / "summary.json").read_text("utf-8"))
    assert [f["file"] for f in summary["failed"]] == ["Kaputt.gpkg"]
    # progress: one line per file, the broken one with its reason
    assert len([x for x in lines if x.startswith("[")]) == 4
    assert any("Kaputt.gpkg" in x and "FEHLER" in x for x in lines)
    assert any(x.startswith("[4/4]") for x in lines)


def test_nothing_is_overwritten(batch: tuple, inputs: Path) -> None:
    result, _ = batch
    before = sorted(p.name for p in (result.out / "buildings").rglob("*"))
    with pytest.raises(QuartierGeoError, match="neuen Ausgabeordner"):
        run_batch([inputs], result.out, BatchOptions(workers=1, processes=False))
    assert sorted(p.name for p in (result.out / "buildings").rglob("*")) == before


def test_every_partition_has_one_schema() -> None:
    """A file without a reported demand (canonical schema) gets the same columns and dtypes."""
    buildings = gpd.GeoDataFrame(
        {"building_id": ["a"], "building_type": ["EFH"], "conditioned_floor_area_m2": [150]},
        geometry=[shapely.box(0, 0, 10, 10)],
        crs="EPSG:25832",
    )
    frame = conform(buildings, municipality="Herne", source="herne.gpkg")
    assert frame.dtypes.equals(empty_frame().dtypes)
    assert frame["heat_demand_reported_kwh_per_a"].isna().all()
    assert frame.loc[0, "conditioned_floor_area_m2"] == 150.0
    assert frame.loc[0, "municipality"] == "Herne"


def test_cli_runs_on_the_scheduler_it_is_given(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dask.distributed import LocalCluster

    out = tmp_path / "out"
    files = [inputs / "Gelsenkirchen.gpkg", inputs / "Kaputt.gpkg"]
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=":0"
    ) as cluster:
        address = cluster.scheduler_address
        args = ["batch", *map(str, files), "--out", str(out), "--scheduler", address]
        code = cli.main([*args, "--format", "json"])
    captured = capsys.readouterr()
    assert code == 2  # one file failed, the other was done
    assert address.startswith("tcp://") and f"auf {address}" in captured.err
    assert "Fehlgeschlagen: Kaputt.gpkg" in captured.err
    payload = json.loads(captured.out)
    demand_kwh = _input_demand_kwh(inputs / "Gelsenkirchen.gpkg")
    assert payload["totals"]["buildings"] == 200
    assert payload["totals"]["heat_demand_mwh_per_a"] == pytest.approx(demand_kwh / 1000, rel=1e-6)
    assert (out / "buildings" / "municipality=Gelsenkirchen" / "part.0.parquet").is_file()


def test_a_part_of_the_layer_name_picks_the_layer_in_every_file() -> None:
    """LANUV's older zips hold hausumringe-<AGS> and waermeliniendichte-<AGS>: one --layer
    for all municipalities. Without it the file is reported with the layers to choose."""
    from quartier_geo.batch.assess import assess_file
    from quartier_geo.imports.pipeline import ImportOptions

    path = str(Path(__file__).parent / "data" / "lanuv_rwb.zip")
    frame, report = assess_file(path, municipality="Gelsenkirchen", options=ImportOptions())
    assert not report.ok and "--layer" in report.reason and "hausumringe-05513000" in report.reason
    assert frame.empty
    options = ImportOptions(layer="HAUSUMRINGE")
    frame, report = assess_file(path, municipality="Gelsenkirchen", options=options)
    assert report.ok, report.reason
    assert sorted(frame["building_id"]) == ["R1", "R2", "R3"]  # tests/data/make_fixtures.py
    assert report.figures["buildings"] == 3
    # WB_HU 27,000 + 90,000 + 144,000 kWh/a and EBZ_Final 150 + 600 + 1,200 m² of the fixture
    assert report.figures["heat_demand_mwh_per_a"] == pytest.approx(261.0)
    assert report.figures["conditioned_floor_area_m2"] == pytest.approx(1950.0)


@pytest.fixture
def main_module_of_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker processes of a local cluster are spawned and re-import ``__main__``; in
    this test process that is whatever ran last as a script (an AppTest leaves app.py
    there), whereas ``python -m quartier_geo batch`` has the package's guarded
    ``__main__``. The test gives the spawn the same main module as the real command."""
    import sys
    import types

    main = types.ModuleType("__main__")  # no __file__: nothing is re-run in the workers
    monkeypatch.setitem(sys.modules, "__main__", main)


def test_cli_starts_a_local_process_cluster_by_default(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], main_module_of_the_cli: None
) -> None:
    out = tmp_path / "out"
    code = cli.main(["batch", str(inputs / "Mülheim an der Ruhr.gpkg"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    assert "1 Datei(en) auf tcp://127.0.0.1:" in captured.err  # a scheduler of its own
    assert "[1/1] Mülheim an der Ruhr.gpkg → Mülheim_an_der_Ruhr: 120 Gebäude" in captured.err
    assert "INFO" not in captured.err  # Dask's own logs stay quiet without -v
    table = pd.read_csv(out / "summary.csv")
    assert table["buildings"].tolist() == [120]
    assert (out / "buildings" / "municipality=Mülheim_an_der_Ruhr" / "part.0.parquet").is_file()
