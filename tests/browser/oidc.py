"""A real OpenID Connect provider for the browser tests (PyPI ``oidc-provider-mock``,
started on loopback) and the login through its authorize page."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quartier_geo.base.i18n import t
from tests.browser.harness import free_port, wait_idle

MS = 1000


@dataclass
class Provider:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def put_user(self, sub: str, claims: dict[str, object]) -> None:
        request = urllib.request.Request(
            f"{self.url}/users/{sub}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            assert r.status == 204, r.status

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_provider(tmp: Path) -> Provider:
    port = free_port()
    log = tmp / "oidc-provider.log"
    cmd = [sys.executable, "-m", "oidc_provider_mock", "-p", str(port), "-H", "127.0.0.1"]
    with open(log, "wb") as fh:  # Popen records the provider's own pid (no shell)
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    provider = Provider(f"http://127.0.0.1:{port}", proc, log)
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"oidc-provider-mock exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            url = f"{provider.url}/.well-known/openid-configuration"
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return provider
        if time.monotonic() > deadline:
            provider.stop()
            raise RuntimeError("oidc-provider-mock did not answer in 30 s")
        time.sleep(0.2)


def login(page: Any, base_url: str, provider: Provider, sub: str) -> None:
    """Log in at the app ``base_url`` through the provider's authorize page as ``sub``."""
    page.goto(f"{base_url}/projektphasen", wait_until="domcontentloaded")
    wait_idle(page)
    page.get_by_role("button", name=t("auth_login", "de")).click()
    page.wait_for_url(f"{provider.url}/oauth2/authorize**", timeout=30 * MS)
    page.fill("input[name=sub]", sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{base_url}/**", timeout=30 * MS)
    wait_idle(page)
