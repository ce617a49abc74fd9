"""The access log (Normen): who looked at or changed whose data, when, why, and with what result.

Every request that gets as far as a verified identity is logged, refused ones included, with
the bruker it concerned when there is one. A read's entry is committed before the data is
returned; a write's goes into the transaction of its events (``interfaces/http/siderader.py``),
or, when nothing was recorded, into one of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from litestar import Request

from interfaces.http.api_tables import ApiTables, Tilgangsoppforing, metode
from interfaces.http.sikkerhet import Identitet


def operasjon(request: Request) -> str:
    """The operation the request is for (its OpenAPI operationId): what the log calls handling."""
    return str(request.route_handler.operation_id)


class Tilgangslogg:
    """Entries of the access log, and writing them in a transaction of their own."""

    def __init__(self, tables: ApiTables) -> None:
        self._tables = tables

    @staticmethod
    def oppforing(request: Request, identitet: Identitet, bruker_id: UUID | None,
                  formaal: str | None, utfall: int) -> Tilgangsoppforing:
        """The entry for this request, concerning ``bruker_id``, answered with ``utfall``."""
        return Tilgangsoppforing(
            tidspunkt=datetime.now(UTC), person_id=identitet.person_id,
            rolle=str(identitet.rolle), organisasjon=identitet.organisasjon, bruker_id=bruker_id,
            handling=operasjon(request), metode=metode(request.method),
            ressurs=request.url.path, formaal=formaal, utfall=utfall)

    def skriv(self, request: Request, identitet: Identitet, bruker_id: UUID | None,
              formaal: str | None, utfall: int) -> None:
        """Commit the request's entry now."""
        self._tables.skriv([self.oppforing(request, identitet, bruker_id, formaal, utfall)])
