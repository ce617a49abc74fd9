"""Time to build one user's klagesak timeline and as-of state at ~3,000 facts, on PostgreSQL.

    ./bv bench klagesak [--fakta 3000] [--skriv]

One user with a vedtak and a delivery gets a year and more of visits (twice a day), a switch, a
revurdering and a death: the realistic shape of a long case. Reports the median of repeated runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from application import kommandoer as k
from application.app import BrukervalgApp
from application.klagesak import Klagesak
from domain.felles import Aktor, Form, Rolle, Tjenestetype
from domain.kalender import OSLO
from domain.vedtak import Omfang
from tests.pgserver import ThrowawayPostgres

SB = Aktor(person_id="bench-sb", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
VM = Aktor(person_id="bench-vm", rolle=Rolle.VEDTAKSMYNDIG, organisasjon="bydel:frogner")
LEV = Aktor(person_id="bench-lev", rolle=Rolle.LEVERANDOR, organisasjon="leverandor:kommunal")
HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG


def bygg_sak(app: BrukervalgApp, fakta: int) -> tuple:
    b = app.registrer_bruker(k.RegistrerBruker(fodselsnummer="15108695088", navn="Lang Sak",
                                               bydel="frogner"), SB).id
    v = app.fatt_vedtak(k.FattVedtak(bruker_id=b, tjenestetype=HSP, gyldig_fra=date(2024, 6, 3),
                                     omfang=Omfang(minutter=7 * 90), vedtaksdato=date(2024, 6, 1)), VM).id
    lev = app.bestill_leveranse(k.BestillLeveranse(bruker_id=b, tjenestetype=HSP, vedtak_id=v,
                                                   fom=date(2024, 6, 3)), SB).id
    start = datetime(2024, 6, 3, 8, tzinfo=OSLO)
    besok = [k.RegistrerBesok(leveranse_id=lev, start=start + timedelta(hours=12 * i),
                              slutt=start + timedelta(hours=12 * i, minutes=40), ansatt=f"a-{i % 5}")
             for i in range(fakta - 20)]
    for i in range(0, len(besok), 500):
        app.registrer_besok_samlet(lev, besok[i:i + 500], LEV)
    app.bytt_leverandor(k.ByttLeverandor(bruker_id=b, tjenestetype=HSP, til_leverandor_id="2care",
                                         form=Form.MUNTLIG, oppsigelsesdato=date(2026, 3, 5)), SB)
    return b, datetime(2026, 3, 5, 13, tzinfo=OSLO)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--fakta", type=int, default=3000)
    p.add_argument("--gjentak", type=int, default=15)
    p.add_argument("--skriv", action="store_true")
    args = p.parse_args()
    with ThrowawayPostgres() as pg:
        app = BrukervalgApp(env={"BRUKERVALG_STORE": "postgres", **pg.env(pg.create_database("ks"))},
                            klokke=lambda: datetime(2026, 3, 5, 12, tzinfo=OSLO))
        bruker, per = bygg_sak(app, args.fakta)
        linje, tilstand, kald_linje, kald_tilstand = [], [], [], []
        for _ in range(args.gjentak):
            ks = Klagesak(app)  # cold: nothing decoded yet
            t0 = time.perf_counter()
            ks.tidslinje(bruker)
            t1 = time.perf_counter()
            ks2 = Klagesak(app)
            ks2.tilstand_per(bruker, per)
            kald_linje.append((t1 - t0) * 1000)
            kald_tilstand.append((time.perf_counter() - t1) * 1000)
        ks = Klagesak(app)
        ks.tidslinje(bruker)
        for _ in range(args.gjentak):
            t0 = time.perf_counter()
            poster = ks.tidslinje(bruker)
            t1 = time.perf_counter()
            s = ks.tilstand_per(bruker, per)
            t2 = time.perf_counter()
            linje.append((t1 - t0) * 1000)
            tilstand.append((t2 - t1) * 1000)
        app.close()
    def rad(navn: str, n: int, ms: list[float]) -> str:
        return f"| {navn} | {n} | {statistics.median(ms):.1f} | {min(ms):.1f} |"

    tabell = ["| måling | fakta | median ms | beste ms |", "|---|---:|---:|---:|",
              rad("tidslinje med kjedelenker, kald (første visning)", len(poster), kald_linje),
              rad("tilstand slik den var kjent, kald", s.antall_fakta, kald_tilstand),
              rad("tidslinje, varm (hendelser dekodet før)", len(poster), linje),
              rad("tilstand slik den var kjent, varm", s.antall_fakta, tilstand)]
    tekst = "\n".join(tabell)
    print(tekst)
    if args.skriv:
        sti = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
        with sti.open("a", encoding="utf-8") as f:
            f.write(f"\n### Klagesak, {datetime.now():%Y-%m-%d %H:%M} (`./bv bench klagesak "
                    f"--fakta {args.fakta}`)\n\n{tekst}\n")


if __name__ == "__main__":
    main()
