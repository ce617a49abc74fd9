"""Several server processes starting together on a new PostgreSQL database (BRUKERVALG_WORKERS)."""

from __future__ import annotations

import threading

import pytest

from application.app import BrukervalgApp
from tests.pgserver import ThrowawayPostgres


@pytest.mark.postgres
@pytest.mark.parametrize("runde", range(3))
def test_applications_starting_together_on_a_new_database_all_start(
        pg: ThrowawayPostgres, runde: int) -> None:
    env = {"BRUKERVALG_STORE": "postgres", **pg.env(pg.create_database(f"oppstart_{runde}"))}
    start = threading.Barrier(6)
    feil: list[BaseException] = []
    apper: list[BrukervalgApp] = []

    def oppstart() -> None:
        start.wait()
        try:
            apper.append(BrukervalgApp(env=env))
        except BaseException as e:  # noqa: BLE001 - collected and asserted below
            feil.append(e)

    traader = [threading.Thread(target=oppstart) for _ in range(6)]
    for t in traader:
        t.start()
    for t in traader:
        t.join()
    for app in apper:
        app.close()
    assert feil == []
    assert len(apper) == 6
