"""Schemas of the history and the access log: a fact as JSON, an access-log row, and their pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from domain.begreper import (
    Hendelse,
    Rolle,
)
from interfaces.http.api_tables import Tilgangsoppforing
from interfaces.http.skjema import Ut
from interfaces.http.skjema_leveranser import BesokUt

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
