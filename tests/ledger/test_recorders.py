"""R26 (nothing is ever updated or deleted; every fact kept): an application selects the
chained recorders with PERSISTENCE_MODULE alone, and every event it stores is linked, also
when encrypted at rest and also through a process recorder."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from eventsourcing.application import Application
from eventsourcing.cipher import AESCipher
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import InfrastructureFactory, StoredEvent, Tracking

from application.infrastructure.ledger import LedgerConfigurationError, verify
from application.infrastructure.ledger.postgres import (
    LedgerPostgresApplicationRecorder,
    LedgerPostgresFactory,
    LedgerPostgresProcessRecorder,
)
from application.infrastructure.ledger.sqlite import (
    LedgerSQLiteApplicationRecorder,
    LedgerSQLiteFactory,
    LedgerSQLiteProcessRecorder,
)
from tests.ledger.conftest import PostgresLedgerDatabase


class Notat(Aggregate):
    """A throwaway aggregate: the chain does not care what the events mean."""

    def __init__(self, tekst: str):
        self.tekst = tekst

    @event("Endret")
    def endre(self, tekst: str) -> None:
        self.tekst = tekst


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "application.infrastructure.ledger.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "app.db")}


def test_the_sqlite_module_resolves_to_the_chained_factory(tmp_path: Path) -> None:
    factory = InfrastructureFactory.construct(sqlite_env(tmp_path))

    assert type(factory) is LedgerSQLiteFactory
    assert type(factory.application_recorder()) is LedgerSQLiteApplicationRecorder
    assert type(factory.process_recorder()) is LedgerSQLiteProcessRecorder
    factory.close()


@pytest.mark.postgres
def test_the_postgres_module_resolves_to_the_chained_factory(ledger_pg: PostgresLedgerDatabase) -> None:
    env = {**ledger_pg.env(), "PERSISTENCE_MODULE": "application.infrastructure.ledger.postgres"}
    factory = InfrastructureFactory.construct(env)

    assert type(factory) is LedgerPostgresFactory
    assert type(factory.application_recorder()) is LedgerPostgresApplicationRecorder
    assert type(factory.process_recorder()) is LedgerPostgresProcessRecorder
    factory.close()


@pytest.mark.postgres
def test_postgres_database_functions_are_refused(ledger_pg: PostgresLedgerDatabase) -> None:
    """The library's database-function insert path would write events without links."""
    env = {**ledger_pg.env(), "PERSISTENCE_MODULE": "application.infrastructure.ledger.postgres",
           "POSTGRES_ENABLE_DB_FUNCTIONS": "y"}

    with pytest.raises(LedgerConfigurationError):
        InfrastructureFactory.construct(env).application_recorder()


def app_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "sqlite":
        return sqlite_env(tmp_path)
    database: PostgresLedgerDatabase = request.getfixturevalue("ledger_pg")
    return {**database.env(), "PERSISTENCE_MODULE": "application.infrastructure.ledger.postgres"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return app_env(request, tmp_path)


def test_an_encrypting_application_chains_the_stored_ciphertext(env: dict[str, str]) -> None:
    """R26: the chain covers the bytes as stored, so it verifies without the cipher key (and
    stays valid if the key is destroyed to forget a person)."""
    # A uniquely named application gets its own tables on the shared PostgreSQL database.
    app_class = type(f"Notater{uuid.uuid4().hex[:8]}", (Application,), {})
    app = app_class(env={**env, "CIPHER_KEY": AESCipher.create_key(16)})
    notat = Notat("hemmelig tekst")
    notat.endre("enda mer hemmelig")
    app.save(notat)
    app.save(Notat("en til"))

    stored = app.recorder.select_notifications(start=1, limit=10)
    report = verify(app.recorder)

    assert all(b"hemmelig" not in n.state for n in stored)
    assert report.ok, report.summary()
    assert report.count == len(stored) == 3
    app.close()


def test_a_process_recorder_chains_its_events_and_keeps_its_tracking(env: dict[str, str]) -> None:
    factory = InfrastructureFactory.construct({**env, "NAME": "ignored"})
    recorder = factory.process_recorder()
    originator_id = uuid.uuid4()

    recorder.insert_events([StoredEvent(originator_id, 1, "a.b:C", b"{}")],
                           tracking=Tracking("oppstroms", 7))
    recorder.insert_events([StoredEvent(originator_id, 2, "a.b:C", b"{}")],
                           tracking=Tracking("oppstroms", 8))

    report = verify(recorder)
    assert report.ok, report.summary()
    assert report.count >= 2
    assert recorder.max_tracking_id("oppstroms") == 8
    factory.close()


@pytest.mark.postgres
def test_postgres_reads_return_what_the_library_returns(ledger_pg: PostgresLedgerDatabase) -> None:
    """The link columns stay out of reads: the chained recorder's select_events and
    select_notifications answer exactly as eventsourcing's own recorder on the same table."""
    from eventsourcing.postgres import PostgresApplicationRecorder

    from tests.ledger.conftest import unique_events_table

    table = unique_events_table()
    chained = LedgerPostgresApplicationRecorder(ledger_pg.datastore, events_table_name=table)
    chained.create_table()
    library = PostgresApplicationRecorder(ledger_pg.datastore, events_table_name=table)
    ids = [uuid.uuid4() for _ in range(3)]
    for version in range(1, 5):
        chained.insert_events([StoredEvent(i, version, f"a.b:T{version % 2}", b"{}") for i in ids])

    for kwargs in ({}, {"gt": 1}, {"lte": 3, "desc": True}, {"limit": 2}):
        assert chained.select_events(ids[1], **kwargs) == library.select_events(ids[1], **kwargs)
    for args, kwargs in [((1, 5), {}), ((3, 20), {"stop": 9}), ((2, 20), {"topics": ["a.b:T1"]}),
                         ((2, 20), {"inclusive_of_start": False, "topics": ("a.b:T0",)}),
                         ((None, 4), {})]:
        assert (chained.select_notifications(*args, **kwargs)
                == library.select_notifications(*args, **kwargs))
    assert len(chained.select_notifications(1, 100)) == 12
