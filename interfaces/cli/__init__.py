"""brukervalg: fritt brukervalg i hjemmetjenesten – API-et, demoen og driftsoppgavene.

Every user error (a bad fødselsnummer or id, a missing file, an unknown provider, a closed pipe)
ends as one Norwegian line on stderr and a non-zero exit status, never a traceback:
``Brukerfeil`` for what the commands check themselves, ``main()`` for what the layers below raise.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from domain.begreper import IkkeFunnet, Regelbrudd, Rolle
from interfaces.cli.arguments import (
    NorskParser,
    _dato,
    _desimaltall,
    _heltall,
    _maaned,
    _norsk_argparse,
    _offentlig_nokkel,
    _port,
    _tidspunkt,
    _uuid,
)
from interfaces.cli.base import STATUS_BRUKERFEIL, STATUS_PIPE, Brukerfeil
from interfaces.cli.drift import demo, nokler, projeksjoner, server, start, token
from interfaces.cli.ledger import kjede_nokkel, kjede_sjekkpunkt, kjede_verifiser
from interfaces.cli.leverandor import importer
from interfaces.cli.oppfolging import betalingskontroll, rapport
from interfaces.cli.saksbehandler import historikk, klagesak, skriv_historikk

__all__ = ["Brukerfeil", "lag_parser", "main", "skriv_historikk"]

_ROLLER = [r.value for r in Rolle if r is not Rolle.SYSTEM]


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

    # Same shape as `kjede` above: each command group with subcommands states its own words,
    # in the order `-h` shows them; a helper would hide the help texts.
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
