"""Who may do what: every role × every operation against another bydel's / provider's resource.

A role that may not call an operation gets 403 before anything is looked up; a role that may,
asking about a resource outside its reach, gets 404 exactly as if it did not exist. Either way the
attempt is in the access log, with the bruker it concerned.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from domain.begreper import Rolle
from interfaces.http.settings import UTVIKLING_UTSTEDER
from interfaces.http.sikkerhet import UTVIKLING_KID, lag_token
from interfaces.http.tilgang import TILGANG
from tests.conftest import FNR
from tests.e2e.conftest import PUBLIKUM, ROLLER, UTSTEDER, Api, Sak

T = "2026-03-02T08:00:00+01:00"


def foresporsler(sak: Sak, fnr: str) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    """One valid request per operation, aimed at ``sak``."""
    b, v, lev, x = sak.bruker, sak.vedtak, sak.leveranse, uuid4()
    besok = {"start": T, "slutt": "2026-03-02T08:30:00+01:00", "ansatt": "ans-1"}
    return {
        "registrerBruker": ("POST", "/brukere", {"fodselsnummer": FNR[4], "navn": "Ny",
                                                 "bydel": "sagene"}),
        "finnBruker": ("POST", "/brukere/sok", {"fodselsnummer": fnr}),
        "hentBruker": ("GET", f"/brukere/{b}", None),
        "hentHistorikk": ("GET", f"/brukere/{b}/historikk", None),
        "hentTilgangslogg": ("GET", f"/brukere/{b}/tilgangslogg", None),
        "registrerInformasjonGitt": ("POST", f"/brukere/{b}/informasjon", {
            "gitt_tid": T, "gitt_av": "x", "gitt_til": "bruker"}),
        "registrerHusstandsinntekt": ("POST", f"/brukere/{b}/husstandsinntekt", {
            "nettoinntekt": "250000.00", "gyldig_fra": "2026-01-01"}),
        "hentEgenandel": ("GET", f"/brukere/{b}/egenandel/2026/3", None),
        "hentEgenandelAar": ("GET", f"/brukere/{b}/egenandel/2026", None),
        "hentKlagesak": ("GET", f"/brukere/{b}/klagesak", None),
        "hentKlagesakDokument": ("GET", f"/brukere/{b}/klagesak/dokument", None),
        "velgLeverandor": ("POST", f"/brukere/{b}/valg", {
            "tjenestetype": "praktisk_bistand", "leverandor_id": "2care", "form": "muntlig",
            "gyldig_fra": "2026-03-02"}),
        "korrigerLeverandorvalg": ("POST", f"/brukere/{b}/valg/{x}/korreksjon", {
            "leverandor_id": "2care", "form": "muntlig", "gyldig_fra": "2026-03-02",
            "begrunnelse": "feil"}),
        "byttLeverandor": ("POST", f"/brukere/{b}/bytter", {
            "tjenestetype": "praktisk_bistand", "til_leverandor_id": "2care", "form": "muntlig",
            "oppsigelsesdato": "2026-03-02"}),
        "sendBytteBekreftelse": ("POST", f"/brukere/{b}/bytter/bekreftelser", {
            "tjenestetype": "praktisk_bistand", "oppsigelsesdato": "2026-03-02",
            "sendt_dato": "2026-03-02"}),
        "registrerDodsfall": ("POST", f"/brukere/{b}/dodsfall", {"dodsdato": "2026-03-01"}),
        "flyttTilBydel": ("POST", f"/brukere/{b}/flyttinger", {"til_bydel": "frogner",
                                                                "dato": "2026-03-01"}),
        "registrerUtflytting": ("POST", f"/brukere/{b}/utflytting", {"dato": "2026-03-01"}),
        "fattVedtak": ("POST", f"/brukere/{b}/vedtak", {
            "tjenestetype": "hjemmesykepleie_dag", "gyldig_fra": "2026-03-02",
            "omfang": {"minutter": 60}, "vedtaksdato": "2026-03-01"}),
        "bestillLeveranse": ("POST", f"/brukere/{b}/leveranser", {
            "tjenestetype": "hjemmesykepleie_dag", "fom": "2026-03-02"}),
        "hentVedtak": ("GET", f"/vedtak/{v}", None),
        "registrerVedtakMottatt": ("POST", f"/vedtak/{v}/mottatt", {"mottatt_dato": "2026-03-01"}),
        "anmodRevurdering": ("POST", f"/vedtak/{v}/revurderinger", {"anmodet_tid": T,
                                                                     "begrunnelse": "mer"}),
        "besvarRevurdering": ("POST", f"/vedtak/{v}/revurderinger/{x}/svar", {
            "besvart_tid": T, "utfall": "avslatt"}),
        "forlengVedtak": ("POST", f"/vedtak/{v}/forlengelser", {"ny_gyldig_til": None}),
        "reviderVedtak": ("POST", f"/vedtak/{v}/revisjoner", {
            "gyldig_fra": "2026-03-02", "nytt_omfang": {"minutter": 90}, "begrunnelse": "mer"}),
        "avsluttVedtak": ("POST", f"/vedtak/{v}/avslutning", {"dato": "2026-03-02",
                                                               "arsak": "vedtak_utlopt"}),
        "mottaKlage": ("POST", f"/vedtak/{v}/klager", {"mottatt_dato": "2026-03-01",
                                                        "gjelder": "omfang"}),
        "avgjorKlage": ("POST", f"/vedtak/{v}/klager/{x}/avgjorelse", {
            "avgjort_dato": "2026-03-02", "utfall": "avvist"}),
        "hentLeveranse": ("GET", f"/leveranser/{lev}", None),
        "listBesok": ("GET", f"/leveranser/{lev}/besok", None),
        "varsleLeverandor": ("POST", f"/leveranser/{lev}/varsler", {"kanal": "henvendelse",
                                                                     "varslet_tid": T}),
        "varsleOppsigelse": ("POST", f"/leveranser/{lev}/oppsigelsesvarsler", {
            "kanal": "henvendelse", "varslet_tid": T}),
        "startLeveranse": ("POST", f"/leveranser/{lev}/start", {"startet_tid": T}),
        "registrerBesok": ("POST", f"/leveranser/{lev}/besok", besok),
        "registrerBesokSamlet": ("POST", f"/leveranser/{lev}/besok/samlet", {"besok": [besok]}),
        "avbestillBesok": ("POST", f"/leveranser/{lev}/avbestillinger", {
            "planlagt_start": T, "planlagt_slutt": "2026-03-02T09:00:00+01:00",
            "avbestilt_tid": T, "journalreferanse": "OL-1"}),
        "mottaBekymringsmelding": ("POST", f"/leveranser/{lev}/bekymringsmeldinger", {
            "mottatt_tid": T, "fagjournal": "OL-2"}),
        "videresendBekymringsmelding": (
            "POST", f"/leveranser/{lev}/bekymringsmeldinger/{x}/videresending",
            {"videresendt_tid": T, "beskjedjournal": "OL-3"}),
        "avsluttLeveranse": ("POST", f"/leveranser/{lev}/avslutning", {
            "sluttdato": "2026-03-02", "arsak": "behov_opphort", "sluttnotat": "slutt"}),
        "registrerAvvik": ("POST", f"/leveranser/{lev}/avvik", {
            "type": "avvik", "mottatt_tid": T, "beskrivelse": "x"}),
        "behandleAvvik": ("POST", f"/leveranser/{lev}/avvik/{x}/behandling", {
            "behandlet_tid": T, "konklusjon": "ok"}),
    }


MATRISE_ROLLER = ["sb", "vm", "kb", "lev", "ko"]
KONTRAKTSOPPFOLGING_BYEN_RUNDT = {"hentLeveranse", "listBesok"}
RAPPORTER = {"hentGjeldendeLeverandor", "hentCaseload", "hentBetalbareTimer", "hentSla",
             "lastOppTidsrapport", "hentOppfolgingsrapport", "betalingskontroll",
             "betalingskontrollUtenKrav", "listBydeler", "listLeverandorer", "verifiserKjede",
             # the worklist lists the caller's own party: tested in test_arbeidsliste_http.py
             "hentArbeidsliste", "hentArbeidslisteSide", "hentArbeidslisteOversikt"}


def forventet(navn: str, operasjon: str) -> int:
    rolle = Rolle(ROLLER[navn][0])
    if rolle not in TILGANG[operasjon]:
        return 403
    if operasjon == "registrerBruker":
        return 403  # only in one's own bydel
    if rolle is Rolle.KONTRAKTSOPPFOLGING and operasjon in KONTRAKTSOPPFOLGING_BYEN_RUNDT:
        return 200
    return 404


def test_every_role_on_every_operation_of_another_bydel_and_provider(
        api: Api, saker: dict[str, Sak]) -> None:
    """Frogner's roles and 2care against Sagene's bruker served by Nordlys: 403 or 404, logged."""
    sak = saker["sagene"]
    hendelser_for = api.antall_hendelser()
    alle = foresporsler(sak, FNR[1])
    # the reports and the upload have their own reach (provider / bydel filters), tested in
    # test_projeksjoner_http.py, test_tidsrapport_http.py and test_oppfolging_http.py
    assert set(alle) == set(TILGANG) - RAPPORTER
    avvik = []
    for navn in MATRISE_ROLLER:
        for operasjon, (metode, url, body) in alle.items():
            foer = len(api.logg())
            r = api.klient.request(metode, url, json=body, headers=api.hode(navn))
            venter = forventet(navn, operasjon)
            if r.status_code != venter:
                avvik.append((navn, operasjon, r.status_code, venter, r.text[:120]))
                continue
            if venter == 404:  # indistinguishable from a resource that does not exist
                assert r.json()["status"] == 404 and "frogner" not in r.text
            nye = api.logg()[foer:]
            assert len(nye) == 1, (navn, operasjon, nye)
            oppforing = nye[0]
            assert (oppforing.handling, oppforing.utfall, oppforing.person_id) == (
                operasjon, venter, f"{navn}-1")
            if operasjon != "registrerBruker":
                assert oppforing.bruker_id == sak.bruker, (navn, operasjon)
    assert avvik == []
    assert api.antall_hendelser() == hendelser_for  # nothing was recorded


def test_refused_attempts_are_in_the_bruker_own_access_log(api: Api,
                                                           saker: dict[str, Sak]) -> None:
    sak = saker["sagene"]
    assert api.get("sb", f"/brukere/{sak.bruker}", formaal="nysgjerrig").status_code == 404
    assert api.get("lev", f"/leveranser/{sak.leveranse}").status_code == 404
    logg = api.get("sb_sagene", f"/brukere/{sak.bruker}/tilgangslogg", formaal="innsyn").json()
    nektet = [(e["person_id"], e["handling"], e["utfall"], e["formaal"])
              for e in logg["elementer"] if e["utfall"] == 404]
    assert ("sb-1", "hentBruker", 404, "nysgjerrig") in nektet
    assert ("lev-1", "hentLeveranse", 404, "saksbehandling") in nektet


@pytest.mark.parametrize(("navn", "status"), [("sb", 200), ("vm", 200), ("kb", 200),
                                              ("lev", 200), ("ko", 403)])
def test_each_role_reads_its_own_bruker_or_is_refused(api: Api, saker: dict[str, Sak],
                                                      navn: str, status: int) -> None:
    assert api.get(navn, f"/brukere/{saker['frogner'].bruker}").status_code == status


@pytest.mark.parametrize("navn", ["sb", "vm", "kb", "lev", "ko"])
def test_each_role_reads_a_delivery_within_reach(api: Api, saker: dict[str, Sak],
                                                 navn: str) -> None:
    r = api.get(navn, f"/leveranser/{saker['frogner'].leveranse}")
    assert r.status_code == 200
    assert api.logg()[-1].bruker_id == saker["frogner"].bruker


def test_a_provider_reaches_a_vedtak_only_through_a_delivery_it_holds(
        api: Api, saker: dict[str, Sak]) -> None:
    assert api.get("lev", f"/vedtak/{saker['frogner'].vedtak}").status_code == 200
    assert api.get("lev_nordlys", f"/vedtak/{saker['frogner'].vedtak}").status_code == 404
    assert api.get("lev_nordlys", f"/vedtak/{saker['sagene'].vedtak}").status_code == 200


def test_unknown_resource_and_foreign_resource_answer_alike(api: Api,
                                                           saker: dict[str, Sak]) -> None:
    ukjent = api.get("sb", f"/brukere/{uuid4()}")
    fremmed = api.get("sb", f"/brukere/{saker['sagene'].bruker}")
    assert ukjent.status_code == fremmed.status_code == 404
    assert set(ukjent.json()) == set(fremmed.json())
    assert ukjent.headers["content-type"] == fremmed.headers["content-type"]


def test_the_aktor_recorded_comes_from_the_token(api: Api, saker: dict[str, Sak]) -> None:
    lid = saker["frogner"].leveranse
    r = api.klient.post(f"/leveranser/{lid}/start", json={"startet_tid": T},
                        headers=api.hode("lev"))
    assert r.status_code == 200
    siste = list(api.app.events.get(lid))[-1]
    assert (siste.aktor.person_id, siste.aktor.rolle, siste.aktor.organisasjon) == (
        "lev-1", Rolle.LEVERANDOR, "leverandor:2care")


# --- tokens -------------------------------------------------------------------------------------


def _token(nokkel: Any, **endre: Any) -> str:
    args: dict[str, Any] = {"utsteder": UTSTEDER, "publikum": PUBLIKUM, "person_id": "sb-1",
                            "rolle": "saksbehandler", "organisasjon": "bydel:frogner"}
    args.update(endre)
    return lag_token(nokkel, **args)


@pytest.mark.parametrize("endring", [
    {"publikum": "et-annet-api"},
    {"utsteder": "https://falsk-utsteder.test"},
    {"gyldig": timedelta(hours=-1)},
    {"rolle": "system"},
    {"rolle": "sjef"},
    {"rolle": "leverandor"},  # a provider role with a bydel organisation
    {"organisasjon": "bydel:atlantis"},
    {"utsteder": UTVIKLING_UTSTEDER},
    {"kid": UTVIKLING_KID},
], ids=["audience", "issuer", "expired", "system-role", "unknown-role", "role-org-mismatch",
        "unknown-bydel", "dev-issuer", "dev-kid"])
def test_tokens_that_are_refused(api: Api, saker: dict[str, Sak], endring: dict[str, Any]) -> None:
    token = _token(api.nokkel, **endring)
    r = api.klient.get(f"/brukere/{saker['frogner'].bruker}",
                       headers={"Authorization": f"Bearer {token}", "X-Formaal": "x"})
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_a_token_signed_by_another_key_is_refused(api: Api, saker: dict[str, Sak]) -> None:
    token = _token(ec.generate_private_key(ec.SECP256R1()))
    r = api.klient.get(f"/brukere/{saker['frogner'].bruker}",
                       headers={"Authorization": f"Bearer {token}", "X-Formaal": "x"})
    assert r.status_code == 401 and "signatur" in r.json()["detail"]


@pytest.mark.parametrize("hode", [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer ikke.et.token"])
def test_missing_or_malformed_authorization_is_401(api: Api, saker: dict[str, Sak],
                                                   hode: str | None) -> None:
    headers = {"X-Formaal": "x", **({"Authorization": hode} if hode else {})}
    r = api.klient.get(f"/brukere/{saker['frogner'].bruker}", headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")


def test_an_unreadable_purpose_header_is_400_and_logged(api: Api, saker: dict[str, Sak]) -> None:
    bid = saker["frogner"].bruker
    r = api.klient.get(f"/brukere/{bid}", headers={"Authorization": f"Bearer {api.token('sb')}"})
    assert r.status_code == 400 and r.json()["felt"] == "X-Formaal"
    assert (api.logg()[-1].bruker_id, api.logg()[-1].utfall) == (bid, 400)


def test_uuid_path_of_a_vedtak_is_not_a_bruker(api: Api, saker: dict[str, Sak]) -> None:
    """An id of the wrong kind is not found (no type confusion across resources)."""
    assert api.get("sb", f"/brukere/{saker['frogner'].vedtak}").status_code == 404
    assert api.get("sb", f"/vedtak/{saker['frogner'].leveranse}").status_code == 404
    assert api.get("sb", f"/leveranser/{saker['frogner'].bruker}").status_code == 404
    assert isinstance(saker["frogner"].bruker, UUID)
