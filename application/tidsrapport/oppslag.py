"""The states an import reads and keeps while it runs, and how a line finds its delivery.

A chunk's users and deliveries are read together (two queries, ``les_aggregater``); at most
``TILSTANDER`` of each are kept, and ``EGNE_MAKS`` users' deliveries from the uploading
provider, so memory stays flat however many users a file has.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Generic, TypeVar, cast
from uuid import UUID

from application.infrastructure.events import event_reader
from application.tidsrapport import kolonner as tk
from application.tidsrapport.format import _TJENESTETYPER
from domain import bruker as b_mod
from domain import kalender
from domain import leveranse as l_mod
from domain.begreper import Aktor, FeilAggregattype, Hendelse, IkkeFunnet, Regelbrudd, Tjenestetype, aktiv_paa
from domain.bruker import Bruker
from domain.leveranse import Leveranse

if TYPE_CHECKING:
    from application.app import BrukervalgApp


TILSTANDER = 200  # users' and deliveries' states kept per import (each)
EGNE_MAKS = 20_000  # users' own deliveries kept per import


def les_aggregater(app: BrukervalgApp, ider: Iterable[UUID]) -> dict[UUID, list[Hendelse]]:
    """The events of many aggregates in one query (PostgreSQL, SQLite), else one by one.

    An import touches a few users per chunk; one query per aggregate costs more than deciding
    all of their lines. The rows come from the one raw reader of the events table
    (``application/infrastructure/events.py``) and are decoded through the application's mapper
    (decrypted and upcast as always).
    """
    ider = list(ider)
    reader = event_reader(app.recorder)
    svar: dict[UUID, list[Hendelse]] = {}
    if reader is None:
        for ident in ider:  # an unknown id has no events, and no entry (as from the queries)
            if hendelser := [cast(Hendelse, e) for e in app.events.get(ident)]:
                svar[ident] = hendelser
        return svar
    fra_lagret = app.mapper.fra_lagret
    for topic, state in reader.events(ider):
        e = fra_lagret(topic, state)
        liste = svar.get(e.originator_id)
        if liste is None:
            svar[e.originator_id] = [e]
        else:
            liste.append(e)
    return svar


_Tilstand = TypeVar("_Tilstand")


class _Cache(OrderedDict[UUID, _Tilstand], Generic[_Tilstand]):
    """A small LRU of aggregate states, so a month's file loads each delivery once."""

    def __init__(self, maks: int,
                 ved_ut: Callable[[UUID, _Tilstand], object] | None = None) -> None:
        super().__init__()
        self.maks = maks
        self.ved_ut = ved_ut

    def hent(self, ident: UUID, last: Callable[[UUID], _Tilstand]) -> _Tilstand:
        if ident in self:
            self.move_to_end(ident)
            return self[ident]
        verdi = last(ident)
        self.legg(ident, verdi)
        return verdi

    def legg(self, ident: UUID, verdi: _Tilstand) -> None:
        self[ident] = verdi
        self.move_to_end(ident)
        if len(self) > self.maks:
            ut, verdi = self.popitem(last=False)
            if self.ved_ut is not None:
                self.ved_ut(ut, verdi)


class _Ukjent(Regelbrudd):
    """No such user: answered as "none of this provider's" (``_egne_leveranser``)."""

    def __init__(self) -> None:
        super().__init__("R18", "bruker", "ukjent bruker")


_Egne = list[tuple[date, date | None, UUID]]  # the provider's deliveries: fom, tom, id


class Oppslag:
    """What an import knows while it runs: the users' and deliveries' states it has
    read (bounded caches), the lines the column-wise path accepted that are not yet folded
    into them, and how a line's bruker and tjenestetype resolve to one of the uploading
    provider's deliveries."""

    def __init__(self, app: BrukervalgApp, leverandor_id: str, aktor: Aktor) -> None:
        self.app = app
        self.leverandor_id = leverandor_id
        self.aktor = aktor
        app.ref.leverandor(leverandor_id)
        # Bounded, so memory stays flat however many users a file has: a chunk's users and
        # deliveries are read together (``_forhandslast``); what a user's lines need later is
        # their deliveries from this provider (``_egne``).
        self._brukere: _Cache[Bruker] = _Cache(TILSTANDER)
        # Lines the column-wise path accepted that are not yet folded into a cached delivery's
        # state (folded when the line-by-line path needs it; dropped with the state).
        self._ventende: dict[UUID, list[tk.Ventende]] = {}
        self._leveranser: _Cache[Leveranse] = _Cache(TILSTANDER, ved_ut=self._ut_av_cache)
        self._i_bruk: set[UUID] = set()  # the deliveries the chunk being decided may touch
        self._lastet: dict[UUID, Leveranse] = {}  # their states, as _forhandslast returned them
        self._bitnr = 0  # column-wise chunks decided (pending lines carry theirs)
        self._egne: dict[tuple[str, Tjenestetype], _Egne | Regelbrudd] = {}
        self._fnr: dict[str, UUID | None] = {}

    def _forhandslast(self, par: Iterable[tuple[str, str]]) -> dict[UUID, Leveranse]:
        """Load the chunk's users, then their deliveries, in two queries; returns the deliveries
        (with the lines accepted column-wise folded in)."""
        ukjente: set[UUID] = set()
        for ref, _ in par:
            try:
                bruker_id = self._bruker_id(ref)
            except Regelbrudd:
                continue
            if bruker_id not in self._brukere:
                ukjente.add(bruker_id)
        if ukjente:
            for bruker_id, hendelser in les_aggregater(self.app, ukjente).items():
                try:
                    self._brukere.legg(bruker_id, b_mod.projiser(None, hendelser))
                except FeilAggregattype:  # not a bruker id: the line will say so
                    pass
        leveranse_ider: set[UUID] = set()
        for ref, tj in par:
            tjenestetype = _TJENESTETYPER.get(tj)
            if tjenestetype is None:
                continue
            try:
                egne = self._egne_leveranser(ref, tjenestetype)
            except Regelbrudd:
                continue
            leveranse_ider.update(x[2] for x in egne)
        self._i_bruk = leveranse_ider
        lastet = {i: self._leveranser[i] for i in leveranse_ider if i in self._leveranser}
        self._lastet = lastet  # _ut_av_cache keeps it whole
        mangler = leveranse_ider - lastet.keys()
        if mangler:
            for lev_id, hendelser in les_aggregater(self.app, mangler).items():
                lev = l_mod.projiser(None, hendelser)
                self._leveranser.legg(lev_id, lev)
                lastet[lev_id] = lev
        return lastet

    def _ut_av_cache(self, lev_id: UUID, lev: Leveranse) -> None:
        """A delivery's state leaves the cache: its pending lines go with it, folded in first if
        the chunk being decided still uses that state (a chunk with more deliveries than the
        cache holds: its states by id, ``_lastet``, get the new state); a later chunk reads the
        delivery from the store again."""
        ventende = self._ventende.pop(lev_id, ())
        if lev_id in self._i_bruk and ventende:
            for v in ventende:
                lev = v.brett_inn(lev)
            self._lastet[lev_id] = lev

    def _leveranse(self, lev_id: UUID, lastet: dict[UUID, Leveranse]) -> Leveranse:
        """The delivery's state as the line-by-line path decides on it: everything accepted so
        far folded in (the new state replaces the one in the cache and in ``lastet``)."""
        lev = lastet.get(lev_id) or self._leveranser.hent(lev_id, self.app.leveranse)
        ventende = self._ventende.pop(lev_id, ())
        if ventende:
            i_cache = self._leveranser.get(lev_id) is lev
            for v in ventende:
                lev = v.brett_inn(lev)
            if i_cache:
                self._leveranser[lev_id] = lev  # in its place: no eviction
            if lev_id in lastet:
                lastet[lev_id] = lev
        return lev

    def _glem(self) -> None:
        self._leveranser.clear()
        self._ventende.clear()
        self._brukere.clear()
        self._egne.clear()

    # --- resolving ------------------------------------------------------------------------

    def _bruker_id(self, ref: str) -> UUID:
        if ref.isdigit():
            if ref not in self._fnr:
                self._fnr[ref] = self._egen_bruker(self.app.finn_brukere(ref))
            funnet = self._fnr[ref]
            if funnet is None:
                raise _Ukjent()
            return funnet
        try:
            return UUID(ref)
        except ValueError:
            raise Regelbrudd("R18", "bruker", f"ikke en bruker-id eller et fødselsnummer: {ref!r}") from None

    def _egen_bruker(self, brukere: list[UUID]) -> UUID | None:
        """Of the records of one fødselsnummer (one per bydel that registered the person), the
        one this provider serves; the first when it serves none (the line is then refused as
        for any bruker it does not serve)."""
        if len(brukere) > 1:
            for bruker_id in brukere:
                try:
                    b = self._bruker(bruker_id)
                except _Ukjent:
                    continue
                if any(r.leverandor_id == self.leverandor_id for r in b.leveranser.values()):
                    return bruker_id
        return brukere[0] if brukere else None

    def _bruker(self, bruker_id: UUID) -> Bruker:
        try:
            return self._brukere.hent(bruker_id, self.app.bruker)
        except IkkeFunnet:
            raise _Ukjent() from None

    def _egne_leveranser(self, ref: str, tjenestetype: Tjenestetype) -> _Egne:
        """The uploading provider's deliveries of the tjenestetype to the user (kept per file)."""
        nokkel = (ref, tjenestetype)
        egne = self._egne.get(nokkel)
        if egne is None:
            try:
                b = self._bruker(self._bruker_id(ref))
                egne = [(r.fom, r.tom, r.leveranse_id) for r in b.leveranser.values()
                        if r.tjenestetype == tjenestetype and r.leverandor_id == self.leverandor_id
                        and not r.annullert]
                if not egne:
                    raise _Ukjent()
            except Regelbrudd as e:
                if isinstance(e, _Ukjent):
                    # The same words whether the user does not exist or is not this provider's:
                    # a receipt is no way to learn who is registered (issue 14).
                    e = Regelbrudd("R18", "bruker", f"{self.leverandor_id} har ingen leveranse "
                                   f"av {tjenestetype} til denne brukeren, eller brukeren finnes "
                                   "ikke")
                egne = e.with_traceback(None)  # kept: no frame (and no cycle) with it
            if len(self._egne) >= EGNE_MAKS:
                self._egne.clear()
            self._egne[nokkel] = egne
        if isinstance(egne, Regelbrudd):
            raise egne
        return egne

    def _leveranse_for(self, ref: str, tjenestetype: Tjenestetype, start: datetime) -> UUID:
        """The provider's delivery covering the date; else its nearest one (R18 deviation)."""
        egne = self._egne_leveranser(ref, tjenestetype)
        if len(egne) == 1:
            return egne[0][2]
        dato = kalender.lokal_dato(start)

        def avstand(r: tuple[date, date | None, UUID]) -> int:
            fom, tom, _ = r
            if aktiv_paa(fom, tom, dato):
                return 0
            return (fom - dato).days if dato < fom else (dato - (tom or date.max)).days

        return min(egne, key=avstand)[2]
