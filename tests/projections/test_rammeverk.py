"""The tracking views: exactly once, crash-safe, rebuild equals incremental, SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from application.app import BrukervalgApp
from benchmarks.syntetisk_aar import generer
from projections import (
    ProgressToStderr,
    ProjectionBehind,
    ProjectionFailed,
    Projections,
    gjenoppbygg,
)
from projections.betalbar_tid import BetalbarTid
from projections.sla import Sla
from projections.store import SqliteStore
from tests.projections.conftest import konfig_med


def innhold(p: Projections) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every projection table, sorted (the tracking rows are compared apart)."""
    ut = {}
    with p.store.read() as cur:
        for proj in p.alle:
            for tabell in proj.tabeller:
                rader = cur.execute(f"SELECT * FROM {tabell}").fetchall()
                ut[tabell] = sorted(tuple("" if v is None else v for v in r) for r in rader)
    return ut


def syntetisk(app: BrukervalgApp, hver_uke: Callable[[], object] | None = None,
              brukere: int = 40, dager: int = 100) -> Any:
    """A seeded random sequence of commands of every kind (the synthetic year, shortened)."""
    return generer(app, brukere=brukere, dager=dager, seed=7, start=date(2026, 2, 2),
                   intensitet=25.0, batch=400,
                   fremdrift=(lambda d, s: hver_uke()) if hver_uke else None)


@pytest.fixture
def stor_app(lag_app: Callable[..., BrukervalgApp], store: str) -> BrukervalgApp:
    return lag_app(store)


def test_gjenoppbygging_fra_null_gir_samme_tilstand_som_inkrementell_oppdatering(
        stor_app: BrukervalgApp) -> None:
    """Caught up week by week in odd-sized batches while the commands run, or rebuilt from
    event 1 in one go: every table of every projection holds the same rows."""
    with Projections(stor_app, batchstorrelse=97) as p:
        stats = syntetisk(stor_app, hver_uke=p.oppdater)
        p.oppdater()
        assert stats.bytter and stats.dodsfall and stats.revurderinger and stats.klager
        inkrementell = innhold(p)
        assert inkrementell["prj_bt_skitten"] == []
        besok = sum(r[11] for r in inkrementell["prj_bt_maaned"])
        assert besok == stats.besok  # every visit counted once
        p.gjenoppbygg()
        assert innhold(p) == inkrementell
        assert p.status().a_jour


def test_krasj_midt_i_en_batch_bruker_ingen_hendelse_to_ganger_og_hopper_ikke_over_noen(
        stor_app: BrukervalgApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure inside a batch (in a handler, or after the batch's rows were written) rolls the
    whole batch back, positions included; the next run applies exactly the missing events."""
    stats = syntetisk(stor_app, brukere=25, dager=45)
    with Projections(stor_app, batchstorrelse=500) as fasit:
        fasit.oppdater()
        forventet = innhold(fasit)

    with Projections(stor_app, batchstorrelse=500, store=SqliteStore(":memory:")) as p:
        original = BetalbarTid._besok_utfort
        kall = {"n": 0}

        def feiler(self: BetalbarTid, *args: Any) -> None:
            kall["n"] += 1
            if kall["n"] == 1234:  # in the third batch
                raise RuntimeError("strømbrudd")
            original(self, *args)

        monkeypatch.setattr(BetalbarTid, "_besok_utfort", feiler)
        with pytest.raises(ProjectionFailed) as feil:
            p.oppdater()
        stoppet = p.status().posisjoner
        assert len(set(stoppet.values())) == 1  # the projections move together, batch by batch
        assert 0 < min(stoppet.values()) < feil.value.notification_id
        monkeypatch.setattr(BetalbarTid, "_besok_utfort", original)

        skriv = Sla.skriv_batch

        def feiler_etter_skriving(self: Sla, cur: Any, b: Any) -> None:
            skriv(self, cur, b)
            raise RuntimeError("prosessen ble drept")

        monkeypatch.setattr(Sla, "skriv_batch", feiler_etter_skriving)
        for_krasj = innhold(p)
        with pytest.raises(RuntimeError, match="drept"):
            p.oppdater()
        assert innhold(p) == for_krasj and p.status().posisjoner == stoppet
        monkeypatch.setattr(Sla, "skriv_batch", skriv)

        p.oppdater()
        assert innhold(p) == forventet
        assert sum(r[11] for r in innhold(p)["prj_bt_maaned"]) == stats.besok


def test_krasj_under_etterberegningen_fullfores_neste_gang(
        lag_app: Callable[..., BrukervalgApp], monkeypatch: pytest.MonkeyPatch) -> None:
    app = lag_app("memory")
    syntetisk(app, brukere=15, dager=40)
    with Projections(app) as fasit:
        fasit.oppdater()
        forventet = innhold(fasit)
    with Projections(app, store=SqliteStore(":memory:")) as p:
        p.betalbar_tid.flush_size = 7
        original = BetalbarTid._beregn_og_skriv
        kall = {"n": 0}

        def feiler(self: BetalbarTid, *args: Any) -> None:
            kall["n"] += 1
            if kall["n"] == 3:
                raise RuntimeError("avbrutt")
            original(self, *args)

        monkeypatch.setattr(BetalbarTid, "_beregn_og_skriv", feiler)
        with pytest.raises(RuntimeError):
            p.oppdater()
        assert innhold(p)["prj_bt_skitten"]  # what is left is remembered
        monkeypatch.setattr(BetalbarTid, "_beregn_og_skriv", original)
        assert p.oppdater().hendelser == 0
        assert innhold(p) == forventet


@pytest.mark.postgres
def test_to_samtidige_kjoringer_paa_postgres_bruker_hver_hendelse_en_gang(
        lag_app: Callable[..., BrukervalgApp]) -> None:
    """Two runners (two API processes) catch up at once: the lock serialises their batches."""
    app = lag_app("postgres")
    stats = syntetisk(app, brukere=20, dager=40)
    feil: list[BaseException] = []
    with Projections(app, batchstorrelse=300) as a, Projections(app, batchstorrelse=300) as b:
        def kjor(p: Projections) -> None:
            try:
                p.oppdater()
            except BaseException as e:  # noqa: BLE001 - reported below
                feil.append(e)

        traader = [threading.Thread(target=kjor, args=(x,)) for x in (a, b)]
        for t in traader:
            t.start()
        for t in traader:
            t.join()
        assert feil == []
        samtidig = innhold(a)
        assert sum(r[11] for r in samtidig["prj_bt_maaned"]) == stats.besok
        a.gjenoppbygg()
        assert innhold(a) == samtidig


def test_endrede_innstillinger_krever_gjenoppbygging(lag_app: Callable[..., BrukervalgApp],
                                                     tmp_path: Path) -> None:
    """Stored rows built under other contract terms are refused until rebuilt."""
    app = lag_app("sqlite")
    syntetisk(app, brukere=5, dager=20)
    with Projections(app) as p:
        p.oppdater()
    konfig = konfig_med(tmp_path, betaling="terskel_timer = 24=>terskel_timer = 48")
    with Projections(app, settings=konfig) as p:
        with pytest.raises(ProjectionBehind, match="gjenoppbygg"):
            p.oppdater()
        with pytest.raises(ProjectionBehind):
            p.betalbare_timer("kommunal", 2026, 2)
        p.gjenoppbygg(navn=["betalbar_tid"])
        assert p.oppdater().hendelser == 0
        assert p.betalbare_timer("kommunal", 2026, 2).linjer


def test_sqlite_lagrer_projeksjonene_i_en_fil_ved_siden_av_hendelsene(
        lag_app: Callable[..., BrukervalgApp]) -> None:
    app = lag_app("sqlite")
    with Projections(app) as p:
        p.oppdater()
        assert isinstance(p.store, SqliteStore)
        sti = Path(app.env.get("SQLITE_DBNAME") or "")
        assert p.store.sti == str(sti.with_name(f"{sti.stem}.projeksjoner{sti.suffix}"))
        assert Path(p.store.sti).exists()


def test_gjenoppbygg_viser_fremdrift_og_hendelser_per_sekund(
        lag_app: Callable[..., BrukervalgApp], capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's `brukervalg projeksjoner gjenoppbygg`: a bar on stderr, events/s returned."""
    app = lag_app("sqlite")
    syntetisk(app, brukere=5, dager=15)
    fart = gjenoppbygg(app)
    feil = capsys.readouterr().err
    assert fart > 0
    assert "100\xa0%" in feil and "hendelser/s" in feil and feil.endswith("\n")
    assert feil.count("\n") == 1  # drawn to its end once
    strom = io.StringIO()
    bar = ProgressToStderr(strom=strom)
    bar(5, 10, 0.0)  # counts from where it started: 5 of the 5 left
    bar(10, 10, 1.0)
    assert bar.lukk() == 5
    assert "5 av 5 hendelser" in strom.getvalue() and strom.getvalue().count("\n") == 1


def test_posisjonen_flyttes_forbi_hendelser_ingen_projeksjon_leser(
        lag_app: Callable[..., BrukervalgApp]) -> None:
    """A log that ends with events no projection reads is still caught up (vent() returns)."""
    app = lag_app("memory")
    syntetisk(app, brukere=3, dager=10)
    from domain import kommandoer as k
    from tests.conftest import SAKSBEHANDLER

    lev = app.recorder.select_notifications(
        1, 1, topics=["domain.leveranse:LeveranseBestilt"])[0].originator_id
    app.registrer_avvik(k.RegistrerAvvik(leveranse_id=lev, type="avvik",
                                         mottatt_tid=app.klokke(), beskrivelse="Glemt nøkkel"),
                        SAKSBEHANDLER)
    with Projections(app) as p:
        p.vent(app.recorder.max_notification_id() or 0)
        assert p.status().a_jour
