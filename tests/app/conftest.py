"""AppTest fixtures: the router app.py run headless, one AppTest per test.

``st.cache_resource`` is process-wide, so the bundle is loaded once for the whole run; the
mode is read from ``QUARTIER_MODE`` on every script run, so a test sets it before its first
run. The workspace (SQLite) lives in a temporary directory for the whole session, because
``ui.data.workspace()`` is cached process-wide as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import MISSING_KEY_MESSAGE
from quartier_geo.base.modes import ENV_VAR as MODE_ENV

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
#: Seconds one script run may take (the first run loads and assesses all buildings).
TIMEOUT_S = 60

NewApp = Callable[..., AppTest]


@pytest.fixture(scope="session")
def workspace_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("apptest") / "workspace.sqlite"


@pytest.fixture
def new_app(monkeypatch: pytest.MonkeyPatch, workspace_file: Path) -> Iterator[NewApp]:
    """``new_app(mode, **query)``: an AppTest of app.py in ``mode``, already run once."""
    monkeypatch.setenv("QUARTIER_WORKSPACE", str(workspace_file))
    monkeypatch.delenv("QUARTIER_GEOPACKAGE", raising=False)

    def make(mode: str, **query: str) -> AppTest:
        monkeypatch.setenv(MODE_ENV, mode)
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        for name, value in query.items():
            at.query_params[name] = value
        at.run()
        return at

    yield make


@pytest.fixture(autouse=True)
def no_missing_text_keys(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail an app test that rendered a text key without a text (also keys in variables)."""
    with caplog.at_level("WARNING", logger="quartier_geo.base.i18n"):
        yield
    missing = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith(MISSING_KEY_MESSAGE)
    ]
    assert missing == []
