"""The whole login flow in Chromium against a real OpenID Connect provider (issue #7, item 1).

``oidc-provider-mock`` runs on loopback, started by the test; a planner-mode app server gets
a secrets file whose ``[auth]`` section points at it and a roles file. A planner logs in,
saves a module status on Projektphasen and finds their identity as the author in the change
log (its CSV download and the workspace), then logs out and finds no edit control any more;
a viewer, in another browser context, logs in and finds no edit control. Browser and
redirect URI use the same host name (127.0.0.1): with ``localhost`` on one side the callback
fails.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.domain.phases import LABELS
from tests.browser.harness import Server, free_port, main_text, start_server, wait_idle
from tests.browser.oidc import Provider, login, start_provider

pytestmark = pytest.mark.browser

PLANNER = {"email": "anna.planer@stadt.example", "name": "Anna Planer"}
VIEWER = {"email": "jury@example.org", "name": "Jule Jury", "groups": ["jury"]}
ROLES = '[planners]\nemails = ["anna.planer@stadt.example"]\n\n[viewers]\ngroups = ["jury"]\n'
#: How the audit log names the planner (Access.author): name and e-mail from the token.
PLANNER_AUTHOR = "Anna Planer <anna.planer@stadt.example>"
MS = 1000


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    idp = start_provider(tmp_path_factory.mktemp("oidc"))
    try:
        idp.put_user("anna", PLANNER)
        idp.put_user("jule", VIEWER)
        yield idp
    finally:
        idp.stop()


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory, provider: Provider) -> Iterator[Server]:
    """A planner-mode server whose secrets file points its login at the provider."""
    tmp = tmp_path_factory.mktemp("auth-server")
    port = free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "browser-test-cookie-secret-0123456789abcdef"\n'
        'client_id = "quartiere-ruhr"\n'
        'client_secret = "any-secret-for-the-mock"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = tmp / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    env = {"STREAMLIT_SECRETS_FILES": str(secrets), "QUARTIER_ROLES_FILE": str(roles)}
    server = start_server("planner", tmp, name="auth", env=env, port=port)
    try:
        yield server.wait_healthy()
    finally:
        server.stop()


def _login(page: Any, server: Server, provider: Provider, sub: str) -> None:
    login(page, server.url, provider, sub)


def _sidebar_text(page: Any) -> str:
    return page.evaluate(
        "() => document.querySelector('[data-testid=\"stSidebar\"]')?.innerText || ''"
    )


def test_planner_logs_in_edits_and_is_the_author(
    browser: Any, auth_server: Server, provider: Provider
) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        page = context.new_page()
        _login(page, auth_server, provider, "anna")
        assert "Anna Planer" in _sidebar_text(page)
        assert t("auth_role_planner", "de") in _sidebar_text(page)

        page.goto(f"{auth_server.url}/projektphasen", wait_until="domcontentloaded")
        wait_idle(page)
        page.get_by_text(t("edit_modules", "de")).click()
        form = page.locator('[data-testid="stForm"]').first
        option = page.get_by_role("option", name=LABELS["de"]["in_progress"])
        for _attempt in range(3):  # on a busy machine the first click can come too early
            form.locator('[data-testid="stSelectbox"]').click()
            with contextlib.suppress(Exception):
                option.wait_for(timeout=10 * MS)
                break
        option.click()
        form.get_by_role("button", name=t("save", "de")).click()
        page.get_by_text(t("saved_ok", "de")).wait_for(timeout=30 * MS)
        author_note = t("auth_author", "de").format(author=PLANNER_AUTHOR)
        assert author_note in main_text(page)

        page.goto(f"{auth_server.url}/daten", wait_until="domcontentloaded")
        wait_idle(page)
        page.get_by_role("tab", name=t("tab_audit", "de")).click()
        with page.expect_download() as info:
            page.get_by_role("button", name=t("audit_download", "de")).click()
        text = Path(info.value.path()).read_text(encoding="utf-8-sig")

        # logging out ends the planner's editing in this browser
        page.get_by_role("button", name=t("auth_logout", "de")).click()
        # Streamlit ends the session at the provider too (RP-initiated logout); the mock
        # provider asks to confirm, then returns to the app
        page.wait_for_url(f"{provider.url}/oauth2/end_session**", timeout=30 * MS)
        page.get_by_role("button", name="End session", exact=True).click()
        page.wait_for_url(f"{auth_server.url}/**", timeout=30 * MS)
        wait_idle(page)
        page.get_by_role("button", name=t("auth_login", "de")).wait_for(timeout=30 * MS)
        assert "Anna Planer" not in _sidebar_text(page)
        page.goto(f"{auth_server.url}/projektphasen", wait_until="domcontentloaded")
        wait_idle(page)
        assert t("page_phases", "de") in main_text(page)  # the page is there
        assert t("edit_modules", "de") not in main_text(page)
        assert page.locator('[data-testid="stForm"]').count() == 0
    finally:
        context.close()
    rows = list(csv.DictReader(io.StringIO(text)))
    mine = [r for r in rows if r["author"] == PLANNER_AUTHOR]
    assert mine, rows
    assert json.loads(mine[0]["after"])["status"] == "in_progress"
    workspace = Path(auth_server.log).parent / "ws-auth.sqlite"
    with contextlib.closing(sqlite3.connect(workspace)) as con:
        authors = [r[0] for r in con.execute("SELECT author FROM audit")]
    assert authors == [PLANNER_AUTHOR]
    assert auth_server.log_errors() == []


def test_viewer_logs_in_and_sees_no_edit_control(
    browser: Any, auth_server: Server, provider: Provider
) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        page = context.new_page()
        _login(page, auth_server, provider, "jule")
        sidebar = _sidebar_text(page)
        assert "Jule Jury" in sidebar and t("auth_role_viewer", "de") in sidebar
        page.goto(f"{auth_server.url}/projektphasen", wait_until="domcontentloaded")
        wait_idle(page)
        text = main_text(page)
        assert t("page_phases", "de") in text  # the page is there
        assert t("edit_modules", "de") not in text
        assert page.locator('[data-testid="stForm"]').count() == 0
        page.goto(f"{auth_server.url}/daten", wait_until="domcontentloaded")
        wait_idle(page)
        tabs = page.get_by_role("tab").all_inner_texts()
        assert t("tab_export", "de") in tabs  # the page rendered its tabs
        assert t("tab_audit", "de") not in tabs and t("tab_import", "de") not in tabs
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
    finally:
        context.close()
