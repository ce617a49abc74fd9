"""/leveranser: one provider's delivery: notice, start, visits, cancellations, concerns, end."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from interfaces.http.controllers.params import (
    Antall,
    AvvikId,
    Fra,
    LeveranseId,
    MeldingId,
    TjenesterParam,
    side_lenke,
)
from interfaces.http.dokumentasjon import leserute, skriverute
from interfaces.http.skjema import (
    AvbestillingKvitteringUt,
    AvvikKvitteringUt,
    BekymringsmeldingKvitteringUt,
    BesokKvitteringUt,
    BesokSamletKvitteringUt,
    KvitteringUt,
)
from interfaces.http.skjema_historikk import BesokSide
from interfaces.http.skjema_leveranser import (
    AvbestillingInn,
    AvvikInn,
    AvviksbehandlingInn,
    BekymringsmeldingInn,
    BesokInn,
    BesokSamletInn,
    BesokUt,
    LeveranseAvslutningInn,
    LeveranseUt,
    OppsigelsesvarselInn,
    StartInn,
    VarselInn,
    VideresendingInn,
)
from interfaces.http.tilgang import Ref
from interfaces.http.tjenester import Skriving

LEVERANSE = Skriving(lambda kv: f"/leveranser/{kv.id}", KvitteringUt)
NYTT_BESOK = Skriving(LEVERANSE.lenke, modell=BesokKvitteringUt)
NYE_BESOK = Skriving(LEVERANSE.lenke, modell=BesokSamletKvitteringUt)
NY_AVBESTILLING = Skriving(LEVERANSE.lenke, modell=AvbestillingKvitteringUt)
NY_MELDING = Skriving(LEVERANSE.lenke, modell=BekymringsmeldingKvitteringUt)
NYTT_AVVIK = Skriving(LEVERANSE.lenke, modell=AvvikKvitteringUt)


# Same shape as VedtakController and BrukerController (controllers/vedtak.py, brukere.py): a
# read route per resource that names its own operation, reference and output schema; the
# shared steps (access, ETag, problem details) are one function, Tjenester.les.
class LeveranseController(Controller):
    path = "/leveranser"
    tags = ["leveranser"]

    @get("/{leveranse_id:uuid}", **leserute("hentLeveranse", "Hent en leveranse (besøkene "
                                            "hentes sidevis under /besok)."))
    def hent_leveranse(self, request: Request, tjenester: TjenesterParam,
                       leveranse_id: LeveranseId) -> Response[LeveranseUt]:
        def hent(sikt: object) -> tuple[LeveranseUt, int]:
            lev = tjenester.app.leveranse(leveranse_id)
            return LeveranseUt.fra(lev), lev.version

        return tjenester.les(request, Ref("leveranse", leveranse_id), hent)

    @get("/{leveranse_id:uuid}/besok", **leserute(
        "listBesok", "Utførte besøk på leveransen, sortert på start, sidevis.", etag=False))
    def list_besok(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId, fra: Fra = 0,
                   antall: Antall = None) -> Response[BesokSide]:
        n = antall or tjenester.settings.standard_sidestorrelse

        def hent(sikt: object) -> tuple[BesokSide, None]:
            alle = sorted(tjenester.app.leveranse(leveranse_id).besok.values(),
                          key=lambda b: (b.start, str(b.besok_id)))
            side = alle[fra:fra + n]
            return BesokSide(fra=fra, antall=len(side), totalt=len(alle),
                             neste=side_lenke(request, fra, n, len(alle)),
                             elementer=[BesokUt.fra(b) for b in side]), None

        return tjenester.les(request, Ref("leveranse", leveranse_id), hent)

    # The write routes below share one shape with those of brukere.py and vedtak.py: each names its
    # own path, operation id, summary, body schema and use case, which Litestar reads from the
    # signature into the OpenAPI document; a route table or shared helper would hide them. The
    # shared steps are one function, Tjenester.skriv.
    @post("/{leveranse_id:uuid}/varsler", **skriverute(
        "varsleLeverandor", "Registrer at bydelen varslet leverandøren: Pasientovergang for "
        "hjemmesykepleie, Henvendelse for praktisk bistand, telefon ved hast (R09, R11–R13)."))
    def varsle_leverandor(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                          data: JSONBody[VarselInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, _, valg: (
            tjenester.app.varsle_leverandor(data.kommando(leveranse_id), a, **valg)), LEVERANSE)

    @post("/{leveranse_id:uuid}/oppsigelsesvarsler", **skriverute(
        "varsleOppsigelse", "Registrer at den gamle leverandøren er varslet om oppsigelsen (R09)."))
    def varsle_oppsigelse(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                          data: JSONBody[OppsigelsesvarselInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, _, valg: (
            tjenester.app.varsle_oppsigelse(data.kommando(leveranse_id), a, **valg)), LEVERANSE)

    @post("/{leveranse_id:uuid}/start", **skriverute(
        "startLeveranse", "Leverandøren registrerer at tjenesten har startet (R12, R13)."))
    def start_leveranse(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                        data: JSONBody[StartInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, _, valg: (
            tjenester.app.start_leveranse(data.kommando(leveranse_id), a, **valg)), LEVERANSE)

    @post("/{leveranse_id:uuid}/besok", **skriverute(
        "registrerBesok", "Registrer et utført besøk med pseudonym ansatt-id (R18, R18a, R28a); "
        "samme besøk rapportert to ganger registreres én gang."))
    def registrer_besok(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                        data: JSONBody[BesokInn]) -> Response[BesokKvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, ny, valg: (
            tjenester.app.registrer_besok(data.kommando(leveranse_id, ny), a, **valg)), NYTT_BESOK)

    @post("/{leveranse_id:uuid}/besok/samlet", **skriverute(
        "registrerBesokSamlet", "Registrer inntil 500 besøk på én gang: alle eller ingen (en "
        "feil linje stopper alt, og feltet navngir linjen)."))
    def registrer_besok_samlet(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                               data: JSONBody[BesokSamletInn]
                               ) -> Response[BesokSamletKvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, ny, valg: (
            tjenester.app.registrer_besok_samlet(
                leveranse_id, [b.kommando(leveranse_id, ny, i) for i, b in enumerate(data.besok)],
                a, **valg)), NYE_BESOK)

    @post("/{leveranse_id:uuid}/avbestillinger", **skriverute(
        "avbestillBesok", "Registrer at brukeren avbestilte et besøk, med journalreferanse "
        "(R20)."))
    def avbestill_besok(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                        data: JSONBody[AvbestillingInn]) -> Response[AvbestillingKvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, _, valg: (
            tjenester.app.avbestill_besok(data.kommando(leveranse_id), a, **valg)), NY_AVBESTILLING)

    @post("/{leveranse_id:uuid}/bekymringsmeldinger", **skriverute(
        "mottaBekymringsmelding", "Registrer en bekymringsmelding: når leverandøren mottok den, "
        "og når den ble videresendt til bydelen (R21)."))
    def motta_bekymringsmelding(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                                data: JSONBody[BekymringsmeldingInn]
                                ) -> Response[BekymringsmeldingKvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, ny, valg: (
            tjenester.app.motta_bekymringsmelding(data.kommando(leveranse_id, ny), a, **valg)), NY_MELDING)

    @post("/{leveranse_id:uuid}/bekymringsmeldinger/{melding_id:uuid}/videresending",
          **skriverute("videresendBekymringsmelding", "Registrer at bekymringsmeldingen ble "
                       "videresendt til bydelen med OL-beskjedjournal (R21)."))
    def videresend_bekymringsmelding(self, request: Request, tjenester: TjenesterParam,
                                     leveranse_id: LeveranseId,
                                     melding_id: MeldingId,
                                     data: JSONBody[VideresendingInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, _, valg: (
            tjenester.app.videresend_bekymringsmelding(data.kommando(leveranse_id, melding_id), a, **valg)),
            LEVERANSE)

    @post("/{leveranse_id:uuid}/avslutning", **skriverute(
        "avsluttLeveranse", "Avslutt leveransen når behovet opphører, med sluttnotat (R22)."))
    def avslutt_leveranse(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                          data: JSONBody[LeveranseAvslutningInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, _, valg: (
            tjenester.app.avslutt_leveranse(data.kommando(leveranse_id), a, **valg)), LEVERANSE)

    @post("/{leveranse_id:uuid}/avvik", **skriverute(
        "registrerAvvik", "Bydelen registrerer et avvik eller en klage på tjenesten (R27)."))
    def registrer_avvik(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                        data: JSONBody[AvvikInn]) -> Response[AvvikKvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, ny, valg: (
            tjenester.app.registrer_avvik(data.kommando(leveranse_id, ny), a, **valg)), NYTT_AVVIK)

    @post("/{leveranse_id:uuid}/avvik/{avvik_id:uuid}/behandling", **skriverute(
        "behandleAvvik", "Registrer behandlingen av et avvik, med konklusjon (R27)."))
    def behandle_avvik(self, request: Request, tjenester: TjenesterParam, leveranse_id: LeveranseId,
                       avvik_id: AvvikId, data: JSONBody[AvviksbehandlingInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("leveranse", leveranse_id), data, lambda a, _, valg: (
            tjenester.app.behandle_avvik(data.kommando(leveranse_id, avvik_id), a, **valg)), LEVERANSE)
