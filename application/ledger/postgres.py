"""PostgreSQL recorders that link every inserted event into the ledger's hash chain (R26).

Select with ``PERSISTENCE_MODULE=application.ledger.postgres``; every other ``POSTGRES_*``
setting of eventsourcing 9.5.6 applies unchanged. eventsourcing resolves a persistence module to
the one InfrastructureFactory subclass in the module's namespace, so the library's own factory
is only reached through the ``es_postgres`` module alias here, never imported by name.

Why the chain stays one line under concurrent writers: with database functions off, the
library's insert transaction takes ``LOCK TABLE <events> IN EXCLUSIVE MODE`` before inserting.
Every chained writer holds that lock until commit, so the ledger head read after it (in the
insert statement itself) is the head, and the links are written before anyone else may insert.
The UNIQUE constraint on ``prev_hash`` makes a fork impossible even if that assumption broke.

Two ways to write the links, with identical results:

- a transaction of up to ``MAX_EVENTS_LINKED_IN_SQL`` events (what commands record) is
  inserted and linked by one statement: the links are hashed by PostgreSQL inside the events
  INSERT, which costs the writer no extra statement (a second statement from Python costs
  more than the chain's own work);
- a larger transaction (imports) is inserted as the library does, the head read in the same
  statement, and its links are hashed in Python and inserted with the COMMIT.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import eventsourcing.postgres as es_postgres
from eventsourcing.persistence import IntegrityError, ProgrammingError
from psycopg.sql import SQL, Composed, Identifier

from application.ledger.chain import (
    GENESIS_HASH,
    GENESIS_HASH_SQL,
    canonical_originator_id_sql,
    chain_links,
    ledger_table_name,
    link_hash_sql,
)
from application.ledger.errors import LedgerConfigurationError, LedgerWriteError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import StoredEvent
    from psycopg import Cursor
    from psycopg.rows import DictRow

MAX_EVENTS_LINKED_IN_SQL = 8
HEAD_COLUMN = "ledger_head"


def create_ledger_table_statement(schema: str, ledger_table: str) -> Composed:
    """DDL of the ledger table: one row per event, keyed by the event's notification id."""
    return SQL(
        "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
        "position bigint PRIMARY KEY, "
        "prev_hash bytea NOT NULL, "
        "hash bytea NOT NULL, "
        # No two links may share a predecessor: the chain cannot fork.
        "CONSTRAINT {unique_prev} UNIQUE (prev_hash), "
        "CONSTRAINT {prev_size} CHECK (octet_length(prev_hash) = 32), "
        "CONSTRAINT {hash_size} CHECK (octet_length(hash) = 32))"
    ).format(
        schema=Identifier(schema),
        table=Identifier(ledger_table),
        unique_prev=Identifier(f"{ledger_table}_prev_hash_key"),
        prev_size=Identifier(f"{ledger_table}_prev_hash_size"),
        hash_size=Identifier(f"{ledger_table}_hash_size"),
    )


class LedgerPostgresApplicationRecorder(es_postgres.PostgresApplicationRecorder):
    """Inserts events and their links in one transaction."""

    def __init__(
        self,
        datastore: es_postgres.PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
    ):
        if datastore.enable_db_functions:
            # The library's database-function insert path bypasses the hooks below.
            msg = "the ledger needs POSTGRES_ENABLE_DB_FUNCTIONS off"
            raise LedgerConfigurationError(msg)
        super().__init__(datastore, events_table_name=events_table_name)
        self.ledger_table_name = ledger_table_name(events_table_name)
        self.check_identifier_length(self.ledger_table_name)
        self.sql_create_statements.append(
            create_ledger_table_statement(self.datastore.schema, self.ledger_table_name)
        )
        schema, ledger = Identifier(self.datastore.schema), Identifier(self.ledger_table_name)
        # For large transactions: the library's INSERT, plus the head read in the same
        # statement (its snapshot is taken after the table lock; no extra round trip).
        self.insert_events_statement += SQL(
            ", (SELECT hash FROM {schema}.{ledger} ORDER BY position DESC LIMIT 1) AS {head}"
        ).format(schema=schema, ledger=ledger, head=Identifier(HEAD_COLUMN))
        self.insert_links_statement = SQL(
            "INSERT INTO {schema}.{ledger} (position, prev_hash, hash) "
            "SELECT * FROM unnest(%s::bigint[], %s::bytea[], %s::bytea[])"
        ).format(schema=schema, ledger=ledger)
        # Rendered once: psycopg would otherwise compose these long statements on every call.
        self._insert_and_link_statements = {
            count: SQL(self._insert_and_link_statement(count).as_string())
            for count in range(1, MAX_EVENTS_LINKED_IN_SQL + 1)
        }

    def _insert_and_link_statement(self, count: int) -> Composed:
        """One statement that inserts count events and links them, hashed by PostgreSQL.

        The chain is unrolled (link k hashes link k-1): a recursive query would do the same
        for any count, but costs more than the whole chain for one to three events.
        """
        originator_id = canonical_originator_id_sql("originator_id", self.datastore.originator_id_type)
        links = [
            f"l{k} AS (SELECT e.position, p.hash AS prev_hash, "
            + link_hash_sql("p.hash", "e.position", "e.originator_id", "e.originator_version",
                            "e.topic", "e.state")
            + f" AS hash FROM new_events AS e, l{k - 1} AS p WHERE e.n = {k})"
            for k in range(1, count + 1)
        ]
        union = " UNION ALL ".join(
            f"SELECT position, prev_hash, hash FROM l{k}" for k in range(1, count + 1)
        )
        return SQL(
            "WITH inserted AS ("
            "INSERT INTO {schema}.{events} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state "
            "FROM unnest(%s::{schema}.{stored_event_type}[]) "
            "RETURNING notification_id, originator_id, originator_version, topic, state), "
            "new_events AS (SELECT row_number() OVER (ORDER BY notification_id) AS n, "
            "notification_id AS position, " + originator_id + " AS originator_id, "
            "originator_version, topic, state FROM inserted), "
            "l0 AS (SELECT coalesce((SELECT hash FROM {schema}.{ledger} "
            "ORDER BY position DESC LIMIT 1), " + GENESIS_HASH_SQL + ") AS hash), "
            + ", ".join(links)
            + " INSERT INTO {schema}.{ledger} (position, prev_hash, hash) "
            + union
            + " RETURNING position AS notification_id"
        ).format(
            schema=Identifier(self.datastore.schema),
            events=Identifier(self.events_table_name),
            ledger=Identifier(self.ledger_table_name),
            stored_event_type=Identifier(self.stored_event_type_name),
        )

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        try:
            return super().insert_events(stored_events, **kwargs)
        except IntegrityError as e:
            # A violated ledger constraint is no optimistic-concurrency conflict, and must not
            # look like one (callers retry those): the ledger no longer matches the events.
            if _violated_table(e) == self.ledger_table_name:
                msg = f"cannot link events into {self.ledger_table_name}: {e}"
                raise LedgerWriteError(msg) from e
            raise

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> None:
        statement = self._insert_and_link_statements.get(len(stored_events))
        if statement is None:
            # Too many to unroll: the library's insert; links follow in Python.
            super()._insert_stored_events(curs, stored_events, **kwargs)
            return
        # As the library's _insert_stored_events, with the statement that also links.
        self._lock_table(curs)
        self._notify_channel(curs)
        pg_stored_events = [
            self.construct_pg_stored_event(
                e.originator_id, e.originator_version, e.topic, e.state
            )
            for e in stored_events
        ]
        curs.execute(statement, (pg_stored_events,))

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> Sequence[int] | None:
        if not (curs.statusmessage or "").startswith("INSERT"):
            msg = f"expected the events INSERT's result, got {curs.statusmessage!r}"
            raise ProgrammingError(msg)
        rows = curs.fetchall()
        # Ascending ids are the events' order: they were numbered in that order under the lock.
        notification_ids = sorted(row["notification_id"] for row in rows)
        if len(stored_events) not in self._insert_and_link_statements:
            head = (rows[0][HEAD_COLUMN] if rows else None) or GENESIS_HASH
            self._insert_links(curs, bytes(head), notification_ids, stored_events)
        return notification_ids

    def _insert_links(
        self,
        curs: Cursor[DictRow],
        head: bytes,
        notification_ids: Sequence[int],
        stored_events: Sequence[StoredEvent],
    ) -> None:
        links = chain_links(
            head,
            notification_ids,
            stored_events,
            uuid_column=self.datastore.originator_id_type == "uuid",
        )
        positions, prev_hashes, hashes = (list(column) for column in zip(*links, strict=True))
        # Pipelined with the COMMIT: a violated constraint aborts the events' transaction too.
        curs.execute(self.insert_links_statement, (positions, prev_hashes, hashes), prepare=True)


def _violated_table(error: IntegrityError) -> str | None:
    """The table whose constraint the database reported violated (psycopg's diagnostics)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "table_name", None)


class LedgerPostgresProcessRecorder(
    es_postgres.PostgresProcessRecorder, LedgerPostgresApplicationRecorder
):
    """A process recorder (tracking plus events) whose events are chained too."""


class LedgerPostgresFactory(es_postgres.PostgresFactory):
    """Infrastructure factory for ``PERSISTENCE_MODULE=application.ledger.postgres``."""

    application_recorder_class = LedgerPostgresApplicationRecorder
    process_recorder_class = LedgerPostgresProcessRecorder


Factory = LedgerPostgresFactory
