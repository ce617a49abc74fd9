"""R24: which bydel is responsible for a bruker on a date, and which bydeler may reach the record.

Seed 002 ch. 7 names the rule and leaves the interval open: «Fellesskriv 2/2014 benyttes når
tjenestemottaker flytter mellom bydeler» (footnote 7: «Ansvarsfordeling mellom bydelene i saker
om personrettede tiltak (er under revidering)») and asks «at det til enhver tid er avklart hvem
som har koordineringsansvaret», and that staff «gir og mottar den informasjon som er nødvendig».

**Choice** (a move recorded ahead of its date):

- *Responsible* on a date is exactly one bydel: the old one up to the day before the move's date,
  the new one from that date. SLA obligations and invoice lines follow it (``ansvarlig_bydel``,
  ``ansvarsperioder``): «til enhver tid avklart».
- *Reach* (read and act) on a date is the responsible bydel and every bydel a recorded move will
  make responsible later (``bydeler_med_tilgang``): the new bydel must prepare its vedtak and
  receive the information before the day it takes over, while the old one still serves the
  user. From the move's date the old bydel no longer reaches the record (the history moves with
  the user); before the move is recorded the new one does not.

A move is a plan until its date, so it can be changed: a move recorded later, from a date on or
before a planned one, replaces what was planned from that date on (``tidslinje``). A move back to
the old bydel from the planned date or earlier cancels it; every recorded move stays in the
history (R26).

Pure: dates in, answer out. "Today" is the caller's (the Oslo date of the request's clock).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

Tidslinje = tuple[tuple[date, str], ...]
"""(from date, bydel), ascending by date; the first from ``date.min`` (the registration)."""

_EN_DAG = timedelta(days=1)


def tidslinje(registrert_bydel: str, flyttinger: Iterable[tuple[date, str]]) -> Tidslinje:
    """The bydel over time from the registration and the moves (date, to bydel) in the order they
    were recorded: each move replaces whatever was planned from its date on."""
    linje: list[tuple[date, str]] = [(date.min, registrert_bydel)]
    for dato, til_bydel in flyttinger:
        linje = [x for x in linje if x[0] < dato]
        if linje[-1][1] != til_bydel:
            linje.append((dato, til_bydel))
    return tuple(linje)


def ansvarlig_bydel(linje: Tidslinje, dato: date) -> str:
    """R24: the one bydel responsible for the bruker on ``dato``."""
    return next(bydel for fra, bydel in reversed(linje) if fra <= dato)


def bydeler_med_tilgang(linje: Tidslinje, dato: date) -> frozenset[str]:
    """R24: the bydeler that may read and act on the record on ``dato``: the responsible one and
    any a recorded move will make responsible after ``dato``."""
    return frozenset({ansvarlig_bydel(linje, dato)} | {by for fra, by in linje if fra > dato})


def ansvarsperioder(linje: Tidslinje, fom: date, tom: date) -> tuple[tuple[date, date, str], ...]:
    """R24: the days ``fom``..``tom`` (inclusive) split into (first, last, bydel) by who is
    responsible, in order."""
    ut: list[tuple[date, date, str]] = []
    for i, (fra, bydel) in enumerate(linje):
        til = linje[i + 1][0] - _EN_DAG if i + 1 < len(linje) else date.max
        a, b = max(fra, fom), min(til, tom)
        if a <= b:
            ut.append((a, b, bydel))
    return tuple(ut)
