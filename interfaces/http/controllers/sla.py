"""/sla: compliance with the deadlines (R11, R12, R13, R16, R21, R25), aggregated and row by row.

Reach: kontraktsoppfølging sees the whole city; a provider only its own obligations (another
provider named → 404); the bydel roles and klagebehandler only their own bydel's (another bydel
named → 404). Every bruker on the page of obligations gets its own access-log row.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import Parameter

from domain.begreper import IkkeFunnet, Rolle, Tjenestetype
from domain.frister import Friststatus
from interfaces.http.controllers.leverandorer import (
    LEVERANDOR_MONSTER,
    les_rapport,
    neste_side,
    rapporter,
)
from interfaces.http.controllers.params import Antall, Fra, TjenesterParam
from interfaces.http.dokumentasjon import leserute
from interfaces.http.frist import frist_ut
from interfaces.http.sikkerhet import Identitet
from interfaces.http.skjema_lesemodeller import (
    MAANED_MONSTER,
    SlaAggregatUt,
    SlaForpliktelseUt,
    SlaUt,
)

Gruppe = Literal["leverandor", "bydel", "maaned", "regel", "plikt"]


# Same shape as the report controllers in leverandorer.py: a class per path, as Litestar
# groups routes; what they share (the checks, the access log per listed bruker) is les_rapport.
class SlaController(Controller):
    path = "/sla"
    tags = ["rapporter"]

    @get("/", **leserute(
        "hentSla", "Fristoverholdelse: antall overholdt, brutt, åpne og utløpte forpliktelser "
        "gruppert som `gruppering` sier (gjenta parameteren for flere nivåer), og "
        "forpliktelsene sidevis sortert på frist. En åpen forpliktelse forbi fristen leses som "
        "brutt (utløpt for R25) nå.", etag=False, ekstra_feil=(503,)))
    def hent_sla(
            self, request: Request, tjenester: TjenesterParam, state: State,
            leverandor: Annotated[str | None, Parameter(
                pattern=LEVERANDOR_MONSTER, max_length=40, description="leverandørens id")] = None,
            bydel: Annotated[str | None, Parameter(
                pattern=r"^[a-z][a-z-]{0,39}$", max_length=40, description="bydelens id")] = None,
            maaned: Annotated[str | None, Parameter(
                pattern=MAANED_MONSTER, description="fristens måned, ÅÅÅÅ-MM")] = None,
            regel: Annotated[str | None, Parameter(
                pattern=r"^R[0-9]{2}$", description="regel, f.eks. R12")] = None,
            bruker_id: Annotated[UUID | None, Parameter(
                description="bare én brukers forpliktelser")] = None,
            gruppering: Annotated[list[Gruppe] | None, Parameter(
                max_items=5, description="grupperingsnivåer (standard: regel)")] = None,
            fra: Fra = 0, antall: Antall = None) -> Response[SlaUt]:
        n = antall or tjenester.settings.standard_sidestorrelse
        filter_: dict[str, str | None] = {"leverandor": leverandor, "bydel": bydel}

        def sjekk(i: Identitet) -> None:
            if i.rolle is Rolle.LEVERANDOR:
                if leverandor is not None and leverandor != i.leverandor:
                    raise IkkeFunnet("leverandor", leverandor, felt="leverandor")
                filter_["leverandor"] = i.leverandor
            elif i.rolle is not Rolle.KONTRAKTSOPPFOLGING:
                if bydel is not None and bydel != i.bydel:
                    raise IkkeFunnet("bydel", bydel, felt="bydel")
                filter_["bydel"] = i.bydel

        def hent(_: Identitet) -> tuple[SlaUt, list[UUID]]:
            p = rapporter(state).fersk()
            naa = tjenester.app.klokke()
            felles = {"leverandor_id": filter_["leverandor"], "bydel": filter_["bydel"],
                      "maaned": maaned, "regel": regel, "naa": naa,
                      "bruker_id": None if bruker_id is None else str(bruker_id)}
            grupper = list(dict.fromkeys(gruppering or ["regel"]))
            oppsummering = p.sla_oppsummering(grupper, **felles)  # type: ignore[arg-type]
            totalt = sum(a.overholdt + a.brutt + a.apen + a.utlopt + a.ikke_aktuell
                         for a in oppsummering)
            rader = p.sla(grense=fra + n, **felles)[fra:]  # type: ignore[arg-type]
            ut = SlaUt(
                fra=fra, antall=len(rader), totalt=totalt,
                neste=neste_side(request, fra, n, totalt),
                oppsummering=[SlaAggregatUt(gruppe=dict(a.gruppe), overholdt=a.overholdt,
                                            brutt=a.brutt, apen=a.apen, utlopt=a.utlopt,
                                            avgjort=a.avgjort, andel_overholdt=a.andel_overholdt)
                              for a in oppsummering],
                elementer=[SlaForpliktelseUt(
                    plikt_id=r.plikt_id, regel=r.regel, plikt=r.plikt, kilde_id=r.kilde_id,
                    bruker_id=UUID(r.bruker_id), leverandor_id=r.leverandor_id,
                    tjenestetype=Tjenestetype(r.tjenestetype) if r.tjenestetype is not None else None,
                    bydel=r.bydel,
                    frist=frist_ut(r.fristen),
                    faktisk=r.faktisk, status=Friststatus(r.status), maaned=r.maaned, merknad=r.merknad)
                    for r in rader])
            return ut, [r.bruker_id for r in ut.elementer]

        return les_rapport(request, tjenester, sjekk, hent)
