"""A time report's lines become one batch event per delivery and chunk (BesokRapportert,
AvbestillingerRapportert): the same checks per line as a single command, the same state, every
line still identifiable (file sha256 + line number) and in the hash chain."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

import pytest

from application import tidsrapport as tr
from application.app import BrukervalgApp
from application.infrastructure.ledger.verify import verify
from application.tidsrapport import KOLONNER, Linjestatus, Tidsrapportimport, fra_tekst, pipeline
from domain import kommandoer as k
from domain import leveranse as l_mod
from projections.beskrivelse import Beskriver
from projections.klagesak import Klagesak
from tests.conftest import FNR, KOMMUNAL, SAKSBEHANDLER, oslo
from tests.integration.conftest import Sak, antall_hendelser, lag_sak

HODE = ";".join(KOLONNER)
HSP = "hjemmesykepleie_dag"


def besok(b: object, dag: int, kl: int = 8, minutter: int = 40, ansatt: str = "k-1",
          kategori: str = "", tiltak: str = "") -> str:
    return (f"besok;{b};{HSP};2026-03-{dag:02d}T{kl:02d}:00+01:00;"
            f"2026-03-{dag:02d}T{kl:02d}:{minutter:02d}+01:00;{ansatt};{kategori};{tiltak};;")


def avbestilling(b: object, dag: int, kl: int = 8, avbestilt: str = "2026-03-01T12:00+01:00",
                 journal: str = "OL-beskjedjournal 7", slutt_min: int = 45) -> str:
    return (f"avbestilling;{b};{HSP};2026-03-{dag:02d}T{kl:02d}:00+01:00;"
            f"2026-03-{dag:02d}T{kl:02d}:{slutt_min:02d}+01:00;;;;{avbestilt};{journal}")


def _dod(app: BrukervalgApp) -> Sak:
    dod = lag_sak(app, fnr=FNR[2])
    app.registrer_dodsfall(k.RegistrerDodsfall(bruker_id=dod.bruker_id, dodsdato=date(2026, 3, 15)),
                           SAKSBEHANDLER)
    return dod


def test_r18_r18a_r20_r23_r28a_a_bad_line_of_each_kind_is_rejected_and_the_rest_is_stored(
        app: BrukervalgApp, sak: Sak) -> None:
    b = sak.bruker_id
    annen = lag_sak(app, fnr=FNR[1], leverandor_id="2care")
    dod = _dod(app)
    linjer = [
        HODE,
        besok(b, 3),                                                           # 2 ok
        f"besok;;{HSP};2026-03-03T09:00+01:00;2026-03-03T09:30+01:00;k-1;;;;",  # 3 BV0 bruker
        besok(b, 3, kl=9).replace("besok;", "reise;", 1),                       # 4 BV0 type
        besok(b, 3, kl=10).replace(HSP, "tannlege"),                            # 5 BV0 tjenestetype
        besok(b, 4).replace("2026-03-04T08:00+01:00", "2026-03-04T08:00"),      # 6 BV2 start
        besok(b, 4).replace("2026-03-04T08:40+01:00", "4. mars"),               # 7 BV2 slutt
        besok(b, 4, kl=9, minutter=0).replace("T09:00+01:00;", "T09:30+01:00;", 1),  # 8 R18 slutt
        besok(b, 5, ansatt="15108695088"),                                      # 9 R28a ansatt
        besok(b, 5, kl=12, kategori="akutt_ekstra"),                            # 10 R18a tiltakskode
        besok(b, 5, kl=14, kategori="ekstra"),                                  # 11 R18a kategori
        avbestilling(b, 6),                                                     # 12 ok
        besok(b, 6),                                                            # 13 R20 start
        avbestilling(b, 3),                                                     # 14 R20 planlagt_start
        avbestilling(b, 7, avbestilt=""),                                       # 15 R20 avbestilt_tid
        avbestilling(b, 7, journal=" "),                                        # 16 R20 journalreferanse
        avbestilling(b, 7, kl=9, slutt_min=0),                                  # 17 BV3 planlagt_slutt
        besok(dod.bruker_id, 20),                                               # 18 R23 start
        besok(annen.bruker_id, 3),                                              # 19 R18 bruker
        besok("ukjent-ref", 3),                                                 # 20 R18 bruker
        besok(b, 5, kl=16, kategori="akutt_ekstra", tiltak="AKUTT-3"),          # 21 ok
        besok(b, 3),                                                            # 22 same as line 2
        besok(dod.bruker_id, 14),                                               # 23 ok (before death)
    ]
    tekst = "\n".join(linjer) + "\n"
    kv: list[tr.Linjekvittering] = []
    foer = antall_hendelser(app)
    ut = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(tekst), kvittering=kv.append)
    status = {x.linje: (x.status, x.regel, x.felt) for x in kv}
    avvist = {nr: (regel, felt) for nr, (s, regel, felt) in status.items() if s is Linjestatus.AVVIST}
    assert avvist == {
        3: ("BV0", "bruker"), 4: ("BV0", "type"), 5: ("BV0", "tjenestetype"), 6: ("BV2", "start"),
        7: ("BV2", "slutt"), 8: ("R18", "slutt"), 9: ("R28a", "ansatt"), 10: ("R18a", "tiltakskode"),
        11: ("R18a", "kategori"), 13: ("R20", "start"), 14: ("R20", "planlagt_start"),
        15: ("R20", "avbestilt_tid"), 16: ("R20", "journalreferanse"), 17: ("BV3", "planlagt_slutt"),
        18: ("R23", "start"), 19: ("R18", "bruker"), 20: ("R18", "bruker")}
    assert {nr for nr, (s, _, _) in status.items() if s is Linjestatus.GODTATT} == {2, 12, 21, 23}
    assert status[22][0] is Linjestatus.ALLEREDE_REGISTRERT
    assert (ut.linjer, ut.godtatt, ut.allerede_registrert, ut.avvist) == (22, 4, 1, 17)
    # The good lines of the chunk are stored: one visit batch and one cancellation batch on the
    # user's delivery, one visit batch on the dead user's delivery.
    assert ut.hendelser == 3 and antall_hendelser(app) == foer + 3
    lev = app.leveranse(sak.leveranse_id)
    assert sorted(x.linje for x in lev.besok.values()) == [2, 21]
    assert [a.linje for a in lev.avbestillinger] == [12]
    akutt = next(x for x in lev.besok.values() if x.linje == 21)
    assert (akutt.kategori, akutt.tiltakskode) == (l_mod.Besokskategori.AKUTT_EKSTRA, "AKUTT-3")
    assert [x.linje for x in app.leveranse(dod.leveranse_id).besok.values()] == [23]
    hendelser = list(app.events.get(sak.leveranse_id))
    batch = [e for e in hendelser if isinstance(e, l_mod.BesokRapportert)]
    assert len(batch) == 1 and [x.linje for x in batch[0].besok] == [2, 21]
    assert batch[0].fil_sha256 == hashlib.sha256(tekst.encode()).hexdigest()
    assert batch[0].aktor == KOMMUNAL


def test_r18_r20_reupload_records_nothing_and_chain_verifies(app: BrukervalgApp, sak: Sak) -> None:
    b = sak.bruker_id
    tekst = "\n".join([HODE, besok(b, 3), besok(b, 3, kl=20), avbestilling(b, 4),
                       besok(b, 5, kl=25)]) + "\n"  # the last: hour 25, not a time (BV2)
    forste = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(tekst))
    assert (forste.godtatt, forste.avvist, forste.hendelser) == (3, 1, 2)
    foer = antall_hendelser(app)
    # Re-uploading the same file, or the same lines in another file (another sha256, other line
    # numbers), records nothing: the same visit and the same cancellation are recognised.
    for igjen_tekst in (tekst, "\n".join([HODE, avbestilling(b, 4), besok(b, 3, kl=20),
                                          besok(b, 3)]) + "\n"):
        kv: list[tr.Linjekvittering] = []
        igjen = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(igjen_tekst),
                                                                      kvittering=kv.append)
        assert (igjen.godtatt, igjen.hendelser) == (0, 0)
        assert {x.status for x in kv if x.regel is None} == {Linjestatus.ALLEREDE_REGISTRERT}
        assert antall_hendelser(app) == foer
    lev = app.leveranse(sak.leveranse_id)
    assert len(lev.besok) == 2 and len(lev.avbestillinger) == 1
    rapport = verify(app.recorder)
    assert rapport.ok and rapport.count == antall_hendelser(app)


def test_strict_mode_stores_nothing_if_one_line_of_many_chunks_is_rejected(
        app: BrukervalgApp, sak: Sak, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BIT", 4)  # many chunks: the bad line is in the last one
    b = sak.bruker_id
    gode = [besok(b, dag) for dag in range(3, 14)]
    foer = antall_hendelser(app)
    ut = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(
        fra_tekst("\n".join([HODE, *gode, besok(b, 20, ansatt="")]) + "\n"), streng=True)
    assert (ut.lagret, ut.godtatt, ut.avvist, ut.avvisninger_per_regel) == (False, 0, 1, {"R28a": 1})
    assert antall_hendelser(app) == foer
    assert app.leveranse(sak.leveranse_id).besok == {}
    ut = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(
        fra_tekst("\n".join([HODE, *gode]) + "\n"), streng=True)
    assert (ut.lagret, ut.godtatt, ut.hendelser) == (True, 11, 3)  # one event per chunk of 4 lines
    assert len(app.leveranse(sak.leveranse_id).besok) == 11


def test_chunks_see_earlier_chunks_and_each_visit_keeps_its_line(
        app: BrukervalgApp, sak: Sak, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BIT", 3)
    b = sak.bruker_id
    linjer = [HODE, avbestilling(b, 9), besok(b, 3), besok(b, 4), besok(b, 5),
              besok(b, 3),    # line 6, chunk 2: the same as line 3 in chunk 1
              besok(b, 9),    # line 7: in the slot cancelled in chunk 1 (R20)
              besok(b, 10, kategori="akutt_ekstra", tiltak="T-1")]
    tekst = "\n".join(linjer) + "\n"
    kv: list[tr.Linjekvittering] = []
    ut = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(tekst), kvittering=kv.append)
    status = {x.linje: (x.status, x.regel) for x in kv}
    assert status[6] == (Linjestatus.ALLEREDE_REGISTRERT, None) and status[7] == (Linjestatus.AVVIST, "R20")
    assert (ut.godtatt, ut.hendelser) == (5, 4)
    sha = hashlib.sha256(tekst.encode()).hexdigest()
    lev = app.leveranse(sak.leveranse_id)
    # Each visit is identifiable: its id is derived from the delivery, the file and the line.
    assert {x.besok_id: (x.linje, x.fil_sha256) for x in lev.besok.values()} == {
        l_mod.rapportert_besok_id(sak.leveranse_id, sha, n): (n, sha) for n in (3, 4, 5, 8)}
    assert all(x.linje == 2 and x.fil_sha256 == sha for x in lev.avbestillinger)
    typer = [type(e).__name__ for e in app.events.get(sak.leveranse_id)][-4:]
    assert typer == ["BesokRapportert", "AvbestillingerRapportert", "BesokRapportert",
                     "BesokRapportert"]


def test_single_visit_command_still_records_besok_utfort_and_sees_reported_visits(
        app: BrukervalgApp, sak: Sak) -> None:
    b = sak.bruker_id
    Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(
        "\n".join([HODE, besok(b, 3), avbestilling(b, 4)]) + "\n"))
    samme = app.registrer_besok(k.RegistrerBesok(
        leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 3, 8), slutt=oslo(2026, 3, 3, 8, 40),
        ansatt="k-1"), KOMMUNAL)
    assert samme.nye_hendelser == 0  # the reported visit is recognised
    with pytest.raises(Exception) as feil:  # R20: the reported cancellation is seen
        app.registrer_besok(k.RegistrerBesok(
            leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 4, 8, 10),
            slutt=oslo(2026, 3, 4, 8, 30), ansatt="k-1"), KOMMUNAL)
    assert getattr(feil.value, "regel", None) == "R20"
    ny = app.registrer_besok(k.RegistrerBesok(
        leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 5, 8), slutt=oslo(2026, 3, 5, 8, 40),
        ansatt="k-1"), KOMMUNAL)
    assert ny.nye_hendelser == 1
    assert type(list(app.events.get(sak.leveranse_id))[-1]) is l_mod.BesokUtfort


def test_r26_klagesak_describes_the_batch_and_counts_its_visits(app: BrukervalgApp, sak: Sak) -> None:
    b = sak.bruker_id
    linjer = [HODE, *(besok(b, dag) for dag in range(3, 8)), avbestilling(b, 9)]
    tekst = "\n".join(linjer) + "\n"
    Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(tekst))
    sha = hashlib.sha256(tekst.encode()).hexdigest()
    ks = Klagesak(app)
    poster = {p.hendelse: p for p in ks.tidslinje(b)}
    navn = Beskriver(app.ref).lev("kommunal")
    assert poster["BesokRapportert"].beskrivelse == (
        f"{navn} rapporterte 5 besøk 03.03–07.03.2026 (fil {sha[:8]}…, linje 2–6)")
    assert poster["AvbestillingerRapportert"].beskrivelse == (
        f"{navn} rapporterte 1 avbestilling fra bruker 09.03.2026 (fil {sha[:8]}…, linje 7)")
    assert poster["BesokRapportert"].data["fil_sha256"] == sha
    assert [x["linje"] for x in poster["BesokRapportert"].data["besok"]] == [2, 3, 4, 5, 6]
    tilstand = ks.tilstand_per(b, app.klokke())
    assert [lv.besok for lv in tilstand.leveranser] == [5]
    # The batch takes effect from its first visit's date (not when the file was uploaded), so
    # an auditor's period filter finds it.
    assert poster["BesokRapportert"].virkning == date(2026, 3, 3)
    mars_3 = {p.hendelse for p in ks.tidslinje(b, fra=date(2026, 3, 3), til=date(2026, 3, 3))}
    assert "BesokRapportert" in mars_3 and "AvbestillingerRapportert" not in mars_3


def test_a_concurrent_write_to_a_delivery_redoes_the_chunk_and_the_next_on_fresh_state(
        app: BrukervalgApp, sak: Sak, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks are saved in a second thread while the next is decided; a conflict on one chunk's
    save (someone else recorded a visit on the same delivery meanwhile) redoes that chunk and
    the one decided after it, and nothing is recorded twice."""
    monkeypatch.setattr(pipeline, "BIT", 2)
    b = sak.bruker_id
    kall: list[int] = []

    def med_konkurrent(ekte: Callable[..., object]) -> Callable[..., object]:
        def lagre(*hendelser: object, **kw: object) -> object:
            kall.append(len(hendelser))
            if len(kall) == 2:  # before the second chunk's save: another writer on the delivery
                app.registrer_besok(k.RegistrerBesok(
                    leveranse_id=sak.leveranse_id, start=oslo(2026, 3, 6, 8),
                    slutt=oslo(2026, 3, 6, 8, 40), ansatt="k-1"), KOMMUNAL)
            return ekte(*hendelser, **kw)
        return lagre

    # Both ways a chunk is saved: line by line (events) and column-wise (stored form).
    monkeypatch.setattr(app, "save", med_konkurrent(app.save))
    monkeypatch.setattr(app, "lagre_lagrede", med_konkurrent(app.lagre_lagrede))
    linjer = [HODE, besok(b, 3), besok(b, 4), besok(b, 5), besok(b, 6),  # line 5: the same visit
              besok(b, 7), besok(b, 8)]
    kv: list[tr.Linjekvittering] = []
    ut = Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(
        fra_tekst("\n".join(linjer) + "\n"), kvittering=kv.append)
    assert [x.linje for x in kv] == [2, 3, 4, 5, 6, 7]
    status = {x.linje: x.status for x in kv}
    assert status[5] is Linjestatus.ALLEREDE_REGISTRERT  # recognised after the redo
    assert (ut.godtatt, ut.allerede_registrert, ut.avvist) == (5, 1, 0)
    lev = app.leveranse(sak.leveranse_id)
    assert sorted(x.start.day for x in lev.besok.values()) == [3, 4, 5, 6, 7, 8]
    assert verify(app.recorder).ok


def test_the_description_names_the_lines_when_others_lie_between(app: BrukervalgApp,
                                                                  sak: Sak) -> None:
    b = sak.bruker_id
    tekst = "\n".join([HODE, besok(b, 3), avbestilling(b, 9), besok(b, 4)]) + "\n"
    Tidsrapportimport(app, "kommunal", KOMMUNAL).importer(fra_tekst(tekst))
    sha = hashlib.sha256(tekst.encode()).hexdigest()[:8]
    beskriv = Beskriver(app.ref)
    tekster = {type(e).__name__: beskriv(e) for e in app.events.get(sak.leveranse_id)}
    assert tekster["BesokRapportert"].endswith(f"03.03–04.03.2026 (fil {sha}…, 2 av linjene 2–4)")
    assert tekster["AvbestillingerRapportert"].endswith(f"09.03.2026 (fil {sha}…, linje 3)")
