"""R19: the user's co-payment (egenandel) for praktisk bistand; home nursing is free.

The bracket is the household's net income measured in G (the grunnbeløp in force on the first
day of the month billed); the table is the one in force on that day. Hours are the payable hours
of praktisk bistand in the month, whoever the provider (R05: the co-payment does not depend on
the provider). Each month's bill is rounded once, half up, to whole øre; a yearly cap compares
the bills already rounded for the earlier months of the same calendar year, so the cap holds to
the øre. The income is an input: the events do not record it (see docs/projections.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

from domain.betaling import avrund_ore
from projections.settings import Egenandelskonfig, Egenandelstrinn, SettingsError


@dataclass(frozen=True)
class Egenandel:
    bruker_id: UUID
    aar: int
    maaned: int
    husstandsinntekt: Decimal
    grunnbelop: Decimal
    trinn: str  # e.g. "2-3 G"
    kr_per_time: Decimal
    timer: Fraction
    belop_uten_tak: Decimal
    tak: Decimal | None
    tak_per: str
    betalt_tidligere_i_aar: Decimal
    belop: Decimal


def _trinn(tabell_trinn: tuple[Egenandelstrinn, ...], inntekt: Decimal,
           g: Decimal) -> Egenandelstrinn:
    for t in tabell_trinn:
        if inntekt >= t.fra_g * g and (t.under_g is None or inntekt < t.under_g * g):
            return t
    raise SettingsError(f"ingen egenandelstrinn for inntekt {inntekt}")


def _trinnavn(t: Egenandelstrinn) -> str:
    if t.fra_g == 0:
        return f"under {t.under_g} G"
    if t.under_g is None:
        return f"over {t.fra_g} G"
    return f"{t.fra_g}-{t.under_g} G"


def beregn_egenandel(settings: Egenandelskonfig, bruker_id: UUID, aar: int, maaned: int,
                     husstandsinntekt: Decimal,
                     timer_per_maaned: dict[int, Fraction]) -> Egenandel:
    """The bill for ``maaned``, with the yearly cap applied over months 1..maaned of ``aar``."""
    if husstandsinntekt < 0:
        raise ValueError("husstandsinntekt kan ikke være negativ")
    if not 1 <= maaned <= 12:
        raise ValueError(f"maaned må være 1-12, fikk {maaned}")
    betalt_i_aar = Decimal("0.00")
    for m in range(1, maaned + 1):
        dag = date(aar, m, 1)
        tabell = settings.tabell_paa(dag)
        g = settings.g_paa(dag)
        t = _trinn(tabell.trinn, husstandsinntekt, g)
        timer = timer_per_maaned.get(m, Fraction(0))
        uten_tak = avrund_ore(timer * Fraction(t.kr_per_time))
        tak = t.tak_belop
        belop = uten_tak
        if tak is not None:
            gjenstaar = tak if t.tak_per == "maaned" else max(Decimal("0.00"), tak - betalt_i_aar)
            belop = min(uten_tak, gjenstaar).quantize(Decimal("0.01"))
        if m == maaned:
            return Egenandel(bruker_id, aar, maaned, husstandsinntekt, g, _trinnavn(t),
                             t.kr_per_time, timer, uten_tak, tak, t.tak_per, betalt_i_aar, belop)
        betalt_i_aar += belop
    raise AssertionError("unreachable")  # the loop returns at m == maaned
