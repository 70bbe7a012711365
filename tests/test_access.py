"""Roles from the server's configuration, and the loopback rule (issue #7, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartier_geo.base.access import (
    Role,
    RolesConfigError,
    RoleTable,
    decide,
    is_loopback,
    load_roles,
    parse_roles,
    resolve_role,
)
from quartier_geo.base.settings import ROLES_ENV, read_settings

ROLES = """
[planners]
emails = ["Anna.Planer@Stadt.example"]
groups = ["waermeplanung"]

[viewers]
emails = ["jury@example.org"]
groups = ["jury"]
"""


@pytest.fixture
def table() -> RoleTable:
    return parse_roles(ROLES)


@pytest.mark.parametrize(
    ("email", "groups", "role"),
    [
        ("anna.planer@stadt.example", [], Role.PLANNER),  # e-mail, other case
        (" ANNA.PLANER@STADT.EXAMPLE ", [], Role.PLANNER),
        ("ben@stadt.example", ["waermeplanung"], Role.PLANNER),  # group
        ("jury@example.org", [], Role.VIEWER),
        ("carla@example.org", ["jury"], Role.VIEWER),
        ("jury@example.org", ["waermeplanung"], Role.PLANNER),  # planner wins
        ("unknown@example.org", ["other"], Role.VIEWER),  # unknown: reads, never edits
        (None, [], Role.VIEWER),
        ("ben@stadt.example", ["Waermeplanung"], Role.VIEWER),  # groups are exact
    ],
)
def test_resolve_role(table: RoleTable, email: str | None, groups: list[str], role: Role) -> None:
    assert resolve_role(table, email, groups) is role


def test_empty_table_makes_nobody_a_planner() -> None:
    assert resolve_role(RoleTable(), "anna.planer@stadt.example", ["waermeplanung"]) is Role.VIEWER


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[planners\nemails = []", "kein gültiges TOML"),
        ('[admins]\nemails = ["a@b.example"]', "admins"),
        ('[planners]\nmails = ["a@b.example"]', "mails"),
        ('[planners]\nemails = "a@b.example"', "planners.emails"),
        ("[viewers]\ngroups = [1, 2]", "viewers.groups"),
        ('[viewers]\ngroups = [" "]', "viewers.groups"),
        ('planners = ["a@b.example"]', "„planners“ muss ein Abschnitt sein"),
    ],
)
def test_config_errors_are_named(text: str, named: str) -> None:
    with pytest.raises(RolesConfigError, match=named):
        parse_roles(text, source="roles.toml")


def test_load_roles(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    assert load_roles(path).planner_emails == frozenset({"anna.planer@stadt.example"})
    assert load_roles(None) == RoleTable()
    with pytest.raises(RolesConfigError, match=r"missing\.toml"):
        load_roles(tmp_path / "missing.toml")


def test_roles_file_comes_from_settings(tmp_path: Path) -> None:
    assert read_settings({ROLES_ENV: str(tmp_path / "r.toml")}).roles_file == tmp_path / "r.toml"
    assert read_settings({ROLES_ENV: "  "}).roles_file is None
    assert read_settings({}).roles_file is None


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),  # Debian's host-name address is loopback too
        ("localhost", True),
        ("LOCALHOST", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("quartiere.example.org", False),
        ("", False),  # Streamlit's default: every interface
        (None, False),
    ],
)
def test_loopback_rule(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def test_without_login_only_loopback_edits() -> None:
    local = decide(RoleTable(), login=False, local=True, user={"email": "x@example.org"})
    remote = decide(RoleTable(), login=False, local=False, user={"email": "x@example.org"})
    assert local.may_edit and not remote.may_edit
    assert local.role is Role.ANONYMOUS  # nobody is known without a login


def test_with_login_the_role_decides(table: RoleTable) -> None:
    planner = {"is_logged_in": True, "email": "anna.planer@stadt.example", "name": "Anna Planer"}
    viewer = {"is_logged_in": True, "email": "jury@example.org", "name": "Jury"}
    anonymous = {"is_logged_in": False}
    for local in (True, False):  # loopback gives nothing extra once a login is configured
        a = decide(table, login=True, local=local, user=planner)
        assert (a.role, a.may_edit) == (Role.PLANNER, True)
        assert a.author == "Anna Planer <anna.planer@stadt.example>"
        v = decide(table, login=True, local=local, user=viewer)
        assert (v.role, v.may_edit, v.logged_in) == (Role.VIEWER, False, True)
        n = decide(table, login=True, local=local, user=anonymous)
        assert (n.role, n.may_edit, n.logged_in) == (Role.ANONYMOUS, False, False)


def test_groups_claim_as_text_or_list(table: RoleTable) -> None:
    user = {"is_logged_in": True, "sub": "ben", "groups": "waermeplanung"}
    access = decide(table, login=True, local=False, user=user)
    assert access.role is Role.PLANNER and access.author == "ben"  # no e-mail: the subject
