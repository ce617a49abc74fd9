"""The dated configuration (R05, R19, R20, R21, R25): exact amounts, refused when malformed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from domain.begreper import Tjenestetype
from projections.settings import ProjectionSettings, SettingsError
from tests.projections.conftest import konfig_med


def test_standardkonfigurasjonen_har_de_dokumenterte_standardene() -> None:
    k = ProjectionSettings.last()
    assert k.timepriser.pris(Tjenestetype.PRAKTISK_BISTAND, 2026) == Decimal("558.10")
    assert k.timepriser.pris(Tjenestetype.PRAKTISK_BISTAND, 2030) is None
    assert (k.sen_avbestilling.betalbar, k.sen_avbestilling.terskel) == (False, timedelta(hours=24))
    assert k.sla.r21_terskel == timedelta(minutes=60)
    assert k.sla.r12_helligdag_teller_som_hverdag is False
    assert k.sla.r25_forleng_til_virkedag is True
    assert k.egenandel.g_paa(date(2025, 4, 30)) == Decimal("124028")
    assert k.egenandel.g_paa(date(2025, 5, 1)) == Decimal("130160")
    assert k.egenandel.tabell_paa(date(2023, 12, 31)).gyldig_fra == date(2019, 1, 1)
    assert k.egenandel.tabell_paa(date(2024, 1, 1)).gyldig_fra == date(2024, 1, 1)


def test_belop_maa_skrives_som_tekst_saa_de_aldri_blir_flyttall(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="tekst"):
        konfig_med(tmp_path, betaling='hjemmesykepleie_dag = "795.40"=>'
                   'hjemmesykepleie_dag = 795.40')


def test_r19_inntektstrinnene_maa_henge_sammen(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="henge sammen"):
        konfig_med(tmp_path, egenandel="fra_g = 3\nunder_g = 4\nkr_per_time = \"227\"=>"
                   "fra_g = 3.5\nunder_g = 4\nkr_per_time = \"227\"")


def test_manglende_fil_gir_en_navngitt_feil(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="finnes ikke"):
        ProjectionSettings.last(tmp_path)


def test_fingeravtrykket_folger_innstillingene_som_endrer_lagrede_rader(tmp_path: Path) -> None:
    standard = ProjectionSettings.last()
    dyrere = konfig_med(tmp_path, betaling='praktisk_bistand = "558.10"=>'
                        'praktisk_bistand = "600.00"')
    assert dyrere.fingeravtrykk("sen_avbestilling") == standard.fingeravtrykk("sen_avbestilling")
    sen = konfig_med(tmp_path, betaling="betalbar = false=>betalbar = true")
    assert sen.fingeravtrykk("sen_avbestilling") != standard.fingeravtrykk("sen_avbestilling")
    assert sen.fingeravtrykk("sla") == standard.fingeravtrykk("sla")
