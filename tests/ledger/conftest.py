"""Fixtures for the ledger tests: a chained store on SQLite and on PostgreSQL.

PostgreSQL runs on the session's throwaway server (the shared ``pg`` fixture); every test gets
its own events and ledger tables in one database, which is much faster than a database each.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.postgres import PostgresDatastore

from tests.ledger.stores import LedgerStore, postgres_store, sqlite_store
from tests.pgserver import APP_PASSWORD, APP_USER, ThrowawayPostgres

_tables = itertools.count()


class PostgresLedgerDatabase:
    """One database on the throwaway server, with a connection pool for recorders."""

    def __init__(self, server: ThrowawayPostgres, dbname: str):
        self.server = server
        self.dbname = dbname
        self.dsn = server.dsn(dbname)
        self.datastore = self.new_datastore()

    def new_datastore(self, pool_size: int = 2, originator_id_type: str = "uuid") -> PostgresDatastore:
        return PostgresDatastore(dbname=self.dbname, host="127.0.0.1", port=self.server.port,
                                 user=APP_USER, password=APP_PASSWORD, pool_size=pool_size,
                                 originator_id_type=originator_id_type)  # type: ignore[arg-type]

    def env(self) -> dict[str, str]:
        return self.server.env(self.dbname)


@pytest.fixture(scope="session")
def ledger_pg(pg: ThrowawayPostgres) -> Iterator[PostgresLedgerDatabase]:
    database = PostgresLedgerDatabase(pg, pg.create_database("ledger_tests"))
    yield database
    database.datastore.close()


def unique_events_table() -> str:
    return f"t{next(_tables)}_events"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerStore]:
    """A fresh, empty chained store; the test body runs once per backend."""
    if request.param == "sqlite":
        chained = sqlite_store(tmp_path / "events.db")
    else:
        database: PostgresLedgerDatabase = request.getfixturevalue("ledger_pg")
        chained = postgres_store(database.datastore, database.dsn, unique_events_table())
    yield chained
    chained.close()
