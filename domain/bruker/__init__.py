"""Bruker: the person receiving home services, the consistency boundary for choices and periods.

Every command that creates or changes a delivery period also records it here, so two concurrent
commands on the same bruker conflict on this aggregate's version and the no-overlap rule (R08)
cannot be broken by a race.

The package: the events are defined here, in ``domain.bruker`` itself, because their stored
topics name this module (``domain.bruker:LeverandorValgt``); ``tilstand`` holds the state, its
fold (``evolve``) and the queries (R03's ``gjeldende_leverandor``); ``beslutninger`` the
decisions. Everything callers use is re-exported at the end, so ``from domain.bruker import X``
works for all of them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from domain.begreper import Form, Hendelse, Sluttarsak, Tjenestetype


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


# Alike in shape with every observed event (OBSERVERT names the field BV8 checks): each event declares
# its own fields.
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



# --- state and decisions (after the events: both modules import them from here) ----------------

from domain.bruker.beslutninger import (  # noqa: E402
    BRUKERVALG_START,
    bekreft_bytte,
    flytt_til_bydel,
    gi_informasjon,
    korriger_valg,
    registrer,
    registrer_husstandsinntekt,
    sjekk_i_live,
    sjekk_valgdato,
    valider_fodselsnummer,
    velg_leverandor,
)
from domain.bruker.tilstand import (  # noqa: E402
    Bruker,
    Byttefakta,
    Kilde,
    Leverandorsvar,
    LeveranseRef,
    Valg,
    Valgfakta,
    aktiv_leveranse,
    evolve,
    gjeldende_leverandor,
    gjeldende_valg,
    projiser,
    ventende_bytte,
)

__all__ = [
    "BRUKERVALG_START", "Bruker", "BrukerRegistrert", "BrukervalgInformasjonGitt",
    "Byttefakta", "BytteBekreftelseSendt", "DodsfallRegistrert", "FlyttetTilBydel",
    "FlyttetUtAvKommunen", "HusstandsinntektRegistrert", "Kilde", "LeverandorByttet",
    "LeverandorValgt", "LeverandorvalgKorrigert", "Leverandorsvar", "LeveranseRef",
    "LeveranseTilknyttet", "LeveranseperiodeEndret", "Mottaker", "Valg", "Valgfakta",
    "VedtakTilknyttet", "aktiv_leveranse", "bekreft_bytte", "evolve", "flytt_til_bydel",
    "gi_informasjon", "gjeldende_leverandor", "gjeldende_valg", "korriger_valg", "projiser",
    "registrer", "registrer_husstandsinntekt", "sjekk_i_live", "sjekk_valgdato",
    "valider_fodselsnummer", "velg_leverandor", "ventende_bytte",
]
