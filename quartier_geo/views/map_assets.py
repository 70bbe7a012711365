"""Front-end assets of the maps: Leaflet from the app's static folder, never from a CDN.

Folium's maps load Leaflet, jQuery, Bootstrap and Font Awesome from CDNs by default
(``folium.Map.default_js``/``default_css``). On a closed workshop network such a map never
draws (docs/ARCHITECTURE.md §8). :func:`localise` points one map at the vendored copies in
``static/vendor`` (served by Streamlit at ``/app/static/vendor``), :func:`inline_assets` copies
them into the page for self-contained exports, and :func:`map_html` refuses to return a page
that would still load anything from another host.
"""

from __future__ import annotations

import base64
import html as html_lib
import logging
import re
from pathlib import Path
from typing import Literal

import folium

from quartier_geo.base.errors import QuartierGeoError

__all__ = [
    "DEFAULT_BASE_URL",
    "VENDOR_DIR",
    "Assets",
    "external_urls",
    "inline_assets",
    "label_page",
    "localise",
    "map_html",
]

log = logging.getLogger(__name__)

#: The vendored libraries (static/vendor/README.md lists versions and licences).
VENDOR_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor"
#: Where Streamlit serves ``static/`` (``server.enableStaticServing = true``).
DEFAULT_BASE_URL = "/app/static/vendor"

Assets = Literal["minimal", "st_folium"]

# Our maps need Leaflet only: no folium template we use calls jQuery ($), Bootstrap or the
# awesome-markers icons. streamlit-folium's component loads every listed link and showed a
# blank map offline until jQuery and Bootstrap were served as well (docs/ARCHITECTURE.md §8), so the
# "st_folium" set keeps them.
_JS: dict[str, tuple[tuple[str, str], ...]] = {
    "minimal": (("leaflet", "leaflet/leaflet.js"),),
    "st_folium": (
        ("leaflet", "leaflet/leaflet.js"),
        ("jquery", "jquery/jquery.min.js"),
        ("bootstrap", "bootstrap/bootstrap.bundle.min.js"),
    ),
}
_CSS: dict[str, tuple[tuple[str, str], ...]] = {
    "minimal": (("leaflet_css", "leaflet/leaflet.css"),),
    "st_folium": (
        ("leaflet_css", "leaflet/leaflet.css"),
        ("bootstrap_css", "bootstrap/bootstrap.min.css"),
    ),
}

_SCRIPT_SRC = re.compile(r'<script src="([^"]+)"></script>')
_CSS_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)"\s*/>')
_CSS_URL = re.compile(r"url\((['\"]?)(?!data:)([^)'\"]+)\1\)")
_URL_ATTR = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=["']([^"']+)""")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


def localise(
    m: folium.Map, *, base_url: str = DEFAULT_BASE_URL, assets: Assets = "minimal"
) -> folium.Map:
    """Point ``m`` at the vendored Leaflet (and, for st_folium, jQuery and Bootstrap).

    Sets the instance attributes ``default_js``/``default_css`` of this one map; the folium
    classes are not touched (they are shared by every session of the Streamlit server).

    Parameters
    ----------
    m
        The map; changed in place and returned.
    base_url
        URL prefix of ``static/vendor`` as the browser sees it.
    assets
        ``"minimal"``: Leaflet JS and CSS only (iframe maps, exports);
        ``"st_folium"``: also jQuery and Bootstrap for the streamlit-folium component.
    """
    if assets not in _JS:
        raise ValueError(f"assets muss 'minimal' oder 'st_folium' sein, nicht {assets!r}.")
    base = base_url.rstrip("/")
    m.default_js = [(name, f"{base}/{path}") for name, path in _JS[assets]]
    m.default_css = [(name, f"{base}/{path}") for name, path in _CSS[assets]]
    return m


def external_urls(html: str) -> list[str]:
    """URLs in ``src``/``href`` attributes of script, link, img, iframe or source tags that
    point to another host (``http:``, ``https:`` or protocol-relative ``//``)."""
    return [u for u in _URL_ATTR.findall(html) if u.lower().startswith(("http:", "https:", "//"))]


def map_html(m: folium.Map, *, inline: bool = False, base_url: str = DEFAULT_BASE_URL) -> str:
    """The complete HTML page of ``m`` (for ``st.iframe`` or a file).

    Parameters
    ----------
    inline
        Copy the vendored JS/CSS into the page (self-contained, works from a file:// URL).

    Raises
    ------
    QuartierGeoError
        If the page would load a script or stylesheet from another host.
    """
    html = m.get_root().render()
    if inline:
        html = inline_assets(html, base_url=base_url)
    remote = external_urls(html)
    if remote:
        raise QuartierGeoError(
            "Die Karte würde Dateien aus dem Internet laden ("
            + ", ".join(sorted(set(remote)))
            + "). Kartenelemente ohne lokale Kopie in static/vendor entfernen."
        )
    return html


def label_page(html: str, *, title: str, lang: str) -> str:
    """``html`` (a folium page) with a ``<title>`` and the ``lang`` of its ``<html>`` tag.

    Folium writes neither; a screen reader then announces a nameless document in an
    unknown language inside the map's frame (axe: document-title, html-has-lang).

    >>> label_page("<!DOCTYPE html>\\n<html>\\n<head>\\n</head>", title="Karte <A>", lang="de")
    '<!DOCTYPE html>\\n<html lang="de">\\n<head><title>Karte &lt;A&gt;</title>\\n</head>'
    """
    code = html_lib.escape(lang, quote=True)
    html = re.sub(r"<html(?=[\s>])", f'<html lang="{code}"', html, count=1)
    head = f"<head><title>{html_lib.escape(title)}</title>"
    return re.sub(r"<head>", lambda _m: head, html, count=1)


def _vendor_file(url: str, base: str, vendor_dir: Path) -> Path | None:
    if not url.startswith(base + "/"):
        return None
    path = (vendor_dir / url[len(base) + 1 :]).resolve()
    if not path.is_relative_to(vendor_dir.resolve()) or not path.is_file():
        raise QuartierGeoError(
            f"{url} fehlt in {vendor_dir}. Die Dateien in static/vendor wiederherstellen."
        )
    return path


def _inline_css(path: Path) -> str:
    css = path.read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        ref = (path.parent / match.group(2)).resolve()
        if not ref.is_file() or ref.suffix not in _MIME:
            return match.group(0)
        payload = base64.b64encode(ref.read_bytes()).decode("ascii")
        return f'url("data:{_MIME[ref.suffix]};base64,{payload}")'

    return _CSS_URL.sub(data_uri, css).replace("</style", "<\\/style")


def inline_assets(
    html: str, *, base_url: str = DEFAULT_BASE_URL, vendor_dir: Path = VENDOR_DIR
) -> str:
    """Replace the links to ``base_url`` in ``html`` by the vendored files' content.

    Scripts become inline ``<script>`` blocks, stylesheets ``<style>`` blocks whose images
    (Leaflet's layer-control icon) become data URIs. The result needs no server and no
    network: for fact sheets that are mailed or opened offline. Links to other places are
    left as they are (:func:`map_html` refuses them).
    """
    base = base_url.rstrip("/")

    def script(match: re.Match[str]) -> str:
        path = _vendor_file(match.group(1), base, vendor_dir)
        if path is None:
            return match.group(0)
        code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def stylesheet(match: re.Match[str]) -> str:
        path = _vendor_file(match.group(1), base, vendor_dir)
        if path is None:
            return match.group(0)
        return f"<style>{_inline_css(path)}</style>"

    # a function as replacement: the file content is never read as a regex template
    return _CSS_LINK.sub(stylesheet, _SCRIPT_SRC.sub(script, html))
