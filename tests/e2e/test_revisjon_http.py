"""R26 over HTTP: the klagesak with chain links and the state as known at T; chain verify."""

from __future__ import annotations

from projections.klagesak import verifiser_eksport
from tests.e2e.conftest import Api, lag_sak


def test_r26_klagesak_export_and_document_over_http(api: Api) -> None:
    sak = lag_sak(api, "15108695088")
    r = api.get("kb", f"/brukere/{sak.bruker}/klagesak", formaal="klagebehandling")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["tidslinje"] and all(p["lenke"] for p in doc["tidslinje"])
    assert verifiser_eksport(doc, api.app.recorder) == []  # a third party can re-check it
    per = api.get("kb", f"/brukere/{sak.bruker}/klagesak?per=2000-01-01T00:00:00%2B01:00",
                  formaal="klagebehandling")
    assert per.status_code == 404  # nothing about the user was known in 2000
    html = api.get("sb", f"/brukere/{sak.bruker}/klagesak/dokument", formaal="saksbehandling")
    assert html.status_code == 200 and "Klagesak: historikk for" in html.text
    assert api.get("lev", f"/brukere/{sak.bruker}/klagesak").status_code == 403
    assert any(o.handling == "hentKlagesak" and str(o.bruker_id) == str(sak.bruker)
               for o in api.logg())


def test_r26_chain_verify_endpoint_for_the_auditors(api: Api) -> None:
    lag_sak(api, "15108695088")
    r = api.get("ko", "/kjede/verifisering", formaal="revisjon")
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True and r.json()["count"] == api.antall_hendelser()
    assert api.get("sb", "/kjede/verifisering").status_code == 403
