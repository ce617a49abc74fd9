"""The klagesak's raw read of a user's events with their chain positions and link hashes:
one query per store (the SQLite/PostgreSQL difference), and the grouping per aggregate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from psycopg.sql import SQL, Identifier

from domain.begreper import Hendelse

_Nye = tuple[list[Hendelse], list[int | None], list[str | None]]


def _grupper(fra_lagret: Callable[[str, bytes], Hendelse], rader: list[tuple[Any, ...]]
             ) -> dict[UUID, _Nye]:
    """Decode rows (topic, state, position, hex hash) into events, per aggregate in row order."""
    svar: dict[UUID, _Nye] = {}
    forrige: UUID | None = None
    hendelser: list[Hendelse] = []
    posisjoner: list[int | None] = []
    hasher: list[str | None] = []
    for topic, state, posisjon, h in rader:
        e = fra_lagret(topic, state)
        oid = e.originator_id
        if oid is not forrige and oid != forrige:  # the mapper shares one id object per run
            ny = svar.get(oid)
            if ny is None:
                ny = svar[oid] = ([], [], [])
            hendelser, posisjoner, hasher = ny
            forrige = oid
        hendelser.append(e)
        posisjoner.append(posisjon if h is not None else None)
        hasher.append(h)
    return svar


def _les_postgres(recorder: Any, ledger: str | None, etter: dict[UUID, int]
                  ) -> list[tuple[Any, ...]]:
    """(topic, state, position, hex hash) of every event newer than the given version, in
    recorded order (so each aggregate's in version order); the hash is None without a link.
    The link is read from the event's row, or (``ledger`` given) from the ledger table."""
    from psycopg.rows import tuple_row

    ds = recorder.datastore
    idtype = getattr(ds, "originator_id_type", "uuid")
    lenke = ("encode(e.hash, 'hex') FROM {s}.{e} e " if ledger is None else
             "encode(l.hash, 'hex') FROM {s}.{e} e LEFT JOIN {s}.{l} l ON l.position = e.notification_id ")
    sql = SQL("SELECT e.topic, e.state, e.notification_id, " + lenke
              + "JOIN unnest(%s::{t}[], %s::integer[]) AS k(id, etter) "
              "ON e.originator_id = k.id AND e.originator_version > k.etter "
              "ORDER BY e.notification_id").format(
        s=Identifier(ds.schema or "public"), e=Identifier(recorder.events_table_name),
        l=Identifier(ledger or ""), t=SQL("uuid" if idtype == "uuid" else "text"))
    ider = [i if idtype == "uuid" else str(i) for i in etter]
    with ds.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
        curs.execute(sql, (ider, list(etter.values())), binary=True)  # bytea without hex text
        rader: list[tuple[Any, ...]] = curs.fetchall()
        return rader


def _les_sqlite(recorder: Any, ledger: str | None, etter: dict[UUID, int]
                ) -> list[tuple[Any, ...]]:
    """As ``_les_postgres``; SQLite keeps UUIDs as hex text and the position is the rowid."""
    lenke = (f"e.hash FROM {recorder.events_table_name} e " if ledger is None else
             f"l.hash FROM {recorder.events_table_name} e LEFT JOIN {ledger} l ON l.position = e.rowid ")
    sql = ("SELECT e.topic, e.state, e.rowid, " + lenke
           + "WHERE e.originator_id = ? AND e.originator_version > ? ORDER BY e.originator_version")
    rader: list[tuple[Any, ...]] = []
    with recorder.datastore.transaction(commit=False) as c:
        for ident, n in etter.items():
            c.execute(sql, (ident.hex, n))
            rader.extend((topic, state, pos, h.hex() if h is not None else None)
                         for topic, state, pos, h in c.fetchall())
    return rader
