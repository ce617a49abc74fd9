"""Current provider: who serves a user on a date, pending switches, caseload (R03, R07, R23, R26)."""

from __future__ import annotations

from datetime import date

import pytest

from domain import kommandoer as k
from domain.begreper import Form, IkkeFunnet
from projections import Kilde, Projections
from tests.conftest import SAKSBEHANDLER
from tests.projections.conftest import HSP, PB, Scenario


def test_r03_uten_valg_er_den_kommunale_leverandoren(scenario: Scenario,
                                                     projeksjoner: Projections) -> None:
    """R03: no active choice -> the municipal provider, before and after the order."""
    b = scenario.bruker()
    projeksjoner.oppdater()
    svar = projeksjoner.leverandor_paa(b, HSP, date(2026, 3, 10))
    assert (svar.leverandor_id, svar.kilde, svar.leveranse_id) == (
        "kommunal", Kilde.KOMMUNAL, None)
    v = scenario.vedtak(b, date(2026, 3, 9))
    lev = scenario.bestill(b, v, date(2026, 3, 9))
    projeksjoner.oppdater()
    svar = projeksjoner.leverandor_paa(b, HSP, date(2026, 3, 10))
    assert (svar.leverandor_id, svar.kilde, svar.leveranse_id) == (
        "kommunal", Kilde.LEVERANSE, lev)
    assert svar.fom == date(2026, 3, 9) and svar.tom is None and svar.bytte is None


def test_r02_valg_uten_leveranse_gir_den_valgte_leverandoren(scenario: Scenario,
                                                             projeksjoner: Projections) -> None:
    """R02/R03: a choice in force names the provider; before it (and for other types) R03."""
    b = scenario.bruker()
    scenario.velg(b, "2care", date(2026, 4, 1))
    projeksjoner.oppdater()
    assert projeksjoner.leverandor_paa(b, HSP, date(2026, 3, 31)).kilde == Kilde.KOMMUNAL
    svar = projeksjoner.leverandor_paa(b, HSP, date(2026, 4, 1))
    assert (svar.leverandor_id, svar.kilde) == ("2care", Kilde.VALG)
    assert projeksjoner.leverandor_paa(b, PB, date(2026, 4, 1)).kilde == Kilde.KOMMUNAL


def test_r26_et_korrigert_valg_gjelder_ikke_lenger(scenario: Scenario,
                                                   projeksjoner: Projections) -> None:
    """R26: a correction replaces the choice it refers to (both stay recorded)."""
    b = scenario.bruker()
    scenario.velg(b, "2care", date(2026, 4, 1))
    original = scenario.app.bruker(b).valg[0].hendelse_id
    scenario.app.korriger_leverandorvalg(k.KorrigerLeverandorvalg(
        bruker_id=b, korrigerer=original, leverandor_id="nordlys", form=Form.SKRIFTLIG,
        gyldig_fra=date(2026, 4, 1), begrunnelse="Feil leverandør registrert"), SAKSBEHANDLER)
    projeksjoner.oppdater()
    assert projeksjoner.leverandor_paa(b, HSP, date(2026, 4, 2)).leverandor_id == "nordlys"


def test_r07_ventende_bytte_over_maanedsskiftet_viser_begge_og_overgangsdatoen(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R07: notice 2026-01-25 -> the old delivery ends 2026-02-03, the new starts 2026-02-04.

    Counting ten days from the day after the notice (a common slip) would end it on 02-04.
    """
    b, _, gammel = scenario.sak(date(2026, 1, 5))
    ny = scenario.bytt(b, "2care", date(2026, 1, 25))
    projeksjoner.oppdater()

    foer = projeksjoner.leverandor_paa(b, HSP, date(2026, 1, 24))
    assert (foer.leverandor_id, foer.leveranse_id, foer.bytte) == ("kommunal", gammel, None)
    for dag in (date(2026, 1, 25), date(2026, 1, 31), date(2026, 2, 3)):
        svar = projeksjoner.leverandor_paa(b, HSP, dag)
        assert (svar.leverandor_id, svar.leveranse_id, svar.tom) == (
            "kommunal", gammel, date(2026, 2, 3))
        assert svar.bytte is not None
        assert (svar.bytte.fra_leverandor_id, svar.bytte.til_leverandor_id) == ("kommunal", "2care")
        assert (svar.bytte.oppsigelsesdato, svar.bytte.siste_dag_gammel,
                svar.bytte.overgangsdato) == (date(2026, 1, 25), date(2026, 2, 3), date(2026, 2, 4))
        assert svar.bytte.ny_leveranse_id == ny
    etter = projeksjoner.leverandor_paa(b, HSP, date(2026, 2, 4))
    assert (etter.leverandor_id, etter.leveranse_id, etter.fom, etter.bytte) == (
        "2care", ny, date(2026, 2, 4), None)
    assert projeksjoner.caseload("kommunal", date(2026, 2, 3)).brukere == 1
    assert projeksjoner.caseload("kommunal", date(2026, 2, 4)).brukere == 0
    assert projeksjoner.caseload("2care", date(2026, 2, 4)).brukere == 1


def test_r23_etter_dodsfall_har_brukeren_ingen_leverandor(scenario: Scenario,
                                                          projeksjoner: Projections) -> None:
    """R23: every delivery ends on the date of death; nobody serves the user after it.

    A switch pending at the death is annulled (it never began), so it is not shown either.
    """
    b, _, gammel = scenario.sak(date(2026, 3, 2))
    scenario.bytt(b, "2care", date(2026, 3, 10))
    scenario.dod(b, date(2026, 3, 12))
    projeksjoner.oppdater()
    paa_dagen = projeksjoner.leverandor_paa(b, HSP, date(2026, 3, 12))
    assert (paa_dagen.leverandor_id, paa_dagen.leveranse_id, paa_dagen.tom) == (
        "kommunal", gammel, date(2026, 3, 12))
    assert paa_dagen.bytte is None
    etter = projeksjoner.leverandor_paa(b, HSP, date(2026, 3, 13))
    assert (etter.leverandor_id, etter.kilde) == (None, Kilde.AVSLUTTET)
    assert projeksjoner.caseload("kommunal", date(2026, 3, 12)).brukere == 1
    assert projeksjoner.caseload("kommunal", date(2026, 3, 13)).brukere == 0
    assert projeksjoner.caseload("2care", date(2026, 3, 20)).brukere == 0


def test_caseload_teller_brukere_per_tjenestetype_paa_datoen(scenario: Scenario,
                                                             projeksjoner: Projections) -> None:
    b1, _, _ = scenario.sak(date(2026, 3, 2), leverandor_id="2care")
    v = scenario.vedtak(b1, date(2026, 3, 2), tjenestetype=PB, minutter=120)
    scenario.bestill(b1, v, date(2026, 3, 2), tjenestetype=PB, leverandor_id="2care")
    scenario.sak(date(2026, 3, 16), leverandor_id="2care")
    scenario.sak(date(2026, 3, 2))
    projeksjoner.oppdater()
    tidlig = projeksjoner.caseload("2care", date(2026, 3, 10))
    assert (tidlig.brukere, tidlig.per_tjenestetype) == (1, {HSP: 1, PB: 1})
    sent = projeksjoner.caseload("2care", date(2026, 3, 16))
    assert (sent.brukere, sent.per_tjenestetype) == (2, {HSP: 2, PB: 1})
    assert projeksjoner.caseload("2care", date(2026, 3, 16), PB).brukere == 1
    assert projeksjoner.caseload("kommunal", date(2026, 3, 16)).brukere == 1


def test_ukjent_bruker_gir_ikke_funnet(projeksjoner: Projections) -> None:
    from uuid import uuid4

    projeksjoner.oppdater()
    with pytest.raises(IkkeFunnet):
        projeksjoner.leverandor_paa(uuid4(), HSP, date(2026, 3, 2))


@pytest.mark.parametrize("andre_klokke", [(2026, 3, 2, 10, 0), (2026, 3, 2, 9, 0)],
                         ids=["samme-klokke", "klokka-bakover"])
def test_r03_to_valg_med_samme_dato_det_sist_registrerte_gjelder_overalt(
        scenario: Scenario, projeksjoner: Projections,
        andre_klokke: tuple[int, int, int, int, int]) -> None:
    """R03 tie-break (with R02): two choices for the same tjenestetype and the same effective
    date; the one recorded last in the user's history is in force, whatever the clocks said.

    Before: the domain took the later *timestamp* (and the first of two equal ones), the
    projection the later log position, so the order placed and the report disagreed. Now the
    write side, the klagesak and the projection all ask ``domain.bruker.gjeldende_leverandor``.
    """
    b = scenario.bruker()
    scenario.naa(2026, 3, 2, 10, 0)
    scenario.velg(b, "nordlys", date(2026, 4, 1))
    scenario.naa(*andre_klokke)  # another server's clock, or the same instant
    scenario.velg(b, "2care", date(2026, 4, 1))
    projeksjoner.oppdater()
    dag = date(2026, 4, 2)
    bruker = scenario.app.bruker(b)
    assert bruker.valgt_leverandor(HSP, dag, "kommunal") == "2care"
    assert bruker.leverandor_paa(HSP, dag, "kommunal").leverandor_id == "2care"
    assert projeksjoner.leverandor_paa(b, HSP, dag).leverandor_id == "2care"
    # The order placed without a named provider goes to the same one (saksgang, R03).
    v = scenario.vedtak(b, dag)
    lev = scenario.bestill(b, v, dag)
    assert scenario.app.leveranse(lev).leverandor_id == "2care"
    projeksjoner.oppdater()
    assert projeksjoner.caseload("2care", dag).brukere == 1
    assert projeksjoner.caseload("nordlys", dag).brukere == 0
