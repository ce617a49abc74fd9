"""Payable time for one delivery in one calendar month: a pure function of recorded facts.

Units: time is counted in whole microseconds (``int``) where it comes from real instants
(visits), and as an exact ``Fraction`` of microseconds where it comes from a vedtak (ordered time
is ``Omfang.minutter_per_dag`` per day, a fraction). Nothing is rounded here; money is rounded
once, when hours are multiplied by the price (see ``betalbar_tid.belop``).

The rules, for the days of the month (Oslo calendar days; a visit is split at local midnight and
each part counts its real elapsed time, so a night across a DST change counts 7 or 9 hours):

- R18: a day is *active* when the delivery runs that day (fom <= day <= tom) and the user has
  not died or moved out before it (R23). Time on other days is not payable: deviation
  ``utenfor_leveranseperiode`` or ``etter_dodsfall`` / ``etter_utflytting``.
- ordered time (bestilt): the vedtak's omfang per day, summed over the active days on which the
  vedtak is valid (the omfang in force on each day; a revurdering changes it from its date).
- R18a: payable = min(delivered, ordered) for the month, plus documented acute extra visits
  (their own category, paid in full on active days).
- R17: time above the vedtak on days when a revurdering request from this provider on this
  vedtak was unanswered (from the local date it was made through the local date it was answered,
  both included) is payable too: min(excess of the month, sum over those days of
  max(0, delivered that day - ordered that day)).
- R20: a cancelled visit is not delivered time. A late cancellation is payable only if the
  contract term says so (then its planned time counts as delivered, still capped by the vedtak);
  otherwise its planned time is listed as deviation ``sen_avbestilling_ikke_betalbar``.
- every microsecond claimed and not paid is a deviation with its reason; what remains above the
  vedtak is ``over_vedtak`` (``uten_vedtak`` while the delivery has no vedtak, R14).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from domain import kalender

US_PER_MINUTT = 60_000_000
US_PER_TIME = 3_600_000_000
_NULL = Fraction(0)

ORDINAER = "ordinaer"
AKUTT = "akutt"
SEN_AVBESTILT = "sen_avbestilt"
AVBESTILT = "avbestilt"
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


@dataclass(frozen=True)
class Omfangsperiode:
    fra: date
    minutter: int
    per_uker: int

    @property
    def us_per_dag(self) -> Fraction:
        """Omfang.minutter_per_dag in microseconds (exact)."""
        return Fraction(self.minutter * US_PER_MINUTT, 7 * self.per_uker)

    def us_for_dager(self, dager: int) -> Fraction:
        """``dager`` x ``us_per_dag``, as one exact fraction."""
        return Fraction(dager * self.minutter * US_PER_MINUTT, 7 * self.per_uker)


@dataclass(frozen=True)
class Grunnlag:
    """Everything the month's figures depend on (read from the projection's tables)."""

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
                    or self.sen_avbestilt or self.antall_besok or self.antall_avbestilt)


def _snitt(a_fom: date, a_tom: date | None, b_fom: date, b_tom: date) -> tuple[date, date] | None:
    fom, tom = max(a_fom, b_fom), b_tom if a_tom is None else min(a_tom, b_tom)
    return (fom, tom) if fom <= tom else None


def bestilt_per_dag(g: Grunnlag, dag: date) -> Fraction:
    """Ordered µs on one day (0 outside the vedtak); the omfang in force that day."""
    if not g.har_vedtak or g.vedtak_fra is None or dag < g.vedtak_fra:
        return Fraction(0)
    if g.vedtak_til is not None and dag > g.vedtak_til:
        return Fraction(0)
    gjeldende = [o for o in g.omfang if o.fra <= dag]
    return gjeldende[-1].us_per_dag if gjeldende else Fraction(0)


def _bestilt(g: Grunnlag, aktiv: tuple[date, date]) -> Fraction:
    """Sum of ordered time over the active days: per omfang segment, days x per-day time."""
    if not g.har_vedtak or g.vedtak_fra is None or not g.omfang:
        return _NULL
    vedtak = _snitt(g.vedtak_fra, g.vedtak_til, *aktiv)
    if vedtak is None:
        return _NULL
    total = _NULL
    for i, o in enumerate(g.omfang):
        neste = g.omfang[i + 1].fra - timedelta(days=1) if i + 1 < len(g.omfang) else None
        dager = kalender.overlapp_dager(o.fra, neste, *vedtak)
        if dager:
            total += o.us_for_dager(dager)
    return total


def beregn(g: Grunnlag) -> Maanedsresultat:
    """The month's ordered, delivered and payable time and the deviations (see module doc)."""
    forste, siste = kalender.maaned_grenser(g.aar, g.maaned)
    tom = g.leveranse_tom
    if g.sluttdato is not None and (tom is None or g.sluttdato < tom):
        tom = g.sluttdato
    aktiv = _snitt(g.leveranse_fom, tom, forste, siste)
    if g.leveranse_tom is not None and g.leveranse_tom < g.leveranse_fom:
        aktiv = None  # annulled before it began (e.g. a pending switch when the user died)
    # Active days as list indexes [a, b) of the month's days.
    a, b = (0, 0) if aktiv is None else (aktiv[0].day - 1, aktiv[1].day)

    null = [0] * 31
    ordinaer = g.dager.get(ORDINAER, null)
    akutt = g.dager.get(AKUTT, null)
    sen = g.dager.get(SEN_AVBESTILT, null)
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
        over_paa_ventedager = Fraction(0)
        for i in range(a, b):
            dag = forste + timedelta(days=i)
            if any(fra <= dag and (til is None or dag <= til) for fra, til in g.ubesvart):
                over_paa_ventedager += max(Fraction(0), krav[i] - bestilt_per_dag(g, dag))
        r17 = min(overskudd, over_paa_ventedager)
    rest = overskudd - r17
    if rest > 0:
        avvik.append(Avvik(Avviksarsak.OVER_VEDTAK if g.har_vedtak else Avviksarsak.UTEN_VEDTAK,
                           rest))
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
        antall_besok=g.antall.get(ORDINAER, 0) + g.antall.get(AKUTT, 0),
        antall_avbestilt=g.antall.get(SEN_AVBESTILT, 0) + g.antall.get(AVBESTILT, 0),
        betalbar_innenfor=innenfor,
        betalbar_r17=r17,
        betalbar_akutt=sum(akutt[a:b]),
        betalbar_sen_avbestilling=betalt_sen,
        avvik=tuple(sorted(avvik, key=lambda x: x.arsak)),
    )
