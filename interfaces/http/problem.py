"""The one exception mapper: every error leaves the API as RFC 9457 problem details.

Domain rule broken (``Regelbrudd``) → 422 naming the rule id and the field; ``IkkeFunnet`` → 404;
``SamtidigEndring`` and the event store's ``IntegrityError`` → 409; a stale ``If-Match`` → 412;
a request the API cannot read → 400; no or bad token → 401; a role that may not do this → 403;
too many requests → 429; the store unreachable → 503 with ``Retry-After``. Anything unexpected →
500 without internals.

``FEILTABELL`` is the one table from exception to (status, slug): the problem details below and
the access log (``status_for``) both read it, so the log records the status the caller got.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, PermissionDeniedException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from pydantic import BaseModel, ConfigDict, Field

from application.app import SamtidigEndring, UtdatertVersjon
from domain.begreper import IkkeFunnet, Regelbrudd
from domain.kalender import NaivtTidspunktError
from projections import ProjectionBehind

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("brukervalg.http")


class Problem(BaseModel):
    """RFC 9457 problem details, with the rule id and the field when a rule was broken."""

    model_config = ConfigDict(extra="forbid")
    type: str = Field(description="URI identifying the kind of problem; for a broken rule its "
                      "entry in the rule catalogue", examples=["/docs/regler.md#r04"])
    title: str = Field(examples=["Regelbrudd"])
    status: int = Field(ge=400, le=599, examples=[422])
    detail: str | None = Field(default=None, examples=["valg med virkning før 2024-06-01 "
                                                       "registreres ikke"])
    instance: str | None = Field(default=None, description="the request path",
                                 examples=["/brukere/6f0c…/valg"])
    regel: str | None = Field(default=None, description="rule id (R01–R29, or the system's "
                              "own BV…/API…), explained in docs/regler.md (served at "
                              "/docs/regler.md#<id in lower case>)", examples=["R04"])
    felt: str | None = Field(default=None, description="the field the problem is about",
                             examples=["gyldig_fra"])
    feil: list[dict[str, str]] | None = Field(
        default=None, description="every field that failed validation (400)")


class ForhandsbetingelseFeilet(HTTPException):
    """If-Match named a version that is no longer the current one."""

    status_code = 412


class Uleselig(HTTPException):
    """The request cannot be read (a header or parameter outside what the API accepts)."""

    status_code = 400

    def __init__(self, felt: str, melding: str, regel: str = "BV0") -> None:
        super().__init__(detail=melding)
        self.felt = felt
        self.regel = regel


class IngenTilgang(PermissionDeniedException):
    """403 about one field of the request (e.g. a bydel outside the caller's own)."""

    def __init__(self, felt: str, melding: str) -> None:
        super().__init__(detail=melding)
        self.felt = felt


# What a 4xx Litestar raises itself is about, when it names nothing: the token (who may), the
# path (what does not exist), the method.
_STANDARDFELT = {401: "Authorization", 403: "Authorization", 404: "sti", 405: "metode",
                 412: "If-Match"}


class IdempotensKonflikt(HTTPException):
    """The Idempotency-Key was used before with a different request."""

    status_code = 422


# A table, one line per status: its repetition is the point.
_TYPER: dict[int, tuple[str, str]] = {
    400: ("ugyldig-foresporsel", "Ugyldig forespørsel"),
    401: ("ikke-autentisert", "Ikke autentisert"),
    403: ("ingen-tilgang", "Ingen tilgang"),
    404: ("finnes-ikke", "Finnes ikke"),
    405: ("metode-ikke-tillatt", "Metoden er ikke tillatt"),
    409: ("samtidig-endring", "Samtidig endring"),
    412: ("utdatert-versjon", "Utdatert versjon"),
    413: ("for-stor-foresporsel", "For stor forespørsel"),
    415: ("ukjent-innholdstype", "Innholdstypen støttes ikke"),
    422: ("regelbrudd", "Regelbrudd"),
    429: ("for-mange-foresporsler", "For mange forespørsler"),
    500: ("intern-feil", "Intern feil"),
    503: ("lesemodell-utdatert", "Lesemodellen må bygges på nytt"),
}
_TITLER = {"idempotensnokkel-gjenbrukt": "Idempotency-Key brukt før",
           "lager-utilgjengelig": "Lageret svarer ikke"}

# The store did not answer (down, restarting, connections refused or broken, a lock not granted
# in time): the request may be retried. psycopg's and sqlite3's own errors too, for the few
# readers that use a connection directly.
LAGERFEIL: tuple[type[BaseException], ...] = (OperationalError, InterfaceError,
                                              psycopg.OperationalError, psycopg.InterfaceError,
                                              sqlite3.OperationalError)
# Seconds a client is asked to wait before retrying when the store did not answer.
LAGER_RETRY_AFTER = 5

# The one table from exception to (status, slug), first match wins. An HTTPException not named
# here answers its own status (slug from _TYPER); anything else is a 500.
FEILTABELL: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], int, str], ...] = (
    (Regelbrudd, 422, "regelbrudd"),
    (IdempotensKonflikt, 422, "idempotensnokkel-gjenbrukt"),
    (IkkeFunnet, 404, "finnes-ikke"),
    ((UtdatertVersjon, ForhandsbetingelseFeilet), 412, "utdatert-versjon"),
    ((SamtidigEndring, IntegrityError), 409, "samtidig-endring"),
    ((ValidationException, NaivtTidspunktError, RecursionError, Uleselig), 400,
     "ugyldig-foresporsel"),
    (ProjectionBehind, 503, "lesemodell-utdatert"),
    (LAGERFEIL, 503, "lager-utilgjengelig"),
)


def klassifiser(exc: BaseException) -> tuple[int, str]:
    """(status, slug) of the answer to this exception: the one table, for answer and log."""
    for typer, status, slug in FEILTABELL:
        if isinstance(exc, typer):
            return status, slug
    if isinstance(exc, HTTPException):
        return exc.status_code, _TYPER.get(exc.status_code, (f"http-{exc.status_code}", ""))[0]
    return 500, "intern-feil"


def status_for(exc: BaseException) -> int:
    """The status the exception mapper answers this exception with (for the access log)."""
    return klassifiser(exc)[0]


# A broken rule's problem type is its entry in the rule catalogue (served by the API itself).
REGELKATALOG = "/docs/regler.md"


def regel_type(regel: str) -> str:
    """``R18`` → ``/docs/regler.md#r18``: where the rule is explained."""
    return f"{REGELKATALOG}#{regel.lower()}"


def _type(status: int, slug: str | None = None) -> tuple[str, str]:
    navn, tittel = _TYPER.get(status, ("http-" + str(status), "Feil"))
    return f"urn:brukervalg:problem:{slug or navn}", _TITLER.get(slug or navn, tittel)


def problem_svar(request: Request | None, status: int, detail: str | None, *,
                 regel: str | None = None, felt: str | None = None,
                 feil: list[dict[str, str]] | None = None, slug: str | None = None,
                 headers: dict[str, str] | None = None) -> Response[Problem]:
    typ, tittel = _type(status, slug)
    if regel is not None:
        typ = regel_type(regel)
    innhold = Problem(type=typ, title=tittel, status=status, detail=detail,
                      instance=request.url.path if request is not None else None,
                      regel=regel, felt=felt, feil=feil)
    return Response(innhold, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def til_problem(request: Request, exc: Exception) -> Response[Problem]:
    """The exception mapper (registered for every exception): status and slug from FEILTABELL,
    the detail, rule and field from the exception."""
    status, slug = klassifiser(exc)

    def svar(detail: str | None, **ekstra: Any) -> Response[Problem]:
        return problem_svar(request, status, detail, slug=slug, **ekstra)

    if isinstance(exc, Regelbrudd):
        return svar(exc.melding, regel=exc.regel, felt=exc.felt)
    if isinstance(exc, IkkeFunnet):
        return svar(str(exc), felt=exc.felt)
    if isinstance(exc, UtdatertVersjon):  # found by the use case, on the state it decides on
        gjeldende = f'"{exc.gjeldende}"'
        if not exc.forventet:
            return svar(f"If-Match nevner ingen sterk ETag; gjeldende versjon er {gjeldende}",
                        felt="If-Match")
        oppgitt = ", ".join(f'"{v}"' for v in sorted(exc.forventet))
        return svar(f"If-Match {oppgitt} er ikke gjeldende versjon {gjeldende}", felt="If-Match")
    if isinstance(exc, SamtidigEndring | IntegrityError):
        return svar("en annen endret den samme saken samtidig; hent siste versjon og prøv igjen")
    if isinstance(exc, ValidationException):
        feil = _valideringsfeil(exc.extra) or _uten_detaljer(exc.detail)
        detail = feil[0]["melding"] if len(feil) == 1 else "forespørselen oppfyller ikke skjemaet"
        return svar(detail, regel=_regel(feil), felt=feil[0]["felt"], feil=feil)
    if isinstance(exc, NaivtTidspunktError):
        return svar("tidspunktet må ha tidssone, f.eks. 2026-11-01T10:00:00+01:00",
                    regel=exc.regel or "BV2", felt=exc.felt)
    if isinstance(exc, RecursionError):
        return svar("JSON-innholdet er nøstet for dypt", regel="BV0", felt="body")
    if isinstance(exc, Uleselig):
        return svar(exc.detail, regel=exc.regel, felt=exc.felt)
    if isinstance(exc, IdempotensKonflikt):
        return svar(exc.detail, regel="API1", felt="Idempotency-Key")
    if isinstance(exc, ProjectionBehind):
        log.error("lesemodellen er utdatert: %s", exc)
        return svar(str(exc))
    if isinstance(exc, LAGERFEIL):
        log.error("lageret svarer ikke (%s %s): %s", request.method, request.url.path, exc)
        return svar(LAGER_UTILGJENGELIG, headers={"Retry-After": str(LAGER_RETRY_AFTER)})
    if isinstance(exc, HTTPException):
        if status == 400:  # the request could not be read at all (e.g. the body is not JSON)
            return svar(oversett(exc.detail), regel="BV0", felt="body", headers=exc.headers)
        if status == 413:
            return svar("forespørselen er større enn API-et tar imot", felt="body",
                        headers=exc.headers)
        if status == 415:
            return svar("innholdstypen støttes ikke", felt="Content-Type", headers=exc.headers)
        melding = _LITESTAR.get(exc.detail, exc.detail) if status < 500 else None
        felt = getattr(exc, "felt", None) or _STANDARDFELT.get(status)
        return svar(melding, felt=felt, headers=exc.headers)
    log.exception("uventet feil i %s %s", request.method, request.url.path)
    return svar(None)


# The store did not answer: a write may or may not have been stored (the commit may have gone
# through with the answer lost), so the client retries with the same Idempotency-Key.
LAGER_UTILGJENGELIG = ("lageret (databasen) svarer ikke akkurat nå; prøv igjen om litt. En "
                       "skriving kan være lagret eller ikke: send den på nytt med samme "
                       "Idempotency-Key, så lagres den én gang")


def _valideringsfeil(extra: Any) -> list[dict[str, str]]:
    feil: list[dict[str, str]] = []
    for e in extra if isinstance(extra, list) else []:
        if isinstance(e, dict):
            felt = str(e.get("key") or e.get("source") or "body")
            melding = str(e.get("message", ""))
            if felt == "data":  # Litestar's name for the whole body (no body: its message)
                felt = "body"
                melding = "mangler" if melding in ("'data'", "data", "") else melding
            rad = {"felt": felt, "melding": oversett(melding)}
            if regel := _BV6.match(melding):
                rad["regel"] = regel.group(1)
            if kilde := e.get("source"):
                rad["kilde"] = str(getattr(kilde, "value", kilde))
            feil.append(rad)
    return feil


# Litestar's own answers (routing, methods) in Norwegian.
_LITESTAR = {"Not Found": "finnes ikke (ukjent sti, eller en id i stien som ikke er gyldig)",
             "Method Not Allowed": "metoden er ikke tillatt på denne ressursen",
             "Unauthorized": "ikke autentisert", "Forbidden": "ingen tilgang"}

_MANGLER = re.compile(r"Missing required (\w+) parameter '([^']+)'")


def _uten_detaljer(detail: str) -> list[dict[str, str]]:
    """A validation error Litestar raises without a list of fields (a missing parameter...)."""
    if m := _MANGLER.match(detail or ""):
        return [{"felt": m.group(2), "melding": "mangler", "kilde": m.group(1)}]
    return [{"felt": "body", "melding": oversett(detail)}]


def _regel(feil: list[dict[str, str]]) -> str:
    """A text rule (BV6) when every error is one, else the schema's BV0."""
    regler = {f.get("regel", "BV0") for f in feil}
    return regler.pop() if len(regler) == 1 else "BV0"


_BV6 = re.compile(r"^(?:Value error, )?(BV\d+|R\d+a?) \([^)]*\): ")

# Library messages (pydantic, msgspec, Litestar) in Norwegian. The original stays in
# parentheses when a message is not in the table, so nothing is lost.
_OVERSETTELSER: list[tuple[re.Pattern[str], str]] = [(re.compile(m), n) for m, n in [
    # Our own validators' messages are Norwegian already: only pydantic's prefix goes.
    (r"^Value error, (?:(?:BV|R)\d+a? \([^)]*\): )?(?P<x>.*)$", "{x}"),
    (r"^Field required$|^Missing required", "mangler"),
    (r"^Extra inputs are not permitted$|^Object contains unknown field",
     "ukjent felt (ikke i skjemaet)"),
    (r"^Input should be a valid date\b.*|^Expected `date`.*|^Invalid date",
     "må være en dato (ÅÅÅÅ-MM-DD)"),
    (r"^Input should be a valid datetime.*|^Input should have timezone info|"
     r"^Invalid RFC3339 encoded datetime|^Expected `datetime`.*|^Datetime.*",
     "må være et tidspunkt med tidssone (RFC 3339, f.eks. 2026-03-02T09:00:00+01:00)"),
    (r"^String should match pattern '(?P<m>.*)'$", "har feil form (mønster {m})"),
    (r"^Expected `str` matching regex '(?P<m>.*)'.*", "har feil form (mønster {m})"),
    (r"^String should have at least (?P<n>\d+) characters?$", "må ha minst {n} tegn"),
    (r"^String should have at most (?P<n>\d+) characters?$", "kan ha høyst {n} tegn"),
    (r"^Expected `str` of length >= (?P<n>\d+).*", "må ha minst {n} tegn"),
    (r"^Value should have at least (?P<n>\d+) items? after validation.*",
     "må ha minst {n} tegn (eller elementer)"),
    (r"^Value should have at most (?P<n>\d+) items? after validation.*",
     "kan ha høyst {n} tegn (eller elementer)"),
    (r"^Expected `str` of length <= (?P<n>\d+).*", "kan ha høyst {n} tegn"),
    (r"^Input should be a valid string.*|^Expected `str`.*", "må være tekst"),
    (r"^Input should be a valid integer.*|^Expected `int`.*", "må være et heltall"),
    (r"^Input should be a valid (?:number|decimal).*|^Decimal input should be.*|"
     r"^Expected `(?:float|decimal)`.*", "må være et tall"),
    (r"^Decimal input should have no more than (?P<n>\d+) decimal places?.*",
     "kan ha høyst {n} desimaler"),
    (r"^Decimal input should have no more than (?P<n>\d+) digits?.*", "kan ha høyst {n} sifre"),
    (r"^Input should be a valid boolean.*|^Expected `bool`.*", "må være true eller false"),
    (r"^Input should be a valid UUID.*|^Invalid UUID.*|^Expected `uuid`.*",
     "må være en UUID"),
    (r"^Input should be a valid (?:dictionary|object).*|^Input should be an object.*|"
     r"^Expected `object`.*", "må være et objekt"),
    (r"^Input should be a valid list.*|^Expected `array`.*", "må være en liste"),
    (r"^List should have at least (?P<n>\d+) items?.*", "må ha minst {n} elementer"),
    (r"^List should have at most (?P<n>\d+) items?.*", "kan ha høyst {n} elementer"),
    (r"^Input should be greater than or equal to (?P<n>\S+)$|^Expected `int` >= (?P<n2>\S+)$",
     "må være minst {n}{n2}"),
    (r"^Input should be less than or equal to (?P<n>\S+)$|^Expected `int` <= (?P<n2>\S+)$",
     "kan være høyst {n}{n2}"),
    (r"^Input should be greater than (?P<n>\S+)$", "må være større enn {n}"),
    (r"^Input should be less than (?P<n>\S+)$", "må være mindre enn {n}"),
    (r"^Input should be (?P<v>'.*') or (?P<w>'[^']*')$", "må være en av {v} eller {w}"),
    (r"^Input should be (?P<v>'.*')$", "må være {v}"),
    (r"^Invalid enum value (?P<v>.*)$", "ukjent verdi {v}"),
    (r"^JSON is malformed.*|^Unable to decode.*|^Invalid JSON.*", "innholdet er ikke gyldig JSON"),
]]


def oversett(melding: str | None) -> str:
    """A validation message in Norwegian (the rule text of a broken BV/R rule as it is)."""
    melding = (melding or "").strip()
    for monster, norsk in _OVERSETTELSER:
        if m := monster.match(melding):
            return norsk.format(**{k: v or "" for k, v in m.groupdict().items()})
    return f"ugyldig verdi ({melding})" if melding else "ugyldig verdi"


# --- OpenAPI: every error an operation can answer, with schema and example --------------------

_EKSEMPLER: dict[int, dict[str, Any]] = {
    400: {"detail": "må være en dato (ÅÅÅÅ-MM-DD)", "regel": "BV0",
          "felt": "gyldig_fra", "feil": [{"felt": "gyldig_fra", "kilde": "body",
                                          "melding": "må være en dato (ÅÅÅÅ-MM-DD)"}]},
    401: {"detail": "mangler bearer-token"},
    403: {"detail": "rollen leverandor kan ikke gjøre dette"},
    404: {"detail": "bruker 0b8f2c1e-5d7a-4e7b-9a51-3f6f0d1c2b4a finnes ikke"},
    409: {"detail": "en annen endret den samme saken samtidig; hent siste versjon og prøv igjen"},
    412: {"detail": "If-Match \"3\" er ikke gjeldende versjon \"4\""},
    413: {"detail": "forespørselen er større enn API-et tar imot", "felt": "body"},
    422: {"detail": "valg med virkning før 2024-06-01 registreres ikke", "regel": "R04",
          "felt": "gyldig_fra"},
    429: {"detail": "for mange forespørsler fra denne identiteten; vent litt"},
    503: {"detail": LAGER_UTILGJENGELIG},
}

_BESKRIVELSER = {
    400: "Forespørselen kan ikke leses: feil i body, parameter eller header (feltet er navngitt).",
    401: "Mangler gyldig bearer-token.",
    403: "Rollen har ikke lov til denne operasjonen.",
    404: "Ressursen finnes ikke, eller er utenfor det rollen og organisasjonen kan se.",
    409: "Noen andre endret den samme saken samtidig; ingenting ble lagret.",
    412: "If-Match er ikke lenger gjeldende versjon (ETag).",
    413: "Forespørselen er for stor.",
    422: "En domeneregel er brutt (regel-id og felt navngitt), eller Idempotency-Key er brukt "
         "med en annen forespørsel.",
    429: "For mange forespørsler fra samme identitet; se Retry-After.",
    503: "Lageret (databasen) svarer ikke (se Retry-After; en skriving kan være lagret eller "
         "ikke: send den på nytt med samme Idempotency-Key), eller lesemodellen ble bygd av en "
         "annen versjon av koden og må bygges på nytt (`brukervalg projeksjoner gjenoppbygg`).",
}


def feilsvar(*koder: int) -> dict[int, ResponseSpec]:
    """ResponseSpecs (problem+json, with an example) for the given error status codes."""
    svar: dict[int, ResponseSpec] = {}
    for kode in koder:
        typ, tittel = _type(kode, "regelbrudd" if kode == 422 else None)
        if "regel" in _EKSEMPLER[kode]:
            typ = regel_type(_EKSEMPLER[kode]["regel"])
        eksempel = {"type": typ, "title": tittel, "status": kode, **_EKSEMPLER[kode]}
        svar[kode] = ResponseSpec(
            data_container=Problem, description=_BESKRIVELSER[kode], media_type=PROBLEM_JSON,
            generate_examples=False,
            examples=[Example(summary=tittel, value=eksempel)])
    return svar


# 503: the store did not answer (any operation), or a stale read model (reports).
LESEFEIL = (400, 401, 403, 404, 429, 503)
RAPPORTFEIL = LESEFEIL
SKRIVEFEIL = (400, 401, 403, 404, 409, 412, 413, 422, 429, 503)
MEDIA_JSON = MediaType.JSON
