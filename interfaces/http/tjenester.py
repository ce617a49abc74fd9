"""The path every request takes through the API, in one place, so controllers stay one call each.

A read: role → reach → stated purpose → access-log entry (committed) → data.
A write: role → reach → Idempotency-Key (replay, or 422 if reused for something else) →
If-Match read → the application's use case, given the expected version and the side rows
(``interfaces/http/siderader.py``) as explicit arguments: it checks the version on the state it
decides on (412 if stale) and saves the events, the response stored under the key and the
access-log entry in one transaction → response.

Every attempt that gets as far as a verified identity is written to the access log, refused ones
included, with the bruker it concerned when there is one. The access log
(``interfaces/http/tilgangslogg.py``) and the Idempotency-Key (``interfaces/http/idempotens.py``)
are components of their own; this module is the order in which a request meets them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from litestar import Request, Response
from pydantic import BaseModel

from application.app import BrukervalgApp, Kvittering, SamtidigEndring, Skrivevalg
from domain.begreper import TEKST_MONSTER, Aktor, IkkeFunnet, Regelbrudd, ren_tekst
from interfaces.http.api_tables import ApiTables, LagretSvar
from interfaces.http.idempotens import Idempotens
from interfaces.http.problem import (
    IdempotensKonflikt,
    IngenTilgang,
    Uleselig,
    status_for,
)
from interfaces.http.settings import ApiSettings
from interfaces.http.siderader import Siderader
from interfaces.http.sikkerhet import Identitet
from interfaces.http.skjema import IdLager, KvitteringUt
from interfaces.http.tilgang import Ref, Sikt, Tilgangskontroll, UtenforSikt, sjekk_rolle
from interfaces.http.tilgangslogg import Tilgangslogg, operasjon

FORMAAL = "X-Formaal"
# 1–200 characters, no blank at either end, none that BV6 refuses (the same set as every text).
_BV6 = TEKST_MONSTER.removeprefix("^[^").removesuffix("]*$")
SYNLIG_TEKST = (rf"^[^\x00-\x20\x7f{_BV6}](?:[^\x00-\x1f\x7f{_BV6}]{{0,198}}"
                rf"[^\x00-\x20\x7f{_BV6}])?$")
# If-Match as RFC 9110 writes it for this API's ETags (a version number in quotes, weak or not).
_ETAG_MONSTER = r'(?:W/)?(?:"[0-9]{1,18}"|[0-9]{1,18})'
IF_MATCH_MONSTER = rf"^(?:\*|{_ETAG_MONSTER}(?:[ \t]*,[ \t]*{_ETAG_MONSTER})*)$"
_IF_MATCH = re.compile(IF_MATCH_MONSTER)
_FORMAAL = re.compile(SYNLIG_TEKST)
M = TypeVar("M")  # what a read answers: a schema, a list of them, or text
K = TypeVar("K", bound=KvitteringUt)  # the receipt a write answers with


def etag(versjon: int) -> str:
    return f'"{versjon}"'


@dataclass(frozen=True)
class Skriving(Generic[K]):
    """How a write answers: its receipt (``modell``), and 201 + Location for operations that
    create a resource."""

    lenke: Callable[[Kvittering], str]
    modell: type[K]
    oppretter: bool = False


class Tjenester:
    """The application, the access check and the side tables, and the request path through them."""

    def __init__(self, app: BrukervalgApp, settings: ApiSettings, tables: ApiTables) -> None:
        self.app = app
        self.settings = settings
        self.tables = tables
        self.tilgang = Tilgangskontroll(app)
        self.tilgangslogg = Tilgangslogg(tables)
        self.idempotens = Idempotens(tables, app.nokler, settings.idempotens_timer)

    # --- the steps of the request path (also used by the report and upload controllers) -----

    @staticmethod
    def formaal(request: Request, paakrevd: bool) -> str | None:
        verdi = request.headers.get(FORMAAL)
        if verdi is None:
            if paakrevd:
                raise Uleselig(FORMAAL, "oppgi formålet med oppslaget i headeren X-Formaal "
                               "(Normen: tilgang til helseopplysninger logges med formål)")
            return None
        try:  # headers arrive as latin-1; a client that sent UTF-8 meant UTF-8
            verdi = verdi.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        try:  # BV6, as for any text; a header that cannot be read is a 400
            verdi = ren_tekst(verdi, FORMAAL)
        except Regelbrudd as e:
            raise Uleselig(FORMAAL, e.melding, regel="BV6") from None
        if not _FORMAAL.match(verdi):
            raise Uleselig(FORMAAL, "X-Formaal må være 1–200 tegn uten kontrolltegn og uten "
                           "blanke i endene")
        return verdi

    def _sikt(self, identitet: Identitet, operasjon: str, ref: Ref | None) -> Sikt | None:
        sjekk_rolle(identitet, operasjon)
        return self.tilgang.sjekk(identitet, ref) if ref is not None else None

    def _bruker_ved_feil(self, exc: BaseException, ref: Ref | None) -> UUID | None:
        """The bruker a refused or failed request concerned, for the log (never for the caller)."""
        if isinstance(exc, UtenforSikt):
            return exc.bruker_id
        return self.tilgang.bruker_id_for(ref) if ref is not None else None

    # --- reads ------------------------------------------------------------------------------

    def les(self, request: Request, ref: Ref | None,
            hent: Callable[[Sikt | None], tuple[M, int | None]],
            finn: Callable[[], Ref] | None = None, *,
            logg_foerst: bool = False) -> Response[M]:
        """A read of personal data: checked, logged (with purpose) before anything is returned.

        ``finn`` resolves the resource from the request first (a search by fødselsnummer).
        The data is read before the row is written, so a read that fails (a stale read model,
        the store down, R19) is logged with its own status; ``logg_foerst`` writes the row
        first instead (the access log's own read, which shows itself).
        """
        identitet: Identitet = request.user
        formaal: str | None = None
        sikt: Sikt | None = None
        try:
            formaal = self.formaal(request, paakrevd=True)
            sjekk_rolle(identitet, operasjon(request))
            if finn is not None:
                ref = finn()
            sikt = self._sikt(identitet, operasjon(request), ref)
            if logg_foerst:
                self.tilgangslogg.skriv(request, identitet, sikt.bruker_id if sikt else None,
                                        formaal, 200)
                return self._svar_lest(*hent(sikt))
            innhold, versjon = hent(sikt)
        except Exception as e:
            if logg_foerst and sikt is not None:
                raise  # logged already
            if ref is None and finn is not None:
                try:  # the log names the bruker the search was about, also when refused
                    ref = finn()
                except Exception:  # nothing found: the entry names no bruker
                    ref = None
            self.tilgangslogg.skriv(request, identitet, self._bruker_ved_feil(e, ref), formaal,
                                    status_for(e))
            raise
        self.tilgangslogg.skriv(request, identitet, sikt.bruker_id if sikt else None, formaal,
                                200)
        return self._svar_lest(innhold, versjon)

    @staticmethod
    def _svar_lest(innhold: M, versjon: int | None) -> Response[M]:
        return Response(innhold, headers={"ETag": etag(versjon)} if versjon is not None else None)

    # --- writes -----------------------------------------------------------------------------

    def skriv(self, request: Request, ref: Ref | None, data: BaseModel,
              utfor: Callable[[Aktor, IdLager, Skrivevalg], Kvittering], svar: Skriving[K],
              bydel: str | None = None, naevnt: Mapping[str, Ref] | None = None) -> Response[K]:
        """A write through the application, idempotent under Idempotency-Key, guarded by If-Match.

        ``utfor`` calls the use case with the actor, the ids of new facts and the ``Skrivevalg``
        (the versions If-Match accepts, and the side rows), e.g.
        ``lambda a, _, valg: app.velg_leverandor(cmd, a, **valg)``.

        ``bydel``: the write creates something in this bydel (only the bydel's own roles may).
        ``naevnt``: other resources the body names, by the field naming them (a vedtak to order a
        delivery under): one
        outside the caller's reach is answered as one that does not exist (404), never with a
        rule about someone else's (R14 "gjelder en annen bruker" would confirm it exists).
        """
        identitet: Identitet = request.user
        formaal: str | None = None
        bruker_id: UUID | None = None
        nokkel: str | None = None
        avtrykk = ""
        try:
            formaal = self.formaal(request, paakrevd=False)
            sikt = self._sikt(identitet, operasjon(request), ref)
            if bydel is not None and bydel != identitet.bydel:
                raise IngenTilgang("bydel", "brukere registreres bare i egen bydel")
            bruker_id = sikt.bruker_id if sikt else None
            for felt, annen in (naevnt or {}).items():
                try:
                    self.tilgang.sjekk(identitet, annen)
                except IkkeFunnet as e:  # the answer names the body's field, not the resource kind
                    raise IkkeFunnet(e.hva, e.ident, felt=felt) from None
            nokkel = self.idempotens.nokkel(request)
            self._if_match_form(request)  # a malformed header is a 400, a replay or not
            avtrykk = self.idempotens.fingeravtrykk(request, data) if nokkel is not None else ""
            if nokkel is not None and not self.app.skriver_medfolgende:
                # Without a shared transaction the stored answer must be looked up first.
                gjentatt = self._gjentatt(request, identitet, bruker_id, formaal, nokkel, avtrykk)
                if gjentatt is not None:
                    return gjentatt
            # The answer (under the key) and the access-log entry are stored with the events, in
            # one transaction. A key used before makes that transaction fail on the answer's
            # primary key, so nothing is recorded twice; the stored answer is found below.
            rader = Siderader(
                self.tables, lambda kvittering: self._svar(kvittering, svar, avtrykk),
                lambda kvittering, status: self.tilgangslogg.oppforing(
                    request, identitet, bruker_id if ref else kvittering.id, formaal, status),
                (identitet.nokkel, nokkel) if nokkel else None)
            valg = Skrivevalg(forventet_versjon=self._godtatte_versjoner(request, ref),
                              medfolgende=rader)
            kvittering = utfor(identitet.aktor, self.idempotens.idlager(identitet.nokkel, nokkel),
                               valg)
        except Exception as e:
            if nokkel is not None and not isinstance(e, IdempotensKonflikt):
                # A retry: the first attempt's effects make this one fail (a conflict on the
                # stored answer, a rule, a stale If-Match); the first answer is the answer.
                try:
                    gjentatt = self._gjentatt(request, identitet, bruker_id, formaal, nokkel,
                                              avtrykk)
                except IdempotensKonflikt as konflikt:
                    self.tilgangslogg.skriv(request, identitet, bruker_id, formaal, 422)
                    raise konflikt from None
                else:
                    if gjentatt is not None:
                        return gjentatt
                    if isinstance(e, SamtidigEndring) and self.idempotens.rydd(
                            identitet.nokkel, nokkel):
                        # An expired answer was in the way (nothing was stored): try again.
                        return self.skriv(request, ref, data, utfor, svar, bydel, naevnt)
            bruker_id = bruker_id or self._bruker_ved_feil(e, ref)
            self.tilgangslogg.skriv(request, identitet, bruker_id, formaal, status_for(e))
            raise
        if rader.skrevet and rader.svaret is not None:
            return self._svar_respons(rader.svaret)
        # Nothing new was recorded (a repeated command): the first answer, if there was one,
        # else the rows in a transaction of their own.
        if nokkel is not None:
            gjentatt = self._gjentatt(request, identitet, bruker_id, formaal, nokkel, avtrykk)
            if gjentatt is not None:
                return gjentatt
        ny = self._svar(kvittering, svar, avtrykk)
        if ref is None:  # the write created the bruker
            bruker_id = kvittering.id
        tidligere = self.tables.skriv(
            [self.tilgangslogg.oppforing(request, identitet, bruker_id, formaal, ny.status)],
            identitet.nokkel if nokkel else None, nokkel, ny if nokkel else None)
        if tidligere is not None:  # a concurrent request with the same key stored first
            return self.idempotens.gjenta(tidligere)
        return self._svar_respons(ny)

    def _gjentatt(self, request: Request, identitet: Identitet, bruker_id: UUID | None,
                  formaal: str | None, nokkel: str, avtrykk: str) -> Response[Any] | None:
        """The first answer under this key (logged as a replay), or None if there is none.

        Raises IdempotensKonflikt when the key was used for another request.
        """
        lagret = self.idempotens.lagret(identitet.nokkel, nokkel, avtrykk)
        if lagret is None:
            return None
        self.tilgangslogg.skriv(request, identitet, bruker_id, formaal, lagret.status)
        return self.idempotens.gjenta(lagret)

    @staticmethod
    def _svar(kvittering: Kvittering, svar: Skriving[Any], avtrykk: str) -> LagretSvar:
        """The answer to a write: 201 + Location when it created a resource, else 200."""
        status = 201 if svar.oppretter and kvittering.nye_hendelser > 0 else 200
        lenke = svar.lenke(kvittering)
        hoder = {"ETag": etag(kvittering.versjon)}
        if svar.oppretter:
            hoder["Location"] = lenke
        body = svar.modell.fra(kvittering, lenke).model_dump_json().encode()
        return LagretSvar(avtrykk, status, body, hoder)

    @staticmethod
    def _svar_respons(svar: LagretSvar) -> Response[Any]:
        """The first answer to a write, as sent."""
        return Response(svar.body, status_code=svar.status, headers=svar.hoder,
                        media_type="application/json")

    @staticmethod
    def _if_match_form(request: Request) -> str | None:
        """The If-Match header if it is well formed (400 naming it if not), None without one."""
        hode = request.headers.get("If-Match")
        if hode is None:
            return None
        if len(hode) > 200:
            raise Uleselig("If-Match", "If-Match kan være høyst 200 tegn")
        if not _IF_MATCH.match(hode.strip()):
            raise Uleselig("If-Match", 'If-Match er * eller ETag-er som "3" (kommaskilt)')
        return hode

    def _godtatte_versjoner(self, request: Request, ref: Ref | None) -> set[int] | None:
        """The versions If-Match accepts (None: any), for the use case to check on the state it
        decides on (``forventet_versjon``; 412 if stale). Only read here: checking it also
        against the store's current version would be a second, earlier check of the same thing.
        """
        hode = self._if_match_form(request)
        if hode is None or ref is None:
            return None
        if hode.strip() == "*":
            return None
        oppgitt = [t.strip() for t in hode.split(",")]
        # Strong comparison (RFC 9110): a weak ETag never matches. A version without quotes
        # (If-Match: 3) is read as the ETag "3", a slip clients make.
        return {int(t.strip('"')) for t in oppgitt if not t.startswith("W/")}
