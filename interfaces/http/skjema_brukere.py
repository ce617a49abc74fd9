"""Schemas of the bruker resource: registration, search, information, co-payment, choice, switch,
death, moves, vedtak and delivery orders under a bruker, and the bruker as answered."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from domain import kommandoer as k
from domain.begreper import (
    TEKST_MONSTER,
    Flerlinjetekst,
    Form,
    Tjenestetype,
)
from domain.bruker import Bruker, Mottaker
from domain.vedtak import Omfang
from interfaces.http.skjema import (
    LEVERANDOR_MONSTER,
    BydelId,
    Dato,
    Fodselsnummer,
    Heltall,
    IdLager,
    Inn,
    Kort,
    Lang,
    LeverandorId,
    Tidspunkt,
    Ut,
    monster,
)

# --- brukere ---------------------------------------------------------------------------------


class BrukerInn(Inn):
    fodselsnummer: Fodselsnummer = Field(examples=["15108695088"],
                                       description="fødselsnummer eller D-nummer (11 siffer)")
    navn: Kort = Field(examples=["Kari Nordmann"])
    bydel: BydelId

    def kommando(self) -> k.RegistrerBruker:
        return k.RegistrerBruker(fodselsnummer=self.fodselsnummer, navn=self.navn,
                                 bydel=self.bydel)


class BrukerSokInn(Inn):
    fodselsnummer: Fodselsnummer = Field(examples=["15108695088"])


class BrukerSokUt(Ut):
    bruker_id: UUID
    lenke: str


class InformasjonInn(Inn):
    gitt_tid: Tidspunkt
    gitt_av: Kort = Field(examples=["sb-frogner-1"])
    gitt_til: Mottaker
    mottaker_navn: Annotated[Kort | None, Field(**monster(TEKST_MONSTER))] = Field(
        default=None, min_length=1, max_length=200)

    def kommando(self, bruker_id: UUID) -> k.RegistrerInformasjonGitt:
        return k.RegistrerInformasjonGitt(bruker_id=bruker_id, **self.model_dump())


class HusstandsinntektInn(Inn):
    nettoinntekt: Decimal = Field(ge=0, le=Decimal("999999999.99"), max_digits=11, decimal_places=2,
                                  examples=["285000.00"],
                                  json_schema_extra={"multipleOf": 0.01})
    gyldig_fra: Dato = Field(examples=["2026-01-01"])
    kilde: Kort = Field(default="siste likning", examples=["siste likning"])

    def kommando(self, bruker_id: UUID) -> k.RegistrerHusstandsinntekt:
        return k.RegistrerHusstandsinntekt(bruker_id=bruker_id, **self.model_dump())


class EgenandelUt(BaseModel):
    """R19: the month's co-payment for praktisk bistand (amounts in kroner, as strings)."""

    bruker_id: UUID
    aar: int
    maaned: int
    husstandsinntekt: str
    grunnbelop: str
    trinn: str
    kr_per_time: str
    timer: str
    belop: str


class EgenandelUtenGrunnlagUt(Ut):
    maaned: int = Field(ge=1, le=12)
    regel: str = Field(examples=["R19"])
    felt: str = Field(examples=["husstandsinntekt"])
    melding: str


class EgenandelAarUt(Ut):
    """R19 over et år: hver måned beregnet som enkeltmåneden (årstaket gjelder over månedene),
    og summen."""

    bruker_id: UUID
    aar: int = Field(examples=[2026])
    maaneder: list[EgenandelUt] = Field(description="månedene som kan beregnes, i rekkefølge")
    uten_grunnlag: list[EgenandelUtenGrunnlagUt] = Field(
        description="måneder som ikke kan beregnes (f.eks. ingen husstandsinntekt registrert)")
    timer: str = Field(description="timer praktisk bistand i månedene som er beregnet",
                       examples=["52.50"])
    belop: str = Field(description="sum egenandel i kroner for månedene som er beregnet",
                       examples=["1995.00"])


class ValgInn(Inn):
    tjenestetype: Tjenestetype
    leverandor_id: LeverandorId
    form: Form
    gyldig_fra: Dato = Field(examples=["2026-03-02"])

    def kommando(self, bruker_id: UUID) -> k.VelgLeverandor:
        return k.VelgLeverandor(bruker_id=bruker_id, **self.model_dump())


# Same shape as the other input schemas here: each builds its own command type (see StartInn).
class KorreksjonInn(Inn):
    leverandor_id: LeverandorId
    form: Form
    gyldig_fra: Dato
    begrunnelse: Lang = Field(examples=["feil leverandør registrert ved en feiltakelse"])

    def kommando(self, bruker_id: UUID, korrigerer: UUID) -> k.KorrigerLeverandorvalg:
        return k.KorrigerLeverandorvalg(bruker_id=bruker_id, korrigerer=korrigerer,
                                        **self.model_dump())


class ByttInn(Inn):
    tjenestetype: Tjenestetype
    til_leverandor_id: LeverandorId
    form: Form
    oppsigelsesdato: Dato = Field(examples=["2026-03-05"])
    ny_leveranse_id: UUID | None = Field(default=None, description="id for den nye leveransen")

    def kommando(self, bruker_id: UUID, ny_id: IdLager) -> k.ByttLeverandor:
        return k.ByttLeverandor(bruker_id=bruker_id, tjenestetype=self.tjenestetype,
                                til_leverandor_id=self.til_leverandor_id, form=self.form,
                                oppsigelsesdato=self.oppsigelsesdato,
                                ny_leveranse_id=self.ny_leveranse_id or ny_id("leveranse"))


class BytteBekreftelseInn(Inn):
    tjenestetype: Tjenestetype
    oppsigelsesdato: Dato
    sendt_dato: Dato

    def kommando(self, bruker_id: UUID) -> k.SendBytteBekreftelse:
        return k.SendBytteBekreftelse(bruker_id=bruker_id, **self.model_dump())


class DodsfallInn(Inn):
    dodsdato: Dato

    def kommando(self, bruker_id: UUID) -> k.RegistrerDodsfall:
        return k.RegistrerDodsfall(bruker_id=bruker_id, dodsdato=self.dodsdato)


class FlyttingInn(Inn):
    til_bydel: BydelId = Field(examples=["sagene"])
    dato: Dato

    def kommando(self, bruker_id: UUID) -> k.FlyttTilBydel:
        return k.FlyttTilBydel(bruker_id=bruker_id, til_bydel=self.til_bydel, dato=self.dato)


class UtflyttingInn(Inn):
    dato: Dato

    def kommando(self, bruker_id: UUID) -> k.RegistrerUtflytting:
        return k.RegistrerUtflytting(bruker_id=bruker_id, dato=self.dato)


class OmfangInn(Inn):
    minutter: Heltall = Field(gt=0, le=7 * 24 * 60 * 52, examples=[120],
                          description="tildelte minutter per periode")
    per_uker: Heltall = Field(default=1, ge=1, le=52, description="perioden i uker")
    innhold: Flerlinjetekst = Field(default="", max_length=4000, examples=["rengjøring, innkjøp"])
    antall_ansatte: Heltall = Field(default=1, ge=1, le=1000, description=(
        "ansatte samtidig (2: dobbel bemanning); BV7: høyst 3, og høyst 24 timer per dag per "
        "ansatt (grensen 1000 er bare lagringens)"))

    def domene(self) -> Omfang:
        return Omfang(minutter=self.minutter, per_uker=self.per_uker, innhold=self.innhold,
                      antall_ansatte=self.antall_ansatte)


class VedtakInn(Inn):
    tjenestetype: Tjenestetype
    gyldig_fra: Dato = Field(examples=["2026-03-01"])
    gyldig_til: Dato | None = None
    omfang: OmfangInn
    vedtaksdato: Dato = Field(examples=["2026-02-20"])
    knytt_til_leveranse_id: UUID | None = Field(
        default=None, description="R14: en tjeneste som startet før vedtaket, som skal knyttes")
    vedtak_id: UUID | None = None

    def kommando(self, bruker_id: UUID, ny_id: IdLager) -> k.FattVedtak:
        return k.FattVedtak(bruker_id=bruker_id, tjenestetype=self.tjenestetype,
                            gyldig_fra=self.gyldig_fra, gyldig_til=self.gyldig_til,
                            omfang=self.omfang.domene(), vedtaksdato=self.vedtaksdato,
                            knytt_til_leveranse_id=self.knytt_til_leveranse_id,
                            vedtak_id=self.vedtak_id or ny_id("vedtak"))


class LeveranseInn(Inn):
    tjenestetype: Tjenestetype
    vedtak_id: UUID | None = Field(default=None,
                                   description="uten vedtak: tjenesten starter før vedtaket (R14)")
    leverandor_id: Annotated[LeverandorId | None, Field(**monster(LEVERANDOR_MONSTER))] = Field(
        default=None, description="uten leverandør: brukerens valg, ellers kommunal (R03)")
    fom: Dato = Field(examples=["2026-03-01"])
    tom: Dato | None = None
    leveranse_id: UUID | None = None

    def kommando(self, bruker_id: UUID, ny_id: IdLager) -> k.BestillLeveranse:
        return k.BestillLeveranse(bruker_id=bruker_id, tjenestetype=self.tjenestetype,
                                  vedtak_id=self.vedtak_id, leverandor_id=self.leverandor_id,
                                  fom=self.fom, tom=self.tom,
                                  leveranse_id=self.leveranse_id or ny_id("leveranse"))


class InformasjonUt(Ut):
    gitt_tid: datetime
    gitt_av: str
    gitt_til: Mottaker
    mottaker_navn: str | None


class ValgUt(Ut):
    hendelse_id: UUID
    tjenestetype: Tjenestetype
    leverandor_id: str
    form: Form
    gyldig_fra: date
    registrert: datetime
    korrigert_av: UUID | None


# Same fields as the event domain.bruker.LeverandorByttet: the API's schema is its own contract,
# so a change to the event does not silently change the published document.
class ByttUt(Ut):
    tjenestetype: Tjenestetype
    fra_leverandor_id: str
    til_leverandor_id: str
    form: Form
    oppsigelsesdato: date
    gammel_leveranse_id: UUID
    siste_dag_gammel: date
    ny_leveranse_id: UUID
    forste_dag_ny: date


class LeveranseRefUt(Ut):
    leveranse_id: UUID
    vedtak_id: UUID | None
    tjenestetype: Tjenestetype
    leverandor_id: str
    fom: date
    tom: date | None
    lenke: str


class VedtakRefUt(Ut):
    vedtak_id: UUID
    tjenestetype: Tjenestetype
    lenke: str


class BrukerUt(Ut):
    """A bruker. A leverandør sees only its own deliveries, and no choice or switch history."""

    id: UUID
    versjon: int
    fodselsnummer: str
    navn: str
    bydel: str
    dodsdato: date | None
    utflyttet: date | None
    leveranser: list[LeveranseRefUt]
    vedtak: list[VedtakRefUt]
    informasjon: list[InformasjonUt] | None = None
    valg: list[ValgUt] | None = None
    bytter: list[ByttUt] | None = None

    @classmethod
    def fra(cls, b: Bruker, idag: date, leverandor: str | None = None) -> BrukerUt:
        """``idag``: the Oslo date the bydel shown is responsible on (R24)."""
        refs = [r for r in b.leveranser.values()
                if leverandor is None or r.leverandor_id == leverandor]
        tjenester = {r.tjenestetype for r in refs}
        ut = cls(
            id=b.id, versjon=b.version, fodselsnummer=b.fodselsnummer, navn=b.navn, bydel=b.bydel_paa(idag),
            dodsdato=b.dodsdato, utflyttet=b.utflyttet,
            leveranser=[LeveranseRefUt(leveranse_id=r.leveranse_id, vedtak_id=r.vedtak_id,
                                       tjenestetype=r.tjenestetype, leverandor_id=r.leverandor_id,
                                       fom=r.fom, tom=r.tom, lenke=f"/leveranser/{r.leveranse_id}")
                        for r in refs],
            vedtak=[VedtakRefUt(vedtak_id=v, tjenestetype=t, lenke=f"/vedtak/{v}")
                    for v, t in b.vedtak.items() if leverandor is None or t in tjenester])
        if leverandor is None:
            ut.informasjon = [InformasjonUt(gitt_tid=i.gitt_tid, gitt_av=i.gitt_av,
                                            gitt_til=i.gitt_til, mottaker_navn=i.mottaker_navn)
                              for i in b.informasjon]
            ut.valg = [ValgUt(hendelse_id=v.hendelse_id, tjenestetype=v.tjenestetype,
                              leverandor_id=v.leverandor_id, form=v.form,
                              gyldig_fra=v.gyldig_fra, registrert=v.registrert,
                              korrigert_av=v.korrigert_av) for v in b.valg]
            ut.bytter = [ByttUt.model_validate(x.model_dump(include=set(ByttUt.model_fields)))
                         for x in b.bytter]
        return ut
