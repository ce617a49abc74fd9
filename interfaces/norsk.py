"""What a person reads: numbers in Norwegian (babel, locale nb_NO) and instants in Oslo time.

Machine-readable output (CSV, JSON, xlsx cells) does not use this: it keeps plain numbers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_decimal

from domain.kalender import lokal

LOCALE = "nb_NO"

__all__ = ["LOCALE", "kroner", "prosent", "tall", "tidspunkt"]


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
