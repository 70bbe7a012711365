"""Shapefiles in a ZIP for the import worker: extraction, record scan, DBF encoding.

Only the chosen members are extracted, each capped at its declared size (a lying ZIP
header cannot inflate past it), to ``layer.shp``/``.shx``/``.dbf``/``.prj``/``.cpg`` in
the job folder; GDAL then opens exactly that ``.shp``. Before GDAL, the ``.shp`` record
headers are walked for the feature and vertex caps. The DBF's text encoding is decided
from its bytes (docs/SECURITY.md §0.4: a cp1252 DBF without ``.cpg`` otherwise loses
``– „ “ €``): a ``.cpg`` is honoured when its bytes decode under it; without one UTF-8 is
tried strictly and Windows-1252 is the fallback, with a warning.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from quartier_geo.imports.worker.readers import Parsed, gdal_read, reject, wkb_to_geoms

__all__ = ["dbf_encoding", "extract_members", "read_shapefile", "scan_shp"]

_CPG = {
    "utf8": "UTF-8",
    "utf-8": "UTF-8",
    "65001": "UTF-8",
    "1252": "CP1252",
    "cp1252": "CP1252",
    "ansi1252": "CP1252",
    "windows1252": "CP1252",
    "88591": "ISO-8859-1",
    "iso88591": "ISO-8859-1",
    "latin1": "ISO-8859-1",
}
_PY_CODEC = {"UTF-8": "utf-8", "CP1252": "cp1252", "ISO-8859-1": "latin-1"}
_DBF_SAMPLE_BYTES = 64 * 1024 * 1024


def extract_members(zip_path: Path, members: dict[str, str], target: Path) -> dict[str, Path]:
    """Extract the chosen ZIP members to ``target/layer.<role>``, capped at their declared size."""
    out: dict[str, Path] = {}
    try:
        with zipfile.ZipFile(zip_path) as zf:
            for role, name in members.items():
                info = zf.getinfo(name)
                suffix = Path(name).suffix.lower() if role == "inner" else "." + role
                dest = target / f"layer{suffix}"
                with zf.open(info) as src, open(dest, "wb") as dst:
                    left = info.file_size
                    while chunk := src.read(min(1 << 20, left + 1)):
                        left -= len(chunk)
                        if left < 0:
                            raise reject("unreadable_file", format="zip")
                        dst.write(chunk)
                out[role] = dest
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        KeyError,
        NotImplementedError,
        RuntimeError,
        zlib.error,
    ):
        raise reject("unreadable_file", format="zip") from None
    return out


def scan_shp(path: Path, limits: dict[str, Any]) -> dict[str, int]:
    """Walk the ``.shp`` record headers: record count and vertex caps, before GDAL."""
    counts = {"records": 0, "vertices": 0, "shape_type": 0}
    with open(path, "rb") as f:
        header = f.read(100)
        if len(header) < 100 or int.from_bytes(header[:4], "big") != 9994:
            raise reject("unreadable_file", format="shapefile")
        counts["shape_type"] = int.from_bytes(header[32:36], "little")
        while len(rec := f.read(8)) == 8:
            length = int.from_bytes(rec[4:8], "big") * 2
            body = f.read(min(length, 44))
            if length < 4 or len(body) < 4:
                break
            kind = int.from_bytes(body[:4], "little")
            if kind in (3, 5, 13, 15, 23, 25, 31) and len(body) >= 44:
                n = struct.unpack("<i", body[40:44])[0]
            elif kind in (8, 18, 28) and len(body) >= 40:
                n = struct.unpack("<i", body[36:40])[0]
            else:
                n = 1 if kind in (1, 11, 21) else 0
            counts["records"] += 1
            counts["vertices"] += max(n, 0)
            if counts["records"] > limits["max_features"]:
                raise reject(
                    "too_complex.features", features=counts["records"], limit=limits["max_features"]
                )
            if n > limits["max_vertices_per_feature"]:
                raise reject(
                    "too_complex.vertices_per_feature",
                    index=counts["records"],
                    vertices=n,
                    limit=limits["max_vertices_per_feature"],
                )
            f.seek(length - len(body), io.SEEK_CUR)
    if counts["vertices"] > limits["max_vertices_total"]:
        raise reject(
            "too_complex.vertices_total",
            vertices=counts["vertices"],
            limit=limits["max_vertices_total"],
        )
    return counts


def _dbf_text_bytes(dbf: Path) -> list[bytes]:
    """Non-ASCII byte strings of a DBF: field names and character values."""
    with open(dbf, "rb") as f:
        head = f.read(32)
        if len(head) < 32:
            return []
        n, header_len, rec_len = struct.unpack("<IHH", head[4:12])
        descriptors = f.read(max(header_len - 32, 0))
        fields, offset = [], 1
        for i in range(0, len(descriptors) - 31, 32):
            d = descriptors[i : i + 32]
            if d[0] == 0x0D:
                break
            fields.append((d[:11].split(b"\x00")[0], chr(d[11]), offset, d[16]))
            offset += d[16]
        f.seek(header_len)
        body = f.read(min(n * rec_len, _DBF_SAMPLE_BYTES))
    found = [name for name, *_ in fields if max(name, default=0) >= 0x80]
    if rec_len <= 0 or not body:
        return found
    rows = np.frombuffer(body[: (len(body) // rec_len) * rec_len], dtype=np.uint8)
    rows = rows.reshape(-1, rec_len)
    for _name, kind, off, width in fields:
        if kind not in "CM" or off + width > rec_len:
            continue
        block = rows[:, off : off + width]
        high = np.flatnonzero((block >= 0x80).any(axis=1))
        found.extend(block[i].tobytes().rstrip(b" \x00") for i in high)
    return found


def _decodes(samples: list[bytes], codec: str) -> bool:
    try:
        for s in samples:
            s.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def dbf_encoding(dbf: Path, cpg: str | None) -> tuple[str, tuple[str, dict[str, Any]] | None]:
    """The DBF's text encoding for GDAL and an optional warning.

    A ``.cpg`` is honoured when the bytes decode under it. Without one, UTF-8 is tried
    strictly and Windows-1252 (then Latin-1) is the fallback, with a warning. Latin-1
    declared but C1 bytes (0x80–0x9F: „ “ – €) present means Windows-1252 was meant.
    """
    samples = _dbf_text_bytes(dbf)
    declared = _CPG.get(re.sub(r"[\s_-]", "", (cpg or "").lower())) if cpg else None
    if not samples:
        return declared or "UTF-8", None
    c1 = any(0x80 <= b <= 0x9F for s in samples for b in s)
    if (
        declared
        and _decodes(samples, _PY_CODEC[declared])
        and not (declared == "ISO-8859-1" and c1)
    ):
        return declared, None
    if _decodes(samples, "utf-8"):
        chosen = "UTF-8"
    elif _decodes(samples, "cp1252"):
        chosen = "CP1252"
    else:
        chosen = "ISO-8859-1"
    if chosen == "UTF-8" and not cpg:
        return chosen, None
    note_de = f" (.cpg gibt {cpg.strip()[:20]} an)" if cpg else " (keine .cpg-Datei)"
    note_en = f" (.cpg states {cpg.strip()[:20]})" if cpg else " (no .cpg file)"
    label = {"CP1252": "Windows-1252", "ISO-8859-1": "ISO-8859-1", "UTF-8": "UTF-8"}[chosen]
    return chosen, (
        "encoding_fallback",
        {"encoding": label, "cpg_note": note_de, "cpg_note_en": note_en},
    )


def read_shapefile(
    zip_path: Path, members: dict[str, str], job_dir: Path, limits: dict[str, Any]
) -> Parsed:
    files = extract_members(zip_path, members, job_dir)
    scan = scan_shp(files["shp"], limits)
    warnings: list[tuple[str, dict[str, Any]]] = []
    encoding = None
    if "dbf" in files:
        cpg = files["cpg"].read_text("ascii", errors="replace") if "cpg" in files else None
        encoding, warning = dbf_encoding(files["dbf"], cpg)
        if warning:
            warnings.append(warning)
    else:
        warnings.append(("no_attributes", {}))
    try:
        meta, _fids, wkb, fields = gdal_read(str(files["shp"]), encoding=encoding)
    except Exception:
        raise reject("unreadable_file", format="shapefile") from None
    geoms, fixed = wkb_to_geoms(wkb)
    declared = meta["crs"] if "prj" in files else None
    out = Parsed(
        geoms,
        {str(n): a for n, a in zip(meta["fields"], fields, strict=True)},
        declared,
        warnings=warnings,
    )
    out.report.update(encoding=encoding, shp_records=scan["records"])
    if fixed:
        out.warnings.append(("rings_closed", {"count": fixed}))
    return out
