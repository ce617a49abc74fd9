"""What a person reads: numbers in Norwegian (babel, locale nb_NO) and instants in Oslo time.

Machine-readable output (CSV, JSON, xlsx cells) does not use this: it keeps plain numbers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from babel.dates import format_date
from babel.numbers import format_decimal

from domain.kalender import lokal

LOCALE = "nb_NO"

__all__ = ["LOCALE", "dato", "dato_lang", "kroner", "med_oslo_tider", "prosent", "tall",
           "tidspunkt", "tidspunkt_lang"]


def _desimal(x: Fraction | Decimal | float | int) -> Decimal | float | int:
    if isinstance(x, Fraction):
        return Decimal(x.numerator) / Decimal(x.denominator)
    return x


def tall(x: Fraction | Decimal | float | int | None, desimaler: int = 0, *,
         tom: str = "–") -> str:
    """``1833`` → ``1 833``; ``1833.5, 1`` → ``1 833,5`` (no-break space, decimal comma)."""
    if x is None:
        return tom
    monster = "#,##0" + ("." + "0" * desimaler if desimaler else "")
    return format_decimal(_desimal(x), format=monster, locale=LOCALE)


def prosent(x: float | None, desimaler: int = 1, *, tom: str = "–") -> str:
    """A share 0..1 as ``92,5 %``."""
    if x is None:
        return tom
    return f"{tall(x * 100, desimaler)}\u00a0%"


def kroner(x: Fraction | Decimal | float | int | None, *, tom: str = "–") -> str:
    """``12345.5`` → ``12 345,50 kr``."""
    if x is None:
        return tom
    return f"{tall(x, 2)}\u00a0kr"


def tidspunkt(dt: datetime, *, sekunder: bool = False) -> str:
    """An instant as a person in Oslo reads it: ``02.12.2026 19:17`` (Europe/Oslo)."""
    return f"{lokal(dt):%d.%m.%Y %H:%M:%S}" if sekunder else f"{lokal(dt):%d.%m.%Y %H:%M}"


def dato(d: date) -> str:
    """A date as ``01.04.2026``."""
    return f"{d:%d.%m.%Y}"


def dato_lang(d: date) -> str:
    """A date written out: ``onsdag 1. april 2026``."""
    return format_date(d, "EEEE d. MMMM y", locale=LOCALE)


def tidspunkt_lang(dt: datetime) -> str:
    """An instant written out in Oslo time: ``onsdag 1. april 2026 kl. 14:00`` (Europe/Oslo,
    whatever offset ``dt`` carries, so a time across a DST change reads as the clock on the
    wall showed it then)."""
    lt = lokal(dt)
    return f"{dato_lang(lt.date())} kl. {lt:%H:%M}"


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?")


def med_oslo_tider(tekst: str) -> str:
    """A human text (e.g. what triggered an obligation) with each ISO instant it names written as
    ``tidspunkt`` (Oslo) and each ISO date as ``dato``; the rest unchanged."""

    def bytt(m: re.Match[str]) -> str:
        t = m.group(0)
        try:
            if len(t) == 10:
                return dato(date.fromisoformat(t))
            return tidspunkt(datetime.fromisoformat(t))
        except ValueError:  # looks like one, is not (e.g. month 13): leave it as written
            return t

    return _ISO.sub(bytt, tekst)
