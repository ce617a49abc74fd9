"""The case worker's commands: a bruker's history, and the klagesak export."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TextIO
from uuid import UUID

from application.app import BrukervalgApp
from domain import kalender
from interfaces.cli.base import _app, _finn_bruker, _skriv_ut
from interfaces.norsk import tall, tidspunkt
from projections.beskrivelse import Beskriver


def skriv_historikk(app: BrukervalgApp, bruker_id: UUID, ut: TextIO | None = None) -> None:
    """Print a user's whole history, one fact a line, with recorded time and actor."""
    ut = ut or sys.stdout
    b = app.bruker(bruker_id)
    beskriv = Beskriver(app.ref)
    bydel = b.bydel_paa(kalender.lokal_dato(app.klokke()))
    print(f"\n== {b.navn} (bruker {b.id}), bydel {bydel}"
          + (f", død {b.dodsdato:%d.%m.%Y}" if b.dodsdato else ""), file=ut)
    for e in app.hendelser_for_bruker(bruker_id):
        if type(e).__name__ == "BesokUtfort":
            continue  # visits are counted below, not listed one by one
        print(f"  {tidspunkt(e.timestamp)}  {beskriv(e):<100}  "
              f"[{e.aktor.rolle.value} {e.aktor.person_id}, {e.aktor.organisasjon}]",
              file=ut)
    for lid in b.leveranser:
        lev = app.leveranse(lid)
        if lev.besok:
            navn = app.ref.leverandorer[lev.leverandor_id].navn
            print(f"  ... {len(lev.besok)} besøk registrert av {navn}", file=ut)


def historikk(args: argparse.Namespace) -> int:
    app = _app()
    skriv_historikk(app, _finn_bruker(app, args.bruker))
    return 0


def klagesak(args: argparse.Namespace) -> int:
    """Export one user's klagesak: JSON with chain links, or a printable HTML document."""
    from datetime import UTC

    from interfaces.dokument import klagesak_html
    from projections.klagesak import Klagesak, eksport

    app = _app()
    bruker_id = _finn_bruker(app, args.bruker)
    if args.vedtak is not None:
        app.vedtak(args.vedtak)  # IkkeFunnet when no such vedtak
    doc = eksport(Klagesak(app), bruker_id, tidspunkt=args.per, fra=args.fra, til=args.til,
                  vedtak_id=args.vedtak)

    tekst = (klagesak_html(doc, app.bruker(bruker_id).navn, datetime.now(UTC), app.ref.navn)
             if args.html
             else json.dumps(doc, indent=2, ensure_ascii=False))
    _skriv_ut(tekst, args.ut, f"{tall(len(doc['tidslinje']))} fakta")
    return 0
