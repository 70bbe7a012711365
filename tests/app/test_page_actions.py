"""Actions on the thin pages: each drives one ui module and checks what the user sees.

Texts are looked up with ``t`` so that a changed wording does not break the tests, but a
missing element does.
"""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.domain import phases, selection
from quartier_geo.ui import frame, overview

NewApp = Callable[..., AppTest]
PATH_OF = {p[1]: p[0] for p in frame._PAGES}
PLANNER = Mode.PLANNER.value
HERNE = 9


def goto(at: AppTest, key: str) -> AppTest:
    return at.switch_page(PATH_OF[key]).run()


def problems(at: AppTest) -> list[str]:
    return [e.message for e in at.exception] + [e.value for e in at.error]


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_refurbishment_verdicts_follow_the_rate(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER), "page_refurbishment")
    at.select_slider(key="_w_rate").set_value(0.0).run()
    assert not problems(at), problems(at)
    missed = t("bottrop_missed", "de").split("{")[0]
    neutral_missed = t("neutral_missed", "de").split("{")[0]
    assert missed in texts(at)
    assert neutral_missed in texts(at)


def test_saved_scenario_is_listed_for_its_quarter_only(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER), "page_refurbishment")
    first = at.selectbox(key="_w_q").value
    name_box = next(x for x in at.text_input if x.label == t("scenario_name", "de"))
    name_box.input("Test: schnell")
    next(b for b in at.button if b.label == t("save", "de")).click().run()
    assert not problems(at), problems(at)
    assert t("saved_ok", "de") in [s.value for s in at.success]
    assert "Test: schnell" in at.multiselect(key="cmp").options
    other = HERNE if first != HERNE else first + 1
    at.selectbox(key="_w_q").set_value(other).run()
    assert not problems(at), problems(at)
    assert not [m for m in at.multiselect if m.key == "cmp"]
    assert t("no_saved_scenarios", "de") in [c.value for c in at.caption]


def test_empty_scenario_name_is_refused(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER), "page_refurbishment")
    next(b for b in at.button if b.label == t("save", "de")).click().run()
    assert [e.value for e in at.error] == [t("scenario_name_missing", "de")]


def test_module_edit_is_saved_and_listed(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER), "page_phases")
    qid = at.selectbox(key="_w_q").value
    key = f"{qid}:{phases.Module.SUPPLY_CONCEPT.value}"
    at.selectbox(key=f"sel_{key}").set_value(phases.ModuleStatus.IN_PROGRESS.value)
    at.text_input(key=f"note_{key}").input("Netzbetreiber angefragt")
    form_buttons = [b for b in at.button if b.label == t("save", "de")]
    # one form per module, in Module order
    form_buttons[list(phases.Module).index(phases.Module.SUPPLY_CONCEPT)].click().run()
    assert not problems(at), problems(at)
    assert t("workspace_edits", "de") in texts(at)
    tables = [d.value for d in at.dataframe if t("version", "de") in d.value.columns]
    assert len(tables) == 1
    row = tables[0].iloc[-1].tolist()
    assert "Netzbetreiber angefragt" in row
    assert phases.LABELS["de"]["supply_concept"] in row
    assert phases.LABELS["de"]["in_progress"] in row


def test_overview_every_colouring_renders(new_app: NewApp) -> None:
    at = new_app(PLANNER)
    for colour in overview.colourings("de"):
        at.button_group(key="_w_color").set_value(colour).run()
        assert not problems(at), (colour, problems(at))
        assert at.query_params.get("color", "phase") == colour


def test_jury_all_weights_zero_warns_and_stops(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER), "page_jury")
    assert any(c.key == "ranking" for c in at.get("plotly_chart"))
    for c in selection.CRITERIA:
        at.select_slider(key=f"_w_w_{c.name}").set_value(0.0)
    at.run()
    assert not problems(at), problems(at)
    assert [w.value for w in at.warning] == [t("weights_zero", "de")]
    assert not any(c.key == "ranking" for c in at.get("plotly_chart"))


def test_supply_thresholds_out_of_order_are_refused(new_app: NewApp) -> None:
    at = goto(new_app(PLANNER), "page_supply")
    at.number_input(key="_w_thr_heat_density_0").set_value(5000).run()
    assert not at.exception, problems(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0]
    # the page goes on with the default thresholds
    assert t("matrix", "de") in [s.value for s in at.subheader]
