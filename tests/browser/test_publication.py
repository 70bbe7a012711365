"""Issue 7 item 2: a public server shows only what was published, and no single building.

Drafts are seeded with canaries: notes and editor names in the workspace, a draft block
layer of quarter 1, building ids in the GeoPackage (``CANARYB<fid>``). A planner publishes
the module status of quarter 1 and one of its two saved scenarios. A public server then
runs on that GeoPackage and the published snapshot, with ``QUARTIER_WORKSPACE`` pointing
at the drafts (so a server that opened them would find the canaries). The crawl opens every
page for every quarter and reads the page HTML and every frame's HTML (map iframes
included); the Daten page's downloads (GeoPackage, CSV, fact sheet) are fetched by clicking
their buttons. None may contain a canary or the unpublished scenario; the published items
must be there.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Editor, Mode
from quartier_geo.data import publication as pub
from quartier_geo.data import published_areas
from quartier_geo.data.layers import GEOPACKAGE, load_layer
from quartier_geo.data.reference import load_reference
from quartier_geo.data.store import Workspace, open_workspace, quarter_key
from quartier_geo.domain.block_plan import checked_block_layer
from quartier_geo.imports.pipeline import import_file
from quartier_geo.imports.saved import list_imports, load_import, save_blocks, save_import
from quartier_geo.imports.schemas import propose_mapping
from quartier_geo.imports.types import Accepted
from quartier_geo.ui import frame
from tests.browser.harness import Server, main_text, open_page, start_server, wait_idle
from tests.helpers import area_geopackage

pytestmark = pytest.mark.browser

NOTE = "CANARYNOTE-q7"
EDITOR = "CANARYEDITOR-q7"
BUILDING = "CANARYB"
UNPUBLISHED = "CANARYSCENARIO-unveroeffentlicht"
PUBLISHED = "Szenario-oeffentlich-q7"
SOURCE_FILE = "CANARYFILE-q7.gpkg"
AREA_DRAFT = "CANARYAREA-unveroeffentlicht"
AREA_PUBLIC = "Gebiet-oeffentlich-q7"
BLOCKS_DRAFT = "CANARYBLOCK-q1"  # a draft block layer of quarter 1 (its one block's name)
CANARIES = (NOTE, EDITOR, BUILDING, UNPUBLISHED, SOURCE_FILE, AREA_DRAFT, BLOCKS_DRAFT)
PAGES = [p[2] for p in frame._PAGES]
QUARTERS = range(1, 21)
PARAMS = {
    "start_year": 2025,
    "end_year": 2045,
    "rate_per_a": 0.03,
    "depth": "advanced",
    "priority": "worst_first",
}


def _canary_geopackage(dest: Path) -> Path:
    """The bundled GeoPackage with every building id replaced by ``CANARYB<fid>``."""
    shutil.copyfile(GEOPACKAGE, dest)
    con = sqlite3.connect(dest)
    for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
        con.create_function(fn, 1, lambda _g: 0)
    try:
        with con:
            con.execute(f"UPDATE buildings SET building_id = '{BUILDING}' || fid")
    finally:
        con.close()
    return dest


def _seed_areas(ws: Workspace, snapshot: Path, tmp: Path) -> None:
    """Two imports whose building ids and addresses carry ``CANARYB``, from a file named
    :data:`SOURCE_FILE`; one published as :data:`AREA_PUBLIC`, the other a draft."""
    who = Editor(EDITOR, Mode.PLANNER)
    for n, name in ((12, SOURCE_FILE), (9, AREA_DRAFT)):
        source = area_geopackage(tmp / f"{n}-{SOURCE_FILE}", n, canary=f"{BUILDING}-area")
        accepted = import_file(source, ref=load_reference())
        assert isinstance(accepted, Accepted)
        key = save_import(ws, accepted, name=name, editor=who)
        if name == SOURCE_FILE:
            info = next(i for i in list_imports(ws) if i.key == key)
            _quarter, buildings = load_import(ws, key)
            area = published_areas.AreaToPublish(key, info.quarter_id, AREA_PUBLIC, buildings, 5)
            published_areas.publish_area(ws, area, path=snapshot, editor=who)


def _seed_blocks(ws: Workspace) -> None:
    """A draft block layer of quarter 1: one block, the quarter, named :data:`BLOCKS_DRAFT`."""
    quarters = load_layer("quarters")
    one = quarters[quarters["quarter_id"] == 1][["geometry"]].assign(block_id=BLOCKS_DRAFT)
    blocks = checked_block_layer(one)
    accepted = Accepted(
        filename="bloecke.gpkg",
        format="gpkg",
        layer="baubloecke",
        layer_kind="blocks",
        features=blocks,
        buildings=blocks,
        mapping=propose_mapping(["block_id"]),
    )
    save_blocks(ws, accepted, quarter_id=1, editor=Editor(EDITOR, Mode.PLANNER))


def _seed(tmp: Path) -> tuple[Path, Path]:
    """Drafts with canaries; quarter 1's module status, one scenario and one own area
    published."""
    ws = open_workspace(tmp / "drafts.sqlite")
    who = Editor(EDITOR, Mode.PLANNER)
    for qid in QUARTERS:
        ws.put(
            "module_status",
            quarter_key(qid, "concept"),
            {"status": "in_progress", "note": f"{NOTE} Quartier {qid}"},
            expected_version=None,
            editor=who,
        )
    for name in (PUBLISHED, UNPUBLISHED):
        ws.put("scenario", quarter_key(1, name), dict(PARAMS), expected_version=None, editor=who)
    snapshot = tmp / "published.json"
    pub.publish(ws, pub.phases_item(1, {"concept": "in_progress"}), path=snapshot, editor=who)
    item = pub.scenario_item(1, PUBLISHED, dict(PARAMS) | {"note": NOTE}, fields=PARAMS)
    pub.publish(ws, item, path=snapshot, editor=who)
    _seed_areas(ws, snapshot, tmp)
    _seed_blocks(ws)
    snapshot.chmod(0o444)
    return ws.path, snapshot


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(folder, drafts workspace, published snapshot)."""
    tmp = tmp_path_factory.mktemp("publication")
    drafts, snapshot = _seed(tmp)
    return tmp, drafts, snapshot


@pytest.fixture(scope="module")
def public_server(seeded: tuple[Path, Path, Path]) -> Iterator[Server]:
    tmp, drafts, snapshot = seeded
    gpkg = _canary_geopackage(tmp / "canary.gpkg")
    server = start_server(
        "public",
        tmp,
        name="published",
        env={
            "QUARTIER_GEOPACKAGE": str(gpkg),
            "QUARTIER_PUBLISHED": str(snapshot),
            "QUARTIER_WORKSPACE": str(drafts),
        },
    )
    try:
        yield server.wait_healthy()
    finally:
        server.stop()


def _all_html(page: Any) -> str:
    parts = [page.content()]
    for f in page.frames:
        try:
            parts.append(f.content())
        except Exception as exc:  # a frame that navigated away meanwhile
            parts.append(f"<!-- frame unreadable: {exc} -->")
    return "\n".join(parts)


def _found(text: str) -> list[str]:
    return [c for c in CANARIES if c in text]


@pytest.mark.parametrize("qid", list(QUARTERS))
def test_every_public_page_of_the_quarter_is_free_of_drafts(
    browser: Any, public_server: Server, qid: int
) -> None:
    leaks: list[str] = []
    log_start = public_server.log_size()
    with open_page(browser, public_server, f"uebersicht?q={qid}") as (page, _watch):
        wait_idle(page)
        for url in PAGES:
            page.goto(f"{public_server.url}/{url}?q={qid}", wait_until="domcontentloaded")
            wait_idle(page)
            page.wait_for_timeout(300)  # iframes of static maps fill after the run
            leaks += [f"{url}?q={qid}: {c}" for c in _found(_all_html(page))]
            if (url, qid) == ("sanierung", 1):
                assert PUBLISHED in main_text(page)  # presence: the published scenario
            if url == "waermeplanung":  # presence: the street blocks, not the draft layer
                assert t("bplan_source_streets", "de").split(":")[0] in main_text(page)
            if url == "projektphasen":  # presence where published, absence elsewhere
                assert (t("published_status", "de") in main_text(page)) == (qid == 1)
    assert leaks == []
    assert public_server.log_errors(log_start) == []


def _downloads(browser: Any, server: Server, qid: int) -> dict[str, bytes]:
    """The Daten page's three downloads of quarter ``qid`` (GeoPackage, CSV, fact sheet),
    fetched by clicking their buttons."""
    files: dict[str, bytes] = {}
    with open_page(browser, server, f"daten?q={qid}") as (page, _watch):
        wait_idle(page)
        # the note on what is withheld follows the page's first part (it needs the public cut)
        rule = t("privacy_rule", "de").format(n=5)
        page.get_by_text(rule[:60]).first.wait_for(timeout=60_000)
        assert rule in main_text(page)
        for fmt_label, button in (
            (None, "export_prepare"),  # GeoPackage, the default format
            ("CSV", "export_prepare"),
            (None, "sheet_html"),
        ):
            if fmt_label:
                main = page.get_by_test_id("stMainBlockContainer")
                main.get_by_test_id("stSelectbox").first.click()
                page.get_by_role("option", name=fmt_label, exact=True).click()
                wait_idle(page)
            page.get_by_role("button", name=t(button, "de"), exact=True).click()
            wait_idle(page)
            download = page.get_by_role("button", name=t("download", "de"))
            with page.expect_download() as info:
                download.click()
            path = info.value.path()
            files[info.value.suggested_filename] = Path(path).read_bytes()
    return files


def _check_downloads(files: dict[str, bytes]) -> None:
    assert len(files) == 3, list(files)
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        assert _found(text) == [], name
        assert len(data) > 1000, name
    gpkg = next(d for n, d in files.items() if n.endswith(".gpkg"))
    assert b"blocks" in gpkg and b"hectare_grid" in gpkg  # presence: the aggregates
    assert b"building_id" not in gpkg


@pytest.mark.parametrize("qid", [1, 9])
def test_public_downloads_hold_no_building_and_no_draft(
    browser: Any, public_server: Server, qid: int
) -> None:
    _check_downloads(_downloads(browser, public_server, qid))


def test_the_published_own_area_is_public_and_aggregated_only(
    browser: Any, public_server: Server, seeded: tuple[Path, Path, Path]
) -> None:
    (area,) = pub.read_snapshot(seeded[2]).areas()
    qid = area.quarter_id
    leaks: list[str] = []
    log_start = public_server.log_size()
    with open_page(browser, public_server, f"?q={qid}") as (page, _watch):
        wait_idle(page)
        for url in PAGES:
            page.goto(f"{public_server.url}/{url}?q={qid}", wait_until="domcontentloaded")
            wait_idle(page)
            page.wait_for_timeout(300)
            html = _all_html(page)
            leaks += [f"{url}?q={qid}: {c}" for c in _found(html)]
            if url == "quartierskarte":  # presence: the area is the one shown
                assert AREA_PUBLIC in main_text(page)
        page.goto(f"{public_server.url}/daten?q={qid}", wait_until="domcontentloaded")
        wait_idle(page)
        page.get_by_role("tab", name=t("tab_imports", "de")).click()
        wait_idle(page)
        assert AREA_PUBLIC in main_text(page)
        assert AREA_DRAFT not in main_text(page)
    assert leaks == []
    assert public_server.log_errors(log_start) == []
    _check_downloads(_downloads(browser, public_server, qid))
