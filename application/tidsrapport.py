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

Every line is checked by the same domain rules as a single command. The visit is recorded on the
uploading provider's delivery for that user and tjenestetype covering the visit's date (else its
nearest one, so that time outside the period becomes a reported deviation, R18). Re-uploading a
file records nothing twice (the same visit and the same cancellation are recognised). The file is
streamed in chunks: memory stays flat however large the file is. In strict mode nothing is
recorded if any line is rejected.
"""

from __future__ import annotations

import csv
import io
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import IO
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from domain import kalender
from domain import leveranse as l_mod
from domain.bruker import Bruker, LeveranseRef
from domain.felles import Aktor, Hendelse, IkkeFunnet, Kontekst, Regelbrudd, Tjenestetype
from domain.leveranse import Besokskategori, Leveranse

KOLONNER = ("type", "bruker", "tjenestetype", "start", "slutt", "ansatt", "kategori", "tiltakskode",
            "avbestilt_tid", "journalreferanse")
PAKREVDE = ("type", "bruker", "tjenestetype", "start", "slutt")
BIT = 500  # lines per chunk: one atomic save each


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


@dataclass
class _Linje:
    nr: int
    type: str
    bruker: str
    tjenestetype: Tjenestetype
    start: datetime
    slutt: datetime
    ansatt: str
    kategori: Besokskategori
    tiltakskode: str | None
    avbestilt_tid: datetime | None
    journalreferanse: str


def _tid(verdi: str, felt: str) -> datetime:
    try:
        t = datetime.fromisoformat(verdi.strip())
    except ValueError:
        raise Regelbrudd("BV2", felt, f"ikke et ISO 8601-tidspunkt: {verdi!r}") from None
    return kalender.krev_tidssone(t, felt, "BV2")


def _tolk(nr: int, rad: dict[str, str]) -> _Linje:
    def verdi(felt: str) -> str:
        return (rad.get(felt) or "").strip()

    for felt in PAKREVDE:
        if not verdi(felt):
            raise Regelbrudd("BV0", felt, "mangler")
    type_ = verdi("type").lower()
    if type_ not in ("besok", "avbestilling"):
        raise Regelbrudd("BV0", "type", f"må være besok eller avbestilling, ikke {type_!r}")
    try:
        tjenestetype = Tjenestetype(verdi("tjenestetype"))
    except ValueError:
        raise Regelbrudd("BV0", "tjenestetype", f"ukjent tjenestetype {verdi('tjenestetype')!r}") from None
    try:
        kategori = Besokskategori(verdi("kategori") or "ordinaer")
    except ValueError:
        raise Regelbrudd("R18a", "kategori", f"ukjent kategori {verdi('kategori')!r}") from None
    avbestilt = _tid(verdi("avbestilt_tid"), "avbestilt_tid") if verdi("avbestilt_tid") else None
    if type_ == "avbestilling" and avbestilt is None:
        raise Regelbrudd("R20", "avbestilt_tid", "en avbestilling må si når den ble gitt")
    return _Linje(nr, type_, verdi("bruker"), tjenestetype, _tid(verdi("start"), "start"),
                  _tid(verdi("slutt"), "slutt"), verdi("ansatt"), kategori,
                  verdi("tiltakskode") or None, avbestilt, verdi("journalreferanse"))


def les_rader(fil: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream the rows with their line numbers; the header decides the separator."""
    header = fil.readline()
    if not header.strip():
        raise Filfeil("filen er tom")
    skille = ";" if header.count(";") >= header.count(",") else ","
    navn = [h.strip().lower().lstrip("\ufeff") for h in next(csv.reader([header], delimiter=skille))]
    mangler = [k for k in PAKREVDE if k not in navn]
    ukjente = [k for k in navn if k not in KOLONNER]
    if mangler or ukjente:
        raise Filfeil(f"overskriften mangler {mangler} eller har ukjente kolonner {ukjente}; "
                      f"kolonnene er {';'.join(KOLONNER)}")
    for nr, rad in enumerate(csv.reader(fil, delimiter=skille), start=2):
        if rad and any(x.strip() for x in rad):
            yield nr, dict(zip(navn, rad, strict=False))


class _Cache(OrderedDict[UUID, object]):
    """A small LRU of aggregate states, so a month's file loads each delivery once."""

    def __init__(self, maks: int) -> None:
        super().__init__()
        self.maks = maks

    def hent(self, ident: UUID, last: Callable[[UUID], object]) -> object:
        if ident in self:
            self.move_to_end(ident)
            return self[ident]
        verdi = last(ident)
        self[ident] = verdi
        if len(self) > self.maks:
            self.popitem(last=False)
        return verdi


class Tidsrapportimport:
    """Imports one provider's file through the application's aggregates and decisions."""

    def __init__(self, app: object, leverandor_id: str, aktor: Aktor) -> None:
        self.app = app
        self.leverandor_id = leverandor_id
        self.aktor = aktor
        app.ref.leverandor(leverandor_id)  # type: ignore[attr-defined]
        self._brukere = _Cache(2_000)
        self._leveranser = _Cache(200)
        self._fnr: dict[str, UUID | None] = {}

    # --- resolving ------------------------------------------------------------------------

    def _bruker_id(self, ref: str) -> UUID:
        if ref.isdigit():
            if ref not in self._fnr:
                self._fnr[ref] = self.app.finn_bruker_id(ref)  # type: ignore[attr-defined]
            funnet = self._fnr[ref]
            if funnet is None:
                raise Regelbrudd("R18", "bruker", "ukjent bruker")
            return funnet
        try:
            return UUID(ref)
        except ValueError:
            raise Regelbrudd("R18", "bruker", f"ikke en bruker-id eller et fødselsnummer: {ref!r}") from None

    def _bruker(self, bruker_id: UUID) -> Bruker:
        try:
            return self._brukere.hent(bruker_id, self.app.bruker)  # type: ignore[attr-defined,return-value]
        except IkkeFunnet:
            raise Regelbrudd("R18", "bruker", "ukjent bruker") from None

    def _leveranse_for(self, linje: _Linje) -> Leveranse:
        """The provider's delivery covering the date; else its nearest one (R18 deviation)."""
        b = self._bruker(self._bruker_id(linje.bruker))
        dato = kalender.lokal_dato(linje.start)
        egne = [r for r in b.leveranser.values() if r.tjenestetype == linje.tjenestetype
                and r.leverandor_id == self.leverandor_id and not r.annullert]
        if not egne:
            raise Regelbrudd("R18", "bruker", f"{self.leverandor_id} har ingen leveranse av "
                             f"{linje.tjenestetype} til denne brukeren")

        def avstand(r: LeveranseRef) -> int:
            if r.fom <= dato and (r.tom is None or dato <= r.tom):
                return 0
            return (r.fom - dato).days if dato < r.fom else (dato - (r.tom or date.max)).days

        valgt = min(egne, key=avstand)
        return self._leveranser.hent(valgt.leveranse_id, self.app.leveranse)  # type: ignore[attr-defined,return-value]

    # --- deciding ---------------------------------------------------------------------------

    def _beslutt(self, linje: _Linje, ktx: Kontekst) -> tuple[Leveranse, list[Hendelse]]:
        lev = self._leveranse_for(linje)
        if linje.type == "besok":
            return lev, l_mod.registrer_besok(lev, uuid4(), linje.start, linje.slutt, linje.ansatt,
                                              linje.kategori, linje.tiltakskode, ktx)
        if linje.avbestilt_tid is None:
            raise Regelbrudd("R20", "avbestilt_tid", "en avbestilling må si når den ble gitt")
        return lev, l_mod.avbestill(lev, linje.start, linje.slutt, linje.avbestilt_tid,
                                    linje.journalreferanse, ktx)

    def _behandle(self, bit: list[tuple[int, dict[str, str]]],
                  ktx: Kontekst) -> tuple[list[Linjekvittering], list[Hendelse]]:
        kvitteringer, nye = [], []
        for nr, rad in bit:
            try:
                linje = _tolk(nr, rad)
                lev, hendelser = self._beslutt(linje, ktx)
            except kalender.NaivtTidspunktError as e:
                kvitteringer.append(Linjekvittering(nr, Status.AVVIST, e.regel or "BV2", e.felt, str(e)))
                continue
            except Regelbrudd as e:
                kvitteringer.append(Linjekvittering(nr, Status.AVVIST, e.regel, e.felt, e.melding))
                continue
            for h in hendelser:  # later lines of the chunk see this one (duplicates, overlaps)
                l_mod.evolve(h, lev)
                lev.version = h.originator_version
            nye += hendelser
            status = Status.GODTATT if hendelser else Status.ALLEREDE_REGISTRERT
            kvitteringer.append(Linjekvittering(nr, status, leveranse_id=lev.id))
        return kvitteringer, nye

    def importer(self, filer: Callable[[], IO[str]], *, streng: bool = False,
                 kvittering: Callable[[Linjekvittering], None] | None = None,
                 fremdrift: Callable[[int], None] | None = None) -> Sammendrag:
        """Import the file ``filer()`` opens (called twice in strict mode: check, then record)."""
        t0 = time.perf_counter()
        if streng:
            sjekk = self._kjor(filer, lagre=False, kvittering=None, fremdrift=None)
            if sjekk.avvist:
                self._leveranser.clear()
                self._brukere.clear()
                ut = self._kjor(filer, lagre=False, kvittering=kvittering, fremdrift=fremdrift)
                ut.streng, ut.lagret, ut.godtatt, ut.allerede_registrert = True, False, 0, 0
                ut.sekunder = time.perf_counter() - t0
                return ut
            self._leveranser.clear()
            self._brukere.clear()
        ut = self._kjor(filer, lagre=True, kvittering=kvittering, fremdrift=fremdrift)
        ut.streng = streng
        ut.sekunder = time.perf_counter() - t0
        return ut

    def _kjor(self, filer: Callable[[], IO[str]], *, lagre: bool,
              kvittering: Callable[[Linjekvittering], None] | None,
              fremdrift: Callable[[int], None] | None) -> Sammendrag:
        ut = Sammendrag(lagret=lagre)
        with filer() as fil:
            for bit in _bitvis(les_rader(fil), BIT):
                ktx = Kontekst(self.aktor, self.app.klokke())  # type: ignore[attr-defined]
                kvitteringer, nye = self._behandle(bit, ktx)
                if lagre and nye:
                    kvitteringer, nye = self._lagre(bit, kvitteringer, nye, ktx)
                ut.hendelser += len(nye)
                for k in kvitteringer:
                    ut.tell(k)
                    if kvittering:
                        kvittering(k)
                if fremdrift:
                    fremdrift(ut.linjer)
        return ut

    def _lagre(self, bit: list[tuple[int, dict[str, str]]], kvitteringer: list[Linjekvittering],
               nye: list[Hendelse], ktx: Kontekst) -> tuple[list[Linjekvittering], list[Hendelse]]:
        """One atomic save per chunk; if someone else wrote to a delivery meanwhile, redo it once."""
        try:
            self.app.save(*nye)  # type: ignore[attr-defined]
            return kvitteringer, nye
        except IntegrityError:
            self._leveranser.clear()
            self._brukere.clear()
            kvitteringer, nye = self._behandle(bit, ktx)
            if nye:
                self.app.save(*nye)  # type: ignore[attr-defined]
            return kvitteringer, nye


Rad = tuple[int, dict[str, str]]


def _bitvis(rader: Iterable[Rad], n: int) -> Iterator[list[Rad]]:
    bit: list[Rad] = []
    for rad in rader:
        bit.append(rad)
        if len(bit) >= n:
            yield bit
            bit = []
    if bit:
        yield bit


def kvittering_csv_linje(k: Linjekvittering) -> str:
    felt = [str(k.linje), k.status.value, k.regel or "", k.felt or "", k.melding.replace(";", ","),
            str(k.leveranse_id or "")]
    return ";".join(felt)


KVITTERING_HODE = "linje;status;regel;felt;melding;leveranse_id"


def fra_tekst(tekst: str) -> Callable[[], IO[str]]:
    """Open an in-memory file repeatedly (for tests and API uploads)."""
    return lambda: io.StringIO(tekst)


