"""The time-report file's format: its header and columns, its CSV rows with their line numbers,
its sha256, and the checks of the file as a whole (UTF-8, line endings), before any line is
decided.

Format (UTF-8, header line, separator ``;`` — what Norwegian Excel writes — or ``,``)::

    type;bruker;tjenestetype;start;slutt;ansatt;kategori;tiltakskode;avbestilt_tid;journalreferanse
    besok;<bruker-id>;hjemmesykepleie_dag;2026-03-02T08:10+01:00;2026-03-02T08:55+01:00;2c-17;ordinaer;;;
    avbestilling;<bruker-id>;hjemmesykepleie_dag;2026-03-03T08:10+01:00;2026-03-03T08:55+01:00;;;;
        2026-03-02T18:00+01:00;OL-beskjedjournal 881     (one line in the file)

- ``type``: ``besok`` (a delivered visit) or ``avbestilling`` (the user cancelled a planned visit, R20).
- ``bruker``: the bruker id given in the order (preferred: no fødselsnummer in files), or the
  fødselsnummer.
- ``start``/``slutt``: ISO 8601 instants with offset (BV2); for a cancellation, the planned visit.
- ``ansatt``: the pseudonymous staff id (R28a); ``kategori``: ``ordinaer`` or ``akutt_ekstra``
  with ``tiltakskode`` (R18a).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from domain import kalender
from domain.begreper import Regelbrudd, Tjenestetype
from domain.leveranse import Besokskategori

KOLONNER = ("type", "bruker", "tjenestetype", "start", "slutt", "ansatt", "kategori", "tiltakskode",
            "avbestilt_tid", "journalreferanse")
PAKREVDE = ("type", "bruker", "tjenestetype", "start", "slutt")


class Filfeil(ValueError):
    """The file as a whole cannot be read (header, encoding); no line was recorded."""


def _tid(verdi: str, felt: str) -> datetime:
    try:
        t = datetime.fromisoformat(verdi)
    except ValueError:
        raise Regelbrudd("BV2", felt, f"ikke et ISO 8601-tidspunkt: {verdi!r}") from None
    return kalender.krev_tidssone(t, felt, "BV2")


_TJENESTETYPER = {t.value: t for t in Tjenestetype}
_KATEGORIER = {k.value: k for k in Besokskategori}
_KATEGORIER[""] = Besokskategori.ORDINAER


@dataclass(frozen=True)
class _Kolonner:
    """Where each known column is in a row (a missing optional column reads the blank at the end)."""

    bredde: int  # a shorter row is padded to this width
    type: int
    bruker: int
    tjenestetype: int
    start: int
    slutt: int
    ansatt: int
    kategori: int
    tiltakskode: int
    avbestilt_tid: int
    journalreferanse: int


Rad = tuple[int, list[str]]


@dataclass(frozen=True)
class Hode:
    """What the header line says: the separator, the column names and where each known column is."""

    skille: str
    navn: list[str]
    kolonner: _Kolonner


def les_hode(fil: IO[str] | IO[bytes]) -> Hode:
    """Read and check the header line (which also decides the separator). A file opened in
    binary mode is UTF-8, with or without a byte order mark."""
    lest = fil.readline()
    header = _tekst(lest.removeprefix(b"\xef\xbb\xbf")) if isinstance(lest, bytes) else lest
    if not header.strip():
        raise Filfeil("filen er tom")
    if "\r" in header.rstrip("\r\n"):
        raise Filfeil("filen har CR alene som linjeskift (gammelt Mac-format); lagre den med "
                      "LF eller CRLF")
    skille = ";" if header.count(";") >= header.count(",") else ","
    try:
        celler = next(csv.reader([header], delimiter=skille))
    except csv.Error as e:
        raise Filfeil(f"overskriften kan ikke leses: {_csv_feil(str(e))}") from None
    navn = [h.strip().lower().lstrip("\ufeff") for h in celler]
    mangler = [k for k in PAKREVDE if k not in navn]
    ukjente = [k for k in navn if k not in KOLONNER]
    if mangler or ukjente:
        raise Filfeil(f"overskriften mangler {mangler} eller har ukjente kolonner {ukjente}; "
                      f"kolonnene er {';'.join(KOLONNER)}")
    blank = len(navn)  # a padded row's last cell: always empty
    plass = {k: navn.index(k) if k in navn else blank for k in KOLONNER}
    return Hode(skille, navn, _Kolonner(bredde=max(plass.values()) + 1, **plass))


# The first cell of a row the csv module could not read (a cell longer than its limit...): no
# text can hold NUL (BV6), so no real row starts with it. The line is rejected, the rest read.
ULESELIG = "\x00uleselig\x00"
_CSV_FEIL = {"field larger than field limit": "en celle er lengre enn {n} tegn",
             "new-line character seen in unquoted field": "linjeskift inne i en celle uten "
                                                         "anførselstegn"}


def csv_rader(linjer: Iterable[str], skille: str, forste: int) -> Iterator[Rad]:
    """The non-blank rows of CSV text with their line numbers (``forste`` is the first's)."""
    leser = csv.reader(linjer, delimiter=skille)
    nr = forste - 1
    while True:
        nr += 1
        try:
            rad = next(leser)
        except StopIteration:
            return
        except csv.Error as e:
            yield nr, [ULESELIG, _csv_feil(str(e))]
            continue
        if rad and "".join(rad).strip():
            yield nr, rad


def _csv_feil(melding: str) -> str:
    for engelsk, norsk in _CSV_FEIL.items():
        if melding.startswith(engelsk):
            return norsk.format(n=csv.field_size_limit())
    return f"linjen kan ikke leses som CSV ({melding})"


def fil_sha256(filer: Callable[[], IO[str] | IO[bytes]]) -> str:
    """The sha256 of the file's bytes, as ``sha256sum`` prints it (of a file opened as text:
    of its text as UTF-8, the same for a UTF-8 file opened with ``newline=""`` and its BOM kept).
    A file given as bytes is checked to be UTF-8 on the way: Filfeil before anything is decided."""
    h = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cr = _BareCr()
    with filer() as fil:
        while blokk := fil.read(1 << 20):
            if isinstance(blokk, bytes):
                cr.se(_tekst(blokk, utf8))  # not UTF-8, or a bare CR: fails here, before any line
                h.update(blokk)
            else:
                cr.se(blokk)
                h.update(blokk.encode("utf-8"))
        _tekst(b"", utf8, slutt=True)
        cr.se("")
    return h.hexdigest()


class _BareCr:
    """Finds a CR that is not followed by LF anywhere in a file read in blocks (a bare CR
    ends a line for some readers and not for others, so the file is refused, naming the line)."""

    def __init__(self) -> None:
        self.linje = 1
        self.cr_sist = False

    def se(self, tekst: str) -> None:
        if self.cr_sist and not tekst.startswith("\n"):
            self._feil()
        i = tekst.find("\r")
        while i != -1 and i + 1 < len(tekst):
            if tekst[i + 1] != "\n":
                self.linje += tekst.count("\n", 0, i)
                self._feil()
            i = tekst.find("\r", i + 1)
        self.cr_sist = tekst.endswith("\r")
        self.linje += tekst.count("\n")

    def _feil(self) -> None:
        raise Filfeil(f"linje {self.linje} slutter med CR alene (gammelt Mac-format); lagre "
                      "filen med LF eller CRLF som linjeskift")


def _tekst(data: bytes, dekoder: codecs.IncrementalDecoder | None = None,
           slutt: bool = False) -> str:
    """The bytes as text; Filfeil if they are not UTF-8 (with ``dekoder``: a part of a file)."""
    try:
        return dekoder.decode(data, slutt) if dekoder is not None else data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Filfeil(f"filen er ikke UTF-8 ({e.reason})") from None


def _dekodet(linjer: Iterable[str]) -> Iterator[str]:
    """The lines of a text wrapper, a decoding error as Filfeil."""
    try:
        yield from linjer
    except UnicodeDecodeError as e:
        raise Filfeil(f"filen er ikke UTF-8 ({e.reason})") from None


def fra_tekst(tekst: str) -> Callable[[], IO[str]]:
    """Open an in-memory file repeatedly (for tests)."""
    return lambda: io.StringIO(tekst)


def fra_bytes(data: bytes) -> Callable[[], IO[bytes]]:
    """Open an in-memory UTF-8 file repeatedly (API uploads)."""
    return lambda: io.BytesIO(data)
