"""One rule, one answer: the SLA report and the klagesak's state as known at T give the same
obligations (R11 start and expansion, also by a new vedtak, R12, R21, R25 with non-default
settings), on both stores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.begreper import Kanal, Tjenestetype
from domain.frister import Fristregler, Varselgrunn
from domain.vedtak import Omfang, Utfall
from projections import Projections
from projections import arbeidsliste as al
from projections.klagesak import Klagesak
from tests.conftest import KOMMUNAL, SAKSBEHANDLER, VEDTAKSMYNDIG, Klokke, oslo
from tests.integration.conftest import lag_sak

HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG


@pytest.fixture
def klokke() -> Klokke:
    """These cases are recorded as they happen in March and April 2026 (and read as known then)."""
    return Klokke(oslo(2026, 3, 2, 9))


def sla(app: BrukervalgApp, naa: datetime) -> dict[str, tuple[str, str]]:
    with Projections(app) as p:
        p.oppdater()
        return {x.plikt_id: (x.status, x.frist) for x in p.sla(naa=naa)}


def klagesak(app: BrukervalgApp, bruker_id: UUID, naa: datetime) -> dict[str, tuple[str, str]]:
    t = Klagesak(app).tilstand_per(bruker_id, naa)
    return {x.plikt_id: (x.status, x.frist.isoformat()) for x in t.forpliktelser}


def test_r11_start_uten_varsel_er_brudd_i_baade_sla_og_klagesak(app: BrukervalgApp,
                                                                 klokke: Klokke) -> None:
    """R11: a home-nursing delivery started with no Pasientovergang notice ever recorded. Before,
    the SLA said breached and the klagesak listed no R11 at all (a start closed it)."""
    sak = lag_sak(app, fom=date(2026, 3, 9))
    klokke.sett(oslo(2026, 3, 9, 9, 0))
    app.start_leveranse(k.StartLeveranse(leveranse_id=sak.leveranse_id,
                                         startet_tid=oslo(2026, 3, 9, 8, 0)), KOMMUNAL)
    naa = oslo(2026, 3, 9, 10, 0)
    noekkel = f"R11:{sak.leveranse_id}"
    assert sla(app, naa)[noekkel] == ("brutt", "2026-03-06T14:00:00+01:00")
    assert klagesak(app, sak.bruker_id, naa)[noekkel] == ("brutt", "2026-03-06T14:00:00+01:00")


def test_r11_utvidelse_ved_revurdering_krever_varsel_i_begge_visninger(
        app: BrukervalgApp, klokke: Klokke) -> None:
    """R11 expansion: a revurdering answered with more minutes from Tuesday 7 April 2026 needs a
    notice by Wednesday 1 April 14:00 (Easter). A notice naming the expansion, given before
    the answer was recorded, counts; an unnamed start notice does not."""
    sak = lag_sak(app, fom=date(2026, 3, 2))
    app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=sak.leveranse_id, kanal=Kanal.PASIENTOVERGANG,
        varslet_tid=oslo(2026, 2, 26, 9, 0)), SAKSBEHANDLER)
    klokke.sett(oslo(2026, 3, 30, 9, 0))
    app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=sak.leveranse_id, kanal=Kanal.PASIENTOVERGANG,
        varslet_tid=oslo(2026, 3, 30, 9, 0), gjelder=Varselgrunn.UTVIDELSE,
        gjelder_fra=date(2026, 4, 7)), SAKSBEHANDLER)
    klokke.sett(oslo(2026, 3, 31, 9, 0))
    rid = uuid4()
    app.anmod_revurdering(k.AnmodRevurdering(
        vedtak_id=sak.vedtak_id, revurdering_id=rid, anmodet_tid=oslo(2026, 3, 31, 9, 0),
        leverandor_id="kommunal", begrunnelse="mer hjelp"), KOMMUNAL)
    klokke.sett(oslo(2026, 3, 31, 10, 0))  # the answer is recorded when given (BV8)
    app.besvar_revurdering(k.BesvarRevurdering(
        vedtak_id=sak.vedtak_id, revurdering_id=rid, besvart_tid=oslo(2026, 3, 31, 10, 0),
        utfall=Utfall.ENDRET, nytt_omfang=Omfang(minutter=600), gyldig_fra=date(2026, 4, 7)),
        VEDTAKSMYNDIG)
    # And a revision on the bydel's own initiative, from 1 June, with no notice at all.
    app.revider_vedtak(k.ReviderVedtak(vedtak_id=sak.vedtak_id, gyldig_fra=date(2026, 6, 1),
                                       nytt_omfang=Omfang(minutter=700),
                                       begrunnelse="endret behov"), VEDTAKSMYNDIG)
    naa = oslo(2026, 6, 2, 12, 0)
    fra_sla, fra_klagesak = sla(app, naa), klagesak(app, sak.bruker_id, naa)
    utvidelser = {n: v for n, v in fra_sla.items() if n.startswith("R11e:")}
    assert sorted(utvidelser.values()) == [("brutt", "2026-05-29T14:00:00+02:00"),
                                           ("overholdt", "2026-04-01T14:00:00+02:00")]
    assert {n: v for n, v in fra_klagesak.items() if n.startswith("R11e:")} == utvidelser
    assert fra_sla == fra_klagesak


def test_r11_nytt_vedtak_paa_loepende_tjeneste_er_utvidelse_i_alle_tre_visninger(
        app: BrukervalgApp, klokke: Klokke) -> None:
    """R11 (seed 003: "Det samme gjelder varsel om utvidelse av vedtaket på eksisterende
    brukere"): a new vedtak of the same tjenestetype from Tuesday 7 April 2026, made while the
    first delivery runs, owes its provider a notice by Wednesday 1 April 14:00 (Easter). The
    projections are brought up to date before the new vedtak, so the SLA sees it in a batch of
    its own. Before, only the klagesak's facts would have held the running delivery: none of the
    views listed an obligation."""
    sak = lag_sak(app, fom=date(2026, 3, 2))
    app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=sak.leveranse_id, kanal=Kanal.PASIENTOVERGANG,
        varslet_tid=oslo(2026, 2, 26, 9, 0)), SAKSBEHANDLER)
    sla(app, oslo(2026, 3, 20, 9, 0))
    klokke.sett(oslo(2026, 3, 20, 9, 0))
    nytt = app.fatt_vedtak(k.FattVedtak(
        bruker_id=sak.bruker_id, tjenestetype=HSP, gyldig_fra=date(2026, 4, 7), gyldig_til=None,
        omfang=Omfang(minutter=120, innhold="Kveldsbesøk"), vedtaksdato=date(2026, 3, 20)),
        VEDTAKSMYNDIG).id
    noekkel = f"R11e:{nytt}:1:{sak.leveranse_id}"
    naa = oslo(2026, 3, 31, 9, 0)
    assert sla(app, naa)[noekkel] == ("apen", "2026-04-01T14:00:00+02:00")
    assert klagesak(app, sak.bruker_id, naa)[noekkel] == ("apen", "2026-04-01T14:00:00+02:00")
    with Projections(app) as p:
        [oppgave] = [x for x in al.oppgaver(p, naa, al.BYDELENS) if x.plikt_id == noekkel]
    assert (oppgave.leverandor_id, oppgave.forfall) == ("kommunal", "innen 1 virkedag")
    klokke.sett(oslo(2026, 4, 1, 13, 0))
    app.varsle_leverandor(k.VarsleLeverandor(
        leveranse_id=sak.leveranse_id, kanal=Kanal.PASIENTOVERGANG,
        varslet_tid=oslo(2026, 4, 1, 13, 0), gjelder=Varselgrunn.UTVIDELSE,
        gjelder_fra=date(2026, 4, 7)), SAKSBEHANDLER)
    naa = oslo(2026, 4, 8, 9, 0)
    fra_sla = sla(app, naa)
    assert fra_sla[noekkel] == ("overholdt", "2026-04-01T14:00:00+02:00")
    assert klagesak(app, sak.bruker_id, naa) == fra_sla


def test_r21_og_r25_med_ikke_standard_innstilling_gir_ett_svar(
        lag_app: Callable[..., BrukervalgApp], store: str, klokke: Klokke) -> None:
    """R21 threshold 120 minutes and R25 without moving to the next working day: the SLA, the
    klagesak and ``KlageMottatt.for_sen`` agree. Before, the klagesak used the default R21
    threshold and the stored deadline, so the answers differed."""
    regler = Fristregler(r21_terskel=timedelta(minutes=120), r25_forleng_til_virkedag=False)
    app = lag_app(store, fristregler=regler)
    sak = lag_sak(app, fom=date(2026, 3, 2))
    klokke.sett(oslo(2026, 3, 6, 12, 0))  # recorded the day it reached the user (BV8)
    app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(vedtak_id=sak.vedtak_id,
                                                          mottatt_dato=date(2026, 3, 6)),
                                 SAKSBEHANDLER)
    klokke.sett(oslo(2026, 3, 10, 12, 0))
    melding = uuid4()
    app.motta_bekymringsmelding(k.MottaBekymringsmelding(
        leveranse_id=sak.leveranse_id, melding_id=melding, mottatt_tid=oslo(2026, 3, 10, 10, 0),
        fagjournal="OL-fagjournal 1", videresendt_tid=oslo(2026, 3, 10, 11, 30),
        beskjedjournal="OL-beskjedjournal 1"), KOMMUNAL)
    klokke.sett(oslo(2026, 4, 7, 12, 0))
    app.motta_klage(k.MottaKlage(vedtak_id=sak.vedtak_id, mottatt_dato=date(2026, 4, 7),
                                 gjelder="omfanget"), SAKSBEHANDLER)
    assert [kl.for_sen for kl in app.vedtak(sak.vedtak_id).klager.values()] == [True]
    naa = oslo(2026, 4, 8, 12, 0)
    fra_sla, fra_klagesak = sla(app, naa), klagesak(app, sak.bruker_id, naa)
    assert fra_sla[f"R25:{sak.vedtak_id}"] == ("brutt", "2026-04-03")
    assert fra_sla[f"R21:{melding}"] == ("overholdt", "2026-03-10T12:00:00+01:00")
    assert fra_klagesak == fra_sla
    vedtak = Klagesak(app).tilstand_per(sak.bruker_id, naa).vedtak[0]
    assert vedtak.klagefrist == date(2026, 4, 3)


def test_r26_tilstand_per_t_viser_ogsaa_oppfylte_og_brutte_forpliktelser(
        app: BrukervalgApp, klokke: Klokke) -> None:
    """The state as known at T lists every obligation known then with its status then: a missed
    notice stays visible as breached after the service started."""
    sak = lag_sak(app, fom=date(2026, 3, 9))
    klokke.sett(oslo(2026, 3, 6, 15, 0))
    app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=sak.leveranse_id,
                                             kanal=Kanal.PASIENTOVERGANG,
                                             varslet_tid=oslo(2026, 3, 6, 15, 0)), SAKSBEHANDLER)
    klokke.sett(oslo(2026, 3, 9, 9, 0))
    app.start_leveranse(k.StartLeveranse(leveranse_id=sak.leveranse_id,
                                         startet_tid=oslo(2026, 3, 9, 8, 0)), KOMMUNAL)
    foer = klagesak(app, sak.bruker_id, oslo(2026, 3, 6, 12, 0))
    etter = klagesak(app, sak.bruker_id, oslo(2026, 3, 10, 12, 0))
    assert foer[f"R11:{sak.leveranse_id}"][0] == "apen"
    assert etter[f"R11:{sak.leveranse_id}"][0] == "brutt"
