"""Several app processes on one PostgreSQL workspace behind nginx (issue #8 item 2).

A throw-away PostGIS database is loaded with ``database init``; two planner-mode Streamlit
processes run on it behind nginx with deploy/nginx/quartiere-planners.conf (cookie-sticky
sessions). Two planners log in through a real OpenID Connect provider, in two browsers
whose sessions nginx sends to different processes. An edit saved through one process is
seen through the other, and a conflicting edit across the processes is refused with both
versions shown. Without a login, a visitor through nginx gets no edit control although the
processes are bound to loopback (the proxy's X-Forwarded-For makes the visitor remote).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from quartier_geo.base.i18n import t
from quartier_geo.cli import main as cli
from tests.browser import nginx
from tests.browser.harness import Server, free_port, main_text, start_server, wait_idle
from tests.browser.oidc import Provider, login, start_provider

pytestmark = pytest.mark.browser

ROLES = '[planners]\nemails = ["anna.planer@stadt.example", "ben.planer@stadt.example"]\n'
USERS = {
    "anna": {"email": "anna.planer@stadt.example", "name": "Anna Planer"},
    "ben": {"email": "ben.planer@stadt.example", "name": "Ben Planer"},
}
#: Header the test adds to the rendered config: which process answered (not in production).
UPSTREAM_HEADER = "X-Test-Upstream"


@dataclass
class Deployment:
    url: str
    servers: list[Server]


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    idp = start_provider(tmp_path_factory.mktemp("oidc-processes"))
    try:
        for sub, claims in USERS.items():
            idp.put_user(sub, claims)
        yield idp
    finally:
        idp.stop()


@pytest.fixture(scope="module")
def deployment(
    pg_cluster: Any, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("processes")
    database = pg_cluster.new_database(postgis=False)
    assert cli(["database", "init", "--url", database]) == 0
    proxy_port = free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{proxy_port}/oauth2callback"\n'
        'cookie_secret = "shared-cookie-secret-of-all-processes-0123456789"\n'
        'client_id = "quartiere-ruhr"\n'
        'client_secret = "any-secret-for-the-mock"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = tmp / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    env = {
        "QUARTIER_DATABASE_URL": database,
        "STREAMLIT_SECRETS_FILES": str(secrets),
        "QUARTIER_ROLES_FILE": str(roles),
    }
    servers = [start_server("planner", tmp, name=f"process-{i}", env=env) for i in (1, 2)]
    try:
        for server in servers:
            server.wait_healthy()
        upstreams = " ".join(f"server {s.url.split('://', 1)[1]};" for s in servers)
        site = nginx.render(
            "quartiere-planners.conf",
            {
                "@SERVER_NAME@": "127.0.0.1 localhost",
                "@LISTEN@": f"127.0.0.1:{proxy_port}",
                "@UPSTREAMS@": upstreams,
            },
        )
        site = site.replace(
            "server_tokens off;",
            f'server_tokens off;\n    add_header {UPSTREAM_HEADER} "$upstream_addr" always;',
        )
        with nginx.running(tmp / "nginx", site, proxy_port) as url:
            yield Deployment(url, servers)
    finally:
        for server in servers:
            server.stop()


def _session_on(browser: Any, deployment: Deployment, avoid: str | None) -> tuple[Any, str]:
    """A new browser context whose sticky route leads to a process other than ``avoid``."""
    for _attempt in range(12):
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        response = page.goto(f"{deployment.url}/_stcore/health")
        upstream = response.headers.get(UPSTREAM_HEADER.lower(), "")
        if upstream and upstream != avoid:
            return page, upstream
        context.close()
    raise AssertionError("nginx sent 12 new sessions to the same process")


def _stays(page: Any, deployment: Deployment, upstream: str) -> None:
    for _ in range(3):  # the cookie keeps the session on its process
        response = page.goto(f"{deployment.url}/_stcore/health")
        assert response.headers.get(UPSTREAM_HEADER.lower()) == upstream


def _form(page: Any, url: str) -> Any:
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)
    page.get_by_text(t("edit_modules", "de")).first.click()
    wait_idle(page)
    form = page.locator('[data-testid="stForm"]').first
    form.wait_for(state="visible")
    return form


def _save(page: Any, form: Any, note: str) -> None:
    box = form.locator('[data-testid="stTextInput"] input').last
    box.fill(note)
    box.press("Tab")
    form.get_by_role("button", name=t("save", "de")).click()
    wait_idle(page)


def test_an_edit_crosses_processes_and_a_conflict_is_caught(
    browser: Any, deployment: Deployment, provider: Provider
) -> None:
    anna, anna_on = _session_on(browser, deployment, None)
    ben, ben_on = _session_on(browser, deployment, anna_on)
    assert anna_on != ben_on  # two processes
    try:
        login(anna, deployment.url, provider, "anna")
        login(ben, deployment.url, provider, "ben")
        _stays(anna, deployment, anna_on)
        _stays(ben, deployment, ben_on)
        page = f"{deployment.url}/projektphasen?q=7"
        anna_form = _form(anna, page)
        ben_form = _form(ben, page)  # both read version 0 of the module now

        _save(ben, ben_form, "Ben über Prozess 2: Bestandsaufnahme läuft")
        assert t("saved_ok", "de") in main_text(ben)

        _save(anna, anna_form, "Anna über Prozess 1: verschoben")
        text = main_text(anna)
        assert t("save_conflict", "de").split(":")[0] in text  # refused across processes
        assert "Ben über Prozess 2: Bestandsaufnahme läuft" in text  # the stored version

        fresh = _form(anna, page)  # Anna's process reads what Ben's process saved
        stored = fresh.locator('[data-testid="stTextInput"] input').last.input_value()
        assert stored == "Ben über Prozess 2: Bestandsaufnahme läuft"
        _stays(anna, deployment, anna_on)
    finally:
        anna.context.close()
        ben.context.close()
    for server in deployment.servers:
        assert server.log_errors() == []


def test_through_the_proxy_nobody_edits_without_login(browser: Any, deployment: Deployment) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{deployment.url}/projektphasen?q=7", wait_until="domcontentloaded")
        wait_idle(page)
        text = main_text(page)
        assert t("page_phases", "de") in text  # the page is there
        assert t("edit_modules", "de") not in text
        assert page.locator('[data-testid="stForm"]').count() == 0
        cookie = next(c for c in context.cookies() if c["name"] == "quartiere_route")
        assert re.fullmatch(r"[0-9a-f]{32}", cookie["value"]) and cookie["httpOnly"]
    finally:
        context.close()
