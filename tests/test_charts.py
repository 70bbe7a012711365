"""Plotly figure builders: units, German separators, palette colours, escaped data text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.views import charts
from quartier_geo.views.palette import AGE_CLASS_COLORS, PHASE_COLORS, SUITABILITY_COLORS

PAYLOAD = "<img src=x onerror=alert(1)>${x}"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;&#36;{x}"


@pytest.fixture
def path() -> pd.DataFrame:
    years = np.arange(2025, 2046)
    return pd.DataFrame(
        {
            "year": years,
            "co2_t_per_a": np.linspace(1000.0, 200.0, years.size),
            "refurbished_share": np.linspace(0.1, 0.7, years.size),
        }
    )


def test_scenario_paths_with_targets(path: pd.DataFrame) -> None:
    targets = pd.DataFrame(
        {
            "year": path["year"],
            "bottrop_t_per_a": np.linspace(1000.0, 500.0, len(path)),
            "neutral_t_per_a": np.linspace(1000.0, 0.0, len(path)),
        }
    )
    fig = charts.scenario_paths({PAYLOAD: path, "3 %/a": path}, targets=targets)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == [
        ESCAPED,
        "3 %/a",
        "Klimaneutral 2045",
        "Bottrop-Tempo (−50 % in 10 Jahren)",
    ]
    assert fig.layout.separators == ",."
    assert fig.layout.yaxis.title.text == "CO₂-Emissionen (t/a)"
    assert list(fig.data[0].y) == list(path["co2_t_per_a"])
    assert fig.data[2].line.dash == "dash"
    assert "<img" not in fig.to_json()


def test_scenario_shares_in_percent_english(path: pd.DataFrame) -> None:
    fig = charts.scenario_paths(path, value=charts.Measure("refurbished_share"), lang="en")
    assert fig.layout.separators == ".,"
    assert fig.layout.yaxis.title.text == "Refurbished floor area (%)"
    assert fig.data[0].y[0] == pytest.approx(10.0)
    assert fig.data[0].name == "Scenario"
    with pytest.raises(QuartierGeoError):
        charts.scenario_paths({})


def test_breakdown_bar_stacked_sums_and_colours() -> None:
    df = pd.DataFrame(
        {
            "building_type": ["EFH", "MFH", "EFH", "NWG"],
            "age_class": ["E", "C", "C", "L"],
            "useful_heat_kwh_per_a": [10_000.0, 50_000.0, 20_000.0, 5_000.0],
        }
    )
    fig = charts.breakdown_bar(
        df,
        value=charts.Measure(
            "useful_heat_kwh_per_a", title="Nutzwärmebedarf (MWh/a)", divisor=1000.0
        ),
        groups=charts.Grouping(
            "building_type",
            title="Gebäudetyp",
            stack="age_class",
            labels={"building_type": {"EFH": "Einfamilienhaus"}},
        ),
    )
    by_class = {t.name: (list(t.x), list(t.y)) for t in fig.data}
    assert by_class == {
        "C": (["Einfamilienhaus", "MFH"], [20.0, 50.0]),
        "E": (["Einfamilienhaus"], [10.0]),
        "L": (["NWG"], [5.0]),
    }
    assert [t.marker.color for t in fig.data] == [AGE_CLASS_COLORS[c] for c in "CEL"]
    assert fig.layout.barmode == "stack"
    assert fig.layout.yaxis.title.text == "Nutzwärmebedarf (MWh/a)"


def test_breakdown_bar_unstacked_escapes_categories() -> None:
    df = pd.DataFrame({"owner": [PAYLOAD, "public", PAYLOAD], "co2_t_per_a": [1.0, 2.0, 3.0]})
    fig = charts.breakdown_bar(
        df,
        value=charts.Measure("co2_t_per_a", title="CO₂ (t/a)"),
        groups=charts.Grouping("owner", title="Eigentum"),
    )
    assert sorted(zip(fig.data[0].x, fig.data[0].y, strict=True)) == [
        (ESCAPED, 4.0),
        ("public", 2.0),
    ]


def test_timeline_phases_coloured_and_illustrative_hatched() -> None:
    phases = pd.DataFrame(
        {
            "quarter_id": [1, 1, 2],
            "phase": ["preparation", "concept", "concept"],
            "start_date": pd.to_datetime(["2016-03-01", "2018-02-13", "2017-09-14"]),
            "end_date": pd.to_datetime(["2018-02-13", "2019-06-30", "2019-03-01"]),
            "start_status": ["read", "read", "read"],
            "end_status": ["read", "illustrative", "read"],
        }
    )
    fig = charts.timeline(
        phases,
        labels=charts.TimelineLabels(
            quarters={1: "Castrop-Rauxel", 2: PAYLOAD},
            phases={"preparation": "Vorbereitung", "concept": "Konzeptphase"},
        ),
        today=pd.Timestamp("2026-11-25"),
    )
    colours = {t.marker.color for t in fig.data}
    assert colours == {PHASE_COLORS["preparation"], PHASE_COLORS["concept"]}
    ys = [y for t in fig.data for y in t.y]
    assert sorted(ys) == sorted(["Castrop-Rauxel", "Castrop-Rauxel", ESCAPED])
    hatched = [t for t in fig.data if t.marker.pattern.shape == "/"]
    assert len(hatched) == 1 and list(hatched[0].y) == ["Castrop-Rauxel"]
    assert any(d[0] == "02/2018" for t in fig.data for d in t.customdata)
    assert fig.layout.separators == ",."


def test_ranking_bar_sorted_and_selected() -> None:
    df = pd.DataFrame(
        {"quarter_id": [1, 2, 3], "name": ["A", PAYLOAD, "C"], "score": [0.5, 0.9, 0.1]}
    )
    fig = charts.ranking_bar(
        df,
        score=charts.Measure("score", title="Punkte (0–1)"),
        rows=charts.RankingRows(selected=2),
    )
    bar = fig.data[0]
    # best at the top of a horizontal chart; long names are broken into lines, not cut
    assert [y.replace("<br>", " ") for y in bar.y] == ["C", "A", ESCAPED]
    assert list(bar.marker.color) == ["#56B4E9", "#56B4E9", "#D55E00"]
    assert fig.layout.xaxis.title.text == "Punkte (0–1)"


def test_ranking_bar_breaks_long_names_into_lines() -> None:
    name = "Mülheim an der Ruhr – Dümpten (Oberdümpten, nördlich der A40)"
    df = pd.DataFrame({"quarter_id": [1], "name": [name], "score": [0.5]})
    fig = charts.ranking_bar(df, score=charts.Measure("score"))
    lines = fig.data[0].y[0].split("<br>")
    # municipality on its own line, every line at most 24 characters, no word lost
    assert lines[0] == "Mülheim an der Ruhr"
    assert all(len(x) <= 24 for x in lines)
    assert " ".join(lines) == name.replace(" – ", " ")


def test_for_projector_sets_every_text_to_the_minimum() -> None:
    fig = charts.ranking_bar(
        pd.DataFrame({"quarter_id": [1], "name": ["A"], "score": [0.5]}),
        score=charts.Measure("score"),
        title="Rangfolge",
    )
    assert fig.layout.font.size == 14  # the screen default, below a projector's 20 px
    height = fig.layout.height
    charts.for_projector(fig, min_px=20)
    assert fig.layout.height == round(height * 20 / 14)  # room for the larger type
    layout = fig.layout
    assert layout.font.size == 20 and layout.legend.font.size == 20
    assert layout.title.font.size == 24
    assert layout.xaxis.tickfont.size == 20 and layout.yaxis.tickfont.size == 20
    assert layout.xaxis.title.font.size == 20


def test_suitability_heatmap_classes_and_labels() -> None:
    matrix = pd.DataFrame(
        [[3, 2, np.nan], [0, 1, 2]],
        index=[1, 2],
        columns=["status_quo", "heat_pump_air", "district_heating"],
    )
    labels = {3: "gut geeignet", 2: "bedingt geeignet", 1: "wenig geeignet", 0: "ungeeignet"}
    fig = charts.suitability_heatmap(
        matrix,
        labels=charts.HeatmapLabels(
            scores=labels,
            rows={1: PAYLOAD, 2: "Wulfen"},
            columns={"heat_pump_air": "Luft-WP"},
        ),
    )
    hm = fig.data[0]
    assert list(hm.y) == [ESCAPED, "Wulfen"]
    assert list(hm.x) == ["status_quo", "Luft-WP", "district_heating"]
    assert [list(r) for r in hm.text] == [
        ["gut geeignet", "bedingt geeignet", ""],
        ["ungeeignet", "wenig geeignet", "bedingt geeignet"],
    ]
    colours = {c for _, c in hm.colorscale}
    assert colours == set(SUITABILITY_COLORS.values())
    assert list(hm.colorbar.tickvals) == [0, 1, 2, 3]
    with pytest.raises(QuartierGeoError):
        charts.suitability_heatmap(pd.DataFrame(), labels=charts.HeatmapLabels(scores=labels))


def test_option_co2_bars_three_years() -> None:
    options = pd.DataFrame(
        {
            "co2_now_t_per_a": [100.0, 80.0],
            "co2_2030_t_per_a": [90.0, 40.0],
            "co2_2045_t_per_a": [85.0, 0.0],
        },
        index=pd.Index(["status_quo", "heat_pump_air"], name="option"),
    )
    fig = charts.option_co2_bars(options, option_labels={"heat_pump_air": "Luft-Wärmepumpe"})
    assert [t.name for t in fig.data] == ["heute", "2030", "2045"]
    assert list(fig.data[2].y) == [85.0, 0.0]
    assert list(fig.data[0].x) == ["status_quo", "Luft-Wärmepumpe"]
    assert fig.layout.yaxis.title.text == "CO₂-Emissionen (t/a)"
    assert fig.layout.barmode == "group"
    with pytest.raises(QuartierGeoError, match="co2_2045_t_per_a"):
        charts.option_co2_bars(options.drop(columns="co2_2045_t_per_a"))


def test_axis_titles_exist_in_both_languages(path: pd.DataFrame) -> None:
    from quartier_geo.base import i18n

    assert set(charts.AXIS_KEYS.values()) <= set(i18n._TEXTS)
    fig = charts.scenario_paths(path, lang="en")
    assert fig.layout.yaxis.title.text == "CO₂ emissions (t/a)"
    assert fig.layout.xaxis.title.text == "Year"
    # a column without a default title keeps its name
    other = path.assign(custom_x=1.0)
    fig = charts.scenario_paths(other, value=charts.Measure("custom_x"))
    assert fig.layout.yaxis.title.text == "custom_x"


def test_measure_divisor_scales_values(path: pd.DataFrame) -> None:
    # 1000 t/a shown in kt/a: every value divided by 1000
    fig = charts.scenario_paths(path, value=charts.Measure("co2_t_per_a", divisor=1000.0))
    assert fig.data[0].y[0] == pytest.approx(1.0)
    assert fig.data[0].y[-1] == pytest.approx(0.2)


@pytest.mark.parametrize("divisor", [0.0, -1.0, float("nan"), float("inf")])
def test_measure_rejects_a_divisor_that_is_not_positive(divisor: float) -> None:
    with pytest.raises(QuartierGeoError, match="positiv"):
        charts.Measure("co2_t_per_a", divisor=divisor)
    with pytest.raises(QuartierGeoError):
        charts.Measure("")


def test_grouping_rejects_stack_equal_to_by() -> None:
    with pytest.raises(QuartierGeoError, match="building_type"):
        charts.Grouping("building_type", title="Typ", stack="building_type")
    assert charts.Grouping("building_type", title="Typ", stack="age_class").stack == "age_class"


def test_heatmap_labels_need_a_name_for_every_symbol() -> None:
    with pytest.raises(QuartierGeoError, match="Symbole"):
        charts.HeatmapLabels(scores={3: "gut"}, symbols={3: "++", 2: "+"})
    labels = charts.HeatmapLabels(scores={3: "gut", 2: "bedingt"}, symbols={3: "++", 2: "+"})
    fig = charts.suitability_heatmap(
        pd.DataFrame([[3, 2]], index=[1], columns=["a", "b"]), labels=labels
    )
    assert [list(r) for r in fig.data[0].text] == [["++", "+"]]
    assert [list(r) for r in fig.data[0].customdata] == [["gut", "bedingt"]]


def test_chart_texts_follow_the_language() -> None:
    phases = pd.DataFrame(
        {
            "quarter_id": [1, 2],
            "phase": ["concept", "concept"],
            "start_date": pd.to_datetime(["2018-02-13", "2017-09-14"]),
            "end_date": pd.to_datetime(["2019-06-30", "2019-03-01"]),
            "end_status": ["illustrative", "read"],
        }
    )
    names = charts.TimelineLabels(quarters={1: "A", 2: "B"})
    de = charts.timeline(phases, labels=names)
    en = charts.timeline(phases, labels=names, lang="en")
    assert {d[3] for t in de.data for d in t.customdata} == {"illustrativ", "belegt"}
    assert {d[3] for t in en.data for d in t.customdata} == {"illustrative", "from sources"}
    assert (de.layout.separators, en.layout.separators) == (",.", ".,")
    options = pd.DataFrame(
        {"co2_now_t_per_a": [1.0], "co2_2030_t_per_a": [1.0], "co2_2045_t_per_a": [1.0]},
        index=["status_quo"],
    )
    assert charts.option_co2_bars(options, lang="en").data[0].name == "today"
