"""Given events / when command / then events (or the Regelbrudd with its rule and field), for
every decision on one Bruker (``domain.bruker.beslutninger``). No store."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain import bruker as b_mod
from domain import kommandoer as k
from domain.begreper import Form, Tjenestetype
from domain.bruker import Mottaker
from tests.unit.gitt import NAA, OSLO, Historikk, ktx, regelbrudd, som

FNR = "15108695088"
HJDAG = Tjenestetype.HJEMMESYKEPLEIE_DAG


def registrert() -> Historikk:
    return Historikk()(b_mod.BrukerRegistrert, fodselsnummer=FNR, navn="Kari Nordmann",
                       bydel="frogner")


def dod(h: Historikk, dato: date = date(2026, 5, 1)) -> Historikk:
    return h(b_mod.DodsfallRegistrert, dodsdato=dato)


def tilstand(h: Historikk) -> b_mod.Bruker:
    return b_mod.projiser(None, h.hendelser)


# --- registrer ---------------------------------------------------------------------------------


def test_registrer_gir_bruker_registrert_med_navnet_uten_omkringliggende_mellomrom() -> None:
    ident = uuid4()
    nye = b_mod.registrer(k.RegistrerBruker(fodselsnummer=FNR, navn=" Kari Nordmann ",
                                            bydel="frogner"), ident, ktx())
    assert [som(e) for e in nye] == [("BrukerRegistrert", ident, 1, {
        "fodselsnummer": FNR, "navn": "Kari Nordmann", "bydel": "frogner"})]


@pytest.mark.parametrize(("fnr", "navn", "regel", "felt"), [
    ("15108695089", "Kari", "BV1", "fodselsnummer"),  # wrong check digit
    ("1510869508", "Kari", "BV1", "fodselsnummer"),  # ten digits
    (FNR, "   ", "BV4", "navn"),
])
def test_registrer_avviser(fnr: str, navn: str, regel: str, felt: str) -> None:
    cmd = k.RegistrerBruker(fodselsnummer=fnr, navn=navn, bydel="frogner")
    assert regelbrudd(b_mod.registrer, cmd, uuid4(), ktx()) == (regel, felt)


# --- gi_informasjon (R01) -------------------------------------------------------------------


def _informasjon(gitt_tid: datetime = datetime(2026, 5, 29, 10, tzinfo=OSLO)
                 ) -> k.RegistrerInformasjonGitt:
    return k.RegistrerInformasjonGitt(bruker_id=uuid4(), gitt_tid=gitt_tid, gitt_av="sb-1",
                                      gitt_til=Mottaker.PARORENDE, mottaker_navn="Ola Nordmann")


def test_r01_informasjon_gitt_registreres_en_gang() -> None:
    h = registrert()
    cmd = _informasjon()
    nye = b_mod.gi_informasjon(cmd, tilstand(h), ktx())
    assert [som(e) for e in nye] == [("BrukervalgInformasjonGitt", h.id, 2, {
        "gitt_tid": cmd.gitt_tid, "gitt_av": "sb-1", "gitt_til": Mottaker.PARORENDE,
        "mottaker_navn": "Ola Nordmann"})]
    h.hendelser += nye
    assert b_mod.gi_informasjon(cmd, tilstand(h), ktx()) == []


def test_r01_informasjon_gitt_i_fremtiden_avvises() -> None:
    cmd = _informasjon(NAA + timedelta(hours=1))
    assert regelbrudd(b_mod.gi_informasjon, cmd, tilstand(registrert()), ktx()) == (
        "BV8", "gitt_tid")


# --- velg_leverandor (R02, R04, R23) ----------------------------------------------------------


def _valg(gyldig_fra: date = date(2026, 6, 1), leverandor: str = "2care") -> k.VelgLeverandor:
    return k.VelgLeverandor(bruker_id=uuid4(), tjenestetype=HJDAG, leverandor_id=leverandor,
                            form=Form.SKRIFTLIG, gyldig_fra=gyldig_fra)


def test_r02_valget_registreres_og_det_samme_valget_igjen_registreres_ikke() -> None:
    h = registrert()
    nye = b_mod.velg_leverandor(_valg(), tilstand(h), ktx())
    assert [som(e) for e in nye] == [("LeverandorValgt", h.id, 2, {
        "tjenestetype": HJDAG, "leverandor_id": "2care", "form": Form.SKRIFTLIG,
        "gyldig_fra": date(2026, 6, 1)})]
    h.hendelser += nye
    assert tilstand(h).valgt_leverandor(HJDAG, date(2026, 6, 1), "kommunal") == "2care"
    assert b_mod.velg_leverandor(_valg(), tilstand(h), ktx()) == []


def test_r04_valg_foer_brukervalget_startet_avvises() -> None:
    assert regelbrudd(b_mod.velg_leverandor, _valg(date(2024, 5, 31)), tilstand(registrert()),
                      ktx()) == ("R04", "gyldig_fra")


def test_r23_valg_etter_dodsfallet_avvises() -> None:
    assert regelbrudd(b_mod.velg_leverandor, _valg(date(2026, 5, 2)), tilstand(dod(registrert())),
                      ktx()) == ("R23", "gyldig_fra")


# --- korriger_valg (R26) ----------------------------------------------------------------------


def _med_valg() -> tuple[Historikk, UUID]:
    h = registrert()(b_mod.LeverandorValgt, tjenestetype=HJDAG, leverandor_id="2care",
                     form=Form.MUNTLIG, gyldig_fra=date(2026, 5, 1))
    return h, h.siste.hendelse_id


def _korreksjon(korrigerer: UUID, begrunnelse: str = "feil leverandør registrert",
                gyldig_fra: date = date(2026, 5, 1)) -> k.KorrigerLeverandorvalg:
    return k.KorrigerLeverandorvalg(bruker_id=uuid4(), korrigerer=korrigerer,
                                    leverandor_id="aleris", form=Form.MUNTLIG,
                                    gyldig_fra=gyldig_fra, begrunnelse=begrunnelse)


def test_r26_korreksjon_peker_paa_valget_den_retter_og_arver_tjenestetypen() -> None:
    h, valg_id = _med_valg()
    nye = b_mod.korriger_valg(_korreksjon(valg_id), tilstand(h), ktx())
    assert [som(e) for e in nye] == [("LeverandorvalgKorrigert", h.id, 3, {
        "korrigerer": valg_id, "tjenestetype": HJDAG, "leverandor_id": "aleris",
        "form": Form.MUNTLIG, "gyldig_fra": date(2026, 5, 1),
        "begrunnelse": "feil leverandør registrert"})]
    h.hendelser += nye
    b = tilstand(h)
    assert [v.korrigert_av for v in b.valg] == [nye[0].hendelse_id, None]
    assert b.valgt_leverandor(HJDAG, date(2026, 5, 1), "kommunal") == "aleris"
    assert regelbrudd(b_mod.korriger_valg, _korreksjon(valg_id), b, ktx()) == (
        "R26", "korrigerer")  # already corrected


def test_r26_korreksjon_avvises() -> None:
    h, valg_id = _med_valg()
    b = tilstand(h)
    assert regelbrudd(b_mod.korriger_valg, _korreksjon(uuid4()), b, ktx()) == ("R26", "korrigerer")
    assert regelbrudd(b_mod.korriger_valg, _korreksjon(valg_id, " "), b, ktx()) == (
        "R26", "begrunnelse")
    assert regelbrudd(b_mod.korriger_valg, _korreksjon(valg_id, gyldig_fra=date(2024, 1, 1)), b,
                      ktx()) == ("R04", "gyldig_fra")


def test_r07_valget_et_bytte_registrerte_korrigeres_ikke_alene() -> None:
    h = registrert()(b_mod.LeverandorByttet, tjenestetype=HJDAG, fra_leverandor_id="2care",
                     til_leverandor_id="aleris", form=Form.MUNTLIG,
                     oppsigelsesdato=date(2026, 5, 4), gammel_leveranse_id=uuid4(),
                     siste_dag_gammel=date(2026, 5, 13), ny_leveranse_id=uuid4(),
                     forste_dag_ny=date(2026, 5, 14))
    assert regelbrudd(b_mod.korriger_valg, _korreksjon(h.siste.hendelse_id,
                                                       gyldig_fra=date(2026, 5, 14)),
                      tilstand(h), ktx()) == ("R07", "korrigerer")


# --- flytt_til_bydel (R24) --------------------------------------------------------------------


def test_r24_flytting_flytter_ansvaret_fra_datoen_og_registreres_en_gang() -> None:
    h = registrert()
    cmd = k.FlyttTilBydel(bruker_id=h.id, til_bydel="sagene", dato=date(2026, 6, 15))
    nye = b_mod.flytt_til_bydel(cmd, tilstand(h), ktx())
    assert [som(e) for e in nye] == [("FlyttetTilBydel", h.id, 2, {
        "fra_bydel": "frogner", "til_bydel": "sagene", "dato": date(2026, 6, 15)})]
    h.hendelser += nye
    b = tilstand(h)
    assert (b.bydel_paa(date(2026, 6, 14)), b.bydel_paa(date(2026, 6, 15))) == ("frogner", "sagene")
    assert b_mod.flytt_til_bydel(cmd, b, ktx()) == []


def test_r24_flytting_til_bydelen_brukeren_allerede_hører_til_endrer_ingenting() -> None:
    h = registrert()
    cmd = k.FlyttTilBydel(bruker_id=h.id, til_bydel="frogner", dato=date(2026, 6, 15))
    assert b_mod.flytt_til_bydel(cmd, tilstand(h), ktx()) == []


def test_r23_flytting_etter_dodsfallet_avvises() -> None:
    cmd = k.FlyttTilBydel(bruker_id=uuid4(), til_bydel="sagene", dato=date(2026, 5, 2))
    assert regelbrudd(b_mod.flytt_til_bydel, cmd, tilstand(dod(registrert())), ktx()) == (
        "R23", "dato")


# --- registrer_husstandsinntekt (R19) ---------------------------------------------------------


def _inntekt(belop: str = "285000.00", fra: date = date(2026, 1, 1)
             ) -> k.RegistrerHusstandsinntekt:
    return k.RegistrerHusstandsinntekt(bruker_id=uuid4(), nettoinntekt=Decimal(belop),
                                       gyldig_fra=fra)


def test_r19_husstandsinntekten_registreres_en_gang_per_dato_og_belop() -> None:
    h = registrert()
    nye = b_mod.registrer_husstandsinntekt(_inntekt(), tilstand(h), ktx())
    assert [som(e) for e in nye] == [("HusstandsinntektRegistrert", h.id, 2, {
        "nettoinntekt": Decimal("285000.00"), "gyldig_fra": date(2026, 1, 1),
        "kilde": "siste likning"})]
    h.hendelser += nye
    b = tilstand(h)
    assert b.husstandsinntekt_paa(date(2026, 3, 1)) == Decimal("285000.00")
    assert b_mod.registrer_husstandsinntekt(_inntekt(), b, ktx()) == []
    [ny] = b_mod.registrer_husstandsinntekt(_inntekt("300000.00"), b, ktx())  # a new assessment
    assert ny.originator_version == 3


def test_r19_negativ_inntekt_avvises_ogsaa_forbi_kommandoens_egen_sjekk() -> None:
    # The command refuses it first (ge=0); the decision refuses it on its own too.
    cmd = k.RegistrerHusstandsinntekt.model_construct(
        bruker_id=uuid4(), nettoinntekt=Decimal("-1"), gyldig_fra=date(2026, 1, 1),
        kilde="siste likning")
    assert regelbrudd(b_mod.registrer_husstandsinntekt, cmd, tilstand(registrert()), ktx()) == (
        "R19", "nettoinntekt")


def test_r23_inntekt_fra_etter_dodsfallet_avvises() -> None:
    assert regelbrudd(b_mod.registrer_husstandsinntekt, _inntekt(fra=date(2026, 5, 2)),
                      tilstand(dod(registrert())), ktx()) == ("R23", "gyldig_fra")


# --- bekreft_bytte (R09) ----------------------------------------------------------------------


def _byttet() -> Historikk:
    return registrert()(b_mod.LeverandorByttet, tjenestetype=HJDAG, fra_leverandor_id="2care",
                        til_leverandor_id="aleris", form=Form.MUNTLIG,
                        oppsigelsesdato=date(2026, 5, 4), gammel_leveranse_id=uuid4(),
                        siste_dag_gammel=date(2026, 5, 13), ny_leveranse_id=uuid4(),
                        forste_dag_ny=date(2026, 5, 14))


def _bekreftelse(oppsigelsesdato: date = date(2026, 5, 4)) -> k.SendBytteBekreftelse:
    return k.SendBytteBekreftelse(bruker_id=uuid4(), tjenestetype=HJDAG,
                                  oppsigelsesdato=oppsigelsesdato, sendt_dato=date(2026, 5, 5))


def test_r09_bekreftelsen_paa_byttet_registreres_en_gang() -> None:
    h = _byttet()
    nye = b_mod.bekreft_bytte(_bekreftelse(), tilstand(h), ktx())
    assert [som(e) for e in nye] == [("BytteBekreftelseSendt", h.id, 3, {
        "bytte_oppsigelsesdato": date(2026, 5, 4), "tjenestetype": HJDAG,
        "sendt_dato": date(2026, 5, 5)})]
    h.hendelser += nye
    assert b_mod.bekreft_bytte(_bekreftelse(), tilstand(h), ktx()) == []


def test_r09_bekreftelse_uten_et_slikt_bytte_avvises() -> None:
    assert regelbrudd(b_mod.bekreft_bytte, _bekreftelse(date(2026, 5, 5)), tilstand(_byttet()),
                      ktx()) == ("R09", "oppsigelsesdato")
