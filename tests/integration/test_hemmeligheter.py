"""Secrets in production (issue 16): the store's two keys are required outside development
mode, distinct and never the constant in the source; with them nothing personal is in clear at
rest; the store's files are readable by their owner only."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from application.app import BrukervalgApp
from application.demo import DemoKlokke, last_demo
from application.infrastructure.settings import StoreSettingsError
from application.nokler import UTVIKLING_INDEKS_NOKKEL, lag_nokler
from domain import kommandoer as k
from interfaces.cli import main
from interfaces.http import server
from interfaces.http.app import create_app
from projections import Projections
from tests.conftest import FNR, SAKSBEHANDLER, store_env

CIPHER, INDEKS = "BRUKERVALG_CIPHER_KEY", "BRUKERVALG_INDEKS_NOKKEL"


@pytest.fixture
def nokler() -> dict[str, str]:
    cipher, indeks = lag_nokler()
    return {CIPHER: cipher, INDEKS: indeks}


@pytest.fixture
def rent_miljo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell: a working folder, the SQLite store in it, no keys, not development."""
    monkeypatch.chdir(tmp_path)
    # These tests are about keys; the server's default port (8000) may be taken by a developer's
    # own `./bv start` (tests/integration/test_cli_brukerfeil.py tests the port check itself).
    monkeypatch.setattr(server, "sjekk_ledig_port", lambda host, port: None)
    for navn in ("BRUKERVALG_STORE", "BRUKERVALG_SQLITE_PATH", "PERSISTENCE_MODULE", CIPHER,
                 INDEKS, f"{CIPHER}_FIL", f"{INDEKS}_FIL", "BRUKERVALG_UTVIKLING"):
        monkeypatch.delenv(navn, raising=False)
    return tmp_path


def _jwt_miljo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Valid production token settings, so that only the store keys can be missing."""
    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    monkeypatch.setenv("BRUKERVALG_JWT_UTSTEDER", "https://helseid-sts.test.nhn.no")
    monkeypatch.setenv("BRUKERVALG_JWT_OFFENTLIG_NOKKEL", pem)


MANGLER = pytest.mark.parametrize("mangler", [(CIPHER,), (INDEKS,), (CIPHER, INDEKS)],
                                  ids=["uten-cipher", "uten-indeks", "uten-begge"])


def _uten(nokler: dict[str, str], mangler: tuple[str, ...]) -> dict[str, str]:
    return {n: v for n, v in nokler.items() if n not in mangler}


@MANGLER
def test_production_store_refuses_without_each_key_naming_it_and_how_to_make_keys(
        rent_miljo: Path, nokler: dict[str, str], mangler: tuple[str, ...]) -> None:
    with pytest.raises(StoreSettingsError) as feil:
        BrukervalgApp(env=_uten(nokler, mangler), produksjon=True)
    melding = str(feil.value)
    assert all(n in melding for n in mangler)
    assert "brukervalg nokler lag" in melding and "BRUKERVALG_UTVIKLING=1" in melding
    assert not (rent_miljo / "brukervalg.db").exists()  # refused before anything was created


@MANGLER
@pytest.mark.parametrize("kommando", [
    ["historikk", FNR[0]], ["klagesak", FNR[0]], ["importer", "mars.csv", "--leverandor", "2care"],
    ["projeksjoner", "oppdater"], ["server"]])
def test_cli_operator_commands_and_server_refuse_without_each_key(
        rent_miljo: Path, nokler: dict[str, str], mangler: tuple[str, ...], kommando: list[str],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _jwt_miljo(monkeypatch)
    for navn, verdi in _uten(nokler, mangler).items():
        monkeypatch.setenv(navn, verdi)
    (rent_miljo / "mars.csv").write_text("type;bruker\n", encoding="utf-8")
    assert main(kommando) == 2
    feil = capsys.readouterr().err
    assert len(feil.strip().splitlines()) == 1 and "feil: " in feil and "Traceback" not in feil
    assert all(n in feil for n in mangler) and "brukervalg nokler lag" in feil
    assert not (rent_miljo / "brukervalg.db").exists()


@MANGLER
def test_server_and_asgi_factory_refuse_without_each_key(
        rent_miljo: Path, nokler: dict[str, str], mangler: tuple[str, ...],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _jwt_miljo(monkeypatch)
    for navn, verdi in _uten(nokler, mangler).items():
        monkeypatch.setenv(navn, verdi)
    monkeypatch.setattr(server.uvicorn, "run", lambda *a, **kw: pytest.fail("started"))
    with pytest.raises(StoreSettingsError, match=mangler[0]):
        server.serve()
    with pytest.raises(StoreSettingsError, match=mangler[0]):
        server.serve(workers=2)
    with pytest.raises(StoreSettingsError, match=mangler[0]):
        create_app()  # `uvicorn --factory interfaces.http.app:create_app`


def test_production_server_starts_with_both_keys_and_development_says_unencrypted(
        rent_miljo: Path, nokler: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    startet: list[object] = []
    monkeypatch.setattr(server.uvicorn, "run", lambda api, **kw: startet.append(api))
    monkeypatch.setenv("BRUKERVALG_SQLITE_PATH", str(rent_miljo / "prod.db"))
    _jwt_miljo(monkeypatch)
    for navn, verdi in nokler.items():
        monkeypatch.setenv(navn, verdi)
    server.serve()
    assert len(startet) == 1 and "UKRYPTERT" not in capsys.readouterr().out
    for navn in (*nokler, "BRUKERVALG_SQLITE_PATH", "BRUKERVALG_JWT_UTSTEDER"):
        monkeypatch.delenv(navn)
    server.serve(dev=True)  # `brukervalg start`: zero setup
    assert len(startet) == 2
    assert "Lageret (brukervalg.db) er UKRYPTERT" in capsys.readouterr().out


def test_index_key_is_never_the_constant_nor_the_cipher_key_in_production(
        rent_miljo: Path, nokler: dict[str, str]) -> None:
    for indeks, grunn in ((UTVIKLING_INDEKS_NOKKEL, "utviklingsnøkkelen"),
                          (nokler[CIPHER], "den samme som"), ("kort", "minst 32")):
        with pytest.raises(StoreSettingsError, match=grunn):
            BrukervalgApp(env={**nokler, INDEKS: indeks}, produksjon=True)
    app = BrukervalgApp(env=nokler, produksjon=True)
    assert app._indeks_nokkel == nokler[INDEKS].encode()  # noqa: SLF001
    assert app.mapper.cipher is not None
    app.close()
    utvikling = BrukervalgApp(env={"BRUKERVALG_STORE": "memory"})
    assert utvikling._indeks_nokkel == UTVIKLING_INDEKS_NOKKEL.encode()  # noqa: SLF001
    assert utvikling.mapper.cipher is None and utvikling.nokler.ukryptert


def test_keys_from_files_and_the_key_command_writes_two_0600_files(
        rent_miljo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nokler", "lag", "--ut-mappe", "hemmelig"]) == 0
    mappe = rent_miljo / "hemmelig"
    cipher_fil, indeks_fil = mappe / "cipher-key", mappe / "indeks-nokkel"
    assert stat.S_IMODE(mappe.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in (cipher_fil, indeks_fil)} == {0o600}
    assert cipher_fil.read_text() != indeks_fil.read_text()
    filer = {f"{CIPHER}_FIL": str(cipher_fil), f"{INDEKS}_FIL": str(indeks_fil)}
    app = BrukervalgApp(env=filer, produksjon=True)
    assert app.nokler.cipher_key == cipher_fil.read_text().strip()
    assert app._indeks_nokkel == indeks_fil.read_text().strip().encode()  # noqa: SLF001
    app.close()
    capsys.readouterr()
    assert main(["nokler", "lag", "--ut-mappe", "hemmelig"]) == 2  # never overwrites a key
    assert "finnes allerede" in capsys.readouterr().err
    with pytest.raises(StoreSettingsError, match=f"både {CIPHER} og {CIPHER}_FIL"):
        BrukervalgApp(env={**filer, CIPHER: cipher_fil.read_text()}, produksjon=True)
    with pytest.raises(StoreSettingsError, match=f"{INDEKS}_FIL='borte' kan ikke leses"):
        BrukervalgApp(env={**filer, f"{INDEKS}_FIL": "borte"}, produksjon=True)
    assert main(["nokler", "lag"]) == 0
    trykt = dict(linje.split("=", 1) for linje in capsys.readouterr().out.splitlines())
    assert set(trykt) == {CIPHER, INDEKS} and trykt[CIPHER] != trykt[INDEKS]


# --- nothing in clear at rest ---------------------------------------------------------------


@pytest.fixture
def demo_med_nokler(tmp_path: Path, request: pytest.FixtureRequest, store: str,
                    nokler: dict[str, str]) -> Iterator[tuple[BrukervalgApp, list[bytes]]]:
    """The demo recorded in production with both keys; the names and numbers it holds."""
    klokke = DemoKlokke()
    app = BrukervalgApp(env={**store_env(store, tmp_path, request), **nokler}, klokke=klokke,
                        produksjon=True)
    brukere = [app.bruker(b) for b in last_demo(app, klokke)]
    with Projections(app) as p:  # the read models are at rest too
        p.oppdater()
    # Parts shorter than five bytes ("Per") are looked for only inside the whole name: three
    # given bytes turn up by chance in ~3 MB of ciphertext about one run in six.
    hemmelig = sorted({s.encode() for b in brukere
                       for s in (b.navn, *b.navn.split(), b.fodselsnummer)
                       if len(s.encode()) >= 5}, key=len)
    assert len(brukere) >= 4 and b"15108695088" in hemmelig
    yield app, hemmelig
    app.close()


def _i_klartekst(data: bytes, hemmelig: list[bytes]) -> list[bytes]:
    return [s for s in hemmelig if s in data]


def test_no_demo_name_or_fodselsnummer_in_the_raw_store_bytes(
        demo_med_nokler: tuple[BrukervalgApp, list[bytes]], store: str) -> None:
    app, hemmelig = demo_med_nokler
    if store == "sqlite":
        fil = Path(app.env["SQLITE_DBNAME"])
        wal = Path(f"{fil}-wal")
        assert wal.stat().st_size > 0  # the recent writes are in the WAL while the store is open
        assert _i_klartekst(fil.read_bytes() + wal.read_bytes(), hemmelig) == []
        app.close()
        lesemodeller = fil.with_name(f"{fil.stem}.projeksjoner.db")
        assert lesemodeller.stat().st_size > 0
        assert _i_klartekst(fil.read_bytes() + lesemodeller.read_bytes(), hemmelig) == []
        return
    with psycopg.connect(dbname=app.env["POSTGRES_DBNAME"], host=app.env["POSTGRES_HOST"],
                         port=app.env["POSTGRES_PORT"], user=app.env["POSTGRES_USER"],
                         password=app.env.get("POSTGRES_PASSWORD", "")) as db:
        tabeller = [r[0] for r in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        assert tabeller
        rader = b""
        for tabell in tabeller:
            for rad in db.execute(f'SELECT * FROM "{tabell}"'):  # noqa: S608 (catalogue names)
                rader += b"".join(v if isinstance(v, bytes) else str(v).encode() for v in rad)
    assert len(rader) > 10_000
    assert _i_klartekst(rader, hemmelig) == []


def test_the_scan_finds_the_names_in_a_development_store(tmp_path: Path) -> None:
    """The control for the scan above: without keys the same bytes hold the names in clear."""
    klokke = DemoKlokke()
    app = BrukervalgApp(env={"BRUKERVALG_STORE": "sqlite",
                             "BRUKERVALG_SQLITE_PATH": str(tmp_path / "dev.db")}, klokke=klokke)
    brukere = [app.bruker(b) for b in last_demo(app, klokke)]
    app.close()
    data = (tmp_path / "dev.db").read_bytes()
    assert all(b.navn.encode() in data and b.fodselsnummer.encode() in data for b in brukere)


# --- file modes -----------------------------------------------------------------------------


@pytest.fixture
def vid_umask() -> Iterator[None]:
    """The usual umask (022), under which SQLite would create 0644 files."""
    gammel = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(gammel)


def test_store_files_are_created_readable_by_the_owner_only(
        tmp_path: Path, vid_umask: None, nokler: dict[str, str]) -> None:
    db = tmp_path / "lager.db"
    app = BrukervalgApp(env={"BRUKERVALG_SQLITE_PATH": str(db), **nokler}, produksjon=True)
    app.registrer_bruker(k.RegistrerBruker(fodselsnummer=FNR[0], navn="Kari Nordmann",
                                           bydel="frogner"), SAKSBEHANDLER)
    with Projections(app) as p:
        p.oppdater()
        filer = sorted(tmp_path.iterdir())
        navn = {f.name for f in filer}
        assert {"lager.db", "lager.db-wal", "lager.db-shm", "lager.db-skrivelaas",
                "lager.projeksjoner.db", "lager.projeksjoner.db-wal"} <= navn
        assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in filer} == \
            {n: "0o600" for n in navn}
    app.close()


def test_an_older_world_readable_store_file_is_tightened(tmp_path: Path, vid_umask: None) -> None:
    db = tmp_path / "gammel.db"
    sqlite3.connect(db).execute("PRAGMA journal_mode=WAL").close()
    os.chmod(db, 0o644)
    BrukervalgApp(env={"BRUKERVALG_SQLITE_PATH": str(db)}).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


# --- existing stores: a new index key must not silently make everyone unfindable ------------


def test_a_store_indexed_by_its_cipher_key_is_refused_until_reindexed(
        tmp_path: Path, nokler: dict[str, str], lag_app: Callable[..., BrukervalgApp]) -> None:
    """Before the index key was required, a store with only a cipher key had its index keyed
    by the cipher key; production now needs its own index key, so the index is written anew."""
    sti = {"BRUKERVALG_STORE": "sqlite", "BRUKERVALG_SQLITE_PATH": str(tmp_path / "eldre.db")}
    eldre = BrukervalgApp(env={**sti, CIPHER: nokler[CIPHER]})  # as a store was opened before
    ids = [eldre.registrer_bruker(k.RegistrerBruker(fodselsnummer=f, navn=f"Bruker {i}",
                                                    bydel="frogner"), SAKSBEHANDLER).id
           for i, f in enumerate(FNR[:3])]
    eldre.close()
    with pytest.raises(StoreSettingsError, match="laget med BRUKERVALG_CIPHER_KEY") as feil:
        BrukervalgApp.aapne(produksjon=True, env={**sti, **nokler})
    assert "brukervalg nokler reindekser" in str(feil.value)
    app = BrukervalgApp(env={**sti, **nokler}, produksjon=True)
    assert app.finn_bruker_id(FNR[0]) is None
    assert app.reindekser(SAKSBEHANDLER) == 3
    assert app.reindekser(SAKSBEHANDLER) == 0
    assert [app.finn_bruker_id(f) for f in FNR[:3]] == ids
    app.close()
    BrukervalgApp.aapne(produksjon=True, env={**sti, **nokler}).close()


def test_a_development_store_is_refused_in_production(tmp_path: Path,
                                                      nokler: dict[str, str]) -> None:
    sti = {"BRUKERVALG_STORE": "sqlite", "BRUKERVALG_SQLITE_PATH": str(tmp_path / "dev.db")}
    dev = BrukervalgApp(env=sti)
    dev.registrer_bruker(k.RegistrerBruker(fodselsnummer=FNR[0], navn="Kari Nordmann",
                                           bydel="frogner"), SAKSBEHANDLER)
    dev.close()
    with pytest.raises(StoreSettingsError, match="åpner ikke dette lageret"):
        BrukervalgApp.aapne(produksjon=True, env={**sti, **nokler})
