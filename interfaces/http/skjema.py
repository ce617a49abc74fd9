"""Request and response schemas of the HTTP API: the contract, kept apart from domain events.

Requests carry what a person types or a system sends, bounded (lengths, date ranges, list sizes)
so nothing outside what the domain can reason about gets in. ``kommando(...)`` turns a request
into the application's command; ``fra(...)`` turns an aggregate's state into a response. No rule
is computed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from application import kommandoer as k
from application.app import Kvittering
from application.tidsrapport import Status as Linjestatus
from domain.betaling import Arsakskode
from domain.bruker import Bruker, Kilde, Mottaker
from domain.felles import (
    TEKST_MONSTER,
    Flerlinjetekst,
    Form,
    Hendelse,
    Kanal,
    Rolle,
    Sluttarsak,
    Tekst,
    Tjenestetype,
)
from domain.frister import Frist, Varselgrunn
from domain.frister import Status as Fristatus
from domain.leveranse import Avvikstype, Besok, Besokskategori, Leveranse, avbestilling_id
from domain.vedtak import Klageutfall, Omfang, Utfall, Vedtak
from interfaces.http.frist import FristUt, frist_ut
from interfaces.http.lager import Tilgangsoppforing

MINSTE_DATO = date(1900, 1, 1)
STORSTE_DATO = date(2199, 12, 31)
MAKS_BESOK_PER_KALL = 500

IdLager = Callable[[str], UUID]
"""Gives the id of a new fact when the client sent none (derived from the Idempotency-Key)."""


def _dato_i_rekkevidde(d: date) -> date:
    if not MINSTE_DATO <= d <= STORSTE_DATO:
        raise ValueError(f"datoen må ligge mellom {MINSTE_DATO} og {STORSTE_DATO}")
    return d


def _tid_i_rekkevidde(t: datetime) -> datetime:
    _dato_i_rekkevidde(t.date())
    return t


_DATOFORM = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_dato(v: Any) -> Any:
    """A date is ISO text (or a date from Python), never a number of days or seconds."""
    if isinstance(v, date) and not isinstance(v, datetime):
        return v
    if not isinstance(v, str) or not _DATOFORM.match(v):
        raise ValueError("må være en dato (ÅÅÅÅ-MM-DD)")
    return v


def _iso_tid(v: Any) -> Any:
    """An instant is RFC 3339 text (or a datetime from Python), never a Unix timestamp."""
    if isinstance(v, datetime) or isinstance(v, str) and _DATOFORM.match(v[:10]):
        return v
    raise ValueError("må være et tidspunkt med tidssone (RFC 3339, f.eks. "
                     "2026-03-02T09:00:00+01:00)")


def _heltall(v: Any) -> Any:
    """A count is a JSON integer: not "120", not true, not 120.5 (Litestar validates laxly);
    120.0 is one (JSON Schema counts it an integer)."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError("må være et heltall")
    return v


def _sannhetsverdi(v: Any) -> Any:
    if not isinstance(v, bool):
        raise ValueError("må være true eller false")
    return v


Heltall = Annotated[int, BeforeValidator(_heltall)]
Sannhetsverdi = Annotated[bool, BeforeValidator(_sannhetsverdi)]

# The range is in the schema as a pattern on the year, so clients (and fuzzers) can see it.
AARSTALL = r"^(?:19|2[01])[0-9]{2}-"
Dato = Annotated[date, BeforeValidator(_iso_dato), AfterValidator(_dato_i_rekkevidde),
                 Field(description="dato (ISO 8601), mellom 1900-01-01 og 2199-12-31",
                       json_schema_extra={"pattern": AARSTALL})]
# Litestar describes every AwareDatetime field with one shared schema object, so a field's own
# examples would show on all of them: the alias carries the one example (operations have theirs).
TIDSPUNKT_BESKRIVELSE = ("tidspunkt med tidssone (RFC 3339), f.eks. 2026-03-02T09:00:00+01:00, "
                         "år 1900–2199")
Tidspunkt = Annotated[AwareDatetime, BeforeValidator(_iso_tid),
                      AfterValidator(_tid_i_rekkevidde),
                      Field(description=TIDSPUNKT_BESKRIVELSE,
                            examples=["2026-03-02T09:00:00+01:00"],
                            json_schema_extra={"pattern": AARSTALL})]


def monster(regex: str) -> dict[str, Any]:
    """A pattern, also in the OpenAPI document (Litestar leaves pydantic's ``pattern`` out)."""
    return {"pattern": regex, "json_schema_extra": {"pattern": regex}}


FNR_MONSTER = r"^[0-9]{11}$"
Fodselsnummer = Annotated[Tekst, Field(**monster(FNR_MONSTER))]
LEVERANDOR_MONSTER = r"^[a-z0-9][a-z0-9-]{0,39}$"
LeverandorId = Annotated[Tekst, Field(examples=["2care"], **monster(LEVERANDOR_MONSTER))]
BydelId = Annotated[Tekst, Field(examples=["frogner"], **monster(r"^[a-z][a-z-]{0,39}$"))]
Kort = Annotated[Tekst, Field(min_length=1, max_length=200)]
Lang = Annotated[Flerlinjetekst, Field(min_length=1, max_length=4000)]
Journal = Annotated[Tekst, Field(min_length=1, max_length=200, examples=["OL-2026-0042"])]


def eget_skjematillegg(modell: type[BaseModel]) -> None:
    """Give every field its own ``json_schema_extra``.

    Litestar writes a field's examples into that dict in place while it builds the document, and
    the fields that share an ``Annotated`` alias (``Dato``, ``Timer`` …) share the alias's dict:
    without a copy each field's examples piled up on every other field of that alias.
    """
    for felt in modell.model_fields.values():
        if isinstance(felt.json_schema_extra, dict):
            felt.json_schema_extra = dict(felt.json_schema_extra)


class Inn(BaseModel):
    """A request body: unknown fields are refused (the schema says additionalProperties: false).

    Patterns are matched with Python's ``re``, the dialect the schema's patterns are written in.
    """

    model_config = ConfigDict(extra="forbid", regex_engine="python-re")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        eget_skjematillegg(cls)


class Ut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        eget_skjematillegg(cls)


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


class KvitteringUt(Ut):
    """What a write did: the resource it concerns, its version (ETag) after, how many new facts."""

    id: UUID
    versjon: int = Field(ge=0, description="aggregatets versjon etter skrivingen (= ETag)")
    nye_hendelser: int = Field(ge=0, description="0: kommandoen var allerede registrert")
    lenke: str = Field(description="ressursen skrivingen gjelder", examples=["/vedtak/…"])

    @classmethod
    def fra(cls, kv: Kvittering, lenke: str) -> KvitteringUt:
        return cls(id=kv.id, versjon=kv.versjon, nye_hendelser=kv.nye_hendelser, lenke=lenke,
                   **cls.nye(kv.ider))

    NY_ID: ClassVar[str | None] = None
    """The field naming the one new fact inside the resource (none on the plain receipt)."""

    @classmethod
    def nye(cls, ider: tuple[UUID, ...]) -> dict[str, Any]:
        """The receipt's fields for the facts inside the resource."""
        return {cls.NY_ID: ider[0]} if cls.NY_ID else {}


class RevurderingKvitteringUt(KvitteringUt):
    revurdering_id: UUID = Field(description="den nye revurderingsanmodningens id "
                                 "(til besvarRevurdering)")
    NY_ID = "revurdering_id"


class KlageKvitteringUt(KvitteringUt):
    klage_id: UUID = Field(description="klagens id (til avgjorKlage)")
    NY_ID = "klage_id"


class BesokKvitteringUt(KvitteringUt):
    besok_id: UUID = Field(description="besøkets id; samme besøk rapportert igjen gir id-en "
                           "det ble registrert med første gang")
    NY_ID = "besok_id"


class BesokSamletKvitteringUt(KvitteringUt):
    besok_ider: list[UUID] = Field(description="besøkenes id-er, i samme rekkefølge som i "
                                   "forespørselen")

    @classmethod
    def nye(cls, ider: tuple[UUID, ...]) -> dict[str, Any]:
        return {"besok_ider": list(ider)}


class AvbestillingKvitteringUt(KvitteringUt):
    avbestilling_id: UUID = Field(description="avbestillingens id (avledet av leveransen og "
                                  "planlagt start: samme avbestilling har alltid samme id)")
    NY_ID = "avbestilling_id"


class BekymringsmeldingKvitteringUt(KvitteringUt):
    melding_id: UUID = Field(description="bekymringsmeldingens id (til "
                             "videresendBekymringsmelding)")
    NY_ID = "melding_id"


class AvvikKvitteringUt(KvitteringUt):
    avvik_id: UUID = Field(description="avvikets id (til behandleAvvik)")
    NY_ID = "avvik_id"


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


# --- vedtak ----------------------------------------------------------------------------------


class VedtakMottattInn(Inn):
    mottatt_dato: Dato

    def kommando(self, vedtak_id: UUID) -> k.RegistrerVedtakMottatt:
        return k.RegistrerVedtakMottatt(vedtak_id=vedtak_id, mottatt_dato=self.mottatt_dato)


class RevurderingInn(Inn):
    anmodet_tid: Tidspunkt
    begrunnelse: Lang = Field(examples=["brukeren trenger mer hjelp etter fall"])
    revurdering_id: UUID | None = None

    def kommando(self, vedtak_id: UUID, leverandor_id: str,
                 ny_id: IdLager) -> k.AnmodRevurdering:
        return k.AnmodRevurdering(vedtak_id=vedtak_id, anmodet_tid=self.anmodet_tid,
                                  leverandor_id=leverandor_id, begrunnelse=self.begrunnelse,
                                  revurdering_id=self.revurdering_id or ny_id("revurdering"))


class RevurderingSvarInn(Inn):
    besvart_tid: Tidspunkt
    utfall: Utfall
    nytt_omfang: OmfangInn | None = None
    gyldig_fra: Dato | None = None

    def kommando(self, vedtak_id: UUID, revurdering_id: UUID) -> k.BesvarRevurdering:
        return k.BesvarRevurdering(
            vedtak_id=vedtak_id, revurdering_id=revurdering_id, besvart_tid=self.besvart_tid,
            utfall=self.utfall, gyldig_fra=self.gyldig_fra,
            nytt_omfang=self.nytt_omfang.domene() if self.nytt_omfang else None)


class VedtakRevisjonInn(Inn):
    """The bydel's own revision of the scope (seed 001: "fatte, revurdere og avslutte vedtak")."""

    gyldig_fra: Dato
    nytt_omfang: OmfangInn
    begrunnelse: Lang

    def kommando(self, vedtak_id: UUID) -> k.ReviderVedtak:
        return k.ReviderVedtak(vedtak_id=vedtak_id, gyldig_fra=self.gyldig_fra,
                               nytt_omfang=self.nytt_omfang.domene(),
                               begrunnelse=self.begrunnelse)


class ForlengelseInn(Inn):
    ny_gyldig_til: Dato | None = Field(description="null: løpende")

    def kommando(self, vedtak_id: UUID) -> k.ForlengVedtak:
        return k.ForlengVedtak(vedtak_id=vedtak_id, ny_gyldig_til=self.ny_gyldig_til)


class VedtakAvslutningInn(Inn):
    dato: Dato
    arsak: Sluttarsak

    def kommando(self, vedtak_id: UUID) -> k.AvsluttVedtak:
        return k.AvsluttVedtak(vedtak_id=vedtak_id, dato=self.dato, arsak=self.arsak)


class KlageInn(Inn):
    mottatt_dato: Dato
    gjelder: Lang = Field(examples=["omfanget av praktisk bistand"])
    klage_id: UUID | None = None

    def kommando(self, vedtak_id: UUID, ny_id: IdLager) -> k.MottaKlage:
        return k.MottaKlage(vedtak_id=vedtak_id, mottatt_dato=self.mottatt_dato,
                            gjelder=self.gjelder, klage_id=self.klage_id or ny_id("klage"))


class KlageavgjorelseInn(Inn):
    avgjort_dato: Dato
    utfall: Klageutfall
    begrunnelse: Flerlinjetekst = Field(default="", max_length=4000)

    def kommando(self, vedtak_id: UUID, klage_id: UUID) -> k.AvgjorKlage:
        return k.AvgjorKlage(vedtak_id=vedtak_id, klage_id=klage_id, **self.model_dump())


class OmfangUt(Ut):
    gyldig_fra: date
    minutter: int
    per_uker: int
    innhold: str
    antall_ansatte: int = 1


class RevurderingSvarUt(Ut):
    besvart_tid: datetime
    utfall: Utfall
    nytt_omfang: OmfangInn | None
    gyldig_fra: date | None


class RevurderingUt(Ut):
    revurdering_id: UUID
    anmodet_tid: datetime
    leverandor_id: str
    begrunnelse: str
    svar: RevurderingSvarUt | None


class KlageavgjorelseUt(Ut):
    avgjort_dato: date
    utfall: Klageutfall
    begrunnelse: str


class KlageUt(Ut):
    klage_id: UUID
    mottatt_dato: date
    klagefrist: FristUt | None = Field(description="klagefristen (R25) da klagen kom")
    for_sen: bool
    gjelder: str
    avgjorelse: KlageavgjorelseUt | None


class AvslutningUt(Ut):
    dato: date
    arsak: Sluttarsak


class VedtakUt(Ut):
    id: UUID
    versjon: int
    bruker_id: UUID
    tjenestetype: Tjenestetype
    gyldig_fra: date
    gyldig_til: date | None
    vedtaksdato: date
    vedtaksmyndig: str
    omfang: list[OmfangUt]
    mottatt_dato: date | None
    klagefrist: FristUt | None = Field(description="klagefristen (R25), når vedtaket er mottatt")
    revurderinger: list[RevurderingUt]
    klager: list[KlageUt]
    avsluttet: AvslutningUt | None

    @classmethod
    def fra(cls, v: Vedtak) -> VedtakUt:
        def omfang(o: Omfang | None) -> OmfangInn | None:
            return OmfangInn(minutter=o.minutter, per_uker=o.per_uker, innhold=o.innhold,
                             antall_ansatte=o.antall_ansatte) if o else None

        return cls(
            id=v.id, versjon=v.version, bruker_id=v.bruker_id, tjenestetype=v.tjenestetype,
            gyldig_fra=v.gyldig_fra, gyldig_til=v.gyldig_til, vedtaksdato=v.vedtaksdato,
            vedtaksmyndig=v.vedtaksmyndig,
            omfang=[OmfangUt(gyldig_fra=fra, minutter=o.minutter, per_uker=o.per_uker,
                             innhold=o.innhold, antall_ansatte=o.antall_ansatte)
                    for fra, o in v.omfang],
            mottatt_dato=v.mottatt_dato,
            klagefrist=frist_ut(Frist(dato=v.klagefrist)) if v.klagefrist else None,
            revurderinger=[RevurderingUt(
                revurdering_id=rid, anmodet_tid=r.anmodning.anmodet_tid,
                leverandor_id=r.anmodning.leverandor_id, begrunnelse=r.anmodning.begrunnelse,
                svar=RevurderingSvarUt(besvart_tid=r.svar.besvart_tid, utfall=r.svar.utfall,
                                       nytt_omfang=omfang(r.svar.nytt_omfang),
                                       gyldig_fra=r.svar.gyldig_fra) if r.svar else None)
                for rid, r in v.revurderinger.items()],
            klager=[KlageUt(
                klage_id=kid, mottatt_dato=kl.mottatt_dato,
                klagefrist=frist_ut(Frist(dato=kl.klagefrist)) if kl.klagefrist else None,
                for_sen=kl.for_sen, gjelder=kl.gjelder,
                avgjorelse=KlageavgjorelseUt(avgjort_dato=a.avgjort_dato, utfall=a.utfall,
                                             begrunnelse=a.begrunnelse)
                if (a := v.klageavgjorelser.get(kid)) else None)
                for kid, kl in v.klager.items()],
            avsluttet=AvslutningUt(dato=v.avsluttet.dato, arsak=v.avsluttet.arsak)
            if v.avsluttet else None)


# --- leveranser ------------------------------------------------------------------------------


class VarselInn(Inn):
    kanal: Kanal
    varslet_tid: Tidspunkt
    hast: Sannhetsverdi = False
    gjelder: Varselgrunn = Field(default=Varselgrunn.START, description=(
        "hva varselet gjelder (R11): start, utvidelse, forlengelse eller bytte"))
    gjelder_fra: Dato | None = Field(default=None, description=(
        "R11: dagen utvidelsen eller forlengelsen gjelder fra (bare for de to)"))

    def kommando(self, leveranse_id: UUID) -> k.VarsleLeverandor:
        return k.VarsleLeverandor(leveranse_id=leveranse_id, **self.model_dump())


class OppsigelsesvarselInn(Inn):
    kanal: Kanal
    varslet_tid: Tidspunkt

    def kommando(self, leveranse_id: UUID) -> k.VarsleOppsigelse:
        return k.VarsleOppsigelse(leveranse_id=leveranse_id, **self.model_dump())


class StartInn(Inn):
    startet_tid: Tidspunkt

    def kommando(self, leveranse_id: UUID) -> k.StartLeveranse:
        return k.StartLeveranse(leveranse_id=leveranse_id, startet_tid=self.startet_tid)


class BesokInn(Inn):
    start: Tidspunkt
    slutt: Tidspunkt
    ansatt: Tekst = Field(min_length=1, max_length=64, examples=["ans-7f3a"],
                          description="pseudonym ansatt-id (R28a), aldri fødselsnummer")
    kategori: Besokskategori = Besokskategori.ORDINAER
    tiltakskode: Annotated[Tekst | None, Field(**monster(TEKST_MONSTER))] = Field(
        default=None, max_length=64)
    besok_id: UUID | None = None

    def kommando(self, leveranse_id: UUID, ny_id: IdLager, nr: int = 0) -> k.RegistrerBesok:
        return k.RegistrerBesok(leveranse_id=leveranse_id, start=self.start, slutt=self.slutt,
                                ansatt=self.ansatt, kategori=self.kategori,
                                tiltakskode=self.tiltakskode,
                                besok_id=self.besok_id or ny_id(f"besok-{nr}"))


class BesokSamletInn(Inn):
    besok: list[BesokInn] = Field(min_length=1, max_length=MAKS_BESOK_PER_KALL)


class AvbestillingInn(Inn):
    planlagt_start: Tidspunkt
    planlagt_slutt: Tidspunkt
    avbestilt_tid: Tidspunkt
    journalreferanse: Journal

    def kommando(self, leveranse_id: UUID) -> k.AvbestillBesok:
        return k.AvbestillBesok(leveranse_id=leveranse_id, **self.model_dump())


class BekymringsmeldingInn(Inn):
    mottatt_tid: Tidspunkt
    fagjournal: Journal
    videresendt_tid: Tidspunkt | None = None
    beskjedjournal: Annotated[Journal | None, Field(**monster(TEKST_MONSTER))] = Field(
        default=None, min_length=1, max_length=200)
    melding_id: UUID | None = None

    def kommando(self, leveranse_id: UUID, ny_id: IdLager) -> k.MottaBekymringsmelding:
        return k.MottaBekymringsmelding(
            leveranse_id=leveranse_id, mottatt_tid=self.mottatt_tid, fagjournal=self.fagjournal,
            videresendt_tid=self.videresendt_tid, beskjedjournal=self.beskjedjournal,
            melding_id=self.melding_id or ny_id("bekymringsmelding"))


class VideresendingInn(Inn):
    videresendt_tid: Tidspunkt
    beskjedjournal: Journal

    def kommando(self, leveranse_id: UUID, melding_id: UUID) -> k.VideresendBekymringsmelding:
        return k.VideresendBekymringsmelding(leveranse_id=leveranse_id, melding_id=melding_id,
                                             **self.model_dump())


class LeveranseAvslutningInn(Inn):
    sluttdato: Dato
    arsak: Sluttarsak
    sluttnotat: Flerlinjetekst = Field(default="", max_length=4000)

    def kommando(self, leveranse_id: UUID) -> k.AvsluttLeveranse:
        return k.AvsluttLeveranse(leveranse_id=leveranse_id, **self.model_dump())


class AvvikInn(Inn):
    type: Avvikstype
    mottatt_tid: Tidspunkt
    beskrivelse: Lang
    avvik_id: UUID | None = None

    def kommando(self, leveranse_id: UUID, ny_id: IdLager) -> k.RegistrerAvvik:
        return k.RegistrerAvvik(leveranse_id=leveranse_id, type=self.type,
                                mottatt_tid=self.mottatt_tid, beskrivelse=self.beskrivelse,
                                avvik_id=self.avvik_id or ny_id("avvik"))


class AvviksbehandlingInn(Inn):
    behandlet_tid: Tidspunkt
    konklusjon: Lang

    def kommando(self, leveranse_id: UUID, avvik_id: UUID) -> k.BehandleAvvik:
        return k.BehandleAvvik(leveranse_id=leveranse_id, avvik_id=avvik_id,
                               **self.model_dump())


class VarselUt(Ut):
    kanal: Kanal
    varslet_tid: datetime
    hast: bool
    gjelder: Varselgrunn
    gjelder_fra: date | None


class OppsigelsesvarselUt(Ut):
    kanal: Kanal
    varslet_tid: datetime


class LeveranseAvslutningUt(Ut):
    sluttdato: date
    arsak: Sluttarsak
    gerica_kode: str | None
    sluttnotat: str


class AvbestillingUt(Ut):
    avbestilling_id: UUID
    planlagt_start: datetime
    planlagt_slutt: datetime
    avbestilt_tid: datetime
    journalreferanse: str


class BekymringsmeldingUt(Ut):
    melding_id: UUID
    mottatt_tid: datetime
    fagjournal: str
    videresendt_tid: datetime | None
    beskjedjournal: str | None


class AvvikUt(Ut):
    avvik_id: UUID
    type: Avvikstype
    mottatt_tid: datetime
    beskrivelse: str
    behandlet_tid: datetime | None
    konklusjon: str | None


class LeveranseUt(Ut):
    """A delivery; its visits are paged at /leveranser/{id}/besok."""

    id: UUID
    versjon: int
    bruker_id: UUID
    vedtak_id: UUID | None
    tjenestetype: Tjenestetype
    leverandor_id: str
    fom: date
    tom: date | None
    startet_tid: datetime | None
    avsluttet: LeveranseAvslutningUt | None
    varsler: list[VarselUt]
    oppsigelsesvarsler: list[OppsigelsesvarselUt]
    antall_besok: int
    avbestillinger: list[AvbestillingUt]
    bekymringsmeldinger: list[BekymringsmeldingUt]
    avvik: list[AvvikUt]

    @classmethod
    def fra(cls, lev: Leveranse) -> LeveranseUt:
        a = lev.avsluttet
        return cls(
            id=lev.id, versjon=lev.version, bruker_id=lev.bruker_id, vedtak_id=lev.vedtak_id,
            tjenestetype=lev.tjenestetype, leverandor_id=lev.leverandor_id, fom=lev.fom,
            tom=lev.tom, startet_tid=lev.startet_tid,
            avsluttet=LeveranseAvslutningUt(sluttdato=a.sluttdato, arsak=a.arsak,
                                            gerica_kode=a.arsak.gerica_kode,
                                            sluttnotat=a.sluttnotat) if a else None,
            varsler=[VarselUt(kanal=v.kanal, varslet_tid=v.varslet_tid, hast=v.hast,
                              gjelder=v.gjelder, gjelder_fra=v.gjelder_fra)
                     for v in lev.varsler],
            oppsigelsesvarsler=[OppsigelsesvarselUt(kanal=v.kanal, varslet_tid=v.varslet_tid)
                                for v in lev.oppsigelsesvarsler],
            antall_besok=len(lev.besok),
            avbestillinger=[AvbestillingUt(avbestilling_id=avbestilling_id(lev.id, x.planlagt_start),
                                           planlagt_start=x.planlagt_start,
                                           planlagt_slutt=x.planlagt_slutt,
                                           avbestilt_tid=x.avbestilt_tid,
                                           journalreferanse=x.journalreferanse)
                            for x in lev.avbestillinger],
            bekymringsmeldinger=[BekymringsmeldingUt(
                melding_id=mid, mottatt_tid=m.mottatt_tid, fagjournal=m.fagjournal,
                videresendt_tid=vs.videresendt_tid if (vs := lev.videresendinger.get(mid))
                else None, beskjedjournal=vs.beskjedjournal if vs else None)
                for mid, m in lev.bekymringsmeldinger.items()],
            avvik=[AvvikUt(avvik_id=aid, type=x.type, mottatt_tid=x.mottatt_tid,
                           beskrivelse=x.beskrivelse,
                           behandlet_tid=b.behandlet_tid if (b := lev.avviksbehandlinger.get(aid))
                           else None, konklusjon=b.konklusjon if b else None)
                   for aid, x in lev.avvik.items()])


class BesokUt(Ut):
    besok_id: UUID
    start: datetime
    slutt: datetime
    ansatt: str
    kategori: Besokskategori
    tiltakskode: str | None
    registrert: datetime
    fil_sha256: str | None = Field(None, description="tidsrapporten besøket kom fra (sha256), "
                                   "når det ble rapportert i en fil")
    linje: int | None = Field(None, description="linjen i tidsrapporten")

    @classmethod
    def fra(cls, b: Besok) -> BesokUt:
        return cls(besok_id=b.besok_id, start=b.start, slutt=b.slutt, ansatt=b.ansatt,
                   kategori=b.kategori, tiltakskode=b.tiltakskode, registrert=b.timestamp,
                   fil_sha256=b.fil_sha256, linje=b.linje)


# --- history, access log, pages --------------------------------------------------------------


class AktorUt(Ut):
    person_id: str
    rolle: Rolle
    organisasjon: str


_GRUNNFELT = {"originator_id", "originator_version", "timestamp", "aktor", "hendelse_id"}

# A fact's own fields, as JSON: scalars, lists and objects two levels deep (a reported batch of
# visits is a list of objects of scalars). Numbers are integers: facts hold no floats (amounts are
# exact decimals, sent as text), and "integer" beside "number" would break the schema's oneOf.
Skalar = str | int | bool | None
Verdi1 = Skalar | list[Skalar] | dict[str, Skalar]
JsonVerdi = Skalar | list[Verdi1] | dict[str, Verdi1]


class HendelseUt(Ut):
    """One recorded fact (R26): what, about which aggregate, by whom, when recorded."""

    hendelse_id: UUID
    type: str = Field(examples=["LeverandorValgt"])
    aggregat_id: UUID
    versjon: int
    registrert: datetime
    aktor: AktorUt
    data: dict[str, JsonVerdi] = Field(description="hendelsens innhold (virkningstidspunkt m.m.)")

    @classmethod
    def fra(cls, e: Hendelse) -> HendelseUt:
        return cls(hendelse_id=e.hendelse_id, type=type(e).__name__, aggregat_id=e.originator_id,
                   versjon=e.originator_version, registrert=e.timestamp,
                   aktor=AktorUt(person_id=e.aktor.person_id, rolle=e.aktor.rolle,
                                 organisasjon=e.aktor.organisasjon),
                   data=e.model_dump(mode="json", exclude=_GRUNNFELT))


class TilgangsoppforingUt(Ut):
    """One access to the bruker's personal data (Normen)."""

    tidspunkt: datetime
    person_id: str
    rolle: Rolle
    organisasjon: str
    handling: str = Field(description="operasjonen (operationId)")
    metode: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    ressurs: str
    formaal: str | None = Field(description="oppgitt formål (X-Formaal)")
    utfall: int = Field(description="HTTP-status: 2xx gitt, 403/404 nektet")

    @classmethod
    def fra(cls, o: Tilgangsoppforing) -> TilgangsoppforingUt:
        return cls(tidspunkt=o.tidspunkt, person_id=o.person_id, rolle=Rolle(o.rolle),
                   organisasjon=o.organisasjon, handling=o.handling, metode=o.metode,
                   ressurs=o.ressurs, formaal=o.formaal, utfall=o.utfall)


class Side(Ut):
    fra: int = Field(ge=0)
    antall: int = Field(ge=0)
    totalt: int = Field(ge=0)
    neste: str | None = Field(description="lenke til neste side, null på siste")


class HistorikkSide(Side):
    elementer: list[HendelseUt]


class BesokSide(Side):
    elementer: list[BesokUt]


class TilgangsloggSide(Side):
    elementer: list[TilgangsoppforingUt]


class Helse(Ut):
    status: str = Field(examples=["ok"])


# --- rapporter fra projeksjonene (gjeldende leverandør, caseload, betalbar tid, SLA) ----------

TIMER_MONSTER = r"^[0-9]+\.[0-9]{2}$"
Timer = Annotated[str, Field(description="timer med to desimaler (bare for visning; beregnet "
                                         "eksakt)", examples=["7.00"], **monster(TIMER_MONSTER))]
Belop = Annotated[str, Field(description="kroner med øre (eksakt desimaltall som tekst)",
                             examples=["3906.70"], **monster(r"^-?[0-9]+\.[0-9]{2}$"))]
MAANED_MONSTER = r"^(?:19|2[01])[0-9]{2}-(?:0[1-9]|1[0-2])$"


class VentendeBytteUt(Ut):
    """R07: oppsigelse gitt; den gamle leverandøren leverer ut fristen, den nye fra overgangen."""

    fra_leverandor_id: str = Field(examples=["2care"])
    til_leverandor_id: str = Field(examples=["nordlys"])
    oppsigelsesdato: date
    siste_dag_gammel: date
    overgangsdato: date = Field(description="første dag hos den nye leverandøren")
    ny_leveranse_id: UUID


class GjeldendeLeverandorUt(Ut):
    bruker_id: UUID
    tjenestetype: Tjenestetype
    dato: date = Field(examples=["2026-03-10"])
    leverandor_id: str | None = Field(examples=["2care"],
                                      description="null når brukeren er død eller flyttet ut")
    kilde: Literal[Kilde.LEVERANSE, Kilde.VALG, Kilde.KOMMUNAL, Kilde.AVSLUTTET] = Field(
        examples=["leveranse"], description=(
        "leveranse (aktiv leveranse den dagen), valg (valg i kraft, ingen leveranse ennå), "
        "ingen_valg_kommunal (kommunal leverandør, R03), avsluttet (død/utflyttet, R23)"))
    leveranse_id: UUID | None = None
    fom: date | None = None
    tom: date | None = None
    vedtak_id: UUID | None = None
    bytte: VentendeBytteUt | None = Field(default=None, description="ventende bytte (R07)")


class CaseloadUt(Ut):
    leverandor_id: str = Field(examples=["2care"])
    dato: date
    brukere: int = Field(ge=0, examples=[412], description="brukere med aktiv leveranse")
    per_tjenestetype: dict[Tjenestetype, int] = Field(examples=[{"praktisk_bistand": 300}])


class AvviksdagUt(Ut):
    dato: date
    timer: Timer


Arsak = Arsakskode


class BetalingsavvikUt(Ut):
    leveranse_id: UUID
    arsak: Arsak = Field(examples=["over_vedtak"], description=(
        "utenfor_leveranseperiode, etter_dodsfall, etter_utflytting, over_vedtak, uten_vedtak, "
        "sen_avbestilling_ikke_betalbar"))
    beskrivelse: str
    timer: Timer
    dager: list[AvviksdagUt] = Field(description="dagene, for dagbaserte årsaker")


class FakturalinjeUt(Ut):
    """Én leverandørs tjeneste til én bruker av én tjenestetype i én måned."""

    bruker_id: UUID
    tjenestetype: Tjenestetype
    bydel: str | None = Field(examples=["frogner"],
                              description="brukerens bydel siste dag i måneden (R24)")
    leveranser: list[UUID]
    bestilt_timer: Timer
    levert_timer: Timer = Field(description="ordinære besøk")
    akutt_timer: Timer = Field(description="akutte ekstrabesøk (R18a)")
    sen_avbestilt_timer: Timer
    antall_besok: int = Field(ge=0)
    antall_avbestilt: int = Field(ge=0)
    betalbar_innenfor_vedtak_timer: Timer
    betalbar_r17_timer: Timer
    betalbar_akutt_timer: Timer
    betalbar_sen_avbestilling_timer: Timer
    betalbare_timer: Timer
    betalbare_timer_eksakt: Annotated[str, Field(**monster(r"^[0-9]+(?:/[0-9]+)?$"))] = Field(
        examples=["7/2"], description="eksakt brøk")
    timepris: Belop | None
    belop: Belop | None = Field(description="null når timepris mangler (aldri 0)")
    avvik: list[BetalingsavvikUt]


class BetalbarMaanedUt(Side):
    """En leverandørs fakturamåned: summene for linjene du ser, og linjene sidevis."""

    leverandor_id: str = Field(examples=["2care"])
    aar: int = Field(examples=[2026])
    maaned: int = Field(ge=1, le=12, examples=[3])
    bestilt_timer: Timer
    levert_timer: Timer
    betalbare_timer: Timer
    belop: Belop | None
    avvik_timer: dict[Arsak, Timer] = Field(examples=[{"over_vedtak": "1.50"}])
    mangler_pris: list[Tjenestetype]
    elementer: list[FakturalinjeUt]


class SlaAggregatUt(Ut):
    gruppe: dict[str, str | None] = Field(examples=[{"regel": "R12"}])
    overholdt: int = Field(ge=0)
    brutt: int = Field(ge=0)
    apen: int = Field(ge=0)
    utlopt: int = Field(ge=0)
    avgjort: int = Field(ge=0)
    andel_overholdt: float | None = Field(ge=0, le=1, description="overholdt / avgjort")


class SlaForpliktelseUt(Ut):
    plikt_id: str
    regel: str = Field(examples=["R12"])
    plikt: str = Field(examples=["oppstart"])
    kilde_id: str
    bruker_id: UUID
    leverandor_id: str | None
    tjenestetype: Tjenestetype | None
    bydel: str | None
    frist: FristUt
    faktisk: str | None = Field(description="når plikten ble oppfylt: Oslo-tid (RFC 3339), "
                                "eller dato for regler som måles i dager (R13, R25)")
    status: Fristatus = Field(
        examples=["overholdt"], description="overholdt, brutt, apen (ikke avgjort ennå), utlopt "
        "(R25: klagefristen gikk ut uten klage), ikke_aktuell (plikten gjaldt ikke, f.eks. R12 "
        "etter et sent varsel)")
    maaned: str = Field(examples=["2026-03"])
    merknad: str


class SlaUt(Side):
    """Oppsummering (gruppert) og forpliktelsene sidevis, sortert på frist."""

    oppsummering: list[SlaAggregatUt]
    elementer: list[SlaForpliktelseUt]


class TidsrapportSammendragUt(Ut):
    linjer: int = Field(ge=0)
    godtatt: int = Field(ge=0)
    allerede_registrert: int = Field(ge=0)
    avvist: int = Field(ge=0)
    hendelser: int = Field(ge=0, description="nye hendelser lagret")
    streng: bool
    lagret: bool = Field(description="false i streng modus når en linje ble avvist")
    avvisninger_per_regel: dict[str, int] = Field(examples=[{"R18": 1}])


class LinjekvitteringUt(Ut):
    linje: int = Field(ge=2, description="linjenummer i filen (overskriften er linje 1)")
    status: Linjestatus = Field(examples=["godtatt"],
                                description="godtatt, allerede_registrert eller avvist")
    regel: str | None = Field(examples=["R18"])
    felt: str | None = Field(examples=["bruker"])
    melding: str
    leveranse_id: UUID | None


class TidsrapportKvitteringUt(Ut):
    sammendrag: TidsrapportSammendragUt
    linjer: list[LinjekvitteringUt]


class TidsrapportAvvistUt(Ut):
    """RFC 9457 problem details; ved streng avvisning med kvitteringen som tillegg."""

    type: str = Field(examples=["urn:brukervalg:problem:tidsrapport-avvist"])
    title: str
    status: int = Field(ge=400, le=599, examples=[422])
    detail: str | None = None
    instance: str | None = None
    regel: str | None = None
    felt: str | None = None
    feil: list[dict[str, str]] | None = None
    sammendrag: TidsrapportSammendragUt | None = None
    linjer: list[LinjekvitteringUt] | None = None
