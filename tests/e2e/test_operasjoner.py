"""Every operation of the API over HTTP, with a role that may call it (the refused cases are in
test_tilgang.py). Each test checks the response and what the application recorded."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.begreper import Sluttarsak
from interfaces.http.tilgang import TILGANG
from tests.conftest import FNR, Klokke, oslo
from tests.e2e.conftest import Api, Sak, lag_sak


def ok(r, status: int = 200) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    return r.json()


def test_every_documented_operation_has_an_access_rule(api: Api) -> None:
    doc = api.klient.get("/schema/openapi.json").json()
    operasjoner = {op["operationId"] for sti in doc["paths"].values() for op in sti.values()}
    assert operasjoner == set(TILGANG)


def test_r01_r02_register_bruker_inform_choose_and_correct(api: Api) -> None:
    r = api.post("sb", "/brukere", {"fodselsnummer": FNR[0], "navn": "Kari Nordmann",
                                    "bydel": "frogner"})
    kv = ok(r, 201)
    bid = kv["id"]
    assert r.headers["location"] == f"/brukere/{bid}" and r.headers["etag"] == '"1"'
    # the same registration again is recorded once and answered 200
    again = ok(api.post("sb", "/brukere", {"fodselsnummer": FNR[0], "navn": "Kari Nordmann",
                                           "bydel": "frogner"}))
    assert again["id"] == bid and again["nye_hendelser"] == 0
    funnet = ok(api.post("sb", "/brukere/sok", {"fodselsnummer": FNR[0]}))
    assert funnet == {"bruker_id": bid, "lenke": f"/brukere/{bid}"}

    ok(api.post("sb", f"/brukere/{bid}/informasjon", {
        "gitt_tid": "2026-03-01T10:00:00+01:00", "gitt_av": "sb-1", "gitt_til": "parorende",
        "mottaker_navn": "Ola Nordmann"}))
    ok(api.post("sb", f"/brukere/{bid}/valg", {"tjenestetype": "hjemmesykepleie_dag",
                                                "leverandor_id": "kommunal", "form": "skriftlig",
                                                "gyldig_fra": "2026-03-02"}))
    bruker = ok(api.get("sb", f"/brukere/{bid}"))
    valg_id = bruker["valg"][0]["hendelse_id"]
    ok(api.post("sb", f"/brukere/{bid}/valg/{valg_id}/korreksjon", {
        "leverandor_id": "fjordomsorg", "form": "skriftlig", "gyldig_fra": "2026-03-02",
        "begrunnelse": "feil leverandør registrert"}))
    b = api.app.bruker(UUID(bid))
    assert b.informasjon[0].mottaker_navn == "Ola Nordmann"
    assert b.valgt_leverandor(b.valg[0].tjenestetype, b.valg[0].gyldig_fra, "kommunal") == \
        "fjordomsorg"
    bruker = ok(api.get("sb", f"/brukere/{bid}"))
    assert bruker["valg"][0]["korrigert_av"] == bruker["valg"][1]["hendelse_id"]


def test_r04_rule_broken_is_422_naming_rule_and_field(api: Api, saker: dict[str, Sak]) -> None:
    r = api.post("sb", f"/brukere/{saker['frogner'].bruker}/valg", {
        "tjenestetype": "praktisk_bistand", "leverandor_id": "nordlys", "form": "muntlig",
        "gyldig_fra": "2024-05-31"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    p = r.json()
    assert (p["regel"], p["felt"], p["status"]) == ("R04", "gyldig_fra", 422)
    assert p["type"] == "/docs/regler.md#r04"
    # the type is a link that answers: the catalogue, with the rule's anchor in it
    katalog = api.klient.get(p["type"].split("#")[0])
    assert katalog.status_code == 200 and katalog.headers["content-type"].startswith("text/markdown")
    assert '<a id="r04"></a>' in katalog.text and "01.06.2024" in katalog.text


def test_vedtak_life_cycle(api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    r = api.get("vm", f"/vedtak/{sak.vedtak}")
    vedtak = ok(r)
    assert vedtak["bruker_id"] == str(sak.bruker) and r.headers["etag"] == '"1"'
    ok(api.post("sb", f"/vedtak/{sak.vedtak}/mottatt", {"mottatt_dato": "2026-02-16"}))
    rid = uuid4()
    ok(api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", {
        "anmodet_tid": "2026-03-02T08:00:00+01:00", "begrunnelse": "trenger mer hjelp",
        "revurdering_id": str(rid)}))
    ok(api.post("vm", f"/vedtak/{sak.vedtak}/revurderinger/{rid}/svar", {
        "besvart_tid": "2026-03-02T08:30:00+01:00", "utfall": "endret",
        "nytt_omfang": {"minutter": 180}, "gyldig_fra": "2026-03-02"}))
    ok(api.post("vm", f"/vedtak/{sak.vedtak}/forlengelser", {"ny_gyldig_til": "2027-06-30"}))
    kid = uuid4()
    ok(api.post("sb", f"/vedtak/{sak.vedtak}/klager", {"mottatt_dato": "2026-03-01",
                                                        "gjelder": "omfanget",
                                                        "klage_id": str(kid)}))
    ok(api.post("kb", f"/vedtak/{sak.vedtak}/klager/{kid}/avgjorelse", {
        "avgjort_dato": "2026-03-02", "utfall": "delvis_medhold", "begrunnelse": "mer tid"}))
    vedtak = ok(api.get("kb", f"/vedtak/{sak.vedtak}"))
    # R25: four weeks from 2026-02-16, in time all of that day
    assert vedtak["klagefrist"] == {"tidspunkt": None, "dato": "2026-03-16", "inklusiv": True}
    assert vedtak["revurderinger"][0]["leverandor_id"] == "2care"  # from the token
    assert vedtak["revurderinger"][0]["svar"]["utfall"] == "endret"
    assert [o["minutter"] for o in vedtak["omfang"]] == [120, 180]
    assert vedtak["gyldig_til"] == "2027-06-30"
    assert vedtak["klager"][0]["avgjorelse"]["utfall"] == "delvis_medhold"
    ok(api.post("vm", f"/vedtak/{sak.vedtak}/avslutning", {"dato": "2027-01-31",
                                                            "arsak": "vedtak_utlopt"}))
    assert api.app.vedtak(sak.vedtak).avsluttet.arsak is Sluttarsak.VEDTAK_UTLOPT


def test_delivery_notice_start_visits_cancellation_concern_deviation(
        api: Api, saker: dict[str, Sak]) -> None:
    lid = saker["frogner"].leveranse
    ok(api.post("sb", f"/leveranser/{lid}/varsler", {"kanal": "henvendelse",
                                                      "varslet_tid": "2026-02-13T09:00:00+01:00"}))
    ok(api.post("lev", f"/leveranser/{lid}/start", {"startet_tid": "2026-02-16T09:00:00+01:00"}))
    ok(api.post("lev", f"/leveranser/{lid}/besok", {
        "start": "2026-02-16T09:00:00+01:00", "slutt": "2026-02-16T09:45:00+01:00",
        "ansatt": "ans-1"}))
    samlet = ok(api.post("lev", f"/leveranser/{lid}/besok/samlet", {"besok": [
        {"start": f"2026-02-{d}T09:00:00+01:00", "slutt": f"2026-02-{d}T09:30:00+01:00",
         "ansatt": "ans-2"} for d in (17, 18, 19)]}))
    assert samlet["nye_hendelser"] == 3
    ok(api.post("lev", f"/leveranser/{lid}/avbestillinger", {
        "planlagt_start": "2026-02-20T09:00:00+01:00", "planlagt_slutt": "2026-02-20T09:30:00+01:00",
        "avbestilt_tid": "2026-02-19T15:00:00+01:00", "journalreferanse": "OL-1"}))
    mid = uuid4()
    ok(api.post("lev", f"/leveranser/{lid}/bekymringsmeldinger", {
        "mottatt_tid": "2026-02-20T10:00:00+01:00", "fagjournal": "OL-fag-1",
        "melding_id": str(mid)}))
    ok(api.post("lev", f"/leveranser/{lid}/bekymringsmeldinger/{mid}/videresending", {
        "videresendt_tid": "2026-02-20T10:20:00+01:00", "beskjedjournal": "OL-beskjed-1"}))
    aid = uuid4()
    ok(api.post("sb", f"/leveranser/{lid}/avvik", {
        "type": "avvik", "mottatt_tid": "2026-02-21T10:00:00+01:00",
        "beskrivelse": "besøket kom ikke", "avvik_id": str(aid)}))
    ok(api.post("sb", f"/leveranser/{lid}/avvik/{aid}/behandling", {
        "behandlet_tid": "2026-02-22T10:00:00+01:00", "konklusjon": "fulgt opp"}))

    r = api.get("ko", f"/leveranser/{lid}")
    lev = ok(r)
    assert r.headers["etag"] == f'"{api.app.leveranse(lid).version}"'
    assert lev["antall_besok"] == 4 and lev["startet_tid"] is not None
    assert lev["bekymringsmeldinger"][0]["beskjedjournal"] == "OL-beskjed-1"
    assert lev["avvik"][0]["konklusjon"] == "fulgt opp"
    assert lev["avbestillinger"][0]["journalreferanse"] == "OL-1"
    side = ok(api.get("lev", f"/leveranser/{lid}/besok?antall=3"))
    assert (side["totalt"], side["antall"]) == (4, 3) and side["neste"].endswith("fra=3&antall=3")
    rest = ok(api.get("lev", side["neste"]))
    assert rest["antall"] == 1 and rest["neste"] is None
    assert rest["elementer"][0]["start"].startswith("2026-02-19")


def test_batch_of_visits_is_all_or_nothing_and_names_the_line(api: Api,
                                                              saker: dict[str, Sak]) -> None:
    lid = saker["frogner"].leveranse
    r = api.post("lev", f"/leveranser/{lid}/besok/samlet", {"besok": [
        {"start": "2026-02-17T09:00:00+01:00", "slutt": "2026-02-17T09:30:00+01:00",
         "ansatt": "ans-2"},
        {"start": "2026-02-18T09:00:00+01:00", "slutt": "2026-02-18T08:30:00+01:00",
         "ansatt": "ans-2"}]})
    assert r.status_code == 422 and r.json()["felt"] == "besok[1].slutt"
    assert api.app.leveranse(lid).besok == {}


def test_r07_r09_switch_confirmation_and_termination_notice(api: Api, saker: dict[str, Sak],
                                                            klokke: Klokke) -> None:
    sak = saker["frogner"]
    klokke.sett(oslo(2026, 3, 6, 12, 0))  # each step below is recorded after it happened (BV8)
    r = api.post("sb", f"/brukere/{sak.bruker}/bytter", {
        "tjenestetype": "praktisk_bistand", "til_leverandor_id": "nordlys", "form": "muntlig",
        "oppsigelsesdato": "2026-03-05"})
    ny = ok(r, 201)
    assert r.headers["location"] == f"/leveranser/{ny['id']}"
    assert api.app.leveranse(sak.leveranse).tom.isoformat() == "2026-03-14"
    assert api.app.leveranse(UUID(ny["id"])).fom.isoformat() == "2026-03-15"
    ok(api.post("sb", f"/brukere/{sak.bruker}/bytter/bekreftelser", {
        "tjenestetype": "praktisk_bistand", "oppsigelsesdato": "2026-03-05",
        "sendt_dato": "2026-03-06"}))
    ok(api.post("sb", f"/leveranser/{sak.leveranse}/oppsigelsesvarsler", {
        "kanal": "henvendelse", "varslet_tid": "2026-03-06T08:00:00+01:00"}))
    assert len(api.app.leveranse(sak.leveranse).oppsigelsesvarsler) == 1
    # the new provider now reaches the delivery, the old one still reaches its own
    assert api.get("lev_nordlys", f"/leveranser/{ny['id']}").status_code == 200
    assert api.get("lev", f"/leveranser/{sak.leveranse}").status_code == 200


def test_r22_provider_ends_delivery_when_need_ceases(api: Api, saker: dict[str, Sak]) -> None:
    lid = saker["frogner"].leveranse
    r = api.post("lev", f"/leveranser/{lid}/avslutning", {"sluttdato": "2026-03-01",
                                                          "arsak": "behov_opphort"})
    assert r.status_code == 422 and r.json()["regel"] == "R22"
    ok(api.post("lev", f"/leveranser/{lid}/avslutning", {
        "sluttdato": "2026-03-01", "arsak": "behov_opphort", "sluttnotat": "trenger ikke mer"}))
    assert api.app.leveranse(lid).tom.isoformat() == "2026-03-01"


def test_r23_death_and_moving_out_close_everything(api: Api) -> None:
    dod = lag_sak(api, FNR[2])
    ok(api.post("sb", f"/brukere/{dod.bruker}/dodsfall", {"dodsdato": "2026-03-01"}))
    assert api.app.leveranse(dod.leveranse).tom.isoformat() == "2026-03-01"
    assert api.app.vedtak(dod.vedtak).avsluttet is not None
    ut = lag_sak(api, FNR[3])
    ok(api.post("sb", f"/brukere/{ut.bruker}/utflytting", {"dato": "2026-03-01"}))
    assert api.app.bruker(ut.bruker).utflyttet.isoformat() == "2026-03-01"


def test_r24_move_to_another_bydel_moves_who_may_see_the_bruker(api: Api,
                                                                saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    ok(api.post("sb", f"/brukere/{sak.bruker}/flyttinger", {"til_bydel": "sagene",
                                                             "dato": "2026-03-01"}))
    assert api.get("sb", f"/brukere/{sak.bruker}").status_code == 404
    assert ok(api.get("sb_sagene", f"/brukere/{sak.bruker}"))["bydel"] == "sagene"
    historikk = ok(api.get("sb_sagene", f"/brukere/{sak.bruker}/historikk"))
    assert "FlyttetTilBydel" in [e["type"] for e in historikk["elementer"]]


def test_r14_vedtak_links_a_service_started_before_it(api: Api) -> None:
    r = ok(api.post("sb", "/brukere", {"fodselsnummer": FNR[4], "navn": "Per",
                                       "bydel": "frogner"}), 201)
    bid = r["id"]
    lev = ok(api.post("sb", f"/brukere/{bid}/leveranser", {"tjenestetype": "praktisk_bistand",
                                                           "fom": "2026-02-20"}), 201)
    ok(api.post("vm", f"/brukere/{bid}/vedtak", {
        "tjenestetype": "praktisk_bistand", "gyldig_fra": "2026-02-20", "omfang": {"minutter": 60},
        "vedtaksdato": "2026-02-25", "knytt_til_leveranse_id": lev["id"]}), 201)
    assert api.app.leveranse(UUID(lev["id"])).vedtak_id is not None
    assert api.app.leveranse(UUID(lev["id"])).leverandor_id == "kommunal"  # R03: no choice


def test_r26_history_and_pages(api: Api, saker: dict[str, Sak]) -> None:
    bid = saker["frogner"].bruker
    alle = api.app.hendelser_for_bruker(bid)
    side = ok(api.get("kb", f"/brukere/{bid}/historikk?antall=2"))
    assert side["totalt"] == len(alle) and side["antall"] == 2
    forste = side["elementer"][0]
    assert forste["type"] == "BrukerRegistrert"
    assert forste["aktor"] == {"person_id": "sb-1", "rolle": "saksbehandler",
                               "organisasjon": "bydel:frogner"}
    assert forste["data"]["navn"].startswith("Bruker")
    r = api.get("sb", f"/brukere/{bid}/historikk?antall=501")
    assert r.status_code == 400 and r.json()["felt"]


def test_provider_sees_only_its_own_part_of_a_bruker(api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    bruker = ok(api.get("lev", f"/brukere/{sak.bruker}"))
    assert bruker["valg"] is None and bruker["bytter"] is None
    assert [x["leveranse_id"] for x in bruker["leveranser"]] == [str(sak.leveranse)]
    assert ok(api.get("lev", f"/vedtak/{sak.vedtak}"))["id"] == str(sak.vedtak)


def test_health_needs_no_token(api: Api) -> None:
    assert api.klient.get("/helse").json() == {"status": "ok"}
