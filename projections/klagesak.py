"""Klagesak: a user's whole history as a timeline, and the state as it was known at a past instant.

The state "as known at T" is rebuilt from the facts recorded at or before T only: a fact recorded
later is invisible even when it takes effect before T (R26). Corrections are facts of their own
and point at what they correct.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from psycopg.sql import SQL, Identifier
from pydantic import BaseModel, Field

from application.infrastructure.ledger import positions as kjede
from application.infrastructure.ledger.positions import Lenke
from domain import bruker as b_mod
from domain import frister, kalender
from domain import leveranse as l_mod
from domain import vedtak as v_mod
from domain.begreper import Aktor, Hendelse, IkkeFunnet, Sluttarsak, Tjenestetype
from domain.bruker import Bruker
from domain.leveranse import Leveranse
from domain.vedtak import Vedtak
from projections.beskrivelse import Beskriver

# The field that says when a fact takes effect, in order of preference (else: when recorded).
VIRKNINGSFELT = ("gyldig_fra", "dodsdato", "dato", "fom", "sluttdato", "oppsigelsesdato", "start",
                 "planlagt_start", "startet_tid", "varslet_tid", "mottatt_tid", "mottatt_dato",
                 "anmodet_tid", "besvart_tid", "videresendt_tid", "gitt_tid", "avgjort_dato",
                 "behandlet_tid", "sendt_dato", "ny_gyldig_til", "tom")

Lenkeoppslag = Callable[[Iterable[UUID]], dict[tuple[UUID, int], Lenke]]


@functools.cache
def _virkningsfelt(cls: type[Hendelse]) -> str | None:
    """The effective-time field of an event class (looked up once per class)."""
    return next((f for f in VIRKNINGSFELT if f in cls.model_fields), None)


def virkning(e: Hendelse) -> date | datetime:
    felt = _virkningsfelt(type(e))
    verdi = getattr(e, felt) if felt else None
    return verdi if isinstance(verdi, date) else e.timestamp


def _dag(t: date | datetime) -> date:
    return kalender.lokal_dato(t) if isinstance(t, datetime) else t


@dataclass(frozen=True, slots=True)
class Tidslinjepost:
    """One fact on the timeline: chain position, both times, actor and a Norwegian sentence."""

    posisjon: int | None
    hash: str | None
    registrert: datetime
    virkning: date | datetime
    aktor: Aktor
    hendelse: str
    hendelse_id: UUID
    aggregat: str
    aggregat_id: UUID
    versjon: int
    beskrivelse: str
    korrigerer: UUID | None
    faktum: Hendelse

    @property
    def data(self) -> dict[str, Any]:
        """The fact's own fields (what it says), as JSON."""
        return self.faktum.model_dump(mode="json", exclude=_GRUNNFELT)

    def som_json(self) -> dict[str, Any]:
        return {"posisjon": self.posisjon, "hash": self.hash, "registrert": self.registrert.isoformat(),
                "virkning": self.virkning.isoformat(), "aktor": self.aktor.model_dump(mode="json"),
                "hendelse": self.hendelse, "hendelse_id": str(self.hendelse_id),
                "aggregat": self.aggregat, "aggregat_id": str(self.aggregat_id), "versjon": self.versjon,
                "beskrivelse": self.beskrivelse,
                "korrigerer": str(self.korrigerer) if self.korrigerer else None, "data": self.data}


_GRUNNFELT = {"originator_id", "originator_version", "timestamp", "aktor", "hendelse_id"}


class Frist(BaseModel):
    """An obligation still owed at T (open, or overdue: ``overskredet``)."""

    regel: str
    gjelder: str
    frist: date | datetime
    frist_inklusiv: bool = Field(description="et tidspunkt: true = i tide til og med det, false "
                                 "= bare før (R16); en dato: i tide hele dagen (true)")
    overskredet: bool
    beskrivelse: str


class FristSomKjent(BaseModel):
    """One obligation as known at T, with its status then (domain.frister decides)."""

    plikt_id: str
    regel: str
    plikt: str
    skyldig: frister.Skyldig
    utlost_av: str
    kilde_id: str
    leverandor_id: str | None
    frist: date | datetime
    frist_inklusiv: bool
    oppfylt: date | datetime | None
    status: frister.Status
    merknad: str

    @classmethod
    def fra(cls, x: frister.Forpliktelse) -> FristSomKjent:
        f = x.frist
        return cls(plikt_id=x.plikt_id, regel=x.regel, plikt=x.plikt, skyldig=x.skyldig,
                   utlost_av=x.utlost_av, kilde_id=x.kilde_id, leverandor_id=x.leverandor_id,
                   frist=f.dato if f.dato is not None else f.grense,
                   frist_inklusiv=f.inklusiv if f.dato is None else True, oppfylt=x.oppfylt,
                   status=x.status, merknad=x.merknad)

    @property
    def utestaaende(self) -> bool:
        return self.oppfylt is None and self.status in ("apen", "brutt")


_BESKRIVELSE = {
    "varsel_pasientovergang": "leverandøren skal varsles senest kl. 14 virkedagen før oppstart",
    "varsel_utvidelse": "leverandøren skal varsles om utvidelsen senest kl. 14 virkedagen før",
    "varsel_forlengelse": "leverandøren skal varsles om forlengelsen senest kl. 14 virkedagen før",
    "oppstart_2t": "tjenesten skal starte innen 2 timer etter telefonvarsel",
    "oppstart_14d": "praktisk bistand skal starte innen 2 uker etter varsel",
    "videresending": "bekymringsmeldingen skal straks videresendes til bydelen",
    "svar_revurdering": "bydelen skal svare på revurderingen innen neste virkedag",
    "klagefrist": "brukeren kan klage på vedtaket til og med fristen",
    "telefonvarsel": "telefonvarsel senest kl. 15:30 på hverdager",
}


class VedtakSomKjent(BaseModel):
    id: UUID
    tjenestetype: Tjenestetype
    gyldig_fra: date
    gyldig_til: date | None
    omfang_minutter: int | None
    omfang_per_uker: int | None
    mottatt_dato: date | None
    klagefrist: date | None
    avsluttet: date | None
    ubesvarte_revurderinger: int
    klager: int


class LeveranseSomKjent(BaseModel):
    id: UUID
    tjenestetype: Tjenestetype
    leverandor_id: str
    vedtak_id: UUID | None
    fom: date
    tom: date | None
    sluttarsak: Sluttarsak | None
    startet: datetime | None
    besok: int


class TilstandSomKjent(BaseModel):
    """What the system knew about a user at ``tidspunkt`` (nothing recorded later)."""

    tidspunkt: datetime
    bruker_id: UUID
    navn: str
    bydel: str
    dodsdato: date | None
    vedtak: list[VedtakSomKjent]
    leveranser: list[LeveranseSomKjent]
    gjeldende_leverandor: dict[str, str]
    forpliktelser: list[FristSomKjent]
    apne_frister: list[Frist]
    antall_fakta: int


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
_Nye = tuple[list[Hendelse], list[int | None], list[str | None]]


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
        recorder, mapper = self.app.recorder, self.app.mapper
        if not etter:
            return {}
        # Where the chain links are: columns of the event's own row, or a ledger table.
        i_raden = bool(getattr(recorder, "links_in_event_rows", False))
        ledger = None if i_raden else getattr(recorder, "ledger_table_name", None)
        if (i_raden or ledger) and not self._egne_lenker and hasattr(mapper, "fra_lagret"):
            if hasattr(recorder.datastore, "schema"):
                rader = _les_postgres(recorder, ledger, etter)
            else:
                rader = _les_sqlite(recorder, ledger, etter)
            return _grupper(mapper.fra_lagret, rader)
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
            apne_frister=[Frist(regel=x.regel, gjelder=x.plikt_id.split(":")[1]
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


_POSISJON = operator.attrgetter("posisjon")


def _rekkefolge(p: Tidslinjepost) -> tuple[int, datetime, str, int]:
    return (p.posisjon if p.posisjon is not None else 0, p.registrert, p.aggregat, p.versjon)


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


def eksport(ks: Klagesak, bruker_id: UUID, *, tidspunkt: datetime | None = None,
            fra: date | None = None, til: date | None = None,
            vedtak_id: UUID | None = None) -> dict[str, Any]:
    """The timeline (and the state as known at ``tidspunkt``) as a self-checking JSON document.

    Every fact carries its chain position, its link hash and the inputs to recompute that hash
    (prev_hash, topic and the stored bytes, encrypted if encryption is on), so a third party can
    check each fact against the store's chain and a signed checkpoint (``verifiser_eksport``).
    """
    poster = ks.tidslinje(bruker_id, fra=fra, til=til, vedtak_id=vedtak_id)
    lenker = kjede.lenker(ks.app.recorder, {p.aggregat_id for p in poster})
    hode = kjede.hode(ks.app.recorder)
    return {
        "format": "brukervalg.klagesak.v1",
        "bruker_id": str(bruker_id),
        "utvalg": {"fra": fra and fra.isoformat(), "til": til and til.isoformat(),
                   "vedtak_id": vedtak_id and str(vedtak_id)},
        "kjedehode": {"posisjon": hode[0], "hash": hode[1]} if hode else None,
        "tidslinje": [{**p.som_json(),
                       "lenke": lenker[(p.aggregat_id, p.versjon)].som_json()
                       if (p.aggregat_id, p.versjon) in lenker else None} for p in poster],
        "tilstand_per": ks.tilstand_per(bruker_id, tidspunkt).model_dump(mode="json")
        if tidspunkt else None,
    }


def verifiser_eksport(doc: dict[str, Any], recorder: Any | None = None) -> list[str]:
    """Problems found in an export: a fact whose link does not recompute, or (given the store)
    one whose link differs from the store's. An empty list means every fact checks out."""
    import base64

    problemer = []
    poster = doc.get("tidslinje", [])
    levende = kjede.lenker(recorder, {UUID(p["aggregat_id"]) for p in poster}) if recorder else {}
    for p in poster:
        lenke_json = p.get("lenke")
        if lenke_json is None:
            problemer.append(f"{p['hendelse']} v{p['versjon']}: mangler kjedelenke")
            continue
        lenke = Lenke(lenke_json["posisjon"], UUID(p["aggregat_id"]), p["versjon"], lenke_json["topic"],
                      base64.b64decode(lenke_json["state_base64"]), bytes.fromhex(lenke_json["prev_hash"]),
                      bytes.fromhex(lenke_json["hash"]))
        if not lenke.stemmer():
            problemer.append(f"posisjon {lenke.posisjon}: lenken stemmer ikke med de lagrede bytene")
        if recorder is not None:
            i_lageret = levende.get((lenke.originator_id, lenke.versjon))
            if i_lageret is None or i_lageret.hash != lenke.hash or i_lageret.posisjon != lenke.posisjon:
                problemer.append(f"posisjon {lenke.posisjon}: avviker fra lageret")
    return problemer
