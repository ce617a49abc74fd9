"""Request and response schemas of the deadline worklist (/arbeidsliste)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from domain.begreper import Tjenestetype
from domain.frister import Skyldig
from interfaces.http.frist import FristUt
from interfaces.http.skjema import Ut
from interfaces.http.skjema_historikk import Side


class OppgaveUt(Ut):
    plikt_id: str
    regel: str = Field(examples=["R11"])
    plikt: str = Field(examples=["varsel_pasientovergang"])
    skyldig: Skyldig = Field(examples=["bydel"], description="bydel, leverandor eller bruker (R25)")
    utlost_av: str = Field(description="hva som utløste forpliktelsen (tider i Oslo-tid, "
                           "dd.mm.åååå tt:mm)")
    bruker_id: UUID
    leverandor_id: str | None
    tjenestetype: Tjenestetype | None
    bydel: str | None
    frist: FristUt
    frist_tekst: str = Field(examples=["onsdag 1. april 2026 kl. 14:00"],
                             description="fristen slik en person leser den (Oslo-tid)")
    status: Literal["apen", "brutt"] = Field(
        examples=["apen"], description="apen, eller brutt (forfalt, skyldes ennå)")
    forfalt: bool
    timer_igjen: int = Field(ge=0, description="hele timer til fristen (faktisk tid)")
    virkedager_igjen: int = Field(ge=0, description="virkedager etter i dag til og med fristdagen")
    forfall: str = Field(examples=["innen 3 timer"])
    merknad: str = Field(description="tider i Oslo-tid, dd.mm.åååå tt:mm")


class ArbeidslisteUt(Side):
    """Det parten skylder, sortert på frist; ``forfalte`` teller de som er forbi fristen."""

    forfalte: int = Field(ge=0)
    elementer: list[OppgaveUt]


class OpptellingUt(Ut):
    leverandor_id: str | None
    bydel: str | None
    skyldig: Skyldig
    apne: int = Field(ge=0, description="ikke forfalt ennå")
    forfalte: int = Field(ge=0)


class ArbeidslisteOversiktUt(Ut):
    """Velferdsetaten: utestående forpliktelser per leverandør og bydel."""

    elementer: list[OpptellingUt]
