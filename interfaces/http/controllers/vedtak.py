"""/vedtak: the decision, when it reached the user, reassessment, extension, end and appeals."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import JSONBody

from application.app import Kvittering, Skrivevalg
from domain.begreper import Aktor
from interfaces.http.controllers.params import KlageId, RevurderingId, TjenesterParam, VedtakId
from interfaces.http.dokumentasjon import lenke, leserute, skriverute
from interfaces.http.skjema import IdLager, KlageKvitteringUt, KvitteringUt, RevurderingKvitteringUt
from interfaces.http.skjema_vedtak import (
    ForlengelseInn,
    KlageavgjorelseInn,
    KlageInn,
    RevurderingInn,
    RevurderingSvarInn,
    VedtakAvslutningInn,
    VedtakMottattInn,
    VedtakRevisjonInn,
    VedtakUt,
)
from interfaces.http.tilgang import Ref
from interfaces.http.tjenester import Skriving

VEDTAK = Skriving(lambda kv: f"/vedtak/{kv.id}", KvitteringUt)
NY_REVURDERING = Skriving(VEDTAK.lenke, modell=RevurderingKvitteringUt)
NY_KLAGE = Skriving(VEDTAK.lenke, modell=KlageKvitteringUt)


class VedtakController(Controller):
    path = "/vedtak"
    tags = ["vedtak"]

    @get("/{vedtak_id:uuid}", **leserute("hentVedtak", "Hent et vedtak med omfang over tid, "
                                         "revurderinger og klager."))
    def hent_vedtak(self, request: Request, tjenester: TjenesterParam,
                    vedtak_id: VedtakId) -> Response[VedtakUt]:
        def hent(sikt: object) -> tuple[VedtakUt, int]:
            v = tjenester.app.vedtak(vedtak_id)
            return VedtakUt.fra(v), v.version

        return tjenester.les(request, Ref("vedtak", vedtak_id), hent)

    @post("/{vedtak_id:uuid}/mottatt", **skriverute(
        "registrerVedtakMottatt", "Registrer dagen vedtaket nådde brukeren; klagefristen (fire "
        "uker) regnes fra den (R25)."))
    def registrer_mottatt(self, request: Request, tjenester: TjenesterParam, vedtak_id: VedtakId,
                          data: JSONBody[VedtakMottattInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("vedtak", vedtak_id), data, lambda a, _, valg: (
            tjenester.app.registrer_vedtak_mottatt(data.kommando(vedtak_id), a, **valg)), VEDTAK)

    @post("/{vedtak_id:uuid}/revurderinger", **skriverute(
        "anmodRevurdering", "Leverandøren anmoder om revurdering (revurderingsjournal); bydelen "
        "skal svare innen neste virkedag (R16). Leverandøren er den i tokenet.",
        lenker={"hentVedtak": lenke("hentVedtak", vedtak_id="$response.body#/id")}))
    def anmod_revurdering(self, request: Request, tjenester: TjenesterParam, vedtak_id: VedtakId,
                          data: JSONBody[RevurderingInn]) -> Response[RevurderingKvitteringUt]:
        def utfor(aktor: Aktor, ny: IdLager, valg: Skrivevalg) -> Kvittering:
            leverandor = request.user.leverandor
            if leverandor is None:
                raise PermissionDeniedException(detail="bare en leverandør anmoder om revurdering")
            return tjenester.app.anmod_revurdering(data.kommando(vedtak_id, leverandor, ny), aktor,
                                                **valg)

        return tjenester.skriv(request, Ref("vedtak", vedtak_id), data, utfor, NY_REVURDERING)

    @post("/{vedtak_id:uuid}/revurderinger/{revurdering_id:uuid}/svar", **skriverute(
        "besvarRevurdering", "Bydelen svarer på en revurdering; et endret omfang gjelder fra "
        "datoen, også i oppsigelsestiden (R10, R16)."))
    def besvar_revurdering(self, request: Request, tjenester: TjenesterParam, vedtak_id: VedtakId,
                           revurdering_id: RevurderingId,
                           data: JSONBody[RevurderingSvarInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("vedtak", vedtak_id), data, lambda a, _, valg: (
            tjenester.app.besvar_revurdering(data.kommando(vedtak_id, revurdering_id), a, **valg)), VEDTAK)

    @post("/{vedtak_id:uuid}/revisjoner", **skriverute(
        "reviderVedtak", "Bydelen endrer omfanget på eget initiativ (fatte, revurdere og "
        "avslutte vedtak); det nye omfanget gjelder fra datoen. Mer omfang for en løpende "
        "hjemmesykepleie skal varsles leverandøren senest kl. 14 virkedagen før (R11)."))
    def revider_vedtak(self, request: Request, tjenester: TjenesterParam, vedtak_id: VedtakId,
                       data: JSONBody[VedtakRevisjonInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("vedtak", vedtak_id), data, lambda a, _, valg: (
            tjenester.app.revider_vedtak(data.kommando(vedtak_id), a, **valg)), VEDTAK)

    # Same shape as every write route of this controller and of leveranser.py and brukere.py: each
    # names its own path, operation id, summary, body schema and use case, which Litestar reads
    # into the OpenAPI document; the shared steps are one function, Tjenester.skriv.
    @post("/{vedtak_id:uuid}/forlengelser", **skriverute(
        "forlengVedtak", "Forleng vedtaket til en senere sluttdato (eller løpende)."))
    def forleng_vedtak(self, request: Request, tjenester: TjenesterParam, vedtak_id: VedtakId,
                       data: JSONBody[ForlengelseInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("vedtak", vedtak_id), data, lambda a, _, valg: (
            tjenester.app.forleng_vedtak(data.kommando(vedtak_id), a, **valg)), VEDTAK)

    @post("/{vedtak_id:uuid}/avslutning", **skriverute(
        "avsluttVedtak", "Avslutt vedtaket på en dato."))
    def avslutt_vedtak(self, request: Request, tjenester: TjenesterParam, vedtak_id: VedtakId,
                       data: JSONBody[VedtakAvslutningInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("vedtak", vedtak_id), data, lambda a, _, valg: (
            tjenester.app.avslutt_vedtak(data.kommando(vedtak_id), a, **valg)), VEDTAK)

    @post("/{vedtak_id:uuid}/klager", **skriverute(
        "mottaKlage", "Registrer en klage på vedtaket; en klage etter fristen registreres og "
        "flagges (R25).",
        lenker={"hentVedtak": lenke("hentVedtak", vedtak_id="$response.body#/id")}))
    def motta_klage(self, request: Request, tjenester: TjenesterParam, vedtak_id: VedtakId,
                    data: JSONBody[KlageInn]) -> Response[KlageKvitteringUt]:
        return tjenester.skriv(request, Ref("vedtak", vedtak_id), data, lambda a, ny, valg: (
            tjenester.app.motta_klage(data.kommando(vedtak_id, ny), a, **valg)), NY_KLAGE)

    @post("/{vedtak_id:uuid}/klager/{klage_id:uuid}/avgjorelse", **skriverute(
        "avgjorKlage", "Registrer avgjørelsen av en klage."))
    def avgjor_klage(self, request: Request, tjenester: TjenesterParam, vedtak_id: VedtakId,
                     klage_id: KlageId, data: JSONBody[KlageavgjorelseInn]) -> Response[KvitteringUt]:
        return tjenester.skriv(request, Ref("vedtak", vedtak_id), data, lambda a, _, valg: (
            tjenester.app.avgjor_klage(data.kommando(vedtak_id, klage_id), a, **valg)), VEDTAK)
