"""SQLite recorders that link every inserted event into the ledger's hash chain (R26).

Select with ``PERSISTENCE_MODULE=application.infrastructure.ledger.sqlite``; ``SQLITE_DBNAME`` and the other
SQLite settings of eventsourcing 9.5.6 apply unchanged. eventsourcing resolves a persistence
module to the one InfrastructureFactory subclass in the module's namespace, so the library's own
factory is only reached through the ``es_sqlite`` module alias here, never imported by name.

Why the chain stays one line under concurrent writers: within a process the datastore's pool
hands out one writer connection at a time. Across processes, the events INSERT comes first in
the transaction, so SQLite has granted this connection the database's single write lock (on
a current snapshot, or the INSERT fails as busy) before the ledger head is read. The UNIQUE
constraint on ``prev_hash`` makes a fork impossible even if that assumption broke.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import eventsourcing.sqlite as es_sqlite

from application.infrastructure.ledger.chain import GENESIS_HASH, chain_links, ledger_table_name
from application.infrastructure.ledger.errors import LedgerWriteError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import StoredEvent


def create_ledger_table_statement(ledger_table: str) -> str:
    """DDL of the ledger table: one row per event, keyed by the event's rowid."""
    return (
        f"CREATE TABLE IF NOT EXISTS {ledger_table} ("
        "position INTEGER PRIMARY KEY, "
        # No two links may share a predecessor: the chain cannot fork.
        "prev_hash BLOB NOT NULL UNIQUE CHECK (length(prev_hash) = 32), "
        "hash BLOB NOT NULL CHECK (length(hash) = 32))"
    )


class LedgerSQLiteApplicationRecorder(es_sqlite.SQLiteApplicationRecorder):
    """Inserts events and their links in one transaction."""

    links_in_event_rows = False
    """The links are rows of the ``*_ledger`` table (on PostgreSQL, columns of the event rows)."""

    def __init__(
        self,
        datastore: es_sqlite.SQLiteDatastore,
        events_table_name: str = "stored_events",
    ):
        # Set before super().__init__(), which builds the create-table statements.
        self.ledger_table_name = ledger_table_name(events_table_name)
        super().__init__(datastore, events_table_name)
        self.select_head_statement = (
            f"SELECT hash FROM {self.ledger_table_name} ORDER BY position DESC LIMIT 1"
        )
        self.insert_link_statement = (
            f"INSERT INTO {self.ledger_table_name} (position, prev_hash, hash) VALUES (?, ?, ?)"
        )

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements.append(create_ledger_table_statement(self.ledger_table_name))
        return statements

    def _insert_events(
        self,
        c: es_sqlite.SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        # The events go in first: that takes the write lock, so the head read next is current.
        notification_ids = super()._insert_events(c, stored_events, **kwargs)
        if not stored_events:
            return notification_ids
        if notification_ids is None:
            msg = "the SQLite recorder returned no notification ids to link"
            raise LedgerWriteError(msg)
        c.execute(self.select_head_statement)
        head = c.fetchone()
        links = chain_links(
            head[0] if head else GENESIS_HASH,
            notification_ids,
            stored_events,
            uuid_column=False,  # SQLite keeps ids as text: UUIDs as hex, others verbatim
        )
        try:
            c.executemany(self.insert_link_statement, links)
        except sqlite3.IntegrityError as e:
            # Not an optimistic-concurrency conflict: the ledger no longer matches the events.
            msg = f"cannot link events at {notification_ids}: {e}"
            raise LedgerWriteError(msg) from e
        return notification_ids


# Alike in shape with the PostgreSQL recorder and factory (ledger/postgres.py): the library wants one
# recorder class and one factory per store; only their bases differ.
class LedgerSQLiteProcessRecorder(
    es_sqlite.SQLiteProcessRecorder, LedgerSQLiteApplicationRecorder
):
    """A process recorder (tracking plus events) whose events are chained too."""


class LedgerSQLiteFactory(es_sqlite.SQLiteFactory):
    """Infrastructure factory for ``PERSISTENCE_MODULE=application.infrastructure.ledger.sqlite``."""

    application_recorder_class = LedgerSQLiteApplicationRecorder
    process_recorder_class = LedgerSQLiteProcessRecorder


Factory = LedgerSQLiteFactory
