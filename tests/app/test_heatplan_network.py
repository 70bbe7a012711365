"""The section "Erstes Wärmenetz" of the Wärmeplanung page in planner and public mode."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.ui import heatplan_network

NewApp = Callable[..., AppTest]
PAGE = "app_pages/waermeplanung.py"


def _walk(node: object) -> Iterator[object]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _network_frames(at: AppTest) -> list[str]:
    """The documents of the section's map frames (named by the map title; the page's other
    sections have maps of their own)."""
    title = t("network_map_title", "de")
    frames = [n for n in _walk(at._tree) if getattr(n, "type", None) == "iframe"]
    docs = [str(n.proto.srcdoc) for n in frames]  # type: ignore[attr-defined]
    return [d for d in docs if f"<title>{title}</title>" in d]


def _map_html(at: AppTest) -> str:
    frames = _network_frames(at)
    assert len(frames) == 1
    return frames[0]


def _figures(at: AppTest) -> dict[str, tuple[str, str]]:
    """Figure name -> (value as shown, basis) of the section's table."""
    name = t("network_fig_trench_length_m", "de")
    table = next(x.value for x in at.table if name in x.value.index)
    return {name: (row.iloc[0], row.iloc[-1]) for name, row in table.iterrows()}


def _open(new_app: NewApp, mode: str) -> AppTest:
    at = new_app(mode)
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_planner_sees_the_layout_with_service_pipes_and_figures(new_app: NewApp) -> None:
    at = _open(new_app, Mode.PLANNER.value)
    assert t("network_title", "de") in [h.value for h in at.header]
    html = _map_html(at)
    assert t("network_trench_main", "de") in html
    assert t("network_trench_service", "de") in html  # drawn for the planner
    figures = _figures(at)
    # German number format, the unsourced figures marked as such
    value, basis = figures[t("network_fig_trench_length_m", "de")]
    assert "." in value and "," not in value and basis == "modelliert"
    assert figures[t("network_fig_cost_eur_per_mwh", "de")] == ("–", "nicht belegt")
    # the pipes' capital cost is not set next to a full heat cost without saying so (review)
    assert (
        "Kapitalkosten der Rohrleitungen je MWh (Annuität; nur Netz, ohne Wärmeerzeugung)"
        in figures
    )
    assert "Wärmegestehungskosten dezentraler Wärmepumpen (Vollkosten, zum Vergleich)" in figures
    assert "angeschlossener Wärmeverbrauch (typisch, kalibriert)" in figures
    assert any("mit kalibriertem oder gemessenem Verbrauch" in c.value for c in at.caption)
    captions = [c.value for c in at.caption]
    assert t("network_public_no_service", "de") not in captions


def test_public_sees_no_service_pipes_and_is_told_so(new_app: NewApp) -> None:
    at = _open(new_app, Mode.PUBLIC.value)
    html = _map_html(at)
    assert t("network_trench_main", "de") in html
    assert t("network_trench_service", "de") not in html
    assert t("network_public_no_service", "de") in [c.value for c in at.caption]


def test_public_withholds_a_layout_under_the_privacy_minimum(
    new_app: NewApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a minimum above every selection: the section says why and draws nothing
    monkeypatch.setattr(heatplan_network, "min_buildings", lambda: 100_000)
    at = _open(new_app, Mode.PUBLIC.value)
    assert not _network_frames(at)
    warning = t("network_public_min", "de").format(n=100_000)
    assert warning in [w.value for w in at.warning]


def test_no_blocks_chosen_says_so(new_app: NewApp) -> None:
    at = _open(new_app, Mode.PLANNER.value)
    at.multiselect(key="network_blocks_1").set_value([]).run()
    assert t("network_no_blocks", "de") in [i.value for i in at.info]


def test_a_point_source_far_away_is_an_error_message(new_app: NewApp) -> None:
    at = _open(new_app, Mode.PLANNER.value)
    at.radio(key="network_source_kind").set_value("point").run()
    at.number_input(key="network_x").set_value(300_000.0).run()
    assert any("vom nächsten Straßenstück entfernt" in e.value for e in at.error)


def test_public_withholds_the_figures_when_few_buildings_are_left_out(
    new_app: NewApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two buildings of the chosen blocks left out (street graph in parts): block consumption
    # minus the connected demand would be theirs, so neither map nor figures are shown
    import dataclasses

    real = heatplan_network._layout

    def two_left_out(*args: object) -> object:
        return dataclasses.replace(real(*args), left_out=2)  # type: ignore[arg-type]

    monkeypatch.setattr(heatplan_network, "_layout", two_left_out)
    at = _open(new_app, Mode.PUBLIC.value)
    assert not _network_frames(at)
    name = t("network_fig_trench_length_m", "de")
    assert not any(name in x.value.index for x in at.table)
    warning = t("network_public_left_out_few", "de").format(n=5)
    assert warning in [w.value for w in at.warning]
    # the planner still sees both, with the count
    at = _open(new_app, Mode.PLANNER.value)
    assert len(_network_frames(at)) == 1
    assert t("network_left_out", "de").format(count=2) in [w.value for w in at.warning]


def test_public_main_pipe_is_drawn_between_street_nodes_and_says_so(new_app: NewApp) -> None:
    at = _open(new_app, Mode.PUBLIC.value)
    assert t("network_public_main_trimmed", "de") in [c.value for c in at.caption]
