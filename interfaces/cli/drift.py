"""The operator's commands: the server (development and production), development tokens,
the demo, the read models, and the store's keys."""

from __future__ import annotations

import argparse
from pathlib import Path
from uuid import UUID

from application.app import BrukervalgApp
from application.demo import DemoKlokke, last_demo
from domain.begreper import Rolle
from interfaces.cli.base import _app
from interfaces.cli.saksbehandler import skriv_historikk
from interfaces.norsk import tall


def _tom(app: BrukervalgApp) -> bool:
    return not app.recorder.select_notifications(start=1, limit=1)


def demo(args: argparse.Namespace) -> int:
    klokke = DemoKlokke()
    app = _app(klokke, utvikling=True)  # synthetic people only
    if _tom(app):
        brukere = last_demo(app, klokke)
        print(f"Demodata lastet i {app.env.get('SQLITE_DBNAME') or 'lageret'}.")
    else:
        brukere = sorted({UUID(str(n.originator_id)) for n in app.recorder.select_notifications(
            start=1, limit=100_000, topics=["domain.bruker:BrukerRegistrert"])})
        print("Lageret har allerede data; viser historikken.")
    for bruker_id in brukere:
        skriv_historikk(app, bruker_id)
    app.close()
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
    from projections import ProgressToStderr, Projections

    app = _app()
    bar = ProgressToStderr()
    with Projections(app) as p:
        try:
            r = p.gjenoppbygg(bar) if args.handling == "gjenoppbygg" else p.oppdater(bar)
        finally:
            gjennomgatt = bar.lukk()
        fart = gjennomgatt / r.sekunder if r.sekunder > 0 else 0
        print(f"{args.handling}: {tall(gjennomgatt)} hendelser gjennomgått "
              f"({tall(r.hendelser)} lest av lesemodellene) på {tall(r.sekunder, 1)} s, "
              f"{tall(fart)} hendelser/s; posisjon {tall(r.posisjon)}")
    return 0


def nokler(args: argparse.Namespace) -> int:
    """Make the store's two keys, or write the fødselsnummer index under the current key."""
    from application import nokler as n

    if args.nokkelkommando == "reindekser":
        from domain.begreper import Aktor

        app = BrukervalgApp(produksjon=not n.er_utvikling())
        try:
            nye = app.reindekser(Aktor(person_id=args.person, rolle=Rolle.SYSTEM,
                                       organisasjon="etat:velferdsetaten"))
        finally:
            app.close()
        print(f"Fødselsnummerindeksen: {tall(nye)} nye oppføringer under {n.INDEKS_NOKKEL}.")
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
