"""Every subcommand given bad arguments: one Norwegian line on stderr, a non-zero exit status, no
traceback (BV1, BV2 for the rules behind some of them), and Norwegian help text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from interfaces.cli import main

UKJENT = "0b8f2c1e-5d7a-4e7b-9a51-3f6f0d1c2b4a"
FNR = "15108695088"  # the demo's Kari Nordmann


@pytest.fixture(scope="module")
def demomappe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mappe = tmp_path_factory.mktemp("cli")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(mappe)
        for key in ("BRUKERVALG_STORE", "BRUKERVALG_SQLITE_PATH", "PERSISTENCE_MODULE"):
            mp.delenv(key, raising=False)
        assert main(["demo"]) == 0
    # Files that exist but are not what the command needs.
    (mappe / "ikke-json.json").write_text("ikke json\n", encoding="utf-8")
    (mappe / "ufullstendig.json").write_text('{"position": 3}\n', encoding="utf-8")
    (mappe / "liste.json").write_text("[1, 2]\n", encoding="utf-8")
    (mappe / "latin1.csv").write_bytes("bruker;tjenestetype;timer;belop\nBjørn\n".encode("latin-1"))
    (mappe / "ikke-nokkel.pem").write_text("ikke en nøkkel\n", encoding="utf-8")
    (mappe / "finnes.pem").write_text("", encoding="utf-8")
    return mappe


@pytest.fixture
def i_demo(demomappe: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(demomappe)
    for key in ("BRUKERVALG_STORE", "BRUKERVALG_SQLITE_PATH", "PERSISTENCE_MODULE",
                "BRUKERVALG_SPOR"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("BRUKERVALG_UTVIKLING", "1")  # the demo store: no keys needed
    return demomappe


FEIL = {
    "ukjent kommando": (["finnes-ikke"], "ugyldig valg"),
    "start: port er ikke et tall": (["start", "--port", "åtti"], "er ikke et heltall"),
    "server: workers er ikke et tall": (["server", "--workers", "mange"], "er ikke et heltall"),
    "token: ukjent rolle": (["token", "--person", "x", "--rolle", "sjef", "--organisasjon",
                             "bydel:frogner"], "ugyldig valg: 'sjef'"),
    "token: mangler argumenter": (["token"], "disse argumentene mangler"),
    "demo: ukjent argument": (["demo", "--fort"], "ukjente argumenter"),
    "historikk: ugyldig fødselsnummer (BV1)": (["historikk", "12345"], "må ha 11 siffer"),
    "historikk: feil kontrollsiffer (BV1)": (["historikk", "15108695089"],
                                             "kontrollsifrene stemmer ikke"),
    "historikk: verken uuid eller fødselsnummer": (["historikk", "kari"], "verken et fødsels"),
    "historikk: ukjent uuid": (["historikk", UKJENT], f"fant ikke bruker {UKJENT}"),
    "historikk: ukjent fødselsnummer": (["historikk", "01010112377"], "fant ingen bruker"),
    "importer: filen finnes ikke": (["importer", "mangler.csv", "--leverandor", "nordlys"],
                                    "fant ikke filen mangler.csv"),
    "importer: ukjent leverandør": (["importer", "mangler.csv", "--leverandor", "acme"],
                                    "ukjent leverandør 'acme'"),
    "klagesak: naivt --per (BV2)": (["klagesak", FNR, "--per", "2026-03-10T12:00"],
                                    "mangler tidssone (BV2)"),
    "klagesak: --per er ikke et tidspunkt": (["klagesak", FNR, "--per", "i går"],
                                             "er ikke et ISO-tidspunkt"),
    "klagesak: --fra er ikke en dato": (["klagesak", FNR, "--fra", "2026-13-01"],
                                        "er ikke en dato"),
    "klagesak: --vedtak er ikke en uuid": (["klagesak", FNR, "--vedtak", "v1"],
                                           "er ikke en uuid"),
    "klagesak: ukjent vedtak": (["klagesak", FNR, "--vedtak", UKJENT], "fant ikke vedtak"),
    "klagesak: ukjent bruker": (["klagesak", UKJENT], "fant ikke bruker"),
    "rapport: ugyldig måned": (["rapport", "--fra", "2026-13", "--til", "2026-12"],
                               "er ikke en måned"),
    "rapport: fra etter til": (["rapport", "--fra", "2026-04", "--til", "2026-03"],
                               "er etter --til"),
    "rapport: ukjent leverandør": (["rapport", "--fra", "2026-03", "--til", "2026-03",
                                    "--leverandor", "acme"], "ukjent leverandør"),
    "rapport: ukjent format": (["rapport", "--fra", "2026-03", "--til", "2026-03", "--format",
                                "pdf"], "ugyldig valg: 'pdf'"),
    "rapport: xlsx uten fil": (["rapport", "--fra", "2026-03", "--til", "2026-03", "--format",
                                "xlsx"], "xlsx skrives bare til fil"),
    "betalingskontroll: ukjent leverandør": (["betalingskontroll", "--leverandor", "acme",
                                              "--maaned", "2026-03"], "ukjent leverandør"),
    "betalingskontroll: grunnlaget finnes ikke": (
        ["betalingskontroll", "--leverandor", "nordlys", "--maaned", "2026-03",
         "--fakturagrunnlag", "krav.csv"], "fant ikke filen krav.csv"),
    "projeksjoner: ukjent handling": (["projeksjoner", "slett"], "ugyldig valg: 'slett'"),
    "kjede verifiser: sjekkpunktet finnes ikke": (["kjede", "verifiser", "--sjekkpunkt",
                                                  "cp.json"], "fant ikke sjekkpunktfilen cp.json"),
    "kjede sjekkpunkt: nøkkelen finnes ikke": (["kjede", "sjekkpunkt", "--nokkel", "k.pem"],
                                              "fant ikke filen k.pem"),
    "kjede nokkel: mappen finnes ikke": (["kjede", "nokkel", "--ut", "mangler/k.pem"],
                                         "mangler/k.pem"),
    "kjede: mangler kommando": (["kjede"], "disse argumentene mangler"),
    "start: port utenfor 1–65535": (["start", "--port", "99999"], "er ikke en TCP-port"),
    "server: negativ port": (["server", "--port", "-1"], "er ikke en TCP-port"),
    "betalingskontroll: grunnlaget er ikke UTF-8": (
        ["betalingskontroll", "--leverandor", "nordlys", "--maaned", "2026-03",
         "--fakturagrunnlag", "latin1.csv"], "latin1.csv: filen er ikke UTF-8"),
    "rapport: --ut i en mappe som ikke finnes": (
        ["rapport", "--fra", "2026-03", "--til", "2026-03", "--ut", "mangler/r.html"],
        "mappen mangler finnes ikke"),
    "kjede verifiser: sjekkpunktet er ikke JSON": (
        ["kjede", "verifiser", "--sjekkpunkt", "ikke-json.json"],
        "ikke-json.json er ikke et sjekkpunkt (ikke JSON)"),
    "kjede verifiser: sjekkpunktet mangler felt": (
        ["kjede", "verifiser", "--sjekkpunkt", "ufullstendig.json"],
        "mangler algorithm, hash, public_key, signature, time"),
    "kjede verifiser: sjekkpunktet er ikke et objekt": (
        ["kjede", "verifiser", "--sjekkpunkt", "liste.json"], "er ikke et gyldig sjekkpunkt"),
    "kjede verifiser: klarert nøkkel er ikke hex": (
        ["kjede", "verifiser", "--klarert-nokkel", "zz"], "'zz' er ikke en offentlig nøkkel"),
    "kjede sjekkpunkt: nøkkelfilen er ikke en nøkkel": (
        ["kjede", "sjekkpunkt", "--nokkel", "ikke-nokkel.pem"],
        "ikke-nokkel.pem er ikke en privat Ed25519-nøkkel"),
    "kjede nokkel: filen finnes": (["kjede", "nokkel", "--ut", "finnes.pem"],
                                   "finnes.pem finnes allerede; ingenting overskrevet"),
    "kjede nokkel: stien går gjennom en fil": (["kjede", "nokkel", "--ut", "finnes.pem/k.pem"],
                                               "en del av stien er en fil"),
    "nokler lag: mappen er en fil": (["nokler", "lag", "--ut-mappe", "finnes.pem"],
                                     "finnes.pem finnes allerede"),
    "nokler: mangler kommando": (["nokler"], "disse argumentene mangler"),
}


@pytest.mark.parametrize("argv,forventet", FEIL.values(), ids=FEIL.keys())
def test_en_norsk_linje_og_ikke_null_for_hver_brukerfeil(
        i_demo: Path, capsys: pytest.CaptureFixture[str], argv: list[str], forventet: str) -> None:
    try:
        status = main(argv)
    except SystemExit as e:  # argparse's own errors leave through SystemExit
        status = e.code  # type: ignore[assignment]
    ut = capsys.readouterr()
    assert status not in (0, None)
    assert "Traceback" not in ut.err + ut.out
    linjer = ut.err.strip().splitlines()
    assert len(linjer) == 1, ut.err
    assert forventet in linjer[0]
    assert "error" not in linjer[0] and "usage" not in linjer[0]


def test_et_endret_eller_fremmed_sjekkpunkt_er_en_norsk_linje(
        i_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A checkpoint altered after signing, or signed by a key not trusted: the file named, in
    Norwegian (the ledger's own messages are English), and the chain is not reported OK."""
    import json

    assert main(["kjede", "nokkel", "--ut", "signer.pem"]) == 0
    assert main(["kjede", "sjekkpunkt", "--nokkel", "signer.pem", "--ut", "cp-ok.json"]) == 0
    doc = json.loads((i_demo / "cp-ok.json").read_text(encoding="utf-8"))
    (i_demo / "cp-endret.json").write_text(json.dumps({**doc, "position": doc["position"] - 1}),
                                           encoding="utf-8")
    capsys.readouterr()
    for argv, forventet in (
            (["--sjekkpunkt", "cp-endret.json"], "sjekkpunktet i cp-endret.json har en ugyldig "
                                                 "signatur"),
            (["--sjekkpunkt", "cp-ok.json", "--klarert-nokkel", "ab" * 32],
             f"signert med nøkkelen {doc['public_key']}, som ikke er blant --klarert-nokkel")):
        assert main(["kjede", "verifiser", *argv]) == 2
        ut = capsys.readouterr()
        assert ut.out == ""
        linjer = ut.err.strip().splitlines()
        assert len(linjer) == 1 and linjer[0].startswith("brukervalg kjede: feil: "), ut.err
        assert forventet in linjer[0]
    assert main(["kjede", "verifiser", "--sjekkpunkt", "cp-ok.json",
                 "--klarert-nokkel", doc["public_key"]]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_hjelpen_er_norsk_ogsaa_argparses_egne_ord(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["-h"], ["importer", "-h"], ["kjede", "verifiser", "-h"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 0
        hjelp = capsys.readouterr().out
        assert hjelp.startswith("bruk: brukervalg")
        assert "vis denne hjelpeteksten og avslutt" in hjelp
        for engelsk in ("usage:", "show this help", "options:", "positional arguments"):
            assert engelsk not in hjelp


def test_en_lukket_pipe_er_en_linje_uten_traceback(demomappe: Path) -> None:
    """`brukervalg demo | head -1`: the reader goes away after one line."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("BRUKERVALG_STORE", "BRUKERVALG_SQLITE_PATH", "PERSISTENCE_MODULE")}
    prosess = subprocess.Popen([sys.executable, "-m", "interfaces.cli", "demo"], cwd=demomappe,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert prosess.stdout is not None and prosess.stderr is not None
    prosess.stdout.readline()
    prosess.stdout.close()
    feil = prosess.stderr.read().decode()
    assert prosess.wait(timeout=60) != 0
    assert "Traceback" not in feil
    assert feil.strip().splitlines() == ["brukervalg: utdata ble lukket før alt var skrevet "
                                         "(f.eks. av head)"]


def test_start_paa_en_opptatt_port_feiler_for_banneret(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`./bv start` with the port taken: one line, non-zero, and no "kjører" banner first."""
    import socket

    monkeypatch.chdir(tmp_path)
    for key in ("BRUKERVALG_STORE", "BRUKERVALG_SQLITE_PATH", "PERSISTENCE_MODULE"):
        monkeypatch.delenv(key, raising=False)
    with socket.socket() as opptatt:
        opptatt.bind(("127.0.0.1", 0))
        opptatt.listen()
        port = opptatt.getsockname()[1]
        status = main(["start", "--port", str(port)])
    ut = capsys.readouterr()
    assert status == 2
    assert "kjører" not in ut.out and "Traceback" not in ut.err
    assert ut.err.strip().splitlines() == [
        f"brukervalg start: feil: porten {port} på 127.0.0.1 er i bruk (Address already in use); "
        "stopp det andre programmet eller velg en annen med --port"]
    assert not (tmp_path / "brukervalg.db").exists()  # nothing was set up
