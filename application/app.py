"""BrukervalgApp: the one write path. A method per use case; commands in, named errors out."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any, ParamSpec, Protocol, TypedDict, TypeVar, cast
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.utils import get_topic
from pydantic import ValidationError

from application.infrastructure.event_buffer import STANDARD_MAKS_HENDELSER, Hendelsebuffer
from application.infrastructure.files import beskytt_sqlite
from application.infrastructure.ledger.retries import reconnect_promptly
from application.infrastructure.persistence import HendelseMapper
from application.infrastructure.recorders import PostgresRecorder, Skriver, SQLiteRecorder
from application.infrastructure.settings import StoreSettingsError, event_store_env
from application.nokler import CIPHER_KEY, INDEKS_NOKKEL, UTVIKLING_INDEKS_NOKKEL, Lagernokler
from application.referansedata import Referansedata
from domain import bruker as b_mod
from domain import kalender, saksgang
from domain import kommandoer as k
from domain import leveranse as l_mod
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

if TYPE_CHECKING:  # the import module imports this one
    from application.tidsrapport import Linjekvittering, Sammendrag

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


class BrukervalgApp(Application[UUID]):
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
        # and the SLA projection all use these (Projeksjoner refuses other ones).
        self.fristregler = fristregler
        self._buffer = Hendelsebuffer(self.events, int(merged.get(
            "BRUKERVALG_HENDELSEBUFFER", STANDARD_MAKS_HENDELSER)))
        self._indeks_nokkel = self.nokler.indeks_nokkel

    # --- plumbing ---------------------------------------------------------------------------

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

    @classmethod
    def aapne(cls, *, produksjon: bool, klokke: Callable[[], datetime] | None = None,
              env: dict[str, str] | None = None) -> BrukervalgApp:
        """The application as an entry point (server, CLI) opens it: only when its keys open
        the store (:meth:`sjekk_nokler`)."""
        app = cls(env=env, klokke=klokke, produksjon=produksjon)
        try:
            app.sjekk_nokler()
        except BaseException:
            app.close()
            raise
        return app

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

    # --- Bruker -----------------------------------------------------------------------------
    #
    # Every use case the HTTP API calls takes two keyword arguments (``Skrivevalg``):
    # ``forventet_versjon`` (If-Match, checked once: on the state of the aggregate the command
    # is about, as it is loaded) and ``medfolgende`` (rows saved in the events' transaction,
    # handed to ``_lagre``). Other callers (CLI, tests, the import) leave them out.

    @brukstilfelle
    def registrer_bruker(self, cmd: k.RegistrerBruker, aktor: Aktor, *,
                         medfolgende: Medfolgende | None = None) -> Kvittering:
        """Register a person in a bydel; the same registration again is recorded once.

        Only a record of the number within the bydel's reach counts (R24,
        ``Bruker.bydeler_med_tilgang`` today: during a move recorded ahead also the new bydel's).
        A person held by another bydel gets a record of its own here, answered exactly as a first
        registration: a bydel must not learn from the answer that a number belongs to someone
        another bydel serves (issue 14). The responsibility itself moves by the holding bydel's
        move (R24); see docs/api.md.
        """
        self.ref.bydel(cmd.bydel)
        fnr = b_mod.valider_fodselsnummer(cmd.fodselsnummer)
        indeks_id = self._indeks_id(fnr)
        registrert = [cast(FodselsnummerIndeksert, e) for e in self.events.get(indeks_id)]
        ktx = self._ktx(aktor)
        idag = kalender.lokal_dato(ktx.naa)
        for e in registrert:
            b = self.bruker(e.bruker_id)
            if cmd.bydel in b.bydeler_med_tilgang(idag):
                if b.navn != cmd.navn.strip():
                    raise Regelbrudd("BV1", "fodselsnummer", "fødselsnummeret er allerede "
                                     "registrert på en bruker med andre opplysninger")
                return Kvittering(b.id, b.version, 0)
        bruker_id = uuid4()
        hendelser = b_mod.registrer(cmd, bruker_id, ktx)
        indeks = Hendelser(indeks_id, registrert[-1].originator_version if registrert else 0, ktx)
        indeks.ny(FodselsnummerIndeksert, bruker_id=bruker_id)
        return self._lagre([*hendelser, *indeks.liste], bruker_id, 0, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_informasjon_gitt(self, cmd: k.RegistrerInformasjonGitt, aktor: Aktor, *,
                                   forventet_versjon: Collection[int] | None = None,
                                   medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        ny = b_mod.gi_informasjon(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def velg_leverandor(self, cmd: k.VelgLeverandor, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        self.ref.leverandor(cmd.leverandor_id, cmd.tjenestetype)
        ny = b_mod.velg_leverandor(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def korriger_leverandorvalg(self, cmd: k.KorrigerLeverandorvalg, aktor: Aktor, *,
                                forventet_versjon: Collection[int] | None = None,
                                medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        original = next((v for v in b.valg if v.hendelse_id == cmd.korrigerer), None)
        self.ref.leverandor(cmd.leverandor_id, original.tjenestetype if original else None)
        ny = b_mod.korriger_valg(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def bytt_leverandor(self, cmd: k.ByttLeverandor, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        """R06-R08: returns the receipt of the new delivery."""
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        self.ref.leverandor(cmd.til_leverandor_id, cmd.tjenestetype, "til_leverandor_id")
        ref = b.leveranse_paa(cmd.tjenestetype, cmd.oppsigelsesdato)
        gammel = self.leveranse(ref.leveranse_id) if ref else None
        bytte = b.ventende_bytte(cmd.tjenestetype, cmd.oppsigelsesdato)
        ventende = self.leveranse(bytte.ny_leveranse_id) if bytte else None
        ut = saksgang.bytt_leverandor(cmd, b, gammel, ventende, self._ktx(aktor))
        return self._lagre_ny_leveranse(ut, medfolgende)

    @brukstilfelle
    def send_bytte_bekreftelse(self, cmd: k.SendBytteBekreftelse, aktor: Aktor, *,
                               forventet_versjon: Collection[int] | None = None,
                               medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        ny = b_mod.bekreft_bytte(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_husstandsinntekt(self, cmd: k.RegistrerHusstandsinntekt, aktor: Aktor, *,
                                   forventet_versjon: Collection[int] | None = None,
                                   medfolgende: Medfolgende | None = None) -> Kvittering:
        """R19: the household income that decides the co-payment bracket."""
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        ny = b_mod.registrer_husstandsinntekt(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def flytt_til_bydel(self, cmd: k.FlyttTilBydel, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        self.ref.bydel(cmd.til_bydel, "til_bydel")
        ny = b_mod.flytt_til_bydel(cmd, b, self._ktx(aktor))
        return self._lagre(ny, b.id, b.version, medfolgende=medfolgende)

    def _avslutt_alt(self, cmd: k.RegistrerDodsfall | k.RegistrerUtflytting, aktor: Aktor,
                     forventet_versjon: Collection[int] | None,
                     medfolgende: Medfolgende | None) -> Kvittering:
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        leveranser = [self.leveranse(i) for i in b.leveranser]
        vedtak = [self.vedtak(i) for i in b.vedtak]
        ut = saksgang.avslutt_alt(cmd, b, leveranser, vedtak, self._ktx(aktor))
        return self._lagre(ut.hendelser, b.id, b.version, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_dodsfall(self, cmd: k.RegistrerDodsfall, aktor: Aktor, *,
                           forventet_versjon: Collection[int] | None = None,
                           medfolgende: Medfolgende | None = None) -> Kvittering:
        """R23: one atomic save ends every active delivery and vedtak on the date of death."""
        return self._avslutt_alt(cmd, aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def registrer_utflytting(self, cmd: k.RegistrerUtflytting, aktor: Aktor, *,
                             forventet_versjon: Collection[int] | None = None,
                             medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._avslutt_alt(cmd, aktor, forventet_versjon, medfolgende)

    # --- Vedtak -----------------------------------------------------------------------------

    @brukstilfelle
    def fatt_vedtak(self, cmd: k.FattVedtak, aktor: Aktor, *,
                    forventet_versjon: Collection[int] | None = None,
                    medfolgende: Medfolgende | None = None) -> Kvittering:
        """``forventet_versjon`` is the bruker's (the vedtak is new)."""
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        tidligere = [self.vedtak(i) for i, t in b.vedtak.items() if t == cmd.tjenestetype]
        lev = self.leveranse(cmd.knytt_til_leveranse_id) if cmd.knytt_til_leveranse_id else None
        ut = saksgang.fatt_vedtak(cmd, b, tidligere, lev, self._ktx(aktor))
        if ut.id is not None and not ut.hendelser:  # the same vedtak again: the first one
            return Kvittering(ut.id, self.vedtak(ut.id).version, 0)
        return self._lagre(ut.hendelser, cmd.vedtak_id, 0, medfolgende=medfolgende)

    def _kommando(self, hent: Callable[[UUID, Collection[int] | None], Any], ident: UUID,
                  beslutt: Callable[[Any, Kontekst], list[Hendelse]], aktor: Aktor,
                  forventet_versjon: Collection[int] | None, medfolgende: Medfolgende | None,
                  ider: tuple[UUID, ...] = ()) -> Kvittering:
        """Load one aggregate (at an expected version, if given), decide, save: the shape of
        every single-aggregate use case."""
        tilstand = hent(ident, forventet_versjon)
        return self._lagre(beslutt(tilstand, self._ktx(aktor)), tilstand.id, tilstand.version,
                           ider, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_vedtak_mottatt(self, cmd: k.RegistrerVedtakMottatt, aktor: Aktor, *,
                                 forventet_versjon: Collection[int] | None = None,
                                 medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.registrer_mottatt(
            cmd, v, ktx, self.fristregler), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def anmod_revurdering(self, cmd: k.AnmodRevurdering, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        v = self.vedtak(cmd.vedtak_id, forventet_versjon)
        self.ref.leverandor(cmd.leverandor_id)
        ny = v_mod.anmod_revurdering(cmd, v, self._ktx(aktor))
        return self._lagre(ny, v.id, v.version, (cmd.revurdering_id,), medfolgende=medfolgende)

    @brukstilfelle
    def besvar_revurdering(self, cmd: k.BesvarRevurdering, aktor: Aktor, *,
                           forventet_versjon: Collection[int] | None = None,
                           medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.besvar_revurdering(
            cmd, v, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def revider_vedtak(self, cmd: k.ReviderVedtak, aktor: Aktor, *,
                       forventet_versjon: Collection[int] | None = None,
                       medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.revider(
            cmd, v, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def forleng_vedtak(self, cmd: k.ForlengVedtak, aktor: Aktor, *,
                       forventet_versjon: Collection[int] | None = None,
                       medfolgende: Medfolgende | None = None) -> Kvittering:
        """Extend the vedtak and, in the same save, the deliveries that ended with it."""
        v = self.vedtak(cmd.vedtak_id, forventet_versjon)
        b = self.bruker(v.bruker_id)
        leveranser = [self.leveranse(i) for i, ref in b.leveranser.items() if ref.vedtak_id == v.id
                      or ref.vedtak_id is None]
        ut = saksgang.forleng_vedtak(cmd, b, v, leveranser, self._ktx(aktor))
        return self._lagre(ut.hendelser, v.id, v.version, medfolgende=medfolgende)

    @brukstilfelle
    def avslutt_vedtak(self, cmd: k.AvsluttVedtak, aktor: Aktor, *,
                       forventet_versjon: Collection[int] | None = None,
                       medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.avslutt(
            cmd, v, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def motta_klage(self, cmd: k.MottaKlage, aktor: Aktor, *,
                    forventet_versjon: Collection[int] | None = None,
                    medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.motta_klage(
            cmd, v, ktx, self.fristregler), aktor,
            forventet_versjon, medfolgende, (cmd.klage_id,))

    @brukstilfelle
    def avgjor_klage(self, cmd: k.AvgjorKlage, aktor: Aktor, *,
                     forventet_versjon: Collection[int] | None = None,
                     medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.vedtak, cmd.vedtak_id, lambda v, ktx: v_mod.avgjor_klage(
            cmd, v, ktx), aktor,
            forventet_versjon, medfolgende)

    # --- Leveranse --------------------------------------------------------------------------

    @brukstilfelle
    def bestill_leveranse(self, cmd: k.BestillLeveranse, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        """``forventet_versjon`` is the bruker's (the delivery is new)."""
        b = self.bruker(cmd.bruker_id, forventet_versjon)
        if cmd.leverandor_id is not None:
            self.ref.leverandor(cmd.leverandor_id, cmd.tjenestetype)
        vedtak = self.vedtak(cmd.vedtak_id) if cmd.vedtak_id else None
        ut = saksgang.bestill_leveranse(cmd, b, vedtak, self._ktx(aktor), self.ref.kommunal_id)
        return self._lagre_ny_leveranse(ut, medfolgende)

    def _lagre_ny_leveranse(self, ut: saksgang.Beslutning,
                            medfolgende: Medfolgende | None) -> Kvittering:
        if ut.id is None:
            raise RuntimeError("saksgang returned no delivery id")
        if not ut.hendelser:  # repeated command: report the delivery as it stands
            return Kvittering(ut.id, self.leveranse(ut.id).version, 0)
        return self._lagre(ut.hendelser, ut.id, 0, medfolgende=medfolgende)

    @brukstilfelle
    def varsle_leverandor(self, cmd: k.VarsleLeverandor, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.varsle(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def varsle_oppsigelse(self, cmd: k.VarsleOppsigelse, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id,
                              lambda lev, ktx: l_mod.varsle_oppsigelse(cmd, lev, ktx),
                              aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def start_leveranse(self, cmd: k.StartLeveranse, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.start(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def registrer_besok(self, cmd: k.RegistrerBesok, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        lev = self.leveranse(cmd.leveranse_id, forventet_versjon)
        hendelser = l_mod.registrer_besok(cmd, lev, self._ktx(aktor))
        return self._lagre(hendelser, lev.id, lev.version, (l_mod.besokets_id(
            lev, cmd.besok_id, cmd.start, cmd.slutt, cmd.ansatt),), medfolgende=medfolgende)

    @brukstilfelle
    def registrer_besok_samlet(self, leveranse_id: UUID, besok: list[k.RegistrerBesok],
                               aktor: Aktor, *,
                               forventet_versjon: Collection[int] | None = None,
                               medfolgende: Medfolgende | None = None) -> Kvittering:
        """A batch of visits on one delivery: all are recorded, or none (one bad line stops it)."""
        lev = self.leveranse(leveranse_id, forventet_versjon)
        ktx = self._ktx(aktor)
        nye: list[Hendelse] = []
        ider: list[UUID] = []
        for i, cmd in enumerate(besok):
            if cmd.leveranse_id != leveranse_id:
                raise Regelbrudd("BV0", f"besok[{i}].leveranse_id", "alle besøk må gjelde samme "
                                 "leveranse")
            try:
                hendelser = l_mod.registrer_besok(cmd, lev, ktx)
            except Regelbrudd as e:
                raise Regelbrudd(e.regel, f"besok[{i}].{e.felt}", e.melding) from None
            ider.append(l_mod.besokets_id(lev, cmd.besok_id, cmd.start, cmd.slutt, cmd.ansatt))
            for h in hendelser:
                lev = l_mod.evolve(h, lev)
                lev.version = h.originator_version
            nye += hendelser
        return self._lagre(nye, lev.id, lev.version, tuple(ider), medfolgende=medfolgende)

    @brukstilfelle
    def avbestill_besok(self, cmd: k.AvbestillBesok, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.avbestill(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende,
            (l_mod.avbestilling_id(cmd.leveranse_id, cmd.planlagt_start),))

    @brukstilfelle
    def motta_bekymringsmelding(self, cmd: k.MottaBekymringsmelding, aktor: Aktor, *,
                                forventet_versjon: Collection[int] | None = None,
                                medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(
            self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.motta_bekymringsmelding(
                cmd, lev, ktx), aktor, forventet_versjon, medfolgende,
            (cmd.melding_id,))

    @brukstilfelle
    def videresend_bekymringsmelding(self, cmd: k.VideresendBekymringsmelding, aktor: Aktor, *,
                                     forventet_versjon: Collection[int] | None = None,
                                     medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(
            self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.videresend_bekymringsmelding(
                cmd, lev, ktx), aktor, forventet_versjon, medfolgende)

    @brukstilfelle
    def avslutt_leveranse(self, cmd: k.AvsluttLeveranse, aktor: Aktor, *,
                          forventet_versjon: Collection[int] | None = None,
                          medfolgende: Medfolgende | None = None) -> Kvittering:
        lev = self.leveranse(cmd.leveranse_id, forventet_versjon)
        b = self.bruker(lev.bruker_id)
        ut = saksgang.avslutt_leveranse(cmd, b, lev, self._ktx(aktor))
        return self._lagre(ut.hendelser, lev.id, lev.version, medfolgende=medfolgende)

    @brukstilfelle
    def registrer_avvik(self, cmd: k.RegistrerAvvik, aktor: Aktor, *,
                        forventet_versjon: Collection[int] | None = None,
                        medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.registrer_avvik(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende, (cmd.avvik_id,))

    @brukstilfelle
    def behandle_avvik(self, cmd: k.BehandleAvvik, aktor: Aktor, *,
                       forventet_versjon: Collection[int] | None = None,
                       medfolgende: Medfolgende | None = None) -> Kvittering:
        return self._kommando(self.leveranse, cmd.leveranse_id, lambda lev, ktx: l_mod.behandle_avvik(
            cmd, lev, ktx), aktor, forventet_versjon, medfolgende)

    # --- Tidsrapport (a provider's file of visits) ------------------------------------------

    def importer_tidsrapport(self, leverandor_id: str, filer: Callable[[], IO[str] | IO[bytes]],
                             aktor: Aktor, *, streng: bool = False,
                             kvittering: Callable[[Linjekvittering], None] | None = None,
                             fremdrift: Callable[[int], None] | None = None) -> Sammendrag:
        """Import one provider's time-report file: every line through the same domain checks as
        one visit (``domain/leveranse/beslutninger.py::registrer_besok``), one event per delivery and chunk.

        ``filer()`` opens the file (more than once: for its sha256, and in strict mode for a
        check pass in which nothing is saved; ``streng``: one refused line and nothing is
        saved). ``kvittering`` gets every line's receipt, ``fremdrift`` the lines read so far.
        The work itself (format, line and column decisions, the pipeline) is in
        ``application/tidsrapport.py``.

        Raises:
            Filfeil: the file as a whole cannot be read; nothing was recorded.
        """
        from application.tidsrapport import Tidsrapportimport

        return Tidsrapportimport(self, leverandor_id, aktor).importer(
            filer, streng=streng, kvittering=kvittering, fremdrift=fremdrift)

    # --- reading ----------------------------------------------------------------------------

    def hendelser_for_bruker(self, bruker_id: UUID) -> list[Hendelse]:
        """Every fact about a user across Bruker, Vedtak and Leveranse, in recorded order."""
        b = self.bruker(bruker_id)
        ids = [b.id, *b.vedtak, *b.leveranser]
        alle = [cast(Hendelse, e) for i in ids for e in self.events.get(i)]
        return sorted(alle, key=lambda e: (e.timestamp, str(e.originator_id),
                                           e.originator_version))
