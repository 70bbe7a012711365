"""``python -m quartier_geo network``: a first heat-network layout from the command line.

``network QUARTER_OR_FILE --source X,Y [--crs EPSG] [--blocks ID,ID] [--out layout.gpkg]``
lays trenches along the streets from the source to the buildings of the blocks
(:mod:`quartier_geo.domain.network`) and prints the figures; ``--source network`` starts at
the nearest existing network. A building file (GeoJSON/GeoPackage, through the upload gate)
takes the bundled streets around its buildings. Figures without a sourced parameter are
``null``. Bad input: a message on stderr, exit code 2, no traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import Point

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.cli_common import clean, emit, target_bundle

__all__ = ["add_network_command", "parse_source"]

_FIELDS = (
    "trench_length_m",
    "main_length_m",
    "service_length_m",
    "connected_demand_mwh_per_a",
    "linear_heat_density_kwh_per_m_a",
    "losses_mwh_per_a",
    "investment_main_eur",
    "investment_eur",
    "cost_eur_per_mwh",
    "heat_pump_cost_eur_per_mwh",
    "connected_buildings",
    "consumption_buildings",
)


def parse_source(text: str, crs: str | None) -> Point | None:
    """``"X,Y"`` in ``crs`` (default EPSG:25832) as a point in EPSG:25832; ``"network"``
    gives None (start at the nearest existing network)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    value = (text or "").strip()
    if value.lower() == "network":
        return None
    parts = value.replace(";", ",").split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        raise QuartierGeoError(
            f"--source {text!r}: zwei Zahlen 'Rechtswert,Hochwert' erwartet "
            "(z. B. 381850,5716320 in EPSG:25832) oder 'network'."
        ) from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise QuartierGeoError(f"--source {text!r}: Koordinaten müssen endliche Zahlen sein.")
    if crs is None and abs(x) <= 180 and abs(y) <= 90:
        raise QuartierGeoError(
            f"--source {text!r} sieht nach Länge/Breite in Grad aus, erwartet sind Meter in "
            "EPSG:25832. Für Grad --crs EPSG:4326 angeben (Länge,Breite)."
        )
    try:
        source_crs = CRS.from_user_input(crs or "EPSG:25832")
    except CRSError:
        raise QuartierGeoError(
            f"--crs {crs!r}: unbekanntes Bezugssystem, z. B. EPSG:25832."
        ) from None
    point = gpd.GeoSeries([Point(x, y)], crs=source_crs).to_crs("EPSG:25832").iloc[0]
    if point.is_empty or not all(math.isfinite(c) for c in point.coords[0]):
        raise QuartierGeoError(f"--source {text!r}: liegt außerhalb des Bezugssystems {crs}.")
    return point


def _layers(target: str) -> tuple[Any, Any]:
    """(bundle, reference) of a quarter id or a building file (:func:`target_bundle`); the
    bundle is the plan view: blocks are the Baublöcke of the heat plan."""
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain.bundle import plan_view

    ref = load_reference()
    return plan_view(target_bundle(target, ref)), ref


def _write(out: Path, layout: Any, *, blocks: gpd.GeoDataFrame | None) -> None:
    from quartier_geo.base.atomic import atomic_path

    if out.suffix.lower() != ".gpkg":
        raise QuartierGeoError(f"--out {out.name}: Endung .gpkg angeben.")
    with atomic_path(out) as tmp:
        layout.trenches.to_file(tmp, layer="trenches", driver="GPKG")
        gpd.GeoDataFrame({"kind": ["source"]}, geometry=[layout.source], crs="EPSG:25832").to_file(
            tmp, layer="source", driver="GPKG"
        )
        if blocks is not None and not blocks.empty:
            blocks[["block_id", "buildings", "geometry"]].to_file(
                tmp, layer="blocks", driver="GPKG"
            )


def _cmd_network(args: argparse.Namespace) -> int:
    from quartier_geo.domain import network as net

    source = parse_source(args.source, args.crs)  # bad input fails before the data loads
    bundle, ref = _layers(args.target)
    if args.blocks:
        block_ids = [b for b in args.blocks.split(",") if b.strip()]
    else:
        block_ids = net.densest_blocks(bundle.blocks, ref.thresholds)
    chosen = net.select_blocks(bundle.buildings, block_ids) if block_ids else bundle.buildings
    network_id = None
    if source is None:
        source, network_id = net.network_source_point(bundle.networks, chosen)
    layout = net.layout_network(chosen, bundle.streets, source)
    figures = net.network_figures(layout, net.layout_parameters(layout, ref))
    values = dataclasses.asdict(figures)
    payload: dict[str, Any] = {k: clean(values[k]) for k in _FIELDS}
    payload |= {
        "blocks": sorted(str(b) for b in block_ids),
        "source": [round(source.x, 2), round(source.y, 2)],
        "source_network_id": clean(network_id),
        "left_out_buildings": len(layout.left_out),
        "demand_basis": "consumption_kwh_per_a where present, else useful_heat_kwh_per_a",
        "modelled": True,
    }
    if args.out:
        blocks = bundle.blocks
        if blocks is not None:
            blocks = blocks[blocks["block_id"].astype(str).isin(payload["blocks"])]
        _write(Path(args.out), layout, blocks=blocks)
        payload["out"] = str(args.out)
    emit(payload, args.format)
    if layout.left_out:
        sys.stderr.write(
            f"Hinweis: {len(layout.left_out)} Gebäude nicht angeschlossen (Straßennetz nicht "
            "zusammenhängend; nur sein größter Teil wurde verwendet).\n"
        )
    return 0


def add_network_command(sub: Any) -> None:
    """Register ``network`` on the subparsers ``sub`` of :func:`quartier_geo.cli._parser`."""
    n = sub.add_parser("network", help="first heat-network layout along the streets")
    n.add_argument("target", help="quarter id 1-20 or a building file (GeoJSON/GeoPackage)")
    n.add_argument(
        "--source",
        default="network",
        help="X,Y of the heat source (default CRS EPSG:25832) or 'network' (nearest existing)",
    )
    n.add_argument("--crs", default=None, help="CRS of --source, e.g. EPSG:4326 (lon,lat)")
    n.add_argument("--blocks", default=None, help="block ids, comma-separated (default: densest)")
    n.add_argument("--out", default=None, help="write the layout to a GeoPackage (.gpkg)")
    n.add_argument("--format", choices=["table", "json"], default="json")
    n.set_defaults(func=_cmd_network)
