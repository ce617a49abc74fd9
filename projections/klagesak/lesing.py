"""The klagesak's read of a user's events with their chain positions and link hashes, grouped
per aggregate. The rows come from the one raw reader of the events table
(``application/infrastructure/events.py``), which holds the SQLite/PostgreSQL difference."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID

from application.infrastructure.events import EventWithLink
from domain.begreper import Hendelse

_Nye = tuple[list[Hendelse], list[int | None], list[str | None]]


def _grupper(fra_lagret: Callable[[str, bytes], Hendelse], rader: Iterable[EventWithLink]
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
        posisjoner.append(posisjon)
        hasher.append(h)
    return svar
