"""Class breaks, class assignment and legend labels on hand-checkable numbers."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest

from quartier_geo.views.classify import (
    Colouring,
    assign_classes,
    class_breaks,
    class_labels,
    colour_classes,
)

ONE_TO_TEN = list(range(1, 11))


def test_quantiles_by_hand_and_as_mapclassify() -> None:
    # quantiles at 20 %, 40 %, ... of 1..10 with linear interpolation: 1 + 9 * p
    assert class_breaks(ONE_TO_TEN, method="quantiles", k=5) == [1.0, 2.8, 4.6, 6.4, 8.2, 10.0]
    bins = mapclassify.Quantiles(np.array(ONE_TO_TEN, dtype=float), k=5).bins
    assert np.allclose(class_breaks(ONE_TO_TEN, method="quantiles", k=5)[1:], bins)


def test_equal_interval_by_hand_and_as_mapclassify() -> None:
    assert class_breaks(ONE_TO_TEN, method="equal_interval", k=3) == [1.0, 4.0, 7.0, 10.0]
    bins = mapclassify.EqualInterval(np.array(ONE_TO_TEN, dtype=float), k=4).bins
    assert np.allclose(class_breaks(ONE_TO_TEN, method="equal_interval", k=4)[1:], bins)


def test_natural_breaks_find_obvious_clusters() -> None:
    values = [1.0, 1.1, 1.2, 10.0, 10.1, 20.0, 20.5]
    assert class_breaks(values, method="natural_breaks", k=3) == [1.0, 1.2, 10.1, 20.5]
    assert class_breaks(ONE_TO_TEN, method="natural_breaks", k=5) == [1, 2, 4, 6, 8, 10]


def test_natural_breaks_match_mapclassify_fisher_jenks() -> None:
    rng = np.random.default_rng(7)
    values = np.round(rng.lognormal(3.0, 1.0, 60), 2)
    with warnings.catch_warnings():  # the oracle warns that numba is missing
        warnings.simplefilter("ignore")
        expected = mapclassify.FisherJenks(values, k=5).bins
    assert np.allclose(class_breaks(values, method="natural_breaks", k=5)[1:], expected)


def test_natural_breaks_deterministic_on_many_values() -> None:
    # speed on many values is measured in benchmarks/, not asserted here
    values = np.random.default_rng(1).lognormal(10.0, 1.0, 20_000)
    first = class_breaks(values, method="natural_breaks", k=7)
    assert first == class_breaks(values, method="natural_breaks", k=7)
    assert len(first) == 8
    assert first[0] == values.min() and first[-1] == values.max()
    assert np.all(np.diff(first) > 0)


def test_nan_and_inf_are_ignored() -> None:
    assert class_breaks([1, 2, np.nan, np.inf, 3, 4], method="equal_interval", k=3) == [
        1.0,
        2.0,
        3.0,
        4.0,
    ]


def test_degenerate_inputs() -> None:
    assert class_breaks([], k=5) == []
    assert class_breaks([np.nan], k=5) == []
    assert class_breaks([4, 4, 4], k=5) == [4.0, 4.0]
    # fewer distinct values than classes: one class per value
    breaks = class_breaks([1, 2, 3, 3], method="quantiles", k=5)
    assert breaks == [1.0, 1.0, 2.0, 3.0]
    assert assign_classes([1, 2, 3], breaks).tolist() == [0, 1, 2]
    with pytest.raises(ValueError):
        class_breaks(ONE_TO_TEN, k=0)


def test_assign_classes_upper_bounds_inclusive() -> None:
    breaks = [1.0, 2.0, 5.0, 10.0]
    got = assign_classes([1, 2, 2.0001, 5, 7, 10, 0, 99, np.nan], breaks)
    assert got.tolist() == [0, 0, 1, 1, 2, 2, 0, 2, -1]
    assert assign_classes([1, 2], []).tolist() == [-1, -1]


def test_every_value_lands_in_a_class_of_its_own_breaks() -> None:
    values = np.random.default_rng(3).normal(100, 30, 500)
    for method in ("quantiles", "equal_interval", "natural_breaks"):
        breaks = class_breaks(values, method=method, k=5)
        classes = assign_classes(values, breaks)
        lo, hi = np.asarray(breaks)[classes], np.asarray(breaks)[classes + 1]
        first = classes == 0
        assert np.all((values > lo) | first) and np.all(values <= hi)


def test_class_labels_german_and_english() -> None:
    assert class_labels([0, 1234.5, 5000], lang="de", decimals=1) == [
        "0,0 – 1.234,5",
        "1.234,5 – 5.000,0",
    ]
    assert class_labels([0, 1234.5, 5000], lang="en", decimals=1) == [
        "0.0 – 1,234.5",
        "1,234.5 – 5,000.0",
    ]
    assert class_labels([0.25, 0.5, 1.0]) == ["0,25 – 0,50", "0,50 – 1,00"]
    assert class_labels([2964.37, 10354.12, 16578.64]) == ["2.964 – 10.354", "10.354 – 16.579"]
    assert class_labels([3, 3]) == ["3"]
    assert class_labels([]) == []


def test_screen_and_print_maps_share_one_classing():
    """Open-ended thresholds and data classes, hand-checked; both maps call this one path."""
    values = pd.Series([10.0, 50.0, 120.0, 300.0, np.nan], name="useful_heat_kwh_per_m2a")
    fixed = colour_classes(values, Colouring(thresholds=[50, 100, 250]))
    # 10 < 50; 50 <= 50 < 100; 100 <= 120 < 250; 300 >= 250; NaN has no class
    assert fixed.index.tolist() == [0, 1, 2, 3, -1]
    assert fixed.names == ["< 50", "50 – 100", "100 – 250", "≥ 250"]
    assert len(fixed.colors) == 4
    edges = colour_classes(values, Colouring(breaks=[10.0, 100.0, 300.0]))
    assert edges.index.tolist() == [0, 0, 1, 1, -1]
    assert edges.names == ["10 – 100", "100 – 300"]
    kinds = pd.Series(["MFH", "EFH", "MFH"], name="building_type")
    cats = colour_classes(kinds, Colouring(categorical=True, labels={"EFH": "Einfamilienhaus"}))
    assert [cats.names[i] for i in cats.index] == ["MFH", "Einfamilienhaus", "MFH"]
    assert colour_classes(pd.Series([np.nan]), Colouring()).names == []


def test_static_map_uses_the_shared_classing():
    from quartier_geo.exports import static_map

    values = pd.Series([10.0, 300.0])
    index, _colors, names = static_map._classes(values, Colouring(thresholds=[50]), lang="de")
    shared = colour_classes(values, Colouring(thresholds=[50]))
    assert index.tolist() == shared.index.tolist() and names == shared.names
