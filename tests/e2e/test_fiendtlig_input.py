"""Hostile input, one finding of issue 14 per test: text hygiene (BV6), strict date types,
problem details that name the field, the time report's line ends and no oracle in its receipts,
the payment control's access log, and read models that survive any string an old event holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.begreper import Aktor, Regelbrudd, Rolle, ren_tekst
from domain.leveranse import BesokUtfort
from projections import Projections
from tests.conftest import FNR
from tests.e2e.conftest import Api, Sak, lag_sak
from tests.e2e.test_tidsrapport_http import HODE, last_opp

T = "+01:00"


def besok(ansatt: str = "a1", **ekstra: Any) -> dict[str, Any]:
    return {"start": f"2026-03-02T09:00:00{T}", "slutt": f"2026-03-02T09:45:00{T}",
            "ansatt": ansatt, **ekstra}


def problem(r: Any, status: int, felt: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    svar = r.json()
    assert svar["felt"] == felt, svar
    assert svar["detail"] and not svar["detail"].startswith(("Input ", "Value error", "Field ")), svar
    return svar


# --- BV6: text hygiene ------------------------------------------------------------------------


@pytest.mark.parametrize("tekst", ["ans\x001", "ans\r1", "ans\n1", "a\tb", "a\x7fb", "a\x85b",
                                   "a\u202eb", "a\u2028b", "a\ufffeb"])
def test_bv6_one_line_fields_refuse_control_characters(tekst: str) -> None:
    with pytest.raises(Regelbrudd) as e:
        ren_tekst(tekst, "ansatt")
    assert (e.value.regel, e.value.felt) == ("BV6", "ansatt")
    assert "U+" in e.value.melding


def test_bv6_multi_line_fields_allow_lf_and_tab_read_crlf_as_lf_and_refuse_bare_cr() -> None:
    assert ren_tekst("a\r\nb\tc\n", "beskrivelse", flerlinje=True) == "a\nb\tc\n"
    for tekst in ("a\rb", "a\x00b", "a\x0bb"):
        with pytest.raises(Regelbrudd):
            ren_tekst(tekst, "beskrivelse", flerlinje=True)


def test_bv6_names_are_stored_nfc() -> None:
    assert ren_tekst("Ka\u030are", "navn") == "K\u00e5re"


def test_bv6_a_nul_in_a_visit_is_a_400_naming_the_field_and_nothing_is_stored(
        api: Api, saker: dict[str, Sak]) -> None:
    lev = saker["frogner"].leveranse
    foer = api.antall_hendelser()
    svar = problem(api.post("lev", f"/leveranser/{lev}/besok", besok("ans\x001")), 400, "ansatt")
    assert svar["regel"] == "BV6" and "U+0000" in svar["detail"]
    problem(api.post("lev", f"/leveranser/{lev}/besok/samlet",
                     {"besok": [besok(), besok("x", tiltakskode="T\r1")]}), 400,
            "besok.1.tiltakskode")
    problem(api.post("sb", "/brukere", {"fodselsnummer": FNR[3], "navn": "Kari\x00",
                                        "bydel": "frogner"}), 400, "navn")
    problem(api.post("sb", "/brukere", {"fodselsnummer": f"{FNR[3]}\n", "navn": "Kari",
                                        "bydel": "frogner"}), 400, "fodselsnummer")
    assert api.antall_hendelser() == foer


def test_bv6_a_name_is_stored_nfc_over_http(api: Api) -> None:
    r = api.post("sb", "/brukere", {"fodselsnummer": FNR[3], "navn": "Ka\u030are",
                                    "bydel": "frogner"})
    assert r.status_code == 201, r.text
    assert api.get("sb", f"/brukere/{r.json()['id']}").json()["navn"] == "K\u00e5re"


def test_bv6_the_time_report_refuses_a_nul_in_a_line_and_stores_the_rest(
        api: Api, saker: dict[str, Sak]) -> None:
    egen = saker["frogner"].bruker
    tekst = "\n".join([HODE,
                       f"besok;{egen};praktisk_bistand;2026-02-17T09:00{T};2026-02-17T10:00{T};a\x00b;;;;",
                       f"besok;{egen};praktisk_bistand;2026-02-18T09:00{T};2026-02-18T10:00{T};"
                       f"{'x' * 65};;;;",
                       f"besok;{egen};praktisk_bistand;2026-02-19T09:00{T};2026-02-19T10:00{T};a1;;;;"
                       ]) + "\n"
    svar = last_opp(api, "lev", tekst).json()
    linjer = {k["linje"]: (k["status"], k["regel"], k["felt"]) for k in svar["linjer"]}
    assert linjer == {2: ("avvist", "BV6", "ansatt"), 3: ("avvist", "BV6", "ansatt"),
                      4: ("godtatt", None, None)}


# --- strict types, limits, problem details ----------------------------------------------------


def test_dates_and_instants_are_iso_text_never_numbers(api: Api, saker: dict[str, Sak]) -> None:
    s = saker["frogner"]
    foer = api.antall_hendelser()
    problem(api.post("lev", f"/leveranser/{s.leveranse}/besok",
                     {**besok(), "start": 1793610000}), 400, "start")
    problem(api.post("lev", f"/leveranser/{s.leveranse}/avbestillinger", {
        "planlagt_start": 0, "planlagt_slutt": f"2026-02-20T10:00:00{T}",
        "avbestilt_tid": f"2026-02-20T07:00:00{T}", "journalreferanse": "OL-7"}), 400,
        "planlagt_start")
    problem(api.post("sb", f"/brukere/{s.bruker}/valg", {
        "tjenestetype": "praktisk_bistand", "leverandor_id": "2care", "form": "muntlig",
        "gyldig_fra": 20260302}), 400, "gyldig_fra")
    assert api.antall_hendelser() == foer


def test_bv2_a_naive_instant_in_the_query_is_a_400_naming_it(api: Api,
                                                             saker: dict[str, Sak]) -> None:
    r = api.get("sb", f"/brukere/{saker['frogner'].bruker}/klagesak?per=2026-11-01T10:00:00")
    assert "tidssone" in problem(r, 400, "per")["detail"]


def test_deep_nesting_malformed_json_and_huge_bodies_name_the_body(api: Api) -> None:
    hode = {**api.hode("sb"), "Content-Type": "application/json"}
    for innhold in ("[" * 1000 + "]" * 1000, '{"a": ' * 5000 + "1" + "}" * 5000, "{bad"):
        problem(api.klient.post("/brukere", content=innhold, headers=hode), 400, "body")
    problem(api.klient.post("/brukere", content=b"[" + b" " * 3_000_000 + b"]", headers=hode),
            413, "body")


def test_every_schema_error_is_norwegian_and_names_field_and_source(
        api: Api, saker: dict[str, Sak]) -> None:
    r = api.post("sb", f"/brukere/{saker['frogner'].bruker}/valg", {
        "tjenestetype": "tannlege", "leverandor_id": "2care", "form": "muntlig",
        "gyldig_fra": "2026-03-02", "ukjent": 1})
    feil = {f["felt"]: f["melding"] for f in problem(r, 400, "tjenestetype")["feil"]}
    assert feil["tjenestetype"].startswith("må være en av") and " eller " in feil["tjenestetype"]
    assert feil["ukjent"] == "ukjent felt (ikke i skjemaet)"
    svar = problem(api.get("ko", "/oppfolging/rapport?fra=2026-01"), 400, "til")
    assert svar["feil"] == [{"felt": "til", "melding": "mangler", "kilde": "query"}]
    problem(api.get("ko", "/oppfolging/rapport?fra=2026-01&til=2026-13"), 400, "til")
    problem(api.get("ko", "/oppfolging/rapport?fra=2026-03&til=2026-01"), 422, "til")
    problem(api.get("ko", "/oppfolging/rapport?fra=2026-01&til=2026-02&format=pdf"), 400, "format")
    problem(api.get("ko", "/oppfolging/betalingskontroll/2care/2026-13"), 400, "maaned")
    r = api.klient.post("/oppfolging/betalingskontroll/2care/2026-03",
                        content="bruker;tjenestetype;timer;belop\nx;y;z;w\n", headers=api.hode("ko"))
    assert "linje 2" in problem(r, 400, "body")["detail"]
    r = api.klient.post("/oppfolging/betalingskontroll/2care/2026-03", content=b"\xff\xfe",
                        headers=api.hode("ko"))
    problem(r, 400, "body")


# --- the time report's line ends --------------------------------------------------------------


def test_a_time_report_with_bare_cr_line_ends_is_a_400_naming_the_body(
        api: Api, saker: dict[str, Sak]) -> None:
    egen = saker["frogner"].bruker
    foer = api.antall_hendelser()
    tekst = "\r".join([HODE, f"besok;{egen};praktisk_bistand;2026-02-17T09:00{T};"
                             f"2026-02-17T10:00{T};a1;;;;"]) + "\r"
    assert "CR" in problem(last_opp(api, "lev", tekst), 400, "body")["detail"]
    lang = HODE + "\n" + f"besok;{egen};praktisk_bistand;\"{'x' * 200_000}\";;;;;;\n"
    r = last_opp(api, "lev", lang)
    assert r.status_code == 200, r.text
    assert r.json()["linjer"][0]["status"] == "avvist"
    assert api.antall_hendelser() == foer


# --- no oracles: a receipt does not tell who is registered ------------------------------------


def test_r18_a_receipt_reads_the_same_for_an_unknown_and_another_providers_bruker(
        api: Api, saker: dict[str, Sak]) -> None:
    """A provider learns nothing from a fødselsnummer it does not serve: the line for Sagene's
    bruker (served by Nordlys) and for a number nobody has are rejected in the same words."""
    tekst = "\n".join([HODE,
                       f"besok;{FNR[1]};praktisk_bistand;2026-02-17T09:00{T};2026-02-17T10:00{T};a1;;;;",
                       f"besok;{FNR[4]};praktisk_bistand;2026-02-17T09:00{T};2026-02-17T10:00{T};a1;;;;",
                       f"besok;{saker['sagene'].bruker};praktisk_bistand;2026-02-17T09:00{T};"
                       f"2026-02-17T10:00{T};a1;;;;",
                       f"besok;{uuid4()};praktisk_bistand;2026-02-17T09:00{T};2026-02-17T10:00{T};a1;;;;",
                       ]) + "\n"
    linjer = last_opp(api, "lev", tekst).json()["linjer"]
    svar = {(k["status"], k["regel"], k["felt"], k["melding"]) for k in linjer}
    assert len(linjer) == 4 and len(svar) == 1, svar


# --- the payment control reads brukere: purpose required, one log row each --------------------


def test_payment_control_requires_x_formaal_and_logs_one_row_per_bruker_it_lists(
        api: Api, saker: dict[str, Sak]) -> None:
    andre = lag_sak(api, FNR[3])
    for s in (saker["frogner"], andre):
        r = api.post("lev", f"/leveranser/{s.leveranse}/besok",
                     {"start": f"2026-03-02T07:00:00{T}", "slutt": f"2026-03-02T08:00:00{T}",
                      "ansatt": "a1"})
        assert r.status_code == 200, r.text
    url = "/oppfolging/betalingskontroll/2care/2026-03"
    problem(api.klient.get(url, headers=api.hode("ko", formaal=None)), 400, "X-Formaal")
    nektet = [o for o in api.logg() if o.handling == "betalingskontrollUtenKrav"]
    assert [(o.utfall, o.bruker_id) for o in nektet] == [(400, None)]
    r = api.klient.get(url, headers=api.hode("ko", formaal="kontraktsoppfolging"))
    assert r.status_code == 200, r.text
    listet = {s.bruker for s in (saker["frogner"], andre)}
    assert all(str(b) in r.text for b in listet)
    logg = [o for o in api.logg() if o.handling == "betalingskontrollUtenKrav" and o.utfall == 200]
    assert sorted(str(o.bruker_id) for o in logg) == sorted(str(b) for b in listet)
    assert {o.formaal for o in logg} == {"kontraktsoppfolging"}


# --- defence in depth: an old event's string never breaks a read model ------------------------


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_nul_in_an_old_event_breaks_no_report_and_no_rebuild(
        lag_api: Callable[..., Api], store: str) -> None:
    """Events are immutable: one stored before BV6 with a NUL (and other controls) in the staff
    id must not stop PostgreSQL's read models, the reports or a rebuild."""
    api = lag_api(store)
    sak = lag_sak(api, FNR[0])
    lev = api.app.leveranse(sak.leveranse)
    gammel = BesokUtfort(originator_id=lev.id, originator_version=lev.version + 1,
                         timestamp=datetime(2026, 3, 3, 12, tzinfo=UTC),
                         aktor=Aktor(person_id="lev-1", rolle=Rolle.LEVERANDOR,
                                     organisasjon="leverandor:2care"),
                         besok_id=uuid4(), start=datetime(2026, 3, 3, 8, tzinfo=UTC),
                         slutt=datetime(2026, 3, 3, 9, tzinfo=UTC), ansatt="ans\x00\r\x1b1",
                         tiltakskode="T\x00")
    api.app._lagre([gammel], lev.id, lev.version)
    for url in ("/oppfolging/rapport?fra=2026-03&til=2026-03",
                "/oppfolging/rapport?fra=2026-03&til=2026-03&format=csv",
                "/oppfolging/rapport?fra=2026-03&til=2026-03&format=xlsx",
                "/oppfolging/betalingskontroll/2care/2026-03",
                "/oppfolging/betalingskontroll/2care/2026-03?format=xlsx",
                "/leverandorer/2care/betalbare-timer/2026/3",
                f"/leveranser/{lev.id}/besok", f"/brukere/{sak.bruker}/klagesak",
                f"/brukere/{sak.bruker}/klagesak/dokument", "/sla"):
        r = api.get("ko" if url.startswith(("/oppfolging", "/sla")) else "lev"
                    if "leverand" in url or "/leveranser/" in url else "kb", url)
        assert r.status_code == 200, (url, r.text[:300])
    Projections(api.app).gjenoppbygg()
    r = api.get("lev", "/leverandorer/2care/betalbare-timer/2026/3")
    assert r.status_code == 200 and r.json()["levert_timer"] == "1.00", r.text
