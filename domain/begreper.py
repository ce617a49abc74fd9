"""Shared domain vocabulary: actors, service types, the event base class and rule errors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, TypeVar
from uuid import UUID, uuid4

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain import kalender


class Regelbrudd(ValueError):
    """A command breaks a domain rule; nothing is stored. Names the field and the rule id."""

    def __init__(self, regel: str, felt: str, melding: str) -> None:
        super().__init__(f"{regel} ({felt}): {melding}")
        self.regel = regel
        self.felt = felt
        self.melding = melding


# BV6: what a text field may hold. Every C0 control (tab, CR and LF included), DEL and C1, a
# lone surrogate (not a character; PostgreSQL and UTF-8 cannot store it), the bidi overrides
# and isolates, the invisible direction marks (U+061C, U+200E, U+200F) and the invisible
# spaces and joiners that make two ids look the same (U+200B, U+2060–U+2064, U+FEFF, the byte
# order mark), and the noncharacters U+FFFE/U+FFFF. ZWNJ/ZWJ (U+200C/U+200D) stay: some scripts
# are spelt with them. A multi-line field (a description, a reason) also allows LF and tab;
# CRLF is read as LF, a bare CR is refused (no line ending anyone reads the same way).
_ULOVLIG = [(0x7F, 0x9F), (0xD800, 0xDFFF), (0x061C, 0x061C), (0x200B, 0x200B),
            (0x200E, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x2069),
            (0x2028, 0x2029), (0xFEFF, 0xFEFF), (0xFFFE, 0xFFFF)]
_EN_LINJE = [(0x00, 0x1F), *_ULOVLIG]
_FLERE_LINJER = [(0x00, 0x08), (0x0B, 0x1F), *_ULOVLIG]  # LF and tab allowed


def _klasse(omraader: list[tuple[int, int]], *, json_schema: bool = False) -> str:
    """A negated character class; for a JSON Schema as \\uXXXX escapes, without the
    surrogates (a schema pattern cannot name a lone surrogate, and JSON text sent as UTF-8 cannot
    carry one)."""
    if json_schema:
        return "^[^" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in omraader
                               if a < 0xD800 or a > 0xDFFF) + "]*$"
    return "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in omraader) + "]"


_FORBUDT = re.compile(_klasse(_EN_LINJE))
_FORBUDT_FLERLINJE = re.compile(_klasse(_FLERE_LINJER))
TEKST_MONSTER = _klasse(_EN_LINJE, json_schema=True)
"""BV6 for one line as a JSON Schema pattern: the OpenAPI document says what a text may hold."""
FLERLINJE_MONSTER = _klasse(_FLERE_LINJER, json_schema=True)


def ren_tekst(verdi: str, felt: str, *, flerlinje: bool = False, maks: int | None = None) -> str:
    """BV6: the text as stored (NFC), or Regelbrudd naming the field and the first bad character.

    The one check every text a person or a system sends passes through: the HTTP schemas
    (``Tekst``/``Flerlinjetekst``), the commands, the time-report import and the domain's own
    checks of a visit and a cancellation. ``maks``: the most characters the field may hold.
    """
    if maks is not None and len(verdi) > maks:
        raise Regelbrudd("BV6", felt, f"teksten kan ha høyst {maks} tegn, har {len(verdi)}")
    if flerlinje:
        verdi = verdi.replace("\r\n", "\n")
    treff = (_FORBUDT_FLERLINJE if flerlinje else _FORBUDT).search(verdi)
    if treff is not None:
        tegn = treff.group()
        raise Regelbrudd("BV6", felt, f"teksten inneholder et tegn som ikke er tillatt "
                         f"(U+{ord(tegn):04X}, {_tegnnavn(tegn)}) på plass {treff.start() + 1}")
    return verdi if unicodedata.is_normalized("NFC", verdi) else unicodedata.normalize("NFC", verdi)


def _tegnnavn(tegn: str) -> str:
    if tegn == "\x00":
        return "NUL"
    if tegn in "\r\n":
        return "linjeskift"
    if tegn == "\t":
        return "tabulator"
    if "\ud800" <= tegn <= "\udfff":
        return "enslig surrogat"
    if tegn in "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff":
        return "usynlig tegn"
    if unicodedata.category(tegn) == "Cf":
        return "retningsstyring"
    if unicodedata.category(tegn) in ("Zl", "Zp"):
        return "linjeskift"
    return "kontrolltegn" if unicodedata.category(tegn) == "Cc" else "ikke-tegn"


def _pydantic_tekst(flerlinje: bool) -> Any:
    def sjekk(verdi: str, info: ValidationInfo) -> str:
        return ren_tekst(verdi, info.field_name or "tekst", flerlinje=flerlinje)
    return AfterValidator(sjekk)


Tekst = Annotated[str, _pydantic_tekst(False), Field(json_schema_extra={"pattern": TEKST_MONSTER})]
"""A one-line text field (BV6): no control characters, stored NFC."""
Flerlinjetekst = Annotated[str, _pydantic_tekst(True),
                           Field(json_schema_extra={"pattern": FLERLINJE_MONSTER})]
"""A multi-line text field (BV6): LF and tab allowed, CRLF read as LF, stored NFC."""


class IkkeFunnet(LookupError):
    """The named thing does not exist (or is not visible to the caller)."""

    def __init__(self, hva: str, ident: object, felt: str | None = None) -> None:
        super().__init__(f"{hva} {ident} finnes ikke")
        self.hva = hva
        self.ident = ident
        self.felt = felt or f"{hva}_id"
        """The request's field that named it (``bruker_id`` unless the caller says)."""


class FeilAggregattype(TypeError):
    """An id of one kind of aggregate was used where another was expected."""


class Rolle(StrEnum):
    SAKSBEHANDLER = "saksbehandler"
    VEDTAKSMYNDIG = "vedtaksmyndig"
    LEVERANDOR = "leverandor"
    KONTRAKTSOPPFOLGING = "kontraktsoppfolging"
    KLAGEBEHANDLER = "klagebehandler"
    SYSTEM = "system"


class Aktor(BaseModel):
    """Who recorded a fact: a person, in a role, on behalf of an organisation (R26)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    person_id: str = Field(min_length=1, max_length=100)
    rolle: Rolle
    organisasjon: str = Field(min_length=1, max_length=100, description="bydel:<id> or leverandor:<id>")


class Tjenestetype(StrEnum):
    HJEMMESYKEPLEIE_DAG = "hjemmesykepleie_dag"
    HJEMMESYKEPLEIE_KVELD = "hjemmesykepleie_kveld"
    HJEMMESYKEPLEIE_NATT = "hjemmesykepleie_natt"
    HJEMMESYKEPLEIE_STASJONAER = "hjemmesykepleie_stasjonaer"
    PRAKTISK_BISTAND = "praktisk_bistand"

    @property
    def er_hjemmesykepleie(self) -> bool:
        return self is not Tjenestetype.PRAKTISK_BISTAND


class Kanal(StrEnum):
    """How the bydel notifies a provider (R09, R11-R13)."""

    PASIENTOVERGANG = "pasientovergang"
    HENVENDELSE = "henvendelse"
    TELEFON = "telefon"


def kanal_for(tjenestetype: Tjenestetype) -> Kanal:
    """R09: home nursing goes through Pasientovergang, practical assistance through Henvendelse."""
    return Kanal.PASIENTOVERGANG if tjenestetype.er_hjemmesykepleie else Kanal.HENVENDELSE


class Sluttarsak(StrEnum):
    BYTTE_AV_LEVERANDOR = "bytte_av_leverandor"
    DODSFALL = "dodsfall"
    BEHOV_OPPHORT = "behov_opphort"
    FLYTTET = "flyttet"
    VEDTAK_UTLOPT = "vedtak_utlopt"

    @property
    def gerica_kode(self) -> str | None:
        """Gerica's end-reason code where the source documents give one (R07: 16)."""
        return "16" if self is Sluttarsak.BYTTE_AV_LEVERANDOR else None


class Form(StrEnum):
    """R02/R06: a choice or a switch is made orally or in writing."""

    MUNTLIG = "muntlig"
    SKRIFTLIG = "skriftlig"


class Hendelse(BaseModel):
    """Base of every domain event: immutable, versioned, with recorded time and actor (R26).

    ``timestamp`` is when the fact was recorded; effective times are explicit fields on each event.
    ``SKJEMA`` is the event schema version: bump it and add ``oppgrader`` when the shape changes.
    ``OBSERVERT`` names the fields that report something that happened (BV8: never after the
    recording time, ``sjekk_observert``); every other date or time on an event is a plan (a
    validity, an effective date, a changeover, a delivery's end) and may lie ahead.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    SKJEMA: ClassVar[int] = 1
    OBSERVERT: ClassVar[tuple[str, ...]] = ()

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    aktor: Aktor
    hendelse_id: UUID = Field(default_factory=uuid4)

    @classmethod
    def oppgrader(cls, data: dict[str, Any], fra_skjema: int) -> dict[str, Any]:
        """Turn stored data of an older schema version into the current shape."""
        return data

    @field_validator("timestamp")
    @classmethod
    def _krev_tidssone(cls, v: datetime) -> datetime:
        if v.tzinfo is None or v.utcoffset() is None:
            raise ValueError("BV2: tidspunktet må ha tidssone")
        return v


@dataclass(frozen=True)
class Kontekst:
    """What every decision needs from outside: who decides and when (time is an argument)."""

    aktor: Aktor
    naa: datetime


# BV8: the clocks of the systems and people that report a fact (a provider's tablet, a phone) may
# run a little ahead of ours; an observation up to this much after the recording time is taken
# as "now". Five minutes covers ordinary clock drift and a form filled in over a minute or two,
# and is far below every deadline the rules measure (the shortest, R12, is two hours).
KLOKKESKJEVHET = timedelta(minutes=5)


def sjekk_observert(verdi: date | datetime, naa: datetime, felt: str) -> None:
    """BV8: what is reported as having happened cannot lie after the time it is recorded
    (``naa``) plus ``KLOKKESKJEVHET``; a date is compared with the Oslo date of that instant."""
    grense = naa + KLOKKESKJEVHET
    if isinstance(verdi, datetime):
        kalender.krev_tidssone(verdi, felt, "BV2")
        if kalender.foer(grense, verdi):
            raise Regelbrudd("BV8", felt, f"{kalender.lokal(verdi):%d.%m.%Y %H:%M} er etter "
                             f"registreringstidspunktet ({kalender.lokal(naa):%d.%m.%Y %H:%M}); "
                             "det som meldes som skjedd, kan ikke ligge i fremtiden")
    elif verdi > (idag := kalender.lokal_dato(grense)):
        raise Regelbrudd("BV8", felt, f"{verdi:%d.%m.%Y} er etter dagens dato "
                         f"({idag:%d.%m.%Y}); det som meldes som skjedd, kan ikke ligge i "
                         "fremtiden")


def sjekk_observasjoner(observert: tuple[str, ...], data: Mapping[str, Any],
                        naa: datetime) -> None:
    """BV8 for each observation field (the ``OBSERVERT`` of an event or of a reported line)."""
    for felt in observert:
        verdi = data.get(felt)
        if verdi is not None:
            sjekk_observert(verdi, naa, felt)


class Hendelser:
    """Collects new events for one aggregate, numbering versions after the current one."""

    def __init__(self, originator_id: UUID, versjon: int, ktx: Kontekst) -> None:
        self.originator_id = originator_id
        self.versjon = versjon
        self.ktx = ktx
        self.liste: list[Hendelse] = []

    def ny(self, cls: type[Hendelse], **data: Any) -> Hendelse:
        # Every decider records its events here, so no path records a future observation (BV8).
        sjekk_observasjoner(cls.OBSERVERT, data, self.ktx.naa)
        self.versjon += 1
        hendelse = cls(originator_id=self.originator_id, originator_version=self.versjon,
                       timestamp=self.ktx.naa, aktor=self.ktx.aktor, **data)
        self.liste.append(hendelse)
        return hendelse


def projektor(evolve: Any) -> Any:
    """The fold of an aggregate's events with its ``evolve``: the only place a state's version is set
    (``dataclasses.replace``, so it works on frozen state)."""

    def projiser(state: Any, events: Any) -> Any:
        for e in events:
            state = replace(evolve(e, state), version=e.originator_version)
        return state

    return projiser


K = TypeVar("K")
V = TypeVar("V")


def frozen_mapping(entries: Mapping[K, V] | None = None) -> Mapping[K, V]:
    """A read-only mapping for frozen state: a change is a new copy (``with_entry``), never made in
    place (a ``MappingProxyType``, so even a caller that ignores the types cannot write to it)."""
    return MappingProxyType(dict(entries or {}))


def with_entry(mapping: Mapping[K, V], key: K, value: V) -> Mapping[K, V]:
    """A copy of ``mapping`` with ``key`` set to ``value``; the original is untouched."""
    return MappingProxyType({**mapping, key: value})


def sjekk_periode(fom: date, tom: date | None, felt: str = "tom", regel: str = "BV3") -> None:
    """A period's end is never before its start."""
    if tom is not None and tom < fom:
        raise Regelbrudd(regel, felt, f"sluttdato {tom} er før startdato {fom}")


def perioder_overlapper(a_fom: date, a_tom: date | None, b_fom: date, b_tom: date | None) -> bool:
    return (a_tom is None or b_fom <= a_tom) and (b_tom is None or a_fom <= b_tom)


def aktiv_paa(fom: date, tom: date | None, dag: date) -> bool:
    """THE answer to "does this period (a delivery, a vedtak's validity, an unanswered
    revurdering) run on this date": fom <= dag <= tom, tom None = until further notice. A
    period annulled before it began (``annullert``) runs on no date."""
    return fom <= dag and (tom is None or dag <= tom)


def annullert(fom: date, tom: date | None) -> bool:
    """A delivery ended before it began (e.g. a pending switch when the user died): it ran on no
    date, owes nothing and is paid nothing."""
    return tom is not None and tom < fom
