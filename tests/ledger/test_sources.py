"""R26 (nothing is ever updated or deleted; every fact kept): the chain can be verified from
whatever an operator has at hand: the app's recorder, its settings, a DSN or a file path."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from application.infrastructure.ledger import EMPTY_CHAIN, LedgerSourceError, verify
from application.infrastructure.ledger.sqlite import LedgerSQLiteApplicationRecorder
from tests.ledger.conftest import PostgresLedgerDatabase, unique_events_table
from tests.ledger.stores import LedgerStore, postgres_store, sqlite_store


def test_an_empty_store_verifies_as_the_empty_chain(store: LedgerStore) -> None:
    report = verify(store.recorder)

    assert report.ok
    assert (report.count, report.head) == (0, EMPTY_CHAIN)


def test_progress_is_reported_up_to_the_last_position(store: LedgerStore) -> None:
    positions = store.append(10)
    calls: list[tuple[int, int]] = []

    verify(store.recorder, progress=lambda position, last: calls.append((position, last)))

    assert calls[-1] == (positions[-1], positions[-1])


def test_an_sqlite_file_verifies_by_path_and_by_settings(tmp_path: Path) -> None:
    chained = sqlite_store(tmp_path / "events.db")
    chained.append(10)
    chained.close()
    settings = {"PERSISTENCE_MODULE": "application.infrastructure.ledger.sqlite",
                "SQLITE_DBNAME": str(tmp_path / "events.db")}

    assert verify(str(tmp_path / "events.db")).count == verify(settings).count > 0
    assert verify(f"file:{tmp_path / 'events.db'}?mode=ro").ok


def test_an_in_memory_sqlite_store_verifies_through_its_recorder() -> None:
    recorder = LedgerSQLiteApplicationRecorder(SQLiteDatastore(db_name=":memory:"))
    recorder.create_table()
    chained = LedgerStore("sqlite", recorder, "stored_events", "stored_ledger", "rowid",
                          None, lambda: None)
    chained.append(5)

    assert verify(recorder).ok
    with pytest.raises(LedgerSourceError, match="in-memory"):
        verify(":memory:")


@pytest.mark.postgres
def test_a_postgres_store_verifies_by_dsn_and_by_settings(ledger_pg: PostgresLedgerDatabase) -> None:
    table = unique_events_table()
    chained = postgres_store(ledger_pg.datastore, ledger_pg.dsn, table)
    chained.append(10)
    chained.close()

    by_dsn = verify(ledger_pg.dsn, events_table=table)
    by_settings = verify(ledger_pg.env(), events_table=table)

    assert by_dsn.ok and by_settings.ok
    assert by_dsn.head == by_settings.head
    assert by_dsn.count > 0


def test_a_store_without_a_ledger_is_a_named_error(tmp_path: Path) -> None:
    plain = SQLiteApplicationRecorder(SQLiteDatastore(db_name=str(tmp_path / "plain.db")))
    plain.create_table()

    with pytest.raises(LedgerSourceError, match="stored_ledger"):
        verify(plain)


@pytest.mark.postgres
def test_a_postgres_store_without_a_ledger_is_a_named_error(ledger_pg: PostgresLedgerDatabase) -> None:
    with pytest.raises(LedgerSourceError):
        verify(ledger_pg.dsn, events_table="no_such_events")


def test_something_that_is_no_store_is_a_named_error() -> None:
    with pytest.raises(LedgerSourceError):
        verify(42)
    with pytest.raises(LedgerSourceError):
        verify({"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.mark.postgres
def test_a_postgres_events_table_without_links_is_a_named_error(
    ledger_pg: PostgresLedgerDatabase,
) -> None:
    """The library's own table (or one from before the links moved into the event rows)."""
    from eventsourcing.postgres import PostgresApplicationRecorder

    table = unique_events_table()
    PostgresApplicationRecorder(ledger_pg.datastore, events_table_name=table).create_table()

    with pytest.raises(LedgerSourceError, match="chain columns"):
        verify(ledger_pg.dsn, events_table=table)
