"""Supply options per quarter: suitability with reasons, CO2 now/2030/2045; density tools.

This is the supply API of the package. Heat density (hectare grid), linear heat density and
the density classes live in :mod:`quartier_geo.domain.heat_density` and are re-exported here.

* final energy and CO2 of an option and of the status quo, and the cost cells of the option
  table: :mod:`quartier_geo.domain.supply_energy`
* suitability = the lowest cap of all triggered rules, starting from 3 (gut geeignet)

The option parameters and the suitability rules are data, not code:
``geodata/reference/supply_options.csv`` and ``geodata/reference/supply_rules.csv`` (every
threshold with its source, most of them marked ``assumption``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from quartier_geo.base.errors import QuartierGeoError, ReferenceDataError
from quartier_geo.base.i18n import LANGS, t
from quartier_geo.base.numfmt import Lang, fmt_number
from quartier_geo.data.reference import Reference
from quartier_geo.domain import costs
from quartier_geo.domain.heat_density import (
    Classification,
    assign_streets,
    classify,
    hectare_grid,
    linear_heat_density,
    projected,
    require_columns,
)
from quartier_geo.domain.supply_energy import (
    buildings_carrier,
    cost_cells,
    numeric,
    option_energy,
    status_quo_energy,
)

__all__ = [
    "CRITERIA",
    "HIGH_TEMPERATURE_AGE_CLASSES",
    "MINE_WATER_KINDS",
    "SUITABILITY_LABELS",
    "Classification",
    "SupplyContext",
    "SupplyOption",
    "SupplyTables",
    "assign_streets",
    "classify",
    "hectare_grid",
    "linear_heat_density",
    "suitability_matrix",
    "supply_criteria",
    "supply_options",
    "supply_tables",
]


class SupplyOption(StrEnum):
    """Heat-supply options compared per quarter (labels: supply_options.csv)."""

    STATUS_QUO = "status_quo"
    GAS_CONDENSING = "gas_condensing"
    DISTRICT_HEATING = "district_heating"
    HEAT_PUMP_AIR = "heat_pump_air"
    HEAT_PUMP_GROUND = "heat_pump_ground"
    MINE_WATER_NETWORK = "mine_water_network"
    BIOMASS = "biomass"
    SOLAR_THERMAL_SUPPORT = "solar_thermal_support"
    GAS_CHP_NETWORK = "gas_chp_network"


#: Suitability score -> class label.
SUITABILITY_LABELS: dict[str, dict[int, str]] = {
    "de": {3: "gut geeignet", 2: "bedingt geeignet", 1: "wenig geeignet", 0: "ungeeignet"},
    "en": {3: "well suited", 2: "conditionally suited", 1: "poorly suited", 0: "unsuitable"},
}

#: Proxy for a high supply-temperature need: unrefurbished buildings of IWU classes A-F
#: (built before 1979; dena: these use two thirds of residential heating energy, factors.md
#: §9). Using the class as a temperature proxy is this project's assumption.
HIGH_TEMPERATURE_AGE_CLASSES = ("A", "B", "C", "D", "E", "F")
#: Potential kinds that count as a mine-water heat source.
MINE_WATER_KINDS = ("mine_water", "mine_water_candidate")
_FOSSIL_CARRIERS = ("gas", "oil", "coal")
_OPERATORS = ("<", "<=", ">", ">=")

#: Criteria that the suitability rules may use: name -> (German label, English label, unit).
CRITERIA: dict[str, tuple[str, str, str]] = {
    "heat_density_median_mwh_per_ha_a": (
        "Wärmedichte (Median der Hektarzellen)",
        "heat density (median of hectare cells)",
        "MWh/(ha·a)",
    ),
    "heat_density_mean_mwh_per_ha_a": (
        "Wärmedichte (Mittel der Hektarzellen)",
        "heat density (mean of hectare cells)",
        "MWh/(ha·a)",
    ),
    "network_cell_share": (
        "Bedarfsanteil in netzgeeigneten Zellen",
        "demand share in network-suitable cells",
        "share",
    ),
    "network_distance_m": ("Entfernung Wärmenetz", "distance to a heat network", "m"),
    "mine_water_distance_m": ("Entfernung Grubenwasser", "distance to mine water", "m"),
    "high_temperature_share": (
        "Bedarfsanteil unsanierter Gebäude vor 1979",
        "demand share of unrefurbished pre-1979 buildings",
        "share",
    ),
    "listed_share": ("Anteil Baudenkmäler", "share of listed buildings", "share"),
    "fossil_share": ("Anteil fossiler Wärme", "share of fossil heat", "share"),
}


# --------------------------------------------------------------------------- tables
@dataclass(frozen=True)
class SupplyTables:
    """supply_options.csv (indexed by option) and supply_rules.csv. Never mutate."""

    options: pd.DataFrame
    rules: pd.DataFrame

    def parameter(self, rule_id: str) -> float:
        row = self.rules[(self.rules["kind"] == "parameter") & (self.rules["rule_id"] == rule_id)]
        if row.empty:
            raise ReferenceDataError(f"supply_rules.csv: Parameter {rule_id!r} fehlt.")
        return float(row["threshold"].iloc[0])


@dataclass(frozen=True, eq=False)
class SupplyContext:
    """What the supply assessment knows about a quarter besides its buildings.

    ``networks`` and ``potentials`` are layers in a projected CRS (None: none in the data);
    ``quarter_geometry`` is the boundary the distances are measured from (None: the hull of
    the buildings; a shapely geometry is taken to be in EPSG:25832); ``grid`` is the hectare
    grid of the same buildings (:func:`hectare_grid`) when it is already built; ``now_year``
    is the year of the "now" emission factors.
    """

    networks: gpd.GeoDataFrame | None = None
    potentials: gpd.GeoDataFrame | None = None
    quarter_geometry: BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame | None = None
    grid: gpd.GeoDataFrame | None = None
    now_year: int = 2025


def supply_tables(ref: Reference) -> SupplyTables:
    """The checked supply tables of ``ref`` (supply_options.csv, supply_rules.csv).

    Checks that the options are exactly :class:`SupplyOption` and that every cap rule names
    a known option, criterion (:data:`CRITERIA`) and operator; raises
    :class:`ReferenceDataError` listing every problem. No file is read here.
    """
    options, rules = ref.supply_options, ref.supply_rules
    problems = []
    expected = {o.value for o in SupplyOption}
    if set(options.index) != expected:
        problems.append(f"supply_options.csv: Optionen {sorted(set(options.index) ^ expected)}")
    caps = rules[rules["kind"] == "cap"]
    problems += [f"Regel {r}: unbekannte Option" for r in caps.rule_id[~caps.option.isin(expected)]]
    known = set(CRITERIA) | {"always"}
    problems += [
        f"Regel {r}: unbekanntes Kriterium" for r in caps.rule_id[~caps.criterion.isin(known)]
    ]
    bad_op = caps[(caps.criterion != "always") & ~caps.operator.isin(_OPERATORS)]
    problems += [f"Regel {r}: unbekannter Operator" for r in bad_op.rule_id]
    if problems:
        raise ReferenceDataError("; ".join(problems))
    return SupplyTables(options=options, rules=rules)


# --------------------------------------------------------------------------- criteria
def _min_distance(features: gpd.GeoDataFrame | None, shape: BaseGeometry, *, what: str) -> float:
    """Smallest distance [m] from ``shape`` to any feature; inf when there is none."""
    if features is None or len(features) == 0:
        return float("inf")
    geoms = projected(features, what=what).geometry
    geoms = geoms[geoms.notna() & ~geoms.is_empty]
    return float(geoms.distance(shape).min()) if len(geoms) else float("inf")


def _quarter_shape(
    quarter_geometry: BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame | None,
    buildings: gpd.GeoDataFrame,
) -> BaseGeometry:
    if quarter_geometry is None:  # no boundary given: the hull of the buildings stands in
        geoms = buildings.geometry[buildings.geometry.notna()].to_numpy()
        return shapely.convex_hull(shapely.geometrycollections(geoms))
    if isinstance(quarter_geometry, gpd.GeoSeries | gpd.GeoDataFrame):
        return projected(quarter_geometry, what="Die Quartiersgrenze").geometry.union_all()
    return quarter_geometry  # a shapely geometry is taken to be in EPSG:25832


def supply_criteria(
    quarter_buildings: gpd.GeoDataFrame,
    *,
    ref: Reference,
    context: SupplyContext | None = None,
) -> pd.Series:
    """The quarter's figures that the suitability rules use (names in :data:`CRITERIA`).

    * heat_density_median/mean_mwh_per_ha_a: over the non-empty hectare cells
    * network_cell_share: share of useful heat in cells >= ``network_density_min``
      (supply_rules.csv, 175 MWh/(ha·a))
    * network_distance_m / mine_water_distance_m: from the quarter polygon (or the hull of
      its buildings) to the nearest heat-network line / mine-water potential; inf if none
    * high_temperature_share: useful-heat share of unrefurbished buildings of classes A-F
    * listed_share: share of listed buildings (by count); fossil_share: useful-heat share
      supplied by gas, oil or coal. Shares are NaN when the quarter has no heat demand.

    ``context`` gives the heat networks, potentials, quarter boundary and, if already built,
    the hectare grid of these buildings (:class:`SupplyContext`).
    """
    context = context or SupplyContext()
    tables = supply_tables(ref)
    b = projected(quarter_buildings, what="Die Gebäude des Quartiers")
    if b.empty:
        raise QuartierGeoError("Das Quartier hat keine Gebäude: erst Gebäude laden oder wählen.")
    require_columns(b, ["useful_heat_kwh_per_a"], what="Die Gebäude des Quartiers")
    heat = numeric(b, "useful_heat_kwh_per_a").fillna(0.0)
    total = float(heat.sum())

    def heat_share(mask: pd.Series) -> float:
        return float(heat[mask].sum() / total) if total > 0 else float("nan")

    grid = hectare_grid(b) if context.grid is None else context.grid
    density = grid["heat_density_mwh_per_ha_a"]
    dense = density >= tables.parameter("network_density_min")
    grid_total = float(grid["heat_demand_mwh_per_a"].sum())
    cell_share = (
        float(grid.loc[dense, "heat_demand_mwh_per_a"].sum() / grid_total)
        if grid_total > 0
        else float("nan")
    )
    state = b.get("refurbishment_state", pd.Series("existing", index=b.index)).astype(str)
    old = b.get("age_class", pd.Series("", index=b.index)).astype(str)
    listed = b.get("listed", pd.Series(False, index=b.index)).eq(True)
    shape = _quarter_shape(context.quarter_geometry, b)
    networks, potentials = context.networks, context.potentials
    mine = None
    if potentials is not None and len(potentials) > 0:
        mine = potentials[potentials["kind"].isin(MINE_WATER_KINDS)]
    return pd.Series(
        {
            "heat_demand_mwh_per_a": total / 1000.0,
            "hectare_cells": float(len(grid)),
            "heat_density_median_mwh_per_ha_a": float(density.median()),
            "heat_density_mean_mwh_per_ha_a": float(density.mean()),
            "network_cell_share": cell_share,
            "network_distance_m": _min_distance(networks, shape, what="Die Wärmenetze"),
            "mine_water_distance_m": _min_distance(mine, shape, what="Die Potenziale"),
            "high_temperature_share": heat_share(
                (state == "existing") & old.isin(HIGH_TEMPERATURE_AGE_CLASSES)
            ),
            "listed_share": float(listed.mean()),
            "fossil_share": heat_share(buildings_carrier(b, ref).isin(_FOSSIL_CARRIERS)),
        },
        name="criteria",
    )


# --------------------------------------------------------------------------- options
def _fmt(value: float, unit: str, lang: Lang) -> str:
    """A criterion value with its unit, German or English number style."""
    if unit == "-" or pd.isna(value):
        return "–"
    if np.isinf(value):
        return t("supply_none_in_data", lang)
    if unit == "share":
        return f"{fmt_number(value * 100, lang=lang)} %"
    if unit == "m" and value >= 1000:
        return f"{fmt_number(value / 1000, lang=lang, decimals=1)} km"
    return f"{fmt_number(value, lang=lang)} {unit}"


def _compare(value: float, operator: str, threshold: float) -> bool:
    if np.isnan(value):
        return False  # a criterion that cannot be computed does not restrict
    return bool(
        {
            "<": value < threshold,
            "<=": value <= threshold,
            ">": value > threshold,
            ">=": value >= threshold,
        }[operator]
    )


def _suitability(option: str, criteria: pd.Series, rules: pd.DataFrame) -> tuple[int, str, str]:
    """Score 0-3 (lowest triggered cap) and the reasons in German and English."""
    caps = rules[(rules["kind"] == "cap") & (rules["option"] == option)]
    hits = []
    for r in caps.itertuples(index=False):  # a handful of rules per option
        value = float("nan") if r.criterion == "always" else float(criteria[r.criterion])
        if r.criterion == "always" or _compare(value, r.operator, float(r.threshold)):
            languages: tuple[tuple[str, Lang], ...] = ((r.reason_de, "de"), (r.reason_en, "en"))
            texts = [
                text.format(
                    value=_fmt(value, r.unit, lang), threshold=_fmt(r.threshold, r.unit, lang)
                )
                for text, lang in languages
            ]
            hits.append((int(r.max_score), r.criterion, *texts))
    hits.sort(key=lambda h: h[0])
    kept, seen = [], set()
    for hit in hits:  # only the most restrictive rule per criterion
        if hit[1] not in seen:
            seen.add(hit[1])
            kept.append(hit)
    score = min([3] + [h[0] for h in kept])
    if kept:
        return score, "; ".join(h[2] for h in kept), "; ".join(h[3] for h in kept)
    checked = [c for c in dict.fromkeys(caps["criterion"]) if c != "always"]
    de, en = (
        t("supply_no_restriction", lang).format(
            criteria=", ".join(
                f"{CRITERIA[c][i]} {_fmt(criteria[c], CRITERIA[c][2], lang)}" for c in checked
            )
        )
        for i, lang in enumerate(LANGS)  # CRITERIA: (German label, English label, unit)
    )
    return score, de, en


def supply_options(
    quarter_buildings: gpd.GeoDataFrame,
    *,
    ref: Reference,
    context: SupplyContext | None = None,
    thresholds: pd.DataFrame | None = None,
    criteria: pd.Series | None = None,
) -> pd.DataFrame:
    """Suitability, reasons and CO2 of every :class:`SupplyOption` for one quarter.

    One row per option (index ``option``). CO2 [t/a] is for supplying the quarter's whole
    heat Q with that option: Q x (1 - solar share) / η x f_CO2 / 1e6, where Q is the
    buildings' consumption (``consumption_kwh_per_a`` of the assessment; the useful heat
    Q_nd for frames without it) and
    electricity and district heating follow the paths of paths.csv for ``now_year`` (of the
    context), 2030
    and 2045 and all other carriers keep their GEG Anlage 9 factor. The status quo uses the
    buildings' own systems (its ``co2_now_t_per_a`` equals the sum of their ``co2_t_per_a``
    for 2025). Suitability 0-3 comes from supply_rules.csv (see :func:`supply_criteria`);
    ``reasons_de`` names the criteria that capped it. ``cost_eur_per_mwh`` is the heat
    generation cost of :func:`quartier_geo.domain.costs.option_costs` for the quarter's
    buildings and ``now_year``; NaN where a part has no sourced number, and ``cost_note``
    then says "keine belegte Zahl" and what is missing (the status quo has no cost).

    ``thresholds`` replaces the heat-density classes of the reference (user-set bounds);
    ``criteria`` are those of :func:`supply_criteria` when already computed.
    """
    context = context or SupplyContext()
    tables = supply_tables(ref)
    thresholds = ref.thresholds if thresholds is None else thresholds
    if criteria is None:
        criteria = supply_criteria(quarter_buildings, ref=ref, context=context)
    b = quarter_buildings
    # the heat an option must supply: the (calibrated or measured) consumption where the
    # buildings are assessed, so that the options compare with the status quo's final energy
    heat_col = "consumption_kwh_per_a" if "consumption_kwh_per_a" in b else "useful_heat_kwh_per_a"
    heat_kwh = float(numeric(b, heat_col).fillna(0.0).sum())
    demand_kwh = float(numeric(b, "useful_heat_kwh_per_a").fillna(0.0).sum())
    years = (context.now_year, 2030, 2045)
    density_class = classify(
        pd.Series([criteria["heat_density_median_mwh_per_ha_a"]]), thresholds, kind="heat_density"
    )
    class_de, class_en = density_class.label_de.iloc[0], density_class.label_en.iloc[0]
    distance = {
        SupplyOption.DISTRICT_HEATING: criteria["network_distance_m"],
        SupplyOption.MINE_WATER_NETWORK: criteria["mine_water_distance_m"],
    }
    network_options = (
        SupplyOption.DISTRICT_HEATING,
        SupplyOption.MINE_WATER_NETWORK,
        SupplyOption.GAS_CHP_NETWORK,
    )
    # plants sized from the demand, costs per MWh of the heat supplied (heat_col)
    cost_frame = pd.DataFrame(
        {"useful_heat_kwh_per_a": numeric(b, "useful_heat_kwh_per_a")}
        | {"consumption_kwh_per_a": numeric(b, heat_col)}
    )
    cost = costs.option_costs(cost_frame, ref, context.now_year).set_index("option")
    records = []
    for option in SupplyOption:
        row = tables.options.loc[option.value]
        if option is SupplyOption.STATUS_QUO:
            final, co2 = status_quo_energy(b, ref, years)
        else:
            final, co2 = option_energy(row, heat_kwh, ref, years)
        score, reasons_de, reasons_en = _suitability(option.value, criteria, tables.rules)
        if option in network_options and class_de is not None:
            reasons_de += " | " + t("supply_density_class", "de").format(name=class_de)
            reasons_en += " | " + t("supply_density_class", "en").format(name=class_en)
        records.append(
            {
                "option": option.value,
                "label_de": row["label_de"],
                "label_en": row["label_en"],
                "suitability": score,
                "suitability_de": SUITABILITY_LABELS["de"][score],
                "suitability_en": SUITABILITY_LABELS["en"][score],
                "reasons_de": reasons_de,
                "reasons_en": reasons_en,
                "heat_demand_mwh_per_a": demand_kwh / 1000.0,
                "consumption_mwh_per_a": heat_kwh / 1000.0,
                "final_energy_mwh_per_a": final / 1000.0,
                "co2_now_t_per_a": co2[0],
                "co2_2030_t_per_a": co2[1],
                "co2_2045_t_per_a": co2[2],
                "source_distance_m": float(distance.get(option, np.nan)),
                **cost_cells(cost, option.value),
                "assumptions_de": row["note_de"],
                "source": row["source"],
                "status": row["status"],
            }
        )
    return pd.DataFrame.from_records(records).set_index("option")


def suitability_matrix(
    per_quarter_results: Mapping[object, pd.DataFrame] | pd.DataFrame,
    *,
    value: str = "suitability",
) -> pd.DataFrame:
    """Quarters x options table of ``value`` (default the 0-3 suitability score).

    ``per_quarter_results`` maps quarter_id -> the frame of :func:`supply_options`, or is
    one long frame with a ``quarter_id`` column and ``option`` as column or index.
    Columns follow the order of :class:`SupplyOption`; missing options are NaN.
    """
    if isinstance(per_quarter_results, pd.DataFrame):
        long = per_quarter_results
        if "option" not in long.columns:
            long = long.reset_index()
        require_columns(long, ["quarter_id", "option", value], what="Die Ergebnisse")
    else:
        if not per_quarter_results:
            raise QuartierGeoError("Keine Quartiersergebnisse übergeben.")
        long = pd.concat(
            {q: df[[value]] for q, df in per_quarter_results.items()}, names=["quarter_id"]
        ).reset_index()
    matrix = long.pivot(index="quarter_id", columns="option", values=value)
    matrix = matrix.reindex(columns=[o.value for o in SupplyOption])
    matrix.columns.name = "option"
    return matrix
