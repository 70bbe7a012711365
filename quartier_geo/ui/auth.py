"""Login and roles in the app: Streamlit's own login (``st.login``, ``st.user``, OpenID
Connect through Authlib) and the roles of :mod:`quartier_geo.base.access`.

An identity provider is configured when Streamlit's secrets have an ``[auth]`` section
(``.streamlit/secrets.toml`` or the files of ``secrets.files``; README "Anmeldung und
Rollen"). Then only logged-in planners edit; without one, only a server bound to loopback
(``server.address``) offers editing. :func:`resolve` decides once per run; pages read the
result from the run's ``Context`` (``ctx.access``), the editing helpers through
:func:`current`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import streamlit as st

from quartier_geo.base.access import (
    Access,
    Role,
    RolesConfigError,
    RoleTable,
    decide,
    is_loopback,
    is_proxied,
    load_roles,
)
from quartier_geo.base.i18n import Lang, t
from quartier_geo.base.modes import Mode
from quartier_geo.base.settings import read_settings
from quartier_geo.ui.widgets import md_escape

__all__ = ["current", "login_configured", "resolve", "show"]

log = logging.getLogger(__name__)
_ACCESS = "_access"


def login_configured() -> bool:
    """Whether Streamlit's secrets configure an identity provider (an ``[auth]`` section)."""
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:  # no secrets file at all
        return False
    return isinstance(section, Mapping) and bool(section)


def _user() -> Mapping[str, Any]:
    try:
        return st.user.to_dict()
    except (AttributeError, KeyError):  # no script run context
        return {}


def _roles() -> tuple[RoleTable, str | None]:
    try:
        return load_roles(read_settings().roles_file), None
    except RolesConfigError as exc:
        log.error("roles file: %s", exc)
        return RoleTable(), str(exc)


def _headers() -> dict[str, str]:
    try:
        return dict(st.context.headers)
    except Exception:  # no request behind this run (bare script run, tests)
        return {}


def resolve() -> Access:
    """This run's access (login state, role, loopback), kept in session state for
    :func:`current`. A broken roles file makes nobody a planner and is reported."""
    login = login_configured()
    table, problem = _roles() if login else (RoleTable(), None)
    # loopback server and a visitor not sent by a reverse proxy (deploy/nginx sets
    # X-Forwarded-For): behind a proxy, everyone is a remote visitor
    local = is_loopback(st.get_option("server.address")) and not is_proxied(_headers())
    access = decide(table, login=login, local=local, user=_user())
    if problem:
        access = Access(
            Role.VIEWER if access.logged_in else Role.ANONYMOUS,
            login=access.login,
            local=access.local,
            name=access.name,
            email=access.email,
            problem=problem,
        )
    st.session_state[_ACCESS] = access
    return access


def current() -> Access:
    """The access decided by :func:`resolve` in this run (decides it if not yet done)."""
    access = st.session_state.get(_ACCESS)
    return access if isinstance(access, Access) else resolve()


def _login() -> None:
    st.login()


def _logout() -> None:
    st.logout()


def show(access: Access, *, mode: Mode, lang: Lang) -> None:
    """Sidebar: who is logged in with which role, the login or logout button; main area:
    the banner of a server that offers no editing for lack of a login."""
    if mode is not Mode.PLANNER:
        return  # workshop and public never edit; no login offered
    if access.problem:
        st.error(t("auth_roles_broken", lang).format(problem=access.problem))
    if not access.login:
        if not access.local:
            st.warning(t("auth_read_only_no_login", lang), icon=":material/lock:")
        return
    with st.sidebar:
        if access.logged_in:
            who = md_escape(access.name or access.email)
            role = t(f"auth_role_{access.role.value}", lang)
            st.caption(t("auth_logged_in_as", lang).format(who=who, role=role))
            st.button(t("auth_logout", lang), key="auth_logout", on_click=_logout)
        else:
            st.caption(t("auth_anonymous_note", lang))
            st.button(t("auth_login", lang), key="auth_login", on_click=_login, type="primary")
