"""Supply areas of a heat plan (WPG §18, §19): one category and four likelihoods per block
and Stützjahr.

Every rule is a row of ``geodata/reference/wpg_area_rules.csv`` (threshold, score step,
source, status); this module only applies them. Per block and Stützjahr y:

* criteria: Wärmeverbrauchsdichte = Σ consumption [MWh/a] / block area [ha] (WPG Anlage 2
  I: heat consumption density per block; block area = the Baublock polygon of
  :func:`quartier_geo.domain.bundle.plan_view`; only for the fallback of ``block_id`` hulls
  (column ``source`` = ``block_id``, or no ``source``) the hull buffered by
  ``block_buffer_m``, ASSUMPTION: gardens and half the street), the same on the calculated
  demand, the linear heat density of the street segments within ``street_buffer_m`` of the block
  (Σ MWh/a × 1000 / Σ m), the distance to the nearest heat network and to the nearest heat
  source (potentials of the kinds of the ``source_kind`` rows)
* likelihood (0 sehr wahrscheinlich ungeeignet .. 3 sehr wahrscheinlich geeignet) of a heat
  network = the ``network_base`` score of the density + the ``network_adjust`` steps,
  clamped to 0..3; the step NR1 applies when a network or a source lies within the reach of
  the Stützjahr (``network_reach`` rows: ASSUMPTION, networks grow as they are built); of
  decentral supply = ``decentral_base`` + ``decentral_adjust``; of a hydrogen network =
  the score of the gas grid operator's transformation plan for the block, otherwise 0
  (rule H1: no plan, no Wasserstoffnetzgebiet)
* category: Wasserstoffnetzgebiet where hydrogen is suitable (>= rule D1) and not worse
  than the others; Wärmenetzgebiet where the network is suitable, better than decentral and
  a network or source is within reach; dezentral where decentral is suitable and better
  than the network; otherwise Prüfgebiet (WPG §3 Abs. 1 Nr. 10), also without data
* costs: where heat costs per option are given (:attr:`AreaContext.heat_costs`, from
  :func:`quartier_geo.domain.costs.area_heat_costs`: district heating against the cheaper
  air or ground heat pump), the cheaper of network and decentral gains rule C1's step; a
  block whose cost is unsourced on either side (NaN) is skipped: no cost is invented.

Pure functions: blocks in, a new frame on the same index out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.errors import ReferenceDataError
from quartier_geo.data.reference import Reference
from quartier_geo.domain.heat_density import projected

__all__ = [
    "CATEGORY_COLORS",
    "CRITERIA",
    "NO_BUILDINGS",
    "AreaCategory",
    "AreaContext",
    "AreaRules",
    "area_rules",
    "areas_long",
    "block_count_column",
    "block_criteria",
    "block_street_ids",
    "likelihood_label",
    "supply_areas",
]

_OPS = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


class AreaCategory(StrEnum):
    """The four area types of WPG §18 (labels: ui.toml ``area_cat_<value>``)."""

    HEAT_NETWORK = "heat_network"
    HYDROGEN = "hydrogen_network"
    DECENTRAL = "decentral"
    TEST_AREA = "test_area"


#: Map colours per category (Okabe-Ito, readable for colour-blind viewers).
CATEGORY_COLORS: dict[str, str] = {
    AreaCategory.HEAT_NETWORK: "#D55E00",
    AreaCategory.HYDROGEN: "#0072B2",
    AreaCategory.DECENTRAL: "#009E73",
    AreaCategory.TEST_AREA: "#999999",
}


@dataclass(frozen=True)
class AreaRules:
    """wpg_area_rules.csv, checked. Never mutate ``table``."""

    table: pd.DataFrame

    def rows(self, kind: str) -> pd.DataFrame:
        return self.table[self.table["kind"] == kind]

    @property
    def years(self) -> list[int]:
        """The Stützjahre, ascending (2030, 2035, 2040, 2045)."""
        return sorted(int(y) for y in self.rows("stuetzjahr")["year"])

    def reach_m(self, year: int) -> float:
        """The network's reach [m] in ``year`` (row ``network_reach`` of that year)."""
        rows = self.rows("network_reach")
        row = rows[rows["year"] == year]
        if row.empty:
            raise ReferenceDataError(f"wpg_area_rules.csv: keine Reichweite für {year}.")
        return float(row["threshold"].iloc[0])

    def value(self, kind: str, rule_id: str) -> float:
        row = self.table[(self.table["kind"] == kind) & (self.table["rule_id"] == rule_id)]
        if row.empty or pd.isna(row["threshold"].iloc[0]):
            raise ReferenceDataError(f"wpg_area_rules.csv: {kind}/{rule_id} fehlt.")
        return float(row["threshold"].iloc[0])

    def text(self, kind: str, rule_id: str) -> str:
        row = self.table[(self.table["kind"] == kind) & (self.table["rule_id"] == rule_id)]
        if row.empty:
            raise ReferenceDataError(f"wpg_area_rules.csv: {kind}/{rule_id} fehlt.")
        return str(row["criterion"].iloc[0])

    @property
    def source_kinds(self) -> list[str]:
        return [str(k) for k in self.rows("source_kind")["criterion"]]

    @property
    def min_suitable(self) -> float:
        return self.value("decision", "D1")

    def score(self, kind: str, rule_id: str) -> float:
        row = self.table[(self.table["kind"] == kind) & (self.table["rule_id"] == rule_id)]
        return float(row["score"].iloc[0])


def area_rules(ref: Reference) -> AreaRules:
    """The checked rules of ``ref.wpg_area_rules``; raises :class:`ReferenceDataError`."""
    table = ref.wpg_area_rules
    problems = []
    steps = table[table["kind"].isin(["network_base", "network_adjust", "decentral_base"])]
    steps = pd.concat([steps, table[table["kind"] == "decentral_adjust"]])
    bad = steps[~steps["operator"].isin(list(_OPS))]
    problems += [f"Regel {r}: unbekannter Operator" for r in bad["rule_id"]]
    years = sorted(table.loc[table["kind"] == "stuetzjahr", "year"].dropna().astype(int))
    reach = set(table.loc[table["kind"] == "network_reach", "year"].dropna().astype(int))
    if not years or set(years) - reach:
        problems.append("Stützjahre ohne Reichweite (network_reach)")
    if problems:
        raise ReferenceDataError("wpg_area_rules.csv: " + "; ".join(problems))
    return AreaRules(table=table)


def likelihood_label(score: float, rules: AreaRules, lang: str) -> str:
    """The §19 label of a likelihood score 0..3 ("sehr wahrscheinlich geeignet"); "–"
    for NaN."""
    if pd.isna(score):
        return "–"
    rows = rules.rows("likelihood")
    row = rows[rows["score"] == int(score)]
    return str(row[f"note_{'en' if lang == 'en' else 'de'}"].iloc[0])


@dataclass(frozen=True, eq=False)
class AreaContext:
    """What the areas need besides the blocks (all in a projected CRS, None: none known).

    ``streets`` carry ``length_m`` and ``heat_demand_mwh_per_a`` (the bundle's streets);
    ``networks`` are existing or planned heat networks; ``potentials`` have a ``kind``;
    ``heat_costs`` (index block_id; ``network_eur_per_mwh``, ``decentral_eur_per_mwh``, NaN
    where unsourced) are the heat generation costs per side
    (:func:`quartier_geo.domain.costs.area_heat_costs`; None: rule C1 skipped);
    ``hydrogen_plan`` maps a block id to the likelihood score (0..3) a gas grid operator's
    transformation plan gives it (empty: no plan, WPG §28 / GEG §71k).
    """

    streets: gpd.GeoDataFrame | None = None
    networks: gpd.GeoDataFrame | None = None
    potentials: gpd.GeoDataFrame | None = None
    heat_costs: pd.DataFrame | None = None
    hydrogen_plan: Mapping[str, int] = field(default_factory=dict)


#: Public category of a block without buildings: outline only, no criteria, no likelihood.
NO_BUILDINGS = "no_buildings"

#: The criteria of :func:`block_criteria` that a public cut blanks (all but ``area_ha``).
CRITERIA = (
    "heat_demand_mwh_per_a",
    "consumption_mwh_per_a",
    "heat_density_mwh_per_ha_a",
    "demand_density_mwh_per_ha_a",
    "linear_heat_density_kwh_per_m_a",
    "network_distance_m",
    "source_distance_m",
    "supply_distance_m",
)


def block_count_column(blocks: pd.DataFrame) -> str:
    """The building count of a block frame: ``n_buildings`` or ``buildings``."""
    return "n_buildings" if "n_buildings" in blocks.columns else "buildings"


def _nearest_m(shapes: np.ndarray, layer: gpd.GeoDataFrame | None, *, what: str) -> np.ndarray:
    """Distance [m] from each shape to the nearest feature of ``layer``; inf without one."""
    out = np.full(len(shapes), np.inf)
    if layer is None or len(layer) == 0 or len(shapes) == 0:
        return out
    geoms = projected(layer, what=what).geometry
    geoms = geoms[geoms.notna() & ~geoms.is_empty].to_numpy()
    if len(geoms) == 0:
        return out
    tree = shapely.STRtree(geoms)
    ok = ~(shapely.is_missing(shapes) | shapely.is_empty(shapes))
    idx, dist = tree.query_nearest(shapes[ok], return_distance=True)
    found = np.full(int(ok.sum()), np.inf)
    np.minimum.at(found, idx[0], dist)
    out[ok] = found
    return out


def _street_pairs(shapes: np.ndarray, streets: gpd.GeoDataFrame, buffer_m: float) -> np.ndarray:
    """(block position, street position) of every street segment within ``buffer_m`` of a
    block (``streets`` projected)."""
    tree = shapely.STRtree(streets.geometry.to_numpy())
    return tree.query(shapes, predicate="dwithin", distance=buffer_m)


def block_street_ids(
    blocks: gpd.GeoDataFrame, *, rules: AreaRules, streets: gpd.GeoDataFrame | None
) -> list[frozenset]:
    """Per block (in order) the ``street_id`` of the street segments its linear heat
    density draws on (within ``street_buffer_m``; empty without streets)."""
    out: list[set] = [set() for _ in range(len(blocks))]
    if streets is None or len(streets) == 0 or len(blocks) == 0:
        return [frozenset(s) for s in out]
    shapes = projected(blocks, what="Die Baublöcke").geometry.to_numpy()
    s = projected(streets, what="Die Straßen")
    pairs = _street_pairs(shapes, s, rules.value("parameter", "street_buffer_m"))
    ids = s["street_id"].to_numpy()
    for block, street in zip(pairs[0], pairs[1], strict=True):
        out[int(block)].add(ids[int(street)])
    return [frozenset(s) for s in out]


def _street_density(
    shapes: np.ndarray, streets: gpd.GeoDataFrame | None, buffer_m: float
) -> np.ndarray:
    """Σ heat of the street segments within ``buffer_m`` × 1000 / Σ their length
    [kWh/(m·a)]; NaN without streets nearby."""
    out = np.full(len(shapes), np.nan)
    if streets is None or len(streets) == 0 or len(shapes) == 0:
        return out
    s = projected(streets, what="Die Straßen")
    pairs = _street_pairs(shapes, s, buffer_m)
    frame = pd.DataFrame(
        {
            "block": pairs[0],
            "heat": s["heat_demand_mwh_per_a"].to_numpy(float)[pairs[1]],
            "length": s["length_m"].to_numpy(float)[pairs[1]],
        }
    )
    sums = frame.groupby("block")[["heat", "length"]].sum()
    sums = sums[sums["length"] > 0]
    out[sums.index.to_numpy()] = (sums["heat"] * 1000.0 / sums["length"]).to_numpy()
    return out


def block_criteria(
    blocks: gpd.GeoDataFrame, *, rules: AreaRules, context: AreaContext
) -> pd.DataFrame:
    """The criteria per block (same index): ``area_ha``, demand and consumption [MWh/a],
    ``heat_density_mwh_per_ha_a`` (consumption), ``demand_density_mwh_per_ha_a``,
    ``linear_heat_density_kwh_per_m_a``, ``network_distance_m``, ``source_distance_m``
    (nearest heat source) and ``supply_distance_m`` (the nearer of the two)."""
    b = projected(blocks, what="Die Baublöcke")
    shapes = b.geometry.to_numpy()
    # a plan block's polygon is its area; only the fallback hull of a block_id group is
    # buffered (gardens and half the street around the outermost buildings)
    hull = (
        b["source"].eq("block_id").to_numpy()
        if "source" in b.columns
        else np.ones(len(b), dtype=bool)
    )
    gross = shapes.copy()
    if hull.any():
        buffer = rules.value("parameter", "block_buffer_m")
        gross[hull] = shapely.buffer(shapes[hull], buffer)
    area_ha = pd.Series(shapely.area(gross) / 10_000.0, index=b.index).where(lambda a: a > 0)
    demand = pd.to_numeric(b["useful_heat_kwh_per_a"], errors="coerce") / 1000.0
    consumption = pd.to_numeric(b["consumption_kwh_per_a"], errors="coerce") / 1000.0
    potentials = context.potentials
    if potentials is not None and len(potentials) and "kind" in potentials.columns:
        potentials = potentials[potentials["kind"].isin(rules.source_kinds)]
    network_m = _nearest_m(shapes, context.networks, what="Die Wärmenetze")
    source_m = _nearest_m(shapes, potentials, what="Die Potenziale")
    buffer_m = rules.value("parameter", "street_buffer_m")
    return pd.DataFrame(
        {
            "block_id": b["block_id"].to_numpy(),
            "buildings": b[block_count_column(b)].to_numpy(),
            "area_ha": area_ha,
            "heat_demand_mwh_per_a": demand,
            "consumption_mwh_per_a": consumption,
            "heat_density_mwh_per_ha_a": consumption / area_ha,
            "demand_density_mwh_per_ha_a": demand / area_ha,
            "linear_heat_density_kwh_per_m_a": _street_density(shapes, context.streets, buffer_m),
            "network_distance_m": network_m,
            "source_distance_m": source_m,
            "supply_distance_m": np.minimum(network_m, source_m),
        },
        index=b.index,
    )


def _base(values: pd.Series, rows: pd.DataFrame) -> pd.Series:
    """The score of the first row (in table order) whose condition holds; NaN if none."""
    out = pd.Series(np.nan, index=values.index)
    for row in rows.itertuples(index=False):
        hit = out.isna() & _OPS[row.operator](values, float(row.threshold)).fillna(False)
        out[hit] = float(row.score)
    return out.where(values.notna())


def _steps(crit: pd.DataFrame, rows: pd.DataFrame, *, reach_m: float) -> pd.Series:
    """Sum of the score steps whose condition holds (a NaN criterion adds nothing)."""
    total = pd.Series(0.0, index=crit.index)
    for row in rows.itertuples(index=False):
        column = "supply_distance_m" if row.criterion == "source_distance_m" else row.criterion
        threshold = reach_m if pd.isna(row.threshold) else float(row.threshold)
        hit = _OPS[row.operator](crit[column].astype(float), threshold)
        total += np.where(hit, float(row.score), 0.0)
    return total


def _cost_steps(crit: pd.DataFrame, context: AreaContext, step: float) -> tuple[pd.Series, ...]:
    """Rule C1: the cheaper of network and decentral gains ``step`` (0 without costs)."""
    zero = pd.Series(0.0, index=crit.index)
    costs = context.heat_costs
    if costs is None or costs.empty:
        return zero, zero
    by_block = costs.reindex(crit["block_id"].astype(str).to_numpy())
    net = by_block["network_eur_per_mwh"].to_numpy(float)
    dec = by_block["decentral_eur_per_mwh"].to_numpy(float)
    return (
        pd.Series(np.where(net < dec, step, 0.0), index=crit.index),
        pd.Series(np.where(dec < net, step, 0.0), index=crit.index),
    )


def supply_areas(
    blocks: gpd.GeoDataFrame, *, rules: AreaRules, context: AreaContext | None = None
) -> gpd.GeoDataFrame:
    """The blocks with their criteria (:func:`block_criteria`) and, per Stützjahr y,
    ``network_<y>``, ``decentral_<y>``, ``hydrogen_<y>`` (likelihood 0..3) and
    ``category_<y>`` (:class:`AreaCategory` value). Same index and geometry as ``blocks``."""
    context = context or AreaContext()
    crit = block_criteria(blocks, rules=rules, context=context)
    density = crit["heat_density_mwh_per_ha_a"]
    known = density.notna()
    net_base = _base(density, rules.rows("network_base"))
    dec_base = _base(density, rules.rows("decentral_base"))
    net_cost, dec_cost = _cost_steps(crit, context, rules.score("cost", "C1"))
    no_plan = rules.score("hydrogen", "H1")
    hydrogen = pd.Series(
        [float(context.hydrogen_plan.get(str(b), no_plan)) for b in crit["block_id"]],
        index=crit.index,
    )
    suitable = rules.min_suitable
    out = crit.copy()
    for year in rules.years:
        reach = rules.reach_m(year)
        net = net_base + _steps(crit, rules.rows("network_adjust"), reach_m=reach) + net_cost
        dec = dec_base + _steps(crit, rules.rows("decentral_adjust"), reach_m=reach) + dec_cost
        net, dec = net.clip(0, 3).where(known), dec.clip(0, 3).where(known)
        within = crit["supply_distance_m"] <= reach
        category = np.select(
            [
                (hydrogen >= suitable) & (hydrogen >= net.fillna(0)) & (hydrogen >= dec.fillna(0)),
                known & (net >= suitable) & (net > dec) & within,
                known & (dec >= suitable) & (dec > net),
            ],
            [
                AreaCategory.HYDROGEN.value,
                AreaCategory.HEAT_NETWORK.value,
                AreaCategory.DECENTRAL.value,
            ],
            default=AreaCategory.TEST_AREA.value,
        )
        out[f"network_{year}"] = net
        out[f"decentral_{year}"] = dec
        out[f"hydrogen_{year}"] = hydrogen
        out[f"category_{year}"] = category
    return gpd.GeoDataFrame(out, geometry=blocks.geometry.to_numpy(), crs=blocks.crs)


def areas_long(areas: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """One row per block and Stützjahr: block_id, year, category and the three
    likelihoods (for tables and the GeoPackage's non-spatial layers)."""
    parts = [
        pd.DataFrame(
            {
                "block_id": areas["block_id"].to_numpy(),
                "year": year,
                "category": areas[f"category_{year}"].to_numpy(),
                "network": areas[f"network_{year}"].to_numpy(),
                "decentral": areas[f"decentral_{year}"].to_numpy(),
                "hydrogen": areas[f"hydrogen_{year}"].to_numpy(),
            }
        )
        for year in years
    ]
    return pd.concat(parts, ignore_index=True)
