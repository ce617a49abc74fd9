"""R26 for appeals: the whole history, and the state exactly as it was known at a past instant."""

from __future__ import annotations

from uuid import UUID

import pytest

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.begreper import Aktor, Form, Rolle
from domain.vedtak import Omfang
from projections.klagesak import Klagesak
from tests.conftest import KOMMUNAL, SAKSBEHANDLER, VEDTAKSMYNDIG, Klokke, d, oslo
from tests.integration.conftest import PB, Sak


@pytest.fixture
def klokke() -> Klokke:
    """These tests read the state as known at instants in March 2026: the case is recorded then."""
    return Klokke(oslo(2026, 3, 2, 9))


SB2 = Aktor(person_id="sb-frogner-2", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")


def _valg_og_korreksjon(app: BrukervalgApp, sak: Sak, klokke: Klokke) -> UUID:
    app.fatt_vedtak(k.FattVedtak(bruker_id=sak.bruker_id, tjenestetype=PB, gyldig_fra=d("2026-03-02"),
                                 omfang=Omfang(minutter=120), vedtaksdato=d("2026-03-02")),
                    VEDTAKSMYNDIG)
    klokke.sett(oslo(2026, 3, 3, 10))  # T1
    app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=PB,
                                         leverandor_id="nordlys", form=Form.MUNTLIG,
                                         gyldig_fra=d("2026-03-02")), SAKSBEHANDLER)
    original = app.bruker(sak.bruker_id).gjeldende_valg(PB, d("2026-03-02")).hendelse_id
    klokke.sett(oslo(2026, 3, 4, 10))  # T2
    app.korriger_leverandorvalg(k.KorrigerLeverandorvalg(
        bruker_id=sak.bruker_id, korrigerer=original, leverandor_id="fjordomsorg", form=Form.MUNTLIG,
        gyldig_fra=d("2026-03-02"), begrunnelse="Brukeren sa Fjordomsorg, ikke Nordlys"), SB2)
    return original


def test_r26_state_as_known_between_choice_and_correction_shows_the_original(
        app: BrukervalgApp, sak: Sak, klokke: Klokke) -> None:
    original = _valg_og_korreksjon(app, sak, klokke)
    ks = Klagesak(app)
    assert ks.tilstand_per(sak.bruker_id, oslo(2026, 3, 3, 9)).gjeldende_leverandor["praktisk_bistand"] \
        == "kommunal"  # before T1: no choice, so the municipal provider (R03)
    assert ks.tilstand_per(sak.bruker_id, oslo(2026, 3, 3, 12)).gjeldende_leverandor[
        "praktisk_bistand"] == "nordlys"
    assert ks.tilstand_per(sak.bruker_id, oslo(2026, 3, 4, 12)).gjeldende_leverandor[
        "praktisk_bistand"] == "fjordomsorg"
    linje = ks.tidslinje(sak.bruker_id)
    valg = [p for p in linje if p.hendelse in ("LeverandorValgt", "LeverandorvalgKorrigert")]
    assert [(p.hendelse, p.aktor.person_id, p.korrigerer) for p in valg] == [
        ("LeverandorValgt", "sb-frogner-1", None),
        ("LeverandorvalgKorrigert", "sb-frogner-2", original)]
    assert "Fjordomsorg" in valg[1].beskrivelse


def test_r26_facts_recorded_after_t_are_invisible_even_if_they_take_effect_before_t(
        app: BrukervalgApp, sak: Sak, klokke: Klokke) -> None:
    klokke.sett(oslo(2026, 3, 20, 12))
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id, dodsdato=d("2026-03-10")),
                           SAKSBEHANDLER)
    ks = Klagesak(app)
    for_ = ks.tilstand_per(sak.bruker_id, oslo(2026, 3, 15, 12))
    etter = ks.tilstand_per(sak.bruker_id, oslo(2026, 3, 20, 13))
    assert for_.dodsdato is None and for_.leveranser[0].tom is None
    assert etter.dodsdato == d("2026-03-10") and etter.leveranser[0].tom == d("2026-03-10")
    assert etter.antall_fakta > for_.antall_fakta


def test_r16_r25_open_deadlines_as_known(app: BrukervalgApp, sak: Sak, klokke: Klokke) -> None:
    klokke.sett(oslo(2026, 3, 5, 12))  # recorded the day it reached the user (BV8)
    app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(vedtak_id=sak.vedtak_id,
                                                          mottatt_dato=d("2026-03-05")), SAKSBEHANDLER)
    klokke.sett(oslo(2026, 4, 1, 10, 1))
    app.anmod_revurdering(k.AnmodRevurdering(vedtak_id=sak.vedtak_id, anmodet_tid=oslo(2026, 4, 1, 10),
                                             leverandor_id="kommunal", begrunnelse="Mer hjelp"), KOMMUNAL)
    frister = {f.regel: f for f in Klagesak(app).tilstand_per(sak.bruker_id,
                                                              oslo(2026, 4, 2, 12)).apne_frister}
    # Easter: request Wed 1 April -> answer due by end of Tue 7 April; appeal until Tue 7 April
    assert frister["R16"].frist == oslo(2026, 4, 8, 0) and not frister["R16"].overskredet
    assert frister["R25"].frist == d("2026-04-07")


def test_timeline_filters_by_vedtak_and_effective_period(app: BrukervalgApp, sak: Sak,
                                                         klokke: Klokke) -> None:
    _valg_og_korreksjon(app, sak, klokke)
    ks = Klagesak(app)
    bare = ks.tidslinje(sak.bruker_id, vedtak_id=sak.vedtak_id)
    assert {p.aggregat_id for p in bare if p.aggregat != "bruker"} == {sak.vedtak_id, sak.leveranse_id}
    assert all(p.hendelse != "LeverandorValgt" for p in bare)
    klokke.sett(oslo(2026, 3, 10, 12))  # reported after the visit (BV8)
    app.registrer_besok(k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 10, 8),
                                         slutt=oslo(2026, 3, 10, 9), ansatt="ans-1"), KOMMUNAL)
    dag_10 = ks.tidslinje(sak.bruker_id, fra=d("2026-03-10"), til=d("2026-03-10"))
    assert [p.hendelse for p in dag_10] == ["BesokUtfort"]
    assert "BesokUtfort" not in {p.hendelse for p in ks.tidslinje(sak.bruker_id, til=d("2026-03-09"))}


def test_r26_export_carries_chain_positions_and_hashes_a_third_party_can_recompute(
        app: BrukervalgApp, sak: Sak, klokke: Klokke) -> None:
    import copy

    from projections.klagesak import eksport, verifiser_eksport

    _valg_og_korreksjon(app, sak, klokke)
    doc = eksport(Klagesak(app), sak.bruker_id, tidspunkt=oslo(2026, 3, 3, 12))
    poster = doc["tidslinje"]
    assert poster and all(p["lenke"] and p["posisjon"] == p["lenke"]["posisjon"] for p in poster)
    assert [p["posisjon"] for p in poster] == sorted(p["posisjon"] for p in poster)
    assert doc["kjedehode"]["posisjon"] >= poster[-1]["posisjon"]
    assert doc["tilstand_per"]["gjeldende_leverandor"]["praktisk_bistand"] == "nordlys"
    assert verifiser_eksport(doc, app.recorder) == []
    forfalsket = copy.deepcopy(doc)
    forfalsket["tidslinje"][1]["lenke"]["state_base64"] = doc["tidslinje"][2]["lenke"]["state_base64"]
    assert verifiser_eksport(forfalsket) == [
        f"posisjon {doc['tidslinje'][1]['posisjon']}: lenken stemmer ikke med de lagrede bytene"]
