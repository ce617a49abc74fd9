"""The API's own tables, in the same database as the events: idempotency keys and the access log.

- ``http_idempotens``: the first successful response to each (identity, Idempotency-Key), so a
  retried request is answered with it, also after a restart. An answer holds personal data
  (names, fødselsnummer), so with the store's AES key it is stored encrypted like the events.
- ``tilgangslogg``: one row per read or write touching a bruker's personal data (Normen). The
  database itself refuses UPDATE, DELETE (and TRUNCATE on PostgreSQL) on it: append only.

SQLite shares the application's own connection pool (and so its in-process writer lock);
PostgreSQL gets a small pool of its own on the same database; the memory store a private
in-memory SQLite database.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from eventsourcing.cipher import Cipher
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from application.app import BrukervalgApp
from application.infrastructure.ledger.retries import reconnect_promptly

# The methods of the operations that read or write personal data (the only ones logged: a
# request with another method is answered by the router, before any handler logs it).
Metode = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


def metode(verdi: str) -> Metode:
    """A request's method as the access log records it."""
    match verdi:
        case "GET" | "POST" | "PUT" | "PATCH" | "DELETE":
            return verdi
    raise ValueError(f"metoden {verdi!r} har ingen operasjon som logges")


# (Alike in shape only to other frozen dataclasses, e.g. application.referansedata.Leverandor.)
@dataclass(frozen=True)
class Tilgangsoppforing:
    """One access to a bruker's personal data: who, in which role and organisation, what, why."""

    tidspunkt: datetime
    person_id: str
    rolle: str
    organisasjon: str
    bruker_id: UUID | None
    handling: str
    metode: Metode
    ressurs: str
    formaal: str | None
    utfall: int


# (Alike in shape only to other frozen dataclasses, e.g. projections.gjeldende_leverandor.Caseload.)
@dataclass(frozen=True)
class LagretSvar:
    """A response remembered for an idempotency key."""

    fingeravtrykk: str
    status: int
    body: bytes
    hoder: dict[str, str]


KRYPTERT = b"\x00aes:"
"""Prefix of an encrypted stored answer (a JSON answer never starts with a NUL byte), so
answers stored before the store had a key are still read."""


_SQLITE_DDL = [
    """CREATE TABLE IF NOT EXISTS http_idempotens (
        identitet TEXT NOT NULL, nokkel TEXT NOT NULL, fingeravtrykk TEXT NOT NULL,
        status INTEGER NOT NULL, body BLOB NOT NULL, hoder TEXT NOT NULL,
        opprettet TEXT NOT NULL, PRIMARY KEY (identitet, nokkel))""",
    """CREATE TABLE IF NOT EXISTS tilgangslogg (
        id INTEGER PRIMARY KEY AUTOINCREMENT, tidspunkt TEXT NOT NULL, person_id TEXT NOT NULL,
        rolle TEXT NOT NULL, organisasjon TEXT NOT NULL, bruker_id TEXT, handling TEXT NOT NULL,
        metode TEXT NOT NULL, ressurs TEXT NOT NULL, formaal TEXT, utfall INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tilgangslogg_bruker ON tilgangslogg (bruker_id, id)",
    """CREATE TRIGGER IF NOT EXISTS tilgangslogg_ingen_endring BEFORE UPDATE ON tilgangslogg
       BEGIN SELECT RAISE(ABORT, 'tilgangsloggen kan ikke endres'); END""",
    """CREATE TRIGGER IF NOT EXISTS tilgangslogg_ingen_sletting BEFORE DELETE ON tilgangslogg
       BEGIN SELECT RAISE(ABORT, 'tilgangsloggen kan ikke endres'); END""",
]

_POSTGRES_DDL = [
    """CREATE TABLE IF NOT EXISTS {s}.http_idempotens (
        identitet text NOT NULL, nokkel text NOT NULL, fingeravtrykk text NOT NULL,
        status integer NOT NULL, body bytea NOT NULL, hoder text NOT NULL,
        opprettet timestamptz NOT NULL, PRIMARY KEY (identitet, nokkel))""",
    """CREATE TABLE IF NOT EXISTS {s}.tilgangslogg (
        id bigserial PRIMARY KEY, tidspunkt timestamptz NOT NULL, person_id text NOT NULL,
        rolle text NOT NULL, organisasjon text NOT NULL, bruker_id uuid, handling text NOT NULL,
        metode text NOT NULL, ressurs text NOT NULL, formaal text, utfall integer NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tilgangslogg_bruker ON {s}.tilgangslogg (bruker_id, id)",
    """CREATE OR REPLACE FUNCTION {s}.tilgangslogg_uforanderlig() RETURNS trigger
       LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'tilgangsloggen kan ikke endres'; END $$""",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'tilgangslogg_ingen_endring') THEN
           CREATE TRIGGER tilgangslogg_ingen_endring BEFORE UPDATE OR DELETE ON {s}.tilgangslogg
             FOR EACH ROW EXECUTE FUNCTION {s}.tilgangslogg_uforanderlig();
           CREATE TRIGGER tilgangslogg_ingen_tomming BEFORE TRUNCATE ON {s}.tilgangslogg
             FOR EACH STATEMENT EXECUTE FUNCTION {s}.tilgangslogg_uforanderlig();
         END IF; END $$""",
]


class SqliteForbindelse:
    """One SQLite connection of our own, used by one thread at a time.

    Cheaper per statement than a pool; SQLite has one writer anyway, and its busy timeout makes
    our writes wait for the application's (and the other way round).
    """

    def __init__(self, sti: str) -> None:
        self._conn = sqlite3.connect(sti, check_same_thread=False, isolation_level=None,
                                     timeout=10, uri=sti.startswith("file:"))
        self._conn.row_factory = sqlite3.Row
        if not sti.startswith(":memory:") and "mode=memory" not in sti:
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._laas = threading.Lock()

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[sqlite3.Cursor]:
        with self._laas:
            cur = self._conn.cursor()
            if not commit:
                yield cur
                return
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                self._conn.rollback()
                raise
            self._conn.commit()

    def close(self) -> None:
        self._conn.close()


class ApiTables:
    """Idempotency keys and the access log, stored next to the events."""

    def __init__(self, datastore: SQLiteDatastore | SqliteForbindelse | PostgresDatastore, *,
                 eier: bool = True, cipher: Cipher | None = None) -> None:
        self.datastore = datastore
        self._eier = eier
        self._cipher = cipher
        self.postgres = isinstance(datastore, PostgresDatastore)
        self._s = f'"{datastore.schema}"' if isinstance(datastore, PostgresDatastore) else ""
        self._ph = "%s" if self.postgres else "?"
        self._sett_inn_svar = self._sql(
            "INSERT INTO {s}.http_idempotens (identitet, nokkel, fingeravtrykk, status, body, "
            "hoder, opprettet) VALUES (?, ?, ?, ?, ?, ?, ?)")
        self._sett_inn_logg = self._sql(
            "INSERT INTO {s}.tilgangslogg (tidspunkt, person_id, rolle, organisasjon, "
            "bruker_id, handling, metode, ressurs, formaal, utfall) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        self.opprett_tabeller()

    @classmethod
    def for_app(cls, app: BrukervalgApp) -> ApiTables:
        """The side tables for the store the application uses."""
        datastore = getattr(app.recorder, "datastore", None)
        if isinstance(datastore, SQLiteDatastore):
            # The application's own pool: its writer lock orders our writes and the events'
            # in-process, instead of both waiting on SQLite's file lock (which sleeps and retries).
            return cls(datastore, eier=False, cipher=app.mapper.cipher)
        if isinstance(datastore, PostgresDatastore):
            env = app.env
            egen = PostgresDatastore(
                dbname=env.get("POSTGRES_DBNAME", ""), host=env.get("POSTGRES_HOST", ""),
                port=env.get("POSTGRES_PORT", "5432"), user=env.get("POSTGRES_USER", ""),
                password=env.get("POSTGRES_PASSWORD", ""),
                schema=env.get("POSTGRES_SCHEMA", ""),
                connect_timeout=float(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
                pool_size=int(env.get("BRUKERVALG_HTTP_POOL_SIZE", "4")), max_overflow=4,
                max_waiting=64)
            reconnect_promptly(egen)
            return cls(egen, cipher=app.mapper.cipher)
        return cls(SqliteForbindelse(":memory:"))

    def close(self) -> None:
        if self._eier:
            self.datastore.close()

    @contextmanager
    def _tx(self, commit: bool) -> Iterator[Any]:
        with self.datastore.transaction(commit=commit) as c:
            yield c

    def _sql(self, sql: str) -> str:
        sql = sql.replace("{s}.", f"{self._s}." if self._s else "")
        return sql.replace("?", self._ph)

    def opprett_tabeller(self) -> None:
        ddl = _POSTGRES_DDL if self.postgres else _SQLITE_DDL
        with self._tx(commit=True) as c:
            if self.postgres:  # one creator at a time when several servers start together
                c.execute("SELECT pg_advisory_xact_lock(4711004)")
            for setning in ddl:
                c.execute(setning.replace("{s}", self._s) if self.postgres else setning)

    # --- idempotency --------------------------------------------------------------------------

    def _forsegl(self, body: bytes) -> bytes:
        return KRYPTERT + self._cipher.encrypt(body) if self._cipher else body

    def _svar(self, rad: Any) -> LagretSvar:
        body = bytes(rad["body"])
        if body.startswith(KRYPTERT):
            if self._cipher is None:
                raise ValueError("et kryptert lagret svar, men lageret er åpnet uten nøkkel")
            body = self._cipher.decrypt(body[len(KRYPTERT):])
        return LagretSvar(rad["fingeravtrykk"], int(rad["status"]), body, json.loads(rad["hoder"]))

    def hent_svar(self, identitet: str, nokkel: str, ikke_eldre_enn: datetime) -> LagretSvar | None:
        with self._tx(commit=False) as c:
            c.execute(self._sql("SELECT fingeravtrykk, status, body, hoder, opprettet "
                                "FROM {s}.http_idempotens WHERE identitet = ? AND nokkel = ?"),
                      (identitet, nokkel))
            rad = c.fetchone()
        if rad is None:
            return None
        opprettet = rad["opprettet"]
        if isinstance(opprettet, str):
            opprettet = datetime.fromisoformat(opprettet)
        if opprettet < ikke_eldre_enn:
            return None
        return self._svar(rad)

    def skriv(self, logg: list[Tilgangsoppforing], identitet: str | None = None,
              nokkel: str | None = None, svar: LagretSvar | None = None) -> LagretSvar | None:
        """Append access-log rows and remember a response, in one transaction.

        Returns the response already stored under the key if another request got there first
        (the caller then answers with that one).
        """
        naa = datetime.now(UTC)
        with self._tx(commit=True) as c:
            tidligere: LagretSvar | None = None
            if svar is not None and identitet is not None and nokkel is not None:
                tid: Any = naa if self.postgres else naa.isoformat()
                c.execute(self._sql(
                    "INSERT INTO {s}.http_idempotens (identitet, nokkel, fingeravtrykk, status, "
                    "body, hoder, opprettet) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (identitet, nokkel) DO NOTHING"),
                    (identitet, nokkel, svar.fingeravtrykk, svar.status,
                     self._forsegl(svar.body), json.dumps(svar.hoder), tid))
                if self._endret(c) == 0:
                    c.execute(self._sql("SELECT fingeravtrykk, status, body, hoder FROM "
                                        "{s}.http_idempotens WHERE identitet = ? AND nokkel = ?"),
                              (identitet, nokkel))
                    rad = c.fetchone()
                    tidligere = self._svar(rad)
            if logg:
                c.executemany(self._sett_inn_logg, [self._loggrad(o) for o in logg])
        return tidligere

    def skriver(self, logg: list[Tilgangsoppforing], identitet: str | None = None,
                nokkel: str | None = None, svar: LagretSvar | None = None
                ) -> Callable[[Any], None]:
        """The same rows as ``skriv``, written by the caller with another transaction's cursor.

        Used to store them with a write's events (``interfaces/http/siderader.py``): one commit.
        The answer is inserted without ON CONFLICT: if a concurrent request stored an answer
        under the same key first, the whole transaction, events included, fails and nothing of
        this request is stored (the caller then answers with the stored one).
        """
        naa = datetime.now(UTC)
        idempotens: tuple[Any, ...] | None = None
        if svar is not None and identitet is not None and nokkel is not None:
            idempotens = (identitet, nokkel, svar.fingeravtrykk, svar.status,
                          self._forsegl(svar.body), json.dumps(svar.hoder),
                          naa if self.postgres else naa.isoformat())
        rader = [self._loggrad(o) for o in logg]
        sett_inn_svar, sett_inn_logg = self._sett_inn_svar, self._sett_inn_logg

        def skriv(cursor: Any) -> None:
            if idempotens is not None:
                cursor.execute(sett_inn_svar, idempotens)
            if rader:
                cursor.executemany(sett_inn_logg, rader)

        return skriv

    def _loggrad(self, o: Tilgangsoppforing) -> tuple[Any, ...]:
        tid: Any = o.tidspunkt if self.postgres else o.tidspunkt.isoformat()
        bruker: Any = o.bruker_id if self.postgres or o.bruker_id is None else str(o.bruker_id)
        return (tid, o.person_id, o.rolle, o.organisasjon, bruker, o.handling, o.metode,
                o.ressurs, o.formaal, o.utfall)

    def _endret(self, c: Any) -> int:
        """Rows changed by the last statement (psycopg cursor, or eventsourcing's SQLite one)."""
        return int(getattr(c, "sqlite_cursor", c).rowcount)

    def rydd_nokkel(self, identitet: str, nokkel: str, eldre_enn: datetime) -> bool:
        """Forget one expired answer, so its key may be used again. True if there was one."""
        with self._tx(commit=True) as c:
            c.execute(self._sql("DELETE FROM {s}.http_idempotens WHERE identitet = ? AND "
                                "nokkel = ? AND opprettet < ?"),
                      (identitet, nokkel, eldre_enn if self.postgres else eldre_enn.isoformat()))
            return self._endret(c) > 0

    def rydd_idempotens(self, eldre_enn: timedelta) -> None:
        grense = datetime.now(UTC) - eldre_enn
        with self._tx(commit=True) as c:
            c.execute(self._sql("DELETE FROM {s}.http_idempotens WHERE opprettet < ?"),
                      (grense if self.postgres else grense.isoformat(),))

    # --- the access log -----------------------------------------------------------------------

    def tilgangslogg(self, bruker_id: UUID, fra: int, antall: int
                     ) -> tuple[list[Tilgangsoppforing], int]:
        """A bruker's access log, oldest first: a page, and how many entries there are in all."""
        nokkel: Any = bruker_id if self.postgres else str(bruker_id)
        with self._tx(commit=False) as c:
            c.execute(self._sql("SELECT count(*) AS n FROM {s}.tilgangslogg WHERE bruker_id = ?"),
                      (nokkel,))
            totalt = int(c.fetchone()["n"])
            c.execute(self._sql(
                "SELECT tidspunkt, person_id, rolle, organisasjon, bruker_id, handling, metode, "
                "ressurs, formaal, utfall FROM {s}.tilgangslogg WHERE bruker_id = ? "
                "ORDER BY id LIMIT ? OFFSET ?"), (nokkel, antall, fra))
            rader = c.fetchall()
        return [self._fra_rad(r) for r in rader], totalt

    def alle_oppforinger(self) -> list[Tilgangsoppforing]:
        """Every entry, oldest first (for tests and audits of a small store)."""
        with self._tx(commit=False) as c:
            c.execute(self._sql(
                "SELECT tidspunkt, person_id, rolle, organisasjon, bruker_id, handling, metode, "
                "ressurs, formaal, utfall FROM {s}.tilgangslogg ORDER BY id"))
            return [self._fra_rad(r) for r in c.fetchall()]

    @staticmethod
    def _fra_rad(r: Any) -> Tilgangsoppforing:
        tid = r["tidspunkt"]
        tid = datetime.fromisoformat(tid) if isinstance(tid, str) else tid
        bruker = r["bruker_id"]
        bruker = UUID(str(bruker)) if bruker is not None else None
        return Tilgangsoppforing(tid, r["person_id"], r["rolle"], r["organisasjon"], bruker,
                                 r["handling"], r["metode"], r["ressurs"], r["formaal"],
                                 int(r["utfall"]))


