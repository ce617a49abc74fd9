"""/arbeidsliste: the deadline worklist — what the caller's party still owes, before it is breached.

Reach: a bydel role sees its own bydel's obligations (and its users' appeal deadlines); a
provider only its own; kontraktsoppfølging the counts per provider and bydel (no bruker rows).
Every bruker listed gets its own access-log row, as every other read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import Parameter

from domain.begreper import Rolle, Tjenestetype
from domain.frister import Skyldig
from interfaces import norsk
from interfaces.arbeidsliste_html import arbeidsliste_html, frist_tekst, oversikt_html
from interfaces.http.controllers.leverandorer import les_rapport, neste_side, rapporter
from interfaces.http.controllers.params import TIDSPUNKT_SKJEMA, Antall, Fra, TjenesterParam, les_tidspunkt
from interfaces.http.dokumentasjon import leserute
from interfaces.http.frist import frist_ut
from interfaces.http.sikkerhet import Identitet
from interfaces.http.skjema_arbeidsliste import (
    ArbeidslisteOversiktUt,
    ArbeidslisteUt,
    OppgaveUt,
    OpptellingUt,
)
from projections import arbeidsliste as al

Bruker = Annotated[UUID | None, Parameter(description="bare denne brukeren")]
Tjeneste = Annotated[Tjenestetype | None, Parameter(description="bare denne tjenestetypen")]
Regel = Annotated[str | None, Parameter(pattern=r"^R[0-9]{2}$", description="regel, f.eks. R11")]
FristFoer = Annotated[str | None, Parameter(
    description="bare frister før dette tidspunktet (ISO 8601 med tidssone)",
    schema_extra=TIDSPUNKT_SKJEMA)]


def _utvalg(i: Identitet) -> dict[str, Any]:
    """The caller's own party: a bydel (and its users' appeal deadlines) or a provider."""
    if i.rolle is Rolle.LEVERANDOR:
        return {"skyldige": al.LEVERANDORENS, "leverandor_id": i.leverandor}
    return {"skyldige": al.BYDELENS, "bydel": i.bydel}


def _tittel(i: Identitet, navn: Callable[[str], str]) -> str:
    if i.rolle is Rolle.LEVERANDOR:
        return f"Arbeidsliste for {navn(i.leverandor or '')}"
    return f"Arbeidsliste for {navn(i.bydel or '')}"


class ArbeidslisteController(Controller):
    path = "/arbeidsliste"
    tags = ["arbeidsliste"]

    def _liste(self, request: Request, tjenester: TjenesterParam, state: State, bruker: UUID | None,
               tjenestetype: Tjenestetype | None, regel: str | None,
               frist_foer: str | None, fra: int, antall: int | None,
               html: bool) -> Response[Any]:
        n = antall or tjenester.settings.standard_sidestorrelse
        frist: dict[str, datetime | None] = {}

        def sjekk(_: Identitet) -> None:  # inside the read, so a refused one is logged too
            frist["foer"] = les_tidspunkt("frist_foer", frist_foer)

        def hent(i: Identitet) -> tuple[Any, list[UUID]]:
            p = rapporter(state).fersk()
            naa = tjenester.app.klokke()
            alle = al.oppgaver(p, naa, bruker_id=str(bruker) if bruker else None,
                               tjenestetype=tjenestetype.value if tjenestetype else None,
                               regel=regel, frist_foer=frist["foer"], **_utvalg(i))
            s = al.side(alle, fra, n)
            brukere = [UUID(x.bruker_id) for x in s.elementer]
            if html:
                ref = tjenester.app.ref
                return arbeidsliste_html(_tittel(i, ref.navn), s, naa, ref.navn), brukere
            return ArbeidslisteUt(
                fra=fra, antall=len(s.elementer), totalt=s.totalt, forfalte=s.forfalt,
                neste=neste_side(request, fra, n, s.totalt),
                elementer=[OppgaveUt(
                    plikt_id=x.plikt_id, regel=x.regel, plikt=x.plikt, skyldig=Skyldig(x.skyldig),
                    utlost_av=norsk.med_oslo_tider(x.utlost_av), bruker_id=UUID(x.bruker_id),
                    leverandor_id=x.leverandor_id,
                    tjenestetype=Tjenestetype(x.tjenestetype) if x.tjenestetype is not None else None,
                    bydel=x.bydel,
                    frist=frist_ut(x.fristen), frist_tekst=frist_tekst(x.fristen),
                    status=x.status, forfalt=x.forfalt, timer_igjen=x.timer_igjen,
                    virkedager_igjen=x.virkedager_igjen, forfall=x.forfall,
                    merknad=norsk.med_oslo_tider(x.merknad)) for x in s.elementer]), brukere

        svar = les_rapport(request, tjenester, sjekk, hent)
        if html:
            svar.media_type = "text/html"
        return svar

    @get("/", **leserute(
        "hentArbeidsliste", "Arbeidslisten: det din part skylder og ennå ikke har gjort, sortert "
        "på frist, med «innen N timer / virkedager» og forfalte merket. Bydelen ser sine egne "
        "frister og klagefristene til sine brukere, en leverandør bare sine egne.",
        etag=False, ekstra_feil=(503,)))
    def hent_arbeidsliste(self, request: Request, tjenester: TjenesterParam, state: State,
                          bruker: Bruker = None, tjenestetype: Tjeneste = None,
                          regel: Regel = None, frist_foer: FristFoer = None, fra: Fra = 0,
                          antall: Antall = None) -> Response[ArbeidslisteUt]:
        return self._liste(request, tjenester, state, bruker, tjenestetype, regel, frist_foer,
                           fra, antall, html=False)

    # The same parameters as hent_arbeidsliste on purpose: Litestar reads each route's query
    # parameters from its own signature; the work is one function, _liste.
    @get("/side", media_type="text/html", **leserute(
        "hentArbeidslisteSide", "Arbeidslisten som HTML-side på norsk med Oslo-tid (samme utvalg "
        "og filtre som JSON-listen).", etag=False, ekstra_feil=(503,)))
    def hent_arbeidsliste_side(self, request: Request, tjenester: TjenesterParam, state: State,
                               bruker: Bruker = None, tjenestetype: Tjeneste = None,
                               regel: Regel = None, frist_foer: FristFoer = None, fra: Fra = 0,
                               antall: Antall = None) -> Response[str]:
        return self._liste(request, tjenester, state, bruker, tjenestetype, regel, frist_foer,
                           fra, antall, html=True)

    @get("/oversikt", **leserute(
        "hentArbeidslisteOversikt", "Velferdsetaten: antall utestående og forfalte frister per "
        "leverandør og bydel (format=html: som side).", etag=False, ekstra_feil=(503,),
        html=True))
    def hent_oversikt(self, request: Request, tjenester: TjenesterParam, state: State,
                      format: Annotated[Literal["json", "html"], Parameter(
                          description="json eller html")] = "json"
                      ) -> Response[ArbeidslisteOversiktUt]:
        def hent(_: Identitet) -> tuple[Any, list[UUID]]:
            naa = tjenester.app.klokke()
            tall = al.oversikt(rapporter(state).fersk(), naa)
            if format == "html":
                return oversikt_html(tall, naa, tjenester.app.ref.navn), []
            return ArbeidslisteOversiktUt(elementer=[OpptellingUt(
                leverandor_id=x.leverandor_id, bydel=x.bydel, skyldig=Skyldig(x.skyldig), apne=x.apne,
                forfalte=x.forfalte) for x in tall]), []

        svar = les_rapport(request, tjenester, lambda i: None, hent)
        if format == "html":
            svar.media_type = "text/html"
        return svar
