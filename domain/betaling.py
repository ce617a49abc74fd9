"""Betaling: what the bydel pays for, as pure functions of recorded facts (R05, R17, R18, R18a,
R20, R23). Payable hours, the invoice control and the follow-up report all call these; nothing
else computes a payable minute.

Units: time is counted in whole microseconds (``int``) where it comes from real instants
(visits, cancellations), and as an exact ``Fraction`` of microseconds where it comes from a
vedtak (ordered time per day is minutes / (7 x weeks), a fraction). Nothing is rounded here
except money, once, in ``belop``.

**Where a visit or a cancellation lands** (``plasser``, the one placement): its time is split at
each Oslo midnight and every part counts its real elapsed time on its own Oslo date (so a night
across a DST change counts 7 or 9 hours, and a visit 31.01 23:30-01.02 00:45 is 30 minutes of
January and 45 of February). The item itself (one visit, one cancellation, a user served, a
staff member met) is counted once, on the Oslo date its (planned) start falls on: ``telledag``.
Why: the invoice period is the calendar month (R18a) and a day's time is compared with that
day's ordered time, R17's unanswered days and R23's last day, so time belongs to the day it
passed in; a count cannot be split, and the start is when the visit was made.

The month's rules, for the days of the month (``beregn``):

- R18: a day is *active* when the delivery runs that day (fom <= day <= tom) and the user has
  not died or moved out before it (R23). Time on other days is not payable: deviation
  ``utenfor_leveranseperiode`` or ``etter_dodsfall`` / ``etter_utflytting``.
- ordered time (bestilt): the vedtak's omfang per day, summed over the active days on which the
  vedtak is valid (the omfang in force on each day; a revurdering changes it from its date).
- R18a: payable = min(delivered, ordered) for the month, plus documented acute extra visits
  (their own category, paid in full on active days).
- R17: time above the vedtak on days when a revurdering request from this provider on this
  vedtak was unanswered (``ubesvarte_dager``) is payable too: min(excess of the month, sum over
  those days of max(0, delivered that day - ordered that day)).
- R20: a cancelled visit is not delivered time. A late cancellation (``er_sen_avbestilling``) is
  payable only if the contract term says so (then its planned time counts as delivered, still
  capped by the vedtak); otherwise its planned time is deviation ``sen_avbestilling_ikke_betalbar``.
- every microsecond claimed and not paid is a deviation with its reason; what remains above the
  vedtak is ``over_vedtak`` (``uten_vedtak`` while the delivery has no vedtak, R14).
- R24: a month in which a move between bydeler takes effect is computed in parts, one per
  bydel responsible (``domain.ansvar.ansvarsperioder``; ``Grunnlag.del_fom``/``del_tom``): each
  bydel pays for its own days, at most what was ordered on them; time on the other part's days
  is that part's, neither counted nor a deviation here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from domain import kalender
from domain.begreper import aktiv_paa, annullert
from domain.kalender import OSLO

US_PER_MINUTT = 60_000_000
US_PER_TIME = 3_600_000_000
_NULL = Fraction(0)
_EN_DAG = timedelta(days=1)
_US = timedelta(microseconds=1)
_ORE = Decimal("0.01")

# Kinds of time on a delivery's day.
ORDINAER = "ordinaer"
AKUTT = "akutt"  # R18a: a documented acute extra visit (its own measure code)
SEN_AVBESTILT = "sen_avbestilt"  # R20: cancelled later than the contract's threshold
AVBESTILT = "avbestilt"  # R20: cancelled in time
ARTER = (ORDINAER, AKUTT, SEN_AVBESTILT, AVBESTILT)


class Avviksarsak:
    UTENFOR_LEVERANSEPERIODE = "utenfor_leveranseperiode"  # R18
    ETTER_DODSFALL = "etter_dodsfall"  # R23
    ETTER_UTFLYTTING = "etter_utflytting"  # R23
    OVER_VEDTAK = "over_vedtak"  # R18, R18a
    UTEN_VEDTAK = "uten_vedtak"  # R14, R18
    SEN_AVBESTILLING = "sen_avbestilling_ikke_betalbar"  # R20

    BESKRIVELSE = {
        UTENFOR_LEVERANSEPERIODE: "levert utenfor leveranseperioden (R18)",
        ETTER_DODSFALL: "levert etter dødsfall (R23)",
        ETTER_UTFLYTTING: "levert etter utflytting fra kommunen (R23)",
        OVER_VEDTAK: "levert ut over vedtakets tid, ikke under ubesvart revurdering (R18, R18a)",
        UTEN_VEDTAK: "levert mens leveransen ikke var knyttet til vedtak (R14, R18)",
        SEN_AVBESTILLING: "sen avbestilling, ikke betalbar etter kontrakten (R20)",
    }


# Avviksarsak's codes as a type, for the read models and the API schema that carry them
# (tests/unit/test_betaling.py holds the two lists to each other).
Arsakskode = Literal["utenfor_leveranseperiode", "etter_dodsfall", "etter_utflytting",
                     "over_vedtak", "uten_vedtak", "sen_avbestilling_ikke_betalbar"]


# --- placing a visit or a cancellation in its days ------------------------------------------


def _varighet_us(start: datetime, slutt: datetime) -> int:
    if type(start.tzinfo) is timezone and type(slutt.tzinfo) is timezone:
        return (slutt - start) // _US  # fixed offsets (stored ISO text): real elapsed time
    return kalender.varighet(start, slutt) // _US


def plasser(start: datetime, slutt: datetime) -> tuple[tuple[date, int], ...]:
    """THE placement of [start, slutt): (Oslo date, µs) parts, cut at each local midnight.

    Each part counts real elapsed time; the first part's date is ``telledag(start)``. An
    interval of no length is one part of 0 µs on its start date.
    """
    kalender.krev_tidssone(start, "start")
    kalender.krev_tidssone(slutt, "slutt")
    dag = start.astimezone(OSLO).date()
    if slutt.astimezone(OSLO).date() == dag:  # the common case: one day
        return ((dag, _varighet_us(start, slutt)),)
    deler: list[tuple[date, int]] = []
    while True:
        midnatt = kalender.lokalt_tidspunkt(dag + _EN_DAG, time(0))
        del_slutt = slutt if not kalender.foer(midnatt, slutt) else midnatt
        us = kalender.varighet(start, del_slutt) // _US
        if us > 0 or not deler:
            deler.append((dag, us))
        if not kalender.foer(del_slutt, slutt):
            return tuple(deler)
        start, dag = del_slutt, dag + _EN_DAG


def telledag(start: datetime) -> date:
    """The Oslo date a visit or cancellation is counted on (as an item): its (planned) start."""
    return kalender.lokal_dato(start)


def er_sen_avbestilling(avbestilt_tid: datetime, planlagt_start: datetime,
                        terskel: timedelta) -> bool:
    """R20: cancelled less than ``terskel`` (real elapsed time) before the planned start."""
    return kalender.varighet(avbestilt_tid, planlagt_start) < terskel


def art_for_avbestilling(avbestilt_tid: datetime, planlagt_start: datetime,
                         terskel: timedelta) -> str:
    return SEN_AVBESTILT if er_sen_avbestilling(avbestilt_tid, planlagt_start, terskel) \
        else AVBESTILT


def art_for_besok(kategori: str | None) -> str:
    """R18a: a documented acute extra visit is its own kind; every other visit is ordinary."""
    return AKUTT if kategori == "akutt_ekstra" else ORDINAER


# --- ordered time -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Omfangsperiode:
    """A vedtak's omfang (minutes per ``per_uker`` weeks) from a date."""

    fra: date
    minutter: int
    per_uker: int

    @property
    def us_per_dag(self) -> Fraction:
        """Ordered µs per calendar day (exact, so monthly sums do not drift)."""
        return Fraction(self.minutter * US_PER_MINUTT, 7 * self.per_uker)

    def us_for_dager(self, dager: int) -> Fraction:
        """``dager`` x ``us_per_dag``, as one exact fraction."""
        return Fraction(dager * self.minutter * US_PER_MINUTT, 7 * self.per_uker)


def ubesvarte_dager(revurderinger: Iterable[tuple[str, datetime, datetime | None]],
                    leverandor_id: str) -> tuple[tuple[date, date | None], ...]:
    """R17: the Oslo days a revurdering request from ``leverandor_id`` was unanswered, from the
    local date it was made through the local date it was answered (both included: the
    provider could not know the answer earlier that day). ``(leverandor, anmodet, besvart)``."""
    dager = ((kalender.lokal_dato(anmodet), kalender.lokal_dato(besvart) if besvart else None)
             for lev, anmodet, besvart in revurderinger if lev == leverandor_id)
    # Ordered by first day, an unanswered one last (None does not compare with a date).
    return tuple(sorted(dager, key=lambda d: (d[0], d[1] is None, d[1] or d[0])))


@dataclass(frozen=True)
class Grunnlag:
    """Everything one delivery's month depends on."""

    aar: int
    maaned: int
    leveranse_fom: date
    leveranse_tom: date | None
    har_vedtak: bool
    vedtak_fra: date | None = None
    vedtak_til: date | None = None
    omfang: tuple[Omfangsperiode, ...] = ()
    sluttdato: date | None = None  # death or moving out (R23)
    dodsfall: bool = True  # False: moved out
    ubesvart: tuple[tuple[date, date | None], ...] = ()  # R17 days, inclusive
    dager: dict[str, list[int]] = field(default_factory=dict)  # art -> 31 day sums (µs)
    antall: dict[str, int] = field(default_factory=dict)
    sen_avbestilling_betalbar: bool = False
    # R24: the days of the month this part covers (one bydel's); None: from the first / to the
    # last day of the month. ``antall`` then counts the items of these days only.
    del_fom: date | None = None
    del_tom: date | None = None


def del_grenser(g: Grunnlag) -> tuple[date, date]:
    """R24: the first and last day of the month's part ``g`` covers."""
    forste, siste = kalender.maaned_grenser(g.aar, g.maaned)
    return max(forste, g.del_fom or forste), min(siste, g.del_tom or siste)


@dataclass(frozen=True)
class Avvik:
    arsak: str
    mengde: Fraction  # µs
    dager: tuple[tuple[date, int], ...] = ()  # for day-based reasons: (day, µs)


@dataclass(frozen=True)
class Maanedsresultat:
    bestilt: Fraction
    levert_ordinaer: int
    levert_akutt: int
    sen_avbestilt: int
    avbestilt: int  # cancelled in time: planned µs, never delivered time (R20)
    antall_besok: int
    antall_avbestilt: int
    betalbar_innenfor: Fraction | int
    betalbar_r17: Fraction | int
    betalbar_akutt: int
    betalbar_sen_avbestilling: Fraction | int
    avvik: tuple[Avvik, ...]

    @property
    def betalbar(self) -> Fraction | int:
        return self.betalbar_innenfor + self.betalbar_r17 + self.betalbar_akutt

    @property
    def tom(self) -> bool:
        return not (self.bestilt or self.levert_ordinaer or self.levert_akutt
                    or self.sen_avbestilt or self.avbestilt or self.antall_besok
                    or self.antall_avbestilt)


def _snitt(a_fom: date, a_tom: date | None, b_fom: date, b_tom: date) -> tuple[date, date] | None:
    fom, tom = max(a_fom, b_fom), b_tom if a_tom is None else min(a_tom, b_tom)
    return (fom, tom) if fom <= tom else None


def bestilt_per_dag(g: Grunnlag, dag: date) -> Fraction:
    """Ordered µs on one day (0 outside the vedtak); the omfang in force that day."""
    if not g.har_vedtak or g.vedtak_fra is None or not aktiv_paa(g.vedtak_fra, g.vedtak_til, dag):
        return _NULL
    gjeldende = [o for o in g.omfang if o.fra <= dag]
    return gjeldende[-1].us_per_dag if gjeldende else _NULL


def _bestilt(g: Grunnlag, aktiv: tuple[date, date]) -> Fraction:
    """Sum of ordered time over the active days: per omfang segment, days x per-day time."""
    if not g.har_vedtak or g.vedtak_fra is None or not g.omfang:
        return _NULL
    vedtak = _snitt(g.vedtak_fra, g.vedtak_til, *aktiv)
    if vedtak is None:
        return _NULL
    total = _NULL
    for i, o in enumerate(g.omfang):
        neste = g.omfang[i + 1].fra - _EN_DAG if i + 1 < len(g.omfang) else None
        dager = kalender.overlapp_dager(o.fra, neste, *vedtak)
        if dager:
            total += o.us_for_dager(dager)
    return total


def aktive_dager(g: Grunnlag) -> tuple[date, date] | None:
    """R18/R23: the month's days on which the delivery runs and the user is alive and living in
    the municipality (None: none)."""
    if annullert(g.leveranse_fom, g.leveranse_tom):
        return None  # annulled before it began (e.g. a pending switch when the user died)
    forste, siste = del_grenser(g)
    tom = g.leveranse_tom
    if g.sluttdato is not None and (tom is None or g.sluttdato < tom):
        tom = g.sluttdato
    return _snitt(g.leveranse_fom, tom, forste, siste)


def beregn(g: Grunnlag) -> Maanedsresultat:
    """The month's ordered, delivered and payable time and the deviations (see module doc)."""
    forste, siste = kalender.maaned_grenser(g.aar, g.maaned)
    aktiv = aktive_dager(g)
    # Active days as list indexes [a, b) of the month's days.
    a, b = (0, 0) if aktiv is None else (aktiv[0].day - 1, aktiv[1].day)

    null = [0] * 31
    fra, til = del_grenser(g)
    p, q = fra.day - 1, til.day  # the part's days as list indexes [p, q)

    def i_delen(art: str) -> list[int]:
        """The day sums of ``art`` on the part's days (R24: other days are another part's)."""
        x = g.dager.get(art, null)
        return x if (p, q) == (0, siste.day) else [v if p <= i < q else 0 for i, v in enumerate(x)]

    ordinaer = i_delen(ORDINAER)
    akutt = i_delen(AKUTT)
    sen = i_delen(SEN_AVBESTILT)
    krav = [o + s for o, s in zip(ordinaer, sen, strict=True)] \
        if g.sen_avbestilling_betalbar else ordinaer

    avvik: list[Avvik] = []
    utenfor: dict[str, list[tuple[date, int]]] = {}
    for i in (*range(a), *range(b, siste.day)):
        mengde = krav[i] + akutt[i]
        if not mengde:
            continue
        dag = forste + timedelta(days=i)
        if g.sluttdato is not None and dag > g.sluttdato:
            arsak = Avviksarsak.ETTER_DODSFALL if g.dodsfall else Avviksarsak.ETTER_UTFLYTTING
        else:
            arsak = Avviksarsak.UTENFOR_LEVERANSEPERIODE
        utenfor.setdefault(arsak, []).append((dag, mengde))
    for arsak, dager in utenfor.items():
        avvik.append(Avvik(arsak, Fraction(sum(m for _, m in dager)), tuple(dager)))

    d_sum = sum(krav[a:b])
    bestilt = _bestilt(g, aktiv) if aktiv is not None else _NULL
    innenfor: Fraction | int = d_sum if d_sum <= bestilt else bestilt
    overskudd = d_sum - innenfor
    r17: Fraction | int = 0
    if overskudd > 0 and g.ubesvart:
        over_paa_ventedager = _NULL
        for i in range(a, b):
            dag = forste + timedelta(days=i)
            if any(aktiv_paa(fra, til, dag) for fra, til in g.ubesvart):
                over_paa_ventedager += max(_NULL, krav[i] - bestilt_per_dag(g, dag))
        r17 = min(overskudd, over_paa_ventedager)
    rest = overskudd - r17
    if rest > 0:
        avvik.append(Avvik(Avviksarsak.OVER_VEDTAK if g.har_vedtak else Avviksarsak.UTEN_VEDTAK,
                           Fraction(rest)))
    sen_sum = sum(sen)
    if sen_sum and not g.sen_avbestilling_betalbar:
        avvik.append(Avvik(Avviksarsak.SEN_AVBESTILLING, Fraction(sen_sum),
                           tuple((forste + timedelta(days=i), m) for i, m in enumerate(sen) if m)))
    # The late-cancelled part of what was paid inside the vedtak, for the report: the payable
    # ordinary time is filled by delivered visits first.
    betalt_sen = max(0, innenfor + r17 - sum(ordinaer[a:b])) if g.sen_avbestilling_betalbar \
        else 0
    return Maanedsresultat(
        bestilt=bestilt,
        levert_ordinaer=sum(ordinaer),
        levert_akutt=sum(akutt),
        sen_avbestilt=sen_sum,
        avbestilt=sum(i_delen(AVBESTILT)),
        antall_besok=g.antall.get(ORDINAER, 0) + g.antall.get(AKUTT, 0),
        antall_avbestilt=g.antall.get(SEN_AVBESTILT, 0) + g.antall.get(AVBESTILT, 0),
        betalbar_innenfor=innenfor,
        betalbar_r17=r17,
        betalbar_akutt=sum(akutt[a:b]),
        betalbar_sen_avbestilling=betalt_sen,
        avvik=tuple(sorted(avvik, key=lambda x: x.arsak)),
    )


def levert_innenfor_bestilt(betalbar_innenfor: Fraction | int,
                            betalbar_sen_avbestilling: Fraction | int) -> Fraction | int:
    """R28a: the delivered part of the time paid within the vedtak, i.e. min(delivered on active
    days, ordered) without late cancellations paid by contract (they are not delivered)."""
    return betalbar_innenfor - betalbar_sen_avbestilling


# --- money (R05) ------------------------------------------------------------------------------


def timer(us: Fraction | int) -> Fraction:
    """Exact hours from microseconds."""
    return Fraction(us, US_PER_TIME)


def avrund_ore(belop_: Fraction) -> Decimal:
    """Half up to whole øre, from an exact amount (the one rounding of money)."""
    ore = belop_ * 100
    hele = (ore.numerator * 2 + ore.denominator) // (2 * ore.denominator) if ore >= 0 else \
        -((-ore.numerator * 2 + ore.denominator) // (2 * ore.denominator))
    return (Decimal(hele) / 100).quantize(_ORE)


def belop(timer_: Fraction, pris: Decimal | None) -> Decimal | None:
    """R05: exact payable hours x the one hourly price of the tjenestetype and year (the same
    for every provider), rounded once; None when no price is configured (never zero)."""
    return None if pris is None else avrund_ore(timer_ * Fraction(pris))
