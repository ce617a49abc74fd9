"""Idempotency-Key: a retried POST never records a fact twice, and gets the first answer again —
also after a restart, and when the connection died after the commit."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from litestar import Litestar
from litestar.exceptions import LitestarException

from application.app import BrukervalgApp
from interfaces.http.app import create_app
from interfaces.http.settings import ApiSettings
from tests.e2e.conftest import UTSTEDER, Api, Sak, lag_sak

ANMODNING = {"anmodet_tid": "2026-03-02T08:00:00+01:00", "begrunnelse": "trenger mer hjelp"}


def revurderinger(api: Api, sak: Sak) -> int:
    return len(api.app.vedtak(sak.vedtak).revurderinger)


def test_without_a_key_the_same_post_twice_makes_two_requests(api: Api,
                                                              saker: dict[str, Sak]) -> None:
    """The control: this command has no natural key, so only Idempotency-Key can dedupe it."""
    sak = saker["frogner"]
    for _ in range(2):
        assert api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", ANMODNING).status_code == 200
    assert revurderinger(api, sak) == 2


def test_same_key_same_body_replays_the_first_response_and_records_once(
        api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    url = f"/vedtak/{sak.vedtak}/revurderinger"
    forste = api.post("lev", url, ANMODNING, **{"Idempotency-Key": "rev-1"})
    antall = api.antall_hendelser()
    andre = api.post("lev", url, dict(reversed(ANMODNING.items())),
                     **{"Idempotency-Key": "rev-1"})
    assert forste.status_code == andre.status_code == 200
    assert andre.content == forste.content
    assert andre.headers["idempotent-replayed"] == "true"
    assert andre.headers["etag"] == forste.headers["etag"]
    assert api.antall_hendelser() == antall and revurderinger(api, sak) == 1


def test_same_key_with_another_body_is_422_and_records_nothing(api: Api,
                                                               saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    url = f"/vedtak/{sak.vedtak}/revurderinger"
    assert api.post("lev", url, ANMODNING, **{"Idempotency-Key": "k"}).status_code == 200
    antall = api.antall_hendelser()
    r = api.post("lev", url, {**ANMODNING, "begrunnelse": "noe annet"},
                 **{"Idempotency-Key": "k"})
    assert r.status_code == 422
    assert (r.json()["regel"], r.json()["felt"]) == ("API1", "Idempotency-Key")
    # the same key on another path is another request too
    r = api.post("lev", f"/leveranser/{sak.leveranse}/start",
                 {"startet_tid": "2026-03-02T08:00:00+01:00"}, **{"Idempotency-Key": "k"})
    assert r.status_code == 422
    assert api.antall_hendelser() == antall


def test_keys_belong_to_one_identity(api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    body = {"mottatt_dato": "2026-03-01", "gjelder": "omfanget"}
    a = api.post("sb", f"/vedtak/{sak.vedtak}/klager", body, **{"Idempotency-Key": "felles"})
    b = api.post("vm", f"/vedtak/{sak.vedtak}/klager", body, **{"Idempotency-Key": "felles"})
    assert a.status_code == b.status_code == 200
    assert "idempotent-replayed" not in b.headers
    assert len(api.app.vedtak(sak.vedtak).klager) == 2


def test_a_malformed_key_is_400(api: Api, saker: dict[str, Sak]) -> None:
    r = api.post("lev", f"/vedtak/{saker['frogner'].vedtak}/revurderinger", ANMODNING,
                 **{"Idempotency-Key": "x" * 201})
    assert r.status_code == 400 and r.json()["felt"] == "Idempotency-Key"


def _restart(lag_app: Callable[..., BrukervalgApp], store: str,
             api_settings: ApiSettings, lag_api: Callable[..., Api]) -> None:
    """POST, stop the server and the application, start both again on the same database, retry."""
    forste_app = lag_app(store)
    api = lag_api(app=forste_app)
    sak = lag_sak(api, "15108695088")
    url = f"/vedtak/{sak.vedtak}/revurderinger"
    forste = api.post("lev", url, ANMODNING, **{"Idempotency-Key": "omstart"})
    assert forste.status_code == 200
    antall = api.antall_hendelser()
    api.klient.__exit__(None, None, None)
    forste_app.close()

    if store == "sqlite":
        env = {"BRUKERVALG_STORE": "sqlite",
               "BRUKERVALG_SQLITE_PATH": forste_app.env.get("SQLITE_DBNAME", "")}
    else:
        env = {k: v for k, v in forste_app.env.items() if k.startswith("POSTGRES_")}
        env["BRUKERVALG_STORE"] = "postgres"
    ny = lag_api(app=lag_app(store, env=env))
    andre = ny.post("lev", url, ANMODNING, **{"Idempotency-Key": "omstart"})
    assert (andre.status_code, andre.content) == (200, forste.content)
    assert andre.headers["idempotent-replayed"] == "true"
    assert ny.antall_hendelser() == antall
    assert len(ny.app.vedtak(sak.vedtak).revurderinger) == 1


def test_the_key_holds_across_a_restart_sqlite(lag_app: Callable[..., BrukervalgApp],
                                               api_settings: ApiSettings,
                                               lag_api: Callable[..., Api]) -> None:
    _restart(lag_app, "sqlite", api_settings, lag_api)


@pytest.mark.postgres
def test_the_key_holds_across_a_restart_postgres(lag_app: Callable[..., BrukervalgApp],
                                                 api_settings: ApiSettings,
                                                 lag_api: Callable[..., Api]) -> None:
    _restart(lag_app, "postgres", api_settings, lag_api)


# --- the connection dies after the commit --------------------------------------------------------


class Brudd(ConnectionResetError):
    """The client is gone: sending the response fails."""


async def _post_uten_svar(litestar: Litestar, url: str, headers: dict[str, str],
                          body: dict[str, Any]) -> None:
    data = orjson.dumps(body)
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": url, "raw_path": url.encode(), "root_path": "",
        "query_string": b"", "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in
                    {**headers, "content-type": "application/json",
                     "content-length": str(len(data))}.items()],
    }
    mottatt = False

    async def receive() -> dict[str, Any]:
        nonlocal mottatt
        if not mottatt:
            mottatt = True
            return {"type": "http.request", "body": data, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        raise Brudd("connection reset by peer")

    await litestar(scope, receive, send)  # type: ignore[arg-type]


def test_connection_killed_after_commit_then_retry_gives_the_original_response(
        api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    url = f"/vedtak/{sak.vedtak}/revurderinger"
    headers = {**api.hode("lev"), "Idempotency-Key": "brudd-1"}
    foer = api.antall_hendelser()
    # Litestar reports the failed send as an exception "caught after response started"
    with pytest.raises((Brudd, LitestarException)):
        asyncio.run(_post_uten_svar(api.litestar, url, headers, ANMODNING))
    assert api.antall_hendelser() == foer + 1  # committed, though the client never heard
    retry = api.klient.post(url, json=ANMODNING, headers=headers)
    assert retry.status_code == 200 and retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["nye_hendelser"] == 1  # the first response, not a "nothing new"
    assert api.antall_hendelser() == foer + 1 and revurderinger(api, sak) == 1


@contextmanager
def _server(litestar: Litestar) -> Iterator[int]:
    server = uvicorn.Server(uvicorn.Config(litestar, host="127.0.0.1", port=0, log_level="error",
                                           lifespan="off"))
    traad = threading.Thread(target=server.run, daemon=True)
    traad.start()
    frist = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < frist, "server did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.should_exit = True
        traad.join(10)


def test_socket_closed_right_after_sending_then_retry_over_real_http(
        lag_app: Callable[..., BrukervalgApp], api_settings: ApiSettings,
        lag_api: Callable[..., Api]) -> None:
    api = lag_api(app=lag_app("sqlite"))
    sak = lag_sak(api, "15108695088")
    url = f"/vedtak/{sak.vedtak}/revurderinger"
    headers = {**api.hode("lev"), "Idempotency-Key": "socket-1"}
    foer = api.antall_hendelser()
    litestar = create_app(api.app, api_settings)
    with _server(litestar) as port:
        body = orjson.dumps(ANMODNING)
        hode = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        foresporsel = (f"POST {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n{hode}"
                       f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                       ).encode() + body
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(foresporsel)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        identitet = f"{UTSTEDER}|lev-1|leverandor|leverandor:2care"
        frist = time.monotonic() + 10
        while api.tables.hent_svar(identitet, "socket-1", datetime(2000, 1, 1, tzinfo=UTC)) \
                is None:  # the server committed, stored its answer, and found nobody to tell
            assert time.monotonic() < frist, "the write never arrived"
            time.sleep(0.02)
        assert api.antall_hendelser() == foer + 1
        retry = httpx.post(f"http://127.0.0.1:{port}{url}", json=ANMODNING, headers=headers)
    assert retry.status_code == 200, retry.text
    assert retry.json()["nye_hendelser"] == 1
    assert api.antall_hendelser() == foer + 1 and revurderinger(api, sak) == 1


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_concurrent_requests_with_the_same_key_record_once(
        store: str, lag_app: Callable[..., BrukervalgApp], api_settings: ApiSettings,
        lag_api: Callable[..., Api]) -> None:
    api = lag_api(app=lag_app(store))
    sak = lag_sak(api, "15108695088")
    url = f"/vedtak/{sak.vedtak}/revurderinger"
    headers = {**api.hode("lev"), "Idempotency-Key": "samtidig-1"}
    with _server(create_app(api.app, api_settings)) as port:
        svar: list[httpx.Response] = []
        start = threading.Barrier(8)

        def send() -> None:
            start.wait()
            svar.append(httpx.post(f"http://127.0.0.1:{port}{url}", json=ANMODNING,
                                   headers=headers, timeout=30))

        traader = [threading.Thread(target=send) for _ in range(8)]
        for t in traader:
            t.start()
        for t in traader:
            t.join()
    assert {r.status_code for r in svar} <= {200, 409}
    assert any(r.status_code == 200 for r in svar)
    assert revurderinger(api, sak) == 1


# --- the answer and the access-log entry are stored with the events, in one transaction --------

_AVVIS_BESOK = {
    "sqlite": ["""CREATE TRIGGER test_avvis_besok BEFORE INSERT ON tilgangslogg
                  WHEN NEW.handling = 'registrerBesok'
                  BEGIN SELECT RAISE(ABORT, 'tilgangsloggen er utilgjengelig'); END"""],
    "postgres": ["""CREATE FUNCTION test_avvis_besok() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.handling = 'registrerBesok' THEN
                      RAISE EXCEPTION 'tilgangsloggen er utilgjengelig'; END IF;
                    RETURN NEW; END $$""",
                 """CREATE TRIGGER test_avvis_besok BEFORE INSERT ON tilgangslogg
                    FOR EACH ROW EXECUTE FUNCTION test_avvis_besok()"""],
}
_TILLAT_BESOK = {"sqlite": ["DROP TRIGGER test_avvis_besok"],
                 "postgres": ["DROP TRIGGER test_avvis_besok ON tilgangslogg"]}


def _kjor(api: Api, setninger: list[str]) -> None:
    with api.tables.datastore.transaction(commit=True) as c:
        for setning in setninger:
            c.execute(setning)


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_no_event_is_stored_without_its_access_log_entry_and_answer(
        store: str, lag_app: Callable[..., BrukervalgApp], lag_api: Callable[..., Api]) -> None:
    """Normen: a write that cannot be logged is not recorded. The events, the log entry and the
    idempotent answer commit together: when the log refuses the entry, no event is stored."""
    api = lag_api(app=lag_app(store))
    sak = lag_sak(api, "15108695088")
    url = f"/leveranser/{sak.leveranse}/besok"
    besok = {"start": "2026-03-02T08:00:00+01:00", "slutt": "2026-03-02T08:45:00+01:00",
             "ansatt": "ans-1"}
    identitet = f"{UTSTEDER}|lev-1|leverandor|leverandor:2care"
    foer, logg_foer = api.antall_hendelser(), len(api.logg())
    _kjor(api, _AVVIS_BESOK[store])
    r = api.post("lev", url, besok, **{"Idempotency-Key": "logg-nede"})
    assert r.status_code >= 400  # refused by the log's constraint: a conflict or a server error
    assert api.antall_hendelser() == foer
    assert api.app.leveranse(sak.leveranse).besok == {}
    assert len(api.logg()) == logg_foer
    assert api.tables.hent_svar(identitet, "logg-nede", datetime(2000, 1, 1, tzinfo=UTC)) is None

    _kjor(api, _TILLAT_BESOK[store])
    r = api.post("lev", url, besok, **{"Idempotency-Key": "logg-nede"})
    assert r.status_code == 200, r.text
    assert r.json()["nye_hendelser"] == 1
    assert api.antall_hendelser() == foer + 1
    siste = api.logg()[-1]
    assert (siste.handling, siste.bruker_id, siste.utfall) == ("registrerBesok", sak.bruker, 200)
    lagret = api.tables.hent_svar(identitet, "logg-nede", datetime(2000, 1, 1, tzinfo=UTC))
    assert lagret is not None and lagret.body == r.content


def test_a_retry_that_would_now_be_refused_gets_the_first_answer(api: Api,
                                                                 saker: dict[str, Sak]) -> None:
    """The first attempt moved the version on, so the retry's If-Match is stale (412 for a new
    request); under the same key it is the same request, and gets the first answer."""
    sak = saker["frogner"]
    url = f"/vedtak/{sak.vedtak}/revurderinger"
    versjon = api.get("sb", f"/vedtak/{sak.vedtak}").headers["etag"]
    hoder = {"Idempotency-Key": "med-if-match", "If-Match": versjon}
    forste = api.post("lev", url, ANMODNING, **hoder)
    assert forste.status_code == 200, forste.text
    antall = api.antall_hendelser()
    andre = api.post("lev", url, ANMODNING, **hoder)
    assert (andre.status_code, andre.content) == (200, forste.content)
    assert andre.headers["idempotent-replayed"] == "true"
    assert api.post("lev", url, ANMODNING, **{"If-Match": versjon}).status_code == 412
    assert api.antall_hendelser() == antall and revurderinger(api, sak) == 1


def test_an_expired_key_may_be_used_again(api: Api, saker: dict[str, Sak]) -> None:
    """An answer older than the key's lifetime is forgotten: the key starts a new request."""
    sak = saker["frogner"]
    url = f"/vedtak/{sak.vedtak}/forlengelser"
    hode = {"Idempotency-Key": "gammel"}
    assert api.post("vm", url, {"ny_gyldig_til": "2027-06-30"}, **hode).status_code == 200
    with api.tables.datastore.transaction(commit=True) as c:  # the answer is now 30 days old
        c.execute("UPDATE http_idempotens SET opprettet = ? WHERE nokkel = 'gammel'",
                  ((datetime.now(UTC) - timedelta(days=30)).isoformat(),))
    ny = api.post("vm", url, {"ny_gyldig_til": "2027-12-31"}, **hode)
    assert ny.status_code == 200, ny.text
    assert "idempotent-replayed" not in ny.headers
    assert api.app.vedtak(sak.vedtak).gyldig_til == date(2027, 12, 31)
    igjen = api.post("vm", url, {"ny_gyldig_til": "2027-12-31"}, **hode)
    assert (igjen.content, igjen.headers["idempotent-replayed"]) == (ny.content, "true")
