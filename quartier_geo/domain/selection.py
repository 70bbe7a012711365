"""Jury: criteria per quarter, weighted ranking and its sensitivity, representativeness,
similar quarters.

* criteria: per resident, per m² conditioned floor area or as shares (:data:`CRITERIA`)
* normalised x' = (x - min) / (max - min) over the quarters compared, turned round
  (1 - x') where a lower value serves the jury's purpose better; constant criteria give 0.5
* score = Σ w_i x'_i / Σ w_i over the criteria the quarter has (NaN criteria drop out)
* sensitivity: each weight multiplied by a factor drawn uniformly from [1 - s, 1 + s]
* representativeness = 1 - total variation distance = 1 - ½ Σ |p_selection - p_region|
* similarity: Euclidean distance of the normalised criteria

The jury's purpose assumed here (an assumption, documented per criterion): choose quarters
with a large *need and potential for transformation* (InnovationCity roll out: quarters that
show how the Bottrop approach carries over to typical Ruhr quarters).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.base.i18n import LANGS, t
from quartier_geo.base.numfmt import Lang, fmt_number, fmt_value

__all__ = [
    "CRITERIA",
    "Criterion",
    "criteria_table",
    "normalise",
    "rank",
    "rank_sensitivity",
    "representativeness",
    "representativeness_index",
    "similar_quarters",
    "unit_text",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Criterion:
    """One jury criterion. ``direction`` +1: higher is better for the jury's purpose."""

    name: str
    label_de: str
    label_en: str
    unit: str  # "share" = 0..1
    direction: int
    why: str  # why this direction (each an assumption of this project unless a source is named)


#: The jury criteria and their direction, in one place.
CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "residents_per_ha",
        "Einwohner je ha",
        "residents per ha",
        "EW/ha",
        +1,
        "density: more residents reached per office and advice, networks more viable",
    ),
    Criterion(
        "heat_demand_kwh_per_m2a",
        "Wärmebedarf je m²",
        "heat demand per m²",
        "kWh/(m²·a)",
        +1,
        "need: high specific demand",
    ),
    Criterion(
        "co2_t_per_resident_a",
        "CO₂ je Einwohner",
        "CO₂ per resident",
        "t/(EW·a)",
        +1,
        "need: high emissions per resident",
    ),
    Criterion(
        "potential_usual_share",
        "Einsparpotenzial (übliche Sanierung)",
        "savings potential (usual refurbishment)",
        "share",
        +1,
        "potential: share of heat saved by usual refurbishment (TABULA)",
    ),
    Criterion(
        "share_existing_state",
        "Anteil unsaniert",
        "share unrefurbished",
        "share",
        +1,
        "need: unrefurbished floor area",
    ),
    Criterion(
        "share_fossil",
        "Anteil fossile Wärme",
        "share of fossil heat",
        "share",
        +1,
        "need: heat still from gas, oil or coal",
    ),
    Criterion(
        "share_housing_company",
        "Anteil Wohnungsunternehmen",
        "share of housing companies",
        "share",
        +1,
        "potential: few large owners act for many dwellings (VIVAWEST, Vonovia partners)",
    ),
    Criterion(
        "share_listed",
        "Anteil Baudenkmäler",
        "share listed",
        "share",
        -1,
        "constraint: listed buildings limit envelope measures",
    ),
    Criterion(
        "share_pre1949",
        "Anteil Baujahr bis 1948",
        "share built before 1949",
        "share",
        +1,
        "need: old stock (IWU classes A-C)",
    ),
    Criterion(
        "share_1949_1978",
        "Anteil Baujahr 1949–1978",
        "share built 1949–1978",
        "share",
        +1,
        "potential: post-war stock; buildings before 1979 use two thirds of "
        "residential heating energy (dena, factors.md §9)",
    ),
    Criterion(
        "share_nwg",
        "Anteil Nichtwohngebäude",
        "share non-residential",
        "share",
        +1,
        "land-use mix: anchor customers and waste heat for networks",
    ),
    Criterion(
        "district_heating_share",
        "Anteil Fernwärme",
        "share district heating",
        "share",
        -1,
        "less need: networked heat is decarbonised by the operator (WPG §29-31)",
    ),
)
_BY_NAME = {c.name: c for c in CRITERIA}
_FOSSIL = ("gas", "oil", "coal")


# --------------------------------------------------------------------------- criteria
def _quarter_index(quarters: pd.DataFrame) -> pd.DataFrame:
    if "quarter_id" in quarters.columns:
        return quarters.set_index("quarter_id")
    if quarters.index.name == "quarter_id":
        return quarters
    raise DataValidationError(["Spalte 'quarter_id' fehlt."], what="Die Quartiere")


def criteria_table(quarters: pd.DataFrame, assessed_buildings: pd.DataFrame) -> pd.DataFrame:
    """Jury criteria per quarter (index quarter_id), columns as in :data:`CRITERIA`.

    Building-stock shares are shares of conditioned floor area (existing state, housing
    company owner, listed, IWU classes A-C = before 1949, D-F = 1949-1978, NWG); supply
    shares are shares of useful heat (fossil = gas/oil/coal, district heating).
    residents_per_ha = residents / area_ha; heat_demand_kwh_per_m2a = Σ Q_nd / Σ A_C;
    co2_t_per_resident_a = Σ CO2 / residents. A criterion whose input column is missing
    (e.g. owner_type) is NaN. ``quarter_type`` is carried along.
    """
    q = _quarter_index(quarters)
    missing = [c for c in ("area_ha", "residents") if c not in q.columns]
    b = assessed_buildings
    needed = ("quarter_id", "conditioned_floor_area_m2", "useful_heat_kwh_per_a", "co2_t_per_a")
    missing += [c for c in needed if c not in b.columns]
    if missing:
        raise DataValidationError([f"Spalte {c!r} fehlt." for c in missing], what="Die Jurydaten")
    area = pd.to_numeric(b["conditioned_floor_area_m2"], errors="coerce").fillna(0.0)
    heat = pd.to_numeric(b["useful_heat_kwh_per_a"], errors="coerce").fillna(0.0)

    def col(name: str, fill: object = "") -> pd.Series:
        return b[name] if name in b.columns else pd.Series(fill, index=b.index)

    age = col("age_class").astype(str)
    carrier = col("heating_carrier").astype(str)
    parts = pd.DataFrame(
        {
            "area": area,
            "heat": heat,
            "co2": pd.to_numeric(b["co2_t_per_a"], errors="coerce").fillna(0.0),
            "potential": pd.to_numeric(col("potential_usual_kwh_per_a", 0.0), errors="coerce"),
            "existing": area * col("refurbishment_state").astype(str).eq("existing"),
            "housing": area * col("owner_type").astype(str).eq("housing_company"),
            "listed": area * col("listed", False).eq(True),
            "pre1949": area * age.isin(["A", "B", "C"]),
            "postwar": area * age.isin(["D", "E", "F"]),
            "nwg": area * col("building_type").astype(str).eq("NWG"),
            "fossil": heat * carrier.isin(_FOSSIL),
            "dh": heat * carrier.eq("district_heating"),
        }
    )
    sums = parts.groupby(b["quarter_id"].to_numpy()).sum().reindex(q.index)
    fa, uh = sums["area"].where(sums["area"] > 0), sums["heat"].where(sums["heat"] > 0)
    residents = pd.to_numeric(q["residents"], errors="coerce")
    residents = residents.where(residents > 0)
    out = pd.DataFrame(
        {
            "residents_per_ha": residents / pd.to_numeric(q["area_ha"], errors="coerce"),
            "heat_demand_kwh_per_m2a": sums["heat"] / fa,
            "co2_t_per_resident_a": sums["co2"] / residents,
            "potential_usual_share": sums["potential"] / uh,
            "share_existing_state": sums["existing"] / fa,
            "share_fossil": sums["fossil"] / uh,
            "share_housing_company": sums["housing"] / fa,
            "share_listed": sums["listed"] / fa,
            "share_pre1949": sums["pre1949"] / fa,
            "share_1949_1978": sums["postwar"] / fa,
            "share_nwg": sums["nwg"] / fa,
            "district_heating_share": sums["dh"] / uh,
        },
        index=q.index,
    )
    for name, source in (
        ("share_housing_company", "owner_type"),
        ("share_listed", "listed"),
        ("share_fossil", "heating_carrier"),
        ("district_heating_share", "heating_carrier"),
        ("potential_usual_share", "potential_usual_kwh_per_a"),
    ):
        if source not in b.columns:
            log.info("Spalte %s fehlt: Kriterium %s bleibt leer.", source, name)
            out[name] = np.nan
    out["quarter_type"] = q["quarter_type"] if "quarter_type" in q.columns else pd.NA
    out.index.name = "quarter_id"
    return out


def normalise(criteria: pd.DataFrame) -> pd.DataFrame:
    """Min-max normalised criteria in 0..1, turned so that 1 is better (see CRITERIA).

    x' = (x - min) / (max - min); x' -> 1 - x' for direction -1; a constant criterion gives
    0.5 for every quarter; NaN stays NaN. Only the columns of :data:`CRITERIA` are returned.
    """
    names = [c.name for c in CRITERIA if c.name in criteria.columns]
    if not names:
        raise QuartierGeoError("Keine Jurykriterien in der Tabelle: criteria_table() verwenden.")
    x = criteria[names].apply(pd.to_numeric, errors="coerce").astype(float)
    low, high = x.min(), x.max()
    span = high - low
    scaled = (x - low) / span.where(span > 0)
    scaled = scaled.where(~((span <= 0) & x.notna()), 0.5)  # constant criterion: neutral 0.5
    flip = [n for n in names if _BY_NAME[n].direction < 0]
    scaled[flip] = 1.0 - scaled[flip]
    return scaled


def _weights(weights: Mapping[str, float], names: list[str]) -> np.ndarray:
    unknown = sorted(set(weights) - set(_BY_NAME))
    if unknown:
        raise QuartierGeoError(f"Unbekannte Kriterien in den Gewichten: {', '.join(unknown)}.")
    w = np.array([float(weights.get(n, 0.0)) for n in names])
    if (w < 0).any() or not np.isfinite(w).all():
        raise QuartierGeoError("Gewichte müssen endliche Zahlen >= 0 sein.")
    if w.sum() <= 0:
        raise QuartierGeoError("Mindestens ein Kriterium braucht ein Gewicht > 0.")
    return w


def _scores(norm: pd.DataFrame, w: np.ndarray) -> np.ndarray:
    """Scores for weight rows ``w`` (samples x criteria): quarters x samples."""
    w = np.atleast_2d(w)
    x = norm.to_numpy(float)
    num = np.nan_to_num(x) @ w.T
    den = (~np.isnan(x)).astype(float) @ w.T
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return np.round(scores, 12)  # equal inputs tie exactly despite summation order


def _ranks(scores: np.ndarray, index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(scores, index=index).rank(
        axis=0, ascending=False, method="min", na_option="bottom"
    )


def rank(criteria: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Weighted score (0..1) and rank (1 = best; ties share the best rank) per quarter.

    score = Σ w_i x'_i / Σ w_i over the criteria the quarter has; criteria missing from
    ``weights`` weigh 0. Sorted by rank, then quarter_id.
    """
    norm = normalise(criteria)
    scores = _scores(norm, _weights(weights, list(norm.columns)))
    out = pd.DataFrame(
        {"score": scores[:, 0], "rank": _ranks(scores, norm.index)[0].astype(int)},
        index=norm.index,
    )
    return out.sort_values(["rank"], kind="stable")


def rank_sensitivity(
    criteria: pd.DataFrame,
    weights: Mapping[str, float],
    *,
    spread: float = 0.2,
    samples: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Rank of each quarter when every weight is perturbed by ±``spread`` (relative).

    Each of ``samples`` draws multiplies every weight by an independent factor uniform in
    [1 - spread, 1 + spread] (numpy Generator seeded with ``seed``: deterministic). Returns
    rank (unperturbed), rank_median, rank_min, rank_max per quarter.
    """
    if not 0.0 <= spread < 1.0:
        raise QuartierGeoError("Die Streuung muss zwischen 0 und 1 liegen (0,2 = ±20 %).")
    if samples < 1:
        raise QuartierGeoError("Mindestens eine Stichprobe ist nötig.")
    norm = normalise(criteria)
    w = _weights(weights, list(norm.columns))
    factors = np.random.default_rng(seed).uniform(1 - spread, 1 + spread, (samples, len(w)))
    ranks = _ranks(_scores(norm, factors * w[None, :]), norm.index)
    base = _ranks(_scores(norm, w), norm.index)[0]
    return pd.DataFrame(
        {
            "rank": base.astype(int),
            "rank_median": ranks.median(axis=1),
            "rank_min": ranks.min(axis=1).astype(int),
            "rank_max": ranks.max(axis=1).astype(int),
        },
        index=norm.index,
    ).sort_values(["rank"], kind="stable")


# --------------------------------------------------------------------------- region
def representativeness(
    quarters: pd.DataFrame, region_shares: Mapping[str, float] | pd.Series | pd.DataFrame
) -> pd.DataFrame:
    """Share of residents per quarter type among the selection against the region.

    Index settlement_type; columns share_selection, share_region (both 0..1, each summing
    to 1) and difference = selection - region. ``attrs["similarity"]`` holds the summary
    1 - ½ Σ |difference| (1 = same distribution, 0 = disjoint); see
    :func:`representativeness_index`.
    """
    if isinstance(region_shares, pd.DataFrame):
        region = region_shares.set_index("settlement_type")["share_residents"]
    else:
        region = pd.Series(region_shares, dtype=float)
    region = region.astype(float)
    if (region < 0).any() or region.sum() <= 0:
        raise QuartierGeoError("Regionale Anteile müssen >= 0 sein und eine positive Summe haben.")
    for c in ("quarter_type", "residents"):
        if c not in quarters.columns:
            raise DataValidationError([f"Spalte {c!r} fehlt."], what="Die Quartiere")
    residents = pd.to_numeric(quarters["residents"], errors="coerce")
    if residents.isna().any():
        log.warning("%d Quartiere ohne Einwohnerzahl zählen nicht mit.", residents.isna().sum())
    by_type = residents.fillna(0.0).groupby(quarters["quarter_type"].astype(str)).sum()
    if by_type.sum() <= 0:
        raise QuartierGeoError("Keine Einwohnerzahlen in den Quartieren.")
    types = sorted(set(by_type.index) | set(region.index))
    table = pd.DataFrame(
        {
            "share_selection": (by_type / by_type.sum()).reindex(types, fill_value=0.0),
            "share_region": (region / region.sum()).reindex(types, fill_value=0.0),
        }
    )
    table["difference"] = table["share_selection"] - table["share_region"]
    table.index.name = "settlement_type"
    table.attrs["similarity"] = representativeness_index(table)
    return table


def representativeness_index(table: pd.DataFrame) -> float:
    """1 - total variation distance = 1 - ½ Σ |difference| of :func:`representativeness`."""
    return float(1.0 - 0.5 * table["difference"].abs().sum())


# --------------------------------------------------------------------------- similar
#: Text keys of the criteria units that differ between German and English.
_UNIT_KEYS = {"EW/ha": "unit_residents_per_ha", "t/(EW·a)": "unit_t_per_resident_a"}


def unit_text(unit: str, lang: Lang) -> str:
    """A criterion's unit in ``lang`` (EW = Einwohner; English res. = residents).

    >>> unit_text("t/(EW·a)", "en"), unit_text("EW/ha", "de"), unit_text("MWh/a", "en")
    ('t/(res.·a)', 'EW/ha', 'MWh/a')
    """
    key = _UNIT_KEYS.get(unit)
    return t(key, lang) if key else unit


def _fmt(value: float, unit: str, lang: Lang) -> str:
    if pd.isna(value):
        return "–"
    if unit == "share":
        return f"{fmt_number(value * 100, lang=lang)} %"
    return f"{fmt_value(value, lang=lang)} {unit_text(unit, lang)}"


def similar_quarters(criteria: pd.DataFrame, quarter_id: object, *, n: int = 3) -> pd.DataFrame:
    """The ``n`` quarters closest to ``quarter_id`` in normalised criteria.

    distance = sqrt(Σ (x'_a - x'_b)² x k / k_common) over the k_common criteria both
    quarters have (k = all criteria; inf without a common one). ``reasons_de`` names the
    three criteria where the two are closest, with both raw values; ``same_type`` says
    whether the quarter types agree. Sorted by distance, then quarter_id.
    """
    if quarter_id not in criteria.index:
        raise QuartierGeoError(f"Quartier {quarter_id!r} ist nicht in der Kriterientabelle.")
    norm = normalise(criteria)
    diff = norm - norm.loc[quarter_id]
    common = diff.notna().sum(axis=1)
    squared = (diff**2).sum(axis=1) * norm.shape[1] / common.where(common > 0)
    distance = np.sqrt(squared).fillna(np.inf).drop(index=quarter_id)
    order = distance.to_frame("d").assign(key=distance.index.astype(str))
    nearest = order.sort_values(["d", "key"], kind="stable").index[: max(n, 0)]
    types = criteria["quarter_type"] if "quarter_type" in criteria.columns else None
    rows = []
    for other in nearest:  # n rows
        close = diff.loc[other].abs().dropna().sort_values(kind="stable").index[:3]
        texts = {}
        for lang in LANGS:
            parts = []
            for name in close:
                c = _BY_NAME[name]
                a = _fmt(criteria.loc[quarter_id, name], c.unit, lang)
                b = _fmt(criteria.loc[other, name], c.unit, lang)
                parts.append(f"{getattr(c, f'label_{lang}')} ({a} / {b})")
            texts[lang] = ", ".join(parts)
        same = types is not None and types.loc[other] == types.loc[quarter_id]
        key = "similar_reasons_same_type" if same else "similar_reasons"
        rows.append(
            {
                "quarter_id": other,
                "distance": float(distance.loc[other]),
                "same_type": bool(same),
                "reasons_de": t(key, "de").format(criteria=texts["de"]),
                "reasons_en": t(key, "en").format(criteria=texts["en"]),
            }
        )
    columns = ["distance", "same_type", "reasons_de", "reasons_en"]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="quarter_id"))
    return pd.DataFrame(rows).set_index("quarter_id")
