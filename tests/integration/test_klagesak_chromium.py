"""R26: the printable klagesak document as a case worker reads it, opened in headless Chromium:
Oslo times (the print time and every fact), provider and bydel names, a screenshot saved under
test-artifacts/."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from application.app import BrukervalgApp
from application.demo import DEMO_FODSELSNUMMER, DemoKlokke, last_demo
from interfaces.dokument import klagesak_html
from projections.klagesak import Klagesak, eksport
from tests.verktoy import krev

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFAKTER = Path(__file__).resolve().parents[2] / "test-artifacts"
UTSKREVET = datetime(2026, 6, 2, 5, 17, tzinfo=UTC)  # 07:17 in Oslo (summer time)


@pytest.fixture
def dokument(lag_app, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    klokke = DemoKlokke()
    app: BrukervalgApp = lag_app("sqlite", klokke=klokke)
    last_demo(app, klokke)
    kari = app.finn_bruker_id(DEMO_FODSELSNUMMER)
    assert kari is not None
    doc = eksport(Klagesak(app), kari, tidspunkt=datetime(2026, 3, 10, 11, 0, tzinfo=UTC))

    def navn_paa(ident: str) -> str:
        kjent = app.ref.leverandorer.get(ident) or app.ref.bydeler.get(ident)
        return kjent.navn if kjent else ident

    return klagesak_html(doc, app.bruker(kari).navn, UTSKREVET, navn_paa)


def test_r26_klagesaken_viser_oslo_tid_og_navn(dokument: str) -> None:
    tekst = re.sub(r"<[^>]+>", " ", dokument)
    assert "utskrevet 02.06.2026 07:17 (norsk tid)" in tekst
    assert "Slik saken var kjent 10.03.2026 12:00" in tekst  # 11:00 UTC is 12:00 in Oslo (winter)
    assert "Nordlys hjemmetjenester AS (demo)" in tekst
    # the first fact: registered 05.01.2026 09:00 Oslo time (08:00 UTC)
    assert "05.01.2026 09:00" in tekst


def test_r26_klagesaken_i_headless_chromium(dokument: str, tmp_path: Path) -> None:
    krev(CHROMIUM, "chromium er ikke installert")
    assert CHROMIUM is not None
    fil = tmp_path / "klagesak.html"
    fil.write_text(dokument, encoding="utf-8")
    ARTEFAKTER.mkdir(exist_ok=True)
    bilde = ARTEFAKTER / "klagesak.png"
    bilde.unlink(missing_ok=True)
    skudd = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--hide-scrollbars", "--window-size=1100,1600",
         f"--user-data-dir={tmp_path / 'profil'}", f"--screenshot={bilde}", fil.as_uri()],
        capture_output=True, text=True, timeout=90, check=False)
    assert skudd.returncode == 0, skudd.stderr[-2000:]
    assert bilde.exists() and bilde.stat().st_size > 20_000
