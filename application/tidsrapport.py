"""Import of a provider's monthly time report (tidsrapport): visits and cancellations from CSV.

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

Every line is checked by the same domain rules as a single command (``leveranse.Tidsrapport``
applies ``sjekk_besok``, ``besok_registrert``, ``sjekk_besok_paa_leveranse``, ...). The visit is
recorded on the uploading provider's delivery for that user and tjenestetype covering the visit's
date (else its nearest one, so that time outside the period becomes a reported deviation, R18).
Re-uploading a file records nothing twice (the same visit and the same cancellation are
recognised). In strict mode nothing is recorded if any line is rejected.

The file (text, or bytes in UTF-8 as the CLI and the API give it) is streamed in chunks of about
``BLOKK_TEGN`` characters and at most ``BIT`` lines: memory stays flat however large the file
is. A chunk whose every line would be accepted is decided column-wise
(``tidsrapport_kolonner``: the same checks as column expressions, proven against this path by
``tests/integration/test_tidsrapport_kolonner.py``); any other chunk line by line, here, through
the domain. Three threads overlap: one reads and prepares the next chunk, one decides, one saves.

What is recorded: per chunk and delivery, one ``BesokRapportert`` with the accepted visits and one
``AvbestillingerRapportert`` with the accepted cancellations, each carrying the file's sha256 and
every line number (a visit's id is derived from delivery, file and line). A chunk is one atomic
save. Measured speed and where the time goes: docs/benchmarks.md.
"""

from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import io
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, AnyStr, Generic, TypeVar, cast, overload
from uuid import UUID

import polars as pl
from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from application import tidsrapport_kolonner as tk
from domain import bruker as b_mod
from domain import kalender
from domain import leveranse as l_mod
from domain.begreper import (
    Aktor,
    FeilAggregattype,
    Hendelse,
    IkkeFunnet,
    Kontekst,
    Regelbrudd,
    Tjenestetype,
    aktiv_paa,
    ren_tekst,
)
from domain.bruker import Bruker
from domain.leveranse import Besokskategori, Leveranse

if TYPE_CHECKING:
    from application.app import BrukervalgApp

KOLONNER = ("type", "bruker", "tjenestetype", "start", "slutt", "ansatt", "kategori", "tiltakskode",
            "avbestilt_tid", "journalreferanse")
PAKREVDE = ("type", "bruker", "tjenestetype", "start", "slutt")
BIT = 10_000  # lines per chunk at most: one atomic save each (bounded memory)
BLOKK_TEGN = 1 << 20  # characters per chunk, about (a line longer than this is one chunk)
KOLONNEVIS = True  # decide chunks column-wise when they allow it (False: always line by line)
TILSTANDER = 200  # users' and deliveries' states kept per import (each)
EGNE_MAKS = 20_000  # users' own deliveries kept per import


class Status(StrEnum):
    GODTATT = "godtatt"
    ALLEREDE_REGISTRERT = "allerede_registrert"
    AVVIST = "avvist"


@dataclass(frozen=True)
class Linjekvittering:
    linje: int
    status: Status
    regel: str | None = None
    felt: str | None = None
    melding: str = ""
    leveranse_id: UUID | None = None


@dataclass
class Sammendrag:
    linjer: int = 0
    godtatt: int = 0
    allerede_registrert: int = 0
    avvist: int = 0
    hendelser: int = 0
    sekunder: float = 0.0
    streng: bool = False
    lagret: bool = True
    kolonnevis: int = 0  # lines decided column-wise (the rest line by line)
    avvisninger_per_regel: dict[str, int] = field(default_factory=dict)

    def tell(self, k: Linjekvittering) -> None:
        self.linjer += 1
        if k.status is Status.GODTATT:
            self.godtatt += 1
        elif k.status is Status.ALLEREDE_REGISTRERT:
            self.allerede_registrert += 1
        else:
            self.avvist += 1
            regel = k.regel or "?"
            self.avvisninger_per_regel[regel] = self.avvisninger_per_regel.get(regel, 0) + 1


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


def les_aggregater(app: BrukervalgApp, ider: Iterable[UUID]) -> dict[UUID, list[Hendelse]]:
    """The events of many aggregates in one query (PostgreSQL, SQLite), else one by one.

    An import touches a few users per chunk; one query per aggregate costs more than deciding
    all of their lines. Reads the events table directly, as the recorder's ``select_events``
    does, and decodes through the application's mapper (decrypted and upcast as always).
    """
    ider = list(ider)
    rec, mapper = app.recorder, app.mapper
    rader: list[tuple[str, bytes]] | None = None  # topic and state, by aggregate and version
    if isinstance(rec, PostgresAggregateRecorder):
        ds = rec.datastore
        sql = SQL("SELECT topic, state FROM {s}.{t} "
                  "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
                  ).format(s=Identifier(ds.schema), t=Identifier(rec.events_table_name))
        parametre = ider if ds.originator_id_type == "uuid" else [str(i) for i in ider]
        with ds.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(sql, (parametre,))
            rader = curs.fetchall()
    elif isinstance(rec, SQLiteAggregateRecorder):
        rader = []
        for i in range(0, len(ider), 500):
            del_ = ider[i:i + 500]
            with rec.datastore.transaction(commit=False) as c:
                c.execute(f"SELECT topic, state FROM {rec.events_table_name} WHERE originator_id "
                          f"IN ({','.join('?' * len(del_))}) "
                          "ORDER BY originator_id, originator_version", [x.hex for x in del_])
                rader += [(r[0], r[1]) for r in c.fetchall()]
    svar: dict[UUID, list[Hendelse]] = {}
    if rader is None:
        for ident in ider:  # an unknown id has no events, and no entry (as from the queries)
            if hendelser := [cast(Hendelse, e) for e in app.events.get(ident)]:
                svar[ident] = hendelser
        return svar
    fra_lagret = mapper.fra_lagret
    for topic, state in rader:
        e = fra_lagret(topic, bytes(state))
        liste = svar.get(e.originator_id)
        if liste is None:
            svar[e.originator_id] = [e]
        else:
            liste.append(e)
    return svar


_Tilstand = TypeVar("_Tilstand")


class _Cache(OrderedDict[UUID, _Tilstand], Generic[_Tilstand]):
    """A small LRU of aggregate states, so a month's file loads each delivery once."""

    def __init__(self, maks: int,
                 ved_ut: Callable[[UUID, _Tilstand], object] | None = None) -> None:
        super().__init__()
        self.maks = maks
        self.ved_ut = ved_ut

    def hent(self, ident: UUID, last: Callable[[UUID], _Tilstand]) -> _Tilstand:
        if ident in self:
            self.move_to_end(ident)
            return self[ident]
        verdi = last(ident)
        self.legg(ident, verdi)
        return verdi

    def legg(self, ident: UUID, verdi: _Tilstand) -> None:
        self[ident] = verdi
        self.move_to_end(ident)
        if len(self) > self.maks:
            ut, verdi = self.popitem(last=False)
            if self.ved_ut is not None:
                self.ved_ut(ut, verdi)


class _Ukjent(Regelbrudd):
    """No such user: answered as "none of this provider's" (``_egne_leveranser``)."""

    def __init__(self) -> None:
        super().__init__("R18", "bruker", "ukjent bruker")


_Egne = list[tuple[date, date | None, UUID]]  # the provider's deliveries: fom, tom, id
_Kv = tuple[int, Status, str | None, str | None, str, UUID | None]  # a receipt, before it is one


class Tidsrapportimport:
    """Imports one provider's file through the domain's checks, one event per delivery and chunk."""

    def __init__(self, app: BrukervalgApp, leverandor_id: str, aktor: Aktor) -> None:
        self.app = app
        self.leverandor_id = leverandor_id
        self.aktor = aktor
        app.ref.leverandor(leverandor_id)
        # Bounded, so memory stays flat however many users a file has: a chunk's users and
        # deliveries are read together (``_forhandslast``); what a user's lines need later is
        # their deliveries from this provider (``_egne``).
        self._brukere: _Cache[Bruker] = _Cache(TILSTANDER)
        # Lines the column-wise path accepted that are not yet folded into a cached delivery's
        # state (folded when the line-by-line path needs it; dropped with the state).
        self._ventende: dict[UUID, list[tk.Ventende]] = {}
        self._leveranser: _Cache[Leveranse] = _Cache(TILSTANDER, ved_ut=self._ut_av_cache)
        self._i_bruk: set[UUID] = set()  # the deliveries the chunk being decided may touch
        self._bitnr = 0  # column-wise chunks decided (pending lines carry theirs)
        self._egne: dict[tuple[str, Tjenestetype], _Egne | Regelbrudd] = {}
        self._fnr: dict[str, UUID | None] = {}

    def _forhandslast(self, par: Iterable[tuple[str, str]]) -> dict[UUID, Leveranse]:
        """Load the chunk's users, then their deliveries, in two queries; returns the deliveries
        (with the lines accepted column-wise folded in)."""
        ukjente: set[UUID] = set()
        for ref, _ in par:
            try:
                bruker_id = self._bruker_id(ref)
            except Regelbrudd:
                continue
            if bruker_id not in self._brukere:
                ukjente.add(bruker_id)
        if ukjente:
            for bruker_id, hendelser in les_aggregater(self.app, ukjente).items():
                try:
                    self._brukere.legg(bruker_id, b_mod.projiser(None, hendelser))
                except FeilAggregattype:  # not a bruker id: the line will say so
                    pass
        leveranse_ider: set[UUID] = set()
        for ref, tj in par:
            tjenestetype = _TJENESTETYPER.get(tj)
            if tjenestetype is None:
                continue
            try:
                egne = self._egne_leveranser(ref, tjenestetype)
            except Regelbrudd:
                continue
            leveranse_ider.update(x[2] for x in egne)
        self._i_bruk = leveranse_ider
        lastet = {i: self._leveranser[i] for i in leveranse_ider if i in self._leveranser}
        mangler = leveranse_ider - lastet.keys()
        if mangler:
            for lev_id, hendelser in les_aggregater(self.app, mangler).items():
                lev = l_mod.projiser(None, hendelser)
                self._leveranser.legg(lev_id, lev)
                lastet[lev_id] = lev
        return lastet

    def _ut_av_cache(self, lev_id: UUID, lev: Leveranse) -> None:
        """A delivery's state leaves the cache: its pending lines go with it, folded in first if
        the chunk being decided still uses that state (a chunk with more deliveries than the
        cache holds); a later chunk reads the delivery from the store again."""
        ventende = self._ventende.pop(lev_id, ())
        if lev_id in self._i_bruk:
            for v in ventende:
                v.brett_inn(lev)

    def _leveranse(self, lev_id: UUID, lastet: dict[UUID, Leveranse]) -> Leveranse:
        """The delivery's state as the line-by-line path decides on it: everything accepted so
        far folded in."""
        lev = lastet.get(lev_id) or self._leveranser.hent(lev_id, self.app.leveranse)
        for v in self._ventende.pop(lev_id, ()):
            v.brett_inn(lev)
        return lev

    def _glem(self) -> None:
        self._leveranser.clear()
        self._ventende.clear()
        self._brukere.clear()
        self._egne.clear()

    # --- resolving ------------------------------------------------------------------------

    def _bruker_id(self, ref: str) -> UUID:
        if ref.isdigit():
            if ref not in self._fnr:
                self._fnr[ref] = self._egen_bruker(self.app.finn_brukere(ref))
            funnet = self._fnr[ref]
            if funnet is None:
                raise _Ukjent()
            return funnet
        try:
            return UUID(ref)
        except ValueError:
            raise Regelbrudd("R18", "bruker", f"ikke en bruker-id eller et fødselsnummer: {ref!r}") from None

    def _egen_bruker(self, brukere: list[UUID]) -> UUID | None:
        """Of the records of one fødselsnummer (one per bydel that registered the person), the
        one this provider serves; the first when it serves none (the line is then refused as
        for any bruker it does not serve)."""
        if len(brukere) > 1:
            for bruker_id in brukere:
                try:
                    b = self._bruker(bruker_id)
                except _Ukjent:
                    continue
                if any(r.leverandor_id == self.leverandor_id for r in b.leveranser.values()):
                    return bruker_id
        return brukere[0] if brukere else None

    def _bruker(self, bruker_id: UUID) -> Bruker:
        try:
            return self._brukere.hent(bruker_id, self.app.bruker)
        except IkkeFunnet:
            raise _Ukjent() from None

    def _egne_leveranser(self, ref: str, tjenestetype: Tjenestetype) -> _Egne:
        """The uploading provider's deliveries of the tjenestetype to the user (kept per file)."""
        nokkel = (ref, tjenestetype)
        egne = self._egne.get(nokkel)
        if egne is None:
            try:
                b = self._bruker(self._bruker_id(ref))
                egne = [(r.fom, r.tom, r.leveranse_id) for r in b.leveranser.values()
                        if r.tjenestetype == tjenestetype and r.leverandor_id == self.leverandor_id
                        and not r.annullert]
                if not egne:
                    raise _Ukjent()
            except Regelbrudd as e:
                if isinstance(e, _Ukjent):
                    # The same words whether the user does not exist or is not this provider's:
                    # a receipt is no way to learn who is registered (issue 14).
                    e = Regelbrudd("R18", "bruker", f"{self.leverandor_id} har ingen leveranse "
                                   f"av {tjenestetype} til denne brukeren, eller brukeren finnes "
                                   "ikke")
                egne = e.with_traceback(None)  # kept: no frame (and no cycle) with it
            if len(self._egne) >= EGNE_MAKS:
                self._egne.clear()
            self._egne[nokkel] = egne
        if isinstance(egne, Regelbrudd):
            raise egne
        return egne

    def _leveranse_for(self, ref: str, tjenestetype: Tjenestetype, start: datetime) -> UUID:
        """The provider's delivery covering the date; else its nearest one (R18 deviation)."""
        egne = self._egne_leveranser(ref, tjenestetype)
        if len(egne) == 1:
            return egne[0][2]
        dato = kalender.lokal_dato(start)

        def avstand(r: tuple[date, date | None, UUID]) -> int:
            fom, tom, _ = r
            if aktiv_paa(fom, tom, dato):
                return 0
            return (fom - dato).days if dato < fom else (dato - (tom or date.max)).days

        return min(egne, key=avstand)[2]

    # --- deciding ---------------------------------------------------------------------------

    def _behandle(self, bit: list[Rad], kol: _Kolonner, sha: str,
                  ktx: Kontekst) -> tuple[list[_Kv], list[Hendelse]]:
        """Decide a chunk's lines; returns the receipts and the chunk's events (one or two per
        delivery with accepted lines)."""
        kvitteringer: list[_Kv] = []
        rapporter: dict[UUID, l_mod.Tidsrapport] = {}
        i_bruker, i_tj = kol.bruker, kol.tjenestetype
        lastet = self._forhandslast({(rad[i_bruker].strip(), rad[i_tj].strip()) for _, rad in bit
                                     if len(rad) > max(i_bruker, i_tj)})
        bredde = kol.bredde
        i_type, i_bruker, i_tj, i_start, i_slutt = (kol.type, kol.bruker, kol.tjenestetype,
                                                     kol.start, kol.slutt)
        i_kategori, i_avbestilt, i_ansatt, i_tiltak, i_journal = (
            kol.kategori, kol.avbestilt_tid, kol.ansatt, kol.tiltakskode, kol.journalreferanse)
        GODTATT, ALLEREDE, AVVIST = Status.GODTATT, Status.ALLEREDE_REGISTRERT, Status.AVVIST
        # A user with one delivery of the tjenestetype from this provider: its report, by the
        # line's own text (most lines of a month's file).
        eneste: dict[tuple[str, str], tuple[UUID, l_mod.Tidsrapport]] = {}
        for nr, rad in bit:
            try:
                if rad[0] is ULESELIG:
                    raise Regelbrudd("BV0", "linje", rad[1])
                if len(rad) < bredde:
                    rad = rad + [""] * (bredde - len(rad))
                type_ = rad[i_type].strip().lower()
                bruker = rad[i_bruker].strip()
                tj = rad[i_tj].strip()
                s_start = rad[i_start].strip()
                s_slutt = rad[i_slutt].strip()
                if not (type_ and bruker and tj and s_start and s_slutt):
                    felt = next(f for f, v in zip(PAKREVDE, (type_, bruker, tj, s_start, s_slutt),
                                                  strict=True) if not v)
                    raise Regelbrudd("BV0", felt, "mangler")
                if type_ == "besok":
                    er_besok = True
                elif type_ == "avbestilling":
                    er_besok = False
                else:
                    raise Regelbrudd("BV0", "type", f"må være besok eller avbestilling, ikke {type_!r}")
                tjenestetype = _TJENESTETYPER.get(tj)
                if tjenestetype is None:
                    raise Regelbrudd("BV0", "tjenestetype", f"ukjent tjenestetype {tj!r}")
                kategori = _KATEGORIER.get(rad[i_kategori].strip())
                if kategori is None:
                    raise Regelbrudd("R18a", "kategori", f"ukjent kategori {rad[i_kategori].strip()!r}")
                s_avb = rad[i_avbestilt].strip()
                avbestilt = _tid(s_avb, "avbestilt_tid") if s_avb else None
                if not er_besok and avbestilt is None:
                    raise Regelbrudd("R20", "avbestilt_tid", "en avbestilling må si når den ble gitt")
                start = _tid(s_start, "start")
                slutt = _tid(s_slutt, "slutt")
                funnet = eneste.get((bruker, tj))
                if funnet is not None:
                    lev_id, rapport = funnet
                else:
                    lev_id = self._leveranse_for(bruker, tjenestetype, start)
                    kjent_rapport = rapporter.get(lev_id)
                    if kjent_rapport is None:
                        lev = self._leveranse(lev_id, lastet)
                        kjent_rapport = rapporter[lev_id] = l_mod.Tidsrapport(lev, sha, ktx)
                    rapport = kjent_rapport
                    if len(self._egne_leveranser(bruker, tjenestetype)) == 1:
                        eneste[(bruker, tj)] = (lev_id, rapport)
                if er_besok:
                    tiltak = rad[i_tiltak].strip()
                    ny = rapport.besok_linje(nr, start, slutt,
                                             ren_tekst(rad[i_ansatt].strip(), "ansatt"), kategori,
                                             ren_tekst(tiltak, "tiltakskode") if tiltak else None)
                else:
                    assert avbestilt is not None  # refused above when missing (R20)
                    ny = rapport.avbestilling_linje(
                        nr, start, slutt, avbestilt,
                        ren_tekst(rad[i_journal].strip(), "journalreferanse"))
            except kalender.NaivtTidspunktError as e:
                kvitteringer.append((nr, AVVIST, e.regel or "BV2", e.felt, str(e), None))
                continue
            except Regelbrudd as e:
                kvitteringer.append((nr, AVVIST, e.regel, e.felt, e.melding, None))
                continue
            kvitteringer.append((nr, GODTATT if ny else ALLEREDE, None, None, "", lev_id))
        nye = [h for r in rapporter.values() for h in r.hendelser()]
        return kvitteringer, nye

    def importer(self, filer: Callable[[], IO[str] | IO[bytes]], *, streng: bool = False,
                 kvittering: Callable[[Linjekvittering], None] | None = None,
                 fremdrift: Callable[[int], None] | None = None,
                 sha256: str | None = None) -> Sammendrag:
        """Import the file ``filer()`` opens (more than once: its sha256 first, unless given;
        in strict mode a check pass before the recording one)."""
        t0 = time.perf_counter()
        sha = sha256 or fil_sha256(filer)
        if streng:
            sjekk = self._kjor(filer, sha, lagre=False, kvittering=None, fremdrift=None)
            self._glem()
            if sjekk.avvist:
                ut = self._kjor(filer, sha, lagre=False, kvittering=kvittering, fremdrift=fremdrift)
                ut.streng, ut.lagret, ut.godtatt, ut.allerede_registrert = True, False, 0, 0
                ut.sekunder = time.perf_counter() - t0
                return ut
        ut = self._kjor(filer, sha, lagre=True, kvittering=kvittering, fremdrift=fremdrift)
        ut.streng = streng
        ut.sekunder = time.perf_counter() - t0
        return ut

    def _kolonnevis(self, df: pl.DataFrame | None, sha: str,
                    ktx: Kontekst) -> tk.Avgjort | None:
        """Decide a block of lines column-wise (``tidsrapport_kolonner``; ``df`` as
        ``_Blokk.forbered`` made it); None if any of its lines needs the line-by-line path. The
        accepted lines are then pending on their deliveries' states, whose versions the events
        advance."""
        if df is None or not df["ren"].all():
            return None
        par = tk.par(df)
        lastet = self._forhandslast(par)
        leveranse_for: dict[tuple[str, str], Leveranse] = {}
        for bruker, tj in par:
            try:
                egne = self._egne_leveranser(bruker, _TJENESTETYPER[tj])
            except Regelbrudd:
                return None
            if len(egne) != 1:
                return None
            lev_id = egne[0][2]
            leveranse_for[(bruker, tj)] = lastet.get(lev_id) or self._leveranser.hent(
                lev_id, self.app.leveranse)
        leveranse_for_id = {lev.id: lev for lev in leveranse_for.values()}
        kjent = {lev.id: tk.kjent(lev, self._ventende.get(lev.id, []))
                 for lev in leveranse_for.values()}
        versjoner = {lev.id: lev.version for lev in leveranse_for.values()}
        avgjort = tk.avgjor(df, leveranse_for, kjent,
                            tk.Lagring(self.app.mapper, sha, ktx))
        if avgjort is None:
            for lev in leveranse_for.values():  # nothing was decided: as before
                lev.version = versjoner[lev.id]
            return None
        self._bitnr += 1
        for lev_id, v in avgjort.ventende.items():
            i_cache = self._leveranser.get(lev_id)
            if i_cache is not None and i_cache is leveranse_for_id[lev_id]:  # else read again later
                v.bit = self._bitnr
                self._ventende.setdefault(lev_id, []).append(v)
        self._brett_inn_eldre()
        return avgjort

    def _brett_inn_eldre(self) -> None:
        """Fold in lines pending from before the previous column-wise chunk. A pending line
        keeps its chunk's accepted rows in memory; so at most two chunks' rows are kept, however
        the file's lines are ordered (sorted by user, the older ones' deliveries have mostly
        left the cache already, and with them their pending lines)."""
        for lev_id, liste in self._ventende.items():
            if liste[0].bit >= self._bitnr - 1:
                continue
            lev = self._leveranser.get(lev_id)
            assert lev is not None  # pending lines leave with their delivery (_ut_av_cache)
            while liste and liste[0].bit < self._bitnr - 1:
                liste.pop(0).brett_inn(lev)
        for lev_id in [i for i, liste in self._ventende.items() if not liste]:
            del self._ventende[lev_id]

    def _avgjor(self, blokk: _Blokk, hode: Hode, sha: str, ktx: Kontekst) -> _Resultat:
        """A block decided column-wise if it can be, else line by line."""
        if blokk.tekst is not None:
            avgjort = (self._kolonnevis(blokk.forberedt(hode), sha, ktx)
                       if KOLONNEVIS else None)
            if avgjort is not None:
                return _Resultat(None, avgjort, [], avgjort.hendelser)
            tekst = blokk.tekst if isinstance(blokk.tekst, str) else _tekst(blokk.tekst)
            rader: list[Rad] = list(csv_rader(io.StringIO(tekst), hode.skille, blokk.forste))
        else:
            assert blokk.rader is not None  # a block is text or rows
            rader = blokk.rader
        kvitteringer, nye = self._behandle(rader, hode.kolonner, sha, ktx)
        return _Resultat(kvitteringer, None, nye, None)

    def _kjor(self, filer: Callable[[], IO[str] | IO[bytes]], sha: str, *, lagre: bool,
              kvittering: Callable[[Linjekvittering], None] | None,
              fremdrift: Callable[[int], None] | None) -> Sammendrag:
        """Decide block after block; each block is saved (one atomic save) in a second thread
        while the next is decided, so the database's work and ours overlap. A block's receipts
        are counted when its save has succeeded."""
        ut = Sammendrag(lagret=lagre)
        with filer() as fil, _uten_syklussamler(), ThreadPoolExecutor(
                1, thread_name_prefix="tidsrapport-lagring") as lagrer, ThreadPoolExecutor(
                1, thread_name_prefix="tidsrapport-lesing") as leser:
            hode = les_hode(fil)
            forrige: _Bit | None = None
            for blokk in _i_forveien(_blokker(fil, hode.skille, BIT), hode, leser):
                ktx = Kontekst(self.aktor, self.app.klokke())
                resultat = self._avgjor(blokk, hode, sha, ktx)
                if forrige is not None and not self._fullfor(forrige, hode, sha, ut, kvittering,
                                                             fremdrift):
                    # The block before was redone on fresh state: so is this one.
                    resultat = self._avgjor(blokk, hode, sha, ktx)
                lagring = (lagrer.submit(resultat.lagre, self.app)
                           if lagre and resultat.antall_hendelser else None)
                forrige = _Bit(blokk, ktx, resultat, lagring)
            if forrige is not None:
                self._fullfor(forrige, hode, sha, ut, kvittering, fremdrift)
        return ut

    def _fullfor(self, bit: _Bit, hode: Hode, sha: str, ut: Sammendrag,
                 kvittering: Callable[[Linjekvittering], None] | None,
                 fremdrift: Callable[[int], None] | None) -> bool:
        """Wait for a block's save and count its receipts. If someone else wrote to one of its
        deliveries meanwhile, the block is decided again on fresh state and saved (once);
        returns False then."""
        resultat, uendret = bit.resultat, True
        if bit.lagring is not None:
            try:
                bit.lagring.result()
            except IntegrityError:
                self._glem()
                resultat = self._avgjor(bit.blokk, hode, sha, bit.ktx)
                if resultat.antall_hendelser:
                    resultat.lagre(self.app)
                uendret = False
        ut.hendelser += resultat.antall_hendelser
        if resultat.kolonnevis is not None:
            _tell_kolonnevis(resultat.kolonnevis, ut, kvittering)
        else:
            _tell(resultat.kvitteringer or [], ut, kvittering)
        if fremdrift:
            fremdrift(ut.linjer)
        return uendret


def _tell(kvitteringer: list[_Kv], ut: Sammendrag,
          kvittering: Callable[[Linjekvittering], None] | None) -> None:
    ut.linjer += len(kvitteringer)
    for k in kvitteringer:
        if k[1] is Status.GODTATT:
            ut.godtatt += 1
        elif k[1] is Status.ALLEREDE_REGISTRERT:
            ut.allerede_registrert += 1
        else:
            ut.avvist += 1
            regel = k[2] or "?"
            ut.avvisninger_per_regel[regel] = ut.avvisninger_per_regel.get(regel, 0) + 1
        if kvittering:
            kvittering(Linjekvittering(k[0], k[1], k[2], k[3], k[4], k[5]))


def _tell_kolonnevis(avgjort: tk.Avgjort, ut: Sammendrag,
                     kvittering: Callable[[Linjekvittering], None] | None) -> None:
    """A column-wise block's receipts: every line accepted, as new or as already recorded."""
    linjer = avgjort.linjer
    nye = int(linjer["ny"].sum())
    ut.linjer += linjer.height
    ut.kolonnevis += linjer.height
    ut.godtatt += nye
    ut.allerede_registrert += linjer.height - nye
    if kvittering:
        ider = avgjort.leveranse_ider
        GODTATT, ALLEREDE = Status.GODTATT, Status.ALLEREDE_REGISTRERT
        for linje, ny, lev in linjer.iter_rows():
            kvittering(Linjekvittering(linje, GODTATT if ny else ALLEREDE, None, None, "",
                                       ider[lev]))


@dataclass
class _Blokk:
    """Consecutive lines of the file: as text (from line ``forste``) while the file can be read
    column-wise, else as the csv module's rows."""

    forste: int
    tekst: str | bytes | None = None
    rader: list[Rad] | None = None
    _forberedt: pl.DataFrame | None = field(default=None, repr=False)
    _er_forberedt: bool = False

    def forbered(self, hode: Hode) -> None:
        """Read the text's cells, parse and check each line (``tidsrapport_kolonner.forbered``)."""
        if self.tekst is not None and not self._er_forberedt:
            df = tk.les_blokk(self.tekst, hode.navn, hode.skille)
            self._forberedt = None if df is None else tk.forbered(df, self.forste)
            self._er_forberedt = True

    def forberedt(self, hode: Hode) -> pl.DataFrame | None:
        """The prepared lines, once (a block decided again after a conflict prepares again):
        memory holds the text of a block waiting for its save, not its cells."""
        self.forbered(hode)
        df, self._forberedt, self._er_forberedt = self._forberedt, None, False
        return df


def _i_forveien(blokker: Iterator[_Blokk], hode: Hode, leser: ThreadPoolExecutor
                ) -> Iterator[_Blokk]:
    """The blocks, each read and prepared in ``leser`` while the one before is decided (most of
    that work is in polars, outside the GIL)."""

    def neste() -> _Blokk | None:
        blokk = next(blokker, None)
        if blokk is not None and KOLONNEVIS:
            blokk.forbered(hode)
        return blokk

    kommende = leser.submit(neste)
    while (blokk := kommende.result()) is not None:
        kommende = leser.submit(neste)
        yield blokk


# Text or bytes, one of them for the whole file (AnyStr); the overloads let a caller holding
# either kind of file call it.
@overload
def _blokker(fil: IO[str], skille: str, n: int) -> Iterator[_Blokk]: ...


@overload
def _blokker(fil: IO[bytes], skille: str, n: int) -> Iterator[_Blokk]: ...


def _blokker(fil: IO[AnyStr], skille: str, n: int) -> Iterator[_Blokk]:
    """The file after its header in blocks of at most ``n`` lines and about ``BLOKK_TEGN``
    characters (bytes, for a file opened in binary mode: its text is not decoded and encoded
    again on the column-wise path). From the first block with quoting or a lone carriage return
    on, the rest is read by the csv module in chunks of ``n`` rows (a quoted cell may hold a line
    break, and the csv module numbers records, not lines)."""
    forste = 2
    rest: AnyStr = fil.read(0)  # "" or b"", as the file gives
    nl: AnyStr = "\n" if isinstance(rest, str) else b"\n"
    while True:
        lest = fil.read(BLOKK_TEGN)
        tekst = rest + lest
        if not tekst:
            return
        slutt = tekst.rfind(nl) + 1 if lest else len(tekst)
        if slutt == 0:  # one line longer than a block: read on
            rest = tekst
            continue
        if tekst.count(nl, 0, slutt) > n:
            slutt = 0
            for _ in range(n):
                slutt = tekst.index(nl, slutt) + 1
        tekst, rest = tekst[:slutt], tekst[slutt:]
        if tk.kan_leses_kolonnevis(tekst):
            yield _Blokk(forste, tekst=tekst)
            forste += tekst.count(nl) + (not tekst.endswith(nl))
            continue
        linjer: Iterable[str]
        # The lines as a file opened with newline="" gives them (the csv module's way).
        if isinstance(tekst, bytes):
            resten = io.TextIOWrapper(fil, encoding="utf-8", newline="")
            linjer = chain(io.StringIO(_tekst(tekst + rest), newline=""),
                           _dekodet(resten))
        else:
            linjer = chain(io.StringIO(tekst + rest, newline=""), fil)
        rader = csv_rader(linjer, skille, forste)
        while bit := list(islice(rader, n)):
            yield _Blokk(bit[0][0], rader=bit)
        return


def _dekodet(linjer: Iterable[str]) -> Iterator[str]:
    """The lines of a text wrapper, a decoding error as Filfeil."""
    try:
        yield from linjer
    except UnicodeDecodeError as e:
        raise Filfeil(f"filen er ikke UTF-8 ({e.reason})") from None


@dataclass
class _Resultat:
    """A decided block: line by line (receipts and events) or column-wise (already stored form)."""

    kvitteringer: list[_Kv] | None
    kolonnevis: tk.Avgjort | None
    nye: list[Hendelse]
    lagrede: tk.Lagring | None  # column-wise: stored form made in the saving thread

    @property
    def antall_hendelser(self) -> int:
        return len(self.nye) + (len(self.lagrede) if self.lagrede is not None else 0)

    def lagre(self, app: BrukervalgApp) -> None:
        if self.nye:
            app.save(*self.nye)
        if self.lagrede is not None and len(self.lagrede):
            app.lagre_lagrede(self.lagrede.lagrede())


@dataclass
class _Bit:
    """A decided block and its save while that runs."""

    blokk: _Blokk
    ktx: Kontekst
    resultat: _Resultat
    lagring: Future[None] | None


@contextmanager
def _uten_syklussamler() -> Iterator[None]:
    """Pause Python's cycle collector while a file is imported, then restore it.

    A chunk's many young objects (a few per line) would otherwise be scanned again and again by
    the collector's younger generations, and the cached states by its full collections: a
    quarter of the time of a large file. The import makes no reference cycles of its own, and
    its memory is freed by reference counting, so memory stays bounded.
    """
    var_paa = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if var_paa:
            gc.enable()


def kvittering_csv_linje(k: Linjekvittering) -> str:
    felt = [str(k.linje), k.status.value, k.regel or "", k.felt or "", k.melding.replace(";", ","),
            str(k.leveranse_id or "")]
    return ";".join(felt)


KVITTERING_HODE = "linje;status;regel;felt;melding;leveranse_id"


def fra_tekst(tekst: str) -> Callable[[], IO[str]]:
    """Open an in-memory file repeatedly (for tests)."""
    return lambda: io.StringIO(tekst)


def fra_bytes(data: bytes) -> Callable[[], IO[bytes]]:
    """Open an in-memory UTF-8 file repeatedly (API uploads)."""
    return lambda: io.BytesIO(data)


