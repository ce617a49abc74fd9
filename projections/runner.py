"""The tracking-view framework: read the notification log once, apply each event exactly once.

A projection owns its tables and one row in ``prj_sporing`` (its position in the application's
notification sequence). The runner reads notifications in batches with ``select_notifications``
(no subscription needed, so it works on SQLite, PostgreSQL and the in-memory store alike), decodes
each one once to a dict (``mapper.decode_state``: decrypted and upcast, no pydantic model), hands
it to every projection that wants its topic and has not yet seen it, and then, in the SAME
transaction, writes the projections' rows and moves their positions. A crash anywhere in a batch
rolls all of it back: on restart the batch is read again from the old position, so no event is
applied twice and none is skipped.

The write transaction takes the projections' lock before it reads their positions, so two
runners (two API processes, a CLI rebuild) serialise instead of applying the same event twice;
the position update is also a compare-and-set, as a second guard.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from pydantic import BaseModel

from projections.settings import ProjectionSettings
from projections.store import Cursor, Store

_Lesning = tuple[int, Sequence[Notification]]  # (head before the read, notifications)

Fremdrift = Callable[[int, int, float], None]
"""Progress callback: (position reached, head of the log, seconds so far)."""


class WriteBuffer:
    """The writes of a batch's event handlers, run together at the end of the batch.

    Handlers only write (they never read), so on PostgreSQL no event waits for a round trip:
    the statements run as ``executemany`` per SQL text in the batch's transaction. All INSERTs
    run before all UPDATEs, and statements with the same SQL text keep their arrival order. The
    projections are written so that this gives the rows arrival order would give: an INSERT
    never depends on an UPDATE of the same batch, and conflicting UPDATEs of one column share
    one SQL text.
    """

    def __init__(self) -> None:
        self._inn: dict[str, list[tuple[Any, ...]]] = {}
        self._andre: dict[str, list[tuple[Any, ...]]] = {}

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        gruppe = self._inn if sql.lstrip()[:6].upper() == "INSERT" else self._andre
        gruppe.setdefault(sql, []).append(tuple(params))

    def flush(self, cur: Cursor) -> None:
        for gruppe in (self._inn, self._andre):
            for sql, rader in gruppe.items():
                cur.executemany(sql, rader)


Behandler = Callable[[WriteBuffer, Any, Notification, dict[str, Any]], None]

SPORING_DDL = ("CREATE TABLE IF NOT EXISTS prj_sporing ("
               "projeksjon TEXT PRIMARY KEY, posisjon BIGINT NOT NULL, versjon TEXT NOT NULL)")


class ProjectionBehind(RuntimeError):
    """The stored rows were built by other code or settings: rebuild before reading them."""


class ConcurrentUpdate(RuntimeError):
    """Another runner moved the position while this batch ran; the batch was rolled back."""


class ProjectionFailed(RuntimeError):
    """Applying one event failed; the batch was rolled back and the position did not move."""

    def __init__(self, projeksjon: str, notification: Notification) -> None:
        super().__init__(f"{projeksjon}: kunne ikke bruke hendelse {notification.id} "
                         f"({notification.topic}, {notification.originator_id} "
                         f"v{notification.originator_version})")
        self.projeksjon = projeksjon
        self.notification_id = notification.id


class Projection(ABC):
    """A read model: its tables, the topics it reads, and what it does with each event.

    Subclasses set ``navn``, ``VERSJON`` (bump when the logic changes: stored rows are then
    refused until rebuilt), ``tabeller`` (for drop), ``ddl`` and ``konfigdeler`` (the settings
    that change stored rows), and return their handlers from ``behandlere()``.
    """

    navn: ClassVar[str]
    VERSJON: ClassVar[int]
    tabeller: ClassVar[tuple[str, ...]]
    ddl: ClassVar[tuple[str, ...]]
    konfigdeler: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: ProjectionSettings) -> None:
        self.settings = settings

    @property
    def versjon(self) -> str:
        return f"{self.VERSJON}:{self.settings.fingeravtrykk(*self.konfigdeler)}"

    @abstractmethod
    def behandlere(self) -> dict[str, Behandler]:
        """Topic -> handler(writer, batch state, notification, decoded event data)."""

    def ny_batch(self) -> Any:
        """Per-batch working state (thrown away if the batch fails)."""
        return None

    def skriv_batch(self, cur: Cursor, batch: Any) -> None:  # noqa: B027
        """Write what the batch accumulated, in the batch's transaction."""

    def etterarbeid(self, store: Store) -> None:  # noqa: B027
        """After catching up: derived rows that are cheaper to compute once (idempotent)."""


@dataclass(frozen=True)
class RunResult:
    hendelser: int
    sekunder: float
    posisjon: int

    @property
    def per_sekund(self) -> float:
        return self.hendelser / self.sekunder if self.sekunder > 0 else float("inf")


def _ingen_fremdrift(posisjon: int, hode: int, sekunder: float) -> None:
    return None


class ProjectionRun:
    """Runs a set of projections of one application against one store."""

    def __init__(self, app: Application[Any], store: Store, projeksjoner: Sequence[Projection],
                 batchstorrelse: int = 10_000) -> None:
        self.app = app
        self.store = store
        self.projeksjoner = list(projeksjoner)
        self.batchstorrelse = batchstorrelse
        decode_state = getattr(app.mapper, "decode_state", None)
        self._dekod: Callable[[Notification], dict[str, Any]] = decode_state or (
            lambda n: cast(BaseModel, app.mapper.to_domain_event(n)).model_dump(mode="json"))
        self._opprettet = False

    # --- tables and positions ---------------------------------------------------------------

    def opprett(self) -> None:
        """Create missing tables and tracking rows; refuse rows built by other code/settings."""
        if self._opprettet:
            return
        with self.store.write(ddl=True) as cur:
            cur.execute(SPORING_DDL)
            for p in self.projeksjoner:
                for ddl in p.ddl:
                    cur.execute(ddl)
                cur.execute("INSERT INTO prj_sporing (projeksjon, posisjon, versjon) "
                            "VALUES (?, 0, ?) ON CONFLICT (projeksjon) DO NOTHING",
                            (p.navn, p.versjon))
            lagret = dict(cur.execute("SELECT projeksjon, versjon FROM prj_sporing").fetchall())
        for p in self.projeksjoner:
            if lagret.get(p.navn) != p.versjon:
                raise ProjectionBehind(
                    f"projeksjonen {p.navn} ble bygd av versjon {lagret.get(p.navn)}, koden og "
                    f"innstillingene er {p.versjon}: kjør `brukervalg projeksjoner gjenoppbygg`")
        self._opprettet = True

    def posisjoner(self) -> dict[str, int]:
        self.opprett()
        with self.store.read() as cur:
            rader = cur.execute("SELECT projeksjon, posisjon FROM prj_sporing").fetchall()
        navn = {p.navn for p in self.projeksjoner}
        return {k: v for k, v in rader if k in navn}

    def slett(self, projeksjoner: Sequence[Projection]) -> None:
        """Drop the projections' tables and positions (one transaction)."""
        with self.store.write(ddl=True) as cur:
            cur.execute(SPORING_DDL)
            for p in projeksjoner:
                for tabell in p.tabeller:
                    cur.execute(f"DROP TABLE IF EXISTS {tabell}")
                cur.execute("DELETE FROM prj_sporing WHERE projeksjon = ?", (p.navn,))
        self._opprettet = False

    # --- catching up ------------------------------------------------------------------------

    def oppdater(self, fremdrift: Fremdrift | None = None) -> RunResult:
        """Apply every new event, batch by batch, then run each projection's after-work.

        While a batch is applied, the next one is already being read in a second thread (the
        database's answer and the driver's I/O overlap with the projections' work). The read
        ahead is used only if the positions are still where it started; otherwise it is
        discarded and read again under the lock.
        """
        self.opprett()
        fremdrift = fremdrift or _ingen_fremdrift
        behandlere: dict[str, list[tuple[Projection, Behandler]]] = {}
        for p in self.projeksjoner:
            for topic, h in p.behandlere().items():
                behandlere.setdefault(topic, []).append((p, h))
        emner = sorted(behandlere)
        start = time.perf_counter()
        antall = 0
        hode = self.app.recorder.max_notification_id() or 0
        posisjon = min(self.posisjoner().values(), default=0)
        fremdrift(posisjon, hode, 0.0)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="projeksjoner-les") as leser:
            forhand: tuple[int, Future[_Lesning]] | None = None
            while True:
                lest, posisjon, hode, forhand = self._en_batch(behandlere, emner, leser, forhand)
                antall += lest
                fremdrift(posisjon, hode, time.perf_counter() - start)
                if lest < self.batchstorrelse:
                    break
            if forhand is not None:
                forhand[1].cancel()
        for p in self.projeksjoner:
            p.etterarbeid(self.store)
        sekunder = time.perf_counter() - start
        fremdrift(posisjon, posisjon, sekunder)
        return RunResult(antall, sekunder, posisjon)

    def _les(self, fra: int, emner: list[str]) -> _Lesning:
        """Read a batch (in the read-ahead thread). Decoding stays in the main thread: moved
        here it made the whole slower (measured), the two threads sharing one interpreter."""
        recorder = self.app.recorder
        # Every notification up to the head read first is committed (inserts are serialised
        # and commit in id order), so a short read means nothing relevant lies below it.
        hode = recorder.max_notification_id() or 0
        return hode, recorder.select_notifications(fra, self.batchstorrelse, topics=emner)

    def _en_batch(self, behandlere: dict[str, list[tuple[Projection, Behandler]]],
                  emner: list[str], leser: ThreadPoolExecutor,
                  forhand: tuple[int, Future[_Lesning]] | None,
                  ) -> tuple[int, int, int, tuple[int, Future[_Lesning]] | None]:
        """One transaction: lock, read positions, read and apply a batch, move the positions."""
        navn = [p.navn for p in self.projeksjoner]
        with self.store.write(locks=navn) as cur:
            plassholdere = ",".join("?" * len(navn))
            pos: dict[str, int] = dict(cur.execute(
                f"SELECT projeksjon, posisjon FROM prj_sporing WHERE projeksjon IN ({plassholdere})",
                navn).fetchall())
            fra = min(pos.values())
            if forhand is not None and forhand[0] == fra + 1:
                hode, lest = forhand[1].result()
            else:
                if forhand is not None:
                    forhand[1].cancel()
                hode, lest = self._les(fra + 1, emner)
            neste = None
            if len(lest) == self.batchstorrelse:
                neste_fra = lest[-1].id + 1
                neste = (neste_fra, leser.submit(self._les, neste_fra, emner))
            batcher = {p.navn: p.ny_batch() for p in self.projeksjoner}
            buffer = WriteBuffer()
            # Per topic: (handler, its batch state, its position, name), bound once per batch.
            bundet = {topic: [(h, batcher[p.navn], pos[p.navn], p.navn) for p, h in liste]
                      for topic, liste in behandlere.items()}
            dekod = self._dekod
            hvem = ""
            n = None
            try:
                for n in lest:
                    mottakere = bundet.get(n.topic)
                    if mottakere is None:
                        continue
                    hvem = "(dekoding)"
                    data = dekod(n)
                    for h, batch, fra_pos, navn_p in mottakere:
                        if n.id > fra_pos:
                            hvem = navn_p
                            h(buffer, batch, n, data)
            except Exception as e:
                if n is None:
                    raise
                raise ProjectionFailed(hvem, n) from e
            buffer.flush(cur)
            siste = lest[-1].id if lest else fra
            if len(lest) < self.batchstorrelse:
                siste = max(siste, hode)
            for p in self.projeksjoner:
                p.skriv_batch(cur, batcher[p.navn])
                ny = max(siste, pos[p.navn])
                if ny == pos[p.navn]:
                    continue
                flyttet = cur.execute("UPDATE prj_sporing SET posisjon = ? WHERE projeksjon = ? "
                                      "AND posisjon = ? RETURNING projeksjon",
                                      (ny, p.navn, pos[p.navn])).fetchone()
                if flyttet is None:
                    raise ConcurrentUpdate(
                        f"{p.navn}: posisjonen ble flyttet av en annen kjøring")
            return len(lest), siste, max(hode, siste), neste

    def vent(self, posisjon: int, tidsavbrudd: float = 5.0) -> None:
        """Catch up until every projection has applied ``posisjon`` (for tests and the API)."""
        frist = time.monotonic() + tidsavbrudd
        while min(self.posisjoner().values(), default=0) < posisjon:
            if self.oppdater().hendelser == 0:
                if time.monotonic() > frist:
                    raise TimeoutError(f"projeksjonene nådde ikke posisjon {posisjon}")
                time.sleep(0.05)


class ProgressToStderr:
    """The projections' progress (position, head, seconds) on the one progress bar of the
    commands (``application/fremdrift.py``): counts the log positions gone through since the
    first call, so its last figure is the one the command's summary prints (``lukk()``)."""

    def __init__(self, strom: Any = None) -> None:
        from application.fremdrift import Fremdriftslinje

        self._linje = Fremdriftslinje("lesemodellene", "hendelser", strom)
        self._fra: int | None = None

    def __call__(self, posisjon: int, hode: int, sekunder: float) -> None:
        if self._fra is None:
            self._fra = posisjon
        self._linje(posisjon - self._fra, hode - self._fra)

    def lukk(self) -> int:
        """End the bar's line (once); the number of log positions it counted."""
        return self._linje.lukk()
