"""Run the API: ``serve()`` for the CLI's ``brukervalg start``, tokens for ``brukervalg token``.

Development mode (``dev=True``) runs on the embedded SQLite store, loads demo data on the first
start, accepts tokens from the local development key, and listens on loopback only. Without it,
the server reads its production settings from the environment (docs/api.md) and refuses
development keys.
"""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
import sys
from typing import TextIO

import uvicorn
from litestar import Litestar

from application.app import BrukervalgApp
from application.demo import DemoKlokke, last_demo
from application.klokke import klokke_fra_miljo
from application.tidsrapport.kolonner import varm_opp
from interfaces.http.app import create_app
from interfaces.http.settings import ApiSettings, ApiSettingsError
from interfaces.http.sikkerhet import utstede_utviklingstoken
from interfaces.norsk import tall

__all__ = ["bygg_utdaterte_projeksjoner", "last_demo_ved_forste_start", "serve",
           "utstede_utviklingstoken", "velkomst"]


def _er_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def velkomst(host: str, port: int, dev: bool, demo_brukere: int = 0,
             ut: TextIO | None = None, ukryptert: str | None = None,
             eksempel_bruker: str | None = None) -> None:
    """Print where the docs are and how to get a token; ``ukryptert`` names the store when it
    is written without encryption (development mode only). In development mode, commands that
    work as printed (from the repository folder) and an example with a real demo user's id."""
    base = f"http://{host}:{port}"
    linjer = [
        f"Brukervalg API kjører på {base}",
        f"  API-dokumentasjon (Swagger): {base}/schema/swagger",
        f"  OpenAPI-dokumentet:          {base}/schema/openapi.json",
    ]
    if dev:
        linjer += [
            "  Utviklingsmodus: tokener fra den lokale utviklingsnøkkelen godtas (aldri i produksjon).",
            "  Hent et utviklingstoken (i en annen terminal, i mappen med ./bv):",
            "    TOKEN=$(./bv token --person sb-frogner-1 --rolle saksbehandler "
            "--organisasjon bydel:frogner)",
            "    (det samme: .venv/bin/brukervalg token …; roller: saksbehandler, vedtaksmyndig, "
            "klagebehandler [bydel:<id>], leverandor [leverandor:<id>], kontraktsoppfolging "
            "[etat:velferdsetaten])",
            "  Bruk det slik:",
            f'    curl -H "Authorization: Bearer $TOKEN" -H "X-Formaal: saksbehandling" '
            f'{base}/brukere/{eksempel_bruker or "<bruker-id>"}',
        ]
        if eksempel_bruker:
            linjer.append(f"    ({eksempel_bruker} er demobrukeren Kari Nordmann i Bydel Frogner)")
        if ukryptert:
            linjer.append(f"  Lageret ({ukryptert}) er UKRYPTERT og fødselsnummerindeksen har "
                          "utviklingsnøkkelen: bare syntetiske data her.")
        if demo_brukere:
            linjer.append(f"  Demodata lastet ved første start: {demo_brukere} syntetiske brukere "
                          "(se `brukervalg demo`).")
    print("\n".join(linjer), file=ut or sys.stdout, flush=True)


def sjekk_ledig_port(host: str, port: int) -> None:
    """Refuse a port another process listens on, before anything is loaded or announced."""
    familie = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(familie, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            s.bind((host, port))
        except OSError as e:
            raise ApiSettingsError(f"porten {port} på {host} er i bruk ({e.strerror}); stopp "
                                   "det andre programmet eller velg en annen med --port") from None


def demo_eksempel(app: BrukervalgApp) -> str | None:
    """The id of the demo's first user (Kari Nordmann), if the store has her."""
    from application.demo import DEMO_FODSELSNUMMER

    try:
        bruker_id = app.finn_bruker_id(DEMO_FODSELSNUMMER)
    except Exception:  # a store without the demo: the banner shows a placeholder
        return None
    return str(bruker_id) if bruker_id else None


def last_demo_ved_forste_start(ut: TextIO = sys.stdout) -> int:
    """Load the demo story into an empty store (on its own clock); returns how many brukere."""
    klokke = DemoKlokke()
    app = BrukervalgApp(klokke=klokke)
    try:
        if app.recorder.select_notifications(start=1, limit=1):
            return 0
        print("  Første start: lager demohistorien (fire brukere, januar–juni 2026) …", file=ut,
              flush=True)
        return len(last_demo(app, klokke))
    finally:
        app.close()


def bygg_utdaterte_projeksjoner(ut: TextIO = sys.stdout) -> bool:
    """Development mode: bring the read models up to date at start, and rebuild them when they
    were built by another version of the code (the demo store outlives a code change).

    In production that is the operator's decision (a rebuild can take minutes): the reports
    answer 503 naming `brukervalg projeksjoner gjenoppbygg` until it is run.
    Returns whether a rebuild was needed.
    """
    from projections import ProjectionBehind, Projections
    from projections.oppfolging import Oppfolging

    app = BrukervalgApp()
    try:
        with Projections(app) as p:
            try:
                p.oppdater()
                Oppfolging(p).oppdater()
                return False
            except ProjectionBehind as e:
                print(f"  {e}: bygger lesemodellene på nytt (utviklingsmodus) …", file=ut,
                      flush=True)
                r = p.gjenoppbygg()
                print(f"  … {tall(r.hendelser)} hendelser på {tall(r.sekunder, 1)} s.", file=ut,
                      flush=True)
                return True
    finally:
        app.close()


def serve(host: str = "127.0.0.1", port: int = 8000, dev: bool = False,
          workers: int | None = None) -> None:
    """Start the API server (blocks until stopped).

    Args:
        host: interface to listen on; development mode accepts only loopback.
        port: TCP port.
        dev: explicit development mode: SQLite store by default, demo data on first start,
            development tokens accepted.
        workers: server processes (default ``BRUKERVALG_WORKERS``, else 1), on a store they
            all share: PostgreSQL, or the SQLite file, whose writes the processes take turns
            at (``application/infrastructure/writer_lock.py``). Not in development mode.

    Raises:
        ApiSettingsError: development keys or a development clock (``BRUKERVALG_KLOKKE``)
            outside development mode, a non-loopback host in
            development mode, or several workers in development mode or on the memory store.
    """
    settings = ApiSettings.fra_miljo(utvikling=True) if dev else ApiSettings.fra_miljo()
    klokke = klokke_fra_miljo(os.environ, settings.utvikling)  # refused outside development mode
    if dev and not _er_loopback(host):
        raise ApiSettingsError("utviklingsmodus lytter bare på loopback (127.0.0.1/localhost)")
    settings.valider()
    workers = antall_workers(workers)
    if workers > 1:
        if dev or os.environ.get("BRUKERVALG_STORE", "sqlite").lower() not in ("sqlite",
                                                                              "postgres"):
            raise ApiSettingsError("BRUKERVALG_WORKERS > 1 krever BRUKERVALG_STORE=sqlite "
                                   "eller postgres (et lager alle prosessene deler) og ikke "
                                   "utviklingsmodus")
        sjekk_ledig_port(host, port)
        # Refused here, before the processes start, when a key is missing or does not fit.
        BrukervalgApp.aapne(produksjon=not settings.utvikling).close()
        velkomst(host, port, dev)
        # Each process builds its own application and API from the environment.
        uvicorn.run("interfaces.http.server:serverapp", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", access_log=False)
        return
    sjekk_ledig_port(host, port)
    if dev:
        print("Starter brukervalg i utviklingsmodus …", flush=True)
    demo_brukere = last_demo_ved_forste_start() if dev else 0
    if dev:
        bygg_utdaterte_projeksjoner()
    app = BrukervalgApp.aapne(produksjon=not settings.utvikling, klokke=klokke)
    api = serverapp(app, settings)
    velkomst(host, port, dev, demo_brukere, ukryptert=_lagernavn(app) if app.nokler.ukryptert
             else None, eksempel_bruker=demo_eksempel(app) if dev else None)
    try:
        uvicorn.run(api, host=host, port=port, log_level="warning", access_log=False)
    finally:
        app.close()


def _lagernavn(app: BrukervalgApp) -> str:
    return app.env.get("SQLITE_DBNAME") or app.env.get("POSTGRES_DBNAME") or "minnet"


def serverapp(app: BrukervalgApp | None = None, settings: ApiSettings | None = None) -> Litestar:
    """The API as a server process runs it (also uvicorn's factory for several workers).

    The cycle collector is what the slowest answers wait for: a request allocates thousands of
    objects, and the application keeps decoded events
    (``application/infrastructure/event_buffer.py``), so with CPython's default thresholds
    (700, 10, 10) full collections over a growing heap landed in the tail (the runs before and
    after are in ``docs/benchmarks-http.md``). At start, everything built so far (modules,
    routes, schemas, reference data) is frozen out of the collector's generations
    (``gc.freeze``), and the thresholds are raised (``BRUKERVALG_GC_TERSKEL``, default
    ``50000,20,100``): fewer, larger young collections and rare full ones.
    """
    api = create_app(app, settings)
    # The time-report import's column-wise path, once on made-up lines: polars' first use is
    # paid at start, not by a provider's first upload.
    api.on_startup.append(lambda: varm_opp(api.state["tjenester"].app.mapper))
    api.on_startup.append(_samle_sjeldnere)
    return api


STANDARD_GC_TERSKEL = "50000,20,100"


def _samle_sjeldnere() -> None:
    verdi = os.environ.get("BRUKERVALG_GC_TERSKEL", STANDARD_GC_TERSKEL)
    try:
        terskel = tuple(int(x) for x in verdi.split(","))
        if len(terskel) != 3 or min(terskel) < 1:
            raise ValueError
    except ValueError:
        raise ApiSettingsError(f"BRUKERVALG_GC_TERSKEL={verdi!r}: tre positive heltall, "
                               "f.eks. 50000,20,100") from None
    gc.set_threshold(*terskel)
    gc.freeze()


def antall_workers(workers: int | None = None) -> int:
    """The number of server processes: the argument, else ``BRUKERVALG_WORKERS``, else 1."""
    verdi = str(workers) if workers is not None else os.environ.get("BRUKERVALG_WORKERS", "1")
    try:
        antall = int(verdi)
    except ValueError:
        raise ApiSettingsError(f"BRUKERVALG_WORKERS={verdi!r}: et heltall fra 1 til 64") from None
    if not 1 <= antall <= 64:
        raise ApiSettingsError(f"BRUKERVALG_WORKERS={verdi!r}: et heltall fra 1 til 64")
    return antall
