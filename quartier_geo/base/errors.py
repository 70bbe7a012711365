"""Named errors. Each message says what was wrong and what to do (German first).

Pages catch :class:`QuartierGeoError` and show ``st.error``; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConflictError",
    "CrsError",
    "DataValidationError",
    "PermissionDeniedError",
    "QuartierGeoError",
    "ReferenceDataError",
    "StorageError",
]


class QuartierGeoError(Exception):
    """Base class of all expected, user-facing errors."""


class CrsError(QuartierGeoError):
    """Data without a CRS, or with a CRS that does not fit its coordinates."""


class ReferenceDataError(QuartierGeoError):
    """A bundled reference table is missing or malformed (a broken installation)."""


class PermissionDeniedError(QuartierGeoError, PermissionError):
    """A write was attempted in a mode that may not write (public, workshop)."""


class DataValidationError(QuartierGeoError):
    """Input data with one or more problems; ``problems`` lists every one of them.

    Parameters
    ----------
    problems
        One human-readable line per problem, naming the rows concerned and what to do.
    what
        Which data set was checked (for the headline).
    """

    def __init__(self, problems: Sequence[str], *, what: str = "Die Gebäudedatei") -> None:
        self.problems = list(problems)
        self.what = what
        lines = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"{what} hat {len(self.problems)} Problem(e):\n{lines}")


class ConflictError(QuartierGeoError):
    """Someone else saved the same record since it was read (optimistic locking)."""


class StorageError(QuartierGeoError):
    """The workspace could not be written (disk full, locked too long, broken file)."""
