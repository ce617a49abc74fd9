"""Given events / when command / then events (or the Regelbrudd with its rule and field), for
every decision across aggregates (``domain.saksgang``): the new events of each aggregate it
touches, in the order they are saved. No store."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from domain import bruker as b_mod
from domain import kommandoer as k
from domain import leveranse as l_mod
from domain import saksgang
from domain import vedtak as v_mod
from domain.begreper import Form, Sluttarsak, Tjenestetype
from domain.vedtak import Omfang
from tests.unit.gitt import SB, VM, Historikk, ktx, regelbrudd, som

HJDAG = Tjenestetype.HJEMMESYKEPLEIE_DAG
PB = Tjenestetype.PRAKTISK_BISTAND
BYTTE = Sluttarsak.BYTTE_AV_LEVERANDOR


def bruker() -> Historikk:
    return Historikk()(b_mod.BrukerRegistrert, fodselsnummer="15108695088", navn="Kari Nordmann",
                       bydel="frogner")


def leveranse(b: Historikk, leverandor: str = "2care", fom: date = date(2026, 3, 2),
              tom: date | None = None, vedtak_id: UUID | None = None,
              tjenestetype: Tjenestetype = HJDAG) -> Historikk:
    """A delivery ordered for ``b``, recorded on both aggregates as ``bestill_leveranse`` does."""
    lev = Historikk()(l_mod.LeveranseBestilt, bruker_id=b.id, vedtak_id=vedtak_id,
                      tjenestetype=tjenestetype, leverandor_id=leverandor, fom=fom, tom=tom)
    b(b_mod.LeveranseTilknyttet, leveranse_id=lev.id, vedtak_id=vedtak_id,
      tjenestetype=tjenestetype, leverandor_id=leverandor, fom=fom, tom=tom)
    return lev


def vedtak(b: Historikk, gyldig_fra: date = date(2026, 3, 2),
           gyldig_til: date | None = date(2026, 12, 31), bruker_id: UUID | None = None) -> Historikk:
    v = Historikk()(v_mod.VedtakFattet, aktor=VM, bruker_id=bruker_id or b.id, tjenestetype=HJDAG,
                    gyldig_fra=gyldig_fra, gyldig_til=gyldig_til, omfang=Omfang(minutter=420),
                    vedtaksdato=gyldig_fra)
    if bruker_id is None:
        b(b_mod.VedtakTilknyttet, vedtak_id=v.id, tjenestetype=HJDAG)
    return v


def dod(b: Historikk, dato: date = date(2026, 5, 1)) -> Historikk:
    return b(b_mod.DodsfallRegistrert, dodsdato=dato)


def B(h: Historikk) -> b_mod.Bruker:
    return b_mod.projiser(None, h.hendelser)


def L(h: Historikk) -> l_mod.Leveranse:
    return l_mod.projiser(None, h.hendelser)


def V(h: Historikk) -> v_mod.Vedtak:
    return v_mod.projiser(None, h.hendelser)


def etter(ut: saksgang.Beslutning, *historikker: Historikk) -> None:
    """The decision's events become part of the given past, each on its own aggregate."""
    per_id = {h.id: h for h in historikker}
    for e in ut.hendelser:
        per_id[e.originator_id].hendelser.append(e)


# --- bestill_leveranse (R03, R08, R14, R23) ---------------------------------------------------


def _bestill(b: Historikk, vedtak_id: UUID | None = None, leverandor_id: str | None = None,
             fom: date = date(2026, 6, 8), tom: date | None = None,
             tjenestetype: Tjenestetype = HJDAG) -> k.BestillLeveranse:
    return k.BestillLeveranse(bruker_id=b.id, tjenestetype=tjenestetype, vedtak_id=vedtak_id,
                              leverandor_id=leverandor_id, fom=fom, tom=tom)


def test_r03_uten_valg_bestilles_tjenesten_fra_den_kommunale_leverandoren() -> None:
    b = bruker()
    cmd = _bestill(b)
    ut = saksgang.bestill_leveranse(cmd, B(b), None, ktx(), "kommunal")
    felles = {"vedtak_id": None, "tjenestetype": HJDAG, "leverandor_id": "kommunal",
              "fom": date(2026, 6, 8), "tom": None}
    assert ut.id == cmd.leveranse_id
    assert [som(e) for e in ut.hendelser] == [
        ("LeveranseBestilt", cmd.leveranse_id, 1, {"bruker_id": b.id, **felles}),
        ("LeveranseTilknyttet", b.id, 2, {"leveranse_id": cmd.leveranse_id, **felles})]


def test_r03_med_valg_bestilles_fra_den_valgte_og_samme_bestilling_igjen_registreres_ikke() -> None:
    b = bruker()(b_mod.LeverandorValgt, tjenestetype=HJDAG, leverandor_id="2care",
                 form=Form.SKRIFTLIG, gyldig_fra=date(2026, 5, 1))
    cmd = _bestill(b)
    ut = saksgang.bestill_leveranse(cmd, B(b), None, ktx(), "kommunal")
    assert [(navn, data["leverandor_id"]) for navn, _, _, data in map(som, ut.hendelser)] == [
        ("LeveranseBestilt", "2care"), ("LeveranseTilknyttet", "2care")]
    lev = Historikk(cmd.leveranse_id)
    etter(ut, b, lev)
    igjen = saksgang.bestill_leveranse(_bestill(b), B(b), None, ktx(), "kommunal")
    assert (igjen.id, igjen.hendelser) == (cmd.leveranse_id, [])


def test_r14_leveransen_under_et_vedtak_slutter_senest_med_vedtaket() -> None:
    b = bruker()
    v = vedtak(b)
    cmd = _bestill(b, vedtak_id=v.id, leverandor_id="2care")
    ut = saksgang.bestill_leveranse(cmd, B(b), V(v), ktx(), "kommunal")
    assert [(e.originator_id, som(e)[3]["vedtak_id"], som(e)[3]["tom"]) for e in ut.hendelser] == [
        (cmd.leveranse_id, v.id, date(2026, 12, 31)), (b.id, v.id, date(2026, 12, 31))]


def test_bestilling_avvises() -> None:
    b = bruker()
    eget = V(vedtak(b))
    annens = V(vedtak(b, bruker_id=uuid4()))
    leveranse(b, fom=date(2026, 6, 1), tom=date(2026, 6, 30))
    tilfeller = [
        (_bestill(b, eget.id, fom=date(2026, 7, 1)), annens, ("R14", "vedtak_id")),
        (_bestill(b, eget.id, fom=date(2026, 7, 1), tjenestetype=PB), eget, ("R14", "tjenestetype")),
        (_bestill(b, eget.id, fom=date(2027, 1, 1)), eget, ("R14", "fom")),
        (_bestill(b, fom=date(2026, 7, 2), tom=date(2026, 7, 1)), None, ("BV3", "tom")),
        (_bestill(b, leverandor_id="aleris", fom=date(2026, 6, 15)), None, ("R08", "fom")),
    ]
    for cmd, v, svar in tilfeller:
        assert regelbrudd(saksgang.bestill_leveranse, cmd, B(b), v, ktx(), "kommunal") == svar
    assert regelbrudd(saksgang.bestill_leveranse, _bestill(b, fom=date(2026, 7, 1)),
                      B(dod(b, date(2026, 6, 30))), None, ktx(), "kommunal") == ("R23", "fom")


# --- bytt_leverandor (R06-R08) ----------------------------------------------------------------


def _bytt(b: Historikk, til: str = "aleris", oppsigelsesdato: date = date(2026, 5, 28)
          ) -> k.ByttLeverandor:
    return k.ByttLeverandor(bruker_id=b.id, tjenestetype=HJDAG, til_leverandor_id=til,
                            form=Form.MUNTLIG, oppsigelsesdato=oppsigelsesdato)


def test_r07_bytte_avslutter_den_gamle_paa_dag_ti_og_den_nye_starter_dagen_etter() -> None:
    b = bruker()
    gammel = leveranse(b)
    cmd = _bytt(b)
    ut = saksgang.bytt_leverandor(cmd, B(b), L(gammel), None, ktx())
    ny, siste, forste = cmd.ny_leveranse_id, date(2026, 6, 6), date(2026, 6, 7)  # 28 May + 9, + 10
    assert ut.id == ny
    assert [som(e) for e in ut.hendelser] == [
        ("LeveranseAvsluttet", gammel.id, 2, {"sluttdato": siste, "arsak": BYTTE, "sluttnotat": ""}),
        ("LeveranseBestilt", ny, 1, {"bruker_id": b.id, "vedtak_id": None, "tjenestetype": HJDAG,
                                     "leverandor_id": "aleris", "fom": forste, "tom": None}),
        ("LeverandorByttet", b.id, 3, {
            "tjenestetype": HJDAG, "fra_leverandor_id": "2care", "til_leverandor_id": "aleris",
            "form": Form.MUNTLIG, "oppsigelsesdato": date(2026, 5, 28),
            "gammel_leveranse_id": gammel.id, "siste_dag_gammel": siste, "ny_leveranse_id": ny,
            "forste_dag_ny": forste, "annullert_leveranse_id": None}),
        ("LeveranseperiodeEndret", b.id, 4, {"leveranse_id": gammel.id, "tom": siste,
                                             "arsak": BYTTE}),
        ("LeveranseTilknyttet", b.id, 5, {"leveranse_id": ny, "vedtak_id": None,
                                          "tjenestetype": HJDAG, "leverandor_id": "aleris",
                                          "fom": forste, "tom": None})]
    etter(ut, b, gammel, Historikk(ny))
    igjen = saksgang.bytt_leverandor(_bytt(b), B(b), L(gammel), None, ktx())
    assert (igjen.id, igjen.hendelser) == (ny, [])


def test_bytte_avvises() -> None:
    uten = bruker()
    assert regelbrudd(saksgang.bytt_leverandor, _bytt(uten), B(uten), None, None, ktx()) == (
        "R07", "tjenestetype")
    b = bruker()
    gammel = L(leveranse(b))
    for cmd, svar in [(_bytt(b, til="2care"), ("R06", "til_leverandor_id")),
                      (_bytt(b, oppsigelsesdato=date(2024, 5, 31)), ("R04", "oppsigelsesdato"))]:
        assert regelbrudd(saksgang.bytt_leverandor, cmd, B(b), gammel, None, ktx()) == svar
    assert regelbrudd(saksgang.bytt_leverandor, _bytt(b, oppsigelsesdato=date(2026, 5, 2)),
                      B(dod(b)), gammel, None, ktx()) == ("R23", "oppsigelsesdato")
    kort = bruker()
    slutter = L(leveranse(kort, tom=date(2026, 6, 1)))
    assert regelbrudd(saksgang.bytt_leverandor, _bytt(kort), B(kort), slutter, None, ktx()) == (
        "R07", "oppsigelsesdato")


def _ventende_bytte() -> tuple[Historikk, Historikk, Historikk]:
    """A switch from 2care to aleris noticed 28 May, aleris taking over 7 June."""
    b = bruker()
    gammel = leveranse(b)
    cmd = _bytt(b)
    ventende = Historikk(cmd.ny_leveranse_id)
    etter(saksgang.bytt_leverandor(cmd, B(b), L(gammel), None, ktx()), b, gammel, ventende)
    return b, gammel, ventende


def test_r06_nytt_valg_under_et_ventende_bytte_annullerer_den_ventende_leveransen() -> None:
    b, gammel, ventende = _ventende_bytte()
    cmd = _bytt(b, til="omsorg-as", oppsigelsesdato=date(2026, 5, 30))
    ut = saksgang.bytt_leverandor(cmd, B(b), L(gammel), L(ventende), ktx())
    ny, annullert, overtar = cmd.ny_leveranse_id, date(2026, 6, 6), date(2026, 6, 7)
    assert [som(e) for e in ut.hendelser] == [
        ("LeveranseAvsluttet", ventende.id, 2, {
            "sluttdato": annullert, "arsak": BYTTE, "sluttnotat": "annullert før oppstart: "
            "brukeren valgte omsorg-as (oppsigelsesdato 2026-05-30)"}),
        ("LeveranseBestilt", ny, 1, {"bruker_id": b.id, "vedtak_id": None, "tjenestetype": HJDAG,
                                     "leverandor_id": "omsorg-as", "fom": overtar, "tom": None}),
        ("LeverandorByttet", b.id, 6, {
            "tjenestetype": HJDAG, "fra_leverandor_id": "2care",
            "til_leverandor_id": "omsorg-as", "form": Form.MUNTLIG,
            "oppsigelsesdato": date(2026, 5, 30), "gammel_leveranse_id": gammel.id,
            "siste_dag_gammel": date(2026, 6, 6), "ny_leveranse_id": ny, "forste_dag_ny": overtar,
            "annullert_leveranse_id": ventende.id}),
        ("LeveranseperiodeEndret", b.id, 7, {"leveranse_id": ventende.id, "tom": annullert,
                                             "arsak": BYTTE}),
        ("LeveranseTilknyttet", b.id, 8, {"leveranse_id": ny, "vedtak_id": None,
                                          "tjenestetype": HJDAG, "leverandor_id": "omsorg-as",
                                          "fom": overtar, "tom": None})]
    etter(ut, b, ventende, Historikk(ny))
    svar = B(b).leverandor_paa(HJDAG, overtar, "kommunal")
    assert (svar.leverandor_id, B(b).leveranser[ventende.id].annullert) == ("omsorg-as", True)


def test_r06_nytt_valg_under_et_ventende_bytte_avvises() -> None:
    b, gammel, ventende = _ventende_bytte()
    for cmd, svar in [(_bytt(b, til="omsorg-as", oppsigelsesdato=date(2026, 5, 27)),
                       ("R07", "oppsigelsesdato")),
                      (_bytt(b, til="aleris", oppsigelsesdato=date(2026, 5, 30)),
                       ("R06", "til_leverandor_id"))]:
        assert regelbrudd(saksgang.bytt_leverandor, cmd, B(b), L(gammel), L(ventende),
                          ktx()) == svar
    ventende(l_mod.LeveranseStartet, startet_tid=ktx().naa)
    assert regelbrudd(saksgang.bytt_leverandor, _bytt(b, "omsorg-as", date(2026, 5, 30)), B(b),
                      L(gammel), L(ventende), ktx()) == ("R08", "oppsigelsesdato")


# --- fatt_vedtak (R14, R23) -------------------------------------------------------------------


def _fatt(b: Historikk, gyldig_fra: date = date(2026, 6, 1),
          knytt_til: UUID | None = None) -> k.FattVedtak:
    return k.FattVedtak(bruker_id=b.id, tjenestetype=HJDAG, gyldig_fra=gyldig_fra,
                        gyldig_til=date(2026, 12, 31), omfang=Omfang(minutter=420),
                        vedtaksdato=date(2026, 5, 29), knytt_til_leveranse_id=knytt_til)


def test_vedtaket_fattes_og_knyttes_til_brukeren_og_det_samme_vedtaket_igjen_registreres_ikke(
        ) -> None:
    b = bruker()
    cmd = _fatt(b)
    ut = saksgang.fatt_vedtak(cmd, B(b), [], None, ktx(VM))
    assert [som(e)[:3] for e in ut.hendelser] == [("VedtakFattet", cmd.vedtak_id, 1),
                                                  ("VedtakTilknyttet", b.id, 2)]
    assert som(ut.hendelser[1])[3] == {"vedtak_id": cmd.vedtak_id, "tjenestetype": HJDAG}
    v = Historikk(cmd.vedtak_id)
    etter(ut, b, v)
    igjen = saksgang.fatt_vedtak(_fatt(b), B(b), [V(v)], None, ktx(VM))
    assert (igjen.id, igjen.hendelser) == (cmd.vedtak_id, [])


def test_r14_tjeneste_startet_foer_vedtaket_knyttes_til_det() -> None:
    b = bruker()
    lev = leveranse(b)
    cmd = _fatt(b, date(2026, 3, 2), lev.id)
    ut = saksgang.fatt_vedtak(cmd, B(b), [], L(lev), ktx(VM))
    assert [som(e) for e in ut.hendelser][1:] == [
        ("LeveranseKnyttetTilVedtak", lev.id, 2, {"vedtak_id": cmd.vedtak_id}),
        ("VedtakTilknyttet", b.id, 3, {"vedtak_id": cmd.vedtak_id, "tjenestetype": HJDAG})]


def test_fatt_vedtak_avvises() -> None:
    b = bruker()
    lev = L(leveranse(b))
    med_vedtak = L(leveranse(b, fom=date(2026, 3, 2), vedtak_id=uuid4()))
    annen_type = L(leveranse(b, tjenestetype=PB))
    for cmd, knytt, aktor, svar in [
            (_fatt(b, date(2026, 3, 3), lev.id), lev, VM, ("R14", "gyldig_fra")),
            (_fatt(b, date(2026, 3, 2), annen_type.id), annen_type, VM,
             ("R14", "knytt_til_leveranse_id")),
            (_fatt(b, date(2026, 3, 2), med_vedtak.id), med_vedtak, VM,
             ("R14", "knytt_til_leveranse_id")),
            (_fatt(b), None, SB, ("BV5", "aktor.rolle"))]:
        assert regelbrudd(saksgang.fatt_vedtak, cmd, B(b), [], knytt, ktx(aktor)) == svar
    assert regelbrudd(saksgang.fatt_vedtak, _fatt(b, date(2026, 5, 2)), B(dod(b)), [], None,
                      ktx(VM)) == ("R23", "gyldig_fra")


# --- forleng_vedtak (R11) ---------------------------------------------------------------------


def test_forlengelse_forlenger_leveransene_som_sluttet_med_vedtaket() -> None:
    b = bruker()
    v = vedtak(b)
    med = leveranse(b, vedtak_id=v.id, tom=date(2026, 12, 31))
    uten = leveranse(b, leverandor="aleris", tjenestetype=PB, tom=date(2026, 12, 31))
    cmd = k.ForlengVedtak(vedtak_id=v.id, ny_gyldig_til=date(2027, 6, 30))
    ut = saksgang.forleng_vedtak(cmd, B(b), V(v), [L(med), L(uten)], ktx(VM))
    assert [som(e) for e in ut.hendelser] == [
        ("VedtakForlenget", v.id, 2, {"ny_gyldig_til": date(2027, 6, 30)}),
        ("LeveransePeriodeForlenget", med.id, 2, {"ny_tom": date(2027, 6, 30)}),
        ("LeveranseperiodeEndret", b.id, 5, {"leveranse_id": med.id, "tom": date(2027, 6, 30),
                                             "arsak": None})]
    etter(ut, b, v, med)
    igjen = saksgang.forleng_vedtak(cmd, B(b), V(v), [L(med), L(uten)], ktx(VM))
    assert igjen.hendelser == []


def test_forlengelse_forlenger_ikke_en_leveranse_som_da_ville_overlappe_en_annen() -> None:
    b = bruker()
    v = vedtak(b)
    med = leveranse(b, vedtak_id=v.id, tom=date(2026, 12, 31))
    leveranse(b, leverandor="aleris", fom=date(2027, 1, 1))
    cmd = k.ForlengVedtak(vedtak_id=v.id, ny_gyldig_til=date(2027, 6, 30))
    ut = saksgang.forleng_vedtak(cmd, B(b), V(v), [L(med)], ktx(VM))
    assert [som(e)[0] for e in ut.hendelser] == ["VedtakForlenget"]


# --- avslutt_leveranse (R22) ------------------------------------------------------------------


def _avslutt(lev: Historikk, sluttdato: date = date(2026, 5, 31),
             arsak: Sluttarsak = Sluttarsak.BEHOV_OPPHORT,
             sluttnotat: str = "behovet er borte") -> k.AvsluttLeveranse:
    return k.AvsluttLeveranse(leveranse_id=lev.id, sluttdato=sluttdato, arsak=arsak,
                              sluttnotat=sluttnotat)


def test_r22_avsluttet_leveranse_registreres_paa_begge_og_en_gang() -> None:
    b = bruker()
    lev = leveranse(b)
    ut = saksgang.avslutt_leveranse(_avslutt(lev), B(b), L(lev), ktx())
    assert [som(e) for e in ut.hendelser] == [
        ("LeveranseAvsluttet", lev.id, 2, {"sluttdato": date(2026, 5, 31),
                                           "arsak": Sluttarsak.BEHOV_OPPHORT,
                                           "sluttnotat": "behovet er borte"}),
        ("LeveranseperiodeEndret", b.id, 3, {"leveranse_id": lev.id, "tom": date(2026, 5, 31),
                                             "arsak": Sluttarsak.BEHOV_OPPHORT})]
    etter(ut, b, lev)
    assert saksgang.avslutt_leveranse(_avslutt(lev), B(b), L(lev), ktx()).hendelser == []


@pytest.mark.parametrize(("sluttdato", "arsak", "notat", "svar"), [
    (date(2026, 5, 31), Sluttarsak.DODSFALL, "", ("R22", "arsak")),
    (date(2026, 5, 31), Sluttarsak.BYTTE_AV_LEVERANDOR, "", ("R22", "arsak")),
    (date(2026, 2, 28), Sluttarsak.VEDTAK_UTLOPT, "", ("BV3", "sluttdato")),
    (date(2026, 5, 31), Sluttarsak.BEHOV_OPPHORT, " ", ("R22", "sluttnotat")),
])
def test_r22_avslutning_avvises(sluttdato: date, arsak: Sluttarsak, notat: str,
                                svar: tuple[str, str]) -> None:
    b = bruker()
    lev = leveranse(b)
    assert regelbrudd(saksgang.avslutt_leveranse, _avslutt(lev, sluttdato, arsak, notat), B(b),
                      L(lev), ktx()) == svar


# --- avslutt_alt (R23) ------------------------------------------------------------------------


def test_r23_dodsfall_avslutter_alle_aktive_leveranser_og_vedtak_paa_datoen() -> None:
    b = bruker()
    lev = leveranse(b)
    sluttet = leveranse(b, tjenestetype=PB, tom=date(2026, 4, 30))
    v = vedtak(b)
    cmd = k.RegistrerDodsfall(bruker_id=b.id, dodsdato=date(2026, 5, 20))
    ut = saksgang.avslutt_alt(cmd, B(b), [L(lev), L(sluttet)], [V(v)], ktx())
    dodsfall = Sluttarsak.DODSFALL
    assert [som(e) for e in ut.hendelser] == [
        ("LeveranseAvsluttet", lev.id, 2, {"sluttdato": date(2026, 5, 20), "arsak": dodsfall,
                                           "sluttnotat": ""}),
        ("VedtakAvsluttet", v.id, 2, {"dato": date(2026, 5, 20), "arsak": dodsfall}),
        ("DodsfallRegistrert", b.id, 5, {"dodsdato": date(2026, 5, 20)}),
        ("LeveranseperiodeEndret", b.id, 6, {"leveranse_id": lev.id, "tom": date(2026, 5, 20),
                                             "arsak": dodsfall})]
    etter(ut, b, lev, v)
    assert saksgang.avslutt_alt(cmd, B(b), [L(lev), L(sluttet)], [V(v)], ktx()).hendelser == []
    senere = k.RegistrerDodsfall(bruker_id=b.id, dodsdato=date(2026, 5, 21))
    assert regelbrudd(saksgang.avslutt_alt, senere, B(b), [], [], ktx()) == ("R23", "dato")


def test_r23_utflytting_avslutter_med_aarsak_flyttet() -> None:
    b = bruker()
    lev = leveranse(b)
    cmd = k.RegistrerUtflytting(bruker_id=b.id, dato=date(2026, 5, 20))
    ut = saksgang.avslutt_alt(cmd, B(b), [L(lev)], [], ktx())
    assert [(som(e)[0], som(e)[3].get("arsak")) for e in ut.hendelser] == [
        ("LeveranseAvsluttet", Sluttarsak.FLYTTET), ("FlyttetUtAvKommunen", None),
        ("LeveranseperiodeEndret", Sluttarsak.FLYTTET)]
