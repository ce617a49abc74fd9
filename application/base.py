"""The write path's plumbing, shared by every use case: open the store, load a state at the
version a caller expects (If-Match, checked once: ``_hent``), save a command's new events in one
atomic save (``_lagre``, with the side rows of ``Medfolgende``), the fødselsnummer index and the
named errors. The use cases themselves are in ``application/use_cases/``, one module per
aggregate; ``application/app.py`` joins them into ``BrukervalgApp``."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec, Protocol, TypedDict, TypeVar, cast
from uuid import UUID, uuid5

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.utils import get_topic
from pydantic import ValidationError

from application.infrastructure.event_buffer import STANDARD_MAKS_HENDELSER, EventBuffer
from application.infrastructure.files import beskytt_sqlite
from application.infrastructure.ledger.retries import reconnect_promptly
from application.infrastructure.persistence import HendelseMapper
from application.infrastructure.recorders import PostgresRecorder, Skriver, SQLiteRecorder
from application.infrastructure.settings import StoreSettingsError, event_store_env
from application.nokler import CIPHER_KEY, INDEKS_NOKKEL, UTVIKLING_INDEKS_NOKKEL, Lagernokler
from application.referansedata import Referansedata
from domain import bruker as b_mod
from domain import kommandoer as k
from domain import leveranse as l_mod
from domain import saksgang
from domain import vedtak as v_mod
from domain.begreper import (
    Aktor,
    FeilAggregattype,
    Hendelse,
    Hendelser,
    IkkeFunnet,
    Kontekst,
    Regelbrudd,
)
from domain.bruker import Bruker
from domain.frister import Fristregler
from domain.kalender import NaivtTidspunktError
from domain.leveranse import Leveranse
from domain.vedtak import Vedtak

P = ParamSpec("P")
R = TypeVar("R")

INDEKS_NAVNEROM = UUID("6f1c2a3e-9d0b-4c1e-8a57-2b4d6e8f0a13")


class SamtidigEndring(Exception):
    """Someone else changed the same user first; nothing was stored. Retry with fresh state."""


class UtdatertVersjon(Exception):
    """The caller expected another version of the aggregate than the one the command decided on
    (HTTP If-Match); nothing was stored."""

    def __init__(self, ident: UUID, gjeldende: int, forventet: frozenset[int]) -> None:
        super().__init__(f"{ident} er i versjon {gjeldende}, ikke {sorted(forventet)}")
        self.ident, self.gjeldende, self.forventet = ident, gjeldende, forventet


class FodselsnummerIndeksert(Hendelse):
    """Reserves one fødselsnummer for one bruker; the index id is a keyed hash, never the number.

    A bydel that registers a person another bydel holds gets a record of its own (see
    ``registrer_bruker``): then the index holds one event per record, oldest first.
    """

    bruker_id: UUID


@dataclass(frozen=True)
class Kvittering:
    """What a command did: the aggregate it concerns, its version after, and how many new facts."""

    id: UUID
    versjon: int
    nye_hendelser: int
    ider: tuple[UUID, ...] = ()
    """The facts inside the aggregate the command is about (a revurdering, a visit …), new or, for
    a repeated command, the ones recorded the first time."""


class Medfolgende(Protocol):
    """Rows a caller wants committed in the same transaction as a command's events.

    The HTTP API implements it (``interfaces/http/siderader.py``): the access-log entry and,
    under an Idempotency-Key, the stored answer, so a crash cannot leave an event without them.
    A use case takes it as the keyword ``medfolgende`` and hands it to ``_lagre``, which asks
    for the writer only when there are events to save; the chained recorder
    (``application/infrastructure/recorders.py``) calls the writer with the transaction's cursor. A command
    that records nothing (a repeated one), or a store without such a transaction (in memory),
    never calls it: the caller then writes its rows itself.
    """

    def skriver(self, kvittering: Kvittering) -> Skriver:
        """The writer of the rows that belong to this receipt (known before the save)."""
        ...


class Skrivevalg(TypedDict):
    """The two explicit conditions of one write, as the HTTP layer passes them to a use case
    (``app.velg_leverandor(cmd, aktor, **valg)``)."""

    forventet_versjon: Collection[int] | None
    """If-Match: the versions the command's aggregate may be at when the command decides."""
    medfolgende: Medfolgende | None


def _regelbrudd_fra_validering(e: ValidationError) -> Regelbrudd:
    feil = e.errors()[0]
    felt = ".".join(str(x) for x in feil.get("loc", ())) or "?"
    melding = str(feil.get("msg", "ugyldig verdi"))
    regel = "BV2" if "BV2" in melding else "BV0"
    return Regelbrudd(regel, felt, melding)


def brukstilfelle(metode: Callable[P, R]) -> Callable[P, R]:
    """Translate library and validation errors into the domain's named errors."""

    @functools.wraps(metode)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return metode(*args, **kwargs)
        except IntegrityError as e:
            raise SamtidigEndring("en annen endret den samme saken samtidig; prøv igjen") from e
        except NaivtTidspunktError as e:
            raise Regelbrudd(e.regel or "BV2", e.felt, str(e)) from None
        except ValidationError as e:
            raise _regelbrudd_fra_validering(e) from None

    return wrapper


class AppBase(Application[UUID]):
    """The plumbing under every use case (the class ``BrukervalgApp`` composes)."""

    name = "brukervalg"

    mapper: HendelseMapper  # the library builds it from MAPPER_TOPIC (application/infrastructure/settings.py)

    def __init__(self, env: dict[str, str] | None = None,
                 klokke: Callable[[], datetime] | None = None,
                 referansedata: Referansedata | None = None, *,
                 produksjon: bool = False, fristregler: Fristregler | None = None) -> None:
        """Open the store the environment selects.

        Args:
            produksjon: refuse to open without both secrets (``application/nokler.py``). The
                server and the CLI's operator commands pass it outside development mode; a
                library user (tests, benchmarks) gets development keys unless it asks.
            fristregler: the deadline rules' settings; default read once from ``sla.toml``.

        Raises:
            StoreSettingsError: a secret missing, weak or reused in production, or unreadable.
        """
        merged = {**os.environ, **(env or {})}
        self.nokler = Lagernokler.fra_miljo(merged, produksjon=produksjon)
        lager = event_store_env(merged)
        if self.nokler.cipher_key is not None:
            lager |= {"CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
                      "CIPHER_KEY": self.nokler.cipher_key}
        if "SQLITE_DBNAME" in lager:
            beskytt_sqlite(lager["SQLITE_DBNAME"])
        # The computed store settings win over raw ones (e.g. a PERSISTENCE_MODULE without the
        # chain): every stored fact must be linked into the ledger.
        super().__init__(env={**(env or {}), **lager})
        reconnect_promptly(getattr(self.recorder, "datastore", None))
        self.klokke = klokke or (lambda: datetime.now(UTC))
        self.ref = referansedata or Referansedata.last()
        if fristregler is None:
            from projections.settings import les_fristregler  # the settings file's one reader

            fristregler = les_fristregler()
        # The deadline rules' settings, read once: the vedtak's appeal deadline, the klagesak
        # and the SLA projection all use these (Projections refuses other ones).
        self.fristregler = fristregler
        self._buffer = EventBuffer(self.events, int(merged.get(
            "BRUKERVALG_HENDELSEBUFFER", STANDARD_MAKS_HENDELSER)))
        self._indeks_nokkel = self.nokler.indeks_nokkel

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Record new events in one atomic transaction.

        Our events are pydantic models, never aggregates, so this skips the library's per-object
        runtime-protocol check (10 % of an import's time) and its snapshotting hook (unused).
        """
        prosess: ProcessingEvent[UUID] = ProcessingEvent()
        prosess.events.extend(o for o in objs if o is not None)
        prosess.saved_kwargs.update(kwargs)
        recordings = self._record(prosess)
        self._notify(recordings)
        return recordings

    def lagre_lagrede(self, lagrede: list[StoredEvent]) -> None:
        """Record events already in their stored form (``HendelseMapper.to_stored_event_med_liste``)
        in one atomic transaction, chained like any other: the time-report import writes a chunk's
        visits this way without building each one as an object."""
        self.recorder.insert_events(lagrede)

    def _ktx(self, aktor: Aktor) -> Kontekst:
        return Kontekst(aktor=aktor, naa=self.klokke())

    def _hent(self, hva: str, ident: UUID, projiser: Callable[..., Any],
              forventet_versjon: Collection[int] | None = None) -> Any:
        try:
            hendelser = self._buffer.hent(ident)
            if not hendelser:
                raise IkkeFunnet(hva, ident)
            tilstand = projiser(None, hendelser)
        except FeilAggregattype:  # a vedtak id asked for as a bruker...
            raise IkkeFunnet(hva, ident) from None
        if forventet_versjon is not None and tilstand.version not in forventet_versjon:
            # The one If-Match check, on the very state the decision uses; a write after this
            # read conflicts in the store, so "If-Match" holds all the way to the save.
            raise UtdatertVersjon(ident, tilstand.version, frozenset(forventet_versjon))
        return tilstand

    def bruker(self, bruker_id: UUID, forventet_versjon: Collection[int] | None = None) -> Bruker:
        """The user's state; with ``forventet_versjon``, only at one of those versions
        (else :class:`UtdatertVersjon`)."""
        return cast(Bruker, self._hent("bruker", bruker_id, b_mod.projiser, forventet_versjon))

    def vedtak(self, vedtak_id: UUID, forventet_versjon: Collection[int] | None = None) -> Vedtak:
        return cast(Vedtak, self._hent("vedtak", vedtak_id, v_mod.projiser, forventet_versjon))

    def leveranse(self, leveranse_id: UUID,
                  forventet_versjon: Collection[int] | None = None) -> Leveranse:
        return cast(Leveranse, self._hent("leveranse", leveranse_id, l_mod.projiser,
                                          forventet_versjon))

    @property
    def skriver_medfolgende(self) -> bool:
        """Whether the store writes a caller's rows in the events' transaction (not in memory)."""
        return isinstance(self.recorder, SQLiteRecorder | PostgresRecorder)

    def _lagre(self, hendelser: Iterable[Hendelse], id: UUID, versjon: int,
               ider: tuple[UUID, ...] = (), *,
               medfolgende: Medfolgende | None = None) -> Kvittering:
        """Save a command's new events in one transaction, with the caller's rows if it has any.

        ``medfolgende`` (the HTTP layer's access-log entry and stored answer) is written by the
        recorder inside the events' transaction: the keyword reaches its ``_insert_events``
        through the library's ``save(**kwargs)`` (``application/infrastructure/recorders.py``).
        """
        nye = list(hendelser)
        if not nye:
            return Kvittering(id=id, versjon=versjon, nye_hendelser=0, ider=ider)
        versjon = max((e.originator_version for e in nye if e.originator_id == id),
                      default=versjon)
        kvittering = Kvittering(id=id, versjon=versjon, nye_hendelser=len(nye), ider=ider)
        if medfolgende is None:
            self.save(*nye)
        else:
            self.save(*nye, medfolgende=medfolgende.skriver(kvittering))
        return kvittering

    def _indeks_id(self, fodselsnummer: str, nokkel: bytes | None = None) -> UUID:
        digest = hmac.new(nokkel or self._indeks_nokkel, fodselsnummer.encode(),
                          hashlib.sha256).hexdigest()
        return uuid5(INDEKS_NAVNEROM, digest)

    def sjekk_nokler(self) -> None:
        """Refuse a store these keys do not open: the first registered user must decrypt and
        be found through the index (a new index key would silently make everyone unfindable,
        and registering them again would make duplicates).

        Raises:
            StoreSettingsError: naming which key does not fit and what to do.
        """
        forste = self.recorder.select_notifications(
            start=1, limit=1, topics=[get_topic(b_mod.BrukerRegistrert)])
        if not forste:
            return
        try:
            registrert = cast(b_mod.BrukerRegistrert, self.mapper.to_domain_event(forste[0]))
        except Exception as e:  # the cipher's error (a wrong key, or a store written in clear)
            raise StoreSettingsError(
                f"{CIPHER_KEY} åpner ikke dette lageret ({type(e).__name__}): feil nøkkel, eller "
                "lageret ble skrevet ukryptert (et utviklingslager kan ikke tas i bruk i "
                "produksjon). Uten riktig nøkkel kan historikken ikke leses.") from None
        if self.finn_bruker_id(registrert.fodselsnummer) == registrert.originator_id:
            return
        fnr = registrert.fodselsnummer
        tidligere = [navn for navn, nokkel in (
            (f"{CIPHER_KEY}, slik indeksen ble nøklet når {INDEKS_NOKKEL} manglet",
             self.nokler.cipher_key), ("utviklingsnøkkelen", UTVIKLING_INDEKS_NOKKEL))
            if nokkel and list(self.events.get(self._indeks_id(fnr, nokkel.encode()), limit=1))]
        hvordan = tidligere[0] if tidligere else "en annen nøkkel"
        raise StoreSettingsError(
            f"{INDEKS_NOKKEL} finner ikke brukerne i dette lageret: indeksen er laget med "
            f"{hvordan}. Start med den nøkkelen indeksen ble laget med, eller skriv indeksen på "
            "nytt under den nye nøkkelen med `brukervalg nokler reindekser`.")

    def finn_bruker_id(self, fodselsnummer: str) -> UUID | None:
        """Look a user up by fødselsnummer (through the keyed index, never by a derived id):
        the first record of the number (``finn_brukere`` gives every one)."""
        fnr = b_mod.valider_fodselsnummer(fodselsnummer)
        hendelser = list(self.events.get(self._indeks_id(fnr), limit=1))
        return cast(FodselsnummerIndeksert, hendelser[0]).bruker_id if hendelser else None

    def finn_brukere(self, fodselsnummer: str) -> list[UUID]:
        """Every record of this fødselsnummer, oldest first (more than one when bydeler that
        could not see each other's record each registered the person)."""
        fnr = b_mod.valider_fodselsnummer(fodselsnummer)
        return [cast(FodselsnummerIndeksert, e).bruker_id
                for e in self.events.get(self._indeks_id(fnr))]

    @brukstilfelle
    def reindekser(self, aktor: Aktor) -> int:
        """Index every registered user's fødselsnummer under the current index key, in one
        atomic save; returns how many entries were new (0 when run again).

        For a store whose index was keyed otherwise (by the cipher key, before the index key
        was required): the old entries stay, as every fact does; under a key no longer
        configured they find no one.
        """
        ktx = self._ktx(aktor)
        nye: list[Hendelse] = []
        indekser: dict[UUID, tuple[int, set[UUID]]] = {}  # index id → (version, its brukere)
        start = 1
        while side := self.recorder.select_notifications(
                start=start, limit=1000, topics=[get_topic(b_mod.BrukerRegistrert)]):
            for n in side:
                e = cast(b_mod.BrukerRegistrert, self.mapper.to_domain_event(n))
                indeks_id = self._indeks_id(e.fodselsnummer)
                if indeks_id not in indekser:
                    kjent = [cast(FodselsnummerIndeksert, k) for k in self.events.get(indeks_id)]
                    indekser[indeks_id] = (kjent[-1].originator_version if kjent else 0,
                                           {k.bruker_id for k in kjent})
                versjon, brukere = indekser[indeks_id]
                if e.originator_id not in brukere:
                    indeks = Hendelser(indeks_id, versjon, ktx)
                    indeks.ny(FodselsnummerIndeksert, bruker_id=e.originator_id)
                    nye.extend(indeks.liste)
                    indekser[indeks_id] = (versjon + 1, brukere | {e.originator_id})
            start = side[-1].id + 1
        if nye:
            self.save(*nye)
        return len(nye)

    def _avslutt_alt(self, cmd: k.RegistrerDodsfall | k.RegistrerUtflytting, aktor: Aktor,
                     forventet_versjon: Collection[int] | None,
                     medfolgende: Medfolgende | None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        leveranser = [self.leveranse(i) for i in b.leveranser]
        vedtak = [self.vedtak(i) for i in b.vedtak]
        ut = saksgang.avslutt_alt(cmd, b, leveranser, vedtak, self._ktx(aktor))
        return self._lagre(ut.hendelser, b.id, b.version, medfolgende=medfolgende)

    def _kommando(self, hent: Callable[[UUID, Collection[int] | None], Any], ident: UUID,
                  beslutt: Callable[[Any, Kontekst], list[Hendelse]], aktor: Aktor,
                  forventet_versjon: Collection[int] | None, medfolgende: Medfolgende | None,
                  ider: tuple[UUID, ...] = ()) -> Kvittering:
        """Load one aggregate (at an expected version, if given), decide, save: the shape of
        every single-aggregate use case."""
        tilstand = hent(ident, forventet_versjon)
        return self._lagre(beslutt(tilstand, self._ktx(aktor)), tilstand.id, tilstand.version,
                           ider, medfolgende=medfolgende)

    def _lagre_ny_leveranse(self, ut: saksgang.Beslutning,
                            medfolgende: Medfolgende | None) -> Kvittering:
        if ut.id is None:
            raise RuntimeError("saksgang returned no delivery id")
        if not ut.hendelser:  # repeated command: report the delivery as it stands
            return Kvittering(ut.id, self.leveranse(ut.id).version, 0)
        return self._lagre(ut.hendelser, ut.id, 0, medfolgende=medfolgende)

