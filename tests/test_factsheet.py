"""Fact sheet: self-contained HTML, escaping, German numbers, the PDF (rendered and checked)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.numfmt import fmt_number
from quartier_geo.cli import report_main
from quartier_geo.data import layers
from quartier_geo.domain import energy
from quartier_geo.domain.bundle import (
    QuarterLayers,
    build_quarter_bundle,
    select_quarter,
)
from quartier_geo.domain.summary import summary_record
from quartier_geo.exports.factsheet import SheetOptions, fact_sheet_html, fact_sheet_pdf
from quartier_geo.exports.factsheet_parts import (
    _age_label,
    format_month,
    key_figures,
    markdown_html,
    supply_rows,
)
from quartier_geo.exports.render import CHROMIUM_ENV
from quartier_geo.views.map_assets import external_urls
from tests.helpers import require_tool

QUARTER = 20  # the smallest bundled quarter (311 buildings)
PAYLOAD = "<img src=x onerror=alert(1)>"
REMOTE = ("http:", "https:", "//")


class _Attributes(HTMLParser):
    """Every attribute of every tag (script and style contents are data, not tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        self.values += [(tag, name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def remote_references(html: str) -> list[str]:
    """src/href/... attributes and CSS url() that point to another host."""
    parser = _Attributes()
    parser.feed(html)
    found = [
        f"{tag} {name}={value}"
        for tag, name, value in parser.values
        if value.strip().lower().startswith(REMOTE)
    ]
    css = " ".join(parser.styles + [v for _, name, v in parser.values if name == "style"])
    found += re.findall(r"url\(\s*['\"]?\s*(?:https?:)?//[^)]*\)", css, re.IGNORECASE)
    found += re.findall(r"@import", css)
    return found


@pytest.fixture(scope="module")
def data(ref):
    return build_quarter_bundle(select_quarter(layers.load_region(ref), QUARTER), ref=ref)


@pytest.fixture(scope="module")
def html(data, ref) -> str:
    return fact_sheet_html(data, lang="de", ref=ref)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    """The PDF made once per module through the CLI entry point."""
    out = tmp_path_factory.mktemp("sheet") / "steckbrief.pdf"
    assert report_main(str(QUARTER), out, lang="de") == 0
    return out


@pytest.fixture(scope="module")
def pages(pdf, tmp_path_factory) -> list[Image.Image]:
    pdftoppm = require_tool("pdftoppm", package="poppler-utils")
    folder = tmp_path_factory.mktemp("pages")
    subprocess.run([pdftoppm, "-r", "40", "-png", str(pdf), str(folder / "p")], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob("p-*.png"))]


@pytest.fixture
def assessed(three_buildings, ref):
    return energy.assess_buildings(layers.validate_buildings(three_buildings, ref).buildings, ref)


def imported(buildings, ref, name):
    """The bundle of buildings from a file (no quarter, not synthetic)."""
    return build_quarter_bundle(QuarterLayers(buildings=buildings, name=name), ref=ref)


# ----------------------------------------------------------------------------- html
def test_html_is_self_contained(html):
    assert html.startswith("<!DOCTYPE html>")
    assert external_urls(html) == []
    assert remote_references(html) == []
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert html.count("<script") == 5  # plotly.js, three chart data blocks, the drawing script
    assert len(re.findall(r'<script type="application/json" id="chart-\d-data">', html)) == 3
    assert "@page" in html and "size: A4" in html


def test_html_shows_name_figures_map_facts_sources(html, data, ref):
    assert "<h1>Heven-Ost/Crengeldanz</h1>" in html
    rec = summary_record(data.buildings)
    floor = fmt_number(rec["conditioned_floor_area_m2"], lang="de")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", floor)  # German thousands: "1.234"
    assert f'{floor}<span class="unit">m²</span>' in html
    co2 = fmt_number(rec["co2_t_per_a"], lang="de")
    assert f'{co2}<span class="unit">t/a</span>' in html
    assert 'class="qg-map"' in html
    assert re.search(r">\d+ m</text>|>[\d,]+ km</text>", html)  # the scale bar
    for text in ("Kennzahlen", "kWh/(m²·a)", "Demodaten", "Berichtete Fakten", "CC BY 4.0", "GEG"):
        assert text in html
    facts = ref.quarter_texts.loc[QUARTER]
    assert facts["type_note_de"][:40] in html.replace("&#34;", '"')
    assert "Schwellen und Vergleichswerte" in html  # the methods summary
    assert "Gebäude nach spezifischem Nutzwärmebedarf" in html and "Baublöcke" not in html


def test_html_in_english(data, ref):
    stages: list[tuple[str, float]] = []
    html = fact_sheet_html(
        data,
        lang="en",
        ref=ref,
        options=SheetOptions(today=dt.date(2026, 1, 2)),
        progress=lambda s, f: stages.append((s, f)),
    )
    assert [s for s, _ in stages] == ["map", "charts", "html", "html"]
    assert [f for _, f in stages] == sorted(f for _, f in stages) and stages[-1][1] == 1.0
    rec = summary_record(data.buildings)
    assert fmt_number(rec["conditioned_floor_area_m2"], lang="en") in html
    assert "Key figures" in html and "Created on 2026-01-02" in html
    assert '<html lang="en">' in html


def test_payload_name_is_escaped(assessed, ref):
    html = fact_sheet_html(imported(assessed, ref, PAYLOAD), ref=ref)
    assert PAYLOAD not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    dollar = fact_sheet_html(imported(assessed, ref, "${alert(1)}"), ref=ref)
    assert "${alert(1)}" not in dollar and "&#36;{alert(1)}" in dollar
    assert "Importierte" in html or "importierten" in html  # not called synthetic
    assert "Demodaten:" not in html
    assert "keine berichteten Fakten" in html


def test_payload_in_reported_facts_is_escaped(data, ref):
    texts = ref.quarter_texts.copy()
    texts.loc[QUARTER, "facts_de"] = PAYLOAD + " `x` ${y}"
    evil = dataclasses.replace(ref, quarter_texts=texts)
    html = fact_sheet_html(data, ref=evil)
    assert PAYLOAD not in html and "&lt;img src=x onerror=alert(1)&gt; &#96;x&#96; &#36;{y}" in html


def test_static_charts_have_no_script(assessed, ref):
    html = fact_sheet_html(
        imported(assessed, ref, "Test"), ref=ref, options=SheetOptions(charts="static")
    )
    assert "<script" not in html
    assert html.count('src="data:image/svg+xml;base64,') == 3
    assert external_urls(html) == [] and remote_references(html) == []
    assert "https://" not in html.split("<h2>Quellen</h2>")[0]  # only the cited sources


def test_remote_reference_check_finds_links():
    page = '<img src="https://x.org/a.png"><a href="//y.org">y</a><style>b{background:url(http://z)}</style>'
    assert len(remote_references(page)) == 3
    assert remote_references("<script>var a = '<img src=\"https://x.org\">';</script>") == []


def test_markdown_and_month_helpers():
    html = str(markdown_html("### A & B\n\n| a | b |\n|---|---|\n| **x** | <y> |\n\n- one\n  two"))
    assert "<h3>A &amp; B</h3>" in html
    assert "<td><strong>x</strong></td><td>&lt;y&gt;</td>" in html
    assert "<ul><li>one two</li></ul>" in html
    assert format_month("2016-07", lang="de") == "07/2016"
    assert format_month("2018-02-13", lang="de") == "13.02.2018"
    assert format_month(None, lang="de") == "–"
    assert format_month("2018-02-13", lang="en") == "2018-02-13"  # ISO 8601
    assert format_month("2018-02-31", lang="de") == "2018-02-31"  # no such day: as given


def test_age_labels_and_supply_heads_in_both_languages():
    # IWU class A: up to 1859; L: from 2016; B: 1860-1918 (base/columns.py)
    assert [_age_label(a, "de") for a in "ABL"] == ["A bis 1859", "B 1860–1918", "L ab 2016"]
    assert [_age_label(a, "en") for a in "AL"] == ["A to 1859", "L from 2016"]
    empty = pd.DataFrame(columns=["co2_now_t_per_a", "co2_2030_t_per_a", "co2_2045_t_per_a"])
    assert supply_rows(empty, lang="de")[0][0] == "CO₂ heute (t/a)"
    assert supply_rows(empty, lang="en")[0][0] == "CO₂ today (t/a)"
    assert supply_rows(empty, lang="de")[0][3] == "Wärmekosten (€/MWh)"


def test_unknown_quarter_and_bad_target(ref, tmp_path, capsys):
    with pytest.raises(QuartierGeoError, match="unbekannt"):
        select_quarter(layers.load_region(ref), 99)
    assert report_main("99", tmp_path / "x.html") == 2
    assert "unbekannt" in capsys.readouterr().err
    assert report_main("5", tmp_path / "x.docx") == 2
    assert "Endung" in capsys.readouterr().err
    assert report_main(str(tmp_path / "missing.geojson"), tmp_path / "x.html") == 2


def test_report_main_with_a_building_file(three_buildings, tmp_path):
    src = tmp_path / "gebäude.geojson"
    three_buildings.to_file(src, driver="GeoJSON", engine="pyogrio")
    out = tmp_path / "sheet.html"
    assert report_main(str(src), out, lang="de") == 0
    text = out.read_text(encoding="utf-8")
    assert "<h1>gebäude</h1>" in text and "gebäude.geojson" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gebäude.geojson", "sheet.html"]


# ----------------------------------------------------------------------------- pdf
def test_pdf_has_two_to_four_pages_none_blank(pdf, pages):
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert 2 <= len(pages) <= 4
    for page in pages:
        ink = (np.asarray(page) < 200).mean()
        assert ink > 0.01, f"page looks blank ({ink:.4f} dark pixels)"
        assert page.size[0] < page.size[1]  # portrait A4


def test_pdf_text_has_name_units_and_german_numbers(pdf, data):
    pdftotext = require_tool("pdftotext", package="poppler-utils")
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Heven-Ost/Crengeldanz" in text
    assert "kWh" in text and "MWh/a" in text
    rec = summary_record(data.buildings)
    assert fmt_number(rec["heat_demand_mwh_per_a"], lang="de") in text
    assert "Seite 1 von" in text


def test_pdf_errors_are_german(html, tmp_path, monkeypatch):
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    with pytest.raises(QuartierGeoError, match="Chromium nicht gefunden"):
        fact_sheet_pdf("<p>x</p>", tmp_path / "a.pdf")
    slow = tmp_path / "slow-chromium"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv(CHROMIUM_ENV, str(slow))
    with pytest.raises(QuartierGeoError, match="nicht geantwortet"):
        fact_sheet_pdf("<p>x</p>", tmp_path / "b.pdf", timeout_s=1)
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "b.pdf").exists()


def test_block_map_for_public_mode(data, ref):
    html = fact_sheet_html(data, ref=ref, options=SheetOptions(blocks=True))
    assert "Baublöcke nach spezifischem Nutzwärmebedarf" in html
    svg = html[html.index('class="qg-map"') : html.index("</svg>")]
    n_blocks = data.buildings["block_id"].nunique()
    # one ring per block hull (plus the quarter outline) instead of one per building
    assert n_blocks < len(data.buildings) / 3
    assert svg.count("Z") <= n_blocks + 1


def test_module_status_section_shows_what_the_audience_may_see(data, ref, html):
    """The sheet lists the modules' status it is given (planners: their edits; public: the
    published status) and leaves the section out without one."""
    status = {"baseline": "done", "supply_concept": "in_progress"}
    options = SheetOptions(modules=status, today=dt.date(2019, 5, 1))
    sheet = fact_sheet_html(data, ref=ref, options=options)
    assert "Stand der Konzeptbausteine am 01.05.2019" in sheet
    assert "<dt>Grundlagenermittlung</dt><dd>erledigt</dd>" in sheet
    assert "<dt>Energieversorgungskonzept</dt><dd>in Arbeit</dd>" in sheet
    assert "Stand der Konzeptbausteine" not in html  # default: no module section


def test_key_figures_show_the_calculated_demand_and_the_typical_consumption(assessed):
    rows = key_figures(assessed, quarter=None, lang="de")
    label, value, unit = next(r for r in rows if "Verbrauch" in r[0])
    assert label == "Bedarf (berechnet) / Verbrauch (typisch)"
    assert unit == "MWh/a"
    # three buildings: demand 178.1 MWh/a (TABULA); consumption by the calibration line
    # (assumptions.csv, s = 59/124 above 60 kWh/(m²·a)): 16,244.1 + 74,412.4 + 24,589.0 kWh/a
    s = 59 / 124
    consumption = 100 * (60 + s * 215.3) + 522 * (60 + s * 173.5) + 348 * (60 + s * 22.4)
    demand = 100 * 275.3 + 522 * 233.5 + 348 * 82.4
    assert value == (
        f"{fmt_number(demand / 1000, lang='de', decimals=0)} / "
        f"{fmt_number(consumption / 1000, lang='de', decimals=0)}"
    )
    assert value == "178 / 115"


def test_supply_rows_show_the_cost_or_say_it_is_unsourced():
    options = pd.DataFrame(
        {
            "label_de": ["Gas-Brennwertkessel", "Pelletkessel"],
            "suitability_de": ["+", "+"],
            "co2_now_t_per_a": [10.0, 1.0],
            "co2_2030_t_per_a": [10.0, 1.0],
            "co2_2045_t_per_a": [10.0, 1.0],
            "cost_eur_per_mwh": [1234.4, float("nan")],
        }
    )
    _, rows = supply_rows(options, lang="de")
    assert rows[0]["co2"][3] == "1.234"  # German thousands separator, no decimals
    assert rows[1]["co2"][3] == "keine belegte Zahl"
