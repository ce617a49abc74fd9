"""The delivery's state: what its events add up to (``evolve``, folded by ``projiser``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import singledispatch
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


def rapportert_besok_id(leveranse_id: UUID, fil_sha256: str, linje: int) -> UUID:
    """The id of a visit reported on line ``linje`` of a file: ``uuid5(leveranse_id,
    fil_sha256)`` with the line number XOR-ed into its last 48 bits (unique per line)."""
    return linjens_besok_id(uuid5(leveranse_id, fil_sha256).int, linje)


def linjens_besok_id(grunnlag: int, linje: int) -> UUID:
    if not 0 < linje < 1 << 48:
        raise Regelbrudd("BV0", "linje", f"linjenummer {linje} utenfor gyldig område")
    return UUID(int=grunnlag ^ linje)



@dataclass(slots=True)
class Besok:
    """A recorded visit as the delivery knows it, from a ``BesokUtfort`` or one line of a
    ``BesokRapportert`` (then ``linje`` and ``fil_sha256`` say where it was reported).
    Read-only by convention (not frozen: a month's file creates many)."""

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


@dataclass(slots=True)
class Avbestilling:
    """A recorded cancellation (R20), from a ``BesokAvbestilt`` or one line of an
    ``AvbestillingerRapportert``."""

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


@dataclass
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
    varsler: list[LeverandorVarslet] = field(default_factory=list)
    oppsigelsesvarsler: list[OppsigelseVarslet] = field(default_factory=list)
    startet_tid: datetime | None = None
    besok: dict[UUID, Besok] = field(default_factory=dict)
    besoksnokler: dict[tuple[datetime, datetime, str], UUID] = field(default_factory=dict)
    avbestillinger: list[Avbestilling] = field(default_factory=list)
    # Indexes for the per-visit checks (a visit is compared with the few facts on its days only).
    avbestilte_starter: set[datetime] = field(default_factory=set)
    besok_per_dag: dict[int, list[Besok]] = field(default_factory=dict)
    avbestillinger_per_dag: dict[int, list[Avbestilling]] = field(default_factory=dict)
    bekymringsmeldinger: dict[UUID, BekymringsmeldingMottatt] = field(default_factory=dict)
    videresendinger: dict[UUID, BekymringsmeldingVideresendt] = field(default_factory=dict)
    avvik: dict[UUID, AvvikRegistrert] = field(default_factory=dict)
    avviksbehandlinger: dict[UUID, AvvikBehandlet] = field(default_factory=dict)

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


# --- evolve ---------------------------------------------------------------------------------


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
    lev.varsler.append(e)
    return lev


@evolve.register
def _(e: OppsigelseVarslet, lev: Leveranse) -> Leveranse:
    lev.oppsigelsesvarsler.append(e)
    return lev


@evolve.register
def _(e: LeveranseKnyttetTilVedtak, lev: Leveranse) -> Leveranse:
    lev.vedtak_id = e.vedtak_id
    return lev


@evolve.register
def _(e: LeveranseStartet, lev: Leveranse) -> Leveranse:
    lev.startet_tid = e.startet_tid
    return lev


def noter_besok(lev: Leveranse, b: Besok) -> None:
    """Add a recorded visit to the state (one fold step; the import uses it for lines of a
    chunk not yet saved, so later lines see earlier ones)."""
    lev.besok[b.besok_id] = b
    lev.besoksnokler[(b.start, b.slutt, b.ansatt)] = b.besok_id
    per_dag = lev.besok_per_dag
    for dag in _dager(b.start, b.slutt):
        liste = per_dag.get(dag)
        if liste is None:
            per_dag[dag] = [b]
        else:
            liste.append(b)


def noter_avbestilling(lev: Leveranse, a: Avbestilling) -> None:
    lev.avbestillinger.append(a)
    lev.avbestilte_starter.add(a.planlagt_start)
    for dag in _dager(a.planlagt_start, a.planlagt_slutt):
        lev.avbestillinger_per_dag.setdefault(dag, []).append(a)


@evolve.register
def _(e: BesokUtfort, lev: Leveranse) -> Leveranse:
    noter_besok(lev, Besok(e.besok_id, e.start, e.slutt, e.ansatt, e.kategori, e.tiltakskode,
                           e.timestamp, e.hendelse_id))
    return lev


@evolve.register
def _(e: BesokRapportert, lev: Leveranse) -> Leveranse:
    sha, ts, hid = e.fil_sha256, e.timestamp, e.hendelse_id
    grunnlag = uuid5(lev.id, sha).int
    for x in e.besok:
        noter_besok(lev, Besok(linjens_besok_id(grunnlag, x.linje), x.start, x.slutt, x.ansatt,
                               x.kategori, x.tiltakskode, ts, hid, x.linje, sha))
    return lev


@evolve.register
def _(e: BesokAvbestilt, lev: Leveranse) -> Leveranse:
    noter_avbestilling(lev, Avbestilling(e.planlagt_start, e.planlagt_slutt, e.avbestilt_tid,
                                         e.journalreferanse, e.timestamp, e.hendelse_id))
    return lev


@evolve.register
def _(e: AvbestillingerRapportert, lev: Leveranse) -> Leveranse:
    for x in e.avbestillinger:
        noter_avbestilling(lev, Avbestilling(x.planlagt_start, x.planlagt_slutt, x.avbestilt_tid,
                                             x.journalreferanse, e.timestamp, e.hendelse_id,
                                             x.linje, e.fil_sha256))
    return lev


@evolve.register
def _(e: BekymringsmeldingMottatt, lev: Leveranse) -> Leveranse:
    lev.bekymringsmeldinger[e.melding_id] = e
    return lev


@evolve.register
def _(e: BekymringsmeldingVideresendt, lev: Leveranse) -> Leveranse:
    lev.videresendinger[e.melding_id] = e
    return lev


@evolve.register
def _(e: LeveransePeriodeForlenget, lev: Leveranse) -> Leveranse:
    lev.tom = e.ny_tom
    return lev


@evolve.register
def _(e: LeveranseAvsluttet, lev: Leveranse) -> Leveranse:
    lev.avsluttet = e
    lev.tom = e.sluttdato
    return lev


@evolve.register
def _(e: AvvikRegistrert, lev: Leveranse) -> Leveranse:
    lev.avvik[e.avvik_id] = e
    return lev


@evolve.register
def _(e: AvvikBehandlet, lev: Leveranse) -> Leveranse:
    lev.avviksbehandlinger[e.avvik_id] = e
    return lev


projiser = projektor(evolve)
