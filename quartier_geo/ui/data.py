"""Cached loaders. The bundle is derived data only (rebuilt after any cache clear).

One data path (:mod:`quartier_geo.domain.bundle`): :func:`bundle` is the assessed region,
:func:`quarter_bundle` one quarter's derived layers, which the pages' loaders and the fact
sheet share.

``st.cache_resource`` returns the same object to every session without copying (a
GeoDataFrame copy per rerun costs time): nothing returned from here may be mutated.
Parameterised caches are keyed by small values and bounded by ``max_entries``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.modes import Mode, current_mode
from quartier_geo.base.settings import min_buildings, published_path
from quartier_geo.data import layers, published_areas
from quartier_geo.data.publication import Snapshot, read_snapshot
from quartier_geo.data.reference import load_reference
from quartier_geo.data.store import Workspace, WorkspaceState, open_workspace, split_quarter_key
from quartier_geo.domain import energy, phases, privacy, selection
from quartier_geo.domain.block_plan import checked_block_layer
from quartier_geo.domain.bundle import (
    QuarterBundle,
    RegionBundle,
    build_quarter_bundle,
    build_region,
    plan_view,
    select_quarter,
)
from quartier_geo.domain.privacy import pool_small_groups
from quartier_geo.domain.summary import quarter_figures
from quartier_geo.exports import public
from quartier_geo.imports.saved import (
    BLOCKS_KIND,
    ImportInfo,
    list_imports,
    load_blocks,
    load_import,
)

__all__ = [
    "MODULE_KIND",
    "PHASE_KIND",
    "Bundle",
    "bundle",
    "chart_buildings",
    "clear_workspace",
    "current",
    "forget_published",
    "import_record",
    "iso_day",
    "jury_criteria",
    "min_buildings",
    "new_run",
    "plan_blocks",
    "programme",
    "programme_edits",
    "public_cut",
    "public_units",
    "published",
    "quarter_buildings",
    "quarter_bundle",
    "quarter_grid",
    "quarter_streets",
    "workspace",
]


log = logging.getLogger(__name__)

#: Workspace record kinds of the planners' programme edits (keys: data.store.quarter_key).
MODULE_KIND = "module_status"
PHASE_KIND = "phase_dates"

#: quarter_type of an imported area (no settlement type is known).
IMPORTED = "imported"


#: The assessed region (kept under its old name for the pages).
Bundle = RegionBundle


@st.cache_resource(show_spinner="Daten werden geladen …")
def bundle() -> Bundle:
    ref = load_reference()
    return build_region(layers.load_region(ref), ref=ref, on=dt.date.today())


def current() -> Bundle:
    """The bundled data plus the own areas this server may show (read on every run).

    Planner server: the areas imported into the workspace (drafts). Public and workshop
    servers never open the drafts: they get the areas a planner published, from their public
    copies beside the snapshot (:mod:`quartier_geo.data.published_areas`). The listing is
    small; the merged bundle is cached by the keys and versions (or hashes) of the areas, so
    a new, deleted or withdrawn area shows up at once.
    """
    if current_mode() is not Mode.PLANNER:
        shown = tuple(
            (a.name, str(a.fields["file"]), str(a.fields["sha256"])) for a in published().areas()
        )
        return _merged("published", shown) if shown else bundle()
    listing = tuple((i.key, str(i.version), "") for i in list_imports(workspace()))
    return _merged("drafts", listing) if listing else bundle()


def import_record(quarter_id: int) -> ImportInfo | None:
    """The workspace's record (file, schema, date) of the imported area ``quarter_id``
    (ids below 0), or None for a programme quarter or where drafts are not read."""
    if quarter_id >= 0 or current_mode() is not Mode.PLANNER:
        return None
    return next((i for i in list_imports(workspace()) if i.quarter_id == quarter_id), None)


def _load_area(source: str, key: str, file: str, sha: str) -> tuple[gpd.GeoDataFrame, ...]:
    if source == "drafts":
        return load_import(workspace(), key)
    item = next(a for a in published().areas() if a.name == key)
    return published_areas.read_area(
        published_path(),
        file,
        sha256=sha,
        quarter_id=item.quarter_id,
        name=str(item.fields["name"]),
    )


@st.cache_resource(max_entries=4, show_spinner="Eigene Gebiete werden geladen …")
def _merged(source: str, areas_listed: tuple[tuple[str, str, str], ...]) -> Bundle:
    base = bundle()
    areas: list[gpd.GeoDataFrame] = []
    buildings, figures = [base.buildings], []
    for key, file, sha in areas_listed:
        try:
            quarter, raw = _load_area(source, key, file, sha)
            validated = layers.validate_buildings(raw, base.ref, what=f"Gebiet {key}")
        except (QuartierGeoError, StopIteration) as exc:  # a broken area must not take the app down
            log.warning("area %s skipped: %s", key, exc)
            continue
        assessed = energy.assess_buildings(validated.buildings, base.ref)
        quarter = quarter.assign(
            municipality="Import",
            quarter_type=IMPORTED,
            residents=float("nan"),
            residents_status="",
            area_status="read",
            concept_start="",
        )
        areas.append(quarter)
        buildings.append(assessed)
        figures.append(quarter_figures(quarter, assessed, base.ref))
    if not areas:
        return base
    return dataclasses.replace(
        base,
        buildings=pd.concat(buildings, ignore_index=True),
        areas=pd.concat(areas, ignore_index=True),
        area_figures=pd.concat(figures, ignore_index=True),
    )


@st.cache_resource(max_entries=24, show_spinner=False)
def quarter_bundle(quarter_id: int) -> QuarterBundle:
    """Everything one quarter's views show, derived once (:mod:`quartier_geo.domain.bundle`).

    The pages' loaders below and the fact sheet read from this one object.
    """
    data = bundle() if quarter_id > 0 else current()
    return build_quarter_bundle(
        select_quarter(data, quarter_id, synthetic=quarter_id > 0), ref=data.ref
    )


def plan_key(quarter_id: int) -> str:
    """Which plan blocks the quarter's heat plan uses: the file of the block layer the
    planner imported (drafts, :func:`quartier_geo.imports.saved.save_blocks`), or "" for
    the bundle's own. A key for the caches of the heat-plan sections (a new save writes a
    new file). Public and workshop servers read no drafts: always ""."""
    if current_mode() is not Mode.PLANNER:
        return ""
    try:
        rec = workspace().get(BLOCKS_KIND, str(int(quarter_id)))
    except QuartierGeoError:  # an unreadable workspace: the blocks of the street network
        return ""
    if rec is None or _imported_blocks(quarter_id, str(rec.payload.get("file"))) is None:
        return ""
    return str(rec.payload.get("file"))


def plan_blocks(quarter_id: int) -> gpd.GeoDataFrame | None:
    """The Baublöcke of the planner's heat plan: the block layer imported for the quarter
    if there is one (:func:`plan_key`), else the bundle's (street network, ``block_id``
    hulls). Public and workshop servers get the bundle's blocks, the same as their
    public cut."""
    key = plan_key(quarter_id)
    own = quarter_bundle(quarter_id).plan_blocks
    return _imported_blocks(quarter_id, key) if key else own


@st.cache_resource(max_entries=24, show_spinner=False)
def _plan_view(quarter_id: int, key: str) -> QuarterBundle:
    blocks = _imported_blocks(quarter_id, key) if key else None
    return plan_view(quarter_bundle(quarter_id), blocks)


def plan_bundle(quarter_id: int) -> QuarterBundle:
    """The quarter's bundle as the heat plan sees it (:func:`quartier_geo.domain.bundle.plan_view`
    with :func:`plan_blocks`): every building's ``block_id`` is its Baublock, ``blocks``
    are the Baublöcke with their sums. Derived once per quarter and block layer (cached);
    every section of the Wärmeplanung page reads it. Never mutate."""
    return _plan_view(quarter_id, plan_key(quarter_id))


def public_plan_cut(quarter_id: int) -> privacy.Withheld | None:
    """The Baublöcke a public or workshop audience may see
    (:func:`quartier_geo.domain.privacy.cut_layer` of :func:`plan_bundle`'s blocks with the
    ``baubloecke`` units of :func:`public_units`: >= N buildings, checked against the other
    public layers; blocks without buildings stay) and what was withheld; the same cut as
    the Baublock section's and in every section of the Wärmeplanung page. None without
    blocks."""
    blocks = plan_bundle(quarter_id).blocks
    if blocks is None:
        return None
    ids = frozenset(str(i) for i in public_units(quarter_id).get("baubloecke", frozenset()))
    return privacy.cut_layer(blocks, ids, id_column="block_id", min_buildings=min_buildings())


def public_plan_blocks(quarter_id: int) -> frozenset:
    """The ids of the Baublöcke of :func:`public_plan_cut` (empty without blocks)."""
    cut = public_plan_cut(quarter_id)
    return frozenset() if cut is None else frozenset(cut.shown["block_id"].astype(str))


def public_plan_withheld(quarter_id: int) -> tuple[int, int]:
    """How many Baublöcke :func:`public_plan_cut` withholds, and their buildings."""
    cut = public_plan_cut(quarter_id)
    return (0, 0) if cut is None else (cut.units, cut.buildings)


@st.cache_resource(max_entries=24, show_spinner=False)
def _imported_blocks(quarter_id: int, file: str) -> gpd.GeoDataFrame | None:
    """The checked imported block layer of a quarter, once per saved file (a new save
    writes a new file)."""
    try:
        raw = load_blocks(workspace(), quarter_id)
        quarter = quarter_bundle(quarter_id).quarter
        return None if raw is None else checked_block_layer(raw, quarter=quarter)
    except QuartierGeoError as exc:  # a broken layer must not take the page down
        log.warning("block layer of quarter %s (%s) skipped: %s", quarter_id, file, exc)
        return None


def quarter_buildings(quarter_id: int) -> gpd.GeoDataFrame:
    """Assessed buildings of one quarter. Imported quarters have negative, never reused ids."""
    return quarter_bundle(quarter_id).buildings


def chart_buildings(
    buildings: gpd.GeoDataFrame, columns: list[str], *, public: bool
) -> gpd.GeoDataFrame:
    """Buildings for a breakdown chart by ``columns``: for a public or workshop audience
    every group of fewer than the privacy minimum of buildings is pooled into "other"."""
    if not public:
        return buildings
    return pool_small_groups(buildings, columns, min_buildings=min_buildings())


def quarter_grid(quarter_id: int) -> gpd.GeoDataFrame:
    """The hectare grid of one quarter (heat density per 100 m cell)."""
    return quarter_bundle(quarter_id).grid


def quarter_streets(quarter_id: int) -> gpd.GeoDataFrame:
    """The streets of one quarter with their linear heat density (empty without streets)."""
    streets = quarter_bundle(quarter_id).streets
    if streets is None:
        return gpd.GeoDataFrame(geometry=[], crs=quarter_buildings(quarter_id).crs)
    return streets


@st.cache_resource(max_entries=24, show_spinner=False)
def _public_units(quarter_id: int, n: int) -> dict[str, frozenset]:
    # the Baublöcke of the bundle (never a planner's draft layer), assigned once per quarter
    plan = _plan_view(quarter_id, "").buildings["block_id"]
    return public.public_units(quarter_bundle(quarter_id), min_buildings=n, plan_assignment=plan)


def public_units(quarter_id: int) -> dict[str, frozenset]:
    """The ids of the public units of one quarter per layer (cached; the same units as
    :func:`public_cut`, for a layer it does not hold, e.g. the Baublöcke)."""
    return _public_units(quarter_id, min_buildings())


def public_cut(quarter_id: int) -> PublicCut:
    """What a public or workshop audience may see of one quarter: blocks, hectare cells
    and street segments under the privacy rule, checked against each other
    (:mod:`quartier_geo.exports.public`); the same units on every page and download."""
    data, n = quarter_bundle(quarter_id), min_buildings()
    units = _public_units(quarter_id, n)
    empty = privacy.Withheld(data.buildings.iloc[:0].copy(), 0, 0, n)
    streets = public.public_streets(data, min_buildings=n, units=units)
    return PublicCut(
        block_buildings=public.block_buildings(data, min_buildings=n, units=units) or empty,
        grid=public.public_grid(data, min_buildings=n, units=units),
        streets=streets,
    )


@dataclasses.dataclass(frozen=True, eq=False)
class PublicCut:
    """The public units of one quarter (see :func:`public_cut`); ``streets`` is None
    without a street layer."""

    block_buildings: privacy.Withheld
    grid: privacy.Withheld
    streets: privacy.Withheld | None


@st.cache_resource(show_spinner=False)
def jury_criteria() -> pd.DataFrame:
    """Jury criteria of the quarters (selection.criteria_table), derived once."""
    data = bundle()
    return selection.criteria_table(data.quarters, data.buildings)


def iso_day(value: object) -> dt.date | None:
    """The date of an ISO text (``"2020-03-02"``); None for an empty or unreadable value."""
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def programme_edits() -> tuple[list[phases.ModuleEdit], list[phases.PhaseEdit]]:
    """The planners' module and phase edits in the workspace (drafts; read on every run)."""
    ws = workspace()
    modules = []
    for rec in ws.list(MODULE_KIND):
        qid, module = split_quarter_key(rec.key)
        try:
            status = phases.ModuleStatus(str(rec.payload.get("status")))
            modules.append(
                phases.ModuleEdit(
                    qid, phases.Module(module), status, iso_day(rec.payload.get("since"))
                )
            )
        except ValueError:  # a record of an older or foreign format is skipped, not fatal
            log.warning("module edit %s skipped", rec.key)
    dates = [
        phases.PhaseEdit(
            split_quarter_key(rec.key)[0],
            agreement=iso_day(rec.payload.get("agreement")),
            implementation=iso_day(rec.payload.get("implementation")),
        )
        for rec in ws.list(PHASE_KIND)
    ]
    return modules, dates


def programme(*, drafts: bool) -> Mapping[str, pd.DataFrame]:
    """The programme tables; with ``drafts`` the planners' edits of the workspace applied.

    Audiences that must not see drafts (public, workshop) get the tables as bundled, with
    only the phase dates that planners published (:mod:`quartier_geo.data.publication`).
    """
    base = bundle().programme
    if not drafts:  # the audience sees the dates the planners published
        public = [
            phases.PhaseEdit(qid, iso_day(d.get("agreement")), iso_day(d.get("implementation")))
            for qid, d in published().dates().items()
        ]
        return phases.with_edits(base, phases=public) if public else base
    modules, dates = programme_edits()
    return phases.with_edits(base, modules=modules, phases=dates)


def workspace() -> Workspace:
    """The workspace handle (a path only: records are always read from SQLite), opened and
    checked once per process and mode.

    Public and workshop servers never open the drafts (docs/ARCHITECTURE.md §11): they get
    a closed handle that reads as empty and refuses every write, without touching the file;
    what they show of the planners' work comes from :func:`published`.
    """
    return _workspace_for(current_mode())


def clear_workspace() -> None:
    """Forget the opened handles (tests; a server checks its workspace once at start)."""
    _workspace_for.clear()


@st.cache_resource(show_spinner=False)
def _workspace_for(mode: Mode) -> Workspace:
    if mode is not Mode.PLANNER:
        return Workspace(
            published_path().with_suffix(".drafts-closed"),
            WorkspaceState.UNAVAILABLE,
            ("Entwürfe sind auf diesem Server nicht zugänglich", "drafts are closed here"),
        )
    return open_workspace()


#: Session-state key of this run's published snapshot (see :func:`published`).
_SNAPSHOT_OF_RUN = "_published_snapshot"


def published() -> Snapshot:
    """The published snapshot, read once per script run.

    A page asks for it several times per run (the own areas, the dates, the statuses); with
    the database backend each read is a connection. So the first call of a run reads it
    and keeps it in the session until :func:`new_run` (called by ``frame.sidebar`` at the
    start of every run) or :func:`forget_published` (after this session published or
    withdrew something) drops it: a withdrawal or a snapshot written by another process
    shows on the next run, as before. The public areas' SHA-256 checks
    (:mod:`quartier_geo.data.published_areas`) read the hashes of this same snapshot.
    A fragment's rerun keeps the snapshot of the full run it belongs to. Outside a script
    run (tests, scripts) every call reads.
    """
    if get_script_run_ctx(suppress_warning=True) is None:
        return read_snapshot(published_path())
    snapshot = st.session_state.get(_SNAPSHOT_OF_RUN)
    if not isinstance(snapshot, Snapshot):
        snapshot = read_snapshot(published_path())
        st.session_state[_SNAPSHOT_OF_RUN] = snapshot
    return snapshot


def forget_published() -> None:
    """Drop this run's snapshot: the next :func:`published` reads it again (after this
    session changed it, or at the start of a run)."""
    if get_script_run_ctx(suppress_warning=True) is not None:
        st.session_state.pop(_SNAPSHOT_OF_RUN, None)


#: The start of a script run: the published snapshot is read afresh.
new_run = forget_published
