"""The CLI's argparse in Norwegian, and the types of its arguments (each refuses a bad value
with a Norwegian line naming it)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import NoReturn, TypeVar
from uuid import UUID

from interfaces.cli.base import STATUS_BRUKERFEIL

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


T = TypeVar("T")


def _tolket(tolk: Callable[[str], T], hva: str) -> Callable[[str], T]:
    """An argument type: ``tolk(tekst)``, or one Norwegian line saying what the text is not."""

    def argument(tekst: str) -> T:
        try:
            return tolk(tekst)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{tekst!r} er ikke {hva}") from None

    return argument


_heltall = _tolket(int, "et heltall")
_desimaltall = _tolket(lambda tekst: float(tekst.replace(",", ".")), "et tall")
_dato = _tolket(date.fromisoformat, "en dato (ÅÅÅÅ-MM-DD)")
_uuid = _tolket(UUID, "en uuid")


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


def _maaned(tekst: str) -> str:
    try:
        datetime.strptime(tekst, "%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{tekst!r} er ikke en måned (ÅÅÅÅ-MM)") from None
    return tekst
