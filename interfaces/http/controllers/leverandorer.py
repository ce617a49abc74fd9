"""Reports from the projections (current provider, caseload, payable hours) and the provider's
monthly time report upload.

Every report catches the projections up first (``Rapporter.fersk()``), so an answer includes every
fact recorded before the request. Reach: a provider sees only itself (another provider's id is
answered 404, as if it did not exist); kontraktsoppfølging sees every provider; the bydel roles
and klagebehandler see the lines of their own bydel's brukere. Every bruker a response lists gets
its own access-log row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from threading import Lock
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode
from uuid import UUID

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, RequestBody, Schema
from litestar.params import FromPath, FromQuery, Parameter
from pydantic import BaseModel

from application.tidsrapport import Filfeil, Linjekvittering, fra_bytes
from domain import kalender
from domain.begreper import IkkeFunnet, Regelbrudd, Rolle, Tjenestetype
from domain.betaling import Arsakskode, timer
from interfaces.http.api_tables import LagretSvar
from interfaces.http.controllers.params import Antall, BrukerId, Fra, TjenesterParam
from interfaces.http.dokumentasjon import I_TRAAD, leserute, opplastingsrute
from interfaces.http.problem import PROBLEM_JSON, Uleselig
from interfaces.http.sikkerhet import Identitet
from interfaces.http.skjema import Dato
from interfaces.http.skjema_brukere import EgenandelAarUt, EgenandelUt, EgenandelUtenGrunnlagUt
from interfaces.http.skjema_lesemodeller import (
    AvviksdagUt,
    BetalbarMaanedUt,
    BetalingsavvikUt,
    CaseloadUt,
    FakturalinjeUt,
    GjeldendeLeverandorUt,
    LinjekvitteringUt,
    TidsrapportAvvistUt,
    TidsrapportKvitteringUt,
    TidsrapportSammendragUt,
    VentendeBytteUt,
)
from interfaces.http.tilgang import Ref, sjekk_rolle
from interfaces.http.tilgangslogg import operasjon
from interfaces.http.tjenester import Tjenester, status_for
from projections import ConcurrentUpdate, Fakturalinje, Projections
from projections.egenandel import Egenandel
from projections.fakturering import vis_timer

M = TypeVar("M", bound=BaseModel)
LEVERANDOR_MONSTER = r"^[a-z0-9][a-z0-9-]{0,39}$"
LeverandorSti = Annotated[str, Parameter(pattern=LEVERANDOR_MONSTER, max_length=40,
                                         description="leverandørens id")]
CSV = "text/csv"
EgenandelAar = Annotated[int, Parameter(ge=2019, le=2100, description="året")]


class Rapporter:
    """One ``Projections`` per API instance, opened on first use, caught up before each read."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._p: Projections | None = None
        self._laas = Lock()
        self._anvendt = 0  # every event up to here is applied (it only grows)

    def fersk(self) -> Projections:
        """The projections, caught up with every event recorded so far.

        One query when nothing new has been recorded since the last catch-up (the store's head
        is where the projections already are); otherwise a catch-up, which is a write
        transaction and the projections' after-work.
        """
        hode = self.app.recorder.max_notification_id() or 0
        p = self._p
        if p is not None and hode <= self._anvendt:  # no lock: concurrent reads stay concurrent
            return p
        with self._laas:
            if self._p is not None and hode <= self._anvendt:  # caught up while we waited
                return self._p
            if self._p is None:
                self._p = Projections(self.app)
            try:
                self._anvendt = max(self._anvendt, self._p.oppdater().posisjon)
            except ConcurrentUpdate:  # another process is catching up: wait for it
                self._p.vent(hode)
                self._anvendt = max(self._anvendt, hode)
            return self._p

    def close(self) -> None:
        with self._laas:
            if self._p is not None:
                self._p.close()
                self._p = None


def rapporter(state: State) -> Rapporter:
    return state["rapporter"]


# --- the read path for reports (role → reach → purpose → data → one log row per bruker) ------


def les_rapport(request: Request, tjenester: Tjenester, sjekk: Callable[[Identitet], None],
                hent: Callable[[Identitet], tuple[M, list[UUID]]]) -> Response[M]:
    """A report read: checked, and logged once per bruker it lists before anything leaves.

    A report that lists no bruker is logged once, without a bruker (as every attempt is).
    """
    identitet: Identitet = request.user
    formaal: str | None = None
    try:
        formaal = tjenester.formaal(request, paakrevd=True)
        sjekk_rolle(identitet, operasjon(request))
        sjekk(identitet)
        innhold, brukere = hent(identitet)
    except Exception as e:
        tjenester.tilgangslogg.skriv(request, identitet, None, formaal, status_for(e))
        raise
    unike: list[UUID | None] = list(dict.fromkeys(brukere)) or [None]
    tjenester.tables.skriv([tjenester.tilgangslogg.oppforing(request, identitet, b, formaal, 200)
                        for b in unike])
    return Response(innhold)


def sjekk_leverandor(tjenester: Tjenester, identitet: Identitet, leverandor_id: str) -> None:
    """404 for another provider's id (asked by a provider) and for an unknown provider."""
    if identitet.rolle is Rolle.LEVERANDOR and identitet.leverandor != leverandor_id:
        raise IkkeFunnet("leverandor", leverandor_id)
    if leverandor_id not in tjenester.app.ref.leverandorer:
        raise IkkeFunnet("leverandor", leverandor_id)


def neste_side(request: Request, fra: int, antall: int, totalt: int) -> str | None:
    """The next page's link, keeping the other query parameters; None on the last page."""
    if fra + antall >= totalt:
        return None
    par = [(k, v) for k, v in request.query_params.multi_items() if k not in ("fra", "antall")]
    return f"{request.url.path}?{urlencode([*par, ('fra', fra + antall), ('antall', antall)])}"


def idag(tjenester: Tjenester) -> date:
    return kalender.lokal_dato(tjenester.app.klokke())


def _t(x: Fraction) -> str:
    return str(vis_timer(x))


def linje_ut(x: Fakturalinje) -> FakturalinjeUt:
    return FakturalinjeUt(
        bruker_id=x.bruker_id, tjenestetype=x.tjenestetype, bydel=x.bydel,
        leveranser=list(x.leveranser), bestilt_timer=_t(x.bestilt_timer),
        levert_timer=_t(x.levert_timer), akutt_timer=_t(x.akutt_timer),
        sen_avbestilt_timer=_t(x.sen_avbestilt_timer), antall_besok=x.antall_besok,
        antall_avbestilt=x.antall_avbestilt,
        betalbar_innenfor_vedtak_timer=_t(x.betalbar_innenfor_vedtak_timer),
        betalbar_r17_timer=_t(x.betalbar_r17_timer),
        betalbar_akutt_timer=_t(x.betalbar_akutt_timer),
        betalbar_sen_avbestilling_timer=_t(x.betalbar_sen_avbestilling_timer),
        betalbare_timer=_t(x.betalbare_timer), betalbare_timer_eksakt=str(x.betalbare_timer),
        timepris=None if x.timepris is None else str(x.timepris),
        belop=None if x.belop is None else str(x.belop),
        avvik=[BetalingsavvikUt(leveranse_id=a.leveranse_id, arsak=a.arsak,
                                beskrivelse=a.beskrivelse, timer=_t(a.timer),
                                dager=[AvviksdagUt(dato=date.fromisoformat(d), timer=_t(t))
                                       for d, t in a.dager]) for a in x.avvik])


def maaned_ut(leverandor_id: str, aar: int, maaned: int, linjer: list[Fakturalinje],
              fra: int, n: int, request: Request) -> BetalbarMaanedUt:
    """The month's sums over the lines the caller may see (as the projection sums a month)."""
    avvik: dict[Arsakskode, Fraction] = {}
    for x in linjer:
        for a in x.avvik:
            avvik[a.arsak] = avvik.get(a.arsak, Fraction(0)) + a.timer
    mangler = sorted({x.tjenestetype for x in linjer if x.timepris is None})
    side = linjer[fra:fra + n]
    return BetalbarMaanedUt(
        fra=fra, antall=len(side), totalt=len(linjer),
        neste=neste_side(request, fra, n, len(linjer)),
        leverandor_id=leverandor_id, aar=aar, maaned=maaned,
        bestilt_timer=_t(timer(sum((x.bestilt_us for x in linjer), 0))),
        levert_timer=_t(timer(sum(x.levert_us + x.akutt_us for x in linjer))),
        betalbare_timer=_t(timer(sum((x.betalbar_us for x in linjer), 0))),
        belop=None if mangler else str(sum((x.belop or Decimal(0) for x in linjer),
                                           Decimal("0.00"))),
        avvik_timer={k: _t(v) for k, v in sorted(avvik.items())}, mangler_pris=mangler,
        elementer=[linje_ut(x) for x in side])


# --- routes ----------------------------------------------------------------------------------


class GjeldendeLeverandorController(Controller):
    path = "/brukere"
    tags = ["rapporter"]

    @get("/{bruker_id:uuid}/leverandor", **leserute(
        "hentGjeldendeLeverandor", "Hvem som leverer brukerens tjeneste på en dato (i dag "
        "uten dato): leveransen, valget i kraft, eller den kommunale leverandøren (R03); ved "
        "et ventende bytte begge leverandørene og overgangsdatoen (R07).", etag=False,
        ekstra_feil=(503,)))
    def hent_gjeldende_leverandor(
            self, request: Request, tjenester: TjenesterParam, state: State, bruker_id: BrukerId,
            tjenestetype: FromQuery[Tjenestetype],
            dato: Annotated[Dato | None, Parameter(description="dato (standard: i dag)")] = None,
    ) -> Response[GjeldendeLeverandorUt]:
        def hent(sikt: object) -> tuple[GjeldendeLeverandorUt, None]:
            svar = rapporter(state).fersk().leverandor_paa(bruker_id, tjenestetype,
                                                          dato or idag(tjenester))
            b = svar.bytte
            return GjeldendeLeverandorUt(
                bruker_id=svar.bruker_id, tjenestetype=svar.tjenestetype, dato=svar.dato,
                leverandor_id=svar.leverandor_id, kilde=svar.kilde,
                leveranse_id=svar.leveranse_id, fom=svar.fom, tom=svar.tom,
                vedtak_id=svar.vedtak_id,
                bytte=None if b is None else VentendeBytteUt(
                    fra_leverandor_id=b.fra_leverandor_id, til_leverandor_id=b.til_leverandor_id,
                    oppsigelsesdato=b.oppsigelsesdato, siste_dag_gammel=b.siste_dag_gammel,
                    overgangsdato=b.overgangsdato, ny_leveranse_id=b.ny_leveranse_id)), None

        return tjenester.les(request, Ref("bruker", bruker_id), hent)

    @get("/{bruker_id:uuid}/egenandel/{aar:int}/{maaned:int}", **leserute(
        "hentEgenandel", "Brukerens egenandel for praktisk bistand i en måned (R19): "
        "inntektstrinn ut fra registrert husstandsinntekt og grunnbeløpet, timepris, timer og "
        "tak. 422 (R19) når ingen husstandsinntekt er registrert.", etag=False,
        ekstra_feil=(422, 503)))
    def hent_egenandel(self, request: Request, tjenester: TjenesterParam, state: State,
                       bruker_id: BrukerId, aar: EgenandelAar,
                       maaned: Annotated[int, Parameter(ge=1, le=12, description="måneden (1–12)")],
                       ) -> Response[EgenandelUt]:
        def hent(sikt: object) -> tuple[EgenandelUt, None]:
            return _egenandel_ut(rapporter(state).fersk().egenandel(bruker_id, aar, maaned)), None

        return tjenester.les(request, Ref("bruker", bruker_id), hent)

    @get("/{bruker_id:uuid}/egenandel/{aar:int}", **leserute(
        "hentEgenandelAar", "Brukerens egenandel for praktisk bistand et helt år (R19): hver "
        "måned slik hentEgenandel beregner den (årstaket gjelder over månedene), summen, og "
        "månedene som ikke kan beregnes med grunnen.", etag=False, ekstra_feil=(503,)))
    def hent_egenandel_aar(self, request: Request, tjenester: TjenesterParam, state: State,
                           bruker_id: BrukerId, aar: EgenandelAar) -> Response[EgenandelAarUt]:
        def hent(sikt: object) -> tuple[EgenandelAarUt, None]:
            p = rapporter(state).fersk()
            maaneder, mangler = [], []
            for m in range(1, 13):
                try:
                    maaneder.append(p.egenandel(bruker_id, aar, m))
                except Regelbrudd as e:
                    mangler.append(EgenandelUtenGrunnlagUt(maaned=m, regel=e.regel, felt=e.felt,
                                                           melding=e.melding))
            timer = sum((e.timer for e in maaneder), Fraction(0))
            return EgenandelAarUt(
                bruker_id=bruker_id, aar=aar, maaneder=[_egenandel_ut(e) for e in maaneder],
                uten_grunnlag=mangler, timer=f"{float(timer):.2f}",
                belop=str(sum((e.belop for e in maaneder), Decimal("0.00")))), None

        return tjenester.les(request, Ref("bruker", bruker_id), hent)


def _egenandel_ut(e: Egenandel) -> EgenandelUt:
    return EgenandelUt(
        bruker_id=e.bruker_id, aar=e.aar, maaned=e.maaned,
        husstandsinntekt=str(e.husstandsinntekt), grunnbelop=str(e.grunnbelop), trinn=e.trinn,
        kr_per_time=str(e.kr_per_time), timer=f"{float(e.timer):.2f}", belop=str(e.belop))


AVVIST_422 = ResponseSpec(
    TidsrapportAvvistUt, media_type=PROBLEM_JSON, generate_examples=False,
    description="Streng modus: minst én linje avvist, ingenting lagret (kvitteringen følger "
                "med i `sammendrag` og `linjer`); eller en Idempotency-Key brukt før med en "
                "annen fil (`regel: API1`)")


def _tidsrapportrute() -> dict[str, Any]:
    rute = opplastingsrute(
        "lastOppTidsrapport", "Leverandørens tidsrapport for måneden som CSV (besøk og "
        "avbestillinger; formatet i application/tidsrapport/format.py): hver linje sjekkes mot de "
        "samme reglene som enkeltbesøk, og svaret er en kvittering per linje. Samme fil lastet "
        "opp igjen registrerer ingenting to ganger. streng=true: lagrer ingenting hvis én linje "
        "avvises (422 med kvitteringen). Største fil: BRUKERVALG_MAKS_BODY_BYTES (413 over).",
        {200: ResponseSpec(TidsrapportKvitteringUt, generate_examples=False,
                           description="Kvittering: sammendrag og status per linje"),
         422: AVVIST_422})
    forelder = rute["operation_class"]

    @dataclass
    class MedCsv(forelder):  # type: ignore[misc, valid-type]
        def __post_init__(self) -> None:
            super().__post_init__()
            self.request_body = RequestBody(required=True, description=(
                "UTF-8 CSV med overskrift; skilletegn ; eller ,. Kolonner: type;bruker;"
                "tjenestetype;start;slutt;ansatt;kategori;tiltakskode;avbestilt_tid;"
                "journalreferanse"), content={CSV: OpenAPIMediaType(schema=Schema(
                    type=OpenAPIType.STRING), example=(
                    "type;bruker;tjenestetype;start;slutt;ansatt;kategori;tiltakskode;"
                    "avbestilt_tid;journalreferanse\nbesok;6f0c2b1e-…;praktisk_bistand;"
                    "2026-03-02T09:00+01:00;2026-03-02T10:00+01:00;a1;;;;\n"))})

    rute["operation_class"] = MedCsv
    rute.pop("sync_to_thread")
    return rute


TIDSRAPPORT_RUTE = _tidsrapportrute()


class LeverandorController(Controller):
    path = "/leverandorer"
    tags = ["rapporter"]

    @get("/{leverandor_id:str}/brukere", **leserute(
        "hentCaseload", "Leverandørens caseload på en dato (i dag uten dato): brukere med "
        "aktiv leveranse, i alt og per tjenestetype. Bare antall, ingen brukere listes.",
        etag=False, ekstra_feil=(503,)))
    def hent_caseload(
            self, request: Request, tjenester: TjenesterParam, state: State,
            leverandor_id: FromPath[LeverandorSti],
            dato: Annotated[Dato | None, Parameter(description="dato (standard: i dag)")] = None,
            tjenestetype: FromQuery[Tjenestetype | None] = None) -> Response[CaseloadUt]:
        def hent(_: Identitet) -> tuple[CaseloadUt, list[UUID]]:
            c = rapporter(state).fersk().caseload(leverandor_id, dato or idag(tjenester),
                                                  tjenestetype)
            return CaseloadUt(leverandor_id=c.leverandor_id, dato=c.dato, brukere=c.brukere,
                              per_tjenestetype=dict(c.per_tjenestetype)), []

        return les_rapport(request, tjenester,
                           lambda i: sjekk_leverandor(tjenester, i, leverandor_id), hent)

    @get("/{leverandor_id:str}/betalbare-timer/{aar:int}/{maaned:int}", **leserute(
        "hentBetalbareTimer", "Leverandørens fakturamåned: én linje per bruker og tjenestetype "
        "med bestilt, levert og betalbar tid, beløp og avvik med årsak (R05, R17, R18, R18a, "
        "R20, R23), sidevis. Bydelens roller ser linjene for brukere i egen bydel, og summene "
        "for dem.", etag=False, ekstra_feil=(503,)))
    def hent_betalbare_timer(
            self, request: Request, tjenester: TjenesterParam, state: State,
            leverandor_id: FromPath[LeverandorSti],
            aar: Annotated[int, Parameter(ge=1900, le=2199, description="fakturaåret")],
            maaned: Annotated[int, Parameter(ge=1, le=12, description="fakturamåneden (1–12)")],
            bruker_id: Annotated[UUID | None, Parameter(
                description="bare én brukers linjer (og summene for dem)")] = None,
            fra: Fra = 0, antall: Antall = None) -> Response[BetalbarMaanedUt]:
        n = antall or tjenester.settings.standard_sidestorrelse

        def hent(i: Identitet) -> tuple[BetalbarMaanedUt, list[UUID]]:
            mnd = rapporter(state).fersk().betalbare_timer(leverandor_id, aar, maaned)
            linjer = list(mnd.linjer)
            if i.rolle not in (Rolle.LEVERANDOR, Rolle.KONTRAKTSOPPFOLGING):
                linjer = [x for x in linjer if x.bydel is not None and x.bydel == i.bydel]
            if bruker_id is not None:
                linjer = [x for x in linjer if x.bruker_id == bruker_id]
            ut = maaned_ut(leverandor_id, aar, maaned, linjer, fra, n, request)
            return ut, [x.bruker_id for x in ut.elementer]

        return les_rapport(request, tjenester,
                           lambda i: sjekk_leverandor(tjenester, i, leverandor_id), hent)

    @post("/{leverandor_id:str}/tidsrapporter", **TIDSRAPPORT_RUTE)
    async def last_opp_tidsrapport(
            self, request: Request, tjenester: TjenesterParam, leverandor_id: FromPath[LeverandorSti],
            streng: FromQuery[bool] = False) -> Response[Any]:
        data = await request.body()  # raw text/csv (Litestar's Body knows no CSV)
        if I_TRAAD:
            return await anyio.to_thread.run_sync(last_opp, request, tjenester, leverandor_id, data,
                                                  streng)
        return last_opp(request, tjenester, leverandor_id, data, streng)


def last_opp(request: Request, tjenester: Tjenester, leverandor_id: str, data: bytes,
             streng: bool) -> Response[Any]:
    """The upload: role → own provider → Idempotency-Key → import → log per bruker touched."""
    identitet: Identitet = request.user
    formaal: str | None = None
    try:
        formaal = tjenester.formaal(request, paakrevd=False)
        sjekk_rolle(identitet, operasjon(request))
        sjekk_leverandor(tjenester, identitet, leverandor_id)
        nokkel = tjenester.idempotens.nokkel(request)
        avtrykk = hashlib.sha256(f"POST {request.url.path}?streng={streng}\n".encode()
                                 + data).hexdigest()
        if nokkel is not None:
            lagret = tjenester.idempotens.lagret(identitet.nokkel, nokkel, avtrykk)
            if lagret is not None:
                tjenester.tilgangslogg.skriv(request, identitet, None, formaal, lagret.status)
                return tjenester.idempotens.gjenta(lagret)
        try:
            data.decode("utf-8")  # checked here, so the answer names the body
        except UnicodeDecodeError:
            raise Uleselig("body", "filen må være UTF-8") from None
        kvitteringer: list[Linjekvittering] = []
        try:
            sammendrag = tjenester.app.importer_tidsrapport(
                leverandor_id, fra_bytes(data), identitet.aktor, streng=streng,
                kvittering=kvitteringer.append)
        except Filfeil as e:
            raise Uleselig("body", str(e)) from None
    except Exception as e:
        tjenester.tilgangslogg.skriv(request, identitet, None, formaal, status_for(e))
        raise
    sam = TidsrapportSammendragUt(
        linjer=sammendrag.linjer, godtatt=sammendrag.godtatt,
        allerede_registrert=sammendrag.allerede_registrert, avvist=sammendrag.avvist,
        hendelser=sammendrag.hendelser, streng=sammendrag.streng, lagret=sammendrag.lagret,
        avvisninger_per_regel=dict(sammendrag.avvisninger_per_regel))
    linjer = [LinjekvitteringUt(linje=k.linje, status=k.status, regel=k.regel, felt=k.felt,
                                melding=k.melding, leveranse_id=k.leveranse_id)
              for k in kvitteringer]
    leveranser = dict.fromkeys(k.leveranse_id for k in kvitteringer if k.leveranse_id)
    brukere = list(dict.fromkeys(tjenester.tilgang.bruker_id_for(Ref("leveranse", lev))
                                 for lev in leveranser)) or [None]
    if streng and not sammendrag.lagret:
        status = 422
        body = TidsrapportAvvistUt(
            type="urn:brukervalg:problem:tidsrapport-avvist", title="Tidsrapport avvist",
            status=422, detail=f"{sammendrag.avvist} av {sammendrag.linjer} linjer avvist; "
            "streng modus: ingenting lagret", instance=request.url.path,
            # the problem's unused members left out, but each line keeps its nulls (required)
            sammendrag=sam, linjer=linjer).model_dump_json(
                exclude={"regel", "felt", "feil"}).encode()
        tjenester.tables.skriv([tjenester.tilgangslogg.oppforing(request, identitet, b, formaal, status)
                            for b in brukere])
        return Response(body, status_code=status, media_type=PROBLEM_JSON)
    body = TidsrapportKvitteringUt(sammendrag=sam, linjer=linjer).model_dump_json().encode()
    ny = LagretSvar(avtrykk, 200, body, {})
    tidligere = tjenester.tables.skriv(
        [tjenester.tilgangslogg.oppforing(request, identitet, b, formaal, 200) for b in brukere],
        identitet.nokkel if nokkel else None, nokkel, ny if nokkel else None)
    if tidligere is not None:
        return tjenester.idempotens.gjenta(tidligere)
    return Response(body, status_code=200, media_type="application/json")

