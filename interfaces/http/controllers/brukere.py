"""/brukere: the bruker, the choices about the provider, switches, death and moves."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from application.app import Kvittering, Skrivevalg
from domain import kalender
from domain.begreper import Aktor, IkkeFunnet, Regelbrudd
from interfaces.http.controllers.params import (
    Antall,
    BrukerId,
    Fra,
    HendelseId,
    TjenesterParam,
    side_lenke,
)
from interfaces.http.dokumentasjon import lenke, leserute, skriverute
from interfaces.http.skjema import IdLager, KvitteringUt
from interfaces.http.skjema_brukere import (
    BrukerInn,
    BrukerSokInn,
    BrukerSokUt,
    BrukerUt,
    BytteBekreftelseInn,
    ByttInn,
    DodsfallInn,
    FlyttingInn,
    HusstandsinntektInn,
    InformasjonInn,
    KorreksjonInn,
    LeveranseInn,
    UtflyttingInn,
    ValgInn,
    VedtakInn,
)
from interfaces.http.skjema_historikk import (
    HendelseUt,
    HistorikkSide,
    TilgangsloggSide,
    TilgangsoppforingUt,
)
from interfaces.http.tilgang import Ref
from interfaces.http.tjenester import Sikt, Skriving

BRUKER = Skriving(lambda kv: f"/brukere/{kv.id}", KvitteringUt)
NY_BRUKER = Skriving(lambda kv: f"/brukere/{kv.id}", KvitteringUt, oppretter=True)
NY_VEDTAK = Skriving(lambda kv: f"/vedtak/{kv.id}", KvitteringUt, oppretter=True)
NY_LEVERANSE = Skriving(lambda kv: f"/leveranser/{kv.id}", KvitteringUt, oppretter=True)

_TIL_BRUKER = {
    "hentBruker": lenke("hentBruker", bruker_id="$response.body#/id"),
    "velgLeverandor": lenke("velgLeverandor", bruker_id="$response.body#/id"),
    "fattVedtak": lenke("fattVedtak", bruker_id="$response.body#/id"),
    "bestillLeveranse": lenke("bestillLeveranse", bruker_id="$response.body#/id"),
    "hentHistorikk": lenke("hentHistorikk", bruker_id="$response.body#/id"),
}
_TIL_VEDTAK = {
    "hentVedtak": lenke("hentVedtak", vedtak_id="$response.body#/id"),
    "registrerVedtakMottatt": lenke("registrerVedtakMottatt", vedtak_id="$response.body#/id"),
    "mottaKlage": lenke("mottaKlage", vedtak_id="$response.body#/id"),
    "forlengVedtak": lenke("forlengVedtak", vedtak_id="$response.body#/id"),
}
_TIL_LEVERANSE = {
    "hentLeveranse": lenke("hentLeveranse", leveranse_id="$response.body#/id"),
    "varsleLeverandor": lenke("varsleLeverandor", leveranse_id="$response.body#/id"),
    "startLeveranse": lenke("startLeveranse", leveranse_id="$response.body#/id"),
    "registrerBesok": lenke("registrerBesok", leveranse_id="$response.body#/id"),
}

class BrukerController(Controller):
    path = "/brukere"
    tags = ["brukere"]

    @post("/", **skriverute("registrerBruker", "Registrer en bruker i egen bydel. Samme "
                            "fødselsnummer med samme opplysninger gir den eksisterende brukeren "
                            "(200).", oppretter=True, lenker=_TIL_BRUKER))
    def registrer_bruker(self, request: Request, tjenester: TjenesterParam,
                         data: JSONBody[BrukerInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, None, data, lambda a, _, valg: tjenester.app.registrer_bruker(
            data.kommando(), a, medfolgende=valg["medfolgende"]), NY_BRUKER, bydel=data.bydel)

    @post("/sok", status_code=200, **leserute(
        "finnBruker", "Finn en bruker ved fødselsnummer (nummeret sendes i body, aldri i URL).",
        etag=False, ekstra_feil=(422,),
        lenker={"hentBruker": lenke("hentBruker", bruker_id="$response.body#/bruker_id")}))
    def finn_bruker(self, request: Request, tjenester: TjenesterParam,
                    data: JSONBody[BrukerSokInn]) -> Response[BrukerSokUt]:
        def finn() -> Ref:
            # The caller's own record of the number; another bydel's is answered as not found
            # (and logged under that record).
            funnet = tjenester.app.finn_brukere(data.fodselsnummer)
            if not funnet:
                raise IkkeFunnet("bruker", "med dette fødselsnummeret", felt="fodselsnummer")
            for bruker_id in funnet:
                try:
                    tjenester.tilgang.sjekk(request.user, Ref("bruker", bruker_id))
                except IkkeFunnet:
                    continue
                return Ref("bruker", bruker_id)
            return Ref("bruker", funnet[0])

        def hent(sikt: Sikt | None) -> tuple[BrukerSokUt, None]:
            assert sikt is not None  # ``finn`` named the bruker
            return BrukerSokUt(bruker_id=sikt.bruker_id, lenke=f"/brukere/{sikt.bruker_id}"), None

        return tjenester.les(request, None, hent, finn=finn)

    @get("/{bruker_id:uuid}", **leserute("hentBruker", "Hent en bruker. En leverandør ser bare "
                                         "egne leveranser og ingen valg- eller byttehistorikk."))
    def hent_bruker(self, request: Request, tjenester: TjenesterParam,
                    bruker_id: BrukerId) -> Response[BrukerUt]:
        ident = request.user

        def hent(sikt: object) -> tuple[BrukerUt, int]:
            b = tjenester.app.bruker(bruker_id)
            return BrukerUt.fra(b, kalender.lokal_dato(tjenester.app.klokke()),
                                leverandor=ident.leverandor), b.version

        return tjenester.les(request, Ref("bruker", bruker_id), hent)

    @get("/{bruker_id:uuid}/historikk", **leserute(
        "hentHistorikk", "Hele historikken til en bruker (bruker, vedtak og leveranser) i "
        "registrert rekkefølge, med hvem som registrerte hva og når (R26).", etag=False))
    def hent_historikk(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId, fra: Fra = 0,
                       antall: Antall = None) -> Response[HistorikkSide]:
        n = antall or tjenester.settings.standard_sidestorrelse

        def hent(sikt: object) -> tuple[HistorikkSide, None]:
            alle = tjenester.app.hendelser_for_bruker(bruker_id)
            side = alle[fra:fra + n]
            return HistorikkSide(fra=fra, antall=len(side), totalt=len(alle),
                                 neste=side_lenke(request, fra, n, len(alle)),
                                 elementer=[HendelseUt.fra(e) for e in side]), None

        return tjenester.les(request, Ref("bruker", bruker_id), hent)

    @get("/{bruker_id:uuid}/tilgangslogg", **leserute(
        "hentTilgangslogg", "Brukerens tilgangslogg: hvem som har lest eller endret "
        "opplysningene, i hvilken rolle og organisasjon, når og med hvilket formål (Normen). "
        "Loggen kan ikke endres gjennom API-et.", etag=False))
    def hent_tilgangslogg(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                          fra: Fra = 0, antall: Antall = None) -> Response[TilgangsloggSide]:
        n = antall or tjenester.settings.standard_sidestorrelse

        def hent(sikt: object) -> tuple[TilgangsloggSide, None]:
            rader, totalt = tjenester.tables.tilgangslogg(bruker_id, fra, n)
            return TilgangsloggSide(fra=fra, antall=len(rader), totalt=totalt,
                                    neste=side_lenke(request, fra, n, totalt),
                                    elementer=[TilgangsoppforingUt.fra(r) for r in rader]), None

        return tjenester.les(request, Ref("bruker", bruker_id), hent, logg_foerst=True)

    @post("/{bruker_id:uuid}/informasjon", **skriverute(
        "registrerInformasjonGitt", "Registrer at informasjon om brukervalg er gitt: når, av "
        "hvem, til hvem (R01)."))
    def registrer_informasjon(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                              data: JSONBody[InformasjonInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, _, valg: (
            tjenester.app.registrer_informasjon_gitt(data.kommando(bruker_id), a, **valg)), BRUKER)

    @post("/{bruker_id:uuid}/husstandsinntekt", **skriverute(
        "registrerHusstandsinntekt", "Registrer husstandens nettoinntekt (siste likning) fra en "
        "dato; den avgjør inntektstrinnet for egenandel på praktisk bistand (R19)."))
    def registrer_husstandsinntekt(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                                   data: JSONBody[HusstandsinntektInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, _, valg: (
            tjenester.app.registrer_husstandsinntekt(data.kommando(bruker_id), a, **valg)), BRUKER)

    @post("/{bruker_id:uuid}/valg", **skriverute(
        "velgLeverandor", "Registrer brukerens valg av leverandør for en tjenestetype, muntlig "
        "eller skriftlig (R02); valg med virkning før 2024-06-01 avvises (R04)."))
    def velg_leverandor(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                        data: JSONBody[ValgInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, _, valg: (
            tjenester.app.velg_leverandor(data.kommando(bruker_id), a, **valg)), BRUKER)

    @post("/{bruker_id:uuid}/valg/{hendelse_id:uuid}/korreksjon", **skriverute(
        "korrigerLeverandorvalg", "Korriger et registrert valg med et nytt faktum som viser til "
        "det (R26)."))
    def korriger_valg(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                      hendelse_id: HendelseId,
                      data: JSONBody[KorreksjonInn]) -> Response[KvitteringUt]:
        def korriger(a: Aktor, _: IdLager, valg: Skrivevalg) -> Kvittering:
            try:
                return tjenester.app.korriger_leverandorvalg(data.kommando(bruker_id, hendelse_id), a,
                                                          **valg)
            except Regelbrudd as e:  # the command's "korrigerer" is the path's hendelse_id
                if e.felt != "korrigerer":
                    raise
                raise Regelbrudd(e.regel, "hendelse_id", e.melding) from None

        return tjenester.skriv(request, Ref("bruker", bruker_id), data, korriger, BRUKER)

    @post("/{bruker_id:uuid}/bytter", **skriverute(
        "byttLeverandor", "Bytt leverandør (R06–R08): gammel leveranse slutter dag ti fra og med "
        "oppsigelsesdatoen, ny starter dagen etter. Svarer med den nye leveransen.",
        oppretter=True, lenker=_TIL_LEVERANSE))
    def bytt_leverandor(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                        data: JSONBody[ByttInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, ny, valg: (
            tjenester.app.bytt_leverandor(data.kommando(bruker_id, ny), a, **valg)), NY_LEVERANSE)

    # Same shape as every write route of this controller and of leveranser.py and vedtak.py: each
    # names its own path, operation id, summary, body schema and use case, which Litestar reads
    # into the OpenAPI document; the shared steps are one function, Tjenester.skriv.
    @post("/{bruker_id:uuid}/bytter/bekreftelser", **skriverute(
        "sendBytteBekreftelse", "Registrer at brukeren har fått brev som bekrefter byttet (R09)."))
    def send_bytte_bekreftelse(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                               data: JSONBody[BytteBekreftelseInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, _, valg: (
            tjenester.app.send_bytte_bekreftelse(data.kommando(bruker_id), a, **valg)), BRUKER)

    @post("/{bruker_id:uuid}/dodsfall", **skriverute(
        "registrerDodsfall", "Registrer dødsfall: alle aktive leveranser og vedtak avsluttes på "
        "datoen (R23)."))
    def registrer_dodsfall(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                           data: JSONBody[DodsfallInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, _, valg: (
            tjenester.app.registrer_dodsfall(data.kommando(bruker_id), a, **valg)), BRUKER)

    @post("/{bruker_id:uuid}/flyttinger", **skriverute(
        "flyttTilBydel", "Flytt brukeren til en annen bydel; ansvaret går over, historikken "
        "blir (R24)."))
    def flytt_til_bydel(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                        data: JSONBody[FlyttingInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, _, valg: (
            tjenester.app.flytt_til_bydel(data.kommando(bruker_id), a, **valg)), BRUKER)

    @post("/{bruker_id:uuid}/utflytting", **skriverute(
        "registrerUtflytting", "Registrer flytting ut av kommunen: alt avsluttes på datoen "
        "(R23)."))
    def registrer_utflytting(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                             data: JSONBody[UtflyttingInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, _, valg: (
            tjenester.app.registrer_utflytting(data.kommando(bruker_id), a, **valg)), BRUKER)

    @post("/{bruker_id:uuid}/vedtak", **skriverute(
        "fattVedtak", "Fatt vedtak (bare vedtaksmyndig) for tjenester som forventes å vare mer "
        "enn 14 dager (R15); en tjeneste som startet før vedtaket knyttes til det (R14).",
        oppretter=True, lenker=_TIL_VEDTAK))
    def fatt_vedtak(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                    data: JSONBody[VedtakInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, ny, valg: (
            tjenester.app.fatt_vedtak(data.kommando(bruker_id, ny), a, **valg)), NY_VEDTAK,
            naevnt={"knytt_til_leveranse_id": Ref("leveranse", data.knytt_til_leveranse_id)}
            if data.knytt_til_leveranse_id else None)

    @post("/{bruker_id:uuid}/leveranser", **skriverute(
        "bestillLeveranse", "Bestill tjenesten hos valgt leverandør (kommunal uten aktivt valg, "
        "R03); leveranser av samme tjenestetype overlapper aldri (R08).",
        oppretter=True, lenker=_TIL_LEVERANSE))
    def bestill_leveranse(self, request: Request, tjenester: TjenesterParam, bruker_id: BrukerId,
                          data: JSONBody[LeveranseInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("bruker", bruker_id), data, lambda a, ny, valg: (
            tjenester.app.bestill_leveranse(data.kommando(bruker_id, ny), a, **valg)), NY_LEVERANSE,
            naevnt={"vedtak_id": Ref("vedtak", data.vedtak_id)} if data.vedtak_id else None)
