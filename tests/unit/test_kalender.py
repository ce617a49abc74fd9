"""Tests for domain.kalender: virkedager, helligdager, Oslo time and the SLA deadlines.

Each test names its rule id. Every test is chosen so that a naive implementation (weekdays only,
ignoring public holidays; naive datetimes; UTC dates; wall-clock subtraction) would fail it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.kalender import (
    OSLO,
    NaivtTidspunktError,
    er_helligdag,
    er_virkedag,
    forrige_virkedag,
    frist_r07_bytte,
    frist_r11_varsel,
    frist_r12_oppstart,
    frist_r13_oppstart,
    frist_r16_svar,
    frist_r21_videresending,
    frist_r25_klage,
    helligdager,
    helligdagsnavn,
    krev_tidssone,
    legg_til_virkedager,
    lokal,
    lokal_dato,
    lokalt_tidspunkt,
    maaned_grenser,
    neste_virkedag,
    overlapp_dager,
    r12_telefonvarsel_i_tide,
    varighet,
)

PAASKE_2026 = [date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 5), date(2026, 4, 6)]


def oslo(*args: int) -> datetime:
    """Oslo wall-clock datetime (fold=0); only for unambiguous times in tests."""
    return datetime(*args, tzinfo=OSLO)


# --- Helligdager and virkedager (SLA intro: Mon-Fri except public holidays) ----------------------


def test_r11_helligdager_2026_are_exactly_the_twelve_public_holidays_not_sundays():
    """R11-R13/R16 SLA intro: only real public holidays count; ordinary Sundays are not listed."""
    assert sorted(helligdager(2026)) == [
        date(2026, 1, 1),
        *PAASKE_2026,
        date(2026, 5, 1),
        date(2026, 5, 14),
        date(2026, 5, 17),
        date(2026, 5, 24),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    ]
    assert not er_helligdag(date(2026, 3, 29))  # ordinary Sunday
    assert not er_virkedag(date(2026, 3, 29))


@pytest.mark.parametrize("d", PAASKE_2026)
def test_r11_easter_2026_days_are_helligdager(d: date):
    """R11 SLA intro: Easter moves; skjærtorsdag to 2. påskedag 2026 are not working days."""
    assert er_helligdag(d)
    assert not er_virkedag(d)


def test_r11_weekday_easter_holidays_are_not_virkedager_and_neighbours_are():
    """R11 SLA intro: Thu/Fri/Mon of Easter are weekdays yet not virkedager."""
    virkedager = [d for d in range(1, 8) if er_virkedag(date(2026, 4, d))]
    assert virkedager == [1, 7]
    assert neste_virkedag(date(2026, 4, 1)) == date(2026, 4, 7)
    assert forrige_virkedag(date(2026, 4, 7)) == date(2026, 4, 1)


def test_r11_17_mai_on_a_monday_is_not_a_virkedag():
    """R11 SLA intro: 17. mai 2027 is a Monday and a public holiday."""
    assert date(2027, 5, 17).weekday() == 0
    assert "Grunnlov" in (helligdagsnavn(date(2027, 5, 17)) or "")
    assert not er_virkedag(date(2027, 5, 17))
    assert neste_virkedag(date(2027, 5, 14)) == date(2027, 5, 18)
    assert helligdagsnavn(date(2027, 5, 18)) is None


def test_r11_christmas_eve_is_a_virkedag_but_christmas_days_are_not():
    """R11 SLA intro: julaften is a working day; 1. og 2. juledag are not (2025: Thu and Fri)."""
    assert er_virkedag(date(2025, 12, 24))
    assert not er_virkedag(date(2025, 12, 25))
    assert not er_virkedag(date(2025, 12, 26))
    assert neste_virkedag(date(2025, 12, 24)) == date(2025, 12, 29)


def test_r16_legg_til_virkedager_across_easter_both_directions():
    """R16 (working-day arithmetic): one working day after Wed 2026-04-01 is Tue 2026-04-07."""
    assert legg_til_virkedager(date(2026, 4, 1), 1) == date(2026, 4, 7)
    assert legg_til_virkedager(date(2026, 4, 1), 2) == date(2026, 4, 8)
    assert legg_til_virkedager(date(2026, 4, 7), -1) == date(2026, 4, 1)
    assert legg_til_virkedager(date(2026, 4, 4), 0) == date(2026, 4, 4)


def test_r11_calendar_rejects_datetime_where_a_date_is_required():
    """R11-R13 SLA intro: a datetime passed as date would silently use the wrong (UTC) day."""
    with pytest.raises(TypeError):
        er_virkedag(datetime(2026, 4, 2, 23, 30, tzinfo=UTC))  # type: ignore[arg-type]


# --- Oslo time, DST and naive datetimes ----------------------------------------------------------


def test_r11_naive_datetime_raises_error_naming_the_field_and_rule():
    """R11-R13, R16, R21 SLA intro: all times are Oslo time; a naive datetime is rejected."""
    with pytest.raises(NaivtTidspunktError) as feil:
        krev_tidssone(datetime(2026, 4, 1, 10, 0), "varslet", "R12")
    assert feil.value.felt == "varslet"
    assert feil.value.regel == "R12"
    assert "varslet" in str(feil.value)
    assert isinstance(feil.value, ValueError)


class _UtenOffset(tzinfo):
    """A tzinfo whose utcoffset is None: the datetime is effectively naive."""

    def utcoffset(self, dt: datetime | None) -> None:
        return None

    def dst(self, dt: datetime | None) -> None:
        return None

    def tzname(self, dt: datetime | None) -> None:
        return None


def test_r12_tzinfo_without_offset_counts_as_naive():
    """R12: tzinfo set but utcoffset None is still naive."""
    with pytest.raises(NaivtTidspunktError):
        krev_tidssone(datetime(2026, 4, 1, 10, tzinfo=_UtenOffset()), "varslet")


@pytest.mark.parametrize(
    ("kall", "felt", "regel"),
    [
        (lambda dt: frist_r12_oppstart(dt), "varslet", "R12"),
        (lambda dt: r12_telefonvarsel_i_tide(dt), "varslet", "R12"),
        (lambda dt: frist_r13_oppstart(dt), "varslet", "R13"),
        (lambda dt: frist_r16_svar(dt), "anmodet", "R16"),
        (lambda dt: frist_r21_videresending(dt), "mottatt", "R21"),
        (lambda dt: varighet(dt, oslo(2026, 4, 1, 12)), "start", None),
        (lambda dt: varighet(oslo(2026, 4, 1, 12), dt), "slutt", None),
        (lambda dt: lokal(dt), "dt", None),
        (lambda dt: lokal_dato(dt), "dt", None),
    ],
)
def test_r12_r13_r16_r21_deadline_functions_reject_naive_datetimes(kall, felt, regel):
    """R12, R13, R16, R21: each deadline function names the offending field (and rule)."""
    with pytest.raises(NaivtTidspunktError) as feil:
        kall(datetime(2026, 4, 1, 10, 0))
    assert feil.value.felt == felt
    assert feil.value.regel == regel
    assert felt in str(feil.value)


def test_r13_lokal_dato_is_the_oslo_date_not_the_utc_date():
    """R13 SLA intro: 2026-03-31 23:30 UTC is already 2026-04-01 in Oslo."""
    assert lokal_dato(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 4, 1)
    assert lokal(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == oslo(2026, 4, 1, 1, 30)


def test_r18_night_visit_across_fall_back_lasts_nine_hours():
    """R18 delivered time: 2026-10-24 22:00 -> 2026-10-25 06:00 Oslo is 9 real hours."""
    start, slutt = oslo(2026, 10, 24, 22), oslo(2026, 10, 25, 6)
    assert slutt - start == timedelta(hours=8)  # the wall-clock trap: same tzinfo subtracts naively
    assert varighet(start, slutt) == timedelta(hours=9)


def test_r18_night_visit_across_spring_forward_lasts_seven_hours():
    """R18 delivered time: 2026-03-28 22:00 -> 2026-03-29 06:00 Oslo is 7 real hours."""
    start, slutt = oslo(2026, 3, 28, 22), oslo(2026, 3, 29, 6)
    assert slutt - start == timedelta(hours=8)  # the wall-clock trap
    assert varighet(start, slutt) == timedelta(hours=7)


def test_r18_varighet_accepts_mixed_time_zones():
    """R18 delivered time: instants in different zones are compared as real time."""
    assert varighet(oslo(2026, 6, 1, 8), datetime(2026, 6, 1, 8, tzinfo=UTC)) == timedelta(hours=2)


def test_r11_lokalt_tidspunkt_nonexistent_time_gives_the_transition_instant():
    """R11 SLA intro: 2026-03-29 02:30 does not exist in Oslo; result is 03:00 CEST (01:00 UTC)."""
    resultat = lokalt_tidspunkt(date(2026, 3, 29), time(2, 30))
    assert resultat.astimezone(UTC) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert resultat.utcoffset() == timedelta(hours=2)
    assert (resultat.hour, resultat.minute) == (3, 0)


def test_r11_lokalt_tidspunkt_ambiguous_time_uses_first_occurrence():
    """R11 SLA intro: 2026-10-25 02:30 happens twice; fold=0 gives the CEST one (00:30 UTC)."""
    resultat = lokalt_tidspunkt(date(2026, 10, 25), time(2, 30, fold=1))
    assert resultat.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert resultat.utcoffset() == timedelta(hours=2)


def test_r11_lokalt_tidspunkt_uses_summer_and_winter_offsets():
    """R11 SLA intro: 14:00 Oslo is 13:00 UTC in winter and 12:00 UTC in summer."""
    assert lokalt_tidspunkt(date(2026, 1, 13), time(14)).astimezone(UTC).hour == 13
    assert lokalt_tidspunkt(date(2026, 6, 16), time(14)).astimezone(UTC).hour == 12


def test_r11_lokalt_tidspunkt_rejects_aware_time():
    """R11 SLA intro: the wall-clock time must not carry its own zone."""
    with pytest.raises(ValueError):
        lokalt_tidspunkt(date(2026, 1, 13), time(14, tzinfo=UTC))


# --- Month boundaries and overlap (R18 payment per month, R08 periods) ---------------------------


def test_r18_maaned_grenser_handles_february_leap_year_and_december():
    """R18: month boundaries for monthly invoicing, including leap years."""
    assert maaned_grenser(2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))
    assert maaned_grenser(2028, 2) == (date(2028, 2, 1), date(2028, 2, 29))
    assert maaned_grenser(2026, 12) == (date(2026, 12, 1), date(2026, 12, 31))
    with pytest.raises(ValueError):
        maaned_grenser(2026, 13)


def test_r18_overlapp_dager_counts_inclusive_days_within_a_month():
    """R18: days of a delivery period inside a month, inclusive on both ends."""
    mars = maaned_grenser(2026, 3)
    assert overlapp_dager(date(2026, 3, 20), None, *mars) == 12
    assert overlapp_dager(date(2026, 2, 10), date(2026, 3, 1), *mars) == 1
    assert overlapp_dager(date(2026, 3, 31), date(2026, 3, 31), *mars) == 1
    assert overlapp_dager(date(2026, 1, 1), None, *mars) == 31
    assert overlapp_dager(date(2026, 4, 1), None, *mars) == 0
    assert overlapp_dager(date(2026, 1, 1), date(2026, 2, 28), *mars) == 0


# --- R07 ------------------------------------------------------------------------------------------


def test_r07_worked_example_notice_2026_03_05():
    """R07: notice 2026-03-05 -> old delivery ends 2026-03-14, new starts 2026-03-15."""
    assert frist_r07_bytte(date(2026, 3, 5)) == (date(2026, 3, 14), date(2026, 3, 15))


def test_r07_notice_period_across_february_month_end():
    """R07: ten calendar days counted from and including the notice date, across month end."""
    assert frist_r07_bytte(date(2026, 2, 25)) == (date(2026, 3, 6), date(2026, 3, 7))
    assert frist_r07_bytte(date(2028, 2, 25)) == (date(2028, 3, 5), date(2028, 3, 6))


# --- R11 ------------------------------------------------------------------------------------------


def test_r11_easter_pushes_deadline_back_to_wednesday():
    """R11 worked example: start Tue 2026-04-07 -> deadline Wed 2026-04-01 14:00 Oslo."""
    frist = frist_r11_varsel(date(2026, 4, 7))
    assert frist == oslo(2026, 4, 1, 14)
    assert frist.tzinfo == OSLO
    assert frist.astimezone(UTC) == datetime(2026, 4, 1, 12, tzinfo=UTC)


def test_r11_new_year_deadline_falls_in_previous_year():
    """R11: start Mon 2027-01-04; Fri 2027-01-01 is a holiday -> Thu 2026-12-31 14:00."""
    assert frist_r11_varsel(date(2027, 1, 4)) == oslo(2026, 12, 31, 14)


def test_r11_christmas_deadline_is_christmas_eve():
    """R11: start Mon 2026-12-28; Fri 12-25 is 1. juledag -> Thu 2026-12-24 14:00."""
    assert frist_r11_varsel(date(2026, 12, 28)) == oslo(2026, 12, 24, 14)


def test_r11_whit_monday_pushes_deadline_to_friday():
    """R11: start Tue 2026-05-26; Mon 05-25 is 2. pinsedag -> Fri 2026-05-22 14:00."""
    assert frist_r11_varsel(date(2026, 5, 26)) == oslo(2026, 5, 22, 14)


def test_r11_deadline_before_spring_forward_keeps_winter_offset():
    """R11: start Mon 2026-03-30 -> Fri 2026-03-27 14:00 CET (13:00 UTC)."""
    frist = frist_r11_varsel(date(2026, 3, 30))
    assert frist.astimezone(UTC) == datetime(2026, 3, 27, 13, tzinfo=UTC)


# --- R12 ------------------------------------------------------------------------------------------


def test_r12_telephone_notice_until_1530_inclusive():
    """R12: Monday 15:30:00 is in time, 15:30:01 is not."""
    assert r12_telefonvarsel_i_tide(oslo(2026, 4, 13, 15, 30))
    assert not r12_telefonvarsel_i_tide(oslo(2026, 4, 13, 15, 30, 1))


def test_r12_telephone_notice_compares_oslo_time_not_utc():
    """R12: 14:00 UTC in June is 16:00 Oslo (too late); 13:20 UTC is 15:20 Oslo (in time)."""
    assert not r12_telefonvarsel_i_tide(datetime(2026, 6, 1, 14, 0, tzinfo=UTC))
    assert r12_telefonvarsel_i_tide(datetime(2026, 6, 1, 13, 20, tzinfo=UTC))


def test_r12_telephone_notice_uses_oslo_weekday():
    """R12: Fri 2026-06-05 23:30 UTC is Saturday 01:30 in Oslo: not a weekday."""
    assert not r12_telefonvarsel_i_tide(datetime(2026, 6, 5, 23, 30, tzinfo=UTC))
    assert not r12_telefonvarsel_i_tide(oslo(2026, 6, 6, 9))


def test_r12_ascension_day_thursday_is_not_a_weekday_by_default():
    """R12 decision: Thu 2026-05-14 Kristi himmelfartsdag is not a hverdag (default)."""
    assert not r12_telefonvarsel_i_tide(oslo(2026, 5, 14, 10))
    assert r12_telefonvarsel_i_tide(oslo(2026, 5, 13, 10))


def test_r12_ascension_day_counts_as_weekday_with_flag():
    """R12 decision is configurable: helligdag_teller_som_hverdag=True allows the holiday."""
    assert r12_telefonvarsel_i_tide(oslo(2026, 5, 14, 10), helligdag_teller_som_hverdag=True)
    assert not r12_telefonvarsel_i_tide(
        oslo(2026, 5, 14, 15, 31), helligdag_teller_som_hverdag=True
    )
    assert not r12_telefonvarsel_i_tide(oslo(2026, 5, 16, 10), helligdag_teller_som_hverdag=True)


def test_r12_start_deadline_across_spring_forward_is_0430_local():
    """R12: notice 2026-03-29 01:30 Oslo + 2 real hours = 04:30 CEST (not 03:30)."""
    frist = frist_r12_oppstart(oslo(2026, 3, 29, 1, 30))
    assert frist.tzinfo == OSLO
    assert (frist.hour, frist.minute) == (4, 30)
    assert frist.utcoffset() == timedelta(hours=2)
    assert frist.astimezone(UTC) == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)


def test_r12_start_deadline_across_fall_back_is_0230_second_time():
    """R12: notice 2026-10-25 01:30 CEST + 2 real hours = 02:30 CET (not 03:30)."""
    frist = frist_r12_oppstart(oslo(2026, 10, 25, 1, 30))
    assert (frist.hour, frist.minute) == (2, 30)
    assert frist.utcoffset() == timedelta(hours=1)
    assert frist.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


# --- R13 ------------------------------------------------------------------------------------------


def test_r13_start_deadline_is_local_date_plus_14_days():
    """R13: notice late on 2026-03-31 UTC is 2026-04-01 in Oslo -> last start 2026-04-15."""
    assert frist_r13_oppstart(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 4, 15)


def test_r13_start_deadline_is_calendar_days_across_month_end_and_easter():
    """R13: two weeks are calendar days; 2026-03-20 -> 2026-04-03 (langfredag, not extended)."""
    assert frist_r13_oppstart(oslo(2026, 3, 20, 9)) == date(2026, 4, 3)


# --- R16 ------------------------------------------------------------------------------------------


def test_r16_answer_deadline_across_easter():
    """R16: request Wed 2026-04-01 10:00 -> next working day Tue 04-07 -> frist 04-08 00:00."""
    frist = frist_r16_svar(oslo(2026, 4, 1, 10))
    assert frist == oslo(2026, 4, 8, 0)
    assert oslo(2026, 4, 7, 23, 59, 59) < frist
    assert not oslo(2026, 4, 8, 0) < frist


def test_r16_request_on_a_holiday_uses_the_next_working_day():
    """R16: request on skjærtorsdag 2026-04-02 -> next working day Tue 04-07 -> 04-08 00:00."""
    assert frist_r16_svar(oslo(2026, 4, 2, 12)) == oslo(2026, 4, 8, 0)


def test_r16_request_uses_oslo_date_of_utc_instant():
    """R16: Tue 2026-03-31 22:30 UTC is Wed 04-01 00:30 Oslo -> frist 2026-04-08, not 04-02."""
    assert frist_r16_svar(datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) == oslo(2026, 4, 8, 0)


def test_r16_request_before_17_mai_monday():
    """R16: request Fri 2027-05-14 -> Mon 05-17 is a holiday -> Tue 05-18 -> frist 05-19 00:00."""
    assert frist_r16_svar(oslo(2027, 5, 14, 9)) == oslo(2027, 5, 19, 0)


# --- R21 ------------------------------------------------------------------------------------------


def test_r21_forward_deadline_is_real_hour_across_fall_back():
    """R21: 02:30 CEST on 2026-10-25 + 1 real hour = 02:30 CET (wall clock unchanged)."""
    mottatt = lokalt_tidspunkt(date(2026, 10, 25), time(2, 30))
    frist = frist_r21_videresending(mottatt)
    assert frist.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert (frist.hour, frist.minute) == (2, 30)
    assert frist.utcoffset() == timedelta(hours=1)


def test_r21_threshold_is_configurable():
    """R21: the 'immediately' threshold is a contract interpretation, configurable per call."""
    mottatt = oslo(2026, 4, 1, 10)
    assert frist_r21_videresending(mottatt, timedelta(minutes=15)) == oslo(2026, 4, 1, 10, 15)
    with pytest.raises(ValueError):
        frist_r21_videresending(mottatt, timedelta(minutes=-1))


# --- R25 ------------------------------------------------------------------------------------------


def test_r25_appeal_deadline_on_skjaertorsdag_is_extended_to_tuesday():
    """R25: received Thu 2026-03-05 -> +28 days Thu 04-02 (skjærtorsdag) -> Tue 2026-04-07."""
    assert frist_r25_klage(date(2026, 3, 5)) == date(2026, 4, 7)


def test_r25_appeal_deadline_without_extension():
    """R25: forleng_til_virkedag=False keeps the raw four weeks, 2026-04-02."""
    assert frist_r25_klage(date(2026, 3, 5), forleng_til_virkedag=False) == date(2026, 4, 2)


def test_r25_appeal_deadline_on_saturday_moves_to_monday():
    """R25: received Sat 2026-01-03 -> Sat 01-31 -> Mon 2026-02-02."""
    assert frist_r25_klage(date(2026, 1, 3)) == date(2026, 2, 2)
    assert frist_r25_klage(date(2026, 1, 5)) == date(2026, 2, 2)


# --- Properties -----------------------------------------------------------------------------------

datoer = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
tidspunkt = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(datoer)
def test_r11_property_deadline_is_virkedag_before_start_at_1400_local(startdato: date):
    """R11: the deadline is always 14:00 Oslo on the last virkedag strictly before start."""
    frist = frist_r11_varsel(startdato)
    dag = lokal_dato(frist)
    assert er_virkedag(dag)
    assert dag < startdato
    assert lokal(frist).time() == time(14, 0)
    mellom = dag + timedelta(days=1)
    while mellom < startdato:
        assert not er_virkedag(mellom)
        mellom += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(tidspunkt)
def test_r16_property_deadline_is_midnight_after_next_virkedag(anmodet: datetime):
    """R16: frist is 00:00 Oslo after the first virkedag strictly after the request's local date."""
    frist = frist_r16_svar(anmodet)
    assert frist > anmodet
    assert lokal(frist).time() == time(0, 0)
    svardag = lokal_dato(frist) - timedelta(days=1)
    assert er_virkedag(svardag)
    assert svardag == neste_virkedag(lokal_dato(anmodet))


@settings(max_examples=300, deadline=None)
@given(tidspunkt, st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1))
def test_r12_property_start_deadline_is_two_real_hours(varslet: datetime, minutter: int):
    """R12/R21: deadlines add real elapsed time, whatever zone the input is in."""
    inn = varslet.astimezone(timezone(timedelta(minutes=minutter)))
    assert varighet(inn, frist_r12_oppstart(inn)) == timedelta(hours=2)
    assert frist_r12_oppstart(inn).tzinfo == OSLO


@settings(max_examples=300, deadline=None)
@given(datoer, st.times())
def test_r11_property_lokalt_tidspunkt_round_trips_except_in_gap(d: date, t: time):
    """R11 SLA intro: the Oslo wall clock is t on d, unless t falls in the spring-forward gap."""
    resultat = lokal(lokalt_tidspunkt(d, t))
    assert resultat.date() == d
    if resultat.time() != t:
        assert resultat.time() == time(3, 0)
        assert time(2, 0) <= t < time(3, 0)


@settings(max_examples=300, deadline=None)
@given(datoer, st.integers(min_value=-30, max_value=30))
def test_r16_property_legg_til_virkedager_is_reversible_from_a_virkedag(d: date, n: int):
    """R16: adding and then subtracting n working days from a virkedag returns to it."""
    if not er_virkedag(d):
        d = neste_virkedag(d)
    assert legg_til_virkedager(legg_til_virkedager(d, n), -n) == d


@settings(max_examples=300, deadline=None)
@given(datoer, st.one_of(st.none(), datoer), datoer, datoer)
def test_r18_property_overlapp_dager_matches_brute_force(fom, tom, pfom, ptom):
    """R18: overlap equals counting the days in both intervals one by one."""
    if abs((ptom - pfom).days) > 400:
        ptom = pfom + timedelta(days=(ptom - pfom).days % 400)
    dag, antall = pfom, 0
    while dag <= ptom:
        antall += fom <= dag and (tom is None or dag <= tom)
        dag += timedelta(days=1)
    assert overlapp_dager(fom, tom, pfom, ptom) == antall
