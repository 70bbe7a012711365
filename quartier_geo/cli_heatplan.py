"""``python -m quartier_geo heatplan``: supply areas per Baublock and Stützjahr, the heat
generation costs per block and the target indicators of a quarter or a building file (WPG
§17-§19), as JSON or a table, optionally written to a GeoPackage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from quartier_geo.cli_common import clean, emit, records, target_bundle
from quartier_geo.domain.costs import AREA_COST_YEAR

__all__ = ["add_heatplan_command"]


#: Per block and Stützjahr in ``heatplan``'s output.
_BLOCK_FIELDS = (
    "block_id",
    "buildings",
    "heat_demand_mwh_per_a",
    "consumption_mwh_per_a",
    "heat_density_mwh_per_ha_a",
    "linear_heat_density_kwh_per_m_a",
    "network_distance_m",
    "supply_distance_m",
)


def _cmd_heatplan(args: argparse.Namespace) -> int:
    """Supply areas per block and Stützjahr and the target indicators (WPG §17-§19)."""
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain.heatplan_indicators import quarter_heatplan
    from quartier_geo.exports.heatplan import write_heatplan

    ref = load_reference()
    bundle = target_bundle(args.target, ref, by_name=True)
    plan = quarter_heatplan(bundle, ref=ref, heat_cost_year=args.cost_year)
    years = plan.rules.years
    costs: dict[str, dict[str, Any]] = {}
    if plan.block_costs is not None:
        for block_id, group in plan.block_costs.groupby("block_id"):
            costs[str(block_id)] = {
                str(o): clean(c)
                for o, c in zip(group["option"], group["cost_eur_per_mwh"], strict=True)
            }
    blocks: list[dict[str, Any]] = []
    if plan.areas is not None:
        for row in plan.areas.itertuples(index=False):
            record = {k: clean(getattr(row, k)) for k in _BLOCK_FIELDS}
            record["heat_cost_eur_per_mwh"] = costs.get(str(row.block_id), {})
            record["years"] = {
                str(y): {
                    "category": getattr(row, f"category_{y}"),
                    "likelihood": {
                        kind: clean(getattr(row, f"{kind}_{y}"))
                        for kind in ("network", "decentral", "hydrogen")
                    },
                }
                for y in years
            }
            blocks.append(record)
    summary = plan.summary.reset_index()
    payload: dict[str, Any] = {
        "quarter": bundle.name,
        "stuetzjahre": years,
        "likelihood_scale": {
            "3": "sehr wahrscheinlich geeignet",
            "2": "wahrscheinlich geeignet",
            "1": "wahrscheinlich ungeeignet",
            "0": "sehr wahrscheinlich ungeeignet",
        },
        "blocks": blocks,
        "indicators": records(summary),
        "indicators_by_carrier": records(plan.rows),
        # the CO2 price year of the heat generation costs per block (rule C1)
        "heat_cost_year": plan.heat_cost_year,
    }
    if args.out:
        write_heatplan(plan, Path(args.out))
        sys.stderr.write(f"Wärmeplan geschrieben: {args.out}\n")
    if args.format == "json":
        emit(payload, "json")
    else:
        emit(payload, "table", summary)
    return 0


def add_heatplan_command(sub: Any) -> None:
    """Register ``heatplan`` on the subparsers ``sub`` of :func:`quartier_geo.cli._parser`."""
    h = sub.add_parser(
        "heatplan", help="supply areas per block and Stützjahr, target indicators (WPG)"
    )
    h.add_argument("target", help="quarter id 1-20, quarter name or a building file")
    h.add_argument("--format", choices=["table", "json"], default="table")
    h.add_argument("--out", default=None, help="plan.gpkg: areas, indicator and cost layers")
    h.add_argument(
        "--cost-year",
        type=int,
        default=AREA_COST_YEAR,
        help=f"CO2 price year of the heat generation costs (default {AREA_COST_YEAR})",
    )
    h.set_defaults(func=_cmd_heatplan)
