"""R26 (nothing is ever updated or deleted; every fact kept): a DBA who edits the event log
directly is caught. Each test tampers with one thing and expects verify to name the exact
first position and the kind of break; the untouched store verifies OK. Runs on SQLite and
PostgreSQL, through the chained recorders with synthetic stored events.
"""

from __future__ import annotations

import os
import uuid

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from application.infrastructure.ledger import (
    BreakKind,
    LedgerWriteError,
    canonical_originator_id,
    generate_private_key,
    link_hash,
    sign_checkpoint,
    verify,
)
from tests.ledger.stores import TOPIC, LedgerStore


def broken_at(store: LedgerStore, **kwargs: object) -> tuple[int, BreakKind]:
    report = verify(store.recorder, **kwargs)  # type: ignore[arg-type]
    assert report.broken is not None, report.summary()
    return report.broken.position, report.broken.kind


def forged_event() -> StoredEvent:
    return StoredEvent(uuid.uuid4(), 1, TOPIC, b'{"leverandor":"Forfalsket AS"}')


def test_untouched_store_verifies_with_every_event_linked_once(store: LedgerStore) -> None:
    """R26: every event gets exactly one link; the untouched chain verifies OK."""
    positions = store.append(40)

    report = verify(store.recorder)

    assert report.ok, report.summary()
    assert report.count == len(positions) == store.count("events") == store.count_links()
    assert report.head.position == positions[-1]
    assert report.head.hash == store.link_row(positions[-1])[1]
    assert report.rate > 0


@pytest.mark.parametrize("batch_sizes", [[1, 2, 3], [8, 9], [40, 1]])
def test_links_are_the_documented_hash_of_predecessor_and_stored_row(
    store: LedgerStore, batch_sizes: list[int]
) -> None:
    """R26: link = SHA-256(prev_hash, position, originator id, version, topic, stored state),
    for small transactions (hashed by PostgreSQL in the INSERT) and large ones alike."""
    positions: list[int] = []
    for size in batch_sizes:
        originator_id = uuid.uuid4()
        events = [store.next_event(originator_id) for _ in range(size)]
        positions += store.recorder.insert_events(events) or []

    prev = bytes(32)
    for position in positions:
        originator_id, version, topic, state = store.event_row(position)
        text_id = canonical_originator_id(originator_id, uuid_column=store.kind == "postgres")
        expected = link_hash(prev, position, text_id, version, topic, bytes(state))
        assert store.link_row(position) == (prev, expected)
        prev = expected


def test_a_conflicting_insert_leaves_no_link_and_the_chain_goes_on(store: LedgerStore) -> None:
    """R26: a rejected write leaves no trace in the chain; later writes continue it."""
    positions = store.append(5)
    originator_id, version, _, _ = store.event_row(positions[-1])
    duplicate = StoredEvent(uuid.UUID(str(originator_id)), version, TOPIC, b"{}")

    with pytest.raises(IntegrityError):
        store.recorder.insert_events([duplicate])
    store.append(5, seed=2)

    report = verify(store.recorder)
    assert report.ok, report.summary()
    assert store.count_links() == store.count("events") == report.count


def test_one_changed_byte_of_state_is_named(store: LedgerStore) -> None:
    """R26: changing one byte of one stored event breaks the chain exactly there."""
    positions = store.append(30)
    store.flip_state_byte(positions[17])

    assert broken_at(store) == (positions[17], BreakKind.CHANGED)


def test_changed_metadata_is_named(store: LedgerStore) -> None:
    """R26: the topic and version are chained too, not only the state."""
    positions = store.append(30)
    store.sql("UPDATE {events} SET topic = %s WHERE {pos} = %s", ("x.y:Z", positions[8]))

    assert broken_at(store) == (positions[8], BreakKind.CHANGED)


def test_altered_prev_hash_of_a_link_is_named(store: LedgerStore) -> None:
    """R26: the ledger rows themselves are not trusted: an edited link is caught."""
    positions = store.append(20)
    store.sql("UPDATE {ledger} SET prev_hash = %s WHERE {lpos} = %s", (os.urandom(32), positions[4]))

    assert broken_at(store) == (positions[4], BreakKind.CHANGED)


@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_a_deleted_event_row_is_named(store: LedgerStore, which: str) -> None:
    """R26: deleting an event is named at the deleted position: on SQLite its link stays
    behind; on PostgreSQL the link goes with the row, and the next link names what is gone."""
    positions = store.append(30)
    target = {"first": positions[0], "middle": positions[11], "last": positions[-1]}[which]
    if which == "last" and store.links_in_event_rows:
        pytest.skip("the newest row with its link gone is a truncation: see the next test")
    store.delete_event(target)

    assert broken_at(store) == (target, BreakKind.DELETED)


def test_the_newest_event_deleted_with_its_link_is_named_against_a_checkpoint(
    store: LedgerStore,
) -> None:
    """R26: removing the newest event and its link leaves a shorter, valid-looking chain
    (on PostgreSQL one DELETE does it, the link being in the row); a signed checkpoint
    names the first missing position."""
    positions = store.append(30)
    checkpoint = sign_checkpoint(generate_private_key(), verify(store.recorder).head)
    store.delete_event(positions[-1])
    store.delete_link(positions[-1])

    assert verify(store.recorder).ok  # like any cut tail, invisible without a checkpoint
    assert broken_at(store, checkpoints=[checkpoint]) == (positions[-1], BreakKind.TRUNCATED)


def test_a_deleted_event_with_its_link_is_named(store: LedgerStore) -> None:
    """R26: deleting an event and its link leaves the next link without its predecessor."""
    positions = store.append(30)
    store.delete_event(positions[12])
    store.delete_link(positions[12])

    assert broken_at(store) == (positions[12], BreakKind.DELETED)


def test_an_event_inserted_without_a_link_is_named(store: LedgerStore) -> None:
    """R26: an event slipped into the table outside the recorder has no link."""
    store.append(20)
    forged = store.insert_event(forged_event())
    store.append(5, seed=2)  # the application goes on writing after the forgery

    assert broken_at(store) == (forged, BreakKind.INSERTED)


def test_an_event_inserted_with_a_link_off_the_chain_is_named(store: LedgerStore) -> None:
    """R26: a forged link that does not continue from its predecessor is caught."""
    store.append(20)
    event = forged_event()
    forged = store.insert_event(event)
    fake_prev = os.urandom(32)
    store.insert_link(forged, fake_prev, link_hash(fake_prev, forged, event.originator_id.hex, 1,
                                                     TOPIC, event.state))

    assert broken_at(store) == (forged, BreakKind.INSERTED)


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_an_event_forged_into_a_gap_with_a_well_formed_link_is_named(store: LedgerStore) -> None:
    """R26: PostgreSQL leaves gaps in notification ids (rolled-back inserts); an event forged
    into one, with a link computed exactly like the recorder's, is still caught."""
    store.append(10)
    gap = store.sql("SELECT nextval(pg_get_serial_sequence('{events}', 'notification_id'))")[0][0]
    store.append(10, seed=2)
    event = forged_event()
    before_gap = store.link_row(gap - 1)[1]
    forged_link = link_hash(before_gap, gap, event.originator_id.hex, 1, TOPIC, event.state)
    store.insert_event_at(gap, event)
    store.sql("ALTER TABLE {ledger} DROP CONSTRAINT {ledger}_prev_hash_key")  # in the way
    store.insert_link(gap, before_gap, forged_link)
    assert store.link_row(gap) == (before_gap, forged_link)

    assert broken_at(store) == (gap, BreakKind.INSERTED)


def test_a_fork_is_refused_by_the_database(store: LedgerStore) -> None:
    """R26: no two links may share a predecessor (UNIQUE prev_hash)."""
    positions = store.append(5)
    prev, _ = store.link_row(positions[2])

    with pytest.raises(Exception, match="(?i)unique"):
        store.insert_linked_event_at(positions[-1] + 100, forged_event(), prev, os.urandom(32))


def test_the_recorder_refuses_to_write_past_a_tampered_ledger(store: LedgerStore) -> None:
    """R26: a write that cannot be linked is rolled back, event and all, with a named error:
    here a forged link, out of the way at position 0, already claims the head as predecessor."""
    positions = store.append(5)
    _, head = store.link_row(positions[-1])
    store.insert_linked_event_at(0, forged_event(), head, os.urandom(32))
    events_before = store.count("events")

    with pytest.raises(LedgerWriteError):
        store.recorder.insert_events([forged_event()])
    with pytest.raises(LedgerWriteError):
        store.recorder.insert_events([store.next_event(uuid.uuid4()) for _ in range(3)])
    assert store.count("events") == events_before


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_an_event_row_without_a_link_is_refused_by_postgres(store: LedgerStore) -> None:
    """R26: on PostgreSQL the link is part of the event row (NOT NULL): a writer that does not
    chain, such as the plain eventsourcing recorder on the same table, cannot store events."""
    store.append(3)
    event = forged_event()

    with pytest.raises(Exception, match="(?i)null"):
        store.sql("INSERT INTO {events} (originator_id, originator_version, topic, state) "
                  "VALUES (%s, %s, %s, %s)", (event.originator_id, 1, TOPIC, event.state))
    assert verify(store.recorder).ok


def test_swapped_states_are_named_as_reordered(store: LedgerStore) -> None:
    """R26: two events' states swapped: each matches the other's link."""
    positions = store.append(30)
    first, second = positions[6], positions[21]
    state_a, state_b = store.event_row(first)[3], store.event_row(second)[3]
    store.set_state(first, bytes(state_b))
    store.set_state(second, bytes(state_a))

    assert broken_at(store) == (first, BreakKind.REORDERED)


def test_a_truncated_tail_is_named_against_a_checkpoint(store: LedgerStore) -> None:
    """R26: cutting off the newest events leaves a valid-looking shorter chain; only a signed
    checkpoint shows what is missing, from the first removed position."""
    positions = store.append(30)
    checkpoint = sign_checkpoint(generate_private_key(), verify(store.recorder).head)
    store.truncate_after(positions[19])

    assert verify(store.recorder).ok  # without the checkpoint nothing looks wrong
    assert broken_at(store, checkpoints=[checkpoint]) == (positions[20], BreakKind.TRUNCATED)


def test_a_truncated_and_rewritten_tail_is_named_against_a_checkpoint(store: LedgerStore) -> None:
    """R26: a cut tail refilled with new events no longer reaches the signed hash."""
    positions = store.append(30)
    checkpoint = sign_checkpoint(generate_private_key(), verify(store.recorder).head)
    store.truncate_after(positions[19])
    store.append(25, seed=9)

    position, kind = broken_at(store, checkpoints=[checkpoint])

    assert kind is BreakKind.TRUNCATED
    # SQLite reuses the freed positions, so the chain is found rewritten at the checkpoint's
    # own position; PostgreSQL numbers on, so the signed position is simply missing.
    assert position == (positions[-1] if store.kind == "sqlite" else positions[20])


def test_a_checkpoint_in_the_past_keeps_matching_as_the_chain_grows(store: LedgerStore) -> None:
    """R26: appending never changes history: an old checkpoint still matches."""
    store.append(10)
    checkpoint = sign_checkpoint(generate_private_key(), verify(store.recorder).head)
    store.append(10, seed=2)

    report = verify(store.recorder, checkpoints=[checkpoint])

    assert report.ok, report.summary()
    assert report.checkpoints_checked == 1


def test_a_checkpoint_with_another_hash_is_named(store: LedgerStore) -> None:
    """R26: the chain at a checkpoint's position must have exactly its hash."""
    positions = store.append(10)
    head = verify(store.recorder).head
    checkpoint = sign_checkpoint(generate_private_key(), type(head)(head.position, os.urandom(32)))

    assert broken_at(store, checkpoints=[checkpoint]) == (positions[-1], BreakKind.TRUNCATED)


def test_two_whole_events_swapped_are_named_as_reordered(store: LedgerStore) -> None:
    """R26: two events moved into each other's positions (ids, versions, topics, states)."""
    positions = store.append(30)
    first, second = positions[3], positions[15]
    a, b = store.event_row(first), store.event_row(second)
    update = ("UPDATE {events} SET originator_id = %s, originator_version = %s, topic = %s, "
              "state = %s WHERE {pos} = %s")
    store.sql("UPDATE {events} SET originator_version = -1 WHERE {pos} = %s", (first,))
    store.sql(update, (*a, second))
    store.sql(update, (*b, first))

    assert broken_at(store) == (first, BreakKind.REORDERED)


def test_a_change_is_not_mistaken_for_a_swap_when_states_repeat(store: LedgerStore) -> None:
    """R26: identical states elsewhere in the log do not make a changed event look moved."""
    same = b'{"gjentatt":true}'
    positions = [
        *(store.recorder.insert_events([StoredEvent(uuid.uuid4(), 1, TOPIC, same)]) or []),
        *(store.recorder.insert_events([StoredEvent(uuid.uuid4(), 1, TOPIC, same)]) or []),
    ]
    store.sql("UPDATE {events} SET topic = %s WHERE {pos} = %s", ("x.y:Z", positions[0]))

    assert broken_at(store) == (positions[0], BreakKind.CHANGED)
