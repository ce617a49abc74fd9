"""R06-R08, R23: a change of mind during a pending switch, on SQLite and PostgreSQL.

After every outcome the choice in force, the deliveries (on the bruker and on each delivery) and
the current-provider read model say the same provider for every date, and nothing overlaps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

import pytest

from application.app import BrukervalgApp, SamtidigEndring
from domain import kommandoer as k
from domain.begreper import Aktor, Form, Kanal, Regelbrudd, Rolle, Sluttarsak
from projections import Projections
from tests.conftest import FNR, SAKSBEHANDLER, TOCARE, d, oslo
from tests.integration.conftest import HSP, Sak, antall_hendelser, lag_sak

SB2 = Aktor(person_id="sb-frogner-2", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")


def _bytt(app: BrukervalgApp, sak: Sak, til: str, dato: str,
          aktor: Aktor = SAKSBEHANDLER) -> UUID:
    return app.bytt_leverandor(k.ByttLeverandor(
        bruker_id=sak.bruker_id, tjenestetype=HSP, til_leverandor_id=til, form=Form.MUNTLIG,
        oppsigelsesdato=d(dato)), aktor).id


def sjekk_samsvar(app: BrukervalgApp, bruker_id: UUID, fra: date = date(2026, 3, 2),
                  til: date = date(2026, 5, 31)) -> list[str]:
    """Choice, deliveries and current provider agree on every date; returns the providers."""
    b = app.bruker(bruker_id)
    for ref in b.leveranser.values():  # the bruker's periods are the deliveries' own
        lev = app.leveranse(ref.leveranse_id)
        assert (lev.fom, lev.tom, lev.leverandor_id) == (ref.fom, ref.tom, ref.leverandor_id)
    ut = []
    with Projections(app) as p:
        p.oppdater()
        dag = fra
        while dag <= til:
            aktive = [r for r in b.leveranser.values() if r.tjenestetype == HSP
                      and not r.annullert and r.fom <= dag and (r.tom is None or dag <= r.tom)]
            assert len(aktive) == 1, (dag, aktive)  # R08
            valgt = b.valgt_leverandor(HSP, dag, "kommunal")
            lest = p.leverandor_paa(bruker_id, HSP, dag).leverandor_id
            assert valgt == aktive[0].leverandor_id == lest, dag
            ut.append(valgt)
            dag += timedelta(days=1)
    return ut


def _dager(leverandorer: list[str]) -> dict[str, int]:
    return {x: leverandorer.count(x) for x in dict.fromkeys(leverandorer)}


def test_r06_second_notice_before_takeover_annuls_the_pending_delivery(
        app: BrukervalgApp, sak: Sak) -> None:
    """Seed 003: "Brukerne kan når som helst velge en annen leverandør". The first notice's ten
    days (R07) stand; the pending 2care delivery never began and is annulled; Nordlys takes over
    on the day 2care would have."""
    forste = _bytt(app, sak, "2care", "2026-03-05")
    andre = _bytt(app, sak, "nordlys", "2026-03-07", SB2)
    gammel, ventende, ny = (app.leveranse(i) for i in (sak.leveranse_id, forste, andre))
    assert (gammel.tom, gammel.avsluttet.arsak) == (d("2026-03-14"),
                                                    Sluttarsak.BYTTE_AV_LEVERANDOR)
    assert ventende.tom == d("2026-03-14") and ventende.tom < ventende.fom  # annulled
    assert (ny.leverandor_id, ny.fom, ny.vedtak_id) == ("nordlys", d("2026-03-15"),
                                                        sak.vedtak_id)
    b = app.bruker(sak.bruker_id)
    assert [(x.til_leverandor_id, x.oppsigelsesdato, x.aktor.person_id,
             x.annullert_leveranse_id) for x in b.bytter] == [
        ("2care", d("2026-03-05"), "sb-frogner-1", None),
        ("nordlys", d("2026-03-07"), "sb-frogner-2", forste)]
    assert b.bytter[1].siste_dag_gammel == d("2026-03-14")
    # R09: 2care, whose delivery will never start, is told of it as a recorded notice
    app.varsle_oppsigelse(k.VarsleOppsigelse(leveranse_id=forste, kanal=Kanal.PASIENTOVERGANG,
                                             varslet_tid=oslo(2026, 3, 7, 11, 20)), SB2)
    assert app.leveranse(forste).oppsigelsesvarsler[0].aktor.person_id == "sb-frogner-2"
    assert _dager(sjekk_samsvar(app, sak.bruker_id)) == {"kommunal": 13, "nordlys": 78}


def test_r06_change_of_mind_back_to_the_old_provider_continues_it_after_the_notice(
        app: BrukervalgApp, sak: Sak) -> None:
    forste = _bytt(app, sak, "2care", "2026-03-05")
    andre = _bytt(app, sak, "kommunal", "2026-03-06")
    assert app.bruker(sak.bruker_id).leveranser[forste].annullert
    assert (app.leveranse(andre).leverandor_id, app.leveranse(andre).fom) == (
        "kommunal", d("2026-03-15"))
    assert set(sjekk_samsvar(app, sak.bruker_id)) == {"kommunal"}


def test_r06_third_notice_annuls_the_second_pending_delivery(app: BrukervalgApp,
                                                             sak: Sak) -> None:
    _bytt(app, sak, "2care", "2026-03-05")
    andre = _bytt(app, sak, "nordlys", "2026-03-06")
    tredje = _bytt(app, sak, "fjordomsorg", "2026-03-08")
    assert app.bruker(sak.bruker_id).leveranser[andre].annullert
    assert app.leveranse(tredje).fom == d("2026-03-15")
    assert _dager(sjekk_samsvar(app, sak.bruker_id)) == {"kommunal": 13, "fjordomsorg": 78}


def test_r06_second_notice_after_takeover_is_an_ordinary_switch(app: BrukervalgApp,
                                                                sak: Sak) -> None:
    forste = _bytt(app, sak, "2care", "2026-03-05")
    andre = _bytt(app, sak, "nordlys", "2026-03-20")
    assert app.leveranse(forste).tom == d("2026-03-29")  # ten days from 20 March (R07)
    assert app.leveranse(andre).fom == d("2026-03-30")
    assert not app.bruker(sak.bruker_id).leveranser[forste].annullert
    assert _dager(sjekk_samsvar(app, sak.bruker_id)) == {"kommunal": 13, "2care": 15,
                                                          "nordlys": 63}


def test_r06_second_notice_on_the_takeover_day_is_an_ordinary_switch(app: BrukervalgApp,
                                                                    sak: Sak) -> None:
    forste = _bytt(app, sak, "2care", "2026-03-05")
    _bytt(app, sak, "nordlys", "2026-03-15")  # 2care took over that day
    assert app.leveranse(forste).tom == d("2026-03-24")
    assert _dager(sjekk_samsvar(app, sak.bruker_id)) == {"kommunal": 13, "2care": 10,
                                                          "nordlys": 68}


def test_r06_r07_a_change_of_mind_is_refused_when_it_cannot_be_coherent(
        app: BrukervalgApp, sak: Sak) -> None:
    _bytt(app, sak, "2care", "2026-03-05")
    for_ = antall_hendelser(app)
    with pytest.raises(Regelbrudd, match=r"^R06 \(til_leverandor_id\)"):
        _bytt(app, sak, "2care", "2026-03-07")  # already chosen and pending
    with pytest.raises(Regelbrudd, match=r"^R07 \(oppsigelsesdato\)"):
        _bytt(app, sak, "nordlys", "2026-03-04")  # before the pending switch's notice
    assert antall_hendelser(app) == for_


def test_r07_correcting_the_choice_a_switch_created_is_refused_not_left_disagreeing(
        app: BrukervalgApp, sak: Sak) -> None:
    _bytt(app, sak, "2care", "2026-03-05")
    valg = app.bruker(sak.bruker_id).gjeldende_valg(HSP, d("2026-03-15"))
    for_ = antall_hendelser(app)
    with pytest.raises(Regelbrudd, match=r"^R07 \(korrigerer\).*nytt bytte"):
        app.korriger_leverandorvalg(k.KorrigerLeverandorvalg(
            bruker_id=sak.bruker_id, korrigerer=valg.hendelse_id, leverandor_id="nordlys",
            form=Form.MUNTLIG, gyldig_fra=d("2026-03-15"), begrunnelse="Feil leverandør"),
            SAKSBEHANDLER)
    assert antall_hendelser(app) == for_
    # the remedy: a new notice with the same date moves choice and delivery together
    _bytt(app, sak, "nordlys", "2026-03-05")
    assert _dager(sjekk_samsvar(app, sak.bruker_id)) == {"kommunal": 13, "nordlys": 78}


def test_r23_death_during_a_changed_mind_annuls_the_pending_and_nothing_is_delivered_on_it(
        app: BrukervalgApp, sak: Sak) -> None:
    forste = _bytt(app, sak, "2care", "2026-03-05")
    andre = _bytt(app, sak, "nordlys", "2026-03-07")
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id,
                                               dodsdato=d("2026-03-12")), SAKSBEHANDLER)
    b = app.bruker(sak.bruker_id)
    assert b.leveranser[forste].annullert and b.leveranser[andre].annullert
    gammel = app.leveranse(sak.leveranse_id)
    assert (gammel.tom, gammel.avsluttet.arsak) == (d("2026-03-12"), Sluttarsak.DODSFALL)
    for_ = antall_hendelser(app)
    with pytest.raises(Regelbrudd, match=r"^R23 \(start\)"):
        app.registrer_besok(k.RegistrerBesok(leveranse_id=andre, start=oslo(2026, 3, 16, 8),
                                             slutt=oslo(2026, 3, 16, 9), ansatt="n-1"), TOCARE)
    assert antall_hendelser(app) == for_
    with Projections(app) as p:
        p.oppdater()
        for dag in (d("2026-03-13"), d("2026-03-15"), d("2026-03-20")):
            assert p.leverandor_paa(sak.bruker_id, HSP, dag).leverandor_id is None


@pytest.mark.postgres
def test_r08_two_concurrent_second_notices_give_exactly_one_winner(
        lag_app: Callable[..., BrukervalgApp], monkeypatch: pytest.MonkeyPatch) -> None:
    """Both threads decide on the same pending switch; one wins, the other conflicts."""
    app = lag_app("postgres")
    les_leveranse = app.leveranse
    barriere = threading.Barrier(2, timeout=10)
    i_kapplop = threading.local()

    def leveranse_og_vent(leveranse_id: UUID) -> object:
        lev = les_leveranse(leveranse_id)
        if getattr(i_kapplop, "aktiv", False):
            barriere.wait()
        return lev

    monkeypatch.setattr(app, "leveranse", leveranse_og_vent)
    for runde in range(3):
        sak = lag_sak(app, fnr=FNR[runde])
        _bytt(app, sak, "2care", "2026-03-05")
        barriere.reset()
        utfall: dict[str, object] = {}

        def bytt(til: str, sak: Sak = sak, utfall: dict[str, object] = utfall) -> None:
            i_kapplop.aktiv = True
            try:
                utfall[til] = _bytt(app, sak, til, "2026-03-07")
            except (SamtidigEndring, Regelbrudd) as e:
                utfall[til] = e

        traader = [threading.Thread(target=bytt, args=(til,)) for til in ("nordlys",
                                                                         "fjordomsorg")]
        for t in traader:
            t.start()
        for t in traader:
            t.join()
        vinnere = [til for til, v in utfall.items() if not isinstance(v, Exception)]
        assert len(vinnere) == 1, utfall
        assert isinstance(utfall[({"nordlys", "fjordomsorg"} - set(vinnere)).pop()],
                          SamtidigEndring)
        monkeypatch.setattr(app, "leveranse", les_leveranse)
        assert _dager(sjekk_samsvar(app, sak.bruker_id)) == {"kommunal": 13, vinnere[0]: 78}
        monkeypatch.setattr(app, "leveranse", leveranse_og_vent)
