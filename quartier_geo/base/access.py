"""Who may edit: roles from the server's configuration, and the loopback rule.

A person's role never comes from the URL or the browser. With an identity provider
configured (Streamlit's login, OpenID Connect), the e-mail address and the groups of the
logged-in person are looked up in the roles file named by ``QUARTIER_ROLES_FILE``
(:mod:`.settings`)::

    [planners]                      # edit, import and publish
    emails = ["anna.planer@stadt.example"]
    groups = ["waermeplanung"]

    [viewers]                       # read drafts, no edit control (e.g. jury members)
    emails = ["jury@example.org"]
    groups = ["jury"]

Planner wins over viewer; a logged-in person on neither list is a viewer. E-mail
addresses compare case-insensitively, group names exactly.

Without an identity provider nobody is known: editing is offered only by a server bound to
loopback (one person at their own computer, :func:`is_loopback`); any other address is
read-only. Whether editing is possible at all also depends on the mode
(:func:`.modes.can_edit`) and the workspace.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from quartier_geo.base.errors import QuartierGeoError

__all__ = [
    "PROXY_HEADERS",
    "Access",
    "Role",
    "RoleTable",
    "RolesConfigError",
    "decide",
    "is_loopback",
    "is_proxied",
    "load_roles",
    "parse_roles",
    "resolve_role",
]


class RolesConfigError(QuartierGeoError):
    """The roles file is missing, not TOML, or has entries of the wrong kind."""


class Role(StrEnum):
    PLANNER = "planner"  # edits, imports, publishes
    VIEWER = "viewer"  # reads drafts, no edit control
    ANONYMOUS = "anonymous"  # not logged in


@dataclass(frozen=True)
class RoleTable:
    """E-mail addresses (lower case) and group names per role."""

    planner_emails: frozenset[str] = frozenset()
    planner_groups: frozenset[str] = frozenset()
    viewer_emails: frozenset[str] = frozenset()
    viewer_groups: frozenset[str] = frozenset()


_SECTIONS = ("planners", "viewers")
_FIELDS = ("emails", "groups")


def _strings(value: Any, where: str, source: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RolesConfigError(
            f"Rollendatei {source}: „{where}“ muss eine Liste nicht leerer Texte sein, "
            f'z. B. {where.split(".")[-1]} = ["…"].'
        )
    return [v.strip() for v in value]


def parse_roles(text: str, *, source: str = "QUARTIER_ROLES_FILE") -> RoleTable:
    """The role table of a roles file's text; :class:`RolesConfigError` names every mistake.

    >>> table = parse_roles('[planners]\\nemails = ["Anna@Stadt.example"]')
    >>> sorted(table.planner_emails), sorted(table.viewer_groups)
    (['anna@stadt.example'], [])
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesConfigError(f"Rollendatei {source} ist kein gültiges TOML: {exc}") from exc
    unknown = sorted(set(raw) - set(_SECTIONS))
    if unknown:
        raise RolesConfigError(
            f"Rollendatei {source}: unbekannte Abschnitte {unknown}; erlaubt sind "
            "[planners] und [viewers]."
        )
    values: dict[str, frozenset[str]] = {}
    for section in _SECTIONS:
        entries = raw.get(section, {})
        if not isinstance(entries, Mapping):
            raise RolesConfigError(f"Rollendatei {source}: „{section}“ muss ein Abschnitt sein.")
        extra = sorted(set(entries) - set(_FIELDS))
        if extra:
            raise RolesConfigError(
                f"Rollendatei {source}: unbekannte Einträge {extra} in [{section}]; erlaubt "
                "sind emails und groups."
            )
        for field in _FIELDS:
            items = _strings(entries.get(field, []), f"{section}.{field}", source)
            if field == "emails":
                items = [i.lower() for i in items]
            values[f"{section[:-1]}_{field}"] = frozenset(items)
    return RoleTable(**values)


def load_roles(path: Path | None) -> RoleTable:
    """The role table of the file at ``path``; an empty table if no file is configured.

    A configured file that cannot be read is an error (never silently "no planners").
    """
    if path is None:
        return RoleTable()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RolesConfigError(
            f"Rollendatei {path} kann nicht gelesen werden ({exc.strerror}); "
            "QUARTIER_ROLES_FILE prüfen."
        ) from exc
    return parse_roles(text, source=str(path))


def resolve_role(table: RoleTable, email: str | None, groups: Iterable[str] = ()) -> Role:
    """The role of a logged-in person with ``email`` and ``groups``.

    >>> table = RoleTable(planner_groups=frozenset({"waerme"}))
    >>> resolve_role(table, "x@y.example", ["waerme"]), resolve_role(table, "x@y.example")
    (<Role.PLANNER: 'planner'>, <Role.VIEWER: 'viewer'>)
    """
    mail = (email or "").strip().lower()
    groups = set(groups)
    if (mail and mail in table.planner_emails) or groups & table.planner_groups:
        return Role.PLANNER
    return Role.VIEWER


#: Request headers a reverse proxy adds: a visitor who comes through one is not local, even
#: when the app server itself is bound to loopback behind it.
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def is_proxied(headers: Mapping[str, str]) -> bool:
    """Whether the request came through a reverse proxy (one of :data:`PROXY_HEADERS`).

    >>> is_proxied({"Host": "127.0.0.1:8501"}), is_proxied({"X-Forwarded-For": "10.0.0.7"})
    (False, True)
    """
    return any(name.lower() in PROXY_HEADERS for name in headers)


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable only from its own computer.

    An empty address means every interface (Streamlit's default): not loopback.

    >>> [is_loopback(a) for a in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "", None)]
    [True, True, True, False, False, False]
    """
    value = (address or "").strip().strip("[]").lower()
    if not value:
        return False
    if value == "localhost":
        return True
    try:
        return ipaddress.ip_address(value).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    """What one visitor may do, decided once per run.

    ``login`` says whether an identity provider is configured; ``local`` whether the server
    is bound to loopback; ``name`` and ``email`` are the logged-in identity (empty when
    anonymous). ``problem`` carries a configuration error (German), shown as a banner.
    """

    role: Role
    login: bool
    local: bool
    name: str = ""
    email: str = ""
    problem: str | None = None

    @property
    def logged_in(self) -> bool:
        return self.role is not Role.ANONYMOUS

    @property
    def may_edit(self) -> bool:
        """Planners with a provider; without one, everybody at a loopback server."""
        if self.login:
            return self.role is Role.PLANNER
        return self.local

    @property
    def author(self) -> str:
        """The author written to the audit log: the identity, or "(lokal)" without login."""
        if self.login:
            if self.name and self.email and self.name != self.email:
                return f"{self.name} <{self.email}>"
            return self.email or self.name
        return "lokal"


def decide(table: RoleTable, *, login: bool, local: bool, user: Mapping[str, Any]) -> Access:
    """The access of a visitor: ``user`` holds the identity claims (``st.user``).

    >>> decide(RoleTable(), login=False, local=True, user={}).may_edit
    True
    >>> decide(RoleTable(), login=True, local=True, user={"is_logged_in": False}).may_edit
    False
    """
    if not login:
        return Access(Role.ANONYMOUS, login=False, local=local)
    if not user.get("is_logged_in"):
        return Access(Role.ANONYMOUS, login=True, local=local)
    email = str(user.get("email") or "").strip()
    name = str(user.get("name") or user.get("preferred_username") or user.get("sub") or "")
    name = name.strip()
    groups = user.get("groups") or []
    if isinstance(groups, str):
        groups = [groups]
    role = resolve_role(table, email, [str(g) for g in groups])
    return Access(role, login=True, local=local, name=name or email, email=email)
