"""Data page, import part: upload, answer the gate's questions, correct the mapping,
preview, confirm. Nothing is written before the user confirms; then one transaction.

The gate (:func:`quartier_geo.imports.pipeline.inspect_upload`) never raises: it returns
``Rejected`` (shown as an error), ``NeedsChoice`` (a question: layer, CRS, swapped axes)
or ``Accepted`` (warnings, fills, the proposed mapping and the canonical buildings).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import streamlit as st

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import Lang, label, t
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.base.numfmt import fmt_timestamp, fmt_values
from quartier_geo.base.settings import published_path
from quartier_geo.data import published_areas
from quartier_geo.domain import energy
from quartier_geo.imports.fill import QUARTER_TYPE_DEFAULTS, ImportDefaults
from quartier_geo.imports.pipeline import ImportOptions, inspect_upload, remap
from quartier_geo.imports.saved import ImportInfo, delete_import, list_imports, save_import
from quartier_geo.imports.schemas import TARGETS
from quartier_geo.ui import blockimport, editing, mapview, publishing, widgets
from quartier_geo.ui.data import bundle, forget_published, published, workspace
from quartier_geo.views import maps

__all__ = ["preview_table", "show_import", "show_imports"]

_RESULT = "_import_result"
_ANSWERS = "_import_answers"
_TYPES = ["geojson", "json", "gpkg", "zip", "csv", "gml", "xml"]
_IGNORE = "—"
#: Columns of the canonical schema whose codes are labelled (base/i18n vocabularies).
_VOCABULARIES = {
    "building_type": "building_type",
    "heating_carrier": "heating_carrier",
    "refurbishment_state": "refurbishment_state",
    "owner_type": "owner_type",
}


def _column_title(column: str, lang: Lang) -> str:
    return t(f"import_col_{column}", lang) if column in TARGETS else column


def _cell(value: object, column: str, lang: Lang, systems: pd.DataFrame) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if column in _VOCABULARIES:
        return label(_VOCABULARIES[column], value, lang)
    if column == "heating_system" and value in systems.index:
        return str(systems.loc[value, widgets.lang_column("label", lang)])
    if column == "source_date":
        return widgets.fmt_date(value, lang)
    if isinstance(value, (int, float)):
        return fmt_values([value], lang=lang)[0]
    return str(value)


def preview_table(buildings: pd.DataFrame, *, lang: Lang) -> pd.DataFrame:
    """The checked buildings for reading: headers in ``lang``, codes labelled, numbers in
    the language's format, empty cells as "–" (all cells text)."""
    systems = bundle().ref.systems
    return pd.DataFrame(
        {
            _column_title(col, lang): [_cell(v, col, lang, systems) for v in buildings[col]]
            for col in buildings.columns
        },
        index=buildings.index,
    )


def _message(obj: Any, lang: Lang) -> str:
    return str(getattr(obj, widgets.lang_column("message", lang)))


def _run(upload: Any, defaults: ImportDefaults, lang: Lang) -> None:
    answers = st.session_state.get(_ANSWERS, {})
    bar = st.progress(0.0, text=t("import_running", lang))

    def progress(stage: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{t('import_running', lang)} ({stage})")

    options = ImportOptions(defaults=defaults, progress=progress, **answers)
    st.session_state[_RESULT] = inspect_upload(
        upload.getvalue(), upload.name, ref=bundle().ref, options=options
    )
    bar.empty()


def show_import(*, mode: Mode, lang: Lang) -> None:
    st.markdown(t("import_intro", lang))
    st.caption(t("bplan_import_hint", lang))
    upload = st.file_uploader(t("import_file", lang), type=_TYPES, key="import_upload")
    c1, c2 = st.columns(2)
    qtype = c1.selectbox(
        t("import_quarter_type", lang),
        [None, *QUARTER_TYPE_DEFAULTS],
        format_func=lambda v: (
            t("import_no_type", lang) if v is None else label("quarter_type", v, lang)
        ),
        key="import_qtype",
    )
    carrier = c2.selectbox(
        t("import_carrier", lang),
        ["gas", "oil", "district_heating", "electricity", "biomass", "coal"],
        format_func=lambda v: label("heating_carrier", v, lang),
        key="import_carrier",
    )
    defaults = ImportDefaults(quarter_type=qtype, heating_carrier=carrier)
    if upload is None:
        st.session_state.pop(_RESULT, None)
        st.session_state.pop(_ANSWERS, None)
        return
    if st.button(t("import_check", lang), key="import_check", type="primary"):
        st.session_state[_ANSWERS] = {}
        _run(upload, defaults, lang)
    result = st.session_state.get(_RESULT)
    if result is None:
        return
    if result.kind == "rejected":
        st.error(_message(result, lang))
        return
    if result.kind == "choice":
        st.warning(_message(result, lang))
        options = {str(o.value): o for o in result.options}
        choice = st.radio(
            t("import_choose", lang),
            list(options),
            key="import_choice",
            format_func=lambda v: getattr(options[v], widgets.lang_column("label", lang), v),
        )
        if st.button(t("import_continue", lang), key="import_continue"):
            answers = dict(st.session_state.get(_ANSWERS, {}))
            answers[result.parameter] = (
                choice == "True" if result.parameter == "swap_axes" else choice
            )
            st.session_state[_ANSWERS] = answers
            _run(upload, defaults, lang)
            st.rerun()
        return
    _accepted(result, upload.name, defaults, mode=mode, lang=lang)


def _accepted(
    result: Any, filename: str, defaults: ImportDefaults, *, mode: Mode, lang: Lang
) -> None:
    if result.layer_kind == "blocks":  # a Baublock layer, not buildings
        blockimport.accepted(result, mode=mode, lang=lang)
        return
    st.success(
        t("import_readable", lang).format(
            n=len(result.features), schema=result.mapping.title or result.mapping.schema
        )
    )
    for issue in (*result.warnings, *result.fills):
        st.caption("• " + widgets.md_escape(_message(issue, lang)))
    with st.expander(t("import_mapping", lang), expanded=result.buildings is None):
        source = [c for c in result.features.columns if c != "geometry"]
        targets = [_IGNORE, *TARGETS]
        table = pd.DataFrame(
            {
                "source": source,
                "target": [result.mapping.fields.get(c, _IGNORE) for c in source],
            }
        )
        edited = st.data_editor(
            table,
            hide_index=True,
            key="import_mapping_editor",
            disabled=["source"],
            column_config={
                "source": st.column_config.TextColumn(t("import_source_col", lang)),
                "target": st.column_config.SelectboxColumn(
                    t("import_target_col", lang),
                    options=targets,
                    required=True,
                    format_func=lambda v: (
                        t("import_col_ignore", lang)
                        if v == _IGNORE
                        else _column_title(str(v), lang)
                    ),
                ),
            },
        )
        if st.button(t("import_apply_mapping", lang), key="import_remap"):
            fields = {r.source: r.target for r in edited.itertuples() if r.target != _IGNORE}
            mapping = dataclasses.replace(result.mapping, fields=fields)
            st.session_state[_RESULT] = remap(result, mapping, ref=bundle().ref, defaults=defaults)
            st.rerun()
    if result.buildings is None or result.buildings.empty:
        for problem in result.problems:
            st.error(problem)
        return
    assessed = energy.assess_buildings(result.buildings, bundle().ref)
    total = energy.summarise(assessed).iloc[0]
    widgets.metric_row(
        [
            (t("buildings", lang), total["buildings"], "", 0),
            (t("heat_demand", lang), total["heat_demand_mwh_per_a"], "MWh/a", 0),
            (t("co2", lang), total["co2_t_per_a"], "t/a", 0),
        ],
        lang=lang,
        help=t("modelled_note", lang),
    )
    m = maps.quarter_map(
        assessed,
        maps.ColourBy("useful_heat_kwh_per_m2a", t("specific_demand", lang), unit="kWh/(m²·a)"),
        info=maps.FeatureInfo(tooltip=[("building_id", t("building_id", lang), "")]),
        display=maps.Display(lang=lang),
    )
    mapview.static_map(m, height=420)
    st.dataframe(
        preview_table(result.buildings.drop(columns="geometry").head(200), lang=lang),
        hide_index=True,
        key="import_preview",
    )
    with st.form("import_confirm"):
        name = st.text_input(
            t("import_name", lang),
            value=filename.rsplit(".", 1)[0],
            max_chars=80,
            key="import_name",
        )
        who = editing.author(lang, mode=mode, form="import_confirm")
        if st.form_submit_button(t("import_confirm", lang), type="primary") and (
            editing.may_save(who, lang)
        ):
            try:
                key = save_import(workspace(), result, name=name.strip() or filename, editor=who)
            except QuartierGeoError as exc:
                st.error(str(exc))
            else:
                st.session_state.pop(_RESULT, None)
                st.success(t("import_saved", lang).format(name=name, key=key))


def show_imports(*, mode: Mode, lang: Lang, editable: bool) -> None:
    """The own areas: the drafts' list with delete and publish (planner server), the
    published ones elsewhere."""
    if mode is not Mode.PLANNER:
        publishing.published_area_list(lang)
        return
    imports = list_imports(workspace())
    if not imports:
        st.caption(t("imports_none", lang))
        return
    rows = pd.DataFrame([dataclasses.asdict(i) for i in imports])
    rows["created_at"] = [fmt_timestamp(v, lang=lang) for v in rows["created_at"]]
    widgets.table(
        rows,
        columns={
            "name": (t("name", lang), None, 0),
            "buildings": (t("buildings", lang), None, 0),
            "source_filename": (t("import_file", lang), None, 0),
            "schema": (t("import_schema", lang), None, 0),
            "created_at": (t("changed_at", lang), None, 0),
            "author": (t("author", lang), None, 0),
        },
        lang=lang,
        style=widgets.TableStyle(key="imports_table"),
    )
    st.caption(t("imports_open", lang))
    if editable:
        with st.form("import_delete"):
            keys = {i.key: i for i in imports}
            key = st.selectbox(
                t("import_delete_which", lang), list(keys), format_func=lambda k: keys[k].name
            )
            who = editing.author(lang, mode=mode, form="import_delete")
            if st.form_submit_button(t("import_delete", lang)) and editing.may_save(who, lang):
                try:
                    _withdraw_if_published(keys[key], who)
                    delete_import(workspace(), key, expected_version=keys[key].version, editor=who)
                except QuartierGeoError as exc:
                    st.error(str(exc))
                else:
                    st.success(t("import_deleted", lang))
    if editable:
        publishing.area_controls(imports, mode=mode, lang=lang)


def _withdraw_if_published(info: ImportInfo, who: Editor) -> None:
    """A deleted import leaves nothing public behind: its publication is withdrawn first."""
    if published().published("area", info.quarter_id, info.key):
        published_areas.withdraw_area(
            workspace(), info.key, info.quarter_id, path=published_path(), editor=who
        )
        forget_published()
