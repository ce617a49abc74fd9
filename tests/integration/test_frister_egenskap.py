"""Property: for random histories, the SLA projection, the klagesak's state as known at T and the
deadline worklist report the same obligations with the same status and deadline (R11 start,
expansion by revision, revurdering or a new vedtak, and extension; R12, R13, R16, R21, R25), on
SQLite and PostgreSQL.

A history is a random sequence of commands, each at its own instant, executed in time order with
the application's clock at that instant; T is a random instant within it, and only the commands
up to T are executed before the three views are compared at T. If any view decided an
obligation on its own (e.g. the klagesak closing R11 at the start, or the SLA counting the
provider's two hours after a late telephone notice), some history tells them apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.begreper import Kanal, Regelbrudd, Tjenestetype
from domain.frister import Varselgrunn
from domain.vedtak import Omfang, Utfall
from projections import Projections
from projections import arbeidsliste as al
from projections.klagesak import Klagesak
from tests.conftest import FNR, SAKSBEHANDLER, TOCARE, VEDTAKSMYNDIG, Klokke

OSLO = ZoneInfo("Europe/Oslo")
HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG
PB = Tjenestetype.PRAKTISK_BISTAND
START = datetime(2026, 3, 23, 8, 0, tzinfo=OSLO)  # Easter and the spring DST night ahead


@dataclass(frozen=True)
class Steg:
    bruker: int
    minutt: int  # after START
    hva: str
    tall: int  # a free choice for the step (minutes, days, a variant)


_HVA = ("varsel", "varsel", "telefon", "start", "utvidelsesvarsel", "start", "mottatt", "klage", "anmod",
        "svar", "revider", "forleng", "bekymring", "videresend", "nytt_vedtak", "nytt_vedtak")


Historie = tuple[list[tuple[Tjenestetype, int, bool]], list[Steg], int, int]


@st.composite
def historier(draw: Any) -> Historie:
    brukere = draw(st.lists(st.tuples(st.sampled_from([HSP, PB]), st.integers(0, 20),
                                      st.booleans()), min_size=1, max_size=2))
    steg = draw(st.lists(st.builds(Steg, st.integers(0, len(brukere) - 1),
                                   st.integers(0, 30 * 24 * 60), st.sampled_from(_HVA),
                                   st.integers(0, 10_000)), min_size=3, max_size=16))
    steg.sort(key=lambda s: s.minutt)
    # T: mostly after most of the history, sometimes inside it, now and then just at a step
    siste = steg[-1].minutt
    per = draw(st.one_of(st.integers(siste * 2 // 3, siste + 3 * 24 * 60),
                         st.sampled_from([s.minutt + 1 for s in steg]),
                         st.integers(0, 33 * 24 * 60)))
    # the projections are also brought up to date once mid-history (after this many steps), so
    # the SLA computes in more than one batch, as in a running server
    mellom = draw(st.integers(0, len(steg)))
    return brukere, steg, per, mellom


@dataclass
class _Sak:
    bruker: UUID
    vedtak: UUID
    leveranse: UUID
    tjenestetype: Tjenestetype
    fom: date
    til: date | None
    revurderinger: list[UUID]
    meldinger: list[UUID]


def _utfor(app: BrukervalgApp, s: _Sak, steg: Steg, t: datetime) -> None:
    dag = t.astimezone(OSLO).date()
    endringsdag = s.fom + timedelta(days=steg.tall % 40)
    match steg.hva:
        case "varsel":
            kanal = Kanal.PASIENTOVERGANG if s.tjenestetype.er_hjemmesykepleie else \
                Kanal.HENVENDELSE
            app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=s.leveranse, kanal=kanal,
                                                     varslet_tid=t), SAKSBEHANDLER)
        case "telefon":
            app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=s.leveranse, kanal=Kanal.TELEFON,
                                                     varslet_tid=t, hast=True), SAKSBEHANDLER)
        case "utvidelsesvarsel":
            art = (Varselgrunn.UTVIDELSE, Varselgrunn.FORLENGELSE)[steg.tall % 2]
            app.varsle_leverandor(k.VarsleLeverandor(
                leveranse_id=s.leveranse, kanal=Kanal.PASIENTOVERGANG, varslet_tid=t, gjelder=art,
                gjelder_fra=endringsdag if art is Varselgrunn.UTVIDELSE
                else (s.til or s.fom) + timedelta(days=1)), SAKSBEHANDLER)
        case "start":
            app.start_leveranse(k.StartLeveranse(leveranse_id=s.leveranse, startet_tid=t), TOCARE)
        case "mottatt":
            app.registrer_vedtak_mottatt(k.RegistrerVedtakMottatt(
                vedtak_id=s.vedtak, mottatt_dato=dag), SAKSBEHANDLER)
        case "klage":
            app.motta_klage(k.MottaKlage(vedtak_id=s.vedtak, mottatt_dato=dag, gjelder="omfang"),
                            SAKSBEHANDLER)
        case "anmod":
            rid = uuid4()
            app.anmod_revurdering(k.AnmodRevurdering(vedtak_id=s.vedtak, revurdering_id=rid,
                                                     anmodet_tid=t, leverandor_id="2care",
                                                     begrunnelse="mer hjelp"), TOCARE)
            s.revurderinger.append(rid)
        case "svar" if s.revurderinger:
            endret = steg.tall % 3 != 0
            app.besvar_revurdering(k.BesvarRevurdering(
                vedtak_id=s.vedtak, revurdering_id=s.revurderinger.pop(0), besvart_tid=t,
                utfall=Utfall.ENDRET if endret else Utfall.AVSLATT,
                nytt_omfang=Omfang(minutter=200 + steg.tall % 600) if endret else None,
                gyldig_fra=endringsdag if endret else None), VEDTAKSMYNDIG)
        case "revider":
            app.revider_vedtak(k.ReviderVedtak(vedtak_id=s.vedtak, gyldig_fra=endringsdag,
                                               nytt_omfang=Omfang(minutter=200 + steg.tall % 600),
                                               begrunnelse="endret behov"), VEDTAKSMYNDIG)
        case "nytt_vedtak":  # R11: a new vedtak on a running service is an expansion
            app.fatt_vedtak(k.FattVedtak(bruker_id=s.bruker, tjenestetype=s.tjenestetype,
                                         gyldig_fra=endringsdag, gyldig_til=None,
                                         omfang=Omfang(minutter=60 + steg.tall % 300),
                                         vedtaksdato=dag), VEDTAKSMYNDIG)
        case "forleng" if s.til is not None:
            ny = s.til + timedelta(days=30)
            app.forleng_vedtak(k.ForlengVedtak(vedtak_id=s.vedtak, ny_gyldig_til=ny),
                               VEDTAKSMYNDIG)
            s.til = ny
        case "bekymring":
            mid = uuid4()
            app.motta_bekymringsmelding(k.MottaBekymringsmelding(
                leveranse_id=s.leveranse, melding_id=mid,
                mottatt_tid=t - timedelta(minutes=steg.tall % 180), fagjournal="OL-fagjournal"),
                TOCARE)
            s.meldinger.append(mid)
        case "videresend" if s.meldinger:
            app.videresend_bekymringsmelding(k.VideresendBekymringsmelding(
                leveranse_id=s.leveranse, melding_id=s.meldinger.pop(0), videresendt_tid=t,
                beskjedjournal="OL-beskjedjournal"), TOCARE)
        case _:
            pass


def _kjor(app: BrukervalgApp, klokke: Klokke, brukere: list[tuple[Tjenestetype, int, bool]],
          steg: list[Steg], per: datetime, mellom: int) -> list[_Sak]:
    saker = []
    klokke.sett(START - timedelta(hours=1))  # the case exists before any T
    for i, (tjenestetype, dager, loepende) in enumerate(brukere):
        fom = START.date() + timedelta(days=dager)
        til = None if loepende else fom + timedelta(days=30)
        b = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=FNR[i], navn="Kari Nordmann",
                                                   bydel="frogner"), SAKSBEHANDLER).id
        v = app.fatt_vedtak(k.FattVedtak(bruker_id=b, tjenestetype=tjenestetype, gyldig_fra=fom,
                                         gyldig_til=til, omfang=Omfang(minutter=420),
                                         vedtaksdato=START.date()), VEDTAKSMYNDIG).id
        lev = app.bestill_leveranse(k.BestillLeveranse(
            bruker_id=b, tjenestetype=tjenestetype, vedtak_id=v, fom=fom, leverandor_id="2care"),
            SAKSBEHANDLER).id
        saker.append(_Sak(b, v, lev, tjenestetype, fom, til, [], []))
    for i, s in enumerate(steg):
        if i == mellom:
            with Projections(app) as p:
                p.oppdater()
        t = START + timedelta(minutes=s.minutt + 1)
        if t > per:
            break
        klokke.sett(t)
        try:
            _utfor(app, saker[s.bruker], s, t)
        except Regelbrudd:
            pass  # refused by a rule: nothing stored, the history goes on
    klokke.sett(per + timedelta(microseconds=1))
    return saker


def _sammenlign(app: BrukervalgApp, saker: list[_Sak], per: datetime) -> None:
    with Projections(app) as p:
        p.oppdater()
        sla = {x.plikt_id: (x.status, x.frist, x.faktisk is None) for x in p.sla(naa=per)}
        liste = {x.plikt_id: x.status for x in al.oppgaver(
            p, per, (*al.BYDELENS, *al.LEVERANDORENS))}
    ks = Klagesak(app)
    klagesak = {}
    for s in saker:
        for x in ks.tilstand_per(s.bruker, per).forpliktelser:
            klagesak[x.plikt_id] = (x.status, x.frist.isoformat(), x.oppfylt is None)
    assert klagesak == sla
    assert liste == {i: st for i, (st, _, uten) in sla.items()
                     if uten and st in ("apen", "brutt")}


def _egenskap(lag_app: Callable[..., BrukervalgApp], store: str, klokke: Klokke,
              historie: Historie) -> None:
    brukere, steg, per_minutt, mellom = historie
    per = START + timedelta(minutes=per_minutt)
    app = lag_app(store)
    try:
        saker = _kjor(app, klokke, brukere, steg, per, mellom)
        _sammenlign(app, saker, per)
    finally:
        app.close()


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(historie=historier())
def test_sla_klagesak_og_arbeidsliste_gir_samme_forpliktelser_sqlite(
        lag_app: Callable[..., BrukervalgApp], klokke: Klokke, historie: Any) -> None:
    _egenskap(lag_app, "sqlite", klokke, historie)


@pytest.mark.postgres
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(historie=historier())
def test_sla_klagesak_og_arbeidsliste_gir_samme_forpliktelser_postgres(
        lag_app: Callable[..., BrukervalgApp], klokke: Klokke, historie: Any) -> None:
    _egenskap(lag_app, "postgres", klokke, historie)
