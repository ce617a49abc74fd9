"""Chained stores for the ledger tests, each with a raw connection that plays the tampering DBA.

One test body runs against both stores: ``LedgerStore`` hides the differences (placeholder
style, the name of the position column, how an originator id is stored, and where the links
are: a ``*_ledger`` table on SQLite, the ``prev_hash``/``hash`` columns of the event rows on
PostgreSQL).
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from application.infrastructure.ledger.postgres import LedgerPostgresApplicationRecorder
from application.infrastructure.ledger.sqlite import LedgerSQLiteApplicationRecorder

TOPIC = "domain.bruker:Bruker.LeverandorValgt"


@dataclass
class LedgerStore:
    """A chained recorder plus a raw autocommit connection to the same tables."""

    kind: str
    recorder: ApplicationRecorder
    events_table: str
    ledger_table: str
    position_column: str
    _execute: Any
    _close: Any
    versions: dict[uuid.UUID, int] = field(default_factory=dict)
    link_position_column: str = "position"
    """The column that keys a link by position (PostgreSQL: the event row's notification_id)."""

    @property
    def links_in_event_rows(self) -> bool:
        return self.ledger_table == self.events_table

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run SQL as the DBA: ``{events}``, ``{ledger}`` (the table holding the links),
        ``{pos}`` (events' position column), ``{lpos}`` (links') and ``%s`` placeholders."""
        text = statement.format(
            events=self.events_table, ledger=self.ledger_table, pos=self.position_column,
            lpos=self.link_position_column,
        )
        return self._execute(text, params)

    def stored_id(self, originator_id: uuid.UUID) -> Any:
        """An originator id as this store's raw connection writes it."""
        return originator_id.hex if self.kind == "sqlite" else originator_id

    def close(self) -> None:
        self._close()

    # --- writing through the recorder ---

    def append(self, transactions: int, *, seed: int = 1, aggregates: int = 20) -> list[int]:
        """Insert transactions of 1-3 synthetic events each; the positions they got."""
        rng = random.Random(seed)
        ids = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(aggregates)]
        positions: list[int] = []
        for _ in range(transactions):
            originator_id = rng.choice(ids)
            events = [self.next_event(originator_id, rng) for _ in range(rng.randint(1, 3))]
            positions += self.recorder.insert_events(events) or []
        return positions

    def next_event(self, originator_id: uuid.UUID, rng: random.Random | None = None) -> StoredEvent:
        rng = rng or random.Random()
        version = self.versions.get(originator_id, 0) + 1
        self.versions[originator_id] = version
        note = "x" * rng.randint(10, 60)
        state = f'{{"id":"{originator_id}","v":{version},"note":"{note}"}}'.encode()
        return StoredEvent(originator_id, version, TOPIC, state)

    # --- tampering as the DBA ---

    def event_row(self, position: int) -> tuple[Any, ...]:
        return self.sql(
            "SELECT originator_id, originator_version, topic, state FROM {events} WHERE {pos} = %s",
            (position,),
        )[0]

    def link_row(self, position: int) -> tuple[bytes, bytes]:
        prev, hash_ = self.sql("SELECT prev_hash, hash FROM {ledger} WHERE {lpos} = %s", (position,))[0]
        return bytes(prev), bytes(hash_)

    def count_links(self) -> int:
        return self.sql("SELECT count(hash) FROM {ledger}")[0][0]

    def allow_unlinked_events(self) -> None:
        """PostgreSQL refuses an event row without a link (NOT NULL): the DBA lifts that."""
        if self.links_in_event_rows:
            self.sql("ALTER TABLE {events} ALTER COLUMN prev_hash DROP NOT NULL, "
                     "ALTER COLUMN hash DROP NOT NULL")

    def set_state(self, position: int, state: bytes) -> None:
        self.sql("UPDATE {events} SET state = %s WHERE {pos} = %s", (state, position))

    def flip_state_byte(self, position: int, index: int = 5) -> None:
        state = bytearray(self.event_row(position)[3])
        state[index] ^= 0x01
        self.set_state(position, bytes(state))

    def delete_event(self, position: int) -> None:
        self.sql("DELETE FROM {events} WHERE {pos} = %s", (position,))

    def delete_link(self, position: int) -> None:
        if self.links_in_event_rows:
            self.allow_unlinked_events()
            self.sql("UPDATE {events} SET prev_hash = NULL, hash = NULL WHERE {pos} = %s", (position,))
        else:
            self.sql("DELETE FROM {ledger} WHERE position = %s", (position,))

    def insert_event(self, event: StoredEvent) -> int:
        """Insert an event row without a link the way the store numbers rows; its position."""
        self.allow_unlinked_events()
        return self.sql(
            "INSERT INTO {events} (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s) RETURNING {pos}",
            (self.stored_id(event.originator_id), event.originator_version, event.topic,
             event.state),
        )[0][0]

    def insert_event_at(self, position: int, event: StoredEvent) -> None:
        self.allow_unlinked_events()
        self.sql(
            "INSERT INTO {events} ({pos}, originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s, %s)",
            (position, self.stored_id(event.originator_id), event.originator_version, event.topic,
             event.state),
        )

    def insert_link(self, position: int, prev_hash: bytes, hash_: bytes) -> None:
        """Give the (existing) event at position a link, or on SQLite add a link row there."""
        if self.links_in_event_rows:
            self.sql("UPDATE {events} SET prev_hash = %s, hash = %s WHERE {pos} = %s",
                     (prev_hash, hash_, position))
        else:
            self.sql("INSERT INTO {ledger} (position, prev_hash, hash) VALUES (%s, %s, %s)",
                     (position, prev_hash, hash_))

    def insert_linked_event_at(self, position: int, event: StoredEvent, prev_hash: bytes,
                               hash_: bytes) -> None:
        """A forged event with a forged link, written in one go (one row on PostgreSQL)."""
        if self.links_in_event_rows:
            self.sql(
                "INSERT INTO {events} ({pos}, originator_id, originator_version, topic, state, "
                "prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (position, self.stored_id(event.originator_id), event.originator_version,
                 event.topic, event.state, prev_hash, hash_),
            )
        else:
            self.insert_link(position, prev_hash, hash_)
            self.insert_event_at(position, event)

    def truncate_after(self, position: int) -> None:
        self.sql("DELETE FROM {events} WHERE {pos} > %s", (position,))
        if not self.links_in_event_rows:
            self.sql("DELETE FROM {ledger} WHERE position > %s", (position,))

    def count(self, table: str) -> int:
        return self.sql(f"SELECT count(*) FROM {{{table}}}")[0][0]


def sqlite_store(path: Path) -> LedgerStore:
    datastore = SQLiteDatastore(db_name=str(path))
    recorder = LedgerSQLiteApplicationRecorder(datastore)
    recorder.create_table()
    raw = sqlite3.connect(path, isolation_level=None)

    def execute(statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return raw.execute(statement.replace("%s", "?"), params).fetchall()

    def close() -> None:
        raw.close()
        datastore.close()

    return LedgerStore("sqlite", recorder, recorder.events_table_name, recorder.ledger_table_name,
                       "rowid", execute, close)


def postgres_store(datastore: PostgresDatastore, dsn: str, events_table: str) -> LedgerStore:
    recorder = LedgerPostgresApplicationRecorder(datastore, events_table_name=events_table)
    recorder.create_table()
    raw = psycopg.connect(dsn, autocommit=True)

    def execute(statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        cursor = raw.execute(statement, params)
        return cursor.fetchall() if cursor.description else []

    # The links are columns of the event rows, keyed by the same notification_id.
    return LedgerStore("postgres", recorder, events_table, events_table, "notification_id",
                       execute, raw.close, link_position_column="notification_id")
