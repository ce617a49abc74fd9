"""brukervalg: fritt brukervalg i hjemmetjenesten – API-et, demoen og driftsoppgavene.

Every user error (a bad fødselsnummer or id, a missing file, an unknown provider, a closed pipe)
ends as one Norwegian line on stderr and a non-zero exit status, never a traceback:
``Brukerfeil`` for what the commands check themselves, ``main()`` for what the layers below raise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO
from uuid import UUID

from application.app import BrukervalgApp
from application.demo import DemoKlokke, last_demo
from application.fremdrift import Fremdriftslinje
from application.klokke import klokke_fra_miljo
from domain import kalender
from domain.begreper import IkkeFunnet, Regelbrudd, Rolle
from interfaces.norsk import tall, tidspunkt
from projections.beskrivelse import Beskriver

STATUS_BRUKERFEIL = 2
STATUS_PIPE = 141  # what a shell reports for a process ended by SIGPIPE (128 + 13)


class Brukerfeil(Exception):
    """A mistake in what the user asked for; ``main()`` prints it as one line."""


# argparse's own words (usage, the help option, its error messages) in Norwegian. argparse looks
# them up through gettext at the moment it prints, so they are swapped in for the parse only.
_ARGPARSE_NORSK = {
    "usage: ": "bruk: ",
    "positional arguments": "argumenter",
    "options": "valg",
    "optional arguments": "valg",
    "show this help message and exit": "vis denne hjelpeteksten og avslutt",
    "the following arguments are required: %s": "disse argumentene mangler: %s",
    "unrecognized arguments: %s": "ukjente argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ugyldig valg: %(value)r (velg blant %(choices)s)",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "expected one argument": "trenger én verdi",
    "expected at least one argument": "trenger minst én verdi",
    "expected at most one argument": "tar høyst én verdi",
    "invalid %(type)s value: %(value)r": "ugyldig verdi: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s":
        "tvetydig valg: %(option)s kan være %(matches)s",
    "not allowed with argument %s": "kan ikke brukes sammen med %s",
    "ignored explicit argument %r": "ignorerte verdien %r",
    "one of the arguments %s is required": "ett av argumentene %s må være med",
    "%(prog)s: error: %(message)s\n": "%(prog)s: feil: %(message)s\n",
}


@contextmanager
def _norsk_argparse() -> Iterator[None]:
    engelsk = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda tekst: _ARGPARSE_NORSK.get(tekst, engelsk(tekst))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = engelsk  # type: ignore[attr-defined]


class NorskParser(argparse.ArgumentParser):
    """argparse with Norwegian help, and a usage error as one line (not usage + error)."""

    def error(self, message: str) -> NoReturn:
        self.exit(STATUS_BRUKERFEIL, f"{self.prog}: feil: {message} (se {self.prog} -h)\n")


def _heltall(tekst: str) -> int:
    try:
        return int(tekst)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{tekst!r} er ikke et heltall") from None


def _port(tekst: str) -> int:
    port = _heltall(tekst)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{tekst!r} er ikke en TCP-port (1–65535)")
    return port


def _offentlig_nokkel(tekst: str) -> str:
    """A trusted Ed25519 public key as ``brukervalg kjede nokkel`` shows it: 64 hex digits."""
    nokkel = tekst.strip().lower()
    if len(nokkel) != 64 or any(c not in "0123456789abcdef" for c in nokkel):
        raise argparse.ArgumentTypeError(
            f"{tekst!r} er ikke en offentlig nøkkel (64 heksadesimale tegn, slik "
            "`brukervalg kjede nokkel` viser den)")
    return nokkel


def _desimaltall(tekst: str) -> float:
    try:
        return float(tekst.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{tekst!r} er ikke et tall") from None


def _tidspunkt(tekst: str) -> datetime:
    """An ISO instant with offset (BV2: a naive time is not an instant)."""
    try:
        t = datetime.fromisoformat(tekst)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{tekst!r} er ikke et ISO-tidspunkt (f.eks. 2026-03-10T12:00+01:00)") from None
    if t.tzinfo is None or t.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{tekst!r} mangler tidssone (BV2); skriv f.eks. {tekst}+01:00")
    return t


def _dato(tekst: str) -> date:
    try:
        return date.fromisoformat(tekst)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{tekst!r} er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _uuid(tekst: str) -> UUID:
    try:
        return UUID(tekst)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{tekst!r} er ikke en uuid") from None


def _maaned(tekst: str) -> str:
    try:
        datetime.strptime(tekst, "%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{tekst!r} er ikke en måned (ÅÅÅÅ-MM)") from None
    return tekst


def _finn_bruker(app: BrukervalgApp, ident: str) -> UUID:
    """A bruker by fødselsnummer (BV1) or id; a user error when neither finds one."""
    if ident.isdigit():
        bruker_id = app.finn_bruker_id(ident)  # Regelbrudd BV1 for an invalid number
        if bruker_id is None:
            raise Brukerfeil("fant ingen bruker med det fødselsnummeret")
        return bruker_id
    try:
        bruker_id = UUID(ident)
    except ValueError:
        raise Brukerfeil(f"{ident!r} er verken et fødselsnummer (11 siffer) eller en "
                         "bruker-id (uuid)") from None
    app.bruker(bruker_id)  # IkkeFunnet when no such bruker
    return bruker_id


def _leverandor(app: BrukervalgApp, leverandor_id: str) -> str:
    if leverandor_id not in app.ref.leverandorer:
        kjente = ", ".join(sorted(app.ref.leverandorer))
        raise Brukerfeil(f"ukjent leverandør {leverandor_id!r} (kjente: {kjente})")
    return leverandor_id


def _app(klokke: DemoKlokke | None = None, *, utvikling: bool = False) -> BrukervalgApp:
    """The store for a command: operator commands open it in production, with both keys,
    unless ``BRUKERVALG_UTVIKLING`` says development (``application/nokler.py``)."""
    from application.nokler import er_utvikling

    utvikling = utvikling or er_utvikling()
    # The development clock (BRUKERVALG_KLOKKE) only in development mode (application/klokke.py).
    return BrukervalgApp.aapne(produksjon=not utvikling,
                               klokke=klokke or klokke_fra_miljo(os.environ, utvikling))


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


def historikk(args: argparse.Namespace) -> int:
    app = _app()
    skriv_historikk(app, _finn_bruker(app, args.bruker))
    return 0


def importer(args: argparse.Namespace) -> int:
    """Import a provider's time report file; write the line-by-line receipt as CSV."""
    from application.tidsrapport import KVITTERING_HODE, Filfeil, kvittering_csv_linje
    from domain.begreper import Aktor, Rolle

    app = _app()
    _leverandor(app, args.leverandor)
    if not os.path.isfile(args.fil):
        raise Brukerfeil(f"fant ikke filen {args.fil}")
    aktor = Aktor(person_id=args.person, rolle=Rolle.LEVERANDOR,
                  organisasjon=f"leverandor:{args.leverandor}")
    ut = open(args.kvittering, "w", encoding="utf-8") if args.kvittering else None  # noqa: SIM115
    if ut:
        print(KVITTERING_HODE, file=ut)
    linje = Fremdriftslinje("importerer", "linjer")
    try:
        s = app.importer_tidsrapport(
            args.leverandor, lambda: open(args.fil, "rb"), aktor, streng=args.streng,
            kvittering=(lambda k: print(kvittering_csv_linje(k), file=ut)) if ut else None,
            fremdrift=linje)
        linje(s.linjer)  # the bar ends on the figure the summary names
    except Filfeil as e:  # the file as a whole: nothing was recorded
        raise Brukerfeil(f"{args.fil}: {e}; ingenting lagret") from None
    finally:
        linje.lukk()
        if ut:
            ut.close()
    avvist = ", ".join(f"{n} {regel}" for regel, n in sorted(s.avvisninger_per_regel.items()))
    print(f"{tall(s.linjer)} linjer: {tall(s.godtatt)} godtatt, "
          f"{tall(s.allerede_registrert)} allerede registrert, {tall(s.avvist)} avvist"
          f"{f' ({avvist})' if avvist else ''}; "
          f"{'lagret' if s.lagret else 'INGENTING LAGRET (streng modus)'}; "
          f"{tall(s.sekunder, 1)} s")
    return 0 if s.lagret else 1


def _les_sjekkpunkter(filer: Sequence[str], klarerte: Sequence[str] | None) -> None:
    """Each checkpoint file read and its signature checked before the chain is walked, so a bad
    file is named in one Norwegian line (the ledger's own errors are English, for its API)."""
    from application.infrastructure.ledger import (
        GENESIS_HASH,
        CheckpointError,
        CheckpointSignatureError,
        UntrustedCheckpointKeyError,
        load_checkpoint,
        verify_checkpoint,
    )
    from application.infrastructure.ledger.checkpoints import CHECKPOINT_FIELDS

    for fil in filer:
        if not os.path.isfile(fil):
            raise Brukerfeil(f"fant ikke sjekkpunktfilen {fil}")
        try:
            doc = load_checkpoint(fil)
        except CheckpointError:
            raise Brukerfeil(f"{fil} er ikke et sjekkpunkt (ikke JSON)") from None
        except UnicodeDecodeError:
            raise Brukerfeil(f"{fil} er ikke et sjekkpunkt (ikke UTF-8-tekst)") from None
        mangler = [f for f in CHECKPOINT_FIELDS if f not in doc] if isinstance(doc, dict) else []
        try:
            if mangler:
                raise Brukerfeil(f"{fil} er ikke et sjekkpunkt: mangler {', '.join(mangler)}")
            sp = verify_checkpoint(doc, trusted_public_keys=set(klarerte) if klarerte else None)
        except CheckpointSignatureError:
            raise Brukerfeil(f"sjekkpunktet i {fil} har en ugyldig signatur: det er endret etter "
                             "at det ble signert, eller forfalsket") from None
        except UntrustedCheckpointKeyError:
            raise Brukerfeil(f"sjekkpunktet i {fil} er signert med nøkkelen {doc['public_key']}, "
                             "som ikke er blant --klarert-nokkel") from None
        except CheckpointError:
            raise Brukerfeil(f"{fil} er ikke et gyldig sjekkpunkt (feltene er ikke slik "
                             "`brukervalg kjede sjekkpunkt` skriver dem)") from None
        if sp.position == 0 and sp.hash != GENESIS_HASH:
            raise Brukerfeil(f"sjekkpunktet i {fil} står på posisjon 0 uten kjedens starthash")


def kjede_verifiser(args: argparse.Namespace) -> int:
    from application.infrastructure.ledger import cli as ledger_cli

    _les_sjekkpunkter(args.sjekkpunkt, args.klarert_nokkel or None)
    app = _kjede()
    return ledger_cli.verify(app.recorder, checkpoint_files=args.sjekkpunkt,
                             trusted_public_keys=args.klarert_nokkel or None, as_json=args.json,
                             out=sys.stdout, err=sys.stderr, summary=_kjedesammendrag)


_BRUDD = {"changed": "endret", "deleted": "slettet", "inserted": "satt inn",
          "reordered": "byttet rekkefølge", "truncated": "avkortet"}


def _kjedesammendrag(r: Any) -> str:
    """The chain verification's outcome in Norwegian (``OK``/``BRUDD`` first, for scripts)."""
    if r.broken is None:
        return (f"OK: {tall(r.count)} hendelser verifisert til og med posisjon "
                f"{tall(r.head.position)} ({tall(r.rate)} hendelser/s), "
                f"{tall(r.checkpoints_checked)} sjekkpunkt stemmer, hode {r.head.hash.hex()}")
    return (f"BRUDD ved posisjon {tall(r.broken.position)}: "
            f"{_BRUDD.get(str(r.broken.kind), str(r.broken.kind))} ({r.broken.detail}); "
            f"{tall(r.count)} hendelser verifisert før den")


def kjede_sjekkpunkt(args: argparse.Namespace) -> int:
    from application.infrastructure.ledger import ChainBrokenError, CheckpointError, load_private_key
    from application.infrastructure.ledger import cli as ledger_cli

    try:
        load_private_key(args.nokkel)
    except CheckpointError:
        raise Brukerfeil(f"{args.nokkel} er ikke en privat Ed25519-nøkkel i PEM-format (lag en "
                         "med `brukervalg kjede nokkel --ut FIL`)") from None
    _les_sjekkpunkter(args.tidligere, None)
    app = _kjede()
    try:
            doc = ledger_cli.checkpoint(app.recorder, args.nokkel, output=args.ut,
                                    previous=args.tidligere, progress=True, err=sys.stderr)
    except ChainBrokenError:
        raise Brukerfeil("kjeden er brutt, så ingen sjekkpunkt ble signert (se `brukervalg kjede "
                         "verifiser`)") from None
    print(json.dumps(doc, indent=2))
    return 0


def kjede_nokkel(args: argparse.Namespace) -> int:
    from application.infrastructure.ledger import generate_private_key, public_key_hex, save_private_key

    nokkel = generate_private_key()
    save_private_key(nokkel, args.ut)
    print(f"Privat nøkkel skrevet til {args.ut} (oppbevares utenfor databasen).")
    print(f"Offentlig nøkkel: {public_key_hex(nokkel)}")
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


def _skriv_ut(innhold: str | bytes, fil: str | None, hva: str) -> None:
    """To the file named, else to stdout (bytes: only to a file)."""
    if fil:
        mappe = Path(fil).parent
        if not mappe.is_dir():
            raise Brukerfeil(f"--ut {fil}: mappen {mappe} finnes ikke")
        if isinstance(innhold, bytes):
            Path(fil).write_bytes(innhold)
        else:
            Path(fil).write_text(innhold, encoding="utf-8")
        print(f"Skrevet til {fil} ({hva}).", file=sys.stderr)
    elif isinstance(innhold, bytes):
        raise Brukerfeil("xlsx skrives bare til fil: bruk --ut fil.xlsx")
    else:
        sys.stdout.write(innhold if innhold.endswith("\n") else innhold + "\n")


def _oppfolging(app: BrukervalgApp) -> Any:
    from projections import Projeksjoner
    from projections.oppfolging import Oppfolging

    o = Oppfolging(Projeksjoner(app))
    o.oppdater()
    return o


def rapport(args: argparse.Namespace) -> int:
    """The contract follow-up report (R28, R28a) for months fra..til, as the API gives it."""
    from interfaces.rapport import rapport_csv, rapport_html, rapport_xlsx

    if args.fra > args.til:
        raise Brukerfeil(f"--fra {args.fra} er etter --til {args.til}")
    app = _app()
    levs = [_leverandor(app, args.leverandor)] if args.leverandor else None
    r = _oppfolging(app).rapport(args.fra, args.til, levs)
    lag: dict[str, Callable[[], str | bytes]] = {
        "html": lambda: rapport_html(r, navn=_navn(app)), "csv": lambda: rapport_csv(r),
        "xlsx": lambda: rapport_xlsx(r, navn=_navn(app))}
    innhold = lag[args.format]()
    _skriv_ut(innhold, args.ut, f"{len(r.leverandorer)} leverandør(er), {args.format}")
    return 0


def betalingskontroll(args: argparse.Namespace) -> int:
    """Payable hours next to the provider's invoice basis for one month (R18, R18a)."""
    from interfaces.rapport import kontroll_csv, kontroll_xlsx
    from projections.oppfolging import Grunnlagsfeil

    app = _app()
    lev = _leverandor(app, args.leverandor)
    grunnlag = None
    if args.fakturagrunnlag:
        try:
            with open(args.fakturagrunnlag, encoding="utf-8-sig") as f:
                grunnlag = f.read()
        except FileNotFoundError:
            raise Brukerfeil(f"fant ikke filen {args.fakturagrunnlag}") from None
        except UnicodeDecodeError as e:
            raise Brukerfeil(f"{args.fakturagrunnlag}: filen er ikke UTF-8 (byte {e.start + 1} "
                             "kan ikke leses)") from None
    try:
        k = _oppfolging(app).betalingskontroll(lev, int(args.maaned[:4]), int(args.maaned[5:]),
                                               grunnlag)
    except Grunnlagsfeil as e:
        raise Brukerfeil(f"fakturagrunnlaget: {e}") from None
    innhold = kontroll_xlsx(k) if args.format == "xlsx" else kontroll_csv(k)
    _skriv_ut(innhold, args.ut, f"{len(k.linjer)} linjer, {args.format}")
    return 0


def _navn(app: BrukervalgApp) -> dict[str, str]:
    return {i: lev.navn for i, lev in app.ref.leverandorer.items()}


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
    bar = FremdriftTilStderr()
    with Projeksjoner(app) as p:
        try:
            r = p.gjenoppbygg(bar) if args.handling == "gjenoppbygg" else p.oppdater(bar)
        finally:
            gjennomgatt = bar.lukk()
        fart = gjennomgatt / r.sekunder if r.sekunder > 0 else 0
        print(f"{args.handling}: {tall(gjennomgatt)} hendelser gjennomgått "
              f"({tall(r.hendelser)} lest av lesemodellene) på {tall(r.sekunder, 1)} s, "
              f"{tall(fart)} hendelser/s; posisjon {tall(r.posisjon)}")
    return 0


_ROLLER = [r.value for r in Rolle if r is not Rolle.SYSTEM]


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


def lag_parser() -> argparse.ArgumentParser:
    p = NorskParser(prog="brukervalg", description=__doc__.split("\n\n")[0],
                    epilog="Skriv `brukervalg KOMMANDO -h` for hjelp til én kommando.")
    sub = p.add_subparsers(dest="kommando", required=True, metavar="KOMMANDO",
                           title="kommandoer")
    st = sub.add_parser("start", help="hovedjobben: API-et i utviklingsmodus på den innebygde "
                        "SQLite-lagringen (demodata ved første start)")
    st.add_argument("--host", default="127.0.0.1", help="adressen det lyttes på (bare loopback)")
    st.add_argument("--port", type=_port, default=8000, help="TCP-porten (standard 8000)")
    st.set_defaults(func=start)
    se = sub.add_parser("server", help="API-et med produksjonsinnstillinger fra miljøet "
                        "(docs/api.md)")
    se.add_argument("--host", default="127.0.0.1", help="adressen det lyttes på")
    se.add_argument("--port", type=_port, default=8000, help="TCP-porten (standard 8000)")
    se.add_argument("--workers", type=_heltall, default=None,
                    help="serverprosesser på det delte lageret (PostgreSQL eller SQLite-filen; "
                         "standard BRUKERVALG_WORKERS eller 1)")
    se.set_defaults(func=server)
    tk = sub.add_parser("token", help="lag et utviklingstoken (godtas bare av `start`)")
    tk.add_argument("--person", required=True, help="pseudonym person-id, f.eks. sb-frogner-1")
    tk.add_argument("--rolle", required=True, choices=_ROLLER, metavar="ROLLE",
                    help="én av: " + ", ".join(_ROLLER))
    tk.add_argument("--organisasjon", required=True,
                    help="bydel:<id>, leverandor:<id> eller etat:velferdsetaten")
    tk.add_argument("--timer", type=_desimaltall, default=8, help="levetid i timer (standard 8)")
    tk.set_defaults(func=token)
    sub.add_parser("demo", help="last demohistorien (hvis lageret er tomt) og vis historikkene"
                   ).set_defaults(func=demo)
    h = sub.add_parser("historikk", help="vis én brukers hele historikk")
    h.add_argument("bruker", help="bruker-id (uuid) eller fødselsnummer")
    h.set_defaults(func=historikk)
    i = sub.add_parser(
        "importer", help="importer en leverandørs tidsrapport (CSV-formatet: "
        "application/tidsrapport/format.py)")
    i.add_argument("fil", help="CSV-filen (UTF-8)")
    i.add_argument("--leverandor", required=True, help="leverandøren rapporten er fra (id)")
    i.add_argument("--person", default="import", help="hvem som laster opp (person-id)")
    i.add_argument("--streng", action="store_true",
                   help="lagre ingenting hvis en linje avvises")
    i.add_argument("--kvittering", help="skriv linje-for-linje-kvitteringen til denne CSV-filen")
    i.set_defaults(func=importer)

    ks = sub.add_parser("klagesak", help="eksporter en brukers tidslinje (og tilstanden slik "
                        "den var kjent på et tidspunkt)")
    ks.add_argument("bruker", help="bruker-id (uuid) eller fødselsnummer")
    ks.add_argument("--per", type=_tidspunkt,
                    help="ISO-tidspunkt med tidssone: også tilstanden slik den var kjent da")
    ks.add_argument("--fra", type=_dato, help="bare fakta med virkning fra og med denne datoen")
    ks.add_argument("--til", type=_dato, help="bare fakta med virkning til og med denne datoen")
    ks.add_argument("--vedtak", type=_uuid, help="bare fakta om dette vedtaket (uuid)")
    ks.add_argument("--html", action="store_true", help="et utskrivbart dokument i stedet for JSON")
    ks.add_argument("--ut", help="skriv til denne filen")
    ks.set_defaults(func=klagesak)

    ra = sub.add_parser("rapport", help="kontraktsoppfølgingen per leverandør for en periode "
                        "(R28, R28a)")
    ra.add_argument("--fra", type=_maaned, required=True, help="første måned, ÅÅÅÅ-MM")
    ra.add_argument("--til", type=_maaned, required=True, help="siste måned, ÅÅÅÅ-MM")
    ra.add_argument("--leverandor", help="bare denne leverandøren (id); utelatt: alle")
    ra.add_argument("--format", choices=["html", "csv", "xlsx"], default="html",
                    help="html (side med diagrammer, standard), csv eller xlsx")
    ra.add_argument("--ut", help="skriv til denne filen (påkrevd for xlsx)")
    ra.set_defaults(func=rapport)

    bk = sub.add_parser("betalingskontroll", help="betalbare timer mot leverandørens "
                        "fakturagrunnlag for én måned (R18, R18a)")
    bk.add_argument("--leverandor", required=True, help="leverandøren (id)")
    bk.add_argument("--maaned", type=_maaned, required=True, help="måneden, ÅÅÅÅ-MM")
    bk.add_argument("--fakturagrunnlag",
                    help="leverandørens krav (CSV: bruker;tjenestetype;timer;belop); utelatt: "
                         "bare det betalbare")
    bk.add_argument("--format", choices=["csv", "xlsx"], default="csv",
                    help="csv (standard) eller xlsx")
    bk.add_argument("--ut", help="skriv til denne filen (påkrevd for xlsx)")
    bk.set_defaults(func=betalingskontroll)

    pr = sub.add_parser("projeksjoner", help="lesemodellene: ta igjen, eller bygg på nytt fra "
                        "første hendelse")
    pr.add_argument("handling", choices=["oppdater", "gjenoppbygg"],
                    help="oppdater (ta igjen) eller gjenoppbygg (slett og bygg på nytt)")
    pr.set_defaults(func=projeksjoner)

    kj = sub.add_parser("kjede", help="den manipulasjonssikre kjeden: verifiser, sjekkpunkter, "
                        "nøkler")
    kjsub = kj.add_subparsers(dest="kjedekommando", required=True, metavar="KOMMANDO",
                              title="kommandoer")
    v = kjsub.add_parser("verifiser", help="gå gjennom kjeden på nytt (og kontroller signerte "
                         "sjekkpunkter)")
    v.add_argument("--sjekkpunkt", action="append", default=[],
                   help="sjekkpunktfil (kan gjentas)")
    v.add_argument("--klarert-nokkel", action="append", default=[], type=_offentlig_nokkel,
                   help="klarert offentlig nøkkel (hex; kan gjentas)")
    v.add_argument("--json", action="store_true", help="rapporten som ett JSON-objekt")
    v.set_defaults(func=kjede_verifiser)
    c = kjsub.add_parser("sjekkpunkt", help="verifiser, og signer så kjedehodet med en "
                         "Ed25519-nøkkel")
    c.add_argument("--nokkel", required=True, help="privat nøkkelfil (PEM)")
    c.add_argument("--ut", help="skriv sjekkpunktet hit")
    c.add_argument("--tidligere", action="append", default=[],
                   help="tidligere sjekkpunkt som skal kontrolleres på nytt (kan gjentas)")
    c.set_defaults(func=kjede_sjekkpunkt)
    n = kjsub.add_parser("nokkel", help="lag en ny signeringsnøkkel og vis den offentlige nøkkelen")
    n.add_argument("--ut", required=True, help="filen den private nøkkelen skrives til")
    n.set_defaults(func=kjede_nokkel)

    nk = sub.add_parser("nokler", help="lagerets to nøkler: lag dem, eller skriv "
                        "fødselsnummerindeksen på nytt under en ny indeksnøkkel")
    nksub = nk.add_subparsers(dest="nokkelkommando", required=True, metavar="KOMMANDO",
                              title="kommandoer")
    lag = nksub.add_parser("lag", help="lag en AES-nøkkel og en indeksnøkkel (vis dem, eller to "
                           "filer med modus 0600)")
    lag.add_argument("--ut-mappe", help="skriv cipher-key og indeks-nokkel i denne mappen")
    lag.set_defaults(func=nokler)
    ri = nksub.add_parser("reindekser", help="indekser hver brukers fødselsnummer under "
                          "BRUKERVALG_INDEKS_NOKKEL (én gang, etter at den erstattet en eldre)")
    ri.add_argument("--person", default="drift", help="hvem som kjører den (person-id)")
    ri.set_defaults(func=nokler)
    return p


def _feilmelding(e: BaseException) -> str | None:
    """The one line for an error the user can act on; None for a defect."""
    from application.infrastructure.ledger.errors import ChainBrokenError, CheckpointError
    from application.infrastructure.settings import StoreSettingsError
    from interfaces.http.settings import ApiSettingsError

    if isinstance(e, Brukerfeil):
        return str(e)
    if isinstance(e, Regelbrudd):
        return f"{e.melding} (regel {e.regel}, felt {e.felt}; se docs/regler.md)"
    if isinstance(e, IkkeFunnet):
        return f"fant ikke {e.hva} {e.ident}"
    if isinstance(e, FileNotFoundError):
        return f"fant ikke filen {e.filename}"
    if isinstance(e, IsADirectoryError):
        return f"{e.filename} er en mappe, ikke en fil"
    if isinstance(e, FileExistsError):
        return f"{e.filename} finnes allerede; ingenting overskrevet"
    if isinstance(e, NotADirectoryError):
        return f"{e.filename}: en del av stien er en fil, ikke en mappe"
    if isinstance(e, PermissionError):
        return f"ingen tilgang til {e.filename}"
    if isinstance(e, OSError) and e.filename:
        return f"{e.filename}: {e.strerror}"
    if isinstance(e, ApiSettingsError | StoreSettingsError | CheckpointError | ChainBrokenError):
        return str(e)
    if type(e).__name__ == "ProjectionBehind":
        return str(e)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    with _norsk_argparse():
        args = lag_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # `brukervalg demo | head`: the reader is gone; say so once where it can still be read,
        # and stop Python from failing again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("brukervalg: utdata ble lukket før alt var skrevet (f.eks. av head)",
              file=sys.stderr)
        return STATUS_PIPE
    except KeyboardInterrupt:
        print("\nbrukervalg: avbrutt", file=sys.stderr)
        return 130
    except Exception as e:
        melding = _feilmelding(e)
        if melding is None:
            if os.environ.get("BRUKERVALG_SPOR"):
                raise
            melding = (f"uventet feil ({type(e).__name__}: {e}); kjør med BRUKERVALG_SPOR=1 "
                       "for detaljer og meld feilen")
        print(f"brukervalg {args.kommando}: feil: {melding}", file=sys.stderr)
        return STATUS_BRUKERFEIL if _feilmelding(e) is not None else 70


if __name__ == "__main__":
    raise SystemExit(main())
