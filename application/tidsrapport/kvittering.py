"""What an import answers: a receipt per line (accepted, already recorded, or rejected naming
the rule and the field), the import's summary, counted as each chunk's save succeeds, and a
receipt as a line of the receipt CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from application.tidsrapport import kolonner as tk


class Linjestatus(StrEnum):
    GODTATT = "godtatt"
    ALLEREDE_REGISTRERT = "allerede_registrert"
    AVVIST = "avvist"


@dataclass(frozen=True)
class Linjekvittering:
    linje: int
    status: Linjestatus
    regel: str | None = None
    felt: str | None = None
    melding: str = ""
    leveranse_id: UUID | None = None


@dataclass
class Sammendrag:
    linjer: int = 0
    godtatt: int = 0
    allerede_registrert: int = 0
    avvist: int = 0
    hendelser: int = 0
    sekunder: float = 0.0
    streng: bool = False
    lagret: bool = True
    kolonnevis: int = 0  # lines decided column-wise (the rest line by line)
    avvisninger_per_regel: dict[str, int] = field(default_factory=dict)

    def tell(self, k: Linjekvittering) -> None:
        self.linjer += 1
        if k.status is Linjestatus.GODTATT:
            self.godtatt += 1
        elif k.status is Linjestatus.ALLEREDE_REGISTRERT:
            self.allerede_registrert += 1
        else:
            self.avvist += 1
            regel = k.regel or "?"
            self.avvisninger_per_regel[regel] = self.avvisninger_per_regel.get(regel, 0) + 1


_Kv = tuple[int, Linjestatus, str | None, str | None, str, UUID | None]  # a receipt, before it is one


def _tell(kvitteringer: list[_Kv], ut: Sammendrag,
          kvittering: Callable[[Linjekvittering], None] | None) -> None:
    ut.linjer += len(kvitteringer)
    for k in kvitteringer:
        if k[1] is Linjestatus.GODTATT:
            ut.godtatt += 1
        elif k[1] is Linjestatus.ALLEREDE_REGISTRERT:
            ut.allerede_registrert += 1
        else:
            ut.avvist += 1
            regel = k[2] or "?"
            ut.avvisninger_per_regel[regel] = ut.avvisninger_per_regel.get(regel, 0) + 1
        if kvittering:
            kvittering(Linjekvittering(k[0], k[1], k[2], k[3], k[4], k[5]))


def _tell_kolonnevis(avgjort: tk.Avgjort, ut: Sammendrag,
                     kvittering: Callable[[Linjekvittering], None] | None) -> None:
    """A column-wise block's receipts: every line accepted, as new or as already recorded."""
    linjer = avgjort.linjer
    nye = int(linjer["ny"].sum())
    ut.linjer += linjer.height
    ut.kolonnevis += linjer.height
    ut.godtatt += nye
    ut.allerede_registrert += linjer.height - nye
    if kvittering:
        ider = avgjort.leveranse_ider
        GODTATT, ALLEREDE = Linjestatus.GODTATT, Linjestatus.ALLEREDE_REGISTRERT
        for linje, ny, lev in linjer.iter_rows():
            kvittering(Linjekvittering(linje, GODTATT if ny else ALLEREDE, None, None, "",
                                       ider[lev]))


def kvittering_csv_linje(k: Linjekvittering) -> str:
    felt = [str(k.linje), k.status.value, k.regel or "", k.felt or "", k.melding.replace(";", ","),
            str(k.leveranse_id or "")]
    return ";".join(felt)


KVITTERING_HODE = "linje;status;regel;felt;melding;leveranse_id"
