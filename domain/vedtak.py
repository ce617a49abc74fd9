"""Vedtak: the decision granting a service, its scope and validity; also the order to the provider.

Its decisions have the shape ``navn(cmd, state, ktx) -> events`` (the command from
``domain.kommandoer``; the appeal deadline's two also take the deadline settings, ``regler``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import singledispatch
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain import frister, kalender
from domain.begreper import (
    FeilAggregattype,
    Hendelse,
    Hendelser,
    Kontekst,
    Regelbrudd,
    Rolle,
    Sluttarsak,
    Tjenestetype,
    aktiv_paa,
    frozen_mapping,
    projektor,
    sjekk_periode,
    with_entry,
)

if TYPE_CHECKING:  # domain.kommandoer imports this module (Omfang, Utfall, Klageutfall)
    from domain import kommandoer as k

MINSTE_VARIGHET = timedelta(days=14)


# BV7: how many staff members a vedtak may grant at the same time (double staffing, e.g. for
# lifts, is the usual exception; three covers the rare heavier case).
MAKS_ANSATTE_SAMTIDIG = 3


def _en(x: int) -> bool:
    return x == 1


class Omfang(BaseModel):
    """Scope: minutes per N weeks, plus the free-text content of the service.

    ``antall_ansatte`` staff members at once (double staffing is 2) is part of the vedtak; it is
    left out of the stored event when 1, so single-staff scopes keep their old shape.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    minutter: int = Field(gt=0, le=7 * 24 * 60 * 52, description="granted minutes per period")
    per_uker: int = Field(default=1, ge=1, le=52, description="the period in weeks")
    innhold: str = Field(default="", max_length=4000)
    antall_ansatte: int = Field(default=1, exclude_if=_en, description="staff members at once "
                                "(2: double staffing); bounded by ``sjekk_omfang`` (BV7)")


def sjekk_omfang(omfang: Omfang, felt: str = "omfang") -> None:
    """BV7: a scope is possible: at most 24 hours a day per staff member at once, for every day of
    its period, and at most ``MAKS_ANSATTE_SAMTIDIG`` staff members at once."""
    if not 1 <= omfang.antall_ansatte <= MAKS_ANSATTE_SAMTIDIG:
        raise Regelbrudd("BV7", f"{felt}.antall_ansatte", f"{omfang.antall_ansatte} ansatte "
                         f"samtidig er utenfor 1–{MAKS_ANSATTE_SAMTIDIG}")
    dager = 7 * omfang.per_uker
    tak = 24 * 60 * dager * omfang.antall_ansatte
    if omfang.minutter > tak:
        per_dag = omfang.minutter / dager / 60
        raise Regelbrudd("BV7", felt, f"{omfang.minutter} minutter per {omfang.per_uker} uke(r) "
                         f"er {per_dag:.1f} timer per dag; med {omfang.antall_ansatte} ansatt(e) "
                         f"samtidig er det mulige høyst {tak} minutter (24 timer per dag per "
                         "ansatt)")


class Utfall(StrEnum):
    ENDRET = "endret"
    AVSLATT = "avslatt"


# Alike in shape with Utfall, Besokskategori and Avvikstype: each enum lists its own field's values.
class Klageutfall(StrEnum):
    MEDHOLD = "medhold"
    DELVIS_MEDHOLD = "delvis_medhold"
    IKKE_MEDHOLD_OVERSENDT = "ikke_medhold_oversendt_statsforvalteren"
    AVVIST = "avvist"


# --- events ---------------------------------------------------------------------------------


class VedtakFattet(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("vedtaksdato",)
    bruker_id: UUID
    tjenestetype: Tjenestetype
    gyldig_fra: date
    gyldig_til: date | None
    omfang: Omfang
    vedtaksdato: date


class VedtakMottatt(Hendelse):
    """R25: the day the vedtak reached the user starts the appeal deadline."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("mottatt_dato",)

    mottatt_dato: date
    klagefrist: date


class RevurderingAnmodet(Hendelse):
    """R16: the provider asks for a reassessment (revurderingsjournal)."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("anmodet_tid",)

    revurdering_id: UUID
    anmodet_tid: datetime
    leverandor_id: str
    begrunnelse: str


class RevurderingBesvart(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("besvart_tid",)
    revurdering_id: UUID
    besvart_tid: datetime
    utfall: Utfall
    nytt_omfang: Omfang | None = None
    gyldig_fra: date | None = None


class VedtakRevidert(Hendelse):
    """The bydel revises the scope on its own initiative (seed 001: "fatte, revurdere og
    avslutte vedtak"), from ``gyldig_fra``."""

    gyldig_fra: date
    nytt_omfang: Omfang
    begrunnelse: str


class VedtakForlenget(Hendelse):
    ny_gyldig_til: date | None


class VedtakAvsluttet(Hendelse):
    dato: date
    arsak: Sluttarsak


class KlageMottatt(Hendelse):
    """R25: a late appeal is still recorded, and flagged."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("mottatt_dato",)

    klage_id: UUID
    mottatt_dato: date
    klagefrist: date | None
    for_sen: bool
    gjelder: str


class KlageAvgjort(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("avgjort_dato",)
    klage_id: UUID
    avgjort_dato: date
    utfall: Klageutfall
    begrunnelse: str = ""


# --- state ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revurdering:
    anmodning: RevurderingAnmodet
    svar: RevurderingBesvart | None = None


# Alike in shape with Bruker's and Leveranse's state: each aggregate's state is a frozen record
# folded by domain.begreper.projektor; the fields are its own.
@dataclass(frozen=True)
class Vedtak:
    """The vedtak's state: frozen; ``evolve`` returns a new one (``dataclasses.replace``) and the
    fold (``domain.begreper.projektor``) is the only place that sets ``version``."""

    id: UUID
    version: int
    bruker_id: UUID
    tjenestetype: Tjenestetype
    gyldig_fra: date
    gyldig_til: date | None
    vedtaksdato: date
    vedtaksmyndig: str
    omfang: tuple[tuple[date, Omfang], ...]
    mottatt_dato: date | None = None
    klagefrist: date | None = None
    revurderinger: Mapping[UUID, Revurdering] = field(default_factory=frozen_mapping)
    klager: Mapping[UUID, KlageMottatt] = field(default_factory=frozen_mapping)
    klageavgjorelser: Mapping[UUID, KlageAvgjort] = field(default_factory=frozen_mapping)
    avsluttet: VedtakAvsluttet | None = None
    # R11: every scope and every extension as recorded (version, ..., when recorded).
    omfangshistorikk: tuple[frister.Omfangsendring, ...] = ()
    forlengelser: tuple[frister.Forlengelse, ...] = ()
    gyldig_til_fattet: date | None = None

    def fristfakta(self) -> frister.Vedtaksfakta:
        """The facts the obligations of this vedtak are computed from (domain.frister)."""
        return frister.Vedtaksfakta(
            vedtak_id=str(self.id), bruker_id=str(self.bruker_id), tjenestetype=self.tjenestetype,
            gyldig_til_fattet=self.gyldig_til_fattet, omfang=tuple(self.omfangshistorikk),
            forlengelser=tuple(self.forlengelser), mottatt_dato=self.mottatt_dato,
            klager=tuple(k.mottatt_dato for k in self.klager.values()),
            revurderinger=tuple(frister.Revurderingsfakta(
                str(rid), r.anmodning.leverandor_id, r.anmodning.anmodet_tid,
                r.svar.besvart_tid if r.svar else None) for rid, r in self.revurderinger.items()))

    def omfang_paa(self, dato: date) -> Omfang | None:
        """The scope in force on a date, or None outside the validity."""
        if not self.gjelder(dato):
            return None
        gjeldende = [o for fra, o in self.omfang if fra <= dato]
        return gjeldende[-1] if gjeldende else None

    def gjelder(self, dato: date) -> bool:
        return aktiv_paa(self.gyldig_fra, self.gyldig_til, dato)

    def ubesvarte_revurderinger(self) -> list[Revurdering]:
        return [r for r in self.revurderinger.values() if r.svar is None]


# --- evolve ---------------------------------------------------------------------------------


@singledispatch
def evolve(event: Hendelse, state: Vedtak | None) -> Vedtak:
    raise FeilAggregattype(f"Vedtak cannot apply {type(event).__name__}")


@evolve.register
def _(e: VedtakFattet, state: Vedtak | None) -> Vedtak:
    return Vedtak(id=e.originator_id, version=e.originator_version, bruker_id=e.bruker_id,
                  tjenestetype=e.tjenestetype, gyldig_fra=e.gyldig_fra, gyldig_til=e.gyldig_til,
                  vedtaksdato=e.vedtaksdato, vedtaksmyndig=e.aktor.person_id,
                  omfang=((e.gyldig_fra, e.omfang),), gyldig_til_fattet=e.gyldig_til,
                  omfangshistorikk=(_omfangsendring(e, e.gyldig_fra, e.omfang),))


def _omfangsendring(e: Hendelse, fra: date, omfang: Omfang) -> frister.Omfangsendring:
    return frister.Omfangsendring(e.originator_version, fra, omfang.minutter, omfang.per_uker,
                                  e.timestamp)


def _nytt_omfang(v: Vedtak, e: Hendelse, fra: date, omfang: Omfang) -> Vedtak:
    return replace(v, omfang=tuple(sorted([*(x for x in v.omfang if x[0] != fra), (fra, omfang)],
                                          key=lambda x: x[0])),
                   omfangshistorikk=(*v.omfangshistorikk, _omfangsendring(e, fra, omfang)))


@evolve.register
def _(e: VedtakMottatt, v: Vedtak) -> Vedtak:
    return replace(v, mottatt_dato=e.mottatt_dato, klagefrist=e.klagefrist)


@evolve.register
def _(e: RevurderingAnmodet, v: Vedtak) -> Vedtak:
    return replace(v, revurderinger=with_entry(v.revurderinger, e.revurdering_id, Revurdering(e)))


@evolve.register
def _(e: RevurderingBesvart, v: Vedtak) -> Vedtak:
    besvart = replace(v.revurderinger[e.revurdering_id], svar=e)
    v = replace(v, revurderinger=with_entry(v.revurderinger, e.revurdering_id, besvart))
    if e.utfall is Utfall.ENDRET and e.nytt_omfang is not None and e.gyldig_fra is not None:
        return _nytt_omfang(v, e, e.gyldig_fra, e.nytt_omfang)
    return v


@evolve.register
def _(e: VedtakRevidert, v: Vedtak) -> Vedtak:
    return _nytt_omfang(v, e, e.gyldig_fra, e.nytt_omfang)


@evolve.register
def _(e: VedtakForlenget, v: Vedtak) -> Vedtak:
    return replace(v, gyldig_til=e.ny_gyldig_til, forlengelser=(
        *v.forlengelser, frister.Forlengelse(e.originator_version, e.ny_gyldig_til, e.timestamp)))


@evolve.register
def _(e: VedtakAvsluttet, v: Vedtak) -> Vedtak:
    return replace(v, avsluttet=e, gyldig_til=e.dato)


@evolve.register
def _(e: KlageMottatt, v: Vedtak) -> Vedtak:
    return replace(v, klager=with_entry(v.klager, e.klage_id, e))


@evolve.register
def _(e: KlageAvgjort, v: Vedtak) -> Vedtak:
    return replace(v, klageavgjorelser=with_entry(v.klageavgjorelser, e.klage_id, e))


projiser = projektor(evolve)


# --- decisions ------------------------------------------------------------------------------


def fatt(cmd: k.FattVedtak, ktx: Kontekst) -> list[Hendelse]:
    """Make a vedtak (only a vedtaksmyndig may), for services expected to last > 14 days (R15).
    A new aggregate: no state (the user's side, and a delivery to link, are
    ``domain.saksgang.fatt_vedtak``)."""
    gyldig_fra, gyldig_til, omfang = cmd.gyldig_fra, cmd.gyldig_til, cmd.omfang
    if ktx.aktor.rolle is not Rolle.VEDTAKSMYNDIG:
        raise Regelbrudd("BV5", "aktor.rolle", "bare en vedtaksmyndig kan fatte vedtak")
    sjekk_periode(gyldig_fra, gyldig_til, "gyldig_til")
    sjekk_omfang(omfang)
    if gyldig_til is not None and (gyldig_til - gyldig_fra + timedelta(days=1)) <= MINSTE_VARIGHET:
        raise Regelbrudd("R15", "gyldig_til",
                         "vedtak fattes for tjenester som forventes å vare mer enn 14 dager")
    h = Hendelser(cmd.vedtak_id, 0, ktx)
    h.ny(VedtakFattet, bruker_id=cmd.bruker_id, tjenestetype=cmd.tjenestetype,
         gyldig_fra=gyldig_fra, gyldig_til=gyldig_til, omfang=omfang, vedtaksdato=cmd.vedtaksdato)
    return h.liste


def registrer_mottatt(cmd: k.RegistrerVedtakMottatt, v: Vedtak, ktx: Kontekst,
                      regler: frister.Fristregler) -> list[Hendelse]:
    """R25: record when the vedtak reached the user and compute the appeal deadline (by the
    deadline settings, ``regler``)."""
    mottatt_dato = cmd.mottatt_dato
    if v.mottatt_dato == mottatt_dato:
        return []
    if mottatt_dato < v.vedtaksdato:
        raise Regelbrudd("R25", "mottatt_dato", "vedtaket kan ikke ha kommet fram før det ble fattet")
    frist = frister.klagefrist(mottatt_dato, regler).dato
    h = Hendelser(v.id, v.version, ktx)
    h.ny(VedtakMottatt, mottatt_dato=mottatt_dato, klagefrist=frist)
    return h.liste


def revider(cmd: k.ReviderVedtak, v: Vedtak, ktx: Kontekst) -> list[Hendelse]:
    """The bydel changes the scope on its own initiative (only a vedtaksmyndig decides)."""
    gyldig_fra, nytt_omfang, begrunnelse = cmd.gyldig_fra, cmd.nytt_omfang, cmd.begrunnelse
    if ktx.aktor.rolle is not Rolle.VEDTAKSMYNDIG:
        raise Regelbrudd("BV5", "aktor.rolle", "bare en vedtaksmyndig kan revidere vedtak")
    if v.avsluttet is not None:
        raise Regelbrudd("R23", "vedtak_id", f"vedtaket ble avsluttet {v.avsluttet.dato}")
    if not v.gjelder(gyldig_fra):
        raise Regelbrudd("R16", "gyldig_fra", "endringen må gjelde innenfor vedtakets periode")
    if (gyldig_fra, nytt_omfang) in v.omfang:
        return []
    if not begrunnelse.strip():
        raise Regelbrudd("R16", "begrunnelse", "en revisjon av vedtaket må begrunnes")
    h = Hendelser(v.id, v.version, ktx)
    h.ny(VedtakRevidert, gyldig_fra=gyldig_fra, nytt_omfang=nytt_omfang, begrunnelse=begrunnelse)
    return h.liste


def anmod_revurdering(cmd: k.AnmodRevurdering, v: Vedtak, ktx: Kontekst) -> list[Hendelse]:
    """R16: a provider's request for reassessment; the clock for the bydel's answer starts."""
    revurdering_id, begrunnelse = cmd.revurdering_id, cmd.begrunnelse
    if revurdering_id in v.revurderinger:
        return []
    if v.avsluttet is not None:
        raise Regelbrudd("R16", "vedtak_id", f"vedtaket ble avsluttet {v.avsluttet.dato}")
    if not begrunnelse.strip():
        raise Regelbrudd("R16", "begrunnelse", "en revurderingsanmodning må begrunnes")
    h = Hendelser(v.id, v.version, ktx)
    h.ny(RevurderingAnmodet, revurdering_id=revurdering_id, anmodet_tid=cmd.anmodet_tid,
         leverandor_id=cmd.leverandor_id, begrunnelse=begrunnelse)
    return h.liste


def besvar_revurdering(cmd: k.BesvarRevurdering, v: Vedtak, ktx: Kontekst) -> list[Hendelse]:
    """R16/R10: the bydel answers; a changed scope governs from its date, also in a notice period."""
    revurdering_id, besvart_tid, utfall = cmd.revurdering_id, cmd.besvart_tid, cmd.utfall
    nytt_omfang, gyldig_fra = cmd.nytt_omfang, cmd.gyldig_fra
    rev = v.revurderinger.get(revurdering_id)
    if rev is None:
        raise Regelbrudd("R16", "revurdering_id", f"ingen revurdering {revurdering_id} på vedtaket")
    ny = (besvart_tid, utfall, nytt_omfang, gyldig_fra)
    if rev.svar is not None:
        if (rev.svar.besvart_tid, rev.svar.utfall, rev.svar.nytt_omfang, rev.svar.gyldig_fra) == ny:
            return []
        raise Regelbrudd("R16", "revurdering_id", "revurderingen er allerede besvart")
    if kalender.foer(besvart_tid, rev.anmodning.anmodet_tid):
        raise Regelbrudd("R16", "besvart_tid", "svaret kan ikke komme før anmodningen")
    if utfall is Utfall.ENDRET:
        if nytt_omfang is None or gyldig_fra is None:
            felt = "nytt_omfang" if nytt_omfang is None else "gyldig_fra"
            raise Regelbrudd("R16", felt, "endret omfang krever nytt omfang og dato")
        if not v.gjelder(gyldig_fra):
            raise Regelbrudd("R16", "gyldig_fra", "endringen må gjelde innenfor vedtakets periode")
        sjekk_omfang(nytt_omfang, "nytt_omfang")
    elif nytt_omfang is not None:
        raise Regelbrudd("R16", "nytt_omfang", "et avslag endrer ikke omfanget")
    h = Hendelser(v.id, v.version, ktx)
    h.ny(RevurderingBesvart, revurdering_id=revurdering_id, besvart_tid=besvart_tid, utfall=utfall,
         nytt_omfang=nytt_omfang, gyldig_fra=gyldig_fra)
    return h.liste


def forleng(cmd: k.ForlengVedtak, v: Vedtak, ktx: Kontekst) -> list[Hendelse]:
    """BV3: an extension gives a later end (or none); R23: not of an ended vedtak. The
    deliveries that end with it are ``domain.saksgang.forleng_vedtak``."""
    ny_gyldig_til = cmd.ny_gyldig_til
    if v.avsluttet is not None:
        raise Regelbrudd("R23", "vedtak_id", f"vedtaket ble avsluttet {v.avsluttet.dato}")
    if v.gyldig_til == ny_gyldig_til:
        return []
    if v.gyldig_til is None or (ny_gyldig_til is not None and ny_gyldig_til < v.gyldig_til):
        raise Regelbrudd("BV3", "ny_gyldig_til", "en forlengelse må gi en senere sluttdato")
    h = Hendelser(v.id, v.version, ktx)
    h.ny(VedtakForlenget, ny_gyldig_til=ny_gyldig_til)
    return h.liste


def avslutt(cmd: k.AvsluttVedtak, v: Vedtak, ktx: Kontekst) -> list[Hendelse]:
    """End a vedtak on a date (idempotent; a vedtak already ended earlier stays as it is)."""
    dato = cmd.dato
    if v.avsluttet is not None and v.avsluttet.dato <= dato:
        return []
    if v.gyldig_til is not None and v.gyldig_til <= dato and v.avsluttet is None:
        return []
    h = Hendelser(v.id, v.version, ktx)
    h.ny(VedtakAvsluttet, dato=dato, arsak=cmd.arsak)
    return h.liste


def motta_klage(cmd: k.MottaKlage, v: Vedtak, ktx: Kontekst,
                regler: frister.Fristregler) -> list[Hendelse]:
    """R25: record the appeal; if after the deadline, flag it (it is still recorded). The
    deadline is computed from the settings (``regler``), as in the SLA and the klagesak."""
    klage_id, mottatt_dato, gjelder = cmd.klage_id, cmd.mottatt_dato, cmd.gjelder
    if klage_id in v.klager:
        return []
    if not gjelder.strip():
        raise Regelbrudd("R25", "gjelder", "klagen må si hva den gjelder")
    frist = frister.klagefrist(v.mottatt_dato, regler) if v.mottatt_dato else None
    for_sen = frist is not None and not frist.overholdt_av(mottatt_dato)
    h = Hendelser(v.id, v.version, ktx)
    h.ny(KlageMottatt, klage_id=klage_id, mottatt_dato=mottatt_dato,
         klagefrist=frist.dato if frist else None, for_sen=for_sen, gjelder=gjelder)
    return h.liste


def avgjor_klage(cmd: k.AvgjorKlage, v: Vedtak, ktx: Kontekst) -> list[Hendelse]:
    """R25: the appeal's outcome, once (the same outcome again is recorded once)."""
    klage_id, avgjort_dato, utfall = cmd.klage_id, cmd.avgjort_dato, cmd.utfall
    klage = v.klager.get(klage_id)
    if klage is None:
        raise Regelbrudd("R25", "klage_id", f"ingen klage {klage_id} på vedtaket")
    if klage_id in v.klageavgjorelser:
        tidligere = v.klageavgjorelser[klage_id]
        if (tidligere.avgjort_dato, tidligere.utfall) == (avgjort_dato, utfall):
            return []
        raise Regelbrudd("R25", "klage_id", "klagen er allerede avgjort")
    if avgjort_dato < klage.mottatt_dato:
        raise Regelbrudd("BV3", "avgjort_dato", "avgjørelsen kan ikke komme før klagen")
    h = Hendelser(v.id, v.version, ktx)
    h.ny(KlageAvgjort, klage_id=klage_id, avgjort_dato=avgjort_dato, utfall=utfall,
         begrunnelse=cmd.begrunnelse)
    return h.liste
