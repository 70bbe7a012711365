"""Heat density per hectare cell, linear heat density per street segment, density classes.

Formulas:

* hectare cell of a building = (floor(x / c), floor(y / c)) of its representative point in
  EPSG:25832, c = 100 m (1 ha, the EU/Hotmaps convention, assumptions.csv ``hectare_cell_m``)
* heat density [MWh/(ha·a)]   = Σ Q_nd [kWh/a] / 1000 / (c² / 10 000 m² per ha)
* linear heat density [kWh/(m·a)] = Σ Q_nd of the buildings assigned to a street segment
  / segment length (Wärmebelegungsdichte; Energieatlas Bayern, F-Heat)
* classes: thresholds.csv, lower bound inclusive, upper bound exclusive

The public API is re-exported by :mod:`quartier_geo.domain.supply`; this module keeps it under
the size limit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.crs import WORK_CRS, require_crs, to_work_crs
from quartier_geo.base.errors import CrsError, DataValidationError, QuartierGeoError

__all__ = [
    "Classification",
    "assign_streets",
    "cell_ids",
    "classify",
    "hectare_grid",
    "linear_heat_density",
    "projected",
    "require_columns",
]

log = logging.getLogger(__name__)


def projected(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, what: str) -> gpd.GeoDataFrame:
    """``gdf`` in WORK_CRS; refuse a missing or a geographic CRS (metres are needed)."""
    require_crs(gdf, what=what)
    if gdf.crs.is_geographic:
        raise CrsError(
            f"{what} liegen in einem geografischen CRS ({gdf.crs.to_string()}); Flächen und "
            "Abstände wären in Grad. Bitte vorher nach EPSG:25832 umprojizieren "
            "(gdf.to_crs('EPSG:25832'))."
        )
    return to_work_crs(gdf, what=what)


def require_columns(df: pd.DataFrame, columns: Sequence[str], *, what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataValidationError(
            [f"Spalte {c!r} fehlt; bitte ergänzen oder beim Import zuordnen." for c in missing],
            what=what,
        )


def _values(df: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(df[column], errors="coerce").astype(float)


# --------------------------------------------------------------------------- densities
def _cell_indices(gdf: gpd.GeoDataFrame, cell_m: float) -> tuple[pd.Series, pd.Series]:
    """Column and row of the cell holding each building's representative point (always
    inside the footprint), by floor division; NaN for a building without geometry."""
    if not cell_m > 0:
        raise QuartierGeoError("Die Zellgröße muss größer als 0 m sein (üblich: 100 m = 1 ha).")
    points = gdf.geometry.representative_point()
    usable = (points.notna() & ~points.is_empty).to_numpy()
    x = np.full(len(gdf), np.nan)
    y = np.full(len(gdf), np.nan)
    x[usable] = np.floor(points[usable].x.to_numpy() / cell_m)
    y[usable] = np.floor(points[usable].y.to_numpy() / cell_m)
    return pd.Series(x, index=gdf.index), pd.Series(y, index=gdf.index)


def cell_ids(buildings: gpd.GeoDataFrame, *, cell_m: float = 100.0) -> pd.Series:
    """The ``cell_id`` of :func:`hectare_grid` for each building (NaN without geometry).

    >>> b = gpd.GeoDataFrame(geometry=[shapely.box(10, 10, 20, 30),
    ...     shapely.box(150, 50, 160, 70)], crs=WORK_CRS)
    >>> list(cell_ids(b))
    ['E0_N0', 'E1_N0']
    """
    ix, iy = _cell_indices(projected(buildings, what="Die Gebäude"), cell_m)
    ids = "E" + ix.astype("Int64").astype(str) + "_N" + iy.astype("Int64").astype(str)
    return ids.where(ix.notna())


def hectare_grid(
    buildings: gpd.GeoDataFrame,
    *,
    value_column: str = "useful_heat_kwh_per_a",
    cell_m: float = 100.0,
) -> gpd.GeoDataFrame:
    """Heat density per grid cell, from the buildings' representative points.

    Cells are aligned to multiples of ``cell_m`` in EPSG:25832; ``cell_id`` names the
    lower-left corner in units of ``cell_m`` (``E3712_N57081`` = 371,200 m E, 5,708,100 m N
    for 100 m cells). Each building counts in the cell that holds its representative point
    (always inside the footprint), found by floor division. Only non-empty cells are returned.

    heat_demand_mwh_per_a = Σ value [kWh/a] / 1000;
    heat_density_mwh_per_ha_a = heat_demand_mwh_per_a / (cell_m² / 10,000 m²/ha),
    i.e. exactly the cell's MWh for 100 m cells (the EU/Hotmaps 1 ha convention).

    Raises :class:`CrsError` for data without a CRS or in a geographic CRS.

    >>> b = gpd.GeoDataFrame({"useful_heat_kwh_per_a": [30_000.0, 20_000.0]},
    ...     geometry=[shapely.box(10, 10, 20, 30), shapely.box(50, 50, 60, 70)], crs=WORK_CRS)
    >>> hectare_grid(b)[["cell_id", "heat_density_mwh_per_ha_a"]].to_dict("records")
    [{'cell_id': 'E0_N0', 'heat_density_mwh_per_ha_a': 50.0}]
    """
    gdf = projected(buildings, what="Die Gebäude")
    require_columns(gdf, [value_column], what="Die Gebäude")
    columns = ["cell_id", "buildings", "heat_demand_mwh_per_a", "heat_density_mwh_per_ha_a"]
    ix, iy = _cell_indices(gdf, cell_m)
    usable = ix.notna()
    if not usable.all():
        log.warning("%d Gebäude ohne Geometrie werden im Raster nicht gezählt.", (~usable).sum())
    if not usable.any():
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=WORK_CRS)
    frame = pd.DataFrame(
        {
            "ix": ix[usable].astype(np.int64).to_numpy(),
            "iy": iy[usable].astype(np.int64).to_numpy(),
            "kwh": _values(gdf, value_column)[usable].to_numpy(),
        }
    )
    cells = frame.groupby(["iy", "ix"], sort=True).agg(
        buildings=("kwh", "size"), kwh=("kwh", "sum")
    )
    cells = cells.reset_index()
    ix, iy = cells["ix"].to_numpy(), cells["iy"].to_numpy()
    mwh = cells["kwh"].to_numpy(float) / 1000.0
    out = pd.DataFrame(
        {
            "cell_id": "E" + cells["ix"].astype(str) + "_N" + cells["iy"].astype(str),
            "buildings": cells["buildings"].astype(np.int64),
            "heat_demand_mwh_per_a": mwh,
            "heat_density_mwh_per_ha_a": mwh / (cell_m * cell_m / 10_000.0),
        }
    )
    geometry = shapely.box(ix * cell_m, iy * cell_m, (ix + 1) * cell_m, (iy + 1) * cell_m)
    return gpd.GeoDataFrame(out, geometry=geometry, crs=WORK_CRS)


def assign_streets(buildings: gpd.GeoDataFrame, streets: gpd.GeoDataFrame) -> pd.Series:
    """Street segment of each building (``street_id`` on the buildings' index).

    A building keeps its own ``street_id`` when that id exists among the segments; every
    other building goes to the nearest segment (``gpd.sjoin_nearest`` on the footprint;
    ties go to the first segment in the street table). NA only when there are no streets.
    """
    b = projected(buildings, what="Die Gebäude")
    s = projected(streets, what="Die Straßen")
    require_columns(s, ["street_id"], what="Die Straßen")
    keys = s["street_id"].astype(str)
    duplicated = keys[keys.duplicated()].unique().tolist()
    if duplicated:
        raise DataValidationError(
            [f"street_id {', '.join(duplicated[:10])} mehrfach vergeben; Ids eindeutig machen."],
            what="Die Straßen",
        )
    assigned = pd.Series(pd.NA, index=b.index, dtype=object, name="street_id")
    if "street_id" in b.columns:
        own = b["street_id"]
        own_key = own.astype(str).where(own.notna())
        lookup = pd.Series(s["street_id"].to_numpy(), index=keys.to_numpy())
        matched = own_key.isin(lookup.index)
        assigned.loc[matched] = own_key[matched].map(lookup)
    rest = assigned.isna()
    if rest.any() and len(s) > 0:
        left = gpd.GeoDataFrame(geometry=b.geometry[rest], crs=WORK_CRS)
        right = gpd.GeoDataFrame(
            {"street_id": s["street_id"].to_numpy(), "street_order": np.arange(len(s))},
            geometry=s.geometry.to_numpy(),
            crs=WORK_CRS,
        )
        joined = gpd.sjoin_nearest(left, right, how="left")
        joined = joined.sort_values("street_order", kind="stable")
        joined = joined[~joined.index.duplicated(keep="first")]
        assigned.loc[rest] = joined["street_id"].reindex(assigned.index[rest]).to_numpy()
    return assigned


def linear_heat_density(
    buildings: gpd.GeoDataFrame,
    streets: gpd.GeoDataFrame,
    *,
    value_column: str = "useful_heat_kwh_per_a",
) -> gpd.GeoDataFrame:
    """Streets with their heat demand and linear heat density (Wärmebelegungsdichte).

    linear_heat_density_kwh_per_m_a = Σ value [kWh/a] of the buildings assigned to the
    segment (:func:`assign_streets`) / length_m, the segment length measured in EPSG:25832
    (``length_m`` is recomputed from the geometry). Segments without buildings get 0; a
    zero-length segment gets NaN. Thresholds: 500 kWh/(m·a) (F-Heat default) and
    1,500 kWh/(m·a) (Energieatlas Bayern), see thresholds.csv.

    >>> b = gpd.GeoDataFrame({"useful_heat_kwh_per_a": [150_000.0]},
    ...     geometry=[shapely.box(40, 5, 60, 15)], crs=WORK_CRS)
    >>> s = gpd.GeoDataFrame({"street_id": ["S1"]},
    ...     geometry=[shapely.LineString([(0, 0), (100, 0)])], crs=WORK_CRS)
    >>> float(linear_heat_density(b, s)["linear_heat_density_kwh_per_m_a"].iloc[0])
    1500.0
    """
    s = projected(streets, what="Die Straßen").copy()
    b = projected(buildings, what="Die Gebäude")
    require_columns(b, [value_column], what="Die Gebäude")
    street = assign_streets(b, s)
    values = _values(b, value_column)
    has = street.notna()
    grouped = values[has].groupby(street[has].astype(str).to_numpy())
    keys = s["street_id"].astype(str)
    kwh = keys.map(grouped.sum()).fillna(0.0).astype(float)
    count = keys.map(grouped.size()).fillna(0).astype(np.int64)
    length = s.geometry.length.astype(float)
    s["length_m"] = length
    s["buildings"] = count
    s["heat_demand_mwh_per_a"] = kwh / 1000.0
    s["linear_heat_density_kwh_per_m_a"] = (kwh / length.where(length > 0)).astype(float)
    return s


# --------------------------------------------------------------------------- classes
@dataclass(frozen=True)
class Classification:
    """Class of each value: ``index`` (0 = lowest class; NA outside all classes) and labels."""

    index: pd.Series
    label_de: pd.Series
    label_en: pd.Series


def _class_rows(thresholds: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Rows of one kind, sorted, after checking that the bounds form ordered classes."""
    require_columns(
        thresholds, ["kind", "lower", "upper", "class_de", "class_en"], what="Die Klassengrenzen"
    )
    rows = thresholds[thresholds["kind"] == kind]
    if rows.empty:
        raise QuartierGeoError(
            f"Keine Klassengrenzen der Art {kind!r}; vorhanden: "
            f"{', '.join(sorted(map(str, thresholds['kind'].unique())))}."
        )
    lower = pd.to_numeric(rows["lower"], errors="coerce")
    upper = pd.to_numeric(rows["upper"], errors="coerce")
    rows = rows.assign(lower=lower, upper=upper).sort_values("lower", kind="stable")
    problems = []
    if rows["lower"].isna().any():
        problems.append("Jede Klasse braucht eine Untergrenze (Zahl).")
    bad = rows[rows["upper"].notna() & (rows["upper"] <= rows["lower"])]
    problems += [
        f"Klasse {c!r}: Obergrenze muss größer als Untergrenze sein." for c in bad.class_de
    ]
    up = rows["upper"].to_numpy(float)[:-1]
    if np.isnan(up).any():
        problems.append("Nur die höchste Klasse darf nach oben offen sein.")
    if (up > rows["lower"].to_numpy(float)[1:]).any():
        problems.append("Klassen überlappen sich: Obergrenze > Untergrenze der nächsten Klasse.")
    if problems:
        raise DataValidationError(problems, what=f"Die Klassengrenzen ({kind})")
    return rows.reset_index(drop=True)


def classify(values: pd.Series, thresholds: pd.DataFrame, *, kind: str) -> Classification:
    """Map values to the classes of ``thresholds`` (thresholds.csv layout) of one ``kind``.

    A value v is in class i when lower_i <= v < upper_i (an empty upper bound is open).
    Values outside every class (NaN, below the lowest bound, in a gap) get index NA.
    The function takes the table so the UI can pass edited bounds; they are validated.

    >>> t = pd.DataFrame({"kind": ["k", "k"], "lower": [0, 500], "upper": [500, None],
    ...                   "class_de": ["niedrig", "hoch"], "class_en": ["low", "high"]})
    >>> classify(pd.Series([499.9, 500.0]), t, kind="k").label_de.tolist()
    ['niedrig', 'hoch']
    """
    rows = _class_rows(thresholds, kind)
    v = pd.to_numeric(values, errors="coerce").to_numpy(float)
    lower = rows["lower"].to_numpy(float)
    upper = rows["upper"].fillna(np.inf).to_numpy(float)
    hit = (v[:, None] >= lower[None, :]) & (v[:, None] < upper[None, :])
    found = hit.any(axis=1)
    idx = hit.argmax(axis=1)
    index = pd.Series(
        pd.arrays.IntegerArray(idx.astype(np.int64), ~found), index=values.index, name="class"
    )

    def labels(column: str) -> pd.Series:
        text = rows[column].astype(object).to_numpy()[idx]
        return pd.Series(np.where(found, text, None), index=values.index, dtype=object)

    return Classification(index=index, label_de=labels("class_de"), label_en=labels("class_en"))
