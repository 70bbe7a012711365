"""Two planners in two real browsers edit the same module (issue #7 item 3): the second save
is refused with both versions shown, the first edit stays, and nothing typed is lost."""

from __future__ import annotations

from typing import Any

import pytest

from quartier_geo.base.i18n import t
from tests.browser.harness import Server, main_text, open_page, wait_idle

pytestmark = pytest.mark.browser


def _open_first_module_form(page: Any) -> Any:
    wait_idle(page)
    page.get_by_text(t("edit_modules", "de")).first.click()
    wait_idle(page)
    form = page.locator('[data-testid="stForm"]').first
    form.wait_for(state="visible")
    return form


def _save_note(page: Any, form: Any, note: str) -> None:
    box = form.locator('[data-testid="stTextInput"] input').last  # the note (after the name)
    box.fill(note)
    box.press("Tab")
    form.get_by_role("button", name=t("save", "de")).click()
    wait_idle(page)


def test_second_planner_sees_a_conflict_and_keeps_the_input(
    servers: dict[str, Server], browser
) -> None:
    server = servers["planner"]
    with (
        open_page(browser, server, "projektphasen?q=3") as (anna, _w1),
        open_page(browser, server, "projektphasen?q=3") as (ben, _w2),
    ):
        anna_form = _open_first_module_form(anna)  # both read the record now
        ben_form = _open_first_module_form(ben)

        _save_note(ben, ben_form, "Ben: Bestandsaufnahme läuft")
        assert t("saved_ok", "de") in main_text(ben)

        _save_note(anna, anna_form, "Anna: verschoben auf Mai")
        text = main_text(anna)
        assert t("save_conflict", "de").split(":")[0] in text
        assert "Ben: Bestandsaufnahme läuft" in text  # the stored version is shown
        note = anna_form.locator('[data-testid="stTextInput"] input').last.input_value()
        assert note == "Anna: verschoben auf Mai"  # nothing typed is lost

        ben.reload()  # a new session reads the stored record: Ben's, not Anna's
        fresh = _open_first_module_form(ben)
        stored = fresh.locator('[data-testid="stTextInput"] input').last.input_value()
        assert stored == "Ben: Bestandsaufnahme läuft"
