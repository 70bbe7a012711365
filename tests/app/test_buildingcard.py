"""The building card shows the calculated demand and the typical consumption, both labelled
(issue #9, item 2)."""

from __future__ import annotations

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.data import layers
from tests.app.conftest import NewApp
from tests.app.test_pages import PATH_OF, goto, markdown_texts, problems


def test_building_card_shows_demand_and_consumption(new_app: NewApp) -> None:
    at = goto(new_app(Mode.PLANNER.value), PATH_OF["page_quarter_map"])
    assert not problems(at), problems(at)
    qid = int(at.session_state["q"])
    buildings = layers.load_layer("buildings")
    bid = str(buildings.loc[buildings["quarter_id"] == qid, "building_id"].iloc[0])
    at.session_state["building"] = bid
    at.run()
    assert not problems(at), problems(at)
    text = "\n".join(markdown_texts(at))
    assert t("card_demand_calculated", "de") in text
    assert t("card_consumption_calibrated", "de") in text
    captions = "\n".join(c.value for c in at.caption)
    assert "kalibriert auf das typische Verbrauchsniveau" in captions
