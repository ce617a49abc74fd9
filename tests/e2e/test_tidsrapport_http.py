"""The provider's monthly time report over HTTP: receipts per line, strict mode, reach, retries."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Api, Sak

HODE = "type;bruker;tjenestetype;start;slutt;ansatt;kategori;tiltakskode;avbestilt_tid;journalreferanse"


def fil(saker: dict[str, Sak]) -> str:
    egen, annen = saker["frogner"].bruker, saker["sagene"].bruker
    return "\n".join([
        HODE,
        f"besok;{egen};praktisk_bistand;2026-02-17T09:00+01:00;2026-02-17T10:00+01:00;a1;;;;",
        f"besok;{egen};tannlege;2026-02-18T09:00+01:00;2026-02-18T10:00+01:00;a1;;;;",
        f"besok;{annen};praktisk_bistand;2026-02-18T09:00+01:00;2026-02-18T10:00+01:00;a1;;;;",
        f"avbestilling;{egen};praktisk_bistand;2026-02-20T09:00+01:00;2026-02-20T10:00+01:00;;;;"
        "2026-02-18T09:00+01:00;OL-9",
    ]) + "\n"


def last_opp(api: Api, rolle: str, tekst: str, leverandor: str = "2care", streng: bool = False,
             **hoder: str) -> Any:
    return api.klient.post(f"/leverandorer/{leverandor}/tidsrapporter?streng={str(streng).lower()}",
                           content=tekst.encode(), headers={
                               **api.hode(rolle, formaal=None), "Content-Type": "text/csv",
                               **hoder})


def test_receipt_per_line_and_a_reupload_records_nothing_twice(api: Api,
                                                                saker: dict[str, Sak]) -> None:
    foer = api.antall_hendelser()
    r = last_opp(api, "lev", fil(saker))
    assert r.status_code == 200, r.text
    svar = r.json()
    s = svar["sammendrag"]
    assert (s["linjer"], s["godtatt"], s["avvist"], s["lagret"]) == (4, 2, 2, True)
    status = {k["linje"]: (k["status"], k["regel"], k["felt"]) for k in svar["linjer"]}
    assert status[2][0] == "godtatt" and status[5][0] == "godtatt"
    assert status[3] == ("avvist", "BV0", "tjenestetype")
    assert status[4][:2] == ("avvist", "R18")  # the other provider's user
    assert api.antall_hendelser() == foer + s["hendelser"] and s["hendelser"] >= 2
    assert len(api.app.leveranse(saker["frogner"].leveranse).besok) == 1
    igjen = last_opp(api, "lev", fil(saker)).json()["sammendrag"]
    assert (igjen["allerede_registrert"], igjen["godtatt"], igjen["hendelser"]) == (2, 0, 0)
    logg = [o for o in api.logg() if o.handling == "lastOppTidsrapport" and o.utfall == 200]
    assert {o.bruker_id for o in logg} == {saker["frogner"].bruker}


def test_strict_mode_stores_nothing_and_answers_422_with_the_receipts(
        api: Api, saker: dict[str, Sak]) -> None:
    foer = api.antall_hendelser()
    r = last_opp(api, "lev", fil(saker), streng=True)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    svar = r.json()
    assert svar["sammendrag"]["lagret"] is False and svar["sammendrag"]["avvist"] == 2
    assert len(svar["linjer"]) == 4
    # every line as the schema requires it (LinjekvitteringUt): a rejected line's leveranse_id
    # is null, not missing
    assert all(set(k) == {"linje", "status", "regel", "felt", "melding", "leveranse_id"}
               for k in svar["linjer"])
    assert any(k["leveranse_id"] is None for k in svar["linjer"])
    assert api.antall_hendelser() == foer
    god = "\n".join(fil(saker).splitlines()[:2]) + "\n"
    ok = last_opp(api, "lev", god, streng=True)
    assert ok.status_code == 200 and ok.json()["sammendrag"]["godtatt"] == 1


def test_only_the_provider_itself_may_upload(api: Api, saker: dict[str, Sak]) -> None:
    foer = api.antall_hendelser()
    assert last_opp(api, "lev_nordlys", fil(saker)).status_code == 404
    assert last_opp(api, "sb", fil(saker)).status_code == 403
    assert last_opp(api, "ko", fil(saker)).status_code == 403
    assert last_opp(api, "lev", "feil;kolonner\n1;2\n").status_code == 400
    assert last_opp(api, "lev", "").status_code == 400
    assert api.klient.post("/leverandorer/2care/tidsrapporter", content=b"\xff\xfe",
                           headers={**api.hode("lev"), "Content-Type": "text/csv"}
                           ).status_code == 400
    assert api.antall_hendelser() == foer


def test_idempotency_key_replays_the_receipt(api: Api, saker: dict[str, Sak]) -> None:
    forste = last_opp(api, "lev", fil(saker), **{"Idempotency-Key": "rapport-2026-02"})
    andre = last_opp(api, "lev", fil(saker), **{"Idempotency-Key": "rapport-2026-02"})
    assert andre.status_code == 200 and andre.headers["Idempotent-Replayed"] == "true"
    assert andre.json() == forste.json()
    annen = last_opp(api, "lev", HODE + "\n", **{"Idempotency-Key": "rapport-2026-02"})
    assert annen.status_code == 422 and annen.json()["regel"] == "API1"


def test_body_size_limit(api: Api, saker: dict[str, Sak]) -> None:
    stor = fil(saker) + "#" * 1_000_001
    assert last_opp(api, "lev", stor).status_code == 413
