"""/oppfolging: the contract follow-up report (HTML, CSV, xlsx) and the invoice control (CSV,
xlsx). Kontraktsoppfølging sees every provider; a provider sees only itself (another provider
answers 404, as if it did not exist). Every request is written to the access log."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import FromPath, Parameter

from domain.begreper import Regelbrudd, Rolle
from interfaces.http.api_tables import Tilgangsoppforing, metode
from interfaces.http.controllers.params import TjenesterParam
from interfaces.http.dokumentasjon import FORMAAL_PAAKREVD
from interfaces.http.problem import RAPPORTFEIL, Uleselig, feilsvar, status_for
from interfaces.http.sikkerhet import Identitet
from interfaces.http.skjema import LEVERANDOR_MONSTER
from interfaces.rapport import kontroll_csv, kontroll_xlsx, rapport_csv, rapport_html, rapport_xlsx
from interfaces.rapport.csv_ut import KONTROLL_HODE, RAPPORT_HODE
from projections import Projections
from projections.oppfolging import Grunnlagsfeil, Oppfolging
from projections.oppfolging.rapport import MAKS_MAANEDER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAANED = re.compile(r"^(?:19|2[01])[0-9]{2}-(?:0[1-9]|1[0-2])$")  # years 1900–2199
_laas = threading.Lock()
_cache: dict[int, Oppfolging] = {}


def _oppfolging(app: Any) -> Oppfolging:
    with _laas:
        o = _cache.get(id(app))
        if o is None or o.p.app is not app:
            o = _cache[id(app)] = Oppfolging(Projections(app))
        o.oppdater()
        return o


def _leverandorer(request: Request, tjenester: Any, leverandor: str | None) -> list[str] | None:
    """The providers the caller may see: None = all (kontraktsoppfølging)."""
    ident: Identitet = request.user
    art, _, egen = ident.organisasjon.partition(":")
    try:
        if ident.rolle is Rolle.KONTRAKTSOPPFOLGING:
            if leverandor is not None:
                tjenester.app.ref.leverandor(leverandor)
            return None if leverandor is None else [leverandor]
        if ident.rolle is Rolle.LEVERANDOR and art == "leverandor":
            if leverandor not in (None, egen):
                raise NotFoundException(detail="ukjent leverandør")
            return [egen]
    except NotFoundException:
        raise
    except Exception:
        raise NotFoundException(detail="ukjent leverandør") from None
    raise PermissionDeniedException(detail=f"rollen {ident.rolle} ser ikke kontraktsoppfølging")


def _logg(request: Request, tjenester: Any, utfall: int,
          brukere: Sequence[UUID | None] = (None,)) -> None:
    """One access-log row per bruker the answer lists (a report of none: one row without)."""
    ident: Identitet = request.user
    formaal = request.headers.get("X-Formaal")
    tjenester.tables.skriv([Tilgangsoppforing(
        tidspunkt=datetime.now(UTC), person_id=ident.person_id, rolle=str(ident.rolle),
        organisasjon=ident.organisasjon, bruker_id=b,
        handling=str(request.route_handler.operation_id), metode=metode(request.method),
        ressurs=request.url.path, formaal=formaal, utfall=utfall)
        for b in list(dict.fromkeys(brukere)) or [None]])




def _periode(fra: str, til: str, felt: tuple[str, str] = ("fra", "til")) -> None:
    for navn, verdi in zip(felt, (fra, til), strict=True):
        if not _MAANED.match(verdi):
            raise Uleselig(navn, f"{navn} er en måned på formen ÅÅÅÅ-MM")
    if fra > til:  # each month is readable; together they break BV3 (a schema cannot say it)
        raise Regelbrudd("BV3", felt[1], "til kan ikke være før fra")
    maaneder = (int(til[:4]) - int(fra[:4])) * 12 + int(til[5:7]) - int(fra[5:7]) + 1
    if maaneder > MAKS_MAANEDER:  # readable months, together too long (a schema cannot say it)
        raise Regelbrudd("BV3", felt[1], f"perioden kan være høyst {MAKS_MAANEDER} måneder (20 år)")


def _fil(innhold: str | bytes, medietype: str, navn: str) -> Response[Any]:
    return Response(innhold, media_type=medietype,
                    headers={"Content-Disposition": f'attachment; filename="{navn}"'})


# The schema says what the checks below accept, so a client (or a fuzzer) can see it.
Maaned = Annotated[str, Parameter(description="måned ÅÅÅÅ-MM",
                                  schema_extra={"pattern": _MAANED.pattern})]
LeverandorFilter = Annotated[str | None, Parameter(description="én leverandør (utelatt: alle)",
                                                   schema_extra={"pattern": LEVERANDOR_MONSTER})]
Format = Annotated[Literal["html", "csv", "xlsx"], Parameter(description="html, csv eller xlsx")]
Filformat = Annotated[Literal["csv", "xlsx"], Parameter(description="csv eller xlsx")]
LeverandorSti = Annotated[str, Parameter(description="leverandørens id, f.eks. 2care",
                                         schema_extra={"pattern": LEVERANDOR_MONSTER})]
MaanedSti = Annotated[str, Parameter(description="fakturamåneden, ÅÅÅÅ-MM",
                                     schema_extra={"pattern": _MAANED.pattern})]

_TEKST = Schema(type=OpenAPIType.STRING)
_BINAER = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
_HTML = OpenAPIMediaType(schema=_TEKST, example=(
    '<!doctype html><html lang="nb"><head><title>Kontraktsoppfølging 2026-01–2026-03</title>'
    "</head><body>…</body></html>"))
# The examples' headers are the exports' own, so they cannot drift from what is sent.
_RAPPORT_CSV = OpenAPIMediaType(schema=_TEKST, example=";".join(RAPPORT_HODE) + "\r\n…")
_KONTROLL_CSV = OpenAPIMediaType(schema=_TEKST, example=";".join(KONTROLL_HODE) + "\r\n"
                                 "6f0c2b1e-9a51-4e7b-8d3c-1f2e3d4c5b6a;Praktisk bistand;frogner;"
                                 "16,00;15,50;0,00;15,50;390,50;6052,75;16,00;6248,00;0,50;"
                                 "195,25;avvik;krevd mer enn betalbart\r\n")
_XLSX = OpenAPIMediaType(schema=_BINAER)
_GRUNNLAG = RequestBody(required=False, description=(
    "Leverandørens fakturagrunnlag for måneden: UTF-8 CSV med overskrift, kolonnene "
    "bruker;tjenestetype;timer;belop. Tom: bare det betalbare."),
    content={"text/csv": OpenAPIMediaType(schema=_TEKST, example=(
        "bruker;tjenestetype;timer;belop\n"
        "6f0c2b1e-9a51-4e7b-8d3c-1f2e3d4c5b6a;praktisk_bistand;16.00;6248.00\n"))})


def _filsvar(beskrivelse: str, innhold: dict[str, OpenAPIMediaType],
             inn: RequestBody | None = None, formaal: bool = False) -> type[Operation]:
    """The operation's 200 is a file in one of the media types of ``innhold`` (``format`` picks
    it); ``inn`` is its request body (Litestar cannot infer a raw CSV body); ``formaal``: the
    operation lists brukere, so X-Formaal is required (and said to be)."""

    @dataclass
    class Filsvar(Operation):
        def __post_init__(self) -> None:
            if formaal:
                self.parameters = [*(self.parameters or []), FORMAAL_PAAKREVD]
            self.responses = {**(self.responses or {}),
                              "200": OpenAPIResponse(description=beskrivelse, content=innhold)}
            if inn is not None:
                self.request_body = inn

    return Filsvar


class OppfolgingController(Controller):
    path = "/oppfolging"
    tags = ["kontraktsoppfølging"]

    @get("/rapport", operation_id="hentOppfolgingsrapport", sync_to_thread=True,
         responses=feilsvar(*RAPPORTFEIL, 422),
         operation_class=_filsvar("Rapporten i valgt format", {
             "text/html": _HTML, "text/csv": _RAPPORT_CSV, XLSX: _XLSX}),
         summary="Kontraktsoppfølging per leverandør og periode (R28, R28a)",
         description="format=html (side med diagrammer), csv eller xlsx. Uten leverandør: alle "
                     "leverandører side om side (kontraktsoppfølging); en leverandør ser seg selv.")
    def rapport(self, request: Request, tjenester: TjenesterParam, fra: Maaned, til: Maaned,
                leverandor: LeverandorFilter = None, format: Format = "html") -> Response[Any]:
        try:  # every attempt is logged, with the status it gets (the one table's)
            levs = _leverandorer(request, tjenester, leverandor)
            _periode(fra, til)
            if format not in ("html", "csv", "xlsx"):
                raise Uleselig("format", "format er html, csv eller xlsx")
            r = _oppfolging(tjenester.app).rapport(fra, til, levs)
        except Exception as e:
            _logg(request, tjenester, status_for(e))
            raise
        _logg(request, tjenester, 200)
        navn = f"oppfolging-{leverandor or 'alle'}-{fra}-{til}"
        if format == "csv":
            return _fil(rapport_csv(r), "text/csv", f"{navn}.csv")
        levnavn = {i: x.navn for i, x in tjenester.app.ref.leverandorer.items()}
        if format == "xlsx":
            return _fil(rapport_xlsx(r, levnavn), XLSX, f"{navn}.xlsx")
        return Response(rapport_html(r, navn=levnavn), media_type="text/html")

    @post("/betalingskontroll/{leverandor:str}/{maaned:str}",
          operation_id="betalingskontroll", status_code=200,
          responses=feilsvar(*RAPPORTFEIL, 413),
          operation_class=_filsvar("Kontrollen i valgt format",
                                   {"text/csv": _KONTROLL_CSV, XLSX: _XLSX}, _GRUNNLAG,
                                   formaal=True),
          summary="Betalingskontroll: betalbart mot fakturagrunnlaget (R18, R18a)",
          description="Brødteksten er leverandørens fakturagrunnlag (CSV: bruker;tjenestetype;"
                      "timer;belop). Svar: CSV eller xlsx (format=xlsx).")
    async def kontroll(self, request: Request, tjenester: TjenesterParam,
                       leverandor: FromPath[LeverandorSti], maaned: FromPath[MaanedSti],
                       format: Filformat = "csv") -> Response[Any]:
        try:
            tekst = (await request.body()).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Uleselig("body", "fakturagrunnlaget må være UTF-8") from None
        return self._kontroll(request, tjenester, leverandor, maaned, format, tekst or None)

    @get("/betalingskontroll/{leverandor:str}/{maaned:str}",
         operation_id="betalingskontrollUtenKrav", sync_to_thread=True,
         responses=feilsvar(*RAPPORTFEIL),
         operation_class=_filsvar("Kontrollen i valgt format",
                                  {"text/csv": _KONTROLL_CSV, XLSX: _XLSX}, formaal=True),
         summary="Betalbare timer og avvik for en leverandør og måned (uten fakturagrunnlag)")
    def kontroll_uten_krav(self, request: Request, tjenester: TjenesterParam,
                           leverandor: FromPath[LeverandorSti], maaned: FromPath[MaanedSti],
                           format: Filformat = "csv") -> Response[Any]:
        return self._kontroll(request, tjenester, leverandor, maaned, format, None)

    @staticmethod
    def _kontroll(request: Request, tjenester: Any, leverandor: str, maaned: str, format: str,
                  tekst: str | None) -> Response[Any]:
        try:
            # it lists brukere: a purpose is required, as for every read of their data
            tjenester.formaal(request, paakrevd=True)
            _leverandorer(request, tjenester, leverandor)
            if format not in ("csv", "xlsx"):
                raise Uleselig("format", "format er csv eller xlsx")
            _periode(maaned, maaned, ("maaned", "maaned"))
            try:
                k = _oppfolging(tjenester.app).betalingskontroll(
                    leverandor, int(maaned[:4]), int(maaned[5:7]), tekst)
            except Grunnlagsfeil as e:
                raise Uleselig("body", f"fakturagrunnlaget: {e}") from None
        except Exception as e:  # every attempt is logged, with the status it gets
            _logg(request, tjenester, status_for(e))
            raise
        # one row per bruker the answer lists, before it leaves (as hentBetalbareTimer)
        _logg(request, tjenester, 200, [x.bruker_id for x in k.linjer])
        navn = f"betalingskontroll-{leverandor}-{maaned}"
        if format == "xlsx":
            return _fil(kontroll_xlsx(k), XLSX, f"{navn}.xlsx")
        return _fil(kontroll_csv(k), "text/csv", f"{navn}.csv")
