"""Payable hours, the inputs: what each event writes to the tables of ``BetalbarTid``.

Deliveries, users, vedtak and their omfang, revurdering requests, and the delivered
microseconds per day (where ``domain.betaling.plasser`` puts each visit and
cancellation); and per batch the (delivery, month) keys whose figures may have changed,
for ``Maanedsberegning`` to compute after catching up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from eventsourcing.persistence import Notification

from domain import betaling, kalender
from domain.begreper import Sluttarsak
from projections.rows import Emne, bydel_rad, tid
from projections.runner import Behandler, Projection, WriteBuffer
from projections.store import Cursor

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


class Inputs(Projection):
    """The input handlers of ``BetalbarTid`` (one per topic) and the batch's write."""


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

    # The same rows as in projections/sla.py (requests, deliveries): each projection keeps its own
    # copy in its own tables, rebuilt under its own VERSJON; a shared writer would change both read
    # models when one changes. The handlers' common shape (mark the key, write the event's row) is
    # each event's own statement.
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
                                            self.settings.sen_avbestilling.terskel)
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
