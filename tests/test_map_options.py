"""The options of the map builders check themselves and name every problem at once; the
fixed texts of screen and print maps follow the language."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from quartier_geo.base.errors import DataValidationError
from quartier_geo.base.i18n import pick
from quartier_geo.exports.static_map import PrintPage, map_svg
from quartier_geo.views import maps
from quartier_geo.views.classify import MAX_CLASSES, MIN_CLASSES, ColourBy, Colouring
from quartier_geo.views.map_layers import FastGeoJson, LayerStyle
from quartier_geo.views.map_legend import Legend, LegendContent
from quartier_geo.views.map_options import (
    DEFAULT_CONTEXT,
    BlockValues,
    Display,
    FeatureInfo,
)

X0, Y0 = 365_000.0, 5_707_000.0


def problems(excinfo: pytest.ExceptionInfo[DataValidationError]) -> list[str]:
    return excinfo.value.problems


# ----------------------------------------------------------------------------- colouring
@pytest.mark.parametrize("k", [MIN_CLASSES - 1, MAX_CLASSES + 1, 2.5])
def test_colouring_refuses_k_outside_the_class_range(k):
    with pytest.raises(DataValidationError) as exc:
        Colouring(k=k)  # type: ignore[arg-type]
    assert len(problems(exc)) == 1 and problems(exc)[0].startswith("k = ")
    assert str(MIN_CLASSES) in str(exc.value) and str(MAX_CLASSES) in str(exc.value)


def test_colouring_accepts_the_ends_of_the_class_range():
    assert Colouring(k=MIN_CLASSES).k == MIN_CLASSES
    assert Colouring(k=MAX_CLASSES).k == MAX_CLASSES


def test_colouring_lists_every_problem_at_once():
    with pytest.raises(DataValidationError) as exc:
        Colouring(
            k=0,
            method="jenks",  # type: ignore[arg-type]
            scheme="rainbow",  # type: ignore[arg-type]
            thresholds=[],
            breaks=[3.0, 1.0],
        )
    fields = [p.split(" ")[0].rstrip(":") for p in problems(exc)]
    assert fields == ["k", "method", "scheme", "thresholds", "breaks"]
    assert "Die Farbgebung hat 5 Problem(e)" in str(exc.value)


def test_colour_by_needs_a_column():
    with pytest.raises(DataValidationError, match="column"):
        ColourBy("", "Titel")
    assert ColourBy("co2_t_per_a", "CO₂").colouring == Colouring()


# ----------------------------------------------------------------------------- screen options
def test_display_names_language_assets_and_type_size():
    with pytest.raises(DataValidationError) as exc:
        Display(lang="fr", assets="cdn", font_px=0)  # type: ignore[arg-type]
    assert [p.split(" ")[0] for p in problems(exc)] == ["lang", "assets", "font_px"]
    assert Display(lang="en", assets="st_folium", font_px=18).font_px == 18


def test_feature_info_refuses_a_tooltip_line_without_label():
    with pytest.raises(DataValidationError, match="address"):
        FeatureInfo(tooltip=[("address",)])  # type: ignore[list-item]
    assert FeatureInfo(tooltip=[("a", "A"), ("b", "B", "m")]).tooltip[1][2] == "m"


def test_block_values_need_at_least_one_building():
    with pytest.raises(DataValidationError, match="min_buildings"):
        BlockValues(min_buildings=0)


def test_default_context_cannot_be_changed_in_place():
    with pytest.raises(TypeError):
        DEFAULT_CONTEXT.layers["streets"] = None  # type: ignore[index]


def test_layer_style_and_legend_content_check_kind_colours_and_opacity():
    with pytest.raises(DataValidationError) as exc:
        LayerStyle(kind="area", colors=["red"], fill_opacity=1.5)  # type: ignore[arg-type]
    assert [p.split(" ")[0] for p in problems(exc)] == ["kind", "Farben", "fill_opacity"]
    with pytest.raises(DataValidationError, match="RRGGBB"):
        LegendContent("Titel", [("#12345", "zu kurz")])
    layer = FastGeoJson('{"type":"FeatureCollection","features":[]}', name="x")
    assert layer.js_options["kind"] == "polygon"  # the default style is valid


def test_svg_frame_names_each_bad_size():
    with pytest.raises(DataValidationError) as exc:
        maps.SvgFrame(0.0, size_px=-1)
    assert [p.split(" ")[0] for p in problems(exc)] == ["scale_m_per_px", "size_px"]
    with pytest.raises(DataValidationError, match="scale_bar_m"):
        maps.SvgFrame(1.0, scale_bar_m=0.0)


def test_print_page_needs_room_for_the_legend():
    with pytest.raises(DataValidationError) as exc:
        PrintPage(lang="fr", width_px=200, height_px=100)  # type: ignore[arg-type]
    assert len(problems(exc)) == 2 and "200 × 100" in problems(exc)[1]


# ----------------------------------------------------------------------------- texts
@pytest.fixture
def buildings(three_buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return three_buildings.assign(useful_heat_kwh_per_m2a=[40.0, 260.0, np.nan])


@pytest.fixture
def quarter() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"quarter_id": [4], "name": ["Q"]},
        geometry=[shapely.box(X0 - 20, Y0 - 20, X0 + 80, Y0 + 60)],
        crs="EPSG:25832",
    )


def test_screen_map_in_english_has_no_german_fixed_text(buildings, quarter):
    m = maps.quarter_map(
        buildings,
        ColourBy("useful_heat_kwh_per_m2a", "Specific demand"),
        context=maps.MapContext(quarter=quarter),
        display=Display(lang="en"),
    )
    legends = [c.html for c in m._children.values() if isinstance(c, Legend)]
    assert any("no data" in h for h in legends)
    assert not any("keine Angabe" in h for h in legends)
    names = [c.layer_name for c in m._children.values() if isinstance(c, FastGeoJson)]
    assert "Quarter" in names and "Quartier" not in names


def test_print_map_in_english_has_english_legend(buildings, quarter):
    svg = map_svg(buildings, quarter=quarter, page=PrintPage(lang="en"))
    for english in ("Specific heat demand", "Quarter boundary", "no data"):
        assert english in svg
    for german in ("Nutzwärmebedarf", "Quartiersgrenze", "keine Angabe"):
        assert german not in svg


def test_threshold_layer_labels_come_from_the_language_column(ref):
    cells = gpd.GeoDataFrame(
        {"heat_density_mwh_per_ha_a": [100.0]},
        geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100)],
        crs="EPSG:25832",
    )
    rows = ref.thresholds[ref.thresholds["kind"] == "heat_density"].sort_values("lower")
    for lang in ("de", "en"):
        spec = maps.default_layer_spec("grid", cells, lang=lang, thresholds=ref.thresholds)
        names = spec.class_names or ()
        assert [n.split(": ", 1)[1] for n in names] == rows[f"class_{lang}"].tolist()
    assert pick(rows.iloc[0], "class", "en") == rows["class_en"].iloc[0]
    with pytest.raises(ValueError, match="fr"):
        pick(rows.iloc[0], "class", "fr")  # type: ignore[arg-type]
