"""Command-line interface: ``python -m quartier_geo {quarters,analyse,report,heatplan,network,…}``.

The contract that tests and other tools rely on: with ``--format json`` only JSON goes to
stdout; problems go to stderr. Exit codes: 0 ok, 2 bad input (with every problem listed).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

from quartier_geo.base.errors import DataValidationError, QuartierGeoError
from quartier_geo.cli_common import clean, emit, gated_buildings, records, target_bundle
from quartier_geo.cli_heatplan import add_heatplan_command
from quartier_geo.cli_network import add_network_command

__all__ = ["main", "report_main"]

log = logging.getLogger("quartier_geo")

_BUILDING_FIELDS = (
    "building_id",
    "building_type",
    "age_class",
    "conditioned_floor_area_m2",
    "heating_system",
    "refurbishment_state",
    "useful_heat_kwh_per_a",
    "consumption_kwh_per_a",
    "final_energy_kwh_per_a",
    "co2_t_per_a",
    "potential_usual_kwh_per_a",
    "potential_advanced_kwh_per_a",
    "demand_source",
    "consumption_source",
    "typology_fallback",
)


def _cmd_quarters(args: argparse.Namespace) -> int:
    from quartier_geo.data import layers
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain.bundle import build_region

    started = time.perf_counter()
    ref = load_reference()
    figures = build_region(layers.load_region(ref), ref=ref).figures
    log.info("quarters: %.2f s", time.perf_counter() - started)
    emit(records(figures), args.format, figures)
    return 0


def _cmd_analyse(args: argparse.Namespace) -> int:
    """Analyse a building file. Every file passes the upload gate first (format sniffing,
    sandboxed parser, CRS and schema detection). A file in the canonical schema is then
    validated strictly: any problem (unknown type or age class, invalid or empty geometry,
    no CRS) is listed and the exit code is 2. Files in a real NRW schema (LANUV, Hausumringe,
    ALKIS, OSM, LoD2, CSV) are mapped, repaired and filled as on the Data page, and every
    repair and fill is listed under "problems"."""
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain import energy
    from quartier_geo.domain.summary import summary_record
    from quartier_geo.imports.pipeline import ImportOptions

    ref = load_reference()
    path = Path(args.file)

    def progress(stage: str, fraction: float) -> None:
        sys.stderr.write(f"\r{stage:<12} {100 * fraction:5.1f} %")
        if fraction >= 1.0:
            sys.stderr.write("\n")

    options = ImportOptions(
        layer=args.layer,
        crs=args.crs,
        swap_axes=args.swap_axes,
        progress=progress if args.progress else None,
    )
    buildings, notes, schema = gated_buildings(path, ref=ref, options=options)
    assessed = energy.assess_buildings(buildings, ref)
    summary = {k: clean(v) for k, v in summary_record(assessed).items()}
    payload: dict[str, Any] = {
        "summary": summary,
        "schema": schema,
        "problems": notes,
    }
    if args.buildings:
        payload["buildings"] = records(assessed[list(_BUILDING_FIELDS)])
    if args.format == "json":
        emit(payload, "json")
    else:
        emit(payload, "table", pd.DataFrame([summary]))
        for note in notes:
            sys.stderr.write(f"Hinweis: {note}\n")
    return 0


def _cmd_scenario(args: argparse.Namespace) -> int:
    from quartier_geo.base.columns import RefurbState
    from quartier_geo.data import layers
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain import energy
    from quartier_geo.domain.refurbishment import Priority, ScenarioParams, scenario_path

    ref = load_reference()
    buildings = layers.validate_buildings(layers.load_layer("buildings"), ref).buildings
    if args.quarter is not None:
        buildings = buildings[buildings["quarter_id"] == args.quarter]
        if buildings.empty:
            raise QuartierGeoError(
                f"Quartier {args.quarter} unbekannt: IDs 1–20 (siehe 'quarters')."
            )
    rate = {} if args.rate is None else {"rate_per_a": args.rate}  # default: ScenarioParams
    params = ScenarioParams(
        start_year=args.start,
        end_year=args.until,
        **rate,
        depth=RefurbState(args.depth),
        priority=Priority(args.priority),
        heat_pump_switch_rate_per_a=args.heat_pump_switch,
        district_heating_switch_rate_per_a=args.district_heating_switch,
    )
    path = scenario_path(energy.assess_buildings(buildings, ref), params, ref)
    emit(records(path), args.format, path)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from quartier_geo.data.layers import GEOPACKAGE
    from quartier_geo.data.reference import load_reference
    from quartier_geo.demo import build
    from quartier_geo.domain import programme

    ref = load_reference()
    out = Path(args.out) / GEOPACKAGE.name if args.out else GEOPACKAGE
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    layers_ = build.generate(ref, seed=args.seed)
    build.write_geopackage(layers_, programme.build_programme_tables(ref), out)
    sys.stderr.write(f"Demodaten geschrieben: {out} ({time.perf_counter() - started:.1f} s)\n")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    return report_main(args.target, Path(args.out), lang=args.lang)


def report_main(target: str, out: Path, *, lang: str = "de") -> int:
    """Write the fact sheet of ``target`` to ``out`` (``.html`` or ``.pdf``).

    ``target`` is a quarter id (``"5"``) or the path of a canonical building file (GeoJSON
    or GeoPackage); its bundle is built as in the app (:mod:`quartier_geo.domain.bundle`).
    Returns 0 on success, 2 on bad input (message on stderr).
    """
    from quartier_geo.base.atomic import write_bytes_atomic
    from quartier_geo.data.reference import load_reference
    from quartier_geo.exports.factsheet import fact_sheet_html, fact_sheet_pdf

    started = time.perf_counter()
    out = Path(out)
    try:
        suffix = out.suffix.lower()
        if suffix not in (".html", ".htm", ".pdf"):
            raise QuartierGeoError(f"Ausgabe {out.name}: Endung .html oder .pdf angeben.")
        ref = load_reference()
        html = fact_sheet_html(target_bundle(target, ref), ref=ref, lang=_lang(lang))
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


def _lang(value: str) -> Literal["de", "en"]:
    if value not in ("de", "en"):
        raise QuartierGeoError(f"Sprache {value!r} unbekannt: 'de' oder 'en'.")
    return "en" if value == "en" else "de"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m quartier_geo", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true", help="log timings to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    q = sub.add_parser("quarters", help="key figures of the 20 quarters")
    q.add_argument("--format", choices=["table", "json"], default="table")
    q.set_defaults(func=_cmd_quarters)

    a = sub.add_parser("analyse", help="analyse a building file (GeoJSON/GeoPackage)")
    a.add_argument("file")
    a.add_argument("--format", choices=["table", "json"], default="table")
    a.add_argument("--buildings", action="store_true", help="include per-building results")
    a.add_argument("--layer", default=None, help="layer of a GeoPackage/ZIP with several")
    a.add_argument("--crs", default=None, help="CRS when the file has none, e.g. EPSG:25832")
    a.add_argument("--swap-axes", action="store_true", help="the file has lat/lon swapped")
    a.add_argument("--progress", action="store_true", help="show progress on stderr")
    a.set_defaults(func=_cmd_analyse)

    s = sub.add_parser("scenario", help="yearly refurbishment path to 2045")
    s.add_argument("--quarter", type=int, default=None, help="quarter id (default: all 20)")
    s.add_argument(
        "--rate",
        type=float,
        default=None,
        help="share of floor area refurbished in full per year, 0.03 = 3 %%/a "
        "(default: the national rate of 2023-2025, 0.007)",
    )
    s.add_argument("--depth", choices=["usual", "advanced"], default="usual")
    s.add_argument("--priority", choices=[x.value for x in _priorities()], default="worst_first")
    s.add_argument("--start", type=int, default=2025)
    s.add_argument("--until", type=int, default=2045)
    s.add_argument("--heat-pump-switch", type=float, default=0.0, help="share per year")
    s.add_argument("--district-heating-switch", type=float, default=0.0, help="share per year")
    s.add_argument("--format", choices=["table", "json"], default="table")
    s.set_defaults(func=_cmd_scenario)

    r = sub.add_parser("report", help="fact sheet (HTML or PDF) of a quarter or a building file")
    r.add_argument("target", help="quarter id 1-20 or a building file (GeoJSON/GeoPackage)")
    r.add_argument("--out", required=True, help="sheet.html or sheet.pdf")
    r.add_argument("--lang", choices=["de", "en"], default="de")
    r.set_defaults(func=_cmd_report)

    d = sub.add_parser("demo", help="regenerate the bundled demo GeoPackage")
    d.add_argument("--out", default=None, help="folder (default: geodata/)")
    d.add_argument("--seed", type=int, default=2016)
    d.set_defaults(func=_cmd_demo)

    b = sub.add_parser("batch", help="assess many municipality files on Dask (GeoParquet out)")
    b.add_argument("inputs", nargs="+", help="building files or folders (every LANUV zip …)")
    b.add_argument("--out", required=True, help="output folder (buildings/, summary.csv/json)")
    b.add_argument("--scheduler", default=None, help="tcp://host:8786 (default: local cluster)")
    b.add_argument("--workers", type=int, default=None, help="local worker processes")
    b.add_argument("--memory-limit", default="auto", help="per local worker, e.g. 2GiB")
    b.add_argument(
        "--layer", default=None, help="layer (or part of its name) of files with several"
    )
    b.add_argument("--crs", default=None, help="CRS of files without one, e.g. EPSG:25832")
    b.add_argument("--timeout", type=int, default=20, help="gate: CPU seconds per file")
    b.add_argument("--max-file-mb", type=int, default=50, help="gate: largest file in MB")
    b.add_argument("--format", choices=["table", "json"], default="table")
    b.set_defaults(func=_cmd_batch)

    db = sub.add_parser("database", help="PostgreSQL/PostGIS (QUARTIER_DATABASE_URL)")
    db.add_argument(
        "action",
        choices=["init", "status", "aggregate"],
        help="init: create/migrate, load; aggregate: sums per --level, in the database",
    )
    db.add_argument("--url", default=None, help="postgresql://… (default: the variable)")
    db.add_argument(
        "--level", choices=["cell", "block", "quarter"], default="quarter", help="aggregate by"
    )
    db.add_argument("--format", choices=["table", "json"], default="table")
    db.set_defaults(func=_cmd_database)

    add_heatplan_command(sub)
    add_network_command(sub)
    return p


def _cmd_batch(args: argparse.Namespace) -> int:
    """Assess many files on Dask (:mod:`quartier_geo.batch`); exit 2 when a file failed."""
    import dataclasses

    from quartier_geo.batch.runner import BatchOptions, run_batch
    from quartier_geo.imports.pipeline import ImportOptions
    from quartier_geo.imports.types import DEFAULT_LIMITS

    if not args.verbose:  # Dask logs every worker start at INFO; progress has its own lines
        import distributed  # its import sets the level of its logger: set ours after it

        logging.getLogger(distributed.__name__).setLevel(logging.WARNING)

    limits = dataclasses.replace(
        DEFAULT_LIMITS,
        cpu_seconds=args.timeout,
        wall_seconds=float(args.timeout),
        max_upload_bytes=args.max_file_mb * 2**20,
    )
    options = BatchOptions(
        scheduler=args.scheduler,
        workers=args.workers,
        memory_limit=args.memory_limit,
        imports=ImportOptions(limits=limits, layer=args.layer, crs=args.crs),
        progress=lambda line: sys.stderr.write(line + "\n"),
    )
    result = run_batch([Path(p) for p in args.inputs], Path(args.out), options)
    emit(json.loads((result.out / "summary.json").read_text("utf-8")), args.format, result.table)
    for report in result.failed:
        sys.stderr.write(f"Fehlgeschlagen: {report.file}: {report.reason}\n")
    sys.stderr.write(
        f"{len(result.reports) - len(result.failed)} von {len(result.reports)} Datei(en) in "
        f"{result.seconds:.1f} s; Ergebnis: {result.out}\n"
    )
    return 2 if result.failed else 0


def _cmd_database(args: argparse.Namespace) -> int:
    from quartier_geo.base.settings import read_settings
    from quartier_geo.data.pg import admin

    url = args.url or read_settings().database_url
    if not url:
        raise QuartierGeoError(
            "Keine Datenbank angegeben: QUARTIER_DATABASE_URL=postgresql://… setzen "
            "oder --url angeben."
        )
    if args.action == "aggregate":
        from quartier_geo.data.pg.aggregate import aggregate

        result = aggregate(url, args.level)
        emit(result.as_dict(), args.format, result.frame)
        return 0
    if args.action == "init":
        applied, rows = admin.init(url, derive=_assessed_layer)
        sys.stderr.write(
            f"Schema: {len(applied)} Migration(en) angewandt; Ebenen geladen: "
            + ", ".join(f"{name} {n}" for name, n in rows.items())
            + "\n"
        )
    state = admin.status(url).as_dict()
    if args.format == "json":
        emit(state, "json")
    else:
        layers = state.pop("layers")
        lines = [f"{key}: {value}" for key, value in state.items()]
        lines += [f"layer {name}: {n}" for name, n in layers.items()]  # type: ignore[attr-defined]
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _assessed_layer(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``database init``: the buildings assessed as the app does (validated, TABULA,
    carriers), their keys, summable results and footprints, for aggregation in the
    database (:mod:`quartier_geo.data.pg.aggregate`)."""
    from quartier_geo.base.columns import AGGREGATE_SUMS
    from quartier_geo.data import layers
    from quartier_geo.data.pg.aggregate import ASSESSED
    from quartier_geo.data.reference import load_reference
    from quartier_geo.domain import energy

    ref = load_reference()
    raw = cast("gpd.GeoDataFrame", frames["buildings"])  # validate_buildings checks it
    assessed = energy.assess_buildings(layers.validate_buildings(raw, ref).buildings, ref)
    keys = [c for c in ("building_id", "quarter_id", "block_id") if c in assessed.columns]
    kept = keys + [c for c in AGGREGATE_SUMS if c in assessed.columns]
    return {ASSESSED: assessed[[*kept, assessed.geometry.name]]}


def _priorities() -> list[Any]:
    from quartier_geo.domain.refurbishment import Priority

    return list(Priority)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    try:
        return int(args.func(args))
    except DataValidationError as exc:
        sys.stderr.write(str(exc) + "\n")
        if getattr(args, "format", "table") == "json":
            emit({"error": exc.what, "problems": exc.problems}, "json")
        return 2
    except QuartierGeoError as exc:
        sys.stderr.write(f"Fehler: {exc}\n")
        if getattr(args, "format", "table") == "json":
            emit({"error": str(exc), "problems": [str(exc)]}, "json")
        return 2
