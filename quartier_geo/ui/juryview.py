"""Jury page: criteria of all quarters, weights and ranking with its sensitivity, small
multiples of the outlines, and how well the selection represents the Ruhr's settlement types.

The weights are persistent values in the session and the URL (``w_<criterion>``); the
ranking and its sensitivity come from :mod:`quartier_geo.domain.selection`, the tiles from
:mod:`quartier_geo.views.tiles`.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from quartier_geo.base.i18n import label, t
from quartier_geo.base.numfmt import fmt_number
from quartier_geo.domain import selection
from quartier_geo.ui import state, widgets
from quartier_geo.ui.data import jury_criteria
from quartier_geo.ui.frame import Context
from quartier_geo.views import charts
from quartier_geo.views.palette import QUARTER_TYPE_COLORS
from quartier_geo.views.tiles import DEFAULT_FILL, Tile, legend_html, tiles_html

__all__ = [
    "WEIGHT_OPTIONS",
    "criteria",
    "header",
    "parse_weight",
    "ranking",
    "representativeness",
    "small_multiples",
    "weight_key",
    "weights",
]

#: Slider range and step of a criterion's weight.
_WEIGHT_MIN, _WEIGHT_MAX, _WEIGHT_DEFAULT, _WEIGHT_STEP = 0.0, 3.0, 1.0, 0.5
#: Width and height of one small-multiple picture (px) and the scale bar's length (m).
_TILE_PX = 150
_SCALE_BAR_M = 1000.0


def header(ctx: Context) -> None:
    st.title(ctx.t("page_jury"))
    st.caption(ctx.t("jury_intro"))


def _specs() -> dict[str, selection.Criterion]:
    return {c.name: c for c in selection.CRITERIA}


def _share_columns() -> list[str]:
    """Criteria that are shares (0..1), shown in per cent."""
    specs = _specs()
    return [
        c for c in specs if specs[c].unit == "%" or c.startswith("share") or c.endswith("_share")
    ]


def criteria(ctx: Context) -> None:
    """The criteria table of all quarters (shares in per cent)."""
    lang = ctx.lang
    names = ctx.data.quarters[["quarter_id", "name", "municipality"]]
    table = jury_criteria().reset_index().merge(names, on="quarter_id")
    shares = _share_columns()
    shown = table.assign(
        **{col: 100 * table[col] for col in shares},
        type_label=[label("quarter_type", v, lang) for v in table["quarter_type"]],
    )
    columns: dict[str, tuple[str, str | None, int | None]] = {
        "municipality": (t("municipality", lang), None, 0),
        "name": (t("name", lang), None, 0),
        "type_label": (t("quarter_type", lang), None, 0),
    }
    for name, spec in _specs().items():
        unit = "%" if name in shares else selection.unit_text(spec.unit, lang)
        columns[name] = (
            getattr(spec, widgets.lang_column("label", lang)),
            unit,
            0 if name in shares else 1,
        )
    st.subheader(t("criteria", lang))
    widgets.table(shown, columns=columns, lang=lang, style=widgets.TableStyle(key="criteria_table"))
    st.caption(t("criteria_note", lang))


def weight_key(name: str) -> str:
    """The persistent value and URL parameter of a criterion's weight: ``w_<criterion>``."""
    return f"w_{name}"


#: The weights a slider offers (0 to 3 in steps of 0.5).
WEIGHT_OPTIONS: tuple[float, ...] = tuple(
    _WEIGHT_MIN + i * _WEIGHT_STEP
    for i in range(round((_WEIGHT_MAX - _WEIGHT_MIN) / _WEIGHT_STEP) + 1)
)


def parse_weight(raw: str) -> float:
    """A weight from the URL, clamped to 0..3 and snapped to the slider's step.

    >>> parse_weight("1.2"), parse_weight("1e308"), parse_weight("-7")
    (1.0, 3.0, 0.0)
    """
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"weight {raw!r} is not a finite number")
    value = min(max(value, _WEIGHT_MIN), _WEIGHT_MAX)
    return round(value / _WEIGHT_STEP) * _WEIGHT_STEP


def _reset_weights() -> None:
    for name in _specs():
        key = weight_key(name)
        st.session_state[key] = st.session_state[f"_w_{key}"] = _WEIGHT_DEFAULT
        st.query_params[key] = str(_WEIGHT_DEFAULT)


def weights(ctx: Context) -> dict[str, float] | None:
    """One slider per criterion; None (after a warning) if all weights are 0.

    Each weight lives in the session and in the URL (``?w_share_fossil=2.0``): it survives
    leaving the page, and a copied link opens the same weighting. Values from a link are
    snapped to the step and clamped to 0..3; text or NaN give the default.
    """
    lang = ctx.lang
    st.subheader(ctx.t("weights"))
    cols = st.columns(4)
    chosen: dict[str, float] = {}
    for i, (name, spec) in enumerate(_specs().items()):
        key = weight_key(name)
        state.init_from_query(
            key, _WEIGHT_DEFAULT, parse=parse_weight, bounds=(_WEIGHT_MIN, _WEIGHT_MAX)
        )
        with cols[i % 4]:
            st.select_slider(
                getattr(spec, widgets.lang_column("label", lang)),
                options=WEIGHT_OPTIONS,
                format_func=lambda v: fmt_number(v, lang=lang, decimals=1),
                help=t(f"jury_why_{name}", lang),
                **state.widget_kwargs(key),
            )
        chosen[name] = float(state.get(key, _WEIGHT_DEFAULT))
    state.write_query(*(weight_key(n) for n in chosen))
    st.button(ctx.t("jury_weights_reset"), on_click=_reset_weights, key="jury_weights_reset")
    st.caption(ctx.t("jury_weights_link"))
    if sum(chosen.values()) <= 0:
        st.warning(ctx.t("weights_zero"))
        return None
    return chosen


def ranking(ctx: Context, chosen: dict[str, float]) -> None:
    """The weighted ranking as a bar chart and a table with the rank range under ±20 %."""
    lang = ctx.lang
    table = jury_criteria()
    ranks = selection.rank(table, chosen)
    sens = selection.rank_sensitivity(table, chosen, spread=0.2, samples=200, seed=0)
    result = ranks.join(sens[["rank_min", "rank_median", "rank_max"]])
    result["label"] = pd.Series(widgets.quarter_labels(ctx.data.quarters)).reindex(result.index)
    left, right = st.columns([3, 2])
    with left:
        fig = charts.ranking_bar(
            result.reset_index(),
            score=charts.Measure("score", title=t("score", lang)),
            rows=charts.RankingRows(name_column="label", selected=ctx.quarter_id),
            lang=lang,
        )
        widgets.chart(fig, key="ranking")
    with right:
        widgets.table(
            result.reset_index().sort_values("rank"),
            columns={
                "rank": (t("rank", lang), None, None),
                "label": (t("quarter", lang), None, 0),
                "rank_min": (t("rank_best", lang), None, None),
                "rank_max": (t("rank_worst", lang), None, None),
            },
            lang=lang,
            style=widgets.TableStyle(height=560, key="rank_table"),
        )
        st.caption(t("sensitivity_note", lang))


def small_multiples(ctx: Context) -> None:
    """Every quarter's outline at one scale, coloured by settlement type, with a legend."""
    lang = ctx.lang
    st.subheader(t("small_multiples", lang))
    quarters = ctx.data.quarters.set_index("quarter_id")
    labels = widgets.quarter_labels(ctx.data.quarters)
    tiles = [
        Tile(row.geometry, labels[int(q)], QUARTER_TYPE_COLORS.get(row.quarter_type, DEFAULT_FILL))
        for q, row in quarters.iterrows()
    ]
    st.html(tiles_html(tiles, size_px=_TILE_PX, scale_bar_m=_SCALE_BAR_M))
    st.html(
        legend_html({label("quarter_type", k, lang): c for k, c in QUARTER_TYPE_COLORS.items()})
    )
    st.caption(t("small_multiples_note", lang))


def representativeness(ctx: Context) -> None:
    """Residents' shares by settlement type: the selection against the region."""
    lang = ctx.lang
    st.subheader(t("representativeness", lang))
    rep = selection.representativeness(ctx.data.quarters, ctx.data.ref.region_shares)
    shown = rep.reset_index()
    shown = shown.assign(
        type_label=[label("quarter_type", v, lang) for v in shown["settlement_type"]],
        **{c: 100 * shown[c] for c in ("share_selection", "share_region", "difference")},
    )
    left, right = st.columns([2, 3])
    with left:
        widgets.metric(
            widgets.Quantity(t("similarity", lang), 100 * rep.attrs["similarity"], "%"),
            lang=lang,
            help=t("similarity_help", lang),
        )
    with right:
        widgets.table(
            shown,
            columns={
                "type_label": (t("quarter_type", lang), None, 0),
                "share_selection": (t("share_selection", lang), "%", 0),
                "share_region": (t("share_region", lang), "%", 0),
                "difference": (t("difference", lang), t("percentage_points", lang), 0),
            },
            lang=lang,
            style=widgets.TableStyle(key="rep_table"),
        )
    st.caption(t("region_assumption", lang))
