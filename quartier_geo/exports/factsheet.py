"""The quarter fact sheet: one self-contained HTML page (screen and print), and its PDF.

Contents: title, the note on synthetic (or imported) data, key figures with units, a map of
the buildings by specific heat demand (inline SVG with legend and scale bar), three charts
(heat demand by type and age class; CO2 paths to 2045 at 1 %/a and 3 %/a against the
targets; CO2 of the supply options), the supply table, the reported facts of the quarter,
the methods summary and the sources.

The page loads nothing from anywhere: CSS, the SVG map and plotly.js (for the interactive
charts, about 4.9 MB) are inside it, and a Content-Security-Policy forbids every network
request. Every text from data passes :func:`quartier_geo.base.escape.js_safe` (the template's
``finalize``). The PDF is this page printed by headless Chromium (A4, 3 pages for a
bundled quarter); plotly.js draws the charts as vectors while printing.

Command line (wired by :mod:`quartier_geo.cli`)::

    python -m quartier_geo report 5 --out steckbrief.pdf
    python -m quartier_geo report gebaeude.geojson --out steckbrief.html
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import jinja2
import pandas as pd
import plotly.offline
from markupsafe import Markup

from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.base.escape import js_safe
from quartier_geo.base.i18n import label, long_text, t
from quartier_geo.base.numfmt import Lang
from quartier_geo.data import layers
from quartier_geo.data.reference import Reference, load_reference
from quartier_geo.domain import energy, supply
from quartier_geo.exports.factsheet_parts import (
    ChartMode,
    chart_blocks,
    fact_sheet_figures,
    key_figures,
    markdown_html,
    quarter_facts,
    source_list,
    supply_rows,
)
from quartier_geo.exports.files import Progress, write_bytes_atomic
from quartier_geo.exports.render import print_pdf
from quartier_geo.exports.static_map import map_svg
from quartier_geo.views.map_extra import aggregate_to_blocks

__all__ = [
    "SheetData",
    "building_file_data",
    "fact_sheet_html",
    "fact_sheet_pdf",
    "fact_sheet_pdf_bytes",
    "quarter_data",
    "report_main",
]

log = logging.getLogger(__name__)

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_TEXT_KEYS = (
    "fs_title",
    "fs_key_figures",
    "fs_kf_note",
    "fs_map",
    "fs_charts",
    "fs_supply_table",
    "fs_supply_option",
    "fs_supply_suitability",
    "fs_supply_note",
    "fs_facts",
    "fs_no_facts",
    "fs_methods",
    "fs_sources",
    "fs_source_quarter",
)


@dataclass(frozen=True, eq=False)
class SheetData:
    """Everything one fact sheet shows. ``assessed`` are assessed buildings in EPSG:25832.

    ``quarter`` is the quarter row (polygon and attributes such as ``municipality``,
    ``residents_reported``, ``concept_start``); ``quarter_id`` selects the reported facts
    and sources; ``file_name`` names an imported building file (then nothing is called
    synthetic unless ``synthetic`` says so).
    """

    name: str
    assessed: gpd.GeoDataFrame
    quarter: gpd.GeoDataFrame | None = None
    quarter_id: int | None = None
    streets: gpd.GeoDataFrame | None = None
    networks: gpd.GeoDataFrame | None = None
    potentials: gpd.GeoDataFrame | None = None
    synthetic: bool = False
    file_name: str | None = None


def _assessed(gdf: gpd.GeoDataFrame, ref: Reference, *, what: str) -> gpd.GeoDataFrame:
    """``gdf`` as assessed buildings: validated and assessed unless it already is."""
    if "useful_heat_kwh_per_a" in gdf.columns and "co2_t_per_a" in gdf.columns:
        return gdf
    validated = layers.validate_buildings(gdf, ref, what=what)
    return energy.assess_buildings(validated.buildings, ref)


def quarter_data(
    quarter_id: int, *, ref: Reference | None = None, path: Path | None = None
) -> SheetData:
    """The data of one of the bundled quarters (GeoPackage :func:`layers.geopackage_path`)."""
    ref = ref or load_reference()
    quarters = layers.load_layer("quarters", path=path)
    quarter = quarters[quarters["quarter_id"] == int(quarter_id)]
    if quarter.empty:
        ids = ", ".join(str(q) for q in sorted(quarters["quarter_id"]))
        raise QuartierGeoError(f"Quartier {quarter_id} unbekannt; vorhanden: {ids}.")
    buildings = layers.load_layer("buildings", path=path)
    buildings = buildings[buildings["quarter_id"] == int(quarter_id)]
    if buildings.empty:
        raise QuartierGeoError(f"Quartier {quarter_id} hat keine Gebäude in den Geodaten.")
    streets = layers.load_layer("streets", path=path)
    return SheetData(
        name=str(quarter["name"].iloc[0]),
        assessed=_assessed(buildings, ref, what="Die Gebäude des Quartiers"),
        quarter=quarter,
        quarter_id=int(quarter_id),
        streets=streets[streets["quarter_id"] == int(quarter_id)],
        networks=layers.load_layer("heat_networks", path=path),
        potentials=layers.load_layer("potentials", path=path),
        synthetic=True,
    )


def building_file_data(
    path: Path, *, ref: Reference | None = None, name: str | None = None
) -> SheetData:
    """The data of a canonical building file (GeoJSON or GeoPackage), validated and assessed."""
    ref = ref or load_reference()
    path = Path(path)
    gdf = layers.read_building_file(path)
    assessed = _assessed(gdf, ref, what=f"Die Datei {path.name}")
    return SheetData(name=name or path.stem, assessed=assessed, file_name=path.name)


def _css_string(text: str) -> Markup:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return Markup(f'"{escaped}"')


def _finalize(value: object) -> object:
    """Every ``{{ value }}`` of the template: Markup stays, everything else is js_safe-d."""
    if isinstance(value, Markup):
        return value
    return Markup(js_safe(value))


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _sheet_data(
    source: int | gpd.GeoDataFrame | SheetData,
    *,
    name: str | None,
    quarter: gpd.GeoDataFrame | None,
    quarter_id: int | None,
    streets: gpd.GeoDataFrame | None,
    networks: gpd.GeoDataFrame | None,
    potentials: gpd.GeoDataFrame | None,
    ref: Reference,
) -> SheetData:
    if isinstance(source, SheetData):
        return source
    if isinstance(source, bool) or not isinstance(source, int | gpd.GeoDataFrame):
        raise QuartierGeoError("Quartiers-ID (1–20) oder Gebäude als GeoDataFrame angeben.")
    if isinstance(source, int):
        data = quarter_data(source, ref=ref)
        return data if name is None else dataclasses.replace(data, name=name)
    if quarter is None and quarter_id is not None:
        quarters = layers.load_layer("quarters")
        quarter = quarters[quarters["quarter_id"] == int(quarter_id)]
    if quarter is not None and name is None and "name" in quarter.columns and len(quarter):
        name = str(quarter["name"].iloc[0])
    return SheetData(
        name=name or "Importierte Gebäude",
        assessed=_assessed(source, ref, what="Die Gebäude"),
        quarter=quarter,
        quarter_id=quarter_id,
        streets=streets,
        networks=networks,
        potentials=potentials,
        synthetic=quarter_id is not None,
        file_name=None if quarter_id is not None else (name or "Gebäude"),
    )


def fact_sheet_html(
    source: int | gpd.GeoDataFrame | SheetData,
    *,
    name: str | None = None,
    lang: Lang = "de",
    quarter: gpd.GeoDataFrame | None = None,
    quarter_id: int | None = None,
    streets: gpd.GeoDataFrame | None = None,
    networks: gpd.GeoDataFrame | None = None,
    potentials: gpd.GeoDataFrame | None = None,
    ref: Reference | None = None,
    charts: ChartMode = "interactive",
    blocks: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> str:
    """The fact sheet of a quarter or of imported buildings as one self-contained HTML page.

    Parameters
    ----------
    source
        A quarter id (1–20, read from the bundled GeoPackage), a GeoDataFrame of buildings
        (canonical or already assessed; validated and assessed when needed), or
        :class:`SheetData`.
    name
        Title of the sheet (default: the quarter's name, or "Importierte Gebäude").
    quarter, quarter_id
        With a GeoDataFrame: the quarter polygon row, and/or the id of a bundled quarter
        whose attributes, reported facts and sources the sheet shows.
    streets, networks, potentials
        Optional layers (EPSG:25832): streets in the map; heat networks and potentials for
        the suitability of the supply options (without them: "none in the data").
    charts
        ``"interactive"``: plotly.js inline (about 4.9 MB, hover, printable);
        ``"static"``: SVG images rendered by kaleido (small page without any script;
        needs Chromium, 5–10 s).
    blocks
        Public mode: the map shows urban blocks (``block_id``) instead of buildings, each
        coloured by Σ useful heat / Σ floor area of its buildings; blocks with fewer than
        3 buildings show no value (:func:`quartier_geo.views.map_extra.aggregate_to_blocks`).
    today
        Date printed on the sheet (default: today).
    progress
        ``progress(stage, fraction)``: ``load``, ``supply``, ``map``, ``charts``, ``html``.

    Returns
    -------
    str
        The HTML page. It contains no URL to load (no ``http(s)`` src/href).
    """
    if lang not in ("de", "en"):
        raise QuartierGeoError(f"Sprache {lang!r} unbekannt: 'de' oder 'en'.")
    report = progress or (lambda stage, fraction: None)
    ref = ref or load_reference()
    report("load", 0.0)
    data = _sheet_data(
        source,
        name=name,
        quarter=quarter,
        quarter_id=quarter_id,
        streets=streets,
        networks=networks,
        potentials=potentials,
        ref=ref,
    )
    if data.assessed.empty:
        raise QuartierGeoError("Keine Gebäude für den Steckbrief: erst Gebäude laden.")
    row = data.quarter.iloc[0] if data.quarter is not None and len(data.quarter) else None
    report("supply", 0.2)
    options = supply.supply_options(
        data.assessed,
        ref=ref,
        networks=data.networks,
        potentials=data.potentials,
        quarter_geometry=data.quarter if data.quarter is not None and len(data.quarter) else None,
    )
    report("map", 0.35)
    svg = map_svg(
        _block_map_data(data.assessed) if blocks else data.assessed,
        quarter=data.quarter,
        streets=data.streets,
        legend_title=t("fs_legend_specific", lang),
        title=f"{t('fs_map', lang)}: {data.name}",
        lang=lang,
        height_px=420,
    )
    report("charts", 0.5)
    figures = fact_sheet_figures(data.assessed, options, ref=ref, lang=lang)
    chart_html = chart_blocks(figures, mode=charts)
    report("html", 0.85)
    general, own = source_list(
        quarter_id=data.quarter_id, ref=ref, lang=lang, file_name=data.file_name
    )
    heads, rows = supply_rows(options, lang=lang)
    subtitle = None
    if row is not None:
        parts = [row.get("municipality"), label("quarter_type", row.get("quarter_type"), lang)]
        subtitle = " · ".join(str(p) for p in parts if p is not None and pd.notna(p))
    note = (
        t("synthetic_note", lang)
        if data.synthetic
        else t("fs_imported_note", lang).format(name=data.file_name or data.name)
    )
    date = today or dt.date.today()
    page = t("fs_page", lang)
    html = (
        _environment()
        .get_template("factsheet.html.j2")
        .render(
            lang=lang,
            t={key: t(key, lang) for key in _TEXT_KEYS},
            name=data.name,
            subtitle=subtitle,
            note=note,
            synthetic=data.synthetic,
            figures=key_figures(data.assessed, quarter=row, lang=lang),
            map_svg=Markup(svg),
            map_caption=t("fs_map_caption_blocks" if blocks else "fs_map_caption", lang),
            charts=chart_html,
            supply_heads=heads,
            supply_rows=rows,
            facts=quarter_facts(data.quarter_id, ref=ref, lang=lang),
            methods=markdown_html(long_text("methods", lang)),
            sources=general,
            quarter_sources=own,
            generated=t("fs_generated", lang).format(
                date=date.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d")
            ),
            css=Markup((_TEMPLATES / "factsheet.css").read_text(encoding="utf-8")),
            footer_left=_css_string(t("fs_footer", lang)),
            footer_right=Markup(
                f"{_css_string(page + ' ')} counter(page) "
                f"{_css_string(' ' + t('fs_of', lang) + ' ')} counter(pages)"
            ),
            plotly_js=_plotly_js() if charts == "interactive" else None,
        )
    )
    report("html", 1.0)
    return html


def _block_map_data(assessed: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Blocks with their specific demand Σ Q_nd / Σ A_C [kWh/(m²·a)] (NaN below 3 buildings)."""
    agg = aggregate_to_blocks(
        assessed, value_columns=("useful_heat_kwh_per_a", "conditioned_floor_area_m2")
    )
    area = agg["conditioned_floor_area_m2"]
    agg["useful_heat_kwh_per_m2a"] = agg["useful_heat_kwh_per_a"] / area.where(area > 0)
    return agg


def _plotly_js() -> Markup:
    """plotly.js of the installed plotly package, safe inside a ``<script>`` element."""
    return Markup(plotly.offline.get_plotlyjs().replace("</script", "<\\/script"))


def fact_sheet_pdf_bytes(html: str, *, timeout_s: float = 60.0) -> bytes:
    """The PDF of a fact sheet page (:func:`fact_sheet_html`), printed by headless Chromium.

    Raises :class:`QuartierGeoError` (German message) when Chromium is missing, fails or
    does not finish within ``timeout_s``.
    """
    return print_pdf(html, timeout_s=timeout_s)


def fact_sheet_pdf(
    html: str, path: Path, *, timeout_s: float = 60.0, progress: Progress | None = None
) -> Path:
    """Print the fact sheet ``html`` to the PDF file ``path`` (A4, written atomically)."""
    if progress:
        progress("pdf", 0.0)
    data = fact_sheet_pdf_bytes(html, timeout_s=timeout_s)
    out = write_bytes_atomic(Path(path), data)
    if progress:
        progress("pdf", 1.0)
    return out


def report_main(target: str, out: Path, *, lang: Lang = "de") -> int:
    """CLI: write the fact sheet of ``target`` to ``out`` (``.html`` or ``.pdf``).

    ``target`` is a quarter id (``"5"``) or the path of a canonical building file
    (GeoJSON or GeoPackage). Returns 0 on success, 2 on bad input (message on stderr).
    """
    started = time.perf_counter()
    out = Path(out)
    try:
        suffix = out.suffix.lower()
        if suffix not in (".html", ".htm", ".pdf"):
            raise QuartierGeoError(f"Ausgabe {out.name}: Endung .html oder .pdf angeben.")
        ref = load_reference()
        text = str(target).strip()
        data = (
            quarter_data(int(text), ref=ref)
            if text.isdigit()
            else building_file_data(Path(text), ref=ref)
        )
        html = fact_sheet_html(data, lang=lang, ref=ref)
        if suffix == ".pdf":
            fact_sheet_pdf(html, out)
        else:
            write_bytes_atomic(out, html.encode("utf-8"))
    except DataValidationError as exc:
        sys.stderr.write(str(exc) + "\n")
        return 2
    except QuartierGeoError as exc:
        sys.stderr.write(f"Fehler: {exc}\n")
        return 2
    sys.stderr.write(f"Steckbrief geschrieben: {out} ({time.perf_counter() - started:.1f} s)\n")
    return 0
