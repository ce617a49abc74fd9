"""R29: each bydel names a contact person for brukervalg, and providers can see who it is."""

from __future__ import annotations

from tests.e2e.conftest import Api


def test_r29_every_bydel_names_a_contact_person_that_providers_can_see(api: Api) -> None:
    r = api.get("lev", "/bydeler", formaal="kontakt")
    assert r.status_code == 200, r.text
    bydeler = {b["id"]: b for b in r.json()}
    assert len(bydeler) == 15 and "frogner" in bydeler
    assert all(b["kontaktperson_brukervalg"]["navn"] and "@" in b["kontaktperson_brukervalg"]["epost"]
               for b in bydeler.values())
    assert bydeler["sondre-nordstrand"]["navn"] == "Bydel Søndre Nordstrand"
    for rolle in ("sb", "vm", "kb", "ko"):
        assert api.get(rolle, "/bydeler", formaal="kontakt").status_code == 200
    assert api.klient.get("/bydeler").status_code == 401
