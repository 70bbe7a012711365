"""The map of every building (vector tiles) is offered on planner servers only; a public or
workshop server gets no building tiles and removes tile sets left in its static folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.views import vector_tiles
from tests.app.conftest import NewApp

LABEL = t("all_buildings_show", "de")


def _toggles(at: object) -> list[str]:
    return [w.label for w in at.toggle]  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", ["public", "workshop"])
def test_no_building_tiles_on_public_and_workshop_servers(
    new_app: NewApp, mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "tiles"
    (root / "abc123" / "17" / "1").mkdir(parents=True)
    (root / "abc123" / "17" / "1" / "2.pbf").write_bytes(b"\x1a\x00")
    monkeypatch.setattr(vector_tiles, "TILE_ROOT", root)
    from quartier_geo.ui import allbuildings

    allbuildings.purge_on_public_server.clear()
    at = new_app(mode)
    assert not at.exception
    assert LABEL not in _toggles(at)
    assert t("all_buildings_title", "de") not in [h.value for h in at.subheader]
    assert list(root.iterdir()) == []  # the planner's tile set is gone


def test_planner_server_offers_the_map_switched_off(
    new_app: NewApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vector_tiles, "TILE_ROOT", tmp_path / "tiles")
    at = new_app("planner")
    assert not at.exception
    assert LABEL in _toggles(at)
    assert not (tmp_path / "tiles").exists()  # nothing is written before it is switched on
