"""R24: the one function that says which bydel is responsible on a date, and who may reach the
record (domain/ansvar.py), with worked dates. The move is recorded on 2026-03-02 in each case."""

from __future__ import annotations

from datetime import date

from domain import ansvar

D = date.fromisoformat


def _linje(*flyttinger: tuple[str, str]) -> ansvar.Tidslinje:
    return ansvar.tidslinje("frogner", [(D(d), til) for d, til in flyttinger])


def test_a_move_dated_ahead_leaves_the_old_bydel_responsible_until_the_day_before() -> None:
    linje = _linje(("2026-04-01", "sagene"))
    assert ansvar.ansvarlig_bydel(linje, D("2026-03-02")) == "frogner"  # today
    assert ansvar.ansvarlig_bydel(linje, D("2026-03-31")) == "frogner"
    assert ansvar.ansvarlig_bydel(linje, D("2026-04-01")) == "sagene"
    # Until the date both reach the record (the new bydel prepares its vedtak); then only the new
    assert ansvar.bydeler_med_tilgang(linje, D("2026-03-02")) == {"frogner", "sagene"}
    assert ansvar.bydeler_med_tilgang(linje, D("2026-03-31")) == {"frogner", "sagene"}
    assert ansvar.bydeler_med_tilgang(linje, D("2026-04-01")) == {"sagene"}


def test_a_move_effective_today_gives_the_new_bydel_alone_today() -> None:
    linje = _linje(("2026-03-02", "sagene"))
    assert ansvar.ansvarlig_bydel(linje, D("2026-03-01")) == "frogner"
    assert ansvar.ansvarlig_bydel(linje, D("2026-03-02")) == "sagene"
    assert ansvar.bydeler_med_tilgang(linje, D("2026-03-02")) == {"sagene"}


def test_a_move_recorded_after_its_date_keeps_the_past_with_the_old_bydel() -> None:
    linje = _linje(("2026-02-01", "sagene"))
    assert ansvar.ansvarlig_bydel(linje, D("2026-01-31")) == "frogner"
    assert ansvar.ansvarlig_bydel(linje, D("2026-02-01")) == "sagene"
    assert ansvar.bydeler_med_tilgang(linje, D("2026-03-02")) == {"sagene"}
    # ... while on a date before it (a past instant) the old one was responsible
    assert ansvar.bydeler_med_tilgang(linje, D("2026-01-15")) == {"frogner", "sagene"}


def test_a_planned_move_is_cancelled_by_a_move_back_from_its_date_or_earlier() -> None:
    for tilbake in ("2026-04-01", "2026-03-15"):
        linje = _linje(("2026-04-01", "sagene"), (tilbake, "frogner"))
        assert linje == ((date.min, "frogner"),)
        assert ansvar.bydeler_med_tilgang(linje, D("2026-03-02")) == {"frogner"}
        assert ansvar.ansvarlig_bydel(linje, D("2026-05-01")) == "frogner"


def test_a_planned_move_changed_to_another_bydel_or_date_replaces_the_plan() -> None:
    annen = _linje(("2026-04-01", "sagene"), ("2026-04-01", "alna"))
    assert annen == ((date.min, "frogner"), (D("2026-04-01"), "alna"))
    assert ansvar.bydeler_med_tilgang(annen, D("2026-03-02")) == {"frogner", "alna"}
    tidligere = _linje(("2026-04-01", "sagene"), ("2026-03-20", "sagene"))
    assert ansvar.ansvarlig_bydel(tidligere, D("2026-03-20")) == "sagene"
    # Postponed: cancel, then move again later
    senere = _linje(("2026-04-01", "sagene"), ("2026-04-01", "frogner"), ("2026-05-01", "sagene"))
    assert ansvar.ansvarlig_bydel(senere, D("2026-04-15")) == "frogner"
    assert ansvar.ansvarlig_bydel(senere, D("2026-05-01")) == "sagene"


def test_a_move_after_a_planned_one_chains() -> None:
    linje = _linje(("2026-04-01", "sagene"), ("2026-06-01", "alna"))
    assert [ansvar.ansvarlig_bydel(linje, D(x)) for x in ("2026-03-31", "2026-05-31",
                                                          "2026-06-01")] == \
        ["frogner", "sagene", "alna"]
    assert ansvar.bydeler_med_tilgang(linje, D("2026-03-02")) == {"frogner", "sagene", "alna"}
    assert ansvar.bydeler_med_tilgang(linje, D("2026-04-01")) == {"sagene", "alna"}


def test_the_days_of_a_month_split_by_who_is_responsible() -> None:
    linje = _linje(("2026-04-16", "sagene"))
    assert ansvar.ansvarsperioder(linje, D("2026-04-01"), D("2026-04-30")) == (
        (D("2026-04-01"), D("2026-04-15"), "frogner"), (D("2026-04-16"), D("2026-04-30"), "sagene"))
    assert ansvar.ansvarsperioder(linje, D("2026-03-01"), D("2026-03-31")) == (
        (D("2026-03-01"), D("2026-03-31"), "frogner"),)
