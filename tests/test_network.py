"""The first heat-network layout on hand-built street grids (lengths computed by hand)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.domain import network as N

X, Y = 380_000.0, 5_710_000.0  # a spot in the Ruhr, EPSG:25832


def _streets(*lines: tuple[tuple[float, float], ...]) -> gpd.GeoDataFrame:
    geoms = [LineString([(X + x, Y + y) for x, y in line]) for line in lines]
    return gpd.GeoDataFrame({"street_id": range(len(geoms))}, geometry=geoms, crs="EPSG:25832")


def _cross() -> gpd.GeoDataFrame:
    """Two 200 m streets crossing at (100, 100)."""
    return _streets(((0, 100), (200, 100)), ((100, 0), (100, 200)))


def _buildings(points: dict[str, tuple[float, float]], **columns: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"building_id": list(points), "block_id": ["B1"] * len(points), **columns},
        geometry=[Point(X + x, Y + y) for x, y in points.values()],
        crs="EPSG:25832",
    )


def _three() -> gpd.GeoDataFrame:
    # feet on the streets: (20, 100) 10 m off, (180, 100) 5 m off, (100, 190) 8 m off
    return _buildings(
        {"a": (20, 110), "b": (180, 95), "c": (108, 190)},
        consumption_kwh_per_a=[100_000.0, 200_000.0, np.nan],
        useful_heat_kwh_per_a=[120_000.0, 150_000.0, 50_000.0],
    )


def _src(x: float, y: float) -> Point:
    return Point(X + x, Y + y)


def test_cross_with_three_buildings_has_the_hand_computed_trench_lengths() -> None:
    layout = N.layout_network(_three(), _cross(), _src(100, 0))
    # source (100, 0) -> crossing 100 m; -> (100, 190) 90 m; -> (20, 100) 80 m; -> (180, 100) 80 m
    assert layout.main_length_m == pytest.approx(350.0, abs=0.01)
    assert layout.service_length_m == pytest.approx(10.0 + 5.0 + 8.0, abs=0.01)
    assert layout.left_out == ()
    assert set(layout.trenches["kind"]) == {"main", "service"}  # source on the street: no link


def test_demand_uses_consumption_where_present_and_density_is_demand_over_length() -> None:
    layout = N.layout_network(_three(), _cross(), _src(100, 0))
    figures = N.network_figures(layout, N.NetworkParameters())
    # 100 000 + 200 000 (consumption) + 50 000 (useful heat, no consumption) kWh/a
    assert figures.connected_demand_mwh_per_a == pytest.approx(350.0)
    assert figures.consumption_buildings == 2
    # 350 000 kWh/a over 350 m main trench
    assert figures.linear_heat_density_kwh_per_m_a == pytest.approx(1000.0, rel=1e-4)
    assert figures.trench_length_m == pytest.approx(373.0, abs=0.01)
    # no sourced parameter: nothing is invented
    assert figures.losses_mwh_per_a is None
    assert figures.investment_eur is None
    assert figures.cost_eur_per_mwh is None


def test_figures_with_given_parameters_computed_by_hand() -> None:
    layout = N.layout_network(_three(), _cross(), _src(100, 0))
    params = N.NetworkParameters(
        main_cost_eur_per_m=400.0,
        service_cost_eur_per_m=100.0,
        loss_share=0.2,
        lifetime_a=10.0,
        interest_rate=0.0,
    )
    f = N.network_figures(layout, params)
    assert f.losses_mwh_per_a == pytest.approx(350.0 * 0.2 / 0.8)  # 87.5
    assert f.investment_main_eur == pytest.approx(350.0 * 400.0, rel=1e-4)
    assert f.investment_eur == pytest.approx(350.0 * 400.0 + 23.0 * 100.0, rel=1e-4)
    assert f.cost_eur_per_mwh == pytest.approx(142_300.0 / 10.0 / 350.0, rel=1e-4)


def test_main_cost_alone_gives_main_investment_but_no_total() -> None:
    layout = N.layout_network(_three(), _cross(), _src(100, 0))
    f = N.network_figures(layout, N.NetworkParameters(main_cost_eur_per_m=400.0))
    assert f.investment_main_eur == pytest.approx(140_000.0, rel=1e-4)
    assert f.investment_eur is None


def test_steiner_tree_digs_no_dead_end_street() -> None:
    # only building a: the tree is source -> crossing -> (20, 100), 100 + 80 m
    layout = N.layout_network(_three().iloc[:1], _cross(), _src(100, 0))
    assert layout.main_length_m == pytest.approx(180.0, abs=0.01)


def test_source_off_the_street_is_linked_as_main_trench() -> None:
    layout = N.layout_network(_three(), _cross(), _src(100, -30))
    assert layout.length_m("source_link") == pytest.approx(30.0, abs=0.01)
    assert layout.main_length_m == pytest.approx(380.0, abs=0.01)


def test_line_end_short_of_a_street_is_snapped() -> None:
    # the side street stops 1 m before the main street; a 1 m link joins them
    streets = _streets(((0, 100), (200, 100)), ((100, 0), (100, 99)))
    layout = N.layout_network(_three().iloc[:1], streets, _src(100, 0))
    assert layout.main_length_m == pytest.approx(99.0 + 1.0 + 80.0, abs=0.01)


def test_disconnected_graph_uses_the_largest_part_and_names_the_left_out() -> None:
    streets = pd_concat(_cross(), _streets(((1000, 0), (1200, 0))))
    buildings = pd_concat(
        _three(),
        _buildings({"far": (1100, 10)}, consumption_kwh_per_a=[1.0], useful_heat_kwh_per_a=[1.0]),
    )
    layout = N.layout_network(buildings, streets, _src(100, 0))
    assert layout.left_out == ("far",)
    assert layout.main_length_m == pytest.approx(350.0, abs=0.01)
    assert list(layout.connected["building_id"]) == ["a", "b", "c"]


def pd_concat(*frames: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    import pandas as pd

    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


def test_source_far_away_says_how_far() -> None:
    with pytest.raises(QuartierGeoError, match=r"5\.000 m"):
        N.layout_network(_three(), _cross(), _src(100, -5000))


def test_no_streets_is_an_error() -> None:
    with pytest.raises(QuartierGeoError, match="Keine Straßen"):
        N.layout_network(_three(), None, _src(100, 0))
    empty = _cross().iloc[:0]
    with pytest.raises(QuartierGeoError, match="Keine Straßen"):
        N.layout_network(_three(), empty, _src(100, 0))


def test_streets_in_another_crs_are_projected() -> None:
    layout = N.layout_network(_three(), _cross().to_crs("EPSG:4326"), _src(100, 0))
    assert layout.main_length_m == pytest.approx(350.0, abs=0.05)


def test_streets_without_crs_are_refused() -> None:
    streets = _cross().set_crs(None, allow_override=True)
    with pytest.raises(QuartierGeoError, match="Koordinatenreferenzsystem"):
        N.layout_network(_three(), streets, _src(100, 0))


def test_select_blocks_names_unknown_ids() -> None:
    buildings = _three()
    assert len(N.select_blocks(buildings, ["B1"])) == 3
    with pytest.raises(QuartierGeoError, match="B9 unbekannt"):
        N.select_blocks(buildings, ["B9"])


def test_densest_blocks_picks_the_highest_class(ref) -> None:
    blocks = gpd.GeoDataFrame(
        {
            "block_id": ["low", "high"],
            # 1 ha each: 100 MWh/(ha·a) and 500 MWh/(ha·a) (classes 70-175 and 415-1050)
            "useful_heat_kwh_per_a": [100_000.0, 500_000.0],
        },
        geometry=[shapely.box(X, Y, X + 100, Y + 100), shapely.box(X + 200, Y, X + 300, Y + 100)],
        crs="EPSG:25832",
    )
    assert N.densest_blocks(blocks, ref.thresholds) == ["high"]


def test_densest_blocks_uses_consumption_where_present(ref) -> None:
    """The default blocks follow the consumption (as block density and network demand): 1 ha
    each; "a" 500 MWh/a demand but 100 MWh/a consumption (class 70-175), "b" 100 MWh/a
    demand but 450 MWh/a consumption (class 415-1050), "c" without consumption: its demand
    300 MWh/a (175-415). thresholds.csv heat_density classes."""
    blocks = gpd.GeoDataFrame(
        {
            "block_id": ["a", "b", "c"],
            "useful_heat_kwh_per_a": [500_000.0, 100_000.0, 300_000.0],
            "consumption_kwh_per_a": [100_000.0, 450_000.0, None],
        },
        geometry=[shapely.box(X + 200 * i, Y, X + 200 * i + 100, Y + 100) for i in range(3)],
        crs="EPSG:25832",
    )
    assert N.densest_blocks(blocks, ref.thresholds) == ["b"]


def test_existing_network_as_source(ref) -> None:
    nets = gpd.GeoDataFrame(
        {"network_id": ["N1", "N2"]},
        geometry=[
            LineString([(X - 50, Y), (X - 50, Y + 200)]),
            LineString([(X + 900, Y), (X + 990, Y)]),
        ],
        crs="EPSG:25832",
    )
    point, ident = N.network_source_point(nets, _three())
    assert ident == "N1"
    assert point.x == pytest.approx(X - 50)


def test_reference_parameters_have_source_and_status(ref) -> None:
    table = ref.network_parameters
    assert {"value", "unit", "source", "status"} <= set(table.columns)
    assert set(table["status"]) <= {"read", "inferred", "assumption"}
    params = N.network_parameters(table)
    assert params.main_cost_eur_per_m == 400.0  # gemeinsam-warm.de, "ungefähr 400 €/m"
    assert params.loss_share == pytest.approx(0.1398)  # Pinneberg 2021, 13,98 %
    # no sourced value: the cell stays empty and says so
    for key in ("service_cost_eur_per_m", "lifetime_a", "interest_rate"):
        assert np.isnan(table.loc[key, "value"])
        assert "keine belegte Zahl" in table.loc[key, "note_de"]


def test_the_heat_pump_comparison_is_the_cheaper_sourced_heat_pump_of_the_cost_module() -> None:
    """network_parameters.csv leaves the comparison empty; the layout then takes the cost
    module's heat cost of the cheaper sourced heat pump for the connected buildings (each
    with a plant of its own; the cost module's figures are checked by hand in test_costs)."""
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain import costs

    ref = load_reference()
    assert N.network_parameters(ref.network_parameters).heat_pump_cost_eur_per_mwh is None
    layout = N.layout_network(_three(), _cross(), _src(100, 0))
    params = N.layout_parameters(layout, ref)
    table = costs.option_costs(layout.connected, ref, costs.AREA_COST_YEAR).set_index("option")
    air = table.at["heat_pump_air", "cost_eur_per_mwh"]
    ground = table.at["heat_pump_ground", "cost_eur_per_mwh"]
    assert air is not None and ground is not None  # both sourced (EWI cost functions)
    assert params.heat_pump_cost_eur_per_mwh == pytest.approx(min(air, ground))
    figures = N.network_figures(layout, params)
    assert figures.heat_pump_cost_eur_per_mwh == pytest.approx(min(air, ground))
    # the network's own parameters are unchanged (the main pipe's €/m, the loss share)
    assert (
        params.main_cost_eur_per_m
        == N.network_parameters(ref.network_parameters).main_cost_eur_per_m
    )


def test_public_trenches_end_at_street_nodes_not_at_a_buildings_foot() -> None:
    # four buildings: the west leg runs crossing -> foot (60, 100) -> foot (20, 100), two
    # dead ends at single feet in a row; east and north legs end at one foot each
    buildings = _buildings(
        {"a": (20, 110), "b": (180, 95), "c": (108, 190), "d": (60, 110)},
        useful_heat_kwh_per_a=[1.0, 1.0, 1.0, 1.0],
    )
    layout = N.layout_network(buildings, _cross(), _src(100, 0))
    assert layout.main_length_m == pytest.approx(350.0, abs=0.01)  # as by hand above
    shown = N.public_trenches(layout.trenches, _src(100, 0), _cross())
    assert list(shown["kind"]) == ["main"]  # no service pipe, one merged main line
    # left: source (100, 0, a street end) -> crossing (100, 100) = 100 m
    assert shown["length_m"].iloc[0] == pytest.approx(100.0, abs=0.01)
    line = shown.geometry.iloc[0]
    assert line.length == pytest.approx(100.0, abs=0.01)
    for foot in ((20, 100), (60, 100), (180, 100), (100, 190)):
        assert line.distance(_src(*foot)) > 1.0, foot
    assert layout.trenches["kind"].eq("service").sum() == 4  # the layout itself unchanged
