"""R26 (nothing is ever updated or deleted; every fact kept): the link rule that binds each
stored event to everything stored before it."""

from __future__ import annotations

import uuid

import pytest
from eventsourcing.persistence import StoredEvent

from application.infrastructure.ledger import (
    GENESIS_HASH,
    canonical_originator_id,
    ledger_table_name,
    link_hash,
)
from application.infrastructure.ledger.chain import chain_links
from application.infrastructure.ledger.errors import LedgerWriteError

TOPIC = "domain.bruker:Bruker.LeverandorValgt"
ID = "0123456789abcdef0123456789abcdef"


def test_the_encoding_is_pinned_by_a_known_answer() -> None:
    """R26: a changed encoding would orphan every stored chain; this vector must never move."""
    digest = link_hash(GENESIS_HASH, 1, ID, 1, TOPIC, b'{"a":1}')

    assert digest.hex() == "d33dd58fc0f2cc81dc340aff4535788864a49b3e5a03bd9c22cde4b9dd391c45"


def test_the_genesis_predecessor_is_32_zero_bytes() -> None:
    assert GENESIS_HASH == bytes(32)


@pytest.mark.parametrize(
    "changed",
    [
        dict(prev_hash=b"\x01" * 32),
        dict(position=2),
        dict(originator_id="0123456789abcdef0123456789abcdee"),
        dict(originator_version=2),
        dict(topic=TOPIC + "x"),
        dict(state=b'{"a":2}'),
    ],
)
def test_every_field_is_covered(changed: dict[str, object]) -> None:
    """R26: changing any one field of an event or its predecessor changes the link."""
    fields: dict[str, object] = dict(prev_hash=GENESIS_HASH, position=1, originator_id=ID,
                                     originator_version=1, topic=TOPIC, state=b'{"a":1}')
    assert link_hash(**fields) != link_hash(**{**fields, **changed})  # type: ignore[arg-type]


def test_fields_are_length_prefixed_so_bytes_cannot_move_between_them() -> None:
    """R26: 'ab' + 'c' and 'a' + 'bc' are different events, so they get different links."""
    one = link_hash(GENESIS_HASH, 1, ID, 1, "topic.a", b"bc")
    other = link_hash(GENESIS_HASH, 1, ID, 1, "topic.ab", b"c")

    assert one != other


def test_originator_ids_are_canonical_text() -> None:
    value = uuid.UUID(ID)

    assert canonical_originator_id(value, uuid_column=True) == ID
    assert canonical_originator_id(str(value).upper(), uuid_column=True) == ID
    assert canonical_originator_id(value, uuid_column=False) == ID
    assert canonical_originator_id("bruker-42", uuid_column=False) == "bruker-42"


def test_new_events_are_chained_in_position_order_from_the_head() -> None:
    events = [StoredEvent(uuid.UUID(ID), v, TOPIC, b"{}") for v in (1, 2)]
    head = b"\x07" * 32

    links = chain_links(head, [5, 6], events, uuid_column=True)

    first = link_hash(head, 5, ID, 1, TOPIC, b"{}")
    assert links == [(5, head, first), (6, first, link_hash(first, 6, ID, 2, TOPIC, b"{}"))]


def test_every_event_needs_a_notification_id() -> None:
    with pytest.raises(LedgerWriteError):
        chain_links(GENESIS_HASH, [1], [], uuid_column=True)


def test_each_events_table_has_its_own_ledger_table() -> None:
    assert ledger_table_name("stored_events") == "stored_ledger"
    assert ledger_table_name("brukervalgapp_events") == "brukervalgapp_ledger"
