"""The bundled layers and the canonical building schema: load, validate, normalise.

One place for the schema: :func:`validate_buildings` checks a building layer against the
glossary in :mod:`quartier_geo.base.columns`, lists every problem at once, and returns the
normalised layer in EPSG:25832. Downstream code trusts its output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier_geo.base.columns import AgeClass, BuildingType, RefurbState
from quartier_geo.base.crs import WORK_CRS
from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.base.settings import GEOPACKAGE_ENV, read_settings
from quartier_geo.data.pg import layers as pg_layers
from quartier_geo.data.reference import Reference

__all__ = [
    "GEOPACKAGE",
    "GEOPACKAGE_ENV",
    "LAYERS",
    "TABLES",
    "RegionLayers",
    "Validated",
    "geopackage_path",
    "load_layer",
    "load_region",
    "load_table",
    "validate_buildings",
]

GEOPACKAGE = Path(__file__).resolve().parents[2] / "geodata" / "quartiere_ruhr.gpkg"
#: Environment variable that points the app at another GeoPackage with the same layers
#: (a deployment with real data, or the security tests' payload data).
#: Spatial layers of the bundled GeoPackage.
LAYERS = ("quarters", "buildings", "streets", "heat_networks", "potentials")
#: Programme tables (no geometry) of the bundled GeoPackage.
TABLES = ("phases", "modules", "measures", "meetings", "lessons", "milestones")

_MAX_IDS = 10


@dataclass(frozen=True)
class Validated:
    """A validated, normalised building layer and the notes on what was filled in."""

    buildings: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)


def geopackage_path() -> Path:
    """The GeoPackage in use: ``$QUARTIER_GEOPACKAGE`` if set, else the bundled one."""
    return read_settings().geopackage or GEOPACKAGE


def load_layer(name: str, *, path: Path | None = None) -> gpd.GeoDataFrame:
    """Read one spatial layer, in EPSG:25832: of the GeoPackage ``path``, else of the
    database (``QUARTIER_DATABASE_URL``, :mod:`quartier_geo.data.pg.layers`) if one is
    set, else of the GeoPackage in use (:func:`geopackage_path`)."""
    if name not in LAYERS:
        raise QuartierGeoError(f"Unbekannte Ebene {name!r}; vorhanden: {', '.join(LAYERS)}.")
    url = read_settings().database_url
    if path is None and url:
        frame = pg_layers.read_frame(url, name)
        if not isinstance(frame, gpd.GeoDataFrame):
            raise QuartierGeoError(f"Ebene {name} hat in der Datenbank keine Geometrie.")
        return frame
    path = path or geopackage_path()
    if not path.exists():
        raise QuartierGeoError(
            f"Die Geodaten {path.name} fehlen. Mit 'python -m quartier_geo demo' neu erzeugen."
        )
    gdf = gpd.read_file(path, layer=name, engine="pyogrio", use_arrow=_has_arrow())
    if gdf.crs is None or not gdf.crs.equals(WORK_CRS):
        raise QuartierGeoError(f"Ebene {name} ist nicht in {WORK_CRS} gespeichert.")
    return gdf


def load_table(name: str, *, path: Path | None = None) -> pd.DataFrame:
    """Read one programme table (no geometry), from the same source as :func:`load_layer`."""
    if name not in TABLES:
        raise QuartierGeoError(f"Unbekannte Tabelle {name!r}; vorhanden: {', '.join(TABLES)}.")
    url = read_settings().database_url
    if path is None and url:
        return pg_layers.read_frame(url, name)
    path = path or geopackage_path()
    import pyogrio

    return pd.DataFrame(pyogrio.read_dataframe(path, layer=name, read_geometry=False))


def _has_arrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _ids(labels: Iterable[object]) -> str:
    labels = list(labels)
    shown = ", ".join(str(x) for x in labels[:_MAX_IDS])
    more = len(labels) - _MAX_IDS
    return shown + (f" … und {more} weitere" if more > 0 else "")


@dataclass(frozen=True, eq=False)
class RegionLayers:
    """The layers of the GeoPackage in use (EPSG:25832), buildings validated. Never mutate.

    The one loading path of the app's data bundle, the fact sheet and the command line:
    :func:`quartier_geo.domain.bundle.build_region` assesses it, and
    :func:`quartier_geo.domain.bundle.select_quarter` cuts one quarter out of it.
    """

    quarters: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    heat_networks: gpd.GeoDataFrame
    potentials: gpd.GeoDataFrame
    programme: Mapping[str, pd.DataFrame]


def load_region(ref: Reference, *, path: Path | None = None) -> RegionLayers:
    """Read every layer and programme table of the GeoPackage and validate the buildings."""
    return RegionLayers(
        quarters=load_layer("quarters", path=path),
        buildings=validate_buildings(load_layer("buildings", path=path), ref).buildings,
        streets=load_layer("streets", path=path),
        heat_networks=load_layer("heat_networks", path=path),
        potentials=load_layer("potentials", path=path),
        programme={name: load_table(name, path=path) for name in TABLES},
    )


def validate_buildings(
    gdf: gpd.GeoDataFrame, ref: Reference, *, what: str = "Die Gebäudedatei"
) -> Validated:
    """Check a building layer against the canonical schema; return it normalised.

    Every problem is collected and raised together as one :class:`DataValidationError`
    (rows named by ``building_id`` where present, else by row number from 1). Optional
    attributes that are missing are filled by documented defaults and listed in ``notes``.
    """
    problems: list[str] = []
    notes: list[str] = []
    if not isinstance(gdf, gpd.GeoDataFrame) or "geometry" not in gdf:
        raise DataValidationError(
            ["Keine Geometrie gefunden: Gebäude-Polygone erwartet."], what=what
        )
    if gdf.crs is None:
        problems.append(
            "Kein Koordinatenreferenzsystem (CRS): Datei mit CRS speichern, z. B. EPSG:25832."
        )
    if len(gdf) == 0:
        raise DataValidationError([*problems, "Die Datei enthält keine Gebäude."], what=what)

    df = gdf.copy()
    if "building_id" in df:
        labels = df["building_id"].astype(str)
    else:
        labels = pd.Series([f"Zeile {i}" for i in range(1, len(df) + 1)], index=df.index)
        df["building_id"] = [f"B{i}" for i in range(1, len(df) + 1)]

    geom = df.geometry
    empty = geom.isna() | geom.is_empty
    if empty.any():
        problems.append(
            f"Leere oder fehlende Geometrie: {_ids(labels[empty])}. Entfernen oder ergänzen."
        )
    kinds = geom.geom_type
    non_poly = ~empty & ~kinds.isin(["Polygon", "MultiPolygon"])
    if non_poly.any():
        problems.append(
            f"Keine Fläche (Punkt/Linie): {_ids(labels[non_poly])}. "
            "Gebäude-Umringe als Polygone liefern."
        )
    ok_geom = ~empty & ~non_poly
    invalid = ok_geom & ~shapely.is_valid(geom.to_numpy())
    if invalid.any():
        problems.append(
            f"Ungültige Geometrie (z. B. Selbstüberschneidung): {_ids(labels[invalid])}. "
            "In QGIS mit 'Geometrien reparieren' beheben."
        )

    problems += _check_enum(df, "building_type", list(BuildingType), labels, upper=True)
    problems += _check_enum(df, "age_class", list(AgeClass), labels, upper=True)

    has_area = "conditioned_floor_area_m2" in df
    has_storeys = "storeys" in df
    if not has_area and not has_storeys:
        problems.append(
            "Spalte 'conditioned_floor_area_m2' oder 'storeys' fehlt: eine davon ist nötig, "
            "um die Wohn-/Nutzfläche zu bestimmen."
        )
    else:
        area = (
            pd.to_numeric(df.get("conditioned_floor_area_m2"), errors="coerce")
            if has_area
            else None
        )
        storeys = pd.to_numeric(df.get("storeys"), errors="coerce") if has_storeys else None
        ok_area = area > 0 if area is not None else pd.Series(False, index=df.index)
        ok_storeys = storeys > 0 if storeys is not None else pd.Series(False, index=df.index)
        bad = ~(ok_area.fillna(False) | ok_storeys.fillna(False))
        if bad.any():
            problems.append(f"Keine gültige Fläche oder Geschosszahl (> 0): {_ids(labels[bad])}.")
        if area is not None:
            df["conditioned_floor_area_m2"] = area
        if storeys is not None:
            df["storeys"] = storeys

    if "refurbishment_state" in df:
        problems += _check_enum(df, "refurbishment_state", list(RefurbState), labels)
    else:
        df["refurbishment_state"] = RefurbState.EXISTING.value
        notes.append(
            "Spalte 'refurbishment_state' fehlt: alle Gebäude als unsanierter Bestand angenommen."
        )

    _resolve_heating(df, ref, labels, problems, notes)

    if problems:
        raise DataValidationError(problems, what=what)

    if not df.crs.equals(WORK_CRS):
        df = df.to_crs(WORK_CRS)
    df["footprint_m2"] = df.geometry.area
    if "storeys" not in df:
        df["storeys"] = np.nan
    return Validated(buildings=df, notes=notes)


def _check_enum(
    df: pd.DataFrame,
    column: str,
    vocabulary: list[StrEnum],
    labels: pd.Series,
    *,
    upper: bool = False,
) -> list[str]:
    """Normalise ``df[column]`` to the vocabulary's values in place; return the problems."""
    allowed = [v.value for v in vocabulary]
    problems: list[str] = []
    if column not in df:
        problems.append(f"Pflichtspalte '{column}' fehlt (erlaubt: {', '.join(allowed)}).")
        return problems
    values = df[column].astype("string").str.strip()
    values = values.str.upper() if upper else values.str.lower()
    bad = ~values.isin(allowed).fillna(False).astype(bool)
    if bad.any():
        examples = sorted({str(v) for v in df.loc[bad, column].tolist()})[:5]
        problems.append(
            f"Unbekannte Werte in '{column}' ({', '.join(examples)}): {_ids(labels[bad])}. "
            f"Erlaubt: {', '.join(allowed)}."
        )
    df[column] = values.astype(object)
    return problems


def _resolve_heating(
    df: pd.DataFrame, ref: Reference, labels: pd.Series, problems: list[str], notes: list[str]
) -> None:
    """Fill ``heating_system`` from ``heating_carrier`` (default system per carrier)."""
    systems = ref.systems
    defaults = systems[systems["default_for_carrier"]].reset_index().set_index("carrier")["system"]
    if "heating_system" in df:
        sys_values = df["heating_system"].astype("string").str.strip().str.lower()
        bad = sys_values.notna() & ~sys_values.isin(list(systems.index)).fillna(False).astype(bool)
        if bad.any():
            problems.append(
                f"Unbekannte Heizsysteme: {_ids(labels[bad])}. Erlaubt: {', '.join(systems.index)}."
            )
    else:
        sys_values = pd.Series(pd.NA, index=df.index, dtype="string")
    if "heating_carrier" in df:
        carriers = df["heating_carrier"].astype("string").str.strip().str.lower()
        bad = carriers.notna() & ~carriers.isin(list(defaults.index)).fillna(False).astype(bool)
        if bad.any():
            problems.append(
                f"Unbekannte Energieträger: {_ids(labels[bad])}. "
                f"Erlaubt: {', '.join(defaults.index)}."
            )
    else:
        carriers = pd.Series(pd.NA, index=df.index, dtype="string")
    from_carrier = carriers.map(defaults)
    missing = sys_values.isna() & from_carrier.isna()
    if missing.any():
        notes.append(
            f"{int(missing.sum())} Gebäude ohne Heizungsangabe: Erdgas-Niedertemperaturkessel "
            "angenommen (häufigster Bestand im Ruhrgebiet; Annahme)."
        )
    filled = sys_values.fillna(from_carrier).fillna("gas_low_temp")
    df["heating_system"] = filled.astype(object)
