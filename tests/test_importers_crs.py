"""CRS diagnosis for NRW data: which system do the coordinates fit (no worker needed)."""

from __future__ import annotations

import math

import pyproj
import pytest

from quartier_geo.imports.crs_detect import (
    NRW_BOX,
    bbox_to_lonlat,
    diagnose,
    fitting_crs,
    normalise_crs,
)

LON, LAT = 7.10, 51.51  # Gelsenkirchen


def _bounds(crs: str, lon: float = LON, lat: float = LAT) -> tuple[float, float, float, float]:
    t = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x0, y0 = t.transform(lon, lat)
    x1, y1 = t.transform(lon + 0.01, lat + 0.01)
    return (x0, y0, x1, y1)


@pytest.mark.parametrize(
    "crs", ["EPSG:25832", "EPSG:4647", "EPSG:31466", "EPSG:31467", "EPSG:4326", "EPSG:3857"]
)
def test_each_nrw_system_is_recognised_from_its_range_alone(crs: str) -> None:
    assert fitting_crs(_bounds(crs)) == [crs]


def test_declared_crs_that_fits_is_ok_and_the_bbox_is_lon_lat() -> None:
    diag = diagnose(_bounds("EPSG:25832"), "EPSG:25832")
    assert (diag.status, diag.crs, diag.warnings) == ("ok", "EPSG:25832", ())
    assert diag.bbox_lonlat is not None
    assert math.isclose(diag.bbox_lonlat[0], LON, abs_tol=1e-3)  # grid convergence


def test_zone_prefixed_eastings_labelled_25832_are_read_as_4647() -> None:
    diag = diagnose(_bounds("EPSG:4647"), "EPSG:25832")
    assert (diag.status, diag.crs) == ("ok", "EPSG:4647")
    assert "crs_zone_prefix" in diag.warnings


def test_missing_crs_proposes_the_fitting_system_first_and_offers_the_usual_ones() -> None:
    diag = diagnose(_bounds("EPSG:31466"), None)
    assert diag.status == "missing"
    assert diag.candidates[0] == "EPSG:31466"
    assert {"EPSG:25832", "EPSG:31466", "EPSG:4326"} <= set(diag.candidates)
    preview = diag.previews["EPSG:31466"]
    assert preview is not None and NRW_BOX[0] < preview[0] < NRW_BOX[2]


def test_utm_numbers_labelled_as_wgs84_are_a_mismatch_with_a_proposal() -> None:
    diag = diagnose(_bounds("EPSG:25832"), "EPSG:4326")
    assert (diag.status, diag.crs) == ("mismatch", "EPSG:25832")
    # chosen by the user and still not fitting: rejected, never asked again
    assert diagnose(_bounds("EPSG:25832"), "EPSG:4326", chosen=True).status == "outside"


def test_swapped_lat_lon_is_detected_with_and_without_a_declared_crs() -> None:
    x0, y0, x1, y1 = _bounds("EPSG:4326")
    assert diagnose((y0, x0, y1, x1), "EPSG:4326").status == "swapped"
    assert diagnose((y0, x0, y1, x1), None).status == "swapped"


def test_outside_nrw_and_outside_ruhr() -> None:
    berlin = diagnose(_bounds("EPSG:4326", 13.40, 52.52), "EPSG:4326")
    assert berlin.status == "outside"
    muenster = diagnose(_bounds("EPSG:25832", 7.62, 51.96), "EPSG:25832")
    assert muenster.status == "ok" and "outside_ruhr" in muenster.warnings


def test_transform_failures_give_none_not_an_exception() -> None:
    assert bbox_to_lonlat((math.nan, 0.0, 1.0, 1.0), "EPSG:25832") is None
    assert bbox_to_lonlat((1e30, 1e30, 2e30, 2e30), "EPSG:25832") is None
    assert normalise_crs(None) is None
    assert normalise_crs("not a crs") is None
    assert normalise_crs("urn:ogc:def:crs:EPSG::25832") == "EPSG:25832"
