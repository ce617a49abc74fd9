"""BV7 over HTTP: an impossible omfang is a Norwegian 4xx naming ``omfang`` and BV7, nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import FNR
from tests.e2e.conftest import Api


def ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_bv7_25_hours_a_day_is_refused_and_double_staffing_is_accepted_and_shown(
        lag_api: Callable[..., Api], store: str) -> None:
    api = lag_api(store)
    bid = ok(api.post("sb", "/brukere", {"fodselsnummer": FNR[4], "navn": "Per",
                                         "bydel": "frogner"}), 201)["id"]
    vedtak = {"tjenestetype": "praktisk_bistand", "gyldig_fra": "2026-02-20",
              "gyldig_til": "2026-12-31", "vedtaksdato": "2026-02-20"}
    for_ = api.antall_hendelser()
    for omfang in ({"minutter": 10_500}, {"minutter": 1248 * 60 * 7},
                   {"minutter": 2 * 7 * 24 * 60 + 1, "antall_ansatte": 2}):
        r = api.post("vm", f"/brukere/{bid}/vedtak", {**vedtak, "omfang": omfang})
        assert r.status_code == 422, r.text
        svar = r.json()
        assert (svar["regel"], svar["felt"]) == ("BV7", "omfang"), svar
        assert "timer per dag" in svar["detail"]
    r = api.post("vm", f"/brukere/{bid}/vedtak",
                 {**vedtak, "omfang": {"minutter": 60, "antall_ansatte": 4}})
    assert r.status_code == 422 and r.json()["regel"] == "BV7", r.text
    assert api.antall_hendelser() == for_  # nothing stored
    ny = ok(api.post("vm", f"/brukere/{bid}/vedtak",
                     {**vedtak, "omfang": {"minutter": 10_500, "antall_ansatte": 2}}), 201)
    assert ok(api.get("vm", f"/vedtak/{ny['id']}"))["omfang"][0]["antall_ansatte"] == 2
