"""Reference data: /bydeler (Oslo's bydeler and each one's contact person for brukervalg, R29)
and /leverandorer (the providers a bruker can choose, from application/config/leverandorer.json)."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, Request, Response, get
from pydantic import BaseModel, Field

from domain.begreper import Tjenestetype
from interfaces.http.controllers.params import TjenesterParam
from interfaces.http.dokumentasjon import leserute


class KontaktpersonUt(BaseModel):
    navn: str
    epost: str


class BydelUt(BaseModel):
    id: str
    navn: str
    kontaktperson_brukervalg: KontaktpersonUt


class BydelController(Controller):
    path = "/bydeler"
    tags = ["bydeler"]

    @get("/", **leserute("listBydeler", "Bydelene og hver bydels kontaktperson for brukervalg "
                         "(R29), så leverandørene vet hvem de skal kontakte.", etag=False))
    def list_bydeler(self, request: Request, tjenester: TjenesterParam) -> Response[list[BydelUt]]:
        def hent(sikt: object) -> tuple[list[BydelUt], None]:
            return [BydelUt(id=b.id, navn=b.navn, kontaktperson_brukervalg=KontaktpersonUt(
                navn=b.kontaktperson.navn, epost=b.kontaktperson.epost))
                for b in tjenester.app.ref.bydeler.values()], None

        return tjenester.les(request, None, hent)


class LeverandorUt(BaseModel):
    id: str = Field(examples=["2care"])
    navn: str = Field(examples=["2care hjemmetjenester"])
    type: Literal["kommunal", "privat"]
    nivakode: str | None = Field(description="nivåkode i kontrakten (null for kommunal)",
                                 examples=["1.17.1.3"])
    tjenestetyper: list[Tjenestetype] = Field(description="tjenestetypene leverandøren kan "
                                              "velges for")


class LeverandorlisteController(Controller):
    path = "/leverandorer"
    tags = ["bydeler"]

    @get("/", **leserute("listLeverandorer", "Leverandørene brukeren kan velge mellom, med "
                         "tjenestetypene hver kan velges for (R02, R03); den kommunale først.",
                         etag=False))
    def list_leverandorer(self, request: Request, tjenester: TjenesterParam) -> Response[list[LeverandorUt]]:
        def hent(sikt: object) -> tuple[list[LeverandorUt], None]:
            ref = tjenester.app.ref
            alle = sorted(ref.leverandorer.values(), key=lambda x: (x.id != ref.kommunal_id, x.id))
            return [LeverandorUt(id=x.id, navn=x.navn, type=x.type, nivakode=x.nivakode,
                                 tjenestetyper=sorted(x.tjenestetyper)) for x in alle], None

        return tjenester.les(request, None, hent)
