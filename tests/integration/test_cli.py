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
    monkeypatch.setenv("BRUKERVALG_UTVIKLING", "1")  # the demo store: no keys needed
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
    ut = capsys.readouterr().out
    assert ut.startswith("OK: ") and "hendelser verifisert" in ut and "1 sjekkpunkt stemmer" in ut
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


def test_importer_reads_the_file_as_bytes_with_bom_and_crlf_and_writes_the_receipt(
        arbeidsmappe: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R18/R20 through the CLI: what Excel writes (a byte order mark, CRLF, ';'), by fødselsnummer."""
    main(["demo"])
    linjer = ["type;bruker;tjenestetype;start;slutt;ansatt;kategori;tiltakskode;avbestilt_tid;"
              "journalreferanse",
              "besok;15108695088;hjemmesykepleie_dag;2026-03-20T08:00:00+01:00;"
              "2026-03-20T08:40:00+01:00;nl-4;;;;",
              "besok;15108695088;hjemmesykepleie_dag;2026-03-21T08:00:00+01:00;"
              "2026-03-21T08:30:00+01:00;nl-4;;;;",
              "besok;15108695088;hjemmesykepleie_dag;2026-03-22T08:00:00+01:00;"
              "2026-03-22T07:30:00+01:00;nl-4;;;;"]  # R18: ends before it starts
    fil = arbeidsmappe / "mars.csv"
    fil.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(linjer).encode() + b"\r\n")
    capsys.readouterr()
    assert main(["importer", str(fil), "--leverandor", "nordlys", "--kvittering", "k.csv"]) == 0
    ut = capsys.readouterr()
    assert "3 linjer: 2 godtatt, 0 allerede registrert, 1 avvist (1 R18); lagret" in ut.out
    assert "{" not in ut.out  # no Python dict in the summary
    # one progress bar, drawn to its end once, on the same count as the summary
    assert ut.err.count("\n") == 1 and ut.err.rstrip().rsplit("\r", 1)[1].startswith(
        "importerer: 3 linjer")
    kvittering = (arbeidsmappe / "k.csv").read_text(encoding="utf-8").splitlines()
    assert kvittering[0] == "linje;status;regel;felt;melding;leveranse_id"
    assert [x.split(";")[:4] for x in kvittering[1:]] == [
        ["2", "godtatt", "", ""], ["3", "godtatt", "", ""], ["4", "avvist", "R18", "slutt"]]


def test_importer_refuses_a_file_that_is_not_utf8_and_records_nothing(
        arbeidsmappe: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    fil = arbeidsmappe / "latin1.csv"
    fil.write_bytes("type;bruker;tjenestetype;start;slutt;ansatt\n"
                    "besok;15108695088;hjemmesykepleie_dag;2026-03-20T08:00:00+01:00;"
                    "2026-03-20T08:40:00+01:00;Bjørn\n".encode("latin-1"))
    with sqlite3.connect(arbeidsmappe / "brukervalg.db") as db:
        for_ = db.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    capsys.readouterr()
    assert main(["importer", str(fil), "--leverandor", "nordlys"]) == 2
    feil = capsys.readouterr().err
    assert "ikke UTF-8" in feil and "ingenting lagret" in feil
    with sqlite3.connect(arbeidsmappe / "brukervalg.db") as db:
        assert db.execute("SELECT count(*) FROM stored_events").fetchone()[0] == for_
