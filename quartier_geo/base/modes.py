"""The three modes. Set by the server's configuration (environment), never by the URL.

``QUARTIER_MODE`` = planner (default) | workshop | public. An unknown value falls back to
public, the most restrictive mode (fail closed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from quartier_geo.base.errors import PermissionDeniedError
from quartier_geo.base.settings import MODE_ENV, read_settings

__all__ = ["ENV_VAR", "Editor", "Mode", "can_edit", "current_mode", "require_edit"]

ENV_VAR = MODE_ENV
log = logging.getLogger(__name__)


class Mode(StrEnum):
    PLANNER = "planner"
    WORKSHOP = "workshop"
    PUBLIC = "public"


def current_mode() -> Mode:
    raw = (read_settings().mode_raw or Mode.PLANNER.value).strip().lower()
    try:
        return Mode(raw)
    except ValueError:
        log.warning("%s=%r is not a mode; running in public mode", ENV_VAR, raw)
        return Mode.PUBLIC


@dataclass(frozen=True)
class Editor:
    """Who writes, and in which mode: the name goes to the audit log, the mode decides
    whether writing is allowed at all (:func:`require_edit`)."""

    name: str
    mode: Mode


def can_edit(mode: Mode) -> bool:
    """Only the planner mode may write (edits, saved scenarios, imports)."""
    return mode is Mode.PLANNER


def require_edit(mode: Mode) -> None:
    """Guard for every write path: raises unless the mode may edit."""
    if not can_edit(mode):
        raise PermissionDeniedError(
            "In diesem Modus kann nichts geändert werden (nur Lesen). "
            "Bearbeiten ist nur im Planungsmodus möglich."
        )
