"""Headless Chromium for static output: PDF pages, PNG screenshots and chart images.

Everything here runs Debian's ``chromium`` (``/usr/bin/chromium``) as a separate process on
a temporary file, offline: the pages it renders are self-contained (no URL to another host),
and DNS is switched off for the browser (``--host-resolver-rules``) as a second line of
defence. Chart images use kaleido 1.x, pointed at the same Chromium and with MathJax
disabled, so it never loads anything from a CDN (``kaleido.get_chrome_sync()``, which
downloads a browser, is never called).

Measured on this 2-core machine: a fact sheet PDF about 1.5 s (4.9 MB page with plotly.js),
a PNG screenshot about 0.9 s, one chart image with kaleido 3-4 s for a cold start (several
charts in one call share the browser).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.settings import CHROMIUM_ENV, read_settings

__all__ = [
    "CHROMIUM_ENV",
    "ImageFormat",
    "ImageOptions",
    "chart_image",
    "chart_images",
    "chromium_path",
    "print_pdf",
    "screenshot_png",
]

log = logging.getLogger(__name__)

#: Environment variable with the path of the Chromium executable (default: ``chromium`` on
#: the PATH, then ``/usr/bin/chromium``).
ImageFormat = Literal["png", "svg"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    # the pages are self-contained; resolving no host name keeps the browser off the network
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def chromium_path() -> str:
    """Path of the Chromium executable; :class:`QuartierGeoError` if there is none.

    Order: ``$QUARTIER_CHROMIUM``, then ``chromium`` (and similar names) on the PATH, then
    ``/usr/bin/chromium``.
    """
    env = read_settings().chromium
    if env:
        if os.access(env, os.X_OK):
            return env
        raise QuartierGeoError(
            f"Chromium nicht gefunden unter {CHROMIUM_ENV}={env}. "
            "Pfad korrigieren oder die Variable entfernen."
        )
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    raise QuartierGeoError(
        "Chromium fehlt: für PDF und Bilder wird ein Chromium-Browser gebraucht. "
        "Installieren mit 'apt-get install chromium' oder den Pfad in "
        f"{CHROMIUM_ENV} angeben."
    )


def _run(args: Sequence[str], *, workdir: Path, timeout_s: float, what: str) -> None:
    """Run Chromium with ``args``; kill its whole process group on timeout."""
    cmd = [
        chromium_path(),
        *_FLAGS,
        f"--user-data-dir={workdir / 'profile'}",
        f"--crash-dumps-dir={workdir / 'crash'}",
        *args,
    ]
    log.debug("chromium: %s", " ".join(cmd))
    try:
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout ends all its children
        )
    except OSError as exc:
        raise QuartierGeoError(
            f"Chromium ließ sich nicht starten ({exc}). Installation prüfen "
            "('apt-get install chromium')."
        ) from exc
    try:
        _, stderr = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise QuartierGeoError(
            f"{what}: Chromium hat nach {timeout_s:g} s nicht geantwortet und wurde beendet. "
            "Später erneut versuchen oder das Zeitlimit erhöhen."
        ) from exc
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # leftover helpers (zygote, gpu) of this run
    if proc.returncode != 0:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise QuartierGeoError(
            f"{what}: Chromium ist mit Code {proc.returncode} abgebrochen "
            f"({' | '.join(tail) or 'keine Meldung'})."
        )


def print_pdf(html: str, *, timeout_s: float = 60.0, budget_ms: int = 10_000) -> bytes:
    """Print the self-contained page ``html`` to PDF with headless Chromium.

    Page size and margins come from the page's own ``@page`` CSS; Chromium's header and
    footer (URL, date) are switched off. ``budget_ms`` of virtual time lets the page's
    scripts (plotly.js) finish drawing before printing.

    Returns
    -------
    bytes
        The PDF file (starts with ``%PDF-``).
    """
    with tempfile.TemporaryDirectory(prefix="qg-pdf-") as tmp:
        work = Path(tmp)
        page, out = work / "page.html", work / "page.pdf"
        page.write_text(html, encoding="utf-8")
        _run(
            [
                "--no-pdf-header-footer",
                f"--virtual-time-budget={int(budget_ms)}",
                "--run-all-compositor-stages-before-draw",
                f"--print-to-pdf={out}",
                page.as_uri(),
            ],
            workdir=work,
            timeout_s=timeout_s,
            what="PDF-Erzeugung",
        )
        data = out.read_bytes() if out.exists() else b""
    if not data.startswith(b"%PDF-"):
        raise QuartierGeoError("PDF-Erzeugung: Chromium hat keine PDF-Datei geschrieben.")
    return data


def screenshot_png(
    html: str,
    *,
    width_px: int,
    height_px: int,
    scale: float = 2.0,
    timeout_s: float = 30.0,
) -> bytes:
    """PNG of the top-left ``width_px`` x ``height_px`` CSS pixels of ``html``.

    ``scale`` is the device pixel ratio: 2 gives a PNG of twice the size, sharp in print.
    """
    if width_px <= 0 or height_px <= 0 or scale <= 0:
        raise ValueError("Breite, Höhe und Maßstab müssen positiv sein.")
    with tempfile.TemporaryDirectory(prefix="qg-png-") as tmp:
        work = Path(tmp)
        page, out = work / "page.html", work / "shot.png"
        page.write_text(html, encoding="utf-8")
        _run(
            [
                f"--window-size={int(width_px)},{int(height_px)}",
                f"--force-device-scale-factor={scale:g}",
                "--default-background-color=ffffffff",
                f"--screenshot={out}",
                page.as_uri(),
            ],
            workdir=work,
            timeout_s=timeout_s,
            what="Bilderzeugung",
        )
        data = out.read_bytes() if out.exists() else b""
    if not data.startswith(b"\x89PNG"):
        raise QuartierGeoError("Bilderzeugung: Chromium hat kein PNG geschrieben.")
    return data


# ----------------------------------------------------------------------------- charts
@dataclass(frozen=True)
class ImageOptions:
    """How plotly figures become images.

    Parameters
    ----------
    fmt
        ``"png"`` or ``"svg"`` (vector, for print).
    width_px, height_px
        Size of the chart in CSS pixels (default: the figure's layout size, else 700 x 500).
    scale
        Multiplies the PNG's pixels (2 = sharp in print); must be positive.
    timeout_s
        Limit per chart in seconds; must be positive.
    """

    fmt: ImageFormat
    width_px: int | None = None
    height_px: int | None = None
    scale: float = 2.0
    timeout_s: float = 60.0

    def __post_init__(self) -> None:
        if self.fmt not in ("png", "svg"):
            raise QuartierGeoError(f"Bildformat {self.fmt!r} unbekannt: 'png' oder 'svg'.")
        sizes = [s for s in (self.width_px, self.height_px) if s is not None]
        if any(s <= 0 for s in sizes) or self.scale <= 0 or self.timeout_s <= 0:
            raise QuartierGeoError(
                "Diagrammbild: Breite, Höhe, Maßstab und Zeitlimit müssen positiv sein."
            )


async def _kaleido_batch(
    figs: Sequence[Any], opts: dict[str, Any], kopts: dict[str, Any]
) -> list[bytes]:
    import kaleido

    async with kaleido.Kaleido(n=1, **kopts) as k:
        return [bytes(await k.calc_fig(fig, opts=opts)) for fig in figs]


def chart_images(figs: Sequence[Any], *, options: ImageOptions) -> list[bytes]:
    """Static images of plotly figures, all rendered in one browser session (kaleido 1.x).

    Parameters
    ----------
    figs
        ``plotly.graph_objects.Figure`` objects (for example from :mod:`quartier_geo.views.charts`).
    options
        Format, size, scale and time limit per chart (:class:`ImageOptions`).

    Raises
    ------
    QuartierGeoError
        When kaleido is missing, Chromium is missing or the rendering fails or times out.
    """
    if not figs:
        return []
    try:
        import kaleido  # noqa: F401
    except ImportError as exc:
        raise QuartierGeoError(
            "kaleido fehlt (für Diagrammbilder): 'pip install -r requirements.txt' ausführen."
        ) from exc
    timeout_s = options.timeout_s
    opts: dict[str, Any] = {"format": options.fmt, "scale": options.scale}
    if options.width_px is not None:
        opts["width"] = int(options.width_px)
    if options.height_px is not None:
        opts["height"] = int(options.height_px)
    kopts = {"mathjax": False, "timeout": timeout_s, "path": chromium_path()}
    # a fresh event loop in a worker thread: works whether or not the caller runs a loop
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(asyncio.run, _kaleido_batch(list(figs), opts, kopts))
        try:
            images = future.result(timeout=timeout_s * len(figs) + 30)
        except concurrent.futures.TimeoutError as exc:
            raise QuartierGeoError(
                f"Diagrammbild: nach {timeout_s:g} s je Diagramm abgebrochen."
            ) from exc
        except Exception as exc:  # kaleido/choreographer raise many unrelated types
            raise QuartierGeoError(
                f"Diagrammbild konnte nicht erzeugt werden ({type(exc).__name__}: {exc}). "
                "Chromium-Installation prüfen."
            ) from exc
    return images


def chart_image(fig: Any, *, options: ImageOptions) -> bytes:
    """One plotly figure as PNG or SVG bytes (see :func:`chart_images`); needs Chromium.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> chart_image(go.Figure(go.Bar(x=["a"], y=[1])), options=ImageOptions("svg"))[:4]
    b'<svg'
    """
    return chart_images([fig], options=options)[0]
