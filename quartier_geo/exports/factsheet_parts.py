"""Building blocks of the fact sheet: key figures, charts, facts, sources, Markdown.

Split from :mod:`quartier_geo.exports.factsheet` to keep modules small. Every text from data leaves
this module escaped (:func:`quartier_geo.base.escape.js_safe`) or as plain ``str`` that the
template escapes; HTML that is built here is returned as ``markupsafe.Markup``.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from quartier_geo.base.columns import AGE_CLASS_YEARS
from quartier_geo.base.escape import js_safe
from quartier_geo.base.i18n import label, t
from quartier_geo.base.numfmt import Lang, fmt_day, fmt_number
from quartier_geo.data.reference import Reference
from quartier_geo.domain.refurbishment import ScenarioParams, scenario_path, target_lines
from quartier_geo.domain.summary import summary_record
from quartier_geo.exports.render import ImageOptions, chart_images
from quartier_geo.views import charts

__all__ = [
    "CHART_HEIGHT_PX",
    "CHART_WIDTH_PX",
    "ChartMode",
    "chart_blocks",
    "fact_sheet_figures",
    "format_month",
    "key_figures",
    "markdown_html",
    "quarter_facts",
    "source_list",
    "supply_rows",
]

ChartMode = Literal["interactive", "static"]
#: Chart size in CSS pixels: 680 px is the A4 width between 15 mm margins.
CHART_WIDTH_PX = 680
CHART_HEIGHT_PX = 300

_SPLIT_SOURCES = re.compile(r"\s;\s|\s*\n\s*")


def _number(x: object, lang: Lang, decimals: int = 0) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return "–"
    return fmt_number(float(x), lang=lang, decimals=decimals)  # type: ignore[arg-type]


def format_month(value: object, *, lang: Lang) -> str:
    """``2016-07`` → ``07/2016``; ``2018-02-13`` → ``13.02.2018`` (German) or ``2018-02-13``.

    Text that is not such a date (or not a real day) is returned as given.

    >>> format_month("2018-02-13", lang="en"), format_month("2016-07", lang="en")
    ('2018-02-13', '07/2016')
    """
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text.strip())
    if not m:
        return text or "–"
    year, month, day = m.groups()
    if day is None:
        return f"{month}/{year}"
    try:
        return fmt_day(dt.date(int(year), int(month), int(day)), lang=lang)
    except ValueError:  # 2018-02-31
        return text


def key_figures(
    assessed: gpd.GeoDataFrame, *, quarter: pd.Series | None, lang: Lang
) -> list[tuple[str, str, str]]:
    """(label, formatted value, unit) of the key figures, energy in MWh/a, CO2 in t/a.

    Specific demand = Σ useful heat [kWh/a] / Σ conditioned floor area [m²]. Residents,
    area and the concept start are the reported values of the quarter, where known.
    """
    rec = summary_record(assessed)
    area = float(rec["conditioned_floor_area_m2"])
    specific = rec["heat_demand_mwh_per_a"] * 1000.0 / area if area > 0 else float("nan")
    rows = [
        (t("fs_kf_buildings", lang), _number(rec["buildings"], lang), ""),
        (t("fs_kf_floor_area", lang), _number(area, lang), "m²"),
        (  # calculated demand and typical consumption side by side, both labelled
            f"{t('fs_kf_heat_demand', lang)} / {t('fs_kf_consumption', lang)}",
            f"{_number(rec['heat_demand_mwh_per_a'], lang)} / "
            f"{_number(rec['consumption_mwh_per_a'], lang)}",
            "MWh/a",
        ),
        (t("fs_kf_specific", lang), _number(specific, lang), "kWh/(m²·a)"),
        (t("fs_kf_final_energy", lang), _number(rec["final_energy_mwh_per_a"], lang), "MWh/a"),
        (t("fs_kf_co2", lang), _number(rec["co2_t_per_a"], lang), "t/a"),
        (
            t("fs_kf_potential_usual", lang),
            _number(rec["potential_usual_mwh_per_a"], lang),
            "MWh/a",
        ),
        (
            t("fs_kf_potential_advanced", lang),
            _number(rec["potential_advanced_mwh_per_a"], lang),
            "MWh/a",
        ),
        (
            t("fs_kf_heat_density", lang),
            _number(rec["heat_density_mwh_per_ha_a"], lang),
            "MWh/(ha·a)",
        ),
    ]
    if quarter is not None:
        residents = quarter.get("residents_reported")
        area_ha = quarter.get("area_ha_reported")
        rows += [
            (t("fs_kf_residents", lang), _number(residents, lang), ""),
            (t("fs_kf_area", lang), _number(area_ha, lang), "ha" if pd.notna(area_ha) else ""),
            (
                t("fs_kf_concept_start", lang),
                format_month(quarter.get("concept_start"), lang=lang),
                "",
            ),
        ]
    return rows


# ----------------------------------------------------------------------------- charts
def _age_label(age: str, lang: Lang) -> str:
    if age not in AGE_CLASS_YEARS:  # pooled small groups of a public sheet
        return label("age_class", age, lang)
    first, last = AGE_CLASS_YEARS.get(age, (None, None))
    if first is None and last is not None:
        span = t("age_up_to", lang).format(year=last)
    elif last is None and first is not None:
        span = t("age_from", lang).format(year=first)
    else:
        span = f"{first}–{last}"
    return f"{age} {span}"


def fact_sheet_figures(
    assessed: gpd.GeoDataFrame, options: pd.DataFrame, *, ref: Reference, lang: Lang
) -> list[tuple[str, go.Figure, str | None]]:
    """(title, figure, caption) of the three fact-sheet charts.

    Heat demand by building type stacked by age class; the CO2 paths at the default
    rate (0.7 %/a, the national rate of 2023–2025) and 3 %/a
    (:class:`~quartier_geo.domain.refurbishment.ScenarioParams` defaults otherwise) with the
    target lines of the default path; the CO2 of every supply option now, 2030 and 2045.
    """
    types = assessed["building_type"].dropna().unique()
    ages = assessed["age_class"].dropna().unique()
    breakdown = charts.breakdown_bar(
        assessed,
        value=charts.Measure(
            "useful_heat_kwh_per_a",
            title=f"{t('fs_kf_heat_demand', lang)} (MWh/a)",
            divisor=1000.0,
        ),
        groups=charts.Grouping(
            "building_type",
            title=t("building_type", lang),
            stack="age_class",
            labels={
                "building_type": {v: label("building_type", v, lang) for v in types},
                "age_class": {a: _age_label(str(a), lang) for a in ages},
            },
        ),
        lang=lang,
    )
    slow = scenario_path(assessed, ScenarioParams(), ref)
    fast = scenario_path(assessed, ScenarioParams(rate_per_a=0.03), ref)
    paths = charts.scenario_paths(
        {t("fs_scenario_1", lang): slow, t("fs_scenario_3", lang): fast},
        targets=target_lines(slow, ref),
        lang=lang,
    )
    co2 = charts.option_co2_bars(
        options, option_labels=options[f"label_{lang}"].to_dict(), lang=lang
    )
    _horizontal(breakdown)
    breakdown.update_yaxes(title=None)
    breakdown.update_layout(legend={"traceorder": "normal", "entrywidth": 110})
    _horizontal(co2)
    figures = [
        (t("fs_chart_breakdown", lang), breakdown, None, 260),
        (t("fs_chart_paths", lang), paths, t("fs_chart_paths_note", lang), 240),
        (t("fs_chart_supply", lang), co2, None, 270),
    ]
    out = []
    for title, fig, caption, height in figures:
        fig.update_layout(
            width=CHART_WIDTH_PX,
            height=height,
            autosize=False,
            legend_font_size=12,
            font={"size": 13},
            margin={"t": 30, "b": 10},
        )
        out.append((title, fig, caption))
    return out


def _horizontal(fig: go.Figure) -> None:
    """Turn vertical grouped bars into horizontal ones (long option names stay readable)."""
    x_title, y_title = fig.layout.xaxis.title.text, fig.layout.yaxis.title.text
    for trace in fig.data:
        trace.update(
            x=trace.y,
            y=trace.x,
            orientation="h",
            hovertemplate="%{y} · %{fullData.name}: %{x:,.0f}<extra></extra>",
        )
    fig.update_xaxes(
        title=y_title, type="linear", tickangle=0, tickformat=",.0f", rangemode="tozero"
    )
    fig.update_yaxes(
        title=x_title,
        type="category",
        autorange="reversed",
        tickformat=None,
        rangemode=None,
        ticksuffix=" ",
    )


def _figure_json(fig: go.Figure) -> str:
    """Plotly JSON that is safe inside ``<script type="application/json">``."""
    text = fig.to_json()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_blocks(
    figures: Sequence[tuple[str, go.Figure, str | None]], *, mode: ChartMode
) -> list[dict[str, Any]]:
    """Template blocks (title, body HTML, caption) for the charts.

    ``"interactive"``: the figure JSON and a ``div`` that plotly.js (inlined once in the
    page) draws, also when Chromium prints the page. ``"static"``: an SVG image rendered
    by kaleido, embedded as a data URI (no script in the page).
    """
    blocks = []
    sizes = [
        (int(f.layout.width or CHART_WIDTH_PX), int(f.layout.height or CHART_HEIGHT_PX))
        for _, f, _ in figures
    ]
    if mode == "static":
        images = chart_images([f for _, f, _ in figures], options=ImageOptions("svg"))
        for (title, _, caption), svg, (w, h) in zip(figures, images, sizes, strict=True):
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
            body = Markup(f'<img src="{uri}" width="{w}" height="{h}" alt="{js_safe(title)}">')
            blocks.append({"title": title, "body": body, "caption": caption})
        return blocks
    for i, ((title, fig, caption), (w, h)) in enumerate(zip(figures, sizes, strict=True)):
        body = Markup(
            f'<div class="plot" id="chart-{i}" data-figure="chart-{i}-data" '
            f'style="width:{w}px;height:{h}px"></div>\n'
            f'<script type="application/json" id="chart-{i}-data">{_figure_json(fig)}</script>'
        )
        blocks.append({"title": title, "body": body, "caption": caption})
    return blocks


def supply_rows(options: pd.DataFrame, *, lang: Lang) -> tuple[list[str], list[dict[str, Any]]]:
    """Column heads and rows of the supply-option table (CO2 in t/a and the heat generation
    cost in EUR/MWh, formatted; a cost without a sourced number says so)."""
    heads = [
        f"{t('co2_now', lang)} (t/a)",
        "CO₂ 2030 (t/a)",
        "CO₂ 2045 (t/a)",
        f"{t('cost', lang)} (€/MWh)",
    ]

    def cost(row: pd.Series) -> str:
        value = row.get("cost_eur_per_mwh")
        return t("cost_missing", lang) if value is None or pd.isna(value) else _number(value, lang)

    rows = [
        {
            "label": row[f"label_{lang}"],
            "suitability": row[f"suitability_{lang}"],
            "co2": [
                *(
                    _number(row[c], lang)
                    for c in ("co2_now_t_per_a", "co2_2030_t_per_a", "co2_2045_t_per_a")
                ),
                cost(row),
            ],
        }
        for _, row in options.iterrows()  # nine options
    ]
    return heads, rows


# ----------------------------------------------------------------------------- facts
def quarter_facts(quarter_id: int | None, *, ref: Reference, lang: Lang) -> list[tuple[str, str]]:
    """(label, text) of the reported facts of a bundled quarter (quarter_texts.csv)."""
    if quarter_id is None or quarter_id not in ref.quarter_texts.index:
        return []
    row = ref.quarter_texts.loc[quarter_id]
    out = []
    for key, column in (
        ("fs_fact_type", "type_note"),
        ("fs_fact_completed", "completed"),
        ("fs_fact_results", "results"),
        ("fs_fact_facts", "facts"),
    ):
        text = str(row.get(f"{column}_{lang}", "") or "").strip()
        if text:
            out.append((t(key, lang), text))
    return out


def source_list(
    *, quarter_id: int | None, ref: Reference, lang: Lang, file_name: str | None
) -> tuple[list[str], list[str]]:
    """General sources of the sheet, and the quarter's own sources (URLs as plain text)."""
    general = [
        t("fs_source_tabula", lang),
        t("fs_source_geg", lang),
        t("fs_source_thresholds", lang),
    ]
    if file_name is not None:
        general.append(t("fs_source_file", lang).format(name=file_name))
    else:
        general.append(t("fs_source_demo", lang))
    own: list[str] = []
    if quarter_id is not None and quarter_id in ref.quarter_texts.index:
        raw = str(ref.quarter_texts.loc[quarter_id].get("source", "") or "")
        own = [s.strip() for s in _SPLIT_SOURCES.split(raw) if s.strip()]
    return general, own


# ----------------------------------------------------------------------------- markdown
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_CODE = re.compile(r"&#96;(.+?)&#96;")
_ITEM = re.compile(r"^(\d+)\.\s+|^[-*]\s+")


def _inline(text: str) -> str:
    html = js_safe(text.strip())
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _ITALIC.sub(r"<em>\1</em>", html)


def _table(lines: list[str]) -> str:
    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split("|")]

    head, body = cells(lines[0]), [cells(x) for x in lines[2:]]
    out = ["<table><thead><tr>", *(f"<th>{_inline(c)}</th>" for c in head), "</tr></thead><tbody>"]
    for row in body:
        out += ["<tr>", *(f"<td>{_inline(c)}</td>" for c in row), "</tr>"]
    return "".join([*out, "</tbody></table>"])


def _list(lines: list[str]) -> str:
    ordered = bool(re.match(r"^\d+\.", lines[0]))
    items: list[str] = []
    for line in lines:
        if _ITEM.match(line):
            items.append(_ITEM.sub("", line))
        elif items:
            items[-1] += " " + line.strip()
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{tag}>"


def markdown_html(text: str, *, heading_level: int = 3) -> Markup:
    """The Markdown subset of the shipped texts as HTML: ``#`` headings, paragraphs, ``|``
    tables, numbered and bulleted lists, ``**bold**``, ``*italic*`` and code spans.

    Every text is escaped first (:func:`js_safe`); only the tags above are produced.

    >>> str(markdown_html("### A & B\\n\\n1. **x** <y>"))
    '<h3>A &amp; B</h3>\\n<ol><li><strong>x</strong> &lt;y&gt;</li></ol>'
    """
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    out = []
    for block in blocks:
        first = block[0].lstrip()
        if first.startswith("#"):
            level = min(max(heading_level + first.count("#", 0, 4) - 3, 2), 6)
            out.append(f"<h{level}>{_inline(first.lstrip('#'))}</h{level}>")
            block = block[1:]
            if not block:
                continue
        if all(x.lstrip().startswith("|") for x in block) and len(block) >= 2:
            out.append(_table(block))
        elif _ITEM.match(block[0]):
            out.append(_list(block))
        else:
            out.append(f"<p>{_inline(' '.join(block))}</p>")
    return Markup("\n".join(out))
