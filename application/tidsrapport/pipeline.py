"""The import's pipeline: the file read in chunks, each decided column-wise or line by line, and
saved while the next is decided.

The file (text, or bytes in UTF-8 as the CLI and the API give it) is streamed in chunks of about
``BLOKK_TEGN`` characters and at most ``BIT`` lines: memory stays flat however large the file
is. A chunk whose every line would be accepted is decided column-wise (``kolonner``: the same
checks as column expressions, proven against the line-by-line path by
``tests/integration/test_tidsrapport_kolonner.py``); any other chunk line by line, through the
domain (``linjer``). Three threads overlap: one reads and prepares the next chunk, one decides,
one saves.

What is recorded: per chunk and delivery, one ``BesokRapportert`` with the accepted visits and one
``AvbestillingerRapportert`` with the accepted cancellations, each carrying the file's sha256 and
every line number (a visit's id is derived from delivery, file and line). A chunk is one atomic
save. Measured speed and where the time goes: docs/benchmarks.md.
"""

from __future__ import annotations

import gc
import io
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, AnyStr, overload
from uuid import UUID

import polars as pl
from eventsourcing.persistence import IntegrityError

from application.tidsrapport import kolonner as tk
from application.tidsrapport.format import (
    _TJENESTETYPER,
    Hode,
    Rad,
    _dekodet,
    _tekst,
    csv_rader,
    fil_sha256,
    les_hode,
)
from application.tidsrapport.kolonnelesing import forbered, kan_leses_kolonnevis, les_blokk
from application.tidsrapport.kvittering import Linjekvittering, Sammendrag, _Kv, _tell, _tell_kolonnevis
from application.tidsrapport.linjer import Linjevis
from domain.begreper import Hendelse, Kontekst, Regelbrudd

if TYPE_CHECKING:
    from application.app import BrukervalgApp


BIT = 10_000  # lines per chunk at most: one atomic save each (bounded memory)
BLOKK_TEGN = 1 << 20  # characters per chunk, about (a line longer than this is one chunk)
KOLONNEVIS = True  # decide chunks column-wise when they allow it (False: always line by line)


class Tidsrapportimport(Linjevis):
    """Imports one provider's file through the domain's checks, one event per delivery and chunk."""

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
        """Decide a block of lines column-wise (``kolonner``; ``df`` as
        ``_Blokk.forbered`` made it); None if any of its lines needs the line-by-line path. The
        accepted lines are then pending on their deliveries' states, whose versions the events
        advance."""
        if df is None or not df["ren"].all():
            return None
        par = tk.par(df)
        lastet = self._forhandslast(par)
        id_for: dict[tuple[str, str], UUID] = {}
        for bruker, tj in par:
            try:
                egne = self._egne_leveranser(bruker, _TJENESTETYPER[tj])
            except Regelbrudd:
                return None
            if len(egne) != 1:
                return None
            lev_id = id_for[(bruker, tj)] = egne[0][2]
            if lev_id not in lastet:
                lastet[lev_id] = self._leveranser.hent(lev_id, self.app.leveranse)
        # By id only now: loading one may have pushed another out of the cache, and that one's
        # pending lines into its state in ``lastet`` (_ut_av_cache).
        leveranse_for = {par_: lastet[lev_id] for par_, lev_id in id_for.items()}
        leveranse_for_id = {lev.id: lev for lev in leveranse_for.values()}
        kjent = {lev.id: tk.kjent(lev, self._ventende.get(lev.id, []))
                 for lev in leveranse_for.values()}
        # Numbered after the pending lines' events too (they are not folded into the state yet).
        versjoner = {lev.id: max([lev.version, *(v.versjon for v in self._ventende.get(lev.id, []))])
                     for lev in leveranse_for.values()}
        avgjort = tk.avgjor(df, leveranse_for, kjent,
                            tk.Lagring(self.app.mapper, sha, ktx, versjoner))
        if avgjort is None:
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
                lev = liste.pop(0).brett_inn(lev)
            self._leveranser[lev_id] = lev  # in its place: no eviction
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
        """Read the text's cells, parse and check each line (``kolonnelesing.forbered``)."""
        if self.tekst is not None and not self._er_forberedt:
            df = les_blokk(self.tekst, hode.navn, hode.skille)
            self._forberedt = None if df is None else forbered(df, self.forste)
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
        if kan_leses_kolonnevis(tekst):
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
