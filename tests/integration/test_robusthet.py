"""Bad input, concurrency, schema evolution and encryption at rest, on the real stores."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from uuid import UUID, uuid4

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from application.app import BrukervalgApp, SamtidigEndring
from domain import kommandoer as k
from domain.begreper import Form, IkkeFunnet, Regelbrudd, Tjenestetype
from domain.bruker import LeverandorValgt
from tests.conftest import D_NUMMER, FNR, KOMMUNAL, SAKSBEHANDLER, VEDTAKSMYNDIG, d, oslo
from tests.integration.conftest import HSP, Sak, antall_hendelser, lag_sak


def _besok(sak: Sak, start: datetime, slutt: datetime) -> k.RegistrerBesok:
    return k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=start, slutt=slutt,
                            ansatt="ans-1")


UGYLDIGE: list[tuple[str, str, str, Callable[[BrukervalgApp, Sak], object]]] = [
    ("bad fødselsnummer", "BV1", "fodselsnummer", lambda app, sak: app.registrer_bruker(
        k.RegistrerBruker(fodselsnummer="15108695077", navn="X", bydel="frogner"),
        SAKSBEHANDLER)),
    ("end before start", "BV3", "gyldig_til", lambda app, sak: app.fatt_vedtak(k.FattVedtak(
        bruker_id=sak.bruker_id, tjenestetype=HSP, gyldig_fra=d("2026-05-01"),
        gyldig_til=d("2026-04-01"), omfang={"minutter": 60}, vedtaksdato=d("2026-04-01")),
        VEDTAKSMYNDIG)),
    ("unknown provider", "R02", "til_leverandor_id", lambda app, sak: app.bytt_leverandor(
        k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP, til_leverandor_id="finnes-ikke",
                         form=Form.MUNTLIG, oppsigelsesdato=d("2026-03-05")), SAKSBEHANDLER)),
    ("negative visit", "R18", "slutt", lambda app, sak: app.registrer_besok(
        _besok(sak, oslo(2026, 3, 10, 9), oslo(2026, 3, 10, 8)), KOMMUNAL)),
    ("visit over 24 h", "R18", "slutt", lambda app, sak: app.registrer_besok(
        _besok(sak, oslo(2026, 3, 10, 9), oslo(2026, 3, 11, 9, 1)), KOMMUNAL)),
    ("naive timestamp", "BV2", "start", lambda app, sak: app.registrer_besok(
        _besok(sak, datetime(2026, 3, 10, 9), oslo(2026, 3, 10, 10)), KOMMUNAL)),
    ("staff id that is a fødselsnummer", "R28a", "ansatt", lambda app, sak: app.registrer_besok(
        k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 10, 9),
                         slutt=oslo(2026, 3, 10, 10), ansatt=FNR[2]), KOMMUNAL)),
]


@pytest.mark.parametrize("navn,regel,felt,kommando", UGYLDIGE, ids=[u[0] for u in UGYLDIGE])
def test_bad_input_names_field_and_rule_and_stores_nothing(
        app: BrukervalgApp, sak: Sak, navn: str, regel: str, felt: str,
        kommando: Callable[[BrukervalgApp, Sak], object]) -> None:
    for_ = app.recorder.select_notifications(start=1, limit=10_000)
    with pytest.raises(Regelbrudd) as info:
        kommando(app, sak)
    assert (info.value.regel, info.value.felt) == (regel, felt)
    assert app.recorder.select_notifications(start=1, limit=10_000) == for_


def test_r23_visit_after_death_is_refused_and_nothing_stored(app: BrukervalgApp, sak: Sak) -> None:
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=sak.bruker_id, dodsdato=d("2026-03-20")),
                           SAKSBEHANDLER)
    for_ = antall_hendelser(app)
    with pytest.raises(Regelbrudd) as info:
        app.registrer_besok(_besok(sak, oslo(2026, 3, 21, 8), oslo(2026, 3, 21, 9)), KOMMUNAL)
    assert (info.value.regel, info.value.felt) == ("R23", "start")
    assert antall_hendelser(app) == for_


def test_d_number_is_accepted(app: BrukervalgApp) -> None:
    r = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=D_NUMMER, navn="Jan Kowalski",
                                               bydel="alna"), SAKSBEHANDLER)
    assert app.finn_bruker_id(D_NUMMER) == r.id
    assert D_NUMMER not in str(r.id)


def test_unknown_ids_raise_not_found(app: BrukervalgApp, sak: Sak) -> None:
    with pytest.raises(IkkeFunnet):
        app.bruker(uuid4())
    with pytest.raises(IkkeFunnet):  # the id of a vedtak is not the id of a bruker
        app.bruker(sak.vedtak_id)
    with pytest.raises(IkkeFunnet):
        app.leveranse(sak.bruker_id)


@pytest.mark.postgres
def test_r08_two_concurrent_switches_one_wins_one_conflicts_no_overlap(
        lag_app: Callable[..., BrukervalgApp], monkeypatch: pytest.MonkeyPatch) -> None:
    """Two threads switch the same user at once: exactly one succeeds, the other gets a
    conflict, and no deliveries overlap afterwards. Both decide on the same state: each thread
    waits after reading the state it decides on until the other has read it too."""
    app = lag_app("postgres")
    les_bruker = app.bruker
    les_leveranse = app.leveranse
    barriere = threading.Barrier(2, timeout=10)
    i_kappløp = threading.local()

    def leveranse_og_vent(leveranse_id: UUID) -> object:
        lev = les_leveranse(leveranse_id)
        if getattr(i_kappløp, "aktiv", False):
            barriere.wait()
        return lev

    monkeypatch.setattr(app, "leveranse", leveranse_og_vent)
    for runde in range(5):
        sak = lag_sak(app, fnr=FNR[runde])
        barriere.reset()
        utfall: dict[str, object] = {}

        def bytt(til: str, sak: Sak = sak, utfall: dict[str, object] = utfall) -> None:
            i_kappløp.aktiv = True
            cmd = k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                   til_leverandor_id=til, form=Form.MUNTLIG,
                                   oppsigelsesdato=d("2026-03-05"))
            try:
                utfall[til] = app.bytt_leverandor(cmd, SAKSBEHANDLER)
            except (SamtidigEndring, Regelbrudd) as e:
                utfall[til] = e

        traader = [threading.Thread(target=bytt, args=(til,)) for til in ("2care", "nordlys")]
        for t in traader:
            t.start()
        for t in traader:
            t.join()
        vellykket = [v for v in utfall.values() if not isinstance(v, Exception)]
        feilet = [v for v in utfall.values() if isinstance(v, Exception)]
        assert len(vellykket) == 1 and len(feilet) == 1, utfall
        assert isinstance(feilet[0], SamtidigEndring)
        refs = [r for r in les_bruker(sak.bruker_id).leveranser.values() if not r.annullert]
        assert len(refs) == 2
        a, b = sorted(refs, key=lambda r: r.fom)
        assert a.tom is not None and a.tom < b.fom


def test_r02_upcast_old_choice_event_is_read_back_in_the_new_shape(app: BrukervalgApp,
                                                                   sak: Sak) -> None:
    """Schema evolution: a v1 LeverandorValgt (muntlig: bool) is read back with ``form``."""
    b = app.bruker(sak.bruker_id)
    v1 = {"originator_id": str(sak.bruker_id), "originator_version": b.version + 1,
          "timestamp": "2026-03-03T10:00:00+01:00", "hendelse_id": str(uuid4()),
          "aktor": SAKSBEHANDLER.model_dump(mode="json"), "tjenestetype": "praktisk_bistand",
          "leverandor_id": "2care", "muntlig": False, "gyldig_fra": "2026-04-01", "_skjema": 1}
    app.recorder.insert_events([StoredEvent(
        originator_id=sak.bruker_id, originator_version=b.version + 1,
        topic=get_topic(LeverandorValgt), state=orjson.dumps(v1))])
    valg = app.bruker(sak.bruker_id).gjeldende_valg(Tjenestetype.PRAKTISK_BISTAND,
                                                     d("2026-04-01"))
    assert (valg.leverandor_id, valg.form) == ("2care", Form.SKRIFTLIG)


def test_personal_data_is_encrypted_at_rest_when_a_key_is_configured(
        lag_app: Callable[..., BrukervalgApp], store: str) -> None:
    from eventsourcing.cipher import AESCipher

    key = AESCipher.create_key(num_bytes=32)
    app = lag_app(store, env={"BRUKERVALG_CIPHER_KEY": key})
    sak = lag_sak(app)
    raa = app.recorder.select_notifications(start=1, limit=100)
    assert raa and all(b"Kari" not in n.state and FNR[0].encode() not in n.state for n in raa)
    assert app.bruker(sak.bruker_id).navn == "Kari Nordmann"
    klar = lag_app(store)
    klar_sak = lag_sak(klar)
    assert any(b"Kari" in n.state for n in klar.recorder.select_notifications(start=1, limit=100))
    assert klar.bruker(klar_sak.bruker_id).navn == "Kari Nordmann"


def test_r26_every_stored_fact_is_linked_into_the_chain_on_both_stores(app: BrukervalgApp,
                                                                       sak: Sak) -> None:
    from application.infrastructure.ledger import verify

    app.bytt_leverandor(k.ByttLeverandor(bruker_id=sak.bruker_id, tjenestetype=HSP,
                                         til_leverandor_id="2care", form=Form.MUNTLIG,
                                         oppsigelsesdato=d("2026-03-05")), SAKSBEHANDLER)
    rapport = verify(app.recorder)
    assert rapport.ok, rapport.summary()
    assert rapport.count == antall_hendelser(app) > 0


def test_expected_version_is_checked_on_the_state_the_command_decides_on(app: BrukervalgApp,
                                                                          sak: Sak) -> None:
    """If-Match made atomic: a command run with an expected version that is no longer current
    is refused before anything is stored, even if the version changed after the caller looked."""
    from application.app import UtdatertVersjon

    sett = app.leveranse(sak.leveranse_id).version
    app.start_leveranse(k.StartLeveranse(leveranse_id=sak.leveranse_id,
                                         startet_tid=oslo(2026, 3, 2, 8)), KOMMUNAL)  # someone else
    for_ = antall_hendelser(app)
    with pytest.raises(UtdatertVersjon):
        app.registrer_besok(_besok(sak, oslo(2026, 3, 3, 8), oslo(2026, 3, 3, 9)), KOMMUNAL,
                            forventet_versjon={sett})
    assert antall_hendelser(app) == for_
    assert app.registrer_besok(_besok(sak, oslo(2026, 3, 3, 8), oslo(2026, 3, 3, 9)), KOMMUNAL,
                               forventet_versjon={sett + 1}).nye_hendelser == 1
