"""ETag / If-Match, concurrent writes (409), and the limits: body size, page size, rate (429)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.begreper import Aktor, Rolle
from domain.kalender import OSLO
from interfaces.http.settings import ApiSettings
from tests.conftest import VEDTAKSMYNDIG
from tests.e2e.conftest import Api, Sak, lag_sak

VALG = {"tjenestetype": "hjemmesykepleie_dag", "leverandor_id": "kommunal", "form": "muntlig",
        "gyldig_fra": "2026-03-02"}


def test_etag_is_the_version_and_a_stale_if_match_is_412(api: Api, saker: dict[str, Sak]) -> None:
    bid = saker["frogner"].bruker
    etag = api.get("sb", f"/brukere/{bid}").headers["etag"]
    assert etag == f'"{api.app.bruker(bid).version}"'
    r = api.post("sb", f"/brukere/{bid}/valg", VALG, **{"If-Match": etag})
    assert r.status_code == 200
    ny = r.headers["etag"]
    assert ny == f'"{api.app.bruker(bid).version}"' and ny != etag
    antall = api.antall_hendelser()
    stale = api.post("sb", f"/brukere/{bid}/valg", {**VALG, "leverandor_id": "2care"},
                     **{"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:brukervalg:problem:utdatert-versjon"
    assert stale.json()["detail"] == f"If-Match {etag} er ikke gjeldende versjon {ny}"
    assert api.antall_hendelser() == antall
    assert api.post("sb", f"/brukere/{bid}/valg", {**VALG, "leverandor_id": "2care"},
                    **{"If-Match": f'"1", {ny}'}).status_code == 200


def test_a_weak_etag_matches_nothing_and_a_star_matches_any(api: Api,
                                                             saker: dict[str, Sak]) -> None:
    """If-Match compares strongly (RFC 9110): W/"n" is stale even when n is the version."""
    bid = saker["frogner"].bruker
    etag = api.get("sb", f"/brukere/{bid}").headers["etag"]
    antall = api.antall_hendelser()
    svak = api.post("sb", f"/brukere/{bid}/valg", VALG, **{"If-Match": f"W/{etag}"})
    assert svak.status_code == 412, svak.text
    assert svak.json()["detail"] == f"If-Match nevner ingen sterk ETag; gjeldende versjon er {etag}"
    assert api.antall_hendelser() == antall
    assert api.post("sb", f"/brukere/{bid}/valg", VALG, **{"If-Match": "*"}).status_code == 200


def test_if_match_on_a_vedtak_and_a_delivery(api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    v = api.get("vm", f"/vedtak/{sak.vedtak}").headers["etag"]
    assert api.post("vm", f"/vedtak/{sak.vedtak}/forlengelser", {"ny_gyldig_til": "2027-01-31"},
                    **{"If-Match": '"99"'}).status_code == 412
    assert api.post("vm", f"/vedtak/{sak.vedtak}/forlengelser", {"ny_gyldig_til": "2027-01-31"},
                    **{"If-Match": v}).status_code == 200
    lev = api.get("lev", f"/leveranser/{sak.leveranse}").headers["etag"]
    assert api.post("lev", f"/leveranser/{sak.leveranse}/start",
                    {"startet_tid": "2026-02-16T09:00:00+01:00"},
                    **{"If-Match": lev}).status_code == 200
    assert api.post("lev", f"/leveranser/{sak.leveranse}/start",
                    {"startet_tid": "2026-02-16T09:00:00+01:00"},
                    **{"If-Match": lev}).status_code == 412


def test_a_concurrent_conflicting_write_is_409_and_stores_nothing(
        lag_app: Callable[..., BrukervalgApp], lag_api: Callable[..., Api]) -> None:
    """Another writer (a second process on the same database) gets in between read and save."""
    app = lag_app("sqlite")
    api = lag_api(app=app)
    sak = lag_sak(api, "15108695088")
    annen = lag_app("sqlite", env={"BRUKERVALG_STORE": "sqlite",
                                   "BRUKERVALG_SQLITE_PATH": app.env.get("SQLITE_DBNAME", "")})
    ekte_save = app.save

    def save_etter_en_annen(*args: Any, **kwargs: Any) -> Any:
        app.save = ekte_save  # type: ignore[method-assign]
        annen.forleng_vedtak(k.ForlengVedtak(vedtak_id=sak.vedtak, ny_gyldig_til=None),
                             VEDTAKSMYNDIG)
        return ekte_save(*args, **kwargs)

    app.save = save_etter_en_annen  # type: ignore[method-assign]
    antall = api.antall_hendelser()
    r = api.post("vm", f"/vedtak/{sak.vedtak}/forlengelser", {"ny_gyldig_til": "2027-01-31"})
    assert r.status_code == 409, r.text
    assert r.json()["type"] == "urn:brukervalg:problem:samtidig-endring"
    # only the other writer's facts: its extension of the vedtak, and of the delivery that ended
    # with the vedtak (on the delivery and on the bruker)
    assert api.antall_hendelser() == antall + 3
    assert api.app.vedtak(sak.vedtak).gyldig_til is None
    assert (api.logg()[-1].handling, api.logg()[-1].utfall) == ("forlengVedtak", 409)


def test_a_body_over_the_limit_is_413(lag_api: Callable[..., Api],
                                      api_settings: ApiSettings) -> None:
    api = lag_api(settings=replace(api_settings, maks_body_bytes=2048))
    sak = lag_sak(api, "15108695088")
    r = api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", {
        "anmodet_tid": "2026-03-02T08:00:00+01:00", "begrunnelse": "x" * 3000})
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")


def test_page_size_and_batch_size_are_bounded(api: Api, saker: dict[str, Sak]) -> None:
    lid = saker["frogner"].leveranse
    assert api.get("lev", f"/leveranser/{lid}/besok?antall=501").status_code == 400
    assert api.get("lev", f"/leveranser/{lid}/besok?antall=0").status_code == 400
    besok = {"start": "2026-02-17T09:00:00+01:00", "slutt": "2026-02-17T09:30:00+01:00",
             "ansatt": "a"}
    r = api.post("lev", f"/leveranser/{lid}/besok/samlet", {"besok": [besok] * 501})
    assert r.status_code == 400 and r.json()["felt"] == "besok"


def test_the_rate_limit_is_per_identity_and_answers_429_with_retry_after(
        lag_api: Callable[..., Api], api_settings: ApiSettings) -> None:
    api = lag_api(settings=replace(api_settings, rate_per_sekund=0.5, rate_burst=3))
    statuser = [api.klient.get("/brukere/00000000-0000-0000-0000-000000000000",
                               headers=api.hode("sb")).status_code for _ in range(4)]
    assert statuser == [404, 404, 404, 429]
    r = api.klient.get("/brukere/00000000-0000-0000-0000-000000000000", headers=api.hode("sb"))
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.headers["content-type"].startswith("application/problem+json")
    # another identity has its own budget
    assert api.klient.get("/brukere/00000000-0000-0000-0000-000000000000",
                          headers=api.hode("vm")).status_code == 404


def test_dates_outside_the_supported_range_are_400_not_500(api: Api,
                                                           saker: dict[str, Sak]) -> None:
    r = api.post("sb", f"/brukere/{saker['frogner'].bruker}/valg", {**VALG,
                                                                     "gyldig_fra": "9999-12-31"})
    assert r.status_code == 400 and r.json()["felt"] == "gyldig_fra"
    r = api.post("lev", f"/leveranser/{saker['frogner'].leveranse}/start",
                 {"startet_tid": "2026-03-02T08:00:00"})  # no time zone
    assert r.status_code == 400 and r.json()["felt"] == "startet_tid"


LEVERANDOR_AKTOR = Aktor(person_id="koord-2care", rolle=Rolle.LEVERANDOR,
                        organisasjon="leverandor:2care")


def test_if_match_holds_until_the_save_even_when_a_write_slips_in_after_the_check(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write lands between the HTTP layer reading If-Match and the command's own read: 412,
    nothing stored (the version is checked on the state the command decides on)."""
    sak = lag_sak(api, "15108695088")
    tjenester = api.litestar.state["tjenester"]
    versjon = api.get("lev", f"/leveranser/{sak.leveranse}").headers["etag"]
    original = tjenester._godtatte_versjoner

    def sjekk_og_la_en_annen_skrive(request: Any, ref: Any) -> Any:
        svar = original(request, ref)
        api.app.start_leveranse(k.StartLeveranse(leveranse_id=sak.leveranse,
                                                 startet_tid=datetime(2026, 2, 16, 9, tzinfo=OSLO)),
                                LEVERANDOR_AKTOR)
        return svar

    monkeypatch.setattr(tjenester, "_godtatte_versjoner", sjekk_og_la_en_annen_skrive)
    antall = api.antall_hendelser()
    r = api.post("lev", f"/leveranser/{sak.leveranse}/besok",
                 {"start": "2026-02-17T08:00:00+01:00", "slutt": "2026-02-17T08:45:00+01:00",
                  "ansatt": "k-1"}, **{"If-Match": versjon})
    assert r.status_code == 412, r.text
    assert api.antall_hendelser() == antall + 1  # only the other writer's start
