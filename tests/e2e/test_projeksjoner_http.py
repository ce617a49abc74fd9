"""Reports from the projections over HTTP: current provider, caseload, payable hours, SLA.

The figures are checked against an expectation computed by hand from the rules in
docs/projections.md for a small constructed case; access is checked for every role that may call
the report and for one that may not; every bruker a report lists is in the access log.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.conftest import FNR
from tests.e2e.conftest import Api, Sak, lag_sak

T = "+01:00"


def ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def lag_maanedssak(api: Api) -> Sak:
    """Frogner's bruker, 2care, praktisk bistand: vedtak 420 min/week from 16 Feb 2026.

    February: ordered 60 min × 13 days (16–28) = 13 h. Delivered: 1 h (17th) + 1.5 h (18th)
    ordinary, 0.5 h acute extra (19th, R18a), and a visit on the 20th cancelled 2 h before it
    (late, R20, not payable by default). Payable = min(2.5, 13) + 0.5 = 3 h; 3 × 558.10 = 1674.30;
    one deviation: sen_avbestilling_ikke_betalbar 1 h on the 20th.
    """
    r = api.post("sb", "/brukere", {"fodselsnummer": FNR[2], "navn": "Bruker M", "bydel": "frogner"})
    bruker = UUID(ok(r, 201)["id"])
    ok(api.post("sb", f"/brukere/{bruker}/valg", {"tjenestetype": "praktisk_bistand",
                                                  "leverandor_id": "2care", "form": "muntlig",
                                                  "gyldig_fra": "2026-02-16"}))
    vedtak = UUID(ok(api.post("vm", f"/brukere/{bruker}/vedtak", {
        "tjenestetype": "praktisk_bistand", "gyldig_fra": "2026-02-16", "gyldig_til": "2026-12-31",
        "omfang": {"minutter": 420, "innhold": "rengjøring"}, "vedtaksdato": "2026-02-13"}),
        201)["id"])
    lev = UUID(ok(api.post("sb", f"/brukere/{bruker}/leveranser", {
        "tjenestetype": "praktisk_bistand", "vedtak_id": str(vedtak), "fom": "2026-02-16"}),
        201)["id"])
    ok(api.post("lev", f"/leveranser/{lev}/start", {"startet_tid": f"2026-02-16T09:00:00{T}"}))
    ok(api.post("lev", f"/leveranser/{lev}/besok/samlet", {"besok": [
        {"start": f"2026-02-17T09:00:00{T}", "slutt": f"2026-02-17T10:00:00{T}", "ansatt": "a1"},
        {"start": f"2026-02-18T09:00:00{T}", "slutt": f"2026-02-18T10:30:00{T}", "ansatt": "a1"},
        {"start": f"2026-02-19T14:00:00{T}", "slutt": f"2026-02-19T14:30:00{T}", "ansatt": "a2",
         "kategori": "akutt_ekstra", "tiltakskode": "T-42"}]}))
    ok(api.post("lev", f"/leveranser/{lev}/avbestillinger", {
        "planlagt_start": f"2026-02-20T09:00:00{T}", "planlagt_slutt": f"2026-02-20T10:00:00{T}",
        "avbestilt_tid": f"2026-02-20T07:00:00{T}", "journalreferanse": "OL-7"}))
    return Sak(bruker, vedtak, lev)


def logget(api: Api, operasjon: str) -> list[Any]:
    return [o for o in api.logg() if o.handling == operasjon]


# --- payable hours -------------------------------------------------------------------------


def test_payable_hours_match_the_rules_for_a_constructed_month(api: Api) -> None:
    sak = lag_maanedssak(api)
    mnd = ok(api.get("lev", "/leverandorer/2care/betalbare-timer/2026/2"))
    assert mnd["totalt"] == 1 and mnd["neste"] is None
    linje = mnd["elementer"][0]
    assert UUID(linje["bruker_id"]) == sak.bruker and linje["bydel"] == "frogner"
    assert (linje["bestilt_timer"], linje["levert_timer"], linje["akutt_timer"]) == \
        ("13.00", "2.50", "0.50")
    assert (linje["antall_besok"], linje["antall_avbestilt"]) == (3, 1)
    assert linje["betalbar_innenfor_vedtak_timer"] == "2.50"
    assert linje["betalbar_akutt_timer"] == "0.50"
    assert (linje["betalbare_timer"], linje["betalbare_timer_eksakt"]) == ("3.00", "3")
    assert (linje["timepris"], linje["belop"]) == ("558.10", "1674.30")
    assert [(a["arsak"], a["timer"]) for a in linje["avvik"]] == \
        [("sen_avbestilling_ikke_betalbar", "1.00")]
    assert linje["avvik"][0]["dager"] == [{"dato": "2026-02-20", "timer": "1.00"}]
    assert (mnd["bestilt_timer"], mnd["levert_timer"], mnd["betalbare_timer"], mnd["belop"]) == \
        ("13.00", "3.00", "3.00", "1674.30")
    assert mnd["avvik_timer"] == {"sen_avbestilling_ikke_betalbar": "1.00"}


def test_payable_hours_reach_by_role_and_one_log_row_per_bruker(api: Api,
                                                                 saker: dict[str, Sak]) -> None:
    sak = lag_maanedssak(api)
    url = "/leverandorer/2care/betalbare-timer/2026/2"
    for rolle in ("lev", "ko", "sb", "vm", "kb"):
        mnd = ok(api.get(rolle, url))
        brukere = {UUID(x["bruker_id"]) for x in mnd["elementer"]}
        assert sak.bruker in brukere and saker["frogner"].bruker in brukere, rolle
    assert ok(api.get("sb_sagene", url))["elementer"] == []  # another bydel's users: not listed
    sagene = ok(api.get("sb_sagene", "/leverandorer/nordlys/betalbare-timer/2026/2"))
    assert {UUID(x["bruker_id"]) for x in sagene["elementer"]} == {saker["sagene"].bruker}
    assert ok(api.get("sb", "/leverandorer/nordlys/betalbare-timer/2026/2"))["elementer"] == []
    r = api.get("lev_nordlys", url)  # another provider's month: as if it did not exist
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem")
    assert api.get("ko", "/leverandorer/finnes-ikke/betalbare-timer/2026/2").status_code == 404
    assert api.get("lev", url, formaal=None).status_code == 400
    # paging keeps the other query parameters and names one log row per bruker listed
    side = ok(api.get("lev", f"{url}?antall=1"))
    assert side["antall"] == 1 and side["totalt"] == 2 and side["neste"].endswith("fra=1&antall=1")
    foer = len(logget(api, "hentBetalbareTimer"))
    ok(api.get("ko", url, formaal="kontraktsoppfolging"))
    nye = logget(api, "hentBetalbareTimer")[foer:]
    assert {o.bruker_id for o in nye} == {sak.bruker, saker["frogner"].bruker}
    assert all(o.utfall == 200 and o.formaal == "kontraktsoppfolging" for o in nye)
    nektet = [o for o in logget(api, "hentBetalbareTimer") if o.utfall == 404]
    assert nektet and all(o.bruker_id is None for o in nektet)


# --- current provider and caseload -----------------------------------------------------------


def test_current_provider_past_today_and_pending_switch(api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    url = f"/brukere/{sak.bruker}/leverandor?tjenestetype=praktisk_bistand"
    foer = ok(api.get("sb", f"{url}&dato=2026-01-10"))
    assert (foer["leverandor_id"], foer["kilde"]) == ("kommunal", "ingen_valg_kommunal") or \
        foer["kilde"] == "ingen_valg_kommunal"
    naa = ok(api.get("sb", url))  # today: the application's clock (2 March 2026)
    assert (naa["dato"], naa["leverandor_id"], naa["kilde"]) == ("2026-03-02", "2care",
                                                                 "leveranse")
    assert UUID(naa["leveranse_id"]) == sak.leveranse and naa["bytte"] is None
    ok(api.post("sb", f"/brukere/{sak.bruker}/bytter", {
        "tjenestetype": "praktisk_bistand", "til_leverandor_id": "nordlys", "form": "muntlig",
        "oppsigelsesdato": "2026-03-02"}), 201)
    ventende = ok(api.get("sb", f"{url}&dato=2026-03-05"))
    assert ventende["leverandor_id"] == "2care"
    bytte = ventende["bytte"]
    assert (bytte["fra_leverandor_id"], bytte["til_leverandor_id"]) == ("2care", "nordlys")
    etter = ok(api.get("sb", f"{url}&dato={bytte['overgangsdato']}"))
    assert etter["leverandor_id"] == "nordlys" and etter["bytte"] is None
    assert ok(api.get("lev", url))["leverandor_id"] == "2care"  # the provider serving the user
    assert api.get("sb_sagene", url).status_code == 404
    assert api.get("lev_nordlys", f"/brukere/{saker['sagene'].bruker}/leverandor"
                   "?tjenestetype=praktisk_bistand").status_code == 200
    assert api.get("ko", url).status_code == 403
    assert {o.bruker_id for o in logget(api, "hentGjeldendeLeverandor")} == {
        sak.bruker, saker["sagene"].bruker}


def test_caseload_counts_own_provider_only(api: Api, saker: dict[str, Sak]) -> None:
    lag_sak(api, FNR[3])
    c = ok(api.get("lev", "/leverandorer/2care/brukere?dato=2026-03-02"))
    assert (c["brukere"], c["per_tjenestetype"]) == (2, {"praktisk_bistand": 2})
    assert ok(api.get("lev", "/leverandorer/2care/brukere?dato=2026-01-01"))["brukere"] == 0
    assert ok(api.get("ko", "/leverandorer/nordlys/brukere"))["brukere"] == 1
    assert api.get("lev_nordlys", "/leverandorer/2care/brukere").status_code == 404
    assert api.get("lev", "/leverandorer/2care/brukere?dato=ikke-en-dato").status_code == 400


# --- SLA -----------------------------------------------------------------------------------


def varsle(api: Api, saker: dict[str, Sak]) -> None:
    """The bydeler notify the providers (R12): each delivery gets a start obligation."""
    for bydel, rolle in (("frogner", "sb"), ("sagene", "sb_sagene")):
        ok(api.post(rolle, f"/leveranser/{saker[bydel].leveranse}/varsler", {
            "kanal": "henvendelse", "varslet_tid": f"2026-02-13T10:00:00{T}"}))


@pytest.mark.parametrize("rolle", ["ko", "lev", "sb", "kb"])
def test_sla_aggregates_and_rows_within_reach(api: Api, saker: dict[str, Sak], rolle: str) -> None:
    varsle(api, saker)
    svar = ok(api.get(rolle, "/sla?gruppering=leverandor&gruppering=regel"))
    assert svar["totalt"] == sum(a["overholdt"] + a["brutt"] + a["apen"] + a["utlopt"]
                                 for a in svar["oppsummering"])
    assert svar["totalt"] > 0 and len(svar["elementer"]) == min(svar["totalt"], 100)
    for a in svar["oppsummering"]:
        assert set(a["gruppe"]) == {"leverandor", "regel"}
        assert a["avgjort"] == a["overholdt"] + a["brutt"]
    leverandorer = {r["leverandor_id"] for r in svar["elementer"]}
    bydeler = {r["bydel"] for r in svar["elementer"]}
    if rolle == "ko":
        assert {"2care", "nordlys"} <= leverandorer
    elif rolle == "lev":
        assert leverandorer == {"2care"}
    else:
        assert bydeler == {"frogner"}
    sagene = str(saker["sagene"].bruker)
    assert (sagene in {r["bruker_id"] for r in svar["elementer"]}) == (rolle == "ko")
    logg = [o for o in logget(api, "hentSla") if o.utfall == 200]
    assert {str(o.bruker_id) for o in logg} == {r["bruker_id"] for r in svar["elementer"]}


def test_sla_refuses_other_provider_or_bydel_and_filters(api: Api, saker: dict[str, Sak]) -> None:
    varsle(api, saker)
    assert api.get("lev", "/sla?leverandor=nordlys").status_code == 404
    assert api.get("sb_sagene", "/sla?bydel=frogner").status_code == 404
    assert api.get("ko", "/sla?gruppering=ukjent").status_code == 400
    assert api.get("ko", "/sla?maaned=2026-13").status_code == 400
    kun = ok(api.get("ko", "/sla?bydel=sagene&gruppering=bydel"))
    assert [a["gruppe"] for a in kun["oppsummering"]] == [{"bydel": "sagene"}]
    side = ok(api.get("ko", "/sla?bydel=sagene&antall=1"))
    if side["totalt"] > 1:
        assert side["neste"] == "/sla?bydel=sagene&fra=1&antall=1"


def test_every_read_sees_every_write_before_it(api: Api) -> None:
    """The API catches the projections up only when something new was recorded (one query
    otherwise); a read after a write still sees it, read after read after write (R03, R07)."""
    sak = lag_sak(api, FNR[3])
    url = f"/brukere/{sak.bruker}/leverandor?tjenestetype=praktisk_bistand&dato=2026-06-01"
    foer = ok(api.get("sb", url))
    assert ok(api.get("sb", url)) == foer  # nothing new: answered without a catch-up
    assert foer["leverandor_id"] == "2care"
    ok(api.post("sb", f"/brukere/{sak.bruker}/bytter", {
        "tjenestetype": "praktisk_bistand", "til_leverandor_id": "nordlys", "form": "muntlig",
        "oppsigelsesdato": "2026-03-02"}), 201)
    etter = ok(api.get("sb", url))
    assert etter["leverandor_id"] == "nordlys"  # the switch took effect long before June (R07)
    assert ok(api.get("sb", url)) == etter
