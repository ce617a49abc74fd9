"""What a front end needs from the contract: the ids of the facts a write records, the provider
list, filters by bruker, the co-payment per year, and one shape for every deadline."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.conftest import FNR, STANDARD_TESTTID, Klokke
from tests.e2e.conftest import Api, Sak, lag_sak


@pytest.fixture
def klokke() -> Klokke:
    """Receipts do not depend on "now": these cases are recorded after every fact they report
    (BV8), not as of the other HTTP cases' 2 March."""
    return Klokke(STANDARD_TESTTID)

T = "+01:00"


def ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def test_r16_revurdering_receipt_names_the_new_request_and_it_can_be_answered(
        api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    kv = ok(api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", {
        "anmodet_tid": f"2026-03-02T09:00:00{T}", "begrunnelse": "mer hjelp etter fall"}))
    assert UUID(kv["id"]) == sak.vedtak and kv["lenke"] == f"/vedtak/{sak.vedtak}"
    rid = UUID(kv["revurdering_id"])
    assert rid != sak.vedtak
    vedtak = ok(api.get("sb", f"/vedtak/{sak.vedtak}"))
    assert [UUID(r["revurdering_id"]) for r in vedtak["revurderinger"]] == [rid]
    ok(api.post("vm", f"/vedtak/{sak.vedtak}/revurderinger/{rid}/svar", {
        "besvart_tid": f"2026-03-02T14:00:00{T}", "utfall": "avslatt"}))


def test_r25_klage_receipt_names_the_klage(api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    kv = ok(api.post("sb", f"/vedtak/{sak.vedtak}/klager", {"mottatt_dato": "2026-03-01",
                                                            "gjelder": "omfanget"}))
    ok(api.post("kb", f"/vedtak/{sak.vedtak}/klager/{kv['klage_id']}/avgjorelse", {
        "avgjort_dato": "2026-03-02", "utfall": "avvist"}))


def test_r18_visit_receipt_names_the_visit_also_when_reported_again(
        api: Api, saker: dict[str, Sak]) -> None:
    lev = saker["frogner"].leveranse
    besok = {"start": f"2026-03-02T09:00:00{T}", "slutt": f"2026-03-02T09:45:00{T}",
             "ansatt": "ans-7f3a"}
    forste = ok(api.post("lev", f"/leveranser/{lev}/besok", besok))
    assert forste["nye_hendelser"] == 1 and UUID(forste["id"]) == lev
    igjen = ok(api.post("lev", f"/leveranser/{lev}/besok", besok))  # a new random id is sent
    assert igjen["nye_hendelser"] == 0 and igjen["besok_id"] == forste["besok_id"]
    liste = ok(api.get("lev", f"/leveranser/{lev}/besok"))
    assert [b["besok_id"] for b in liste["elementer"]] == [forste["besok_id"]]
    samlet = ok(api.post("lev", f"/leveranser/{lev}/besok/samlet", {"besok": [
        {"start": f"2026-03-03T09:00:00{T}", "slutt": f"2026-03-03T10:00:00{T}", "ansatt": "a1"},
        besok]}))
    assert samlet["nye_hendelser"] == 1
    assert samlet["besok_ider"][1] == forste["besok_id"]
    assert {b["besok_id"] for b in ok(api.get("lev", f"/leveranser/{lev}/besok"))[
        "elementer"]} == set(samlet["besok_ider"])


def test_r20_cancellation_receipt_names_the_cancellation_the_delivery_shows(
        api: Api, saker: dict[str, Sak]) -> None:
    lev = saker["frogner"].leveranse
    avbestilling = {"planlagt_start": f"2026-03-04T09:00:00{T}",
                    "planlagt_slutt": f"2026-03-04T10:00:00{T}",
                    "avbestilt_tid": f"2026-03-03T08:00:00{T}", "journalreferanse": "OL-2026-7"}
    kv = ok(api.post("lev", f"/leveranser/{lev}/avbestillinger", avbestilling))
    igjen = ok(api.post("lev", f"/leveranser/{lev}/avbestillinger", {
        **avbestilling, "planlagt_start": "2026-03-04T08:00:00Z"}))  # the same instant in UTC
    assert igjen["nye_hendelser"] == 0 and igjen["avbestilling_id"] == kv["avbestilling_id"]
    vist = ok(api.get("lev", f"/leveranser/{lev}"))["avbestillinger"]
    assert [a["avbestilling_id"] for a in vist] == [kv["avbestilling_id"]]


def test_r21_r27_receipts_name_the_concern_and_the_deviation(api: Api,
                                                               saker: dict[str, Sak]) -> None:
    lev = saker["frogner"].leveranse
    melding = ok(api.post("lev", f"/leveranser/{lev}/bekymringsmeldinger", {
        "mottatt_tid": f"2026-03-02T10:00:00{T}", "fagjournal": "OL-2026-0042"}))
    ok(api.post("lev", f"/leveranser/{lev}/bekymringsmeldinger/{melding['melding_id']}/"
                "videresending", {"videresendt_tid": f"2026-03-02T11:00:00{T}",
                                  "beskjedjournal": "OL-2026-0043"}))
    avvik = ok(api.post("sb", f"/leveranser/{lev}/avvik", {
        "type": "avvik", "mottatt_tid": f"2026-03-02T10:00:00{T}",
        "beskrivelse": "besøket kom to timer for sent"}))
    ok(api.post("sb", f"/leveranser/{lev}/avvik/{avvik['avvik_id']}/behandling", {
        "behandlet_tid": f"2026-03-03T10:00:00{T}", "konklusjon": "leverandøren har beklaget"}))


def test_provider_list_is_the_reference_data(api: Api) -> None:
    liste = ok(api.get("sb", "/leverandorer"))
    assert [x["id"] for x in liste][0] == "kommunal"
    care = next(x for x in liste if x["id"] == "2care")
    assert care == {"id": "2care", "navn": "2care hjemmetjenester", "type": "privat",
                    "nivakode": "1.17.1.3", "tjenestetyper": sorted(care["tjenestetyper"])}
    assert "praktisk_bistand" in care["tjenestetyper"]
    assert {x["id"] for x in liste} == set(api.app.ref.leverandorer)
    assert ok(api.get("lev", "/leverandorer")) == liste


def test_sla_and_payable_hours_filter_by_bruker(api: Api, saker: dict[str, Sak]) -> None:
    for sak, rolle in ((saker["frogner"], "sb"), (saker["sagene"], "sb_sagene")):
        ok(api.post(rolle, f"/leveranser/{sak.leveranse}/varsler", {
            "kanal": "henvendelse", "varslet_tid": f"2026-02-13T10:00:00{T}"}))
    frogner = str(saker["frogner"].bruker)
    alle = ok(api.get("ko", "/sla"))
    assert len({r["bruker_id"] for r in alle["elementer"]}) == 2
    en = ok(api.get("ko", f"/sla?bruker_id={frogner}&antall=1"))
    assert en["totalt"] == sum(r["bruker_id"] == frogner for r in alle["elementer"]) > 0
    assert {r["bruker_id"] for r in en["elementer"]} == {frogner}
    assert sum(a["overholdt"] + a["brutt"] + a["apen"] + a["utlopt"]
               for a in en["oppsummering"]) == en["totalt"]
    if en["neste"]:
        assert f"bruker_id={frogner}" in en["neste"]
    # a bydel role filtering by another bydel's bruker sees nothing of it
    assert ok(api.get("sb_sagene", f"/sla?bruker_id={frogner}"))["elementer"] == []

    besok = {"start": f"2026-02-17T09:00:00{T}", "slutt": f"2026-02-17T10:00:00{T}",
             "ansatt": "a1"}
    ok(api.post("lev", f"/leveranser/{saker['frogner'].leveranse}/besok", besok))
    annen = lag_sak(api, FNR[2])
    ok(api.post("lev", f"/leveranser/{annen.leveranse}/besok", besok))
    url = "/leverandorer/2care/betalbare-timer/2026/2"
    assert len(ok(api.get("ko", url))["elementer"]) == 2
    mnd = ok(api.get("ko", f"{url}?bruker_id={frogner}"))
    assert [x["bruker_id"] for x in mnd["elementer"]] == [frogner]
    assert mnd["totalt"] == 1 and mnd["levert_timer"] == "1.00"


def test_r19_co_payment_per_year_is_the_sum_of_its_months(api: Api) -> None:
    sak = lag_sak(api, FNR[3])
    ok(api.post("sb", f"/brukere/{sak.bruker}/husstandsinntekt",
                {"nettoinntekt": "250000.00", "gyldig_fra": "2026-03-01"}))
    for dag in ("2026-03-03", "2026-03-10", "2026-04-07"):
        ok(api.post("lev", f"/leveranser/{sak.leveranse}/besok", {
            "start": f"{dag}T09:00:00{T}", "slutt": f"{dag}T10:30:00{T}", "ansatt": "a1"}))
    aar = ok(api.get("sb", f"/brukere/{sak.bruker}/egenandel/2026"))
    assert [m["maaned"] for m in aar["maaneder"]] == list(range(3, 13))
    assert [(m["maaned"], m["regel"], m["felt"]) for m in aar["uten_grunnlag"]] == [
        (1, "R19", "husstandsinntekt"), (2, "R19", "husstandsinntekt")]
    for m in aar["maaneder"]:
        assert m == ok(api.get("sb", f"/brukere/{sak.bruker}/egenandel/2026/{m['maaned']}"))
    assert aar["belop"] == f"{sum(float(m['belop']) for m in aar['maaneder']):.2f}"
    assert aar["timer"] == "4.50" and aar["maaneder"][0]["timer"] == "3.00"
    assert float(aar["belop"]) > 0
    assert api.get("lev", f"/brukere/{sak.bruker}/egenandel/2026").status_code == 403


def test_every_deadline_has_one_shape_instant_and_inclusive_flag(
        api: Api, saker: dict[str, Sak]) -> None:
    """R11 and R21 are inclusive instants, R16 an exclusive midnight, R13/R25 a whole day: every
    answer renders the domain's Frist as {tidspunkt, dato, inklusiv}, exactly one of the first
    two set, and the worklist gives the same deadline as /sla."""
    sak = saker["frogner"]
    ok(api.post("sb", f"/leveranser/{sak.leveranse}/varsler", {
        "kanal": "henvendelse", "varslet_tid": f"2026-02-13T10:00:00{T}"}))
    ok(api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", {
        "anmodet_tid": f"2026-03-02T09:00:00{T}", "begrunnelse": "mer hjelp"}))  # a Monday
    ok(api.post("sb", f"/vedtak/{sak.vedtak}/mottatt", {"mottatt_dato": "2026-02-16"}))
    rader = ok(api.get("ko", f"/sla?bruker_id={sak.bruker}"))["elementer"]
    per_regel = {r["regel"]: r["frist"] for r in rader}
    assert set(per_regel) >= {"R16", "R25"}
    for frist in per_regel.values():
        assert set(frist) == {"tidspunkt", "dato", "inklusiv"}
        assert (frist["tidspunkt"] is None) != (frist["dato"] is None)
    # R16: answer before the next working day's end, i.e. before Wednesday 00:00 Oslo
    assert per_regel["R16"] == {"tidspunkt": "2026-03-04T00:00:00+01:00", "dato": None,
                                "inklusiv": False}
    # R25: four weeks after it reached the user, all of that day; the same on the vedtak
    assert per_regel["R25"] == {"tidspunkt": None, "dato": "2026-03-16", "inklusiv": True}
    assert ok(api.get("sb", f"/vedtak/{sak.vedtak}"))["klagefrist"] == per_regel["R25"]
    # R13: a whole day too
    assert per_regel["R13"]["dato"] and per_regel["R13"]["inklusiv"]
    # R11: by 14:00 the working day before the start (Monday 2026-02-16), that instant in time
    hs = lag_sak(api, FNR[4], tjenestetype="hjemmesykepleie_dag")
    r11 = [r["frist"] for r in ok(api.get("ko", f"/sla?bruker_id={hs.bruker}"))["elementer"]
           if r["regel"] == "R11"]
    assert r11 == [{"tidspunkt": "2026-02-13T14:00:00+01:00", "dato": None, "inklusiv": True}]
    # the worklist renders the same Frist for the same obligation
    liste = ok(api.get("sb", f"/arbeidsliste?bruker={sak.bruker}"))["elementer"]
    fra_sla = {r["plikt_id"]: r["frist"] for r in rader}
    assert liste and all(x["frist"] == fra_sla[x["plikt_id"]] for x in liste)
