"""Bruker's state: the fold of its events (``evolve``) and the queries on it, among them R03's
answer to "who is the user's provider on this date" (``gjeldende_leverandor``).

The events are in ``domain.bruker`` (their stored topics name that module); the decisions in
``domain.bruker.beslutninger``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import singledispatch
from typing import Protocol, TypeVar
from uuid import UUID

from domain import ansvar
from domain.begreper import (
    FeilAggregattype,
    Form,
    Hendelse,
    Tjenestetype,
    aktiv_paa,
    annullert,
    frozen_mapping,
    perioder_overlapper,
    projektor,
    with_entry,
)
from domain.bruker import (
    BrukerRegistrert,
    BrukervalgInformasjonGitt,
    BytteBekreftelseSendt,
    DodsfallRegistrert,
    FlyttetTilBydel,
    FlyttetUtAvKommunen,
    HusstandsinntektRegistrert,
    LeverandorByttet,
    LeverandorvalgKorrigert,
    LeverandorValgt,
    LeveranseperiodeEndret,
    LeveranseTilknyttet,
    VedtakTilknyttet,
)

# --- state ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Valg:
    hendelse_id: UUID
    tjenestetype: Tjenestetype
    leverandor_id: str
    form: Form
    gyldig_fra: date
    registrert: datetime
    korrigert_av: UUID | None = None
    posisjon: int = 0  # where it was recorded in the user's history (R03's tie-break)


# The fields of the event LeveranseTilknyttet (domain/bruker/__init__.py), kept in the state: the
# stored event never changes; this record's period follows later events (tom, annullert).
@dataclass(frozen=True)
class LeveranseRef:
    leveranse_id: UUID
    vedtak_id: UUID | None
    tjenestetype: Tjenestetype
    leverandor_id: str
    fom: date
    tom: date | None
    posisjon: int = 0  # where it was recorded in the user's history (R03's tie-break)

    @property
    def annullert(self) -> bool:
        """Ended before it began (e.g. a pending switch when the user died)."""
        return annullert(self.fom, self.tom)


# --- R03: the current provider -----------------------------------------------------------------


class Kilde(StrEnum):
    """Where the answer of ``gjeldende_leverandor`` comes from."""

    LEVERANSE = "leveranse"  # an active delivery on the date
    VALG = "valg"  # no delivery that day, but a choice in force (R02)
    KOMMUNAL = "ingen_valg_kommunal"  # no delivery, no choice: the municipal provider (R03)
    AVSLUTTET = "avsluttet"  # the user died or moved out before the date (R23)


class Valgfakta(Protocol):
    """What R03 reads of a recorded choice (``Valg``, or a projection's row)."""

    @property
    def tjenestetype(self) -> Tjenestetype: ...
    @property
    def leverandor_id(self) -> str: ...
    @property
    def gyldig_fra(self) -> date: ...
    @property
    def korrigert_av(self) -> UUID | None: ...
    @property
    def posisjon(self) -> int: ...


# Alike in shape with Valgfakta: each protocol lists what one rule reads of its own record.
class Byttefakta(Protocol):
    """What R07's pending switch reads of a ``LeverandorByttet`` (or a projection's row)."""

    @property
    def gammel_leveranse_id(self) -> UUID: ...
    @property
    def ny_leveranse_id(self) -> UUID: ...
    @property
    def oppsigelsesdato(self) -> date: ...
    @property
    def siste_dag_gammel(self) -> date: ...


V = TypeVar("V", bound=Valgfakta)
B = TypeVar("B", bound=Byttefakta)


@dataclass(frozen=True)
class Leverandorsvar:
    """Who serves a user's tjenestetype on a date, and why (``kilde``)."""

    leverandor_id: str | None
    kilde: Kilde
    leveranse: LeveranseRef | None = None


def gjeldende_valg(valg: Iterable[V], tjenestetype: Tjenestetype, dato: date) -> V | None:
    """R02/R26: the choice in force on a date: uncorrected, already effective, the latest
    effective date; of two with the same date, the one recorded last in the user's history
    (``posisjon``: not the clock, which two commands can read in either order)."""
    aktuelle = [v for v in valg if v.tjenestetype == tjenestetype
                and v.korrigert_av is None and v.gyldig_fra <= dato]
    return max(aktuelle, key=lambda v: (v.gyldig_fra, v.posisjon), default=None)


def aktiv_leveranse(leveranser: Iterable[LeveranseRef], tjenestetype: Tjenestetype,
                    dato: date) -> LeveranseRef | None:
    """The delivery of a tjenestetype running on a date (one, by R08; should two ever overlap,
    the one that began last, then the one recorded last). One annulled before it began runs on
    no date."""
    aktive = [r for r in leveranser if r.tjenestetype == tjenestetype
              and aktiv_paa(r.fom, r.tom, dato)]
    return max(aktive, key=lambda r: (r.fom, r.posisjon), default=None)


def gjeldende_leverandor(valg: Iterable[Valgfakta], leveranser: Iterable[LeveranseRef],
                         sluttdato: date | None, tjenestetype: Tjenestetype, dato: date,
                         kommunal_id: str) -> Leverandorsvar:
    """R03 (with R02, R07, R23, R26): THE answer to "who is the user's provider on this date".

    In order: after death or moving out, nobody (R23); a delivery running that day, its
    provider; otherwise the choice in force (``gjeldende_valg``); with no active choice, the
    municipal provider (R03).
    """
    if sluttdato is not None and dato > sluttdato:
        return Leverandorsvar(None, Kilde.AVSLUTTET)
    ref = aktiv_leveranse(leveranser, tjenestetype, dato)
    if ref is not None:
        return Leverandorsvar(ref.leverandor_id, Kilde.LEVERANSE, ref)
    v = gjeldende_valg(valg, tjenestetype, dato)
    if v is not None:
        return Leverandorsvar(v.leverandor_id, Kilde.VALG)
    return Leverandorsvar(kommunal_id, Kilde.KOMMUNAL)


def ventende_bytte(bytter: Iterable[B], leveranser: Iterable[LeveranseRef],
                   leveranse_id: UUID, dato: date) -> B | None:
    """R07: the switch away from a delivery that is pending on a date (from the notice date to
    the old delivery's last day), unless its new delivery was annulled; the latest notice."""
    annullert = {r.leveranse_id for r in leveranser if r.annullert}
    kandidater = [x for x in bytter if x.gammel_leveranse_id == leveranse_id
                  and x.oppsigelsesdato <= dato <= x.siste_dag_gammel
                  and x.ny_leveranse_id not in annullert]
    return max(kandidater, key=lambda x: x.oppsigelsesdato, default=None)


@dataclass(frozen=True)
class Bruker:
    """The user's state: frozen; ``evolve`` returns a new one (``dataclasses.replace``) and the
    fold (``domain.begreper.projektor``) is the only place that sets ``version``."""

    id: UUID
    version: int
    fodselsnummer: str
    navn: str
    registrert_bydel: str
    flyttinger: tuple[tuple[date, str], ...] = ()  # (dato, til), as recorded
    informasjon: tuple[BrukervalgInformasjonGitt, ...] = ()
    valg: tuple[Valg, ...] = ()
    bytter: tuple[LeverandorByttet, ...] = ()
    leveranser: Mapping[UUID, LeveranseRef] = field(default_factory=frozen_mapping)
    vedtak: Mapping[UUID, Tjenestetype] = field(default_factory=frozen_mapping)
    bekreftelser: frozenset[tuple[Tjenestetype, date]] = frozenset()
    husstandsinntekter: tuple[tuple[date, Decimal], ...] = ()
    dodsdato: date | None = None
    utflyttet: date | None = None

    def husstandsinntekt_paa(self, dato: date) -> Decimal | None:
        """R19: the household income in force on a date (the latest registered from before it)."""
        gjeldende = [(fra, belop) for fra, belop in self.husstandsinntekter if fra <= dato]
        return max(gjeldende)[1] if gjeldende else None

    @property
    def bydeler(self) -> ansvar.Tidslinje:
        """R24: the bydel over time (``domain.ansvar``)."""
        return ansvar.tidslinje(self.registrert_bydel, self.flyttinger)

    def bydel_paa(self, dato: date) -> str:
        """R24: the bydel responsible on a date."""
        return ansvar.ansvarlig_bydel(self.bydeler, dato)

    def bydeler_med_tilgang(self, dato: date) -> frozenset[str]:
        """R24: the bydeler that may read and act on the record on a date."""
        return ansvar.bydeler_med_tilgang(self.bydeler, dato)

    @property
    def sluttdato(self) -> date | None:
        """The day after which nothing may be delivered (R23): death or moving out."""
        return self.dodsdato or self.utflyttet

    def gjeldende_valg(self, tjenestetype: Tjenestetype, dato: date) -> Valg | None:
        """The choice in force on a date (``gjeldende_valg``)."""
        return gjeldende_valg(self.valg, tjenestetype, dato)

    def valgt_leverandor(self, tjenestetype: Tjenestetype, dato: date, kommunal_id: str) -> str:
        """R03: the provider to order from: the active choice, else the municipal provider."""
        valg = self.gjeldende_valg(tjenestetype, dato)
        return valg.leverandor_id if valg else kommunal_id

    def leverandor_paa(self, tjenestetype: Tjenestetype, dato: date,
                       kommunal_id: str) -> Leverandorsvar:
        """R03: who serves the user on a date (``gjeldende_leverandor``)."""
        return gjeldende_leverandor(self.valg, self.leveranser.values(), self.sluttdato,
                                    tjenestetype, dato, kommunal_id)

    def leveranse_paa(self, tjenestetype: Tjenestetype, dato: date) -> LeveranseRef | None:
        return aktiv_leveranse(self.leveranser.values(), tjenestetype, dato)

    def ventende_bytte(self, tjenestetype: Tjenestetype, dato: date) -> LeverandorByttet | None:
        """The switch noticed before ``dato`` whose new provider has not yet taken over on it
        (its delivery starts after ``dato`` and is not annulled), if any."""
        for x in reversed(self.bytter):
            ny = self.leveranser.get(x.ny_leveranse_id)
            if (x.tjenestetype == tjenestetype and x.forste_dag_ny > dato and ny is not None
                    and not ny.annullert):
                return x
        return None

    def overlappende(self, tjenestetype: Tjenestetype, fom: date, tom: date | None,
                     unntatt: UUID | None = None) -> LeveranseRef | None:
        """R08: the delivery of the same tjenestetype that the period would overlap, if any."""
        for ref in self.leveranser.values():
            if ref.leveranse_id == unntatt or ref.tjenestetype != tjenestetype or ref.annullert:
                continue
            if perioder_overlapper(ref.fom, ref.tom, fom, tom):
                return ref
        return None


# --- evolve ---------------------------------------------------------------------------------


@singledispatch
def evolve(event: Hendelse, state: Bruker | None) -> Bruker:
    raise FeilAggregattype(f"Bruker cannot apply {type(event).__name__}")


@evolve.register
def _(e: BrukerRegistrert, state: Bruker | None) -> Bruker:
    return Bruker(id=e.originator_id, version=e.originator_version, fodselsnummer=e.fodselsnummer,
                  navn=e.navn, registrert_bydel=e.bydel)


@evolve.register
def _(e: BrukervalgInformasjonGitt, b: Bruker) -> Bruker:
    return replace(b, informasjon=(*b.informasjon, e))


@evolve.register
def _(e: LeverandorValgt, b: Bruker) -> Bruker:
    return replace(b, valg=(*b.valg, Valg(e.hendelse_id, e.tjenestetype, e.leverandor_id, e.form,
                                          e.gyldig_fra, e.timestamp,
                                          posisjon=e.originator_version)))


@evolve.register
def _(e: LeverandorvalgKorrigert, b: Bruker) -> Bruker:
    valg = tuple(replace(v, korrigert_av=e.hendelse_id) if v.hendelse_id == e.korrigerer else v
                 for v in b.valg)
    return replace(b, valg=(*valg, Valg(e.hendelse_id, e.tjenestetype, e.leverandor_id, e.form,
                                        e.gyldig_fra, e.timestamp,
                                        posisjon=e.originator_version)))


@evolve.register
def _(e: LeverandorByttet, b: Bruker) -> Bruker:
    return replace(b, bytter=(*b.bytter, e),
                   valg=(*b.valg, Valg(e.hendelse_id, e.tjenestetype, e.til_leverandor_id, e.form,
                                       e.forste_dag_ny, e.timestamp,
                                       posisjon=e.originator_version)))


@evolve.register
def _(e: LeveranseTilknyttet, b: Bruker) -> Bruker:
    ref = LeveranseRef(e.leveranse_id, e.vedtak_id, e.tjenestetype, e.leverandor_id, e.fom, e.tom,
                       e.originator_version)
    return replace(b, leveranser=with_entry(b.leveranser, e.leveranse_id, ref))


@evolve.register
def _(e: LeveranseperiodeEndret, b: Bruker) -> Bruker:
    ref = replace(b.leveranser[e.leveranse_id], tom=e.tom)
    return replace(b, leveranser=with_entry(b.leveranser, e.leveranse_id, ref))


@evolve.register
def _(e: VedtakTilknyttet, b: Bruker) -> Bruker:
    return replace(b, vedtak=with_entry(b.vedtak, e.vedtak_id, e.tjenestetype))


@evolve.register
def _(e: BytteBekreftelseSendt, b: Bruker) -> Bruker:
    return replace(b, bekreftelser=b.bekreftelser | {(e.tjenestetype, e.bytte_oppsigelsesdato)})


@evolve.register
def _(e: FlyttetTilBydel, b: Bruker) -> Bruker:
    return replace(b, flyttinger=(*b.flyttinger, (e.dato, e.til_bydel)))


@evolve.register
def _(e: HusstandsinntektRegistrert, b: Bruker) -> Bruker:
    return replace(b, husstandsinntekter=(*(x for x in b.husstandsinntekter
                                            if x[0] != e.gyldig_fra),
                                          (e.gyldig_fra, e.nettoinntekt)))


@evolve.register
def _(e: FlyttetUtAvKommunen, b: Bruker) -> Bruker:
    return replace(b, utflyttet=e.dato)


@evolve.register
def _(e: DodsfallRegistrert, b: Bruker) -> Bruker:
    return replace(b, dodsdato=e.dodsdato)


projiser = projektor(evolve)
