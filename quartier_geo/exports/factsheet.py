"""The quarter fact sheet: one self-contained HTML page (screen and print), and its PDF.

Contents: title, the note on synthetic (or imported) data, key figures with units, a map of
the buildings by specific heat demand (inline SVG with legend and scale bar), three charts
(heat demand by type and age class; CO2 paths to 2045 at 0.7 %/a and 3 %/a against the
targets; CO2 of the supply options), the supply table, the heat plan's supply areas and
target indicators per Stützjahr (:mod:`.factsheet_heatplan`), the reported facts of the quarter,
the methods summary and the sources.

The page loads nothing from anywhere: CSS, the SVG map and plotly.js (for the interactive
charts, about 4.9 MB) are inside it, and a Content-Security-Policy forbids every network
request. Every text from data passes :func:`quartier_geo.base.escape.js_safe` (the template's
``finalize``). The PDF is this page printed by headless Chromium (A4, 3 pages for a
bundled quarter); plotly.js draws the charts as vectors while printing. The sheet loads no
data: it takes the quarter's bundle (:class:`quartier_geo.domain.bundle.QuarterBundle`), the
same one the app's pages show.

Command line (wired by :mod:`quartier_geo.cli`)::

    python -m quartier_geo report 5 --out steckbrief.pdf
    python -m quartier_geo report gebaeude.geojson --out steckbrief.html
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd
import plotly.offline
from markupsafe import Markup

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.escape import js_safe
from quartier_geo.base.i18n import label, long_text, t
from quartier_geo.base.numfmt import Lang, fmt_day
from quartier_geo.base.settings import MIN_BUILDINGS_DEFAULT
from quartier_geo.data.reference import Reference
from quartier_geo.domain import phases
from quartier_geo.domain.bundle import QuarterBundle
from quartier_geo.domain.privacy import pool_small_groups
from quartier_geo.exports.factsheet_heatplan import heatplan_block
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
from quartier_geo.exports.public import public_blocks
from quartier_geo.exports.render import print_pdf
from quartier_geo.exports.static_map import PrintPage, map_svg

__all__ = [
    "SheetOptions",
    "fact_sheet_html",
    "fact_sheet_pdf",
    "fact_sheet_pdf_bytes",
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


@dataclass(frozen=True)
class SheetOptions:
    """How the fact sheet is made.

    ``charts``: ``"interactive"`` puts plotly.js inline (about 4.9 MB, hover, printable);
    ``"static"`` embeds SVG images rendered by kaleido (a small page without any script;
    needs Chromium, 5–10 s). ``blocks``: public and workshop servers, the map shows the
    urban blocks instead of buildings, each coloured by Σ useful heat / Σ floor area of its
    buildings; blocks with fewer than ``min_buildings`` buildings are left out
    (:func:`quartier_geo.exports.public.public_blocks`). ``today``: the date printed on the
    sheet (default: today). ``modules``: the status of each concept module on that date
    (module code → status code of :mod:`quartier_geo.domain.phases`) as the audience may
    see it — the planners' edits for planners, the published status for the public; None
    leaves the section out (own areas, nothing published).
    """

    charts: ChartMode = "interactive"
    blocks: bool = False
    today: dt.date | None = None
    min_buildings: int = MIN_BUILDINGS_DEFAULT
    modules: Mapping[str, str] | None = None


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


def fact_sheet_html(
    bundle: QuarterBundle,
    *,
    ref: Reference,
    lang: Lang = "de",
    options: SheetOptions = SheetOptions(),
    progress: Progress | None = None,
) -> str:
    """The fact sheet of a quarter or of imported buildings as one self-contained HTML page.

    Parameters
    ----------
    bundle
        The quarter's bundle (:func:`quartier_geo.domain.bundle.build_quarter_bundle`): the
        same object the app's pages show, so sheet and pages agree. Its name is the title;
        its quarter row, reported facts and sources are shown where known.
    ref
        The reference the bundle was built with (texts, sources, scenario factors).
    options
        Chart mode, public block map, date (:class:`SheetOptions`).
    progress
        ``progress(stage, fraction)``: ``map``, ``charts``, ``html``.

    Returns
    -------
    str
        The HTML page. It contains no URL to load (no ``http(s)`` src/href).
    """
    if lang not in ("de", "en"):
        raise QuartierGeoError(f"Sprache {lang!r} unbekannt: 'de' oder 'en'.")
    report = progress or (lambda stage, fraction: None)
    data = bundle
    row = data.row
    report("map", 0.2)
    if options.blocks and data.blocks is None:
        raise QuartierGeoError(
            "Keine Block-Zuordnung (block_id) in den Gebäuden: keine Blockkarte."
        )
    shown = data.buildings
    if options.blocks:
        blocks = public_blocks(data, min_buildings=options.min_buildings)
        shown = blocks.shown if blocks is not None else shown
    svg = map_svg(
        shown,
        quarter=data.quarter,
        streets=data.streets,
        page=PrintPage(lang=lang, height_px=420, title=f"{t('fs_map', lang)}: {data.name}"),
    )
    report("charts", 0.4)
    charted = data.buildings
    if options.blocks:  # the public sheet: no chart group of fewer than N buildings
        charted = pool_small_groups(
            charted, ["building_type", "age_class"], min_buildings=options.min_buildings
        )
    figures = fact_sheet_figures(charted, data.supply, ref=ref, lang=lang)
    chart_html = chart_blocks(figures, mode=options.charts)
    report("html", 0.85)
    general, own = source_list(
        quarter_id=data.quarter_id, ref=ref, lang=lang, file_name=data.file_name
    )
    heads, rows = supply_rows(data.supply, lang=lang)
    subtitle = None
    if row is not None:
        parts = [row.get("municipality"), label("quarter_type", row.get("quarter_type"), lang)]
        subtitle = " · ".join(str(p) for p in parts if p is not None and pd.notna(p))
    note = (
        t("synthetic_note", lang)
        if data.synthetic
        else t("fs_imported_note", lang).format(name=data.file_name or data.name)
    )
    date = options.today or dt.date.today()
    page = t("fs_page", lang)
    names = phases.LABELS[lang]
    modules = [(names.get(m, m), names.get(s, s)) for m, s in (options.modules or {}).items()]
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
            figures=key_figures(data.buildings, quarter=row, lang=lang),
            map_svg=Markup(svg),
            map_caption=t("fs_map_caption_blocks" if options.blocks else "fs_map_caption", lang),
            charts=chart_html,
            supply_heads=heads,
            supply_rows=rows,
            heatplan=heatplan_block(
                data,
                ref=ref,
                lang=lang,
                public_min=options.min_buildings if options.blocks else None,
            ),
            facts=quarter_facts(data.quarter_id, ref=ref, lang=lang),
            modules=modules,
            modules_head=t("fs_modules", lang).format(date=fmt_day(date, lang=lang)),
            methods=markdown_html(long_text("methods", lang)),
            sources=general,
            quarter_sources=own,
            generated=t("fs_generated", lang).format(date=fmt_day(date, lang=lang)),
            css=Markup((_TEMPLATES / "factsheet.css").read_text(encoding="utf-8")),
            footer_left=_css_string(t("fs_footer", lang)),
            footer_right=Markup(
                f"{_css_string(page + ' ')} counter(page) "
                f"{_css_string(' ' + t('fs_of', lang) + ' ')} counter(pages)"
            ),
            plotly_js=_plotly_js() if options.charts == "interactive" else None,
        )
    )
    report("html", 1.0)
    return html


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
