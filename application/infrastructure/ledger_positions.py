"""Where a set of aggregates' events stand in the ledger, and the link inputs to re-check them.

Used by the klagesak timeline and its export: each fact carries its chain position and link hash,
and the export carries what a third party needs to recompute that hash (prev_hash and the stored
bytes), so the export can be checked against the store and a signed checkpoint.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.infrastructure.events import event_reader
from application.infrastructure.ledger.chain import canonical_originator_id, link_hash_bytes


@dataclass(frozen=True)
class Lenke:
    posisjon: int
    originator_id: UUID
    versjon: int
    topic: str
    state: bytes
    prev_hash: bytes
    hash: bytes

    def stemmer(self) -> bool:
        """The link hash recomputed from the stored bytes equals the stored link hash."""
        oid = canonical_originator_id(self.originator_id, uuid_column=True).encode()
        return link_hash_bytes(self.prev_hash, self.posisjon, oid, self.versjon, self.topic.encode(),
                               self.state) == self.hash

    def som_json(self) -> dict[str, Any]:
        return {"posisjon": self.posisjon, "prev_hash": self.prev_hash.hex(), "hash": self.hash.hex(),
                "topic": self.topic, "state_base64": base64.b64encode(self.state).decode()}


def lenker(recorder: Any, originator_ids: Iterable[UUID], *,
           med_state: bool = True) -> dict[tuple[UUID, int], Lenke]:
    """(originator id, version) → its ledger link, for the given aggregates (empty off-ledger).

    Without ``med_state`` the stored bytes are not fetched (the timeline needs only positions).
    The rows come from the one raw reader of the events table (``application/infrastructure/
    events.py``), which knows where each store keeps the link.
    """
    ids = list(originator_ids)
    reader = event_reader(recorder)
    if not ids or reader is None or not reader.chained:
        return {}
    svar: dict[tuple[UUID, int], Lenke] = {}
    for oid, versjon, posisjon, topic, state, prev_hash, h in reader.links(ids, with_state=med_state):
        svar[(oid, versjon)] = Lenke(posisjon, oid, versjon, topic, state, prev_hash, h)
    return svar


def hode(recorder: Any) -> tuple[int, str] | None:
    """The newest link: (position, hex hash), or None for an empty or unchained store."""
    reader = event_reader(recorder)
    rad = reader.head() if reader is not None else None
    return (rad[0], rad[1].hex()) if rad else None
