"""Kontraktsoppfølging (R28, R28a): per provider and period, and all providers side by side.

Definitions (docs/oppfolging.md has them in Norwegian for the reader of the report):

- **Brukere betjent**: distinct users with at least one recorded visit from the provider in the
  month (ordinary or acute). For the period: distinct users over the whole period.
- **Timer**: bestilt (ordered), levert (ordinary + documented acute extra visits) and betalbar
  from ``Projections.betalbare_timer`` per month, exact; summed over the period.
- **Andel av bestilt tid levert** (R28a): Σ delivered time within the vedtak
  (``domain.betaling.levert_innenfor_bestilt``: min(delivered on active days, ordered) per
  delivery) / Σ bestilt, so over-delivery to one user does not hide under-delivery to another.
- **Where a visit lands**: hours as payable hours place them (split at Oslo midnight); a visit
  counts (users served, visits, continuity) on the Oslo date it starts, a cancellation likewise
  (``domain.betaling.plasser`` / ``telledag``).
- **Frister** (R11–R13, R16, R21): the SLA projection's obligations whose deadline falls in the
  month, per rule: met, breached, open. Share met = met / (met + breached).
- **Bytter**: switches (``LeverandorByttet``) by notice date: in (to the provider) and out.
  *Andel som bytter ut igjen innen 90 dager*: of the switches in during the period, the share
  where the same user switches the same service away from the provider within 90 days.
- **Kontinuitet** (R28a): the number of different staff pseudonyms a user met from the provider
  in a 14-day window. Windows are days 1–14 and 15–28 of each month (fixed, so months compare);
  a (user, window) pair counts when the user had at least one visit in it. Median (the usual
  median) and 90th percentile (nearest rank) over all pairs in the period.
- **Bekymringsmeldinger**, **avbestillinger**, **avvik** (payment deviations in hours by reason,
  and deviations/complaints registered under R27) are counted by local date in the month.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain import betaling
from domain.betaling import timer
from projections.fakturering import Leverandormaaned

REGLER = ("R11", "R12", "R13", "R16", "R21")
MAKS_MAANEDER = 240  # the longest period a report covers (20 years); the API refuses longer at the edge


def maaneder(fra: str, til: str) -> list[str]:
    """Months 'YYYY-MM' from ``fra`` to ``til``, both included."""
    a, m = int(fra[:4]), int(fra[5:7])
    ut = []
    while f"{a:04d}-{m:02d}" <= til:
        ut.append(f"{a:04d}-{m:02d}")
        a, m = (a + 1, 1) if m == 12 else (a, m + 1)
        if len(ut) > MAKS_MAANEDER:
            raise ValueError("perioden er for lang (over 20 år)")
    return ut


def persentil(verdier: Sequence[int], p: int) -> int | None:
    """Nearest-rank percentile (the smallest value with at least p % at or below it)."""
    if not verdier:
        return None
    s = sorted(verdier)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def median(verdier: Sequence[int]) -> float | None:
    return float(statistics.median(verdier)) if verdier else None


@dataclass
class Fristrad:
    overholdt: int = 0
    brutt: int = 0
    apen: int = 0

    @property
    def andel_overholdt(self) -> float | None:
        n = self.overholdt + self.brutt
        return self.overholdt / n if n else None

    def legg_til(self, annen: Fristrad) -> None:
        self.overholdt += annen.overholdt
        self.brutt += annen.brutt
        self.apen += annen.apen


@dataclass
class Tall:
    """The figures of one provider for one month, or summed over a period."""

    brukere_betjent: int = 0
    bestilt_timer: Fraction = Fraction(0)
    levert_timer: Fraction = Fraction(0)
    akutt_timer: Fraction = Fraction(0)
    betalbare_timer: Fraction = Fraction(0)
    levert_innenfor_bestilt_timer: Fraction = Fraction(0)
    belop: Decimal | None = Decimal("0.00")
    besok: int = 0
    avbestillinger: int = 0
    bekymringsmeldinger: int = 0
    avvik_registrert: int = 0  # R27, type avvik
    klager: int = 0  # R27, type klage_paa_tjenesten
    avvik_timer: dict[str, Fraction] = field(default_factory=dict)
    bytter_inn: int = 0
    bytter_ut: int = 0
    frister: dict[str, Fristrad] = field(default_factory=lambda: {r: Fristrad() for r in REGLER})
    kontinuitet: list[int] = field(default_factory=list)  # distinct staff per (user, window)

    @property
    def andel_levert(self) -> float | None:
        if not self.bestilt_timer:
            return None
        return float(self.levert_innenfor_bestilt_timer / self.bestilt_timer)

    @property
    def kontinuitet_median(self) -> float | None:
        return median(self.kontinuitet)

    @property
    def kontinuitet_p90(self) -> int | None:
        return persentil(self.kontinuitet, 90)

    @property
    def avvik_timer_sum(self) -> Fraction:
        return sum(self.avvik_timer.values(), Fraction(0))

    @property
    def frister_samlet(self) -> Fristrad:
        f = Fristrad()
        for x in self.frister.values():
            f.legg_til(x)
        return f


@dataclass
class Leverandorrapport:
    leverandor_id: str
    fra: str
    til: str
    maaneder: dict[str, Tall]
    periode: Tall
    bytter_ut_innen_90: int = 0

    @property
    def andel_bytter_ut_innen_90(self) -> float | None:
        n = self.periode.bytter_inn
        return self.bytter_ut_innen_90 / n if n else None


@dataclass
class Oppfolgingsrapport:
    fra: str
    til: str
    laget: datetime
    leverandorer: list[Leverandorrapport]

    @property
    def maaneder(self) -> list[str]:
        return maaneder(self.fra, self.til)


def _forste(maaned: str) -> date:
    return date(int(maaned[:4]), int(maaned[5:7]), 1)


def _siste(maaned: str) -> date:
    f = _forste(maaned)
    return (f.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def fra_betalbare(t: Tall, mnd: Leverandormaaned) -> None:
    """Add a provider's invoice month to ``t``."""
    for li in mnd.linjer:
        t.bestilt_timer += li.bestilt_timer
        t.levert_timer += li.levert_timer + li.akutt_timer
        t.akutt_timer += li.akutt_timer
        t.betalbare_timer += li.betalbare_timer
        t.levert_innenfor_bestilt_timer += timer(betaling.levert_innenfor_bestilt(
            li.betalbar_innenfor_vedtak_us, li.betalbar_sen_avbestilling_us))
        t.avbestillinger += li.antall_avbestilt
        for a in li.avvik:
            t.avvik_timer[a.arsak] = t.avvik_timer.get(a.arsak, Fraction(0)) + a.timer
    if mnd.belop is None or t.belop is None:
        t.belop = None
    else:
        t.belop += mnd.belop


def legg_sammen(maanedstall: Sequence[Tall], brukere_i_perioden: int) -> Tall:
    p = Tall(brukere_betjent=brukere_i_perioden)
    for t in maanedstall:
        for navn in ("bestilt_timer", "levert_timer", "akutt_timer", "betalbare_timer",
                     "levert_innenfor_bestilt_timer", "besok", "avbestillinger",
                     "bekymringsmeldinger", "avvik_registrert", "klager", "bytter_inn",
                     "bytter_ut"):
            setattr(p, navn, getattr(p, navn) + getattr(t, navn))
        p.belop = None if p.belop is None or t.belop is None else p.belop + t.belop
        for a, x in t.avvik_timer.items():
            p.avvik_timer[a] = p.avvik_timer.get(a, Fraction(0)) + x
        for r, f in t.frister.items():
            p.frister[r].legg_til(f)
        p.kontinuitet += t.kontinuitet
    p.avvik_timer = dict(sorted(p.avvik_timer.items()))
    return p


def kontinuitet(besok: Sequence[tuple[str, str, str]], maaned: str) -> list[int]:
    """Distinct staff per (user, 14-day window) from (bruker_id, local date, staff) visits."""
    vinduer: dict[tuple[str, int], set[str]] = {}
    for bruker, dato, ansatt in besok:
        if dato[:7] != maaned:
            continue
        dag = int(dato[8:10])
        if dag > 28:
            continue
        vinduer.setdefault((bruker, 0 if dag <= 14 else 1), set()).add(ansatt)
    return sorted(len(s) for s in vinduer.values())


def sporingstall(cur: Any, leverandor_id: str, maaned: str) -> dict[str, Any]:
    """The tracking projection's figures for one provider and month."""
    fra, til = _forste(maaned).isoformat(), _siste(maaned).isoformat()
    besok = cur.execute(
        "SELECT l.bruker_id, b.dato, b.ansatt FROM prj_opf_besok b JOIN prj_opf_leveranse l "
        "ON l.leveranse_id = b.leveranse_id WHERE l.leverandor_id = ? AND b.dato >= ? "
        "AND b.dato <= ?", (leverandor_id, fra, til)).fetchall()
    bekymring = cur.execute(
        "SELECT COUNT(*) FROM prj_opf_bekymring b JOIN prj_opf_leveranse l "
        "ON l.leveranse_id = b.leveranse_id WHERE l.leverandor_id = ? AND b.dato >= ? "
        "AND b.dato <= ?", (leverandor_id, fra, til)).fetchone()[0]
    avvik = dict(cur.execute(
        "SELECT a.type, COUNT(*) FROM prj_opf_avvik a JOIN prj_opf_leveranse l "
        "ON l.leveranse_id = a.leveranse_id WHERE l.leverandor_id = ? AND a.dato >= ? "
        "AND a.dato <= ? GROUP BY a.type", (leverandor_id, fra, til)).fetchall())
    inn = cur.execute("SELECT COUNT(*) FROM prj_opf_bytte WHERE til_leverandor_id = ? AND "
                      "dato >= ? AND dato <= ?", (leverandor_id, fra, til)).fetchone()[0]
    ut = cur.execute("SELECT COUNT(*) FROM prj_opf_bytte WHERE fra_leverandor_id = ? AND "
                     "dato >= ? AND dato <= ?", (leverandor_id, fra, til)).fetchone()[0]
    return {"besok": [(str(a), str(b), str(c)) for a, b, c in besok],
            "bekymringsmeldinger": int(bekymring), "avvik": {k: int(v) for k, v in avvik.items()},
            "bytter_inn": int(inn), "bytter_ut": int(ut)}


def bytter_ut_innen_90(cur: Any, leverandor_id: str, fra: str, til: str) -> int:
    """Of the switches in to the provider with notice date in [fra, til], how many are followed
    by a switch of the same user and service away from it within 90 days."""
    inn = cur.execute("SELECT bruker_id, tjenestetype, dato FROM prj_opf_bytte WHERE "
                      "til_leverandor_id = ? AND dato >= ? AND dato <= ?",
                      (leverandor_id, fra, til)).fetchall()
    ut = cur.execute("SELECT bruker_id, tjenestetype, dato FROM prj_opf_bytte WHERE "
                     "fra_leverandor_id = ?", (leverandor_id,)).fetchall()
    n = 0
    for bruker, tt, dato in inn:
        d0 = date.fromisoformat(str(dato))
        if any(b == bruker and t == tt and
               0 < (date.fromisoformat(str(d)) - d0).days <= 90 for b, t, d in ut):
            n += 1
    return n
