"""BV8 over HTTP (clock: Monday 2 March 2026 09:00 Oslo): a visit, a death or a switch notice
after now is a Norwegian 422 naming the field and BV8, nothing stored; in a time report the line
and field are named, and nothing of that line is stored (in strict mode nothing at all)."""

from __future__ import annotations

from tests.e2e.conftest import Api, Sak
from tests.e2e.test_tidsrapport_http import HODE, last_opp


def test_bv8_a_future_visit_death_or_switch_notice_is_refused_naming_field_and_rule(
        api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    foer = api.antall_hendelser()
    for rolle, url, body, felt in [
        ("lev", f"/leveranser/{sak.leveranse}/besok",
         {"start": "2027-06-02T09:00:00+02:00", "slutt": "2027-06-02T10:00:00+02:00",
          "ansatt": "a1"}, "start"),
        ("lev", f"/leveranser/{sak.leveranse}/besok",  # ends six minutes from now
         {"start": "2026-03-02T08:30:00+01:00", "slutt": "2026-03-02T09:06:00+01:00",
          "ansatt": "a1"}, "slutt"),
        ("sb", f"/brukere/{sak.bruker}/bytter",
         {"tjenestetype": "praktisk_bistand", "til_leverandor_id": "nordlys", "form": "muntlig",
          "oppsigelsesdato": "2026-03-03"}, "oppsigelsesdato"),
    ]:
        r = api.post(rolle, url, body)
        assert r.status_code == 422, r.text
        svar = r.json()
        assert (svar["regel"], svar["felt"], svar["type"]) == ("BV8", felt, "/docs/regler.md#bv8")
        assert "kan ikke ligge i fremtiden" in svar["detail"]
    assert api.antall_hendelser() == foer
    assert api.app.leveranse(sak.leveranse).besok == {}
    # within the five minutes' tolerance a visit that just ended is accepted
    r = api.post("lev", f"/leveranser/{sak.leveranse}/besok",
                 {"start": "2026-03-02T08:30:00+01:00", "slutt": "2026-03-02T09:04:00+01:00",
                  "ansatt": "a1"})
    assert r.status_code == 200, r.text


def test_bv8_a_future_line_in_a_time_report_is_named_and_not_stored(
        api: Api, saker: dict[str, Sak]) -> None:
    b = saker["frogner"].bruker
    tekst = "\n".join([
        HODE,
        f"besok;{b};praktisk_bistand;2026-02-17T09:00+01:00;2026-02-17T10:00+01:00;a1;;;;",
        f"besok;{b};praktisk_bistand;2026-03-03T09:00+01:00;2026-03-03T10:00+01:00;a1;;;;",
        f"avbestilling;{b};praktisk_bistand;2026-03-04T09:00+01:00;2026-03-04T10:00+01:00;;;;"
        "2026-03-02T12:00+01:00;OL 4",
    ]) + "\n"
    foer = api.antall_hendelser()
    r = last_opp(api, "lev", tekst, streng=True)
    assert r.status_code == 422, r.text
    assert api.antall_hendelser() == foer  # strict: nothing at all
    r = last_opp(api, "lev", tekst)
    assert r.status_code == 200, r.text
    status = {k["linje"]: (k["status"], k["regel"], k["felt"]) for k in r.json()["linjer"]}
    assert status == {2: ("godtatt", None, None), 3: ("avvist", "BV8", "start"),
                      4: ("avvist", "BV8", "avbestilt_tid")}
    lev = api.app.leveranse(saker["frogner"].leveranse)
    assert [b.start.isoformat() for b in lev.besok.values()] == ["2026-02-17T09:00:00+01:00"]
    assert not lev.avbestillinger
