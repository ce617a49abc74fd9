"""R19 over HTTP: the bydel records household income; the co-payment is computed from it."""

from __future__ import annotations

from tests.e2e.conftest import Api, lag_sak


def test_r19_household_income_then_co_payment(api: Api) -> None:
    sak = lag_sak(api, "15108695088")  # praktisk bistand at 2care, from the conftest's defaults
    r = api.post("sb", f"/brukere/{sak.bruker}/husstandsinntekt",
                 {"nettoinntekt": "250000.00", "gyldig_fra": "2026-01-01"})
    assert r.status_code == 200, r.text
    assert api.post("sb", f"/brukere/{sak.bruker}/husstandsinntekt",
                    {"nettoinntekt": "250000.00", "gyldig_fra": "2026-01-01"}).json()[
        "nye_hendelser"] == 0
    e = api.get("sb", f"/brukere/{sak.bruker}/egenandel/2026/3")
    assert e.status_code == 200, e.text
    body = e.json()
    # 250,000 kr is under 2 G (2 × 130,160 in force 1 March 2026): 38 kr/hour; no visits yet
    assert {k: body[k] for k in ("husstandsinntekt", "grunnbelop", "trinn", "kr_per_time",
                                 "timer", "belop")} == {
        "husstandsinntekt": "250000.00", "grunnbelop": "130160", "trinn": "under 2 G",
        "kr_per_time": "38", "timer": "0.00", "belop": "0.00"}
    assert api.get("lev", f"/brukere/{sak.bruker}/egenandel/2026/3").status_code == 403
    assert api.post("sb", f"/brukere/{sak.bruker}/husstandsinntekt",
                    {"nettoinntekt": "-1", "gyldig_fra": "2026-01-01"}).status_code in (400, 422)


def test_r19_a_month_the_configuration_has_no_grunnbelop_for_is_a_clear_422(api: Api) -> None:
    """Found by Schemathesis: 2019 is a valid year in the path, but the configured grunnbeløp
    starts later; that is an answer naming the rule and the field, not a server error."""
    sak = lag_sak(api, "15108695088")
    assert api.post("sb", f"/brukere/{sak.bruker}/husstandsinntekt",
                    {"nettoinntekt": "250000.00", "gyldig_fra": "2019-01-01"}).status_code == 200
    e = api.get("sb", f"/brukere/{sak.bruker}/egenandel/2019/6")
    assert e.status_code == 422, e.text
    assert (e.json()["regel"], e.json()["felt"]) == ("R19", "aar")
    assert "grunnbeløpet for 2019-01-01 mangler" in e.json()["detail"]
