"""R24 over HTTP: a move recorded ahead of its date (domain/ansvar.py decides).

Frogner records on Monday 2 March 2026 that its bruker moves to Sagene on 1 April. Until then
Frogner is responsible and both bydeler may read and act (Sagene prepares its vedtak); a third
bydel gets exactly the answer for a bruker that does not exist. From 1 April only Sagene, and
Frogner's answer is that of a bruker that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest

from tests.conftest import FNR, Klokke, oslo
from tests.e2e.conftest import Api, lag_sak


def _som_ukjent(api: Api, navn: str, url: str, bruker: object) -> None:
    """The bruker's answer to ``navn`` is the answer for an id nobody has (no oracle)."""
    fremmed = api.get(navn, url.format(bruker))
    ukjent_id = uuid4()
    ukjent = api.get(navn, url.format(ukjent_id))
    assert fremmed.status_code == ukjent.status_code == 404, fremmed.text
    assert fremmed.text.replace(str(bruker), "<id>") == ukjent.text.replace(str(ukjent_id), "<id>")
    assert sorted(k for k in fremmed.headers if k not in ("date", "content-length")) == \
        sorted(k for k in ukjent.headers if k not in ("date", "content-length"))


def _vedtak(gyldig_fra: str) -> dict[str, Any]:
    return {"tjenestetype": "hjemmesykepleie_dag", "gyldig_fra": gyldig_fra,
            "omfang": {"minutter": 60}, "vedtaksdato": "2026-03-02"}


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_r24_before_a_moves_date_both_bydeler_reach_the_bruker_and_after_it_only_the_new(
        lag_api: Callable[..., Api], klokke: Klokke, store: str) -> None:
    api = lag_api(store)
    sak = lag_sak(api, FNR[0])
    b, url = sak.bruker, "/brukere/{}"
    r = api.post("sb", f"/brukere/{b}/flyttinger", {"til_bydel": "sagene", "dato": "2026-04-01"})
    assert r.status_code == 200, r.text

    # Before the date: Frogner is responsible and still reads and acts ...
    klokke.sett(oslo(2026, 3, 31, 23, 59))
    les = api.get("sb", url.format(b))
    assert (les.status_code, les.json()["bydel"]) == (200, "frogner")
    r = api.post("sb", f"/brukere/{b}/husstandsinntekt", {"nettoinntekt": "250000.00",
                                                           "gyldig_fra": "2026-01-01"})
    assert r.status_code == 200, r.text
    # ... and Sagene reads, prepares its vedtak from the date, and finds the record as its own
    assert api.get("sb_sagene", url.format(b)).json()["bydel"] == "frogner"
    r = api.post("vm_sagene", f"/brukere/{b}/vedtak", _vedtak("2026-04-01"))
    assert r.status_code == 201, r.text
    sok = api.post("sb_sagene", "/brukere/sok", {"fodselsnummer": FNR[0]})
    assert sok.status_code == 200 and sok.json()["bruker_id"] == str(b)
    igjen = api.post("sb_sagene", "/brukere", {"fodselsnummer": FNR[0], "navn": "Bruker " + FNR[0][-4:],
                                               "bydel": "sagene"})
    assert (igjen.status_code, igjen.json()["id"]) == (200, str(b)), igjen.text
    # A third bydel: not found, exactly as a bruker that does not exist
    _som_ukjent(api, "sb_alna", url, b)
    _som_ukjent(api, "sb_alna", url + "/historikk", b)

    # From the date: Sagene alone
    klokke.sett(oslo(2026, 4, 1, 0, 0))
    les = api.get("sb_sagene", url.format(b))
    assert (les.status_code, les.json()["bydel"]) == (200, "sagene")
    r = api.post("sb_sagene", f"/brukere/{b}/husstandsinntekt", {"nettoinntekt": "260000.00",
                                                                 "gyldig_fra": "2026-04-01"})
    assert r.status_code == 200, r.text
    _som_ukjent(api, "sb", url, b)
    _som_ukjent(api, "sb", url + "/historikk", b)
    r = api.post("vm", f"/brukere/{b}/vedtak", _vedtak("2026-04-02"))
    assert r.status_code == 404, r.text


def test_r24_a_planned_move_cancelled_before_its_date_leaves_the_new_bydel_outside(
        api: Api, klokke: Klokke) -> None:
    sak = lag_sak(api, FNR[0])
    b = sak.bruker
    for til in ("sagene", "frogner"):  # planned, then moved back from the same date: cancelled
        r = api.post("sb", f"/brukere/{b}/flyttinger", {"til_bydel": til, "dato": "2026-04-01"})
        assert (r.status_code, r.json()["nye_hendelser"]) == (200, 1), r.text
    _som_ukjent(api, "sb_sagene", "/brukere/{}", b)
    klokke.sett(oslo(2026, 4, 2, 9, 0))
    assert api.get("sb", f"/brukere/{b}").json()["bydel"] == "frogner"
    _som_ukjent(api, "sb_sagene", "/brukere/{}", b)
    historikk = api.get("sb", f"/brukere/{b}/historikk").json()["elementer"]
    flyttinger = [(x["aktor"]["organisasjon"], x["data"]) for x in historikk
                  if x["type"] == "FlyttetTilBydel"]
    assert flyttinger == [  # both kept, with their actor
        ("bydel:frogner", {"fra_bydel": "frogner", "til_bydel": "sagene", "dato": "2026-04-01"}),
        ("bydel:frogner", {"fra_bydel": "sagene", "til_bydel": "frogner", "dato": "2026-04-01"})]
