"""Re-walk a store's hash chain from its events and name the first place it breaks (R26).

The verifier trusts nothing stored in the ledger table: it recomputes every link hash from the
event rows, in position order, and compares. Where the comparison fails it looks a little
further (a bounded window of later rows, and links whose event is gone) to say what happened:

- ``changed``: an event's bytes or metadata, or its link, differ from what was chained;
- ``deleted``: a link whose event is gone, or a link whose predecessor is gone;
- ``inserted``: an event without a link, or whose link does not continue the chain;
- ``reordered``: an event's bytes belong to a later link (two events swapped);
- ``truncated``: the store ends before a signed checkpoint, or differs from it there.

Appending valid-looking links at the very end needs no secret, so only a signed checkpoint
protects what came before it; see :mod:`application.infrastructure.ledger.checkpoints`.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from application.infrastructure.ledger.chain import GENESIS_HASH, ChainHead, link_hash_bytes
from application.infrastructure.ledger.checkpoints import Checkpoint, verify_checkpoint
from application.infrastructure.ledger.errors import CheckpointError
from application.infrastructure.ledger.sources import ChainReader, Row, open_source

Progress = Callable[[int, int], None]
"""Called as ``progress(position_reached, last_position)`` after each batch."""

# Small batches keep the rows in CPU cache while they are hashed: about 1.5x faster than
# batches of 20,000 on PostgreSQL. Progress is reported every PROGRESS_ROWS rows.
BATCH_ROWS = 1_000
PROGRESS_ROWS = 50_000
LOOKAHEAD_ROWS = 10_000


class BreakKind(StrEnum):
    CHANGED = "changed"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"


@dataclass(frozen=True)
class ChainBreak:
    """The first position where the chain breaks, what kind of break it is, and why."""

    position: int
    kind: BreakKind
    detail: str


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of one verification run."""

    count: int
    """Events whose links were recomputed and matched (up to the break, if any)."""
    seconds: float
    head: ChainHead
    """The last link that verified: sign this to make a checkpoint."""
    checkpoints_checked: int
    broken: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    @property
    def rate(self) -> float:
        """Events verified per second."""
        return self.count / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        if self.broken is None:
            return (
                f"OK: {self.count} events verified up to position {self.head.position} "
                f"({self.rate:,.0f} events/s), {self.checkpoints_checked} checkpoint(s) matched, "
                f"head {self.head.hash.hex()}"
            )
        return (
            f"BROKEN at position {self.broken.position}: {self.broken.kind} "
            f"({self.broken.detail}); {self.count} events verified before it"
        )


def verify(
    recorder_or_connection_info: Any,
    checkpoints: Iterable[Checkpoint | Mapping[str, Any]] | None = None,
    progress: Progress | None = None,
    *,
    trusted_public_keys: Iterable[str] | None = None,
    events_table: str | None = None,
    schema: str | None = None,
) -> VerifyReport:
    """Recompute the whole chain from the stored events and report the first break, if any.

    Args:
        recorder_or_connection_info: what :func:`application.infrastructure.ledger.sources.open_source`
            accepts: a recorder, app settings, a PostgreSQL DSN or an SQLite path.
        checkpoints: signed checkpoints (documents or verified ``Checkpoint``s); the chain at
            each one's position must have exactly its hash.
        progress: called as ``progress(position_reached, last_position)`` after each batch.
        trusted_public_keys: hex Ed25519 keys; if given, every checkpoint document must be
            signed by one of them.
        events_table, schema: where the events are, when not given a recorder.

    Raises:
        CheckpointError: a checkpoint document is malformed, forged or signed by an
            untrusted key (a broken chain is reported, not raised).
    """
    expected = _checked_checkpoints(checkpoints, trusted_public_keys)
    source = open_source(recorder_or_connection_info, events_table=events_table, schema=schema)
    started = time.perf_counter()
    walk = _Walk(expected)
    with source.read() as reader:
        broken = _walk_store(reader, walk, progress)
    return VerifyReport(
        count=walk.count,
        seconds=time.perf_counter() - started,
        head=ChainHead(walk.head_position, walk.head_hash),
        checkpoints_checked=walk.checkpoints_checked,
        broken=broken,
    )


def _checked_checkpoints(
    checkpoints: Iterable[Checkpoint | Mapping[str, Any]] | None,
    trusted_public_keys: Iterable[str] | None,
) -> list[Checkpoint]:
    trusted = None if trusted_public_keys is None else set(trusted_public_keys)
    checked = []
    for item in checkpoints or ():
        if isinstance(item, Checkpoint):
            checked.append(item)
        else:
            checked.append(verify_checkpoint(item, trusted_public_keys=trusted))
    for checkpoint in checked:
        if checkpoint.position == 0 and checkpoint.hash != GENESIS_HASH:
            msg = "a checkpoint at position 0 must carry the genesis hash"
            raise CheckpointError(msg)
    return checked


class _Stop(Enum):
    LINK = "link"  # the row does not continue the chain
    CHECKPOINT_MISSING = "checkpoint missing"  # the stream passed a checkpoint's position
    CHECKPOINT_HASH = "checkpoint hash"  # the chain has another hash at a checkpoint


class _Walk:
    """The running state of one walk along the chain."""

    def __init__(self, checkpoints: list[Checkpoint]):
        self.head_hash = GENESIS_HASH
        self.head_position = 0
        self.before_head: bytes | None = None  # the hash before head_hash
        self.count = 0
        self.checkpoints_checked = sum(1 for c in checkpoints if c.position == 0)
        self._pending = deque(sorted((c for c in checkpoints if c.position > 0),
                                     key=lambda c: c.position))

    @property
    def pending_checkpoint(self) -> Checkpoint | None:
        return self._pending[0] if self._pending else None

    def _next_stop(self) -> int:
        return self._pending[0].position if self._pending else sys.maxsize

    def _reach_checkpoints(self, position: int, head: bytes) -> bool:
        """Tick off the checkpoints at this position; False if one has another hash."""
        while self._pending and self._pending[0].position == position:
            if self._pending[0].hash != head:
                return False
            self._pending.popleft()
            self.checkpoints_checked += 1
        return True

    def advance(self, rows: list[Row]) -> tuple[int, _Stop] | None:
        """Extend the verified chain over rows; the index and reason of the first stop, if any.

        The hot loop of verification: one hash per event, locals only, nothing decoded.
        """
        head, before, head_position, count = self.head_hash, self.before_head, self.head_position, 0
        stop_at = self._next_stop()
        link = link_hash_bytes
        index = 0
        try:
            for index, (position, originator_id, version, topic, state, prev, stored) in (
                enumerate(rows)
            ):
                if position > stop_at:
                    return index, _Stop.CHECKPOINT_MISSING
                hash_ = link(head, position, originator_id, version, topic, state)
                if hash_ != stored or prev != head:
                    return index, _Stop.LINK
                before, head, head_position = head, hash_, position
                count += 1
                if position == stop_at:
                    if not self._reach_checkpoints(position, head):
                        return index, _Stop.CHECKPOINT_HASH
                    stop_at = self._next_stop()
        except TypeError:
            # A NULL or mistyped column (edited by hand) cannot be hashed: a broken link.
            return index, _Stop.LINK
        finally:
            self.head_hash, self.before_head = head, before
            self.head_position, self.count = head_position, self.count + count
        return None


def _walk_store(reader: ChainReader, walk: _Walk, progress: Progress | None) -> ChainBreak | None:
    last_position = reader.last_position()
    batches = reader.batches(BATCH_ROWS)
    stop = None
    next_report = PROGRESS_ROWS
    try:
        for batch in batches:
            stop = walk.advance(batch)
            if stop is not None:
                index, reason = stop
                row = batch[index]
                lookahead = _lookahead(batch[index + 1 :], batches)
                break
            if progress is not None and walk.count >= next_report:
                progress(walk.head_position, last_position)
                next_report = walk.count + PROGRESS_ROWS
    finally:
        # Ends the stream before the reader runs its follow-up queries.
        batches.close()
    if progress is not None:
        progress(walk.head_position, last_position)
    if stop is None:
        return _check_end(reader, walk)
    return _diagnose(reason, row, lookahead, walk, reader)


def _lookahead(rest_of_batch: list[Row], batches: Iterable[list[Row]]) -> list[Row]:
    """Up to LOOKAHEAD_ROWS rows after a break, for telling what kind of break it is."""
    rows = rest_of_batch[:LOOKAHEAD_ROWS]
    for batch in batches:
        if len(rows) >= LOOKAHEAD_ROWS:
            break
        rows += batch[: LOOKAHEAD_ROWS - len(rows)]
    return rows


def _check_end(reader: ChainReader, walk: _Walk) -> ChainBreak | None:
    """After a clean walk: links without events, and checkpoints beyond the end."""
    if not reader.links_in_event_rows and reader.count_links() != walk.count:
        orphan = reader.first_orphan_link()
        if orphan is not None:
            return ChainBreak(orphan, BreakKind.DELETED, f"link at {orphan} has no event")
    checkpoint = walk.pending_checkpoint
    if checkpoint is not None:
        return ChainBreak(
            walk.head_position + 1,
            BreakKind.TRUNCATED,
            f"the chain ends at {walk.head_position}, but a checkpoint signed position "
            f"{checkpoint.position}",
        )
    return None


def _diagnose(
    reason: _Stop, row: Row, lookahead: list[Row], walk: _Walk, reader: ChainReader
) -> ChainBreak:
    position = row[0]
    orphan = None if reader.links_in_event_rows else reader.first_orphan_link(before=position)
    if orphan is not None:
        return ChainBreak(orphan, BreakKind.DELETED, f"link at {orphan} has no event")
    if reason is _Stop.CHECKPOINT_MISSING:
        checkpoint = walk.pending_checkpoint
        return ChainBreak(
            walk.head_position + 1,
            BreakKind.TRUNCATED,
            f"the chain jumps from {walk.head_position} to {position}, past the signed "
            f"checkpoint at {checkpoint.position if checkpoint else '?'}",
        )
    if reason is _Stop.CHECKPOINT_HASH:
        return ChainBreak(
            position,
            BreakKind.TRUNCATED,
            f"the chain hash at {position} differs from the signed checkpoint: history at or "
            "before it was cut and rewritten",
        )
    return _classify_link_break(row, lookahead, walk)


def _hash_row(prev_hash: bytes | None, row: Row, *, position: int | None = None,
              state: bytes | None = None) -> bytes | None:
    """The link hash of row under prev_hash (optionally at another position or with another
    state), or None where a column cannot be hashed."""
    row_position, originator_id, version, topic, row_state, _, _ = row
    if prev_hash is None:
        return None
    try:
        return link_hash_bytes(
            prev_hash,
            row_position if position is None else position,
            originator_id,
            version,
            topic,
            row_state if state is None else state,
        )
    except TypeError:
        return None


def _classify_link_break(row: Row, lookahead: list[Row], walk: _Walk) -> ChainBreak:
    position, _, _, _, _, prev, stored = row
    if stored is None:
        return ChainBreak(position, BreakKind.INSERTED, f"event at {position} has no link")
    chained = _hash_row(walk.head_hash, row)
    own = _hash_row(prev, row)
    if prev == walk.head_hash:
        partner = _find_reorder_partner(row, lookahead)
        if partner is not None:
            return ChainBreak(
                position,
                BreakKind.REORDERED,
                f"event at {position} matches the link at {partner}: events swapped or moved",
            )
        return ChainBreak(
            position, BreakKind.CHANGED, f"event at {position} does not match its link"
        )
    if chained is not None and chained == stored:
        return ChainBreak(
            position, BreakKind.CHANGED, f"link at {position} has an altered prev_hash"
        )
    if own is not None and own == stored and prev == walk.before_head:
        return ChainBreak(
            walk.head_position,
            BreakKind.INSERTED,
            f"event at {walk.head_position} is not in the chain: the link at {position} "
            "continues from the event before it",
        )
    if lookahead and _continues_chain(walk.head_hash, lookahead[0]):
        return ChainBreak(
            position,
            BreakKind.INSERTED,
            f"event at {position} is not in the chain: the link at {lookahead[0][0]} "
            "continues from the event before it",
        )
    if own is not None and own == stored and position > walk.head_position + 1:
        return ChainBreak(
            walk.head_position + 1,
            BreakKind.DELETED,
            f"the link at {position} continues from an event that is gone "
            f"(between positions {walk.head_position} and {position})",
        )
    return ChainBreak(
        position, BreakKind.INSERTED, f"the link at {position} does not continue the chain"
    )


def _continues_chain(head_hash: bytes, row: Row) -> bool:
    stored = row[6]
    return row[5] == head_hash and stored is not None and _hash_row(head_hash, row) == stored


def _find_reorder_partner(row: Row, lookahead: list[Row]) -> int | None:
    """The position of a later link that this whole event was chained at, or whose event's
    state was swapped with this one's (each state fits the other's link)."""
    _, _, _, _, state, prev, stored = row
    if not isinstance(state, bytes):
        return None
    for later in lookahead:
        later_position, _, _, _, later_state, later_prev, later_stored = later
        if later_stored is None or later_prev is None:
            continue
        if _hash_row(later_prev, row, position=later_position) == later_stored:
            return int(later_position)
        if (
            later_state != state
            and _hash_row(later_prev, later, state=state) == later_stored
            and _hash_row(prev, row, state=later_state) == stored
        ):
            return int(later_position)
    return None
