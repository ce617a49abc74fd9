"""The follow-up report's HTML opened in real headless Chromium: no console errors, charts drawn
(the SVG elements exist in the DOM after the script ran), screenshot saved under test-artifacts/."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from application.app import BrukervalgApp
from interfaces.rapport import rapport_html
from projections import Projections
from projections.oppfolging import Oppfolging
from tests.oppfolging.generert import importer, lag_maaned
from tests.verktoy import krev

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARTEFAKTER = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGG = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
         "--window-size=1400,2600", "--hide-scrollbars"]


def _chromium(tmp_path: Path, navn: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGG, f"--user-data-dir={tmp_path / navn}", *args],
                          capture_output=True, text=True, timeout=90, check=False)


def test_report_renders_in_headless_chromium_with_charts_and_no_console_errors(
        lag_app: Callable[..., BrukervalgApp], klokke: object, tmp_path: Path) -> None:
    krev(CHROMIUM, "chromium er ikke installert")
    app = lag_app("sqlite")
    importer(app, lag_maaned(app, klokke, brukere_per_lev=3))
    with Projections(app) as p:
        o = Oppfolging(p)
        o.oppdater()
        side = rapport_html(o.rapport("2026-02", "2026-03"),
                            navn={i: x.navn for i, x in app.ref.leverandorer.items()})
    fil = tmp_path / "oppfolging.html"
    fil.write_text(side, encoding="utf-8")
    url = fil.as_uri()

    dom = _chromium(tmp_path, "profil-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    konsoll = [x for x in dom.stderr.splitlines() if "CONSOLE" in x or "Uncaught" in x]
    assert not konsoll, konsoll
    # six charts drawn on the server (pygal), no script needed; bars, not overlapping lines
    assert 'data-diagrammer="6"' in dom.stdout
    assert dom.stdout.count("<svg") == 6
    assert not re.search(r"<script[^>]*\bsrc=", side)  # pygal inlines only its config
    assert len(re.findall(r'class="rect reactive tooltip-trigger"', dom.stdout)) >= 3 * 3
    assert "Andel av bestilt tid levert" in dom.stdout and "Kontraktsoppfølging" in dom.stdout
    # provider names, not ids; share axes 0–100 %, in whole steps of 20
    assert "2care hjemmetjenester" in dom.stdout and "Nordlys hjemmetjenester AS" in dom.stdout
    for tikk in ("0 %", "20 %", "40 %", "60 %", "80 %", "100 %"):
        assert f">{tikk}<" in dom.stdout.replace("\xa0", " ")
    assert "108" not in re.sub(r"<[^>]+>", " ", dom.stdout).split("Andel av bestilt")[1][:2000]

    ARTEFAKTER.mkdir(exist_ok=True)
    bilde = ARTEFAKTER / "oppfolging-rapport.png"
    bilde.unlink(missing_ok=True)
    skudd = _chromium(tmp_path, "profil-bilde", f"--screenshot={bilde}", url)
    assert skudd.returncode == 0, skudd.stderr[-2000:]
    konsoll = [x for x in skudd.stderr.splitlines() if "CONSOLE" in x or "Uncaught" in x]
    assert not konsoll, konsoll
    assert bilde.exists() and bilde.stat().st_size > 20_000
