"""R19: co-payment for praktisk bistand by household income in G, with caps; R05: not by provider."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from uuid import uuid4

import pytest

from projections import Projections
from projections.egenandel import beregn_egenandel
from projections.settings import ProjectionSettings
from tests.projections.conftest import PB, Scenario, oslo

KONFIG = ProjectionSettings.last().egenandel
G_2024 = Decimal("124028")  # from 2024-05-01
G_2025 = Decimal("130160")  # from 2025-05-01


def egenandel(aar: int, maaned: int, inntekt: str, timer: dict[int, Fraction]) -> Decimal:
    return beregn_egenandel(KONFIG, uuid4(), aar, maaned, Decimal(inntekt), timer).belop


def test_r19_under_2g_har_maanedstak_230_kr_fra_2024() -> None:
    """R19 (2024 table): under 2 G, 38 kr/h, at most 230 kr a month."""
    e = beregn_egenandel(KONFIG, uuid4(), 2025, 3, Decimal("240000"), {3: Fraction(8)})
    assert (e.trinn, e.kr_per_time, e.grunnbelop) == ("under 2 G", Decimal("38"), G_2024)
    assert (e.belop_uten_tak, e.tak, e.belop) == (Decimal("304.00"), Decimal("230"),
                                                   Decimal("230"))
    assert egenandel(2025, 3, "240000", {3: Fraction(5)}) == Decimal("190.00")


def test_r19_noyaktig_2g_hører_til_trinnet_2_til_3g() -> None:
    """Brackets: the lower bound is inclusive (exactly 2 G is 2-3 G, 89 kr/h)."""
    e = beregn_egenandel(KONFIG, uuid4(), 2025, 3, 2 * G_2024, {3: Fraction(20, 7)})
    assert e.trinn == "2-3 G"
    # 20/7 h x 89 kr = 254.2857... -> 254.29 (hours are never rounded first).
    assert e.belop == Decimal("254.29")
    assert beregn_egenandel(KONFIG, uuid4(), 2025, 3, 2 * G_2024 - 1, {}).trinn == "under 2 G"


def test_r19_nytt_grunnbelop_1_mai_kan_flytte_brukeren_til_et_annet_trinn() -> None:
    """G rises on 1 May: 255 000 kr is 2.06 G in April 2025 but 1.96 G in May 2025."""
    timer = {4: Fraction(10), 5: Fraction(10)}
    april = beregn_egenandel(KONFIG, uuid4(), 2025, 4, Decimal("255000"), timer)
    mai = beregn_egenandel(KONFIG, uuid4(), 2025, 5, Decimal("255000"), timer)
    assert (april.grunnbelop, april.trinn, april.belop) == (G_2024, "2-3 G", Decimal("890.00"))
    assert (mai.grunnbelop, mai.trinn, mai.belop) == (G_2025, "under 2 G", Decimal("230"))


def test_r19_aarstak_fordeles_over_maanedene_til_oret() -> None:
    """R19 (2024 table): 2-3 G is capped at 8 900 kr a year: 30 h a month at 89 kr is 2 670 kr
    in January-March (8 010 kr), 890 kr in April, nothing after."""
    timer = {m: Fraction(30) for m in range(1, 13)}
    belop = [egenandel(2025, m, "300000", timer) for m in range(1, 7)]
    assert belop == [Decimal("2670.00")] * 3 + [Decimal("890.00"), Decimal("0.00"),
                                                  Decimal("0.00")]
    juni = beregn_egenandel(KONFIG, uuid4(), 2025, 6, Decimal("300000"), timer)
    assert juni.betalt_tidligere_i_aar == Decimal("8900.00")


def test_r19_tabellen_fra_2019_gjelder_til_2024_med_timetak() -> None:
    """R19 (2019 table, in force in 2023): over 4 G, 319 kr/h, capped at 100 hours a year."""
    timer = {m: Fraction(40) for m in range(1, 13)}
    e = beregn_egenandel(KONFIG, uuid4(), 2023, 3, Decimal("600000"), timer)
    assert (e.trinn, e.kr_per_time, e.tak) == ("over 4 G", Decimal("319"), Decimal("31900"))
    assert [egenandel(2023, m, "600000", timer) for m in (1, 2, 3, 4)] == [
        Decimal("12760.00"), Decimal("12760.00"), Decimal("6380.00"), Decimal("0.00")]
    assert egenandel(2023, 3, "200000", {3: Fraction(7)}) == Decimal("210")  # under 2 G


def test_r19_ugyldig_maaned_og_negativ_inntekt_avvises() -> None:
    with pytest.raises(ValueError):
        egenandel(2025, 13, "1", {})
    with pytest.raises(ValueError):
        egenandel(2025, 1, "-1", {})


def test_r19_r05_egenandelen_bygger_paa_praktisk_bistand_hos_alle_leverandorer(
        scenario: Scenario, projeksjoner: Projections) -> None:
    """R19: home nursing is free; R05: the co-payment does not depend on the provider. A switch
    mid-month splits the hours between two providers; the bill counts them together."""
    scenario.naa(2026, 3, 1, 9, 0)
    b, _, hs = scenario.sak(date(2026, 3, 2), minutter=840)
    v = scenario.vedtak(b, date(2026, 3, 2), tjenestetype=PB, minutter=120)
    pb = scenario.bestill(b, v, date(2026, 3, 2), tjenestetype=PB)
    ny = scenario.bytt(b, "2care", date(2026, 3, 6), tjenestetype=PB)  # 2care from 16 March
    scenario.naa(2026, 4, 1, 9, 0)
    for d in (3, 10):
        scenario.besok(pb, oslo(2026, 3, d, 10, 0), oslo(2026, 3, d, 12, 0))
    for d in (17, 24):
        scenario.besok(ny, oslo(2026, 3, d, 10, 0), oslo(2026, 3, d, 12, 0), leverandor_id="2care")
    scenario.besok_daglig(hs, date(2026, 3, 2), date(2026, 3, 31), (8, 0), 60)
    projeksjoner.oppdater()
    e = projeksjoner.egenandel(b, 2026, 3, Decimal("300000"))
    assert e.timer == 8  # 4 visits of 2 h, both providers; no home nursing hours
    assert (e.trinn, e.belop) == ("2-3 G", Decimal("712.00"))
