"""PostgreSQL recorders that link every inserted event into the ledger's hash chain (R26).

Select with ``PERSISTENCE_MODULE=application.infrastructure.ledger.postgres``; every other ``POSTGRES_*``
setting of eventsourcing 9.5.6 applies unchanged. eventsourcing resolves a persistence module to
the one InfrastructureFactory subclass in the module's namespace, so the library's own factory
is only reached through the ``es_postgres`` module alias here, never imported by name.

Where the links live: in the event's own row. The events table has two more columns,
``prev_hash`` and ``hash`` (NOT NULL, ``UNIQUE (prev_hash)``), so a link costs no second row and
no second primary-key index; the position is the row's ``notification_id``. (Until 2026-11-22
the links were rows of a separate ``*_ledger`` table; stores from then are not read by this
version and are not migrated: no production data existed.)

Why the chain stays one line under concurrent writers: with database functions off, the
library's insert transaction takes ``LOCK TABLE <events> IN EXCLUSIVE MODE`` before inserting.
Every chained writer holds that lock until commit, so the chain head read after it (in the
insert statement itself) is the head, and the new links are committed before anyone else may
insert. ``UNIQUE (prev_hash)`` makes a fork impossible even if that assumption broke.

Two ways to write the links, with identical results:

- a transaction of up to ``MAX_EVENTS_LINKED_IN_SQL`` events (what commands record) is
  inserted and linked by one statement: it takes the notification ids from the table's
  sequence, reads the head, and PostgreSQL hashes the links in the INSERT itself, which costs
  the writer no extra statement or round trip;
- a larger transaction (imports) reads the head and takes its ids in one statement, hashes
  the links in Python, and inserts the events with their links in a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import eventsourcing.postgres as es_postgres
from eventsourcing.persistence import (
    IntegrityError,
    Notification,
    ProgrammingError,
)
from psycopg.sql import SQL, Composed, Identifier, Literal

from application.infrastructure.ledger.chain import (
    GENESIS_HASH_SQL,
    canonical_originator_id_sql,
    chain_links,
    link_hash_sql,
)
from application.infrastructure.ledger.errors import LedgerConfigurationError, LedgerWriteError
from application.infrastructure.ledger.retries import bounded_retry, undecorated

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import StoredEvent
    from psycopg import Cursor
    from psycopg.rows import DictRow

MAX_EVENTS_LINKED_IN_SQL = 8
EVENT_COLUMNS = "originator_id, originator_version, topic, state"
MAX_IDENTIFIER_BYTES = 63


def prev_hash_constraint_name(events_table: str) -> str:
    """The UNIQUE (prev_hash) constraint's name, as PostgreSQL stores it (63 bytes at most)."""
    return f"{events_table}_prev_hash_key".encode()[:MAX_IDENTIFIER_BYTES].decode(errors="ignore")


def create_events_table_statement(
    schema: str, events_table: str, originator_id_type: str
) -> Composed:
    """The library's events table (same columns, keys and storage options) plus the link."""
    return SQL(
        "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
        "originator_id {originator_id_type} NOT NULL, "
        "originator_version bigint NOT NULL, "
        "topic text, "
        "state bytea, "
        "notification_id bigserial, "
        # The link: no event without one (a writer that does not chain is refused) ...
        "prev_hash bytea NOT NULL, "
        "hash bytea NOT NULL, "
        "PRIMARY KEY (originator_id, originator_version), "
        # ... and no two links may share a predecessor: the chain cannot fork.
        "CONSTRAINT {unique_prev} UNIQUE (prev_hash)) "
        "WITH ("
        "    autovacuum_enabled = true,"
        "    autovacuum_vacuum_threshold = 100000000,"
        "    autovacuum_vacuum_scale_factor = 0.5,"
        "    autovacuum_analyze_threshold = 1000,"
        "    autovacuum_analyze_scale_factor = 0.01"
        ")"
    ).format(
        schema=Identifier(schema),
        table=Identifier(events_table),
        originator_id_type=Identifier(originator_id_type),
        unique_prev=Identifier(prev_hash_constraint_name(events_table)),
    )


_library_insert_events = undecorated(es_postgres.PostgresApplicationRecorder.insert_events)


class LedgerPostgresApplicationRecorder(es_postgres.PostgresApplicationRecorder):
    """Inserts events with their links, in one transaction."""

    links_in_event_rows = True
    """The link columns are in the events table (the SQLite recorder has a ledger table)."""

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
        self.prev_hash_constraint = prev_hash_constraint_name(events_table_name)
        self.sql_create_statements[self.create_table_statement_index] = (
            create_events_table_statement(
                self.datastore.schema, events_table_name, self.datastore.originator_id_type
            )
        )
        schema, events = Identifier(self.datastore.schema), Identifier(events_table_name)
        # Reads return exactly the library's columns: the link costs readers nothing.
        self.select_events_statement = SQL(
            "SELECT " + EVENT_COLUMNS + " FROM {schema}.{table} WHERE originator_id = %s"
        ).format(schema=schema, table=events)
        self._select_notifications_from = SQL(
            "SELECT notification_id, " + EVENT_COLUMNS + " FROM {schema}.{table}"
        ).format(schema=schema, table=events)
        self._head_sql = (
            "coalesce((SELECT hash FROM {schema}.{events} WHERE hash IS NOT NULL "
            "ORDER BY notification_id DESC LIMIT 1), " + GENESIS_HASH_SQL + ")"
        )
        # Rendered on the first insert, when the table (and its id sequence) exists.
        self._linking_statements: dict[int, bytes] | None = None
        self._reserve_statement = b""
        self._insert_linked_statement = b""

    # --- statements ---------------------------------------------------------------------

    def _prepare_statements(self) -> None:
        """Render the insert statements, naming the id sequence of notification_id.

        Rendered once, to bytes in the connection's encoding: psycopg would otherwise compose
        (or encode) these long statements on every call, and hash a new bytes object each
        time to find its cached parse; one bytes object keeps its hash.
        """
        qualified = f"{_quote(self.datastore.schema)}.{_quote(self.events_table_name)}"
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                "SELECT pg_get_serial_sequence(%s, 'notification_id') AS seq", (qualified,)
            )
            row = curs.fetchone()
            self._render_statements(conn, row["seq"] if row else None, qualified)

    def _render_statements(self, conn: Any, sequence: str | None, qualified: str) -> None:
        if not sequence:
            msg = f"{qualified} has no notification_id sequence (create the table first)"
            raise ProgrammingError(msg)
        names = {
            "schema": Identifier(self.datastore.schema),
            "events": Identifier(self.events_table_name),
            "stored_event_type": Identifier(self.stored_event_type_name),
            "sequence": Literal(sequence),
        }
        linking_statements = {
            count: SQL(self._insert_and_link_sql(count)).format(**names).as_bytes(conn)
            for count in range(1, MAX_EVENTS_LINKED_IN_SQL + 1)
        }
        self._reserve_statement = SQL(
            "SELECT " + self._head_sql + " AS head, "
            "ARRAY(SELECT nextval({sequence}::regclass) FROM generate_series(1, %s::int)) AS ids"
        ).format(**names).as_bytes(conn)
        # Column arrays, sent in binary: a large transaction's states go as they are (as text,
        # each bytea would be hex-encoded and then escaped again inside a composite array).
        self._insert_linked_statement = SQL(
            "INSERT INTO {schema}.{events} (notification_id, " + EVENT_COLUMNS
            + ", prev_hash, hash) "
            "SELECT u.id, " + EVENT_COLUMNS + ", u.prev_hash, u.hash "
            "FROM unnest(%b::{originator_id_type}[], %b::bigint[], %b::text[], %b::bytea[], "
            "%b::bigint[], %b::bytea[], %b::bytea[]) AS u(" + EVENT_COLUMNS
            + ", id, prev_hash, hash) RETURNING notification_id"
        ).format(**names, originator_id_type=Identifier(self.datastore.originator_id_type)
                 ).as_bytes(conn)
        # Last: other threads take a set _linking_statements to mean all are rendered.
        self._linking_statements = linking_statements

    def _insert_and_link_sql(self, count: int) -> str:
        """One statement that inserts count events with their links, hashed by PostgreSQL.

        One subquery holds the events, their ids and the chain head: the ids come from the
        notification_id sequence in the events' order (nextval after nextval, so ascending),
        and the head is read after the table lock. The chain is unrolled (link k hashes link
        k-1), each link computed once behind an OFFSET 0 fence. A recursive query would do the
        same for any count, but costs more than the whole chain for one to three events.
        """
        oid_type = self.datastore.originator_id_type

        def field(k: int, name: str) -> str:
            return f"(p.a[{k}]).{name}"

        def link(k: int, prev_hash: str, position: str) -> str:
            oid = canonical_originator_id_sql(field(k, "originator_id"), oid_type)
            return link_hash_sql(prev_hash, position, oid, field(k, "originator_version"),
                                 field(k, "topic"), field(k, "state"))

        ids = ", ".join(f"nextval({{sequence}}::regclass) AS i{k}" for k in range(1, count + 1))
        inputs = (
            "(SELECT %s::{schema}.{stored_event_type}[] AS a, " + ids + ", "
            + self._head_sql + " AS h0 OFFSET 0) AS p"
        )
        insert = (
            "INSERT INTO {schema}.{events} (notification_id, " + EVENT_COLUMNS
            + ", prev_hash, hash) "
        )
        if count == 1:
            columns = ", ".join(field(1, column) for column in EVENT_COLUMNS.split(", "))
            return (
                insert + f"SELECT p.i1, {columns}, p.h0, {link(1, 'p.h0', 'p.i1')} "
                f"FROM {inputs} RETURNING notification_id"
            )
        sources = [inputs]
        for k in range(1, count + 1):
            prev = "p.h0" if k == 1 else f"c{k - 1}.h"
            sources.append(f"LATERAL (SELECT {link(k, prev, f'p.i{k}')} AS h OFFSET 0) AS c{k}")
        rows = ", ".join(
            f"(p.i{k}, p.a[{k}], {'p.h0' if k == 1 else f'c{k - 1}.h'}, c{k}.h)"
            for k in range(1, count + 1)
        )
        sources.append(f"LATERAL (VALUES {rows}) AS v(id, e, prev_hash, hash)")
        # Guard: the chain is in position order only if the ids ascend in the events' order.
        ascending = " AND ".join(f"p.i{k} < p.i{k + 1}" for k in range(1, count))
        return (
            insert
            + "SELECT v.id, (v.e).originator_id, (v.e).originator_version, (v.e).topic, "
            "(v.e).state, v.prev_hash, v.hash FROM " + ", ".join(sources)
            + f" WHERE {ascending} RETURNING notification_id"
        )

    # --- writing ------------------------------------------------------------------------

    # The library's reads, retried for a bounded time instead of ten times (ledger/retries.py).
    select_events = bounded_retry(es_postgres.PostgresApplicationRecorder.select_events)
    max_notification_id = bounded_retry(
        es_postgres.PostgresApplicationRecorder.max_notification_id)

    @bounded_retry
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if self._linking_statements is None and stored_events:
            self._prepare_statements()
        try:
            # The library's insert without its own ten retries (this method retries).
            ider: Sequence[int] | None = _library_insert_events(self, stored_events, **kwargs)
            return ider
        except IntegrityError as e:
            # A violated link constraint is no optimistic-concurrency conflict, and must not
            # look like one (callers retry those): the chain no longer matches the events.
            if _violated_constraint(e) == self.prev_hash_constraint:
                msg = f"cannot link events into {self.events_table_name}: {e}"
                raise LedgerWriteError(msg) from e
            raise

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> None:
        # As the library's _insert_stored_events, with statements that also link.
        assert self._linking_statements is not None
        self._lock_table(curs)
        self._notify_channel(curs)
        statement = self._linking_statements.get(len(stored_events))
        if statement is not None:
            pg_stored_events = [
                self.construct_pg_stored_event(
                    e.originator_id, e.originator_version, e.topic, e.state
                )
                for e in stored_events
            ]
            curs.execute(statement, (pg_stored_events,))
            return
        # Too many to unroll: head and ids first (one round trip), links hashed in Python.
        curs.execute(self._reserve_statement, (len(stored_events),))
        reserved = curs.fetchone()
        if reserved is None:
            msg = "reading the chain head returned no row"
            raise ProgrammingError(msg)
        uuid_ids = self.datastore.originator_id_type == "uuid"
        links = chain_links(
            bytes(reserved["head"]),
            sorted(reserved["ids"]),
            stored_events,
            uuid_column=uuid_ids,
        )
        positions, prev_hashes, hashes = (list(column) for column in zip(*links, strict=True))
        curs.execute(
            self._insert_linked_statement,
            (
                [
                    e.originator_id if uuid_ids else str(e.originator_id)
                    for e in stored_events
                ],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
                positions,
                prev_hashes,
                hashes,
            ),
        )

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **_: Any,
    ) -> Sequence[int] | None:
        if not (curs.statusmessage or "").startswith("INSERT"):
            msg = f"expected the events INSERT's result, got {curs.statusmessage!r}"
            raise ProgrammingError(msg)
        # Ascending ids are the events' order: they were taken in that order under the lock.
        notification_ids = sorted(row["notification_id"] for row in curs.fetchall())
        if len(notification_ids) != len(stored_events):
            # Only if the ids did not ascend in the events' order (the statement's guard).
            msg = (f"linked {len(notification_ids)} of {len(stored_events)} events: "
                   "notification ids were not taken in order")
            raise LedgerWriteError(msg)
        return notification_ids

    # --- reading: the library's queries, without the link columns ------------------------

    @bounded_retry
    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        """As eventsourcing 9.5.6's, selecting the library's columns instead of ``*``."""
        conditions: list[SQL] = []
        params: list[Any] = []
        if start is not None:
            conditions.append(SQL("notification_id>=%s" if inclusive_of_start
                                  else "notification_id>%s"))
            params.append(start)
        if stop is not None:
            conditions.append(SQL("notification_id <= %s"))
            params.append(stop)
        if topics:
            conditions.append(SQL("topic = ANY(%s)"))
            params.append(list(topics))
        statement = self._select_notifications_from
        if conditions:
            statement += SQL(" WHERE ") + SQL(" AND ").join(conditions)
        statement += SQL(" ORDER BY notification_id LIMIT %s")
        params.append(limit)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params, prepare=True)
            return [
                Notification(
                    id=row["notification_id"],
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in curs.fetchall()
            ]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _violated_constraint(error: IntegrityError) -> str | None:
    """The constraint the database reported violated (psycopg's diagnostics)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


class LedgerPostgresProcessRecorder(
    es_postgres.PostgresProcessRecorder, LedgerPostgresApplicationRecorder
):
    """A process recorder (tracking plus events) whose events are chained too."""


class LedgerPostgresFactory(es_postgres.PostgresFactory):
    """Infrastructure factory for ``PERSISTENCE_MODULE=application.infrastructure.ledger.postgres``."""

    application_recorder_class = LedgerPostgresApplicationRecorder
    process_recorder_class = LedgerPostgresProcessRecorder


Factory = LedgerPostgresFactory
