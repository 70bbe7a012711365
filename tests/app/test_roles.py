"""Login and roles in the running app (issue #7, item 1): a logged-in planner edits, a
viewer and an anonymous visitor see no edit control, and without an identity provider only
a server bound to loopback offers editing.

``AppTest.user`` plays ``st.user`` and ``AppTest.secrets`` the ``[auth]`` section; the
login flow itself runs in Chromium (tests/browser/test_login.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import ENV_VAR as MODE_ENV
from quartier_geo.base.modes import Mode
from quartier_geo.base.settings import ROLES_ENV
from quartier_geo.ui.widgets import md_escape
from tests.app.conftest import APP, TIMEOUT_S
from tests.app.test_pages import EDITING_PAGES, PATH_OF, editing_widgets, goto, problems

PLANNER = {"is_logged_in": True, "email": "anna.planer@stadt.example", "name": "Anna Planer"}
VIEWER = {"is_logged_in": True, "email": "jury@example.org", "name": "Jury Mitglied"}
STRANGER = {"is_logged_in": True, "email": "someone@example.org", "name": "Someone"}
ANONYMOUS = {"is_logged_in": False}
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-secret-that-is-long-enough-for-streamlit",
    "client_id": "quartiere-ruhr",
    "client_secret": "test",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES = '[planners]\nemails = ["anna.planer@stadt.example"]\n[viewers]\ngroups = ["jury"]\n'

AuthApp = Callable[..., AppTest]


@pytest.fixture
def auth_app(
    monkeypatch: pytest.MonkeyPatch, workspace_file: Path, tmp_path: Path
) -> Iterator[AuthApp]:
    """``auth_app(user, page)``: planner mode with an ``[auth]`` section and a roles file."""
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("QUARTIER_WORKSPACE", str(workspace_file))
    monkeypatch.setenv(ROLES_ENV, str(roles))
    monkeypatch.setenv(MODE_ENV, Mode.PLANNER.value)
    monkeypatch.delenv("QUARTIER_GEOPACKAGE", raising=False)

    def make(user: dict[str, object], page: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        at.secrets["auth"] = AUTH
        at.user = dict(user)
        at.run()
        return goto(at, page)

    yield make


def buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def tab_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


@pytest.mark.parametrize("page", sorted(EDITING_PAGES))
def test_planner_edits_viewer_and_anonymous_do_not(auth_app: AuthApp, page: str) -> None:
    planner = auth_app(PLANNER, page)
    assert not problems(planner), problems(planner)
    assert editing_widgets(planner), "a logged-in planner must see the edit controls"
    for user in (VIEWER, STRANGER, ANONYMOUS):
        at = auth_app(user, page)
        assert not problems(at), problems(at)
        assert not editing_widgets(at), (user, editing_widgets(at))


def test_sidebar_offers_login_or_names_the_identity(auth_app: AuthApp) -> None:
    page = PATH_OF["page_phases"]
    anonymous = auth_app(ANONYMOUS, page)
    assert t("auth_login", "de") in buttons(anonymous)
    assert t("auth_logout", "de") not in buttons(anonymous)
    planner = auth_app(PLANNER, page)
    assert t("auth_logout", "de") in buttons(planner)
    assert t("auth_login", "de") not in buttons(planner)
    captions = " ".join(c.value for c in planner.sidebar.caption)
    assert "Anna Planer" in captions and t("auth_role_planner", "de") in captions
    viewer = auth_app(VIEWER, page)
    captions = " ".join(c.value for c in viewer.sidebar.caption)
    assert t("auth_role_viewer", "de") in captions


def test_author_is_the_identity_not_a_field(auth_app: AuthApp) -> None:
    planner = auth_app(PLANNER, PATH_OF["page_phases"])
    assert not [w for w in planner.text_input if (w.key or "").startswith("_w_author")]
    escaped = md_escape("Anna Planer <anna.planer@stadt.example>")  # no autolink from data
    shown = t("auth_author", "de").format(author=escaped)
    assert shown in [c.value for c in planner.caption]


def test_change_log_tab_only_for_planners(auth_app: AuthApp) -> None:
    daten = PATH_OF["page_data"]
    assert t("tab_audit", "de") in tab_labels(auth_app(PLANNER, daten))
    assert t("tab_audit", "de") not in tab_labels(auth_app(VIEWER, daten))
    assert t("tab_audit", "de") not in tab_labels(auth_app(ANONYMOUS, daten))


def test_broken_roles_file_makes_nobody_planner(
    auth_app: AuthApp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[admins]\nemails = ["anna.planer@stadt.example"]\n', encoding="utf-8")
    monkeypatch.setenv(ROLES_ENV, str(broken))
    at = auth_app(PLANNER, PATH_OF["page_phases"])
    assert not editing_widgets(at)
    assert any("admins" in e.value for e in at.error), [e.value for e in at.error]


@pytest.fixture
def server_address() -> Iterator[Callable[[str], None]]:
    before = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", before)


@pytest.mark.parametrize("page", sorted(EDITING_PAGES))
def test_without_login_only_loopback_edits(
    new_app: Callable[..., AppTest], server_address: Callable[[str], None], page: str
) -> None:
    server_address("127.0.0.1")
    local = goto(new_app(Mode.PLANNER.value), page)
    assert editing_widgets(local)
    assert t("auth_read_only_no_login", "de") not in [w.value for w in local.warning]
    server_address("0.0.0.0")
    remote = goto(new_app(Mode.PLANNER.value), page)
    assert not problems(remote), problems(remote)
    assert not editing_widgets(remote), editing_widgets(remote)
    assert t("auth_read_only_no_login", "de") in [w.value for w in remote.warning]


def _may_save_as_planner_mode() -> None:
    import streamlit as st

    from quartier_geo.base.modes import Editor, Mode
    from quartier_geo.ui import editing

    st.session_state["may_save"] = editing.may_save(Editor("x", Mode.PLANNER), "de")


@pytest.mark.parametrize(("user", "expected"), [(PLANNER, True), (VIEWER, False)])
def test_every_write_path_asks_for_the_role(
    auth_app: AuthApp, user: dict[str, object], expected: bool
) -> None:
    """Publishing, importing and deleting an import ask ``editing.may_save`` before they
    write, as ``editing.save`` does: a viewer is refused even in the planner mode."""
    auth_app(PLANNER, PATH_OF["page_data"])  # sets the environment of the roles
    at = AppTest.from_function(_may_save_as_planner_mode, default_timeout=TIMEOUT_S)
    at.secrets["auth"] = AUTH
    at.user = dict(user)
    at.run()
    assert at.session_state["may_save"] is expected
    assert bool([e for e in at.error if e.value == t("save_planner_only", "de")]) is not expected
