"""Labels and number formatting shared by the renderers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from projections.oppfolging.kontroll import BESKRIVELSE, KORT

TJENESTETYPE = {
    "hjemmesykepleie_dag": "Hjemmesykepleie dag",
    "hjemmesykepleie_kveld": "Hjemmesykepleie kveld",
    "hjemmesykepleie_natt": "Hjemmesykepleie natt",
    "hjemmesykepleie_stasjonaer": "Hjemmesykepleie stasjonær",
    "praktisk_bistand": "Praktisk bistand",
}
REGEL = {
    "R11": "R11 Varsel hjemmesykepleie",
    "R12": "R12 Hastevarsel og oppstart 2 t",
    "R13": "R13 Oppstart praktisk bistand 14 d",
    "R16": "R16 Svar på revurdering",
    "R21": "R21 Videresending bekymringsmelding",
}
MAANED = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"]

__all__ = ["BESKRIVELSE", "KORT", "MAANED", "REGEL", "TJENESTETYPE", "desimal", "komma",
           "maanedsnavn", "prosent", "som_tekst"]


def som_tekst(celle: str) -> str:
    """A text cell a spreadsheet will not run as a formula (CSV injection, OWASP): a cell that
    begins with ``=``, ``+``, ``@``, a tab or CR, or ``-`` not followed by a digit (so negative
    numbers stay numbers) is prefixed with ``'``. Nothing the exports write today comes from free
    text (ids, codes, numbers, configured names); this keeps it so if that ever changes."""
    if celle[:1] in ("=", "+", "@", "\t", "\r") or (celle[:1] == "-" and not celle[1:2].isdigit()):
        return "'" + celle
    return celle


def desimal(x: Fraction | Decimal | float | None, siffer: int = 2) -> Decimal | None:
    if x is None:
        return None
    if isinstance(x, Fraction):
        x = Decimal(x.numerator) / Decimal(x.denominator)
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-siffer), ROUND_HALF_UP)


def komma(x: Fraction | Decimal | float | None, siffer: int = 2) -> str:
    """Norwegian decimal comma, no thousands separator (so Excel reads it as a number)."""
    d = desimal(x, siffer)
    return "" if d is None else str(d).replace(".", ",")


def prosent(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.1f}".replace(".", ",") + " %"


def maanedsnavn(m: str) -> str:
    return f"{MAANED[int(m[5:7]) - 1]} {m[:4]}"
