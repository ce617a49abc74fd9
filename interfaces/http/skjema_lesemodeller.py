"""Schemas of the read models' answers: current provider, caseload, payable hours, SLA, and the
time-report import's receipts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from application.tidsrapport import Linjestatus
from domain.begreper import (
    Tjenestetype,
)
from domain.betaling import Arsakskode
from domain.bruker import Kilde
from domain.frister import Friststatus
from interfaces.http.frist import FristUt
from interfaces.http.skjema import Ut, monster
from interfaces.http.skjema_historikk import Side

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
    status: Friststatus = Field(
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
