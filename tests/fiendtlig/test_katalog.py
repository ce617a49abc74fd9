"""The hostile-input catalogue on both stores (issue 14): every row is refused without a 5xx, in
Norwegian problem details naming the field, with nothing stored; afterwards (and after old
events holding what the edge now refuses were written below the API) every report and a full
rebuild still work.

One server per store serves the whole module; the rows run in catalogue order, then the checks
afterwards (pytest orders a module-scoped parameter's tests together)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.begreper import Aktor, Rolle
from domain.bruker import BrukerRegistrert
from domain.leveranse import AvvikRegistrert, BesokUtfort
from interfaces.cli import main
from projections import Projections
from tests.fiendtlig.conftest import Miljo, fyll
from tests.fiendtlig.katalog import INGEN, KATALOG, Ond

ENGELSK = ("Input ", "Value error", "Field ", "Expected ", "Missing ", "Invalid ", "String ",
           "JSON ", "Unable ", "Not Found", "Method ")

assert len(KATALOG) >= 100 and len({o.navn for o in KATALOG}) == len(KATALOG)


def _send(m: Miljo, ond: Ond) -> Any:
    api, ider = m.api, m.ider()
    hoder: dict[str, Any] = {**api.hode(ond.rolle),  # as bytes: a header need not be ASCII
                             **{k: fyll(v, ider).encode() for k, v in ond.hoder.items()}}
    if ond.type:
        hoder["Content-Type"] = ond.type
    innhold = ond.innhold
    if innhold is not None:
        for navn, verdi in ider.items():
            innhold = innhold.replace(("{" + navn + "}").encode(), verdi.encode())
    elif ond.json is not INGEN:
        innhold = json.dumps(fyll(ond.json, ider)).encode()
        hoder.setdefault("Content-Type", "application/json")
    return api.klient.request(ond.metode, fyll(ond.sti, ider), content=innhold, headers=hoder)


@pytest.mark.parametrize("ond", KATALOG, ids=[o.navn for o in KATALOG])
def test_a_hostile_input_is_refused_naming_the_field_and_stores_nothing(miljo: Miljo,
                                                                         ond: Ond) -> None:
    foer = miljo.api.antall_hendelser()
    r = _send(miljo, ond)
    assert r.status_code < 500, (r.status_code, r.text[:500])
    assert r.status_code in ond.status, (r.status_code, r.text[:500])
    if ond.linjer:  # a readable time report: a receipt per line, every line rejected
        linjer = r.json()["linjer"]
        assert linjer and all(k["status"] == "avvist" and k["felt"] and k["melding"]
                              for k in linjer), linjer
    else:
        assert r.headers["content-type"].startswith("application/problem+json"), r.text[:300]
        svar = r.json()
        assert svar["status"] == r.status_code
        assert svar["felt"], svar
        if ond.felt is not None:
            assert svar["felt"] == ond.felt, svar
        for tekst in [svar["detail"], *(f["melding"] for f in svar.get("feil") or [])]:
            assert tekst and not tekst.startswith(ENGELSK), svar
    assert miljo.api.antall_hendelser() == foer, "a fact was stored from bad input"


# --- afterwards: old events hold what the edge refuses now; nothing downstream breaks ---------

GIFT = "a\x00b\r\n\x1b\u202e\u200b\ufeff\ufffe\x85"
"""What an event written before BV6 (or by a bug) can hold: NUL, CR, LF, ESC, RLO, ZWSP, BOM, a
noncharacter, a C1 control. (Not a lone surrogate: the store's UTF-8 JSON cannot hold one, the
save itself refuses it.)"""


def _gamle_hendelser(m: Miljo) -> None:
    """Write, below the API, events whose strings the edge would refuse."""
    app = m.api.app
    aktor = Aktor(person_id="gammel\x00", rolle=Rolle.LEVERANDOR,
                  organisasjon="leverandor:2care")
    naa = datetime(2026, 3, 1, 12, tzinfo=UTC)
    lev = app.leveranse(m.egen.leveranse)
    besok = BesokUtfort(originator_id=lev.id, originator_version=lev.version + 1,
                        timestamp=naa, aktor=aktor, besok_id=uuid4(),
                        start=datetime(2026, 2, 25, 8, tzinfo=UTC),
                        slutt=datetime(2026, 2, 25, 9, tzinfo=UTC), ansatt=f"ans{GIFT}",
                        tiltakskode=GIFT)
    avvik = AvvikRegistrert(originator_id=lev.id, originator_version=lev.version + 2,
                            timestamp=naa, aktor=aktor, avvik_id=uuid4(), type="avvik",
                            mottatt_tid=naa, beskrivelse=f"beskrivelse{GIFT}")
    app._lagre([besok, avvik], lev.id, lev.version)
    bruker_id = uuid4()
    bruker = BrukerRegistrert(originator_id=bruker_id, originator_version=1, timestamp=naa,
                              aktor=aktor, fodselsnummer="05073022209", navn=f"Navn{GIFT}",
                              bydel="frogner")
    app._lagre([bruker], bruker_id, 0)


RAPPORTER = [
    ("ko", "/oppfolging/rapport?fra=2026-02&til=2026-03"),
    ("ko", "/oppfolging/rapport?fra=2026-02&til=2026-03&format=csv"),
    ("ko", "/oppfolging/rapport?fra=2026-02&til=2026-03&format=xlsx"),
    ("lev", "/oppfolging/rapport?fra=2026-02&til=2026-03&leverandor=2care"),
    ("ko", "/oppfolging/betalingskontroll/2care/2026-02"),
    ("ko", "/oppfolging/betalingskontroll/2care/2026-02?format=xlsx"),
    ("lev", "/leverandorer/2care/betalbare-timer/2026/2"),
    ("lev", "/leverandorer/2care/brukere?dato=2026-02-25"),
    ("lev", "/leveranser/{leveranse}/besok"),
    ("sb", "/brukere/{bruker}/historikk"),
    ("kb", "/brukere/{bruker}/klagesak"),
    ("kb", "/brukere/{bruker}/klagesak/dokument"),
    ("sb", "/brukere/{bruker}/egenandel/2026/2"),
    ("ko", "/sla"),
    ("ko", "/arbeidsliste/oversikt"),
    ("sb", "/arbeidsliste"),
    ("ko", "/kjede/verifisering"),
]


def test_afterwards_old_events_with_any_string_break_no_report_and_no_rebuild(
        miljo: Miljo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    api = miljo.api
    _gamle_hendelser(miljo)
    ider = miljo.ider()
    for rolle, url in RAPPORTER:
        r = api.get(rolle, fyll(url, ider), formaal="kontraktsoppfolging")
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
    r = api.klient.post("/oppfolging/betalingskontroll/2care/2026-02", headers={
        **api.hode("ko"), "Content-Type": "text/csv"},
        content=f"bruker;tjenestetype;timer;belop\n{miljo.egen.bruker};praktisk_bistand;2;"
                "900\n".encode())
    assert r.status_code == 200, r.text[:300]
    Projections(api.app).gjenoppbygg()
    for name, value in miljo.env.items():  # the operator's command, on the same store
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BRUKERVALG_UTVIKLING", "1")
    capsys.readouterr()
    assert main(["projeksjoner", "gjenoppbygg"]) == 0
    assert "gjenoppbygg:" in capsys.readouterr().out
    r = api.get("lev", "/leverandorer/2care/betalbare-timer/2026/2")
    assert r.status_code == 200, r.text[:300]
    assert r.json()["levert_timer"] == "2.00", r.json()  # the seeded visit and the old one
