"""End-to-end fixtures: the HTTP API in-process (Litestar's TestClient) over a real store.

Tokens are signed by a test issuer's key and verified exactly as in production (issuer, audience,
public key); development mode is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from litestar import Litestar
from litestar.testing import TestClient

from application.app import BrukervalgApp
from interfaces.http.api_tables import ApiTables, Tilgangsoppforing
from interfaces.http.app import create_app
from interfaces.http.settings import ApiSettings
from interfaces.http.sikkerhet import lag_token
from tests.conftest import FNR, Klokke, oslo

UTSTEDER = "https://helseid-sts.test.nhn.no"
PUBLIKUM = "brukervalg-api"

ROLLER: dict[str, tuple[str, str]] = {
    # name: (rolle, organisasjon)
    "sb": ("saksbehandler", "bydel:frogner"),
    "vm": ("vedtaksmyndig", "bydel:frogner"),
    "kb": ("klagebehandler", "bydel:frogner"),
    "lev": ("leverandor", "leverandor:2care"),
    "ko": ("kontraktsoppfolging", "etat:velferdsetaten"),
    "sb_sagene": ("saksbehandler", "bydel:sagene"),
    "vm_sagene": ("vedtaksmyndig", "bydel:sagene"),
    "sb_alna": ("saksbehandler", "bydel:alna"),
    "lev_nordlys": ("leverandor", "leverandor:nordlys"),
}


@pytest.fixture
def klokke() -> Klokke:
    """The HTTP cases are told as of Monday 2 March 2026 09:00 (Oslo): the worklist's and the
    deadlines' "now". What they report as having happened lies before it (BV8)."""
    return Klokke(oslo(2026, 3, 2, 9, 0))


@pytest.fixture(scope="session")
def utstedernokkel() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def api_settings(utstedernokkel: ec.EllipticCurvePrivateKey, tmp_path: Path) -> ApiSettings:
    pem = utstedernokkel.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return ApiSettings(utsteder=UTSTEDER, publikum=PUBLIKUM, offentlig_nokkel=pem,
                       utviklingsnokkel=tmp_path / "ingen-utviklingsnokkel.pem",
                       rate_per_sekund=1000, rate_burst=10_000)


@dataclass
class Api:
    """A running API in-process, the application behind it, and tokens for every role."""

    klient: TestClient[Litestar]
    app: BrukervalgApp
    litestar: Litestar
    nokkel: Any
    tokener: dict[str, str] = field(default_factory=dict)

    def token(self, navn: str, person: str | None = None) -> str:
        rolle, org = ROLLER[navn]
        person = person or f"{navn}-1"
        cache = f"{navn}|{person}"
        if cache not in self.tokener:
            self.tokener[cache] = lag_token(self.nokkel, utsteder=UTSTEDER, publikum=PUBLIKUM,
                                            person_id=person, rolle=rolle, organisasjon=org,
                                            gyldig=timedelta(hours=1))
        return self.tokener[cache]

    def hode(self, navn: str, formaal: str | None = "saksbehandling",
             **ekstra: str) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token(navn)}", **ekstra}
        if formaal:
            h["X-Formaal"] = formaal
        return h

    def post(self, navn: str, url: str, body: dict[str, Any], **hoder: str) -> Any:
        return self.klient.post(url, json=body, headers=self.hode(navn, **hoder))

    def get(self, navn: str, url: str, **hoder: str) -> Any:
        return self.klient.get(url, headers=self.hode(navn, **hoder))

    @property
    def tables(self) -> ApiTables:
        return self.litestar.state["tjenester"].tables

    def logg(self) -> list[Tilgangsoppforing]:
        return self.tables.alle_oppforinger()

    def antall_hendelser(self) -> int:
        return self.app.recorder.max_notification_id() or 0


@pytest.fixture
def lag_api(lag_app: Callable[..., BrukervalgApp], api_settings: ApiSettings,
            utstedernokkel: ec.EllipticCurvePrivateKey) -> Iterator[Callable[..., Api]]:
    klienter: list[TestClient[Litestar]] = []

    def lag(store: str = "sqlite", app: BrukervalgApp | None = None,
            settings: ApiSettings | None = None) -> Api:
        app = app or lag_app(store)
        litestar = create_app(app, settings or api_settings)
        klient = TestClient(litestar, raise_server_exceptions=False)
        klient.__enter__()
        klienter.append(klient)
        return Api(klient, app, litestar, utstedernokkel)

    yield lag
    for k in klienter:
        k.__exit__(None, None, None)


@pytest.fixture
def api(lag_api: Callable[..., Api]) -> Api:
    return lag_api("sqlite")


@dataclass
class Sak:
    """A bruker with a vedtak and a delivery, created over HTTP."""

    bruker: UUID
    vedtak: UUID
    leveranse: UUID


def lag_sak(api: Api, fnr: str, bydel: str = "frogner", leverandor: str = "2care",
            tjenestetype: str = "praktisk_bistand") -> Sak:
    sb, vm = ("sb", "vm") if bydel == "frogner" else ("sb_sagene", "vm_sagene")
    r = api.post(sb, "/brukere", {"fodselsnummer": fnr, "navn": f"Bruker {fnr[-4:]}",
                                  "bydel": bydel})
    assert r.status_code == 201, r.text
    bruker = UUID(r.json()["id"])
    r = api.post(sb, f"/brukere/{bruker}/valg", {"tjenestetype": tjenestetype,
                                                 "leverandor_id": leverandor, "form": "muntlig",
                                                 "gyldig_fra": "2026-02-16"})
    assert r.status_code == 200, r.text
    r = api.post(vm, f"/brukere/{bruker}/vedtak", {
        "tjenestetype": tjenestetype, "gyldig_fra": "2026-02-16", "gyldig_til": "2026-12-31",
        "omfang": {"minutter": 120, "innhold": "rengjøring"}, "vedtaksdato": "2026-02-13"})
    assert r.status_code == 201, r.text
    vedtak = UUID(r.json()["id"])
    r = api.post(sb, f"/brukere/{bruker}/leveranser", {"tjenestetype": tjenestetype,
                                                       "vedtak_id": str(vedtak),
                                                       "fom": "2026-02-16"})
    assert r.status_code == 201, r.text
    return Sak(bruker, vedtak, UUID(r.json()["id"]))


@pytest.fixture
def saker(api: Api) -> dict[str, Sak]:
    """Frogner's user served by 2care, and Sagene's user served by Nordlys."""
    return {"frogner": lag_sak(api, FNR[0]),
            "sagene": lag_sak(api, FNR[1], bydel="sagene", leverandor="nordlys")}
