"""One table from exception to (status, slug): the caller's answer and the access log agree.

Before it, the access log had its own table (``status_for``) that knew neither a stale version
found by the application (412) nor a stale read model (503): both were logged as 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import OperationalError

from application.app import UtdatertVersjon
from interfaces.http import problem
from interfaces.http.tjenester import Tjenester
from tests.e2e.conftest import Api, Sak
from tests.e2e.test_tilgangslogg_og_oppstart import _gjor_projeksjonene_utdatert

ANMODNING = {"anmodet_tid": "2026-03-02T08:00:00+01:00", "begrunnelse": "trenger mer hjelp"}


def _siste(api: Api, handling: str) -> tuple[int, Any]:
    rad = [o for o in api.logg() if o.handling == handling][-1]
    return rad.utfall, rad.bruker_id


def test_a_412_found_by_the_application_is_logged_as_412(
        api: Api, saker: dict[str, Sak], monkeypatch: pytest.MonkeyPatch) -> None:
    """If-Match is checked once, by the use case on the state it decides on: the HTTP layer only
    reads the header and passes the versions on (here it hands over 999; the state is at
    another). The application's UtdatertVersjon is logged with the status the caller got."""
    sak = saker["frogner"]
    monkeypatch.setattr(Tjenester, "_godtatte_versjoner", lambda self, request, ref: {999})
    r = api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", ANMODNING, **{"If-Match": '"999"'})
    assert r.status_code == 412, r.text
    assert r.json()["type"] == "urn:brukervalg:problem:utdatert-versjon"
    assert _siste(api, "anmodRevurdering") == (412, sak.bruker)


def test_a_stale_if_match_is_412_in_answer_and_log(api: Api, saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    r = api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", ANMODNING, **{"If-Match": '"7"'})
    assert r.status_code == 412, r.text
    assert _siste(api, "anmodRevurdering") == (412, sak.bruker)


def test_a_stale_read_model_is_503_in_answer_and_log(api: Api, saker: dict[str, Sak]) -> None:
    _gjor_projeksjonene_utdatert(api.app)
    r = api.get("lev", "/leverandorer/2care/betalbare-timer/2026/3", formaal="fakturering")
    assert r.status_code == 503, r.text
    assert r.json()["type"] == "urn:brukervalg:problem:lesemodell-utdatert"
    assert _siste(api, "hentBetalbareTimer")[0] == 503
    bid = saker["frogner"].bruker
    r = api.get("sb", f"/brukere/{bid}/leverandor?tjenestetype=praktisk_bistand")
    assert r.status_code == 503, r.text
    # A read that fails after the reach check is logged once, with its own status (not 200).
    assert [o.utfall for o in api.logg() if o.handling == "hentGjeldendeLeverandor"] == [503]


def test_the_store_not_answering_is_503_with_retry_after_in_answer_and_log(
        api: Api, saker: dict[str, Sak], monkeypatch: pytest.MonkeyPatch) -> None:
    sak = saker["frogner"]

    def nede(*_: Any, **__: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(api.app, "save", nede)
    r = api.post("lev", f"/vedtak/{sak.vedtak}/revurderinger", ANMODNING)
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == str(problem.LAGER_RETRY_AFTER)
    body = r.json()
    assert body["type"] == "urn:brukervalg:problem:lager-utilgjengelig"
    assert "Idempotency-Key" in body["detail"]
    assert _siste(api, "anmodRevurdering") == (503, sak.bruker)


@pytest.mark.parametrize("exc", [
    UtdatertVersjon(__import__("uuid").uuid4(), 2, frozenset({1})),
    problem.ForhandsbetingelseFeilet(detail="x"), problem.IdempotensKonflikt(detail="x"),
    problem.Uleselig("felt", "x"), OperationalError("x"), RecursionError(), KeyError("x")])
def test_the_answer_and_the_log_read_the_same_table(exc: Exception) -> None:
    """The status the mapper answers is the one the log records, for every kind of error."""
    from litestar.testing import RequestFactory

    svar = problem.til_problem(RequestFactory().get("/x"), exc)
    status, slug = problem.klassifiser(exc)
    assert svar.status_code == status == problem.status_for(exc)
    if svar.content.regel is None:  # a broken rule's type is its catalogue entry instead
        assert svar.content.type == f"urn:brukervalg:problem:{slug}"


@pytest.mark.parametrize("metode", ["GET", "POST"])
def test_the_payment_control_requires_a_purpose_logs_each_bruker_and_every_failure(
        api: Api, saker: dict[str, Sak], metode: str) -> None:
    """Both forms (with and without the provider's invoice basis) list brukere: X-Formaal is
    required, one row per bruker listed; a refused or failed attempt is one row with its status."""
    from tests.conftest import FNR
    from tests.e2e.conftest import lag_sak

    andre = lag_sak(api, FNR[3])
    for s in (saker["frogner"], andre):
        r = api.post("lev", f"/leveranser/{s.leveranse}/besok", {
            "start": "2026-03-02T07:00:00+01:00", "slutt": "2026-03-02T08:00:00+01:00",
            "ansatt": "a1"})  # before the e2e clock's 09:00 (BV8)
        assert r.status_code == 200, r.text

    def kall(url: str, formaal: str | None) -> Any:
        return api.klient.request(metode, url, content=b"" if metode == "POST" else None,
                                  headers=api.hode("lev", formaal=formaal))

    def rader() -> list[tuple[int, Any]]:
        return [(o.utfall, o.bruker_id) for o in api.logg() if o.handling in (
            "betalingskontroll", "betalingskontrollUtenKrav")]

    url = "/oppfolging/betalingskontroll/2care/2026-03"
    assert kall(url, None).status_code == 400
    assert kall(url + "?format=pdf", "fakturering").status_code == 400
    assert kall("/oppfolging/betalingskontroll/2care/2026-13", "fakturering").status_code == 400
    assert kall("/oppfolging/betalingskontroll/nordlys/2026-03", "fakturering").status_code == 404
    # (a format or month outside the schema is refused before the handler, as everywhere)
    nektet = rader()
    assert nektet[0] == (400, None) and nektet[-1] == (404, None)
    assert {b for _, b in nektet} == {None}
    r = kall(url, "fakturering")
    assert r.status_code == 200, r.text
    listet = sorted(str(b) for b in (saker["frogner"].bruker, andre.bruker))
    assert sorted(str(b) for u, b in rader()[len(nektet):] if u == 200) == listet
    assert len(rader()) == len(nektet) + 2
    assert all(b in r.text for b in listet)


def test_a_payment_control_that_fails_in_the_handler_is_logged_with_its_status(
        api: Api, saker: dict[str, Sak]) -> None:
    """A bad invoice basis (400, found after the purpose and reach checks) is logged too."""
    url = "/oppfolging/betalingskontroll/2care/2026-03"
    r = api.klient.post(url, content=b"bruker;tjenestetype;timer\nx;y;z\n",
                        headers=api.hode("lev", formaal="fakturering"))
    assert r.status_code == 400 and r.json()["felt"] == "body", r.text
    assert [(o.handling, o.utfall, o.bruker_id) for o in api.logg()
            if o.handling == "betalingskontroll"] == [("betalingskontroll", 400, None)]
