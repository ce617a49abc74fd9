"""The one raw reader of the events table (application/infrastructure/events.py) on both stores:
each of its reads gives what the library's one-aggregate-at-a-time read gives, with the links the
ledger verifier checks."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

from application.app import BrukervalgApp
from application.infrastructure import ledger_positions as positions
from application.infrastructure.events import EventReader, event_reader
from tests.conftest import FNR
from tests.integration.conftest import lag_sak


def _leser(app: BrukervalgApp) -> EventReader:
    leser = event_reader(app.recorder)
    assert leser is not None and leser.chained
    return leser


def _biblioteket(app: BrukervalgApp, ider: list[UUID]) -> list[tuple[str, bytes]]:
    return [(s.topic, s.state) for i in ider for s in app.recorder.select_events(i)]


def test_events_of_many_aggregates_equal_the_library_read_grouped_by_aggregate(
        app: BrukervalgApp) -> None:
    saker = [lag_sak(app, fnr=f) for f in FNR[:3]]
    ider = sorted({i for s in saker for i in (s.bruker_id, s.vedtak_id, s.leveranse_id)},
                  key=lambda i: i.hex)  # the reader's order: by id (as stored), then version
    rader = _leser(app).events([*ider, uuid4()])  # an unknown id has no rows
    assert rader == _biblioteket(app, ider)
    assert len(rader) >= 9


def test_more_ids_than_one_query_takes_are_read_in_chunks(app: BrukervalgApp) -> None:
    sak = lag_sak(app)
    ider = [uuid4() for _ in range(1200)] + [sak.leveranse_id]
    assert _leser(app).events(ider) == _biblioteket(app, [sak.leveranse_id])
    assert {r[0] for r in _leser(app).links(ider, with_state=False)} == {sak.leveranse_id}


def test_events_after_a_version_come_with_the_position_and_link_of_each(app: BrukervalgApp) -> None:
    sak = lag_sak(app)
    leser = _leser(app)
    lenker = positions.lenker(app.recorder, [sak.bruker_id, sak.leveranse_id])
    rader = leser.events_after({sak.bruker_id: 1, sak.leveranse_id: 0})
    venter = [(s.topic, s.state, lenker[(i, s.originator_version)].posisjon,
               lenker[(i, s.originator_version)].hash.hex())
              for i, etter in ((sak.bruker_id, 1), (sak.leveranse_id, 0))
              for s in app.recorder.select_events(i, gt=etter)]
    assert sorted(rader, key=lambda r: r[2] or 0) == sorted(venter, key=lambda r: r[2] or 0)
    assert rader and all(len(r[3] or "") == 64 for r in rader)


def test_links_recompute_from_their_stored_bytes_and_the_head_is_the_newest(
        app: BrukervalgApp) -> None:
    sak = lag_sak(app)
    lenker = positions.lenker(app.recorder, [sak.bruker_id, sak.vedtak_id, sak.leveranse_id])
    assert lenker and all(lk.stemmer() for lk in lenker.values())
    uten_state = positions.lenker(app.recorder, [sak.leveranse_id], med_state=False)
    assert all(lk.state == b"" for lk in uten_state.values())
    nyeste = max(lenker.values(), key=lambda lk: lk.posisjon)
    assert positions.hode(app.recorder) == (nyeste.posisjon, nyeste.hash.hex())


def test_the_memory_store_has_no_reader_and_callers_use_the_library(
        lag_app: Callable[..., BrukervalgApp]) -> None:
    app = lag_app("memory")
    assert event_reader(app.recorder) is None
    assert positions.lenker(app.recorder, [uuid4()]) == {}
    assert positions.hode(app.recorder) is None
