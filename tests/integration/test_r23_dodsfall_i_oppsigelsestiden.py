"""R23 during a notice period, on SQLite and PostgreSQL: death ends the old delivery on the date of
death and annuls the pending one, which never began; nothing is payable for the annulled one."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.begreper import Form, Regelbrudd, Sluttarsak
from projections import Projections
from tests.conftest import KOMMUNAL, SAKSBEHANDLER, TOCARE, d, oslo
from tests.integration.conftest import HSP, Sak, antall_hendelser


def test_r23_death_during_the_notice_period_annuls_the_pending_delivery_and_nothing_is_payable_for_it(
        app: BrukervalgApp, sak: Sak) -> None:
    ny = app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                              til_leverandor_id="2care", form=Form.MUNTLIG,
                                              oppsigelsesdato=d("2026-03-05")), SAKSBEHANDLER).id
    assert app.leveranse(sak.leveranse_id).tom == d("2026-03-14")  # R07, before the death
    app.registrer_besok(k.RegistrerBesok(leveranse_id=sak.leveranse_id,
                                         start=oslo(2026, 3, 10, 8), slutt=oslo(2026, 3, 10, 9),
                                         ansatt="k-1"), KOMMUNAL)
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id,
                                               dodsdato=d("2026-03-12")), SAKSBEHANDLER)
    gammel = app.leveranse(sak.leveranse_id)
    assert (gammel.tom, gammel.avsluttet.arsak) == (d("2026-03-12"), Sluttarsak.DODSFALL)
    b = app.bruker(sak.bruker_id)
    assert b.leveranser[ny].annullert and app.leveranse(ny).tom < app.leveranse(ny).fom
    for_ = antall_hendelser(app)
    for dag in (13, 15, 16):  # after the death nothing is delivered (R23)
        with pytest.raises(Regelbrudd, match=r"^R23 \(start\)"):
            app.registrer_besok(k.RegistrerBesok(leveranse_id=ny, start=oslo(2026, 3, dag, 8),
                                                 slutt=oslo(2026, 3, dag, 9), ansatt="n-1"),
                                TOCARE)
    assert antall_hendelser(app) == for_  # read back from the store: nothing stored
    # A visit the new provider reports on the day of death is a fact (R23 refuses only later
    # days), but it lies outside its annulled delivery, so it is not payable.
    app.registrer_besok(k.RegistrerBesok(leveranse_id=ny, start=oslo(2026, 3, 12, 8),
                                         slutt=oslo(2026, 3, 12, 9), ansatt="n-1"), TOCARE)
    with Projections(app) as p:
        p.oppdater()
        for dag in (d("2026-03-13"), d("2026-03-15"), d("2026-04-01")):
            assert p.leverandor_paa(sak.bruker_id, HSP, dag).leverandor_id is None
        (tocare,) = [x for x in p.betalbare_timer("2care", 2026, 3).linjer
                     if x.bruker_id == sak.bruker_id]
        assert (tocare.bestilt_timer, tocare.levert_timer, tocare.betalbare_timer,
                tocare.belop) == (0, 1, 0, Decimal("0.00"))
        assert [(a.arsak, a.timer) for a in tocare.avvik] == [("utenfor_leveranseperiode", 1)]
        assert [x for x in p.betalbare_timer("2care", 2026, 4).linjer
                if x.bruker_id == sak.bruker_id] == []
        (mars,) = [x for x in p.betalbare_timer("kommunal", 2026, 3).linjer
                   if x.bruker_id == sak.bruker_id]
        # ordered 420 min a week for 2-12 March (11 days: 11 h); delivered and payable the one hour
        assert (mars.bestilt_timer, mars.levert_timer, mars.betalbare_timer) == (
            Fraction(11), Fraction(1), Fraction(1))
        assert [x for x in p.betalbare_timer("kommunal", 2026, 4).linjer
                if x.bruker_id == sak.bruker_id] == []
