"""SLA compliance: one row per obligation with its deadline, the actual time, and its status.

This projection only records the facts (deliveries, notices, vedtak, scope changes, extensions,
revurderinger, concern reports, appeals) and, per batch, asks ``domain.frister.forpliktelser``
which obligations they give rise to (R11 start and expansion/extension, R12, R13, R16, R21, R25):
it decides nothing itself. Stored status is computed without a clock (``overholdt``, ``brutt``,
``apen``, ``ikke_aktuell``); an open one is read against the caller's clock by
``frister.status_naa`` (``brutt``, or ``utlopt`` for R25) when queried.
Grouping month: the month (Oslo) of the deadline. Bydel: the bydel responsible for the user on
the deadline date (R24, ``domain.ansvar.ansvarlig_bydel``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from eventsourcing.persistence import Notification

from domain import ansvar, frister, kalender
from domain.begreper import Kanal, Tjenestetype
from projections.rows import Emne, bydel_ddl, bydel_rad, bydelhistorikk, dato, tid, utc_tekst
from projections.runner import Behandler, Projection, WriteBuffer
from projections.store import Cursor

_EN_DAG = timedelta(days=1)

OVERHOLDT = frister.Friststatus.OVERHOLDT.value
BRUTT = frister.Friststatus.BRUTT.value
APEN = frister.Friststatus.APEN.value
UTLOPT = frister.Friststatus.UTLOPT.value
STATUSER = (OVERHOLDT, BRUTT, APEN, UTLOPT)

_PLIKT_KOLONNER = ("plikt_id, regel, plikt, kilde_id, bruker_id, leverandor_id, tjenestetype, "
                   "bydel, frist_dato, frist, frist_utc, inklusiv, faktisk, status, maaned, merknad, "
                   "skyldig, utlost_av")


@dataclass(frozen=True)
class SlaForpliktelse:
    """One obligation. ``frist``/``faktisk`` are Oslo-time ISO text (a date for R13/R25)."""

    plikt_id: str
    regel: str
    plikt: str
    kilde_id: str
    bruker_id: str
    leverandor_id: str | None
    tjenestetype: str | None
    bydel: str | None
    frist: str
    faktisk: str | None
    status: str
    maaned: str
    merknad: str
    skyldig: str = ""
    utlost_av: str = ""
    inklusiv: bool = True

    # Same as projections/arbeidsliste.py's Oppgave.fristen: the logic is one function,
    # frister.Frist.fra_tekst; a shared base class cannot carry it (its field has a default).
    @property
    def fristen(self) -> frister.Frist:
        return frister.Frist.fra_tekst(self.frist, self.inklusiv)


@dataclass(frozen=True)
class SlaAggregat:
    gruppe: dict[str, str | None]
    overholdt: int
    brutt: int
    apen: int
    utlopt: int
    ikke_aktuell: int = 0  # listed with the reason, never counted as met or breached

    @property
    def avgjort(self) -> int:
        return self.overholdt + self.brutt

    @property
    def andel_overholdt(self) -> float | None:
        """Share met of the obligations decided (met or breached); None when none are."""
        return self.overholdt / self.avgjort if self.avgjort else None


def _lokal_tekst(dt: datetime) -> str:
    return kalender.lokal(dt).isoformat()


@dataclass
class _Batch:
    """What a batch touched; its obligations are recomputed once, at the end of the batch."""

    leveranser: set[str] = field(default_factory=set)
    vedtak: set[str] = field(default_factory=set)
    flyttet: set[str] = field(default_factory=set)


def _rad(x: frister.Forpliktelse, bydel: str | None) -> tuple[Any, ...]:
    f = x.frist
    grense = f.grense
    if isinstance(x.oppfylt, datetime):
        faktisk: str | None = _lokal_tekst(x.oppfylt)
    else:
        faktisk = x.oppfylt.isoformat() if x.oppfylt is not None else None
    # A date deadline is breached from the start of the next Oslo day (stored exclusive).
    inklusiv = f.inklusiv if f.dato is None else False
    d = f.dato if f.dato is not None else kalender.lokal_dato(grense)
    return (x.plikt_id, x.regel, x.plikt, x.kilde_id, x.bruker_id, x.leverandor_id,
            x.tjenestetype.value, bydel, d.isoformat(), f.tekst(), utc_tekst(grense),
            1 if inklusiv else 0, faktisk, x.status.value, f"{d.year:04d}-{d.month:02d}",
            x.merknad, x.skyldig.value, x.utlost_av)


def _frist_dato(x: frister.Forpliktelse) -> str:
    f = x.frist
    return (f.dato if f.dato is not None else kalender.lokal_dato(f.grense)).isoformat()


class Sla(Projection):
    navn = "sla"
    VERSJON = 5  # 4: R11 for a new vedtak on a running service; 5: moves folded (R24)
    konfigdeler = ("sla",)
    tabeller = ("prj_sla_bydel", "prj_sla_leveranse", "prj_sla_varsel", "prj_sla_vedtak",
                "prj_sla_forlengelse", "prj_sla_omfang", "prj_sla_revurdering", "prj_sla_melding",
                "prj_sla_plikt")
    ddl = (
        bydel_ddl("prj_sla_bydel"),
        "CREATE TABLE IF NOT EXISTS prj_sla_leveranse (leveranse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, leverandor_id TEXT NOT NULL, "
        "fom TEXT NOT NULL, tom TEXT, vedtak_id TEXT, startet_tid TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_sla_leveranse_vedtak ON prj_sla_leveranse (vedtak_id)",
        "CREATE INDEX IF NOT EXISTS prj_sla_leveranse_bruker ON prj_sla_leveranse (bruker_id)",
        "CREATE TABLE IF NOT EXISTS prj_sla_varsel (leveranse_id TEXT NOT NULL, "
        "posisjon BIGINT NOT NULL, kanal TEXT NOT NULL, varslet_tid TEXT NOT NULL, "
        "hast BIGINT NOT NULL, gjelder TEXT NOT NULL, gjelder_fra TEXT, "
        "PRIMARY KEY (leveranse_id, posisjon))",
        "CREATE TABLE IF NOT EXISTS prj_sla_vedtak (vedtak_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, gyldig_til_fattet TEXT, "
        "mottatt_dato TEXT, klage_dato TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_sla_vedtak_bruker ON prj_sla_vedtak (bruker_id)",
        "CREATE TABLE IF NOT EXISTS prj_sla_forlengelse (vedtak_id TEXT NOT NULL, "
        "versjon BIGINT NOT NULL, ny_til TEXT, registrert_tid TEXT NOT NULL, "
        "PRIMARY KEY (vedtak_id, versjon))",
        "CREATE TABLE IF NOT EXISTS prj_sla_omfang (vedtak_id TEXT NOT NULL, "
        "versjon BIGINT NOT NULL, fra TEXT NOT NULL, minutter BIGINT NOT NULL, "
        "per_uker BIGINT NOT NULL, registrert_tid TEXT NOT NULL, PRIMARY KEY (vedtak_id, versjon))",
        "CREATE TABLE IF NOT EXISTS prj_sla_revurdering (revurdering_id TEXT PRIMARY KEY, "
        "vedtak_id TEXT NOT NULL, leverandor_id TEXT NOT NULL, anmodet_tid TEXT NOT NULL, "
        "besvart_tid TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_sla_revurdering_vedtak ON prj_sla_revurdering (vedtak_id)",
        "CREATE TABLE IF NOT EXISTS prj_sla_melding (melding_id TEXT PRIMARY KEY, "
        "leveranse_id TEXT NOT NULL, mottatt_tid TEXT NOT NULL, videresendt_tid TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_sla_melding_leveranse ON prj_sla_melding (leveranse_id)",
        "CREATE TABLE IF NOT EXISTS prj_sla_plikt (plikt_id TEXT PRIMARY KEY, "
        "regel TEXT NOT NULL, plikt TEXT NOT NULL, kilde_id TEXT NOT NULL, "
        "bruker_id TEXT NOT NULL, leverandor_id TEXT, tjenestetype TEXT, bydel TEXT, "
        "frist_dato TEXT NOT NULL, frist TEXT NOT NULL, frist_utc TEXT NOT NULL, "
        "inklusiv BIGINT NOT NULL, faktisk TEXT, status TEXT NOT NULL, maaned TEXT NOT NULL, "
        "merknad TEXT NOT NULL, skyldig TEXT NOT NULL, utlost_av TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_kilde ON prj_sla_plikt (kilde_id)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_bruker ON prj_sla_plikt (bruker_id)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_leverandor ON prj_sla_plikt (leverandor_id, maaned)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_bydel ON prj_sla_plikt (bydel, maaned)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_maaned ON prj_sla_plikt (maaned)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_status ON prj_sla_plikt (status, frist_utc)",
    )

    def behandlere(self) -> dict[str, Behandler]:
        return {
            Emne.BRUKER_REGISTRERT: self._bruker_registrert,
            Emne.FLYTTET_TIL_BYDEL: self._flyttet_til_bydel,
            Emne.VEDTAK_FATTET: self._vedtak_fattet,
            Emne.VEDTAK_MOTTATT: self._vedtak_mottatt,
            Emne.KLAGE_MOTTATT: self._klage_mottatt,
            Emne.VEDTAK_FORLENGET: self._vedtak_forlenget,
            Emne.VEDTAK_REVIDERT: self._vedtak_revidert,
            Emne.REVURDERING_ANMODET: self._revurdering_anmodet,
            Emne.REVURDERING_BESVART: self._revurdering_besvart,
            Emne.LEVERANSE_BESTILT: self._leveranse_bestilt,
            Emne.LEVERANDOR_VARSLET: self._varslet,
            Emne.KNYTTET_TIL_VEDTAK: self._knyttet,
            Emne.LEVERANSE_STARTET: self._startet,
            Emne.LEVERANSE_AVSLUTTET: self._ny_tom("sluttdato"),
            Emne.LEVERANSE_FORLENGET: self._ny_tom("ny_tom"),
            Emne.BEKYMRING_MOTTATT: self._bekymring_mottatt,
            Emne.BEKYMRING_VIDERESENDT: self._bekymring_videresendt,
        }

    def ny_batch(self) -> _Batch:
        return _Batch()

    # --- handlers: record the facts (writes only; obligations are computed per batch) ------

    def _bruker_registrert(self, cur: WriteBuffer, b: _Batch, n: Notification,
                           d: dict[str, Any]) -> None:
        bydel_rad("prj_sla_bydel", d["originator_id"], 0, date.min.isoformat(), d["bydel"], cur)

    def _flyttet_til_bydel(self, cur: WriteBuffer, b: _Batch, n: Notification,
                           d: dict[str, Any]) -> None:
        """R24: obligations falling due from the move's date belong to the new bydel; history
        stays."""
        bydel_rad("prj_sla_bydel", d["originator_id"], n.id, d["dato"], d["til_bydel"], cur)
        b.flyttet.add(d["originator_id"])

    def _omfang(self, cur: WriteBuffer, d: dict[str, Any], fra: str, omfang: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_omfang (vedtak_id, versjon, fra, minutter, per_uker, "
                    "registrert_tid) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (vedtak_id, versjon) DO NOTHING",
                    (d["originator_id"], d["originator_version"], fra, omfang["minutter"],
                     omfang.get("per_uker", 1), d["timestamp"]))

    def _vedtak_fattet(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_vedtak (vedtak_id, bruker_id, tjenestetype, "
                    "gyldig_til_fattet) VALUES (?, ?, ?, ?) ON CONFLICT (vedtak_id) DO NOTHING",
                    (d["originator_id"], d["bruker_id"], d["tjenestetype"], d["gyldig_til"]))
        self._omfang(cur, d, d["gyldig_fra"], d["omfang"])
        b.vedtak.add(d["originator_id"])

    def _vedtak_mottatt(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_vedtak SET mottatt_dato = ? WHERE vedtak_id = ?",
                    (d["mottatt_dato"], d["originator_id"]))
        b.vedtak.add(d["originator_id"])

    def _klage_mottatt(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_vedtak SET klage_dato = ? WHERE vedtak_id = ? "
                    "AND (klage_dato IS NULL OR klage_dato > ?)",
                    (d["mottatt_dato"], d["originator_id"], d["mottatt_dato"]))
        b.vedtak.add(d["originator_id"])

    def _vedtak_forlenget(self, cur: WriteBuffer, b: _Batch, n: Notification,
                          d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_forlengelse (vedtak_id, versjon, ny_til, "
                    "registrert_tid) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (vedtak_id, versjon) DO NOTHING",
                    (d["originator_id"], d["originator_version"], d["ny_gyldig_til"],
                     d["timestamp"]))
        b.vedtak.add(d["originator_id"])

    def _vedtak_revidert(self, cur: WriteBuffer, b: _Batch, n: Notification,
                         d: dict[str, Any]) -> None:
        self._omfang(cur, d, d["gyldig_fra"], d["nytt_omfang"])
        b.vedtak.add(d["originator_id"])

    def _revurdering_anmodet(self, cur: WriteBuffer, b: _Batch, n: Notification,
                             d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_revurdering (revurdering_id, vedtak_id, leverandor_id, "
                    "anmodet_tid) VALUES (?, ?, ?, ?) ON CONFLICT (revurdering_id) DO NOTHING",
                    (d["revurdering_id"], d["originator_id"], d["leverandor_id"],
                     d["anmodet_tid"]))
        b.vedtak.add(d["originator_id"])

    def _revurdering_besvart(self, cur: WriteBuffer, b: _Batch, n: Notification,
                             d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_revurdering SET besvart_tid = ? WHERE revurdering_id = ?",
                    (d["besvart_tid"], d["revurdering_id"]))
        if d["utfall"] == "endret" and d.get("nytt_omfang") and d.get("gyldig_fra"):
            self._omfang(cur, d, d["gyldig_fra"], d["nytt_omfang"])
        b.vedtak.add(d["originator_id"])

    def _leveranse_bestilt(self, cur: WriteBuffer, b: _Batch, n: Notification,
                           d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_leveranse (leveranse_id, bruker_id, tjenestetype, "
                    "leverandor_id, fom, tom, vedtak_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (leveranse_id) DO NOTHING",
                    (d["originator_id"], d["bruker_id"], d["tjenestetype"], d["leverandor_id"],
                     d["fom"], d["tom"], d["vedtak_id"]))
        b.leveranser.add(d["originator_id"])

    def _varslet(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_varsel (leveranse_id, posisjon, kanal, varslet_tid, "
                    "hast, gjelder, gjelder_fra) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (leveranse_id, posisjon) DO NOTHING",
                    (d["originator_id"], d["originator_version"], d["kanal"], d["varslet_tid"],
                     1 if d.get("hast") else 0, d["gjelder"], d.get("gjelder_fra")))
        b.leveranser.add(d["originator_id"])

    def _knyttet(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_leveranse SET vedtak_id = ? WHERE leveranse_id = ?",
                    (d["vedtak_id"], d["originator_id"]))
        b.leveranser.add(d["originator_id"])
        b.vedtak.add(d["vedtak_id"])

    def _startet(self, cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_leveranse SET startet_tid = ? WHERE leveranse_id = ? "
                    "AND startet_tid IS NULL", (d["startet_tid"], d["originator_id"]))
        b.leveranser.add(d["originator_id"])

    @staticmethod
    def _ny_tom(felt: str) -> Any:
        """A delivery's end moved (ended: ``sluttdato``; extended with its vedtak: ``ny_tom``)."""

        def behandle(cur: WriteBuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
            cur.execute("UPDATE prj_sla_leveranse SET tom = ? WHERE leveranse_id = ?",
                        (d[felt], d["originator_id"]))
            b.leveranser.add(d["originator_id"])

        return behandle

    # Same shape as the handlers above: each writes its event's row and marks its key; the rows
    # shared with betalbar_tid are explained at its _revurdering_anmodet.
    def _bekymring_mottatt(self, cur: WriteBuffer, b: _Batch, n: Notification,
                           d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_melding (melding_id, leveranse_id, mottatt_tid) "
                    "VALUES (?, ?, ?) ON CONFLICT (melding_id) DO NOTHING",
                    (d["melding_id"], d["originator_id"], d["mottatt_tid"]))
        b.leveranser.add(d["originator_id"])

    def _bekymring_videresendt(self, cur: WriteBuffer, b: _Batch, n: Notification,
                               d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_melding SET videresendt_tid = ? WHERE melding_id = ? "
                    "AND videresendt_tid IS NULL", (d["videresendt_tid"], d["melding_id"]))
        b.leveranser.add(d["originator_id"])

    # --- obligations, computed once per batch for what the batch touched -------------------

    def skriv_batch(self, cur: Cursor, b: _Batch) -> None:
        # A vedtak's expansion is owed on its deliveries, and a new vedtak's on the running
        # deliveries of the same user: a touched user's facts are computed together.
        eiere = {x for (x,) in cur.i("SELECT bruker_id FROM prj_sla_leveranse WHERE {i}",
                                      "leveranse_id", sorted(b.leveranser))}
        eiere |= {x for (x,) in cur.i("SELECT bruker_id FROM prj_sla_vedtak WHERE {i}",
                                       "vedtak_id", sorted(b.vedtak))}
        lev_ids = set(b.leveranser) | {x for (x,) in cur.i(
            "SELECT leveranse_id FROM prj_sla_leveranse WHERE {i}", "bruker_id", sorted(eiere))}
        vedtak_ids = set(b.vedtak) | {x for (x,) in cur.i(
            "SELECT vedtak_id FROM prj_sla_vedtak WHERE {i}", "bruker_id", sorted(eiere))}
        leveranser = self._leveransefakta(cur, sorted(lev_ids))
        vedtak = self._vedtaksfakta(cur, sorted(vedtak_ids))
        plikter = frister.forpliktelser(leveranser, vedtak, self.settings.sla, None)
        kilder = sorted(lev_ids | vedtak_ids)
        cur.i("DELETE FROM prj_sla_plikt WHERE {i}", "kilde_id", kilder, hent=False)

        brukere = sorted({x.bruker_id for x in plikter} | b.flyttet)
        historikk = bydelhistorikk(cur, "prj_sla_bydel", brukere)

        def bydel_paa(bruker_id: str, paa: str) -> str | None:
            linje = historikk.get(bruker_id)
            return None if linje is None else ansvar.ansvarlig_bydel(linje, date.fromisoformat(paa))

        ny = {x.plikt_id for x in plikter}
        if b.flyttet:  # R24: obligations already stored follow the bydel history
            for plikt_id, bruker_id, frist_dato in cur.i(
                    "SELECT plikt_id, bruker_id, frist_dato FROM prj_sla_plikt WHERE {i}",
                    "bruker_id", sorted(b.flyttet)):
                if plikt_id not in ny:
                    cur.execute("UPDATE prj_sla_plikt SET bydel = ? WHERE plikt_id = ?",
                                (bydel_paa(bruker_id, frist_dato), plikt_id))
        cur.mange(f"INSERT INTO prj_sla_plikt ({_PLIKT_KOLONNER})",
                  [_rad(x, bydel_paa(x.bruker_id, _frist_dato(x)))
                   for x in sorted(plikter, key=lambda x: x.plikt_id)], _PLIKT_UPSERT,
                  _PLIKT_TYPER)

    @staticmethod
    def _leveransefakta(cur: Cursor, ids: list[str]) -> list[frister.Leveransefakta]:
        varsler: dict[str, list[tuple[int, frister.Varsel]]] = {}
        for lev, pos, kanal, t, hast, gjelder, gjelder_fra in cur.i(
                "SELECT leveranse_id, posisjon, kanal, varslet_tid, hast, gjelder, gjelder_fra "
                "FROM prj_sla_varsel WHERE {i}", "leveranse_id", ids):
            varsler.setdefault(lev, []).append((int(pos), frister.Varsel(
                Kanal(kanal), tid(t), bool(hast), frister.Varselgrunn(gjelder), dato(gjelder_fra))))
        meldinger: dict[str, list[frister.Melding]] = {}
        for mid, lev, mottatt, videresendt in sorted(cur.i(
                "SELECT melding_id, leveranse_id, mottatt_tid, videresendt_tid FROM "
                "prj_sla_melding WHERE {i}", "leveranse_id", ids)):
            meldinger.setdefault(lev, []).append(frister.Melding(
                mid, tid(mottatt), tid(videresendt) if videresendt else None))
        ut = []
        for lid, bruker_id, tjenestetype, leverandor_id, fom, tom, vedtak_id, startet in sorted(
                cur.i("SELECT leveranse_id, bruker_id, tjenestetype, leverandor_id, fom, tom, "
                      "vedtak_id, startet_tid FROM prj_sla_leveranse WHERE {i}",
                      "leveranse_id", ids)):
            ut.append(frister.Leveransefakta(
                lid, bruker_id, Tjenestetype(tjenestetype), leverandor_id, vedtak_id,
                date.fromisoformat(fom), dato(tom), tid(startet) if startet else None,
                tuple(v for _, v in sorted(varsler.get(lid, []), key=lambda x: x[0])),
                tuple(meldinger.get(lid, []))))
        return ut

    @staticmethod
    def _vedtaksfakta(cur: Cursor, ids: list[str]) -> list[frister.Vedtaksfakta]:
        omfang: dict[str, list[frister.Omfangsendring]] = {}
        for vid, versjon, fra, minutter, per_uker, registrert in cur.i(
                "SELECT vedtak_id, versjon, fra, minutter, per_uker, registrert_tid FROM "
                "prj_sla_omfang WHERE {i}", "vedtak_id", ids):
            omfang.setdefault(vid, []).append(frister.Omfangsendring(
                int(versjon), date.fromisoformat(fra), int(minutter), int(per_uker),
                tid(registrert)))
        forlengelser: dict[str, list[frister.Forlengelse]] = {}
        for vid, versjon, ny_til, registrert in cur.i(
                "SELECT vedtak_id, versjon, ny_til, registrert_tid FROM prj_sla_forlengelse "
                "WHERE {i}", "vedtak_id", ids):
            forlengelser.setdefault(vid, []).append(frister.Forlengelse(
                int(versjon), dato(ny_til), tid(registrert)))
        revurderinger: dict[str, list[frister.Revurderingsfakta]] = {}
        for rid, vid, leverandor_id, anmodet, besvart in sorted(cur.i(
                "SELECT revurdering_id, vedtak_id, leverandor_id, anmodet_tid, besvart_tid "
                "FROM prj_sla_revurdering WHERE {i}", "vedtak_id", ids)):
            revurderinger.setdefault(vid, []).append(frister.Revurderingsfakta(
                rid, leverandor_id, tid(anmodet), tid(besvart) if besvart else None))
        ut = []
        for vid, bruker_id, tjenestetype, til, mottatt, klage in sorted(cur.i(
                "SELECT vedtak_id, bruker_id, tjenestetype, gyldig_til_fattet, mottatt_dato, "
                "klage_dato FROM prj_sla_vedtak WHERE {i}", "vedtak_id", ids)):
            ut.append(frister.Vedtaksfakta(
                vid, bruker_id, Tjenestetype(tjenestetype), dato(til),
                tuple(sorted(omfang.get(vid, []), key=lambda x: x.versjon)),
                tuple(sorted(forlengelser.get(vid, []), key=lambda x: x.versjon)),
                dato(mottatt), (date.fromisoformat(klage),) if klage else (),
                tuple(revurderinger.get(vid, []))))
        return ut


_PLIKT_TYPER = ("text",) * 11 + ("bigint",) + ("text",) * 6
_PLIKT_UPSERT = (
    "ON CONFLICT (plikt_id) DO UPDATE SET leverandor_id = excluded.leverandor_id, "
    "bydel = excluded.bydel, frist_dato = excluded.frist_dato, frist = excluded.frist, "
    "frist_utc = excluded.frist_utc, inklusiv = excluded.inklusiv, faktisk = excluded.faktisk, "
    "status = excluded.status, maaned = excluded.maaned, merknad = excluded.merknad, "
    "skyldig = excluded.skyldig, utlost_av = excluded.utlost_av")


# --- queries ------------------------------------------------------------------------------------

_FILTRE = ("leverandor_id", "bydel", "maaned", "regel", "bruker_id", "tjenestetype", "skyldig")


def _filter(**verdier: Any) -> tuple[str, list[Any]]:
    vilkaar, params = [], []
    for kolonne in _FILTRE:
        verdi = verdier.get(kolonne)
        if verdi is not None:
            vilkaar.append(f"{kolonne} = ?")
            params.append(verdi)
    if verdier.get("bare_utestaaende"):
        vilkaar.append("status = ?")  # unmet and, without a clock, still open
        params.append(frister.Friststatus.APEN.value)
    if verdier.get("frist_foer") is not None:
        vilkaar.append("frist_utc < ?")
        params.append(utc_tekst(verdier["frist_foer"]))
    return (" WHERE " + " AND ".join(vilkaar)) if vilkaar else "", params


_VELG = ("SELECT plikt_id, regel, plikt, kilde_id, bruker_id, leverandor_id, tjenestetype, "
         "bydel, frist, faktisk, status, maaned, merknad, skyldig, utlost_av, inklusiv "
         "FROM prj_sla_plikt")


def _med_status(r: tuple[Any, ...], naa: datetime) -> SlaForpliktelse:
    """A stored row with its status read at ``naa`` (the domain decides; see module doc)."""
    regel, frist, lagret = r[1], r[8], frister.Friststatus(r[10])
    inklusiv = bool(r[15])
    st = frister.status_naa(regel, lagret, frister.Frist.fra_tekst(frist, inklusiv), naa)
    return SlaForpliktelse(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], st.value,
                           r[11], r[12], r[13], r[14], inklusiv)


def forpliktelser(cur: Cursor, naa: datetime, leverandor_id: str | None = None,
                  bydel: str | None = None, maaned: str | None = None,
                  regel: str | None = None, grense: int | None = None, *,
                  bruker_id: str | None = None, tjenestetype: str | None = None,
                  skyldig: str | None = None, bare_utestaaende: bool = False,
                  frist_foer: datetime | None = None, hopp_over: int = 0) -> list[SlaForpliktelse]:
    kalender.krev_tidssone(naa, "naa", "BV2")
    hvor, params = _filter(leverandor_id=leverandor_id, bydel=bydel, maaned=maaned, regel=regel,
                           bruker_id=bruker_id, tjenestetype=tjenestetype, skyldig=skyldig,
                           bare_utestaaende=bare_utestaaende, frist_foer=frist_foer)
    sql = f"{_VELG}{hvor} ORDER BY frist_utc, plikt_id"
    if grense is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [grense, hopp_over]
    ut = [_med_status(r, naa) for r in cur.execute(sql, params).fetchall()]
    if bare_utestaaende:  # a lapsed right (R25) is owed by nobody
        ut = [x for x in ut if x.status != UTLOPT]
    return ut


_GRUPPER = {"leverandor": "leverandor_id", "bydel": "bydel", "maaned": "maaned",
            "regel": "regel", "plikt": "plikt", "skyldig": "skyldig"}


def aggregat(cur: Cursor, naa: datetime, gruppering: Sequence[str],
             leverandor_id: str | None = None, bydel: str | None = None,
             maaned: str | None = None, regel: str | None = None, *,
             bare_utestaaende: bool = False, bruker_id: str | None = None) -> list[SlaAggregat]:
    ukjent = [g for g in gruppering if g not in _GRUPPER]
    if ukjent:
        raise ValueError(f"ukjent gruppering {ukjent}; bruk {sorted(_GRUPPER)}")
    rader = forpliktelser(cur, naa, leverandor_id, bydel, maaned, regel,
                          bare_utestaaende=bare_utestaaende, bruker_id=bruker_id)
    tall: dict[tuple[Any, ...], dict[str, int]] = {}
    ikke = frister.Friststatus.IKKE_AKTUELL.value
    for x in rader:
        noekkel = tuple(getattr(x, _GRUPPER[g]) for g in gruppering)
        tall.setdefault(noekkel, dict.fromkeys((*STATUSER, ikke), 0))[x.status] += 1
    return [SlaAggregat(dict(zip(gruppering, k, strict=True)), v[OVERHOLDT], v[BRUTT], v[APEN],
                        v[UTLOPT], ikke_aktuell=v[ikke])
            for k, v in sorted(tall.items(), key=lambda kv: tuple((x is None, x or "")
                                                                    for x in kv[0]))]
