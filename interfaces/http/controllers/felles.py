"""Parameter types and paging shared by the controllers."""

from __future__ import annotations

from typing import Annotated, TypeAlias
from uuid import UUID

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from interfaces.http.tjenester import Kjerne

Tjenester: TypeAlias = NamedDependency[Kjerne]
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


def side_lenke(request: Request, fra: int, antall: int, totalt: int) -> str | None:
    """The next page's link, or None on the last page."""
    if fra + antall >= totalt:
        return None
    return f"{request.url.path}?fra={fra + antall}&antall={antall}"
