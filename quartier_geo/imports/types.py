"""The domain results of the upload gate and its limits.

Every public import entry point returns one of three values, never an exception:

* :class:`Rejected` – the file cannot be used; ``code`` says why, the messages what to do;
* :class:`NeedsChoice` – the file is readable but the user must decide something first
  (which layer, which CRS, swap lat/lon); call again with the chosen option;
* :class:`Accepted` – the parsed layer, the proposed field mapping, the canonical buildings
  (when the mapping validates) and every warning.

Limits follow docs/SECURITY.md §3.0 (upload gate) and are frozen so they can be cache keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from quartier_geo.imports.messages import render

if TYPE_CHECKING:
    import geopandas as gpd

    from quartier_geo.imports.schemas import Mapping

__all__ = [
    "DEFAULT_LIMITS",
    "Accepted",
    "GateResult",
    "Issue",
    "Limits",
    "NeedsChoice",
    "Option",
    "Rejected",
    "issue",
    "rejected",
]

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits of the upload gate (docs/SECURITY.md §3.0).

    Sizes in bytes, times in seconds. ``memory_bytes`` is the worker's ``RLIMIT_AS``.
    """

    max_upload_bytes: int = 50 * _MIB
    max_zip_entries: int = 100
    max_zip_uncompressed_bytes: int = 500 * _MIB
    max_zip_ratio: float = 100.0
    max_features: int = 200_000
    max_vertices_per_feature: int = 10_000
    max_vertices_total: int = 5_000_000
    max_attribute_bytes: int = 64 * 1024
    memory_bytes: int = 1536 * _MIB
    cpu_seconds: int = 20
    wall_seconds: float = 20.0
    allow_csv: bool = True
    allow_citygml: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Issue:
    """One warning of an accepted file (or one problem of a rejected one)."""

    code: str
    message_de: str
    message_en: str
    count: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


def issue(key: str, params: dict[str, Any] | None = None) -> Issue:
    """Build an :class:`Issue` from a message key of :mod:`quartier_geo.imports.messages`."""
    params = dict(params or {})
    de, en = render(key, params)
    count = params.get("count")
    return Issue(key.split(".")[0], de, en, int(count) if count is not None else None, params)


@dataclass(frozen=True)
class Rejected:
    """The file cannot be imported. ``code`` is stable (tests and the UI key on it)."""

    code: str
    message_de: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)
    kind: Literal["rejected"] = "rejected"


def rejected(key: str, params: dict[str, Any] | None = None, **details: Any) -> Rejected:
    """Build a :class:`Rejected` from a message key; ``details`` are added verbatim."""
    params = dict(params or {})
    de, en = render(key, params)
    return Rejected(key.split(".")[0], de, en, {**params, **details, "message_key": key})


@dataclass(frozen=True)
class Option:
    """One answer the user may give to a :class:`NeedsChoice`.

    ``value`` is what to pass back (``layer=`` / ``crs=`` / ``swap_axes=True``);
    ``details`` may carry a preview, e.g. the lon/lat bounding box under this CRS.
    """

    value: str
    label_de: str
    label_en: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NeedsChoice:
    """The file is readable, but the user has to choose first (never guessed silently).

    ``parameter`` names the keyword of :func:`quartier_geo.imports.pipeline.inspect_upload` that
    takes the answer: ``"layer"``, ``"crs"`` or ``"swap_axes"``.
    """

    code: str
    message_de: str
    message_en: str
    parameter: Literal["layer", "crs", "swap_axes"]
    options: tuple[Option, ...]
    details: dict[str, Any] = field(default_factory=dict)
    kind: Literal["choice"] = "choice"


@dataclass(frozen=True)
class Accepted:
    """A readable, checked layer, ready for the preview the user confirms.

    Attributes
    ----------
    features
        The parsed layer with its own attributes, geometry repaired, in EPSG:25832.
    buildings
        Canonical, validated buildings (``layer_kind == "buildings"``), streets
        (``"streets"``) after :attr:`mapping`, or checked Baublöcke (``"blocks"``);
        ``None`` when the mapping did not validate (see ``problems``) and must be corrected
        with :func:`quartier_geo.imports.pipeline.remap`.
    mapping
        The proposed (or user-corrected) field mapping.
    warnings
        Every warning of parsing, CRS handling, geometry repair and encoding.
    fills
        Every attribute filled by a rule: how many buildings, which rule.
    report
        Counts, CRS, bounding box, encoding, timings per stage and the worker's
        wall time and peak memory (``report["worker"]``).
    """

    filename: str
    format: str
    layer: str | None
    layer_kind: str
    features: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame | None
    mapping: Mapping
    warnings: tuple[Issue, ...] = ()
    fills: tuple[Issue, ...] = ()
    problems: tuple[str, ...] = ()
    report: dict[str, Any] = field(default_factory=dict)
    kind: Literal["accepted"] = "accepted"


GateResult = Accepted | Rejected | NeedsChoice
