"""Who may do what, and whose data they may see.

Two questions, asked in this order so the answer never reveals whether something exists:

1. May this role call this operation at all? The table ``TILGANG`` (operation id → roles) says;
   no → 403, before anything is looked up.
2. Is the resource within the caller's reach? Bydel roles reach the brukere of their own bydel
   (R24: ``domain.ansvar.bydeler_med_tilgang`` on today's Oslo date, so during a move recorded
   ahead of its date both the old and the new bydel), a leverandør reaches the deliveries it
   holds and the brukere and vedtak it serves through them, kontraktsoppfølging reaches
   deliveries city-wide (for contract follow-up, no bruker records). Outside that reach → 404,
   exactly as if it did not exist.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock
from typing import Literal
from uuid import UUID

from litestar.exceptions import PermissionDeniedException

from application.app import BrukervalgApp
from domain import kalender
from domain.begreper import IkkeFunnet, Rolle, Tjenestetype
from domain.bruker import Bruker, BrukerRegistrert
from domain.leveranse import LeveranseBestilt
from domain.vedtak import VedtakFattet
from interfaces.http.sikkerhet import Identitet

SB, VM, LEV, KO, KB = (Rolle.SAKSBEHANDLER, Rolle.VEDTAKSMYNDIG, Rolle.LEVERANDOR,
                       Rolle.KONTRAKTSOPPFOLGING, Rolle.KLAGEBEHANDLER)
BYDEL = frozenset({SB, VM})

# A table, one line per operation: its repetition is the point (who may do what, at a glance).
TILGANG: dict[str, frozenset[Rolle]] = {
    # brukere
    "registrerBruker": BYDEL,
    "finnBruker": BYDEL | {KB},
    "hentBruker": BYDEL | {KB, LEV},
    "hentHistorikk": BYDEL | {KB},
    "hentTilgangslogg": BYDEL | {KB},
    "registrerInformasjonGitt": BYDEL,
    "velgLeverandor": BYDEL,
    "korrigerLeverandorvalg": BYDEL,
    "byttLeverandor": BYDEL,
    "sendBytteBekreftelse": BYDEL,
    "registrerDodsfall": BYDEL,
    "flyttTilBydel": BYDEL,
    "registrerUtflytting": BYDEL,
    "fattVedtak": frozenset({VM}),
    "bestillLeveranse": BYDEL,
    # vedtak
    "hentVedtak": BYDEL | {KB, LEV},
    "registrerVedtakMottatt": BYDEL,
    "anmodRevurdering": frozenset({LEV}),
    "besvarRevurdering": frozenset({VM}),
    "forlengVedtak": frozenset({VM}),
    "reviderVedtak": frozenset({VM}),
    "avsluttVedtak": frozenset({VM}),
    "mottaKlage": BYDEL | {KB},
    "avgjorKlage": frozenset({VM, KB}),
    # leveranser
    "hentLeveranse": BYDEL | {KB, LEV, KO},
    "listBesok": BYDEL | {KB, LEV, KO},
    "varsleLeverandor": BYDEL,
    "varsleOppsigelse": BYDEL,
    "startLeveranse": frozenset({LEV}),
    "registrerBesok": frozenset({LEV}),
    "registrerBesokSamlet": frozenset({LEV}),
    "avbestillBesok": frozenset({LEV}),
    "mottaBekymringsmelding": frozenset({LEV}),
    "videresendBekymringsmelding": frozenset({LEV}),
    "avsluttLeveranse": BYDEL | {LEV},
    "registrerAvvik": BYDEL,
    "behandleAvvik": BYDEL,
    # rapporter fra projeksjonene, og leverandørens tidsrapport
    "hentGjeldendeLeverandor": BYDEL | {KB, LEV},
    "hentCaseload": BYDEL | {KB, LEV, KO},
    "hentBetalbareTimer": BYDEL | {KB, LEV, KO},
    "hentSla": BYDEL | {KB, LEV, KO},
    # the deadline worklist: each party what it owes; Velferdsetaten the counts
    "hentArbeidsliste": BYDEL | {LEV},
    "hentArbeidslisteSide": BYDEL | {LEV},
    "hentArbeidslisteOversikt": frozenset({KO}),
    "lastOppTidsrapport": frozenset({LEV}),
    # Contract follow-up (R28): Velferdsetaten sees every provider, a provider only itself.
    "hentOppfolgingsrapport": frozenset({KO, LEV}),
    # R19: the bydel records household income and reads the co-payment
    "registrerHusstandsinntekt": BYDEL,
    "hentEgenandel": BYDEL | {KB},
    "hentEgenandelAar": BYDEL | {KB},
    # R26: the klagesak for appeals (own bydel); the chain is verified by the auditors
    "hentKlagesak": BYDEL | {KB},
    "hentKlagesakDokument": BYDEL | {KB},
    "verifiserKjede": frozenset({KO, KB}),
    # R29: every role may see who each bydel's contact person for brukervalg is.
    "listBydeler": BYDEL | {KB, LEV, KO},
    "listLeverandorer": BYDEL | {KB, LEV, KO},
    "betalingskontroll": frozenset({KO, LEV}),
    "betalingskontrollUtenKrav": frozenset({KO, LEV}),
}

Art = Literal["bruker", "vedtak", "leveranse"]


@dataclass(frozen=True)
class Ref:
    """The resource a request is about."""

    art: Art
    id: UUID


@dataclass
class Sikt:
    """What the access check found: the bruker concerned (loaded when the check needed it)."""

    bruker_id: UUID
    bruker: Bruker | None = None


# (Alike in shape only to other frozen dataclasses, e.g. domain.frister.Leveransefakta.)
@dataclass(frozen=True)
class _Opphav:
    """The immutable first facts of a vedtak or a delivery: whose, of what, from whom."""

    bruker_id: UUID
    tjenestetype: Tjenestetype
    leverandor_id: str | None


class UtenforSikt(IkkeFunnet):
    """The resource exists but is outside the caller's reach: answered exactly like not found."""

    def __init__(self, ref: Ref, bruker_id: UUID) -> None:
        super().__init__(ref.art, ref.id)
        self.bruker_id = bruker_id


def sjekk_rolle(identitet: Identitet, operasjon: str) -> None:
    """403 unless the role may call the operation (unknown operations are refused)."""
    if identitet.rolle not in TILGANG.get(operasjon, frozenset()):
        raise PermissionDeniedException(
            detail=f"rollen {identitet.rolle} kan ikke utføre {operasjon}")


class Tilgangskontroll:
    """Resolves a resource to its bruker and decides whether the caller may see it."""

    CACHE_MAKS = 50_000

    def __init__(self, app: BrukervalgApp) -> None:
        self.app = app
        self._opphav: OrderedDict[UUID, _Opphav] = OrderedDict()
        self._laas = Lock()

    def _forste(self, ref: Ref) -> _Opphav:
        """The first event of a vedtak or delivery (never changes, so it is cached)."""
        treff = self._opphav.get(ref.id)
        if treff is not None:
            return treff
        forste = next(iter(self.app.events.get(ref.id, limit=1)), None)
        if ref.art == "leveranse" and isinstance(forste, LeveranseBestilt):
            opphav = _Opphav(forste.bruker_id, forste.tjenestetype, forste.leverandor_id)
        elif ref.art == "vedtak" and isinstance(forste, VedtakFattet):
            opphav = _Opphav(forste.bruker_id, forste.tjenestetype, None)
        else:
            raise IkkeFunnet(ref.art, ref.id)
        with self._laas:
            self._opphav[ref.id] = opphav
            if len(self._opphav) > self.CACHE_MAKS:
                self._opphav.popitem(last=False)
        return opphav

    def _er_bruker(self, ident: UUID) -> bool:
        """True if the id is a bruker's (an id of another kind is not found, never misread)."""
        return isinstance(next(iter(self.app.events.get(ident, limit=1)), None), BrukerRegistrert)

    def bruker_id_for(self, ref: Ref) -> UUID | None:
        """The bruker a resource concerns, or None if there is no such resource (for the log)."""
        if ref.art == "bruker":
            return ref.id if self._er_bruker(ref.id) else None
        try:
            return self._forste(ref).bruker_id
        except IkkeFunnet:
            return None

    def sjekk(self, identitet: Identitet, ref: Ref) -> Sikt:
        """The bruker behind ``ref`` if the caller may reach it; IkkeFunnet otherwise."""
        if ref.art == "bruker":
            if not self._er_bruker(ref.id):
                raise IkkeFunnet("bruker", ref.id)
            bruker = self.app.bruker(ref.id)
            if not self._naar_bruker(identitet, bruker):
                raise UtenforSikt(ref, bruker.id)
            return Sikt(bruker.id, bruker)
        opphav = self._forste(ref)
        if identitet.rolle is Rolle.KONTRAKTSOPPFOLGING and ref.art == "leveranse":
            return Sikt(opphav.bruker_id)
        if identitet.rolle is Rolle.LEVERANDOR and ref.art == "leveranse":
            if opphav.leverandor_id != identitet.leverandor:
                raise UtenforSikt(ref, opphav.bruker_id)
            return Sikt(opphav.bruker_id)
        bruker = self.app.bruker(opphav.bruker_id)
        if identitet.rolle is Rolle.LEVERANDOR:
            # a vedtak: the provider must hold a delivery of that service for the bruker
            if not any(r.leverandor_id == identitet.leverandor
                       and r.tjenestetype == opphav.tjenestetype
                       for r in bruker.leveranser.values()):
                raise UtenforSikt(ref, bruker.id)
            return Sikt(bruker.id, bruker)
        if not self._naar_bruker(identitet, bruker):
            raise UtenforSikt(ref, bruker.id)
        return Sikt(bruker.id, bruker)

    def _naar_bruker(self, identitet: Identitet, bruker: Bruker) -> bool:
        if identitet.rolle is Rolle.LEVERANDOR:
            return any(r.leverandor_id == identitet.leverandor for r in bruker.leveranser.values())
        if identitet.rolle is Rolle.KONTRAKTSOPPFOLGING:
            return False
        # R24: today's reach (domain.ansvar): the responsible bydel and one a move will make so
        return identitet.bydel is not None and identitet.bydel in bruker.bydeler_med_tilgang(
            kalender.lokal_dato(self.app.klokke()))

    def versjon(self, ref: Ref) -> int:
        """The current version of the resource's aggregate (its ETag), without replaying it."""
        siste = self.app.recorder.select_events(ref.id, desc=True, limit=1)
        if not siste:
            raise IkkeFunnet(ref.art, ref.id)
        return siste[0].originator_version
