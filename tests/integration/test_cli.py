"""The operator's commands on the embedded store: demo, chain verify and checkpoints, klagesak."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from interfaces.cli import main


@pytest.fixture
def arbeidsmappe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for key in ("BRUKERVALG_STORE", "BRUKERVALG_SQLITE_PATH", "PERSISTENCE_MODULE"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def test_r26_demo_then_checkpoint_then_tamper_is_caught(arbeidsmappe: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert "Bytte av leverandør" in capsys.readouterr().out
    assert main(["kjede", "nokkel", "--ut", "k.pem"]) == 0
    assert main(["kjede", "sjekkpunkt", "--nokkel", "k.pem", "--ut", "cp.json"]) == 0
    assert json.loads((arbeidsmappe / "cp.json").read_text())["algorithm"] == "Ed25519"
    capsys.readouterr()
    assert main(["kjede", "verifiser", "--sjekkpunkt", "cp.json"]) == 0
    assert capsys.readouterr().out.startswith("OK")
    with sqlite3.connect(arbeidsmappe / "brukervalg.db") as db:
        db.execute("UPDATE stored_events SET state = replace(state, 'Kari', 'Kara') WHERE rowid = 1")
    assert main(["kjede", "verifiser", "--sjekkpunkt", "cp.json", "--json"]) == 1
    rapport = json.loads(capsys.readouterr().out)
    assert (rapport["break"]["position"], rapport["break"]["kind"]) == (1, "changed")


def test_klagesak_printable_document(arbeidsmappe: Path) -> None:
    main(["demo"])
    assert main(["klagesak", "15108695088", "--per", "2026-03-10T12:00+01:00", "--html",
                 "--ut", "ks.html"]) == 0
    html = (arbeidsmappe / "ks.html").read_text(encoding="utf-8")
    assert "Kari Nordmann" in html and "Slik saken var kjent 10.03.2026 12:00" in html
    assert "Nordlys" in html  # the switch was known then, taking effect 15 March


def test_projections_rebuild_command(arbeidsmappe: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    capsys.readouterr()
    assert main(["projeksjoner", "gjenoppbygg"]) == 0
    ut = capsys.readouterr().out
    assert "gjenoppbygg:" in ut and "hendelser/s" in ut
    assert main(["projeksjoner", "oppdater"]) == 0
    assert "oppdater: 0 hendelser" in capsys.readouterr().out
