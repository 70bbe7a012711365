"""Schema detection and the fill rules, on hand-made frames (no worker process)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from quartier_geo.data.layers import validate_buildings
from quartier_geo.data.reference import load_reference
from quartier_geo.imports.fill import ImportDefaults, apply_mapping, apply_street_mapping, numeric
from quartier_geo.imports.schemas import Mapping, normalise_name, propose_mapping

#: The reference tables, loaded once for the module (the importers take them explicitly).
REF = load_reference()

SCHEMAS_JSON = (
    Path(__file__).resolve().parent.parent / "geodata" / "reference" / "open_data_schemas.json"
)


def _frame(data: dict, n: int | None = None) -> gpd.GeoDataFrame:
    n = n or len(next(iter(data.values())))
    geoms = [
        shapely.box(368_000 + 20 * i, 5_708_000, 368_010 + 20 * i, 5_708_020) for i in range(n)
    ]
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:25832")


def _rules(report) -> dict[str, int]:
    return {f.code: f.count for f in report.fills}


@pytest.fixture(scope="module")
def real() -> dict:
    return json.loads(SCHEMAS_JSON.read_text(encoding="utf-8"))


def test_real_field_lists_are_recognised(real) -> None:
    rwb = real["lanuv_raumwaermebedarfsmodell_old"]["files"]
    old = propose_mapping(rwb["hausumringe-{AGS}.shp"])
    assert old.schema == "lanuv_rwb"
    assert old.fields["WB_HU"] == "heat_demand_reported_kwh_per_a"
    assert old.fields["EBZ_Final"] == "conditioned_floor_area_m2"
    wld = propose_mapping(rwb["waermeliniendichte-{AGS}.shp"], layer_kind="streets")
    assert (wld.schema, wld.layer_kind) == ("lanuv_wld", "streets")
    assert wld.fields["RW_WW_WLD"] == "linear_heat_density_reported_kwh_per_ma"
    hu = propose_mapping(list(real["hausumringe_nrw"]["fields"]))
    assert (hu.schema, hu.fields["OI"], hu.fields["GFK"]) == (
        "hausumringe_nrw",
        "building_id",
        "adv_function_code",
    )
    osm = propose_mapping(list(real["osm_geofabrik_buildings"]["fields"]))
    assert (osm.schema, osm.fields["type"]) == ("osm_buildings", "osm_building")
    alkis = propose_mapping(real["alkis_vereinfacht_wfs"]["fields"]["ave:GebaeudeBauwerk"])
    assert alkis.schema == "alkis_gebaeude"


def test_lanuv_wbm_with_unit_suffix_and_its_confidence() -> None:
    cols = ["Fest_ID", "RW_WW [kWh/a]", "RW", "WW", "NF", "GEBAEUDETY", "WG_NWG"]
    good = propose_mapping(cols, pd.DataFrame({"GEBAEUDETY": ["EFH_J", "MFH_C"]}))
    assert good.schema == "lanuv_wbm"
    assert good.fields["RW_WW [kWh/a]"] == "heat_demand_reported_kwh_per_a"
    assert any("Annahme" in n for n in good.notes)  # NF read as A_N is said to be an assumption
    odd = propose_mapping(cols, pd.DataFrame({"GEBAEUDETY": ["Villa", "Haus"]}))
    assert odd.confidence == pytest.approx(good.confidence * 0.6, abs=1e-3)


def test_canonical_truncated_and_generic_fallbacks() -> None:
    shp = propose_mapping(["building_i", "building_t", "age_class", "storeys", "conditione"])
    assert shp.schema == "canonical"
    assert shp.fields["building_t"] == "building_type"
    assert shp.fields["conditione"] == "conditioned_floor_area_m2"
    generic = propose_mapping(["ID", "Baujahr", "Geschosse", "Energieträger"])
    assert generic.schema == "generic" and generic.confidence <= 0.4
    assert generic.fields == {
        "ID": "building_id",
        "Baujahr": "construction_year",
        "Geschosse": "storeys",
        "Energieträger": "heating_carrier",
    }
    assert normalise_name("Länge (°)") == "laenge"


def test_lanuv_type_age_code_area_and_demand_pass_through() -> None:
    gdf = _frame(
        {
            "Fest_ID": ["a", "b"],
            "RW_WW": [25_000.0, 80_000.0],
            "NF": [200.0, 600.0],
            "GEBAEUDETY": ["EFH_J", "NWG_E"],
            "WG_NWG": ["WG", "NWG"],
        }
    )
    out, report = apply_mapping(gdf, propose_mapping(list(gdf.columns[:-1])), ref=REF)
    assert out["building_type"].tolist() == ["EFH", "NWG"]
    assert out["age_class"].tolist() == ["J", "E"]
    assert out["heat_demand_reported_kwh_per_a"].sum() == 105_000.0
    # NF is a usable area A_N, not TABULA's A_C: A_C = NF x 0.906 (assumptions.csv, median
    # A_C_Ref / A_N_EnEV of typology.csv): 200 -> 181.2 m², 600 -> 543.6 m²
    assert out["conditioned_floor_area_m2"].tolist() == pytest.approx([181.2, 543.6])
    assert "type_default" not in _rules(report) and "age_default" not in _rules(report)
    assert gdf.columns.tolist() == ["Fest_ID", "RW_WW", "NF", "GEBAEUDETY", "WG_NWG", "geometry"]


def test_living_and_usable_areas_are_converted_to_the_tabula_reference_area() -> None:
    # TABULA DE (typology.csv): A_C_Ref / A_C_Living has the median 1.10 and A_C_Ref /
    # A_N_EnEV the median 0.906 over the 43 'existing' rows (assumptions.csv); a Wohnfläche
    # or Nutzfläche is not A_C. EFH A, for example: A_C 218.9, living 199.0 (x 1.10),
    # A_N 245.6 (typology.md).
    gdf = _frame(
        {
            "Wohnfläche": [100.0, 100.0, None],
            "Nutzfläche": [None, 200.0, 300.0],
            "Energiebezugsfläche": [None, None, 150.0],
            "Gebäudetyp": ["EFH", "MFH", "MFH"],
            "Baualtersklasse": ["E", "E", "E"],
        }
    )
    mapping = propose_mapping(list(gdf.columns[:-1]))
    assert mapping.fields["Wohnfläche"] == "living_area_m2"
    assert mapping.fields["Nutzfläche"] == "usable_area_m2"
    assert mapping.fields["Energiebezugsfläche"] == "conditioned_floor_area_m2"
    out, report = apply_mapping(gdf, mapping, ref=REF)
    area = out["conditioned_floor_area_m2"].tolist()
    assert area[0] == pytest.approx(100.0 * 1.10)  # living area only: 110 m²
    assert area[1] == pytest.approx(200.0 * 0.906)  # usable area before living area: 181.2 m²
    assert area[2] == pytest.approx(150.0)  # a given A_C wins
    rules = _rules(report)
    assert (rules["area_from_usable"], rules["area_from_living"]) == (1, 1)
    texts = " ".join(f.message_de for f in report.fills)
    assert "A_C = A_N × 0.906" in texts and "A_C = Wohnfläche × 1.1" in texts


def test_tabula_area_ratios_are_the_medians_of_the_typology() -> None:
    rows = pd.read_csv(SCHEMAS_JSON.parent / "typology.csv")
    existing = rows[rows["variant"] == "existing"]
    assert len(existing) == 43
    living = (existing["A_C_Ref_m2"] / existing["A_C_Living_m2"]).median()
    usable = (existing["A_C_Ref_m2"] / existing["A_N_EnEV_m2"]).median()
    assert REF.assumptions.loc["living_to_conditioned_area_factor", "value"] == pytest.approx(
        living, abs=0.005
    )
    assert REF.assumptions.loc["usable_to_conditioned_area_factor", "value"] == pytest.approx(
        usable, abs=0.0005
    )


def test_measured_consumption_is_taken_from_the_file() -> None:
    gdf = _frame(
        {
            "Gebäudetyp": ["EFH", "EFH"],
            "Baualtersklasse": ["E", "E"],
            "Geschosse": [2.0, 2.0],
            "Gasverbrauch": [18_000.0, None],
        }
    )
    mapping = propose_mapping(list(gdf.columns[:-1]))
    assert mapping.fields["Gasverbrauch"] == "measured_consumption_kwh_per_a"
    out, _ = apply_mapping(gdf, mapping, ref=REF)
    assert out["measured_consumption_kwh_per_a"].tolist()[0] == 18_000.0
    assert pd.isna(out["measured_consumption_kwh_per_a"].tolist()[1])
    valid = validate_buildings(out, REF).buildings
    assert "measured_consumption_kwh_per_a" in valid


def test_demand_from_parts_from_specific_and_mwh_detection() -> None:
    parts = _frame(
        {
            "RW": [10.0, None],
            "WW": [2.0, None],
            "RW_WW_spez": [None, 50.0],
            "NF": [100.0, 100.0],
            "RW_WW": [None, None],
        }
    )
    out, report = apply_mapping(parts, propose_mapping(list(parts.columns[:-1])), ref=REF)
    assert out["heat_demand_reported_kwh_per_a"].tolist() == [12.0, 5_000.0]
    assert _rules(report)["demand_from_parts"] == 1 and _rules(report)["demand_from_specific"] == 1
    mwh = _frame({"WB_HU": [27.0, 90.0], "spez_WB_HU": [180.0, 150.0], "EBZ_Final": [150.0, 600.0]})
    out, report = apply_mapping(mwh, propose_mapping(list(mwh.columns[:-1])), ref=REF)
    assert out["heat_demand_reported_kwh_per_a"].tolist() == [27_000.0, 90_000.0]
    assert "demand_unit_mwh" in _rules(report)


def test_adv_codes_drop_garages_and_mark_non_residential() -> None:
    gdf = _frame({"OI": ["1", "2", "3"], "GFK": ["31001_1000", "31001_2463", "31001_2050"]})
    out, report = apply_mapping(gdf, propose_mapping(["OI", "GFK"]), ref=REF)
    assert out["building_id"].tolist() == ["1", "3"]
    assert out["building_type"].tolist() == ["MFH", "NWG"]  # global default MFH, E
    rules = _rules(report)
    assert rules["unheated_dropped"] == 1 and report.dropped == 1
    assert rules["type_default"] == 1 and rules["age_default"] == 2  # counted after the drop
    assert out["storeys"].tolist() == [3.0, 2.0]  # by type


def test_quarter_type_defaults_and_explicit_overrides() -> None:
    gdf = _frame({"OI": ["1", "2"], "GFK": ["31001_1000", "31001_1010"]})
    out, report = apply_mapping(
        gdf,
        propose_mapping(["OI", "GFK"]),
        ref=REF,
        defaults=ImportDefaults(quarter_type="colliery"),
    )
    assert out["building_type"].tolist() == ["RH", "RH"] and out["age_class"].tolist() == ["B", "B"]
    assert "colliery" in report.fills[0].message_de or any(
        "colliery" in f.message_de for f in report.fills
    )
    out, _ = apply_mapping(
        gdf,
        propose_mapping(["OI", "GFK"]),
        ref=REF,
        defaults=ImportDefaults(quarter_type="colliery", age_class="C"),
    )
    assert out["age_class"].tolist() == ["C", "C"]


def test_storeys_from_height_and_type_from_storeys() -> None:
    gdf = _frame(
        {
            "gml_id": ["a", "b", "c", "d"],
            "mean_height_m": [6.0, 7.5, 13.5, 30.0],
            "function": ["31001_1000"] * 4,
        }
    )
    out, report = apply_mapping(
        gdf,
        propose_mapping(["gml_id", "mean_height_m", "function"]),
        ref=REF,
        defaults=ImportDefaults(storey_height_m=3.0),
    )
    assert out["storeys"].tolist() == [2.0, 2.5, 4.5, 10.0]
    assert out["building_type"].tolist() == ["EFH", "EFH", "MFH", "HH"]
    assert _rules(report)["storeys_from_height"] == 4 and _rules(report)["type_from_storeys"] == 4


def test_osm_tags_years_and_addresses() -> None:
    gdf = _frame(
        {
            "osm_id": ["1", "2", "3", "4"],
            "building": ["house", "apartments", "terrace", "school"],
            "building:levels": ["2", "7", None, "3"],
            "start_date": ["1925", "~1972", None, "C19"],
            "addr:street": ["Hauptstraße", None, None, None],
            "addr:housenumber": ["3a", None, None, None],
        }
    )
    out, report = apply_mapping(gdf, propose_mapping(list(gdf.columns[:-1])), ref=REF)
    assert out["building_type"].tolist() == ["EFH", "GMH", "RH", "NWG"]
    assert out["age_class"].tolist()[:2] == ["C", "F"]
    assert out["address"].iloc[0] == "Hauptstraße 3a"
    assert _rules(report)["age_from_year"] == 2


def test_ids_carriers_and_refurbishment_states() -> None:
    gdf = _frame(
        {
            "building_id": ["x", "x", None],
            "building_type": ["EFH", "villa", "MFH"],
            "age_class": ["E", "e", "Z"],
            "storeys": [2, 2, 3],
            "heating_carrier": ["Erdgas", "Fernwärme", "Unbekannt"],
            "refurbishment_state": ["usual", "saniert", None],
        }
    )
    out, report = apply_mapping(gdf, propose_mapping(list(gdf.columns[:-1])), ref=REF)
    assert out["building_id"].tolist() == ["x", "x_2", "B3"]
    assert out["building_type"].tolist()[1] == "EFH"  # storeys 2 → house (from storeys rule)
    assert out["age_class"].tolist() == ["E", "E", "E"]  # 'Z' unknown → default E
    assert out["heating_carrier"].tolist() == ["gas", "district_heating", "gas"]
    assert out["refurbishment_state"].tolist() == ["usual", "existing", "existing"]
    rules = _rules(report)
    assert rules["id_generated"] == 1 and rules["id_duplicate"] == 1
    assert rules["carrier_default"] == 1 and rules["refurbishment_default"] == 2


def test_mapped_output_validates_against_the_canonical_schema(ref) -> None:
    gdf = _frame({"OI": [str(i) for i in range(5)], "GFK": ["31001_1000"] * 5})
    out, _ = apply_mapping(gdf, propose_mapping(["OI", "GFK"]), ref=REF)
    validated = validate_buildings(out, ref)
    assert len(validated.buildings) == 5
    assert validated.buildings["footprint_m2"].tolist() == [200.0] * 5


def test_corrected_mapping_changes_the_result() -> None:
    gdf = _frame({"OI": ["1"], "GFK": ["31001_1000"], "Stockwerke": [7]})
    proposed = propose_mapping(list(gdf.columns[:-1]))
    assert "Stockwerke" not in proposed.fields
    corrected = dataclasses.replace(proposed, fields={**proposed.fields, "Stockwerke": "storeys"})
    out, _ = apply_mapping(gdf, corrected, ref=REF)
    assert (out["storeys"].iloc[0], out["building_type"].iloc[0]) == (7.0, "GMH")


def test_street_mapping_lengths_and_ids() -> None:
    lines = gpd.GeoDataFrame(
        {"WLD_ID": ["W1", None], "RW_WW_WLD": ["1170,5", "80"]},
        geometry=[shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 0), (0, 50)])],
        crs="EPSG:25832",
    )
    out, report = apply_street_mapping(
        lines, propose_mapping(["WLD_ID", "RW_WW_WLD"], layer_kind="streets")
    )
    assert out["length_m"].tolist() == [100.0, 50.0]
    assert out["street_id"].tolist() == ["W1", "B2"]
    assert out["linear_heat_density_reported_kwh_per_ma"].tolist() == [1170.5, 80.0]
    assert _rules(report) == {"id_generated": 1}


def test_numeric_handles_decimal_commas_only_when_unambiguous() -> None:
    assert numeric(pd.Series(["1,5", "2"])).tolist() == [1.5, 2.0]
    assert numeric(pd.Series(["1,000.5", "2"])).isna().tolist() == [True, False]
    assert numeric(pd.Series([1, 2])).dtype == np.float64
    assert Mapping("x", {}, 0.0).layer_kind == "buildings"
