"""Visits and cancellations from a time report (one batch event per delivery and chunk) count
exactly as the same visits recorded one by one: same state, same payable hours, same follow-up."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.tidsrapport import KOLONNER, Tidsrapportimport, fra_tekst, pipeline
from domain.begreper import Tjenestetype
from projections import ProjectionBehind, Projections
from projections.oppfolging import Oppfolging
from projections.oppfolging.rapport import sporingstall
from tests.projections.conftest import Scenario, leverandor, oslo

HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG

# (start, end, acute) and (planned start, planned end, cancelled at): across midnight, across the
# spring DST change (29 March, 02:00 -> 03:00), an acute extra visit, a late and an early
# cancellation, and a visit after the delivery ended (a deviation, R18).
BESOK = [
    (oslo(2026, 3, 2, 8, 0), oslo(2026, 3, 2, 8, 45), False),
    (oslo(2026, 3, 2, 20, 0), oslo(2026, 3, 2, 20, 30), False),
    (oslo(2026, 3, 3, 23, 30), oslo(2026, 3, 4, 0, 40), False),
    (oslo(2026, 3, 10, 14, 0), oslo(2026, 3, 10, 15, 30), True),
    (oslo(2026, 3, 29, 1, 30), oslo(2026, 3, 29, 3, 30), False),
    *((oslo(2026, 3, d, 9, 0), oslo(2026, 3, d, 10, 5), False) for d in range(11, 28)),
    (oslo(2026, 4, 3, 9, 0), oslo(2026, 4, 3, 9, 50), False),
]
AVBESTILT = [
    (oslo(2026, 3, 5, 8, 0), oslo(2026, 3, 5, 8, 45), oslo(2026, 3, 5, 7, 0)),    # late (< 24 h)
    (oslo(2026, 3, 6, 8, 0), oslo(2026, 3, 6, 8, 45), oslo(2026, 3, 3, 12, 0)),   # in good time
]


def _fil(bruker: UUID) -> str:
    linjer = [";".join(KOLONNER)]
    for i, (start, slutt, akutt) in enumerate(BESOK):
        if i == 3:  # the cancellations in the middle of the file
            for ps, pe, avb in AVBESTILT:
                linjer.append(f"avbestilling;{bruker};{HSP.value};{ps.isoformat()};{pe.isoformat()};"
                              f";;;{avb.isoformat()};OL-beskjed 17")
        kategori, tiltak = ("akutt_ekstra", "AKUTT-01") if akutt else ("ordinaer", "")
        linjer.append(f"besok;{bruker};{HSP.value};{start.isoformat()};{slutt.isoformat()};ans-07;"
                      f"{kategori};{tiltak};;")
    return "\n".join(linjer) + "\n"


def _uten_id(x: Any) -> dict[str, Any]:
    """Every field of an invoice line or deviation (exact amounts) except whose it is."""
    return {f.name: getattr(x, f.name) for f in fields(x)
            if f.name not in ("bruker_id", "leveranser", "leveranse_id", "avvik")}


@pytest.mark.parametrize("bit", [500, 4])
def test_r18_r18a_r20_batch_folds_and_pays_exactly_as_single_visits(
        scenario: Scenario, projeksjoner: Projections, monkeypatch: pytest.MonkeyPatch,
        bit: int) -> None:
    monkeypatch.setattr(pipeline, "BIT", bit)
    scenario.naa(2026, 3, 1, 9)
    b1, _, lev1 = scenario.sak(date(2026, 3, 1))
    b2, _, lev2 = scenario.sak(date(2026, 3, 1))
    for lev in (lev1, lev2):
        scenario.avslutt(lev, date(2026, 3, 31))
    scenario.naa(2026, 4, 5, 10)
    # One by one through the single commands (BesokUtfort, BesokAvbestilt) ...
    for ps, pe, avb in AVBESTILT:
        scenario.avbestill(lev1, ps, pe, avb)
    for start, slutt, akutt in BESOK:
        scenario.besok(lev1, start, slutt, akutt=akutt)
    # ... and the same facts from a provider's file (BesokRapportert, AvbestillingerRapportert).
    ut = Tidsrapportimport(scenario.app, "kommunal", leverandor("kommunal")).importer(
        fra_tekst(_fil(b2)))
    assert (ut.godtatt, ut.avvist) == (len(BESOK) + len(AVBESTILT), 0)
    hendelser = {type(e).__name__ for e in scenario.app.events.get(lev2)}
    assert {"BesokRapportert", "AvbestillingerRapportert"} <= hendelser
    assert not hendelser & {"BesokUtfort", "BesokAvbestilt"}

    en, fil = scenario.app.leveranse(lev1), scenario.app.leveranse(lev2)

    def besok(lev: Any) -> list[tuple[Any, ...]]:
        return sorted((x.start, x.slutt, x.ansatt, x.kategori, x.tiltakskode)
                      for x in lev.besok.values())

    def avbestillinger(lev: Any) -> list[tuple[datetime, ...]]:
        return sorted((a.planlagt_start, a.planlagt_slutt, a.avbestilt_tid)
                      for a in lev.avbestillinger)

    assert besok(en) == besok(fil) and len(besok(fil)) == len(BESOK)
    assert avbestillinger(en) == avbestillinger(fil) and len(avbestillinger(fil)) == 2
    assert en.besoksnokler.keys() == fil.besoksnokler.keys()

    projeksjoner.oppdater()
    for aar, maaned in ((2026, 3), (2026, 4)):
        linjer = {x.bruker_id: x for x in projeksjoner.betalbare_timer("kommunal", aar, maaned).linjer}
        assert _uten_id(linjer[b1]) == _uten_id(linjer[b2])
        assert [_uten_id(a) for a in linjer[b1].avvik] == [_uten_id(a) for a in linjer[b2].avvik]
    mars = {x.bruker_id: x for x in projeksjoner.betalbare_timer("kommunal", 2026, 3).linjer}[b2]
    assert mars.antall_besok == len(BESOK) - 1 and mars.antall_avbestilt == 2
    assert mars.akutt_us == 90 * 60 * 10**6 and mars.sen_avbestilt_us == 45 * 60 * 10**6
    assert mars.avbestilt_us + mars.sen_avbestilt_us == 90 * 60 * 10**6  # R20, both kinds
    # The night of the DST change counts its real hour, not the two wall-clock hours.
    assert mars.levert_us == (45 + 30 + 70 + 60 + 17 * 65) * 60 * 10**6

    o = Oppfolging(projeksjoner)
    o.oppdater()
    with o._les() as cur:
        spor = sporingstall(cur, "kommunal", "2026-03")["besok"]
    per_bruker = {b: sorted((d, a) for bb, d, a in spor if bb == str(b)) for b in (b1, b2)}
    assert per_bruker[b1] == per_bruker[b2] and len(per_bruker[b2]) == len(BESOK) - 1
    assert o.rapport("2026-03", "2026-03").leverandorer[0].maaneder["2026-03"].besok == \
        2 * (len(BESOK) - 1)


def test_r18_a_visit_reported_twice_in_one_batch_counts_once(scenario: Scenario,
                                                           projeksjoner: Projections) -> None:
    scenario.naa(2026, 3, 1, 9)
    b, _, lev = scenario.sak(date(2026, 3, 1))
    start = oslo(2026, 3, 2, 8)
    linje = (f"besok;{b};{HSP.value};{start.isoformat()};"
             f"{(start + timedelta(minutes=30)).isoformat()};ans-07;;;;")
    tekst = "\n".join([";".join(KOLONNER), linje, linje]) + "\n"
    scenario.naa(2026, 3, 2, 12)  # reported after the visit (BV8)
    ut = Tidsrapportimport(scenario.app, "kommunal", leverandor("kommunal")).importer(fra_tekst(tekst))
    assert (ut.godtatt, ut.allerede_registrert) == (1, 1)
    projeksjoner.oppdater()
    (mars,) = projeksjoner.betalbare_timer("kommunal", 2026, 3).linjer
    assert (mars.antall_besok, mars.levert_us) == (1, 30 * 60 * 10**6)


def test_gjenoppbygg_also_rebuilds_the_follow_up_tracking_after_a_version_change(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """The tracking projection's VERSJON changed with the batch events: `brukervalg projeksjoner
    gjenoppbygg` (what ProjectionBehind tells the operator to run) rebuilds it too."""
    scenario.naa(2026, 3, 1, 9)
    b, _, _ = scenario.sak(date(2026, 3, 1))
    scenario.naa(2026, 4, 5, 10)  # the month's report, after its visits (BV8)
    Tidsrapportimport(scenario.app, "kommunal", leverandor("kommunal")).importer(fra_tekst(_fil(b)))
    o = Oppfolging(projeksjoner)
    o.oppdater()
    for_ = o.rapport("2026-03", "2026-03").leverandorer[0].maaneder["2026-03"].besok
    with projeksjoner.store.write() as cur:  # as if built by the code before the batch events
        cur.execute("UPDATE prj_sporing SET versjon = '1:gammel' WHERE projeksjon = 'oppfolging'")
    with pytest.raises(ProjectionBehind, match="gjenoppbygg"):
        Oppfolging(projeksjoner).oppdater()
    projeksjoner.gjenoppbygg()
    etter = Oppfolging(projeksjoner)
    etter.oppdater()
    assert etter.rapport("2026-03", "2026-03").leverandorer[0].maaneder["2026-03"].besok == \
        for_ == len(BESOK) - 1
