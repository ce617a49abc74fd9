"""The deadline worklist over HTTP, per role, with its refusal cases and the access log.

Clock: Monday 2 March 2026 09:00 (Oslo). Frogner's home-nursing delivery started 16 February
with no notice (R11: the bydel's, overdue); 2care asked for a revurdering at 09:00 (R16: the
bydel's, due before Wednesday 00:00); 2care received a concern report at 08:30 and has not
forwarded it (R21: the provider's, due 09:30 — overdue at 10:00, not yet at 09:00)."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from tests.conftest import FNR, Klokke, oslo
from tests.e2e.conftest import Api, lag_sak
from tests.oppfolging.test_html_chromium import ARTEFAKTER, CHROMIUM, _chromium
from tests.verktoy import krev


@pytest.fixture
def sak(api: Api) -> tuple[UUID, UUID, UUID]:
    s = lag_sak(api, FNR[0], tjenestetype="hjemmesykepleie_dag")
    r = api.post("lev", f"/vedtak/{s.vedtak}/revurderinger",
                 {"anmodet_tid": "2026-03-02T09:00:00+01:00", "begrunnelse": "mer hjelp"})
    assert r.status_code in (200, 201), r.text
    r = api.post("lev", f"/leveranser/{s.leveranse}/bekymringsmeldinger",
                 {"mottatt_tid": "2026-03-02T08:30:00+01:00", "fagjournal": "OL-fagjournal 7"})
    assert r.status_code in (200, 201), r.text
    lag_sak(api, FNR[1], bydel="sagene", leverandor="nordlys", tjenestetype="hjemmesykepleie_dag")
    return s.bruker, s.vedtak, s.leveranse


def test_bydelen_ser_sine_frister_sortert_med_forfalte_merket(api: Api, sak: tuple) -> None:
    bruker, _, _ = sak
    r = api.get("sb", "/arbeidsliste")
    assert r.status_code == 200, r.text
    doc = r.json()
    regler = [(x["regel"], x["skyldig"], x["forfalt"]) for x in doc["elementer"]]
    assert regler == [("R11", "bydel", True), ("R16", "bydel", False)]  # by deadline
    r16 = doc["elementer"][1]
    assert (r16["frist"], r16["virkedager_igjen"], r16["forfall"]) == (
        {"tidspunkt": "2026-03-04T00:00:00+01:00", "dato": None, "inklusiv": False}, 1,
        "innen 1 virkedag")
    assert (doc["totalt"], doc["forfalte"]) == (2, 1)
    assert {x["bruker_id"] for x in doc["elementer"]} == {str(bruker)}  # not Sagene's user
    logget = [x for x in api.logg() if x.handling == "hentArbeidsliste" and x.utfall == 200]
    assert [str(x.bruker_id) for x in logget] == [str(bruker)]


def test_leverandoren_ser_bare_sine_egne(api: Api, sak: tuple) -> None:
    r = api.get("lev", "/arbeidsliste")
    assert r.status_code == 200, r.text
    [x] = r.json()["elementer"]
    assert (x["regel"], x["skyldig"], x["leverandor_id"], x["forfall"], x["forfalt"]) == (
        "R21", "leverandor", "2care", "innen 1 time", False)


def test_filtre_og_sider(api: Api, sak: tuple) -> None:
    bruker, _, _ = sak
    assert [x["regel"] for x in api.get("sb", "/arbeidsliste?regel=R16").json()["elementer"]] \
        == ["R16"]
    foer = api.get("sb", "/arbeidsliste?frist_foer=2026-03-01T00:00:00%2B01:00").json()
    assert [x["regel"] for x in foer["elementer"]] == ["R11"]
    side = api.get("sb", "/arbeidsliste?antall=1").json()
    assert (side["antall"], side["totalt"]) == (1, 2) and "fra=1" in side["neste"]
    annen = api.get("sb", "/arbeidsliste?tjenestetype=praktisk_bistand").json()
    assert annen["elementer"] == []
    assert api.get("sb", f"/arbeidsliste?bruker={bruker}").json()["totalt"] == 2


def test_velferdsetaten_ser_antall_per_leverandor_og_bydel(api: Api, sak: tuple) -> None:
    r = api.get("ko", "/arbeidsliste/oversikt", formaal="kontraktsoppfolging")
    assert r.status_code == 200, r.text
    tall = {(x["leverandor_id"], x["bydel"], x["skyldig"]): (x["apne"], x["forfalte"])
            for x in r.json()["elementer"]}
    assert tall[("2care", "frogner", "bydel")] == (1, 1)
    assert tall[("2care", "frogner", "leverandor")] == (1, 0)
    assert tall[("nordlys", "sagene", "bydel")][1] == 1


def test_avvisninger(api: Api, sak: tuple) -> None:
    assert api.get("kb", "/arbeidsliste").status_code == 403
    assert api.get("ko", "/arbeidsliste", formaal="kontraktsoppfolging").status_code == 403
    assert api.get("lev", "/arbeidsliste/oversikt").status_code == 403
    assert api.get("sb", "/arbeidsliste", formaal=None).status_code == 400
    assert api.klient.get("/arbeidsliste").status_code == 401
    assert api.get("sb", "/arbeidsliste?regel=X1").status_code == 400
    naiv = api.get("sb", "/arbeidsliste?frist_foer=2026-03-01T00:00:00")
    assert naiv.status_code in (400, 422), naiv.text


def test_html_siden_er_paa_norsk_med_oslo_tid(api: Api, sak: tuple) -> None:
    r = api.get("sb", "/arbeidsliste/side")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "Arbeidsliste for Bydel Frogner" in r.text
    assert "onsdag 4. mars 2026 kl. 00:00" in r.text and "Forfalt" in r.text
    # the provider by its name, as a person reads it (the JSON list keeps the id)
    assert "<td>2care hjemmetjenester</td>" in r.text and "<td>2care</td>" not in r.text
    lev = api.get("lev", "/arbeidsliste/side")
    assert "Arbeidsliste for 2care hjemmetjenester" in lev.text
    oversikt = api.get("ko", "/arbeidsliste/oversikt?format=html")
    assert oversikt.status_code == 200, oversikt.text
    assert "<td>2care hjemmetjenester</td><td>Bydel Frogner</td>" in oversikt.text


def test_html_siden_aapnes_i_headless_chromium_med_skjermbilde(api: Api, sak: tuple,
                                                              tmp_path: Path) -> None:
    """The worklist page opened in a real headless Chromium: Norwegian, Oslo times, overdue
    marked, no console errors; the screenshot is saved under test-artifacts/."""
    krev(CHROMIUM, "chromium er ikke installert")
    r = api.get("sb", "/arbeidsliste/side")
    fil = tmp_path / "arbeidsliste.html"
    fil.write_text(r.text, encoding="utf-8")
    dom = _chromium(tmp_path, "profil-dom", "--dump-dom", fil.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert not [x for x in dom.stderr.splitlines() if "CONSOLE" in x or "Uncaught" in x]
    assert dom.stdout.count("<tr class=\"forfalt\">") == 1
    assert "Varsle leverandøren før oppstart" in dom.stdout
    assert "onsdag 4. mars 2026 kl. 00:00" in dom.stdout
    ARTEFAKTER.mkdir(exist_ok=True)
    bilde = ARTEFAKTER / "arbeidsliste.png"
    bilde.unlink(missing_ok=True)
    skudd = _chromium(tmp_path, "profil-bilde", f"--screenshot={bilde}", fil.as_uri())
    assert skudd.returncode == 0, skudd.stderr[-2000:]
    assert bilde.exists() and bilde.stat().st_size > 10_000


def test_json_og_html_viser_fristen_i_oslo_tid_over_sommertidsskiftet(api: Api,
                                                                      klokke: Klokke) -> None:
    """Friday 27 March 2026 10:00 CET, a home-nursing start on Tuesday 31 March: the R11 notice
    is due Monday 30 March 14:00, after the DST change of 29 March (CEST). The JSON's human
    fields and the page say so in Oslo time; the page's own time is CET."""
    klokke.sett(oslo(2026, 3, 27, 10, 0))
    b = api.post("sb", "/brukere", {"fodselsnummer": FNR[2], "navn": "Per Hansen",
                                    "bydel": "frogner"}).json()["id"]
    v = api.post("vm", f"/brukere/{b}/vedtak", {
        "tjenestetype": "hjemmesykepleie_dag", "gyldig_fra": "2026-03-31",
        "omfang": {"minutter": 420}, "vedtaksdato": "2026-03-27"})
    assert v.status_code == 201, v.text
    r = api.post("sb", f"/brukere/{b}/leveranser", {"tjenestetype": "hjemmesykepleie_dag",
                                                     "vedtak_id": v.json()["id"],
                                                     "fom": "2026-03-31"})
    assert r.status_code == 201, r.text
    [x] = api.get("sb", f"/arbeidsliste?bruker={b}").json()["elementer"]
    assert (x["frist"]["tidspunkt"], x["frist_tekst"], x["utlost_av"], x["forfall"]) == (
        "2026-03-30T14:00:00+02:00", "mandag 30. mars 2026 kl. 14:00", "oppstart 31.03.2026",
        "innen 1 virkedag")
    side = api.get("sb", f"/arbeidsliste/side?bruker={b}").text
    assert "Per fredag 27. mars 2026 kl. 10:00" in side
    assert "mandag 30. mars 2026 kl. 14:00" in side and "oppstart 31.03.2026" in side
