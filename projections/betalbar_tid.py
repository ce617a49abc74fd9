"""Payable hours per provider, bruker, tjenestetype and calendar month (R05, R17, R18, R18a, R20, R23).

Two layers of tables:

- *inputs*, written as events arrive: deliveries, users (death, moving, bydel history), vedtak
  and their omfang over time, revurdering requests, and per (delivery, month, kind) the delivered
  microseconds of each of the month's 31 days (where ``domain.betaling.plasser`` puts each visit
  and cancellation: split at Oslo midnight). Sums add up, so
  the order the events arrive in does not matter.
- *results* per (delivery, month), recomputed from the inputs by ``domain.betaling.beregn`` for every
  (delivery, month) an event touched. The touched keys are marked in the same transaction as the
  inputs (a visit's part of the day sums marks its month until it is folded; other facts write
  ``prj_bt_skitten``), and computed after catching up (``etterarbeid``), so a month that
  receives many visits in a rebuild is computed once, not once per visit.

Which months exist: every month in which the delivery is active, up to the *horizon* (the month
of the latest recorded event time), plus every month with delivered or cancelled time.
Money is not stored: the amount is payable hours x the price in configuration, at query time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from eventsourcing.persistence import Notification

from domain import ansvar, betaling, kalender
from domain.begreper import Sluttarsak
from projections import beregning
from projections.beregning import RESULTAT_KOLONNER, RESULTAT_TYPER
from projections.rows import Emne, bydel_ddl, bydel_rad, bydelhistorikk, tid
from projections.runner import Behandler, Projection, WriteBuffer
from projections.store import Cursor, Store

_EN_DAG = timedelta(days=1)
_fra_iso = datetime.fromisoformat
_LEVERT_HODE = ("INSERT INTO prj_bt_levert (leveranse_id, aar, maaned, art, del_nr, antall, "
                "dager)")
_LEVERT_TYPER = ("text", "bigint", "bigint", "text", "bigint", "bigint", "text")
_NOKKEL_TYPER = ("text", "bigint", "bigint")


def _maaneder(fom: date, tom: date) -> Iterable[tuple[int, int]]:
    aar, maaned = fom.year, fom.month
    while (aar, maaned) <= (tom.year, tom.month):
        yield aar, maaned
        aar, maaned = (aar + 1, 1) if maaned == 12 else (aar, maaned + 1)


@dataclass
class _Batch:
    levert: dict[tuple[str, int, int, str], list[int]] = field(default_factory=dict)
    skitne: set[tuple[str, int, int]] = field(default_factory=set)
    leveranser: set[str] = field(default_factory=set)  # every month of these may change
    vedtak: set[str] = field(default_factory=set)
    brukere: set[str] = field(default_factory=set)
    siste_tid: datetime | None = None
    siste_tidstekst: str = ""
    forste_id: int = 0  # the batch's first visit or cancellation: names its delivered-time rows


class BetalbarTid(Projection):
    navn = "betalbar_tid"
    # 3: visits and cancellations reported in batches (time reports); 4: the month row keeps
    # the planned time of cancellations made in time (``avbestilt``), so the invoice control
    # places them in their days exactly as payable hours do (domain.betaling.plasser).
    # 5: the bydel history is the recorded moves folded by domain.ansvar (R24), a month in which
    # a move takes effect is one row per bydel's part (``del_fom``), items are counted per day.
    VERSJON = 5
    konfigdeler = ("sen_avbestilling",)
    tabeller = ("prj_bt_leveranse", "prj_bt_bruker", "prj_bt_bydel", "prj_bt_vedtak",
                "prj_bt_omfang", "prj_bt_revurdering", "prj_bt_levert", "prj_bt_skitten",
                "prj_bt_tilstand", "prj_bt_maaned", "prj_bt_avvik")
    ddl = (
        "CREATE TABLE IF NOT EXISTS prj_bt_leveranse (leveranse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, leverandor_id TEXT NOT NULL, "
        "fom TEXT NOT NULL, tom TEXT, vedtak_id TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_bt_leveranse_vedtak ON prj_bt_leveranse (vedtak_id)",
        "CREATE INDEX IF NOT EXISTS prj_bt_leveranse_bruker ON prj_bt_leveranse (bruker_id)",
        "CREATE INDEX IF NOT EXISTS prj_bt_leveranse_periode ON prj_bt_leveranse (fom, tom)",
        "CREATE TABLE IF NOT EXISTS prj_bt_bruker (bruker_id TEXT PRIMARY KEY, sluttdato TEXT, "
        "sluttarsak TEXT)",
        bydel_ddl("prj_bt_bydel"),
        "CREATE TABLE IF NOT EXISTS prj_bt_vedtak (vedtak_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, gyldig_fra TEXT NOT NULL, "
        "gyldig_til TEXT)",
        "CREATE TABLE IF NOT EXISTS prj_bt_omfang (vedtak_id TEXT NOT NULL, fra TEXT NOT NULL, "
        "minutter BIGINT NOT NULL, per_uker BIGINT NOT NULL, PRIMARY KEY (vedtak_id, fra))",
        "CREATE TABLE IF NOT EXISTS prj_bt_revurdering (revurdering_id TEXT PRIMARY KEY, "
        "vedtak_id TEXT NOT NULL, leverandor_id TEXT NOT NULL, anmodet_tid TEXT NOT NULL, "
        "besvart_tid TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_bt_revurdering_vedtak ON prj_bt_revurdering (vedtak_id)",
        # The month's 31 day sums (µs), then its 31 day counts (items by ``telledag``), as
        # comma-separated integers; ``antall`` is the month's count. A batch appends its own
        # part (del_nr: its first notification id), so writing never reads; computing a month
        # adds the parts up and folds them into one row (del_nr 0).
        "CREATE TABLE IF NOT EXISTS prj_bt_levert (leveranse_id TEXT NOT NULL, "
        "aar BIGINT NOT NULL, maaned BIGINT NOT NULL, art TEXT NOT NULL, del_nr BIGINT NOT NULL, "
        "antall BIGINT NOT NULL, dager TEXT NOT NULL, "
        "PRIMARY KEY (leveranse_id, aar, maaned, art, del_nr))",
        # Parts not yet folded mark their month as to be computed (cheaper than a mark row).
        "CREATE INDEX IF NOT EXISTS prj_bt_levert_ufoldet ON prj_bt_levert "
        "(leveranse_id, aar, maaned) WHERE del_nr <> 0",
        "CREATE TABLE IF NOT EXISTS prj_bt_skitten (leveranse_id TEXT NOT NULL, "
        "aar BIGINT NOT NULL, maaned BIGINT NOT NULL, PRIMARY KEY (leveranse_id, aar, maaned))",
        "CREATE TABLE IF NOT EXISTS prj_bt_tilstand (nokkel TEXT PRIMARY KEY, verdi TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS prj_bt_maaned (leveranse_id TEXT NOT NULL, "
        "aar BIGINT NOT NULL, maaned BIGINT NOT NULL, leverandor_id TEXT NOT NULL, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, bydel TEXT, bestilt TEXT NOT NULL, "
        "levert_ordinaer BIGINT NOT NULL, levert_akutt BIGINT NOT NULL, "
        "sen_avbestilt BIGINT NOT NULL, antall_besok BIGINT NOT NULL, "
        "antall_avbestilt BIGINT NOT NULL, betalbar_innenfor TEXT NOT NULL, "
        "betalbar_r17 TEXT NOT NULL, betalbar_akutt BIGINT NOT NULL, "
        "betalbar_sen_avbestilling TEXT NOT NULL, betalbar TEXT NOT NULL, "
        "avbestilt BIGINT NOT NULL, del_fom TEXT NOT NULL, "
        "PRIMARY KEY (leveranse_id, aar, maaned, del_fom))",
        "CREATE INDEX IF NOT EXISTS prj_bt_maaned_leverandor "
        "ON prj_bt_maaned (leverandor_id, aar, maaned)",
        "CREATE INDEX IF NOT EXISTS prj_bt_maaned_bruker ON prj_bt_maaned (bruker_id, aar, maaned)",
        "CREATE TABLE IF NOT EXISTS prj_bt_avvik (leveranse_id TEXT NOT NULL, "
        "aar BIGINT NOT NULL, maaned BIGINT NOT NULL, arsak TEXT NOT NULL, "
        "leverandor_id TEXT NOT NULL, bruker_id TEXT NOT NULL, mengde TEXT NOT NULL, "
        "dager TEXT NOT NULL, del_fom TEXT NOT NULL, bydel TEXT, "
        "PRIMARY KEY (leveranse_id, aar, maaned, del_fom, arsak))",
        "CREATE INDEX IF NOT EXISTS prj_bt_avvik_leverandor "
        "ON prj_bt_avvik (leverandor_id, aar, maaned)",
    )

    flush_size = 2000

    def behandlere(self) -> dict[str, Behandler]:
        return {
            Emne.BRUKER_REGISTRERT: self._bruker_registrert,
            Emne.FLYTTET_TIL_BYDEL: self._flyttet_til_bydel,
            Emne.DODSFALL: self._slutt,
            Emne.FLYTTET_UT: self._slutt,
            Emne.VEDTAK_FATTET: self._vedtak_fattet,
            Emne.REVURDERING_ANMODET: self._revurdering_anmodet,
            Emne.REVURDERING_BESVART: self._revurdering_besvart,
            Emne.VEDTAK_REVIDERT: self._vedtak_revidert,
            Emne.VEDTAK_FORLENGET: self._vedtak_forlenget,
            Emne.VEDTAK_AVSLUTTET: self._vedtak_avsluttet,
            Emne.LEVERANSE_BESTILT: self._leveranse_bestilt,
            Emne.KNYTTET_TIL_VEDTAK: self._knyttet_til_vedtak,
            Emne.LEVERANSE_AVSLUTTET: self._ny_tom("sluttdato"),
            Emne.LEVERANSE_FORLENGET: self._ny_tom("ny_tom"),
            Emne.BESOK_UTFORT: self._besok_utfort,
            Emne.BESOK_AVBESTILT: self._besok_avbestilt,
            Emne.BESOK_RAPPORTERT: self._besok_rapportert,
            Emne.AVBESTILLINGER_RAPPORTERT: self._avbestillinger_rapportert,
        }

    def ny_batch(self) -> _Batch:
        return _Batch()

    # --- time bookkeeping -------------------------------------------------------------------

    @staticmethod
    def _tidspunkt(b: _Batch, data: dict[str, Any]) -> None:
        tekst = data["timestamp"]
        if tekst == b.siste_tidstekst:  # a batch of visits shares one recorded time
            return
        b.siste_tidstekst = tekst
        t = tid(tekst)
        if b.siste_tid is None or t > b.siste_tid:
            b.siste_tid = t

    @staticmethod
    def _les_horisont(cur: Cursor) -> tuple[int, int] | None:
        rad = cur.execute("SELECT verdi FROM prj_bt_tilstand WHERE nokkel = 'horisont'").fetchone()
        if rad is None:
            return None
        aar, maaned = rad[0].split("-")
        return int(aar), int(maaned)

    def _merk(self, cur: Cursor, b: _Batch, horisont: tuple[int, int] | None) -> None:
        """Every month of the touched deliveries whose figures may have changed.

        A delivery's months: those with stored results (covers a period that shrank and every
        month with delivered time), those already marked, and those it is active in up to the
        horizon.
        """
        leveranser = set(b.leveranser)
        if b.vedtak:
            leveranser.update(r[0] for r in cur.i(
                "SELECT leveranse_id FROM prj_bt_leveranse WHERE {i}", "vedtak_id", sorted(b.vedtak)))
        if b.brukere:
            leveranser.update(r[0] for r in cur.i(
                "SELECT leveranse_id FROM prj_bt_leveranse WHERE {i}", "bruker_id",
                sorted(b.brukere)))
        if not leveranser:
            return
        ids = sorted(leveranser)
        # Months with delivered time are among these: every batch that adds time marks its
        # month, and computing a month that has any time keeps its row.
        b.skitne.update((r[0], int(r[1]), int(r[2])) for r in cur.i(
            "SELECT leveranse_id, aar, maaned FROM prj_bt_maaned WHERE {i}", "leveranse_id", ids))
        if horisont is None:
            return
        slutt_h = kalender.maaned_grenser(*horisont)[1]
        for leveranse_id, fom, tom in cur.i(
                "SELECT leveranse_id, fom, tom FROM prj_bt_leveranse WHERE {i}", "leveranse_id", ids):
            slutt = slutt_h if tom is None else min(slutt_h, date.fromisoformat(tom))
            for aar, maaned in _maaneder(date.fromisoformat(fom), slutt):
                b.skitne.add((leveranse_id, aar, maaned))

    # --- users ------------------------------------------------------------------------------

    def _bruker_registrert(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        self._tidspunkt(b, d)
        cur.execute("INSERT INTO prj_bt_bruker (bruker_id) VALUES (?) "
                    "ON CONFLICT (bruker_id) DO NOTHING", (d["originator_id"],))
        bydel_rad("prj_bt_bydel", d["originator_id"], 0, date.min.isoformat(), d["bydel"], cur)

    def _flyttet_til_bydel(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        """R24: responsibility moves with the user from the date; history stays."""
        self._tidspunkt(b, d)
        bydel_rad("prj_bt_bydel", d["originator_id"], n.id, d["dato"], d["til_bydel"], cur)
        b.brukere.add(d["originator_id"])

    def _slutt(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        """R23: death or moving out; nothing after it is payable."""
        self._tidspunkt(b, d)
        dodsfall = n.topic == Emne.DODSFALL
        sluttdato = d["dodsdato"] if dodsfall else d["dato"]
        arsak = Sluttarsak.DODSFALL if dodsfall else Sluttarsak.FLYTTET
        cur.execute("UPDATE prj_bt_bruker SET sluttdato = ?, sluttarsak = ? WHERE bruker_id = ?",
                    (sluttdato, arsak.value, d["originator_id"]))
        b.brukere.add(d["originator_id"])

    # --- vedtak -----------------------------------------------------------------------------

    def _vedtak_fattet(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        self._tidspunkt(b, d)
        cur.execute("INSERT INTO prj_bt_vedtak (vedtak_id, bruker_id, tjenestetype, gyldig_fra, "
                    "gyldig_til) VALUES (?, ?, ?, ?, ?) ON CONFLICT (vedtak_id) DO NOTHING",
                    (d["originator_id"], d["bruker_id"], d["tjenestetype"], d["gyldig_fra"],
                     d["gyldig_til"]))
        omfang = d["omfang"]
        self._sett_omfang(cur, d["originator_id"], d["gyldig_fra"], omfang)
        b.vedtak.add(d["originator_id"])

    @staticmethod
    def _sett_omfang(cur: WriteBuffer, vedtak_id: str, fra: str, omfang: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_bt_omfang (vedtak_id, fra, minutter, per_uker) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (vedtak_id, fra) DO UPDATE SET "
                    "minutter = excluded.minutter, per_uker = excluded.per_uker",
                    (vedtak_id, fra, omfang["minutter"], omfang.get("per_uker", 1)))

    def _revurdering_anmodet(self, cur: WriteBuffer, b: _Batch, n: Notification,
                             d: dict[str, Any]) -> None:
        self._tidspunkt(b, d)
        cur.execute("INSERT INTO prj_bt_revurdering (revurdering_id, vedtak_id, leverandor_id, "
                    "anmodet_tid) VALUES (?, ?, ?, ?) ON CONFLICT (revurdering_id) DO NOTHING",
                    (d["revurdering_id"], d["originator_id"], d["leverandor_id"],
                     d["anmodet_tid"]))
        b.vedtak.add(d["originator_id"])

    def _revurdering_besvart(self, cur: WriteBuffer, b: _Batch, n: Notification,
                             d: dict[str, Any]) -> None:
        """R16/R10: the answer closes the R17 window; a changed omfang governs from its date."""
        self._tidspunkt(b, d)
        cur.execute("UPDATE prj_bt_revurdering SET besvart_tid = ? WHERE revurdering_id = ?",
                    (d["besvart_tid"], d["revurdering_id"]))
        if d["utfall"] == "endret" and d.get("nytt_omfang") and d.get("gyldig_fra"):
            self._sett_omfang(cur, d["originator_id"], d["gyldig_fra"], d["nytt_omfang"])
        b.vedtak.add(d["originator_id"])

    def _vedtak_revidert(self, cur: WriteBuffer, b: _Batch, n: Notification,
                         d: dict[str, Any]) -> None:
        """The bydel's own revision of the scope governs from its date, like an answer."""
        self._tidspunkt(b, d)
        self._sett_omfang(cur, d["originator_id"], d["gyldig_fra"], d["nytt_omfang"])
        b.vedtak.add(d["originator_id"])

    def _vedtak_forlenget(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        self._tidspunkt(b, d)
        cur.execute("UPDATE prj_bt_vedtak SET gyldig_til = ? WHERE vedtak_id = ?",
                    (d["ny_gyldig_til"], d["originator_id"]))
        b.vedtak.add(d["originator_id"])

    def _vedtak_avsluttet(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        self._tidspunkt(b, d)
        cur.execute("UPDATE prj_bt_vedtak SET gyldig_til = ? WHERE vedtak_id = ?",
                    (d["dato"], d["originator_id"]))
        b.vedtak.add(d["originator_id"])

    # --- deliveries -------------------------------------------------------------------------

    def _leveranse_bestilt(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        self._tidspunkt(b, d)
        cur.execute("INSERT INTO prj_bt_leveranse (leveranse_id, bruker_id, tjenestetype, "
                    "leverandor_id, fom, tom, vedtak_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (leveranse_id) DO NOTHING",
                    (d["originator_id"], d["bruker_id"], d["tjenestetype"], d["leverandor_id"],
                     d["fom"], d["tom"], d["vedtak_id"]))
        b.leveranser.add(d["originator_id"])

    def _knyttet_til_vedtak(self, cur: WriteBuffer, b: _Batch, n: Notification,
                            d: dict[str, Any]) -> None:
        """R14: a delivery started before its vedtak is linked to it."""
        self._tidspunkt(b, d)
        cur.execute("UPDATE prj_bt_leveranse SET vedtak_id = ? WHERE leveranse_id = ?",
                    (d["vedtak_id"], d["originator_id"]))
        b.leveranser.add(d["originator_id"])

    def _ny_tom(self, felt: str) -> Any:
        """A delivery's end moved (ended: ``sluttdato``; extended with its vedtak: ``ny_tom``)."""

        def behandle(cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
            self._tidspunkt(b, d)
            cur.execute("UPDATE prj_bt_leveranse SET tom = ? WHERE leveranse_id = ?",
                        (d[felt], d["originator_id"]))
            b.leveranser.add(d["originator_id"])

        return behandle

    # --- visits and cancellations (the bulk: accumulated in memory, written once per batch) -

    @staticmethod
    def _legg_til(b: _Batch, leveranse_id: str, art: str, start: datetime,
                  slutt: datetime) -> None:
        """Add [start, slutt) to the day sums where ``betaling.plasser`` puts it; the item is
        counted on its first part's day (``betaling.telledag``), in that day's count."""
        forste = True
        levert = b.levert
        for dag, us in betaling.plasser(start, slutt):
            nokkel = (leveranse_id, dag.year, dag.month, art)
            rad = levert.get(nokkel)
            if rad is None:
                # No mark in prj_bt_skitten needed: an unfolded part marks its month itself.
                rad = levert[nokkel] = [0] * 62
            rad[dag.day - 1] += us
            if forste:
                rad[30 + dag.day] += 1
                forste = False

    def _besok_utfort(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        # The bulk of all events: kept to the few operations it needs.
        if d["timestamp"] != b.siste_tidstekst:
            self._tidspunkt(b, d)
        if not b.forste_id:
            b.forste_id = n.id
        self._legg_til(b, d["originator_id"],
                       betaling.art_for_besok(d.get("kategori")),
                       _fra_iso(d["start"]), _fra_iso(d["slutt"]))

    def _besok_rapportert(self, cur: WriteBuffer, b: _Batch, n: Notification,
                          d: dict[str, Any]) -> None:
        """A time report's visits of one delivery: each counts as a ``BesokUtfort``."""
        self._tidspunkt(b, d)
        if not b.forste_id:
            b.forste_id = n.id
        leveranse_id, legg_til = d["originator_id"], self._legg_til
        for x in d["besok"]:
            legg_til(b, leveranse_id, betaling.art_for_besok(x.get("kategori")),
                     _fra_iso(x["start"]), _fra_iso(x["slutt"]))

    def _besok_avbestilt(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        """R20: not delivered; late (contract threshold, real elapsed time) is kept apart."""
        self._tidspunkt(b, d)
        if not b.forste_id:
            b.forste_id = n.id
        self._avbestilling(b, d["originator_id"], d)

    def _avbestillinger_rapportert(self, cur: WriteBuffer, b: _Batch, n: Notification,
                                   d: dict[str, Any]) -> None:
        """A time report's cancellations of one delivery: each counts as a ``BesokAvbestilt``."""
        self._tidspunkt(b, d)
        if not b.forste_id:
            b.forste_id = n.id
        for x in d["avbestillinger"]:
            self._avbestilling(b, d["originator_id"], x)

    def _avbestilling(self, b: _Batch, leveranse_id: str, x: dict[str, Any]) -> None:
        start = tid(x["planlagt_start"])
        art = betaling.art_for_avbestilling(tid(x["avbestilt_tid"]), start,
                                            self.konfig.sen_avbestilling.terskel)
        self._legg_til(b, leveranse_id, art, start, tid(x["planlagt_slutt"]))

    def skriv_batch(self, cur: Cursor, b: _Batch) -> None:
        if b.levert:
            self._skriv_levert(cur, b.levert, b.forste_id)
        horisont = self._les_horisont(cur) if (b.siste_tid or b.leveranser or b.vedtak
                                               or b.brukere) else None
        if b.siste_tid is not None:
            ny = kalender.lokal_dato(b.siste_tid)
            ny_h = (ny.year, ny.month)
            if horisont is None or ny_h > horisont:
                self._flytt_horisont(cur, horisont, ny_h)
                horisont = ny_h
        self._merk(cur, b, horisont)
        if b.skitne:
            cur.mange("INSERT INTO prj_bt_skitten (leveranse_id, aar, maaned)", sorted(b.skitne),
                      "ON CONFLICT (leveranse_id, aar, maaned) DO NOTHING", _NOKKEL_TYPER)

    @staticmethod
    def _skriv_levert(cur: Cursor, levert: dict[tuple[str, int, int, str], list[int]],
                      del_nr: int) -> None:
        """Append the batch's day sums as its own part (no read: parts are added up later)."""
        cur.mange(_LEVERT_HODE, [(*nokkel, del_nr, sum(rad[31:]), ",".join(map(str, rad)))
                                 for nokkel, rad in levert.items()], "", _LEVERT_TYPER)

    @staticmethod
    def _flytt_horisont(cur: Cursor, gammel: tuple[int, int] | None,
                        ny: tuple[int, int]) -> None:
        """Months that became known: every delivery active in them gets a row."""
        if gammel is None:
            # The first horizon: deliveries recorded so far get every month up to it.
            siste = kalender.maaned_grenser(*ny)[1]
            rader = []
            for leveranse_id, fom, tom in cur.execute(
                    "SELECT leveranse_id, fom, tom FROM prj_bt_leveranse").fetchall():
                slutt = siste if tom is None else min(siste, date.fromisoformat(tom))
                rader += [(leveranse_id, a, m) for a, m in _maaneder(date.fromisoformat(fom), slutt)]
            cur.mange("INSERT INTO prj_bt_skitten (leveranse_id, aar, maaned)", rader,
                      "ON CONFLICT (leveranse_id, aar, maaned) DO NOTHING", _NOKKEL_TYPER)
        else:
            fra = kalender.maaned_grenser(*gammel)[1] + _EN_DAG
            for aar, maaned in _maaneder(fra, kalender.maaned_grenser(*ny)[1]):
                forste, siste = kalender.maaned_grenser(aar, maaned)
                cur.execute(
                    "INSERT INTO prj_bt_skitten (leveranse_id, aar, maaned) "
                    "SELECT leveranse_id, ?, ? FROM prj_bt_leveranse "
                    "WHERE fom <= ? AND (tom IS NULL OR tom >= ?) "
                    "ON CONFLICT (leveranse_id, aar, maaned) DO NOTHING",
                    (aar, maaned, siste.isoformat(), forste.isoformat()))
        verdi = f"{ny[0]:04d}-{ny[1]:02d}"
        cur.execute("INSERT INTO prj_bt_tilstand (nokkel, verdi) VALUES ('horisont', ?) "
                    "ON CONFLICT (nokkel) DO UPDATE SET verdi = excluded.verdi", (verdi,))

    # --- computing the touched months -------------------------------------------------------

    def etterarbeid(self, lager: Store) -> None:
        """Compute the marked months, in key order, a chunk per transaction (each holds the
        lock, so no batch runs in between; a mark made later is computed next time)."""
        n = self.flush_size
        etter: tuple[Any, ...] = ("", 0, 0)
        while True:
            with lager.skriv(laas=[self.navn]) as cur:
                # Both sources are read in index order from the last key, so each chunk costs
                # its own size, not the size of everything still marked. A source that filled
                # its page bounds the chunk: no key below the bound is left behind.
                merket = [(r[0], int(r[1]), int(r[2])) for r in cur.execute(
                    "SELECT leveranse_id, aar, maaned FROM prj_bt_skitten "
                    "WHERE (leveranse_id, aar, maaned) > (?, ?, ?) "
                    "ORDER BY leveranse_id, aar, maaned LIMIT ?", (*etter, n)).fetchall()]
                deler = [(r[0], int(r[1]), int(r[2])) for r in cur.execute(
                    "SELECT leveranse_id, aar, maaned FROM prj_bt_levert WHERE del_nr <> 0 "
                    "AND (leveranse_id, aar, maaned) > (?, ?, ?) "
                    "ORDER BY leveranse_id, aar, maaned LIMIT ?", (*etter, 4 * n)).fetchall()]
                grenser = [side[-1] for side, full in ((merket, n), (deler, 4 * n))
                           if len(side) == full]
                nokler = sorted(set(merket) | set(deler))
                if grenser:
                    nokler = [k for k in nokler if k <= min(grenser)]
                if not nokler:
                    return
                nokler = nokler[:n]
                self._beregn_og_skriv(cur, nokler)
                etter = nokler[-1]

    def _beregn_og_skriv(self, cur: Cursor, nokler: Sequence[tuple[Any, ...]]) -> None:
        lev_ids = sorted({k[0] for k in nokler})
        leveranser = {r[0]: r for r in cur.i(
            "SELECT leveranse_id, bruker_id, tjenestetype, leverandor_id, fom, tom, vedtak_id "
            "FROM prj_bt_leveranse WHERE {i}", "leveranse_id", lev_ids)}
        bruker_ids = sorted({r[1] for r in leveranser.values()})
        vedtak_ids = sorted({r[6] for r in leveranser.values() if r[6] is not None})
        brukere = {r[0]: r for r in cur.i(
            "SELECT bruker_id, sluttdato, sluttarsak FROM prj_bt_bruker WHERE {i}", "bruker_id",
            bruker_ids)}
        bydeler = bydelhistorikk(cur, "prj_bt_bydel", bruker_ids)
        vedtak = {r[0]: r for r in cur.i(
            "SELECT vedtak_id, gyldig_fra, gyldig_til FROM prj_bt_vedtak WHERE {i}", "vedtak_id",
            vedtak_ids)}
        omfang: dict[str, list[betaling.Omfangsperiode]] = {}
        for vedtak_id, fra, minutter, per_uker in sorted(cur.i(
                "SELECT vedtak_id, fra, minutter, per_uker FROM prj_bt_omfang WHERE {i}",
                "vedtak_id", vedtak_ids)):
            omfang.setdefault(vedtak_id, []).append(
                beregning.omfangsperiode(fra, minutter, per_uker))
        revurderinger: dict[str, list[tuple[str, str, str | None]]] = {}
        for vedtak_id, leverandor_id, anmodet, besvart in cur.i(
                "SELECT vedtak_id, leverandor_id, anmodet_tid, besvart_tid FROM prj_bt_revurdering "
                "WHERE {i}", "vedtak_id", vedtak_ids):
            revurderinger.setdefault(vedtak_id, []).append((leverandor_id, anmodet, besvart))
        onsket = {(k[0], int(k[1]), int(k[2])) for k in nokler}
        dager: dict[tuple[str, int, int], dict[str, list[int]]] = {}
        antall: dict[tuple[str, int, int], dict[str, int]] = {}
        deler: dict[tuple[str, int, int], int] = {}
        for rad in cur.i("SELECT leveranse_id, aar, maaned, art, del_nr, antall, dager "
                         "FROM prj_bt_levert WHERE {i}", "leveranse_id", lev_ids):
            nokkel = (rad[0], int(rad[1]), int(rad[2]))
            if nokkel not in onsket:
                continue
            verdier = [int(x) for x in rad[6].split(",")]
            per_art = dager.setdefault(nokkel, {})
            gammel = per_art.get(rad[3])
            per_art[rad[3]] = verdier if gammel is None else [
                a + b for a, b in zip(gammel, verdier, strict=True)]
            antall.setdefault(nokkel, {})[rad[3]] = antall.get(nokkel, {}).get(rad[3], 0) \
                + int(rad[5])
            deler[nokkel] = deler.get(nokkel, 0) + (1 if int(rad[4]) else 0)
        # Fold the parts of each computed month into one row per kind (del_nr 0).
        samles = sorted(k for k, n in deler.items() if n)
        if samles:
            cur.slett_nokler("prj_bt_levert", ("leveranse_id", "aar", "maaned"), samles,
                             _NOKKEL_TYPER)
            cur.mange(_LEVERT_HODE, [(*k, art, 0, antall[k][art], ",".join(map(str, d)))
                                     for k in samles for art, d in sorted(dager[k].items())],
                      "", _LEVERT_TYPER)

        betalbar_sen = self.konfig.sen_avbestilling.betalbar
        resultater: list[tuple[Any, ...]] = []
        avviksrader: list[tuple[Any, ...]] = []
        for nokkel in sorted(onsket):
            lev_id, aar, maaned = nokkel
            lev = leveranser[lev_id]
            bruker = brukere.get(lev[1])
            v = vedtak.get(lev[6]) if lev[6] else None
            # R24: one part per bydel responsible on the month's days (one, unless a move
            # takes effect in the month)
            forste, siste = kalender.maaned_grenser(aar, maaned)
            linje = bydeler.get(lev[1])
            bydelsdeler = ((forste, siste, None),) if linje is None else ansvar.ansvarsperioder(
                linje, forste, siste)
            per_art = dager.get(nokkel, {})
            for fom, tom, bydel in bydelsdeler:
                g = beregning.grunnlag(
                    aar, maaned, lev, bruker, v, tuple(omfang.get(lev[6], ())),
                    revurderinger.get(lev[6] or "", []), {a: x[:31] for a, x in per_art.items()},
                    {a: sum(x[30 + fom.day:31 + tom.day]) for a, x in per_art.items()},
                    betalbar_sen, fom, tom)
                r = betaling.beregn(g)
                if r.tom and not r.avvik:
                    continue
                resultater.append(beregning.resultatrad(lev, aar, maaned, bydel, r, fom))
                avviksrader += beregning.avviksrader(lev, aar, maaned, r, fom, bydel)
        nokkelrader = sorted(onsket)
        kolonner = ("leveranse_id", "aar", "maaned")
        cur.slett_nokler("prj_bt_maaned", kolonner, nokkelrader, _NOKKEL_TYPER)
        cur.slett_nokler("prj_bt_avvik", kolonner, nokkelrader, _NOKKEL_TYPER)
        cur.mange(f"INSERT INTO prj_bt_maaned ({RESULTAT_KOLONNER})", resultater, "",
                  RESULTAT_TYPER)
        cur.mange("INSERT INTO prj_bt_avvik (leveranse_id, aar, maaned, arsak, leverandor_id, "
                  "bruker_id, mengde, dager, del_fom, bydel)", avviksrader, "",
                  ("text", "bigint", "bigint", "text", "text", "text", "text", "text", "text",
                   "text"))
        cur.slett_nokler("prj_bt_skitten", kolonner, nokkelrader, _NOKKEL_TYPER)

