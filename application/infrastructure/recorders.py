"""Rows written in the same transaction as a command's events ("medfølgende rader").

The HTTP API records, with every write, an access-log entry (Normen) and, under an
Idempotency-Key, the answer it gave. Written in their own transaction after the events, they
cost a second commit per request, and a crash between the two commits leaves an event without
its log entry. Written in the events' transaction, there is one commit, and either all of it is
stored or none of it.

eventsourcing 9.5.6 hands the keyword arguments of ``Application.save`` down to the recorder's
``_insert_events(cursor, stored_events, **kwargs)``, which runs inside the events' transaction:
on SQLite after the events and their chain links are inserted, on PostgreSQL before the table
lock, pipelined with the events' INSERT. The recorders here call the writer passed as
``medfolgende`` at that point with the transaction's cursor. They are the chained recorders of
``application.infrastructure.ledger`` with that one addition, selected through the library's
``APPLICATION_RECORDER_TOPIC`` setting (``application.infrastructure.settings``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import IntegrityError, InternalError, StoredEvent

from application.infrastructure.ledger.postgres import LedgerPostgresApplicationRecorder
from application.infrastructure.ledger.sqlite import LedgerSQLiteApplicationRecorder
from application.infrastructure.writer_lock import share_writer_lock

NOKKEL = "medfolgende"

# Writes the caller's rows with the cursor of the events' transaction.
Skriver = Callable[[Any], None]


def _skriv(kwargs: dict[str, Any], cursor: Any) -> None:
    skriver: Skriver | None = kwargs.get(NOKKEL)
    if skriver is not None:
        skriver(cursor)


class SQLiteRecorder(LedgerSQLiteApplicationRecorder):
    """The chained SQLite recorder; the caller's rows follow the events and links.

    Its datastore's writer lock is shared with other processes on the same file
    (``application/infrastructure/writer_lock.py``), so several server processes can share one store.
    """

    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        share_writer_lock(datastore)
        super().__init__(datastore, events_table_name)

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        notification_ids = super()._insert_events(c, stored_events, **kwargs)
        _skriv(kwargs, c)
        return notification_ids


class PostgresRecorder(LedgerPostgresApplicationRecorder):
    """The chained PostgreSQL recorder; the caller's rows go first, in the same pipeline.

    Several server processes starting together on a new database each create the tables;
    PostgreSQL refuses concurrent DDL on the same catalog rows ("tuple concurrently updated", or
    a duplicate composite type). The tables are created under an advisory lock (one creator at
    a time), and the library's separate CREATE TYPE transactions are tried again when they lose
    such a race (every statement is idempotent: IF NOT EXISTS, or an existing type is kept).
    """

    def create_table(self) -> None:
        for forsok in range(1, 6):
            try:
                super().create_table()
                return
            except (IntegrityError, InternalError):
                if forsok == 5:
                    raise
                time.sleep(0.05 * forsok)

    def _create_table(self, curs: Any) -> None:
        curs.execute("SELECT pg_advisory_xact_lock(hashtext('brukervalg.hendelsestabeller'))")
        super()._create_table(curs)

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        _skriv(kwargs, curs)
