"""Deadline worklist (arbeidsliste): what each party still owes, before it is breached.

Built on the SLA projection's obligation rows, which ``domain.frister.forpliktelser`` decided;
whether one is still owed and how soon it falls due is read through ``frister.status_naa`` and
``frister.forfall`` — this module filters and sorts, it decides nothing.

- A bydel: its obligations (notify the provider, answer a revurdering) and the appeal deadlines
  of its users (R25, owed by the user, followed by the bydel), sorted by deadline.
- A provider: its own (start within 2 hours, start within 14 days, forward a concern report).
- Velferdsetaten: counts per provider and bydel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from domain import frister
from domain.frister import Skyldig

BYDELENS = (Skyldig.BYDEL.value, Skyldig.BRUKER.value)
LEVERANDORENS = (Skyldig.LEVERANDOR.value,)


@dataclass(frozen=True)
class Oppgave:
    plikt_id: str
    regel: str
    plikt: str
    skyldig: str
    utlost_av: str
    bruker_id: str
    leverandor_id: str | None
    tjenestetype: str | None
    bydel: str | None
    frist: str
    status: Literal["apen", "brutt"]  # overdue, still owed: brutt (only what is owed is listed)
    forfalt: bool
    timer_igjen: int
    virkedager_igjen: int
    forfall: str
    merknad: str
    inklusiv: bool = True

    @property
    def fristen(self) -> frister.Frist:
        return frister.Frist.fra_tekst(self.frist, self.inklusiv)


@dataclass(frozen=True)
class Arbeidsliste:
    totalt: int
    forfalt: int
    elementer: list[Oppgave]


def oppgaver(p: Any, naa: datetime, skyldige: tuple[str, ...], *, bydel: str | None = None,
             leverandor_id: str | None = None, bruker_id: str | None = None,
             tjenestetype: str | None = None, regel: str | None = None,
             frist_foer: datetime | None = None) -> list[Oppgave]:
    """Every obligation still owed at ``naa`` by one of ``skyldige``, sorted by deadline."""
    rader = p.sla(leverandor_id=leverandor_id, bydel=bydel, regel=regel, naa=naa,
                  bruker_id=bruker_id, tjenestetype=tjenestetype, bare_utestaaende=True,
                  frist_foer=frist_foer)
    ut = []
    for r in rader:
        if r.skyldig not in skyldige:
            continue
        f = frister.forfall(r.fristen, naa)
        ut.append(Oppgave(r.plikt_id, r.regel, r.plikt, r.skyldig, r.utlost_av, r.bruker_id,
                          r.leverandor_id, r.tjenestetype, r.bydel, r.frist, r.status,
                          f.forfalt, f.timer, f.virkedager, f.tekst(), r.merknad, r.inklusiv))
    return ut


def side(alle: list[Oppgave], fra: int, antall: int) -> Arbeidsliste:
    return Arbeidsliste(len(alle), sum(1 for x in alle if x.forfalt), alle[fra:fra + antall])


@dataclass(frozen=True)
class Opptelling:
    leverandor_id: str | None
    bydel: str | None
    skyldig: str
    apne: int
    forfalte: int


def oversikt(p: Any, naa: datetime) -> list[Opptelling]:
    """Velferdsetaten: still-owed obligations counted per provider, bydel and who owes them."""
    tall: dict[tuple[str | None, str | None, str], list[int]] = {}
    for x in oppgaver(p, naa, (*BYDELENS, *LEVERANDORENS)):
        t = tall.setdefault((x.leverandor_id, x.bydel, x.skyldig), [0, 0])
        t[1 if x.forfalt else 0] += 1
    return [Opptelling(lev, by, sk, a, f) for (lev, by, sk), (a, f) in
            sorted(tall.items(), key=lambda kv: tuple(v or "" for v in kv[0]))]
