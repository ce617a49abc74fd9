"""Audit: a user's klagesak (timeline with chain links, state as known at T) and chain verify."""

from __future__ import annotations

from datetime import UTC, date, datetime
from threading import Lock
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import Parameter

from application.infrastructure.ledger import verify
from application.infrastructure.ledger.cli import report_as_dict
from interfaces.dokument import klagesak_html
from interfaces.http.controllers.params import TIDSPUNKT_SKJEMA, BrukerId, TjenesterParam, les_tidspunkt
from interfaces.http.dokumentasjon import leserute
from interfaces.http.skjema_revisjon import Kjedeverifisering, KlagesakUt
from interfaces.http.tilgang import Ref
from projections.klagesak import Klagesak, eksport

_laas = Lock()


def _klagesak(state: State, app: Any) -> Klagesak:
    """One Klagesak per API instance: it keeps decoded (immutable) events between requests."""
    with _laas:
        if "klagesak" not in state:
            state["klagesak"] = Klagesak(app)
        return state["klagesak"]


Per = Annotated[str | None, Parameter(description="ISO-tidspunkt med tidssone: vis også "
                                                   "tilstanden slik den var kjent da",
                                       schema_extra=TIDSPUNKT_SKJEMA)]
FraDato = Annotated[date | None, Parameter(description="bare fakta med virkning fra denne datoen")]
TilDato = Annotated[date | None, Parameter(description="bare fakta med virkning til denne datoen")]


def _med_tidssone(per: str | None) -> datetime | None:
    """BV2 for the query parameter: a naive instant is a 400 naming ``per``, before any read."""
    return les_tidspunkt("per", per)


class RevisjonController(Controller):
    tags = ["revisjon"]

    @get("/brukere/{bruker_id:uuid}/klagesak", **leserute(
        "hentKlagesak", "Klagesaken: alle fakta om brukeren i registrert rekkefølge med "
        "virkningstid, registreringstid, aktør, en setning på norsk og kjedeposisjon/-lenke; med "
        "`per` også tilstanden slik den var kjent på det tidspunktet (R26).", etag=False))
    def hent_klagesak(self, request: Request, tjenester: TjenesterParam, state: State, bruker_id: BrukerId,
                      per: Per = None, fra: FraDato = None, til: TilDato = None
                      ) -> Response[KlagesakUt]:
        tidspunkt = _med_tidssone(per)

        # The document is sent as the application built it (KlagesakUt describes it).
        def hent(sikt: object) -> tuple[Any, None]:
            return eksport(_klagesak(state, tjenester.app), bruker_id, tidspunkt=tidspunkt, fra=fra,
                           til=til), None

        return tjenester.les(request, Ref("bruker", bruker_id), hent)

    @get("/brukere/{bruker_id:uuid}/klagesak/dokument", media_type="text/html", **leserute(
        "hentKlagesakDokument", "Klagesaken som utskriftsvennlig dokument (HTML) til saksmappen.",
        etag=False))
    def hent_klagesak_dokument(self, request: Request, tjenester: TjenesterParam, state: State,
                               bruker_id: BrukerId, per: Per = None) -> Response[str]:
        tidspunkt = _med_tidssone(per)

        def hent(sikt: object) -> tuple[str, None]:
            app = tjenester.app
            doc = eksport(_klagesak(state, app), bruker_id, tidspunkt=tidspunkt)
            return klagesak_html(doc, app.bruker(bruker_id).navn, datetime.now(UTC),
                                 app.ref.navn), None

        return tjenester.les(request, Ref("bruker", bruker_id), hent)

    @get("/kjede/verifisering", **leserute(
        "verifiserKjede", "Går gjennom hele hendelseskjeden og regner hver lenke på nytt; svarer "
        "OK med antall og hastighet, eller første posisjon der kjeden brytes og hvordan.",
        etag=False))
    def verifiser_kjede(self, request: Request, tjenester: TjenesterParam) -> Response[Kjedeverifisering]:
        def hent(sikt: object) -> tuple[Any, None]:
            return report_as_dict(verify(tjenester.app.recorder)), None

        return tjenester.les(request, None, hent)
