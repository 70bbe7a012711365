"""A first heat-network layout: trenches along the streets from a source to chosen buildings.

Method (Methodik page, ``methods_*.md`` "Erstes Wärmenetz"):

1. **Street graph.** The street lines (projected to EPSG:25832) are noded where they cross;
   a line end that stops short of another street by at most ``snap_tolerance_m`` is joined
   to it. Nodes are line ends and crossings, edges the street pieces between them, weighted
   by their length in metres. Where the graph falls apart, only its largest part (by street
   length) is used; buildings whose nearest street lies in another part are left out and
   listed.
2. **Terminals.** Each building gets a service pipe: the shortest straight line from its
   footprint to the nearest street piece; its foot on the street becomes a node. The source
   (a point, or the point of the nearest existing network) is joined to its nearest street
   piece by a straight link, counted as main trench.
3. **Tree.** An approximate Steiner tree over the street graph joins the source and all
   building feet: ``networkx.algorithms.approximation.steiner_tree`` with Mehlhorn's method
   (at most twice the optimal length, near-linear time; exact where the streets form a
   tree). A Steiner tree rather than a shortest-path tree from the source: the trench length
   drives the investment, and a shortest-path tree digs parallel streets to shorten paths.
   CityEnergyAnalyst lays its networks the same way ("Steiner spanning tree" over the street
   geometry: github.com/architecture-building-systems/CityEnergyAnalyst,
   docs/tutorials/cea4-app-training/05-thermal-network.md), as does DistrictHeatingSim
   (github.com/JonasPfeiffer123/DistrictHeatingSim, net_generation).
4. **Figures.** Trench length (main and service), connected demand (the building's
   ``consumption_kwh_per_a`` where present, else its modelled ``useful_heat_kwh_per_a``),
   linear heat density = demand / main trench length (as for the streets in
   :mod:`quartier_geo.domain.heat_density`), losses, investment and capital cost per MWh
   from ``network_parameters.csv``; a figure whose input has no source stays None.

Pure functions: no I/O, inputs unchanged.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

from quartier_geo.base.crs import WORK_CRS, to_work_crs
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.data.cost_tables import value_or_none
from quartier_geo.data.reference import Reference
from quartier_geo.domain.costs import annuity_factor, decentral_cost_eur_per_mwh
from quartier_geo.domain.heat_density import classify

__all__ = [
    "DEFAULT_OPTIONS",
    "LayoutOptions",
    "NetworkFigures",
    "NetworkLayout",
    "NetworkParameters",
    "building_demand_kwh_per_a",
    "densest_blocks",
    "layout_network",
    "layout_parameters",
    "network_figures",
    "network_parameters",
    "network_source_point",
    "public_trenches",
    "select_blocks",
]

_EPS_M = 1e-3  # positions closer than a millimetre are one node


@dataclass(frozen=True)
class LayoutOptions:
    """``snap_tolerance_m``: line ends this close to another street are joined to it;
    ``max_source_distance_m``: farthest the source may lie from the street graph (a tool
    limit, not a fact: a source farther off is almost always a coordinate in the wrong CRS).
    """

    snap_tolerance_m: float = 2.0
    max_source_distance_m: float = 1000.0


DEFAULT_OPTIONS = LayoutOptions()


@dataclass(frozen=True, eq=False)
class NetworkLayout:
    """The layout: ``trenches`` (EPSG:25832; ``kind`` main | source_link | service,
    ``length_m``; service rows carry ``building_id``), the ``connected`` buildings with
    ``demand_kwh_per_a`` and ``demand_basis`` (consumption | useful_heat), the ids of the
    buildings ``left_out`` (street graph not connected), the ``source`` point."""

    trenches: gpd.GeoDataFrame
    connected: gpd.GeoDataFrame
    left_out: tuple[str, ...]
    source: Point

    def length_m(self, *kinds: str) -> float:
        """Total trench length of the given kinds [m]."""
        rows = self.trenches[self.trenches["kind"].isin(kinds)]
        return float(rows["length_m"].sum())

    @property
    def main_length_m(self) -> float:
        """Main trench including the link from the source to the streets [m]."""
        return self.length_m("main", "source_link")

    @property
    def service_length_m(self) -> float:
        return self.length_m("service")


@dataclass(frozen=True)
class NetworkParameters:
    """Per-metre costs, loss share and annuity inputs; None = keine belegte Zahl."""

    main_cost_eur_per_m: float | None = None
    service_cost_eur_per_m: float | None = None
    loss_share: float | None = None
    lifetime_a: float | None = None
    interest_rate: float | None = None
    heat_pump_cost_eur_per_mwh: float | None = None


@dataclass(frozen=True)
class NetworkFigures:
    """The layout's figures; None where an input has no source ("nicht belegt")."""

    connected_buildings: int
    main_length_m: float
    service_length_m: float
    trench_length_m: float
    connected_demand_mwh_per_a: float
    consumption_buildings: int
    linear_heat_density_kwh_per_m_a: float | None
    losses_mwh_per_a: float | None
    investment_main_eur: float | None
    investment_eur: float | None
    cost_eur_per_mwh: float | None
    heat_pump_cost_eur_per_mwh: float | None


def network_parameters(table: pd.DataFrame) -> NetworkParameters:
    """The parameters of ``network_parameters.csv`` (indexed by key); empty cells -> None.

    >>> t = pd.DataFrame({"value": [400.0, None]}, index=["main_cost_eur_per_m", "lifetime_a"])
    >>> p = network_parameters(t)
    >>> p.main_cost_eur_per_m, p.lifetime_a
    (400.0, None)
    """
    numeric = table.assign(value=pd.to_numeric(table["value"], errors="coerce"))
    return NetworkParameters(
        **{name: value_or_none(numeric, name) for name in NetworkParameters.__dataclass_fields__}
    )


def layout_parameters(layout: NetworkLayout, ref: Reference) -> NetworkParameters:
    """The parameters of ``network_parameters.csv`` for ``layout``; the comparison with
    decentral heat pumps, where the table leaves it empty, is the heat generation cost of
    the cheaper sourced heat pump for the connected buildings, each with a plant of its own
    (:func:`quartier_geo.domain.costs.decentral_cost_eur_per_mwh`, CO2 price year 2025)."""
    params = network_parameters(ref.network_parameters)
    if params.heat_pump_cost_eur_per_mwh is None and not layout.connected.empty:
        cost = decentral_cost_eur_per_mwh(layout.connected, ref)
        params = dataclasses.replace(params, heat_pump_cost_eur_per_mwh=cost)
    return params


# ----------------------------------------------------------------------------- selection
def building_demand_kwh_per_a(buildings: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Demand per building [kWh/a] and its basis: ``consumption_kwh_per_a`` where present,
    else ``useful_heat_kwh_per_a`` (modelled)."""
    useful = pd.to_numeric(buildings["useful_heat_kwh_per_a"], errors="coerce")
    if "consumption_kwh_per_a" in buildings.columns:
        consumption = pd.to_numeric(buildings["consumption_kwh_per_a"], errors="coerce")
    else:
        consumption = pd.Series(np.nan, index=buildings.index)
    has = consumption.notna()
    demand = consumption.where(has, useful).fillna(0.0)
    basis = pd.Series(np.where(has, "consumption", "useful_heat"), index=buildings.index)
    return demand.rename("demand_kwh_per_a"), basis.rename("demand_basis")


def select_blocks(buildings: gpd.GeoDataFrame, block_ids: Sequence[str]) -> gpd.GeoDataFrame:
    """The buildings of ``block_ids``; an unknown id is an error that names the known ones."""
    if "block_id" not in buildings.columns:
        raise QuartierGeoError("Die Gebäude haben keine Baublöcke (Spalte block_id fehlt).")
    known = set(buildings["block_id"].dropna().astype(str))
    wanted = [str(b).strip() for b in block_ids if str(b).strip()]
    unknown = [b for b in wanted if b not in known]
    if unknown:
        sample = ", ".join(sorted(known)[:5])
        raise QuartierGeoError(
            f"Baublock {', '.join(unknown)} unbekannt; vorhanden z. B.: {sample} …"
        )
    return buildings[buildings["block_id"].astype(str).isin(wanted)]


def densest_blocks(blocks: gpd.GeoDataFrame, thresholds: pd.DataFrame) -> list[str]:
    """Ids of the blocks in the highest heat-density class present (thresholds.csv kind
    ``heat_density``): consumption (calibrated or measured; the useful heat where a block has
    none) [MWh/a] per block area [ha], as the block plan's density and the network's demand."""
    if blocks is None or blocks.empty:
        return []
    area_ha = to_work_crs(blocks, what="Die Baublöcke").geometry.area / 10_000.0
    heat = pd.to_numeric(blocks["useful_heat_kwh_per_a"], errors="coerce")
    if "consumption_kwh_per_a" in blocks.columns:
        used = pd.to_numeric(blocks["consumption_kwh_per_a"], errors="coerce")
        heat = used.where(used.notna(), heat)
    density = heat / 1000.0 / area_ha.where(area_ha > 0)
    index = classify(density, thresholds, kind="heat_density").index
    if index.dropna().empty:
        return []
    top = int(index.max())
    return sorted(blocks.loc[(index == top).fillna(False), "block_id"].astype(str))


def network_source_point(
    networks: gpd.GeoDataFrame | None, buildings: gpd.GeoDataFrame
) -> tuple[Point, object]:
    """The point of the existing network nearest to the selected buildings' centre, and that
    network's id (``network_id`` or its row label)."""
    if networks is None or networks.empty:
        raise QuartierGeoError("Kein bestehendes Wärmenetz in den Daten: Quelle als Punkt angeben.")
    nets = to_work_crs(networks, what="Die Wärmenetze")
    centre = shapely.centroid(shapely.union_all(to_work_crs(buildings).geometry.values))
    distances = nets.geometry.distance(centre)
    row = distances.idxmin()
    geom = nets.geometry.loc[row]
    point = shapely.get_point(shapely.shortest_line(geom, centre), 0)
    ident = nets.loc[row, "network_id"] if "network_id" in nets.columns else row
    return point, ident


# ----------------------------------------------------------------------------- graph
def _key(x: float, y: float) -> tuple[float, float]:
    return (round(x, 3), round(y, 3))


def _street_lines(streets: gpd.GeoDataFrame | None) -> np.ndarray:
    if streets is None or streets.empty:
        raise QuartierGeoError(
            "Keine Straßen im Quartier: ohne Straßennetz lässt sich kein Wärmenetz legen. "
            "Straßen (Linien) laden."
        )
    geoms = to_work_crs(streets, what="Die Straßen").geometry
    parts = shapely.get_parts(geoms.values[~(geoms.isna() | geoms.is_empty).to_numpy()])
    lines = parts[shapely.get_type_id(parts) == 1]  # LineString
    lines = lines[shapely.length(lines) > _EPS_M]
    if len(lines) == 0:
        raise QuartierGeoError("Die Straßen enthalten keine Linien: Straßen als Linien laden.")
    return np.asarray(lines)


def _connectors(lines: np.ndarray, tolerance_m: float) -> list[LineString]:
    """Short links from line ends that stop within ``tolerance_m`` of another line."""
    if tolerance_m <= 0:
        return []
    ends = np.concatenate([shapely.get_point(lines, 0), shapely.get_point(lines, -1)])
    owner = np.concatenate([np.arange(len(lines)), np.arange(len(lines))])
    tree = shapely.STRtree(lines)
    pairs = tree.query(ends, predicate="dwithin", distance=tolerance_m)
    links = []
    for i, j in zip(*pairs, strict=True):
        if owner[i] == j:
            continue
        gap = shapely.shortest_line(ends[i], lines[j])
        if gap.length > _EPS_M:
            links.append(gap)
    return links


def _noded_pieces(lines: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Street pieces between crossings and line ends; closed rings split in two."""
    noded = shapely.union_all(np.concatenate([lines, np.asarray(_connectors(lines, tolerance_m))]))
    pieces = [p for p in shapely.get_parts(noded) if p.length > _EPS_M]
    out: list[LineString] = []
    for p in pieces:
        if p.is_ring or p.coords[0] == p.coords[-1]:
            half = p.length / 2
            out += [substring(p, 0, half), substring(p, half, p.length)]
        else:
            out.append(p)
    return np.asarray(out, dtype=object)


def _piece_graph(pieces: np.ndarray) -> nx.Graph:
    g = nx.Graph()
    for i, p in enumerate(pieces):
        a, b = p.coords[0], p.coords[-1]
        g.add_edge(_key(*a[:2]), _key(*b[:2]), weight=float(p.length), piece=i)
    return g


def _largest_part(pieces: np.ndarray) -> np.ndarray:
    """Indices of the pieces in the largest connected part (by street length)."""
    g = _piece_graph(pieces)
    parts = list(nx.connected_components(g))
    if len(parts) == 1:
        return np.arange(len(pieces))
    best = max(parts, key=lambda nodes: g.subgraph(nodes).size(weight="weight"))
    return np.asarray(sorted(d["piece"] for _, _, d in g.subgraph(best).edges(data=True)))


def _split_graph(pieces: np.ndarray, cuts: dict[int, list[float]]) -> nx.Graph:
    """The street graph with the pieces cut at the terminals' feet (edge: piece, d0, d1)."""
    g = nx.Graph()
    for i, p in enumerate(pieces):
        length = float(p.length)
        inner = sorted({round(d, 3) for d in cuts.get(i, []) if _EPS_M < d < length - _EPS_M})
        stops = [0.0, *inner, length]
        keys = [_key(*p.coords[0][:2])]
        keys += [_key(*p.interpolate(d).coords[0][:2]) for d in inner]
        keys.append(_key(*p.coords[-1][:2]))
        for k in range(len(stops) - 1):
            w = stops[k + 1] - stops[k]
            if w <= 0:
                continue
            a, b = keys[k], keys[k + 1]
            old = g.get_edge_data(a, b)
            if old is None or old["weight"] > w:
                g.add_edge(a, b, weight=w, piece=i, d0=stops[k], d1=stops[k + 1])
    return g


def _foot_key(piece: LineString, d: float) -> tuple[float, float]:
    length = piece.length
    if d <= _EPS_M:
        return _key(*piece.coords[0][:2])
    if d >= length - _EPS_M:
        return _key(*piece.coords[-1][:2])
    return _key(*piece.interpolate(round(d, 3)).coords[0][:2])


def _fmt_m(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".")


def layout_network(
    buildings: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame | None,
    source: Point,
    *,
    options: LayoutOptions = DEFAULT_OPTIONS,
) -> NetworkLayout:
    """Lay trenches from ``source`` (EPSG:25832) along ``streets`` to ``buildings`` (assessed,
    any projected CRS: both are projected to EPSG:25832). See the module docstring.

    Raises :class:`QuartierGeoError` without streets or buildings, and when the source lies
    farther than ``options.max_source_distance_m`` from the street graph (says how far).
    """
    if buildings is None or buildings.empty:
        raise QuartierGeoError("Keine Gebäude gewählt: mindestens einen Baublock wählen.")
    b = to_work_crs(buildings, what="Die Gebäude")
    pieces = _noded_pieces(_street_lines(streets), options.snap_tolerance_m)
    keep = _largest_part(pieces)
    in_largest = np.zeros(len(pieces), dtype=bool)
    in_largest[keep] = True

    geoms = b.geometry.values
    nearest_any = shapely.STRtree(pieces).query_nearest(geoms, all_matches=False)[1]
    reachable = in_largest[nearest_any]
    ids = b["building_id"].astype(str) if "building_id" in b.columns else b.index.astype(str)
    left_out = tuple(ids[~reachable])
    b = b[reachable]
    nearest = nearest_any[reachable]

    kept = pieces[keep]
    local = {int(g): n for n, g in enumerate(keep)}
    piece_of = np.asarray([local[int(i)] for i in nearest], dtype=int)
    service = shapely.shortest_line(b.geometry.values, kept[piece_of])
    feet = shapely.get_point(service, 1)
    along = shapely.line_locate_point(kept[piece_of], feet)

    src_piece = int(shapely.STRtree(kept).query_nearest([source], all_matches=False)[1][0])
    link = shapely.shortest_line(source, kept[src_piece])
    if link.length > options.max_source_distance_m:
        raise QuartierGeoError(
            f"Die Wärmequelle liegt {_fmt_m(link.length)} m vom nächsten Straßenstück entfernt "
            f"(höchstens {_fmt_m(options.max_source_distance_m)} m). Koordinaten und ihr "
            f"Bezugssystem prüfen (erwartet {WORK_CRS}, Rechtswert/Hochwert in Metern)."
        )
    src_foot = shapely.get_point(link, 1)
    src_along = float(kept[src_piece].project(src_foot))

    cuts: dict[int, list[float]] = {}
    for i, d in zip(piece_of, along, strict=True):
        cuts.setdefault(int(i), []).append(float(d))
    cuts.setdefault(src_piece, []).append(src_along)
    graph = _split_graph(kept, cuts)
    terminals = {_foot_key(kept[i], float(d)) for i, d in zip(piece_of, along, strict=True)}
    src_key = _foot_key(kept[src_piece], src_along)
    terminals.add(src_key)

    rows: list[dict[str, object]] = []
    if len(terminals) > 1:
        tree = nx.algorithms.approximation.steiner_tree(
            graph, list(terminals), weight="weight", method="mehlhorn"
        )
        for _, _, e in tree.edges(data=True):
            geom = substring(kept[e["piece"]], e["d0"], e["d1"])
            rows.append({"kind": "main", "length_m": float(e["weight"]), "geometry": geom})
    if link.length > _EPS_M:
        rows.append({"kind": "source_link", "length_m": float(link.length), "geometry": link})
    for bid, line in zip(ids[reachable], service, strict=True):
        rows.append(
            {
                "kind": "service",
                "building_id": bid,
                "length_m": float(line.length),
                "geometry": line,
            }
        )
    columns = ["kind", "building_id", "length_m", "geometry"]
    trenches = gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), crs=WORK_CRS)
    demand, basis = building_demand_kwh_per_a(b)
    connected = b.assign(demand_kwh_per_a=demand, demand_basis=basis)
    return NetworkLayout(trenches=trenches, connected=connected, left_out=left_out, source=source)


# ----------------------------------------------------------------------------- figures
def public_trenches(
    trenches: gpd.GeoDataFrame,
    source: Point,
    streets: gpd.GeoDataFrame | None,
    *,
    options: LayoutOptions = DEFAULT_OPTIONS,
) -> gpd.GeoDataFrame:
    """The trenches of a layout (:attr:`NetworkLayout.trenches`, from ``source``) for
    public output: no service pipe (each points at one
    building); the main pipe cut back to the street network's nodes (crossings, street
    ends; the source's foot stays), so that no dead end stops at a building's foot point,
    and merged into one line, so that no split point marks one either. The lengths in
    the figures stay those of the full layout."""
    link = trenches[trenches["kind"] == "source_link"]
    main = trenches[trenches["kind"] == "main"]
    pieces = _noded_pieces(_street_lines(streets), options.snap_tolerance_m)
    keep = set(_piece_graph(pieces).nodes) | {_key(source.x, source.y)}
    keep |= {_key(*g.coords[-1][:2]) for g in link.geometry}
    g = nx.Graph()
    for geom in main.geometry:
        g.add_edge(_key(*geom.coords[0][:2]), _key(*geom.coords[-1][:2]), geom=geom)
    while stubs := [n for n in g.nodes if g.degree(n) == 1 and n not in keep]:
        g.remove_nodes_from(stubs)  # a dead end at a foot point: back to the last node
    lines = [d["geom"] for _, _, d in g.edges(data=True)]
    rows = link.drop(columns="building_id").to_dict("records")
    if lines:
        merged = shapely.line_merge(shapely.union_all(lines))
        rows.append({"kind": "main", "length_m": float(merged.length), "geometry": merged})
    columns = ["kind", "length_m", "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), crs=WORK_CRS)


def network_figures(layout: NetworkLayout, params: NetworkParameters) -> NetworkFigures:
    """Figures of ``layout`` with the parameters; None where a parameter is missing.

    Losses = demand x a / (1 - a) with a the loss share of the fed-in heat; investment =
    main length x main €/m + service length x service €/m; cost per MWh = investment x
    annuity factor / connected demand (the network's capital cost only).
    """
    main, service = layout.main_length_m, layout.service_length_m
    demand_kwh = float(layout.connected["demand_kwh_per_a"].sum())
    demand_mwh = demand_kwh / 1000.0
    p = params
    losses = None
    if p.loss_share is not None and 0 <= p.loss_share < 1:
        losses = demand_mwh * p.loss_share / (1.0 - p.loss_share)
    invest_main = None if p.main_cost_eur_per_m is None else main * p.main_cost_eur_per_m
    invest = None
    if invest_main is not None and p.service_cost_eur_per_m is not None:
        invest = invest_main + service * p.service_cost_eur_per_m
    cost = None
    if invest is not None and p.lifetime_a and p.interest_rate is not None and demand_mwh > 0:
        cost = invest * annuity_factor(p.interest_rate, p.lifetime_a) / demand_mwh
    basis = layout.connected["demand_basis"]
    return NetworkFigures(
        connected_buildings=len(layout.connected),
        main_length_m=main,
        service_length_m=service,
        trench_length_m=main + service,
        connected_demand_mwh_per_a=demand_mwh,
        consumption_buildings=int((basis == "consumption").sum()),
        linear_heat_density_kwh_per_m_a=demand_kwh / main if main > 0 else None,
        losses_mwh_per_a=losses,
        investment_main_eur=invest_main,
        investment_eur=invest,
        cost_eur_per_mwh=None if cost is None or math.isnan(cost) else cost,
        heat_pump_cost_eur_per_mwh=p.heat_pump_cost_eur_per_mwh,
    )
