"""SLA compliance, one row per obligation (R11, R12, R13, R16, R21, R24, R25).

Worked dates: Easter 2026 (skjærtorsdag 2 April, langfredag 3 April, 2. påskedag 6 April), Kristi
himmelfartsdag (14 May 2026), and both DST nights of 2026 (29 March, 25 October). Each case is
chosen so that weekdays-only, UTC-date or wall-clock arithmetic gives the other answer.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.begreper import Kanal, Tjenestetype
from domain.frister import Varselgrunn
from projections import Projections, SlaForpliktelse
from tests.projections.conftest import PB, Scenario, konfig_med, oslo


def plikt(p: Projections, regel: str, kilde: object, naa: object = None,
          plikt_navn: str | None = None) -> SlaForpliktelse:
    rader = [x for x in p.sla(regel=regel, naa=naa or oslo(2026, 1, 1, 0, 0))
             if x.kilde_id == str(kilde) and (plikt_navn is None or x.plikt == plikt_navn)]
    assert len(rader) == 1, rader
    return rader[0]


def test_r11_varsel_senest_kl_14_virkedagen_for_oppstart_over_paasken(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R11: start Tuesday 7 April 2026 -> notice by Wednesday 1 April 14:00 (2, 3 and 6 April
    are public holidays). A notice on Monday 6 April is late; weekdays only would accept it."""
    scenario.naa(2026, 3, 30, 9, 0)
    _, _, i_tide = scenario.sak(date(2026, 4, 7))
    _, _, sent = scenario.sak(date(2026, 4, 7))
    _, _, uten = scenario.sak(date(2026, 4, 7))
    scenario.varsle(i_tide, oslo(2026, 4, 1, 14, 0))
    scenario.varsle(sent, oslo(2026, 4, 6, 10, 0))
    projeksjoner.oppdater()
    ok = plikt(projeksjoner, "R11", i_tide)
    assert (ok.frist, ok.faktisk, ok.status) == (
        "2026-04-01T14:00:00+02:00", "2026-04-01T14:00:00+02:00", "overholdt")
    assert (ok.maaned, ok.bydel, ok.leverandor_id) == ("2026-04", "frogner", "kommunal")
    assert plikt(projeksjoner, "R11", sent).status == "brutt"
    assert plikt(projeksjoner, "R11", uten, naa=oslo(2026, 4, 1, 14, 0)).status == "apen"
    assert plikt(projeksjoner, "R11", uten,
                 naa=oslo(2026, 4, 1, 14, 0) + timedelta(seconds=1)).status == "brutt"


def test_r11_gjelder_ogsaa_naar_vedtaket_forlenges(scenario: Scenario,
                                                   projeksjoner: Projections) -> None:
    """R11: an extended vedtak is notified like a start: the extension from Friday 1 May 2026
    (a public holiday) is due by Thursday 30 April 14:00."""
    scenario.naa(2026, 3, 2, 9, 0)
    b, v, lev = scenario.sak(date(2026, 3, 2), til=date(2026, 4, 30))
    scenario.naa(2026, 4, 27, 10, 0)
    from domain import kommandoer as k
    from tests.conftest import VEDTAKSMYNDIG

    scenario.app.forleng_vedtak(k.ForlengVedtak(vedtak_id=v, ny_gyldig_til=date(2026, 10, 31)),
                                VEDTAKSMYNDIG)
    scenario.varsle(lev, oslo(2026, 4, 30, 15, 0), gjelder=Varselgrunn.FORLENGELSE,
                    gjelder_fra=date(2026, 5, 1))  # the delivery continues with the vedtak
    projeksjoner.oppdater()
    forlengelse = plikt(projeksjoner, "R11", v, plikt_navn="varsel_forlengelse")
    assert (forlengelse.frist, forlengelse.status) == ("2026-04-30T14:00:00+02:00", "brutt")
    assert forlengelse.faktisk == "2026-04-30T15:00:00+02:00"


def test_r12_telefonvarsel_paa_helligdag_er_ikke_i_tide(scenario: Scenario,
                                                        projeksjoner: Projections) -> None:
    """R12: urgent notice by telephone by 15:30 on a weekday. Kristi himmelfartsdag (Thursday
    14 May 2026) is not a weekday for this rule (default); 15:30:00 is in time, 15:31 is not."""
    scenario.naa(2026, 5, 11, 9, 0)
    _, _, helligdag = scenario.sak(date(2026, 5, 14))
    _, _, grense = scenario.sak(date(2026, 5, 12))
    _, _, for_sent = scenario.sak(date(2026, 5, 12))
    scenario.varsle(helligdag, oslo(2026, 5, 14, 10, 0), Kanal.TELEFON, hast=True)
    scenario.varsle(grense, oslo(2026, 5, 12, 15, 30), Kanal.TELEFON, hast=True)
    scenario.varsle(for_sent, oslo(2026, 5, 12, 15, 31), Kanal.TELEFON, hast=True)
    projeksjoner.oppdater()
    h = plikt(projeksjoner, "R12", helligdag, plikt_navn="telefonvarsel")
    assert (h.status, h.merknad) == ("brutt", "ikke hverdag (Kristi himmelfartsdag)")
    assert plikt(projeksjoner, "R12", grense, plikt_navn="telefonvarsel").status == "overholdt"
    assert plikt(projeksjoner, "R12", for_sent, plikt_navn="telefonvarsel").status == "brutt"
    assert not [x for x in projeksjoner.sla(regel="R11") if x.kilde_id == str(grense)]


def test_r12_helligdag_kan_telle_som_hverdag_etter_konfigurasjon(
        scenario: Scenario, tmp_path: Path) -> None:
    scenario.naa(2026, 5, 11, 9, 0)
    _, _, lev = scenario.sak(date(2026, 5, 14))
    scenario.varsle(lev, oslo(2026, 5, 14, 10, 0), Kanal.TELEFON, hast=True)
    konfig = konfig_med(tmp_path, sla="r12_helligdag_teller_som_hverdag = false=>"
                        "r12_helligdag_teller_som_hverdag = true")
    scenario.app.fristregler = konfig.sla  # one setting for the whole application
    with Projections(scenario.app, settings=konfig) as p:
        p.oppdater()
        assert plikt(p, "R12", lev, plikt_navn="telefonvarsel").status == "overholdt"


def test_r12_telefonvarsel_natt_til_soendag_gir_leverandoren_ingen_totimersfrist(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R12 (seed 003: the provider starts within 2 hours "i slike tilfeller", i.e. after an
    in-time notice): a telephone notice Sunday 29 March 2026 01:30 (the DST night) is the
    bydel's breach only; the provider's start is not applicable, not breached. Before the fix
    the provider got a deadline (04:30 CEST) and was measured against it."""
    scenario.naa(2026, 3, 28, 9, 0)
    _, _, lev = scenario.sak(date(2026, 3, 29))
    scenario.varsle(lev, oslo(2026, 3, 29, 1, 30), Kanal.TELEFON, hast=True)
    scenario.start(lev, oslo(2026, 3, 29, 5, 15))
    projeksjoner.oppdater()
    start = plikt(projeksjoner, "R12", lev, plikt_navn="oppstart_2t")
    assert (start.status, start.skyldig) == ("ikke_aktuell", "leverandor")
    assert "ingen 2-timersfrist" in start.merknad
    varsel = plikt(projeksjoner, "R12", lev, plikt_navn="telefonvarsel")
    assert (varsel.status, varsel.skyldig, varsel.merknad) == (
        "brutt", "bydel", "ikke hverdag (lørdag/søndag)")
    tall = {(a.gruppe["skyldig"]): (a.brutt, a.overholdt, a.ikke_aktuell)
            for a in projeksjoner.sla_oppsummering(("skyldig",), regel="R12")}
    assert tall == {"bydel": (1, 0, 0), "leverandor": (0, 0, 1)}  # nothing against the provider


def test_r13_praktisk_bistand_starter_innen_14_dager_etter_varselet_i_oslo_tid(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R13: notice Friday 20 March 2026 00:30 Oslo (still 19 March in UTC) -> start by Friday
    3 April (calendar days; a holiday does not move it). The UTC date would give 2 April."""
    scenario.naa(2026, 3, 19, 9, 0)
    _, _, i_tide = scenario.sak(date(2026, 3, 23), tjenestetype=PB, minutter=120)
    _, _, sent = scenario.sak(date(2026, 3, 23), tjenestetype=PB, minutter=120)
    _, _, aapen = scenario.sak(date(2026, 3, 23), tjenestetype=PB, minutter=120)
    for lev in (i_tide, sent, aapen):
        scenario.varsle(lev, oslo(2026, 3, 20, 0, 30), Kanal.HENVENDELSE)
    scenario.start(i_tide, oslo(2026, 4, 3, 10, 0))
    scenario.start(sent, oslo(2026, 4, 4, 10, 0))
    projeksjoner.oppdater()
    ok = plikt(projeksjoner, "R13", i_tide)
    assert (ok.frist, ok.faktisk, ok.status) == ("2026-04-03", "2026-04-03T10:00:00+02:00",
                                                 "overholdt")
    assert plikt(projeksjoner, "R13", sent).status == "brutt"
    assert plikt(projeksjoner, "R13", aapen, naa=oslo(2026, 4, 3, 23, 59)).status == "apen"
    assert plikt(projeksjoner, "R13", aapen, naa=oslo(2026, 4, 4, 0, 0)).status == "brutt"


def test_r16_revurdering_besvares_neste_virkedag_over_paasken(scenario: Scenario,
                                                              projeksjoner: Projections) -> None:
    """R16: asked Wednesday 1 April 2026 -> the next working day is Tuesday 7 April; answered
    then is in time (weekdays only would say Thursday 2 April, and call it late)."""
    scenario.naa(2026, 3, 30, 9, 0)
    _, v, _ = scenario.sak(date(2026, 3, 30))
    scenario.naa(2026, 4, 1, 10, 0)
    r1 = scenario.anmod_revurdering(v, oslo(2026, 4, 1, 10, 0))
    r2 = scenario.anmod_revurdering(v, oslo(2026, 4, 1, 11, 0))
    scenario.naa(2026, 4, 8, 0, 0)
    scenario.besvar_revurdering(v, r1, oslo(2026, 4, 7, 15, 0))
    scenario.besvar_revurdering(v, r2, oslo(2026, 4, 8, 0, 0))
    projeksjoner.oppdater()
    rader = {x.merknad: x for x in projeksjoner.sla(regel="R16")}
    ok = rader["anmodet 2026-04-01T10:00:00+02:00"]
    assert (ok.frist, ok.status, ok.leverandor_id) == ("2026-04-08T00:00:00+02:00", "overholdt",
                                                       "kommunal")
    assert rader["anmodet 2026-04-01T11:00:00+02:00"].status == "brutt"  # the deadline excludes


def test_r21_videresending_straks_regnes_i_faktisk_tid_over_sommertid(
        scenario: Scenario, projeksjoner: Projections, tmp_path: Path) -> None:
    """R21: forwarded within 60 min (default). 29 March 2026, 01:30 CET -> 03:20 CEST is 50 min
    (in time; the wall clock says 1 h 50 min). 25 October 2026, 01:50 CEST -> 02:45 CET is
    1 h 55 min (late; the wall clock says 55 min)."""
    scenario.naa(2026, 3, 20, 9, 0)
    _, _, lev = scenario.sak(date(2026, 3, 20))
    scenario.naa(2026, 3, 29, 4, 0)
    scenario.bekymring(lev, oslo(2026, 3, 29, 1, 30), oslo(2026, 3, 29, 3, 20))
    scenario.naa(2026, 10, 25, 4, 0)
    scenario.bekymring(lev, oslo(2026, 10, 25, 1, 50), oslo(2026, 10, 25, 2, 45, fold=1))
    scenario.bekymring(lev, oslo(2026, 10, 25, 3, 0), None)
    projeksjoner.oppdater()
    naa = oslo(2026, 10, 25, 3, 30)
    rader = {x.merknad: (x.frist, x.status) for x in projeksjoner.sla(regel="R21", naa=naa)}
    assert rader == {
        "mottatt 2026-03-29T01:30:00+01:00": ("2026-03-29T03:30:00+02:00", "overholdt"),
        "mottatt 2026-10-25T01:50:00+02:00": ("2026-10-25T02:50:00+02:00", "brutt"),
        "mottatt 2026-10-25T03:00:00+01:00": ("2026-10-25T04:00:00+01:00", "apen")}
    konfig = konfig_med(tmp_path, sla="r21_terskel_minutter = 60=>r21_terskel_minutter = 120")
    scenario.app.fristregler = konfig.sla  # one setting for the whole application
    with Projections(scenario.app, settings=konfig) as p:
        p.gjenoppbygg()  # other settings: the stored rows must be rebuilt (on PostgreSQL shared)
        assert [x.status for x in p.sla(regel="R21", naa=naa)] == [
            "overholdt", "overholdt", "apen"]


def test_r25_klagefristen_forlenges_til_neste_virkedag_etter_paasken(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R25: received 6 March 2026 + 28 days = Good Friday 3 April -> Tuesday 7 April. An appeal
    on the 7th is in time; on the 8th it is late (recorded and flagged); none at all lapses."""
    scenario.naa(2026, 3, 2, 9, 0)
    vedtak = [scenario.sak(date(2026, 3, 2))[1] for _ in range(3)]
    for v in vedtak:
        scenario.vedtak_mottatt(v, date(2026, 3, 6))
    scenario.naa(2026, 4, 8, 9, 0)
    scenario.klage(vedtak[0], date(2026, 4, 7))
    scenario.klage(vedtak[1], date(2026, 4, 8))
    projeksjoner.oppdater()
    ok = plikt(projeksjoner, "R25", vedtak[0])
    assert (ok.frist, ok.faktisk, ok.status, ok.leverandor_id) == (
        "2026-04-07", "2026-04-07", "overholdt", None)
    sent = plikt(projeksjoner, "R25", vedtak[1])
    assert sent.status == "brutt" and sent.merknad.endswith("klagen kom for sent")
    assert plikt(projeksjoner, "R25", vedtak[2], naa=oslo(2026, 4, 7, 23, 0)).status == "apen"
    assert plikt(projeksjoner, "R25", vedtak[2], naa=oslo(2026, 4, 8, 0, 0)).status == "utlopt"


def test_r24_flytting_gir_forpliktelser_etter_datoen_til_den_nye_bydelen(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R24: obligations due before the move stay with the old bydel, later ones go to the new."""
    scenario.naa(2026, 3, 2, 9, 0)
    b, _, foer = scenario.sak(date(2026, 3, 10))
    scenario.varsle(foer, oslo(2026, 3, 9, 9, 0))
    v = scenario.vedtak(b, date(2026, 3, 2), tjenestetype=PB, minutter=120)
    etter = scenario.bestill(b, v, date(2026, 4, 1), tjenestetype=PB)
    projeksjoner.oppdater()
    scenario.flytt(b, "alna", date(2026, 3, 20))
    scenario.varsle(etter, oslo(2026, 3, 25, 9, 0), Kanal.HENVENDELSE)
    projeksjoner.oppdater()
    assert plikt(projeksjoner, "R11", foer).bydel == "frogner"
    assert plikt(projeksjoner, "R13", etter).bydel == "alna"


def test_aggregater_per_leverandor_bydel_og_maaned(scenario: Scenario,
                                                   projeksjoner: Projections) -> None:
    """R28: compliance per provider, per bydel and per month, from the same rows."""
    scenario.naa(2026, 3, 2, 9, 0)
    _, _, a = scenario.sak(date(2026, 3, 10), leverandor_id="2care")
    _, _, b = scenario.sak(date(2026, 3, 10), leverandor_id="2care", bydel="alna")
    _, _, c = scenario.sak(date(2026, 4, 14))
    scenario.varsle(a, oslo(2026, 3, 9, 9, 0))
    scenario.varsle(b, oslo(2026, 3, 9, 15, 0))
    projeksjoner.oppdater()
    naa = oslo(2026, 4, 20, 12, 0)
    per_lev = {x.gruppe["leverandor"]: (x.overholdt, x.brutt, x.apen)
               for x in projeksjoner.sla_oppsummering(("leverandor",), naa=naa)}
    assert per_lev == {"2care": (1, 1, 0), "kommunal": (0, 1, 0)}
    per_bydel = {(x.gruppe["bydel"], x.gruppe["maaned"]): (x.overholdt, x.brutt)
                 for x in projeksjoner.sla_oppsummering(("bydel", "maaned"), naa=naa)}
    assert per_bydel == {("alna", "2026-03"): (0, 1), ("frogner", "2026-03"): (1, 0),
                         ("frogner", "2026-04"): (0, 1)}
    (april,) = projeksjoner.sla_oppsummering(("regel",), maaned="2026-04",
                                             naa=oslo(2026, 4, 1, 12, 0))
    assert (april.gruppe, april.apen, april.andel_overholdt) == ({"regel": "R11"}, 1, None)
    (mars,) = projeksjoner.sla_oppsummering((), leverandor_id="2care", naa=naa)
    assert mars.andel_overholdt == 0.5
    with pytest.raises(ValueError):
        projeksjoner.sla_oppsummering(("fodselsnummer",))


def test_sla_krever_tidssone_paa_naa(projeksjoner: Projections) -> None:
    from datetime import datetime

    from domain.kalender import NaivtTidspunktError

    with pytest.raises(NaivtTidspunktError):
        projeksjoner.sla(naa=datetime(2026, 4, 1, 12, 0))


def test_annullert_leveranse_har_ingen_forpliktelse(scenario: Scenario,
                                                    projeksjoner: Projections) -> None:
    """A switch pending when the user dies never begins: nothing was owed for it."""
    scenario.naa(2026, 3, 2, 9, 0)
    b, _, _ = scenario.sak(date(2026, 3, 2))
    ny = scenario.bytt(b, "2care", date(2026, 3, 10))
    projeksjoner.oppdater()
    assert [x for x in projeksjoner.sla(regel="R11") if x.kilde_id == str(ny)]
    scenario.dod(b, date(2026, 3, 12))
    projeksjoner.oppdater()
    assert not [x for x in projeksjoner.sla(regel="R11") if x.kilde_id == str(ny)]
    assert Tjenestetype.HJEMMESYKEPLEIE_DAG.er_hjemmesykepleie


def test_r24_en_flytting_frem_i_tid_fordeler_maanedens_frister_og_en_endret_plan_folges(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R24 (domain.ansvar): recorded on 2 March, a move to Sagene from Thursday 16 April 2026.
    April's R11 notice due on Monday 13 April stays Frogner's; the one due on Monday 20 April is
    Sagene's. Then the plan is cancelled by a move back from 1 April: both are Frogner's (the
    dates' own history, kept as rows from each move's date, would leave 20 April with Sagene)."""
    scenario.naa(2026, 3, 2, 9, 0)
    b, _, foer = scenario.sak(date(2026, 4, 14))
    natt = Tjenestetype.HJEMMESYKEPLEIE_NATT
    etter = scenario.bestill(b, scenario.vedtak(b, date(2026, 4, 21), tjenestetype=natt),
                             date(2026, 4, 21), tjenestetype=natt)
    scenario.flytt(b, "sagene", date(2026, 4, 16))
    projeksjoner.oppdater()
    assert [plikt(projeksjoner, "R11", x).frist[:10] for x in (foer, etter)] == [
        "2026-04-13", "2026-04-20"]
    assert [plikt(projeksjoner, "R11", x).bydel for x in (foer, etter)] == ["frogner", "sagene"]
    assert {x.bydel for x in projeksjoner.sla(bydel="sagene", naa=oslo(2026, 3, 2, 9, 0))
            if x.bruker_id == str(b)} == {"sagene"}
    scenario.flytt(b, "frogner", date(2026, 4, 1))
    projeksjoner.oppdater()
    assert [plikt(projeksjoner, "R11", x).bydel for x in (foer, etter)] == ["frogner", "frogner"]
