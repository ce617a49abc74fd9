"""Given events / when command / then events, for the deciders the obligations depend on (no
store): the notice (R11, R12), the vedtak's own revision, its appeal deadline (R25)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain import kommandoer as k
from domain import leveranse as l_mod
from domain import vedtak as v_mod
from domain.begreper import Aktor, Kanal, Kontekst, Regelbrudd, Rolle, Tjenestetype
from domain.frister import Fristregler, Varselgrunn
from domain.vedtak import Omfang

OSLO = ZoneInfo("Europe/Oslo")
SB = Aktor(person_id="sb-1", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
VM = Aktor(person_id="vm-1", rolle=Rolle.VEDTAKSMYNDIG, organisasjon="bydel:frogner")
NAA = datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)


def ktx(aktor: Aktor = SB) -> Kontekst:
    return Kontekst(aktor=aktor, naa=NAA)


def gitt_leveranse(tjenestetype: Tjenestetype = Tjenestetype.HJEMMESYKEPLEIE_DAG
                   ) -> l_mod.Leveranse:
    return l_mod.projiser(None, l_mod.bestill(uuid4(), uuid4(), uuid4(), tjenestetype, "2care",
                                              date(2026, 3, 2), None, ktx()))


def gitt_vedtak(*hendelser_fra: object) -> v_mod.Vedtak:
    hs = v_mod.fatt(k.FattVedtak(bruker_id=uuid4(), tjenestetype=Tjenestetype.HJEMMESYKEPLEIE_DAG,
                                 gyldig_fra=date(2026, 3, 2), gyldig_til=date(2026, 12, 31),
                                 omfang=Omfang(minutter=420), vedtaksdato=date(2026, 3, 2)),
                    ktx(VM))
    return v_mod.projiser(None, hs)


def varsel(kanal: Kanal, hast: bool, gjelder: Varselgrunn,
           gjelder_fra: date | None) -> k.VarsleLeverandor:
    return k.VarsleLeverandor(leveranse_id=uuid4(), kanal=kanal, varslet_tid=NAA, hast=hast,
                              gjelder=gjelder, gjelder_fra=gjelder_fra)


def test_r11_varsel_om_utvidelse_navngir_datoen() -> None:
    lev = gitt_leveranse()
    [e] = l_mod.varsle(varsel(Kanal.PASIENTOVERGANG, False, Varselgrunn.UTVIDELSE,
                              date(2026, 5, 18)), lev, ktx())
    assert isinstance(e, l_mod.LeverandorVarslet)
    assert (e.gjelder, e.gjelder_fra) == (Varselgrunn.UTVIDELSE, date(2026, 5, 18))
    lev = l_mod.projiser(lev, [e])
    assert l_mod.varsle(varsel(Kanal.PASIENTOVERGANG, False, Varselgrunn.UTVIDELSE,
                               date(2026, 5, 18)), lev, ktx()) == []  # recorded once


@pytest.mark.parametrize(("gjelder", "fra", "felt"), [
    (Varselgrunn.UTVIDELSE, None, "gjelder_fra"),
    (Varselgrunn.FORLENGELSE, None, "gjelder_fra"),
    (Varselgrunn.START, date(2026, 5, 1), "gjelder_fra"),
    (Varselgrunn.IKKE_OPPGITT, None, "gjelder"),
])
def test_r11_varsel_som_ikke_sier_hva_det_gjelder_avvises(gjelder: Varselgrunn,
                                                          fra: date | None, felt: str) -> None:
    with pytest.raises(Regelbrudd) as e:
        l_mod.varsle(varsel(Kanal.PASIENTOVERGANG, False, gjelder, fra), gitt_leveranse(), ktx())
    assert (e.value.regel, e.value.felt) == ("R11", felt)


def test_r12_hastevarsel_gjelder_oppstart() -> None:
    with pytest.raises(Regelbrudd) as e:
        l_mod.varsle(varsel(Kanal.TELEFON, True, Varselgrunn.UTVIDELSE, date(2026, 5, 1)),
                     gitt_leveranse(), ktx())
    assert (e.value.regel, e.value.felt) == ("R12", "gjelder")


def test_r11_varsel_lagret_foer_skjema_2_leses_som_ikke_oppgitt() -> None:
    gammel = {"kanal": "pasientovergang", "varslet_tid": NAA.isoformat(), "hast": False}
    ny = l_mod.LeverandorVarslet.oppgrader(gammel, 1)
    assert (ny["gjelder"], ny["gjelder_fra"]) == ("ikke_oppgitt", None)
    assert l_mod.LeverandorVarslet.SKJEMA == 2


def revisjon(fra: date, begrunnelse: str) -> k.ReviderVedtak:
    return k.ReviderVedtak(vedtak_id=uuid4(), gyldig_fra=fra, nytt_omfang=Omfang(minutter=600),
                           begrunnelse=begrunnelse)


def test_bydelen_reviderer_omfanget_paa_eget_initiativ() -> None:
    v = gitt_vedtak()
    [e] = v_mod.revider(revisjon(date(2026, 5, 18), "mer hjelp etter fall"), v, ktx(VM))
    assert isinstance(e, v_mod.VedtakRevidert)
    v = v_mod.projiser(v, [e])
    assert v.omfang_paa(date(2026, 5, 18)) == Omfang(minutter=600)
    fakta = v.fristfakta()
    assert [(o.fra, o.minutter) for o in fakta.omfang] == [(date(2026, 3, 2), 420),
                                                           (date(2026, 5, 18), 600)]
    assert v_mod.revider(revisjon(date(2026, 5, 18), "igjen"), v, ktx(VM)) == []


@pytest.mark.parametrize(("aktor", "fra", "begrunnelse", "regel", "felt"), [
    (SB, date(2026, 5, 18), "x", "BV5", "aktor.rolle"),
    (VM, date(2027, 1, 1), "x", "R16", "gyldig_fra"),
    (VM, date(2026, 5, 18), " ", "R16", "begrunnelse"),
])
def test_revisjon_avvises_med_regel_og_felt(aktor: Aktor, fra: date, begrunnelse: str,
                                            regel: str, felt: str) -> None:
    with pytest.raises(Regelbrudd) as e:
        v_mod.revider(revisjon(fra, begrunnelse), gitt_vedtak(), ktx(aktor))
    assert (e.value.regel, e.value.felt) == (regel, felt)


def test_r25_klagefrist_og_for_sen_fra_innstillingen() -> None:
    """R25 with ``r25_forleng_til_virkedag = false``: received 6 March 2026 -> 3 April (Good
    Friday), so an appeal on 7 April is flagged late; the standard setting says in time."""
    uten = Fristregler(r25_forleng_til_virkedag=False)
    v = gitt_vedtak()
    # each recorded the day it happened (BV8)
    den_6_mars = Kontekst(aktor=SB, naa=datetime(2026, 3, 6, 12, tzinfo=OSLO))
    den_7_april = Kontekst(aktor=SB, naa=datetime(2026, 4, 7, 12, tzinfo=OSLO))
    [mottatt] = v_mod.registrer_mottatt(
        k.RegistrerVedtakMottatt(vedtak_id=v.id, mottatt_dato=date(2026, 3, 6)), v, den_6_mars,
        uten)
    assert mottatt.klagefrist == date(2026, 4, 3)  # type: ignore[attr-defined]
    v = v_mod.projiser(v, [mottatt])
    klage = k.MottaKlage(vedtak_id=v.id, mottatt_dato=date(2026, 4, 7), gjelder="omfanget")
    [sen] = v_mod.motta_klage(klage, v, den_7_april, uten)
    assert (sen.for_sen, sen.klagefrist) == (True, date(2026, 4, 3))  # type: ignore[attr-defined]
    [i_tide] = v_mod.motta_klage(klage, v, den_7_april, Fristregler())
    assert (i_tide.for_sen, i_tide.klagefrist) == (False, date(2026, 4, 7))  # type: ignore[attr-defined]
