"""From the payable-hours projection's stored rows to the domain's month computation.

No rule lives here: ``domain/betaling.py`` decides what is ordered, delivered and payable
(R17, R18, R18a, R20, R23). This module only turns the text columns of ``prj_bt_*`` into its
``Grunnlag`` and its result back into the columns of ``prj_bt_maaned`` and ``prj_bt_avvik``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import betaling
from domain.begreper import Sluttarsak
from domain.betaling import Grunnlag, Maanedsresultat, Omfangsperiode
from projections.rows import brok_tekst, dato, tid


def omfangsperiode(fra: str, minutter: Any, per_uker: Any) -> Omfangsperiode:
    return Omfangsperiode(date.fromisoformat(fra), int(minutter), int(per_uker))


def grunnlag(aar: int, maaned: int, lev: tuple[Any, ...], bruker: tuple[Any, ...] | None,
             vedtak: tuple[Any, ...] | None, omfang: tuple[Omfangsperiode, ...],
             revurderinger: list[tuple[str, str, str | None]], dager: dict[str, list[int]],
             antall: dict[str, int], sen_avbestilling_betalbar: bool,
             del_fom: date | None = None, del_tom: date | None = None) -> Grunnlag:
    """``lev``: (id, bruker, tjenestetype, leverandor, fom, tom, vedtak); ``bruker``: (id,
    sluttdato, sluttarsak); ``vedtak``: (id, gyldig_fra, gyldig_til); revurderinger:
    (leverandor, anmodet, besvart) on the delivery's vedtak."""
    return Grunnlag(
        aar=aar, maaned=maaned,
        leveranse_fom=date.fromisoformat(lev[4]), leveranse_tom=dato(lev[5]),
        har_vedtak=vedtak is not None,
        vedtak_fra=date.fromisoformat(vedtak[1]) if vedtak else None,
        vedtak_til=dato(vedtak[2]) if vedtak else None,
        omfang=omfang if vedtak else (),
        sluttdato=dato(bruker[1]) if bruker else None,
        dodsfall=not bruker or bruker[2] != Sluttarsak.FLYTTET.value,
        ubesvart=betaling.ubesvarte_dager(
            ((lv, tid(a), tid(b) if b else None) for lv, a, b in revurderinger), lev[3]),
        dager=dager, antall=antall, sen_avbestilling_betalbar=sen_avbestilling_betalbar,
        del_fom=del_fom, del_tom=del_tom)


RESULTAT_KOLONNER = (
    "leveranse_id, aar, maaned, leverandor_id, bruker_id, tjenestetype, bydel, bestilt, "
    "levert_ordinaer, levert_akutt, sen_avbestilt, antall_besok, antall_avbestilt, "
    "betalbar_innenfor, betalbar_r17, betalbar_akutt, betalbar_sen_avbestilling, betalbar, "
    "avbestilt, del_fom")
RESULTAT_TYPER = ("text", "bigint", "bigint", "text", "text", "text", "text", "text", "bigint",
                  "bigint", "bigint", "bigint", "bigint", "text", "text", "bigint", "text",
                  "text", "bigint", "text")


def resultatrad(lev: tuple[Any, ...], aar: int, maaned: int, bydel: str | None,
                r: Maanedsresultat, del_fom: date) -> tuple[Any, ...]:
    return (lev[0], aar, maaned, lev[3], lev[1], lev[2], bydel, brok_tekst(r.bestilt),
            r.levert_ordinaer, r.levert_akutt, r.sen_avbestilt, r.antall_besok,
            r.antall_avbestilt, brok_tekst(r.betalbar_innenfor), brok_tekst(r.betalbar_r17),
            r.betalbar_akutt, brok_tekst(r.betalbar_sen_avbestilling), brok_tekst(r.betalbar),
            r.avbestilt, del_fom.isoformat())


def avviksrader(lev: tuple[Any, ...], aar: int, maaned: int, r: Maanedsresultat, del_fom: date,
                bydel: str | None) -> list[tuple[Any, ...]]:
    return [(lev[0], aar, maaned, a.arsak, lev[3], lev[1], brok_tekst(a.mengde),
             ";".join(f"{d.isoformat()}={m}" for d, m in a.dager), del_fom.isoformat(), bydel)
            for a in r.avvik]
