"""One server per store for the hostile-input catalogue: the API in-process over SQLite and over
the session's throwaway PostgreSQL, with two seeded cases (Frogner's bruker served by 2care,
Sagene's by Nordlys) whose ids the catalogue's paths and bodies point at."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from litestar.testing import TestClient

from application.app import BrukervalgApp
from domain.kalender import OSLO
from interfaces.http.app import create_app
from interfaces.http.settings import ApiSettings
from tests.conftest import FNR, Klokke, store_env
from tests.e2e.conftest import PUBLIKUM, UTSTEDER, Api, Sak, lag_sak


@dataclass
class Miljo:
    """A running API on one store, its environment (for the CLI) and the seeded cases."""

    store: str
    api: Api
    env: dict[str, str]
    egen: Sak
    annen: Sak
    valg_id: str

    def ider(self) -> dict[str, str]:
        return {"bruker": str(self.egen.bruker), "vedtak": str(self.egen.vedtak),
                "leveranse": str(self.egen.leveranse), "annen_bruker": str(self.annen.bruker),
                "annen_vedtak": str(self.annen.vedtak),
                "annen_leveranse": str(self.annen.leveranse), "valg": self.valg_id}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def miljo(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Miljo]:
    store = request.param
    tmp: Path = tmp_path_factory.mktemp(f"fiendtlig-{store}")
    env = store_env(store, tmp, request)
    app = BrukervalgApp(env=env, klokke=Klokke(datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)))
    nokkel = ec.generate_private_key(ec.SECP256R1())
    pem = nokkel.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    settings = ApiSettings(utsteder=UTSTEDER, publikum=PUBLIKUM, offentlig_nokkel=pem.decode(),
                           utviklingsnokkel=tmp / "ingen-utviklingsnokkel.pem",
                           rate_per_sekund=100_000, rate_burst=1_000_000)
    litestar = create_app(app, settings)
    with TestClient(litestar, raise_server_exceptions=False) as klient:
        api = Api(klient, app, litestar, nokkel)
        egen = lag_sak(api, FNR[0])
        annen = lag_sak(api, FNR[1], bydel="sagene", leverandor="nordlys")
        historikk = api.get("sb", f"/brukere/{egen.bruker}/historikk").json()["elementer"]
        valg_id = next(h["hendelse_id"] for h in historikk if h["type"] == "LeverandorValgt")
        r = api.post("sb", f"/brukere/{egen.bruker}/husstandsinntekt",
                     {"nettoinntekt": "285000.00", "gyldig_fra": "2026-01-01"})
        assert r.status_code == 200, r.text
        for sak, lev in ((egen, "lev"), (annen, "lev_nordlys")):  # something to report on
            r = api.post(lev, f"/leveranser/{sak.leveranse}/besok", {
                "start": "2026-02-24T09:00:00+01:00", "slutt": "2026-02-24T10:00:00+01:00",
                "ansatt": "a1"})
            assert r.status_code == 200, r.text
        yield Miljo(store, api, env, egen, annen, valg_id)
    app.close()


def tid(dager: int = 0, timer: int = 9) -> str:
    """An instant in the seeded cases' active period, as RFC 3339 text in Oslo time."""
    return (datetime(2026, 2, 24, timer, tzinfo=OSLO) + timedelta(days=dager)).isoformat()


def fyll(mal: Any, ider: dict[str, str]) -> Any:
    """Put the seeded ids into a catalogue entry's path or body (``{bruker}``, ``{vedtak}`` …)."""
    if isinstance(mal, str):
        for navn, verdi in ider.items():
            mal = mal.replace("{" + navn + "}", verdi)
        return mal
    if isinstance(mal, dict):
        return {fyll(k, ider): fyll(v, ider) for k, v in mal.items()}
    if isinstance(mal, list):
        return [fyll(v, ider) for v in mal]
    return mal
