"""The klagesak's shapes: a timeline entry, and the state as known at T (the obligations
still owed, the vedtak, the deliveries). Their class names are component names in the API's
OpenAPI document (``TilstandSomKjent``, ``ApenFrist`` …): a rename changes the document (and a
client generated from it), never the JSON on the wire."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from domain import frister, kalender
from domain.begreper import Aktor, Hendelse, Sluttarsak, Tjenestetype

# The field that says when a fact takes effect, in order of preference (else: when recorded).
VIRKNINGSFELT = ("gyldig_fra", "dodsdato", "dato", "fom", "sluttdato", "oppsigelsesdato", "start",
                 "planlagt_start", "startet_tid", "varslet_tid", "mottatt_tid", "mottatt_dato",
                 "anmodet_tid", "besvart_tid", "videresendt_tid", "gitt_tid", "avgjort_dato",
                 "behandlet_tid", "sendt_dato", "ny_gyldig_til", "tom")


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


class ApenFrist(BaseModel):
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
    status: frister.Friststatus
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
    apne_frister: list[ApenFrist]
    antall_fakta: int
