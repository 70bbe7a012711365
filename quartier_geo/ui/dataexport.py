"""Data page, export part: layers, fact sheets and images as downloads.

Files are built only when the user asks (a button), kept in the session until the next
request, and offered with ``st.download_button``. Public and workshop servers export only
aggregates of at least N buildings (blocks, hectare cells, street segments), never a single
building, id or footprint (:mod:`quartier_geo.exports.public`, docs/ARCHITECTURE.md §11).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.modes import Mode
from quartier_geo.domain import phases
from quartier_geo.exports import factsheet, files
from quartier_geo.exports.heatplan import AREAS_LAYER
from quartier_geo.exports.public import public_layers
from quartier_geo.exports.static_map import PrintPage
from quartier_geo.ui import heatplan_areas
from quartier_geo.ui.data import (
    Bundle,
    min_buildings,
    plan_blocks,
    programme,
    public_cut,
    published,
    quarter_buildings,
    quarter_bundle,
)

__all__ = ["show"]

_READY = "_export_ready"


def _layers(data: Bundle, quarter_id: int, *, public: bool) -> dict:
    one, n = quarter_bundle(quarter_id), min_buildings()
    if public:
        out = public_layers(one, min_buildings=n, ref=data.ref).layers
    else:
        one = dataclasses.replace(one, plan_blocks=plan_blocks(quarter_id))  # an imported layer
        out = files.quarter_layers(one, ref=data.ref, min_buildings=n)
    # the supply areas of the Wärmeplanung page (public: the public blocks only)
    areas = heatplan_areas.download_layer(quarter_id, public=public)
    return out if areas.empty else {**out, AREAS_LAYER: areas}


def _withheld_note(quarter_id: int, *, lang: Lang) -> None:
    """Public and workshop: how many blocks, cells and segments the downloads leave out."""
    n = min_buildings()
    cut = public_cut(quarter_id)  # the same (cached) units as the public maps
    withheld = {"blocks": cut.block_buildings, "hectare_grid": cut.grid}
    if cut.streets is not None:
        withheld["streets"] = cut.streets
    parts = [
        t("privacy_withheld_" + name, lang).format(units=w.units, buildings=w.buildings)
        for name, w in withheld.items()
        if w.units
    ]
    st.caption(
        t("privacy_rule", lang).format(n=n)
        + (" " + t("privacy_withheld", lang).format(parts="; ".join(parts)) if parts else "")
    )


def _prepare(kind: str, build, *, lang: Lang) -> None:
    try:
        with st.spinner(t("export_running", lang)):
            st.session_state[_READY] = (kind, *build())
    except QuartierGeoError as exc:
        st.session_state.pop(_READY, None)
        st.error(str(exc))


def _module_status(data: Bundle, quarter_id: int, *, public: bool) -> dict[str, str] | None:
    """The concept modules' status today as this audience may see it (fact sheet)."""
    if quarter_id not in data.quarter_ids:  # own areas have no programme modules
        return None
    if public:
        return published().phases(quarter_id) or None
    row = phases.status_at(programme(drafts=True), dt.date.today()).loc[quarter_id]
    return {m.value: str(row[m.value]) for m in phases.Module}


def show(data: Bundle, quarter_id: int, *, mode: Mode, lang: Lang) -> None:
    public = mode is not Mode.PLANNER  # public and workshop servers: aggregates only
    quarter = data.quarter(quarter_id)
    stem = f"quartier_{quarter_id}" if quarter_id > 0 else "import"
    st.markdown(t("export_intro_public" if public else "export_intro", lang))
    if public:
        _withheld_note(quarter_id, lang=lang)

    c1, c2, c3 = st.columns(3)
    fmt = c1.selectbox(
        t("export_format", lang),
        ["gpkg", "geojson", "csv"],
        key="exp_fmt",
        format_func=lambda f: {"gpkg": "GeoPackage", "geojson": "GeoJSON", "csv": "CSV"}[f],
    )
    style = c2.selectbox(
        t("csv_style", lang),
        ["excel_de", "rfc4180"],
        key="exp_csv",
        format_func=lambda s: t("csv_" + s, lang),
        disabled=fmt != "csv",
    )
    if c3.button(t("export_prepare", lang), key="exp_layers"):
        layers = _layers(data, quarter_id, public=public)
        _prepare(
            "layers",
            lambda: (
                files.export_bytes(
                    layers,
                    fmt=fmt,  # type: ignore[arg-type]
                    options=files.FormatOptions(csv_style=style),  # type: ignore[arg-type]
                ),
                files.export_name(stem, fmt=fmt, n_layers=len(layers)),  # type: ignore[arg-type]
                "application/octet-stream",
            ),
            lang=lang,
        )

    s1, s2, s3 = st.columns(3)
    modules = _module_status(data, quarter_id, public=public)
    # the page's own bundle, titled with the municipality (a copy: the cached one stays),
    # with the Baublöcke of the Wärmeplanung page (the planner's imported layer, if any)
    sheet = dataclasses.replace(
        quarter_bundle(quarter_id),
        name=f"{quarter['municipality']} – {quarter['name']}",
        plan_blocks=plan_blocks(quarter_id),
    )
    if s1.button(t("sheet_html", lang), key="exp_html"):
        _prepare(
            "sheet",
            lambda: (
                factsheet.fact_sheet_html(
                    sheet,
                    lang=lang,
                    ref=data.ref,
                    options=factsheet.SheetOptions(
                        blocks=public, min_buildings=min_buildings(), modules=modules
                    ),
                ).encode(),
                f"steckbrief_{stem}.html",
                "text/html",
            ),
            lang=lang,
        )
    if s2.button(t("sheet_pdf", lang), key="exp_pdf"):
        _prepare(
            "sheet",
            lambda: (
                factsheet.fact_sheet_pdf_bytes(
                    factsheet.fact_sheet_html(
                        sheet,
                        lang=lang,
                        ref=data.ref,
                        options=factsheet.SheetOptions(
                            blocks=public,
                            charts="static",
                            min_buildings=min_buildings(),
                            modules=modules,
                        ),
                    )
                ),
                f"steckbrief_{stem}.pdf",
                "application/pdf",
            ),
            lang=lang,
        )
    if not public and s3.button(t("map_png", lang), key="exp_map"):
        _prepare(
            "map",
            lambda: (
                files.map_image(
                    quarter_buildings(quarter_id),
                    fmt="png",
                    quarter=sheet.quarter,
                    streets=sheet.streets,
                    page=PrintPage(lang=lang),
                ),
                f"karte_{stem}.png",
                "image/png",
            ),
            lang=lang,
        )

    ready = st.session_state.get(_READY)
    if ready:
        _kind, payload, filename, mime = ready
        st.download_button(
            f"{t('download', lang)}: {filename}",
            payload,
            file_name=filename,
            mime=mime,
            key="exp_download",
            type="primary",
        )
