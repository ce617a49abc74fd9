"""Klagesak: a user's whole history as a timeline, and the state as it was known at a past instant.

The state "as known at T" is rebuilt from the facts recorded at or before T only: a fact recorded
later is invisible even when it takes effect before T (R26). Corrections are facts of their own
and point at what they correct.

The parts: ``modeller.py`` (the shapes), ``lesing.py`` (the raw read), ``eksport.py`` (the
self-checking export); the timeline and the state as known at T are built here."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from application.infrastructure import ledger_positions as kjede
from application.infrastructure.events import event_reader
from application.infrastructure.ledger_positions import Lenke
from domain import bruker as b_mod
from domain import frister, kalender
from domain import leveranse as l_mod
from domain import vedtak as v_mod
from domain.begreper import Hendelse, IkkeFunnet
from domain.bruker import Bruker
from domain.leveranse import Leveranse
from domain.vedtak import Vedtak
from projections.beskrivelse import Beskriver
from projections.klagesak.eksport import eksport, verifiser_eksport
from projections.klagesak.lesing import _grupper, _Nye
from projections.klagesak.modeller import (
    _BESKRIVELSE,
    ApenFrist,
    FristSomKjent,
    LeveranseSomKjent,
    Tidslinjepost,
    TilstandSomKjent,
    VedtakSomKjent,
    _dag,
    _virkningsfelt,
    virkning,
)

__all__ = ["ApenFrist", "FristSomKjent", "Klagesak", "LeveranseSomKjent", "Tidslinjepost",
           "TilstandSomKjent", "VedtakSomKjent", "eksport", "verifiser_eksport", "virkning"]

Lenkeoppslag = Callable[[Iterable[UUID]], dict[tuple[UUID, int], Lenke]]
_AGGREGATTYPE = {"domain.bruker": "bruker", "domain.vedtak": "vedtak", "domain.leveranse": "leveranse"}


@functools.cache
def _aggregattype_for(cls: type[Hendelse]) -> str:
    return _AGGREGATTYPE.get(cls.__module__, "indeks")


def _aggregattype(e: Hendelse) -> str:
    return _aggregattype_for(type(e))


@functools.cache
def _klasseinfo(cls: type[Hendelse]) -> tuple[str, str, str | None, bool]:
    """Per event class: its name, aggregate type, effective-time field, and whether it corrects."""
    return cls.__name__, _aggregattype_for(cls), _virkningsfelt(cls), "korrigerer" in cls.model_fields


@dataclass
class _Fakta:
    bruker: list[Hendelse]
    per_aggregat: dict[UUID, list[Hendelse]]


@dataclass(frozen=True, slots=True)
class _Lest:
    """One aggregate's events read so far, each with its chain position and link hash (hex; None
    off the chain), and the timeline lines built so far (a prefix of the events). Stored events
    and their links never change, so this is only ever extended, and replaced as a whole (safe
    for concurrent readers)."""

    hendelser: list[Hendelse]
    posisjoner: list[int | None]
    hasher: list[str | None]
    poster: list[Tidslinjepost]


_TOM = _Lest([], [], [], [])


class Klagesak:
    """Read side for appeals: timelines and as-of states, from the events alone."""

    CACHE_AGGREGATER = 512

    def __init__(self, app: Any, lenker: Lenkeoppslag | None = None) -> None:
        self.app = app
        self._cache: dict[UUID, _Lest] = {}
        self.beskriv = Beskriver(app.ref)
        self._egne_lenker = lenker is not None
        self.lenker = lenker or (lambda ids: kjede.lenker(app.recorder, ids, med_state=False))

    # --- reading -----------------------------------------------------------------------------

    def _les(self, identer: Iterable[UUID]) -> dict[UUID, _Lest]:
        """The aggregates' events and chain links. Only versions newer than those already read are
        fetched: in one query (events joined with their links) on the chained stores."""
        identer = list(dict.fromkeys(identer))
        kjente = {i: self._cache.pop(i, _TOM) for i in identer}
        # From the last event already read, so that a store which lost it (its newest commits,
        # as after a failover) is noticed: that aggregate is then read afresh, never served from
        # what the store no longer has (as application/infrastructure/event_buffer.py).
        nye = self._les_nye({i: max(len(lest.hendelser) - 1, 0) for i, lest in kjente.items()})
        tapt = [i for i, lest in kjente.items() if lest.hendelser and not (
            (ny := nye.get(i)) and ny[0] and ny[0][0] == lest.hendelser[-1])]
        for ident in tapt:
            nye.pop(ident, None)
            kjente[ident] = _TOM
        if tapt:
            nye.update(self._les_nye(dict.fromkeys(tapt, 0)))
        svar: dict[UUID, _Lest] = {}
        for ident, lest in kjente.items():
            ny = nye.get(ident)
            if ny and lest.hendelser:  # the event already held, read again as the check
                ny = (ny[0][1:], ny[1][1:], ny[2][1:])
            if ny and ny[0]:
                lest = _Lest(lest.hendelser + ny[0], lest.posisjoner + ny[1], lest.hasher + ny[2],
                             lest.poster)
            svar[ident] = self._cache[ident] = lest
        while len(self._cache) > self.CACHE_AGGREGATER:
            self._cache.pop(next(iter(self._cache)))
        return svar

    def _les_nye(self, etter: dict[UUID, int]) -> dict[UUID, _Nye]:
        if not etter:
            return {}
        reader = event_reader(self.app.recorder)
        mapper = self.app.mapper
        if reader is not None and reader.chained and not self._egne_lenker and hasattr(mapper, "fra_lagret"):
            # One query: the events joined with their links.
            return _grupper(mapper.fra_lagret, reader.events_after(etter))
        # Any other store (in memory, or links looked up elsewhere): the library's read path.
        hendelser = {i: list(self.app.events.get(i, gt=n or None)) for i, n in etter.items()}
        pos = self.lenker([i for i, hs in hendelser.items() if hs])
        lenker = {i: [pos.get((i, e.originator_version)) for e in hs] for i, hs in hendelser.items()}
        return {i: (hs, [lk.posisjon if lk else None for lk in lenker[i]],
                    [lk.hash.hex() if lk else None for lk in lenker[i]])
                for i, hs in hendelser.items()}

    def _hendelser(self, ident: UUID) -> list[Hendelse]:
        """An aggregate's events (decoded ones are kept; only newer versions are read)."""
        return self._les([ident])[ident].hendelser

    def _fakta(self, bruker_id: UUID, til: datetime | None) -> _Fakta:
        """All facts of a user recorded at or before ``til`` (all, if None), per aggregate."""
        lest = self._fakta_lest(bruker_id)
        if til is None:
            return _Fakta(lest[bruker_id].hendelser,
                          {i: x.hendelser for i, x in lest.items() if i != bruker_id})
        # Recorded at or before til, compared as instants: til in UTC is never the same tzinfo
        # object as a stored timestamp, so Python compares real time (as kalender.foer does).
        grense = kalender.krev_tidssone(til, "tidspunkt", "BV2").astimezone(UTC)
        bruker_h = [e for e in lest[bruker_id].hendelser if e.timestamp <= grense]
        if not bruker_h:
            raise IkkeFunnet("bruker", bruker_id)
        b = b_mod.projiser(None, bruker_h)
        return _Fakta(bruker_h, {i: [e for e in lest[i].hendelser if e.timestamp <= grense]
                                 for i in (*b.vedtak, *b.leveranser)})

    def _fakta_lest(self, bruker_id: UUID) -> dict[UUID, _Lest]:
        """The user's own events, then (in one read) those of every vedtak and delivery on it."""
        bruker = self._les([bruker_id])[bruker_id]
        if not bruker.hendelser:
            raise IkkeFunnet("bruker", bruker_id)
        b = b_mod.projiser(None, bruker.hendelser)
        return {bruker_id: bruker, **self._les((*b.vedtak, *b.leveranser))}

    # --- the timeline ------------------------------------------------------------------------

    def tidslinje(self, bruker_id: UUID, fra: date | None = None, til: date | None = None,
                  vedtak_id: UUID | None = None) -> list[Tidslinjepost]:
        """Every fact about the user in recorded order; filter by effective period and vedtak."""
        lest = self._fakta_lest(bruker_id)
        poster = [p for ident, x in lest.items() for p in self._poster(ident, x)]
        # On a chained store every fact has its own position, which alone is the recorded order.
        rekkefolge = (_POSISJON if all(None not in x.posisjoner for x in lest.values())
                      else _rekkefolge)
        if vedtak_id is not None:
            f = _Fakta(lest[bruker_id].hendelser,
                       {i: x.hendelser for i, x in lest.items() if i != bruker_id})
            valgt = {id(e) for e in self._bare_vedtak([p.faktum for p in poster], vedtak_id, f)}
            poster = [p for p in poster if id(p.faktum) in valgt]
        if fra is not None or til is not None:
            poster = [p for p in poster if (fra is None or _dag(p.virkning) >= fra)
                      and (til is None or _dag(p.virkning) <= til)]
        return sorted(poster, key=rekkefolge)

    def _poster(self, ident: UUID, lest: _Lest) -> list[Tidslinjepost]:
        """The aggregate's timeline lines, building only those not built before."""
        n = len(lest.poster)
        if n == len(lest.hendelser):
            return lest.poster
        poster = lest.poster + [self._post(e, p, h) for e, p, h in zip(
            lest.hendelser[n:], lest.posisjoner[n:], lest.hasher[n:], strict=True)]
        if self._cache.get(ident) is lest:
            self._cache[ident] = _Lest(lest.hendelser, lest.posisjoner, lest.hasher, poster)
        return poster

    def _bare_vedtak(self, alle: list[Hendelse], vedtak_id: UUID, f: _Fakta) -> list[Hendelse]:
        leveranser = {i for i, hs in f.per_aggregat.items()
                      if hs and getattr(hs[0], "vedtak_id", None) == vedtak_id
                      or any(getattr(e, "vedtak_id", None) == vedtak_id for e in hs)}
        relevante = {vedtak_id, *leveranser}
        return [e for e in alle if e.originator_id in relevante
                or getattr(e, "vedtak_id", None) == vedtak_id
                or getattr(e, "leveranse_id", None) in leveranser]

    def _post(self, e: Hendelse, posisjon: int | None, hash_: str | None) -> Tidslinjepost:
        navn, aggregat, felt, korrigerer = _klasseinfo(type(e))
        tid = getattr(e, felt) if felt else None
        # Positional, in field order (a timeline builds thousands of these).
        return Tidslinjepost(
            posisjon, hash_, e.timestamp, tid if isinstance(tid, date) else e.timestamp, e.aktor,
            navn, e.hendelse_id, aggregat, e.originator_id, e.originator_version, self.beskriv(e),
            getattr(e, "korrigerer", None) if korrigerer else None, e)

    # --- the state as known at T -------------------------------------------------------------

    def tilstand_per(self, bruker_id: UUID, tidspunkt: datetime) -> TilstandSomKjent:
        """The user's vedtak, deliveries, provider and open deadlines as known at ``tidspunkt``."""
        kalender.krev_tidssone(tidspunkt, "tidspunkt", "BV2")
        f = self._fakta(bruker_id, tidspunkt)
        b: Bruker = b_mod.projiser(None, f.bruker)
        dag = kalender.lokal_dato(tidspunkt)
        vedtak = [v_mod.projiser(None, f.per_aggregat[i]) for i in b.vedtak if f.per_aggregat.get(i)]
        leveranser = [l_mod.projiser(None, f.per_aggregat[i]) for i in b.leveranser
                      if f.per_aggregat.get(i)]
        plikter = self._frister(vedtak, leveranser, tidspunkt)
        return TilstandSomKjent(
            tidspunkt=tidspunkt, bruker_id=b.id, navn=b.navn, bydel=b.bydel_paa(dag), dodsdato=b.dodsdato,
            vedtak=[self._vedtak(v, dag, self.app.fristregler) for v in vedtak],
            leveranser=[LeveranseSomKjent(
                id=lv.id, tjenestetype=lv.tjenestetype, leverandor_id=lv.leverandor_id,
                vedtak_id=lv.vedtak_id, fom=lv.fom, tom=lv.tom,
                sluttarsak=lv.avsluttet.arsak if lv.avsluttet else None,
                startet=lv.startet_tid, besok=len(lv.besok)) for lv in leveranser],
            gjeldende_leverandor=self._leverandorer(b, vedtak, dag),
            forpliktelser=plikter,
            apne_frister=[ApenFrist(regel=x.regel, gjelder=x.plikt_id.split(":")[1]
                                if x.regel in ("R16", "R21") else x.kilde_id, frist=x.frist,
                                frist_inklusiv=x.frist_inklusiv, overskredet=x.status == "brutt",
                                beskrivelse=_BESKRIVELSE.get(x.plikt, x.plikt))
                          for x in plikter if x.utestaaende],
            antall_fakta=len(f.bruker) + sum(len(x) for x in f.per_aggregat.values()))

    @staticmethod
    def _vedtak(v: Vedtak, dag: date, regler: frister.Fristregler) -> VedtakSomKjent:
        omfang = v.omfang_paa(dag)
        return VedtakSomKjent(
            id=v.id, tjenestetype=v.tjenestetype, gyldig_fra=v.gyldig_fra, gyldig_til=v.gyldig_til,
            omfang_minutter=omfang.minutter if omfang else None,
            omfang_per_uker=omfang.per_uker if omfang else None, mottatt_dato=v.mottatt_dato,
            klagefrist=frister.klagefrist(v.mottatt_dato, regler).dato if v.mottatt_dato else None,
            avsluttet=v.avsluttet.dato if v.avsluttet else None,
            ubesvarte_revurderinger=len(v.ubesvarte_revurderinger()), klager=len(v.klager))

    def _leverandorer(self, b: Bruker, vedtak: list[Vedtak], dag: date) -> dict[str, str]:
        """Per granted tjenestetype: the provider on the day (R03, ``Bruker.leverandor_paa``);
        none after death or moving out (R23)."""
        typer = {v.tjenestetype for v in vedtak if v.gjelder(dag)} | {
            r.tjenestetype for r in b.leveranser.values()}
        svar = {}
        for t in sorted(typer):
            lev = b.leverandor_paa(t, dag, self.app.ref.kommunal_id).leverandor_id
            if lev is not None:
                svar[t.value] = lev
        return svar

    def _frister(self, vedtak: list[Vedtak], leveranser: list[Leveranse],
                 t: datetime) -> list[FristSomKjent]:
        """Every obligation known at ``t`` with its status then (decided by domain.frister)."""
        plikter = frister.forpliktelser([lv.fristfakta() for lv in leveranser],
                                        [v.fristfakta() for v in vedtak], self.app.fristregler, t)
        return [FristSomKjent.fra(x) for x in plikter]


def _rekkefolge(p: Tidslinjepost) -> tuple[int, datetime, str, int]:
    return (p.posisjon if p.posisjon is not None else 0, p.registrert, p.aggregat, p.versjon)


_POSISJON = operator.attrgetter("posisjon")
