"""Read models built from the event sequence: current provider, payable hours, SLA compliance.

Use one ``Projections`` per application (it owns a small connection pool)::

    p = Projections(app)
    p.oppdater()                                  # catch up (milliseconds when little is new)
    p.leverandor_paa(bruker_id, Tjenestetype.HJEMMESYKEPLEIE_DAG, date(2026, 3, 10))
    p.betalbare_timer("2care", 2026, 3)
    p.sla(leverandor_id="2care", maaned="2026-03")

``gjenoppbygg(app)`` drops the tables and rebuilds them from the first event (the CLI command
``brukervalg projeksjoner gjenoppbygg``). How it works and why: docs/projections.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any
from uuid import UUID

from domain.begreper import Regelbrudd, Tjenestetype
from domain.kalender import krev_tidssone
from projections import fakturering
from projections import gjeldende_leverandor as gl
from projections import sla as sla_mod
from projections.betalbar_tid import BetalbarTid
from projections.egenandel import Egenandel, beregn_egenandel
from projections.fakturering import Betalingsavvik, Fakturalinje, Leverandormaaned
from projections.gjeldende_leverandor import (
    Caseload,
    GjeldendeLeverandor,
    Kilde,
    LeverandorPaaDato,
    VentendeBytte,
)
from projections.runner import (
    ConcurrentUpdate,
    Fremdrift,
    ProgressToStderr,
    ProjectionBehind,
    ProjectionFailed,
    ProjectionRun,
    RunResult,
)
from projections.settings import ProjectionSettings, SettingsError
from projections.sla import Sla, SlaAggregat, SlaForpliktelse
from projections.store import Store, store_for

__all__ = [
    "Betalingsavvik",
    "Caseload",
    "Egenandel",
    "Fakturalinje",
    "ProgressToStderr",
    "Kilde",
    "ProjectionSettings",
    "SettingsError",
    "ConcurrentUpdate",
    "LeverandorPaaDato",
    "Leverandormaaned",
    "ProjectionFailed",
    "ProjectionBehind",
    "Projections",
    "ProjectionStatus",
    "RunResult",
    "SlaAggregat",
    "SlaForpliktelse",
    "VentendeBytte",
    "gjenoppbygg",
]


@dataclass(frozen=True)
class ProjectionStatus:
    """Where each projection stands in the notification log (``hode``: the last id written)."""

    posisjoner: dict[str, int]
    hode: int

    @property
    def a_jour(self) -> bool:
        return all(p >= self.hode for p in self.posisjoner.values())


class Projections:
    """The three projections of one application, their catch-up, and their queries."""

    def __init__(self, app: Any, *, settings: ProjectionSettings | None = None, store: Store | None = None,
                 batchstorrelse: int = 10_000) -> None:
        self.app = app
        regler = getattr(app, "fristregler", None)
        if settings is None:
            settings = ProjectionSettings.last()
            if regler is not None:  # the application's settings, read once, win
                settings = dataclasses.replace(settings, sla=regler)
        elif regler is not None and settings.sla != regler:
            raise ValueError("fristreglene (sla.toml) må være de samme som applikasjonens: én "
                             "innstilling gir ett svar i klagesaken og i SLA-rapporten")
        self.settings = settings
        self.store = store or store_for(app)
        self._owns_store = store is None
        self.gjeldende_leverandor = GjeldendeLeverandor(self.settings)
        self.betalbar_tid = BetalbarTid(self.settings)
        self.sla_projeksjon = Sla(self.settings)
        self.alle = (self.gjeldende_leverandor, self.betalbar_tid, self.sla_projeksjon)
        self.batchstorrelse = batchstorrelse
        self._kjoring = ProjectionRun(app, self.store, self.alle, batchstorrelse)

    # --- lifecycle --------------------------------------------------------------------------

    def oppdater(self, fremdrift: Fremdrift | None = None) -> RunResult:
        """Apply the events recorded since the last call (each exactly once)."""
        return self._kjoring.oppdater(fremdrift)

    def gjenoppbygg(self, fremdrift: Fremdrift | None = None,
                    navn: Sequence[str] | None = None) -> RunResult:
        """Drop the projections' tables (all, or those named) and rebuild them from event 1.

        All includes the contract follow-up's tracking projection (``oppfolging``), which
        ``Oppfolging`` keeps up to date: after its ``VERSJON`` changes, this is what rebuilds it.
        """
        from projections.oppfolging.sporing import Oppfolgingssporing

        kandidater = [*self.alle, Oppfolgingssporing(self.settings)]
        valgte = [p for p in kandidater if navn is None or p.navn in navn]
        ukjente = set(navn or ()) - {p.navn for p in kandidater}
        if ukjente:
            raise ValueError(f"ukjente projeksjoner {sorted(ukjente)}")
        kjoring = ProjectionRun(self.app, self.store, valgte, self.batchstorrelse)
        kjoring.slett(valgte)
        self._kjoring = ProjectionRun(self.app, self.store, self.alle, self.batchstorrelse)
        return kjoring.oppdater(fremdrift)

    def status(self) -> ProjectionStatus:
        return ProjectionStatus(self._kjoring.posisjoner(),
                                self.app.recorder.max_notification_id() or 0)

    def vent(self, posisjon: int, tidsavbrudd: float = 5.0) -> None:
        self._kjoring.vent(posisjon, tidsavbrudd)

    def close(self) -> None:
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> Projections:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def _les(self) -> Any:
        self._kjoring.opprett()
        return self.store.read()

    # --- current provider (R03, R07, R23) ---------------------------------------------------

    def leverandor_paa(self, bruker_id: UUID, tjenestetype: Tjenestetype,
                       dato: date) -> LeverandorPaaDato:
        """The provider of a user's service on a date, with a pending switch if there is one."""
        with self._les() as cur:
            return gl.leverandor_paa(cur, self.app.ref.kommunal_id, bruker_id, tjenestetype, dato)

    def caseload(self, leverandor_id: str, dato: date,
                 tjenestetype: Tjenestetype | None = None) -> Caseload:
        """Users with an active delivery from the provider on the date."""
        with self._les() as cur:
            return gl.caseload(cur, leverandor_id, dato, tjenestetype)

    # --- payable hours (R05, R17, R18, R18a, R20, R23) and co-payment (R19) ----------------

    def betalbare_timer(self, leverandor_id: str, aar: int, maaned: int) -> Leverandormaaned:
        """A provider's invoice month: one line per user and tjenestetype, sums, deviations."""
        with self._les() as cur:
            return fakturering.leverandormaaned(cur, self.settings.timepriser, leverandor_id,
                                                aar, maaned)

    def fakturalinjer_for_bruker(self, bruker_id: UUID, aar: int,
                                 maaned: int) -> list[Fakturalinje]:
        with self._les() as cur:
            return fakturering.bruker_linjer(cur, self.settings.timepriser, bruker_id, aar, maaned)

    def egenandel(self, bruker_id: UUID, aar: int, maaned: int,
                  husstandsinntekt: Decimal | None = None) -> Egenandel:
        """R19: the month's co-payment for praktisk bistand. The household's net income is the
        one registered on the bruker for the month's first day, unless given."""
        if husstandsinntekt is None:
            husstandsinntekt = self.app.bruker(bruker_id).husstandsinntekt_paa(date(aar, maaned, 1))
            if husstandsinntekt is None:
                raise Regelbrudd("R19", "husstandsinntekt", "ingen husstandsinntekt registrert "
                                 f"for {aar}-{maaned:02d}")
        with self._les() as cur:
            timer = fakturering.praktisk_bistand_timer(cur, bruker_id, aar)
        try:
            return beregn_egenandel(self.settings.egenandel, bruker_id, aar, maaned,
                                    Decimal(husstandsinntekt), timer)
        except SettingsError as e:  # e.g. a month before the first grunnbeløp configured
            raise Regelbrudd("R19", "aar", f"egenandelen for {aar}-{maaned:02d} kan ikke "
                             f"beregnes: {e}") from None

    # --- SLA (R11, R12, R13, R16, R21, R25) -------------------------------------------------

    def _naa(self, naa: datetime | None) -> datetime:
        return krev_tidssone(naa or self.app.klokke(), "naa")

    def sla(self, leverandor_id: str | None = None, bydel: str | None = None,
            maaned: str | None = None, regel: str | None = None,
            naa: datetime | None = None, grense: int | None = None,
            **filtre: Any) -> list[SlaForpliktelse]:
        """Obligations (filtered, ordered by deadline, at most ``grense``); an open one past
        its deadline reads as breached at ``naa`` (default: the application's clock).
        ``filtre``: bruker_id, tjenestetype, skyldig, bare_utestaaende, frist_foer, hopp_over."""
        with self._les() as cur:
            return sla_mod.forpliktelser(cur, self._naa(naa), leverandor_id, bydel, maaned,
                                         regel, grense, **filtre)

    def sla_oppsummering(self, gruppering: Sequence[str] = ("regel",),
                         leverandor_id: str | None = None, bydel: str | None = None,
                         maaned: str | None = None, regel: str | None = None,
                         naa: datetime | None = None,
                         bruker_id: str | None = None) -> list[SlaAggregat]:
        """Counts per status, grouped by any of leverandor, bydel, maaned, regel, plikt."""
        with self._les() as cur:
            return sla_mod.aggregat(cur, self._naa(naa), gruppering, leverandor_id, bydel,
                                    maaned, regel, bruker_id=bruker_id)


def gjenoppbygg(app: Any, progress: Fremdrift | None = None, *,
                navn: Sequence[str] | None = None, settings: ProjectionSettings | None = None) -> float:
    """Drop and rebuild the projections from the first event; returns events per second.

    ``progress`` gets (position, head, seconds); the default draws a bar with the
    events-per-second figure on stderr. This is ``brukervalg projeksjoner gjenoppbygg``.
    """
    with Projections(app, settings=settings) as p:
        bar = ProgressToStderr() if progress is None else None
        try:
            return p.gjenoppbygg(progress or bar, navn).per_sekund
        finally:
            if bar is not None:
                bar.lukk()
