"""The import pipeline on one small fixture per real NRW schema (worker process included)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyogrio
import pytest

from quartier_geo.data.reference import load_reference
from quartier_geo.domain import energy
from quartier_geo.imports.fill import ImportDefaults
from quartier_geo.imports.pipeline import (
    ImportOptions,
    gdal_drivers_safe,
    import_file,
    inspect_upload,
    remap,
    result_to_dict,
)
from quartier_geo.imports.pool import WorkerPool
from quartier_geo.imports.types import Accepted, Limits, NeedsChoice, Rejected

#: The reference tables, loaded once for the module (the importers take them explicitly).
REF = load_reference()

DATA = Path(__file__).parent / "data"
RWB = "Raumwaermebedarfsmodell-NRW_05513000_Gelsenkirchen_EPSG25832_Shape"
RUHR = (6.3, 51.1, 8.0, 51.9)


@pytest.fixture(scope="module")
def pool():
    with WorkerPool() as p:
        yield p


def _accepted(result) -> Accepted:
    assert isinstance(result, Accepted), result
    return result


def _inside_ruhr(result: Accepted) -> bool:
    lon0, lat0, lon1, lat1 = result.report["bbox_lonlat"]
    return RUHR[0] <= lon0 <= lon1 <= RUHR[2] and RUHR[1] <= lat0 <= lat1 <= RUHR[3]


@pytest.mark.parametrize("name", ["lanuv_wbm.gpkg", "lanuv_wbm_shp.zip"])
def test_lanuv_total_equals_the_sum_of_rw_ww(name, pool, ref) -> None:
    result = _accepted(import_file(DATA / name, ref=REF, pool=pool))
    assert result.mapping.schema == "lanuv_wbm"
    assessed = energy.assess_buildings(result.buildings, ref)
    total_mwh = energy.summarise(assessed)["heat_demand_mwh_per_a"].iloc[0]
    assert total_mwh * 1000.0 == pytest.approx(25_000 + 120_000 + 80_000 + 18_000)
    assert (assessed["demand_source"] == "file").all()
    assert result.buildings.set_index("building_id")["building_type"].to_dict() == {
        "DENW0001": "EFH",
        "DENW0002": "MFH",
        "DENW0003": "NWG",
        "DENW0004": "RH",
    }
    # NF (Nutzfläche A_N) 200, 800, 600, 150 m² -> A_C = NF x 0.906 (assumptions.csv, TABULA
    # median A_C_Ref / A_N_EnEV): 181.2, 724.8, 543.6, 135.9 m²
    assert result.buildings["conditioned_floor_area_m2"].tolist() == pytest.approx(
        [181.2, 724.8, 543.6, 135.9]
    )
    assert _inside_ruhr(result)


def test_old_rwb_zip_asks_for_the_layer_then_reads_buildings_and_heat_lines(pool) -> None:
    choice = import_file(DATA / "lanuv_rwb.zip", ref=REF, pool=pool)
    assert isinstance(choice, NeedsChoice) and choice.parameter == "layer"
    layers = [o.value for o in choice.options]
    assert layers == [f"{RWB}/hausumringe-05513000", f"{RWB}/waermeliniendichte-05513000"]
    houses = _accepted(
        import_file(
            DATA / "lanuv_rwb.zip", ref=REF, options=ImportOptions(layer=layers[0]), pool=pool
        )
    )
    assert houses.mapping.schema == "lanuv_rwb"
    assert houses.buildings["heat_demand_reported_kwh_per_a"].sum() == 27_000 + 90_000 + 144_000
    assert houses.buildings["storeys"].tolist() == [2.5, 4.0, 5.0]  # GEB_HOEHE / 3 m, half storeys
    lines = _accepted(
        import_file(
            DATA / "lanuv_rwb.zip", ref=REF, options=ImportOptions(layer=layers[1]), pool=pool
        )
    )
    assert (lines.layer_kind, lines.mapping.schema) == ("streets", "lanuv_wld")
    assert lines.buildings["length_m"].tolist() == [100.0, 100.0]
    assert lines.buildings["linear_heat_density_reported_kwh_per_ma"].tolist() == [1170.0, 1440.0]


def test_hausumringe_4647_cp1252_without_cpg(pool) -> None:
    result = _accepted(import_file(DATA / "hausumringe_4647.zip", ref=REF, pool=pool))
    assert result.mapping.schema == "hausumringe_nrw"
    assert result.report["crs_source"] == "EPSG:4647"
    assert result.features["LAGEBEZ"].iloc[0] == "Büro – „Zeche“ €"  # byte-exact round trip
    assert "encoding_fallback" in {w.code for w in result.warnings}
    assert result.buildings["building_id"].tolist() == [
        "DENW36AL1000001",
        "DENW36AL1000003",
        "DENW36AL1000004",
    ]  # garage dropped
    assert result.buildings["building_type"].tolist() == ["MFH", "NWG", "MFH"]
    assert result.buildings.total_bounds[0] == pytest.approx(368_000.0, abs=0.01)  # 4647 → 25832
    assert result.buildings["footprint_m2"].tolist() == pytest.approx([200.0] * 3)


def test_alkis_and_osm(pool) -> None:
    alkis = _accepted(import_file(DATA / "alkis_gebaeude.geojson", ref=REF, pool=pool))
    assert alkis.mapping.schema == "alkis_gebaeude"
    assert alkis.buildings["building_type"].tolist() == ["EFH", "NWG", "GMH"]
    osm = _accepted(import_file(DATA / "osm_buildings.geojson", ref=REF, pool=pool))
    assert osm.mapping.schema == "osm_buildings"
    assert osm.report["crs_source"] == "EPSG:4326"
    assert osm.buildings["footprint_m2"].tolist() == pytest.approx([200.0] * 5, rel=1e-6)
    assert osm.buildings["building_type"].tolist() == ["EFH", "GMH", "RH", "NWG", "MFH"]
    assert osm.features["name"].iloc[4] == "Markt <b>&</b>"  # stored raw, escaped only in maps


def test_lod2_citygml_tile(pool) -> None:
    result = _accepted(
        import_file(
            DATA / "LoD2_32_368_5708_1_NW.gml",
            ref=REF,
            options=ImportOptions(defaults=ImportDefaults(quarter_type="gruenderzeit")),
            pool=pool,
        )
    )
    b = result.buildings.set_index("building_id")
    assert result.mapping.schema == "citygml_lod2"
    assert b["storeys"].to_dict() == {
        "DENW36AL3000001": 3.0,
        "DENW36AL3000002": 3.0,
        "DENW36AL3000003": 2.0,
    }
    assert b["building_type"].tolist() == ["MFH", "MFH", "NWG"]
    assert b["age_class"].tolist() == ["B", "B", "B"]  # Gründerzeit default
    assert b["footprint_m2"].tolist() == [200.0, 200.0, 96.0]
    assert b["roof_type"].iloc[0] == "3100"


def test_csv_with_wkt_asks_for_the_crs_and_csv_with_lon_lat_is_read(pool) -> None:
    choice = import_file(DATA / "buildings_wkt.csv", ref=REF, pool=pool)
    assert isinstance(choice, NeedsChoice) and choice.code == "crs_missing"
    assert choice.options[0].value == "EPSG:25832"
    assert "EPSG:25832" in choice.message_de
    assert choice.options[0].details["bbox_lonlat"][0] == pytest.approx(7.098, abs=0.01)
    wkt = _accepted(
        import_file(
            DATA / "buildings_wkt.csv",
            ref=REF,
            options=ImportOptions(crs=choice.options[0].value),
            pool=pool,
        )
    )
    assert wkt.buildings["storeys"].tolist() == [1.5, 4.0, 2.0]  # decimal comma
    assert wkt.buildings["age_class"].tolist() == ["D", "B", "H"]  # from the year
    lonlat = _accepted(import_file(DATA / "buildings_lonlat.csv", ref=REF, pool=pool))
    assert lonlat.buildings["conditioned_floor_area_m2"].tolist() == [150.0, 1200.0, 4000.0]
    assert lonlat.buildings["footprint_m2"].tolist() == pytest.approx([100.0] * 3)
    assert "point_footprint" in {w.code for w in lonlat.warnings}


def test_canonical_geopackage_with_two_layers_needs_a_choice(pool) -> None:
    choice = import_file(DATA / "canonical_two_layers.gpkg", ref=REF, pool=pool)
    assert isinstance(choice, NeedsChoice)
    assert [(o.value, o.details["features"]) for o in choice.options] == [
        ("buildings", 3),
        ("parcels", 1),
    ]
    result = _accepted(
        import_file(
            DATA / "canonical_two_layers.gpkg",
            ref=REF,
            options=ImportOptions(layer="buildings"),
            pool=pool,
        )
    )
    assert (result.mapping.schema, result.fills) == ("canonical", ())
    assert result.buildings["heating_system"].tolist() == [
        "gas_low_temp",
        "oil_low_temp",
        "storage_heater",
    ]


def test_round_trip_canonical_export_import_same_figures(
    three_buildings, tmp_path, pool, ref
) -> None:
    path = tmp_path / "export.gpkg"
    pyogrio.write_dataframe(three_buildings, path, layer="buildings", driver="GPKG")
    result = _accepted(import_file(path, ref=REF, pool=pool))
    from quartier_geo.data.layers import validate_buildings

    before = energy.summarise(
        energy.assess_buildings(validate_buildings(three_buildings, ref).buildings, ref)
    )
    after = energy.summarise(energy.assess_buildings(result.buildings, ref))
    for column in before.columns:
        assert after[column].iloc[0] == pytest.approx(before[column].iloc[0], rel=1e-9), column


def test_remap_applies_a_corrected_mapping_without_reparsing(pool) -> None:
    result = _accepted(import_file(DATA / "alkis_gebaeude.geojson", ref=REF, pool=pool))
    fields = {k: v for k, v in result.mapping.fields.items() if v != "storeys"}
    import dataclasses

    changed = remap(result, dataclasses.replace(result.mapping, fields=fields), ref=REF)
    assert changed.features is result.features
    assert changed.buildings["storeys"].tolist() == [3.0, 2.0, 3.0]  # by type, not from the file
    assert "storeys_default" in {f.code for f in changed.fills}


def test_progress_callback_reports_each_stage_in_order(pool) -> None:
    seen: list[tuple[str, float]] = []
    _accepted(
        import_file(
            DATA / "lanuv_wbm.gpkg",
            ref=REF,
            options=ImportOptions(progress=lambda s, f: seen.append((s, f))),
            pool=pool,
        )
    )
    assert [s for s, _ in seen] == ["gate", "worker", "mapping", "validation", "done"]
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0

    def broken(stage: str, fraction: float) -> None:
        raise RuntimeError("progress bar gone")

    _accepted(
        import_file(
            DATA / "lanuv_wbm.gpkg", ref=REF, options=ImportOptions(progress=broken), pool=pool
        )
    )


def test_worker_reports_its_resources_and_runs_isolated(pool) -> None:
    result = _accepted(import_file(DATA / "lanuv_wbm.gpkg", ref=REF, pool=pool))
    worker = result.report["worker"]
    assert 0 < worker["wall_s"] <= 20 and 0 < worker["maxrss_mb"] <= 1536
    assert worker["exit_code"] == 0 and isinstance(worker["network_isolated"], bool)
    assert set(result.report["stages"]) == {
        "gate_s",
        "worker_s",
        "transfer_s",
        "mapping_s",
        "validation_s",
    }


def test_wall_timeout_and_memory_limit_end_in_a_domain_result(pool) -> None:
    data = (DATA / "lanuv_wbm.gpkg").read_bytes()
    timeout = inspect_upload(
        data, "a.gpkg", ref=REF, options=ImportOptions(limits=Limits(wall_seconds=0.001)), pool=pool
    )
    assert isinstance(timeout, Rejected) and timeout.code == "worker_timeout"
    assert timeout.details["worker"]["timed_out"] is True
    starved = inspect_upload(
        data,
        "a.gpkg",
        ref=REF,
        options=ImportOptions(limits=Limits(memory_bytes=64 * 2**20)),
        pool=pool,
    )
    assert isinstance(starved, Rejected)
    assert starved.code in {"worker_memory", "worker_crashed", "unreadable_file"}
    assert (
        _accepted(inspect_upload(data, "a.gpkg", ref=REF, pool=pool)).buildings is not None
    )  # pool recovered


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_serving_process_is_single_threaded_and_leaves_room_under_rlimit_as(pool) -> None:
    pool.start()
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pool.pid}/status").read_text().splitlines()
    )
    assert int(status["Threads"]) == 1  # forking is safe
    vm_bytes = int(status["VmSize"].split()[0]) * 1024
    assert vm_bytes < 0.5 * Limits().memory_bytes  # no allocator arena eats the budget


def test_gdal_self_test_in_the_worker_and_in_process(pool) -> None:
    assert gdal_drivers_safe(pool=pool) is True
    assert gdal_drivers_safe(in_process=True) is True


def test_file_entry_point_never_raises(tmp_path, pool) -> None:
    assert import_file(tmp_path / "fehlt.geojson", ref=REF, pool=pool).code == "unreadable_file"
    big = tmp_path / "gross.geojson"
    big.write_bytes(b"{" + b" " * 2000)
    assert (
        import_file(
            big, ref=REF, options=ImportOptions(limits=Limits(max_upload_bytes=1000)), pool=pool
        ).code
        == "too_large"
    )


def test_result_summary_is_json(pool) -> None:
    for name in ("lanuv_wbm.gpkg", "canonical_two_layers.gpkg", "buildings_wkt.csv"):
        summary = result_to_dict(import_file(DATA / name, ref=REF, pool=pool))
        assert json.loads(json.dumps(summary, ensure_ascii=False)) == summary
    rejected = result_to_dict(inspect_upload(b"", "x.geojson", ref=REF, pool=pool))
    assert rejected["code"] == "unreadable_file" and rejected["kind"] == "rejected"


def test_one_shot_worker_without_a_pool() -> None:
    result = _accepted(import_file(DATA / "alkis_gebaeude.geojson", ref=REF))
    assert len(result.buildings) == 3
    assert math.isfinite(result.report["worker"]["wall_s"])
