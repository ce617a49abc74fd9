"""What every command of the CLI stands on: its exit statuses and user error, the store it
opens, the bruker and provider named on the command line, and where its output goes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from uuid import UUID

from application.app import BrukervalgApp
from application.demo import DemoKlokke
from application.klokke import klokke_fra_miljo

STATUS_BRUKERFEIL = 2
STATUS_PIPE = 141  # what a shell reports for a process ended by SIGPIPE (128 + 13)


class Brukerfeil(Exception):
    """A mistake in what the user asked for; ``main()`` prints it as one line."""


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
