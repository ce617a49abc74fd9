"""Several processes on one SQLite store take turns writing (``application/infrastructure/writer_lock.py``).

R26: whatever the number of writing processes, every event is stored once, with its link, in
one unbroken chain; and the access log and stored answers share the events' lock.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from application.app import BrukervalgApp, SamtidigEndring
from application.infrastructure.ledger import verify
from application.infrastructure.writer_lock import WriterLock, laasfil_for
from application.syntetisk import syntetisk_fodselsnummer, syntetiske_leveranser
from domain import kommandoer as k
from domain.begreper import Aktor, Rolle
from interfaces.http.api_tables import ApiTables, Tilgangsoppforing

SB = Aktor(person_id="sb", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
LEV = Aktor(person_id="lev", rolle=Rolle.LEVERANDOR, organisasjon="leverandor:2care")


def _env(sti: Path) -> dict[str, str]:
    return {"BRUKERVALG_STORE": "sqlite", "BRUKERVALG_SQLITE_PATH": str(sti)}


def _hold(sti: str, holder: multiprocessing.synchronize.Event,
          slipp: multiprocessing.synchronize.Event) -> None:
    laas = WriterLock(sti)
    with laas:
        holder.set()
        slipp.wait(20)


def test_the_writer_lock_is_held_by_one_process_at_a_time(tmp_path: Path) -> None:
    sti = str(tmp_path / "x.db-skrivelaas")
    ctx = multiprocessing.get_context("spawn")
    holder, slipp = ctx.Event(), ctx.Event()
    annen = ctx.Process(target=_hold, args=(sti, holder, slipp))
    annen.start()
    try:
        assert holder.wait(20)
        laas = WriterLock(sti)
        t0 = time.monotonic()
        assert laas.acquire(timeout=0.2) is False  # the other process holds it
        assert time.monotonic() - t0 >= 0.2
        assert laas.acquire(blocking=False) is False
        slipp.set()
        assert laas.acquire(timeout=10) is True  # released: ours now
        laas.release()
    finally:
        slipp.set()
        annen.join(20)
    # A process that dies holding it does not keep it: the kernel drops a dead process's lock.
    holder2, aldri = ctx.Event(), ctx.Event()
    doende = ctx.Process(target=_hold, args=(sti, holder2, aldri))
    doende.start()
    assert holder2.wait(20)
    doende.kill()
    doende.join(20)
    assert WriterLock(sti).acquire(timeout=5) is True


def test_an_sqlite_file_store_writes_under_the_shared_lock(tmp_path: Path) -> None:
    app = BrukervalgApp(env=_env(tmp_path / "s.db"))
    try:
        laas = app.recorder.datastore.pool._writer_lock  # type: ignore[attr-defined]  # noqa: SLF001
        assert isinstance(laas, WriterLock)
        assert laas.sti == laasfil_for(str(tmp_path / "s.db"))
        sidelager = ApiTables.for_app(app)  # creates its tables: a write
        # While another holder has it, a command waits and stores nothing yet.
        annen = WriterLock(laas.sti)
        assert annen.acquire(timeout=1)
        try:
            app.recorder.datastore.pool.pool_timeout = 0.3  # type: ignore[attr-defined]
            with pytest.raises(Exception, match="writer"):
                app.registrer_bruker(k.RegistrerBruker(
                    fodselsnummer=syntetisk_fodselsnummer(random.Random(1)), navn="Venter",
                    bydel="frogner"), SB)
            # The API's access log and stored answers write through the same pool, so the same
            # lock: their write waits too.
            assert sidelager.datastore is app.recorder.datastore
            with pytest.raises(Exception, match="writer"):
                sidelager.skriv([Tilgangsoppforing(
                    tidspunkt=datetime.now(UTC), person_id="sb", rolle="saksbehandler",
                    organisasjon="bydel:frogner", bruker_id=None, handling="les",
                    metode="GET", ressurs="/brukere", formaal="test", utfall=200)])
        finally:
            annen.release()
        assert app.recorder.max_notification_id() in (None, 0)
        assert sidelager.alle_oppforinger() == []
    finally:
        app.close()


def _skriv_besok(sti: str, leveranser: list[str], prosess: int, antall: int) -> int:
    app = BrukervalgApp(env=_env(Path(sti)))
    try:
        start = datetime(2025, 6, 2, 6, tzinfo=UTC) + timedelta(days=prosess * 40)
        konflikter = 0
        for i in range(antall):
            s = start + timedelta(minutes=37 * i)
            cmd = k.RegistrerBesok(leveranse_id=UUID(leveranser[i % len(leveranser)]), start=s,
                                   slutt=s + timedelta(minutes=30), ansatt=f"ans-{prosess}")
            while True:
                try:
                    app.registrer_besok(cmd, LEV)
                    break
                except SamtidigEndring:  # another process wrote the delivery first: as after a 409
                    konflikter += 1
        return konflikter
    finally:
        app.close()


def test_r26_two_processes_writing_at_once_keep_one_complete_chain(tmp_path: Path) -> None:
    sti = tmp_path / "to.db"
    app = BrukervalgApp(env=_env(sti))
    leveranser = [str(lev) for _, lev in syntetiske_leveranser(app, 4, random.Random(3))]
    foer = app.recorder.max_notification_id() or 0
    app.close()

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        pool.starmap(_skriv_besok, [(str(sti), leveranser, p, 60) for p in range(3)])

    app = BrukervalgApp(env=_env(sti))
    try:
        assert (app.recorder.max_notification_id() or 0) - foer == 180
        rapport = verify(app.recorder)
        assert rapport.ok, rapport.summary()
        assert rapport.count == foer + 180
        besok = sum(len(app.leveranse(UUID(x)).besok) for x in leveranser)
        assert besok == 180
    finally:
        app.close()


def test_a_writer_that_gets_no_connection_gives_the_lock_back(tmp_path: Path) -> None:
    """eventsourcing's pool would keep the writer lock when no connection can be had after it
    took the lock; shared between processes, that would stop every writer on the file."""
    from eventsourcing.persistence import ConnectionUnavailableError

    app = BrukervalgApp(env=_env(tmp_path / "g.db"))
    try:
        pool = app.recorder.datastore.pool  # type: ignore[attr-defined]
        laas = pool._writer_lock  # noqa: SLF001
        ekte = pool._get_connection  # noqa: SLF001

        def ingen(timeout: float = 0.0) -> Any:
            if pool._num_writers:  # noqa: SLF001  # a writer, after the pool took the lock
                raise ConnectionUnavailableError("ingen ledig forbindelse")
            return ekte(timeout)  # readers get theirs

        pool._get_connection = ingen  # noqa: SLF001
        cmd = k.RegistrerBruker(fodselsnummer=syntetisk_fodselsnummer(random.Random(2)),
                                navn="Uten forbindelse", bydel="frogner")
        with pytest.raises(ConnectionUnavailableError):
            app.registrer_bruker(cmd, SB)
        pool._get_connection = ekte  # noqa: SLF001

        annen = WriterLock(laas.sti)  # another process's view of the lock: free again
        assert annen.acquire(timeout=0.5) is True
        annen.release()
        assert app.registrer_bruker(cmd, SB).nye_hendelser > 0  # and this process writes
    finally:
        app.close()
