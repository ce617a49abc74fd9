"""The access log (Normen) is complete and append-only; the server's start and its modes."""

from __future__ import annotations

import io
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from application.app import BrukervalgApp
from application.nokler import lag_nokler
from interfaces.http import server
from interfaces.http.app import create_app
from interfaces.http.settings import UTVIKLING_UTSTEDER, ApiSettings, ApiSettingsError
from interfaces.http.sikkerhet import lag_token, utstede_utviklingstoken, utviklingsnokkel
from tests.conftest import FNR
from tests.e2e.conftest import PUBLIKUM, UTSTEDER, Api, Sak, lag_sak
from tests.pgserver import ThrowawayPostgres


def test_every_read_and_write_is_logged_with_who_what_and_purpose(
        api: Api, saker: dict[str, Sak]) -> None:
    bid = saker["frogner"].bruker
    api.get("kb", f"/brukere/{bid}/historikk", formaal="klagesak 2026-17")
    api.post("sb", f"/brukere/{bid}/informasjon", {
        "gitt_tid": "2026-03-01T10:00:00+01:00", "gitt_av": "sb-1", "gitt_til": "bruker"},
        formaal="oppfolging")
    side = api.get("sb", f"/brukere/{bid}/tilgangslogg", formaal="innsyn").json()
    rader = [(e["person_id"], e["rolle"], e["organisasjon"], e["handling"], e["formaal"],
              e["utfall"]) for e in side["elementer"]]
    assert ("sb-1", "saksbehandler", "bydel:frogner", "registrerBruker", "saksbehandling",
            201) == rader[0]
    assert ("kb-1", "klagebehandler", "bydel:frogner", "hentHistorikk", "klagesak 2026-17",
            200) in rader
    assert ("sb-1", "saksbehandler", "bydel:frogner", "registrerInformasjonGitt", "oppfolging",
            200) in rader
    assert rader[-1][3] == "hentTilgangslogg"  # reading the log is itself logged
    assert side["totalt"] == len(api.tables.tilgangslogg(bid, 0, 1000)[0])


def test_a_purpose_sent_as_utf8_is_kept(api: Api, saker: dict[str, Sak]) -> None:
    hode = {"Authorization": f"Bearer {api.token('sb')}", "X-Formaal": "oppfølging".encode()}
    assert api.klient.get(f"/brukere/{saker['frogner'].bruker}",
                          headers=hode).status_code == 200  # type: ignore[arg-type]
    assert api.logg()[-1].formaal == "oppfølging"


def test_the_log_cannot_be_changed_through_the_api(api: Api, saker: dict[str, Sak]) -> None:
    url = f"/brukere/{saker['frogner'].bruker}/tilgangslogg"
    for metode in ("PUT", "PATCH", "DELETE", "POST"):
        r = api.klient.request(metode, url, json={}, headers=api.hode("sb"))
        assert r.status_code == 405, metode


def test_the_database_refuses_to_change_or_delete_log_rows(api: Api,
                                                           saker: dict[str, Sak]) -> None:
    sti = api.app.env.get("SQLITE_DBNAME", "")
    with sqlite3.connect(sti) as db:
        for sql in ("UPDATE tilgangslogg SET formaal = 'endret'", "DELETE FROM tilgangslogg"):
            with pytest.raises(sqlite3.DatabaseError, match="kan ikke endres"):
                db.execute(sql)
    assert all(o.formaal != "endret" for o in api.logg()) and api.logg()


@pytest.mark.postgres
def test_postgres_refuses_to_change_delete_or_truncate_log_rows(
        lag_api: Callable[..., Api], lag_app: Callable[..., BrukervalgApp]) -> None:
    import psycopg

    api = lag_api(app=lag_app("postgres"))
    api.get("sb", "/brukere/00000000-0000-0000-0000-000000000000")
    env = api.app.env
    dsn = (f"host={env.get('POSTGRES_HOST')} port={env.get('POSTGRES_PORT')} "
           f"dbname={env.get('POSTGRES_DBNAME')} user={env.get('POSTGRES_USER')} "
           f"password={env.get('POSTGRES_PASSWORD')}")
    for sql in ("UPDATE tilgangslogg SET formaal = 'x'", "DELETE FROM tilgangslogg",
                "TRUNCATE tilgangslogg"):
        with psycopg.connect(dsn, autocommit=True) as db, \
                pytest.raises(psycopg.errors.RaiseException):
            db.execute(sql)
    assert len(api.logg()) == 1


# --- development mode and production settings ---------------------------------------------------


def test_dev_tokens_work_only_in_development_mode(lag_app: Callable[..., BrukervalgApp],
                                                  lag_api: Callable[..., Api],
                                                  api_settings: ApiSettings,
                                                  tmp_path: Path) -> None:
    nokkel = tmp_path / "dev.pem"
    token = utstede_utviklingstoken("sb-frogner-1", "saksbehandler", "bydel:frogner",
                                    nokkelfil=nokkel)
    dev = lag_api(settings=ApiSettings(utvikling=True, utviklingsnokkel=nokkel))
    hode = {"Authorization": f"Bearer {token}", "X-Formaal": "test"}
    r = dev.klient.post("/brukere", json={"fodselsnummer": "15108695088", "navn": "Kari",
                                          "bydel": "frogner"}, headers=hode)
    assert r.status_code == 201
    # production settings, even with the development key file on disk, refuse the token
    prod = lag_api(app=dev.app, settings=replace(api_settings, utviklingsnokkel=nokkel))
    r = prod.klient.get(f"/brukere/{r.json()['id']}", headers=hode)
    assert r.status_code == 401 and "utviklingsmodus" in r.json()["detail"]


def test_production_refuses_development_keys_and_missing_issuer(
        lag_app: Callable[..., BrukervalgApp], api_settings: ApiSettings,
        tmp_path: Path) -> None:
    app = lag_app("memory")
    with pytest.raises(ApiSettingsError, match="UTSTEDER"):
        create_app(app, ApiSettings())
    with pytest.raises(ApiSettingsError, match="utviklingsmodus"):
        create_app(app, replace(api_settings, utsteder=UTVIKLING_UTSTEDER))
    nokkel = tmp_path / "dev.pem"
    from cryptography.hazmat.primitives import serialization
    dev_pem = utviklingsnokkel(nokkel).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(ApiSettingsError, match="utviklingsnøkkelen"):
        create_app(app, replace(api_settings, offentlig_nokkel=dev_pem,
                                utviklingsnokkel=nokkel))
    with pytest.raises(ApiSettingsError, match="asymmetriske"):
        create_app(app, replace(api_settings, algoritmer=("HS256",)))
    with pytest.raises(ApiSettingsError, match="loopback"):
        server.serve(host="0.0.0.0", dev=True)


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    jwks = tmp_path / "jwks.json"
    jwks.write_text('{"keys": []}')
    s = ApiSettings.fra_miljo({
        "BRUKERVALG_JWT_UTSTEDER": "https://helseid-sts.nhn.no",
        "BRUKERVALG_JWT_PUBLIKUM": "oslo:brukervalg", "BRUKERVALG_JWT_JWKS_FIL": str(jwks),
        "BRUKERVALG_JWT_ALGORITMER": "RS256, PS256", "BRUKERVALG_RATE_PER_SEKUND": "5",
        "BRUKERVALG_MAKS_BODY_BYTES": "65536", "BRUKERVALG_CLAIM_ROLLE": "role"})
    assert (s.utsteder, s.publikum, s.jwks, s.algoritmer) == (
        "https://helseid-sts.nhn.no", "oslo:brukervalg", '{"keys": []}', ("RS256", "PS256"))
    assert (s.rate_per_sekund, s.maks_body_bytes, s.claims.rolle, s.utvikling) == (
        5.0, 65536, "role", False)
    s.valider()
    with pytest.raises(ApiSettingsError):
        ApiSettings.fra_miljo({"BRUKERVALG_RATE_BURST": "mange"})


def test_jwks_configured_issuer_is_accepted(lag_api: Callable[..., Api],
                                            api_settings: ApiSettings) -> None:
    from interfaces.http.sikkerhet import jwks_for

    api = lag_api()
    api_jwks = lag_api(app=api.app, settings=replace(
        api_settings, offentlig_nokkel=None, jwks=jwks_for([api.nokkel.public_key()])))
    r = api_jwks.klient.get("/brukere/00000000-0000-0000-0000-000000000000",
                            headers=api_jwks.hode("sb"))
    assert r.status_code == 404  # authenticated; the bruker does not exist


def test_first_start_prints_docs_and_token_instructions_and_loads_the_demo_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRUKERVALG_STORE", "sqlite")
    monkeypatch.setenv("BRUKERVALG_SQLITE_PATH", str(tmp_path / "demo.db"))
    assert server.last_demo_ved_forste_start() > 0
    assert server.last_demo_ved_forste_start() == 0
    ut = io.StringIO()
    from application.app import BrukervalgApp

    app = BrukervalgApp()
    kari = server.demo_eksempel(app)
    app.close()
    assert kari is not None
    server.velkomst("127.0.0.1", 8000, True, 4, ut, eksempel_bruker=kari)
    tekst = ut.getvalue()
    assert "http://127.0.0.1:8000/schema/swagger" in tekst
    assert "Demodata" in tekst
    # commands that work as printed, and a ready-made example with a real id
    assert "TOKEN=$(./bv token --person sb-frogner-1" in tekst
    assert f"http://127.0.0.1:8000/brukere/{kari}" in tekst


def _produksjonsmiljo(monkeypatch: pytest.MonkeyPatch, api_settings: ApiSettings,
                      env: dict[str, str]) -> dict[str, str]:
    cipher, indeks = lag_nokler()
    miljo = {"BRUKERVALG_JWT_UTSTEDER": UTSTEDER, "BRUKERVALG_JWT_PUBLIKUM": PUBLIKUM,
             "BRUKERVALG_CIPHER_KEY": cipher, "BRUKERVALG_INDEKS_NOKKEL": indeks,
             "BRUKERVALG_JWT_OFFENTLIG_NOKKEL": api_settings.offentlig_nokkel or "",
             "BRUKERVALG_UTVIKLINGSNOKKEL": str(api_settings.utviklingsnokkel), **env}
    for k, v in miljo.items():
        monkeypatch.setenv(k, v)
    return miljo


def test_several_server_processes_need_a_shared_store_and_production_mode(
        monkeypatch: pytest.MonkeyPatch, api_settings: ApiSettings) -> None:
    _produksjonsmiljo(monkeypatch, api_settings, {"BRUKERVALG_STORE": "memory"})
    with pytest.raises(ApiSettingsError, match="BRUKERVALG_WORKERS > 1 krever"):
        server.serve(workers=2)
    monkeypatch.setenv("BRUKERVALG_STORE", "sqlite")
    with pytest.raises(ApiSettingsError, match="BRUKERVALG_WORKERS > 1 krever"):
        server.serve(workers=2, dev=True)
    monkeypatch.setenv("BRUKERVALG_WORKERS", "mange")
    with pytest.raises(ApiSettingsError, match="BRUKERVALG_WORKERS='mange'"):
        server.serve()
    assert server.antall_workers(3) == 3


def _to_prosesser(miljo: dict[str, str], utstedernokkel: ec.EllipticCurvePrivateKey) -> None:
    """`brukervalg server --workers 2`: both processes write to one store, and what one records
    the other reads."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    prosess = subprocess.Popen(
        [sys.executable, "-m", "interfaces.cli", "server", "--port", str(port), "--workers", "2"],
        env={**os.environ, **miljo}, cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        frist = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/helse").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert prosess.poll() is None, f"the server stopped: {prosess.communicate()[0]!r}"
            assert time.monotonic() < frist, "the server did not start"
            time.sleep(0.2)
        token = lag_token(utstedernokkel, utsteder=UTSTEDER, publikum=PUBLIKUM,
                          person_id="sb-1", rolle="saksbehandler", organisasjon="bydel:frogner",
                          gyldig=timedelta(minutes=5))
        hode = {"Authorization": f"Bearer {token}", "X-Formaal": "test"}
        nye = []
        for i in range(4):  # a new connection each: whichever process accepts it answers
            ny = httpx.post(f"{base}/brukere", headers=hode, json={
                "fodselsnummer": FNR[i], "navn": f"To Prosesser {i}", "bydel": "frogner"})
            assert ny.status_code == 201, ny.text
            nye.append(ny.json()["id"])
        for _ in range(2):
            for i, bruker_id in enumerate(nye):
                r = httpx.get(f"{base}/brukere/{bruker_id}", headers=hode)
                assert r.status_code == 200 and r.json()["navn"] == f"To Prosesser {i}"
    finally:
        prosess.terminate()
        prosess.wait(20)


def test_brukervalg_server_with_two_processes_on_one_sqlite_file(
        monkeypatch: pytest.MonkeyPatch, api_settings: ApiSettings, tmp_path: Path,
        utstedernokkel: ec.EllipticCurvePrivateKey) -> None:
    miljo = _produksjonsmiljo(monkeypatch, api_settings, {
        "BRUKERVALG_STORE": "sqlite", "BRUKERVALG_SQLITE_PATH": str(tmp_path / "to.db")})
    _to_prosesser(miljo, utstedernokkel)


@pytest.mark.postgres
def test_brukervalg_server_with_two_processes_on_postgres(
        pg: ThrowawayPostgres, monkeypatch: pytest.MonkeyPatch, api_settings: ApiSettings,
        utstedernokkel: ec.EllipticCurvePrivateKey) -> None:
    db = pg.create_database("to_prosesser")
    miljo = _produksjonsmiljo(monkeypatch, api_settings,
                              {"BRUKERVALG_STORE": "postgres", **pg.env(db)})
    _to_prosesser(miljo, utstedernokkel)


def _gjor_projeksjonene_utdatert(app: BrukervalgApp) -> None:
    """As if the read models were built by an older version of the code."""
    from projections import Projections

    with Projections(app) as p:
        p.oppdater()
        with p.store.write() as cur:
            cur.execute("UPDATE prj_sporing SET versjon = '0:eldre'")


def test_stale_read_models_503_in_production_rebuilt_at_start_in_development(
        lag_app: Callable[..., BrukervalgApp], lag_api: Callable[..., Api],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sti = tmp_path / "utdatert.db"
    env = {"BRUKERVALG_STORE": "sqlite", "BRUKERVALG_SQLITE_PATH": str(sti)}
    api = lag_api(app=lag_app("sqlite", env=env))
    sak = lag_sak(api, FNR[1])
    _gjor_projeksjonene_utdatert(api.app)
    r = api.get("sb", f"/brukere/{sak.bruker}/leverandor?tjenestetype=praktisk_bistand")
    assert r.status_code == 503, r.text
    assert "brukervalg projeksjoner gjenoppbygg" in r.json()["detail"]

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    ut = io.StringIO()
    assert server.bygg_utdaterte_projeksjoner(ut) is True
    assert "bygger lesemodellene på nytt" in ut.getvalue()
    assert server.bygg_utdaterte_projeksjoner(ut) is False
    ny = lag_api(app=lag_app("sqlite", env=env))
    r = ny.get("sb", f"/brukere/{sak.bruker}/leverandor?tjenestetype=praktisk_bistand")
    assert r.status_code == 200 and r.json()["leverandor_id"] == "2care"


def test_the_server_process_collects_cycles_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    foer = gc.get_threshold()
    try:
        monkeypatch.delenv("BRUKERVALG_GC_TERSKEL", raising=False)
        server._samle_sjeldnere()
        assert gc.get_threshold() == (50_000, 20, 100)
        monkeypatch.setenv("BRUKERVALG_GC_TERSKEL", "1000,10,10")
        server._samle_sjeldnere()
        assert gc.get_threshold() == (1000, 10, 10)
        monkeypatch.setenv("BRUKERVALG_GC_TERSKEL", "mye")
        with pytest.raises(ApiSettingsError, match="BRUKERVALG_GC_TERSKEL"):
            server._samle_sjeldnere()
    finally:
        gc.unfreeze()
        gc.set_threshold(*foer)
