"""Payment as pure functions (domain/betaling.py), per rule, with worked dates: a month end, the
two DST nights, Christmas, and May 17 on a Monday (2027). No store: milliseconds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import get_args

from domain import betaling
from domain.betaling import (
    AKUTT,
    ORDINAER,
    SEN_AVBESTILT,
    Avviksarsak,
    Grunnlag,
    Omfangsperiode,
    beregn,
    plasser,
    telledag,
)
from domain.kalender import OSLO

MIN = 60_000_000  # µs
TIME = 60 * MIN


def oslo(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=OSLO, fold=fold)  # type: ignore[misc]


def dager(aar: int, maaned: int, *intervaller: tuple[datetime, datetime]) -> list[int]:
    """The month's 31 day sums of some intervals, placed by ``plasser``."""
    ut = [0] * 31
    for start, slutt in intervaller:
        for dag, us in plasser(start, slutt):
            if (dag.year, dag.month) == (aar, maaned):
                ut[dag.day - 1] += us
    return ut


def daglig(aar: int, maaned: int, fra: int, til: int, minutter: int) -> list[int]:
    return [minutter * MIN if fra <= d + 1 <= til else 0 for d in range(31)]


def avvik(r: betaling.Maanedsresultat) -> dict[str, Fraction]:
    return {a.arsak: a.mengde for a in r.avvik}


# --- the placement of a visit or a cancellation -----------------------------------------------


def test_r18a_plassering_ved_maanedsslutt_deler_tiden_og_teller_besoket_paa_startdagen() -> None:
    """31.01 23:30 - 01.02 00:45: 30 min of January, 45 of February; counted on 31 January."""
    start, slutt = oslo(2026, 1, 31, 23, 30), oslo(2026, 2, 1, 0, 45)
    assert plasser(start, slutt) == ((date(2026, 1, 31), 30 * MIN), (date(2026, 2, 1), 45 * MIN))
    assert telledag(start) == date(2026, 1, 31)
    # The same instants written in UTC land in the same Oslo days.
    assert plasser(start.astimezone(UTC), slutt.astimezone(UTC)) == plasser(start, slutt)


def test_r18_plassering_natt_over_sommertid_teller_faktisk_tid_paa_hver_dag() -> None:
    """22:00-06:00 over 2026-03-29 (clocks forward) is 7 h: 2 h on the 28th, 5 h on the 29th;
    over 2026-10-25 (clocks back) 9 h: 2 h and 7 h. Wall clocks say 8 h both nights."""
    assert plasser(oslo(2026, 3, 28, 22), oslo(2026, 3, 29, 6)) == (
        (date(2026, 3, 28), 2 * TIME), (date(2026, 3, 29), 5 * TIME))
    assert plasser(oslo(2026, 10, 24, 22), oslo(2026, 10, 25, 6)) == (
        (date(2026, 10, 24), 2 * TIME), (date(2026, 10, 25), 7 * TIME))
    # Inside the repeated hour: 02:30 CEST to 02:10 CET is 40 real minutes, not -20.
    assert plasser(oslo(2026, 10, 25, 2, 30), oslo(2026, 10, 25, 2, 10, fold=1)) == (
        (date(2026, 10, 25), 40 * MIN),)


def test_r18_julenatt_etter_leveransens_siste_dag_er_avvik_med_dato() -> None:
    """Christmas Eve 22:00 - Christmas Day 02:00, delivery ending 24.12: 2 h payable on the 24th,
    2 h on the 25th outside the delivery period (R18), listed with the day."""
    g = Grunnlag(aar=2026, maaned=12, leveranse_fom=date(2026, 12, 1),
                 leveranse_tom=date(2026, 12, 24), har_vedtak=True, vedtak_fra=date(2026, 12, 1),
                 omfang=(Omfangsperiode(date(2026, 12, 1), 7 * 240, 1),),
                 dager={ORDINAER: dager(2026, 12, (oslo(2026, 12, 24, 22), oslo(2026, 12, 25, 2)))},
                 antall={ORDINAER: 1})
    r = beregn(g)
    assert r.bestilt == 24 * 4 * TIME
    assert r.betalbar == 2 * TIME and r.antall_besok == 1
    (utenfor,) = r.avvik
    assert (utenfor.arsak, utenfor.mengde, utenfor.dager) == (
        Avviksarsak.UTENFOR_LEVERANSEPERIODE, 2 * TIME, ((date(2026, 12, 25), 2 * TIME),))


# --- R18a: ordered time, min(delivered, ordered), documented acute visits ---------------------


def test_r18a_betalbar_er_minste_av_levert_og_bestilt_pluss_dokumentert_akutt() -> None:
    """February 2026 (28 days), 420 min a week = 60 min a day: 28 h ordered. Delivered 75 min
    a day (35 h) and two documented acute visits of 1 h: payable 28 + 2 = 30 h; 7 h over."""
    akutt = dager(2026, 2, (oslo(2026, 2, 10, 3), oslo(2026, 2, 10, 4)),
                  (oslo(2026, 2, 28, 23), oslo(2026, 3, 1, 1)))
    g = Grunnlag(aar=2026, maaned=2, leveranse_fom=date(2026, 1, 1), leveranse_tom=None,
                 har_vedtak=True, vedtak_fra=date(2026, 1, 1),
                 omfang=(Omfangsperiode(date(2026, 1, 1), 420, 1),),
                 dager={ORDINAER: daglig(2026, 2, 1, 28, 75), AKUTT: akutt})
    r = beregn(g)
    assert r.bestilt == 28 * TIME
    assert r.betalbar_innenfor == 28 * TIME and r.betalbar_akutt == 2 * TIME
    assert r.betalbar == 30 * TIME  # the acute visit's second hour is March's
    assert avvik(r) == {Avviksarsak.OVER_VEDTAK: 7 * TIME}


def test_r18a_bestilt_tid_regnes_eksakt_og_en_revurdering_gjelder_fra_sin_dato() -> None:
    """100 min a week is 100/7 min a day, never rounded; 700 min a week from 2026-03-16."""
    g = Grunnlag(aar=2026, maaned=3, leveranse_fom=date(2026, 3, 1), leveranse_tom=None,
                 har_vedtak=True, vedtak_fra=date(2026, 3, 1),
                 omfang=(Omfangsperiode(date(2026, 3, 1), 100, 1),
                         Omfangsperiode(date(2026, 3, 16), 700, 1)))
    assert beregn(g).bestilt == Fraction(15 * 100, 7) * MIN + 16 * 100 * MIN
    assert betaling.bestilt_per_dag(g, date(2026, 3, 15)) == Fraction(100, 7) * MIN
    assert betaling.bestilt_per_dag(g, date(2026, 3, 16)) == 100 * MIN


# --- R17: unanswered revurdering -------------------------------------------------------------


def test_r17_ubesvarte_dager_over_17_mai_paa_en_mandag_betales() -> None:
    """A request made Friday 2027-05-14 00:30 Oslo (13 May in UTC) and answered Tuesday
    2027-05-18 (Monday 17 May is a public holiday) leaves 14-18 May unanswered: five calendar
    days, weekend and holiday included. 60 min a day ordered, 90 delivered every day of May:
    R17 pays 5 x 30 min; the other 26 x 30 min are over the vedtak."""
    anmodet = datetime(2027, 5, 13, 22, 30, tzinfo=UTC)
    besvart = oslo(2027, 5, 18, 15, 0)
    ubesvart = betaling.ubesvarte_dager(
        [("2care", anmodet, besvart), ("kommunal", anmodet, None)], "2care")
    assert ubesvart == ((date(2027, 5, 14), date(2027, 5, 18)),)
    g = Grunnlag(aar=2027, maaned=5, leveranse_fom=date(2027, 5, 1), leveranse_tom=None,
                 har_vedtak=True, vedtak_fra=date(2027, 5, 1),
                 omfang=(Omfangsperiode(date(2027, 5, 1), 420, 1),), ubesvart=ubesvart,
                 dager={ORDINAER: daglig(2027, 5, 1, 31, 90)})
    r = beregn(g)
    assert r.betalbar_innenfor == 31 * TIME
    assert r.betalbar_r17 == 5 * 30 * MIN
    assert avvik(r) == {Avviksarsak.OVER_VEDTAK: 26 * 30 * MIN}


def test_r17_en_revurdering_fra_en_annen_leverandor_gir_ingen_dager() -> None:
    anmodet = oslo(2027, 5, 14, 9)
    assert betaling.ubesvarte_dager([("kommunal", anmodet, None)], "2care") == ()
    assert betaling.ubesvarte_dager([("2care", anmodet, None)], "2care") == (
        (date(2027, 5, 14), None),)


def test_r17_to_anmodninger_samme_dag_den_ene_ubesvart() -> None:
    """Two requests made the same day, one answered and one not: both periods, the unanswered
    one last (sorting used to compare None with a date and crash payable hours)."""
    anmodet = oslo(2026, 3, 25, 9)
    assert betaling.ubesvarte_dager(
        [("2care", anmodet, None), ("2care", anmodet, oslo(2026, 3, 26, 9))], "2care") == (
        (date(2026, 3, 25), date(2026, 3, 26)), (date(2026, 3, 25), None))


# --- R20: cancellations -----------------------------------------------------------------------


def test_r20_sen_avbestilling_maales_i_faktisk_tid_over_sommertid() -> None:
    """24 h threshold: cancelled 08:00 on 28 March for 08:00 on 29 March is 23 real hours
    (clocks forward): late. 08:30 on 24 October for 08:00 on 25 October is 24.5 h: in time."""
    terskel = timedelta(hours=24)
    assert betaling.er_sen_avbestilling(oslo(2026, 3, 28, 8), oslo(2026, 3, 29, 8), terskel)
    assert not betaling.er_sen_avbestilling(oslo(2026, 10, 24, 8, 30), oslo(2026, 10, 25, 8),
                                            terskel)
    assert betaling.art_for_avbestilling(oslo(2026, 3, 28, 8), oslo(2026, 3, 29, 8), terskel) \
        == SEN_AVBESTILT


def test_r20_sen_avbestilling_er_avvik_som_standard_og_betalbar_naar_kontrakten_sier_det() -> None:
    """A late cancellation 31.01 23:00 - 01.02 01:00 (placed 1 h in each month): by default
    not payable, a deviation with its day; by contract, its planned time counts as delivered,
    still capped by the vedtak (30 min on 31 January here)."""
    sen = dager(2026, 1, (oslo(2026, 1, 31, 23), oslo(2026, 2, 1, 1)))
    felles = dict(aar=2026, maaned=1, leveranse_fom=date(2026, 1, 31), leveranse_tom=None,
                  har_vedtak=True, vedtak_fra=date(2026, 1, 31),
                  omfang=(Omfangsperiode(date(2026, 1, 1), 7 * 30, 1),),
                  dager={SEN_AVBESTILT: sen}, antall={SEN_AVBESTILT: 1})
    ikke = beregn(Grunnlag(**felles))  # type: ignore[arg-type]
    assert ikke.betalbar == 0 and ikke.antall_avbestilt == 1
    assert [(a.arsak, a.mengde, a.dager) for a in ikke.avvik] == [
        (Avviksarsak.SEN_AVBESTILLING, TIME, ((date(2026, 1, 31), TIME),))]
    betalt = beregn(Grunnlag(**felles, sen_avbestilling_betalbar=True))  # type: ignore[arg-type]
    assert betalt.betalbar == 30 * MIN and betalt.betalbar_sen_avbestilling == 30 * MIN
    assert avvik(betalt) == {Avviksarsak.OVER_VEDTAK: 30 * MIN}


def test_r20_avbestilt_i_tide_er_ikke_levert_tid() -> None:
    g = Grunnlag(aar=2026, maaned=3, leveranse_fom=date(2026, 3, 1), leveranse_tom=None,
                 har_vedtak=True, vedtak_fra=date(2026, 3, 1),
                 omfang=(Omfangsperiode(date(2026, 3, 1), 420, 1),),
                 dager={betaling.AVBESTILT: daglig(2026, 3, 2, 2, 60)},
                 antall={betaling.AVBESTILT: 1})
    r = beregn(g)
    assert (r.avbestilt, r.antall_avbestilt, r.betalbar, r.avvik) == (TIME, 1, 0, ())


# --- R23: nothing after death or moving out ---------------------------------------------------


def test_r23_natten_over_dodsdatoen_betales_til_midnatt_resten_er_avvik() -> None:
    """Death on 2026-01-31; a visit 23:00-01:00 that night: 1 h is January's and payable,
    1 h is February's and 'after death' (moving out: 'after moving out')."""
    besok = (oslo(2026, 1, 31, 23), oslo(2026, 2, 1, 1))
    for dodsfall, arsak in ((True, Avviksarsak.ETTER_DODSFALL),
                            (False, Avviksarsak.ETTER_UTFLYTTING)):
        felles = dict(leveranse_fom=date(2026, 1, 1), leveranse_tom=date(2026, 1, 31),
                      har_vedtak=True, vedtak_fra=date(2026, 1, 1),
                      omfang=(Omfangsperiode(date(2026, 1, 1), 420, 1),),
                      sluttdato=date(2026, 1, 31), dodsfall=dodsfall)
        jan = beregn(Grunnlag(aar=2026, maaned=1, **felles,  # type: ignore[arg-type]
                              dager={ORDINAER: dager(2026, 1, besok)}))
        feb = beregn(Grunnlag(aar=2026, maaned=2, **felles,  # type: ignore[arg-type]
                              dager={ORDINAER: dager(2026, 2, besok)}))
        assert jan.betalbar == TIME and jan.avvik == ()
        assert feb.betalbar == 0 and feb.bestilt == 0
        assert [(a.arsak, a.mengde, a.dager) for a in feb.avvik] == [
            (arsak, TIME, ((date(2026, 2, 1), TIME),))]


def test_r23_en_leveranse_annullert_for_den_begynte_har_ingen_aktive_dager() -> None:
    g = Grunnlag(aar=2026, maaned=2, leveranse_fom=date(2026, 2, 4),
                 leveranse_tom=date(2026, 2, 3), har_vedtak=True, vedtak_fra=date(2026, 1, 1),
                 omfang=(Omfangsperiode(date(2026, 1, 1), 420, 1),), sluttdato=date(2026, 2, 3))
    assert betaling.aktive_dager(g) is None and beregn(g).bestilt == 0


# --- R05: one price, one rounding -------------------------------------------------------------


def test_r05_belop_er_eksakte_timer_ganger_prisen_avrundet_en_gang_halvt_opp() -> None:
    """20/7 h x 795.40 kr = 2272.5714... -> 2272.57; 1/2 h x 0.01 kr = 0.005 -> 0.01 (half up).
    The function has no provider argument: the same hours cost the same everywhere (R05)."""
    assert betaling.belop(Fraction(20, 7), Decimal("795.40")) == Decimal("2272.57")
    assert betaling.belop(Fraction(1, 2), Decimal("0.01")) == Decimal("0.01")
    assert betaling.belop(Fraction(3), None) is None  # no price configured: no amount, not 0
    assert betaling.timer(90 * MIN) == Fraction(3, 2)


def test_arsakskoden_som_type_er_avviksarsakenes_koder() -> None:
    """The cause codes as a type (read models, API schema) are exactly the causes described, in
    the same order: a new cause added to one list and not the other fails here."""
    assert get_args(betaling.Arsakskode) == tuple(Avviksarsak.BESKRIVELSE)


def test_r24_en_del_av_maaneden_teller_bare_sine_dager() -> None:
    """R24: April 2026 split at a move on the 16th. The part 16-30 counts the 20th's hour and
    its visit, orders 15 days x 1 h, and the 10th's hour is the other part's: not a deviation
    here. The whole month (no part) counts both hours."""
    tid = [0] * 31
    tid[9] = tid[19] = TIME
    hel = Grunnlag(aar=2026, maaned=4, leveranse_fom=date(2026, 4, 1), leveranse_tom=None,
                   har_vedtak=True, vedtak_fra=date(2026, 1, 1),
                   omfang=(Omfangsperiode(date(2026, 1, 1), 420, 1),),
                   dager={ORDINAER: tid}, antall={ORDINAER: 2})
    del_ = replace(hel, del_fom=date(2026, 4, 16), del_tom=date(2026, 4, 30),
                   antall={ORDINAER: 1})
    r = beregn(del_)
    assert (r.bestilt, r.levert_ordinaer, r.betalbar, r.antall_besok, r.avvik) == (
        15 * TIME, TIME, TIME, 1, ())
    assert betaling.aktive_dager(del_) == (date(2026, 4, 16), date(2026, 4, 30))
    assert (beregn(hel).bestilt, beregn(hel).levert_ordinaer) == (30 * TIME, 2 * TIME)
