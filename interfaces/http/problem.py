"""The one exception mapper: every error leaves the API as RFC 9457 problem details.

Domain rule broken (``Regelbrudd``) → 422 naming the rule id and the field; ``IkkeFunnet`` → 404;
``SamtidigEndring`` and the event store's ``IntegrityError`` → 409; a stale ``If-Match`` → 412;
a request the API cannot read → 400; no or bad token → 401; a role that may not do this → 403;
too many requests → 429. Anything unexpected → 500 without internals.
"""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing.persistence import IntegrityError
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from pydantic import BaseModel, ConfigDict, Field

from application.app import SamtidigEndring, UtdatertVersjon
from domain.felles import IkkeFunnet, Regelbrudd
from projections import ProjeksjonUtdatert

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

    def __init__(self, felt: str, melding: str) -> None:
        super().__init__(detail=melding)
        self.felt = felt


class IdempotensKonflikt(HTTPException):
    """The Idempotency-Key was used before with a different request."""

    status_code = 422


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


# A broken rule's problem type is its entry in the rule catalogue (served by the API itself).
REGELKATALOG = "/docs/regler.md"


def regel_type(regel: str) -> str:
    """``R18`` → ``/docs/regler.md#r18``: where the rule is explained."""
    return f"{REGELKATALOG}#{regel.lower()}"


def _type(status: int, slug: str | None = None) -> tuple[str, str]:
    navn, tittel = _TYPER.get(status, ("http-" + str(status), "Feil"))
    return f"urn:brukervalg:problem:{slug or navn}", tittel


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
    """The exception mapper (registered for every exception)."""
    if isinstance(exc, Regelbrudd):
        return problem_svar(request, 422, exc.melding, regel=exc.regel, felt=exc.felt)
    if isinstance(exc, IkkeFunnet):
        return problem_svar(request, 404, str(exc))
    if isinstance(exc, UtdatertVersjon):
        return problem_svar(request, 412, f"If-Match: {exc}")
    if isinstance(exc, SamtidigEndring | IntegrityError):
        return problem_svar(request, 409, "en annen endret den samme saken samtidig; hent "
                            "siste versjon og prøv igjen")
    if isinstance(exc, ValidationException):
        feil = _valideringsfeil(exc.extra)
        return problem_svar(request, 400, "forespørselen oppfyller ikke skjemaet",
                            regel="BV0", felt=feil[0]["felt"] if feil else None, feil=feil)
    if isinstance(exc, Uleselig):
        return problem_svar(request, 400, exc.detail, regel="BV0", felt=exc.felt)
    if isinstance(exc, IdempotensKonflikt):
        return problem_svar(request, 422, exc.detail, regel="API1", felt="Idempotency-Key",
                            slug="idempotensnokkel-gjenbrukt")
    if isinstance(exc, ProjeksjonUtdatert):
        log.error("lesemodellen er utdatert: %s", exc)
        return problem_svar(request, 503, str(exc))
    if isinstance(exc, HTTPException):
        status = exc.status_code
        detail = exc.detail if status < 500 else None
        return problem_svar(request, status, detail, headers=exc.headers)
    log.exception("uventet feil i %s %s", request.method, request.url.path)
    return problem_svar(request, 500, None)


def _valideringsfeil(extra: Any) -> list[dict[str, str]]:
    feil: list[dict[str, str]] = []
    for e in extra if isinstance(extra, list) else []:
        if isinstance(e, dict):
            felt = str(e.get("key") or e.get("source") or "?")
            feil.append({"felt": felt, "melding": str(e.get("message", "ugyldig verdi"))})
    return feil


# --- OpenAPI: every error an operation can answer, with schema and example --------------------

_EKSEMPLER: dict[int, dict[str, Any]] = {
    400: {"detail": "forespørselen oppfyller ikke skjemaet", "regel": "BV0",
          "felt": "gyldig_fra", "feil": [{"felt": "gyldig_fra",
                                          "melding": "Input should be a valid date"}]},
    401: {"detail": "mangler bearer-token"},
    403: {"detail": "rollen leverandor kan ikke gjøre dette"},
    404: {"detail": "bruker 0b8f2c1e-5d7a-4e7b-9a51-3f6f0d1c2b4a finnes ikke"},
    409: {"detail": "en annen endret den samme saken samtidig; hent siste versjon og prøv igjen"},
    412: {"detail": "If-Match \"3\" er ikke gjeldende versjon \"4\""},
    413: {"detail": "Request Entity Too Large"},
    422: {"detail": "valg med virkning før 2024-06-01 registreres ikke", "regel": "R04",
          "felt": "gyldig_fra"},
    429: {"detail": "for mange forespørsler fra denne identiteten; vent litt"},
    503: {"detail": "projeksjonen betalbar_tid ble bygd av versjon 2:…, koden og innstillingene "
                    "er 3:…: kjør `brukervalg projeksjoner gjenoppbygg`"},
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
    503: "Lesemodellen (projeksjonen) ble bygd av en annen versjon av koden eller innstillingene "
         "og må bygges på nytt av driften (`brukervalg projeksjoner gjenoppbygg`).",
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


LESEFEIL = (400, 401, 403, 404, 429)
# Reads answered from the projections (read models).
RAPPORTFEIL = (*LESEFEIL, 503)
SKRIVEFEIL = (400, 401, 403, 404, 409, 412, 413, 422, 429)
MEDIA_JSON = MediaType.JSON
