"""Response schemas of the audit reads: the klagesak export and the chain verification report.

Both documents are built as plain JSON by the application (``projections.klagesak.eksport``,
``application.infrastructure.ledger.cli.report_as_dict``), so a third party can check them without this API;
these types describe them for the contract. The Schemathesis suite checks every answer against
them, so a change to either document that is not made here too is caught.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, TypedDict
from uuid import UUID

from litestar.params import KwargDefinition
from pydantic import Field

from application.infrastructure.ledger.verify import BreakKind
from domain.begreper import Aktor
from interfaces.http.skjema import Ut
from interfaces.http.skjema_historikk import JsonVerdi
from projections.klagesak import TilstandSomKjent


class KjedehodeUt(Ut):
    posisjon: int = Field(ge=0, examples=[18342])
    hash: str = Field(description="lenkens hash (hex)", pattern=r"^[0-9a-f]{64}$")


class UtvalgUt(Ut):
    fra: str | None = Field(description="bare fakta med virkning fra denne datoen")
    til: str | None = Field(description="bare fakta med virkning til denne datoen")
    vedtak_id: str | None


class KjedelenkeUt(Ut):
    """Alt som trengs for å regne lenken på nytt: forrige hash, topic og de lagrede bytene."""

    posisjon: int = Field(ge=0)
    prev_hash: str = Field(pattern=r"^[0-9a-f]*$")
    hash: str = Field(pattern=r"^[0-9a-f]*$")
    topic: str
    state_base64: str


class TidslinjepostUt(Ut):
    posisjon: int | None = Field(description="posisjon i hendelseskjeden (null utenfor kjeden)")
    hash: str | None
    registrert: datetime = Field(description="når faktumet ble registrert")
    virkning: str = Field(description="når faktumet har virkning: dato eller tidspunkt")
    aktor: Aktor
    hendelse: str = Field(examples=["LeverandorValgt"])
    hendelse_id: UUID
    aggregat: Literal["bruker", "vedtak", "leveranse"]
    aggregat_id: UUID
    versjon: int = Field(ge=1)
    beskrivelse: str = Field(description="faktumet i én setning på norsk")
    korrigerer: UUID | None = Field(description="hendelsen denne korrigerer (R26)")
    data: dict[str, JsonVerdi] = Field(description="faktumets egne felt")
    lenke: KjedelenkeUt | None


class KlagesakUt(Ut):
    """Klagesaken (brukervalg.klagesak.v1): tidslinjen med kjedelenker, og med ``per`` tilstanden
    slik den var kjent da."""

    format: Literal["brukervalg.klagesak.v1"]
    bruker_id: UUID
    utvalg: UtvalgUt
    kjedehode: KjedehodeUt | None = Field(description="kjedens hode da eksporten ble laget")
    tidslinje: list[TidslinjepostUt]
    tilstand_per: TilstandSomKjent | None = Field(description="tilstanden slik den var kjent "
                                                  "på tidspunktet `per` (null uten `per`)")


def _om(tekst: str) -> KwargDefinition:
    """A TypedDict key's description in the document (Litestar reads this, not pydantic's)."""
    return KwargDefinition(description=tekst)


class Kjedeposisjon(TypedDict):
    position: Annotated[int, _om("posisjon i kjeden (hendelsens nummer)")]
    hash: Annotated[str, _om("kjedens hash ved posisjonen (hex)")]


class Kjedebrudd(TypedDict):
    position: Annotated[int, _om("første posisjon som ikke stemmer")]
    kind: Annotated[BreakKind, _om("changed = endret, deleted = slettet, inserted = satt inn, "
                                   "reordered = byttet rekkefølge, truncated = avkortet")]
    detail: Annotated[str, _om("hva som ikke stemmer (engelsk, fra verifikatoren)")]


# Functional form: "break" is the report's own key (a Python keyword). The keys are the ledger's
# own (English), shared with `brukervalg kjede verifiser --json`, so a script reads both alike.
Kjedeverifisering = TypedDict("Kjedeverifisering", {
    "ok": Annotated[bool, _om("true: hver lenke og hvert sjekkpunkt stemmer")],
    "count": Annotated[int, _om("antall hendelser gått gjennom")],
    "seconds": Annotated[float, _om("sekunder verifiseringen tok")],
    "rate": Annotated[int, _om("hendelser per sekund")],
    "head": Annotated[Kjedeposisjon, _om("kjedehodet slik det ble regnet ut på nytt fra "
                                         "hendelsene")],
    "checkpoints_checked": Annotated[int, _om("signerte sjekkpunkter som stemmer")],
    "break": Annotated[Kjedebrudd | None, _om("det første bruddet; null når kjeden er hel")]})
