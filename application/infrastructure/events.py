"""The one reader of the raw events table, for what the library's ``select_events`` cannot do well.

The library reads one aggregate per query. Three places need more: the time-report import
reads a chunk's users and deliveries at once, the klagesak reads a user's aggregates with each
event's chain position and link hash, and the klagesak's export carries the link inputs a third
party needs to recompute a hash. Their SQL, and the one difference between the stores that
matters here, are in this module and nowhere else:

- **PostgreSQL** keeps the chain link (``prev_hash``, ``hash``) as two columns of the event's own
  row; the position is ``notification_id``; ids are ``uuid`` (or ``text``, by the datastore's
  ``originator_id_type``); many ids go in one array parameter.
- **SQLite** keeps ids as hex text and the link in the ``*_ledger`` table keyed by the event's
  ``rowid``; ids go in chunks of 500 placeholders (SQLite's limit is 999 in old builds).

Rows are not decoded here: callers decode them through the application's mapper (decrypted and
upcast as always). The ledger verifier's whole-store stream is not here: it must also open a
store from a path or a DSN with no application at all (an auditor's copy), and streams with
COPY; see ``ledger/sources.py``. :func:`event_reader` is the one place that tells the stores apart.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

StoredEvent = tuple[str, bytes]
"""(topic, state) of one stored event."""

EventWithLink = tuple[str, bytes, int | None, str | None]
"""(topic, state, position, hex link hash); position and hash are None for an event without a link."""

LinkRow = tuple[UUID, int, int, str, bytes, bytes, bytes]
"""(originator id, version, position, topic, state, prev_hash, hash) of one linked event."""

_CHUNK = 500


class EventReader(ABC):
    """Raw reads of one recorder's events table (see the module's docstring)."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.events_table: str = recorder.events_table_name

    @property
    def chained(self) -> bool:
        """Whether the recorder writes a chain link for each event (the ledger's recorders do)."""
        return bool(getattr(self.recorder, "links_in_event_rows", False)
                    or getattr(self.recorder, "ledger_table_name", None))

    @abstractmethod
    def events(self, ids: Iterable[UUID]) -> list[StoredEvent]:
        """Every event of the given aggregates, grouped by aggregate, each in version order
        (an unknown id has no rows)."""

    @abstractmethod
    def events_after(self, after: dict[UUID, int]) -> list[EventWithLink]:
        """Of each aggregate, the events with a version above the given one, with their links;
        each aggregate's in version order. Only for a chained recorder."""

    @abstractmethod
    def links(self, ids: Iterable[UUID], *, with_state: bool) -> list[LinkRow]:
        """The links of the given aggregates' events; ``state`` is empty unless ``with_state``."""

    @abstractmethod
    def head(self) -> tuple[int, bytes] | None:
        """The newest link (position, hash), or None for an empty or unchained store."""


class PostgresEventReader(EventReader):
    def __init__(self, recorder: PostgresAggregateRecorder) -> None:
        super().__init__(recorder)
        ds = recorder.datastore
        self._ds = ds
        self._table = SQL("{}.{}").format(Identifier(ds.schema or "public"), Identifier(self.events_table))
        self._uuid_ids = getattr(ds, "originator_id_type", "uuid") == "uuid"

    def _ids(self, ids: Iterable[UUID]) -> list[UUID] | list[str]:
        return list(ids) if self._uuid_ids else [str(i) for i in ids]

    def _rows(self, statement: Composed, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._ds.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, params, binary=True)  # bytea without hex text
            return curs.fetchall()

    def events(self, ids: Iterable[UUID]) -> list[StoredEvent]:
        return self._rows(SQL("SELECT topic, state FROM {} WHERE originator_id = ANY(%s) "
                              "ORDER BY originator_id, originator_version").format(self._table),
                          (self._ids(ids),))

    def events_after(self, after: dict[UUID, int]) -> list[EventWithLink]:
        # In recorded order, so each aggregate's in version order: one pass of the index.
        statement = SQL(
            "SELECT e.topic, e.state, CASE WHEN e.hash IS NULL THEN NULL ELSE e.notification_id END, "
            "encode(e.hash, 'hex') FROM {} e "
            "JOIN unnest(%s::{}[], %s::integer[]) AS k(id, etter) "
            "ON e.originator_id = k.id AND e.originator_version > k.etter "
            "ORDER BY e.notification_id").format(self._table, SQL("uuid" if self._uuid_ids else "text"))
        return self._rows(statement, (self._ids(after), list(after.values())))

    def links(self, ids: Iterable[UUID], *, with_state: bool) -> list[LinkRow]:
        statement = SQL(
            "SELECT originator_id, originator_version, notification_id, topic, "
            + ("state" if with_state else "NULL") + ", prev_hash, hash "
            "FROM {} WHERE originator_id = ANY(%s) AND hash IS NOT NULL").format(self._table)
        svar: list[LinkRow] = []
        for chunk in _chunks(list(ids)):
            svar.extend(_link_row(r) for r in self._rows(statement, (self._ids(chunk),)))
        return svar

    def head(self) -> tuple[int, bytes] | None:
        if not self.chained:
            return None
        rows = self._rows(SQL("SELECT notification_id, hash FROM {} WHERE hash IS NOT NULL "
                              "ORDER BY notification_id DESC LIMIT 1").format(self._table))
        return (rows[0][0], bytes(rows[0][1])) if rows else None


class SqliteEventReader(EventReader):
    def __init__(self, recorder: SQLiteAggregateRecorder) -> None:
        super().__init__(recorder)
        self._ledger: str | None = getattr(recorder, "ledger_table_name", None)

    @contextmanager
    def _cursor(self) -> Iterator[sqlite3.Cursor]:
        """A cursor of a read transaction from the recorder's pool, giving plain tuples (the
        library's connections give ``sqlite3.Row``)."""
        with self.recorder.datastore.transaction(commit=False) as c:
            cursor: sqlite3.Cursor = c.sqlite_cursor
            cursor.row_factory = None
            yield cursor

    def _rows(self, statement: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._cursor() as c:
            c.execute(statement, list(params))
            return c.fetchall()

    def events(self, ids: Iterable[UUID]) -> list[StoredEvent]:
        svar: list[StoredEvent] = []
        for chunk in _chunks(list(ids)):
            svar.extend((topic, bytes(state)) for topic, state in self._rows(
                f"SELECT topic, state FROM {self.events_table} WHERE originator_id "
                f"IN ({','.join('?' * len(chunk))}) ORDER BY originator_id, originator_version",
                [x.hex for x in chunk]))
        return svar

    def events_after(self, after: dict[UUID, int]) -> list[EventWithLink]:
        if self._ledger is None:
            msg = "events_after needs a chained recorder"
            raise ValueError(msg)
        # One indexed range per aggregate: SQLite has no array parameter to join against.
        statement = ("SELECT e.topic, e.state, CASE WHEN l.hash IS NULL THEN NULL ELSE e.rowid END, "
                     "CASE WHEN l.hash IS NULL THEN NULL ELSE lower(hex(l.hash)) END "
                     f"FROM {self.events_table} e LEFT JOIN {self._ledger} l ON l.position = e.rowid "
                     "WHERE e.originator_id = ? AND e.originator_version > ? ORDER BY e.originator_version")
        svar: list[EventWithLink] = []
        with self._cursor() as c:
            for ident, n in after.items():
                c.execute(statement, (ident.hex, n))
                svar.extend(c.fetchall())
        return svar

    def links(self, ids: Iterable[UUID], *, with_state: bool) -> list[LinkRow]:
        if self._ledger is None:
            return []
        svar: list[LinkRow] = []
        for chunk in _chunks(list(ids)):
            svar.extend(_link_row(r) for r in self._rows(
                "SELECT e.originator_id, e.originator_version, e.rowid, e.topic, "
                + ("e.state" if with_state else "NULL") + ", l.prev_hash, l.hash "
                f"FROM {self.events_table} e JOIN {self._ledger} l ON l.position = e.rowid "
                f"WHERE e.originator_id IN ({','.join('?' * len(chunk))})", [x.hex for x in chunk]))
        return svar

    def head(self) -> tuple[int, bytes] | None:
        if self._ledger is None:
            return None
        rows = self._rows(f"SELECT position, hash FROM {self._ledger} ORDER BY position DESC LIMIT 1")
        return (rows[0][0], bytes(rows[0][1])) if rows else None


def event_reader(recorder: Any) -> EventReader | None:
    """The reader for a recorder's store; None for a store without an events table (in memory),
    where callers use the library's read path."""
    if isinstance(recorder, PostgresAggregateRecorder):
        return PostgresEventReader(recorder)
    if isinstance(recorder, SQLiteAggregateRecorder):
        return SqliteEventReader(recorder)
    return None


def _chunks(ids: list[UUID]) -> Iterator[list[UUID]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _link_row(r: tuple[Any, ...]) -> LinkRow:
    oid, versjon, pos, topic, state, prev, h = r
    return (UUID(str(oid)), versjon, pos, topic, bytes(state or b""), bytes(prev), bytes(h))
