"""Swagger UI with the network blocked: every file it needs comes from the API itself (the
swagger-ui-py package's copy), so it renders on an intranet without a CDN. Headless Chromium
loads it from a real server on loopback with every other host unreachable, and a screenshot is
saved under test-artifacts/."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

from application.app import BrukervalgApp
from interfaces.http.app import create_app
from interfaces.http.settings import ApiSettings
from tests.verktoy import krev

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFAKTER = Path(__file__).resolve().parents[2] / "test-artifacts"
# Every host but loopback resolves to nothing: a page that needs a CDN stays blank.
UTEN_NETT = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1"]
FLAGG = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000",
         "--window-size=1400,1800", "--hide-scrollbars", *UTEN_NETT]


def _ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(lag_app: Callable[..., BrukervalgApp], api_settings: ApiSettings) -> Iterator[str]:
    api = create_app(lag_app("memory"), api_settings)
    port = _ledig_port()
    s = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning"))
    traad = threading.Thread(target=s.run, daemon=True)
    traad.start()
    frist = time.monotonic() + 20
    while not s.started:
        assert time.monotonic() < frist, "serveren startet ikke"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    s.should_exit = True
    traad.join(timeout=10)


def test_swagger_ui_has_no_external_url(server: str) -> None:
    import urllib.request

    side = urllib.request.urlopen(f"{server}/schema/swagger").read().decode()
    eksterne = re.findall(r'(?:src|href)=["\'](https?://[^"\']+)', side)
    assert eksterne == []
    for fil in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert urllib.request.urlopen(f"{server}/schema/swagger-ui/{fil}").status == 200


def test_swagger_ui_renders_in_headless_chromium_with_the_network_blocked(
        server: str, tmp_path: Path) -> None:
    krev(CHROMIUM, "chromium er ikke installert")
    assert CHROMIUM is not None
    url = f"{server}/schema/swagger"
    dom = subprocess.run([CHROMIUM, *FLAGG, f"--user-data-dir={tmp_path / 'dom'}", "--dump-dom",
                          url], capture_output=True, text=True, timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    # the operation list is drawn: one block per operation, and the tags' headings
    operasjoner = re.findall(r'class="opblock opblock-(?:get|post|put|delete|patch)', dom.stdout)
    assert len(operasjoner) >= 20, dom.stdout[:2000]
    assert "Brukervalg API" in dom.stdout and "opblock-tag" in dom.stdout

    ARTEFAKTER.mkdir(exist_ok=True)
    bilde = ARTEFAKTER / "swagger-ui.png"
    bilde.unlink(missing_ok=True)
    skudd = subprocess.run([CHROMIUM, *FLAGG, f"--user-data-dir={tmp_path / 'bilde'}",
                            f"--screenshot={bilde}", url],
                           capture_output=True, text=True, timeout=120, check=False)
    assert skudd.returncode == 0, skudd.stderr[-2000:]
    assert bilde.exists() and bilde.stat().st_size > 30_000
