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
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from application.app import Kvittering
from domain.begreper import (
    Flerlinjetekst,
    Tekst,
)

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


# Each receipt below has the same shape: its own field, description and NY_ID, so the OpenAPI
# document names the id each operation returns; the shared part is KvitteringUt.
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
