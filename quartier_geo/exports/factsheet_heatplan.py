"""The fact sheet's heat plan block: supply areas per Stützjahr (blocks and buildings per
category) and the target indicators per year (WPG §17-§19), formatted for the template.

The blocks are the Baublöcke of the heat plan (:func:`quartier_geo.domain.bundle.plan_view`),
with rule C1 on the heat costs of :data:`~quartier_geo.domain.costs.AREA_COST_YEAR`, as on
the page. Public sheets count only the public Baublöcke (``baubloecke`` of
:func:`quartier_geo.exports.public.public_units`: at least N buildings each; blocks without
buildings stay, as in the Baublock layer) and hide the
district-heating and gas figures of a year whose group is under N
(:func:`quartier_geo.domain.heatplan_indicators.public_summary`).
"""

from __future__ import annotations

from dataclasses import dataclass

from quartier_geo.base.i18n import t
from quartier_geo.base.numfmt import Lang, fmt_number
from quartier_geo.data.reference import Reference
from quartier_geo.domain import heatplan_indicators as hpi
from quartier_geo.domain.bundle import QuarterBundle
from quartier_geo.domain.costs import AREA_COST_YEAR
from quartier_geo.domain.privacy import cut_layer
from quartier_geo.domain.supply_areas import NO_BUILDINGS, AreaCategory
from quartier_geo.exports.public import public_areas, public_streets, public_units

__all__ = ["HeatplanBlock", "heatplan_block"]


@dataclass(frozen=True)
class HeatplanBlock:
    """Texts and cells of the block (all formatted strings)."""

    title: str
    area_heads: list[str]
    area_rows: list[list[str]]
    indicator_heads: list[str]
    indicator_rows: list[list[str]]
    note: str


def heatplan_block(
    bundle: QuarterBundle, *, ref: Reference, lang: Lang, public_min: int | None = None
) -> HeatplanBlock:
    """The block of ``bundle``; ``public_min``: the privacy minimum of a public sheet."""
    plan = hpi.quarter_heatplan(bundle, ref=ref, heat_cost_year=AREA_COST_YEAR)
    summary = plan.summary
    areas = plan.areas
    if public_min is not None:
        pooled = hpi.pooled_rows(plan.rows, min_buildings=public_min)
        summary = hpi.public_summary(summary, pooled)
        if areas is not None:
            units = public_units(bundle, min_buildings=public_min)
            ids = frozenset(str(b) for b in units.get("baubloecke", frozenset()))
            areas = cut_layer(areas, ids, id_column="block_id", min_buildings=public_min).shown
            streets = public_streets(bundle, min_buildings=public_min, units=units)
            areas = public_areas(
                areas,
                rules=plan.rules,
                streets=bundle.streets,
                public_street_ids=None if streets is None else set(streets.shown["street_id"]),
            )
    years = plan.rules.years
    area_rows = []
    categories = [c.value for c in AreaCategory]
    if public_min is not None:  # public blocks without buildings: outline only
        categories.append(NO_BUILDINGS)
    for category in categories:
        cells = [t(f"area_cat_{category}", lang)]
        for year in years:
            if areas is None:
                cells.append("–")
                continue
            hit = areas[areas[f"category_{year}"] == category]
            cells.append(
                t("fs_hp_blocks_buildings", lang).format(
                    blocks=len(hit), buildings=fmt_number(hit["buildings"].sum(), lang=lang)
                )
            )
        area_rows.append(cells)
    indicator_rows = [
        [
            str(year),
            fmt_number(row["final_energy_mwh_per_a"], lang=lang),
            fmt_number(row["co2_t_per_a"], lang=lang),
            fmt_number(100.0 * row["grid_bound_share"], lang=lang, decimals=1),
            fmt_number(row["buildings_heat_network"], lang=lang),
            fmt_number(row["buildings_gas_grid"], lang=lang),
        ]
        for year, row in summary.iterrows()
    ]
    return HeatplanBlock(
        title=t("fs_hp_title", lang),
        area_heads=[t("hp_category", lang), *(str(y) for y in years)],
        area_rows=area_rows,
        indicator_heads=[
            t("hp_year", lang),
            f"{t('final_energy', lang)} (MWh/a)",
            f"{t('co2', lang)} (t/a)",
            f"{t('hp_grid_bound_share', lang)} (%)",
            t("hp_buildings_heat_network", lang),
            t("hp_buildings_gas_grid", lang),
        ],
        indicator_rows=indicator_rows,
        note=t("fs_hp_note", lang),
    )
