"""Reading payable hours: invoice lines per provider, bruker, tjenestetype, month and bydel (R05,
R18a, R24: a month in which a move takes effect has a line for each bydel's days).

Rounding (``domain.betaling.belop``, the only place money is rounded): an invoice line is one
provider's service to one user of one tjenestetype in one calendar month. Its amount is the exact
payable time in hours times the hourly price of the tjenestetype and year, rounded once, half up,
to whole øre. A provider's
month total is the sum of its rounded lines (what the invoice shows). Hours are never rounded
before they are multiplied; ``som_dict`` shows hours with two decimals for reading only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

from domain.begreper import Tjenestetype
from domain.betaling import Arsakskode, Avviksarsak, belop, timer
from projections.beregning import RESULTAT_KOLONNER
from projections.settings import Timepriser
from projections.store import Cursor

_ORE = Decimal("0.01")


def _tall(verdi: int | str) -> Fraction | int:
    """A stored amount: an integer column, or exact text "n" / "n/d" (see ``brok_tekst``)."""
    if isinstance(verdi, int):
        return verdi
    teller, _, nevner = verdi.partition("/")
    return Fraction(int(teller), int(nevner)) if nevner else int(teller)


def vis_timer(t: Fraction) -> Decimal:
    """Hours for display: two decimals, half up (never used in a computation)."""
    return (Decimal(t.numerator) / Decimal(t.denominator)).quantize(_ORE, ROUND_HALF_UP)


@dataclass(frozen=True)
class Betalingsavvik:
    """Time claimed and not paid, with its reason (R18); ``dager`` lists day-based reasons."""

    leverandor_id: str
    bruker_id: UUID
    leveranse_id: UUID
    aar: int
    maaned: int
    arsak: Arsakskode
    timer: Fraction
    dager: tuple[tuple[str, Fraction], ...] = ()

    @property
    def beskrivelse(self) -> str:
        return Avviksarsak.BESKRIVELSE.get(self.arsak, self.arsak)


@dataclass(frozen=True)
class Fakturalinje:
    """One provider's service to one user of one tjenestetype in one month.

    Times are kept exact in microseconds (``*_us``: int or Fraction); the ``*_timer``
    properties give exact hours.
    """

    leverandor_id: str
    bruker_id: UUID
    tjenestetype: Tjenestetype
    aar: int
    maaned: int
    bydel: str | None
    leveranser: tuple[UUID, ...]
    bestilt_us: Fraction | int
    levert_us: int
    akutt_us: int
    sen_avbestilt_us: int
    avbestilt_us: int  # cancelled in time (R20): planned time, not delivered
    antall_besok: int
    antall_avbestilt: int
    betalbar_innenfor_vedtak_us: Fraction | int
    betalbar_r17_us: Fraction | int
    betalbar_akutt_us: int
    betalbar_sen_avbestilling_us: Fraction | int
    betalbar_us: Fraction | int
    timepris: Decimal | None
    belop: Decimal | None
    avvik: tuple[Betalingsavvik, ...] = ()

    # The *_timer properties below share one shape: each is a named figure of the line, read by
    # the API schema, the reports and the invoice control; the conversion is one function, timer.
    @property
    def bestilt_timer(self) -> Fraction:
        return timer(self.bestilt_us)

    @property
    def levert_timer(self) -> Fraction:
        """Ordinary visits (acute extra visits are ``akutt_timer``)."""
        return timer(self.levert_us)

    @property
    def akutt_timer(self) -> Fraction:
        return timer(self.akutt_us)

    @property
    def sen_avbestilt_timer(self) -> Fraction:
        return timer(self.sen_avbestilt_us)

    @property
    def avbestilt_timer(self) -> Fraction:
        return timer(self.avbestilt_us)

    @property
    def betalbar_innenfor_vedtak_timer(self) -> Fraction:
        return timer(self.betalbar_innenfor_vedtak_us)

    @property
    def betalbar_r17_timer(self) -> Fraction:
        return timer(self.betalbar_r17_us)

    @property
    def betalbar_akutt_timer(self) -> Fraction:
        return timer(self.betalbar_akutt_us)

    @property
    def betalbar_sen_avbestilling_timer(self) -> Fraction:
        return timer(self.betalbar_sen_avbestilling_us)

    @property
    def betalbare_timer(self) -> Fraction:
        return timer(self.betalbar_us)

    def som_dict(self) -> dict[str, Any]:
        return {
            "leverandor_id": self.leverandor_id, "bruker_id": str(self.bruker_id),
            "tjenestetype": self.tjenestetype.value, "aar": self.aar, "maaned": self.maaned,
            "bydel": self.bydel, "leveranser": [str(x) for x in self.leveranser],
            "bestilt_timer": str(vis_timer(self.bestilt_timer)),
            "levert_timer": str(vis_timer(self.levert_timer)),
            "akutt_timer": str(vis_timer(self.akutt_timer)),
            "sen_avbestilt_timer": str(vis_timer(self.sen_avbestilt_timer)),
            "antall_besok": self.antall_besok, "antall_avbestilt": self.antall_avbestilt,
            "betalbare_timer": str(vis_timer(self.betalbare_timer)),
            "betalbare_timer_eksakt": str(self.betalbare_timer),
            "timepris": None if self.timepris is None else str(self.timepris),
            "belop": None if self.belop is None else str(self.belop),
            "avvik": [{"arsak": a.arsak, "beskrivelse": a.beskrivelse,
                       "timer": str(vis_timer(a.timer))} for a in self.avvik],
        }


# (Alike in shape only to oppfolging.kontroll.Betalingskontroll: another month, other lines.)
@dataclass(frozen=True)
class Leverandormaaned:
    """A provider's invoice month: the lines, the sums, and what is not payable and why."""

    leverandor_id: str
    aar: int
    maaned: int
    linjer: tuple[Fakturalinje, ...]
    bestilt_timer: Fraction
    levert_timer: Fraction
    betalbare_timer: Fraction
    belop: Decimal | None  # sum of the rounded lines; None if a price is missing
    avvik_timer: dict[str, Fraction] = field(default_factory=dict)
    mangler_pris: tuple[Tjenestetype, ...] = ()


_KOLONNER = RESULTAT_KOLONNER


_Linjenokkel = tuple[str, str, int, int, str | None]  # provider, bruker, year, month, bydel


def _avvik(cur: Cursor, hvor: str, params: Sequence[Any]) -> dict[_Linjenokkel,
                                                                   list[Betalingsavvik]]:
    ut: dict[_Linjenokkel, list[Betalingsavvik]] = {}
    for lev_id, aar, maaned, arsak, leverandor_id, bruker_id, mengde, dager, bydel in cur.execute(
            "SELECT leveranse_id, aar, maaned, arsak, leverandor_id, bruker_id, mengde, dager, "
            f"bydel FROM prj_bt_avvik WHERE {hvor} ORDER BY leveranse_id, del_fom, arsak",
            params).fetchall():
        dagliste = tuple((d, timer(int(m))) for d, m in
                         (x.split("=") for x in dager.split(";") if x))
        ut.setdefault((leverandor_id, bruker_id, aar, maaned, bydel), []).append(Betalingsavvik(
            leverandor_id, UUID(bruker_id), UUID(lev_id), aar, maaned, arsak,
            timer(_tall(mengde)), dagliste))
    return ut


def linjer(cur: Cursor, priser: Timepriser, hvor: str, params: Sequence[Any],
           tjenestetyper: dict[str, str]) -> list[Fakturalinje]:
    """Invoice lines for the result rows matching ``hvor`` (grouped per provider/user/type/month
    and bydel: R24, each bydel is invoiced for its own days)."""
    rader = cur.execute(f"SELECT {_KOLONNER} FROM prj_bt_maaned WHERE {hvor}", params).fetchall()
    avvik = _avvik(cur, hvor, params)
    grupper: dict[tuple[str, str, str, int, int, str], list[tuple[Any, ...]]] = {}
    for r in sorted(rader, key=lambda r: (r[0], r[19])):  # each delivery's parts in date order
        grupper.setdefault((r[3], r[4], r[5], r[1], r[2], r[6] or ""), []).append(r)
    ut = []
    for (leverandor_id, bruker_id, tjenestetype, aar, maaned, _), rr in sorted(
            grupper.items(), key=lambda x: (*x[0][:5], min(r[19] for r in x[1]))):
        def s(i: int, rr: list[tuple[Any, ...]] = rr) -> Fraction | int:
            if len(rr) == 1:
                return _tall(rr[0][i])
            return sum((_tall(r[i]) for r in rr), 0)

        t = Tjenestetype(tjenestetype)
        betalbar = s(17)
        pris = priser.pris(t, aar)
        ut.append(Fakturalinje(
            leverandor_id=leverandor_id, bruker_id=UUID(bruker_id), tjenestetype=t, aar=aar,
            maaned=maaned, bydel=rr[-1][6],
            leveranser=tuple(dict.fromkeys(UUID(r[0]) for r in rr)),
            bestilt_us=s(7), levert_us=int(s(8)), akutt_us=int(s(9)),
            sen_avbestilt_us=int(s(10)), avbestilt_us=int(s(18)), antall_besok=int(s(11)),
            antall_avbestilt=int(s(12)), betalbar_innenfor_vedtak_us=s(13), betalbar_r17_us=s(14),
            betalbar_akutt_us=int(s(15)), betalbar_sen_avbestilling_us=s(16),
            betalbar_us=betalbar, timepris=pris, belop=belop(timer(betalbar), pris),
            avvik=tuple(a for a in avvik.get((leverandor_id, bruker_id, aar, maaned, rr[-1][6]), [])
                        if tjenestetyper.get(str(a.leveranse_id)) == tjenestetype)))
    return ut


def samlet(deler: Sequence[Fakturalinje]) -> Fakturalinje:
    """One user's and tjenestetype's month as a whole from its bydeler's lines (R24): the figures
    added up (the amount is the sum of the rounded lines, as the invoices show), the bydel
    responsible at the month's end."""
    if len(deler) == 1:
        return deler[0]
    sist = deler[-1]

    def s(felt: str) -> Any:
        return sum((getattr(x, felt) for x in deler), 0)

    belop_ = None if any(x.belop is None for x in deler) else sum(
        (x.belop or Decimal(0) for x in deler), Decimal("0.00"))
    return replace(
        sist, leveranser=tuple(dict.fromkeys(i for x in deler for i in x.leveranser)),
        bestilt_us=s("bestilt_us"), levert_us=s("levert_us"), akutt_us=s("akutt_us"),
        sen_avbestilt_us=s("sen_avbestilt_us"), avbestilt_us=s("avbestilt_us"),
        antall_besok=s("antall_besok"), antall_avbestilt=s("antall_avbestilt"),
        betalbar_innenfor_vedtak_us=s("betalbar_innenfor_vedtak_us"),
        betalbar_r17_us=s("betalbar_r17_us"), betalbar_akutt_us=s("betalbar_akutt_us"),
        betalbar_sen_avbestilling_us=s("betalbar_sen_avbestilling_us"),
        betalbar_us=s("betalbar_us"), belop=belop_, avvik=tuple(a for x in deler for a in x.avvik))


def leverandormaaned(cur: Cursor, priser: Timepriser, leverandor_id: str, aar: int,
                     maaned: int) -> Leverandormaaned:
    hvor = "leverandor_id = ? AND aar = ? AND maaned = ?"
    params = (leverandor_id, aar, maaned)
    typer = dict(cur.execute(f"SELECT leveranse_id, tjenestetype FROM prj_bt_maaned WHERE {hvor}",
                             params).fetchall())
    ll = linjer(cur, priser, hvor, params, typer)
    avvik: dict[str, Fraction] = {}
    for linje in ll:
        for a in linje.avvik:
            avvik[a.arsak] = avvik.get(a.arsak, Fraction(0)) + a.timer
    mangler = tuple(sorted({x.tjenestetype for x in ll if x.timepris is None}))
    return Leverandormaaned(
        leverandor_id=leverandor_id, aar=aar, maaned=maaned, linjer=tuple(ll),
        bestilt_timer=timer(sum((x.bestilt_us for x in ll), 0)),
        levert_timer=timer(sum(x.levert_us + x.akutt_us for x in ll)),
        betalbare_timer=timer(sum((x.betalbar_us for x in ll), 0)),
        belop=None if mangler else sum((x.belop or Decimal(0) for x in ll), Decimal("0.00")),
        avvik_timer=dict(sorted(avvik.items())), mangler_pris=mangler)


def bruker_linjer(cur: Cursor, priser: Timepriser, bruker_id: UUID, aar: int,
                  maaned: int) -> list[Fakturalinje]:
    hvor = "bruker_id = ? AND aar = ? AND maaned = ?"
    params = (str(bruker_id), aar, maaned)
    typer = dict(cur.execute(f"SELECT leveranse_id, tjenestetype FROM prj_bt_maaned WHERE {hvor}",
                             params).fetchall())
    return linjer(cur, priser, hvor, params, typer)


def praktisk_bistand_timer(cur: Cursor, bruker_id: UUID, aar: int) -> dict[int, Fraction]:
    """R19 basis: payable hours of praktisk bistand per month of a year, all providers (R05)."""
    ut: dict[int, Fraction] = {}
    for maaned, betalbar in cur.execute(
            "SELECT maaned, betalbar FROM prj_bt_maaned WHERE bruker_id = ? AND aar = ? "
            "AND tjenestetype = ?", (str(bruker_id), aar,
                                     Tjenestetype.PRAKTISK_BISTAND.value)).fetchall():
        ut[maaned] = ut.get(maaned, Fraction(0)) + timer(_tall(betalbar))
    return ut
