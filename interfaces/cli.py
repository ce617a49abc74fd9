"""The `brukervalg` command line: the main job, the demo and operator tasks."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO
from uuid import UUID

from application.app import BrukervalgApp
from application.beskrivelse import Beskriver
from application.demo import DemoKlokke, last_demo
from domain.kalender import lokal


def _app(klokke: DemoKlokke | None = None, *, utvikling: bool = False) -> BrukervalgApp:
    """The store for a command: operator commands open it in production, with both keys,
    unless ``BRUKERVALG_UTVIKLING`` says development (``application/nokler.py``)."""
    from application.nokler import er_utvikling

    return BrukervalgApp.aapne(produksjon=not (utvikling or er_utvikling()), klokke=klokke)


def _kjede() -> BrukervalgApp:
    """The store's records as stored, for the chain: it is over the stored bytes, so verifying
    and signing it needs neither key (an auditor need not be able to read the history)."""
    return BrukervalgApp()


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
    app = _app(klokke, utvikling=True)  # synthetic people only
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
    from application.tidsrapport import (
        KVITTERING_HODE,
        Filfeil,
        Tidsrapportimport,
        kvittering_csv_linje,
    )
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
            lambda: open(args.fil, "rb"), streng=args.streng,
            kvittering=(lambda k: print(kvittering_csv_linje(k), file=ut)) if ut else None,
            fremdrift=fremdrift)
    except Filfeil as e:  # the file as a whole: nothing was recorded
        print(f"\nfeil: {args.fil}: {e}; ingenting lagret", file=sys.stderr)
        return 2
    finally:
        if ut:
            ut.close()
    print(file=sys.stderr)
    print(f"{s.linjer} linjer: {s.godtatt} godtatt, {s.allerede_registrert} allerede registrert, "
          f"{s.avvist} avvist {dict(sorted(s.avvisninger_per_regel.items()))}; "
          f"{'lagret' if s.lagret else 'INGENTING LAGRET (streng modus)'}; {s.sekunder:.1f} s")
    return 0 if s.lagret else 1


def kjede_verifiser(args: argparse.Namespace) -> int:
    from application.ledger import cli as ledger_cli

    app = _kjede()
    return ledger_cli.verify(app.recorder, checkpoint_files=args.sjekkpunkt,
                             trusted_public_keys=args.klarert_nokkel or None, as_json=args.json,
                             out=sys.stdout, err=sys.stderr)


def kjede_sjekkpunkt(args: argparse.Namespace) -> int:
    from application.ledger import cli as ledger_cli

    app = _kjede()
    doc = ledger_cli.checkpoint(app.recorder, args.nokkel, output=args.ut, previous=args.tidligere,
                                progress=True, err=sys.stderr)
    print(json.dumps(doc, indent=2))
    return 0


def kjede_nokkel(args: argparse.Namespace) -> int:
    from application.ledger import generate_private_key, public_key_hex, save_private_key

    nokkel = generate_private_key()
    save_private_key(nokkel, args.ut)
    print(f"Privat nøkkel skrevet til {args.ut} (oppbevares utenfor databasen).")
    print(f"Offentlig nøkkel: {public_key_hex(nokkel)}")
    return 0


def klagesak(args: argparse.Namespace) -> int:
    """Export one user's klagesak: JSON with chain links, or a printable HTML document."""
    from datetime import UTC, date, datetime

    from application.klagesak import Klagesak, eksport
    from interfaces.dokument import klagesak_html

    app = _app()
    bruker_id = app.finn_bruker_id(args.bruker) if args.bruker.isdigit() else UUID(args.bruker)
    if bruker_id is None:
        print("Fant ingen bruker.", file=sys.stderr)
        return 1
    tidspunkt = datetime.fromisoformat(args.per) if args.per else None
    doc = eksport(Klagesak(app), bruker_id, tidspunkt=tidspunkt,
                  fra=date.fromisoformat(args.fra) if args.fra else None,
                  til=date.fromisoformat(args.til) if args.til else None,
                  vedtak_id=UUID(args.vedtak) if args.vedtak else None)
    def navn_paa(ident: str) -> str:
        kjent = app.ref.leverandorer.get(ident) or app.ref.bydeler.get(ident)
        return kjent.navn if kjent else ident

    tekst = (klagesak_html(doc, app.bruker(bruker_id).navn, datetime.now(UTC), navn_paa) if args.html
             else json.dumps(doc, indent=2, ensure_ascii=False))
    if args.ut:
        with open(args.ut, "w", encoding="utf-8") as f:
            f.write(tekst)
        print(f"Skrevet til {args.ut} ({len(doc['tidslinje'])} fakta).", file=sys.stderr)
    else:
        print(tekst)
    return 0


def start(args: argparse.Namespace) -> int:
    """The main job in development mode: the API on the embedded store, demo on first start."""
    from interfaces.http.server import serve

    serve(host=args.host, port=args.port, dev=True)
    return 0


def server(args: argparse.Namespace) -> int:
    """The API with production settings from the environment (docs/api.md); no dev keys."""
    from interfaces.http.server import serve

    serve(host=args.host, port=args.port, dev=False, workers=args.workers)
    return 0


def token(args: argparse.Namespace) -> int:
    from interfaces.http.server import utstede_utviklingstoken

    print(utstede_utviklingstoken(args.person, args.rolle, args.organisasjon, gyldig_timer=args.timer))
    return 0


def projeksjoner(args: argparse.Namespace) -> int:
    """Catch the read models up, or drop and rebuild them from the first event."""
    from projections import FremdriftTilStderr, Projeksjoner

    app = _app()
    with Projeksjoner(app) as p:
        if args.handling == "gjenoppbygg":
            r = p.gjenoppbygg(FremdriftTilStderr())
        else:
            r = p.oppdater(FremdriftTilStderr())
        print(f"{args.handling}: {r.hendelser:,} hendelser på {r.sekunder:.1f} s "
              f"({r.per_sekund:,.0f} hendelser/s), posisjon {r.posisjon}")
    return 0


def nokler(args: argparse.Namespace) -> int:
    """Make the store's two keys, or write the fødselsnummer index under the current key."""
    from application import nokler as n

    if args.nokkelkommando == "reindekser":
        from domain.felles import Aktor, Rolle

        app = BrukervalgApp(produksjon=not n.er_utvikling())
        try:
            nye = app.reindekser(Aktor(person_id=args.person, rolle=Rolle.SYSTEM,
                                       organisasjon="etat:velferdsetaten"))
        finally:
            app.close()
        print(f"Fødselsnummerindeksen: {nye} nye oppføringer under {n.INDEKS_NOKKEL}.")
        return 0
    if args.ut_mappe is None:
        cipher, indeks = n.lag_nokler()
        print(f"{n.CIPHER_KEY}={cipher}\n{n.INDEKS_NOKKEL}={indeks}")
        return 0
    cipher_fil, indeks_fil = n.skriv_nokler(Path(args.ut_mappe))
    print(f"To nye nøkler (modus 0600); oppbevar dem utenfor lageret, hver for seg:\n"
          f"  {n.CIPHER_KEY}_FIL={cipher_fil.resolve()}\n"
          f"  {n.INDEKS_NOKKEL}_FIL={indeks_fil.resolve()}")
    return 0


def lag_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="brukervalg", description=__doc__)
    sub = p.add_subparsers(dest="kommando", required=True)
    st = sub.add_parser("start", help="the main job: the HTTP API in development mode on the embedded "
                        "SQLite store (demo data on first start)")
    st.add_argument("--host", default="127.0.0.1")
    st.add_argument("--port", type=int, default=8000)
    st.set_defaults(func=start)
    se = sub.add_parser("server", help="the HTTP API with production settings from the environment")
    se.add_argument("--host", default="127.0.0.1")
    se.add_argument("--port", type=int, default=8000)
    se.add_argument("--workers", type=int, default=None,
                    help="server processes on the shared store (PostgreSQL or the SQLite file; "
                         "default BRUKERVALG_WORKERS or 1)")
    se.set_defaults(func=server)
    tk = sub.add_parser("token", help="issue a development token (accepted only by `start`)")
    tk.add_argument("--person", required=True, help="pseudonymous person id, e.g. sb-frogner-1")
    tk.add_argument("--rolle", required=True,
                    help="saksbehandler, vedtaksmyndig, klagebehandler, leverandor, kontraktsoppfolging")
    tk.add_argument("--organisasjon", required=True,
                    help="bydel:<id>, leverandor:<id> or etat:velferdsetaten")
    tk.add_argument("--timer", type=float, default=8, help="lifetime in hours")
    tk.set_defaults(func=token)
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

    ks = sub.add_parser("klagesak", help="export a user's timeline (and state as known at a time)")
    ks.add_argument("bruker", help="bruker id (uuid) or fødselsnummer")
    ks.add_argument("--per", help="ISO instant with offset: also the state as known then")
    ks.add_argument("--fra", help="only facts taking effect on or after this date")
    ks.add_argument("--til", help="only facts taking effect on or before this date")
    ks.add_argument("--vedtak", help="only facts about this vedtak")
    ks.add_argument("--html", action="store_true", help="a printable document instead of JSON")
    ks.add_argument("--ut", help="write to this file")
    ks.set_defaults(func=klagesak)

    pr = sub.add_parser("projeksjoner", help="read models: catch up, or drop and rebuild from zero")
    pr.add_argument("handling", choices=["oppdater", "gjenoppbygg"])
    pr.set_defaults(func=projeksjoner)

    kj = sub.add_parser("kjede", help="the tamper-evident chain: verify, checkpoints, keys")
    kjsub = kj.add_subparsers(dest="kjedekommando", required=True)
    v = kjsub.add_parser("verifiser", help="re-walk the chain (and check signed checkpoints)")
    v.add_argument("--sjekkpunkt", action="append", default=[], help="checkpoint file (repeatable)")
    v.add_argument("--klarert-nokkel", action="append", default=[], help="trusted public key (hex)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=kjede_verifiser)
    c = kjsub.add_parser("sjekkpunkt", help="verify, then sign the chain head with an Ed25519 key")
    c.add_argument("--nokkel", required=True, help="private key file (PEM)")
    c.add_argument("--ut", help="write the checkpoint document here")
    c.add_argument("--tidligere", action="append", default=[], help="earlier checkpoint to re-check")
    c.set_defaults(func=kjede_sjekkpunkt)
    n = kjsub.add_parser("nokkel", help="make a new signing key and print its public key")
    n.add_argument("--ut", required=True)
    n.set_defaults(func=kjede_nokkel)

    nk = sub.add_parser("nokler", help="the store's keys: make them, or re-index under a new index key")
    nksub = nk.add_subparsers(dest="nokkelkommando", required=True)
    lag = nksub.add_parser("lag", help="make an AES key and an index key (print, or two 0600 files)")
    lag.add_argument("--ut-mappe", help="write cipher-key and indeks-nokkel into this folder")
    lag.set_defaults(func=nokler)
    ri = nksub.add_parser("reindekser", help="index every user's fødselsnummer under "
                          "BRUKERVALG_INDEKS_NOKKEL (once, after it replaced an older index key)")
    ri.add_argument("--person", default="drift", help="who runs it (person id)")
    ri.set_defaults(func=nokler)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from application.settings import Innstillingsfeil
    from interfaces.http.innstillinger import Innstillingsfeil as ApiInnstillingsfeil

    args = lag_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (Innstillingsfeil, ApiInnstillingsfeil) as e:  # settings: a sentence, no traceback
        print(f"feil: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
