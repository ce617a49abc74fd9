"""Read access to a chained store for the verifier: one consistent snapshot, events by position.

A reader yields one row per stored event with its link (link columns are None when the event
has no link), in notification-id order; on SQLite the link is joined from the ledger table, on
PostgreSQL it is two columns of the event's own row::

    (position, originator_id, originator_version, topic, state, prev_hash, hash)

Text columns come as UTF-8 bytes, exactly the bytes :func:`link_hash_bytes` hashes, so the
verifier's hot loop decodes nothing. On SQLite, links whose event is missing never appear in
that stream; ``count_links`` and ``first_orphan_link`` find them.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from itertools import islice
from os import PathLike, fspath
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.conninfo import make_conninfo
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from application.infrastructure.ledger.chain import canonical_originator_id_sql, ledger_table_name
from application.infrastructure.ledger.errors import LedgerSourceError

Row = tuple[Any, ...]
DEFAULT_EVENTS_TABLE = "stored_events"


class ChainReader(ABC):
    """One consistent read of a store's events and links."""

    links_in_event_rows = False
    """True where links are columns of the event rows (PostgreSQL): no link outlives its
    event, so there are no orphan links to look for."""

    @abstractmethod
    def last_position(self) -> int:
        """The highest notification id (0 for an empty store), for progress reporting."""

    @abstractmethod
    def batches(self, size: int) -> Generator[list[Row], None, None]:
        """Every event with its link, by position, in lists of up to size rows.

        Closing the iterator early skips the rest.
        """

    @abstractmethod
    def count_links(self) -> int:
        """How many links the ledger table holds."""

    @abstractmethod
    def first_orphan_link(self, before: int | None = None) -> int | None:
        """The lowest position (below ``before``) of a link whose event is missing."""


class ChainSource(ABC):
    """A store that can be read for verification, any number of times."""

    @abstractmethod
    def read(self) -> AbstractContextManager[ChainReader]:
        """Open one consistent read of the store."""


# --- SQLite ---------------------------------------------------------------------------------


class SQLiteChainReader(ChainReader):
    def __init__(self, conn: sqlite3.Connection, events_table: str, ledger_table: str):
        self._conn = conn
        self._events = _quote_sqlite(events_table)
        self._ledger = _quote_sqlite(ledger_table)

    def _scalar(self, statement: str, params: tuple[Any, ...] = ()) -> Any:
        cursor = self._conn.cursor()
        try:
            cursor.execute(statement, params)
            return cursor.fetchone()[0]
        finally:
            cursor.close()

    def last_position(self) -> int:
        return self._scalar(f"SELECT max(rowid) FROM {self._events}") or 0

    def batches(self, size: int) -> Generator[list[Row], None, None]:
        cursor = self._conn.cursor()
        # Plain tuples: the connection may come from eventsourcing, which sets sqlite3.Row.
        cursor.row_factory = None
        try:
            cursor.execute(
                "SELECT e.rowid, CAST(e.originator_id AS BLOB), e.originator_version, "
                "CAST(e.topic AS BLOB), e.state, l.prev_hash, l.hash "
                f"FROM {self._events} AS e LEFT JOIN {self._ledger} AS l "
                "ON l.position = e.rowid ORDER BY e.rowid"
            )
            while batch := cursor.fetchmany(size):
                yield batch
        finally:
            cursor.close()

    def count_links(self) -> int:
        return int(self._scalar(f"SELECT count(*) FROM {self._ledger}"))

    def first_orphan_link(self, before: int | None = None) -> int | None:
        position: int | None = self._scalar(
            f"SELECT min(l.position) FROM {self._ledger} AS l WHERE "
            f"NOT EXISTS (SELECT 1 FROM {self._events} AS e WHERE e.rowid = l.position) "
            "AND (? IS NULL OR l.position < ?)",
            (before, before),
        )
        return position


class SQLiteChainSource(ChainSource):
    """An SQLite store: a database path/URI, or the connection pool of a recorder."""

    def __init__(
        self,
        connect: Callable[[], AbstractContextManager[sqlite3.Connection]],
        *,
        events_table: str = DEFAULT_EVENTS_TABLE,
    ):
        self._connect = connect
        self.events_table = events_table
        self.ledger_table = ledger_table_name(events_table)

    @classmethod
    def from_path(cls, path: str, *, events_table: str = DEFAULT_EVENTS_TABLE) -> SQLiteChainSource:
        @contextmanager
        def connect() -> Iterator[sqlite3.Connection]:
            conn = sqlite3.connect(path, uri=path.startswith("file:"), isolation_level=None)
            try:
                conn.execute("BEGIN")
                yield conn
            finally:
                conn.close()

        return cls(connect, events_table=events_table)

    @classmethod
    def from_recorder(cls, recorder: SQLiteApplicationRecorder) -> SQLiteChainSource:
        @contextmanager
        def connect() -> Iterator[sqlite3.Connection]:
            # A read transaction from the recorder's own pool: an in-memory database exists
            # only there, and the pool keeps readers and the writer apart.
            with recorder.datastore.transaction(commit=False) as curs:
                yield curs.sqlite_cursor.connection

        return cls(connect, events_table=recorder.events_table_name)

    @contextmanager
    def read(self) -> Iterator[ChainReader]:
        with self._connect() as conn:
            self._check_tables(conn)
            yield SQLiteChainReader(conn, self.events_table, self.ledger_table)

    def _check_tables(self, conn: sqlite3.Connection) -> None:
        for table in (self.events_table, self.ledger_table):
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            if found is None:
                msg = f"SQLite store has no table {table!r}"
                raise LedgerSourceError(msg)


def _quote_sqlite(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# --- PostgreSQL -----------------------------------------------------------------------------

# COPY in binary format is the fastest way to stream rows out of PostgreSQL: psycopg parses
# them in C, and the server sends them as fast as the client reads (bounded client memory).
_COPY_TYPES = ["int8", "bytea", "int8", "bytea", "bytea", "bytea", "bytea"]


class PostgresChainReader(ChainReader):
    # The links are columns of the event rows: a link cannot outlive its event.
    links_in_event_rows = True

    def __init__(
        self, conn: psycopg.Connection[Any], schema: str, events_table: str,
        originator_id_type: str,
    ):
        self._conn = conn
        self._events = SQL("{}.{}").format(Identifier(schema), Identifier(events_table))
        self._originator_id = SQL(canonical_originator_id_sql("originator_id", originator_id_type))

    def _scalar(self, statement: Composed, params: tuple[Any, ...] = ()) -> Any:
        with self._conn.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(statement, params)
            row = cursor.fetchone()
            return row[0] if row else None

    def last_position(self) -> int:
        return self._scalar(SQL("SELECT max(notification_id) FROM {}").format(self._events)) or 0

    def batches(self, size: int) -> Generator[list[Row], None, None]:
        statement = SQL(
            "COPY (SELECT notification_id, convert_to({oid}, 'UTF8'), originator_version, "
            "convert_to(topic, 'UTF8'), state, prev_hash, hash "
            "FROM {events} ORDER BY notification_id) TO STDOUT (FORMAT BINARY)"
        ).format(oid=self._originator_id, events=self._events)
        with self._conn.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types(_COPY_TYPES)
            rows = copy.rows()
            try:
                while batch := list(islice(rows, size)):
                    yield batch
            except GeneratorExit:
                # Stopped early (a break was found): read the rest unparsed, so the
                # connection can run the diagnosis queries in this same snapshot.
                for _ in copy:
                    pass
                raise

    def count_links(self) -> int:
        return int(self._scalar(
            SQL("SELECT count(*) FROM {} WHERE hash IS NOT NULL").format(self._events)
        ))

    def first_orphan_link(self, before: int | None = None) -> int | None:
        return None  # a link is part of its event's row


class PostgresChainSource(ChainSource):
    """A PostgreSQL store: a libpq connection string, or the connection pool of a recorder.

    The links are the ``prev_hash`` and ``hash`` columns of the events table (see
    :mod:`application.infrastructure.ledger.postgres`).
    """

    def __init__(
        self,
        connect: Callable[[], AbstractContextManager[psycopg.Connection[Any]]],
        *,
        schema: str = "public",
        events_table: str = DEFAULT_EVENTS_TABLE,
    ):
        self._connect = connect
        self.schema = schema
        self.events_table = events_table

    @classmethod
    def from_dsn(
        cls, dsn: str, *, schema: str = "public", events_table: str = DEFAULT_EVENTS_TABLE
    ) -> PostgresChainSource:
        return cls(
            lambda: psycopg.connect(dsn, autocommit=True), schema=schema, events_table=events_table
        )

    @classmethod
    def from_recorder(cls, recorder: PostgresApplicationRecorder) -> PostgresChainSource:
        return cls(
            recorder.datastore.get_connection,
            schema=recorder.datastore.schema,
            events_table=recorder.events_table_name,
        )

    @contextmanager
    def read(self) -> Iterator[ChainReader]:
        with self._connect() as conn, conn.transaction():
            # One snapshot for the stream and the follow-up queries.
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # Stream in index order rather than sort: bounded server memory, and the first
            # rows arrive at once. JIT only slows a query this simple.
            conn.execute("SET LOCAL enable_sort = off")
            conn.execute("SET LOCAL jit = off")
            originator_id_type = self._originator_id_type(conn)
            yield PostgresChainReader(conn, self.schema, self.events_table, originator_id_type)

    def _originator_id_type(self, conn: psycopg.Connection[Any]) -> str:
        with conn.cursor(row_factory=tuple_row) as cursor:
            columns: dict[str, str] = dict(cursor.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
                (_qualified(self.schema, self.events_table),),
            ).fetchall())
        if "originator_id" not in columns:
            msg = f"PostgreSQL store has no events table {self.schema}.{self.events_table}"
            raise LedgerSourceError(msg)
        if "hash" not in columns or "prev_hash" not in columns:
            msg = (
                f"{self.schema}.{self.events_table} has no chain columns (prev_hash, hash): "
                "not a chained store, or one from before the links moved into the event rows"
            )
            raise LedgerSourceError(msg)
        return columns["originator_id"]


def _qualified(schema: str, table: str) -> str:
    return '"' + schema.replace('"', '""') + '"."' + table.replace('"', '""') + '"'


# --- choosing a source ----------------------------------------------------------------------


def open_source(
    target: Any,
    *,
    events_table: str | None = None,
    schema: str | None = None,
) -> ChainSource:
    """A chain source for a recorder, an app environment, a PostgreSQL DSN or an SQLite path.

    Args:
        target: a ``ChainSource``; an eventsourcing SQLite or PostgreSQL application recorder
            (ledger or not); a mapping of eventsourcing settings (``PERSISTENCE_MODULE``,
            ``SQLITE_DBNAME``, ``POSTGRES_*``); a libpq connection string or URI; or the path
            (or ``file:`` URI) of an SQLite database.
        events_table: the events table when target is not a recorder
            (default ``stored_events``; an app named X on PostgreSQL uses ``x_events``).
        schema: the PostgreSQL schema when target is not a recorder (default ``public``).
    """
    table = events_table or DEFAULT_EVENTS_TABLE
    if isinstance(target, ChainSource):
        return target
    if isinstance(target, SQLiteApplicationRecorder):
        return SQLiteChainSource.from_recorder(target)
    if isinstance(target, PostgresApplicationRecorder):
        return PostgresChainSource.from_recorder(target)
    if isinstance(target, Mapping):
        return _source_from_env(target, events_table=table, schema=schema)
    if isinstance(target, str | PathLike):
        return _source_from_string(fspath(target), events_table=table, schema=schema)
    msg = f"cannot verify a {type(target).__name__}: expected a recorder, settings, DSN or path"
    raise LedgerSourceError(msg)


def _source_from_string(text: str, *, events_table: str, schema: str | None) -> ChainSource:
    if text.startswith(("postgres://", "postgresql://")) or "=" in text.split("?")[0]:
        return PostgresChainSource.from_dsn(
            text, schema=schema or "public", events_table=events_table
        )
    if not text or ":memory:" in text or "mode=memory" in text:
        msg = "an in-memory SQLite database can only be verified through its recorder"
        raise LedgerSourceError(msg)
    return SQLiteChainSource.from_path(text, events_table=events_table)


def _source_from_env(
    env: Mapping[str, str], *, events_table: str, schema: str | None
) -> ChainSource:
    module = env.get("PERSISTENCE_MODULE", "")
    if "postgres" in module or (not module and env.get("POSTGRES_DBNAME")):
        dsn = make_conninfo(
            dbname=env.get("POSTGRES_DBNAME", ""),
            host=env.get("POSTGRES_HOST", ""),
            port=env.get("POSTGRES_PORT", "5432"),
            user=env.get("POSTGRES_USER", ""),
            password=env.get("POSTGRES_PASSWORD", ""),
        )
        return PostgresChainSource.from_dsn(
            dsn, schema=schema or env.get("POSTGRES_SCHEMA") or "public", events_table=events_table
        )
    if env.get("SQLITE_DBNAME"):
        return _source_from_string(env["SQLITE_DBNAME"], events_table=events_table, schema=None)
    msg = f"settings name no SQLite or PostgreSQL store (PERSISTENCE_MODULE={module!r})"
    raise LedgerSourceError(msg)
