"""/bydeler: Oslo's bydeler and each one's contact person for brukervalg (R29)."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from pydantic import BaseModel

from interfaces.http.controllers.felles import Tjenester
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
    def list_bydeler(self, request: Request, kjerne: Tjenester) -> Response[list[BydelUt]]:
        def hent(sikt: object) -> tuple[list[BydelUt], None]:
            return [BydelUt(id=b.id, navn=b.navn, kontaktperson_brukervalg=KontaktpersonUt(
                navn=b.kontaktperson.navn, epost=b.kontaktperson.epost))
                for b in kjerne.app.ref.bydeler.values()], None

        return kjerne.les(request, None, hent)
