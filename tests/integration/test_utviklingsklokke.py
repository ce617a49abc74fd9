"""The development clock (BRUKERVALG_KLOKKE): accepted in development mode only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.klokke import Klokkefeil, forskyvning, klokke_fra_miljo
from interfaces.http import server

FAST = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_the_development_clock_is_refused_outside_development_mode(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(Klokkefeil, match="bare i utviklingsmodus"):
        klokke_fra_miljo({"BRUKERVALG_KLOKKE": "2026-06-01T12:00:00+02:00"}, utvikling=False)
    monkeypatch.setenv("BRUKERVALG_KLOKKE", "+30d")
    monkeypatch.delenv("BRUKERVALG_UTVIKLING", raising=False)
    with pytest.raises(Klokkefeil, match="bare i utviklingsmodus"):
        server.serve(dev=False)  # `brukervalg server`: refused before anything starts


def test_the_development_clock_fixes_or_offsets_the_recording_time() -> None:
    klokke = klokke_fra_miljo({"BRUKERVALG_KLOKKE": "2026-06-01T12:00:00+02:00"}, True,
                              naa=lambda: FAST)
    assert klokke is not None and klokke() == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert forskyvning("-2d", FAST) == timedelta(days=-2)
    assert forskyvning("+90m", FAST) == timedelta(minutes=90)
    assert klokke_fra_miljo({}, False) is None
    with pytest.raises(Klokkefeil, match="tidssone"):
        klokke_fra_miljo({"BRUKERVALG_KLOKKE": "2026-06-01T12:00"}, True)
    with pytest.raises(Klokkefeil):
        klokke_fra_miljo({"BRUKERVALG_KLOKKE": "i morgen"}, True)
