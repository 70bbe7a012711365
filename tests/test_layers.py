"""Schema validation: every problem listed at once, with row ids and what to do."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from quartier_geo.base.errors import DataValidationError
from quartier_geo.data.layers import validate_buildings


def test_valid_file_is_normalised_to_work_crs(ref, three_buildings):
    in_4326 = three_buildings.to_crs("EPSG:4326")
    v = validate_buildings(in_4326, ref)
    assert v.buildings.crs.to_epsg() == 25832
    assert v.buildings["footprint_m2"].round(3).tolist() == [200.0, 200.0, 200.0]
    assert v.buildings["heating_system"].tolist() == [
        "gas_low_temp",
        "oil_low_temp",
        "storage_heater",
    ]


def test_all_problems_are_reported_together(ref, three_buildings):
    bad = three_buildings.copy()
    bad.loc[0, "building_type"] = "VILLA"
    bad.loc[1, "age_class"] = "Z"
    bad.loc[2, "geometry"] = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])  # bow-tie
    bad = bad.set_crs(None, allow_override=True)
    with pytest.raises(DataValidationError) as err:
        validate_buildings(bad, ref)
    problems = err.value.problems
    text = "\n".join(problems)
    assert len(problems) == 4
    assert "Koordinatenreferenzsystem" in text
    assert "VILLA" in text and ": a." in text
    assert "'age_class'" in text and ": b." in text
    assert "Ungültige Geometrie" in text and ": c." in text


def test_missing_required_columns_and_empty_geometries(ref):
    gdf = gpd.GeoDataFrame(
        {"name": ["x", "y"]}, geometry=[shapely.Polygon(), shapely.Point(1, 1)], crs=25832
    )
    with pytest.raises(DataValidationError) as err:
        validate_buildings(gdf, ref)
    text = str(err.value)
    assert "Leere oder fehlende Geometrie: Zeile 1" in text
    assert "Keine Fläche (Punkt/Linie): Zeile 2" in text
    assert "Pflichtspalte 'building_type' fehlt" in text
    assert "Pflichtspalte 'age_class' fehlt" in text
    assert "'conditioned_floor_area_m2' oder 'storeys' fehlt" in text


def test_empty_layer_is_refused(ref, three_buildings):
    with pytest.raises(DataValidationError, match="keine Gebäude"):
        validate_buildings(three_buildings.iloc[0:0], ref)


def test_defaults_are_reported_as_notes(ref, three_buildings):
    b = three_buildings.drop(columns=["refurbishment_state", "heating_carrier"])
    v = validate_buildings(b, ref)
    assert (v.buildings["refurbishment_state"] == "existing").all()
    assert (v.buildings["heating_system"] == "gas_low_temp").all()
    assert len(v.notes) == 2
    assert "3 Gebäude ohne Heizungsangabe" in v.notes[1]


def test_long_id_lists_are_shortened(ref, three_buildings):
    many = gpd.GeoDataFrame(
        {"building_type": ["X"] * 25, "age_class": ["A"] * 25, "storeys": [1.0] * 25},
        geometry=[shapely.box(i * 20, 0, i * 20 + 10, 10) for i in range(25)],
        crs=25832,
    )
    with pytest.raises(DataValidationError) as err:
        validate_buildings(many, ref)
    assert "… und 15 weitere" in str(err.value)
