"""The column-wise import path against the line-by-line one (the domain's own functions).

The column-wise path (``application/tidsrapport/kolonner.py``) may only take a chunk when the
line-by-line path would give exactly the same receipts and record exactly the same facts. These
tests import generated files both ways into two copies of the same store and compare, line by
line and event by event: the receipts (status, rule, field, message, delivery), the summary, and every stored
event's content (all but its random event id). They also check that the column-wise events are
byte for byte what the mapper writes for the same event, and that clean files do take the
column-wise path (else the comparison would prove nothing).

Rules exercised through the generated lines: BV0, BV2 (times), R18 (users, deliveries,
duration), R18a (kategori, tiltakskode), R20 (cancellations, overlaps), R23 (death), R28a (staff
pseudonym), and "already recorded" (in the file and in the store).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from application import tidsrapport as tr
from application.app import BrukervalgApp
from application.tidsrapport import (
    KOLONNER,
    Sammendrag,
    Tidsrapportimport,
    fra_bytes,
    fra_tekst,
    oppslag,
    pipeline,
)
from application.tidsrapport.kolonner import varm_opp
from domain import kommandoer as k
from domain.begreper import Sluttarsak, Tjenestetype
from domain.kalender import OSLO
from tests.conftest import FNR, KOMMUNAL, SAKSBEHANDLER, Klokke, oslo
from tests.integration.conftest import lag_sak

HSP = "hjemmesykepleie_dag"
T0 = datetime(2026, 4, 2, 9, 0, tzinfo=OSLO)


class Verden:
    """Users of the provider "kommunal" in every situation a line can meet."""

    def __init__(self, app: BrukervalgApp) -> None:
        self.app = app
        self.kopi = app  # the same world in a second store (the fixture makes it)
        forste = lag_sak(app, fnr=FNR[0])
        self.vanlig = [forste.bruker_id, lag_sak(app, fnr=FNR[1]).bruker_id]
        dod = lag_sak(app, fnr=FNR[2])
        app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=dod.bruker_id,
                                                   dodsdato=date(2026, 3, 15)), SAKSBEHANDLER)
        self.dod = dod.bruker_id
        # Two deliveries of the same service from the same provider (one ended, one new).
        to = lag_sak(app, fnr=FNR[3])
        app.avslutt_leveranse(k.AvsluttLeveranse(leveranse_id=to.leveranse_id,
                                                 sluttdato=date(2026, 3, 10),
                                                 arsak=Sluttarsak.BEHOV_OPPHORT,
                                                 sluttnotat="Ny vurdering"), SAKSBEHANDLER)
        app.bestill_leveranse(k.BestillLeveranse(
            bruker_id=to.bruker_id, tjenestetype=Tjenestetype.HJEMMESYKEPLEIE_DAG,
            vedtak_id=to.vedtak_id, fom=date(2026, 3, 11)), SAKSBEHANDLER)
        self.to_leveranser = to.bruker_id
        self.annen = lag_sak(app, fnr=FNR[4], leverandor_id="2care").bruker_id
        # Facts already in the store: a visit and a cancellation on the first user.
        self.lev0 = forste.leveranse_id
        app.registrer_besok(k.RegistrerBesok(leveranse_id=self.lev0, start=oslo(2026, 3, 3, 8),
                                             slutt=oslo(2026, 3, 3, 8, 45), ansatt="k-1"),
                            KOMMUNAL)
        app.avbestill_besok(k.AvbestillBesok(
            leveranse_id=self.lev0, planlagt_start=oslo(2026, 3, 4, 16),
            planlagt_slutt=oslo(2026, 3, 4, 16, 45), avbestilt_tid=oslo(2026, 3, 3, 12),
            journalreferanse="OL 1"), KOMMUNAL)


def _tid(t: datetime, form: str) -> str:
    """An instant written as providers' systems write them (all read to the same instant)."""
    if form == "sek":
        return t.isoformat()
    if form == "min":
        return t.isoformat(timespec="minutes")
    u = t.astimezone(UTC)
    if form == "z":
        return u.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == "null":
        return u.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return u.strftime("%Y-%m-%dT%H:%M-00:00")


def lag_fil(rng: random.Random, v: Verden, linjer: int, feil: float, former: list[str],
            crlf: bool = False, avbestillinger: bool = True, sitater: bool = False) -> str:
    """A generated time report: mostly good lines, ``feil`` of them bad in one way."""
    brukere = [*v.vanlig, v.dod]
    ut = [";".join(KOLONNER)]
    laget: list[str] = []
    for _ in range(linjer):
        b = rng.choice(brukere)
        dag = rng.randint(2, 28) if b != v.dod else rng.randint(2, 14)
        start = datetime(2026, 3, dag, rng.choice([7, 8, 12, 20]), rng.choice([0, 15, 30]),
                         tzinfo=OSLO)
        slutt = start + timedelta(minutes=rng.choice([20, 40, 45]))
        form = rng.choice(former)
        ansatt = rng.choice(["k-1", "k-2", " k-3 ", "ÆØÅ-4"])
        kat, tiltak = rng.choice([("", ""), ("ordinaer", ""), ("akutt_ekstra", "T-12"),
                                  ("", "T-9")])
        type_ = rng.choice(["besok"] * 12 + ["BESOK"] + ["avbestilling"] * avbestillinger)
        if type_ == "avbestilling":  # planned at 16 (no visit is): no overlap unless made bad
            start = start.replace(hour=16)
            slutt = start + timedelta(minutes=45)
            journal = (f'"OL; ""{rng.randint(1, 99)}"""' if sitater and rng.random() < 0.3
                       else f"OL {rng.randint(1, 99)}")  # quoted: the csv module reads on
            linje = (f"avbestilling;{b};{HSP};{_tid(start, form)};{_tid(slutt, form)};;;;"
                     f"{_tid(start - timedelta(hours=15), form)};{journal}")
        else:
            linje = (f"{type_};{b};{HSP};{_tid(start, form)};{_tid(slutt, form)};{ansatt};{kat};"
                     f"{tiltak};;")
        if laget and rng.random() < 0.08:
            linje = rng.choice(laget)  # the same line again
        if rng.random() < feil:
            linje = _feil(rng, v, linje)
        laget.append(linje)
        ut.append(linje)
    if rng.random() < 0.2:  # a blank line, or a spreadsheet's empty row
        ut.insert(rng.randint(1, len(ut)), rng.choice(["", " ", ";;;;;;;;;"]))
    skille = "\r\n" if crlf else "\n"
    return skille.join(ut) + skille


def _feil(rng: random.Random, v: Verden, linje: str) -> str:
    """The line made bad in one of the ways a provider's file goes wrong."""
    celler = linje.split(";")
    hva = rng.randrange(15)
    if hva == 0:
        celler[1] = ""  # BV0 bruker
    elif hva == 1:
        celler[0] = "reise"  # BV0 type
    elif hva == 2:
        celler[2] = "tannlege"  # BV0 tjenestetype
    elif hva == 3:
        celler[3] = celler[3][:16]  # BV2: no offset
    elif hva == 4:
        celler[4] = "4. mars"  # BV2
    elif hva == 5:
        celler[4] = celler[3]  # R18: ends as it starts
    elif hva == 6 and celler[0] != "avbestilling":
        celler[5] = "15108695088"  # R28a
    elif hva == 7 and celler[0] != "avbestilling":
        celler[6], celler[7] = "akutt_ekstra", ""  # R18a
    elif hva == 8:
        celler[6] = "haster"  # R18a kategori
    elif hva == 9:
        celler[1] = str(v.annen)  # R18: not this provider's user
    elif hva == 10:
        celler[1] = "00000000-0000-0000-0000-000000000001"  # R18: unknown
    elif hva == 11:
        celler[1] = str(v.to_leveranser)  # two deliveries: the nearest (line by line)
    elif hva == 12:
        celler[1] = str(v.dod)
        celler[3] = "2026-03-20T08:00:00+01:00"  # R23 after death
        celler[4] = "2026-03-20T08:30:00+01:00"
    elif hva == 13:
        celler[0], celler[1] = "besok", str(v.vanlig[0])  # R20: the stored cancellation's slot
        celler[3], celler[4] = "2026-03-04T16:15:00+01:00", "2026-03-04T16:40:00+01:00"
    else:
        celler[3] = celler[3].replace("2026-03", "2026-02")  # a month earlier: a deviation
        celler[4] = celler[4].replace("2026-03", "2026-02")
    return ";".join(celler)


def kopi(app: BrukervalgApp, ny: BrukervalgApp) -> BrukervalgApp:
    """``ny`` with exactly the events of ``app`` (same ids, versions and content)."""
    ny.recorder.insert_events([StoredEvent(originator_id=n.originator_id,
                                           originator_version=n.originator_version,
                                           topic=n.topic, state=n.state)
                               for n in app.recorder.select_notifications(start=1, limit=10**6)])
    return ny


def _kjor(app: BrukervalgApp, klokke: Klokke, tekst: str, kolonnevis: bool,
          monkeypatch: pytest.MonkeyPatch, som_bytes: bool = False
          ) -> tuple[Sammendrag, list[Any], list[Any]]:
    """Import (and store): the summary, the receipts and the events it stored. ``som_bytes``:
    the file opened in binary mode (as the CLI and the API give it), else as text."""
    monkeypatch.setattr(pipeline, "KOLONNEVIS", kolonnevis)
    for_ = len(app.recorder.select_notifications(start=1, limit=10**6))
    klokke.sett(T0)
    kv: list[Any] = []
    fil = fra_bytes(tekst.encode()) if som_bytes else fra_tekst(tekst)
    s = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fil, kvittering=kv.append)
    nye = app.recorder.select_notifications(start=for_ + 1, limit=10**6)
    return s, kv, sorted(nye, key=lambda n: (str(n.originator_id), n.originator_version))


def _innhold(app: BrukervalgApp, lagret: list[Any]) -> list[tuple[UUID, int, str, dict]]:
    ut = []
    for e in lagret:
        data = app.mapper.decode_state(e)
        data.pop("hendelse_id")
        ut.append((e.originator_id, e.originator_version, e.topic, data))
    return ut


def _sammenlign(v: Verden, klokke: Klokke, tekst: str, monkeypatch: pytest.MonkeyPatch,
                som_bytes: bool = False) -> Sammendrag:
    """Import ``tekst`` line by line (as text) into one copy of the world and column-wise into
    the other (as text, or as bytes), each stored for real, and compare."""
    s_linje, kv_linje, h_linje = _kjor(v.app, klokke, tekst, False, monkeypatch)
    s_kol, kv_kol, h_kol = _kjor(v.kopi, klokke, tekst, True, monkeypatch, som_bytes)
    assert kv_kol == kv_linje
    for felt in ("linjer", "godtatt", "allerede_registrert", "avvist", "hendelser",
                 "avvisninger_per_regel"):
        assert getattr(s_kol, felt) == getattr(s_linje, felt), felt
    assert s_linje.kolonnevis == 0
    assert _innhold(v.kopi, h_kol) == _innhold(v.app, h_linje)
    mapper = v.kopi.mapper
    for e in h_kol:  # exactly the bytes the mapper writes for that event
        assert mapper.to_stored_event(mapper.to_domain_event(e)).state == e.state
    return s_kol


@pytest.fixture
def verden(lag_app: Callable[..., BrukervalgApp]) -> Verden:
    v = Verden(lag_app("memory"))
    v.kopi = kopi(v.app, lag_app("memory"))
    return v


@pytest.mark.parametrize("seed", range(12))
def test_r18_r20_r23_clean_files_take_the_column_path_and_give_what_line_by_line_gives(
        verden: Verden, klokke: Klokke, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = random.Random(seed)
    tekst = lag_fil(rng, verden, rng.randint(20, 120), 0.0,
                    ["sek"] if seed % 3 else ["sek", "min", "z", "null", "minus"],
                    crlf=seed % 4 == 1)
    s = _sammenlign(verden, klokke, tekst, monkeypatch)
    assert s.avvist == 0
    assert s.kolonnevis == s.linjer


@pytest.mark.parametrize("seed", range(30))
def test_bv0_bv2_r18_r18a_r20_r23_r28a_files_with_bad_lines_give_what_line_by_line_gives(
        verden: Verden, klokke: Klokke, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    rng = random.Random(1000 + seed)
    monkeypatch.setattr(pipeline, "BIT", rng.choice([3, 7, 25, 20_000]))  # chunks, pending lines
    monkeypatch.setattr(oppslag, "TILSTANDER", rng.choice([1, 2, 200]))  # states leaving the cache
    tekst = lag_fil(rng, verden, rng.randint(20, 90), rng.choice([0.0, 0.02, 0.1]),
                    rng.choice([["sek"], ["sek", "min", "z", "null", "minus"]]),
                    sitater=rng.random() < 0.3)
    _sammenlign(verden, klokke, tekst, monkeypatch, som_bytes=seed % 2 == 1)


def test_a_clean_month_is_decided_column_wise_and_bad_lines_only_cost_their_chunk(
        verden: Verden, klokke: Klokke, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    monkeypatch.setattr(pipeline, "BIT", 25)
    linjer = lag_fil(rng, verden, 100, 0.0, ["sek"], avbestillinger=False).splitlines()
    linjer[60] = f"besok;;{HSP};x;y;k-1;;;;"  # BV0 in the third chunk
    tekst = "\n".join(linjer) + "\n"
    s = _sammenlign(verden, klokke, tekst, monkeypatch)
    assert s.avvist == 1
    assert s.kolonnevis == s.linjer - 25  # the one chunk with the bad line went line by line


def test_bv8_a_future_visit_or_cancellation_costs_its_chunk_and_is_refused_as_line_by_line(
        verden: Verden, klokke: Klokke, monkeypatch: pytest.MonkeyPatch) -> None:
    """BV8: the column-wise path hands a chunk with a line after the recording time (T0 plus the
    tolerance) back to the domain, which refuses that line exactly as the line-by-line path."""
    monkeypatch.setattr(pipeline, "BIT", 25)
    b = verden.vanlig[0]
    linjer = lag_fil(random.Random(8), verden, 100, 0.0, ["sek"],
                     avbestillinger=False).splitlines()
    linjer[10] = f"besok;{b};{HSP};2026-04-02T08:30:00+02:00;2026-04-02T09:05:00+02:00;k-1;;;;"
    linjer[40] = f"besok;{b};{HSP};2026-04-02T09:01:00+02:00;2026-04-02T09:06:00+02:00;k-1;;;;"
    linjer[70] = (f"avbestilling;{b};{HSP};2026-04-03T16:00:00+02:00;2026-04-03T16:45:00+02:00;;;;"
                  "2026-04-02T10:00:00+02:00;OL 9")
    s = _sammenlign(verden, klokke, "\n".join(linjer) + "\n", monkeypatch)
    # line 11 ends 09:05, at T0 plus the five minutes' tolerance: accepted; 41 and 71 are not
    assert s.avvisninger_per_regel == {"BV8": 2}
    assert s.kolonnevis == s.linjer - 50  # the two chunks with a future line went line by line


def test_the_column_path_records_what_it_decided_and_a_re_upload_records_nothing(
        verden: Verden, klokke: Klokke) -> None:
    app = verden.app
    tekst = lag_fil(random.Random(11), verden, 80, 0.0, ["sek"])
    klokke.sett(T0)
    forste = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(tekst))
    assert forste.kolonnevis == forste.linjer and forste.avvist == 0
    lev = app.leveranse(verden.lev0)
    assert any(b.linje for b in lev.besok.values())  # read back from the stored events
    igjen = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(tekst))
    assert (igjen.godtatt, igjen.hendelser) == (0, 0)
    assert igjen.allerede_registrert == forste.linjer


def test_blank_lines_and_a_spreadsheets_empty_rows_are_no_lines_in_either_path(
        verden: Verden, klokke: Klokke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BIT", 2)  # a chunk of nothing but empty lines too
    b = verden.vanlig[1]
    linjer = [";".join(KOLONNER), " ", f"besok;{b};{HSP};2026-03-05T08:00:00+01:00;"
              "2026-03-05T08:30:00+01:00;k-1;;;;", "", ";;;;;;;;;", "\t",
              f"besok;{b};{HSP};2026-03-06T08:00:00+01:00;2026-03-06T08:30:00+01:00;k-1;;;;"]
    s = _sammenlign(verden, klokke, "\n".join(linjer) + "\n", monkeypatch)
    assert (s.linjer, s.godtatt, s.kolonnevis) == (2, 2, 2)


def test_warming_up_at_start_decides_made_up_lines_and_stores_nothing(verden: Verden) -> None:
    """``serverapp`` runs the column-wise path once at start (polars' first use costs ~20 ms)."""
    app = verden.app
    for_ = len(app.recorder.select_notifications(start=1, limit=10**6))
    varm_opp(app.mapper)
    assert len(app.recorder.select_notifications(start=1, limit=10**6)) == for_


def test_a_file_that_stops_being_utf8_halfway_is_refused_before_any_line_is_recorded(
        verden: Verden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BIT", 2)  # the bad byte is chunks after the first
    b = verden.vanlig[1]
    linjer = [";".join(KOLONNER)] + [
        f"besok;{b};{HSP};2026-03-{dag:02d}T08:00:00+01:00;2026-03-{dag:02d}T08:30:00+01:00;"
        f"{'Bjørn' if dag == 9 else 'k-1'};;;;" for dag in range(2, 12)]
    data = "\n".join(linjer).encode("latin-1")
    app = verden.app
    for_ = len(app.recorder.select_notifications(start=1, limit=10**6))
    with pytest.raises(tr.Filfeil, match="ikke UTF-8"):
        Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_bytes(data))
    assert len(app.recorder.select_notifications(start=1, limit=10**6)) == for_


def test_pending_lines_hold_at_most_two_chunks_whatever_the_order_of_the_lines(
        verden: Verden, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded on a file not sorted by user: lines pending from before the previous
    chunk are folded into their delivery's state, so no more than two chunks' rows are kept."""
    monkeypatch.setattr(pipeline, "BIT", 4)
    a, b = verden.vanlig
    linjer = [";".join(KOLONNER)] + [  # both users in every chunk, all month
        f"besok;{(a, b)[n % 2]};{HSP};2026-03-{2 + n // 2:02d}T08:00:00+01:00;"
        f"2026-03-{2 + n // 2:02d}T08:30:00+01:00;k-1;;;;" for n in range(40)]
    imp = Tidsrapportimport(verden.app, "kommunal", KOMMUNAL)
    s = imp.importer(fra_tekst("\n".join(linjer) + "\n"))
    assert (s.godtatt, s.kolonnevis) == (40, 40)
    ventende = [v for liste in imp._ventende.values() for v in liste]
    assert ventende and len({id(v.nye) for v in ventende}) <= 2
    assert {v.bit for v in ventende} <= {imp._bitnr, imp._bitnr - 1}
