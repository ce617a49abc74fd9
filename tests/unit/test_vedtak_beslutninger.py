"""Given events / when command / then events (or the Regelbrudd with its rule and field), for
every decision on one Vedtak (``domain.vedtak``). No store. The revision on the bydel's own
initiative and the appeal deadline's settings are in ``test_beslutninger_frister.py``."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

import pytest

from domain import kommandoer as k
from domain import vedtak as v_mod
from domain.begreper import Aktor, Sluttarsak, Tjenestetype
from domain.frister import Fristregler
from domain.vedtak import Klageutfall, Omfang, Utfall
from tests.unit.gitt import OSLO, SB, VM, Historikk, ktx, regelbrudd, som

HJDAG = Tjenestetype.HJEMMESYKEPLEIE_DAG
BRUKER = uuid4()
REGLER = Fristregler()
SJU_TIMER, TI_TIMER = Omfang(minutter=420), Omfang(minutter=600)


def fattet(gyldig_til: date | None = date(2026, 12, 31)) -> Historikk:
    return Historikk()(v_mod.VedtakFattet, aktor=VM, bruker_id=BRUKER, tjenestetype=HJDAG,
                       gyldig_fra=date(2026, 3, 2), gyldig_til=gyldig_til,
                       omfang=Omfang(minutter=420), vedtaksdato=date(2026, 3, 2))


def avsluttet() -> Historikk:
    return fattet()(v_mod.VedtakAvsluttet, dato=date(2026, 4, 30), arsak=Sluttarsak.BEHOV_OPPHORT)


def tilstand(h: Historikk) -> v_mod.Vedtak:
    return v_mod.projiser(None, h.hendelser)


# --- fatt (BV5, R15, BV3, BV7) ----------------------------------------------------------------


def _fatt(gyldig_til: date | None = date(2026, 12, 31),
          omfang: Omfang = SJU_TIMER) -> k.FattVedtak:
    return k.FattVedtak(bruker_id=BRUKER, tjenestetype=HJDAG, gyldig_fra=date(2026, 6, 1),
                        gyldig_til=gyldig_til, omfang=omfang, vedtaksdato=date(2026, 5, 29))


def test_vedtaksmyndig_fatter_vedtak() -> None:
    cmd = _fatt()
    nye = v_mod.fatt(cmd, ktx(VM))
    assert [som(e) for e in nye] == [("VedtakFattet", cmd.vedtak_id, 1, {
        "bruker_id": BRUKER, "tjenestetype": HJDAG, "gyldig_fra": date(2026, 6, 1),
        "gyldig_til": date(2026, 12, 31), "omfang": Omfang(minutter=420),
        "vedtaksdato": date(2026, 5, 29)})]
    assert v_mod.projiser(None, nye).vedtaksmyndig == VM.person_id


@pytest.mark.parametrize(("cmd", "aktor", "regel", "felt"), [
    (_fatt(), SB, "BV5", "aktor.rolle"),
    (_fatt(date(2026, 6, 14)), VM, "R15", "gyldig_til"),  # 14 days is not "more than 14"
    (_fatt(date(2026, 5, 31)), VM, "BV3", "gyldig_til"),
    (_fatt(omfang=Omfang(minutter=7 * 24 * 60 + 1)), VM, "BV7", "omfang"),
])
def test_fatt_avviser(cmd: k.FattVedtak, aktor: Aktor, regel: str, felt: str) -> None:
    assert regelbrudd(v_mod.fatt, cmd, ktx(aktor)) == (regel, felt)


def test_r15_femten_dager_er_nok() -> None:
    assert len(v_mod.fatt(_fatt(date(2026, 6, 15)), ktx(VM))) == 1


# --- registrer_mottatt (R25) ------------------------------------------------------------------


def _mottatt(dato: date) -> k.RegistrerVedtakMottatt:
    return k.RegistrerVedtakMottatt(vedtak_id=uuid4(), mottatt_dato=dato)


def test_r25_mottatt_dato_gir_klagefristen_og_registreres_en_gang() -> None:
    h = fattet()
    nye = v_mod.registrer_mottatt(_mottatt(date(2026, 3, 6)), tilstand(h), ktx(), REGLER)
    # 6 March + 28 days is Good Friday; the standard setting moves it past Easter Monday.
    assert [som(e) for e in nye] == [("VedtakMottatt", h.id, 2, {
        "mottatt_dato": date(2026, 3, 6), "klagefrist": date(2026, 4, 7)})]
    h.hendelser += nye
    assert v_mod.registrer_mottatt(_mottatt(date(2026, 3, 6)), tilstand(h), ktx(), REGLER) == []


def test_r25_mottatt_foer_vedtaket_ble_fattet_avvises() -> None:
    assert regelbrudd(v_mod.registrer_mottatt, _mottatt(date(2026, 3, 1)), tilstand(fattet()),
                      ktx(), REGLER) == ("R25", "mottatt_dato")


def test_r23_avsluttet_vedtak_revideres_ikke() -> None:
    cmd = k.ReviderVedtak(vedtak_id=uuid4(), gyldig_fra=date(2026, 4, 1),
                          nytt_omfang=Omfang(minutter=600), begrunnelse="mer hjelp")
    assert regelbrudd(v_mod.revider, cmd, tilstand(avsluttet()), ktx(VM)) == ("R23", "vedtak_id")


# --- anmod_revurdering (R16) ------------------------------------------------------------------


def _anmodning(revurdering_id: UUID | None = None, begrunnelse: str = "trenger mer tid"
               ) -> k.AnmodRevurdering:
    return k.AnmodRevurdering(vedtak_id=uuid4(), anmodet_tid=datetime(2026, 5, 4, 10, tzinfo=OSLO),
                              leverandor_id="2care", begrunnelse=begrunnelse,
                              revurdering_id=revurdering_id or uuid4())


def test_r16_anmodning_om_revurdering_registreres_en_gang() -> None:
    h = fattet()
    cmd = _anmodning()
    nye = v_mod.anmod_revurdering(cmd, tilstand(h), ktx())
    assert [som(e) for e in nye] == [("RevurderingAnmodet", h.id, 2, {
        "revurdering_id": cmd.revurdering_id, "anmodet_tid": cmd.anmodet_tid,
        "leverandor_id": "2care", "begrunnelse": "trenger mer tid"})]
    h.hendelser += nye
    v = tilstand(h)
    assert [r.anmodning.revurdering_id for r in v.ubesvarte_revurderinger()] == [cmd.revurdering_id]
    assert v_mod.anmod_revurdering(cmd, v, ktx()) == []


def test_r16_anmodning_avvises() -> None:
    assert regelbrudd(v_mod.anmod_revurdering, _anmodning(), tilstand(avsluttet()), ktx()) == (
        "R16", "vedtak_id")
    assert regelbrudd(v_mod.anmod_revurdering, _anmodning(begrunnelse=" "), tilstand(fattet()),
                      ktx()) == ("R16", "begrunnelse")


# --- besvar_revurdering (R16, R10, BV7) -------------------------------------------------------

REV = uuid4()


def anmodet() -> Historikk:
    return fattet()(v_mod.RevurderingAnmodet, revurdering_id=REV,
                    anmodet_tid=datetime(2026, 5, 4, 10, tzinfo=OSLO), leverandor_id="2care",
                    begrunnelse="trenger mer tid")


def _svar(utfall: Utfall = Utfall.ENDRET, nytt_omfang: Omfang | None = TI_TIMER,
          gyldig_fra: date | None = date(2026, 5, 18), revurdering_id: UUID = REV,
          besvart_tid: datetime = datetime(2026, 5, 5, 12, tzinfo=OSLO)) -> k.BesvarRevurdering:
    return k.BesvarRevurdering(vedtak_id=uuid4(), revurdering_id=revurdering_id,
                               besvart_tid=besvart_tid, utfall=utfall, nytt_omfang=nytt_omfang,
                               gyldig_fra=gyldig_fra)


def test_r16_endret_omfang_gjelder_fra_datoen_og_samme_svar_igjen_registreres_ikke() -> None:
    h = anmodet()
    nye = v_mod.besvar_revurdering(_svar(), tilstand(h), ktx(VM))
    assert [som(e) for e in nye] == [("RevurderingBesvart", h.id, 3, {
        "revurdering_id": REV, "besvart_tid": datetime(2026, 5, 5, 12, tzinfo=OSLO),
        "utfall": Utfall.ENDRET, "nytt_omfang": Omfang(minutter=600),
        "gyldig_fra": date(2026, 5, 18)})]
    h.hendelser += nye
    v = tilstand(h)
    assert (v.omfang_paa(date(2026, 5, 17)), v.omfang_paa(date(2026, 5, 18))) == (
        Omfang(minutter=420), Omfang(minutter=600))
    assert v.ubesvarte_revurderinger() == []
    assert v_mod.besvar_revurdering(_svar(), v, ktx(VM)) == []
    assert regelbrudd(v_mod.besvar_revurdering, _svar(Utfall.AVSLATT, None, None), v,
                      ktx(VM)) == ("R16", "revurdering_id")  # already answered otherwise


@pytest.mark.parametrize(("cmd", "regel", "felt"), [
    (_svar(revurdering_id=uuid4()), "R16", "revurdering_id"),
    (_svar(besvart_tid=datetime(2026, 5, 4, 9, tzinfo=OSLO)), "R16", "besvart_tid"),
    (_svar(nytt_omfang=None), "R16", "nytt_omfang"),
    (_svar(gyldig_fra=None), "R16", "gyldig_fra"),
    (_svar(gyldig_fra=date(2027, 1, 1)), "R16", "gyldig_fra"),
    (_svar(Utfall.AVSLATT), "R16", "nytt_omfang"),
    (_svar(nytt_omfang=Omfang(minutter=7 * 24 * 60 + 1)), "BV7", "nytt_omfang"),
])
def test_r16_svar_avvises(cmd: k.BesvarRevurdering, regel: str, felt: str) -> None:
    assert regelbrudd(v_mod.besvar_revurdering, cmd, tilstand(anmodet()), ktx(VM)) == (regel, felt)


def test_r16_avslag_endrer_ikke_omfanget() -> None:
    h = anmodet()
    [e] = v_mod.besvar_revurdering(_svar(Utfall.AVSLATT, None, None), tilstand(h), ktx(VM))
    h.hendelser.append(e)
    assert tilstand(h).omfang == ((date(2026, 3, 2), Omfang(minutter=420)),)


# --- forleng (BV3, R23) -----------------------------------------------------------------------


def _forleng(til: date | None) -> k.ForlengVedtak:
    return k.ForlengVedtak(vedtak_id=uuid4(), ny_gyldig_til=til)


def test_forlengelse_gir_ny_sluttdato_og_samme_sluttdato_igjen_registreres_ikke() -> None:
    h = fattet()
    nye = v_mod.forleng(_forleng(date(2027, 6, 30)), tilstand(h), ktx(VM))
    assert [som(e) for e in nye] == [("VedtakForlenget", h.id, 2, {
        "ny_gyldig_til": date(2027, 6, 30)})]
    h.hendelser += nye
    v = tilstand(h)
    assert v.gjelder(date(2027, 6, 30)) and v.gyldig_til_fattet == date(2026, 12, 31)
    assert v_mod.forleng(_forleng(date(2027, 6, 30)), v, ktx(VM)) == []


def test_forlengelse_til_loepende_er_lov() -> None:
    [e] = v_mod.forleng(_forleng(None), tilstand(fattet()), ktx(VM))
    assert som(e)[3] == {"ny_gyldig_til": None}


@pytest.mark.parametrize(("h", "til", "regel", "felt"), [
    (fattet(), date(2026, 12, 30), "BV3", "ny_gyldig_til"),
    (fattet(gyldig_til=None), date(2027, 1, 1), "BV3", "ny_gyldig_til"),
    (avsluttet(), date(2027, 1, 1), "R23", "vedtak_id"),
])
def test_forlengelse_avvises(h: Historikk, til: date, regel: str, felt: str) -> None:
    assert regelbrudd(v_mod.forleng, _forleng(til), tilstand(h), ktx(VM)) == (regel, felt)


# --- avslutt ----------------------------------------------------------------------------------


def _avslutt(dato: date) -> k.AvsluttVedtak:
    return k.AvsluttVedtak(vedtak_id=uuid4(), dato=dato, arsak=Sluttarsak.BEHOV_OPPHORT)


def test_avslutning_ender_vedtaket_paa_datoen() -> None:
    h = fattet()
    nye = v_mod.avslutt(_avslutt(date(2026, 5, 31)), tilstand(h), ktx(VM))
    assert [som(e) for e in nye] == [("VedtakAvsluttet", h.id, 2, {
        "dato": date(2026, 5, 31), "arsak": Sluttarsak.BEHOV_OPPHORT})]
    h.hendelser += nye
    v = tilstand(h)
    assert (v.gjelder(date(2026, 5, 31)), v.gjelder(date(2026, 6, 1))) == (True, False)


def test_avslutning_etter_at_vedtaket_allerede_sluttet_endrer_ingenting() -> None:
    assert v_mod.avslutt(_avslutt(date(2026, 4, 30)), tilstand(avsluttet()), ktx(VM)) == []
    assert v_mod.avslutt(_avslutt(date(2026, 5, 1)), tilstand(avsluttet()), ktx(VM)) == []
    assert v_mod.avslutt(_avslutt(date(2027, 1, 1)), tilstand(fattet()), ktx(VM)) == []


def test_avslutning_foer_en_tidligere_avslutning_flytter_den_fram() -> None:
    [e] = v_mod.avslutt(_avslutt(date(2026, 4, 15)), tilstand(avsluttet()), ktx(VM))
    assert som(e)[2:] == (3, {"dato": date(2026, 4, 15), "arsak": Sluttarsak.BEHOV_OPPHORT})


# --- motta_klage, avgjor_klage (R25) ----------------------------------------------------------


def _klage(gjelder: str = "omfanget", klage_id: UUID | None = None) -> k.MottaKlage:
    return k.MottaKlage(vedtak_id=uuid4(), mottatt_dato=date(2026, 3, 20), gjelder=gjelder,
                        klage_id=klage_id or uuid4())


def test_r25_klage_uten_kjent_mottatt_dato_har_ingen_frist_og_er_ikke_for_sen() -> None:
    h = fattet()
    cmd = _klage()
    nye = v_mod.motta_klage(cmd, tilstand(h), ktx(), REGLER)
    assert [som(e) for e in nye] == [("KlageMottatt", h.id, 2, {
        "klage_id": cmd.klage_id, "mottatt_dato": date(2026, 3, 20), "klagefrist": None,
        "for_sen": False, "gjelder": "omfanget"})]
    h.hendelser += nye
    assert v_mod.motta_klage(cmd, tilstand(h), ktx(), REGLER) == []


def test_r25_klage_som_ikke_sier_hva_den_gjelder_avvises() -> None:
    assert regelbrudd(v_mod.motta_klage, _klage(" "), tilstand(fattet()), ktx(), REGLER) == (
        "R25", "gjelder")


KLAGE = uuid4()


def klaget() -> Historikk:
    return fattet()(v_mod.KlageMottatt, klage_id=KLAGE, mottatt_dato=date(2026, 3, 20),
                    klagefrist=None, for_sen=False, gjelder="omfanget")


def _avgjor(dato: date = date(2026, 4, 10), utfall: Klageutfall = Klageutfall.MEDHOLD,
            klage_id: UUID = KLAGE) -> k.AvgjorKlage:
    return k.AvgjorKlage(vedtak_id=uuid4(), klage_id=klage_id, avgjort_dato=dato, utfall=utfall,
                         begrunnelse="omfanget var for lite")


def test_r25_klagen_avgjoeres_en_gang() -> None:
    h = klaget()
    nye = v_mod.avgjor_klage(_avgjor(), tilstand(h), ktx(VM))
    assert [som(e) for e in nye] == [("KlageAvgjort", h.id, 3, {
        "klage_id": KLAGE, "avgjort_dato": date(2026, 4, 10), "utfall": Klageutfall.MEDHOLD,
        "begrunnelse": "omfanget var for lite"})]
    h.hendelser += nye
    v = tilstand(h)
    assert v_mod.avgjor_klage(_avgjor(), v, ktx(VM)) == []
    assert regelbrudd(v_mod.avgjor_klage, _avgjor(utfall=Klageutfall.AVVIST), v, ktx(VM)) == (
        "R25", "klage_id")


def test_r25_avgjoerelse_avvises() -> None:
    v = tilstand(klaget())
    assert regelbrudd(v_mod.avgjor_klage, _avgjor(klage_id=uuid4()), v, ktx(VM)) == (
        "R25", "klage_id")
    assert regelbrudd(v_mod.avgjor_klage, _avgjor(date(2026, 3, 19)), v, ktx(VM)) == (
        "BV3", "avgjort_dato")
