"""The app factory: ``create_app()`` wires the application, security, side tables and controllers."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import (
    BaseSchemaObject,
    Components,
    OpenAPIResponse,
    Reference,
    RequestBody,
    Schema,
    SecurityScheme,
    Server,
    Tag,
)
from litestar.routes import HTTPRoute

from application.app import BrukervalgApp
from application.klokke import klokke_fra_miljo
from interfaces.http.api_tables import ApiTables
from interfaces.http.controllers.arbeidsliste import ArbeidslisteController
from interfaces.http.controllers.brukere import BrukerController
from interfaces.http.controllers.bydeler import BydelController, LeverandorlisteController
from interfaces.http.controllers.leverandorer import (
    GjeldendeLeverandorController,
    LeverandorController,
    Rapporter,
)
from interfaces.http.controllers.leveranser import LeveranseController
from interfaces.http.controllers.oppfolging import OppfolgingController
from interfaces.http.controllers.revisjon import RevisjonController
from interfaces.http.controllers.sla import SlaController
from interfaces.http.controllers.vedtak import VedtakController
from interfaces.http.dokumentasjon import regelkatalog, swagger_ui, swagger_ui_filer
from interfaces.http.problem import til_problem
from interfaces.http.settings import ApiSettings
from interfaces.http.sikkerhet import JwtAutentisering, Ratebegrenser, Verifikator
from interfaces.http.skjema import TIDSPUNKT_BESKRIVELSE
from interfaces.http.skjema_historikk import Helse
from interfaces.http.tjenester import Tjenester

BESKRIVELSE = """\
API for brukervalg i hjemmetjenesten i Oslo: bydelenes fagsystemer og leverandørenes systemer
registrerer og leser fakta om brukere, vedtak og leveranser her.

* **Autentisering**: `Authorization: Bearer <JWT>` fra den konfigurerte utstederen (HelseID-stil
  claims for person, rolle og organisasjon). Lokalt: `brukervalg token …` gir et utviklingstoken.
* **Tilgang**: saksbehandler og vedtaksmyndig ser egen bydels brukere, leverandøren sine egne
  leveranser, kontraktsoppfølging leveranser i hele byen, klagebehandler egen bydel. Det du ikke
  kan se, finnes ikke (404).
* **Tilgangslogg**: hver lesing og skriving av personopplysninger logges med `X-Formaal`.
* **Idempotens**: send `Idempotency-Key` på POST; samme nøkkel og samme forespørsel gir samme svar.
* **Samtidighet**: `ETag` er ressursens versjon; send `If-Match` for å få 412 hvis den er endret.
* **Feil**: RFC 9457 problem details (`application/problem+json`) med `regel` og `felt`.
"""


@get("/helse", operation_id="helse", exclude_from_auth=True, include_in_schema=False,
     summary="Helsesjekk", description="Svarer ok når API-et kjører (uten token).",
     sync_to_thread=False)
def helse() -> Helse:
    return Helse(status="ok")


def create_app(app: BrukervalgApp | None = None,
               settings: ApiSettings | None = None) -> Litestar:
    """Build the HTTP API.

    Args:
        app: the application (the only write path). Default: one on the store the environment
            selects (``BRUKERVALG_STORE``), on the development clock if one is set (refused
            outside development mode, ``application/klokke.py``), closed when the server shuts
            down.
        settings: the API's settings. Default: ``ApiSettings.fra_miljo()``.

    Returns:
        The Litestar ASGI app.

    Raises:
        ApiSettingsError: the settings would weaken authentication (e.g. a development key
            outside development mode) or are out of range; or, building its own application
            outside development mode, a store key is missing or does not fit the store
            (``application/nokler.py``; that one is
            ``application.infrastructure.settings.StoreSettingsError``).
    """
    settings = settings or ApiSettings.fra_miljo()
    settings.valider()
    eier_app = app is None
    # Outside development mode both store keys are required, and must fit the store.
    brukervalg = app or BrukervalgApp.aapne(
        produksjon=not settings.utvikling, klokke=klokke_fra_miljo(os.environ, settings.utvikling))
    verifikator = Verifikator(settings, brukervalg.ref)
    tables = ApiTables.for_app(brukervalg)
    tables.rydd_idempotens(timedelta(hours=settings.idempotens_timer))
    tjenester = Tjenester(brukervalg, settings, tables)
    rapporter = Rapporter(brukervalg)

    def lukk() -> None:
        rapporter.close()
        tables.close()
        if eier_app:
            brukervalg.close()

    api = Litestar(
        route_handlers=[BrukerController, VedtakController, LeveranseController, helse,
                        GjeldendeLeverandorController, LeverandorController, SlaController,
                        OppfolgingController, BydelController, LeverandorlisteController,
                        RevisjonController, ArbeidslisteController, swagger_ui_filer(),
                        regelkatalog],
        dependencies={"tjenester": Provide(lambda: tjenester, use_cache=True, sync_to_thread=False)},
        middleware=[DefineMiddleware(JwtAutentisering, verifikator=verifikator,
                                     begrenser=Ratebegrenser(settings.rate_per_sekund,
                                                             settings.rate_burst),
                                     exclude=["^/schema", "^/helse$", "^/docs/"])],
        exception_handlers={HTTPException: til_problem, Exception: til_problem},
        openapi_config=OpenAPIConfig(
            title="Brukervalg API", version="1.0.0", description=BESKRIVELSE,
            path="/schema", servers=[Server(url="/")],
            render_plugins=[swagger_ui(), JsonRenderPlugin(), YamlRenderPlugin()],
            security=[{"bearer": []}],
            components=Components(security_schemes={"bearer": SecurityScheme(
                type="http", scheme="bearer", bearer_format="JWT",
                description="JWT fra den konfigurerte utstederen")}),
            tags=[Tag(name="brukere", description="Brukeren, valg, bytte, dødsfall og flytting"),
                  Tag(name="vedtak", description="Vedtak, revurdering og klage"),
                  Tag(name="leveranser", description="Leveranser, besøk og hendelser fra "
                                                     "leverandøren"),
                  Tag(name="rapporter", description="Gjeldende leverandør, caseload, betalbar "
                                                    "tid, SLA, og leverandørens tidsrapport"),
                  ]),
        request_max_body_size=settings.maks_body_bytes,
        state=State({"tjenester": tjenester, "rapporter": rapporter}),
        on_shutdown=[lukk],
    )
    _stram_inn_foresporsler(api)
    _legg_til_eksempler(api)
    _allow_fra_hele_ruten(api)
    return api


EKSEMPLER = Path(__file__).with_name("eksempler.json")


@dataclass
class _Eksempel(BaseSchemaObject):
    """An example exactly as recorded: Litestar drops every ``None`` from the document's dicts,
    which would turn a ``"dodsdato": null`` the API sends into a missing required field."""

    verdi: Any

    def to_schema(self) -> Any:
        return self.verdi


def _legg_til_eksempler(api: Litestar) -> None:
    """Every request body and success answer gets the example recorded from the API itself
    (``tests/e2e/eksempler.py`` writes the file; ``tests/e2e/test_eksempler.py`` checks that it
    fits the schemas and is current). A binary xlsx answer has none."""
    eksempler = json.loads(EKSEMPLER.read_text(encoding="utf-8"))
    for sti in (api.openapi_schema.paths or {}).values():
        for op in (sti.get, sti.post):
            e = eksempler.get(op.operation_id) if op is not None else None
            if op is None or e is None:
                continue
            inn = op.request_body
            if isinstance(inn, RequestBody):
                for medietype, m in inn.content.items():
                    if medietype in e["foresporsel"]:
                        m.example = _Eksempel(e["foresporsel"][medietype])
            for kode, svar in (op.responses or {}).items():
                if isinstance(svar, OpenAPIResponse):
                    for medietype, m in (svar.content or {}).items():
                        if medietype in e["svar"].get(kode, {}):
                            m.example = _Eksempel(e["svar"][kode][medietype])
    _felteksempler(api, eksempler)
    _norske_tidsbeskrivelser(api)


def _felteksempler(api: Litestar, eksempler: dict[str, Any]) -> None:
    """A field's own example is the value it has in a recorded body, so a visit's ``slutt`` is
    an hour after its ``start``, a receipt's ``lenke`` names its own kind of resource, and each
    hour field shows its own figure (a type alias's one example was repeated on every field of
    that type: the same instant for start and end, ``"7.00"`` for all hours)."""
    skjemaer = api.openapi_schema.components.schemas or {}
    gjort: set[tuple[str, str]] = set()

    def med_eksempel(under: Schema, v: Any) -> Schema:
        """A copy (Litestar shares one schema object between the fields of a type) with v as
        its example; for an optional field, on the alternative that holds the example."""
        if under.examples:
            return replace(under, examples=[v])
        if under.one_of:
            return replace(under, one_of=[med_eksempel(a, v) if isinstance(a, Schema) else a
                                          for a in under.one_of])
        return under

    def gaa(skjema: Schema | Reference | None, verdi: Any) -> None:
        if isinstance(skjema, Reference):
            navn = skjema.ref.rsplit("/", 1)[-1]
            komponent = skjemaer.get(navn)
            if komponent is None or komponent.properties is None or not isinstance(verdi, dict):
                return
            for felt, under in komponent.properties.items():
                if felt not in verdi:
                    continue
                v = verdi[felt]
                if (isinstance(under, Schema) and (navn, felt) not in gjort
                        and isinstance(v, str | int | float) and not isinstance(v, bool)):
                    under = komponent.properties[felt] = med_eksempel(under, v)
                    gjort.add((navn, felt))
                gaa(under, v)
        elif isinstance(skjema, Schema):
            if isinstance(verdi, list) and verdi and isinstance(skjema.items, Schema | Reference):
                gaa(skjema.items, verdi[0])
            for alternativ in (*(skjema.one_of or ()), *(skjema.any_of or ()),
                               *(skjema.all_of or ())):
                gaa(alternativ, verdi)

    for sti in (api.openapi_schema.paths or {}).values():
        for op in (sti.get, sti.post):
            e = eksempler.get(op.operation_id or "") if op is not None else None
            if op is None or e is None:
                continue
            inn = op.request_body
            if isinstance(inn, RequestBody) and "application/json" in e["foresporsel"]:
                gaa(inn.content["application/json"].schema, e["foresporsel"]["application/json"])
            for kode, svar in (op.responses or {}).items():
                innhold = e["svar"].get(kode, {})
                if isinstance(svar, OpenAPIResponse) and "application/json" in innhold:
                    m = (svar.content or {}).get("application/json")
                    if m is not None:
                        gaa(m.schema, innhold["application/json"])


_TIDSPUNKT_ENGELSK = "datetime with the constraint that the value must have timezone info"


def _norske_tidsbeskrivelser(api: Litestar) -> None:
    """Litestar describes an AwareDatetime field in English, over the field's own description;
    the contract says it in Norwegian (``skjema.TIDSPUNKT_BESKRIVELSE``)."""

    def norsk(under: Schema) -> Schema:
        if under.description == _TIDSPUNKT_ENGELSK:
            under = replace(under, description=TIDSPUNKT_BESKRIVELSE)
        if under.one_of:
            under = replace(under, one_of=[norsk(a) if isinstance(a, Schema) else a
                                           for a in under.one_of])
        if isinstance(under.items, Schema):
            under = replace(under, items=norsk(under.items))
        return under

    for komponent in (api.openapi_schema.components.schemas or {}).values():
        for felt, under in (komponent.properties or {}).items():
            if isinstance(under, Schema):
                komponent.properties[felt] = norsk(under)  # type: ignore[index]


def _allow_fra_hele_ruten(api: Litestar) -> None:
    """OPTIONS answers ``Allow`` with every method of the path, not just the first one's.

    Litestar builds a path's implicit OPTIONS handler with the first handler registered on the
    path and keeps it when later handlers (the POST beside a GET) join the route, so its
    ``Allow`` named only the first method (Schemathesis: ``allow_header_conformance``). The
    handler reads the methods of the route it closes over; point it at the finished route.
    """
    for rute in api.routes:
        if not isinstance(rute, HTTPRoute):
            continue
        for handler in rute.route_handlers:
            fn = getattr(handler.fn, "__func__", handler.fn)
            if getattr(fn, "__name__", "") == "options_handler" and fn.__closure__:
                for celle in fn.__closure__:
                    if isinstance(celle.cell_contents, HTTPRoute):
                        celle.cell_contents = rute


def _stram_inn_foresporsler(api: Litestar) -> None:
    """Request bodies refuse unknown fields; say so in the document (Litestar leaves it out)."""
    skjemaer = api.openapi_schema.components.schemas or {}
    for navn, skjema in skjemaer.items():
        if navn.endswith("Inn") and isinstance(skjema, Schema):
            skjema.additional_properties = False
