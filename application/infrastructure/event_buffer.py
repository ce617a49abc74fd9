"""Decoded events of recently used aggregates, so a command reads only what is new.

Every command rebuilds its aggregate from the aggregate's events. Reading and decoding all of
them costs in proportion to the aggregate's length: a delivery with a year of visits reported
one by one has ~750 events, all decoded again for every new visit (measured in
``docs/benchmarks.md``, "A visit on a long delivery"; ``./bv bench lang_leveranse``). Events are
immutable once stored, so the decoded events of an aggregate can be kept and only the newer
ones read (``gt`` the last cached version) on the next use. The fold itself is cheap and still
runs on every use: the state a command decides on is built fresh each time and never shared.

The buffer is never stale: each use reads the store for newer events (one query, as before),
so writes from other processes are seen. It is bounded by a number of events across aggregates
(least recently used first out); an aggregate larger than the bound is simply not kept.

Nor does it serve a version the store no longer has. A database can lose its newest commits
(a failover to a replica that was behind, ``synchronous_commit=off`` and a crash, a restore):
the query for newer events then finds none, and the buffer would go on serving the lost facts —
and the next command would be decided on them and saved after a gap. So the query starts at the
last event the buffer holds (``gt`` its version − 1) and checks that the store still has that
very event (same version, same content); if not, the aggregate is read from the store afresh.
Losses are of the newest commits, so the last event standing means all before it stand. One
more event is decoded per use. A store error on the way leaves the buffer as it was.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from uuid import UUID

STANDARD_MAKS_HENDELSER = 50_000


class EventBuffer:
    """The decoded events of recently used aggregates, caught up on each use."""

    def __init__(self, events: Any, maks_hendelser: int = STANDARD_MAKS_HENDELSER) -> None:
        self._events = events
        self._maks = maks_hendelser
        self._lru: OrderedDict[UUID, tuple[Any, ...]] = OrderedDict()
        self._antall = 0
        self._laas = threading.Lock()

    def hent(self, ident: UUID) -> tuple[Any, ...]:
        """All the aggregate's events, oldest first (empty if it has none)."""
        with self._laas:
            kjent = self._lru.get(ident, ())
        if kjent:
            siste = kjent[-1]
            fra_siste = tuple(self._events.get(ident, gt=siste.originator_version - 1))
            if fra_siste and fra_siste[0] == siste:
                nye = fra_siste[1:]
            else:  # the store lost what the buffer holds: forget it, read all there is
                with self._laas:
                    if self._lru.get(ident) is kjent:
                        self._glem(ident)
                kjent, nye = (), tuple(self._events.get(ident))
        else:
            nye = tuple(self._events.get(ident))
        if not nye:
            if kjent:
                with self._laas:
                    if ident in self._lru:
                        self._lru.move_to_end(ident)
            return kjent
        alle = kjent + nye
        if self._maks > 0:
            self._husk(ident, alle)
        return alle

    def _husk(self, ident: UUID, alle: tuple[Any, ...]) -> None:
        with self._laas:
            gammel = self._lru.get(ident, ())
            if len(gammel) >= len(alle) and gammel[len(alle) - 1] == alle[-1]:
                return  # another thread got further meanwhile
            if len(alle) > self._maks:
                self._glem(ident)
                return
            self._lru[ident] = alle
            self._lru.move_to_end(ident)
            self._antall += len(alle) - len(gammel)
            while self._antall > self._maks:
                _, ut = self._lru.popitem(last=False)
                self._antall -= len(ut)

    def _glem(self, ident: UUID) -> None:
        ut = self._lru.pop(ident, ())
        self._antall -= len(ut)

    @property
    def antall_hendelser(self) -> int:
        return self._antall
