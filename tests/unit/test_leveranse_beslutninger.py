"""Given events / when command / then events (or the Regelbrudd), for every decider of the
delivery (``domain/leveranse/beslutninger.py``); no store, no application.

``gitt`` folds past events into the state a decider sees; each test then names the command and
the new events it must give — type, version and fields — or the rule and the field it breaks.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import kommandoer as k
from domain import leveranse as l_mod
from domain.begreper import (
    Aktor,
    Hendelse,
    Kanal,
    Kontekst,
    Regelbrudd,
    Rolle,
    Sluttarsak,
    Tjenestetype,
)
from domain.frister import Varselgrunn
from domain.kalender import OSLO
from domain.leveranse import Avvikstype, Besokskategori, Leveranse

LID = UUID("00000000-0000-4000-8000-00000000a001")
BRUKER = UUID("00000000-0000-4000-8000-00000000b001")
VEDTAK = UUID("00000000-0000-4000-8000-00000000c001")
SB = Aktor(person_id="sb-1", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
NAA = datetime(2026, 3, 10, 12, 0, tzinfo=OSLO)
KTX = Kontekst(aktor=SB, naa=NAA)
MORGEN = datetime(2026, 3, 9, 8, 0, tzinfo=OSLO)  # a visit's start, the day before "now"
GRUNNFELT = {"originator_id", "originator_version", "timestamp", "aktor", "hendelse_id"}


def bestilt(tjenestetype: Tjenestetype = Tjenestetype.HJEMMESYKEPLEIE_DAG) -> Hendelse:
    return l_mod.LeveranseBestilt(originator_id=LID, originator_version=1, timestamp=NAA,
                                  aktor=SB, bruker_id=BRUKER, vedtak_id=VEDTAK,
                                  tjenestetype=tjenestetype, leverandor_id="2care",
                                  fom=date(2026, 3, 1), tom=None)


def fakt(cls: type[Hendelse], **data: Any) -> Hendelse:
    """A past event of the delivery (``gitt`` numbers it)."""
    return cls(originator_id=LID, originator_version=0, timestamp=NAA, aktor=SB, **data)


def gitt(*tidligere: Hendelse, forste: Hendelse | None = None) -> Leveranse:
    """The delivery after its order and these events, numbered after it."""
    hendelser = [forste or bestilt()] + [
        e.model_copy(update={"originator_version": i}) for i, e in enumerate(tidligere, start=2)]
    lev = l_mod.projiser(None, hendelser)
    assert isinstance(lev, Leveranse)
    return lev


def nye(hendelser: list[Hendelse]) -> list[tuple[type[Hendelse], int, dict[str, Any]]]:
    """The new events as (type, version, own fields): what a test compares."""
    assert all(e.originator_id == LID and e.timestamp == NAA and e.aktor == SB
               for e in hendelser)
    return [(type(e), e.originator_version, e.model_dump(exclude=GRUNNFELT)) for e in hendelser]


def avvist(kall: Any) -> tuple[str, str]:
    """The rule and the field of the Regelbrudd the call raises."""
    with pytest.raises(Regelbrudd) as e:
        kall()
    return (e.value.regel, e.value.felt)


def besok(start: datetime = MORGEN, minutter: int = 30, ansatt: str = "a-1",
          **ekstra: Any) -> k.RegistrerBesok:
    return k.RegistrerBesok(leveranse_id=LID, start=start,
                            slutt=start + timedelta(minutes=minutter), ansatt=ansatt, **ekstra)


def utfort(start: datetime = MORGEN, minutter: int = 30, ansatt: str = "a-1") -> Hendelse:
    return fakt(l_mod.BesokUtfort, besok_id=uuid4(), start=start,
                slutt=start + timedelta(minutes=minutter), ansatt=ansatt)


def avbestilling(start: datetime = MORGEN, minutter: int = 30,
                 journal: str = "journal 7") -> k.AvbestillBesok:
    return k.AvbestillBesok(leveranse_id=LID, planlagt_start=start,
                            planlagt_slutt=start + timedelta(minutes=minutter),
                            avbestilt_tid=start - timedelta(hours=3), journalreferanse=journal)


def avbestilt(start: datetime = MORGEN, minutter: int = 30) -> Hendelse:
    return fakt(l_mod.BesokAvbestilt, planlagt_start=start,
                planlagt_slutt=start + timedelta(minutes=minutter),
                avbestilt_tid=start - timedelta(hours=3), journalreferanse="journal 7")


def avsluttet(arsak: Sluttarsak, dato: date = date(2026, 3, 5)) -> Hendelse:
    return fakt(l_mod.LeveranseAvsluttet, sluttdato=dato, arsak=arsak, sluttnotat="")


# --- bestill (called by domain/saksgang.py, which has resolved the provider) -----------------


def test_bestill_gives_the_order_as_version_1() -> None:
    hendelser = l_mod.bestill(LID, BRUKER, VEDTAK, Tjenestetype.PRAKTISK_BISTAND, "2care",
                              date(2026, 3, 1), date(2026, 6, 30), KTX)
    assert nye(hendelser) == [(l_mod.LeveranseBestilt, 1, {
        "bruker_id": BRUKER, "vedtak_id": VEDTAK, "tjenestetype": Tjenestetype.PRAKTISK_BISTAND,
        "leverandor_id": "2care", "fom": date(2026, 3, 1), "tom": date(2026, 6, 30)})]


# --- varsle (R09, R11-R13) ---------------------------------------------------------------------


def varsel(kanal: Kanal = Kanal.PASIENTOVERGANG, hast: bool = False,
           gjelder: Varselgrunn = Varselgrunn.START,
           gjelder_fra: date | None = None) -> k.VarsleLeverandor:
    return k.VarsleLeverandor(leveranse_id=LID, kanal=kanal, varslet_tid=MORGEN, hast=hast,
                              gjelder=gjelder, gjelder_fra=gjelder_fra)


def test_varsle_records_the_notice_once() -> None:
    lev = gitt()
    hendelser = l_mod.varsle(varsel(gjelder=Varselgrunn.UTVIDELSE, gjelder_fra=date(2026, 5, 18)),
                             lev, KTX)
    assert nye(hendelser) == [(l_mod.LeverandorVarslet, 2, {
        "kanal": Kanal.PASIENTOVERGANG, "varslet_tid": MORGEN, "hast": False,
        "gjelder": Varselgrunn.UTVIDELSE, "gjelder_fra": date(2026, 5, 18)})]
    igjen = varsel(gjelder=Varselgrunn.UTVIDELSE, gjelder_fra=date(2026, 5, 18))
    assert l_mod.varsle(igjen, l_mod.projiser(lev, hendelser), KTX) == []


def test_varsle_hast_on_the_phone_for_home_nursing() -> None:
    [e] = l_mod.varsle(varsel(kanal=Kanal.TELEFON, hast=True), gitt(), KTX)
    assert isinstance(e, l_mod.LeverandorVarslet) and (e.kanal, e.hast) == (Kanal.TELEFON, True)


@pytest.mark.parametrize(("tjenestetype", "cmd", "feil"), [
    (Tjenestetype.HJEMMESYKEPLEIE_DAG, varsel(gjelder=Varselgrunn.IKKE_OPPGITT),
     ("R11", "gjelder")),
    (Tjenestetype.HJEMMESYKEPLEIE_DAG, varsel(gjelder=Varselgrunn.FORLENGELSE),
     ("R11", "gjelder_fra")),
    (Tjenestetype.HJEMMESYKEPLEIE_DAG, varsel(gjelder_fra=date(2026, 5, 1)),
     ("R11", "gjelder_fra")),
    (Tjenestetype.HJEMMESYKEPLEIE_DAG, varsel(kanal=Kanal.TELEFON, hast=True,
                                              gjelder=Varselgrunn.BYTTE), ("R12", "gjelder")),
    (Tjenestetype.HJEMMESYKEPLEIE_DAG, varsel(hast=True), ("R12", "kanal")),
    (Tjenestetype.PRAKTISK_BISTAND, varsel(kanal=Kanal.TELEFON), ("R12", "kanal")),
    (Tjenestetype.PRAKTISK_BISTAND, varsel(kanal=Kanal.PASIENTOVERGANG), ("R09", "kanal")),
    (Tjenestetype.HJEMMESYKEPLEIE_NATT, varsel(kanal=Kanal.HENVENDELSE), ("R09", "kanal")),
])
def test_varsle_refuses(tjenestetype: Tjenestetype, cmd: k.VarsleLeverandor,
                        feil: tuple[str, str]) -> None:
    lev = gitt(forste=bestilt(tjenestetype))
    assert avvist(lambda: l_mod.varsle(cmd, lev, KTX)) == feil


# --- varsle_oppsigelse (R09) -------------------------------------------------------------------


def oppsigelse() -> k.VarsleOppsigelse:
    return k.VarsleOppsigelse(leveranse_id=LID, kanal=Kanal.PASIENTOVERGANG, varslet_tid=MORGEN)


def test_varsle_oppsigelse_after_a_switch_once() -> None:
    lev = gitt(avsluttet(Sluttarsak.BYTTE_AV_LEVERANDOR))
    hendelser = l_mod.varsle_oppsigelse(oppsigelse(), lev, KTX)
    assert nye(hendelser) == [(l_mod.OppsigelseVarslet, 3, {
        "kanal": Kanal.PASIENTOVERGANG, "varslet_tid": MORGEN})]
    assert l_mod.varsle_oppsigelse(oppsigelse(), l_mod.projiser(lev, hendelser), KTX) == []


@pytest.mark.parametrize("tidligere", [(), (avsluttet(Sluttarsak.BEHOV_OPPHORT),)])
def test_varsle_oppsigelse_refuses_a_delivery_not_ended_by_a_switch(
        tidligere: tuple[Hendelse, ...]) -> None:
    lev = gitt(*tidligere)
    assert avvist(lambda: l_mod.varsle_oppsigelse(oppsigelse(), lev, KTX)) == ("R09",
                                                                               "leveranse_id")


# --- start (R13, R23) --------------------------------------------------------------------------


def oppstart(tid: datetime = MORGEN) -> k.StartLeveranse:
    return k.StartLeveranse(leveranse_id=LID, startet_tid=tid)


def test_start_once() -> None:
    lev = gitt()
    hendelser = l_mod.start(oppstart(), lev, KTX)
    assert nye(hendelser) == [(l_mod.LeveranseStartet, 2, {"startet_tid": MORGEN})]
    assert l_mod.start(oppstart(), l_mod.projiser(lev, hendelser), KTX) == []


@pytest.mark.parametrize(("tidligere", "tid", "feil"), [
    ((fakt(l_mod.LeveranseStartet, startet_tid=MORGEN - timedelta(days=1)),), MORGEN,
     ("R13", "startet_tid")),
    ((avsluttet(Sluttarsak.DODSFALL),), MORGEN, ("R23", "startet_tid")),
    ((avsluttet(Sluttarsak.FLYTTET),), MORGEN, ("R23", "startet_tid")),
    ((), NAA + timedelta(hours=1), ("BV8", "startet_tid")),
])
def test_start_refuses(tidligere: tuple[Hendelse, ...], tid: datetime,
                       feil: tuple[str, str]) -> None:
    lev = gitt(*tidligere)
    assert avvist(lambda: l_mod.start(oppstart(tid), lev, KTX)) == feil


# --- registrer_besok (R18, R18a, R20, R23, R28a, BV8) ------------------------------------------


def test_registrer_besok_records_the_visit_once() -> None:
    lev = gitt()
    cmd = besok(kategori=Besokskategori.AKUTT_EKSTRA, tiltakskode="AKUTT-3")
    hendelser = l_mod.registrer_besok(cmd, lev, KTX)
    assert nye(hendelser) == [(l_mod.BesokUtfort, 2, {
        "besok_id": cmd.besok_id, "start": MORGEN, "slutt": MORGEN + timedelta(minutes=30),
        "ansatt": "a-1", "kategori": Besokskategori.AKUTT_EKSTRA, "tiltakskode": "AKUTT-3"})]
    etter = l_mod.projiser(lev, hendelser)
    assert l_mod.registrer_besok(cmd, etter, KTX) == []  # the same command again
    assert l_mod.registrer_besok(besok(), etter, KTX) == []  # same visit, another id
    assert l_mod.besokets_id(etter, uuid4(), cmd.start, cmd.slutt, "a-1") == cmd.besok_id


@pytest.mark.parametrize(("tidligere", "cmd", "feil"), [
    ((), besok(minutter=0), ("R18", "slutt")),
    ((), besok(minutter=-30), ("R18", "slutt")),
    ((), besok(minutter=24 * 60 + 1), ("R18", "slutt")),
    ((), besok(ansatt="15108695088"), ("R28a", "ansatt")),
    ((), besok(kategori=Besokskategori.AKUTT_EKSTRA), ("R18a", "tiltakskode")),
    ((avbestilt(MORGEN + timedelta(minutes=15)),), besok(), ("R20", "start")),
    ((avsluttet(Sluttarsak.DODSFALL),), besok(), ("R23", "start")),
    ((), besok(NAA + timedelta(hours=1)), ("BV8", "start")),
])
def test_registrer_besok_refuses(tidligere: tuple[Hendelse, ...], cmd: k.RegistrerBesok,
                                 feil: tuple[str, str]) -> None:
    lev = gitt(*tidligere)
    assert avvist(lambda: l_mod.registrer_besok(cmd, lev, KTX)) == feil


def test_registrer_besok_after_a_delivery_ended_otherwise_is_accepted() -> None:
    """R23 is about death and moving out only: a visit after a switch's last day is recorded
    (and left to the payable-hours view to flag)."""
    lev = gitt(avsluttet(Sluttarsak.BYTTE_AV_LEVERANDOR))
    assert [type(e) for e in l_mod.registrer_besok(besok(), lev, KTX)] == [l_mod.BesokUtfort]


# --- avbestill (R20, BV3) ----------------------------------------------------------------------


def test_avbestill_records_the_cancellation_once() -> None:
    lev = gitt()
    hendelser = l_mod.avbestill(avbestilling(), lev, KTX)
    assert nye(hendelser) == [(l_mod.BesokAvbestilt, 2, {
        "planlagt_start": MORGEN, "planlagt_slutt": MORGEN + timedelta(minutes=30),
        "avbestilt_tid": MORGEN - timedelta(hours=3), "journalreferanse": "journal 7"})]
    assert l_mod.avbestill(avbestilling(minutter=45), l_mod.projiser(lev, hendelser), KTX) == []


@pytest.mark.parametrize(("tidligere", "cmd", "feil"), [
    ((), avbestilling(minutter=0), ("BV3", "planlagt_slutt")),
    ((), avbestilling(journal="  "), ("R20", "journalreferanse")),
    ((utfort(MORGEN + timedelta(minutes=20)),), avbestilling(), ("R20", "planlagt_start")),
])
def test_avbestill_refuses(tidligere: tuple[Hendelse, ...], cmd: k.AvbestillBesok,
                           feil: tuple[str, str]) -> None:
    lev = gitt(*tidligere)
    assert avvist(lambda: l_mod.avbestill(cmd, lev, KTX)) == feil


# --- motta_bekymringsmelding, videresend_bekymringsmelding (R21) -------------------------------

MELDING = UUID("00000000-0000-4000-8000-00000000d001")
MOTTATT = datetime(2026, 3, 9, 9, 30, tzinfo=OSLO)
VIDERESENDT = datetime(2026, 3, 9, 9, 50, tzinfo=OSLO)


def bekymring(videresendt: datetime | None = VIDERESENDT, fagjournal: str = "fag 1",
              beskjedjournal: str | None = "beskjed 1") -> k.MottaBekymringsmelding:
    return k.MottaBekymringsmelding(leveranse_id=LID, melding_id=MELDING, mottatt_tid=MOTTATT,
                                    fagjournal=fagjournal, videresendt_tid=videresendt,
                                    beskjedjournal=beskjedjournal)


def test_motta_bekymringsmelding_received_and_forwarded_once() -> None:
    lev = gitt()
    hendelser = l_mod.motta_bekymringsmelding(bekymring(), lev, KTX)
    assert nye(hendelser) == [
        (l_mod.BekymringsmeldingMottatt, 2, {"melding_id": MELDING, "mottatt_tid": MOTTATT,
                                             "fagjournal": "fag 1"}),
        (l_mod.BekymringsmeldingVideresendt, 3, {"melding_id": MELDING,
                                                 "videresendt_tid": VIDERESENDT,
                                                 "beskjedjournal": "beskjed 1"})]
    etter = l_mod.projiser(lev, hendelser)
    assert l_mod.motta_bekymringsmelding(bekymring(), etter, KTX) == []


@pytest.mark.parametrize(("cmd", "feil"), [
    (bekymring(fagjournal=" "), ("R21", "fagjournal")),
    (bekymring(videresendt=MOTTATT - timedelta(minutes=1)), ("R21", "videresendt_tid")),
    (bekymring(beskjedjournal=None), ("R21", "beskjedjournal")),
])
def test_motta_bekymringsmelding_refuses(cmd: k.MottaBekymringsmelding,
                                         feil: tuple[str, str]) -> None:
    assert avvist(lambda: l_mod.motta_bekymringsmelding(cmd, gitt(), KTX)) == feil


def videresending(melding_id: UUID = MELDING) -> k.VideresendBekymringsmelding:
    return k.VideresendBekymringsmelding(leveranse_id=LID, melding_id=melding_id,
                                         videresendt_tid=VIDERESENDT, beskjedjournal="beskjed 1")


def test_videresend_bekymringsmelding_once() -> None:
    lev = gitt(fakt(l_mod.BekymringsmeldingMottatt, melding_id=MELDING, mottatt_tid=MOTTATT,
                    fagjournal="fag 1"))
    hendelser = l_mod.videresend_bekymringsmelding(videresending(), lev, KTX)
    assert nye(hendelser) == [(l_mod.BekymringsmeldingVideresendt, 3, {
        "melding_id": MELDING, "videresendt_tid": VIDERESENDT, "beskjedjournal": "beskjed 1"})]
    etter = l_mod.projiser(lev, hendelser)
    assert l_mod.videresend_bekymringsmelding(videresending(), etter, KTX) == []


def test_videresend_bekymringsmelding_refuses_an_unknown_message() -> None:
    assert avvist(lambda: l_mod.videresend_bekymringsmelding(videresending(uuid4()), gitt(),
                                                             KTX)) == ("R21", "melding_id")


# --- avslutt (R22; called by domain/saksgang.py) -----------------------------------------------


def test_avslutt_ends_the_delivery_once() -> None:
    lev = gitt()
    hendelser = l_mod.avslutt(lev, date(2026, 3, 31), Sluttarsak.BEHOV_OPPHORT, "klarer seg", KTX)
    assert nye(hendelser) == [(l_mod.LeveranseAvsluttet, 2, {
        "sluttdato": date(2026, 3, 31), "arsak": Sluttarsak.BEHOV_OPPHORT,
        "sluttnotat": "klarer seg"})]
    etter = l_mod.projiser(lev, hendelser)
    assert l_mod.avslutt(etter, date(2026, 3, 31), Sluttarsak.BEHOV_OPPHORT, "", KTX) == []
    [e] = l_mod.avslutt(etter, date(2026, 3, 20), Sluttarsak.DODSFALL, "", KTX)  # a new fact
    assert isinstance(e, l_mod.LeveranseAvsluttet)
    assert (e.originator_version, e.sluttdato) == (3, date(2026, 3, 20))


def test_avslutt_refuses_an_ended_need_without_a_note() -> None:
    assert avvist(lambda: l_mod.avslutt(gitt(), date(2026, 3, 31), Sluttarsak.BEHOV_OPPHORT,
                                        " ", KTX)) == ("R22", "sluttnotat")


# --- registrer_avvik, behandle_avvik (R27) -----------------------------------------------------

AVVIK = UUID("00000000-0000-4000-8000-00000000e001")


def avvik(beskrivelse: str = "kom ikke") -> k.RegistrerAvvik:
    return k.RegistrerAvvik(leveranse_id=LID, avvik_id=AVVIK, type=Avvikstype.AVVIK,
                            mottatt_tid=MOTTATT, beskrivelse=beskrivelse)


def test_registrer_avvik_once() -> None:
    lev = gitt()
    hendelser = l_mod.registrer_avvik(avvik(), lev, KTX)
    assert nye(hendelser) == [(l_mod.AvvikRegistrert, 2, {
        "avvik_id": AVVIK, "type": Avvikstype.AVVIK, "mottatt_tid": MOTTATT,
        "beskrivelse": "kom ikke"})]
    assert l_mod.registrer_avvik(avvik(), l_mod.projiser(lev, hendelser), KTX) == []


def test_registrer_avvik_refuses_a_blank_description() -> None:
    assert avvist(lambda: l_mod.registrer_avvik(avvik(" "), gitt(), KTX)) == ("R27",
                                                                             "beskrivelse")


def behandling(avvik_id: UUID = AVVIK, konklusjon: str = "beklaget") -> k.BehandleAvvik:
    return k.BehandleAvvik(leveranse_id=LID, avvik_id=avvik_id, behandlet_tid=VIDERESENDT,
                           konklusjon=konklusjon)


def registrert() -> Hendelse:
    return fakt(l_mod.AvvikRegistrert, avvik_id=AVVIK, type=Avvikstype.AVVIK,
                mottatt_tid=MOTTATT, beskrivelse="kom ikke")


def test_behandle_avvik_once() -> None:
    lev = gitt(registrert())
    hendelser = l_mod.behandle_avvik(behandling(), lev, KTX)
    assert nye(hendelser) == [(l_mod.AvvikBehandlet, 3, {
        "avvik_id": AVVIK, "behandlet_tid": VIDERESENDT, "konklusjon": "beklaget"})]
    assert l_mod.behandle_avvik(behandling(), l_mod.projiser(lev, hendelser), KTX) == []


@pytest.mark.parametrize(("tidligere", "cmd", "feil"), [
    ((), behandling(), ("R27", "avvik_id")),
    ((registrert(),), behandling(konklusjon=" "), ("R27", "konklusjon")),
])
def test_behandle_avvik_refuses(tidligere: tuple[Hendelse, ...], cmd: k.BehandleAvvik,
                                feil: tuple[str, str]) -> None:
    lev = gitt(*tidligere)
    assert avvist(lambda: l_mod.behandle_avvik(cmd, lev, KTX)) == feil


# --- Tidsrapport (one delivery's lines of a time report) ---------------------------------------


def test_tidsrapport_decides_each_line_against_the_ones_above() -> None:
    """Each line gets the single command's checks and sees the accepted lines above it; the
    accepted lines become one event per kind, numbered after the delivery's version."""
    lev = gitt(avbestilt(MORGEN + timedelta(days=1)))
    rapport = l_mod.Tidsrapport(lev, "ab" * 32, KTX)
    slutt = MORGEN + timedelta(minutes=30)
    ordinaer = Besokskategori.ORDINAER
    assert rapport.besok_linje(2, MORGEN, slutt, "a-1", ordinaer, None) is True
    assert rapport.besok_linje(3, MORGEN, slutt, "a-1", ordinaer, None) is False  # line 2 again
    assert avvist(lambda: rapport.besok_linje(  # in the slot cancelled before the file
        4, MORGEN + timedelta(days=1), slutt + timedelta(days=1), "a-1", ordinaer, None)) == (
        "R20", "start")
    senere = MORGEN + timedelta(hours=4)
    assert rapport.avbestilling_linje(5, senere, senere + timedelta(hours=1),
                                      senere - timedelta(hours=5), "journal 8") is True
    assert avvist(lambda: rapport.besok_linje(  # in the slot cancelled on line 5
        6, senere, senere + timedelta(minutes=30), "a-2", ordinaer, None)) == ("R20", "start")
    assert avvist(lambda: rapport.besok_linje(
        7, MORGEN, slutt, "15108695088", ordinaer, None)) == ("R28a", "ansatt")
    sha = "ab" * 32
    assert nye(rapport.hendelser()) == [
        (l_mod.BesokRapportert, 3, {
            "fil_sha256": sha, "fom": date(2026, 3, 9), "tom": date(2026, 3, 9),
            "besok": ({"linje": 2, "start": MORGEN, "slutt": slutt, "ansatt": "a-1"},)}),
        (l_mod.AvbestillingerRapportert, 4, {
            "fil_sha256": sha, "fom": date(2026, 3, 9), "tom": date(2026, 3, 9),
            "avbestillinger": ({"linje": 5, "planlagt_start": senere,
                                "planlagt_slutt": senere + timedelta(hours=1),
                                "avbestilt_tid": senere - timedelta(hours=5),
                                "journalreferanse": "journal 8"},)})]


def test_tidsrapport_without_accepted_lines_gives_no_event() -> None:
    rapport = l_mod.Tidsrapport(gitt(), "cd" * 32, KTX)
    assert avvist(lambda: rapport.besok_linje(2, MORGEN, MORGEN, "a-1",
                                              Besokskategori.ORDINAER, None)) == ("R18", "slutt")
    assert rapport.hendelser() == []
