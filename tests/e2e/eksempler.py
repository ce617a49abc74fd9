"""The OpenAPI document's examples, recorded from the API itself.

One realistic case (a bruker in Frogner served by 2care: choice, vedtak, delivery, visits, a
revurdering, an appeal, the reports, a switch, a move, a death) runs through every operation in
process, and every request body and success answer is kept: ``interfaces/http/eksempler.json``,
which ``create_app`` puts into the document. So an example is what the API really takes and
answers, not a guess.

Write the file again after changing a schema (``tests/e2e/test_eksempler.py`` fails until then):

    BRUKERVALG_SKRIV_EKSEMPLER=1 .venv/bin/python -m pytest tests/e2e/test_eksempler.py -q
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import FNR, oslo
from tests.e2e.conftest import Api

FIL = Path(__file__).resolve().parents[2] / "interfaces" / "http" / "eksempler.json"
T = "+01:00"


@dataclass
class Opptak:
    """What one operation took and answered: {"foresporsel": {media type: body},
    "svar": {status: {media type: body}}}."""

    foresporsel: dict[str, Any] = field(default_factory=dict)
    svar: dict[str, dict[str, Any]] = field(default_factory=dict)


class Opptaker:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.opptak: dict[str, Opptak] = {}

    def kall(self, operasjon: str, rolle: str, metode: str, url: str,
             body: dict[str, Any] | None = None, *, csv: str | None = None,
             status: int = 200) -> Any:
        hoder = self.api.hode(rolle)
        if csv is not None:
            r = self.api.klient.request(metode, url, content=csv.encode(),
                                        headers={**hoder, "Content-Type": "text/csv"})
        else:
            r = self.api.klient.request(metode, url, json=body, headers=hoder)
        assert r.status_code == status, (operasjon, r.status_code, r.text[:400])
        medietype = r.headers["content-type"].split(";")[0].strip()
        o = self.opptak.setdefault(operasjon, Opptak())
        if csv is not None:
            o.foresporsel.setdefault("text/csv", csv)
        elif body is not None:
            o.foresporsel.setdefault("application/json", body)
        innhold: Any
        if medietype == "application/json":
            innhold = r.json()
        elif medietype.startswith("text/"):
            innhold = r.text
        else:
            innhold = None  # a binary file (xlsx) has no example
        if innhold is not None:
            o.svar.setdefault(str(status), {}).setdefault(medietype, innhold)
        return r.json() if medietype == "application/json" else r.text


def _kort_html(tekst: str) -> str:
    """An HTML example: the page's head and the start of its body, not the whole report."""
    slutt = tekst.find("</h1>")
    return (tekst[:slutt + 5] if slutt > 0 else tekst[:600]) + "…</body></html>"


def scenario(api: Api) -> dict[str, Opptak]:
    """Every operation once (creating ones also repeated: the 200 answer), in a believable order."""
    o = Opptaker(api)
    k = o.kall

    def naa(*tid: int) -> None:
        """The story's clock moves on: each fact is recorded just after it happened (BV8)."""
        api.app.klokke.sett(oslo(*tid))  # type: ignore[attr-defined]

    naa(2026, 2, 10, 10, 5)
    kari = {"fodselsnummer": FNR[0], "navn": "Kari Nordmann", "bydel": "frogner"}
    b = k("registrerBruker", "sb", "POST", "/brukere", kari, status=201)["id"]
    k("registrerBruker", "sb", "POST", "/brukere", kari)
    k("finnBruker", "sb", "POST", "/brukere/sok", {"fodselsnummer": FNR[0]})
    k("registrerInformasjonGitt", "sb", "POST", f"/brukere/{b}/informasjon", {
        "gitt_tid": f"2026-02-10T10:00:00{T}", "gitt_av": "sb-frogner-1", "gitt_til": "parorende",
        "mottaker_navn": "Ola Nordmann"})
    naa(2026, 2, 11, 9, 0)
    valg = {"tjenestetype": "praktisk_bistand", "leverandor_id": "nordlys", "form": "muntlig",
            "gyldig_fra": "2026-02-16"}
    k("velgLeverandor", "sb", "POST", f"/brukere/{b}/valg", valg)
    valg_id = k("hentBruker", "sb", "GET", f"/brukere/{b}")["valg"][0]["hendelse_id"]
    k("korrigerLeverandorvalg", "sb", "POST", f"/brukere/{b}/valg/{valg_id}/korreksjon", {
        "leverandor_id": "2care", "form": "muntlig", "gyldig_fra": "2026-02-16",
        "begrunnelse": "brukeren valgte 2care; Nordlys ble registrert ved en feiltakelse"})
    naa(2026, 2, 12, 12, 0)
    vedtak_inn = {"tjenestetype": "praktisk_bistand", "gyldig_fra": "2026-02-16",
                  "gyldig_til": "2026-12-31", "vedtaksdato": "2026-02-12",
                  "omfang": {"minutter": 120, "per_uker": 1, "innhold": "rengjøring, innkjøp"}}
    v = k("fattVedtak", "vm", "POST", f"/brukere/{b}/vedtak", vedtak_inn, status=201)["id"]
    k("fattVedtak", "vm", "POST", f"/brukere/{b}/vedtak", {**vedtak_inn, "vedtak_id": v})
    lev_inn = {"tjenestetype": "praktisk_bistand", "vedtak_id": v, "fom": "2026-02-16"}
    lev = k("bestillLeveranse", "sb", "POST", f"/brukere/{b}/leveranser", lev_inn,
            status=201)["id"]
    k("bestillLeveranse", "sb", "POST", f"/brukere/{b}/leveranser",
      {**lev_inn, "leveranse_id": lev})
    naa(2026, 2, 13, 13, 0)
    k("registrerVedtakMottatt", "sb", "POST", f"/vedtak/{v}/mottatt",
      {"mottatt_dato": "2026-02-13"})
    k("varsleLeverandor", "sb", "POST", f"/leveranser/{lev}/varsler", {
        "kanal": "henvendelse", "varslet_tid": f"2026-02-12T13:00:00{T}"})
    naa(2026, 2, 16, 10, 30)
    k("startLeveranse", "lev", "POST", f"/leveranser/{lev}/start",
      {"startet_tid": f"2026-02-16T09:00:00{T}"})
    k("registrerBesok", "lev", "POST", f"/leveranser/{lev}/besok", {
        "start": f"2026-02-16T09:00:00{T}", "slutt": f"2026-02-16T10:00:00{T}",
        "ansatt": "ans-7f3a"})
    naa(2026, 2, 27, 11, 5)
    k("registrerBesokSamlet", "lev", "POST", f"/leveranser/{lev}/besok/samlet", {"besok": [
        {"start": f"2026-02-{d}T09:00:00{T}", "slutt": f"2026-02-{d}T10:00:00{T}",
         "ansatt": "ans-7f3a"} for d in (23, 26)]})
    k("avbestillBesok", "lev", "POST", f"/leveranser/{lev}/avbestillinger", {
        "planlagt_start": f"2026-03-02T09:00:00{T}", "planlagt_slutt": f"2026-03-02T10:00:00{T}",
        "avbestilt_tid": f"2026-02-27T11:00:00{T}", "journalreferanse": "OL-2026-0042"})
    melding = k("mottaBekymringsmelding", "lev", "POST", f"/leveranser/{lev}/bekymringsmeldinger",
                {"mottatt_tid": f"2026-02-23T10:15:00{T}", "fagjournal": "OL-2026-0051"}
                )["melding_id"]
    k("videresendBekymringsmelding", "lev", "POST",
      f"/leveranser/{lev}/bekymringsmeldinger/{melding}/videresending",
      {"videresendt_tid": f"2026-02-23T10:40:00{T}", "beskjedjournal": "OL-2026-0052"})
    avvik = k("registrerAvvik", "sb", "POST", f"/leveranser/{lev}/avvik", {
        "type": "avvik", "mottatt_tid": f"2026-02-24T12:00:00{T}",
        "beskrivelse": "besøket 19. februar ble ikke gjennomført"})["avvik_id"]
    k("behandleAvvik", "sb", "POST", f"/leveranser/{lev}/avvik/{avvik}/behandling", {
        "behandlet_tid": f"2026-02-25T09:30:00{T}",
        "konklusjon": "fulgt opp med leverandøren; nytt besøk satt opp"})
    naa(2026, 3, 2, 9, 5)
    rid = k("anmodRevurdering", "lev", "POST", f"/vedtak/{v}/revurderinger", {
        "anmodet_tid": f"2026-03-02T09:00:00{T}",
        "begrunnelse": "brukeren trenger mer hjelp etter fall"})["revurdering_id"]
    # the worklists while the revurdering waits for its answer (R16)
    k("hentArbeidsliste", "sb", "GET", "/arbeidsliste?antall=3")
    html = k("hentArbeidslisteSide", "sb", "GET", "/arbeidsliste/side?antall=3")
    o.opptak["hentArbeidslisteSide"].svar["200"]["text/html"] = _kort_html(html)
    k("hentArbeidslisteOversikt", "ko", "GET", "/arbeidsliste/oversikt")
    html = k("hentArbeidslisteOversikt", "ko", "GET", "/arbeidsliste/oversikt?format=html")
    o.opptak["hentArbeidslisteOversikt"].svar["200"]["text/html"] = _kort_html(html)
    naa(2026, 3, 3, 14, 5)
    k("besvarRevurdering", "vm", "POST", f"/vedtak/{v}/revurderinger/{rid}/svar", {
        "besvart_tid": f"2026-03-03T14:00:00{T}", "utfall": "endret",
        "nytt_omfang": {"minutter": 180, "innhold": "rengjøring, innkjøp, tøyvask"},
        "gyldig_fra": "2026-03-09"})
    k("reviderVedtak", "vm", "POST", f"/vedtak/{v}/revisjoner", {
        "gyldig_fra": "2026-04-06", "nytt_omfang": {"minutter": 150, "innhold": "rengjøring"},
        "begrunnelse": "tøyvask ordnes av pårørende fra april"})
    k("forlengVedtak", "vm", "POST", f"/vedtak/{v}/forlengelser", {"ny_gyldig_til": "2027-06-30"})
    naa(2026, 3, 5, 10, 0)
    klage = k("mottaKlage", "sb", "POST", f"/vedtak/{v}/klager", {
        "mottatt_dato": "2026-03-05", "gjelder": "omfanget av praktisk bistand"})["klage_id"]
    naa(2026, 3, 20, 12, 0)
    k("avgjorKlage", "kb", "POST", f"/vedtak/{v}/klager/{klage}/avgjorelse", {
        "avgjort_dato": "2026-03-20", "utfall": "delvis_medhold",
        "begrunnelse": "mer tid til innkjøp"})
    k("registrerHusstandsinntekt", "sb", "POST", f"/brukere/{b}/husstandsinntekt", {
        "nettoinntekt": 285000.00, "gyldig_fra": "2026-01-01", "kilde": "siste likning"})

    k("hentBruker", "lev", "GET", f"/brukere/{b}")
    k("hentHistorikk", "sb", "GET", f"/brukere/{b}/historikk?antall=3")
    k("hentTilgangslogg", "sb", "GET", f"/brukere/{b}/tilgangslogg?antall=2")
    k("hentVedtak", "sb", "GET", f"/vedtak/{v}")
    k("hentLeveranse", "sb", "GET", f"/leveranser/{lev}")
    k("listBesok", "lev", "GET", f"/leveranser/{lev}/besok?antall=2")
    k("hentEgenandel", "sb", "GET", f"/brukere/{b}/egenandel/2026/2")
    k("hentEgenandelAar", "sb", "GET", f"/brukere/{b}/egenandel/2026")
    k("hentGjeldendeLeverandor", "sb", "GET",
      f"/brukere/{b}/leverandor?tjenestetype=praktisk_bistand&dato=2026-03-02")
    k("hentCaseload", "ko", "GET", "/leverandorer/2care/brukere?dato=2026-03-02")
    k("hentBetalbareTimer", "ko", "GET", "/leverandorer/2care/betalbare-timer/2026/2")
    k("hentSla", "ko", "GET", f"/sla?bruker_id={b}&antall=3")
    tidsrapport = "\n".join([
        "type;bruker;tjenestetype;start;slutt;ansatt;kategori;tiltakskode;avbestilt_tid;"
        "journalreferanse",
        f"besok;{b};praktisk_bistand;2026-03-09T09:00{T};2026-03-09T11:00{T};ans-7f3a;;;;",
        f"avbestilling;{b};praktisk_bistand;2026-03-16T09:00{T};2026-03-16T11:00{T};;;;"
        f"2026-03-15T18:00{T};OL-2026-0060"]) + "\n"
    k("lastOppTidsrapport", "lev", "POST", "/leverandorer/2care/tidsrapporter", csv=tidsrapport)
    grunnlag = f"bruker;tjenestetype;timer;belop\n{b};praktisk_bistand;4.00;1562.00\n"
    k("betalingskontroll", "ko", "POST", "/oppfolging/betalingskontroll/2care/2026-02",
      csv=grunnlag)
    k("betalingskontrollUtenKrav", "ko", "GET", "/oppfolging/betalingskontroll/2care/2026-02")
    k("hentOppfolgingsrapport", "ko", "GET",
      "/oppfolging/rapport?fra=2026-02&til=2026-03&leverandor=2care&format=csv")
    html = k("hentOppfolgingsrapport", "ko", "GET",
             "/oppfolging/rapport?fra=2026-02&til=2026-03&leverandor=2care")
    o.opptak["hentOppfolgingsrapport"].svar["200"]["text/html"] = _kort_html(html)
    k("listBydeler", "sb", "GET", "/bydeler")
    k("listLeverandorer", "sb", "GET", "/leverandorer")
    k("hentKlagesak", "kb", "GET", f"/brukere/{b}/klagesak?fra=2026-02-16&til=2026-02-16")
    html = k("hentKlagesakDokument", "kb", "GET", f"/brukere/{b}/klagesak/dokument")
    o.opptak["hentKlagesakDokument"].svar["200"]["text/html"] = _kort_html(html)
    k("verifiserKjede", "ko", "GET", "/kjede/verifisering")

    # a switch of provider (R07, R09), then the end of the old delivery and the vedtak
    naa(2026, 4, 2, 10, 0)
    bytte = {"tjenestetype": "praktisk_bistand", "til_leverandor_id": "nordlys",
             "form": "muntlig", "oppsigelsesdato": "2026-04-01"}
    ny = k("byttLeverandor", "sb", "POST", f"/brukere/{b}/bytter", bytte, status=201)["id"]
    k("byttLeverandor", "sb", "POST", f"/brukere/{b}/bytter", {**bytte, "ny_leveranse_id": ny})
    k("sendBytteBekreftelse", "sb", "POST", f"/brukere/{b}/bytter/bekreftelser", {
        "tjenestetype": "praktisk_bistand", "oppsigelsesdato": "2026-04-01",
        "sendt_dato": "2026-04-02"})
    k("varsleOppsigelse", "sb", "POST", f"/leveranser/{lev}/oppsigelsesvarsler", {
        "kanal": "henvendelse", "varslet_tid": f"2026-04-01T10:00:00{T}"})
    k("avsluttLeveranse", "lev_nordlys", "POST", f"/leveranser/{ny}/avslutning", {
        "sluttdato": "2026-06-30", "arsak": "behov_opphort",
        "sluttnotat": "brukeren klarer seg selv etter opptrening"})
    k("avsluttVedtak", "vm", "POST", f"/vedtak/{v}/avslutning", {
        "dato": "2026-06-30", "arsak": "behov_opphort"})

    # a move to another bydel, a move out of Oslo and a death, each for a bruker of its own
    naa(2026, 5, 21, 9, 0)
    for nr, (operasjon, sti, body) in enumerate([
            ("flyttTilBydel", "flyttinger", {"til_bydel": "sagene", "dato": "2026-05-01"}),
            ("registrerUtflytting", "utflytting", {"dato": "2026-05-15"}),
            ("registrerDodsfall", "dodsfall", {"dodsdato": "2026-05-20"})], start=1):
        annen = k("registrerBruker", "sb", "POST", "/brukere", {
            "fodselsnummer": FNR[nr], "navn": ["Per Hansen", "Aud Olsen", "Jon Berg"][nr - 1],
            "bydel": "frogner"}, status=201)["id"]
        k(operasjon, "sb", "POST", f"/brukere/{annen}/{sti}", body)
    return o.opptak


def som_json(opptak: dict[str, Opptak]) -> str:
    data = {op: {"foresporsel": x.foresporsel, "svar": x.svar}
            for op, x in sorted(opptak.items())}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
