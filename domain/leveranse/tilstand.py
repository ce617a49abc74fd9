"""The delivery's state: what its events add up to (``evolve``, folded by ``projiser``).

The state is frozen: ``evolve`` returns a new ``Leveranse`` (``dataclasses.replace``) and never
changes the one it was given, and ``domain.begreper.projektor`` is the only place that sets
its version. Its mappings are ``PersistentMap``s (``persistent.py``), so a new visit shares the
delivery's earlier visits instead of copying them: folding a long delivery does not become
quadratic in its length (``benchmarks/lang_leveranse.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import singledispatch
from itertools import groupby
from typing import TypeVar
from uuid import UUID, uuid5

from domain import frister
from domain.begreper import FeilAggregattype, Hendelse, Regelbrudd, Tjenestetype, projektor
from domain.leveranse import (
    AvbestillingerRapportert,
    AvvikBehandlet,
    AvvikRegistrert,
    BekymringsmeldingMottatt,
    BekymringsmeldingVideresendt,
    BesokAvbestilt,
    BesokRapportert,
    Besokskategori,
    BesokUtfort,
    LeverandorVarslet,
    LeveranseAvsluttet,
    LeveranseBestilt,
    LeveranseKnyttetTilVedtak,
    LeveransePeriodeForlenget,
    LeveranseStartet,
    OppsigelseVarslet,
)
from domain.leveranse.persistent import PersistentMap

T = TypeVar("T")


def rapportert_besok_id(leveranse_id: UUID, fil_sha256: str, linje: int) -> UUID:
    """The id of a visit reported on line ``linje`` of a file: ``uuid5(leveranse_id,
    fil_sha256)`` with the line number XOR-ed into its last 48 bits (unique per line)."""
    return linjens_besok_id(uuid5(leveranse_id, fil_sha256).int, linje)


def linjens_besok_id(grunnlag: int, linje: int) -> UUID:
    if not 0 < linje < 1 << 48:
        raise Regelbrudd("BV0", "linje", f"linjenummer {linje} utenfor gyldig område")
    return UUID(int=grunnlag ^ linje)


@dataclass(frozen=True, slots=True)
class Besok:
    """A recorded visit as the delivery knows it, from a ``BesokUtfort`` or one line of a
    ``BesokRapportert`` (then ``linje`` and ``fil_sha256`` say where it was reported)."""

    besok_id: UUID
    start: datetime
    slutt: datetime
    ansatt: str
    kategori: Besokskategori
    tiltakskode: str | None
    timestamp: datetime
    hendelse_id: UUID
    linje: int | None = None
    fil_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Avbestilling:
    """A recorded cancellation (R20), from a ``BesokAvbestilt`` or one line of an
    ``AvbestillingerRapportert``."""

    # The cancellation's fields as the fold keeps them; the command AvbestillBesok has the same shape
    # because it asks for the same fact.
    planlagt_start: datetime
    planlagt_slutt: datetime
    avbestilt_tid: datetime
    journalreferanse: str
    timestamp: datetime
    hendelse_id: UUID
    linje: int | None = None
    fil_sha256: str | None = None


def _dager(start: datetime, slutt: datetime) -> range:
    """The overlap indexes' buckets an interval is filed under: the calendar days its ends are
    written in (each in its own offset, which is cheap to read and never a day off UTC)."""
    a, b = start.toordinal(), slutt.toordinal()
    return range(a, b + 1) if a <= b else range(b, a + 1)


def nabodager(start: datetime, slutt: datetime) -> range:
    """The buckets to search for intervals that may overlap [start, slutt): two days more on each
    side, since two instants' written days can differ by two from their UTC days' difference.
    Candidates found there are then checked with ``kalender.foer`` (the rule itself)."""
    a, b = start.toordinal(), slutt.toordinal()
    return range(min(a, b) - 2, max(a, b) + 3)


# Begins with the fields of LeveranseBestilt: the state starts as the ordering event and gains what
# later events add.
@dataclass(frozen=True, slots=True)
class Leveranse:
    id: UUID
    version: int
    bruker_id: UUID
    vedtak_id: UUID | None
    tjenestetype: Tjenestetype
    leverandor_id: str
    fom: date
    tom: date | None
    avsluttet: LeveranseAvsluttet | None = None
    varsler: tuple[LeverandorVarslet, ...] = ()
    oppsigelsesvarsler: tuple[OppsigelseVarslet, ...] = ()
    startet_tid: datetime | None = None
    besok: PersistentMap[UUID, Besok] = field(default_factory=PersistentMap)
    besoksnokler: PersistentMap[tuple[datetime, datetime, str], UUID] = field(
        default_factory=PersistentMap)
    avbestillinger: tuple[Avbestilling, ...] = ()
    # Indexes for the per-visit checks (a visit is compared with the few facts on its days only).
    avbestilte_starter: PersistentMap[datetime, Avbestilling] = field(default_factory=PersistentMap)
    besok_per_dag: PersistentMap[int, tuple[Besok, ...]] = field(default_factory=PersistentMap)
    avbestillinger_per_dag: PersistentMap[int, tuple[Avbestilling, ...]] = field(
        default_factory=PersistentMap)
    bekymringsmeldinger: PersistentMap[UUID, BekymringsmeldingMottatt] = field(
        default_factory=PersistentMap)
    videresendinger: PersistentMap[UUID, BekymringsmeldingVideresendt] = field(
        default_factory=PersistentMap)
    avvik: PersistentMap[UUID, AvvikRegistrert] = field(default_factory=PersistentMap)
    avviksbehandlinger: PersistentMap[UUID, AvvikBehandlet] = field(default_factory=PersistentMap)

    def fristfakta(self) -> frister.Leveransefakta:
        """The facts the obligations of this delivery are computed from (domain.frister)."""
        return frister.Leveransefakta(
            leveranse_id=str(self.id), bruker_id=str(self.bruker_id),
            tjenestetype=self.tjenestetype, leverandor_id=self.leverandor_id,
            vedtak_id=str(self.vedtak_id) if self.vedtak_id else None, fom=self.fom,
            tom=self.tom, startet=self.startet_tid,
            varsler=tuple(frister.Varsel(v.kanal, v.varslet_tid, v.hast, v.gjelder,
                                         v.gjelder_fra) for v in self.varsler),
            meldinger=tuple(frister.Melding(
                str(mid), m.mottatt_tid, self.videresendinger[mid].videresendt_tid
                if mid in self.videresendinger else None)
                for mid, m in self.bekymringsmeldinger.items()))


def _per_dag(indeks: PersistentMap[int, tuple[T, ...]],
             nye: Iterable[tuple[datetime, datetime, T]]) -> PersistentMap[int, tuple[T, ...]]:
    """The per-day index with these intervals' facts added under each of their days."""
    endret: dict[int, tuple[T, ...]] = {}
    for start, slutt, x in nye:
        for dag in _dager(start, slutt):
            endret[dag] = (*(endret[dag] if dag in endret else indeks.get(dag, ())), x)
    return indeks.med(endret)


def med_besok(lev: Leveranse, nye: Iterable[Besok]) -> Leveranse:
    """The delivery with these visits recorded (the fold's step; the time-report import uses it
    for the lines of a chunk not yet saved, so later lines see earlier ones)."""
    nye = tuple(nye)
    return replace(
        lev, besok=lev.besok.med({b.besok_id: b for b in nye}),
        besoksnokler=lev.besoksnokler.med({(b.start, b.slutt, b.ansatt): b.besok_id for b in nye}),
        besok_per_dag=_per_dag(lev.besok_per_dag, ((b.start, b.slutt, b) for b in nye)))


def med_avbestillinger(lev: Leveranse, nye: Iterable[Avbestilling]) -> Leveranse:
    """The delivery with these cancellations recorded (as ``med_besok``)."""
    nye = tuple(nye)
    return replace(
        lev, avbestillinger=(*lev.avbestillinger, *nye),
        avbestilte_starter=lev.avbestilte_starter.med({a.planlagt_start: a for a in nye}),
        avbestillinger_per_dag=_per_dag(lev.avbestillinger_per_dag,
                                        ((a.planlagt_start, a.planlagt_slutt, a) for a in nye)))


# --- evolve ---------------------------------------------------------------------------------


# Alike in shape with Bruker's and Vedtak's evolve: one singledispatch fold per aggregate, each over
# its own events and state; what they share is domain.begreper.projektor.
@singledispatch
def evolve(event: Hendelse, state: Leveranse | None) -> Leveranse:
    raise FeilAggregattype(f"Leveranse cannot apply {type(event).__name__}")


@evolve.register
def _(e: LeveranseBestilt, state: Leveranse | None) -> Leveranse:
    return Leveranse(id=e.originator_id, version=e.originator_version, bruker_id=e.bruker_id,
                     vedtak_id=e.vedtak_id, tjenestetype=e.tjenestetype,
                     leverandor_id=e.leverandor_id, fom=e.fom, tom=e.tom)


@evolve.register
def _(e: LeverandorVarslet, lev: Leveranse) -> Leveranse:
    return replace(lev, varsler=(*lev.varsler, e))


@evolve.register
def _(e: OppsigelseVarslet, lev: Leveranse) -> Leveranse:
    return replace(lev, oppsigelsesvarsler=(*lev.oppsigelsesvarsler, e))


@evolve.register
def _(e: LeveranseKnyttetTilVedtak, lev: Leveranse) -> Leveranse:
    return replace(lev, vedtak_id=e.vedtak_id)


@evolve.register
def _(e: LeveranseStartet, lev: Leveranse) -> Leveranse:
    return replace(lev, startet_tid=e.startet_tid)


def _besok_i(e: Hendelse, leveranse_id: UUID) -> Iterator[Besok]:
    """The visits an event records (a ``BesokUtfort`` one, a ``BesokRapportert`` its lines)."""
    if isinstance(e, BesokUtfort):
        yield Besok(e.besok_id, e.start, e.slutt, e.ansatt, e.kategori, e.tiltakskode,
                    e.timestamp, e.hendelse_id)
    elif isinstance(e, BesokRapportert):
        sha, ts, hid = e.fil_sha256, e.timestamp, e.hendelse_id
        grunnlag = uuid5(leveranse_id, sha).int
        for x in e.besok:
            yield Besok(linjens_besok_id(grunnlag, x.linje), x.start, x.slutt, x.ansatt,
                        x.kategori, x.tiltakskode, ts, hid, x.linje, sha)


def _avbestillinger_i(e: Hendelse) -> Iterator[Avbestilling]:
    """The cancellations an event records (``BesokAvbestilt``, ``AvbestillingerRapportert``)."""
    if isinstance(e, BesokAvbestilt):
        yield Avbestilling(e.planlagt_start, e.planlagt_slutt, e.avbestilt_tid,
                           e.journalreferanse, e.timestamp, e.hendelse_id)
    elif isinstance(e, AvbestillingerRapportert):
        for x in e.avbestillinger:
            yield Avbestilling(x.planlagt_start, x.planlagt_slutt, x.avbestilt_tid,
                               x.journalreferanse, e.timestamp, e.hendelse_id, x.linje,
                               e.fil_sha256)


@evolve.register
def _(e: BesokUtfort, lev: Leveranse) -> Leveranse:
    return med_besok(lev, _besok_i(e, lev.id))


@evolve.register
def _(e: BesokRapportert, lev: Leveranse) -> Leveranse:
    return med_besok(lev, _besok_i(e, lev.id))


@evolve.register
def _(e: BesokAvbestilt, lev: Leveranse) -> Leveranse:
    return med_avbestillinger(lev, _avbestillinger_i(e))


@evolve.register
def _(e: AvbestillingerRapportert, lev: Leveranse) -> Leveranse:
    return med_avbestillinger(lev, _avbestillinger_i(e))


@evolve.register
def _(e: BekymringsmeldingMottatt, lev: Leveranse) -> Leveranse:
    return replace(lev, bekymringsmeldinger=lev.bekymringsmeldinger.med({e.melding_id: e}))


@evolve.register
def _(e: BekymringsmeldingVideresendt, lev: Leveranse) -> Leveranse:
    return replace(lev, videresendinger=lev.videresendinger.med({e.melding_id: e}))


@evolve.register
def _(e: LeveransePeriodeForlenget, lev: Leveranse) -> Leveranse:
    return replace(lev, tom=e.ny_tom)


@evolve.register
def _(e: LeveranseAvsluttet, lev: Leveranse) -> Leveranse:
    return replace(lev, avsluttet=e, tom=e.sluttdato)


# Like the concern-report handlers above: each event adds itself to its own map.
@evolve.register
def _(e: AvvikRegistrert, lev: Leveranse) -> Leveranse:
    return replace(lev, avvik=lev.avvik.med({e.avvik_id: e}))


@evolve.register
def _(e: AvvikBehandlet, lev: Leveranse) -> Leveranse:
    return replace(lev, avviksbehandlinger=lev.avviksbehandlinger.med({e.avvik_id: e}))


_hver_for_seg = projektor(evolve)


def _slag(e: Hendelse) -> object:
    """What ``projiser`` groups runs of events by: visits, cancellations, each other event alone."""
    if isinstance(e, BesokUtfort | BesokRapportert):
        return BesokUtfort
    if isinstance(e, BesokAvbestilt | AvbestillingerRapportert):
        return BesokAvbestilt
    return e


def projiser(state: Leveranse | None, events: Iterable[Hendelse]) -> Leveranse:
    """The delivery's fold: ``domain.begreper.projektor(evolve)`` — the state after each event,
    its version the event's — except that each run of consecutive visit events (or of
    cancellation events) is applied in one step, one ``med_besok`` for the whole run. The state
    is the same (``tests/unit/test_leveranse_tilstand.py``); a delivery with a year of visits
    reported one by one is folded without making a new state per visit (a new frozen state per
    visit made the fold of 800 visits 2.5× slower than the mutable state's; in runs it is about
    twice as fast: ``docs/benchmarks.md``, "A visit on a long delivery")."""
    lev = state
    for slag, gruppe in groupby(events, _slag):
        if slag is BesokUtfort or slag is BesokAvbestilt:
            hendelser = list(gruppe)
            if lev is None:
                raise FeilAggregattype(f"Leveranse cannot apply {type(hendelser[0]).__name__}")
            if slag is BesokUtfort:
                lev = med_besok(lev, (b for e in hendelser for b in _besok_i(e, lev.id)))
            else:
                lev = med_avbestillinger(lev, (a for e in hendelser for a in _avbestillinger_i(e)))
            lev = replace(lev, version=hendelser[-1].originator_version)
        else:
            lev = _hver_for_seg(lev, gruppe)
    if lev is None:  # no events, no delivery (callers ask only for ids that have events)
        raise FeilAggregattype("Leveranse cannot be folded from no events")
    return lev
