"""No oracles: what a caller may not see answers exactly as what does not exist.

A bydel registering a person, or naming a vedtak or a delivery, learns nothing about another
bydel's brukere from the answer. (A provider's time-report receipt for a fødselsnummer it does
not serve: ``test_fiendtlig_input.py::test_r18_a_receipt_reads_the_same_for_an_unknown_and_
another_providers_bruker``.)
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from tests.conftest import FNR
from tests.e2e.conftest import Api, Sak, lag_sak
from tests.e2e.test_tidsrapport_http import HODE, last_opp

T = "+01:00"


def _uten_id(r: Any, *ider: object) -> tuple[int, str, list[str]]:
    """Status, body with the given ids (and the answer's own id) blanked, and header names."""
    tekst = r.text
    try:
        ider = (*ider, r.json().get("id"))
    except ValueError:
        pass
    for ident in ider:
        if ident:
            tekst = tekst.replace(str(ident), "<id>")
    hoder = sorted(k for k in r.headers if k not in ("date", "content-length", "etag"))
    return r.status_code, tekst, hoder


def _registrer(api: Api, navn: str, fnr: str) -> Any:
    return api.post(navn, "/brukere", {"fodselsnummer": fnr, "navn": "Ny Nabo", "bydel": "sagene"})


def test_registering_a_number_another_bydel_holds_reads_as_a_first_registration(
        api: Api) -> None:
    frogner = lag_sak(api, FNR[0])  # Frogner holds FNR[0]; nobody has FNR[4]
    hos_frogner = api.app.bruker(frogner.bruker).version
    elsewhere, ukjent = _registrer(api, "sb_sagene", FNR[0]), _registrer(api, "sb_sagene", FNR[4])
    assert elsewhere.status_code == 201, elsewhere.text
    assert _uten_id(elsewhere) == _uten_id(ukjent)
    igjen = [_registrer(api, "sb_sagene", f) for f in (FNR[0], FNR[4])]  # the same, once
    assert _uten_id(igjen[0]) == _uten_id(igjen[1]) and igjen[0].json()["nye_hendelser"] == 0
    # Sagene's record is Sagene's own: found by its search, read like any new bruker ...
    egen = UUID(elsewhere.json()["id"])
    assert egen != frogner.bruker
    sok = api.post("sb_sagene", "/brukere/sok", {"fodselsnummer": FNR[0]})
    assert sok.status_code == 200 and sok.json()["bruker_id"] == str(egen)
    les = [api.get("sb_sagene", f"/brukere/{UUID(r.json()['id'])}") for r in (elsewhere, ukjent)]
    assert _uten_id(les[0], FNR[0]) == _uten_id(les[1], FNR[4])
    # ... while Frogner's record is untouched and still Frogner's
    assert api.app.bruker(frogner.bruker).version == hos_frogner
    sok = api.post("sb", "/brukere/sok", {"fodselsnummer": FNR[0]})
    assert sok.json()["bruker_id"] == str(frogner.bruker)
    assert api.app.finn_brukere(FNR[0]) == [frogner.bruker, egen]
    # In its own bydel a number stays one bruker: other details are a BV1 refusal
    r = api.post("sb", "/brukere", {"fodselsnummer": FNR[0], "navn": "Annet Navn",
                                    "bydel": "frogner"})
    assert (r.status_code, r.json()["regel"]) == (422, "BV1")


def test_each_provider_reports_on_the_record_it_serves(api: Api) -> None:
    """Two records of one number (Frogner's, served by 2care; Sagene's, served by Nordlys):
    each provider's time-report line lands on the delivery it holds."""
    frogner = lag_sak(api, FNR[0])
    sagene = lag_sak(api, FNR[0], bydel="sagene", leverandor="nordlys")
    assert sagene.bruker != frogner.bruker
    linje = f"besok;{FNR[0]};praktisk_bistand;2026-02-17T09:00{T};2026-02-17T10:00{T};a1;;;;"
    for navn, leverandor, sak in (("lev", "2care", frogner), ("lev_nordlys", "nordlys", sagene)):
        svar = last_opp(api, navn, f"{HODE}\n{linje}\n", leverandor=leverandor).json()
        assert svar["sammendrag"]["godtatt"] == 1, svar
        assert svar["linjer"][0]["leveranse_id"] == str(sak.leveranse)


def test_a_foreign_vedtak_or_delivery_in_a_body_is_answered_as_one_that_does_not_exist(
        api: Api, saker: dict[str, Sak]) -> None:
    frogner, sagene = saker["frogner"], saker["sagene"]
    url = f"/brukere/{frogner.bruker}/leveranser"
    bestilling = {"tjenestetype": "praktisk_bistand", "fom": "2026-03-01"}
    ukjent = uuid4()
    svar = [api.post("sb", url, {**bestilling, "vedtak_id": str(v)}) for v in (sagene.vedtak,
                                                                            ukjent)]
    assert svar[0].status_code == 404, svar[0].text
    assert _uten_id(svar[0], sagene.vedtak) == _uten_id(svar[1], ukjent)

    url = f"/brukere/{frogner.bruker}/vedtak"
    vedtak = {"tjenestetype": "praktisk_bistand", "gyldig_fra": "2026-02-16",
              "gyldig_til": "2026-12-31", "omfang": {"minutter": 60, "innhold": "rengjøring"},
              "vedtaksdato": "2026-02-13"}
    svar = [api.post("vm", url, {**vedtak, "knytt_til_leveranse_id": str(lev)})
            for lev in (sagene.leveranse, ukjent)]
    assert svar[0].status_code == 404, svar[0].text
    assert _uten_id(svar[0], sagene.leveranse) == _uten_id(svar[1], ukjent)

    # The control: another bruker's vedtak within the bydel's reach is the rule, R14
    nabo = lag_sak(api, FNR[3])
    r = api.post("sb", f"/brukere/{frogner.bruker}/leveranser",
                 {**bestilling, "vedtak_id": str(nabo.vedtak)})
    assert (r.status_code, r.json()["regel"], r.json()["felt"]) == (422, "R14", "vedtak_id")
    # and the attempt on Sagene's vedtak is in the access log, under Frogner's bruker
    nektet = [o for o in api.logg() if o.handling == "bestillLeveranse" and o.utfall == 404]
    assert [o.bruker_id for o in nektet] == [frogner.bruker, frogner.bruker]
