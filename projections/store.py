"""Where the projections keep their tables: PostgreSQL (same database as the events) or SQLite.

One small interface over both, so every projection writes the same SQL:

- placeholders are written ``?`` and turned into ``%s`` for psycopg;
- only TEXT and BIGINT columns: dates are ISO text (which sorts as dates), instants are ISO text
  in UTC with microseconds (which sorts as instants), amounts are exact fractions as text;
- ``write()`` is one write transaction that holds the projections' lock from its first statement
  (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``SELECT ... FOR UPDATE`` on the tracking rows), so two
  runners never apply the same event, and a batch's rows and its position commit together.

Which store: PostgreSQL when the application's recorder is a PostgreSQL recorder (whatever its
subclass, e.g. the ledger recorder); a sibling SQLite file ``<name>.projeksjoner.db`` when it is
SQLite on a file; an in-memory SQLite database for the in-memory store.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from eventsourcing.application import Application
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import resolve_topic

from application.infrastructure.files import beskytt_sqlite

MILJO_SQLITE_STI = "BRUKERVALG_PROJEKSJONER_SQLITE_PATH"


class Cursor(ABC):
    """The cursor a projection writes through (``?`` placeholders on both stores)."""

    dialekt: str

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    @abstractmethod
    def executemany(self, sql: str, rader: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    def fetchall(self) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def fetchone(self) -> tuple[Any, ...] | None: ...

    def mange(self, hode: str, rader: Sequence[Sequence[Any]], hale: str = "",
              typer: Sequence[str] = ()) -> None:
        """``hode VALUES (row), ... hale`` for many rows at once (``typer``: PostgreSQL types).

        SQLite runs it as ``executemany`` (in process, cheap). PostgreSQL gets one statement
        with one array per column (``SELECT * FROM unnest(...)``): one round trip and one
        prepared statement, however many rows.
        """
        if rader:
            self.executemany(f"{hode} VALUES ({','.join('?' * len(rader[0]))}) {hale}", rader)

    def i(self, sql: str, kolonne: str, verdier: Sequence[Any], params: Sequence[Any] = (),
          hent: bool = True) -> list[tuple[Any, ...]]:
        """Run ``sql`` with ``{i}`` replaced by "kolonne IN verdier" (chunked); rows if ``hent``."""
        ut: list[tuple[Any, ...]] = []
        verdier = list(verdier)
        if not verdier:
            return ut
        for i in range(0, len(verdier), 900):
            del_ = verdier[i:i + 900]
            self.execute(sql.replace("{i}", f"{kolonne} IN ({','.join('?' * len(del_))})"),
                         [*del_, *params])
            if hent:
                ut.extend(self.fetchall())
        return ut

    def slett_nokler(self, tabell: str, kolonner: Sequence[str], nokler: Sequence[Sequence[Any]],
                     typer: Sequence[str] = ()) -> None:
        """Delete the rows whose (kolonner) is one of ``nokler``."""
        if nokler:
            self.executemany(f"DELETE FROM {tabell} WHERE "
                             + " AND ".join(f"{k} = ?" for k in kolonner), nokler)


class Store(ABC):
    dialekt: str

    @abstractmethod
    def write(self, locks: Sequence[str] = (), ddl: bool = False) -> Any:
        """Context manager: one write transaction holding the lock on the named tracking rows.

        ``ddl``: the transaction creates or drops tables; such transactions are serialised
        (PostgreSQL's ``CREATE TABLE IF NOT EXISTS`` is not safe against a concurrent twin).
        """

    @abstractmethod
    def read(self) -> Any:
        """Context manager: a read-only cursor."""

    @abstractmethod
    def close(self) -> None: ...


class _DbapiCursor(Cursor):
    """What both adapters share: the driver's cursor in ``_cur``, whose rows are typed here."""

    _cur: Any

    def fetchall(self) -> list[tuple[Any, ...]]:
        rader: list[tuple[Any, ...]] = self._cur.fetchall()
        return rader

    def fetchone(self) -> tuple[Any, ...] | None:
        rad: tuple[Any, ...] | None = self._cur.fetchone()
        return rad


# --- SQLite -------------------------------------------------------------------------------------


class _SqliteCursor(_DbapiCursor):
    dialekt = "sqlite"

    def __init__(self, cur: sqlite3.Cursor) -> None:
        self._cur = cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        self._cur.execute(sql, params)
        return self

    def executemany(self, sql: str, rader: Sequence[Sequence[Any]]) -> None:
        self._cur.executemany(sql, rader)


class SqliteStore(Store):
    """One connection, serialised by a lock; a file gets WAL so readers do not block the writer."""

    dialekt = "sqlite"

    def __init__(self, sti: str) -> None:
        self.sti = sti
        beskytt_sqlite(sti)  # 0600 before SQLite creates it (and its WAL) with 0644
        self._conn = sqlite3.connect(sti, isolation_level=None, check_same_thread=False)
        self._laas = threading.RLock()
        if sti != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=30000")

    @contextmanager
    def write(self, locks: Sequence[str] = (), ddl: bool = False) -> Iterator[Cursor]:
        with self._laas:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteCursor(cur)
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self._laas:
            yield _SqliteCursor(self._conn.cursor())

    def close(self) -> None:
        with self._laas:
            self._conn.close()


# --- PostgreSQL ---------------------------------------------------------------------------------


# PostgreSQL text cannot hold NUL (SQLite can). New input is refused it (BV6), but an event
# stored before that check may carry one, and events are never changed: the read models then
# get U+FFFD in its place, so a rebuild and every report still run. Only values that hold a
# NUL are walked; the check on the rest is one C-level search.
_NUL, _ERSTATNING = "\x00", "\ufffd"


def _uten_nul(verdi: Any) -> Any:
    if isinstance(verdi, str):
        return verdi.replace(_NUL, _ERSTATNING) if _NUL in verdi else verdi
    if isinstance(verdi, list | tuple):
        return [_uten_nul(v) for v in verdi]
    if isinstance(verdi, dict):
        return {_uten_nul(k): _uten_nul(v) for k, v in verdi.items()}
    return verdi


def _json(verdier: Any) -> str:
    tekst = orjson.dumps(verdier).decode()
    return orjson.dumps(_uten_nul(verdier)).decode() if "\\u0000" in tekst else tekst


def _har_nul(verdi: Any) -> bool:
    if isinstance(verdi, str):
        return _NUL in verdi
    return isinstance(verdi, list | tuple) and any(_har_nul(v) for v in verdi)


def _parametre(params: Sequence[Any]) -> Sequence[Any]:
    if any(_har_nul(p) for p in params):
        return [_uten_nul(p) for p in params]
    return params


class _PgCursor(_DbapiCursor):
    """One psycopg cursor per statement: in pipeline mode a reused cursor can be left holding
    an earlier statement's result when a later one is fetched."""

    dialekt = "postgres"
    _sql_cache: dict[str, str] = {}

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._cur = conn.cursor()

    @classmethod
    def _pg(cls, sql: str) -> str:
        ut = cls._sql_cache.get(sql)
        if ut is None:
            ut = cls._sql_cache[sql] = sql.replace("?", "%s")
        return ut

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        self._cur = self._conn.cursor()
        self._cur.execute(self._pg(sql), _parametre(params))
        return self

    def executemany(self, sql: str, rader: Sequence[Sequence[Any]]) -> None:
        if rader:
            self._cur = self._conn.cursor()
            self._cur.executemany(self._pg(sql), [_parametre(r) for r in rader])

    # Many values travel as ONE json parameter, encoded by orjson (C) and taken apart by
    # PostgreSQL (C): one round trip and one prepared statement however many rows, and none of
    # the driver's per-element work that a Python list or array parameter costs.

    def i(self, sql: str, kolonne: str, verdier: Sequence[Any], params: Sequence[Any] = (),
          hent: bool = True) -> list[tuple[Any, ...]]:
        if not verdier:
            return []
        # "= ANY(ARRAY(...))", not "IN (SELECT ...)": the planner then uses the column's index
        # instead of hashing the values and scanning the whole table.
        self.execute(sql.replace("{i}", f"{kolonne} = ANY(ARRAY(SELECT "
                                        "jsonb_array_elements_text(?::jsonb)))"),
                     [_json(list(verdier)), *params])
        return self.fetchall() if hent else []

    @staticmethod
    def _fra_json(typer: Sequence[str]) -> str:
        return ", ".join(f"(e->>{n})::{t}" for n, t in enumerate(typer))

    def mange(self, hode: str, rader: Sequence[Sequence[Any]], hale: str = "",
              typer: Sequence[str] = ()) -> None:
        if not rader:
            return
        if len(typer) != len(rader[0]):
            raise ValueError(f"mange(): {len(typer)} typer for {len(rader[0])} kolonner")
        self.execute(f"{hode} SELECT {self._fra_json(typer)} FROM jsonb_array_elements(?::jsonb) e "
                     f"{hale}", [_json(rader)])

    def slett_nokler(self, tabell: str, kolonner: Sequence[str], nokler: Sequence[Sequence[Any]],
                     typer: Sequence[str] = ()) -> None:
        if not nokler:
            return
        if len(typer) != len(kolonner):
            raise ValueError(f"slett_nokler(): {len(typer)} typer for {len(kolonner)} kolonner")
        self.execute(f"DELETE FROM {tabell} WHERE ({', '.join(kolonner)}) IN "
                     f"(SELECT {self._fra_json(typer)} FROM jsonb_array_elements(?::jsonb) e)",
                     [_json(nokler)])


class PostgresStore(Store):
    """A small psycopg 3 pool on the application's database; tables live beside the events."""

    dialekt = "postgres"

    def __init__(self, conninfo: dict[str, Any], schema: str = "public") -> None:
        from psycopg_pool import ConnectionPool

        self.schema = schema or "public"

        def oppsett(conn: Any) -> None:
            # No server-side prepared statements: a generic plan made while a table was small
            # (early in a rebuild) would keep scanning it when it is large. Planned each time.
            conn.prepare_threshold = None
            conn.execute("SELECT set_config('search_path', %s, false)", (self.schema,))
            conn.commit()

        self._pool = ConnectionPool(kwargs=conninfo, min_size=1, max_size=4, open=True,
                                    configure=oppsett, name="brukervalg-projeksjoner")

    @contextmanager
    def write(self, locks: Sequence[str] = (), ddl: bool = False) -> Iterator[Cursor]:
        # Pipeline mode: writes are sent without waiting for each answer; a read (fetch) waits.
        with self._pool.connection() as conn, conn.pipeline(), conn.transaction():
            markor = _PgCursor(conn)
            if ddl:
                markor.execute("SELECT pg_advisory_xact_lock(hashtext('brukervalg.projeksjoner'))")
            if locks:
                markor.execute("SELECT projeksjon FROM prj_sporing WHERE projeksjon = ANY(?) "
                               "ORDER BY projeksjon FOR UPDATE", (list(locks),))
            yield markor

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self._pool.connection() as conn, conn.transaction(force_rollback=True):
            yield _PgCursor(conn)

    def close(self) -> None:
        self._pool.close()


# --- choosing the store -------------------------------------------------------------------------


def sqlite_sti_for(app_sti: str) -> str:
    """The sibling file of an SQLite event store: ``x.db`` -> ``x.projeksjoner.db``."""
    p = Path(app_sti.removeprefix("file:").split("?", 1)[0])
    return str(p.with_name(f"{p.stem}.projeksjoner{p.suffix or '.db'}"))


def store_for(app: Application[Any]) -> Store:
    """The store for the projections of ``app``: beside the events, whatever the recorder class."""
    recorder = app.recorder
    if isinstance(recorder, PostgresApplicationRecorder):
        env = app.env
        passord_topic = env.get("POSTGRES_GET_PASSWORD_TOPIC")
        conninfo = {
            "dbname": env.get("POSTGRES_DBNAME"),
            "host": env.get("POSTGRES_HOST"),
            "port": env.get("POSTGRES_PORT") or "5432",
            "user": env.get("POSTGRES_USER"),
            "password": resolve_topic(passord_topic)() if passord_topic
            else env.get("POSTGRES_PASSWORD"),
        }
        return PostgresStore(conninfo, schema=env.get("POSTGRES_SCHEMA") or "public")
    if isinstance(recorder, SQLiteApplicationRecorder):
        pool = recorder.datastore.pool
        if pool.is_sqlite_memory_mode:
            return SqliteStore(":memory:")
        return SqliteStore(app.env.get(MILJO_SQLITE_STI) or sqlite_sti_for(pool.db_name))
    return SqliteStore(":memory:")
