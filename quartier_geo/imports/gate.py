"""The first stage of the upload gate: size, magic bytes, extension, ZIP pre-inspection.

Nothing here parses geodata or calls GDAL; it only looks at bytes and at a ZIP file's
central directory (docs/SECURITY.md §3.0). The result is a :class:`Plan` that tells the
worker process which format to parse with which driver, or a domain result
(:class:`~quartier_geo.imports.types.Rejected` / :class:`~quartier_geo.imports.types.NeedsChoice`).

Rules, in order:

1. empty file, size limit;
2. extension allow-list: geojson/json, gpkg, zip, csv (if enabled), gml (CityGML, if enabled);
3. magic bytes must match the extension: GeoJSON starts with ``{`` after an optional UTF-8
   BOM and whitespace; GeoPackage with ``SQLite format 3\\0`` and application id ``GPKG``;
   ZIP with ``PK\\x03\\x04``; CityGML is XML with a ``CityModel`` root. XML or CSV inside a
   ``.geojson`` (a disguised VRT/GDALG/CSV) is ``unsupported_format``;
4. ZIP: at most 100 entries, Σ uncompressed ≤ 500 MB, ratio ≤ 100:1 per entry above 1 MiB,
   no nested archives, no absolute or ``..`` names, no symlinks, no VRT; exactly one
   dataset (one ``.shp`` in any subfolder, or one ``.gpkg``/``.geojson``) or a layer choice.
"""

from __future__ import annotations

import csv
import io
import math
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from quartier_geo.imports.messages import render
from quartier_geo.imports.types import (
    Limits,
    NeedsChoice,
    Option,
    Rejected,
    rejected,
)

__all__ = [
    "EXTENSIONS",
    "Plan",
    "inspect_zip",
    "looks_like_csv",
    "plan_upload",
    "size_params",
    "sniff_geojson",
    "sniff_gpkg",
]

#: Extension -> format. CSV and CityGML only when the limits enable them.
EXTENSIONS = {
    "geojson": "geojson",
    "json": "geojson",
    "gpkg": "gpkg",
    "zip": "zip",
    "csv": "csv",
    "gml": "citygml",
}
_NESTED = (".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".kmz", ".jar", ".zst")
_DANGEROUS = (".vrt", ".gdalg.json", ".ovf")
_SHAPE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_RATIO_MIN_BYTES = 1024 * 1024
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")
_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Plan:
    """What the worker should parse.

    ``kind`` is the parser (geojson, gpkg, shapefile, csv, citygml); ``format`` the
    uploaded container (for messages); ``members`` the ZIP entries to extract, keyed by
    role (``shp``, ``shx``, ``dbf``, ``prj``, ``cpg`` or ``inner``).
    """

    kind: str
    format: str
    suffix: str
    members: dict[str, str] = field(default_factory=dict)
    layer: str | None = None


def _suffix(filename: str) -> str:
    name = filename.lower().strip()
    for dangerous in _DANGEROUS:
        if name.endswith(dangerous):
            return dangerous[1:]
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _strip_bom(head: bytes) -> tuple[bytes, str | None]:
    """Remove a UTF-8 BOM; report UTF-16/32 BOMs (not allowed)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:], None
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return head, "utf16"
    return head, None


def looks_like_csv(head: bytes) -> bool:
    r"""True when the first lines parse as CSV rows of one width ≥ 2 (``,``, ``;``, tab, ``|``).

    >>> looks_like_csv(b'WKT,name\n"POLYGON((0 0,1 0,0 1,0 0))",x\n')
    True
    >>> looks_like_csv(b"Hallo Welt, kein JSON")
    False
    """
    text = head[:8192].decode("utf-8", errors="replace")
    lines = [ln for ln in text.splitlines()[:6] if ln.strip()]
    if len(lines) < 2:
        return False
    if len(lines) > 2:
        lines = lines[:-1]  # the last line may be cut off by the 8 KB head
    for delim in (";", ",", "\t", "|"):
        try:
            widths = {len(row) for row in csv.reader(lines, delimiter=delim)}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False


def sniff_geojson(head: bytes) -> Rejected | None:
    """Check the first bytes of a GeoJSON file (None when it may be parsed)."""
    body, bom = _strip_bom(head)
    if body.startswith((_SQLITE_MAGIC, b"PK\x03\x04")):
        reason = "GeoPackage/ZIP mit Endung .geojson"
        return rejected("unsupported_format", {"reason": reason, "format": "geojson"})
    if bom or b"\x00" in head:
        return rejected("unreadable_file.encoding", {"format": "geojson"})
    text = body.lstrip()
    if not text:
        return rejected(
            "unreadable_file.empty" if not head else "unreadable_file", {"format": "geojson"}
        )
    first = text[:1]
    if first == b"{":
        return None
    if first == b"<":
        reason = "XML statt GeoJSON, z. B. eine VRT-Datei"
        return rejected("unsupported_format", {"reason": reason, "format": "geojson"})
    if looks_like_csv(text):
        return rejected("unsupported_format", {"reason": "CSV-Inhalt mit Endung .geojson"})
    return rejected("unreadable_file", {"format": "geojson"})


def sniff_gpkg(head: bytes) -> Rejected | None:
    """Check a GeoPackage header: SQLite magic and application id ``GPKG``."""
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        return rejected("unreadable_file", {"format": "gpkg"})
    if head[68:72] not in _GPKG_IDS:
        return rejected(
            "no_geometry", {"format": "gpkg", "reason": "SQLite ohne GeoPackage-Kennung"}
        )
    return None


def _sniff_xml(head: bytes) -> Rejected | None:
    body, bom = _strip_bom(head)
    if bom or b"\x00" in head[:4096]:
        return rejected("unreadable_file.encoding", {"format": "citygml"})
    if not body.lstrip().startswith(b"<"):
        return rejected("unreadable_file", {"format": "citygml"})
    if b"CityModel" not in body[:65536]:
        reason = "GML ohne CityGML-Gebäudemodell"
        return rejected("unsupported_format", {"reason": reason, "format": "citygml"})
    return None


def _sniff_csv(head: bytes) -> Rejected | None:
    body, bom = _strip_bom(head)
    if bom or b"\x00" in head:
        return rejected("unreadable_file.encoding", {"format": "csv"})
    first = body.lstrip()[:1]
    if first in (b"<", b"{"):
        return rejected("unsupported_format", {"reason": "XML/JSON mit Endung .csv"})
    return None


def plan_upload(
    data: bytes, filename: str, *, limits: Limits, layer: str | None = None
) -> Plan | Rejected | NeedsChoice:
    """Decide from bytes and name how to parse an upload, or reject it.

    Parameters
    ----------
    data
        The whole upload.
    filename
        The name the user gave it; only its extension is used.
    limits
        Size and ZIP limits.
    layer
        The member chosen in an earlier :class:`NeedsChoice` (ZIP with several datasets).
    """
    suffix = _suffix(filename)
    fmt = EXTENSIONS.get(suffix)
    if len(data) > limits.max_upload_bytes:
        return rejected("too_large", size_params(len(data), limits.max_upload_bytes))
    if (
        fmt is None
        or (fmt == "csv" and not limits.allow_csv)
        or (fmt == "citygml" and not limits.allow_citygml)
    ):
        reason = f"Endung .{suffix}" if suffix else "Datei ohne Endung"
        return rejected("unsupported_format", {"reason": reason})
    if not data:
        return rejected("unreadable_file.empty", {"format": fmt})
    head = data[:65536]
    if fmt == "geojson":
        bad = sniff_geojson(head)
        return bad or Plan("geojson", "geojson", "geojson")
    if fmt == "gpkg":
        bad = sniff_gpkg(head)
        return bad or Plan("gpkg", "gpkg", "gpkg", layer=layer)
    if fmt == "csv":
        bad = _sniff_csv(head)
        return bad or Plan("csv", "csv", "csv")
    if fmt == "citygml":
        bad = _sniff_xml(head)
        return bad or Plan("citygml", "citygml", "gml")
    if not data.startswith(b"PK\x03\x04"):
        return rejected("unreadable_file", {"format": "zip"})
    return inspect_zip(data, limits=limits, layer=layer)


def size_params(size: int, limit: int) -> dict[str, float]:
    """Size and limit in MiB for messages; the size rounded up, so it never equals the limit."""
    return {
        "size_mb": math.ceil(size / 2**20 * 10) / 10,
        "limit_mb": math.floor(limit / 2**20 * 10) / 10,
    }


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return True
    parts = re.split(r"[/\\]", name)
    return any(p == ".." for p in parts)


def _ignored(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.endswith("/") or name.startswith("__MACOSX/") or base.startswith("._")


def inspect_zip(
    data: bytes, *, limits: Limits, layer: str | None = None
) -> Plan | Rejected | NeedsChoice:
    """Pre-inspect a ZIP file from its central directory; nothing is extracted.

    Returns the :class:`Plan` of the one dataset in it (a shapefile's members found in any
    subfolder, or one GeoPackage/GeoJSON), a :class:`NeedsChoice` listing the datasets when
    there are several and ``layer`` is not given, or a :class:`Rejected`.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        return rejected("unreadable_file", {"format": "zip"}, error=type(exc).__name__)
    except Exception as exc:  # zipfile raises struct.error/NotImplementedError on odd input
        return rejected("unreadable_file", {"format": "zip"}, error=type(exc).__name__)

    if len(infos) > limits.max_zip_entries:
        return rejected(
            "archive_limits.entries", {"entries": len(infos), "limit": limits.max_zip_entries}
        )
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe_name(name) or stat.S_ISLNK(info.external_attr >> 16):
            return rejected("unsafe_archive_names", {"name": name[:80]})
        if _ignored(name):
            continue
        lower = name.lower()
        if lower.endswith(_NESTED):
            return rejected("nested_archive", {"name": PurePosixPath(name).name[:80]})
        if lower.endswith(_DANGEROUS):
            reason = f"{PurePosixPath(name).name[:80]} (VRT/GDALG) in der ZIP-Datei"
            return rejected("unsupported_format", {"reason": reason})
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_MIN_BYTES and ratio > limits.max_zip_ratio:
            return rejected(
                "archive_limits.ratio", {"ratio": int(ratio), "limit": int(limits.max_zip_ratio)}
            )
    if total > limits.max_zip_uncompressed_bytes:
        return rejected(
            "archive_limits.size",
            {
                "size_mb": round(total / 1e6),
                "limit_mb": round(limits.max_zip_uncompressed_bytes / 1e6),
            },
        )
    return _choose_dataset([i for i in infos if not _ignored(i.filename)], layer)


def _choose_dataset(
    infos: list[zipfile.ZipInfo], layer: str | None
) -> Plan | Rejected | NeedsChoice:
    shapes: dict[str, dict[str, str]] = {}
    others: dict[str, str] = {}
    for info in infos:
        name = info.filename
        lower = name.lower()
        for ext in _SHAPE_PARTS:
            if lower.endswith(ext):
                shapes.setdefault(name[: -len(ext)].lower(), {})[ext[1:]] = name
                break
        else:
            if lower.endswith((".gpkg", ".geojson", ".json")):
                others[name] = "gpkg" if lower.endswith(".gpkg") else "geojson"
    datasets: dict[str, Plan] = {}
    for parts in shapes.values():
        if "shp" in parts:
            label = parts["shp"][:-4]
            datasets[label] = Plan("shapefile", "zip", "zip", members=parts, layer=label)
    for name, kind in others.items():
        datasets[name] = Plan(kind, "zip", "zip", members={"inner": name}, layer=name)
    if not datasets:
        found = sorted({PurePosixPath(i.filename).name for i in infos})[:5]
        if any(f.lower().endswith(_SHAPE_PARTS) for f in found):
            return rejected("shapefile_incomplete.no_shp", {"found": ", ".join(found)})
        reason = "keine .shp-, .gpkg- oder .geojson-Datei in der ZIP-Datei"
        return rejected("unsupported_format", {"reason": reason, "found": found})
    if len(datasets) > 1 and layer not in datasets:
        names = sorted(datasets)
        de, en = render("layer_choice", {"count": len(names), "names": ", ".join(names)})
        options = tuple(Option(n, n, n, {"kind": datasets[n].kind}) for n in names)
        return NeedsChoice("layer_choice", de, en, "layer", options, {"layers": names})
    plan = datasets[layer] if layer in datasets else next(iter(datasets.values()))
    if plan.kind == "shapefile" and "shx" not in plan.members:
        missing = PurePosixPath(plan.members["shp"]).name[:-4] + ".shx"
        return rejected("shapefile_incomplete", {"missing": f"Die Datei {missing}"})
    return plan
