"""Visits from an uploaded time report read over HTTP exactly like single visits: listed with
their derived id and recorded time, counted on the delivery, cancellations shown."""

from __future__ import annotations

import hashlib
from typing import Any

from domain.leveranse import rapportert_besok_id
from tests.e2e.conftest import Api, Sak

HODE = "type;bruker;tjenestetype;start;slutt;ansatt;kategori;tiltakskode;avbestilt_tid;journalreferanse"


def _ok(r: Any) -> Any:
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_reported_visits_are_listed_and_counted_like_single_ones(api: Api,
                                                                 saker: dict[str, Sak]) -> None:
    sak = saker["frogner"]
    tekst = "\n".join([
        HODE,
        f"besok;{sak.bruker};praktisk_bistand;2026-02-17T09:00+01:00;2026-02-17T10:00+01:00;a1;;;;",
        f"avbestilling;{sak.bruker};praktisk_bistand;2026-02-20T09:00+01:00;2026-02-20T10:00+01:00;"
        ";;;2026-02-18T09:00+01:00;OL-9",
        f"besok;{sak.bruker};praktisk_bistand;2026-02-18T09:00+01:00;2026-02-18T09:45+01:00;a2;;;;",
    ]) + "\n"
    r = api.klient.post("/leverandorer/2care/tidsrapporter", content=tekst.encode(),
                        headers={**api.hode("lev", formaal=None), "Content-Type": "text/csv"})
    assert _ok(r)["sammendrag"]["godtatt"] == 3
    # A single visit beside them, through the single command.
    _ok(api.post("lev", f"/leveranser/{sak.leveranse}/besok", {
        "start": "2026-02-19T09:00:00+01:00", "slutt": "2026-02-19T09:30:00+01:00", "ansatt": "a3"}))
    lev = _ok(api.get("lev", f"/leveranser/{sak.leveranse}"))
    assert lev["antall_besok"] == 3
    assert [a["journalreferanse"] for a in lev["avbestillinger"]] == ["OL-9"]
    side = _ok(api.get("lev", f"/leveranser/{sak.leveranse}/besok"))
    assert [(b["start"][:10], b["ansatt"]) for b in side["elementer"]] == [
        ("2026-02-17", "a1"), ("2026-02-18", "a2"), ("2026-02-19", "a3")]
    sha = hashlib.sha256(tekst.encode()).hexdigest()
    rapportert = {b["besok_id"] for b in side["elementer"][:2]}
    assert rapportert == {str(rapportert_besok_id(sak.leveranse, sha, n)) for n in (2, 4)}
    assert all(b["registrert"] for b in side["elementer"])
    # Where each visit came from: the file and its line; a single visit came from no file.
    assert [(b["fil_sha256"], b["linje"]) for b in side["elementer"]] == [
        (sha, 2), (sha, 4), (None, None)]
