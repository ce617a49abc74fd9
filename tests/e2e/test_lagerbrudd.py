"""The store goes away: PostgreSQL stopped under write load, and a database that lost commits.

Each test runs its own durable PostgreSQL (fsync and synchronous_commit on: an acknowledged
commit survives the crash), so stopping it touches no other test.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from eventsourcing.persistence import OperationalError

from application.app import BrukervalgApp
from domain.kalender import OSLO
from interfaces.http.app import create_app
from interfaces.http.settings import ApiSettings
from tests.conftest import FNR
from tests.e2e.conftest import Api, lag_sak
from tests.e2e.test_idempotens import _server
from tests.pgserver import ThrowawayPostgres

TRAADER = 4
PER_TRAAD = 30  # visits per thread, each under its own Idempotency-Key
ANMODNING = {"anmodet_tid": "2026-03-02T08:00:00+01:00", "begrunnelse": "trenger mer hjelp"}


@pytest.fixture
def pg_egen() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres(durable=True).start()
    try:
        yield server
    finally:
        server.stop()


def _env(server: ThrowawayPostgres, navn: str) -> dict[str, str]:
    # A one-second wait for a pooled connection: a request during the outage answers in seconds.
    return {"BRUKERVALG_STORE": "postgres", **server.env(server.create_database(navn)),
            "POSTGRES_CONNECT_TIMEOUT": "1"}


def _besok(i: int, traad: int) -> dict[str, str]:
    start = datetime(2026, 2, 16, 7, tzinfo=OSLO) + timedelta(days=i // 3, hours=4 * (i % 3))
    return {"start": start.isoformat(), "slutt": (start + timedelta(minutes=30)).isoformat(),
            "ansatt": f"ans-{traad}"}


@pytest.mark.postgres
def test_postgres_stopped_under_write_load_503_then_retries_lose_and_duplicate_nothing(
        lag_app: Callable[..., BrukervalgApp], lag_api: Callable[..., Api],
        api_settings: ApiSettings, pg_egen: ThrowawayPostgres) -> None:
    env = _env(pg_egen, "avbrudd")
    api = lag_api(app=lag_app("memory", env=env))
    saker = [lag_sak(api, FNR[t]) for t in range(TRAADER)]
    utfall: collections.Counter[str] = collections.Counter()
    uten_retry_after = 0
    kvittert: dict[str, int] = {}
    laas = threading.Lock()
    nede = threading.Event()
    tid_503: list[float] = []
    oppe_igjen: list[float] = []
    etter: list[float] = []  # seconds from the restart to the first write answered 200

    def skriv(port: int, traad: int) -> None:
        nonlocal uten_retry_after
        url = f"http://127.0.0.1:{port}/leveranser/{saker[traad].leveranse}/besok"
        with httpx.Client(timeout=30) as klient:
            for i in range(PER_TRAAD):
                nokkel = f"besok-{traad}-{i}"
                while True:  # a client that retries until it has an answer, with the same key
                    t0 = time.monotonic()
                    try:
                        r = klient.post(url, json=_besok(i, traad), headers={
                            **api.hode("lev"), "Idempotency-Key": nokkel})
                    except httpx.TransportError:
                        with laas:
                            utfall["forbindelse brutt"] += 1
                        time.sleep(0.2)
                        continue
                    with laas:
                        utfall[str(r.status_code) + (
                            " (gjentatt)" if r.headers.get("idempotent-replayed") else "")] += 1
                        if r.status_code == 503:
                            tid_503.append(time.monotonic() - t0)
                            uten_retry_after += "retry-after" not in r.headers
                        elif oppe_igjen and r.status_code == 200 and not etter:
                            etter.append(time.monotonic() - oppe_igjen[0])
                    if r.status_code == 503:
                        time.sleep(0.3)  # shorter than Retry-After, to keep the test short
                        continue
                    kvittert[nokkel] = r.status_code
                    break
                if i == PER_TRAAD // 3 and traad == 0:
                    nede.set()  # load is flowing: stop the database now

    start = time.monotonic()
    with _server(create_app(api.app, api_settings)) as port:
        traader = [threading.Thread(target=skriv, args=(port, t)) for t in range(TRAADER)]
        for t in traader:
            t.start()
        assert nede.wait(30)
        pg_egen.crash()
        time.sleep(6)
        pg_egen.restart()
        oppe_igjen.append(time.monotonic())
        for t in traader:
            t.join(60)
        assert not any(t.is_alive() for t in traader), "the writers did not finish"
    varighet = time.monotonic() - start

    fersk = lag_app("memory", env=env)  # a new process's view: nothing buffered
    lagret = {s.leveranse: len(fersk.leveranse(s.leveranse).besok) for s in saker}
    tabell = fersk.recorder.events_table_name  # type: ignore[attr-defined]
    with fersk.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
        c.execute(f"SELECT originator_id, count(*) AS n FROM {tabell} "  # noqa: S608
                  "WHERE topic LIKE %s GROUP BY originator_id", ("%BesokUtfort%",))
        i_tabellen = {UUID(str(r["originator_id"])): int(r["n"]) for r in c.fetchall()}
    forsokt = TRAADER * PER_TRAAD
    tapt = sum(max(0, PER_TRAAD - lagret[s.leveranse]) for s in saker)
    doble = sum(max(0, lagret[s.leveranse] - PER_TRAAD) for s in saker)
    print(f"\noutage under load: {forsokt} writes, answers {dict(utfall)}, {tapt} lost, "
          f"{doble} duplicated; a 503 took at most {max(tid_503, default=0):.1f} s; first 200 "
          f"{etter[0] if etter else -1:.1f} s after the restart; {varighet:.1f} s in all")
    assert set(utfall) <= {"200", "200 (gjentatt)", "503", "forbindelse brutt"}, utfall
    assert utfall["503"] > 0, "the outage was never seen"
    # Loose bounds (a shared machine): an outage is answered, and left, within seconds.
    assert max(tid_503) < 15 and etter and etter[0] < 10
    assert uten_retry_after == 0
    assert len(kvittert) == forsokt and set(kvittert.values()) == {200}
    assert tapt == 0 and doble == 0
    assert i_tabellen == {s.leveranse: PER_TRAAD for s in saker}


@pytest.mark.postgres
def test_a_database_that_lost_commits_is_not_served_from_the_buffer(
        lag_app: Callable[..., BrukervalgApp], lag_api: Callable[..., Api],
        pg_egen: ThrowawayPostgres) -> None:
    """As after a failover to a replica that was behind: the newest commits are gone. The
    running server buffered them; after the reconnect it must serve what the store has."""
    env = _env(pg_egen, "tapt")
    api = lag_api(app=lag_app("memory", env=env))
    sak = lag_sak(api, FNR[0])
    tabell = api.app.recorder.events_table_name  # type: ignore[attr-defined]
    with api.app.recorder.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
        c.execute(f"SELECT max(notification_id) AS n FROM {tabell}")  # noqa: S608
        foer = int(c.fetchone()["n"])
    r = api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", ANMODNING)
    assert r.status_code == 200, r.text
    assert len(api.get("sb", f"/vedtak/{sak.vedtak}").json()["revurderinger"]) == 1

    def i_klagesaken() -> list[int]:  # the appeal timeline's versions of the vedtak
        r = api.get("kb", f"/brukere/{sak.bruker}/klagesak", formaal="klagebehandling")
        assert r.status_code == 200, r.text
        return [p["versjon"] for p in r.json()["tidslinje"] if p["aggregat_id"] == str(sak.vedtak)]

    assert i_klagesaken() == [1, 2]

    pg_egen.crash()
    pg_egen.restart()
    with pg_egen.admin(env["POSTGRES_DBNAME"]) as db:  # the commit is lost
        db.execute("SET session_replication_role = replica")  # past the ledger's triggers
        db.execute(f"DELETE FROM {tabell} WHERE notification_id > %s", (foer,))  # noqa: S608
    frist = time.monotonic() + 30
    while (r := api.get("sb", f"/vedtak/{sak.vedtak}")).status_code == 503:
        assert time.monotonic() < frist, "no reconnect"
        time.sleep(0.2)
    assert r.status_code == 200, r.text
    vedtak: dict[str, Any] = r.json()
    assert vedtak["revurderinger"] == []  # the lost fact is not served
    assert r.headers["etag"] == '"1"'
    assert i_klagesaken() == [1]  # nor by the appeal timeline's own cache
    # and the next command decides on what the store has: no gap in the versions
    r = api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", ANMODNING)
    assert r.status_code == 200 and r.json()["versjon"] == 2, r.text
    fersk = lag_app("memory", env=env)
    assert len(fersk.vedtak(sak.vedtak).revurderinger) == 1


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_write_committed_as_the_store_went_away_is_stored_once_under_its_key(
        lag_api: Callable[..., Api], store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commit went through, then the connection died before its acknowledgement reached the
    server, and the store stayed away: the caller got 503, not knowing whether it was stored.
    The retry under the same key gets the first answer, and the fact is there once."""
    api = lag_api(store)
    sak = lag_sak(api, FNR[0])
    ekte_insert, ekte_svar = api.app.recorder.insert_events, api.tables.hent_svar
    nede = {"ja": True, "lagret": 0}

    def insert(*args: Any, **kwargs: Any) -> Any:
        if nede["ja"]:
            if not nede["lagret"]:
                nede["lagret"] += 1
                ekte_insert(*args, **kwargs)  # committed ...
            raise OperationalError("server closed the connection unexpectedly")  # ... unheard
        return ekte_insert(*args, **kwargs)

    def hent_svar(*args: Any) -> Any:
        if nede["ja"]:
            raise OperationalError("connection refused")
        return ekte_svar(*args)

    monkeypatch.setattr(api.app.recorder, "insert_events", insert)
    monkeypatch.setattr(api.tables, "hent_svar", hent_svar)
    url = f"/vedtak/{sak.vedtak}/revurderinger"
    foer = api.antall_hendelser()
    r = api.post("lev", url, ANMODNING, **{"Idempotency-Key": "under-brudd"})
    assert r.status_code == 503 and r.headers["retry-after"], r.text
    assert nede["lagret"] == 1 and api.antall_hendelser() == foer + 1  # it was stored
    nede["ja"] = False
    r = api.post("lev", url, ANMODNING, **{"Idempotency-Key": "under-brudd"})
    assert r.status_code == 200 and r.headers["idempotent-replayed"] == "true", r.text
    assert r.json()["nye_hendelser"] == 1
    assert api.antall_hendelser() == foer + 1
    assert len(api.app.vedtak(sak.vedtak).revurderinger) == 1
    # the same key lets the server answer at once when only the acknowledgement was lost
    nede.update(ja=True, lagret=0)
    monkeypatch.setattr(api.tables, "hent_svar", ekte_svar)
    r = api.post("lev", url, ANMODNING, **{"Idempotency-Key": "andre"})
    assert r.status_code == 200 and r.headers["idempotent-replayed"] == "true", r.text
    assert len(api.app.vedtak(sak.vedtak).revurderinger) == 2
