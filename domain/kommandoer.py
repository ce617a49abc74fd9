"""Commands: what a user asks the system to do, in the imperative. Validated before any decision."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from domain.begreper import Flerlinjetekst, Form, Kanal, Sluttarsak, Tekst, Tjenestetype
from domain.bruker import Mottaker
from domain.frister import Varselgrunn
from domain.leveranse import Avvikstype, Besokskategori
from domain.vedtak import Klageutfall, Omfang, Utfall


class Kommando(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegistrerBruker(Kommando):
    fodselsnummer: Tekst = Field(examples=["15108695088"])
    navn: Tekst = Field(min_length=1, max_length=200)
    bydel: Tekst = Field(examples=["frogner"])


class RegistrerInformasjonGitt(Kommando):
    bruker_id: UUID
    gitt_tid: datetime
    gitt_av: Tekst = Field(min_length=1, max_length=200)
    gitt_til: Mottaker
    mottaker_navn: Tekst | None = None


class VelgLeverandor(Kommando):
    bruker_id: UUID
    tjenestetype: Tjenestetype
    leverandor_id: Tekst
    form: Form
    gyldig_fra: date


class KorrigerLeverandorvalg(Kommando):
    bruker_id: UUID
    korrigerer: UUID = Field(description="hendelse_id of the choice being corrected")
    leverandor_id: Tekst
    form: Form
    gyldig_fra: date
    begrunnelse: Flerlinjetekst


class ByttLeverandor(Kommando):
    bruker_id: UUID
    tjenestetype: Tjenestetype
    til_leverandor_id: Tekst
    form: Form
    oppsigelsesdato: date
    ny_leveranse_id: UUID = Field(default_factory=uuid4)


class SendBytteBekreftelse(Kommando):
    bruker_id: UUID
    tjenestetype: Tjenestetype
    oppsigelsesdato: date
    sendt_dato: date


class RegistrerHusstandsinntekt(Kommando):
    bruker_id: UUID
    nettoinntekt: Decimal = Field(ge=0, max_digits=12, decimal_places=2, examples=["285000.00"])
    gyldig_fra: date
    kilde: Tekst = Field(default="siste likning", max_length=200)


class FlyttTilBydel(Kommando):
    bruker_id: UUID
    til_bydel: Tekst
    dato: date


class RegistrerUtflytting(Kommando):
    bruker_id: UUID
    dato: date


class RegistrerDodsfall(Kommando):
    bruker_id: UUID
    dodsdato: date


class FattVedtak(Kommando):
    bruker_id: UUID
    tjenestetype: Tjenestetype
    gyldig_fra: date
    gyldig_til: date | None = None
    omfang: Omfang
    vedtaksdato: date
    knytt_til_leveranse_id: UUID | None = Field(
        default=None, description="R14: a service started before the vedtak, to link")
    vedtak_id: UUID = Field(default_factory=uuid4)


class RegistrerVedtakMottatt(Kommando):
    vedtak_id: UUID
    mottatt_dato: date


class AnmodRevurdering(Kommando):
    vedtak_id: UUID
    anmodet_tid: datetime
    leverandor_id: Tekst
    begrunnelse: Flerlinjetekst
    revurdering_id: UUID = Field(default_factory=uuid4)


# The fields of the event RevurderingBesvart (domain/vedtak.py): a command asks for exactly the fact
# its event records; the command is validated input, the event is what is stored.
class BesvarRevurdering(Kommando):
    vedtak_id: UUID
    revurdering_id: UUID
    besvart_tid: datetime
    utfall: Utfall
    nytt_omfang: Omfang | None = None
    gyldig_fra: date | None = None


class ReviderVedtak(Kommando):
    """The bydel revises the scope on its own initiative (seed 001: "revurdere")."""

    vedtak_id: UUID
    gyldig_fra: date
    nytt_omfang: Omfang
    begrunnelse: str = Field(min_length=1, max_length=4000)


class ForlengVedtak(Kommando):
    vedtak_id: UUID
    ny_gyldig_til: date | None


class AvsluttVedtak(Kommando):
    vedtak_id: UUID
    dato: date
    arsak: Sluttarsak


class MottaKlage(Kommando):
    vedtak_id: UUID
    mottatt_dato: date
    gjelder: Flerlinjetekst
    klage_id: UUID = Field(default_factory=uuid4)


class AvgjorKlage(Kommando):
    vedtak_id: UUID
    klage_id: UUID
    avgjort_dato: date
    utfall: Klageutfall
    begrunnelse: Flerlinjetekst = ""


class BestillLeveranse(Kommando):
    bruker_id: UUID
    tjenestetype: Tjenestetype
    vedtak_id: UUID | None = Field(default=None, description="None: started before the vedtak (R14)")
    leverandor_id: Tekst | None = Field(
        default=None, description="None: the user's choice, else the municipal provider (R03)")
    fom: date
    tom: date | None = None
    leveranse_id: UUID = Field(default_factory=uuid4)


class VarsleLeverandor(Kommando):
    leveranse_id: UUID
    kanal: Kanal
    varslet_tid: datetime
    hast: bool = False
    gjelder: Varselgrunn = Field(default=Varselgrunn.START,
                                 description="R11: what the notice is about")
    gjelder_fra: date | None = Field(
        default=None, description="R11: the day an expansion or extension takes effect")


class VarsleOppsigelse(Kommando):
    leveranse_id: UUID
    kanal: Kanal
    varslet_tid: datetime


class StartLeveranse(Kommando):
    leveranse_id: UUID
    startet_tid: datetime


# Alike in shape with BestillLeveranse and the other commands: each declares its own fields, and
# its schema and validation follow from them; a shared base would hide what a user sends.
class RegistrerBesok(Kommando):
    leveranse_id: UUID
    start: datetime
    slutt: datetime
    ansatt: Tekst = Field(min_length=1, max_length=64)
    kategori: Besokskategori = Besokskategori.ORDINAER
    tiltakskode: Tekst | None = None
    besok_id: UUID = Field(default_factory=uuid4)


class AvbestillBesok(Kommando):
    leveranse_id: UUID
    planlagt_start: datetime
    planlagt_slutt: datetime
    avbestilt_tid: datetime
    journalreferanse: Tekst


class MottaBekymringsmelding(Kommando):
    leveranse_id: UUID
    mottatt_tid: datetime
    fagjournal: Tekst
    videresendt_tid: datetime | None = None
    beskjedjournal: Tekst | None = None
    melding_id: UUID = Field(default_factory=uuid4)


class VideresendBekymringsmelding(Kommando):
    leveranse_id: UUID
    melding_id: UUID
    videresendt_tid: datetime
    beskjedjournal: Tekst


class AvsluttLeveranse(Kommando):
    leveranse_id: UUID
    sluttdato: date
    arsak: Sluttarsak
    sluttnotat: Flerlinjetekst = ""


class RegistrerAvvik(Kommando):
    leveranse_id: UUID
    type: Avvikstype
    mottatt_tid: datetime
    beskrivelse: Flerlinjetekst
    avvik_id: UUID = Field(default_factory=uuid4)


class BehandleAvvik(Kommando):
    leveranse_id: UUID
    avvik_id: UUID
    behandlet_tid: datetime
    konklusjon: Flerlinjetekst
