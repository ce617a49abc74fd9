"""Every request body and success answer in the OpenAPI document has an example, the example
fits the schema it illustrates, and the examples are what the API takes and answers today
(recorded by ``tests/e2e/eksempler.py``; a binary xlsx answer has none)."""

from __future__ import annotations

import json
import os
from typing import Any

import jsonschema_rs  # Schemathesis's own validator (a dev dependency through it)
import pytest

from tests.e2e.conftest import Api
from tests.e2e.eksempler import FIL, scenario, som_json

METODER = ("get", "post", "put", "delete", "patch")
BINAER = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def dokument(api: Api) -> dict[str, Any]:
    r = api.klient.get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def _innhold(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(operation, "request"/status, {media type: media type object}) of every body."""
    ut = []
    for sti in doc["paths"].values():
        for metode, op in sti.items():
            if metode not in METODER:
                continue
            if "requestBody" in op:
                ut.append((op["operationId"], "foresporsel", op["requestBody"]["content"]))
            for kode, svar in op["responses"].items():
                if kode.startswith("2"):
                    ut.append((op["operationId"], kode, svar.get("content", {})))
    return ut


def _skjema(doc: dict[str, Any], skjema: dict[str, Any]) -> dict[str, Any]:
    """A media type's schema with the document's components, for jsonschema to resolve $refs."""
    return {**skjema, "components": doc["components"]}


def test_every_body_has_an_example_that_fits_its_schema(dokument: dict[str, Any]) -> None:
    mangler, feil, sjekket = [], [], 0
    for op, hva, innhold in _innhold(dokument):
        for medietype, m in innhold.items():
            if medietype == BINAER:
                continue
            if "example" not in m:
                mangler.append(f"{op} {hva} {medietype}")
                continue
            eksempel = m["example"]
            if medietype.endswith("json"):
                v = jsonschema_rs.Draft202012Validator(_skjema(dokument, m["schema"]))
                feil += [f"{op} {hva}: {list(e.instance_path)}: {e.message[:160]}"
                         for e in v.iter_errors(eksempel)]
            else:
                assert isinstance(eksempel, str) and eksempel, (op, hva, medietype)
            sjekket += 1
    assert not mangler, "uten eksempel:\n" + "\n".join(mangler)
    assert not feil, "eksempel passer ikke skjemaet:\n" + "\n".join(feil)
    assert sjekket > 90  # 56 operations: their request bodies and success answers


def test_field_examples_are_each_fields_own_and_the_words_norwegian(
        dokument: dict[str, Any]) -> None:
    """A field's example is its value in a recorded body, not its type's one example repeated
    on every field (a visit ending when it starts, ``"7.00"`` for every hour figure); and
    nothing Litestar says on its own is left in English."""
    s = dokument["components"]["schemas"]
    besok = s["BesokInn"]["properties"]
    assert besok["start"]["examples"] != besok["slutt"]["examples"]
    assert s["BesokKvitteringUt"]["properties"]["lenke"]["examples"][0].startswith("/leveranser/")
    linje = s["FakturalinjeUt"]["properties"]
    assert linje["bestilt_timer"]["examples"] != linje["levert_timer"]["examples"]
    # the verification report's keys are the ledger's (English), each described in Norwegian
    for navn in ("Kjedeverifisering", "Kjedebrudd", "Kjedeposisjon"):
        assert all(f.get("description") for f in s[navn]["properties"].values()), navn
    tekst = json.dumps(dokument)
    for engelsk in ("Request fulfilled", "datetime with the constraint", "timezone info"):
        assert engelsk not in tekst


def test_a_wrong_example_is_caught(dokument: dict[str, Any]) -> None:
    """The check above can fail: an answer with a field of the wrong type does not fit."""
    m = dokument["paths"]["/brukere/{bruker_id}"]["get"]["responses"]["200"]["content"][
        "application/json"]
    galt = {**m["example"], "versjon": "tre"}
    v = jsonschema_rs.Draft202012Validator(_skjema(dokument, m["schema"]))
    assert [list(e.instance_path) for e in v.iter_errors(galt)] == [["versjon"]]


def test_the_examples_are_what_the_api_answers_today(api: Api) -> None:
    """The recorded file is the scenario's output now (ids and clock times aside): same
    operations, same status codes and media types, same JSON keys at every level."""
    ny = scenario(api)
    if os.environ.get("BRUKERVALG_SKRIV_EKSEMPLER") == "1":
        FIL.write_text(som_json(ny), encoding="utf-8")
    lagret = json.loads(FIL.read_text(encoding="utf-8"))
    naa = json.loads(som_json(ny))
    assert set(lagret) == set(naa)

    def form(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: form(v) for k, v in sorted(x.items())}
        if isinstance(x, list):
            return [form(x[0])] if x else []
        return type(x).__name__ if x is not None else None

    for op in naa:
        for del_ in ("foresporsel", "svar"):
            assert form(lagret[op][del_]) == form(naa[op][del_]), (
                f"{op} {del_}: eksempelet er utdatert; skriv eksemplene på nytt "
                "(se tests/e2e/eksempler.py)")
