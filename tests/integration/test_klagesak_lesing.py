"""How the klagesak reads: the fast decode path, the one-query read with chain links, the cache.

Every optimisation here must give exactly what the general path gives: the same events (upcast
where the schema is older, decrypted where the store is encrypted), the same timeline lines with
the same chain links, and the same state as known at T.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import uuid4

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from application.app import BrukervalgApp
from application.demo import DemoKlokke, last_demo
from application.infrastructure import ledger_positions as kjede
from application.infrastructure.persistence import SKJEMA_NOKKEL, _gjeldende_hale
from domain import kommandoer as k
from domain.begreper import Form, Tjenestetype
from domain.bruker import LeverandorValgt
from projections.klagesak import Klagesak, Tidslinjepost, eksport, verifiser_eksport
from tests.conftest import KOMMUNAL, SAKSBEHANDLER, Klokke, d, oslo
from tests.integration.conftest import HSP, Sak, lag_sak


@pytest.fixture
def klokke() -> Klokke:
    """These cases are recorded in March 2026 (and read as known at instants then)."""
    return Klokke(oslo(2026, 3, 2, 9))


def _bibliotekets_vei(app: BrukervalgApp) -> Klagesak:
    """A Klagesak that reads through the library (one aggregate at a time, links looked up
    separately): the reference the one-query read must equal."""
    return Klagesak(app, lenker=lambda ids: kjede.lenker(app.recorder, ids, med_state=False))


def _linjer(poster: list[Tidslinjepost]) -> list[tuple[Any, ...]]:
    return [(*(getattr(p, f) for f in Tidslinjepost.__slots__ if f != "faktum"),
             p.faktum, p.faktum.model_dump(mode="json")) for p in poster]


def _generelt(app: BrukervalgApp, s: StoredEvent) -> Any:
    """The event through a dict: decode, upcast, model_validate (the path before the fast one)."""
    return resolve_topic(s.topic).model_validate(app.mapper.decode_state(s))


def test_every_demo_event_decodes_the_same_straight_from_json_as_through_a_dict(
        lag_app: Callable[..., BrukervalgApp], store: str) -> None:
    klokke = DemoKlokke()
    app = lag_app(store, klokke=klokke)
    kari, *_ = last_demo(app, klokke)
    app.registrer_husstandsinntekt(k.RegistrerHusstandsinntekt(
        bruker_id=kari, nettoinntekt=Decimal("285000.50"), gyldig_fra=d("2026-01-01")), SAKSBEHANDLER)
    lagret = app.recorder.select_notifications(start=1, limit=100_000)
    typer = set()
    for s in lagret:
        cls = resolve_topic(s.topic)
        assert s.state.endswith(_gjeldende_hale(cls))  # so the fast path is the one under test
        rask, generell = app.mapper.to_domain_event(s), _generelt(app, s)
        assert type(rask) is cls and rask == generell
        assert rask.model_dump() == generell.model_dump()
        for felt in cls.model_fields:
            a, b = getattr(rask, felt), getattr(generell, felt)
            assert type(a) is type(b), (cls.__name__, felt)
            if hasattr(a, "utcoffset"):
                assert a.utcoffset() == b.utcoffset(), (cls.__name__, felt)
        typer.add(cls.__name__)
    assert {"BesokUtfort", "LeverandorByttet", "VedtakFattet", "KlageMottatt",
            "HusstandsinntektRegistrert", "DodsfallRegistrert"} <= typer


def test_r02_an_upcast_event_takes_the_general_path_in_the_klagesak(app: BrukervalgApp,
                                                                  sak: Sak) -> None:
    """A v1 LeverandorValgt (``muntlig: bool``, schema 1 < 2) is upcast to ``form`` on the
    klagesak's own read as well; one stored without any schema key counts as schema 1."""
    versjon = app.bruker(sak.bruker_id).version
    felles = {"originator_id": str(sak.bruker_id), "aktor": SAKSBEHANDLER.model_dump(mode="json"),
              "tjenestetype": "praktisk_bistand", "gyldig_fra": "2026-04-01"}
    v1 = {**felles, "originator_version": versjon + 1, "timestamp": "2026-03-03T10:00:00+01:00",
          "hendelse_id": str(uuid4()), "leverandor_id": "2care", "muntlig": False, SKJEMA_NOKKEL: 1}
    uten = {**felles, "originator_version": versjon + 2, "timestamp": "2026-03-04T10:00:00+01:00",
            "hendelse_id": str(uuid4()), "leverandor_id": "nordlys", "muntlig": True}
    app.recorder.insert_events([StoredEvent(
        originator_id=sak.bruker_id, originator_version=x["originator_version"],
        topic=get_topic(LeverandorValgt), state=orjson.dumps(x)) for x in (v1, uten)])
    ks = Klagesak(app)
    valg = [p for p in ks.tidslinje(sak.bruker_id) if p.hendelse == "LeverandorValgt"]
    assert [(p.faktum.leverandor_id, p.faktum.form) for p in valg] == [
        ("2care", Form.SKRIFTLIG), ("nordlys", Form.MUNTLIG)]
    assert all(p.posisjon is not None and p.hash for p in valg)
    assert valg[0].beskrivelse.endswith("(skriftlig)")
    assert ks.tilstand_per(sak.bruker_id, oslo(2026, 3, 3, 12)) == _bibliotekets_vei(
        app).tilstand_per(sak.bruker_id, oslo(2026, 3, 3, 12))
    assert _linjer(ks.tidslinje(sak.bruker_id)) == _linjer(
        _bibliotekets_vei(app).tidslinje(sak.bruker_id))


def _lang_sak(app: BrukervalgApp, klokke: Klokke) -> Sak:
    sak = lag_sak(app)
    app.varsle_leverandor(k.VarsleLeverandor(leveranse_id=sak.leveranse_id, kanal="pasientovergang",
                                             varslet_tid=oslo(2026, 3, 2, 9)), SAKSBEHANDLER)
    klokke.sett(oslo(2026, 3, 6, 18))
    app.registrer_besok_samlet(sak.leveranse_id, [k.RegistrerBesok(
        leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 2 + i, 8), slutt=oslo(2026, 3, 2 + i, 9),
        ansatt=f"a-{i}") for i in range(4)], KOMMUNAL)
    klokke.sett(oslo(2026, 3, 9, 10))
    app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                         til_leverandor_id="2care", form=Form.MUNTLIG,
                                         oppsigelsesdato=d("2026-03-09")), SAKSBEHANDLER)
    return sak


def test_the_one_query_read_equals_the_library_read_on_both_stores(
        app: BrukervalgApp, klokke: Klokke) -> None:
    sak = _lang_sak(app, klokke)
    rask, referanse = Klagesak(app), _bibliotekets_vei(app)
    linjer = rask.tidslinje(sak.bruker_id)
    assert len(linjer) >= 15 and all(p.posisjon is not None and len(p.hash or "") == 64
                                    for p in linjer)
    assert _linjer(linjer) == _linjer(referanse.tidslinje(sak.bruker_id))
    assert _linjer(rask.tidslinje(sak.bruker_id, vedtak_id=sak.vedtak_id)) == _linjer(
        referanse.tidslinje(sak.bruker_id, vedtak_id=sak.vedtak_id))
    assert _linjer(rask.tidslinje(sak.bruker_id, fra=d("2026-03-03"), til=d("2026-03-04"))) == \
        _linjer(referanse.tidslinje(sak.bruker_id, fra=d("2026-03-03"), til=d("2026-03-04")))
    for t in (oslo(2026, 3, 2, 9, 0, 0), oslo(2026, 3, 6, 18), oslo(2026, 3, 9, 12)):
        assert rask.tilstand_per(sak.bruker_id, t) == referanse.tilstand_per(sak.bruker_id, t)


def test_a_warm_klagesak_sees_facts_recorded_after_it_first_read(
        app: BrukervalgApp, klokke: Klokke) -> None:
    """Decoded events and built lines are kept; the next read adds only newer versions."""
    sak = _lang_sak(app, klokke)
    varm = Klagesak(app)
    for_ = varm.tidslinje(sak.bruker_id)
    varm.tilstand_per(sak.bruker_id, oslo(2026, 3, 9, 12))
    klokke.sett(oslo(2026, 3, 20, 12))
    app.registrer_besok(k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 8, 8),
                                         slutt=oslo(2026, 3, 8, 9), ansatt="a-9"), KOMMUNAL)
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id, dodsdato=d("2026-03-19")),
                           SAKSBEHANDLER)
    etter = varm.tidslinje(sak.bruker_id)
    assert len(etter) > len(for_) and _linjer(etter[:len(for_)]) == _linjer(for_)
    assert {"BesokUtfort", "DodsfallRegistrert"} <= {p.hendelse for p in etter[len(for_):]}
    assert _linjer(etter) == _linjer(Klagesak(app).tidslinje(sak.bruker_id))
    t = oslo(2026, 3, 20, 13)
    assert varm.tilstand_per(sak.bruker_id, t) == Klagesak(app).tilstand_per(sak.bruker_id, t)
    assert varm.tilstand_per(sak.bruker_id, t).dodsdato == d("2026-03-19")


def test_klagesak_on_an_encrypted_store_reads_decrypts_and_verifies(
        lag_app: Callable[..., BrukervalgApp], store: str, klokke: Klokke) -> None:
    from eventsourcing.cipher import AESCipher

    app = lag_app(store, env={"BRUKERVALG_CIPHER_KEY": AESCipher.create_key(num_bytes=32)})
    sak = _lang_sak(app, klokke)
    assert not any(b"originator_id" in s.state for s in app.recorder.select_notifications(
        start=1, limit=1000))  # ciphertext, not JSON
    ks = Klagesak(app)
    linjer = ks.tidslinje(sak.bruker_id)
    assert _linjer(linjer) == _linjer(_bibliotekets_vei(app).tidslinje(sak.bruker_id))
    assert linjer[0].beskrivelse == "Bruker registrert i bydel frogner"
    assert sum(p.hendelse == "BesokUtfort" for p in linjer) == 4
    senere = ks.tilstand_per(sak.bruker_id, oslo(2026, 6, 1, 12))  # after the switch took effect
    assert senere.gjeldende_leverandor[Tjenestetype.HJEMMESYKEPLEIE_DAG.value] == "2care"
    assert senere.antall_fakta == len(linjer)
    assert verifiser_eksport(eksport(ks, sak.bruker_id), app.recorder) == []


def test_the_memory_store_has_no_chain_and_keeps_recorded_order(
        lag_app: Callable[..., BrukervalgApp], klokke: Klokke) -> None:
    app = lag_app("memory")
    sak = _lang_sak(app, klokke)
    linjer = Klagesak(app).tidslinje(sak.bruker_id)
    assert linjer and all(p.posisjon is None and p.hash is None for p in linjer)
    assert [p.registrert for p in linjer] == sorted(p.registrert for p in linjer)
    assert linjer[0].beskrivelse == "Bruker registrert i bydel frogner"


def test_decoded_events_share_one_actor_and_aggregate_id_and_stay_equal(
        app: BrukervalgApp, klokke: Klokke) -> None:
    """Thousands of visits by one provider hold one Aktor, not thousands (memory and GC work);
    sharing equal immutable values changes no event."""
    sak = _lang_sak(app, klokke)
    lest = list(app.events.get(sak.leveranse_id))
    besok = [e for e in lest if type(e).__name__ == "BesokUtfort"]
    assert len(besok) == 4 and all(e.aktor is besok[0].aktor for e in besok)
    assert all(e.originator_id is lest[0].originator_id for e in lest)
    lagret = app.recorder.select_events(sak.leveranse_id)
    assert lest == [_generelt(app, s) for s in lagret]
    assert besok[0].aktor == KOMMUNAL


def test_visit_times_in_descriptions_read_as_strftime_in_oslo_time_across_dst() -> None:
    from datetime import UTC, datetime, timedelta

    from domain.kalender import lokal
    from projections.beskrivelse import _kl, _tid

    t = datetime(2025, 3, 29, 22, 7, tzinfo=UTC)  # through the spring and autumn DST changes
    while t < datetime(2026, 11, 1, tzinfo=UTC):
        assert _tid(t) == lokal(t).strftime("%d.%m.%Y kl. %H:%M")
        assert _kl(lokal(t)) == f"{lokal(t):%H:%M}"
        t += timedelta(minutes=37)


def test_r26_a_fact_recorded_exactly_at_t_is_known_at_t_and_not_a_microsecond_before(
        app: BrukervalgApp, sak: Sak, klokke: Klokke) -> None:
    """The as-of filter compares instants (T in UTC against each stored offset), inclusive."""
    from datetime import UTC, timedelta

    t = oslo(2026, 10, 25, 2, 30)  # the autumn night: 02:30 occurs twice in Oslo
    klokke.sett(t)
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id, dodsdato=d("2026-10-24")),
                           SAKSBEHANDLER)
    ks = Klagesak(app)
    assert ks.tilstand_per(sak.bruker_id, t).dodsdato == d("2026-10-24")
    assert ks.tilstand_per(sak.bruker_id, t.astimezone(UTC)).dodsdato == d("2026-10-24")
    assert ks.tilstand_per(sak.bruker_id, t - timedelta(microseconds=1)).dodsdato is None
