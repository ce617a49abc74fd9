"""The `brukervalg` command line: the main job, the demo and operator tasks."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import TextIO
from uuid import UUID

from application.app import BrukervalgApp
from application.beskrivelse import Beskriver
from application.demo import DemoKlokke, last_demo
from domain.kalender import lokal


def _app(klokke: DemoKlokke | None = None) -> BrukervalgApp:
    return BrukervalgApp(klokke=klokke)


def _tom(app: BrukervalgApp) -> bool:
    return not app.recorder.select_notifications(start=1, limit=1)


def skriv_historikk(app: BrukervalgApp, bruker_id: UUID, ut: TextIO | None = None) -> None:
    """Print a user's whole history, one fact a line, with recorded time and actor."""
    ut = ut or sys.stdout
    b = app.bruker(bruker_id)
    beskriv = Beskriver(app.ref)
    print(f"\n== {b.navn} (bruker {b.id}), bydel {b.bydel}"
          + (f", død {b.dodsdato:%d.%m.%Y}" if b.dodsdato else ""), file=ut)
    for e in app.hendelser_for_bruker(bruker_id):
        if type(e).__name__ == "BesokUtfort":
            continue  # visits are counted below, not listed one by one
        print(f"  {lokal(e.timestamp):%d.%m.%Y %H:%M}  {beskriv(e):<100}  "
              f"[{e.aktor.rolle.value} {e.aktor.person_id}, {e.aktor.organisasjon}]",
              file=ut)
    for lid in b.leveranser:
        lev = app.leveranse(lid)
        if lev.besok:
            navn = app.ref.leverandorer[lev.leverandor_id].navn
            print(f"  ... {len(lev.besok)} besøk registrert av {navn}", file=ut)


def demo(args: argparse.Namespace) -> int:
    klokke = DemoKlokke()
    app = _app(klokke)
    if _tom(app):
        brukere = last_demo(app, klokke)
        print(f"Demodata lastet i {app.env.get('SQLITE_DBNAME') or 'lageret'}.")
    else:
        brukere = sorted({n.originator_id for n in app.recorder.select_notifications(
            start=1, limit=100_000, topics=["domain.bruker:BrukerRegistrert"])})
        print("Lageret har allerede data; viser historikken.")
    for bruker_id in brukere:
        skriv_historikk(app, bruker_id)
    app.close()
    return 0


def historikk(args: argparse.Namespace) -> int:
    app = _app()
    ident = args.bruker
    bruker_id = app.finn_bruker_id(ident) if ident.isdigit() else UUID(ident)
    if bruker_id is None:
        print("Fant ingen bruker.", file=sys.stderr)
        return 1
    skriv_historikk(app, bruker_id)
    return 0


def _fremdriftslinje(tekst: str) -> None:
    print(f"\r{tekst}", end="", file=sys.stderr, flush=True)


def importer(args: argparse.Namespace) -> int:
    """Import a provider's time report file; write the line-by-line receipt as CSV."""
    from application.tidsrapport import KVITTERING_HODE, Tidsrapportimport, kvittering_csv_linje
    from domain.felles import Aktor, Rolle

    app = _app()
    aktor = Aktor(person_id=args.person, rolle=Rolle.LEVERANDOR,
                  organisasjon=f"leverandor:{args.leverandor}")
    ut = open(args.kvittering, "w", encoding="utf-8") if args.kvittering else None  # noqa: SIM115
    if ut:
        print(KVITTERING_HODE, file=ut)
    start = time.perf_counter()

    def fremdrift(n: int) -> None:
        rate = n / max(time.perf_counter() - start, 1e-9)
        _fremdriftslinje(f"{n:>10,} linjer  {rate:,.0f} linjer/s")

    try:
        s = Tidsrapportimport(app, args.leverandor, aktor).importer(
            lambda: open(args.fil, encoding="utf-8-sig", newline=""), streng=args.streng,
            kvittering=(lambda k: print(kvittering_csv_linje(k), file=ut)) if ut else None,
            fremdrift=fremdrift)
    finally:
        if ut:
            ut.close()
    print(file=sys.stderr)
    print(f"{s.linjer} linjer: {s.godtatt} godtatt, {s.allerede_registrert} allerede registrert, "
          f"{s.avvist} avvist {dict(sorted(s.avvisninger_per_regel.items()))}; "
          f"{'lagret' if s.lagret else 'INGENTING LAGRET (streng modus)'}; {s.sekunder:.1f} s")
    return 0 if s.lagret else 1


def lag_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="brukervalg", description=__doc__)
    sub = p.add_subparsers(dest="kommando", required=True)
    sub.add_parser("start", help="the main job: load the demo on first start and show it").set_defaults(
        func=demo)
    sub.add_parser("demo", help="load the demo story (if the store is empty) and print the histories"
                   ).set_defaults(func=demo)
    h = sub.add_parser("historikk", help="print one user's full history")
    h.add_argument("bruker", help="bruker id (uuid) or fødselsnummer")
    h.set_defaults(func=historikk)
    i = sub.add_parser(
        "importer", help="import a provider's time report (CSV format: application/tidsrapport.py)")
    i.add_argument("fil")
    i.add_argument("--leverandor", required=True, help="the provider whose report it is")
    i.add_argument("--person", default="import", help="who uploads it (person id)")
    i.add_argument("--streng", action="store_true", help="record nothing if any line is rejected")
    i.add_argument("--kvittering", help="write the line-by-line receipt to this CSV file")
    i.set_defaults(func=importer)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = lag_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
