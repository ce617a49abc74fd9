"""Payable hours per provider, user, tjenestetype and month (R05, R14, R17, R18, R18a, R20, R23).

Every case uses worked dates where a naive computation gives another answer: exact proration
of ordered time, real elapsed time across the DST nights, visits split at midnight at a month
end, one rounding of money.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from uuid import UUID

import pytest

from domain import kommandoer as k
from domain.begreper import Tjenestetype
from domain.vedtak import Omfang
from projections import Fakturalinje, Projections
from projections.settings import ProjectionSettings, SettingsError
from tests.conftest import VEDTAKSMYNDIG
from tests.projections.conftest import Scenario, konfig_med, oslo

NATT = Tjenestetype.HJEMMESYKEPLEIE_NATT


def linje(p: Projections, leverandor_id: str, aar: int, maaned: int,
          bruker: UUID) -> Fakturalinje:
    return next(x for x in p.betalbare_timer(leverandor_id, aar, maaned).linjer
                if x.bruker_id == bruker)


def avvik(x: Fakturalinje) -> dict[str, Fraction]:
    return {a.arsak: a.timer for a in x.avvik}


def test_r18a_bestilt_tid_prorateres_eksakt_og_betalbar_er_minste_ved_maanedsslutt(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R18a: ordered = omfang per day over the active days (100/7 min a day, exact); payable is
    min(delivered, ordered) for the calendar month; the rest is a deviation (R18).

    January: 12 active days (20-31) x 100/7 min = 1200/7 min (20/7 h). Delivered 12 x 15 min =
    3 h, so payable is 20/7 h and 1/7 h is over the vedtak. Rounding the daily 14.2857 min to
    14.29 first would give 171.48 min and another amount.
    """
    scenario.naa(2026, 1, 19, 9, 0)
    b, _, lev = scenario.sak(date(2026, 1, 20), minutter=100)
    scenario.naa(2026, 2, 1, 12, 0)
    scenario.besok_daglig(lev, date(2026, 1, 20), date(2026, 1, 31), (8, 0), 15)
    projeksjoner.oppdater()
    jan = linje(projeksjoner, "kommunal", 2026, 1, b)
    assert jan.bestilt_timer == Fraction(20, 7)
    assert jan.levert_timer == 3
    assert jan.betalbare_timer == Fraction(20, 7)
    assert avvik(jan) == {"over_vedtak": Fraction(1, 7)}
    # 20/7 h x 795.40 kr = 2272.5714... -> 2272.57 (rounded once, half up).
    assert (jan.timepris, jan.belop) == (Decimal("795.40"), Decimal("2272.57"))
    feb = linje(projeksjoner, "kommunal", 2026, 2, b)
    assert feb.bestilt_timer == Fraction(28 * 100, 7 * 60)
    assert feb.levert_timer == 0 and feb.betalbare_timer == 0


def test_r18_natt_over_sommertid_teller_faktisk_varighet(scenario: Scenario,
                                                         projeksjoner: Projections) -> None:
    """R18: delivered time is real elapsed time. 01:30-03:30 on 2026-03-29 (clocks forward) is
    one hour; 01:30 CEST - 02:30 CET on 2026-10-25 (clocks back) is two. Wall clocks say 2 and 1.
    """
    scenario.naa(2026, 3, 1, 9, 0)
    b, _, lev = scenario.sak(date(2026, 3, 1), minutter=7 * 180, tjenestetype=NATT,
                             til=date(2026, 12, 31))
    scenario.naa(2026, 3, 30, 9, 0)
    scenario.besok(lev, oslo(2026, 3, 29, 1, 30), oslo(2026, 3, 29, 3, 30))
    scenario.naa(2026, 10, 26, 9, 0)
    scenario.besok(lev, oslo(2026, 10, 25, 1, 30), oslo(2026, 10, 25, 2, 30, fold=1))
    projeksjoner.oppdater()
    assert linje(projeksjoner, "kommunal", 2026, 3, b).levert_timer == 1
    assert linje(projeksjoner, "kommunal", 2026, 10, b).levert_timer == 2
    assert linje(projeksjoner, "kommunal", 2026, 10, b).betalbare_timer == 2


def test_r18a_besok_over_midnatt_ved_maanedsskiftet_deles_paa_maanedene(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R18a: the invoice month is the calendar month; a night visit 31.01 23:30-01.02 00:45
    counts 30 min in January and 45 min in February (not all on the start date)."""
    scenario.naa(2026, 1, 2, 9, 0)
    b, _, lev = scenario.sak(date(2026, 1, 5), minutter=7 * 60, tjenestetype=NATT)
    scenario.naa(2026, 2, 2, 9, 0)
    scenario.besok(lev, oslo(2026, 1, 31, 23, 30), oslo(2026, 2, 1, 0, 45))
    projeksjoner.oppdater()
    jan = linje(projeksjoner, "kommunal", 2026, 1, b)
    feb = linje(projeksjoner, "kommunal", 2026, 2, b)
    assert (jan.levert_timer, feb.levert_timer) == (Fraction(1, 2), Fraction(3, 4))
    assert (jan.antall_besok, feb.antall_besok) == (1, 0)


def test_r17_tid_over_vedtaket_betales_mens_revurderingen_er_ubesvart(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R17: a delivery of 2-8 March, 60 min/day ordered, 120 min/day delivered. The provider
    asks for a revurdering Wed 4 March, answered (refused) Fri 6 March: the excess on 4, 5 and
    6 March (3 h) is payable; the excess on the other four days (4 h) is a deviation."""
    scenario.naa(2026, 3, 1, 9, 0)
    b, v, lev = scenario.sak(date(2026, 3, 2), minutter=420)
    scenario.avslutt(lev, date(2026, 3, 8))
    scenario.naa(2026, 3, 4, 10, 0)
    rid = scenario.anmod_revurdering(v, oslo(2026, 3, 4, 10, 0))
    scenario.naa(2026, 3, 6, 12, 0)
    scenario.besvar_revurdering(v, rid, oslo(2026, 3, 6, 12, 0))
    scenario.naa(2026, 3, 9, 9, 0)
    scenario.besok_daglig(lev, date(2026, 3, 2), date(2026, 3, 8), (9, 0), 120)
    projeksjoner.oppdater()
    mars = linje(projeksjoner, "kommunal", 2026, 3, b)
    assert (mars.bestilt_timer, mars.levert_timer) == (7, 14)
    assert mars.betalbar_innenfor_vedtak_timer == 7
    assert mars.betalbar_r17_timer == 3
    assert mars.betalbare_timer == 10
    assert avvik(mars) == {"over_vedtak": 4}


def test_r17_gjelder_bare_revurdering_fra_leverandoren_som_leverer(
        scenario: Scenario, projeksjoner: Projections) -> None:
    scenario.naa(2026, 3, 1, 9, 0)
    b, v, lev = scenario.sak(date(2026, 3, 2), minutter=420)
    scenario.avslutt(lev, date(2026, 3, 8))
    scenario.anmod_revurdering(v, oslo(2026, 3, 1, 10, 0), leverandor_id="2care")
    scenario.naa(2026, 3, 9, 9, 0)
    scenario.besok_daglig(lev, date(2026, 3, 2), date(2026, 3, 8), (9, 0), 120)
    projeksjoner.oppdater()
    assert linje(projeksjoner, "kommunal", 2026, 3, b).betalbar_r17_timer == 0


def test_r18_tid_utenfor_leveranseperioden_er_avvik_med_dato(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R18: a visit after the delivery ended (need ceased 10 March) is listed, with its day."""
    scenario.naa(2026, 3, 1, 9, 0)
    b, _, lev = scenario.sak(date(2026, 3, 2), minutter=420)
    scenario.avslutt(lev, date(2026, 3, 10))
    scenario.naa(2026, 3, 12, 9, 0)
    scenario.besok_daglig(lev, date(2026, 3, 9), date(2026, 3, 11), (9, 0), 60)
    projeksjoner.oppdater()
    mars = linje(projeksjoner, "kommunal", 2026, 3, b)
    assert (mars.bestilt_timer, mars.levert_timer, mars.betalbare_timer) == (9, 3, 2)
    (utenfor,) = mars.avvik
    assert (utenfor.arsak, utenfor.timer) == ("utenfor_leveranseperiode", 1)
    assert utenfor.dager == (("2026-03-11", Fraction(1)),)


def test_r23_tid_etter_dodsfall_er_ikke_betalbar_selv_om_dodsfallet_registreres_sent(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R23: visits recorded 2-8 March, then the death on 5 March is registered: 6-8 March are
    not payable (reason: after death) and nothing is ordered after the 5th."""
    scenario.naa(2026, 3, 1, 9, 0)
    b, _, lev = scenario.sak(date(2026, 3, 2), minutter=420)
    scenario.naa(2026, 3, 8, 20, 0)
    scenario.besok_daglig(lev, date(2026, 3, 2), date(2026, 3, 8), (9, 0), 60)
    projeksjoner.oppdater()
    assert linje(projeksjoner, "kommunal", 2026, 3, b).betalbare_timer == 7
    scenario.naa(2026, 3, 9, 9, 0)
    scenario.dod(b, date(2026, 3, 5))
    projeksjoner.oppdater()
    mars = linje(projeksjoner, "kommunal", 2026, 3, b)
    assert (mars.bestilt_timer, mars.levert_timer, mars.betalbare_timer) == (4, 7, 4)
    assert avvik(mars) == {"etter_dodsfall": 3}
    assert [d for d, _ in mars.avvik[0].dager] == ["2026-03-06", "2026-03-07", "2026-03-08"]
    assert projeksjoner.betalbare_timer("kommunal", 2026, 4).linjer == ()


def test_r18a_dokumentert_akutt_ekstrabesok_betales_i_tillegg(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R18a: an acute extra visit (its own measure code) is paid beyond the vedtak, reported as
    its own category; an ordinary visit of the same length would have been over the vedtak."""
    scenario.naa(2026, 3, 1, 9, 0)
    b, _, lev = scenario.sak(date(2026, 3, 2), minutter=420)
    scenario.avslutt(lev, date(2026, 3, 8))
    scenario.naa(2026, 3, 9, 9, 0)
    scenario.besok_daglig(lev, date(2026, 3, 2), date(2026, 3, 8), (9, 0), 60)
    scenario.besok(lev, oslo(2026, 3, 4, 18, 0), oslo(2026, 3, 4, 18, 45), akutt=True)
    projeksjoner.oppdater()
    mars = linje(projeksjoner, "kommunal", 2026, 3, b)
    assert (mars.betalbar_innenfor_vedtak_timer, mars.betalbar_akutt_timer) == (
        7, Fraction(3, 4))
    assert mars.betalbare_timer == Fraction(31, 4) and mars.avvik == ()


def _avbestillinger(scenario: Scenario) -> UUID:
    scenario.naa(2026, 3, 1, 9, 0)
    b, _, lev = scenario.sak(date(2026, 3, 2), minutter=420)
    scenario.avslutt(lev, date(2026, 3, 8))
    scenario.naa(2026, 3, 9, 9, 0)
    scenario.besok_daglig(lev, date(2026, 3, 2), date(2026, 3, 5), (9, 0), 60)
    # Cancelled two days ahead (on time) and two hours ahead (late: under the 24 h term).
    scenario.avbestill(lev, oslo(2026, 3, 6, 9, 0), oslo(2026, 3, 6, 10, 0),
                       oslo(2026, 3, 4, 9, 0))
    scenario.avbestill(lev, oslo(2026, 3, 7, 9, 0), oslo(2026, 3, 7, 10, 30),
                       oslo(2026, 3, 7, 7, 0))
    return b


def test_r20_avbestilt_besok_er_ikke_levert_og_sen_avbestilling_er_ikke_betalbar(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R20 default: a cancelled visit is not delivered time; a late one is listed, not paid."""
    b = _avbestillinger(scenario)
    projeksjoner.oppdater()
    mars = linje(projeksjoner, "kommunal", 2026, 3, b)
    assert (mars.levert_timer, mars.betalbare_timer, mars.antall_avbestilt) == (4, 4, 2)
    assert mars.sen_avbestilt_timer == Fraction(3, 2)
    assert avvik(mars) == {"sen_avbestilling_ikke_betalbar": Fraction(3, 2)}


def test_r20_sen_avbestilling_betales_naar_kontrakten_sier_det(
        scenario: Scenario, tmp_path: Path) -> None:
    """R20 contract term switched on: the late cancellation counts as delivered time."""
    b = _avbestillinger(scenario)
    konfig = konfig_med(tmp_path, betaling="betalbar = false=>betalbar = true")
    with Projections(scenario.app, settings=konfig) as p:
        p.oppdater()
        mars = linje(p, "kommunal", 2026, 3, b)
    assert mars.betalbare_timer == Fraction(11, 2)
    assert mars.betalbar_sen_avbestilling_timer == Fraction(3, 2)
    assert mars.avvik == ()


def test_r05_samme_timer_gir_samme_belop_hos_alle_leverandorer(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R05: one hourly price per tjenestetype and year, whoever delivers."""
    scenario.naa(2026, 3, 1, 9, 0)
    b1, _, lev1 = scenario.sak(date(2026, 3, 2), minutter=300, leverandor_id="2care")
    b2, _, lev2 = scenario.sak(date(2026, 3, 2), minutter=300)
    scenario.naa(2026, 4, 1, 9, 0)
    scenario.besok_daglig(lev1, date(2026, 3, 2), date(2026, 3, 31), (9, 0), 45, "2care")
    scenario.besok_daglig(lev2, date(2026, 3, 2), date(2026, 3, 31), (9, 0), 45)
    projeksjoner.oppdater()
    privat = linje(projeksjoner, "2care", 2026, 3, b1)
    kommunal = linje(projeksjoner, "kommunal", 2026, 3, b2)
    # 30 days x 300/7 min = 150/7 h ordered (< 22.5 h delivered); 150/7 x 795.40 = 17044.2857...
    assert privat.betalbare_timer == kommunal.betalbare_timer == Fraction(150, 7)
    assert privat.belop == kommunal.belop == Decimal("17044.29")
    maaned = projeksjoner.betalbare_timer("2care", 2026, 3)
    assert maaned.belop == privat.belop and maaned.betalbare_timer == privat.betalbare_timer


def test_r05_en_pris_per_leverandor_avvises_i_konfigurasjonen(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="R05"):
        konfig_med(tmp_path, betaling='praktisk_bistand = "558.10"=>'
                   'praktisk_bistand = "558.10"\n2care = "600.00"')
    with pytest.raises(SettingsError, match="R05"):
        konfig_med(tmp_path, betaling='praktisk_bistand = "558.10"=>'
                   'praktisk_bistand = { "2care" = "600.00" }')


def test_manglende_pris_gir_ingen_belop_men_timene_staar(scenario: Scenario,
                                                         projeksjoner: Projections) -> None:
    scenario.naa(2027, 3, 1, 9, 0)
    b, _, lev = scenario.sak(date(2027, 3, 1), minutter=420)
    scenario.naa(2027, 3, 2, 9, 0)
    scenario.besok(lev, oslo(2027, 3, 1, 9, 0), oslo(2027, 3, 1, 10, 0))
    projeksjoner.oppdater()
    maaned = projeksjoner.betalbare_timer("kommunal", 2027, 3)
    assert maaned.betalbare_timer == 1 and maaned.belop is None
    assert maaned.mangler_pris == (Tjenestetype.HJEMMESYKEPLEIE_DAG,)


def test_r14_leveranse_for_vedtaket_er_ikke_betalbar_for_den_er_knyttet(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R14: a service started before its vedtak has no ordered time until it is linked; the
    vedtak then governs from its valid-from date (equal to the start) and the month is redone."""
    scenario.naa(2026, 3, 1, 9, 0)
    b = scenario.bruker()
    lev = scenario.bestill(b, None, date(2026, 3, 2))
    scenario.naa(2026, 3, 5, 9, 0)
    scenario.besok_daglig(lev, date(2026, 3, 2), date(2026, 3, 4), (9, 0), 60)
    projeksjoner.oppdater()
    mars = linje(projeksjoner, "kommunal", 2026, 3, b)
    assert (mars.betalbare_timer, avvik(mars)) == (0, {"uten_vedtak": 3})
    scenario.app.fatt_vedtak(k.FattVedtak(
        bruker_id=b, tjenestetype=Tjenestetype.HJEMMESYKEPLEIE_DAG, gyldig_fra=date(2026, 3, 2),
        omfang=Omfang(minutter=420), vedtaksdato=date(2026, 3, 5),
        knytt_til_leveranse_id=lev), VEDTAKSMYNDIG)
    projeksjoner.oppdater()
    mars = linje(projeksjoner, "kommunal", 2026, 3, b)
    assert (mars.betalbare_timer, mars.avvik) == (3, ())


def test_endret_omfang_gjelder_fra_sin_dato(scenario: Scenario,
                                            projeksjoner: Projections) -> None:
    """R16/R10: a revurdering that changes the omfang governs from its date, even backdated."""
    scenario.naa(2026, 3, 1, 9, 0)
    b, v, lev = scenario.sak(date(2026, 3, 1), minutter=420)
    rid = scenario.anmod_revurdering(v, oslo(2026, 3, 10, 9, 0))
    scenario.naa(2026, 3, 11, 9, 0)
    scenario.besvar_revurdering(v, rid, oslo(2026, 3, 11, 9, 0), nytt=840, fra=date(2026, 3, 16))
    projeksjoner.oppdater()
    mars = linje(projeksjoner, "kommunal", 2026, 3, b)
    assert mars.bestilt_timer == 15 * 1 + 16 * 2


def test_flere_leverandorer_samme_maaned_etter_bytte(scenario: Scenario,
                                                     projeksjoner: Projections) -> None:
    """R07/R18a: a switch splits the month's ordered time between the two providers by day."""
    scenario.naa(2026, 3, 1, 9, 0)
    b, _, _ = scenario.sak(date(2026, 3, 1), minutter=420)
    scenario.bytt(b, "2care", date(2026, 3, 5))  # old ends 14 March, new from 15 March
    projeksjoner.oppdater()
    assert linje(projeksjoner, "kommunal", 2026, 3, b).bestilt_timer == 14
    assert linje(projeksjoner, "2care", 2026, 3, b).bestilt_timer == 17


def test_konfigurasjonen_leses_med_eksakte_belop() -> None:
    konfig = ProjectionSettings.last()
    assert konfig.timepriser.pris(Tjenestetype.PRAKTISK_BISTAND, 2026) == Decimal("558.10")
    assert konfig.sen_avbestilling.betalbar is False
    assert konfig.sen_avbestilling.terskel == timedelta(hours=24)


def test_r24_en_maaned_med_flytting_faktureres_hver_bydel_for_sine_dager(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R24 (domain.ansvar): recorded on 2 March, a move to Sagene from Thursday 16 April 2026;
    a vedtak of 7 h a week (1 h a day), a 30-minute visit every day of April and one from 23:30
    on the 15th to 00:30 on the 16th. Frogner's line has 1-15 April: 15 h ordered, 16 visits,
    8 h delivered and payable; Sagene's 16-30 April: 15 h ordered, 15 visits, 8 h (one line for
    the month, to the bydel at its end, gave Sagene all 30 days). The night visit's parts count
    on their own days, the visit on its start day. The payment control compares a claim for
    the month with both lines together. Then the plan is cancelled by a move back from 1 April:
    April is Frogner's alone."""
    scenario.naa(2026, 3, 2, 9, 0)
    b, _, lev = scenario.sak(date(2026, 3, 2), minutter=7 * 60)
    scenario.flytt(b, "sagene", date(2026, 4, 16))
    scenario.naa(2026, 5, 1, 12, 0)
    scenario.besok_daglig(lev, date(2026, 4, 1), date(2026, 4, 30), (8, 0), 30)
    scenario.besok(lev, oslo(2026, 4, 15, 23, 30), oslo(2026, 4, 16, 0, 30))
    projeksjoner.oppdater()
    assert linje(projeksjoner, "kommunal", 2026, 3, b).bydel == "frogner"
    april = [x for x in projeksjoner.betalbare_timer("kommunal", 2026, 4).linjer
             if x.bruker_id == b]
    assert [(x.bydel, x.bestilt_timer, x.levert_timer, x.antall_besok, x.betalbare_timer)
            for x in april] == [("frogner", 15, 8, 16, 8), ("sagene", 15, 8, 15, 8)]
    assert all(x.leveranser == (lev,) for x in april)
    assert [x.belop for x in april] == [Decimal("6363.20")] * 2  # 8 h x 795.40 kr each
    from projections.oppfolging.kontroll import Krav, kontroller
    mnd = projeksjoner.betalbare_timer("kommunal", 2026, 4)
    [k_linje] = [x for x in kontroller(mnd, [Krav(b, Tjenestetype.HJEMMESYKEPLEIE_DAG,
                                                   Fraction(16), None)]).linjer
                 if x.bruker_id == b]
    assert (k_linje.betalbare_timer, k_linje.krevd_timer, k_linje.status) == (16, 16, "ok")
    scenario.flytt(b, "frogner", date(2026, 4, 1))
    projeksjoner.oppdater()
    april = [x for x in projeksjoner.betalbare_timer("kommunal", 2026, 4).linjer
             if x.bruker_id == b]
    assert [(x.bydel, x.bestilt_timer, x.antall_besok) for x in april] == [("frogner", 30, 31)]
