"""Shared fixtures: one throwaway PostgreSQL server per test session, and apps on each store.

``lag_app(store)`` builds a fresh BrukervalgApp on an empty store: ``memory``, ``sqlite`` (a file
in tmp_path) or ``postgres`` (a fresh database on the session's throwaway server). The fixture
``app`` runs a test body once per real store (SQLite and PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from application.app import BrukervalgApp
from domain.begreper import Aktor, Rolle
from domain.kalender import OSLO
from tests.pgserver import ThrowawayPostgres

_db_teller = itertools.count()


@pytest.fixture(scope="session")
def pg() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres().start()
    try:
        yield server
    finally:
        server.stop()


class Klokke:
    """A settable clock for the application; like a real clock it never returns the same
    instant twice (it ticks one microsecond per reading), so recorded order is observable."""

    def __init__(self, naa: datetime) -> None:
        self.naa = naa

    def __call__(self) -> datetime:
        naa = self.naa
        self.naa += timedelta(microseconds=1)
        return naa

    def sett(self, naa: datetime) -> None:
        self.naa = naa


# The recording time of a test's commands. A fact that reports something that happened may not
# lie after it (BV8), so the default is a day after every fact the tests record in 2026; a test
# about recording order or "as known at T" sets its own (``klokke.sett``).
STANDARD_TESTTID = datetime(2026, 12, 1, 9, 0, tzinfo=OSLO)


@pytest.fixture
def klokke() -> Klokke:
    return Klokke(STANDARD_TESTTID)


def store_env(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    if store == "memory":
        return {"BRUKERVALG_STORE": "memory"}
    if store == "sqlite":
        return {"BRUKERVALG_STORE": "sqlite",
                "BRUKERVALG_SQLITE_PATH": str(tmp_path / f"bv-{next(_db_teller)}.db")}
    if store == "postgres":
        server: ThrowawayPostgres = request.getfixturevalue("pg")
        db = server.create_database(f"bv_{os.getpid()}_{next(_db_teller)}")
        env = {"BRUKERVALG_STORE": "postgres", **server.env(db)}
        return env
    raise ValueError(store)


@pytest.fixture
def lag_app(tmp_path: Path, request: pytest.FixtureRequest,
            klokke: Klokke) -> Iterator[Callable[..., BrukervalgApp]]:
    apps: list[BrukervalgApp] = []

    def lag(store: str = "memory", env: dict[str, str] | None = None,
            **kwargs: object) -> BrukervalgApp:
        app = BrukervalgApp(env={**store_env(store, tmp_path, request), **(env or {})},
                            klokke=kwargs.pop("klokke", klokke), **kwargs)  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield lag
    for app in apps:
        app.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app(lag_app: Callable[..., BrukervalgApp], store: str) -> BrukervalgApp:
    return lag_app(store)


# --- actors used across tests ---------------------------------------------------------------

SAKSBEHANDLER = Aktor(person_id="sb-frogner-1", rolle=Rolle.SAKSBEHANDLER,
                      organisasjon="bydel:frogner")
VEDTAKSMYNDIG = Aktor(person_id="vm-frogner-1", rolle=Rolle.VEDTAKSMYNDIG,
                      organisasjon="bydel:frogner")
KOMMUNAL = Aktor(person_id="koord-kommunal", rolle=Rolle.LEVERANDOR,
                 organisasjon="leverandor:kommunal")
TOCARE = Aktor(person_id="koord-2care", rolle=Rolle.LEVERANDOR, organisasjon="leverandor:2care")

# Valid fødselsnummer / D-nummer (synthetic; check digits per Skatteetaten's algorithm).
FNR = ["15108695088", "01014012369", "12053845655", "23114532185", "05073022209"]
D_NUMMER = "44035011150"


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)  # type: ignore[misc]


def d(s: str) -> date:
    return date.fromisoformat(s)
