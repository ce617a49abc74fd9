"""Betalingskontroll (R18, R18a, R20, R23): what the provider claims next to what is payable.

The provider's invoice basis (fakturagrunnlag) is a CSV file in the time report's style
(UTF-8, header line, ``;`` or ``,``)::

    bruker;tjenestetype;timer;belop
    5f0c…-bruker-id;hjemmesykepleie_dag;31,50;24 207,75

``timer`` and ``belop`` accept a decimal comma or point and spaces as thousands separators,
at most four decimals, never negative (no NaN, infinity or exponent); lines end in LF or CRLF
(a bare CR is refused, as in the time report); ``belop`` may be empty (then only hours are
compared). One line per user and tjenestetype; two lines for the same pair are added together.

Every difference between claimed and payable hours is explained, in this order: the projection's
deviations (time claimed and not paid, with their reason: over vedtak, outside the delivery
period, after death or moving out, without vedtak, late cancellation not payable); then planned
time of visits cancelled in time (R20: a cancelled visit is not delivered time; its time is in
the month where ``domain.betaling.plasser`` puts it, as in payable hours); what remains is
unexplained (typically visits the time report import rejected, or never reported).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from uuid import UUID

from domain.begreper import Tjenestetype
from domain.betaling import Avviksarsak
from projections.fakturering import Fakturalinje, Leverandormaaned, samlet, vis_timer

TOLERANSE = Fraction(1, 200)  # claims are written with two decimals: |difference| < 0.005 h is none

AVBESTILT = "avbestilt"
UFORKLART = "uforklart"
BESKRIVELSE = {**Avviksarsak.BESKRIVELSE,
               AVBESTILT: "krevd for avbestilte besøk, ikke levert tid (R20)",
               UFORKLART: "krevd ut over registrert levert tid (besøk avvist i tidsrapporten "
                          "eller ikke rapportert)"}
KORT = {
    Avviksarsak.OVER_VEDTAK: "over bestilt tid",
    Avviksarsak.UTENFOR_LEVERANSEPERIODE: "utenfor leveranseperioden",
    Avviksarsak.ETTER_DODSFALL: "etter dødsfall",
    Avviksarsak.ETTER_UTFLYTTING: "etter utflytting",
    Avviksarsak.UTEN_VEDTAK: "uten vedtak",
    Avviksarsak.SEN_AVBESTILLING: "sen avbestilling",
    AVBESTILT: "avbestilt",
    UFORKLART: "uforklart",
}


class Avstemmingsstatus:
    OK = "ok"
    FORKLART = "differanse forklart"
    UFORKLART = "uforklart differanse"
    UTEN_GRUNNLAG = "krav uten betalbart grunnlag"
    IKKE_KREVD = "betalbart, ikke krevd"
    UNDER = "krevd mindre enn betalbart"


class Grunnlagsfeil(ValueError):
    """A line of the invoice basis cannot be read (line number and reason)."""


@dataclass(frozen=True)
class Krav:
    bruker_id: UUID
    tjenestetype: Tjenestetype
    timer: Fraction
    belop: Decimal | None


# A number as a person writes it in a spreadsheet: digits, at most four decimals. Not NaN,
# infinity or an exponent (1e999999999 would be a number of a billion digits).
_TALL = re.compile(r"^-?[0-9]{1,12}(?:\.[0-9]{1,4})?$")


def _desimal(tekst: str, felt: str, nr: int) -> Decimal:
    rent = tekst.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not _TALL.match(rent):
        raise Grunnlagsfeil(f"linje {nr}: {felt} er ikke et tall: {tekst!r}")
    try:
        tall = Decimal(rent)
    except InvalidOperation:
        raise Grunnlagsfeil(f"linje {nr}: {felt} er ikke et tall: {tekst!r}") from None
    if tall < 0:
        raise Grunnlagsfeil(f"linje {nr}: {felt} kan ikke være negativ: {tekst!r}")
    return tall


def les_fakturagrunnlag(tekst: str) -> list[Krav]:
    """Parse an invoice basis file (see the module doc); raises ``Grunnlagsfeil``."""
    tekst = tekst.lstrip("\ufeff")
    if (cr := re.search("\r(?!\n)", tekst)) is not None:  # as for the time report
        raise Grunnlagsfeil(f"linje {tekst.count(chr(10), 0, cr.start()) + 1} slutter med CR "
                            "alene (gammelt Mac-format); lagre filen med LF eller CRLF")
    linjer = tekst.split("\n")
    linjer = [x.removesuffix("\r") for x in linjer]
    if not linjer or not linjer[0].strip():
        raise Grunnlagsfeil("filen er tom")
    skille = ";" if linjer[0].count(";") >= linjer[0].count(",") else ","
    leser = csv.reader(io.StringIO("\n".join(linjer)), delimiter=skille)
    hode = [h.strip().lower() for h in next(leser)]
    for k in ("bruker", "tjenestetype", "timer"):
        if k not in hode:
            raise Grunnlagsfeil(f"overskriften mangler {k}; kolonnene er bruker;tjenestetype;"
                                "timer;belop")
    ut: dict[tuple[UUID, Tjenestetype], Krav] = {}
    for nr, rad in enumerate(leser, start=2):
        if not any(x.strip() for x in rad):
            continue
        r = dict(zip(hode, (x.strip() for x in rad), strict=False))
        try:
            bruker = UUID(r.get("bruker", ""))
        except ValueError:
            raise Grunnlagsfeil(f"linje {nr}: bruker er ikke en bruker-id: "
                                f"{r.get('bruker')!r}") from None
        try:
            tt = Tjenestetype(r.get("tjenestetype", ""))
        except ValueError:
            raise Grunnlagsfeil(f"linje {nr}: ukjent tjenestetype {r.get('tjenestetype')!r}") \
                from None
        t = Fraction(_desimal(r.get("timer", ""), "timer", nr))
        b = _desimal(r["belop"], "belop", nr) if r.get("belop") else None
        gml = ut.get((bruker, tt))
        if gml is not None:
            t += gml.timer
            b = None if b is None or gml.belop is None else b + gml.belop
        ut[(bruker, tt)] = Krav(bruker, tt, t, b)
    return list(ut.values())


@dataclass(frozen=True)
class Kontrollinje:
    """One user and tjenestetype: payable next to claimed, and why they differ."""

    bruker_id: UUID
    tjenestetype: Tjenestetype
    bydel: str | None
    bestilt_timer: Fraction
    levert_timer: Fraction  # ordinary + documented acute extra visits
    akutt_timer: Fraction
    betalbare_timer: Fraction
    timepris: Decimal | None
    betalbart_belop: Decimal | None
    krevd_timer: Fraction | None
    krevd_belop: Decimal | None
    forklaring: tuple[tuple[str, Fraction], ...]  # (reason, hours), summing to the difference
    status: str

    @property
    def differanse_timer(self) -> Fraction | None:
        return None if self.krevd_timer is None else self.krevd_timer - self.betalbare_timer

    @property
    def differanse_belop(self) -> Decimal | None:
        if self.krevd_belop is None:
            return None
        return self.krevd_belop - (self.betalbart_belop or Decimal("0.00"))

    def forklaring_tekst(self) -> str:
        return "; ".join(f"{KORT.get(a, a)} {str(vis_timer(t)).replace('.', ',')} t"
                         for a, t in self.forklaring if t)


@dataclass(frozen=True)
class Betalingskontroll:
    leverandor_id: str
    aar: int
    maaned: int
    linjer: tuple[Kontrollinje, ...]
    betalbare_timer: Fraction
    betalbart_belop: Decimal | None
    krevd_timer: Fraction
    krevd_belop: Decimal | None
    per_arsak: dict[str, Fraction] = field(default_factory=dict)

    @property
    def antall_per_status(self) -> dict[str, int]:
        ut: dict[str, int] = {}
        for x in self.linjer:
            ut[x.status] = ut.get(x.status, 0) + 1
        return ut


def kontroller(mnd: Leverandormaaned, krav: Iterable[Krav] | None) -> Betalingskontroll:
    """Compare a provider's month (``Projections.betalbare_timer``) with its claims.

    Every hour comes from the invoice lines, so a visit or cancellation is in the same day and
    month here as in payable hours (``domain.betaling.plasser``). Without claims
    (``krav=None``) the control lists what is payable and the deviations.
    """
    kravliste = {(k.bruker_id, k.tjenestetype): k for k in (krav or ())}
    har_krav = krav is not None
    ut: list[Kontrollinje] = []
    per_arsak: dict[str, Fraction] = {}
    sett: set[tuple[UUID, Tjenestetype]] = set()
    # A claim names no bydel: a month split by a move (R24) is compared as a whole.
    per_bruker: dict[tuple[UUID, Tjenestetype], list[Fakturalinje]] = {}
    for x in mnd.linjer:
        per_bruker.setdefault((x.bruker_id, x.tjenestetype), []).append(x)
    for li in (samlet(deler) for deler in per_bruker.values()):
        nokkel = (li.bruker_id, li.tjenestetype)
        sett.add(nokkel)
        k = kravliste.get(nokkel)
        avvik: dict[str, Fraction] = {}
        for av in li.avvik:
            avvik[av.arsak] = avvik.get(av.arsak, Fraction(0)) + av.timer
        betalbar = li.betalbare_timer
        levert = li.levert_timer + li.akutt_timer
        if k is None:
            forklaring = tuple(sorted(avvik.items()))
            status = Avstemmingsstatus.IKKE_KREVD if har_krav and betalbar > 0 else Avstemmingsstatus.OK
            if not har_krav and avvik:
                status = Avstemmingsstatus.FORKLART
            ut.append(Kontrollinje(li.bruker_id, li.tjenestetype, li.bydel, li.bestilt_timer,
                                   levert, li.akutt_timer, betalbar, li.timepris, li.belop,
                                   None, None, forklaring, status))
            for a, t in forklaring:
                per_arsak[a] = per_arsak.get(a, Fraction(0)) + t
            continue
        rest = k.timer - betalbar
        forklaring_l: list[tuple[str, Fraction]] = []
        if rest > TOLERANSE:
            for a, t in sorted(avvik.items()):
                brukt = min(t, rest)
                if brukt > 0:
                    forklaring_l.append((a, brukt))
                    rest -= brukt
            avb = li.avbestilt_timer  # late cancellations are already a deviation
            if rest > TOLERANSE and avb > 0:
                brukt = min(avb, rest)
                forklaring_l.append((AVBESTILT, brukt))
                rest -= brukt
            if rest > TOLERANSE:
                forklaring_l.append((UFORKLART, rest))
        diff = k.timer - betalbar
        if abs(diff) <= TOLERANSE:
            status = Avstemmingsstatus.OK
        elif diff < 0:
            status = Avstemmingsstatus.UNDER
        elif any(a == UFORKLART for a, _ in forklaring_l):
            status = Avstemmingsstatus.UFORKLART
        else:
            status = Avstemmingsstatus.FORKLART
        for a, t in forklaring_l:
            per_arsak[a] = per_arsak.get(a, Fraction(0)) + t
        ut.append(Kontrollinje(li.bruker_id, li.tjenestetype, li.bydel, li.bestilt_timer, levert,
                               li.akutt_timer, betalbar, li.timepris, li.belop, k.timer, k.belop,
                               tuple(forklaring_l), status))
    for nokkel, k in sorted(kravliste.items(), key=lambda x: (str(x[0][0]), x[0][1].value)):
        if nokkel in sett:
            continue
        null = Fraction(0)
        ut.append(Kontrollinje(k.bruker_id, k.tjenestetype, None, null, null, null, null, None,
                               None, k.timer, k.belop, ((UFORKLART, k.timer),),
                               Avstemmingsstatus.UTEN_GRUNNLAG))
        per_arsak[UFORKLART] = per_arsak.get(UFORKLART, Fraction(0)) + k.timer
    kravsum = sum((k.timer for k in kravliste.values()), Fraction(0))
    belopene = [k.belop for k in kravliste.values()]
    krevd_belop = (sum((b for b in belopene if b is not None), Decimal("0.00"))
                   if belopene and all(b is not None for b in belopene) else None)
    return Betalingskontroll(mnd.leverandor_id, mnd.aar, mnd.maaned, tuple(ut),
                             mnd.betalbare_timer, mnd.belop, kravsum, krevd_belop,
                             dict(sorted(per_arsak.items())))
