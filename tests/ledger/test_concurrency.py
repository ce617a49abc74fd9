"""R26 (nothing is ever updated or deleted; every fact kept): many writers at once still make
one complete chain: no fork, no gap, no event left without its link."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.sqlite import SQLiteDatastore

from application.infrastructure.ledger import verify
from application.infrastructure.ledger.postgres import LedgerPostgresApplicationRecorder
from application.infrastructure.ledger.sqlite import LedgerSQLiteApplicationRecorder
from tests.ledger.conftest import PostgresLedgerDatabase, unique_events_table


def write_single_events(recorder: ApplicationRecorder, count: int) -> list[int]:
    """One writer: count transactions of one event each, on its own aggregate."""
    originator_id = uuid.uuid4()
    positions: list[int] = []
    for version in range(1, count + 1):
        state = f'{{"skriver":"{originator_id}","v":{version}}}'.encode()
        positions += recorder.insert_events([StoredEvent(originator_id, version, "a.b:C", state)]) or []
    return positions


def run_writers(recorders: list[ApplicationRecorder], count: int) -> list[int]:
    with ThreadPoolExecutor(max_workers=len(recorders)) as pool:
        results = pool.map(write_single_events, recorders, [count] * len(recorders))
        return sorted(p for positions in results for p in positions)


@pytest.mark.postgres
def test_eight_concurrent_postgres_writers_make_one_complete_chain(
    ledger_pg: PostgresLedgerDatabase,
) -> None:
    """R26: eight connections inserting at once: the table lock makes the chain one line."""
    table = unique_events_table()
    datastores = [ledger_pg.new_datastore(pool_size=1) for _ in range(8)]
    recorders: list[ApplicationRecorder] = [
        LedgerPostgresApplicationRecorder(d, events_table_name=table) for d in datastores
    ]
    for recorder in recorders:
        recorder.create_table()  # also registers the composite type on each pool

    positions = run_writers(recorders, 60)

    report = verify(recorders[0])
    assert report.ok, report.summary()
    assert report.count == len(positions) == 8 * 60
    assert positions == list(range(1, 8 * 60 + 1))  # no gap
    for datastore in datastores:
        datastore.close()


def test_four_sqlite_connections_writing_at_once_make_one_complete_chain(tmp_path: Path) -> None:
    """R26: separate connections (as separate processes would) serialise on SQLite's lock."""
    path = str(tmp_path / "events.db")
    datastores = [SQLiteDatastore(db_name=path, lock_timeout=30) for _ in range(4)]
    recorders: list[ApplicationRecorder] = [LedgerSQLiteApplicationRecorder(d) for d in datastores]
    recorders[0].create_table()

    positions = run_writers(recorders, 40)

    report = verify(path)
    assert report.ok, report.summary()
    assert positions == list(range(1, 4 * 40 + 1))
    for datastore in datastores:
        datastore.close()
