"""nginx in front of the public server (deploy/nginx/quartiere-public.conf, issue #7 item 7):
the app works through it, uploads and metrics are refused, bodies are small, headers set."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser import nginx
from tests.browser.harness import Server, free_port, main_text, open_page, wait_idle


@dataclass
class Proxy:
    url: str


@pytest.fixture(scope="module")
def proxy(servers: dict[str, Server], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    upstream = servers["public"].url.split("://", 1)[1]
    port = free_port()
    site = nginx.render(
        "quartiere-public.conf",
        {
            "@SERVER_NAME@": "127.0.0.1 localhost",
            "@LISTEN@": f"127.0.0.1:{port}",
            "@UPSTREAM@": upstream,
        },
    )
    with nginx.running(tmp_path_factory.mktemp("nginx"), site, port) as url:
        yield Proxy(url)


def _request(url: str, *, method: str = "GET", body: bytes | None = None) -> tuple[int, Any]:
    req = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def test_security_headers_and_no_version(proxy: Proxy) -> None:
    status, headers = _request(f"{proxy.url}/")
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Server"] == "nginx"  # server_tokens off: no version


def test_health_passes_through(proxy: Proxy) -> None:
    assert _request(f"{proxy.url}/_stcore/health")[0] == 200


@pytest.mark.parametrize("path", ["/_stcore/upload_file/abc/def", "/x/_stcore/upload_file/a/b"])
def test_uploads_are_refused_small_and_large(proxy: Proxy, path: str) -> None:
    """Refused before the app: 403 (upload path), 405 (writing method) or 413 (body)."""
    assert _request(f"{proxy.url}{path}")[0] == 403
    assert _request(f"{proxy.url}{path}", method="PUT", body=b"x" * 100)[0] in {403, 405}
    assert _request(f"{proxy.url}{path}", method="PUT", body=b"x" * 1_000_000)[0] in {
        403,
        405,
        413,
    }
    assert _request(f"{proxy.url}{path}", method="DELETE")[0] in {403, 405}


def test_metrics_and_writing_methods_are_refused(proxy: Proxy) -> None:
    assert _request(f"{proxy.url}/_stcore/metrics")[0] == 403
    assert _request(f"{proxy.url}/", method="POST", body=b"a=1")[0] == 405
    assert _request(f"{proxy.url}/", method="POST", body=b"x" * 100_000)[0] in {405, 413}


def test_the_app_works_through_the_proxy(proxy: Proxy, browser: Any) -> None:
    """The websocket goes through nginx: the page renders its content, not a skeleton."""
    with open_page(browser, proxy, "jury") as (page, watch):  # type: ignore[arg-type]
        wait_idle(page)
        assert "Jury" in main_text(page)
        assert not watch.blocked


def test_building_tiles_are_never_served_through_the_public_proxy(proxy: Proxy) -> None:
    """Even a tile set left in static/tiles (a planner in the same folder) stays unreachable;
    the other static files still pass (the vendored Leaflet)."""
    from tests.browser.harness import ROOT

    folder = ROOT / "static" / "tiles" / "nginxtestset" / "17" / "1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2.pbf").write_bytes(b"\x1a\x00")
    try:
        status, _ = _request(f"{proxy.url}/app/static/tiles/nginxtestset/17/1/2.pbf")
        assert status == 404
        assert _request(f"{proxy.url}/app/static/vendor/leaflet/leaflet.js")[0] == 200
    finally:
        import shutil

        shutil.rmtree(folder.parents[1], ignore_errors=True)
