"""The decoded-event buffer: a command reads only an aggregate's new events, and is never stale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta

import pytest

from application.app import BrukervalgApp
from application.infrastructure.event_buffer import EventBuffer
from domain import kommandoer as k
from domain import leveranse as l_mod
from domain.kalender import OSLO
from domain.leveranse.persistent import PersistentMap
from tests.conftest import KOMMUNAL
from tests.integration.conftest import Sak, lag_sak

START = datetime(2026, 3, 2, 8, tzinfo=OSLO)


def besok(app: BrukervalgApp, sak: Sak, i: int) -> None:
    s = START + timedelta(hours=12 * i)
    app.registrer_besok(k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=s,
                                         slutt=s + timedelta(minutes=30), ansatt="a-1"), KOMMUNAL)


def fersk(app: BrukervalgApp, sak: Sak) -> l_mod.Leveranse:
    """The delivery rebuilt from every stored event, without the buffer."""
    return app.repository.get(sak.leveranse_id, projector_func=l_mod.projiser)


def test_writes_by_another_process_are_seen(lag_app: Callable[..., BrukervalgApp],
                                            store: str) -> None:
    """Two application instances on one store (as two server processes): each command sees the
    other's facts, because the buffer reads every event newer than what it holds."""
    a = lag_app(store)
    sak = lag_sak(a)
    env = {key: v for key, v in a.env.items() if key.startswith(("POSTGRES_", "SQLITE_"))}
    b = lag_app(store, env={"BRUKERVALG_STORE": store, **env,
                            **({"BRUKERVALG_SQLITE_PATH": a.env["SQLITE_DBNAME"]}
                               if store == "sqlite" else {})})
    besok(a, sak, 0)
    assert len(b.leveranse(sak.leveranse_id).besok) == 1  # b reads and keeps 4 events
    besok(a, sak, 1)
    besok(a, sak, 2)
    lev = b.leveranse(sak.leveranse_id)
    assert len(lev.besok) == 3 and lev.version == fersk(a, sak).version
    besok(b, sak, 3)  # b decides on the current state: no conflict, nothing lost
    assert len(a.leveranse(sak.leveranse_id).besok) == 4


def test_the_state_is_built_fresh_every_time(app: BrukervalgApp, sak: Sak) -> None:
    besok(app, sak, 0)
    forste = app.leveranse(sak.leveranse_id)
    with pytest.raises(FrozenInstanceError):  # no caller can change what the next one decides on
        forste.besok = PersistentMap()
    assert not hasattr(forste.besok, "clear") and not hasattr(forste.besok, "__setitem__")
    andre = app.leveranse(sak.leveranse_id)
    assert len(andre.besok) == 1 and andre is not forste
    assert andre.besok == fersk(app, sak).besok


def test_the_buffer_is_bounded_and_results_do_not_depend_on_it(app: BrukervalgApp) -> None:
    saker = [lag_sak(app, fnr=f) for f in ("15108695088", "01014012369", "12053845655")]
    liten = EventBuffer(app.events, maks_hendelser=12)
    for i, sak in enumerate(saker):
        for j in range(3):
            besok(app, sak, 10 * i + j)
        assert len(liten.hent(sak.leveranse_id)) == len(list(app.events.get(sak.leveranse_id)))
        assert liten.antall_hendelser <= 12
    for j in range(3, 20):  # one delivery outgrows the bound: read in full, not kept
        besok(app, saker[0], j)
    assert len(liten.hent(saker[0].leveranse_id)) == len(list(app.events.get(saker[0].leveranse_id)))
    assert liten.antall_hendelser <= 12
    assert app.leveranse(saker[0].leveranse_id).besok == fersk(app, saker[0]).besok


class Tellende:
    """The application's event store, counting the events each read returns."""

    def __init__(self, events: object) -> None:
        self.events, self.lest = events, 0

    def get(self, ident: object, **kw: object) -> list[object]:
        ut = list(self.events.get(ident, **kw))  # type: ignore[attr-defined]
        self.lest += len(ut)
        return ut


def test_each_use_reads_the_last_known_event_and_what_is_newer(app: BrukervalgApp,
                                                                sak: Sak) -> None:
    tellende = Tellende(app.events)
    buffer = EventBuffer(tellende)
    alle = len(buffer.hent(sak.leveranse_id))
    assert tellende.lest == alle
    besok(app, sak, 0)
    assert len(buffer.hent(sak.leveranse_id)) == alle + 1
    assert tellende.lest == alle + 2  # the one it had (checked), and the new one
    buffer.hent(sak.leveranse_id)
    assert tellende.lest == alle + 3


class TaptCommit:
    """A store that can lose its newest events (a failover to a replica that was behind)."""

    def __init__(self, hendelser: list[object]) -> None:
        self.hendelser = hendelser

    def get(self, ident: object, gt: int | None = None) -> list[object]:
        return [e for e in self.hendelser
                if gt is None or e.originator_version > gt]  # type: ignore[attr-defined]


def test_events_the_store_lost_are_not_served_and_a_replacement_is_seen(
        app: BrukervalgApp, sak: Sak) -> None:
    for i in range(3):
        besok(app, sak, i)
    ekte = list(app.events.get(sak.leveranse_id))
    lager = TaptCommit(list(ekte))
    buffer = EventBuffer(lager)
    assert buffer.hent(sak.leveranse_id) == tuple(ekte)
    del lager.hendelser[-2:]  # the two newest commits are gone
    assert buffer.hent(sak.leveranse_id) == tuple(ekte[:-2])
    # a new fact takes a lost version: the buffer serves the store's, not its own
    ny = ekte[-2].model_copy(update={"timestamp": ekte[-2].timestamp + timedelta(seconds=1)})
    lager.hendelser.append(ny)
    assert buffer.hent(sak.leveranse_id) == (*ekte[:-2], ny)
    lager.hendelser.clear()  # the aggregate itself is lost
    assert buffer.hent(sak.leveranse_id) == ()
