"""Shareable views (issue #10 item 7): the Jury weights live in the session and the URL.

A weight set on the Jury page survives leaving the page, is written to the URL, and a
copied URL opens the same weights in a new session; hostile values in a link are clamped
or ignored without an error.
"""

from __future__ import annotations

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.domain import selection
from quartier_geo.ui import juryview
from tests.app.conftest import NewApp
from tests.app.test_page_actions import goto, problems

PLANNER = Mode.PLANNER.value
FOSSIL, LISTED = "share_fossil", "share_listed"


def weight(at, name: str) -> float:  # type: ignore[no-untyped-def]
    return float(at.select_slider(key=f"_w_w_{name}").value)


def test_weights_survive_leaving_the_page_and_are_in_the_url(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER), "page_jury")
    at.select_slider(key=f"_w_w_{FOSSIL}").set_value(2.5).run()
    at.select_slider(key=f"_w_w_{LISTED}").set_value(0.0).run()
    assert not problems(at), problems(at)
    assert at.query_params[f"w_{FOSSIL}"] == "2.5"
    assert at.query_params[f"w_{LISTED}"] == "0.0"
    goto(at, "page_overview")
    goto(at, "page_jury")
    assert not problems(at), problems(at)
    assert weight(at, FOSSIL) == 2.5 and weight(at, LISTED) == 0.0
    assert weight(at, "share_nwg") == 1.0  # untouched: the default
    assert at.query_params[f"w_{FOSSIL}"] == "2.5"


def test_a_copied_url_restores_the_weights_and_the_ranking(new_app: NewApp) -> None:
    """A new session opened with the weights of a link shows those weights, and its ranking
    differs from the default one exactly as the weights say (only fossil share counts)."""
    only_fossil = {f"w_{c.name}": "0" for c in selection.CRITERIA} | {f"w_{FOSSIL}": "3"}
    at = goto(new_app(PLANNER, **only_fossil), "page_jury")
    assert not problems(at), problems(at)
    assert weight(at, FOSSIL) == 3.0
    assert all(weight(at, c.name) == 0.0 for c in selection.CRITERIA if c.name != FOSSIL)
    ranks = next(d.value for d in at.dataframe if t("rank_best", "de") in d.value.columns)
    # with a single criterion the quarter with the highest fossil share ranks first
    table = juryview.jury_criteria()
    best = table["share_fossil"].idxmax()
    labels = juryview.widgets.quarter_labels(at.session_state["_context"].data.quarters)
    assert ranks.iloc[0, 1] == labels[int(best)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("-5", 0.0), ("1e308", 3.0), ("600", 3.0), ("nan", 1.0), ("inf", 1.0), ("zwei", 1.0),
     ("1.2", 1.0), ("1.3", 1.5), ("", 1.0)],
)  # fmt: skip
def test_hostile_weights_in_a_link_are_clamped(new_app: NewApp, raw: str, expected: float) -> None:
    at = goto(new_app(PLANNER, **{f"w_{FOSSIL}": raw}), "page_jury")
    assert not problems(at), problems(at)
    assert weight(at, FOSSIL) == expected
    assert at.query_params[f"w_{FOSSIL}"] == str(expected)


def test_weights_are_shown_with_a_german_decimal_comma(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER, **{f"w_{FOSSIL}": "2.5"}), "page_jury")
    slider = at.select_slider(key=f"_w_w_{FOSSIL}")
    assert slider.format_func(2.5) == "2,5"  # type: ignore[attr-defined]
    assert slider.help == t(f"jury_why_{FOSSIL}", "de")


#: The last inner class bound of the linear heat density in geodata/reference/thresholds.csv
#: (classes at 500 and 1,500 kWh/(m·a)): raising it keeps the bounds in order.
LAST_LINEAR = "thr_linear_heat_density_1"


def test_supply_thresholds_live_in_the_url(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER), "page_supply")
    assert at.number_input(key=f"_w_{LAST_LINEAR}").value == 1500
    at.number_input(key=f"_w_{LAST_LINEAR}").set_value(2000).run()
    assert not problems(at), problems(at)
    assert at.query_params[LAST_LINEAR] == "2000"
    goto(at, "page_jury")
    goto(at, "page_supply")
    assert at.number_input(key=f"_w_{LAST_LINEAR}").value == 2000
    copied = goto(new_app(PLANNER, **{LAST_LINEAR: "2000"}), "page_supply")
    assert copied.number_input(key=f"_w_{LAST_LINEAR}").value == 2000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1e12", 1_000_000), ("nan", 1500), ("zwei", 1500), ("1999.6", 2000)],
)
def test_hostile_thresholds_in_a_link_are_clamped(new_app: NewApp, raw: str, expected: int) -> None:
    at = goto(new_app(PLANNER, **{LAST_LINEAR: raw}), "page_supply")
    assert not problems(at), problems(at)
    assert at.number_input(key=f"_w_{LAST_LINEAR}").value == expected


def test_a_threshold_below_one_is_raised_to_one(new_app: NewApp) -> None:
    """``-5`` becomes 1, the lowest bound an input allows; the bounds are then out of
    order, which the page refuses with its error and the default thresholds."""
    at = goto(new_app(PLANNER, **{LAST_LINEAR: "-5"}), "page_supply")
    assert not at.exception
    assert at.number_input(key=f"_w_{LAST_LINEAR}").value == 1
    assert len(at.error) == 1


def test_a_link_opens_the_building_card_of_its_building(new_app: NewApp) -> None:
    """``?building=<id>`` on the Quartierskarte shows that building's card (planner mode;
    public and workshop servers never show a card, tests/app/test_pages.py)."""
    from quartier_geo.ui.data import quarter_buildings

    first = quarter_buildings(1).iloc[0]
    at = goto(new_app(PLANNER, q="1", building=str(first["building_id"])), "page_quarter_map")
    assert not problems(at), problems(at)
    card = "\n".join(m.value for m in at.markdown)
    assert f"{t('address', 'de')}:" in card and str(first["address"]) in card, card[-600:]
    made_up = goto(new_app(PLANNER, q="1", building="x" * 500), "page_quarter_map")
    assert not problems(made_up), problems(made_up)
    assert t("building_card_hint", "de") in [c.value for c in made_up.caption]
