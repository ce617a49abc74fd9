"""The delivery's frozen state: ``projiser`` is the event-by-event fold, and no step changes a
state that exists (``domain/leveranse/tilstand.py``, ``persistent.py``)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import leveranse as l_mod
from domain.begreper import (
    Aktor,
    FeilAggregattype,
    Hendelse,
    Kanal,
    Rolle,
    Sluttarsak,
    Tjenestetype,
    projektor,
)
from domain.kalender import OSLO
from domain.leveranse import Avvikstype, Besokskategori, RapportertAvbestilling, RapportertBesok
from domain.leveranse.persistent import PersistentMap

LID = UUID("00000000-0000-4000-8000-00000000a002")
SB = Aktor(person_id="sb-1", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
NAA = datetime(2026, 3, 31, 12, tzinfo=OSLO)
START = datetime(2026, 3, 2, 8, tzinfo=OSLO)


def hendelser() -> list[Hendelse]:
    """A delivery's life with every kind of event, visits and cancellations in runs and alone."""
    ut: list[Hendelse] = []

    def ny(cls: type[Hendelse], **data: Any) -> None:
        ut.append(cls(originator_id=LID, originator_version=len(ut) + 1, timestamp=NAA,
                      aktor=SB, **data))

    def tid(dag: int, time: int = 8) -> datetime:
        return START + timedelta(days=dag, hours=time - 8)

    ny(l_mod.LeveranseBestilt, bruker_id=uuid4(), vedtak_id=None,
       tjenestetype=Tjenestetype.HJEMMESYKEPLEIE_DAG, leverandor_id="2care",
       fom=date(2026, 3, 1), tom=None)
    ny(l_mod.LeverandorVarslet, kanal=Kanal.PASIENTOVERGANG, varslet_tid=tid(0, 7))
    ny(l_mod.LeveranseStartet, startet_tid=tid(0))
    for dag in range(3):
        ny(l_mod.BesokUtfort, besok_id=uuid4(), start=tid(dag), slutt=tid(dag, 9), ansatt="a-1")
    ny(l_mod.BesokAvbestilt, planlagt_start=tid(3), planlagt_slutt=tid(3, 9),
       avbestilt_tid=tid(2), journalreferanse="j-1")
    ny(l_mod.BesokRapportert, fil_sha256="ab" * 32, fom=date(2026, 3, 6), tom=date(2026, 3, 7),
       besok=(RapportertBesok(linje=2, start=tid(4), slutt=tid(4, 9), ansatt="a-2"),
              RapportertBesok(linje=3, start=tid(5), slutt=tid(5, 9), ansatt="a-2",
                              kategori=Besokskategori.AKUTT_EKSTRA, tiltakskode="T-1")))
    ny(l_mod.BesokUtfort, besok_id=uuid4(), start=tid(6), slutt=tid(6, 9), ansatt="a-1")
    ny(l_mod.AvbestillingerRapportert, fil_sha256="cd" * 32, fom=date(2026, 3, 9),
       tom=date(2026, 3, 10), avbestillinger=(
           RapportertAvbestilling(linje=4, planlagt_start=tid(7), planlagt_slutt=tid(7, 9),
                                  avbestilt_tid=tid(6), journalreferanse="j-2"),
           RapportertAvbestilling(linje=5, planlagt_start=tid(8), planlagt_slutt=tid(8, 9),
                                  avbestilt_tid=tid(6), journalreferanse="j-3")))
    ny(l_mod.BesokAvbestilt, planlagt_start=tid(9), planlagt_slutt=tid(9, 9),
       avbestilt_tid=tid(8), journalreferanse="j-4")
    melding, avvik = uuid4(), uuid4()
    ny(l_mod.BekymringsmeldingMottatt, melding_id=melding, mottatt_tid=tid(10),
       fagjournal="f-1")
    ny(l_mod.BekymringsmeldingVideresendt, melding_id=melding, videresendt_tid=tid(10, 9),
       beskjedjournal="b-1")
    ny(l_mod.AvvikRegistrert, avvik_id=avvik, type=Avvikstype.AVVIK, mottatt_tid=tid(11),
       beskrivelse="kom sent")
    ny(l_mod.AvvikBehandlet, avvik_id=avvik, behandlet_tid=tid(12), konklusjon="beklaget")
    ny(l_mod.LeveranseKnyttetTilVedtak, vedtak_id=uuid4())
    ny(l_mod.LeveransePeriodeForlenget, ny_tom=date(2026, 12, 31))
    ny(l_mod.BesokUtfort, besok_id=uuid4(), start=tid(13), slutt=tid(13, 9), ansatt="a-1")
    ny(l_mod.LeveranseAvsluttet, sluttdato=date(2026, 3, 20), arsak=Sluttarsak.BEHOV_OPPHORT,
       sluttnotat="klarer seg")
    return ut


def test_projiser_gives_the_state_of_folding_one_event_at_a_time() -> None:
    """``projiser`` applies a run of visits (or of cancellations) in one step; the state must be
    the one the event-by-event fold gives, after every prefix of the events."""
    hver_for_seg = projektor(l_mod.evolve)
    alle = hendelser()
    for n in range(1, len(alle) + 1):
        assert l_mod.projiser(None, alle[:n]) == hver_for_seg(None, alle[:n]), n
    lev = l_mod.projiser(None, alle)
    assert lev.version == len(alle)
    assert len(lev.besok) == 7 and len(lev.avbestillinger) == 4
    assert [b.ansatt for b in lev.besok.values()] == ["a-1"] * 3 + ["a-2"] * 2 + ["a-1"] * 2
    assert [a.journalreferanse for a in lev.avbestillinger] == ["j-1", "j-2", "j-3", "j-4"]
    assert lev.tom == date(2026, 3, 20) and lev.avsluttet is not None


def test_folding_on_never_changes_the_state_folded_from() -> None:
    alle = hendelser()
    foer = l_mod.projiser(None, alle[:5])
    kopi = l_mod.projiser(None, alle[:5])
    etter = l_mod.projiser(foer, alle[5:])
    assert foer == kopi and etter != foer
    assert (foer.version, len(foer.besok), len(foer.avbestillinger)) == (5, 2, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        foer.version = 9


def test_projiser_refuses_an_event_of_another_aggregate_first() -> None:
    [besok] = [e for e in hendelser() if isinstance(e, l_mod.BesokUtfort)][:1]
    with pytest.raises(FeilAggregattype):  # a visit with no delivery ordered
        l_mod.projiser(None, [besok])
    with pytest.raises(FeilAggregattype):
        l_mod.projiser(None, [])


# --- PersistentMap ---------------------------------------------------------------------------


def test_persistent_map_is_a_mapping_that_shares_and_never_changes() -> None:
    tom: PersistentMap[int, str] = PersistentMap()
    en = tom.med({1: "a"})
    to = en.med({2: "b", 1: "A"})
    assert (dict(tom), dict(en), dict(to)) == ({}, {1: "a"}, {1: "A", 2: "b"})
    assert list(to) == [1, 2] and len(to) == 2 and to == {1: "A", 2: "b"}
    assert to.get(3) is None and to.get(3, "x") == "x" and 2 in to and 3 not in to
    with pytest.raises(KeyError):
        to[3]


def test_persistent_map_keeps_few_layers_and_dict_order() -> None:
    m: PersistentMap[int, int] = PersistentMap()
    d: dict[int, int] = {}
    for i in range(5000):
        m = m.med({i % 3000: i})
        d[i % 3000] = i
    assert m == d and list(m.items()) == list(d.items()) and len(m) == len(d) == 3000
    assert len(m._lag) <= 13  # log2(5000) + 1: a lookup asks at most that many dicts
