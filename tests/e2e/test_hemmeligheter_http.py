"""The API's stored answers at rest (issue 16): with the store's keys, an answer remembered for
an Idempotency-Key is encrypted like the events, and its request fingerprint is keyed (a plain
sha256 of a registration's fødselsnummer, name and bydel confirms who is registered to anyone who
recomputes it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from application.app import BrukervalgApp
from application.nokler import lag_nokler
from tests.conftest import FNR
from tests.e2e.conftest import Api

NAVN = "Solveig Hemmelig"


def _rader(api: Api) -> list[Any]:
    with api.tables.datastore.transaction(commit=False) as c:
        c.execute("SELECT fingeravtrykk, body FROM http_idempotens")
        return list(c.fetchall())


@pytest.mark.parametrize("med_nokler", [True, False], ids=["med-nokler", "uten-nokler"])
def test_stored_answers_are_encrypted_and_fingerprints_keyed_with_the_store_keys(
        lag_app: Callable[..., BrukervalgApp], lag_api: Callable[..., Api], store: str,
        med_nokler: bool) -> None:
    cipher, indeks = lag_nokler()
    env = {"BRUKERVALG_CIPHER_KEY": cipher, "BRUKERVALG_INDEKS_NOKKEL": indeks} \
        if med_nokler else {}
    api = lag_api(app=lag_app(store, env=env, produksjon=med_nokler))
    inn = {"fodselsnummer": FNR[0], "navn": NAVN, "bydel": "frogner"}
    forste = api.post("sb", "/brukere", inn, **{"Idempotency-Key": "reg-1"})
    assert forste.status_code == 201
    [rad] = _rader(api)
    lagret = bytes(rad["body"])
    # what a plain sha256 fingerprint would be: anyone holding a list of names and numbers
    # could confirm who is registered by recomputing it
    sha = hashlib.sha256(b"POST /brukere\n" + orjson.dumps(
        inn, option=orjson.OPT_SORT_KEYS)).hexdigest()
    assert rad["fingeravtrykk"] != sha
    if med_nokler:
        assert lagret != forste.content and str(forste.json()["id"]).encode() not in lagret
    else:  # the control: the development store keeps its answers in clear
        assert lagret == forste.content
    # ... and the remembered answer is still given back on a retry, and guarded by its print
    igjen = api.post("sb", "/brukere", inn, **{"Idempotency-Key": "reg-1"})
    assert igjen.content == forste.content and igjen.headers["idempotent-replayed"] == "true"
    annen = api.post("sb", "/brukere", {**inn, "navn": "Annen Person"},
                     **{"Idempotency-Key": "reg-1"})
    assert annen.status_code == 422
