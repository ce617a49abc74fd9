"""The OpenAPI document says what the server accepts (issue 14, Schemathesis' findings): OPTIONS
names every method of a path, and every constrained text parameter carries its constraint."""

from __future__ import annotations

import re

from tests.fiendtlig.conftest import Miljo, fyll

STIPARAMETRE = {"bruker_id": "{bruker}", "vedtak_id": "{vedtak}", "leveranse_id": "{leveranse}",
                "hendelse_id": "{valg}", "leverandor_id": "2care", "leverandor": "2care",
                "aar": "2026", "maaned": "3"}


def test_options_allow_names_every_documented_method_of_the_path(miljo: Miljo) -> None:
    api, ider = miljo.api, miljo.ider()
    dok = api.klient.get("/schema/openapi.json").json()
    sjekket = 0
    for sti, operasjoner in dok["paths"].items():
        ekte = re.sub(r"\{(\w+)\}", lambda m: STIPARAMETRE.get(m.group(1), "{bruker}"), sti)
        if "betalingskontroll" in sti:
            ekte = ekte.replace("/3", "/2026-03")
        r = api.klient.options(fyll(ekte, ider), headers=api.hode("sb"))
        assert r.status_code == 204, (sti, r.status_code)
        tillatt = {m.strip() for m in r.headers["allow"].split(",")}
        assert tillatt == {m.upper() for m in operasjoner} | {"OPTIONS"}, (sti, tillatt)
        sjekket += 1
    assert sjekket == len(dok["paths"]) > 40


def test_every_text_a_client_sends_is_constrained_in_the_document(miljo: Miljo) -> None:
    """A string without a pattern, format or enum would let a schema-valid request be refused
    (BV6 refuses control characters everywhere): each one says what it takes."""
    dok = miljo.api.klient.get("/schema/openapi.json").json()
    frie: list[str] = []
    for sti, operasjoner in dok["paths"].items():
        for metode, op in operasjoner.items():
            for p in op.get("parameters", []):
                s = p.get("schema", {})
                if s.get("type") == "string" and not {"pattern", "format", "enum"} & set(s):
                    frie.append(f"{metode.upper()} {sti} {p['in']} {p['name']}")
    for navn, skjema in dok["components"]["schemas"].items():
        if not navn.endswith("Inn"):
            continue
        for felt, s in skjema.get("properties", {}).items():
            varianter = s.get("oneOf", [s])
            for v in varianter:
                if v.get("type") == "string" and not {"pattern", "format", "enum"} & (
                        set(v) | set(s)):
                    frie.append(f"{navn}.{felt}")
    assert frie == [], "\n".join(frie)
