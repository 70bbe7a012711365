"""Data out: GeoPackage, GeoJSON and CSV exports, always written atomically.

Formats (decided here, documented for the Data page):

* **GeoPackage** (``.gpkg``): every layer in one file, in EPSG:25832, plus a table
  ``columns`` (name, unit, meaning of every exported column, from :mod:`quartier_geo.base.columns`)
  so that QGIS users see the units.
* **GeoJSON**: one layer gives one ``.geojson`` file; several layers need a ``.zip`` path and
  give one ``<layer>.geojson`` per layer in the zip. Coordinates stay in EPSG:25832 (GDAL
  writes a ``crs`` member, read by QGIS and GDAL); ``rfc7946=True`` writes RFC 7946 GeoJSON
  in EPSG:4326 instead (for web tools).
* **CSV**: attributes plus the geometry as WKT (``geometry_wkt``, EPSG:25832, cm precision)
  and a point inside each feature (``x_m``, ``y_m``: the representative point, always inside
  the footprint, unlike the centroid). UTF-8 *with* BOM, so that Excel shows umlauts, „“ and
  € correctly; pandas, GDAL and QGIS skip the BOM. Text cells that a spreadsheet would run
  as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) get a leading apostrophe.
  ``csv_style="rfc4180"`` (default) uses comma and decimal point; ``"excel_de"`` uses
  semicolon and decimal comma, which German Excel opens by double-click. Several layers need
  a ``.zip`` path.

The choices within a format (CSV style, RFC 7946) are one :class:`FormatOptions`.

Every file is written atomically (docs/SECURITY.md §0.5 and D-2): into a temporary file in the
target folder, flushed with ``fsync``, moved over the target with ``os.replace``, then the
folder is ``fsync``-ed. If anything fails, the previous file stays as it was and the
temporary file is removed.
"""

from __future__ import annotations

import logging
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely

from quartier_geo.base.atomic import atomic_path, write_bytes_atomic
from quartier_geo.base.columns import BUILDING_COLUMNS, QUARTER_COLUMNS, RESULT_COLUMNS
from quartier_geo.base.crs import WORK_CRS, require_crs
from quartier_geo.base.errors import QuartierGeoError, StorageError
from quartier_geo.base.escape import csv_safe
from quartier_geo.base.settings import MIN_BUILDINGS_DEFAULT
from quartier_geo.data.reference import Reference
from quartier_geo.domain.block_plan import block_indicators
from quartier_geo.domain.bundle import QuarterBundle
from quartier_geo.domain.heat_density import projected
from quartier_geo.exports.render import ImageOptions, chart_image, chart_images
from quartier_geo.exports.static_map import map_image, map_svg

__all__ = [
    "CsvStyle",
    "ExportFormat",
    "FormatOptions",
    "ImageOptions",
    "Progress",
    "atomic_path",
    "chart_image",
    "chart_images",
    "export_bytes",
    "export_layers",
    "export_name",
    "map_image",
    "map_svg",
    "quarter_layers",
    "write_bytes_atomic",
]

log = logging.getLogger(__name__)

ExportFormat = Literal["gpkg", "geojson", "csv"]
CsvStyle = Literal["rfc4180", "excel_de"]
#: Progress callback: ``progress(stage, fraction)`` with fraction 0..1 (stage: a layer
#: name or ``"zip"``/``"fsync"``; for fact sheets ``"load"``, ``"map"``, ``"charts"``…).
Progress = Callable[[str, float], None]

_PYOGRIO_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
)
_EXT = {"gpkg": ".gpkg", "geojson": ".geojson", "csv": ".csv"}
_NAME = re.compile(r"[^A-Za-z0-9_]+")
_GLOSSARY = {
    c.name: (c.unit, c.meaning) for c in (*BUILDING_COLUMNS, *RESULT_COLUMNS, *QUARTER_COLUMNS)
}
_EXTRA_UNITS = {
    "cell_id": ("-", "hectare cell: lower-left corner in units of the cell size (E…_N…)"),
    "buildings": ("-", "number of buildings"),
    "heat_demand_mwh_per_a": ("MWh/a", "useful heat demand of the buildings in the feature"),
    "heat_density_mwh_per_ha_a": ("MWh/(ha·a)", "heat density of the hectare cell"),
    "length_m": ("m", "length of the street segment (EPSG:25832)"),
    "linear_heat_density_kwh_per_m_a": ("kWh/(m·a)", "linear heat density of the segment"),
    "demand_density_mwh_per_ha_a": ("MWh/(ha·a)", "calculated heat demand per block area"),
    "network_distance_m": ("m", "distance to the nearest heat network"),
    "source_distance_m": ("m", "distance to the nearest heat source (mine water, waste heat)"),
    "supply_distance_m": ("m", "the nearer of network and heat source"),
    "geometry_wkt": ("-", "geometry as WKT in EPSG:25832 (CSV only)"),
    "x_m": ("m", "easting of a point inside the feature, EPSG:25832 (CSV only)"),
    "y_m": ("m", "northing of a point inside the feature, EPSG:25832 (CSV only)"),
    # the Baublöcke of the heat plan (domain/block_plan.py::block_indicators)
    "source": ("-", "where the blocks come from: streets, imported, block_id"),
    "n_buildings": ("-", "number of buildings in the block"),
    "area_ha": ("ha", "area of the block polygon"),
    "consumption_mwh_per_a": ("MWh/a", "typical consumption (useful heat) of the buildings"),
    "density_mwh_per_ha_a": ("MWh/(ha·a)", "consumption density: consumption / block area"),
    "decentral_generators": ("-", "buildings with a heat generator of their own (no network)"),
    "house_substations": ("-", "buildings connected to a heat network"),
    "main_type": ("-", "most frequent building type of the block"),
    "main_age_class": ("-", "most frequent age class of the block"),
    "share_*": ("0..1", "share of the carrier in the block's final energy for heat"),
}


@dataclass(frozen=True)
class FormatOptions:
    """The choices within a file format; each applies only to its own format.

    Parameters
    ----------
    csv_style
        CSV only: ``"rfc4180"`` (comma, decimal point) or ``"excel_de"`` (semicolon,
        decimal comma, for German Excel).
    rfc7946
        GeoJSON only: write RFC 7946 (EPSG:4326) instead of EPSG:25832.
    """

    csv_style: CsvStyle = "rfc4180"
    rfc7946: bool = False

    def __post_init__(self) -> None:
        if self.csv_style not in ("rfc4180", "excel_de"):
            raise QuartierGeoError(
                f"CSV-Stil {self.csv_style!r} unbekannt: 'rfc4180' oder 'excel_de'."
            )


_DEFAULT_OPTIONS = FormatOptions()


@dataclass(frozen=True)
class _Plan:
    """How one export is written: the format, zipped or not, the format's options."""

    fmt: ExportFormat
    as_zip: bool
    options: FormatOptions


def _report(progress: Progress | None, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, min(max(fraction, 0.0), 1.0))


# ----------------------------------------------------------------------------- layers
def quarter_layers(
    bundle: QuarterBundle,
    *,
    ref: Reference | None = None,
    min_buildings: int = MIN_BUILDINGS_DEFAULT,
) -> dict[str, gpd.GeoDataFrame]:
    """The standard export set of one quarter (or of an imported building file), taken from
    its bundle (:mod:`quartier_geo.domain.bundle`), so nothing is derived a second time.

    Returns ``buildings`` (assessed), ``quarter`` (if the bundle has one), ``hectare_grid``
    (heat density per 100 m cell) and ``streets`` with their linear heat density (if the
    bundle has streets), and with ``ref`` ``baubloecke``: the Baublöcke with their WPG
    indicators (:func:`quartier_geo.domain.block_plan.block_indicators`, values only for
    blocks of at least ``min_buildings`` buildings), all in EPSG:25832.
    """
    out: dict[str, gpd.GeoDataFrame] = {
        "buildings": projected(bundle.buildings, what="Die Gebäude")
    }
    if bundle.quarter is not None:
        out["quarter"] = projected(bundle.quarter, what="Das Quartier")
    out["hectare_grid"] = bundle.grid
    if bundle.streets is not None and not bundle.streets.empty:
        out["streets"] = bundle.streets
    if ref is not None and bundle.plan_blocks is not None and len(bundle.plan_blocks):
        out["baubloecke"] = block_indicators(
            bundle.buildings, bundle.plan_blocks, ref, min_buildings=min_buildings
        )
    return out


def _clean_layers(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Layer names safe for files and GeoPackage tables; every layer in EPSG:25832."""
    if not layers:
        raise QuartierGeoError("Keine Ebenen zum Exportieren übergeben.")
    out: dict[str, gpd.GeoDataFrame] = {}
    for raw, gdf in layers.items():
        name = _NAME.sub("_", str(raw)).strip("_")[:60] or "layer"
        if name in out or name == "columns":
            raise QuartierGeoError(f"Ebenenname {raw!r} doppelt oder reserviert: umbenennen.")
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise QuartierGeoError(f"Ebene {name}: GeoDataFrame erwartet.")
        require_crs(gdf, what=f"Die Ebene {name}")
        out[name] = gdf if gdf.crs.equals(WORK_CRS) else gdf.to_crs(WORK_CRS)
    return out


def _glossary(layers: Mapping[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    rows = []
    for name, gdf in layers.items():
        for column in gdf.columns:
            if column == gdf.geometry.name:
                continue
            key = "share_*" if column.startswith("share_") else column
            unit, meaning = _GLOSSARY.get(column) or _EXTRA_UNITS.get(key) or ("", "")
            rows.append({"layer": name, "column": column, "unit": unit, "meaning": meaning})
    return pd.DataFrame(rows, columns=["layer", "column", "unit", "meaning"])


def _csv_frame(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    geoms = gdf.geometry.to_numpy()
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    points = shapely.point_on_surface(geoms)
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    df["x_m"] = pd.Series(shapely.get_x(points), index=df.index).where(valid).round(2)
    df["y_m"] = pd.Series(shapely.get_y(points), index=df.index).where(valid).round(2)
    for column in df.columns:
        if df[column].dtype == object or pd.api.types.is_string_dtype(df[column]):
            df[column] = df[column].map(csv_safe)  # no spreadsheet formulas from data
    wkt = shapely.to_wkt(geoms, rounding_precision=2, trim=True)
    df["geometry_wkt"] = pd.Series(wkt, index=df.index, dtype=object).where(valid)
    return df


def _write_csv(gdf: gpd.GeoDataFrame, target: Path, *, style: CsvStyle) -> None:
    sep, decimal = (";", ",") if style == "excel_de" else (",", ".")
    _csv_frame(gdf).to_csv(
        target, sep=sep, decimal=decimal, index=False, encoding="utf-8-sig", lineterminator="\r\n"
    )


def _write_geojson(gdf: gpd.GeoDataFrame, target: Path, *, name: str, rfc7946: bool) -> None:
    options = {"RFC7946": "YES", "WRITE_NAME": "YES"} if rfc7946 else {"WRITE_NAME": "YES"}
    data = gdf.to_crs("EPSG:4326") if rfc7946 else gdf
    pyogrio.write_dataframe(
        data, target, layer=name, driver="GeoJSON", layer_options=options, encoding="UTF-8"
    )


def _write_one(gdf: gpd.GeoDataFrame, target: Path, *, name: str, plan: _Plan) -> None:
    if plan.fmt == "geojson":
        _write_geojson(gdf, target, name=name, rfc7946=plan.options.rfc7946)
    else:
        _write_csv(gdf, target, style=plan.options.csv_style)


def _write(
    layers: dict[str, gpd.GeoDataFrame], target: Path, *, plan: _Plan, progress: Progress | None
) -> None:
    """Write ``layers`` to the (temporary) file ``target``."""
    n = len(layers)
    if plan.fmt == "gpkg":
        for i, (name, gdf) in enumerate(layers.items()):
            _report(progress, name, i / (n + 1))
            pyogrio.write_dataframe(gdf, target, layer=name, driver="GPKG")
        pyogrio.write_dataframe(_glossary(layers), target, layer="columns", driver="GPKG")
        return
    if not plan.as_zip:
        ((name, gdf),) = layers.items()
        _report(progress, name, 0.0)
        _write_one(gdf, target, name=name, plan=plan)
        return
    with (
        tempfile.TemporaryDirectory(prefix="qg-export-") as tmp,
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf,
    ):
        for i, (name, gdf) in enumerate(layers.items()):
            _report(progress, name, i / (n + 1))
            part = Path(tmp) / f"{name}{_EXT[plan.fmt]}"
            _write_one(gdf, part, name=name, plan=plan)
            zf.write(part, arcname=part.name)
        glossary = _glossary(layers).to_csv(index=False, lineterminator="\r\n")
        zf.writestr("columns.csv", "\ufeff" + glossary)
        _report(progress, "zip", n / (n + 1))


def _check_format(fmt: str) -> None:
    if fmt not in _EXT:
        raise QuartierGeoError(f"Exportformat {fmt!r} unbekannt: gpkg, geojson oder csv.")


def export_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
    path: Path,
    *,
    fmt: ExportFormat,
    options: FormatOptions = _DEFAULT_OPTIONS,
    progress: Progress | None = None,
) -> Path:
    """Write ``layers`` (name → GeoDataFrame) to ``path`` as GeoPackage, GeoJSON or CSV.

    Parameters
    ----------
    layers
        Layers by name, e.g. from :func:`quarter_layers`; any CRS (written in EPSG:25832).
        Names are reduced to ``A-Z a-z 0-9 _`` for file and table names.
    path
        Target file. For ``geojson``/``csv`` with several layers it must end in ``.zip``
        (a ``.zip`` path with one layer also gives a zip).
    fmt
        ``"gpkg"``, ``"geojson"`` or ``"csv"`` (see the module docstring).
    options
        CSV style and RFC 7946 GeoJSON (:class:`FormatOptions`; default: RFC 4180 CSV,
        GeoJSON in EPSG:25832).
    progress
        ``progress(stage, fraction)`` after each layer.

    Returns
    -------
    Path
        ``path``, written atomically.

    Raises
    ------
    StorageError
        When the file cannot be written; the previous file is then unchanged.
    """
    _check_format(fmt)
    path = Path(path)
    clean = _clean_layers(layers)
    as_zip = fmt != "gpkg" and path.suffix.lower() == ".zip"
    if fmt != "gpkg" and len(clean) > 1 and not as_zip:
        raise QuartierGeoError(
            f"{len(clean)} Ebenen als {fmt.upper()}: einen Dateinamen auf .zip angeben "
            "(eine Datei je Ebene im Zip) oder nur eine Ebene wählen."
        )
    with atomic_path(path) as tmp:
        try:
            _write(clean, tmp, plan=_Plan(fmt, as_zip, options), progress=progress)
        except _PYOGRIO_ERRORS as exc:
            raise StorageError(
                f"Export nach {path.name} fehlgeschlagen ({exc}). Die vorherige Datei ist "
                "unverändert."
            ) from exc
        _report(progress, "fsync", 1.0)
    log.info("export %s: %d Ebenen nach %s", fmt, len(clean), path)
    return path


def export_name(stem: str, *, fmt: ExportFormat, n_layers: int) -> str:
    """A safe download file name: ``stem`` reduced to ``A-Z a-z 0-9 _ -`` plus the suffix
    that :func:`export_bytes` produces (``.zip`` for several GeoJSON/CSV layers).

    >>> export_name("Quartier 5: Süd", fmt="csv", n_layers=3)
    'Quartier_5_S_d.zip'
    """
    _check_format(fmt)
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:80] or "export"
    suffix = ".zip" if fmt != "gpkg" and n_layers > 1 else _EXT[fmt]
    return base + suffix


def export_bytes(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    fmt: ExportFormat,
    options: FormatOptions = _DEFAULT_OPTIONS,
    progress: Progress | None = None,
) -> bytes:
    """The file :func:`export_layers` would write, as bytes (for ``st.download_button``).

    GeoJSON and CSV with several layers give a zip; with one layer the plain file. Use
    :func:`export_name` for the matching file name.
    """
    _check_format(fmt)
    n = len(_clean_layers(layers))
    name = export_name("export", fmt=fmt, n_layers=n)
    with tempfile.TemporaryDirectory(prefix="qg-bytes-") as tmp:
        target = Path(tmp) / name
        export_layers(layers, target, fmt=fmt, options=options, progress=progress)
        return target.read_bytes()
