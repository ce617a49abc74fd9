"""Time to build one user's klagesak timeline and as-of state at ~3,000 facts, on PostgreSQL.

    ./bv bench klagesak [--fakta 3000] [--skriv]

One user with a vedtak and a delivery gets a year and more of visits (twice a day) and a switch:
the shape of a long case. "Cold" is a fresh Klagesak (nothing decoded: a case worker opening the
case for the first time); "warm" reuses the events and lines it decoded before. Reports the
median and best wall time of repeated runs, the median CPU time of this process (the share the
machine's other work cannot inflate; PostgreSQL's own time is not in it), and the load average.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as time_

from application.app import BrukervalgApp
from benchmarks._rapport import legg_til_i_benchmarks
from domain import kommandoer as k
from domain.begreper import Aktor, Form, Rolle, Tjenestetype
from domain.kalender import OSLO
from domain.vedtak import Omfang
from projections.klagesak import Klagesak
from tests.pgserver import ThrowawayPostgres

SB = Aktor(person_id="bench-sb", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
VM = Aktor(person_id="bench-vm", rolle=Rolle.VEDTAKSMYNDIG, organisasjon="bydel:frogner")
LEV = Aktor(person_id="bench-lev", rolle=Rolle.LEVERANDOR, organisasjon="leverandor:kommunal")
HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG


NAA = datetime(2026, 3, 5, 12, tzinfo=OSLO)  # the benchmark's recording time


def bygg_sak(app: BrukervalgApp, fakta: int) -> tuple:
    """A case whose visits (two a day) all lie before ``NAA`` (BV8: none reported ahead)."""
    start = datetime.combine(NAA.date() - timedelta(days=(fakta - 20) // 2 + 2), time_(8), OSLO)
    b = app.registrer_bruker(k.RegistrerBruker(fodselsnummer="15108695088", navn="Lang Sak",
                                               bydel="frogner"), SB).id
    v = app.fatt_vedtak(k.FattVedtak(bruker_id=b, tjenestetype=HSP, gyldig_fra=start.date(),
                                     omfang=Omfang(minutter=7 * 90), vedtaksdato=start.date()), VM).id
    lev = app.bestill_leveranse(k.BestillLeveranse(bruker_id=b, tjenestetype=HSP, vedtak_id=v,
                                                   fom=start.date()), SB).id
    besok = [k.RegistrerBesok(leveranse_id=lev, start=start + timedelta(hours=12 * i),
                              slutt=start + timedelta(hours=12 * i, minutes=40), ansatt=f"a-{i % 5}")
             for i in range(fakta - 20)]
    for i in range(0, len(besok), 500):
        app.registrer_besok_samlet(lev, besok[i:i + 500], LEV)
    app.bytt_leverandor(k.ByttLeverandor(bruker_id=b, tjenestetype=HSP, til_leverandor_id="2care",
                                         form=Form.MUNTLIG, oppsigelsesdato=NAA.date()), SB)
    return b, datetime(2026, 3, 5, 13, tzinfo=OSLO)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--fakta", type=int, default=3000)
    p.add_argument("--gjentak", type=int, default=31)
    p.add_argument("--skriv", action="store_true")
    args = p.parse_args()
    with ThrowawayPostgres() as pg:
        app = BrukervalgApp(env={"BRUKERVALG_STORE": "postgres", **pg.env(pg.create_database("ks"))},
                            klokke=lambda: NAA)
        bruker, per = bygg_sak(app, args.fakta)
        maalt: dict[str, list[tuple[float, float]]] = {
            "kald_linje": [], "kald_tilstand": [], "linje": [], "tilstand": []}

        def maal(navn: str, f: Callable[[], object]) -> object:
            c0, t0 = time.process_time(), time.perf_counter()
            svar = f()
            maalt[navn].append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
            return svar

        last_for = os.getloadavg()[0]
        for _ in range(args.gjentak):
            # Cold: a fresh Klagesak, nothing decoded yet. As in a server, the previous case's
            # decoded events are still alive while the next one is read.
            ks = Klagesak(app)
            maal("kald_linje", functools.partial(ks.tidslinje, bruker))
            ks2 = Klagesak(app)
            maal("kald_tilstand", functools.partial(ks2.tilstand_per, bruker, per))
        ks = Klagesak(app)
        ks.tidslinje(bruker)
        for _ in range(args.gjentak):
            maal("linje", lambda: ks.tidslinje(bruker))
            maal("tilstand", lambda: ks.tilstand_per(bruker, per))
        antall, antall_per = len(ks.tidslinje(bruker)), ks.tilstand_per(bruker, per).antall_fakta
        last_etter = os.getloadavg()[0]
        app.close()

    def rad(navn: str, n: int, ms: list[tuple[float, float]]) -> str:
        vegg = [m[0] for m in ms]
        return (f"| {navn} | {n} | {statistics.median(vegg):.1f} | {min(vegg):.1f} | "
                f"{statistics.median(m[1] for m in ms):.1f} |")

    tabell = ["| måling | fakta | median ms | beste ms | median CPU ms |", "|---|---:|---:|---:|---:|",
              rad("tidslinje med kjedelenker, kald (første visning)", antall, maalt["kald_linje"]),
              rad("tilstand slik den var kjent, kald", antall_per, maalt["kald_tilstand"]),
              rad("tidslinje, varm (hendelser dekodet før)", antall, maalt["linje"]),
              rad("tilstand slik den var kjent, varm", antall_per, maalt["tilstand"]),
              "", f"{args.gjentak} runs each; load average {last_for:.1f} before, {last_etter:.1f} after "
              f"(2 cores)."]
    tekst = "\n".join(tabell)
    print(tekst)
    if args.skriv:
        legg_til_i_benchmarks("Klagesak", f"./bv bench klagesak --fakta {args.fakta}", tekst)


if __name__ == "__main__":
    main()
