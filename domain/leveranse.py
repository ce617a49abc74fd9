"""Leveranse: one provider's delivery of one vedtak's service to one bruker over a period."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from functools import singledispatch
from typing import Any, ClassVar
from uuid import UUID, uuid4, uuid5

from pydantic import BaseModel, ConfigDict, Field

from domain import frister, kalender
from domain.begreper import (
    FeilAggregattype,
    Hendelse,
    Hendelser,
    Kanal,
    Kontekst,
    Regelbrudd,
    Sluttarsak,
    Tjenestetype,
    kanal_for,
    projektor,
    ren_tekst,
    sjekk_observasjoner,
)
from domain.frister import Varselgrunn

LENGSTE_BESOK = timedelta(hours=24)
_NULL = timedelta(0)
_LIGNER_FNR = re.compile(r"^\d{11}$")
# BV6: the longest staff pseudonym, measure code and journal reference a report may carry.
ANSATT_MAKS = 64
TILTAKSKODE_MAKS = 64
JOURNAL_MAKS = 200


class Besokskategori(StrEnum):
    """R18a: an acute extra visit is an explicit, documented category, not a loophole."""

    ORDINAER = "ordinaer"
    AKUTT_EKSTRA = "akutt_ekstra"


class Avvikstype(StrEnum):
    AVVIK = "avvik"
    KLAGE_PAA_TJENESTEN = "klage_paa_tjenesten"


# --- events ---------------------------------------------------------------------------------


class LeveranseBestilt(Hendelse):
    bruker_id: UUID
    vedtak_id: UUID | None
    tjenestetype: Tjenestetype
    leverandor_id: str
    fom: date
    tom: date | None


class LeverandorVarslet(Hendelse):
    """R09, R11-R13: the bydel notified the provider (channel, time, and what about).

    Schema 2 added ``gjelder`` (start, expansion, extension, switch) and ``gjelder_fra`` (the day
    an expansion or extension takes effect: the notice names it); schema 1 reads back as
    ``ikke_oppgitt``.
    """

    OBSERVERT: ClassVar[tuple[str, ...]] = ("varslet_tid",)

    SKJEMA: ClassVar[int] = 2
    kanal: Kanal
    varslet_tid: datetime
    hast: bool = False
    gjelder: Varselgrunn = Varselgrunn.START
    gjelder_fra: date | None = None

    @classmethod
    def oppgrader(cls, data: dict[str, Any], fra_skjema: int) -> dict[str, Any]:
        if fra_skjema < 2:
            data = {**data, "gjelder": Varselgrunn.IKKE_OPPGITT.value, "gjelder_fra": None}
        return data


class OppsigelseVarslet(Hendelse):
    """R09: the old provider was told of the termination."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("varslet_tid",)

    kanal: Kanal
    varslet_tid: datetime


class LeveranseKnyttetTilVedtak(Hendelse):
    """R14: a service started before the vedtak is linked to it."""

    vedtak_id: UUID


class LeveranseStartet(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("startet_tid",)
    startet_tid: datetime


class BesokUtfort(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("start", "slutt")
    besok_id: UUID
    start: datetime
    slutt: datetime
    ansatt: str = Field(description="pseudonymous staff id (R28a)")
    kategori: Besokskategori = Besokskategori.ORDINAER
    tiltakskode: str | None = None


class BesokAvbestilt(Hendelse):
    """R20: the user cancelled a visit; documented in the journal and told to the bydel."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("avbestilt_tid",)

    planlagt_start: datetime
    planlagt_slutt: datetime
    avbestilt_tid: datetime
    journalreferanse: str


def _ordinaer(k: Besokskategori) -> bool:
    return k is Besokskategori.ORDINAER


def _ingen(x: object) -> bool:
    return x is None


class RapportertBesok(BaseModel):
    """One visit of a provider's time report; ``linje`` is its line in the file.

    Stored compactly (a month's file holds many): an ordinary visit without tiltakskode leaves
    both fields out, and its ``besok_id`` is not stored but derived from the delivery, the
    file's sha256 and the line (``rapportert_besok_id``), so the same line always has the same id.
    """

    OBSERVERT: ClassVar[tuple[str, ...]] = ("start", "slutt")

    model_config = ConfigDict(extra="forbid", frozen=True)
    linje: int
    start: datetime
    slutt: datetime
    ansatt: str = Field(description="pseudonymous staff id (R28a)")
    kategori: Besokskategori = Field(Besokskategori.ORDINAER, exclude_if=_ordinaer)
    tiltakskode: str | None = Field(None, exclude_if=_ingen)


def rapportert_besok_id(leveranse_id: UUID, fil_sha256: str, linje: int) -> UUID:
    """The id of a visit reported on line ``linje`` of a file: ``uuid5(leveranse_id,
    fil_sha256)`` with the line number XOR-ed into its last 48 bits (unique per line)."""
    return _besok_id(uuid5(leveranse_id, fil_sha256).int, linje)


def _besok_id(grunnlag: int, linje: int) -> UUID:
    if not 0 < linje < 1 << 48:
        raise Regelbrudd("BV0", "linje", f"linjenummer {linje} utenfor gyldig område")
    return UUID(int=grunnlag ^ linje)


class BesokRapportert(Hendelse):
    """Visits of one delivery reported together in a provider's time report (one file chunk).

    Each visit counts exactly as a ``BesokUtfort`` would; the file's sha256 and the visit's line
    number say where it was reported. Every visit passed the same checks as a single visit
    (BV8 on each line, by ``RapportertBesok.OBSERVERT``).
    """

    fil_sha256: str
    fom: date = Field(description="the first Oslo date of the visits (when the fact takes effect)")
    tom: date = Field(description="the last Oslo date of the visits")
    besok: tuple[RapportertBesok, ...]


class RapportertAvbestilling(BaseModel):
    """One cancellation (R20) of a provider's time report; ``linje`` is its line in the file."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("avbestilt_tid",)

    model_config = ConfigDict(extra="forbid", frozen=True)
    linje: int
    planlagt_start: datetime
    planlagt_slutt: datetime
    avbestilt_tid: datetime
    journalreferanse: str


class AvbestillingerRapportert(Hendelse):
    """Cancellations of one delivery reported together in a time report (one file chunk); each
    counts exactly as a ``BesokAvbestilt`` would."""

    fil_sha256: str
    fom: date = Field(description="the first Oslo date of the planned visits")
    tom: date = Field(description="the last Oslo date of the planned visits")
    avbestillinger: tuple[RapportertAvbestilling, ...]


class BekymringsmeldingMottatt(Hendelse):
    """R21: both when the provider received the concern and when it forwarded it."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("mottatt_tid",)

    melding_id: UUID
    mottatt_tid: datetime
    fagjournal: str


class BekymringsmeldingVideresendt(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("videresendt_tid",)
    melding_id: UUID
    videresendt_tid: datetime
    beskjedjournal: str


class LeveransePeriodeForlenget(Hendelse):
    """The vedtak was extended, and the delivery continues with it (None: until further notice)."""

    ny_tom: date | None


class LeveranseAvsluttet(Hendelse):
    """The delivery ends on ``sluttdato`` (which may lie ahead, e.g. day ten of a notice)."""

    sluttdato: date
    arsak: Sluttarsak
    sluttnotat: str = ""


class AvvikRegistrert(Hendelse):
    """R27: a deviation or complaint about the service delivery."""

    OBSERVERT: ClassVar[tuple[str, ...]] = ("mottatt_tid",)

    avvik_id: UUID
    type: Avvikstype
    mottatt_tid: datetime
    beskrivelse: str


class AvvikBehandlet(Hendelse):
    OBSERVERT: ClassVar[tuple[str, ...]] = ("behandlet_tid",)
    avvik_id: UUID
    behandlet_tid: datetime
    konklusjon: str


# --- state ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Besok:
    """A recorded visit as the delivery knows it, from a ``BesokUtfort`` or one line of a
    ``BesokRapportert`` (then ``linje`` and ``fil_sha256`` say where it was reported).
    Read-only by convention (not frozen: a month's file creates many)."""

    besok_id: UUID
    start: datetime
    slutt: datetime
    ansatt: str
    kategori: Besokskategori
    tiltakskode: str | None
    timestamp: datetime
    hendelse_id: UUID
    linje: int | None = None
    fil_sha256: str | None = None


@dataclass(slots=True)
class Avbestilling:
    """A recorded cancellation (R20), from a ``BesokAvbestilt`` or one line of an
    ``AvbestillingerRapportert``."""

    planlagt_start: datetime
    planlagt_slutt: datetime
    avbestilt_tid: datetime
    journalreferanse: str
    timestamp: datetime
    hendelse_id: UUID
    linje: int | None = None
    fil_sha256: str | None = None


def _dager(start: datetime, slutt: datetime) -> range:
    """The overlap indexes' buckets an interval is filed under: the calendar days its ends are
    written in (each in its own offset, which is cheap to read and never a day off UTC)."""
    a, b = start.toordinal(), slutt.toordinal()
    return range(a, b + 1) if a <= b else range(b, a + 1)


def _naboer(start: datetime, slutt: datetime) -> range:
    """The buckets to search for intervals that may overlap [start, slutt): two days more on each
    side, since two instants' written days can differ by two from their UTC days' difference.
    Candidates found there are then checked with ``kalender.foer`` (the rule itself)."""
    a, b = start.toordinal(), slutt.toordinal()
    return range(min(a, b) - 2, max(a, b) + 3)


@dataclass
class Leveranse:
    id: UUID
    version: int
    bruker_id: UUID
    vedtak_id: UUID | None
    tjenestetype: Tjenestetype
    leverandor_id: str
    fom: date
    tom: date | None
    avsluttet: LeveranseAvsluttet | None = None
    varsler: list[LeverandorVarslet] = field(default_factory=list)
    oppsigelsesvarsler: list[OppsigelseVarslet] = field(default_factory=list)
    startet_tid: datetime | None = None
    besok: dict[UUID, Besok] = field(default_factory=dict)
    besoksnokler: dict[tuple[datetime, datetime, str], UUID] = field(default_factory=dict)
    avbestillinger: list[Avbestilling] = field(default_factory=list)
    # Indexes for the per-visit checks (a visit is compared with the few facts on its days only).
    avbestilte_starter: set[datetime] = field(default_factory=set)
    besok_per_dag: dict[int, list[Besok]] = field(default_factory=dict)
    avbestillinger_per_dag: dict[int, list[Avbestilling]] = field(default_factory=dict)
    bekymringsmeldinger: dict[UUID, BekymringsmeldingMottatt] = field(default_factory=dict)
    videresendinger: dict[UUID, BekymringsmeldingVideresendt] = field(default_factory=dict)
    avvik: dict[UUID, AvvikRegistrert] = field(default_factory=dict)
    avviksbehandlinger: dict[UUID, AvvikBehandlet] = field(default_factory=dict)

    def fristfakta(self) -> frister.Leveransefakta:
        """The facts the obligations of this delivery are computed from (domain.frister)."""
        return frister.Leveransefakta(
            leveranse_id=str(self.id), bruker_id=str(self.bruker_id),
            tjenestetype=self.tjenestetype, leverandor_id=self.leverandor_id,
            vedtak_id=str(self.vedtak_id) if self.vedtak_id else None, fom=self.fom,
            tom=self.tom, startet=self.startet_tid,
            varsler=tuple(frister.Varsel(v.kanal, v.varslet_tid, v.hast, v.gjelder,
                                         v.gjelder_fra) for v in self.varsler),
            meldinger=tuple(frister.Melding(
                str(mid), m.mottatt_tid, self.videresendinger[mid].videresendt_tid
                if mid in self.videresendinger else None)
                for mid, m in self.bekymringsmeldinger.items()))


# --- evolve ---------------------------------------------------------------------------------


@singledispatch
def evolve(event: Hendelse, state: Leveranse | None) -> Leveranse:
    raise FeilAggregattype(f"Leveranse cannot apply {type(event).__name__}")


@evolve.register
def _(e: LeveranseBestilt, state: Leveranse | None) -> Leveranse:
    return Leveranse(id=e.originator_id, version=e.originator_version, bruker_id=e.bruker_id,
                     vedtak_id=e.vedtak_id, tjenestetype=e.tjenestetype,
                     leverandor_id=e.leverandor_id, fom=e.fom, tom=e.tom)


@evolve.register
def _(e: LeverandorVarslet, lev: Leveranse) -> Leveranse:
    lev.varsler.append(e)
    return lev


@evolve.register
def _(e: OppsigelseVarslet, lev: Leveranse) -> Leveranse:
    lev.oppsigelsesvarsler.append(e)
    return lev


@evolve.register
def _(e: LeveranseKnyttetTilVedtak, lev: Leveranse) -> Leveranse:
    lev.vedtak_id = e.vedtak_id
    return lev


@evolve.register
def _(e: LeveranseStartet, lev: Leveranse) -> Leveranse:
    lev.startet_tid = e.startet_tid
    return lev


def noter_besok(lev: Leveranse, b: Besok) -> None:
    """Add a recorded visit to the state (one fold step; the import uses it for lines of a
    chunk not yet saved, so later lines see earlier ones)."""
    lev.besok[b.besok_id] = b
    lev.besoksnokler[(b.start, b.slutt, b.ansatt)] = b.besok_id
    per_dag = lev.besok_per_dag
    for dag in _dager(b.start, b.slutt):
        liste = per_dag.get(dag)
        if liste is None:
            per_dag[dag] = [b]
        else:
            liste.append(b)


def noter_avbestilling(lev: Leveranse, a: Avbestilling) -> None:
    lev.avbestillinger.append(a)
    lev.avbestilte_starter.add(a.planlagt_start)
    for dag in _dager(a.planlagt_start, a.planlagt_slutt):
        lev.avbestillinger_per_dag.setdefault(dag, []).append(a)


@evolve.register
def _(e: BesokUtfort, lev: Leveranse) -> Leveranse:
    noter_besok(lev, Besok(e.besok_id, e.start, e.slutt, e.ansatt, e.kategori, e.tiltakskode,
                           e.timestamp, e.hendelse_id))
    return lev


@evolve.register
def _(e: BesokRapportert, lev: Leveranse) -> Leveranse:
    sha, ts, hid = e.fil_sha256, e.timestamp, e.hendelse_id
    grunnlag = uuid5(lev.id, sha).int
    for x in e.besok:
        noter_besok(lev, Besok(_besok_id(grunnlag, x.linje), x.start, x.slutt, x.ansatt,
                               x.kategori, x.tiltakskode, ts, hid, x.linje, sha))
    return lev


@evolve.register
def _(e: BesokAvbestilt, lev: Leveranse) -> Leveranse:
    noter_avbestilling(lev, Avbestilling(e.planlagt_start, e.planlagt_slutt, e.avbestilt_tid,
                                         e.journalreferanse, e.timestamp, e.hendelse_id))
    return lev


@evolve.register
def _(e: AvbestillingerRapportert, lev: Leveranse) -> Leveranse:
    for x in e.avbestillinger:
        noter_avbestilling(lev, Avbestilling(x.planlagt_start, x.planlagt_slutt, x.avbestilt_tid,
                                             x.journalreferanse, e.timestamp, e.hendelse_id,
                                             x.linje, e.fil_sha256))
    return lev


@evolve.register
def _(e: BekymringsmeldingMottatt, lev: Leveranse) -> Leveranse:
    lev.bekymringsmeldinger[e.melding_id] = e
    return lev


@evolve.register
def _(e: BekymringsmeldingVideresendt, lev: Leveranse) -> Leveranse:
    lev.videresendinger[e.melding_id] = e
    return lev


@evolve.register
def _(e: LeveransePeriodeForlenget, lev: Leveranse) -> Leveranse:
    lev.tom = e.ny_tom
    return lev


@evolve.register
def _(e: LeveranseAvsluttet, lev: Leveranse) -> Leveranse:
    lev.avsluttet = e
    lev.tom = e.sluttdato
    return lev


@evolve.register
def _(e: AvvikRegistrert, lev: Leveranse) -> Leveranse:
    lev.avvik[e.avvik_id] = e
    return lev


@evolve.register
def _(e: AvvikBehandlet, lev: Leveranse) -> Leveranse:
    lev.avviksbehandlinger[e.avvik_id] = e
    return lev


projiser = projektor(evolve)


# --- decisions ------------------------------------------------------------------------------


def bestill(leveranse_id: UUID, bruker_id: UUID, vedtak_id: UUID | None,
            tjenestetype: Tjenestetype, leverandor_id: str, fom: date, tom: date | None,
            ktx: Kontekst) -> list[Hendelse]:
    h = Hendelser(leveranse_id, 0, ktx)
    h.ny(LeveranseBestilt, bruker_id=bruker_id, vedtak_id=vedtak_id, tjenestetype=tjenestetype,
         leverandor_id=leverandor_id, fom=fom, tom=tom)
    return h.liste


def varsle(lev: Leveranse, kanal: Kanal, varslet_tid: datetime, hast: bool,
           ktx: Kontekst, gjelder: Varselgrunn = Varselgrunn.START,
           gjelder_fra: date | None = None) -> list[Hendelse]:
    """R09/R11-R13: record the notice; the channel must fit the tjenestetype, and a notice of
    an expansion or extension names the day it takes effect."""
    kalender.krev_tidssone(varslet_tid, "varslet_tid", "BV2")
    if gjelder is Varselgrunn.IKKE_OPPGITT:
        raise Regelbrudd("R11", "gjelder", "varselet må si hva det gjelder: start, utvidelse, "
                         "forlengelse eller bytte")
    endring = gjelder in (Varselgrunn.UTVIDELSE, Varselgrunn.FORLENGELSE)
    if endring and gjelder_fra is None:
        raise Regelbrudd("R11", "gjelder_fra", f"et varsel om {gjelder} må si fra hvilken dato "
                         "endringen gjelder")
    if not endring and gjelder_fra is not None:
        raise Regelbrudd("R11", "gjelder_fra", "fra-dato oppgis bare for utvidelse og forlengelse")
    if hast and gjelder is not Varselgrunn.START:
        raise Regelbrudd("R12", "gjelder", "et hastevarsel på telefon gjelder oppstart")
    if hast and (kanal is not Kanal.TELEFON or not lev.tjenestetype.er_hjemmesykepleie):
        raise Regelbrudd("R12", "kanal", "hastevarsel gis på telefon, og bare for hjemmesykepleie")
    if kanal is Kanal.TELEFON and not lev.tjenestetype.er_hjemmesykepleie:
        raise Regelbrudd("R12", "kanal", "telefonvarsel gjelder bare hjemmesykepleie")
    if kanal is not Kanal.TELEFON and kanal is not kanal_for(lev.tjenestetype):
        raise Regelbrudd("R09", "kanal", f"{lev.tjenestetype} varsles gjennom "
                         f"{kanal_for(lev.tjenestetype)}, ikke {kanal}")
    ny = (kanal, varslet_tid, hast, gjelder, gjelder_fra)
    if any((v.kanal, v.varslet_tid, v.hast, v.gjelder, v.gjelder_fra) == ny for v in lev.varsler):
        return []
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(LeverandorVarslet, kanal=kanal, varslet_tid=varslet_tid, hast=hast, gjelder=gjelder,
         gjelder_fra=gjelder_fra)
    return h.liste


def varsle_oppsigelse(lev: Leveranse, kanal: Kanal, varslet_tid: datetime,
                      ktx: Kontekst) -> list[Hendelse]:
    kalender.krev_tidssone(varslet_tid, "varslet_tid", "BV2")
    if lev.avsluttet is None or lev.avsluttet.arsak is not Sluttarsak.BYTTE_AV_LEVERANDOR:
        raise Regelbrudd("R09", "leveranse_id", "leveransen er ikke sagt opp ved bytte")
    if any((v.kanal, v.varslet_tid) == (kanal, varslet_tid) for v in lev.oppsigelsesvarsler):
        return []
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(OppsigelseVarslet, kanal=kanal, varslet_tid=varslet_tid)
    return h.liste


def start(lev: Leveranse, startet_tid: datetime, ktx: Kontekst) -> list[Hendelse]:
    kalender.krev_tidssone(startet_tid, "startet_tid", "BV2")
    if lev.startet_tid == startet_tid:
        return []
    if lev.startet_tid is not None:
        raise Regelbrudd("R13", "startet_tid", f"leveransen startet allerede {lev.startet_tid}")
    _sjekk_ikke_avsluttet_for(lev, kalender.lokal_dato(startet_tid), "startet_tid")
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(LeveranseStartet, startet_tid=startet_tid)
    return h.liste


def _sjekk_ikke_avsluttet_for(lev: Leveranse, dato: date, felt: str) -> None:
    """R23: after death or moving out, nothing is delivered."""
    a = lev.avsluttet
    if a is not None and a.arsak in (Sluttarsak.DODSFALL, Sluttarsak.FLYTTET) and dato > a.sluttdato:
        hva = "døde" if a.arsak is Sluttarsak.DODSFALL else "flyttet ut av kommunen"
        raise Regelbrudd("R23", felt, f"brukeren {hva} {a.sluttdato}; ingenting leveres etter det")


def sjekk_besok(start: datetime, slutt: datetime, ansatt: str, kategori: Besokskategori,
                tiltakskode: str | None) -> None:
    """R18/R18a: a visit is a real, bounded interval by a pseudonymous staff member."""
    kalender.krev_tidssone(start, "start", "BV2")
    kalender.krev_tidssone(slutt, "slutt", "BV2")
    if type(start.tzinfo) is timezone and type(slutt.tzinfo) is timezone:
        varighet = slutt - start  # fixed offsets (parsed ISO text): already real elapsed time
    else:
        varighet = kalender.varighet(start, slutt)
    if varighet <= _NULL:
        raise Regelbrudd("R18", "slutt", "besøket må slutte etter at det startet")
    if varighet > LENGSTE_BESOK:
        raise Regelbrudd("R18", "slutt", "et besøk kan ikke vare mer enn 24 timer")
    ren_tekst(ansatt, "ansatt", maks=ANSATT_MAKS)
    if tiltakskode is not None:
        ren_tekst(tiltakskode, "tiltakskode", maks=TILTAKSKODE_MAKS)
    if not ansatt.strip() or _LIGNER_FNR.match(ansatt.strip()):
        raise Regelbrudd("R28a", "ansatt", "ansatt-id må være et pseudonym (aldri fødselsnummer)")
    if kategori is Besokskategori.AKUTT_EKSTRA and not (tiltakskode or "").strip():
        raise Regelbrudd("R18a", "tiltakskode", "akutt ekstrabesøk må dokumenteres med tiltakskode")


def besok_registrert(lev: Leveranse, start: datetime, slutt: datetime, ansatt: str) -> bool:
    """The same visit (same start, end and staff) is already recorded on the delivery."""
    return (start, slutt, ansatt) in lev.besoksnokler


def besokets_id(lev: Leveranse, besok_id: UUID, start: datetime, slutt: datetime,
                ansatt: str) -> UUID:
    """The id the visit has once ``registrer_besok`` on ``lev`` is saved: its own, or the id the
    same visit was recorded under before (a repeat records nothing)."""
    if besok_id in lev.besok:
        return besok_id
    return lev.besoksnokler.get((start, slutt, ansatt), besok_id)


def sjekk_besok_paa_leveranse(lev: Leveranse, start: datetime, slutt: datetime) -> None:
    """R23 and R20 for a new visit, against what the delivery already knows."""
    a = lev.avsluttet
    if a is not None and a.arsak in (Sluttarsak.DODSFALL, Sluttarsak.FLYTTET):
        _sjekk_ikke_avsluttet_for(lev, kalender.lokal_dato(start), "start")
    per_dag = lev.avbestillinger_per_dag
    if not per_dag:
        return
    for dag in _naboer(start, slutt):
        for x in per_dag.get(dag, ()):
            if kalender.foer(start, x.planlagt_slutt) and kalender.foer(x.planlagt_start, slutt):
                raise Regelbrudd("R20", "start", f"besøket {x.planlagt_start:%Y-%m-%d %H:%M} er "
                                 "avbestilt; et avbestilt besøk er ikke levert tid")


def registrer_besok(lev: Leveranse, besok_id: UUID, start: datetime, slutt: datetime,
                    ansatt: str, kategori: Besokskategori, tiltakskode: str | None,
                    ktx: Kontekst) -> list[Hendelse]:
    """A delivered visit; the same visit reported twice is recorded once."""
    sjekk_besok(start, slutt, ansatt, kategori, tiltakskode)
    if besok_id in lev.besok or besok_registrert(lev, start, slutt, ansatt):
        return []
    sjekk_besok_paa_leveranse(lev, start, slutt)
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(BesokUtfort, besok_id=besok_id, start=start, slutt=slutt, ansatt=ansatt.strip(),
         kategori=kategori, tiltakskode=tiltakskode)
    return h.liste


def sjekk_avbestilling(planlagt_start: datetime, planlagt_slutt: datetime,
                       avbestilt_tid: datetime, journalreferanse: str) -> None:
    """R20: a cancellation names a real planned interval and is documented in the journal."""
    for felt, t in (("planlagt_start", planlagt_start), ("planlagt_slutt", planlagt_slutt),
                    ("avbestilt_tid", avbestilt_tid)):
        kalender.krev_tidssone(t, felt, "BV2")
    if not kalender.foer(planlagt_start, planlagt_slutt):
        raise Regelbrudd("BV3", "planlagt_slutt", "planlagt slutt må være etter planlagt start")
    ren_tekst(journalreferanse, "journalreferanse", maks=JOURNAL_MAKS)
    if not journalreferanse.strip():
        raise Regelbrudd("R20", "journalreferanse", "avbestillingen må dokumenteres i journal")


def avbestilling_id(leveranse_id: UUID, planlagt_start: datetime) -> UUID:
    """A cancellation is the delivery's planned visit at that start (one per start, R20): its id
    is derived from the two, so the same cancellation reported again, or in a time report, has
    the same id."""
    return uuid5(leveranse_id, f"avbestilling {planlagt_start.astimezone(UTC).isoformat()}")


def avbestilling_registrert(lev: Leveranse, planlagt_start: datetime) -> bool:
    """The visit planned at this start is already cancelled on the delivery."""
    return planlagt_start in lev.avbestilte_starter


def sjekk_avbestilling_paa_leveranse(lev: Leveranse, planlagt_start: datetime,
                                     planlagt_slutt: datetime) -> None:
    """R20: a delivered visit cannot be cancelled."""
    per_dag = lev.besok_per_dag
    if not per_dag:
        return
    for dag in _naboer(planlagt_start, planlagt_slutt):
        for b in per_dag.get(dag, ()):
            if kalender.foer(b.start, planlagt_slutt) and kalender.foer(planlagt_start, b.slutt):
                raise Regelbrudd("R20", "planlagt_start", "det er registrert et utført besøk i "
                                 "dette tidsrommet; et utført besøk kan ikke avbestilles")


def avbestill(lev: Leveranse, planlagt_start: datetime, planlagt_slutt: datetime,
              avbestilt_tid: datetime, journalreferanse: str, ktx: Kontekst) -> list[Hendelse]:
    """R20: the user cancels a planned visit."""
    sjekk_avbestilling(planlagt_start, planlagt_slutt, avbestilt_tid, journalreferanse)
    if avbestilling_registrert(lev, planlagt_start):
        return []
    sjekk_avbestilling_paa_leveranse(lev, planlagt_start, planlagt_slutt)
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(BesokAvbestilt, planlagt_start=planlagt_start, planlagt_slutt=planlagt_slutt,
         avbestilt_tid=avbestilt_tid, journalreferanse=journalreferanse)
    return h.liste


def _tid(verdi: object) -> datetime:
    """A line's instant as collected by :class:`Tidsrapport` (always an aware datetime)."""
    assert isinstance(verdi, datetime)
    return verdi


class Tidsrapport:
    """One delivery's lines of a provider's time report (one file chunk), decided line by line.

    Each line gets exactly the checks of the single command (``registrer_besok``, ``avbestill``)
    and, when accepted, is applied to ``lev`` at once, so later lines see it (a duplicate within
    the file, a visit in a slot cancelled above). ``hendelser()`` then gives at most one
    ``BesokRapportert`` and one ``AvbestillingerRapportert`` for all accepted lines, numbered
    after the delivery's version (which it advances, as a fold would).
    """

    def __init__(self, lev: Leveranse, fil_sha256: str, ktx: Kontekst) -> None:
        self.lev = lev
        self.fil_sha256 = fil_sha256
        self.ktx = ktx
        self._besok_id = uuid4()  # the hendelse_id of each batch event, known before it exists
        self._avbestillinger_id = uuid4()
        self._id_grunnlag = uuid5(lev.id, fil_sha256).int  # of the visits' ids
        self.besok: list[dict[str, object]] = []
        self.avbestillinger: list[dict[str, object]] = []

    def besok_linje(self, linje: int, start: datetime, slutt: datetime, ansatt: str,
                    kategori: Besokskategori, tiltakskode: str | None) -> bool:
        """True if the visit is new, False if already recorded; Regelbrudd if refused."""
        sjekk_besok(start, slutt, ansatt, kategori, tiltakskode)
        sjekk_observasjoner(RapportertBesok.OBSERVERT, {"start": start, "slutt": slutt},
                            self.ktx.naa)
        lev = self.lev
        ansatt = ansatt.strip()
        if besok_registrert(lev, start, slutt, ansatt):
            return False
        sjekk_besok_paa_leveranse(lev, start, slutt)
        noter_besok(lev, Besok(_besok_id(self._id_grunnlag, linje), start, slutt, ansatt,
                               kategori, tiltakskode, self.ktx.naa, self._besok_id, linje,
                               self.fil_sha256))
        self.besok.append({"linje": linje, "start": start, "slutt": slutt, "ansatt": ansatt,
                           "kategori": kategori, "tiltakskode": tiltakskode})
        return True

    def avbestilling_linje(self, linje: int, planlagt_start: datetime, planlagt_slutt: datetime,
                           avbestilt_tid: datetime, journalreferanse: str) -> bool:
        sjekk_avbestilling(planlagt_start, planlagt_slutt, avbestilt_tid, journalreferanse)
        sjekk_observasjoner(RapportertAvbestilling.OBSERVERT, {"avbestilt_tid": avbestilt_tid},
                            self.ktx.naa)
        lev = self.lev
        if avbestilling_registrert(lev, planlagt_start):
            return False
        sjekk_avbestilling_paa_leveranse(lev, planlagt_start, planlagt_slutt)
        noter_avbestilling(lev, Avbestilling(planlagt_start, planlagt_slutt, avbestilt_tid,
                                             journalreferanse, self.ktx.naa,
                                             self._avbestillinger_id, linje, self.fil_sha256))
        self.avbestillinger.append({"linje": linje, "planlagt_start": planlagt_start,
                                    "planlagt_slutt": planlagt_slutt,
                                    "avbestilt_tid": avbestilt_tid,
                                    "journalreferanse": journalreferanse})
        return True

    def hendelser(self) -> list[Hendelse]:
        lev, ktx = self.lev, self.ktx
        ut: list[Hendelse] = []
        for cls, felt, rader, hid, start, slutt in (
                (BesokRapportert, "besok", self.besok, self._besok_id, "start", "slutt"),
                (AvbestillingerRapportert, "avbestillinger", self.avbestillinger,
                 self._avbestillinger_id, "planlagt_start", "planlagt_slutt")):
            if rader:
                lev.version += 1
                ut.append(cls.model_validate({
                    "originator_id": lev.id, "originator_version": lev.version,
                    "timestamp": ktx.naa, "aktor": ktx.aktor, "hendelse_id": hid,
                    "fil_sha256": self.fil_sha256,
                    # The earliest instant has the first Oslo date (a wall-clock comparison
                    # within one zone can only err inside the repeated autumn hour: same date).
                    "fom": kalender.lokal_dato(min(_tid(r[start]) for r in rader)),
                    "tom": kalender.lokal_dato(max(_tid(r[slutt]) for r in rader)),
                    felt: rader}))
        return ut


def motta_bekymringsmelding(lev: Leveranse, melding_id: UUID, mottatt_tid: datetime,
                            fagjournal: str, videresendt_tid: datetime | None,
                            beskjedjournal: str | None, ktx: Kontekst) -> list[Hendelse]:
    """R21: record when a concern was received and (when it was) forwarded to the bydel."""
    kalender.krev_tidssone(mottatt_tid, "mottatt_tid", "BV2")
    if not fagjournal.strip():
        raise Regelbrudd("R21", "fagjournal", "bekymringsmeldingen må dokumenteres i OL-fagjournal")
    h = Hendelser(lev.id, lev.version, ktx)
    if melding_id not in lev.bekymringsmeldinger:
        h.ny(BekymringsmeldingMottatt, melding_id=melding_id, mottatt_tid=mottatt_tid,
             fagjournal=fagjournal)
    if videresendt_tid is not None:
        _videresend(lev, melding_id, mottatt_tid, videresendt_tid, beskjedjournal, h)
    return h.liste


def videresend_bekymringsmelding(lev: Leveranse, melding_id: UUID, videresendt_tid: datetime,
                                 beskjedjournal: str | None, ktx: Kontekst) -> list[Hendelse]:
    mottatt = lev.bekymringsmeldinger.get(melding_id)
    if mottatt is None:
        raise Regelbrudd("R21", "melding_id", f"ingen bekymringsmelding {melding_id}")
    h = Hendelser(lev.id, lev.version, ktx)
    _videresend(lev, melding_id, mottatt.mottatt_tid, videresendt_tid, beskjedjournal, h)
    return h.liste


def _videresend(lev: Leveranse, melding_id: UUID, mottatt_tid: datetime,
                videresendt_tid: datetime, beskjedjournal: str | None,
                h: Hendelser) -> None:
    kalender.krev_tidssone(videresendt_tid, "videresendt_tid", "BV2")
    if kalender.foer(videresendt_tid, mottatt_tid):
        raise Regelbrudd("R21", "videresendt_tid", "kan ikke videresendes før den er mottatt")
    if not (beskjedjournal or "").strip():
        raise Regelbrudd("R21", "beskjedjournal", "videresending skjer med OL-beskjedjournal")
    if melding_id not in lev.videresendinger:
        h.ny(BekymringsmeldingVideresendt, melding_id=melding_id,
             videresendt_tid=videresendt_tid, beskjedjournal=beskjedjournal)


def avslutt(lev: Leveranse, sluttdato: date, arsak: Sluttarsak, sluttnotat: str,
            ktx: Kontekst) -> list[Hendelse]:
    """End the delivery on a date; idempotent for the same date and reason."""
    if lev.avsluttet is not None and (lev.avsluttet.sluttdato, lev.avsluttet.arsak) == (
            sluttdato, arsak):
        return []
    if arsak is Sluttarsak.BEHOV_OPPHORT and not sluttnotat.strip():
        raise Regelbrudd("R22", "sluttnotat", "når behovet opphører skrives et sluttnotat")
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(LeveranseAvsluttet, sluttdato=sluttdato, arsak=arsak, sluttnotat=sluttnotat)
    return h.liste


def registrer_avvik(lev: Leveranse, avvik_id: UUID, type: Avvikstype, mottatt_tid: datetime,
                    beskrivelse: str, ktx: Kontekst) -> list[Hendelse]:
    """R27: the bydel receives deviations and complaints about the service delivery."""
    kalender.krev_tidssone(mottatt_tid, "mottatt_tid", "BV2")
    if avvik_id in lev.avvik:
        return []
    if not beskrivelse.strip():
        raise Regelbrudd("R27", "beskrivelse", "avviket må beskrives")
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(AvvikRegistrert, avvik_id=avvik_id, type=type, mottatt_tid=mottatt_tid,
         beskrivelse=beskrivelse)
    return h.liste


def behandle_avvik(lev: Leveranse, avvik_id: UUID, behandlet_tid: datetime, konklusjon: str,
                   ktx: Kontekst) -> list[Hendelse]:
    kalender.krev_tidssone(behandlet_tid, "behandlet_tid", "BV2")
    avvik = lev.avvik.get(avvik_id)
    if avvik is None:
        raise Regelbrudd("R27", "avvik_id", f"intet avvik {avvik_id} på leveransen")
    if avvik_id in lev.avviksbehandlinger:
        return []
    if not konklusjon.strip():
        raise Regelbrudd("R27", "konklusjon", "behandlingen må ha en konklusjon")
    h = Hendelser(lev.id, lev.version, ktx)
    h.ny(AvvikBehandlet, avvik_id=avvik_id, behandlet_tid=behandlet_tid, konklusjon=konklusjon)
    return h.liste
