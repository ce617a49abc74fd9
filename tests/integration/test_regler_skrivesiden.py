"""The write-side rules, each test named by its rule id, run on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.begreper import Form, Kanal, Regelbrudd, Sluttarsak
from domain.bruker import Mottaker
from domain.leveranse import Avvikstype, Besokskategori
from domain.vedtak import Klageutfall, Omfang, Utfall
from tests.conftest import (
    FNR,
    KOMMUNAL,
    SAKSBEHANDLER,
    TOCARE,
    VEDTAKSMYNDIG,
    Klokke,
    d,
    oslo,
)
from tests.integration.conftest import HSP, PB, Sak, antall_hendelser, lag_sak


def brudd(regel: str, felt: str | None = None) -> pytest.RaisesExc:
    """Expect a Regelbrudd naming this rule (and field)."""
    return pytest.raises(Regelbrudd, match=rf"^{regel} \({felt or '.*'}\)")


# --- R01-R05: information and choice --------------------------------------------------------


def test_r01_information_about_brukervalg_is_recorded_with_when_who_and_to_whom(
        app: BrukervalgApp, sak: Sak) -> None:
    app.registrer_informasjon_gitt(k.RegistrerInformasjonGitt(
        bruker_id=sak.bruker_id, gitt_tid=oslo(2026, 3, 1, 10), gitt_av="sb-frogner-1",
        gitt_til=Mottaker.PARORENDE, mottaker_navn="Ola (sønn)"), SAKSBEHANDLER)
    info = app.bruker(sak.bruker_id).informasjon
    assert [(i.gitt_tid, i.gitt_av, i.gitt_til, i.mottaker_navn) for i in info] == [
        (oslo(2026, 3, 1, 10), "sb-frogner-1", Mottaker.PARORENDE, "Ola (sønn)")]
    assert info[0].aktor == SAKSBEHANDLER


def test_r02_choice_records_provider_tjenestetype_date_and_form(app: BrukervalgApp,
                                                                  sak: Sak) -> None:
    app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=PB,
                                         leverandor_id="2care", form=Form.SKRIFTLIG,
                                         gyldig_fra=d("2026-04-01")), SAKSBEHANDLER)
    b = app.bruker(sak.bruker_id)
    valg = b.gjeldende_valg(PB, d("2026-04-01"))
    assert (valg.leverandor_id, valg.form, valg.gyldig_fra) == ("2care", Form.SKRIFTLIG,
                                                                 d("2026-04-01"))
    assert b.gjeldende_valg(PB, d("2026-03-31")) is None


def test_r02_unknown_provider_is_refused_and_nothing_is_stored(app: BrukervalgApp,
                                                                sak: Sak) -> None:
    for_ = antall_hendelser(app)
    with brudd("R02", "leverandor_id"):
        app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=PB,
                                             leverandor_id="ukjent-as", form=Form.MUNTLIG,
                                             gyldig_fra=d("2026-04-01")), SAKSBEHANDLER)
    assert antall_hendelser(app) == for_


def test_r03_user_without_a_choice_is_served_by_the_municipal_provider(
        app: BrukervalgApp) -> None:
    sak = lag_sak(app)  # no choice recorded, no provider named in the order
    assert app.leveranse(sak.leveranse_id).leverandor_id == "kommunal"
    assert app.bruker(sak.bruker_id).valgt_leverandor(HSP, d("2026-03-10"), "kommunal") == \
        "kommunal"


def test_r03_order_follows_the_users_active_choice(app: BrukervalgApp) -> None:
    b = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=FNR[1], navn="Kari Nordmann",
                                               bydel="frogner"),
                             SAKSBEHANDLER)
    app.velg_leverandor(k.VelgLeverandor(bruker_id=b.id, tjenestetype=HSP, leverandor_id="2care",
                                         form=Form.MUNTLIG, gyldig_fra=d("2026-03-01")),
                        SAKSBEHANDLER)
    sak = lag_sak(app, fnr=FNR[1])
    assert app.leveranse(sak.leveranse_id).leverandor_id == "2care"


def test_r04_choice_effective_before_2024_06_01_is_rejected(app: BrukervalgApp,
                                                             sak: Sak) -> None:
    for_ = antall_hendelser(app)
    with brudd("R04", "gyldig_fra"):
        app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                             leverandor_id="2care", form=Form.MUNTLIG,
                                             gyldig_fra=d("2024-05-31")), SAKSBEHANDLER)
    app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                         leverandor_id="2care", form=Form.MUNTLIG,
                                         gyldig_fra=d("2024-06-01")), SAKSBEHANDLER)
    assert antall_hendelser(app) == for_ + 1


def test_r05_every_provider_is_data_under_one_scheme(app: BrukervalgApp) -> None:
    """R05: the scheme is the same for all providers: they are reference data, not code paths."""
    typer = {lev.type for lev in app.ref.leverandorer.values()}
    assert typer == {"kommunal", "privat"}
    assert app.ref.leverandor("2care").nivakode == "1.17.1.3"
    assert app.ref.kommunal_id in app.ref.leverandorer


# --- R06-R10: switching ---------------------------------------------------------------------


def test_r06_r07_switch_worked_example_old_ends_day_ten_new_starts_next_day(
        app: BrukervalgApp, sak: Sak) -> None:
    ny = app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                              til_leverandor_id="2care", form=Form.MUNTLIG,
                                              oppsigelsesdato=d("2026-03-05")), SAKSBEHANDLER)
    gammel = app.leveranse(sak.leveranse_id)
    assert gammel.tom == d("2026-03-14")
    assert gammel.avsluttet.arsak is Sluttarsak.BYTTE_AV_LEVERANDOR
    assert gammel.avsluttet.arsak.gerica_kode == "16"
    ny_lev = app.leveranse(ny.id)
    assert (ny_lev.fom, ny_lev.leverandor_id, ny_lev.vedtak_id) == (d("2026-03-15"), "2care",
                                                                   sak.vedtak_id)
    b = app.bruker(sak.bruker_id)
    assert b.valgt_leverandor(HSP, d("2026-03-14"), "kommunal") == "kommunal"
    assert b.valgt_leverandor(HSP, d("2026-03-15"), "kommunal") == "2care"


def test_r07_switch_at_a_month_end_crosses_into_next_month(app: BrukervalgApp,
                                                           sak: Sak) -> None:
    ny = app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                              til_leverandor_id="2care", form=Form.SKRIFTLIG,
                                              oppsigelsesdato=d("2026-03-25")), SAKSBEHANDLER)
    assert app.leveranse(sak.leveranse_id).tom == d("2026-04-03")
    assert app.leveranse(ny.id).fom == d("2026-04-04")


def test_r06_switch_to_the_same_provider_is_refused(app: BrukervalgApp, sak: Sak) -> None:
    with brudd("R06", "til_leverandor_id"):
        app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                             til_leverandor_id="kommunal", form=Form.MUNTLIG,
                                             oppsigelsesdato=d("2026-03-05")), SAKSBEHANDLER)


def test_r08_ordering_an_overlapping_delivery_is_refused(app: BrukervalgApp, sak: Sak) -> None:
    with brudd("R08", "fom"):
        app.bestill_leveranse(k.BestillLeveranse(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                                 vedtak_id=sak.vedtak_id, fom=d("2026-05-01"),
                                                 leverandor_id="nordlys"), SAKSBEHANDLER)
    # another tjenestetype is not an overlap
    v = app.fatt_vedtak(k.FattVedtak(bruker_id=sak.bruker_id, tjenestetype=PB,
                                     gyldig_fra=d("2026-05-01"), omfang=Omfang(minutter=120),
                                     vedtaksdato=d("2026-04-28")), VEDTAKSMYNDIG)
    app.bestill_leveranse(k.BestillLeveranse(bruker_id=sak.bruker_id, tjenestetype=PB,
                                             vedtak_id=v.id, fom=d("2026-05-01")), SAKSBEHANDLER)


def test_r09_switch_notifications_and_letter_are_recorded_with_channel_time_and_actor(
        app: BrukervalgApp, sak: Sak) -> None:
    ny = app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                              til_leverandor_id="2care", form=Form.MUNTLIG,
                                              oppsigelsesdato=d("2026-03-05")), SAKSBEHANDLER)
    app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=ny.id, kanal=Kanal.PASIENTOVERGANG,
                                             varslet_tid=oslo(2026, 3, 5, 11)), SAKSBEHANDLER)
    app.varsle_oppsigelse(k.VarsleOppsigelse(leveranse_id=sak.leveranse_id,
                                             kanal=Kanal.PASIENTOVERGANG,
                                             varslet_tid=oslo(2026, 3, 5, 11, 5)), SAKSBEHANDLER)
    app.send_bytte_bekreftelse(k.SendBytteBekreftelse(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                                      oppsigelsesdato=d("2026-03-05"),
                                                      sendt_dato=d("2026-03-06")), SAKSBEHANDLER)
    varsel = app.leveranse(ny.id).varsler[0]
    assert (varsel.kanal, varsel.varslet_tid, varsel.aktor) == (
        Kanal.PASIENTOVERGANG, oslo(2026, 3, 5, 11), SAKSBEHANDLER)
    assert app.leveranse(sak.leveranse_id).oppsigelsesvarsler[0].kanal is Kanal.PASIENTOVERGANG
    assert (HSP, d("2026-03-05")) in app.bruker(sak.bruker_id).bekreftelser
    with brudd("R09", "kanal"):  # home nursing never goes through Henvendelse
        app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=ny.id, kanal=Kanal.HENVENDELSE,
                                                 varslet_tid=oslo(2026, 3, 5, 12)), SAKSBEHANDLER)


def test_r10_revurdering_during_notice_period_governs_and_keeps_the_changeover(
        app: BrukervalgApp, sak: Sak) -> None:
    ny = app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                              til_leverandor_id="2care", form=Form.MUNTLIG,
                                              oppsigelsesdato=d("2026-03-05")), SAKSBEHANDLER)
    rev = app.anmod_revurdering(k.AnmodRevurdering(
        vedtak_id=sak.vedtak_id, anmodet_tid=oslo(2026, 3, 9, 10), leverandor_id="kommunal",
        begrunnelse="Økt behov etter fall"), KOMMUNAL)
    revurdering_id = next(iter(app.vedtak(sak.vedtak_id).revurderinger))
    app.besvar_revurdering(k.BesvarRevurdering(
        vedtak_id=sak.vedtak_id, revurdering_id=revurdering_id, besvart_tid=oslo(2026, 3, 10, 9),
        utfall=Utfall.ENDRET, nytt_omfang=Omfang(minutter=600, innhold="Stell morgen og kveld"),
        gyldig_fra=d("2026-03-10")), VEDTAKSMYNDIG)
    assert rev.nye_hendelser == 1
    vedtak = app.vedtak(sak.vedtak_id)
    gammel, ny_lev = app.leveranse(sak.leveranse_id), app.leveranse(ny.id)
    # the revised vedtak governs both the rest of the notice period and the new provider
    assert vedtak.omfang_paa(d("2026-03-12")).minutter == 600
    assert vedtak.omfang_paa(d("2026-03-20")).minutter == 600
    assert ny_lev.vedtak_id == gammel.vedtak_id == sak.vedtak_id
    # and the old delivery still ends the day before the new provider takes over, reason 16
    assert gammel.tom == ny_lev.fom - timedelta(days=1)
    assert gammel.avsluttet.arsak.gerica_kode == "16"


# --- R14, R15: vedtak -----------------------------------------------------------------------


def test_r14_service_started_before_vedtak_is_linked_with_equal_start_date(
        app: BrukervalgApp) -> None:
    b = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=FNR[2], navn="Kari Nordmann",
                                               bydel="frogner"), SAKSBEHANDLER)
    lev = app.bestill_leveranse(k.BestillLeveranse(bruker_id=b.id, tjenestetype=HSP,
                                                   fom=d("2026-03-02")), SAKSBEHANDLER)
    omfang = Omfang(minutter=300)
    with brudd("R14", "gyldig_fra"):
        app.fatt_vedtak(k.FattVedtak(bruker_id=b.id, tjenestetype=HSP, gyldig_fra=d("2026-03-03"),
                                     omfang=omfang, vedtaksdato=d("2026-03-04"),
                                     knytt_til_leveranse_id=lev.id), VEDTAKSMYNDIG)
    assert app.bruker(b.id).vedtak == {}  # nothing half-applied
    v = app.fatt_vedtak(k.FattVedtak(bruker_id=b.id, tjenestetype=HSP, gyldig_fra=d("2026-03-02"),
                                     omfang=omfang, vedtaksdato=d("2026-03-04"),
                                     knytt_til_leveranse_id=lev.id), VEDTAKSMYNDIG)
    assert app.leveranse(lev.id).vedtak_id == v.id


def test_r15_vedtak_only_for_services_expected_to_last_more_than_14_days(
        app: BrukervalgApp, sak: Sak) -> None:
    with brudd("R15", "gyldig_til"):
        app.fatt_vedtak(k.FattVedtak(bruker_id=sak.bruker_id, tjenestetype=PB,
                                     gyldig_fra=d("2026-04-01"), gyldig_til=d("2026-04-14"),
                                     omfang=Omfang(minutter=60), vedtaksdato=d("2026-03-30")),
                        VEDTAKSMYNDIG)
    app.fatt_vedtak(k.FattVedtak(bruker_id=sak.bruker_id, tjenestetype=PB,
                                 gyldig_fra=d("2026-04-01"), gyldig_til=d("2026-04-15"),
                                 omfang=Omfang(minutter=60), vedtaksdato=d("2026-03-30")),
                    VEDTAKSMYNDIG)


def test_only_a_vedtaksmyndig_makes_a_vedtak(app: BrukervalgApp, sak: Sak) -> None:
    with brudd("BV5", "aktor.rolle"):
        app.fatt_vedtak(k.FattVedtak(bruker_id=sak.bruker_id, tjenestetype=PB,
                                     gyldig_fra=d("2026-04-01"), omfang=Omfang(minutter=60),
                                     vedtaksdato=d("2026-03-30")), SAKSBEHANDLER)


# --- R20-R22: events reported by the provider ----------------------------------------------


def test_r20_cancelled_visit_is_recorded_and_cannot_also_be_delivered(
        app: BrukervalgApp, sak: Sak) -> None:
    app.avbestill_besok(k.AvbestillBesok(
        leveranse_id=sak.leveranse_id, planlagt_start=oslo(2026, 3, 10, 8),
        planlagt_slutt=oslo(2026, 3, 10, 8, 45), avbestilt_tid=oslo(2026, 3, 9, 18),
        journalreferanse="OL-beskjedjournal 4411"), KOMMUNAL)
    with brudd("R20", "start"):
        app.registrer_besok(k.RegistrerBesok(leveranse_id=sak.leveranse_id,
                                             start=oslo(2026, 3, 10, 8),
                                             slutt=oslo(2026, 3, 10, 8, 40), ansatt="ans-17"),
                            KOMMUNAL)
    a = app.leveranse(sak.leveranse_id).avbestillinger[0]
    assert (a.avbestilt_tid, a.journalreferanse) == (oslo(2026, 3, 9, 18), "OL-beskjedjournal 4411")


def test_r21_concern_report_records_received_and_forwarded_times(app: BrukervalgApp,
                                                                 sak: Sak) -> None:
    r = app.motta_bekymringsmelding(k.MottaBekymringsmelding(
        leveranse_id=sak.leveranse_id, mottatt_tid=oslo(2026, 3, 11, 9, 30),
        fagjournal="OL-fagjournal 88"), KOMMUNAL)
    melding_id = next(iter(app.leveranse(sak.leveranse_id).bekymringsmeldinger))
    app.videresend_bekymringsmelding(k.VideresendBekymringsmelding(
        leveranse_id=sak.leveranse_id, melding_id=melding_id,
        videresendt_tid=oslo(2026, 3, 11, 9, 50), beskjedjournal="OL-beskjedjournal 89"), KOMMUNAL)
    lev = app.leveranse(sak.leveranse_id)
    assert r.nye_hendelser == 1
    assert lev.bekymringsmeldinger[melding_id].mottatt_tid == oslo(2026, 3, 11, 9, 30)
    assert lev.videresendinger[melding_id].videresendt_tid == oslo(2026, 3, 11, 9, 50)
    with brudd("R21", "videresendt_tid"):
        app.motta_bekymringsmelding(k.MottaBekymringsmelding(
            leveranse_id=sak.leveranse_id, mottatt_tid=oslo(2026, 3, 12, 9),
            fagjournal="OL-fagjournal 90", videresendt_tid=oslo(2026, 3, 12, 8),
            beskjedjournal="x"), KOMMUNAL)


def test_r22_need_ceased_ends_service_with_closing_note(app: BrukervalgApp, sak: Sak) -> None:
    with brudd("R22", "sluttnotat"):
        app.avslutt_leveranse(k.AvsluttLeveranse(leveranse_id=sak.leveranse_id,
                                                 sluttdato=d("2026-04-30"),
                                                 arsak=Sluttarsak.BEHOV_OPPHORT), KOMMUNAL)
    app.avslutt_leveranse(k.AvsluttLeveranse(leveranse_id=sak.leveranse_id,
                                             sluttdato=d("2026-04-30"),
                                             arsak=Sluttarsak.BEHOV_OPPHORT,
                                             sluttnotat="Selvhjulpen etter rehabilitering"),
                          KOMMUNAL)
    assert app.leveranse(sak.leveranse_id).tom == d("2026-04-30")
    assert app.bruker(sak.bruker_id).leveranser[sak.leveranse_id].tom == d("2026-04-30")


# --- R23, R24: death and moving -------------------------------------------------------------


def test_r23_death_ends_every_delivery_and_vedtak_and_refuses_later_visits(
        app: BrukervalgApp, sak: Sak) -> None:
    v_pb = app.fatt_vedtak(k.FattVedtak(bruker_id=sak.bruker_id, tjenestetype=PB,
                                        gyldig_fra=d("2026-03-02"), omfang=Omfang(minutter=90),
                                        vedtaksdato=d("2026-03-01")), VEDTAKSMYNDIG)
    l_pb = app.bestill_leveranse(k.BestillLeveranse(bruker_id=sak.bruker_id, tjenestetype=PB,
                                                    vedtak_id=v_pb.id, fom=d("2026-03-02")),
                                 SAKSBEHANDLER)
    ny = app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                              til_leverandor_id="2care", form=Form.MUNTLIG,
                                              oppsigelsesdato=d("2026-03-05")), SAKSBEHANDLER)
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id, dodsdato=d("2026-03-12")),
                           SAKSBEHANDLER)
    for lid in (sak.leveranse_id, l_pb.id):
        lev = app.leveranse(lid)
        assert (lev.tom, lev.avsluttet.arsak) == (d("2026-03-12"), Sluttarsak.DODSFALL)
    pending = app.bruker(sak.bruker_id).leveranser[ny.id]
    assert pending.annullert  # the switch that had not begun never starts
    for vid in (sak.vedtak_id, v_pb.id):
        assert app.vedtak(vid).avsluttet.dato == d("2026-03-12")
    # a visit on the day of death is still a fact; one the day after is refused
    app.registrer_besok(k.RegistrerBesok(leveranse_id=sak.leveranse_id,
                                         start=oslo(2026, 3, 12, 8), slutt=oslo(2026, 3, 12, 9),
                                         ansatt="ans-1"), KOMMUNAL)
    for_ = antall_hendelser(app)
    with brudd("R23", "start"):
        app.registrer_besok(k.RegistrerBesok(leveranse_id=sak.leveranse_id,
                                             start=oslo(2026, 3, 13, 8),
                                             slutt=oslo(2026, 3, 13, 9), ansatt="ans-1"), KOMMUNAL)
    with brudd("R23", "gyldig_fra"):
        app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=PB,
                                             leverandor_id="2care", form=Form.MUNTLIG,
                                             gyldig_fra=d("2026-03-20")), SAKSBEHANDLER)
    assert antall_hendelser(app) == for_


def test_r23_moving_out_of_the_municipality_closes_everything(app: BrukervalgApp,
                                                               sak: Sak) -> None:
    app.registrer_utflytting(k.RegistrerUtflytting(bruker_id=sak.bruker_id, dato=d("2026-04-30")),
                             SAKSBEHANDLER)
    lev = app.leveranse(sak.leveranse_id)
    assert (lev.tom, lev.avsluttet.arsak) == (d("2026-04-30"), Sluttarsak.FLYTTET)
    assert app.vedtak(sak.vedtak_id).avsluttet.arsak is Sluttarsak.FLYTTET


def test_r24_move_between_bydeler_transfers_responsibility_and_keeps_history(
        app: BrukervalgApp, sak: Sak) -> None:
    for_ = len(app.hendelser_for_bruker(sak.bruker_id))
    app.flytt_til_bydel(k.FlyttTilBydel(bruker_id=sak.bruker_id, til_bydel="sagene",
                                        dato=d("2026-05-01")), SAKSBEHANDLER)
    b = app.bruker(sak.bruker_id)
    assert (b.bydel_paa(d("2026-04-30")), b.bydel_paa(d("2026-05-01"))) == ("frogner", "sagene")
    igjen = app.flytt_til_bydel(k.FlyttTilBydel(bruker_id=sak.bruker_id, til_bydel="sagene",
                                                dato=d("2026-05-01")), SAKSBEHANDLER)
    assert igjen.nye_hendelser == 0  # the same move again is recorded once
    historikk = app.hendelser_for_bruker(sak.bruker_id)
    assert len(historikk) == for_ + 1
    assert type(historikk[0]).__name__ == "BrukerRegistrert"
    assert historikk[0].bydel == "frogner"
    with brudd("R24", "til_bydel"):
        app.flytt_til_bydel(k.FlyttTilBydel(bruker_id=sak.bruker_id, til_bydel="atlantis",
                                            dato=d("2026-06-01")), SAKSBEHANDLER)


# --- R25-R27: appeals, audit, deviations ----------------------------------------------------


def test_r25_appeal_deadline_from_receipt_and_late_appeal_flagged_but_recorded(
        app: BrukervalgApp, sak: Sak) -> None:
    app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(vedtak_id=sak.vedtak_id,
                                                          mottatt_dato=d("2026-03-05")),
                                 SAKSBEHANDLER)
    # 2026-03-05 + 4 weeks = Thursday 2026-04-02, skjærtorsdag: the deadline moves to Tuesday.
    assert app.vedtak(sak.vedtak_id).klagefrist == d("2026-04-07")
    app.motta_klage(k.MottaKlage(vedtak_id=sak.vedtak_id, mottatt_dato=d("2026-04-07"),
                                 gjelder="Omfanget er for lite"), SAKSBEHANDLER)
    app.motta_klage(k.MottaKlage(vedtak_id=sak.vedtak_id, mottatt_dato=d("2026-04-08"),
                                 gjelder="Tidspunkt for besøk"), SAKSBEHANDLER)
    klager = sorted(app.vedtak(sak.vedtak_id).klager.values(), key=lambda x: x.mottatt_dato)
    assert [x.for_sen for x in klager] == [False, True]
    app.avgjor_klage(k.AvgjorKlage(vedtak_id=sak.vedtak_id, klage_id=klager[0].klage_id,
                                   avgjort_dato=d("2026-04-20"), utfall=Klageutfall.DELVIS_MEDHOLD),
                     VEDTAKSMYNDIG)
    assert app.vedtak(sak.vedtak_id).klageavgjorelser[klager[0].klage_id].utfall is \
        Klageutfall.DELVIS_MEDHOLD


def test_r26_every_fact_has_actor_recorded_time_and_effective_time(
        app: BrukervalgApp, sak: Sak, klokke: Klokke) -> None:
    klokke.sett(oslo(2026, 12, 1, 14, 15))
    app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=PB,
                                         leverandor_id="nordlys", form=Form.MUNTLIG,
                                         gyldig_fra=d("2027-01-01")), SAKSBEHANDLER)
    e = app.hendelser_for_bruker(sak.bruker_id)[-1]
    assert (e.aktor.person_id, e.aktor.rolle, e.aktor.organisasjon) == (
        "sb-frogner-1", "saksbehandler", "bydel:frogner")
    assert e.timestamp == oslo(2026, 12, 1, 14, 15)  # recorded
    assert e.gyldig_fra == d("2027-01-01")  # takes effect (a plan may lie ahead: BV8)


def test_r26_a_correction_is_a_new_fact_pointing_at_the_corrected_one(
        app: BrukervalgApp, sak: Sak) -> None:
    app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=PB,
                                         leverandor_id="nordlys", form=Form.MUNTLIG,
                                         gyldig_fra=d("2026-04-01")), SAKSBEHANDLER)
    original = app.bruker(sak.bruker_id).gjeldende_valg(PB, d("2026-04-01"))
    antall = antall_hendelser(app)
    app.korriger_leverandorvalg(k.KorrigerLeverandorvalg(
        bruker_id=sak.bruker_id, korrigerer=original.hendelse_id, leverandor_id="fjordomsorg",
        form=Form.MUNTLIG, gyldig_fra=d("2026-04-01"), begrunnelse="Feil leverandør valgt i listen"),
        SAKSBEHANDLER)
    assert antall_hendelser(app) == antall + 1  # nothing updated, one new fact
    b = app.bruker(sak.bruker_id)
    assert b.gjeldende_valg(PB, d("2026-04-02")).leverandor_id == "fjordomsorg"
    korreksjon = app.hendelser_for_bruker(sak.bruker_id)[-1]
    assert korreksjon.korrigerer == original.hendelse_id
    stored = [e for e in app.hendelser_for_bruker(sak.bruker_id)
              if getattr(e, "hendelse_id", None) == original.hendelse_id]
    assert stored[0].leverandor_id == "nordlys"  # the original is kept as it was


def test_r27_deviations_and_service_complaints_are_received_and_handled(
        app: BrukervalgApp, sak: Sak) -> None:
    app.registrer_avvik(k.RegistrerAvvik(leveranse_id=sak.leveranse_id,
                                         type=Avvikstype.KLAGE_PAA_TJENESTEN,
                                         mottatt_tid=oslo(2026, 3, 20, 10),
                                         beskrivelse="Kom to timer for sent"), SAKSBEHANDLER)
    avvik_id = next(iter(app.leveranse(sak.leveranse_id).avvik))
    app.behandle_avvik(k.BehandleAvvik(leveranse_id=sak.leveranse_id, avvik_id=avvik_id,
                                       behandlet_tid=oslo(2026, 3, 24, 10),
                                       konklusjon="Drøftet med leverandør; ny rutine"),
                       SAKSBEHANDLER)
    assert app.leveranse(sak.leveranse_id).avviksbehandlinger[avvik_id].konklusjon.startswith(
        "Drøftet")


def test_r18a_acute_extra_visit_requires_a_measure_code(app: BrukervalgApp, sak: Sak) -> None:
    with brudd("R18a", "tiltakskode"):
        app.registrer_besok(k.RegistrerBesok(
            leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 10, 22),
            slutt=oslo(2026, 3, 10, 23), ansatt="ans-3", kategori=Besokskategori.AKUTT_EKSTRA),
            KOMMUNAL)
    app.registrer_besok(k.RegistrerBesok(
        leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 10, 22), slutt=oslo(2026, 3, 10, 23),
        ansatt="ans-3", kategori=Besokskategori.AKUTT_EKSTRA, tiltakskode="AKUTT-01"), KOMMUNAL)


def test_r12_urgent_phone_notice_is_home_nursing_only(app: BrukervalgApp) -> None:
    sak_pb = lag_sak(app, fnr=FNR[3], tjenestetype=PB)
    with brudd("R12", "kanal"):
        app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=sak_pb.leveranse_id,
                                                 kanal=Kanal.TELEFON, hast=True,
                                                 varslet_tid=oslo(2026, 3, 2, 10)), SAKSBEHANDLER)
    app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=sak_pb.leveranse_id,
                                             kanal=Kanal.HENVENDELSE,
                                             varslet_tid=oslo(2026, 3, 2, 10)), SAKSBEHANDLER)


def test_visit_batch_is_all_or_nothing(app: BrukervalgApp, sak: Sak) -> None:
    gode = [k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 10 + i, 8),
                             slutt=oslo(2026, 3, 10 + i, 9), ansatt=f"ans-{i}") for i in range(3)]
    darlig = k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 20, 9),
                              slutt=oslo(2026, 3, 20, 8), ansatt="ans-9")
    for_ = antall_hendelser(app)
    with brudd("R18", r"besok\[3\].slutt"):
        app.registrer_besok_samlet(sak.leveranse_id, [*gode, darlig], TOCARE)
    assert antall_hendelser(app) == for_
    r = app.registrer_besok_samlet(sak.leveranse_id, gode, KOMMUNAL)
    assert r.nye_hendelser == 3
    assert app.registrer_besok_samlet(sak.leveranse_id, gode, KOMMUNAL).nye_hendelser == 0


def test_same_command_twice_records_one_fact(app: BrukervalgApp) -> None:
    """Idempotency: a repeated command with the same content changes nothing."""
    sak = lag_sak(app)
    for_ = antall_hendelser(app)
    assert lag_sak(app) == sak  # register, vedtak and order repeated: all recognised
    cmd = k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP, til_leverandor_id="2care",
                           form=Form.MUNTLIG, oppsigelsesdato=d("2026-03-05"))
    a = app.bytt_leverandor(cmd, SAKSBEHANDLER)
    b = app.bytt_leverandor(cmd.model_copy(update={"ny_leveranse_id": cmd.ny_leveranse_id}),
                            SAKSBEHANDLER)
    besok = k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 9, 8),
                             slutt=oslo(2026, 3, 9, 9), ansatt="ans-1")
    app.registrer_besok(besok, KOMMUNAL)
    app.registrer_besok(besok.model_copy(update={"besok_id": uuid4()}), KOMMUNAL)
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id, dodsdato=d("2026-04-01")),
                           SAKSBEHANDLER)
    r = app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id,
                                                   dodsdato=d("2026-04-01")), SAKSBEHANDLER)
    assert (a.id, b.nye_hendelser, r.nye_hendelser) == (b.id, 0, 0)
    # switch: 2 delivery events + 3 on the bruker; one visit; death: bruker, the running
    # delivery, its period on the bruker, and the vedtak
    assert antall_hendelser(app) == for_ + 5 + 1 + 4


def test_r21_forwarded_in_the_repeated_dst_hour_is_after_received(app: BrukervalgApp,
                                                                  sak: Sak) -> None:
    """R21 in the autumn DST night: received 02:40 CEST, forwarded 02:20 CET (40 minutes later).
    Compared by wall clock (Python's default for one tzinfo) it would look forwarded first."""
    from datetime import datetime

    from domain.kalender import OSLO

    mottatt = datetime(2026, 10, 25, 2, 40, tzinfo=OSLO)  # fold=0: CEST
    videresendt = datetime(2026, 10, 25, 2, 20, fold=1, tzinfo=OSLO)  # CET, 40 min later
    r = app.motta_bekymringsmelding(k.MottaBekymringsmelding(
        leveranse_id=sak.leveranse_id, mottatt_tid=mottatt, fagjournal="OL-fagjournal 9",
        videresendt_tid=videresendt, beskjedjournal="OL-beskjedjournal 10"), KOMMUNAL)
    assert r.nye_hendelser == 2


def test_r11_extending_a_vedtak_extends_the_delivery_that_ended_with_it(app: BrukervalgApp) -> None:
    """R11 (an extension is notified like a start): the delivery continues with the vedtak, so
    a visit after the old end is inside the delivery and payable, not a deviation (R18)."""
    from fractions import Fraction

    from projections import Projections

    sak = lag_sak(app, gyldig_til=d("2026-06-30"))
    assert app.leveranse(sak.leveranse_id).tom == d("2026-06-30")
    r = app.forleng_vedtak(k.ForlengVedtak(vedtak_id=sak.vedtak_id, ny_gyldig_til=d("2026-12-31")),
                           VEDTAKSMYNDIG)
    assert r.nye_hendelser == 3  # the vedtak, the delivery, and the period on the bruker
    assert app.leveranse(sak.leveranse_id).tom == d("2026-12-31")
    assert app.bruker(sak.bruker_id).leveranser[sak.leveranse_id].tom == d("2026-12-31")
    app.registrer_besok(k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=oslo(2026, 7, 10, 8),
                                         slutt=oslo(2026, 7, 10, 9), ansatt="ans-1"), KOMMUNAL)
    with Projections(app) as p:
        p.oppdater()
        juli = p.betalbare_timer("kommunal", 2026, 7)
    assert juli.betalbare_timer == Fraction(1) and juli.levert_timer == Fraction(1)
    # repeated: nothing new
    assert app.forleng_vedtak(k.ForlengVedtak(vedtak_id=sak.vedtak_id, ny_gyldig_til=d("2026-12-31")),
                              VEDTAKSMYNDIG).nye_hendelser == 0


def test_r19_co_payment_uses_the_household_income_registered_on_the_bruker(
        app: BrukervalgApp) -> None:
    """R19: under 2 G (2025: 2 × 130,160 = 260,320 kr) 38 kr/hour capped at 230 kr a month;
    a new income from 1 April moves the user to 2–3 G (89 kr/hour)."""
    from decimal import Decimal

    from projections import Projections

    sak = lag_sak(app, tjenestetype=PB, minutter=240)
    app.registrer_husstandsinntekt(k.RegistrerHusstandsinntekt(
        bruker_id=sak.bruker_id, nettoinntekt=Decimal("250000"), gyldig_fra=d("2026-01-01")),
        SAKSBEHANDLER)
    app.registrer_husstandsinntekt(k.RegistrerHusstandsinntekt(
        bruker_id=sak.bruker_id, nettoinntekt=Decimal("300000"), gyldig_fra=d("2026-04-01")),
        SAKSBEHANDLER)
    besok = [k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=oslo(2026, m, dag, 10),
                              slutt=oslo(2026, m, dag, 12), ansatt="k-7")
             for m, dag in ((3, 3), (3, 10), (3, 17), (3, 24), (4, 7))]
    app.registrer_besok_samlet(sak.leveranse_id, besok, KOMMUNAL)
    with Projections(app) as p:
        p.oppdater()
        mars, april = p.egenandel(sak.bruker_id, 2026, 3), p.egenandel(sak.bruker_id, 2026, 4)
    # March: 8 h × 38 kr = 304 kr, capped at 230; April: 2 h × 89 kr
    assert (mars.husstandsinntekt, mars.belop) == (Decimal("250000"), Decimal("230.00"))
    assert (april.husstandsinntekt, april.belop) == (Decimal("300000"), Decimal("178.00"))
    uten = lag_sak(app, fnr=FNR[3], tjenestetype=PB)
    with Projections(app) as p, brudd("R19", "husstandsinntekt"):
        p.oppdater()
        p.egenandel(uten.bruker_id, 2026, 3)  # no income registered: say so, never guess
