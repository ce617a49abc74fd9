"""R26 (nothing is ever updated or deleted; every fact kept): PostgreSQL hashes the links of
small transactions itself; its rendering of the link rule must give exactly Python's bytes."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

from application.infrastructure.ledger import link_hash, verify
from application.infrastructure.ledger.chain import canonical_originator_id_sql, link_hash_sql
from application.infrastructure.ledger.postgres import LedgerPostgresApplicationRecorder
from tests.ledger.conftest import PostgresLedgerDatabase, unique_events_table

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "position, originator_id, version, topic, state",
    [
        (1, "0123456789abcdef0123456789abcdef", 1, "domain.bruker:Bruker.LeverandorValgt", b'{"a":1}'),
        (2**40, "bruker-42", 2**40, "domene.værdi:Hendelse.Å", b""),
        (7, "", 0, "", bytes(range(256)) * 40),
    ],
)
def test_postgres_and_python_hash_a_link_alike(
    ledger_pg: PostgresLedgerDatabase,
    position: int, originator_id: str, version: int, topic: str, state: bytes,
) -> None:
    prev = bytes(range(32))
    expression = link_hash_sql("%(prev)s", "%(position)s::bigint", "%(oid)s::text",
                               "%(version)s::bigint", "%(topic)s::text", "%(state)s")
    with psycopg.connect(ledger_pg.dsn) as conn:
        (from_sql,) = conn.execute(f"SELECT {expression}", {  # type: ignore[call-overload]
            "prev": prev, "position": position, "oid": originator_id, "version": version,
            "topic": topic, "state": state}).fetchone()

    assert bytes(from_sql) == link_hash(prev, position, originator_id, version, topic, state)


def test_uuid_ids_are_canonical_in_sql_as_in_python(ledger_pg: PostgresLedgerDatabase) -> None:
    value = uuid.uuid4()
    with psycopg.connect(ledger_pg.dsn) as conn:
        (text,) = conn.execute(
            f"SELECT {canonical_originator_id_sql('%s::uuid', 'uuid')}", (str(value).upper(),)
        ).fetchone()

    assert text == value.hex


def test_text_originator_ids_are_chained_and_verified(ledger_pg: PostgresLedgerDatabase) -> None:
    """R26: stores configured with ORIGINATOR_ID_TYPE=text are chained the same way."""
    datastore = ledger_pg.new_datastore(originator_id_type="text")
    recorder = LedgerPostgresApplicationRecorder(datastore, events_table_name=unique_events_table())
    recorder.create_table()

    recorder.insert_events([StoredEvent("bruker-1", 1, "a.b:C", b"{}")])
    recorder.insert_events([StoredEvent(f"bruker-{n}", 1, "a.b:C", b"{}") for n in range(2, 30)])

    report = verify(recorder)
    assert report.ok, report.summary()
    assert report.count == 29
    datastore.close()



def test_a_large_transaction_goes_as_binary_columns_and_reads_back_byte_for_byte(
        ledger_pg: PostgresLedgerDatabase) -> None:
    """R26: above eight events a transaction's states are sent as binary column arrays (not as a
    text composite array); every byte value must arrive as written, linked and verifiable."""
    datastore = ledger_pg.new_datastore()
    recorder = LedgerPostgresApplicationRecorder(datastore, events_table_name=unique_events_table())
    recorder.create_table()
    events = [StoredEvent(uuid.uuid4(), n, "a.b:Æ", bytes(range(256)) * n + b'"\\\x00')
              for n in range(1, 21)]
    recorder.insert_events(events)

    for e in events:
        (lest,) = recorder.select_events(e.originator_id)
        assert (lest.originator_version, lest.topic, lest.state) == (
            e.originator_version, e.topic, e.state)
    report = verify(recorder)
    assert report.ok, report.summary()
    assert report.count == 20
    datastore.close()
