"""Pure helpers of the ui modules (no script run): bounds, class shares, names, dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from quartier_geo.base.i18n import _TEXTS
from quartier_geo.ui import methods, roundtable, supplyview, widgets

THRESHOLDS = pd.DataFrame(
    {
        "kind": ["heat_density"] * 3 + ["linear_heat_density"] * 2,
        "lower": [0.0, 100.0, 400.0, 0.0, 900.0],
        "upper": [100.0, 400.0, None, 900.0, None],
        "class_de": ["niedrig", "mittel", "hoch", "gering", "hoch"],
        "class_en": ["low", "medium", "high", "low", "high"],
    }
)


def test_inner_bounds_leave_out_the_fixed_zero():
    assert supplyview.inner_bounds(THRESHOLDS, kind="heat_density") == [100.0, 400.0]
    assert supplyview.inner_bounds(THRESHOLDS, kind="linear_heat_density") == [900.0]


def test_class_shares_by_hand():
    # cells at 50, 150, 250 and 500 MWh/(ha·a) with 10, 20, 30 and 40 MWh/a: low 10 %,
    # medium (20 + 30) / 100 = 50 %, high 40 %
    grid = pd.DataFrame(
        {
            "heat_density_mwh_per_ha_a": [50.0, 150.0, 250.0, 500.0],
            "heat_demand_mwh_per_a": [10.0, 20.0, 30.0, 40.0],
        }
    )
    shares = supplyview.class_shares(grid, THRESHOLDS, lang="en")
    assert [name for name, _ in shares] == ["low", "medium", "high"]
    assert [share for _, share in shares] == pytest.approx([0.1, 0.5, 0.4])
    assert supplyview.class_shares(grid, THRESHOLDS, lang="de")[0][0] == "niedrig"


def test_class_shares_skip_empty_classes_and_empty_grids():
    grid = pd.DataFrame({"heat_density_mwh_per_ha_a": [500.0], "heat_demand_mwh_per_a": [7.0]})
    assert supplyview.class_shares(grid, THRESHOLDS, lang="en") == [("high", 1.0)]
    assert supplyview.class_shares(grid.iloc[0:0], THRESHOLDS, lang="en") == []


def test_municipalities_of_an_id_list():
    quarters = pd.DataFrame({"quarter_id": [3, 9], "municipality": ["Bottrop", "Herne"]})
    assert roundtable.municipalities("3, 9", quarters) == "Bottrop, Herne"
    assert roundtable.municipalities("9,77,x", quarters) == "Herne"
    assert roundtable.municipalities(None, quarters) == "–"


def test_quarter_labels():
    quarters = pd.DataFrame(
        {"quarter_id": [3, 9], "municipality": ["Bottrop", "Herne"], "name": ["Welheim", "Mitte"]}
    )
    assert widgets.quarter_labels(quarters) == {3: "Bottrop – Welheim", 9: "Herne – Mitte"}
    assert widgets.quarter_labels(quarters.set_index("quarter_id")) == {
        3: "Bottrop – Welheim",
        9: "Herne – Mitte",
    }
    assert widgets.quarter_label(quarters.iloc[1]) == "Herne – Mitte"


@pytest.mark.parametrize(
    ("text", "lang", "shown"),
    [
        ("2016-11-14", "de", "14.11.2016"),
        ("2016-11-14", "en", "2016-11-14"),  # ISO 8601, as the date widgets
        ("2016-10", "de", "10/2016"),
        ("2016-10", "en", "2016-10"),
        ("2017-07 (approx.)", "de", "07/2017 (erschlossen)"),
        ("2017-07 (approx.)", "en", "2017-07 (inferred)"),
        ("unbekannt", "de", "unbekannt"),
    ],
)
def test_fmt_date(text: str, lang: str, shown: str):
    assert widgets.fmt_date(text, lang) == shown  # type: ignore[arg-type]


def test_fmt_day():
    assert widgets.fmt_day(dt.date(2017, 10, 1), "de") == "01.10.2017"
    assert widgets.fmt_day(dt.date(2017, 10, 1), "en") == "2017-10-01"


def test_lang_column():
    assert widgets.lang_column("label", "de") == "label_de"
    assert widgets.lang_column("reasons", "en") == "reasons_en"


def test_method_tab_keys_exist():
    # keys passed in a variable are not seen by tests/test_i18n.py
    assert [k for k in methods.TABS if k not in _TEXTS] == []
