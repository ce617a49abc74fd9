"""Schemas of the leveranse resource: notices, start, visits, cancellations, concern reports,
deviations, end, and the delivery as answered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from domain import kommandoer as k
from domain.begreper import (
    TEKST_MONSTER,
    Flerlinjetekst,
    Kanal,
    Sluttarsak,
    Tekst,
    Tjenestetype,
)
from domain.frister import Varselgrunn
from domain.leveranse import Avvikstype, Besok, Besokskategori, Leveranse, avbestilling_id
from interfaces.http.skjema import (
    MAKS_BESOK_PER_KALL,
    Dato,
    IdLager,
    Inn,
    Journal,
    Lang,
    Sannhetsverdi,
    Tidspunkt,
    Ut,
    monster,
)

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


# Same shape as every input schema's kommando (skjema_brukere.py, skjema_vedtak.py): each builds
# its own command type, so mypy checks the fields against that command; a generic builder
# would not.
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


# Same shape as AvviksbehandlingInn: each builds its own command from the path's two ids.
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


# Same fields as domain.leveranse.LeveranseBestilt's: the API's schema is its own contract, so a
# change to the event or the state does not silently change the published document.
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


# Same fields as the state domain.leveranse.tilstand.Besok: the API's schema is its own
# contract, so a change to the state does not silently change the published document.
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
