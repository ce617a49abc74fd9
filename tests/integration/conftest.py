"""Builders for a typical case: a registered user with a vedtak and an ordered delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.begreper import Tjenestetype
from domain.kalender import lokal_dato
from domain.vedtak import Omfang
from tests.conftest import FNR, SAKSBEHANDLER, VEDTAKSMYNDIG

HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG
PB = Tjenestetype.PRAKTISK_BISTAND


@dataclass
class Sak:
    bruker_id: UUID
    vedtak_id: UUID
    leveranse_id: UUID


def lag_sak(app: BrukervalgApp, fnr: str = FNR[0], tjenestetype: Tjenestetype = HSP,
            fom: date = date(2026, 3, 2), gyldig_til: date | None = None,
            leverandor_id: str | None = None, minutter: int = 420) -> Sak:
    """Register a user (or reuse), make a vedtak from ``fom`` and order the delivery."""
    bruker = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=fnr, navn="Kari Nordmann",
                                                    bydel="frogner"), SAKSBEHANDLER)
    vedtak = app.fatt_vedtak(k.FattVedtak(
        bruker_id=bruker.id, tjenestetype=tjenestetype, gyldig_fra=fom, gyldig_til=gyldig_til,
        omfang=Omfang(minutter=minutter, innhold="Morgenstell og medisiner"),
        # made on its first day, or today when it starts ahead (BV8: not made in the future)
        vedtaksdato=min(fom, lokal_dato(app.klokke()))), VEDTAKSMYNDIG)
    lev = app.bestill_leveranse(k.BestillLeveranse(
        bruker_id=bruker.id, tjenestetype=tjenestetype, vedtak_id=vedtak.id, fom=fom,
        leverandor_id=leverandor_id), SAKSBEHANDLER)
    return Sak(bruker.id, vedtak.id, lev.id)


@pytest.fixture
def sak(app: BrukervalgApp) -> Sak:
    return lag_sak(app)


def antall_hendelser(app: BrukervalgApp) -> int:
    """Every event in the store, read back from the notification log (not from memory)."""
    return len(app.recorder.select_notifications(start=1, limit=1_000_000))
