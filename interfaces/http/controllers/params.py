"""Parameter types and paging shared by the controllers."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, TypeAlias
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from interfaces.http.problem import Uleselig
from interfaces.http.tjenester import Tjenester

TjenesterParam: TypeAlias = NamedDependency[Tjenester]
Id: TypeAlias = FromPath[UUID]


# One type per path parameter, so each says in the document what it identifies.
BrukerId: TypeAlias = FromPath[Annotated[UUID, Parameter(
    description="brukerens id (fra registrerBruker eller finnBruker)")]]
VedtakId: TypeAlias = FromPath[Annotated[UUID, Parameter(
    description="vedtakets id (fra fattVedtak)")]]
LeveranseId: TypeAlias = FromPath[Annotated[UUID, Parameter(
    description="leveransens id (fra bestillLeveranse eller byttLeverandor)")]]
RevurderingId: TypeAlias = FromPath[Annotated[UUID, Parameter(
    description="revurderingens id (fra anmodRevurdering)")]]
KlageId: TypeAlias = FromPath[Annotated[UUID, Parameter(
    description="klagens id (fra mottaKlage)")]]
MeldingId: TypeAlias = FromPath[Annotated[UUID, Parameter(
    description="bekymringsmeldingens id (fra mottaBekymringsmelding)")]]
AvvikId: TypeAlias = FromPath[Annotated[UUID, Parameter(
    description="avvikets id (fra registrerAvvik)")]]
HendelseId: TypeAlias = FromPath[Annotated[UUID, Parameter(
    description="id-en til valget som korrigeres (hendelse_id i brukerens valg)")]]
Fra = Annotated[int, Parameter(ge=0, le=10_000_000, description="første element (0-basert)")]
Antall = Annotated[int | None, Parameter(ge=1, le=500, description="sidestørrelse (maks 500)")]


# An instant in a query: RFC 3339 text (seconds included) with a time zone, years 1900–2199.
# Read here rather than by Litestar, which also takes a Unix timestamp ("per=1793610000").
TIDSPUNKT_MONSTER = (r"^(?:19|2[01])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
                     r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
                     r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$")
_TIDSPUNKT = re.compile(TIDSPUNKT_MONSTER)
_UTEN_SONE = re.compile(TIDSPUNKT_MONSTER.removesuffix(r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$")
                        + "$")


TIDSPUNKT_SKJEMA: dict[str, Any] = {"format": "date-time", "pattern": TIDSPUNKT_MONSTER}
"""A query instant's schema (``Parameter(schema_extra=…)``; the type is ``str | None``)."""


def les_tidspunkt(navn: str, verdi: str | None) -> datetime | None:
    """The instant a query parameter names, or a 400 naming it (BV2: never without a zone)."""
    if verdi is None:
        return None
    if _UTEN_SONE.match(verdi):
        raise Uleselig(navn, "tidspunktet må ha tidssone, f.eks. 2026-11-01T10:00:00+01:00")
    try:
        if _TIDSPUNKT.match(verdi):
            return datetime.fromisoformat(verdi.replace("Z", "+00:00"))
    except ValueError:
        pass
    raise Uleselig(navn, "må være et tidspunkt med tidssone (RFC 3339, f.eks. "
                         "2026-11-01T10:00:00+01:00)")


def side_lenke(request: Request, fra: int, antall: int, totalt: int) -> str | None:
    """The next page's link, or None on the last page."""
    if fra + antall >= totalt:
        return None
    return f"{request.url.path}?fra={fra + antall}&antall={antall}"
