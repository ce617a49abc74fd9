"""Synthetic, valid fødselsnummer for demo data, tests and benchmarks (never real people)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from stdnum.no import fodselsnummer as stdnum_fnr


def syntetisk_fodselsnummer(rng: random.Random, d_nummer: bool = False) -> str:
    """A number with valid check digits for a birth date between 1925 and 1960."""
    while True:
        fodt = date(1925, 1, 1) + timedelta(days=rng.randrange(365 * 35))
        dag = fodt.day + (40 if d_nummer else 0)
        individ = rng.randrange(0, 500)  # 1900-1999 births
        grunn = f"{dag:02d}{fodt.month:02d}{fodt.year % 100:02d}{individ:03d}"
        k1 = stdnum_fnr.calc_check_digit1(grunn)
        k1 = "0" if k1 == "11" else k1
        if k1 == "10":
            continue
        k2 = stdnum_fnr.calc_check_digit2(grunn + k1)
        k2 = "0" if k2 == "11" else k2
        if k2 == "10":
            continue
        return grunn + k1 + k2


def syntetiske_leveranser(app: Any, antall: int, rng: random.Random,
                          bydel: str = "frogner", leverandor_id: str = "2care"
                          ) -> list[tuple[UUID, UUID]]:
    """``antall`` brukere, each with a choice of ``leverandor_id``, a vedtak (praktisk bistand,
    120 minutes a week, from 2025-01-01) and a delivery of it: ``(bruker_id, leveranse_id)``."""
    from domain import kommandoer as k
    from domain.begreper import Aktor, Form, Rolle, Tjenestetype
    from domain.vedtak import Omfang

    sb = Aktor(person_id="sb", rolle=Rolle.SAKSBEHANDLER, organisasjon=f"bydel:{bydel}")
    vm = Aktor(person_id="vm", rolle=Rolle.VEDTAKSMYNDIG, organisasjon=f"bydel:{bydel}")
    fra = date(2025, 1, 1)
    ut = []
    for i in range(antall):
        b = app.registrer_bruker(k.RegistrerBruker(
            fodselsnummer=syntetisk_fodselsnummer(rng), navn=f"Bruker {i}", bydel=bydel), sb)
        app.velg_leverandor(k.VelgLeverandor(
            bruker_id=b.id, tjenestetype=Tjenestetype.PRAKTISK_BISTAND,
            leverandor_id=leverandor_id, form=Form.MUNTLIG, gyldig_fra=fra), sb)
        v = app.fatt_vedtak(k.FattVedtak(
            bruker_id=b.id, tjenestetype=Tjenestetype.PRAKTISK_BISTAND, gyldig_fra=fra,
            omfang=Omfang(minutter=120), vedtaksdato=date(2024, 12, 20)), vm)
        lev = app.bestill_leveranse(k.BestillLeveranse(
            bruker_id=b.id, tjenestetype=Tjenestetype.PRAKTISK_BISTAND, vedtak_id=v.id, fom=fra),
            sb)
        ut.append((b.id, lev.id))
    return ut
