"""Leveranse: one provider's delivery of one vedtak's service to one bruker over a period.

This module holds the delivery's **events** (and the vocabulary their fields use: the visit
category, the deviation type, the reported lines), and nothing else of its own. Their stored
topics are ``domain.leveranse:<ClassName>``: an event class moved out of this module would no
longer decode any stored event of that class (``tests/unit/test_leveranse_hendelser.py``).
The rest lives beside it, re-exported here so ``from domain.leveranse import X`` keeps working:

- ``tilstand.py``: the frozen state (``Leveranse``, ``Besok``, ``Avbestilling``), ``evolve``,
  ``projiser``; its mappings are ``persistent.py``'s ``PersistentMap``;
- ``besok.py``: the rules of a visit and of a cancellation (R18, R18a, R20, R23, R28a, BV6);
- ``beslutninger.py``: the deciders (``varsle``, ``registrer_besok``, ``Tidsrapport`` …).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.begreper import Hendelse, Kanal, Sluttarsak, Tjenestetype
from domain.frister import Varselgrunn


class Besokskategori(StrEnum):
    """R18a: an acute extra visit is an explicit, documented category, not a loophole."""

    ORDINAER = "ordinaer"
    AKUTT_EKSTRA = "akutt_ekstra"


class Avvikstype(StrEnum):
    AVVIK = "avvik"
    KLAGE_PAA_TJENESTEN = "klage_paa_tjenesten"


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


# Alike in shape with RapportertBesok above: a visit and a cancellation are reported the same way,
# each with its own fields.
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



# The rest of the package, re-exported (below the events: the modules import them from here).
from domain.leveranse.beslutninger import (  # noqa: E402
    Tidsrapport,
    avbestill,
    avslutt,
    behandle_avvik,
    bestill,
    motta_bekymringsmelding,
    registrer_avvik,
    registrer_besok,
    start,
    varsle,
    varsle_oppsigelse,
    videresend_bekymringsmelding,
)
from domain.leveranse.besok import (  # noqa: E402
    ANSATT_MAKS,
    JOURNAL_MAKS,
    LENGSTE_BESOK,
    TILTAKSKODE_MAKS,
    avbestilling_id,
    avbestilling_registrert,
    besok_registrert,
    besokets_id,
    sjekk_avbestilling,
    sjekk_avbestilling_paa_leveranse,
    sjekk_besok,
    sjekk_besok_paa_leveranse,
)
from domain.leveranse.besok import LIGNER_FNR as _LIGNER_FNR  # noqa: E402
from domain.leveranse.tilstand import (  # noqa: E402
    Avbestilling,
    Besok,
    Leveranse,
    evolve,
    med_avbestillinger,
    med_besok,
    projiser,
    rapportert_besok_id,
)

__all__ = [
    "ANSATT_MAKS", "JOURNAL_MAKS", "LENGSTE_BESOK", "TILTAKSKODE_MAKS", "_LIGNER_FNR",
    "AvbestillingerRapportert", "Avbestilling", "AvvikBehandlet", "AvvikRegistrert", "Avvikstype",
    "BekymringsmeldingMottatt", "BekymringsmeldingVideresendt", "Besok", "BesokAvbestilt",
    "BesokRapportert", "BesokUtfort", "Besokskategori", "LeverandorVarslet", "Leveranse",
    "LeveranseAvsluttet", "LeveranseBestilt", "LeveranseKnyttetTilVedtak",
    "LeveransePeriodeForlenget", "LeveranseStartet", "OppsigelseVarslet",
    "RapportertAvbestilling", "RapportertBesok", "Tidsrapport", "avbestill", "avbestilling_id",
    "avbestilling_registrert", "avslutt", "behandle_avvik", "besok_registrert", "besokets_id",
    "bestill", "evolve", "med_avbestillinger", "med_besok", "motta_bekymringsmelding",
    "projiser", "rapportert_besok_id", "registrer_avvik", "registrer_besok", "sjekk_avbestilling",
    "sjekk_avbestilling_paa_leveranse", "sjekk_besok", "sjekk_besok_paa_leveranse", "start",
    "varsle", "varsle_oppsigelse", "videresend_bekymringsmelding",
]
