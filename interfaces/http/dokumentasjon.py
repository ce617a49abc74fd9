"""OpenAPI details Litestar cannot infer: request headers, response headers, links, error bodies.

``skriverute(...)`` and ``leserute(...)`` return the decorator arguments of a route, so every
operation documents the same headers and every error it can answer (problem+json, with examples).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    Link,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Schema,
)
from litestar.static_files import create_static_files_router

from interfaces.http.idempotens import NOKKEL_MONSTER
from interfaces.http.problem import LESEFEIL, SKRIVEFEIL, feilsvar
from interfaces.http.skjema import KvitteringUt
from interfaces.http.tjenester import IF_MATCH_MONSTER, SYNLIG_TEKST

# Swagger UI from the files the swagger-ui-py package ships (no CDN: a municipal intranet has no
# access to one, and a page that loads its code from elsewhere is blank there).
SWAGGER_UI_STI = "/schema/swagger-ui"


def _swagger_ui_filer() -> Path:
    from swagger_ui.utils import SWAGGER_UI_PY_ROOT

    return Path(SWAGGER_UI_PY_ROOT) / "static"


def swagger_ui() -> SwaggerRenderPlugin:
    """Swagger UI at /schema/swagger, its scripts and styles from ``SWAGGER_UI_STI``."""
    return SwaggerRenderPlugin(
        js_url=f"{SWAGGER_UI_STI}/swagger-ui-bundle.js",
        css_url=f"{SWAGGER_UI_STI}/swagger-ui.css",
        standalone_preset_js_url=f"{SWAGGER_UI_STI}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{SWAGGER_UI_STI}/favicon-32x32.png'>")


def swagger_ui_filer() -> Router:
    """The static route serving Swagger UI's files (public, like the OpenAPI document)."""
    return create_static_files_router(path=SWAGGER_UI_STI, directories=[_swagger_ui_filer()],
                                      include_in_schema=False, name="swagger-ui")


# The rule catalogue a problem detail's ``type`` points to (``/docs/regler.md#r18``), served as
# the repository's Markdown so the link a front-end developer follows answers.
REGLER_STI = "/docs/regler.md"
_REGLER_FIL = Path(__file__).resolve().parents[2] / "docs" / "regler.md"


@get(REGLER_STI, include_in_schema=False, media_type="text/markdown; charset=utf-8",
     sync_to_thread=False)
def regelkatalog() -> Response[str]:
    if not _REGLER_FIL.is_file():
        raise NotFoundException(detail="regelkatalogen følger ikke med denne installasjonen")
    return Response(_REGLER_FIL.read_text(encoding="utf-8"))


def _i_traad() -> bool:
    """Run handlers in worker threads? On SQLite (local, one writer) the event loop is faster and
    has a shorter tail; on PostgreSQL threads let network round trips overlap."""
    verdi = os.environ.get("BRUKERVALG_HTTP_I_TRAAD", "").strip().lower()
    if verdi:
        return verdi in {"1", "true", "ja", "yes"}
    return os.environ.get("BRUKERVALG_STORE", "sqlite").lower() == "postgres"


I_TRAAD = _i_traad()

_FORMAAL = Parameter(
    name="X-Formaal", param_in="header", required=False,
    description="Formålet med tilgangen (Normen). Påkrevd ved lesing av personopplysninger; "
                "skrives i brukerens tilgangslogg.",
    schema=Schema(type=OpenAPIType.STRING, pattern=SYNLIG_TEKST, max_length=200),
    examples={"saksbehandling": {"value": "saksbehandling"}})  # type: ignore[dict-item]
_FORMAAL_PAAKREVD = Parameter(
    name="X-Formaal", param_in="header", required=True, description=_FORMAAL.description,
    schema=_FORMAAL.schema, examples=_FORMAAL.examples)
FORMAAL_PAAKREVD = _FORMAAL_PAAKREVD
"""X-Formaal, required: for routes that build their own operation class."""
_IDEMPOTENS = Parameter(
    name="Idempotency-Key", param_in="header", required=False,
    description="Samme nøkkel og samme forespørsel gir det første svaret på nytt (også etter "
                "omstart), uten at noe registreres to ganger; samme nøkkel med en annen "
                "forespørsel gir 422. Nøkkelen gjelder per identitet i "
                "BRUKERVALG_IDEMPOTENS_TIMER timer.",
    schema=Schema(type=OpenAPIType.STRING, pattern=NOKKEL_MONSTER, max_length=200))
_IF_MATCH = Parameter(
    name="If-Match", param_in="header", required=False,
    description="ETag (versjon) ressursen skal ha; 412 hvis den er endret siden.",
    schema=Schema(type=OpenAPIType.STRING, max_length=200, pattern=IF_MATCH_MONSTER),
    examples={"versjon": {"value": '"3"'}})  # type: ignore[dict-item]

_ETAG = OpenAPIHeader(description="Ressursens versjon (aggregatets versjon)",
                      schema=Schema(type=OpenAPIType.STRING))
_LOCATION = OpenAPIHeader(description="Den opprettede ressursen",
                          schema=Schema(type=OpenAPIType.STRING))
_REPLAY = OpenAPIHeader(description="true når svaret er gjentatt for en Idempotency-Key",
                        schema=Schema(type=OpenAPIType.STRING))
_RETRY = OpenAPIHeader(description="Sekunder å vente", schema=Schema(type=OpenAPIType.STRING))
_AUTH = OpenAPIHeader(description="Bearer-utfordring", schema=Schema(type=OpenAPIType.STRING))


_HTML_SIDE = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING), example=(
    '<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>…</title></head>'
    "<body>…</body></html>"))


def _operasjonsklasse(parametre: list[Parameter], suksesshoder: dict[str, OpenAPIHeader],
                      lenker: dict[str, Link] | None, html: bool = False) -> type[Operation]:
    @dataclass
    class MedDetaljer(Operation):
        def __post_init__(self) -> None:
            self.parameters = [*(self.parameters or []), *parametre]
            for kode, svar in (self.responses or {}).items():
                if not isinstance(svar, OpenAPIResponse):  # a $ref has no headers of its own
                    continue
                if html and kode == "200" and svar.content is not None:
                    svar.content["text/html"] = _HTML_SIDE
                if kode.startswith("2"):
                    svar.headers = {**(svar.headers or {}), **suksesshoder}
                    if lenker and kode in ("200", "201"):
                        svar.links = dict(lenker)
                elif kode in ("429", "503"):
                    svar.headers = {"Retry-After": _RETRY}
                elif kode == "401":
                    svar.headers = {"WWW-Authenticate": _AUTH}

    return MedDetaljer


def _kort(beskrivelse: str) -> str:
    return re.split(r"[.:;(]", beskrivelse, maxsplit=1)[0].strip()


def lenke(operasjon: str, **parametre: str) -> Link:
    return Link(operation_id=operasjon, parameters=dict(parametre))


def skriverute(operasjon: str, beskrivelse: str, *, oppretter: bool = False,
               lenker: dict[str, Link] | None = None) -> dict[str, Any]:
    """Decorator arguments of a write (POST) route."""
    svar: dict[int, ResponseSpec] = feilsvar(*SKRIVEFEIL)
    hoder = {"ETag": _ETAG, "Idempotent-Replayed": _REPLAY}
    if oppretter:
        hoder["Location"] = _LOCATION
        svar[200] = ResponseSpec(KvitteringUt, description="Allerede registrert (samme kommando "
                                 "gjentatt): ingenting nytt lagret", generate_examples=False)
    return {
        "operation_id": operasjon,
        "summary": _kort(beskrivelse),
        "description": beskrivelse,
        "status_code": 201 if oppretter else 200,
        "response_description": "Opprettet (Location peker på ressursen)" if oppretter
        else "Registrert (nye_hendelser = 0: var allerede registrert)",
        "responses": svar,
        "operation_class": _operasjonsklasse([_IDEMPOTENS, _IF_MATCH, _FORMAAL], hoder, lenker),
        "sync_to_thread": I_TRAAD,
    }


def leserute(operasjon: str, beskrivelse: str, *, formaal: bool = True,
             etag: bool = True, lenker: dict[str, Link] | None = None,
             ekstra_feil: tuple[int, ...] = (), html: bool = False) -> dict[str, Any]:
    """Decorator arguments of a read (GET, or a search by POST) of personal data. ``html``: the
    200 can also be an HTML page (chosen by a ``format`` parameter)."""
    parametre = [_FORMAAL_PAAKREVD] if formaal else [_FORMAAL]
    return {
        "operation_id": operasjon,
        "summary": _kort(beskrivelse),
        "description": beskrivelse,
        "response_description": "Funnet: det rollen og organisasjonen har lov til å se",
        "responses": feilsvar(*LESEFEIL, *ekstra_feil),
        "operation_class": _operasjonsklasse(parametre, {"ETag": _ETAG} if etag else {}, lenker,
                                             html),
        "sync_to_thread": I_TRAAD,
    }


def opplastingsrute(operasjon: str, beskrivelse: str,
                    svar: dict[int, ResponseSpec]) -> dict[str, Any]:
    """Decorator arguments of an upload (POST of a file): Idempotency-Key, no If-Match, no ETag
    (the file touches many aggregates). ``svar``: the documented answers besides the errors."""
    return {
        "operation_id": operasjon,
        "summary": _kort(beskrivelse),
        "description": beskrivelse,
        "status_code": 200,
        "responses": {**feilsvar(400, 401, 403, 404, 413, 429), **svar},
        "operation_class": _operasjonsklasse([_IDEMPOTENS, _FORMAAL],
                                             {"Idempotent-Replayed": _REPLAY}, None),
        "sync_to_thread": I_TRAAD,
    }
