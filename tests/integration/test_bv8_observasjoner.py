"""BV8: a fact that reports something that happened cannot lie after the time it is recorded
(beyond ``KLOKKESKJEVHET``); a planned date may lie ahead. On SQLite and PostgreSQL, through the
application (the one write path of HTTP, CLI and import), reading the store back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.app import BrukervalgApp
from application.tidsrapport import KOLONNER, Linjestatus, Tidsrapportimport, fra_tekst
from domain import kommandoer as k
from domain.begreper import KLOKKESKJEVHET, Form, Kanal, Regelbrudd
from domain.bruker import Mottaker
from domain.leveranse import Avvikstype
from domain.vedtak import Klageutfall, Omfang, Utfall
from tests.conftest import KOMMUNAL, SAKSBEHANDLER, VEDTAKSMYNDIG, Klokke, oslo
from tests.integration.conftest import HSP, PB, Sak, antall_hendelser, lag_sak

NAA = oslo(2026, 6, 10, 12, 0)
FOR_SENT = NAA + KLOKKESKJEVHET + timedelta(seconds=1)  # just beyond the tolerance
I_MORGEN = date(2026, 6, 11)


@pytest.fixture
def klokke() -> Klokke:
    return Klokke(NAA)


def _bytte(app: BrukervalgApp, sak: Sak, dato: date = date(2026, 6, 1)) -> UUID:
    return app.bytt_leverandor(k.ByttLeverandor(
        bruker_id=sak.bruker_id, tjenestetype=HSP, til_leverandor_id="2care",
        form=Form.MUNTLIG, oppsigelsesdato=dato), SAKSBEHANDLER).id


def _revurdering(app: BrukervalgApp, sak: Sak) -> UUID:
    return app.anmod_revurdering(k.AnmodRevurdering(
        vedtak_id=sak.vedtak_id, anmodet_tid=oslo(2026, 6, 1, 10), leverandor_id="kommunal",
        begrunnelse="Mer hjelp"), KOMMUNAL).id


def _klage(app: BrukervalgApp, sak: Sak) -> UUID:
    return app.motta_klage(k.MottaKlage(vedtak_id=sak.vedtak_id, mottatt_dato=date(2026, 6, 1),
                                        gjelder="omfanget", klage_id=KLAGE), SAKSBEHANDLER).id


KLAGE = UUID(int=7)
MELDING = UUID(int=8)
AVVIK = UUID(int=9)


def _melding(app: BrukervalgApp, sak: Sak) -> None:
    app.motta_bekymringsmelding(k.MottaBekymringsmelding(
        leveranse_id=sak.leveranse_id, mottatt_tid=oslo(2026, 6, 1, 9), fagjournal="OL-1",
        melding_id=MELDING), KOMMUNAL)


def _avvik(app: BrukervalgApp, sak: Sak) -> None:
    app.registrer_avvik(k.RegistrerAvvik(leveranse_id=sak.leveranse_id, avvik_id=AVVIK,
                                         type=Avvikstype.AVVIK, mottatt_tid=oslo(2026, 6, 1, 9),
                                         beskrivelse="Kom for sent"), SAKSBEHANDLER)


def _ingenting(app: BrukervalgApp, sak: Sak) -> None:
    return None


# (observation, field, preparation, the command with the observed value t)
Tilfelle = tuple[str, str, Callable[[BrukervalgApp, Sak], Any],
                 Callable[[BrukervalgApp, Sak, Any], Any]]
TILFELLER: list[Tilfelle] = [
    ("R01 informasjon gitt", "gitt_tid", _ingenting, lambda app, s, t: app.registrer_informasjon_gitt(
        k.RegistrerInformasjonGitt(bruker_id=s.bruker_id, gitt_tid=t, gitt_av="sb-frogner-1",
                                   gitt_til=Mottaker.BRUKER), SAKSBEHANDLER)),
    ("R06 oppsigelsesdato", "oppsigelsesdato", _ingenting, lambda app, s, t: _bytte(app, s, t)),
    ("R09 bekreftelsesbrev sendt", "sendt_dato", _bytte, lambda app, s, t:
        app.send_bytte_bekreftelse(k.SendBytteBekreftelse(
            bruker_id=s.bruker_id, tjenestetype=HSP, oppsigelsesdato=date(2026, 6, 1),
            sendt_dato=t), SAKSBEHANDLER)),
    ("R09 oppsigelse varslet", "varslet_tid", _bytte, lambda app, s, t: app.varsle_oppsigelse(
        k.VarsleOppsigelse(leveranse_id=s.leveranse_id, kanal=Kanal.PASIENTOVERGANG,
                           varslet_tid=t), SAKSBEHANDLER)),
    ("R11 leverandør varslet", "varslet_tid", _ingenting, lambda app, s, t: app.varsle_leverandor(
        k.VarsleLeverandor(leveranse_id=s.leveranse_id, kanal=Kanal.PASIENTOVERGANG,
                           varslet_tid=t), SAKSBEHANDLER)),
    ("R13 leveransen startet", "startet_tid", _ingenting, lambda app, s, t: app.start_leveranse(
        k.StartLeveranse(leveranse_id=s.leveranse_id, startet_tid=t), KOMMUNAL)),
    ("R18 besøk (start)", "start", _ingenting, lambda app, s, t: app.registrer_besok(
        k.RegistrerBesok(leveranse_id=s.leveranse_id, start=t, slutt=t + timedelta(hours=1),
                         ansatt="k-1"), KOMMUNAL)),
    ("R18 besøk (slutt)", "slutt", _ingenting, lambda app, s, t: app.registrer_besok(
        k.RegistrerBesok(leveranse_id=s.leveranse_id, start=NAA - timedelta(minutes=30),
                         slutt=t, ansatt="k-1"), KOMMUNAL)),
    ("R20 avbestilling", "avbestilt_tid", _ingenting, lambda app, s, t: app.avbestill_besok(
        k.AvbestillBesok(leveranse_id=s.leveranse_id, planlagt_start=oslo(2026, 6, 20, 8),
                         planlagt_slutt=oslo(2026, 6, 20, 9), avbestilt_tid=t,
                         journalreferanse="OL-2"), KOMMUNAL)),
    ("R21 bekymringsmelding mottatt", "mottatt_tid", _ingenting, lambda app, s, t:
        app.motta_bekymringsmelding(k.MottaBekymringsmelding(
            leveranse_id=s.leveranse_id, mottatt_tid=t, fagjournal="OL-1"), KOMMUNAL)),
    ("R21 bekymringsmelding videresendt", "videresendt_tid", _melding, lambda app, s, t:
        app.videresend_bekymringsmelding(k.VideresendBekymringsmelding(
            leveranse_id=s.leveranse_id, melding_id=MELDING, videresendt_tid=t,
            beskjedjournal="OL-beskjed"), KOMMUNAL)),
    ("R23 dødsfall", "dodsdato", _ingenting, lambda app, s, t: app.registrer_dodsfall(
        k.RegistrerDodsfall(bruker_id=s.bruker_id, dodsdato=t), SAKSBEHANDLER)),
    ("BV5 vedtaksdato", "vedtaksdato", _ingenting, lambda app, s, t: app.fatt_vedtak(
        k.FattVedtak(bruker_id=s.bruker_id, tjenestetype=PB, gyldig_fra=date(2026, 6, 1),
                     omfang=Omfang(minutter=60), vedtaksdato=t), VEDTAKSMYNDIG)),
    ("R25 vedtak mottatt", "mottatt_dato", _ingenting, lambda app, s, t:
        app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(vedtak_id=s.vedtak_id,
                                                              mottatt_dato=t), SAKSBEHANDLER)),
    ("R25 klage mottatt", "mottatt_dato", _ingenting, lambda app, s, t: app.motta_klage(
        k.MottaKlage(vedtak_id=s.vedtak_id, mottatt_dato=t, gjelder="omfanget"), SAKSBEHANDLER)),
    ("R25 klage avgjort", "avgjort_dato", _klage, lambda app, s, t: app.avgjor_klage(
        k.AvgjorKlage(vedtak_id=s.vedtak_id, klage_id=KLAGE, avgjort_dato=t,
                      utfall=Klageutfall.MEDHOLD), SAKSBEHANDLER)),
    ("R16 revurdering anmodet", "anmodet_tid", _ingenting, lambda app, s, t:
        app.anmod_revurdering(k.AnmodRevurdering(vedtak_id=s.vedtak_id, anmodet_tid=t,
                                                 leverandor_id="kommunal",
                                                 begrunnelse="Mer hjelp"), KOMMUNAL)),
    ("R16 revurdering besvart", "besvart_tid", _revurdering, lambda app, s, t:
        app.besvar_revurdering(k.BesvarRevurdering(
            vedtak_id=s.vedtak_id, revurdering_id=app.vedtak(s.vedtak_id).ubesvarte_revurderinger()[
                0].anmodning.revurdering_id, besvart_tid=t, utfall=Utfall.AVSLATT),
            VEDTAKSMYNDIG)),
    ("R27 avvik mottatt", "mottatt_tid", _ingenting, lambda app, s, t: app.registrer_avvik(
        k.RegistrerAvvik(leveranse_id=s.leveranse_id, type=Avvikstype.AVVIK, mottatt_tid=t,
                         beskrivelse="Kom for sent"), SAKSBEHANDLER)),
    ("R27 avvik behandlet", "behandlet_tid", _avvik, lambda app, s, t: app.behandle_avvik(
        k.BehandleAvvik(leveranse_id=s.leveranse_id, avvik_id=AVVIK, behandlet_tid=t,
                        konklusjon="Beklaget"), SAKSBEHANDLER)),
]


def _verdier(felt: str, tilfelle: Callable[..., Any]) -> tuple[Any, Any]:
    """(in the future, the latest accepted) for the field's kind: a date or an instant."""
    er_dato = felt in {"oppsigelsesdato", "sendt_dato", "dodsdato", "vedtaksdato",
                       "mottatt_dato", "avgjort_dato"}
    if er_dato:
        return I_MORGEN, NAA.date()
    if felt == "start":  # a visit that started now has not ended: it is accepted an hour later
        return FOR_SENT, NAA - timedelta(hours=1)
    return FOR_SENT, NAA + KLOKKESKJEVHET


@pytest.mark.parametrize("navn,felt,forbered,kommando", TILFELLER, ids=[t[0] for t in TILFELLER])
def test_bv8_an_observation_after_now_is_refused_naming_field_and_nothing_is_stored(
        app: BrukervalgApp, sak: Sak, navn: str, felt: str,
        forbered: Callable[[BrukervalgApp, Sak], Any],
        kommando: Callable[[BrukervalgApp, Sak, Any], Any]) -> None:
    forbered(app, sak)
    fremtid, naa = _verdier(felt, kommando)
    for_ = antall_hendelser(app)
    with pytest.raises(Regelbrudd, match=rf"^BV8 \({felt}\)") as e:
        kommando(app, sak, fremtid)
    assert "fremtiden" in e.value.melding
    assert antall_hendelser(app) == for_  # read back from the store
    kommando(app, sak, naa)  # now (within the clock-skew tolerance) is accepted
    assert antall_hendelser(app) > for_


def test_bv8_planned_dates_may_lie_ahead(app: BrukervalgApp, sak: Sak) -> None:
    """A vedtak's validity, a choice's effective date, a switch's changeover, a move's date and
    an order's start are plans; so is a cancelled visit's planned time."""
    ahead = date(2027, 1, 4)
    app.velg_leverandor(k.VelgLeverandor(bruker_id=sak.bruker_id, tjenestetype=PB,
                                         leverandor_id="nordlys", form=Form.SKRIFTLIG,
                                         gyldig_fra=ahead), SAKSBEHANDLER)
    v = app.fatt_vedtak(k.FattVedtak(bruker_id=sak.bruker_id, tjenestetype=PB, gyldig_fra=ahead,
                                     gyldig_til=date(2027, 12, 31), omfang=Omfang(minutter=60),
                                     vedtaksdato=NAA.date()), VEDTAKSMYNDIG)
    lev = app.bestill_leveranse(k.BestillLeveranse(bruker_id=sak.bruker_id, tjenestetype=PB,
                                                   vedtak_id=v.id, fom=ahead), SAKSBEHANDLER)
    assert app.leveranse(lev.id).leverandor_id == "nordlys"
    ny = app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                              til_leverandor_id="2care", form=Form.MUNTLIG,
                                              oppsigelsesdato=NAA.date()), SAKSBEHANDLER)
    assert app.leveranse(ny.id).fom == date(2026, 6, 20)  # changeover ten days ahead (R07)
    app.flytt_til_bydel(k.FlyttTilBydel(bruker_id=sak.bruker_id, til_bydel="alna",
                                        dato=ahead), SAKSBEHANDLER)
    app.avbestill_besok(k.AvbestillBesok(leveranse_id=sak.leveranse_id,
                                         planlagt_start=oslo(2026, 6, 12, 8),
                                         planlagt_slutt=oslo(2026, 6, 12, 9),
                                         avbestilt_tid=NAA, journalreferanse="OL-3"), KOMMUNAL)


def test_bv8_a_date_is_in_the_future_after_todays_oslo_date(
        lag_app: Callable[..., BrukervalgApp], store: str) -> None:
    """At 00:30 Oslo time (23:30 UTC the day before) today's Oslo date is already accepted."""
    klokke = Klokke(datetime.fromisoformat("2026-06-10T22:30:00+00:00"))
    app = lag_app(store, klokke=klokke)
    sak = lag_sak(app)
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id,
                                               dodsdato=date(2026, 6, 11)), SAKSBEHANDLER)
    assert app.bruker(sak.bruker_id).dodsdato == date(2026, 6, 11)
    annen = lag_sak(app, fnr="01014012369")
    with pytest.raises(Regelbrudd, match=r"^BV8 \(dodsdato\)"):
        app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=annen.bruker_id,
                                                   dodsdato=date(2026, 6, 12)), SAKSBEHANDLER)


def test_bv8_the_time_report_refuses_a_future_visit_line_and_records_the_rest(
        app: BrukervalgApp, sak: Sak) -> None:
    b = sak.bruker_id
    linjer = [";".join(KOLONNER),
              f"besok;{b};{HSP};2026-06-09T08:00:00+02:00;2026-06-09T08:30:00+02:00;k-1;;;;",
              f"besok;{b};{HSP};2026-06-10T11:50:00+02:00;2026-06-10T12:06:00+02:00;k-1;;;;",
              f"avbestilling;{b};{HSP};2026-06-12T08:00:00+02:00;2026-06-12T09:00:00+02:00;;;;"
              "2026-06-11T09:00:00+02:00;OL-4"]
    for_ = antall_hendelser(app)
    kv: list[Any] = []
    ut = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(
        fra_tekst("\n".join(linjer) + "\n"), kvittering=kv.append)
    status = {x.linje: (x.status, x.regel, x.felt) for x in kv}
    assert status[2][0] is Linjestatus.GODTATT
    assert status[3] == (Linjestatus.AVVIST, "BV8", "slutt")
    assert status[4] == (Linjestatus.AVVIST, "BV8", "avbestilt_tid")
    assert (ut.godtatt, ut.avvist) == (1, 2)
    assert len(app.leveranse(sak.leveranse_id).besok) == 1
    assert not app.leveranse(sak.leveranse_id).avbestillinger
    assert antall_hendelser(app) == for_ + 1
