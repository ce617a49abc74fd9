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

from psycopg.sql import SQL, Identifier

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


def _kjedet(recorder: Any) -> bool:
    """Whether the recorder chains its events (the ledger's recorders do, the library's not)."""
    return bool(getattr(recorder, "links_in_event_rows", False)
                or getattr(recorder, "ledger_table_name", None))


def lenker(recorder: Any, originator_ids: Iterable[UUID], *,
           med_state: bool = True) -> dict[tuple[UUID, int], Lenke]:
    """(originator id, version) → its ledger link, for the given aggregates (empty off-ledger).

    Without ``med_state`` the stored bytes are not fetched (the timeline needs only positions).
    On PostgreSQL the link is two columns of the event's own row; on SQLite a row of the
    ``*_ledger`` table keyed by the event's rowid.
    """
    state_kolonne = "e.state" if med_state else "NULL"
    ids = list(originator_ids)
    if not ids or not _kjedet(recorder):
        return {}
    events = recorder.events_table_name
    svar: dict[tuple[UUID, int], Lenke] = {}
    for i in range(0, len(ids), 500):
        del_ = ids[i:i + 500]
        if hasattr(recorder.datastore, "schema"):  # PostgreSQL: the link is in the event row
            sql = SQL("SELECT e.originator_id, e.originator_version, e.notification_id, e.topic, "
                      + state_kolonne + ", e.prev_hash, e.hash "
                      "FROM {s}.{e} e WHERE e.originator_id = ANY(%s) "
                      "AND e.hash IS NOT NULL").format(
                s=Identifier(recorder.datastore.schema or "public"), e=Identifier(events))
            with recorder.datastore.transaction(commit=False) as curs:
                curs.execute(sql, (del_,))
                rader = [tuple(r.values()) for r in curs.fetchall()]
        else:  # SQLite: the notification id is the rowid
            ledger = recorder.ledger_table_name
            plass = ",".join("?" * len(del_))
            with recorder.datastore.transaction(commit=False) as c:
                c.execute(f"SELECT e.originator_id, e.originator_version, e.rowid, e.topic, {state_kolonne}, "
                          f"l.prev_hash, l.hash FROM {events} e JOIN {ledger} l ON l.position = e.rowid "
                          f"WHERE e.originator_id IN ({plass})", [x.hex for x in del_])
                rader = [tuple(r) for r in c.fetchall()]
        for oid, versjon, pos, topic, state, prev, h in rader:
            lenke = Lenke(pos, UUID(str(oid)), versjon, topic, bytes(state or b""), bytes(prev), bytes(h))
            svar[(lenke.originator_id, versjon)] = lenke
    return svar


def hode(recorder: Any) -> tuple[int, str] | None:
    """The newest link: (position, hex hash), or None for an empty or unchained store."""
    if not _kjedet(recorder):
        return None
    if hasattr(recorder.datastore, "schema"):
        sql = SQL("SELECT notification_id, hash FROM {s}.{e} WHERE hash IS NOT NULL "
                  "ORDER BY notification_id DESC LIMIT 1").format(
            s=Identifier(recorder.datastore.schema or "public"), e=Identifier(recorder.events_table_name))
        with recorder.datastore.transaction(commit=False) as curs:
            curs.execute(sql)
            rad = curs.fetchone()
            rad = tuple(rad.values()) if rad else None
    else:
        ledger = recorder.ledger_table_name
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT position, hash FROM {ledger} ORDER BY position DESC LIMIT 1")
            r = c.fetchone()
            rad = tuple(r) if r else None
    return (rad[0], bytes(rad[1]).hex()) if rad else None
