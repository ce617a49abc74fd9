"""Bruker: the person receiving home services, the consistency boundary for choices and periods.

Every command that creates or changes a delivery period also records it here, so two concurrent
commands on the same bruker conflict on this aggregate's version and the no-overlap rule (R08)
cannot be broken by a race.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import singledispatch
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID

from pydantic import Field
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import fodselsnummer as stdnum_fnr

from domain import ansvar
from domain.begreper import (
    FeilAggregattype,
    Form,
    Hendelse,
    Hendelser,
    Kontekst,
    Regelbrudd,
    Sluttarsak,
    Tjenestetype,
    aktiv_paa,
    annullert,
    perioder_overlapper,
    projektor,
)

BRUKERVALG_START = date(2024, 6, 1)


class Mottaker(StrEnum):
    """R01: who received the information about brukervalg."""

    BRUKER = "bruker"
    PARORENDE = "parorende"
    VERGE = "verge"


# --- events ---------------------------------------------------------------------------------


class BrukerRegistrert(Hendelse):
    fodselsnummer: str
    navn: str = Field(min_length=1, max_length=200)
    bydel: str


class BrukervalgInformasjonGitt(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("gitt_tid",)
    gitt_tid: datetime
    gitt_av: str
    gitt_til: Mottaker
    mottaker_navn: str | None = None


class LeverandorValgt(Hendelse):
    """R02. Schema 2 replaced v1's ``muntlig: bool`` with ``form`` (see ``oppgrader``)."""

    SKJEMA: ClassVar[int] = 2
    tjenestetype: Tjenestetype
    leverandor_id: str
    form: Form
    gyldig_fra: date

    @classmethod
    def oppgrader(cls, data: dict[str, Any], fra_skjema: int) -> dict[str, Any]:
        if fra_skjema < 2:
            data = dict(data)
            data["form"] = Form.MUNTLIG if data.pop("muntlig") else Form.SKRIFTLIG
        return data


class LeverandorvalgKorrigert(Hendelse):
    """R26: a correction is a new fact pointing at the one it corrects."""

    korrigerer: UUID
    tjenestetype: Tjenestetype
    leverandor_id: str
    form: Form
    gyldig_fra: date
    begrunnelse: str = Field(min_length=1)


class LeverandorByttet(Hendelse):
    """R06-R07: notice of switch; the old delivery ends on day ten, the new starts the next day.

    A notice while an earlier switch is pending (a change of mind) names the pending delivery it
    annuls (``annullert_leveranse_id``); the old delivery's end then stays as the first notice
    set it, and the new provider takes over on the pending one's first day.
    """

    OBSERVERT: ClassVar[tuple[str, ...]] = ("oppsigelsesdato",)

    tjenestetype: Tjenestetype
    fra_leverandor_id: str
    til_leverandor_id: str
    form: Form
    oppsigelsesdato: date
    gammel_leveranse_id: UUID
    siste_dag_gammel: date
    ny_leveranse_id: UUID
    forste_dag_ny: date
    annullert_leveranse_id: UUID | None = Field(default=None, exclude_if=lambda x: x is None)


class LeveranseTilknyttet(Hendelse):
    leveranse_id: UUID
    vedtak_id: UUID | None
    tjenestetype: Tjenestetype
    leverandor_id: str
    fom: date
    tom: date | None


class LeveranseperiodeEndret(Hendelse):
    leveranse_id: UUID
    tom: date | None
    arsak: Sluttarsak | None = None


class VedtakTilknyttet(Hendelse):
    vedtak_id: UUID
    tjenestetype: Tjenestetype


class BytteBekreftelseSendt(Hendelse):
    """R09: the letter confirming the switch was sent to the user."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("sendt_dato",)

    bytte_oppsigelsesdato: date
    tjenestetype: Tjenestetype
    sendt_dato: date


class FlyttetTilBydel(Hendelse):
    """R24: responsibility moves to the new bydel; history stays."""

    fra_bydel: str
    til_bydel: str
    dato: date


class HusstandsinntektRegistrert(Hendelse):
    """R19: the household's net taxable income (from the latest tax assessment), from a date;
    it decides the co-payment bracket for praktisk bistand."""

    nettoinntekt: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    gyldig_fra: date
    kilde: str = Field(default="siste likning", max_length=200)


class FlyttetUtAvKommunen(Hendelse):
    dato: date


class DodsfallRegistrert(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("dodsdato",)
    dodsdato: date


# --- state ----------------------------------------------------------------------------------


@dataclass
class Valg:
    hendelse_id: UUID
    tjenestetype: Tjenestetype
    leverandor_id: str
    form: Form
    gyldig_fra: date
    registrert: datetime
    korrigert_av: UUID | None = None
    posisjon: int = 0  # where it was recorded in the user's history (R03's tie-break)


@dataclass
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


@dataclass
class Bruker:
    id: UUID
    version: int
    fodselsnummer: str
    navn: str
    registrert_bydel: str
    flyttinger: list[tuple[date, str]] = field(default_factory=list)  # (dato, til), as recorded
    informasjon: list[BrukervalgInformasjonGitt] = field(default_factory=list)
    valg: list[Valg] = field(default_factory=list)
    bytter: list[LeverandorByttet] = field(default_factory=list)
    leveranser: dict[UUID, LeveranseRef] = field(default_factory=dict)
    vedtak: dict[UUID, Tjenestetype] = field(default_factory=dict)
    bekreftelser: set[tuple[Tjenestetype, date]] = field(default_factory=set)
    husstandsinntekter: list[tuple[date, Decimal]] = field(default_factory=list)
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
    b.informasjon.append(e)
    return b


@evolve.register
def _(e: LeverandorValgt, b: Bruker) -> Bruker:
    b.valg.append(Valg(e.hendelse_id, e.tjenestetype, e.leverandor_id, e.form, e.gyldig_fra,
                       e.timestamp, posisjon=e.originator_version))
    return b


@evolve.register
def _(e: LeverandorvalgKorrigert, b: Bruker) -> Bruker:
    for v in b.valg:
        if v.hendelse_id == e.korrigerer:
            v.korrigert_av = e.hendelse_id
    b.valg.append(Valg(e.hendelse_id, e.tjenestetype, e.leverandor_id, e.form, e.gyldig_fra,
                       e.timestamp, posisjon=e.originator_version))
    return b


@evolve.register
def _(e: LeverandorByttet, b: Bruker) -> Bruker:
    b.bytter.append(e)
    b.valg.append(Valg(e.hendelse_id, e.tjenestetype, e.til_leverandor_id, e.form,
                       e.forste_dag_ny, e.timestamp, posisjon=e.originator_version))
    return b


@evolve.register
def _(e: LeveranseTilknyttet, b: Bruker) -> Bruker:
    b.leveranser[e.leveranse_id] = LeveranseRef(e.leveranse_id, e.vedtak_id, e.tjenestetype,
                                                e.leverandor_id, e.fom, e.tom,
                                                e.originator_version)
    return b


@evolve.register
def _(e: LeveranseperiodeEndret, b: Bruker) -> Bruker:
    b.leveranser[e.leveranse_id].tom = e.tom
    return b


@evolve.register
def _(e: VedtakTilknyttet, b: Bruker) -> Bruker:
    b.vedtak[e.vedtak_id] = e.tjenestetype
    return b


@evolve.register
def _(e: BytteBekreftelseSendt, b: Bruker) -> Bruker:
    b.bekreftelser.add((e.tjenestetype, e.bytte_oppsigelsesdato))
    return b


@evolve.register
def _(e: FlyttetTilBydel, b: Bruker) -> Bruker:
    b.flyttinger.append((e.dato, e.til_bydel))
    return b


@evolve.register
def _(e: HusstandsinntektRegistrert, b: Bruker) -> Bruker:
    b.husstandsinntekter = [x for x in b.husstandsinntekter if x[0] != e.gyldig_fra]
    b.husstandsinntekter.append((e.gyldig_fra, e.nettoinntekt))
    return b


@evolve.register
def _(e: FlyttetUtAvKommunen, b: Bruker) -> Bruker:
    b.utflyttet = e.dato
    return b


@evolve.register
def _(e: DodsfallRegistrert, b: Bruker) -> Bruker:
    b.dodsdato = e.dodsdato
    return b


projiser = projektor(evolve)


# --- decisions ------------------------------------------------------------------------------


def valider_fodselsnummer(fnr: str) -> str:
    """Check digits and birth date (D-numbers accepted) by python-stdnum."""
    try:
        return stdnum_fnr.validate(fnr)
    except StdnumValidationError as e:
        grunn = _STDNUM_GRUNN.get(type(e).__name__, "ugyldig")
        raise Regelbrudd("BV1", "fodselsnummer",
                         f"ugyldig fødselsnummer eller D-nummer ({grunn})") from None


# python-stdnum's reasons, in the language the message is read in.
_STDNUM_GRUNN = {"InvalidLength": "må ha 11 siffer", "InvalidFormat": "bare siffer",
                 "InvalidChecksum": "kontrollsifrene stemmer ikke",
                 "InvalidComponent": "fødselsdatoen finnes ikke"}


def sjekk_i_live(b: Bruker, dato: date, felt: str) -> None:
    """R23: after death (or moving out) nothing new may take effect."""
    if b.sluttdato is not None and dato > b.sluttdato:
        hva = "døde" if b.dodsdato else "flyttet ut av kommunen"
        raise Regelbrudd("R23", felt, f"brukeren {hva} {b.sluttdato}; {dato} er etter det")


def registrer(bruker_id: UUID, fodselsnummer: str, navn: str, bydel: str,
              ktx: Kontekst) -> list[Hendelse]:
    fnr = valider_fodselsnummer(fodselsnummer)
    if not navn.strip():
        raise Regelbrudd("BV4", "navn", "navn mangler")
    h = Hendelser(bruker_id, 0, ktx)
    h.ny(BrukerRegistrert, fodselsnummer=fnr, navn=navn.strip(), bydel=bydel)
    return h.liste


def gi_informasjon(b: Bruker, gitt_tid: datetime, gitt_av: str, gitt_til: Mottaker,
                   mottaker_navn: str | None, ktx: Kontekst) -> list[Hendelse]:
    """R01: record that information about brukervalg was given: when, by whom, to whom."""
    for i in b.informasjon:
        if (i.gitt_tid, i.gitt_av, i.gitt_til, i.mottaker_navn) == (
                gitt_tid, gitt_av, gitt_til, mottaker_navn):
            return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(BrukervalgInformasjonGitt, gitt_tid=gitt_tid, gitt_av=gitt_av, gitt_til=gitt_til,
         mottaker_navn=mottaker_navn)
    return h.liste


def sjekk_valgdato(gyldig_fra: date, felt: str = "gyldig_fra") -> None:
    """R04: choices effective before 2024-06-01 are not back-registered."""
    if gyldig_fra < BRUKERVALG_START:
        raise Regelbrudd("R04", felt, f"valg med virkning før {BRUKERVALG_START} registreres ikke "
                         "(registreres ved neste revurdering eller bytte)")


def velg_leverandor(b: Bruker, tjenestetype: Tjenestetype, leverandor_id: str, form: Form,
                    gyldig_fra: date, ktx: Kontekst) -> list[Hendelse]:
    """R02: the user's choice of provider for a tjenestetype."""
    sjekk_valgdato(gyldig_fra)
    sjekk_i_live(b, gyldig_fra, "gyldig_fra")
    for v in b.valg:
        if (v.korrigert_av is None and v.tjenestetype == tjenestetype
                and (v.leverandor_id, v.form, v.gyldig_fra) == (leverandor_id, form, gyldig_fra)):
            return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(LeverandorValgt, tjenestetype=tjenestetype, leverandor_id=leverandor_id, form=form,
         gyldig_fra=gyldig_fra)
    return h.liste


def korriger_valg(b: Bruker, korrigerer: UUID, leverandor_id: str, form: Form,
                  gyldig_fra: date, begrunnelse: str, ktx: Kontekst) -> list[Hendelse]:
    """R26: correct a recorded choice by a new fact that refers to it."""
    original = next((v for v in b.valg if v.hendelse_id == korrigerer), None)
    if original is None:
        raise Regelbrudd("R26", "korrigerer", f"fant ikke valget {korrigerer} på brukeren")
    if original.korrigert_av is not None:
        raise Regelbrudd("R26", "korrigerer",
                         f"valget er allerede korrigert av {original.korrigert_av}")
    if any(x.hendelse_id == korrigerer for x in b.bytter):
        # Correcting it alone would leave the delivery the switch ordered saying another
        # provider than the choice; a new notice moves both together (R06-R08).
        raise Regelbrudd("R07", "korrigerer", "valget ble registrert ved et bytte av leverandør "
                         "og kan ikke korrigeres alene; registrer et nytt bytte med samme "
                         "oppsigelsesdato og riktig leverandør (før overtakelsen annullerer det "
                         "den ventende leveransen)")
    sjekk_valgdato(gyldig_fra)
    if not begrunnelse.strip():
        raise Regelbrudd("R26", "begrunnelse", "en korreksjon må begrunnes")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(LeverandorvalgKorrigert, korrigerer=korrigerer, tjenestetype=original.tjenestetype,
         leverandor_id=leverandor_id, form=form, gyldig_fra=gyldig_fra, begrunnelse=begrunnelse)
    return h.liste


def flytt_til_bydel(b: Bruker, til_bydel: str, dato: date, ktx: Kontekst) -> list[Hendelse]:
    """R24: a move between bydeler transfers responsibility from its date; history stays. A move
    changing nothing planned is recorded once; one from a planned move's date or earlier replaces
    it (``domain.ansvar.tidslinje``: a move back cancels it)."""
    linje = b.bydeler
    if ansvar.tidslinje(b.registrert_bydel, [*b.flyttinger, (dato, til_bydel)]) == linje:
        return []
    sjekk_i_live(b, dato, "dato")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(FlyttetTilBydel, fra_bydel=ansvar.ansvarlig_bydel(linje, dato), til_bydel=til_bydel,
         dato=dato)
    return h.liste


def registrer_husstandsinntekt(b: Bruker, nettoinntekt: Decimal, gyldig_fra: date, kilde: str,
                               ktx: Kontekst) -> list[Hendelse]:
    """R19: record the household income that sets the co-payment bracket from a date."""
    if nettoinntekt < 0:
        raise Regelbrudd("R19", "nettoinntekt", "inntekten kan ikke være negativ")
    if (gyldig_fra, nettoinntekt) in b.husstandsinntekter:
        return []
    sjekk_i_live(b, gyldig_fra, "gyldig_fra")
    h = Hendelser(b.id, b.version, ktx)
    h.ny(HusstandsinntektRegistrert, nettoinntekt=nettoinntekt, gyldig_fra=gyldig_fra, kilde=kilde)
    return h.liste


def bekreft_bytte(b: Bruker, tjenestetype: Tjenestetype, oppsigelsesdato: date, sendt_dato: date,
                  ktx: Kontekst) -> list[Hendelse]:
    """R09: record the letter confirming a switch."""
    if not any(x.tjenestetype == tjenestetype and x.oppsigelsesdato == oppsigelsesdato
               for x in b.bytter):
        raise Regelbrudd("R09", "oppsigelsesdato",
                         f"ingen bytte av {tjenestetype} med oppsigelsesdato {oppsigelsesdato}")
    if (tjenestetype, oppsigelsesdato) in b.bekreftelser:
        return []
    h = Hendelser(b.id, b.version, ktx)
    h.ny(BytteBekreftelseSendt, bytte_oppsigelsesdato=oppsigelsesdato, tjenestetype=tjenestetype,
         sendt_dato=sendt_dato)
    return h.liste

