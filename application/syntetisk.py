"""Synthetic, valid fødselsnummer for demo data, tests and benchmarks (never real people)."""

from __future__ import annotations

import random
from datetime import date, timedelta

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
