"""A store call is tried again after a connection fault for a bounded time, then the fault is
raised (application/infrastructure/ledger/retries.py): a blip is ridden out, an outage answers
within seconds."""

from __future__ import annotations

import time

import eventsourcing.postgres as es_postgres
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError

from application.infrastructure.ledger import retries
from application.infrastructure.ledger.postgres import LedgerPostgresApplicationRecorder


def test_a_brief_fault_is_ridden_out() -> None:
    forsok: list[int] = []

    @retries.bounded_retry
    def kall() -> str:
        forsok.append(1)
        if len(forsok) < 4:  # e.g. three pooled connections the server closed
            raise OperationalError("server closed the connection unexpectedly")
        return "ok"

    assert kall() == "ok" and len(forsok) == 4


def test_an_outage_is_raised_after_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retries, "RETRY_SECONDS", 0.5)

    @retries.bounded_retry
    def kall() -> None:
        raise OperationalError("connection refused")

    start = time.monotonic()
    with pytest.raises(OperationalError):
        kall()
    assert 0.3 < time.monotonic() - start < 1.0


def test_other_errors_are_not_retried() -> None:
    forsok: list[int] = []

    @retries.bounded_retry
    def kall() -> None:
        forsok.append(1)
        raise IntegrityError("duplicate key")

    with pytest.raises(IntegrityError):
        kall()
    assert forsok == [1]


def test_the_recorder_uses_the_bound_not_the_librarys_ten_retries() -> None:
    bibliotek = es_postgres.PostgresApplicationRecorder
    for navn in ("select_events", "max_notification_id", "insert_events",
                 "select_notifications"):
        egen = getattr(LedgerPostgresApplicationRecorder, navn)
        assert egen is not getattr(bibliotek, navn)
        assert egen.__wrapped__ is not getattr(bibliotek, navn)  # not the library's wrapper
    assert LedgerPostgresApplicationRecorder.select_events.__wrapped__ is retries.undecorated(
        bibliotek.select_events)
