"""The link rule of the ledger: how one stored event is bound to everything stored before it.

Every stored event gets one link, in notification-id order, and each link's hash covers the hash
of the link before it. Changing, removing, adding or reordering any stored event therefore
changes every hash after it, which a verifier recomputes from the events themselves (R26).

This module is the one place the encoding is defined; the recorders (writing) and the verifier
(reading) both call :func:`link_hash_bytes`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from hashlib import sha256
from typing import TYPE_CHECKING
from uuid import UUID

from application.infrastructure.ledger.errors import LedgerWriteError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import StoredEvent

HASH_SIZE = 32
GENESIS_HASH = bytes(HASH_SIZE)
"""The predecessor of the first link: 32 zero bytes."""
GENESIS_HASH_SQL = f"decode('{GENESIS_HASH.hex()}', 'hex')"

# A version tag, so a future change of encoding cannot collide with links written today.
LINK_FORMAT = b"brukervalg.ledger.link.v1\x00"

_POSITION_AND_ID_LENGTH = struct.Struct(">qI").pack
_VERSION_AND_TOPIC_LENGTH = struct.Struct(">qI").pack
_STATE_LENGTH = struct.Struct(">Q").pack


def link_hash_bytes(
    prev_hash: bytes,
    position: int,
    originator_id: bytes,
    originator_version: int,
    topic: bytes,
    state: bytes,
) -> bytes:
    """SHA-256 over the canonical encoding of one link (text fields already UTF-8 encoded).

    Encoding: format tag, prev_hash (32 bytes), position (int64), len(originator_id) (uint32),
    originator_id, originator_version (int64), len(topic) (uint32), topic, len(state) (uint64),
    state. Every variable field is length-prefixed, so no two different events share an encoding.
    The state is hashed exactly as stored, so encrypted or compressed events stay verifiable
    (also after their key is destroyed).
    """
    # One join and one hash call: this runs once per event in verify's hot loop.
    return sha256(
        b"".join(
            (
                LINK_FORMAT,
                prev_hash,
                _POSITION_AND_ID_LENGTH(position, len(originator_id)),
                originator_id,
                _VERSION_AND_TOPIC_LENGTH(originator_version, len(topic)),
                topic,
                _STATE_LENGTH(len(state)),
                state,
            )
        )
    ).digest()


def link_hash_sql(
    prev_hash: str,
    position: str,
    originator_id: str,
    originator_version: str,
    topic: str,
    state: str,
) -> str:
    """The same encoding as :func:`link_hash_bytes`, as a PostgreSQL expression.

    Arguments are SQL expressions: prev_hash and state bytea, position and originator_version
    bigint, originator_id (canonical, see :func:`canonical_originator_id_sql`) and topic text.
    PostgreSQL hashes a transaction's few links inside its INSERT statement, which saves the
    writer a statement per transaction; a test checks both renderings agree.
    """
    # int8send/int4send are big-endian like the struct formats above; lengths never reach 2**31.
    oid = f"convert_to({originator_id}, 'UTF8')"
    topic_bytes = f"convert_to({topic}, 'UTF8')"
    return (
        f"sha256(decode('{LINK_FORMAT.hex()}', 'hex') || {prev_hash} || int8send({position}) "
        f"|| int4send(octet_length({oid})) || {oid} || int8send({originator_version}) "
        f"|| int4send(octet_length({topic_bytes})) || {topic_bytes} "
        f"|| int8send(octet_length({state})::bigint) || {state})"
    )


def canonical_originator_id_sql(column: str, column_type: str) -> str:
    """:func:`canonical_originator_id` as a PostgreSQL expression over an originator_id column."""
    return f"replace({column}::text, '-', '')" if column_type == "uuid" else f"{column}::text"


def canonical_originator_id(originator_id: UUID | str, *, uuid_column: bool) -> str:
    """The originator id as the chain sees it: UUIDs as 32 lowercase hex digits, text verbatim.

    Both stores must give the same text for the same stored row. SQLite keeps UUIDs as hex
    text; PostgreSQL's uuid column normalises whatever text it was given, so we do the same.
    """
    if isinstance(originator_id, UUID):
        return originator_id.hex
    if uuid_column:
        return UUID(originator_id).hex
    return originator_id


def link_hash(
    prev_hash: bytes,
    position: int,
    originator_id: str,
    originator_version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """The link hash for an event whose originator id is already canonical text."""
    return link_hash_bytes(
        prev_hash,
        position,
        originator_id.encode("utf-8"),
        originator_version,
        topic.encode("utf-8"),
        state,
    )


def ledger_table_name(events_table_name: str) -> str:
    """SQLite's links table beside an events table: ``stored_events`` -> ``stored_ledger``.

    (On PostgreSQL the links are columns of the events table itself.)
    """
    prefix = events_table_name.removesuffix("_events")
    return f"{prefix}_ledger"


def chain_links(
    head_hash: bytes,
    positions: Sequence[int],
    stored_events: Sequence[StoredEvent],
    *,
    uuid_column: bool,
) -> list[tuple[int, bytes, bytes]]:
    """Links ``(position, prev_hash, hash)`` for newly inserted events, continuing from head_hash.

    Positions are the notification ids the store gave the events, in insert order.
    """
    if len(positions) != len(stored_events):
        msg = f"got {len(positions)} notification ids for {len(stored_events)} stored events"
        raise LedgerWriteError(msg)
    links = []
    prev_hash = head_hash
    for position, event in zip(positions, stored_events, strict=True):
        originator_id = canonical_originator_id(event.originator_id, uuid_column=uuid_column)
        hash_ = link_hash(
            prev_hash, position, originator_id, event.originator_version, event.topic, event.state
        )
        links.append((position, prev_hash, hash_))
        prev_hash = hash_
    return links


@dataclass(frozen=True)
class ChainHead:
    """The newest link of a chain: its position (0 for an empty chain) and hash."""

    position: int
    hash: bytes


EMPTY_CHAIN = ChainHead(position=0, hash=GENESIS_HASH)
