"""SLA compliance: one row per obligation with its deadline, the actual time, and its status.

Every deadline comes from ``domain.kalender`` (working days, Norwegian public holidays, Oslo time,
DST-safe durations); this module only decides *which* facts an obligation is measured on:

- R11  home nursing, ordinary start: the first non-urgent Pasientovergang notice, deadline
       ``frist_r11_varsel(delivery start)`` (inclusive). Also for an extended vedtak
       (``R11``/``varsel_forlengelse``): the deadline is for the day after the old end, measured on
       the first non-urgent Pasientovergang notice on a delivery of that vedtak given on or after
       the local day the extension was recorded (the events do not say which notice an extension
       belongs to; see docs/projections.md).
- R12  urgent home nursing (a notice with ``hast``): the telephone notice must be in time
       (``r12_telefonvarsel_i_tide``), and the delivery must start by ``frist_r12_oppstart``.
       A delivery notified urgently is measured by R12, not R11.
- R13  praktisk bistand: start (``LeveranseStartet``, local date) by ``frist_r13_oppstart`` of the
       first Henvendelse notice.
- R16  a revurdering request answered before ``frist_r16_svar`` (exclusive).
- R21  a bekymringsmelding forwarded by ``frist_r21_videresending`` (threshold configurable).
- R25  the appeal deadline ``frist_r25_klage`` of a vedtak that reached the user: an appeal on
       time is ``overholdt``, a late one ``brutt`` (recorded and flagged), none yet ``apen``, none
       and the deadline passed ``utlopt`` (the right lapsed; not a breach by anyone).

Stored status is ``overholdt``, ``brutt`` or ``apen``; an open obligation whose deadline has
passed reads as ``brutt`` (``utlopt`` for R25) at query time, against the caller's clock.
Grouping month: the month (Oslo) of the deadline. Bydel: the user's bydel on the deadline date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from eventsourcing.persistence import Notification

from domain import kalender
from domain.felles import Kanal, Tjenestetype
from projections.felles import Emne, dato, tid, utc_tekst
from projections.lager import Markor
from projections.rammeverk import Behandler, Projeksjon, Skrivebuffer

_EN_DAG = timedelta(days=1)

OVERHOLDT = "overholdt"
BRUTT = "brutt"
APEN = "apen"
UTLOPT = "utlopt"
STATUSER = (OVERHOLDT, BRUTT, APEN, UTLOPT)

_PLIKT_KOLONNER = ("plikt_id, regel, plikt, kilde_id, bruker_id, leverandor_id, tjenestetype, "
                   "bydel, frist_dato, frist, frist_utc, inklusiv, faktisk, status, maaned, merknad")


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


@dataclass(frozen=True)
class SlaAggregat:
    gruppe: dict[str, str | None]
    overholdt: int
    brutt: int
    apen: int
    utlopt: int

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
    forlengelser: set[str] = field(default_factory=set)
    revurderinger: set[str] = field(default_factory=set)
    meldinger: set[str] = field(default_factory=set)
    klager: set[str] = field(default_factory=set)
    flyttet: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Plikt:
    plikt_id: str
    regel: str
    plikt: str
    kilde_id: str
    bruker_id: str
    leverandor_id: str | None
    tjenestetype: str | None
    frist: datetime | date
    inklusiv: bool
    faktisk: datetime | date | None
    status: str
    merknad: str = ""

    @property
    def frist_dato(self) -> date:
        return kalender.lokal_dato(self.frist) if isinstance(self.frist, datetime) else self.frist

    def rad(self, bydel: str | None) -> tuple[Any, ...]:
        if isinstance(self.frist, datetime):
            frist_tekst, frist_utc, inklusiv = _lokal_tekst(self.frist), utc_tekst(self.frist), \
                self.inklusiv
        else:
            # A date deadline is breached from the start of the next Oslo day.
            frist_tekst = self.frist.isoformat()
            frist_utc = utc_tekst(kalender.lokalt_tidspunkt(self.frist + _EN_DAG, time(0)))
            inklusiv = False
        if isinstance(self.faktisk, datetime):
            faktisk: str | None = _lokal_tekst(self.faktisk)
        else:
            faktisk = self.faktisk.isoformat() if self.faktisk is not None else None
        d = self.frist_dato
        return (self.plikt_id, self.regel, self.plikt, self.kilde_id, self.bruker_id,
                self.leverandor_id, self.tjenestetype, bydel, d.isoformat(), frist_tekst,
                frist_utc, 1 if inklusiv else 0, faktisk, self.status,
                f"{d.year:04d}-{d.month:02d}", self.merknad)


class Sla(Projeksjon):
    navn = "sla"
    VERSJON = 2
    konfigdeler = ("sla",)
    tabeller = ("prj_sla_bydel", "prj_sla_leveranse", "prj_sla_varsel", "prj_sla_vedtak",
                "prj_sla_forlengelse", "prj_sla_revurdering", "prj_sla_melding", "prj_sla_plikt")
    ddl = (
        "CREATE TABLE IF NOT EXISTS prj_sla_bydel (bruker_id TEXT NOT NULL, "
        "fra_dato TEXT NOT NULL, bydel TEXT NOT NULL, PRIMARY KEY (bruker_id, fra_dato))",
        "CREATE TABLE IF NOT EXISTS prj_sla_leveranse (leveranse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, leverandor_id TEXT NOT NULL, "
        "fom TEXT NOT NULL, tom TEXT, vedtak_id TEXT, startet_tid TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_sla_leveranse_vedtak ON prj_sla_leveranse (vedtak_id)",
        "CREATE TABLE IF NOT EXISTS prj_sla_varsel (leveranse_id TEXT NOT NULL, "
        "posisjon BIGINT NOT NULL, kanal TEXT NOT NULL, varslet_tid TEXT NOT NULL, "
        "hast BIGINT NOT NULL, PRIMARY KEY (leveranse_id, posisjon))",
        "CREATE TABLE IF NOT EXISTS prj_sla_vedtak (vedtak_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, gyldig_til_fattet TEXT, "
        "mottatt_dato TEXT, klage_dato TEXT)",
        "CREATE TABLE IF NOT EXISTS prj_sla_forlengelse (vedtak_id TEXT NOT NULL, "
        "posisjon BIGINT NOT NULL, ny_til TEXT, registrert_dato TEXT NOT NULL, "
        "PRIMARY KEY (vedtak_id, posisjon))",
        "CREATE TABLE IF NOT EXISTS prj_sla_revurdering (revurdering_id TEXT PRIMARY KEY, "
        "vedtak_id TEXT NOT NULL, leverandor_id TEXT NOT NULL, anmodet_tid TEXT NOT NULL, "
        "besvart_tid TEXT)",
        "CREATE TABLE IF NOT EXISTS prj_sla_melding (melding_id TEXT PRIMARY KEY, "
        "leveranse_id TEXT NOT NULL, mottatt_tid TEXT NOT NULL, videresendt_tid TEXT)",
        "CREATE TABLE IF NOT EXISTS prj_sla_plikt (plikt_id TEXT PRIMARY KEY, "
        "regel TEXT NOT NULL, plikt TEXT NOT NULL, kilde_id TEXT NOT NULL, "
        "bruker_id TEXT NOT NULL, leverandor_id TEXT, tjenestetype TEXT, bydel TEXT, "
        "frist_dato TEXT NOT NULL, frist TEXT NOT NULL, frist_utc TEXT NOT NULL, "
        "inklusiv BIGINT NOT NULL, faktisk TEXT, status TEXT NOT NULL, maaned TEXT NOT NULL, "
        "merknad TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_kilde ON prj_sla_plikt (kilde_id)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_bruker ON prj_sla_plikt (bruker_id)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_leverandor ON prj_sla_plikt (leverandor_id, maaned)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_bydel ON prj_sla_plikt (bydel, maaned)",
        "CREATE INDEX IF NOT EXISTS prj_sla_plikt_maaned ON prj_sla_plikt (maaned)",
    )

    def behandlere(self) -> dict[str, Behandler]:
        return {
            Emne.BRUKER_REGISTRERT: self._bruker_registrert,
            Emne.FLYTTET_TIL_BYDEL: self._flyttet_til_bydel,
            Emne.VEDTAK_FATTET: self._vedtak_fattet,
            Emne.VEDTAK_MOTTATT: self._vedtak_mottatt,
            Emne.KLAGE_MOTTATT: self._klage_mottatt,
            Emne.VEDTAK_FORLENGET: self._vedtak_forlenget,
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

    def _bruker_registrert(self, cur: Skrivebuffer, b: _Batch, n: Notification,
                           d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_bydel (bruker_id, fra_dato, bydel) VALUES (?, ?, ?) "
                    "ON CONFLICT (bruker_id, fra_dato) DO UPDATE SET bydel = excluded.bydel",
                    (d["originator_id"], date.min.isoformat(), d["bydel"]))

    def _flyttet_til_bydel(self, cur: Skrivebuffer, b: _Batch, n: Notification,
                           d: dict[str, Any]) -> None:
        """R24: obligations falling due after the move belong to the new bydel; history stays."""
        cur.execute("INSERT INTO prj_sla_bydel (bruker_id, fra_dato, bydel) VALUES (?, ?, ?) "
                    "ON CONFLICT (bruker_id, fra_dato) DO UPDATE SET bydel = excluded.bydel",
                    (d["originator_id"], d["dato"], d["til_bydel"]))
        b.flyttet.add(d["originator_id"])

    def _vedtak_fattet(self, cur: Skrivebuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_vedtak (vedtak_id, bruker_id, tjenestetype, "
                    "gyldig_til_fattet) VALUES (?, ?, ?, ?) ON CONFLICT (vedtak_id) DO NOTHING",
                    (d["originator_id"], d["bruker_id"], d["tjenestetype"], d["gyldig_til"]))

    def _vedtak_mottatt(self, cur: Skrivebuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_vedtak SET mottatt_dato = ? WHERE vedtak_id = ?",
                    (d["mottatt_dato"], d["originator_id"]))
        b.klager.add(d["originator_id"])

    def _klage_mottatt(self, cur: Skrivebuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_vedtak SET klage_dato = ? WHERE vedtak_id = ? "
                    "AND (klage_dato IS NULL OR klage_dato > ?)",
                    (d["mottatt_dato"], d["originator_id"], d["mottatt_dato"]))
        b.klager.add(d["originator_id"])

    def _vedtak_forlenget(self, cur: Skrivebuffer, b: _Batch, n: Notification,
                          d: dict[str, Any]) -> None:
        """R11: an extension; the old end is the previous extension's (or the vedtak's own)."""
        cur.execute("INSERT INTO prj_sla_forlengelse (vedtak_id, posisjon, ny_til, "
                    "registrert_dato) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (vedtak_id, posisjon) DO NOTHING",
                    (d["originator_id"], n.id, d["ny_gyldig_til"],
                     kalender.lokal_dato(tid(d["timestamp"])).isoformat()))
        b.forlengelser.add(d["originator_id"])

    def _revurdering_anmodet(self, cur: Skrivebuffer, b: _Batch, n: Notification,
                             d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_revurdering (revurdering_id, vedtak_id, leverandor_id, "
                    "anmodet_tid) VALUES (?, ?, ?, ?) ON CONFLICT (revurdering_id) DO NOTHING",
                    (d["revurdering_id"], d["originator_id"], d["leverandor_id"],
                     d["anmodet_tid"]))
        b.revurderinger.add(d["revurdering_id"])

    def _revurdering_besvart(self, cur: Skrivebuffer, b: _Batch, n: Notification,
                             d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_revurdering SET besvart_tid = ? WHERE revurdering_id = ?",
                    (d["besvart_tid"], d["revurdering_id"]))
        b.revurderinger.add(d["revurdering_id"])

    def _leveranse_bestilt(self, cur: Skrivebuffer, b: _Batch, n: Notification,
                           d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_leveranse (leveranse_id, bruker_id, tjenestetype, "
                    "leverandor_id, fom, tom, vedtak_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (leveranse_id) DO NOTHING",
                    (d["originator_id"], d["bruker_id"], d["tjenestetype"], d["leverandor_id"],
                     d["fom"], d["tom"], d["vedtak_id"]))
        b.leveranser.add(d["originator_id"])

    def _varslet(self, cur: Skrivebuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_varsel (leveranse_id, posisjon, kanal, varslet_tid, "
                    "hast) VALUES (?, ?, ?, ?, ?) ON CONFLICT (leveranse_id, posisjon) DO NOTHING",
                    (d["originator_id"], n.id, d["kanal"], d["varslet_tid"],
                     1 if d.get("hast") else 0))
        b.leveranser.add(d["originator_id"])

    def _knyttet(self, cur: Skrivebuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_leveranse SET vedtak_id = ? WHERE leveranse_id = ?",
                    (d["vedtak_id"], d["originator_id"]))
        b.leveranser.add(d["originator_id"])

    def _startet(self, cur: Skrivebuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_leveranse SET startet_tid = ? WHERE leveranse_id = ? "
                    "AND startet_tid IS NULL", (d["startet_tid"], d["originator_id"]))
        b.leveranser.add(d["originator_id"])

    @staticmethod
    def _ny_tom(felt: str) -> Any:
        """A delivery's end moved (ended: ``sluttdato``; extended with its vedtak: ``ny_tom``)."""

        def behandle(cur: Skrivebuffer, b: _Batch, n: Notification, d: dict[str, Any]) -> None:
            cur.execute("UPDATE prj_sla_leveranse SET tom = ? WHERE leveranse_id = ?",
                        (d[felt], d["originator_id"]))
            b.leveranser.add(d["originator_id"])

        return behandle

    def _bekymring_mottatt(self, cur: Skrivebuffer, b: _Batch, n: Notification,
                           d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_sla_melding (melding_id, leveranse_id, mottatt_tid) "
                    "VALUES (?, ?, ?) ON CONFLICT (melding_id) DO NOTHING",
                    (d["melding_id"], d["originator_id"], d["mottatt_tid"]))
        b.meldinger.add(d["melding_id"])

    def _bekymring_videresendt(self, cur: Skrivebuffer, b: _Batch, n: Notification,
                               d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_sla_melding SET videresendt_tid = ? WHERE melding_id = ? "
                    "AND videresendt_tid IS NULL", (d["videresendt_tid"], d["melding_id"]))
        b.meldinger.add(d["melding_id"])

    # --- obligations, computed once per batch for what the batch touched -------------------

    def skriv_batch(self, cur: Markor, b: _Batch) -> None:
        plikter: dict[str, _Plikt] = {}
        vedtak_forlenget = set(b.forlengelser)
        lev_ids = sorted(b.leveranser)
        if lev_ids:
            varsler: dict[str, list[tuple[str, datetime, bool]]] = {}
            for lev, _, kanal, t, hast in sorted(cur.i(
                    "SELECT leveranse_id, posisjon, kanal, varslet_tid, hast FROM prj_sla_varsel "
                    "WHERE {i}", "leveranse_id", lev_ids), key=lambda r: (r[0], int(r[1]))):
                varsler.setdefault(lev, []).append((kanal, tid(t), bool(hast)))
            for rad in cur.i("SELECT leveranse_id, bruker_id, tjenestetype, leverandor_id, fom, "
                             "tom, vedtak_id, startet_tid FROM prj_sla_leveranse WHERE {i}",
                             "leveranse_id", lev_ids):
                for x in self._leveranse(rad, varsler.get(rad[0], [])):
                    plikter[x.plikt_id] = x
                if rad[6]:
                    vedtak_forlenget.add(rad[6])
            cur.i("DELETE FROM prj_sla_plikt WHERE {i} AND plikt IN (?, ?, ?, ?)", "kilde_id",
                  lev_ids, params=_LEVERANSEPLIKTER, hent=False)
        for x in self._forlengelser(cur, sorted(vedtak_forlenget)):
            plikter[x.plikt_id] = x
        for x in self._r16(cur, sorted(b.revurderinger)):
            plikter[x.plikt_id] = x
        for x in self._r21(cur, sorted(b.meldinger)):
            plikter[x.plikt_id] = x
        for x in self._r25(cur, sorted(b.klager)):
            plikter[x.plikt_id] = x
        brukere = sorted({x.bruker_id for x in plikter.values()} | b.flyttet)
        historikk: dict[str, list[tuple[str, str]]] = {}
        for bruker_id, fra, bydel in sorted(cur.i(
                "SELECT bruker_id, fra_dato, bydel FROM prj_sla_bydel WHERE {i}", "bruker_id",
                brukere)):
            historikk.setdefault(bruker_id, []).append((fra, bydel))

        def bydel_paa(bruker_id: str, paa: str) -> str | None:
            return next((by for fra, by in reversed(historikk.get(bruker_id, [])) if fra <= paa),
                        None)

        if b.flyttet:  # R24: obligations already stored follow the bydel history
            for plikt_id, bruker_id, frist_dato in cur.i(
                    "SELECT plikt_id, bruker_id, frist_dato FROM prj_sla_plikt WHERE {i}",
                    "bruker_id", sorted(b.flyttet)):
                if plikt_id not in plikter:
                    cur.execute("UPDATE prj_sla_plikt SET bydel = ? WHERE plikt_id = ?",
                                (bydel_paa(bruker_id, frist_dato), plikt_id))
        cur.mange(f"INSERT INTO prj_sla_plikt ({_PLIKT_KOLONNER})",
                  [x.rad(bydel_paa(x.bruker_id, x.frist_dato.isoformat()))
                   for _, x in sorted(plikter.items())], _PLIKT_UPSERT, _PLIKT_TYPER)

    def _leveranse(self, rad: tuple[Any, ...],
                   varsler: list[tuple[str, datetime, bool]]) -> list[_Plikt]:
        """R11, R12 and R13 for one delivery."""
        leveranse_id, bruker_id, tjenestetype, leverandor_id, fom_t, tom_t, _, startet_t = rad
        fom, tom = date.fromisoformat(fom_t), dato(tom_t)
        if tom is not None and tom < fom:
            return []  # annulled before it began: nothing was owed
        startet = tid(startet_t) if startet_t else None
        felles = {"kilde_id": leveranse_id, "bruker_id": bruker_id,
                  "leverandor_id": leverandor_id, "tjenestetype": tjenestetype}
        if Tjenestetype(tjenestetype).er_hjemmesykepleie:
            hast = next((t for _, t, h in varsler if h), None)
            if hast is not None:
                return self._r12(leveranse_id, hast, startet, felles)
            frist = kalender.frist_r11_varsel(fom)
            varsel = next((t for k, t, h in varsler if k == Kanal.PASIENTOVERGANG and not h), None)
            return [_Plikt(f"R11:{leveranse_id}", "R11", "varsel_pasientovergang", frist=frist,
                           inklusiv=True, faktisk=varsel,
                           status=_status(varsel, frist, inklusiv=True), **felles)]
        varsel = next((t for k, t, _ in varsler if k == Kanal.HENVENDELSE), None)
        if varsel is None:
            return []  # the 14 days run from the notice
        frist_dato = kalender.frist_r13_oppstart(varsel)
        start_dato = kalender.lokal_dato(startet) if startet else None
        status = APEN if start_dato is None else (OVERHOLDT if start_dato <= frist_dato else BRUTT)
        return [_Plikt(f"R13:{leveranse_id}", "R13", "oppstart_14d", frist=frist_dato,
                       inklusiv=True, faktisk=startet, status=status,
                       merknad=f"varslet {_lokal_tekst(varsel)}", **felles)]

    def _r12(self, leveranse_id: str, varslet: datetime, startet: datetime | None,
             felles: dict[str, Any]) -> list[_Plikt]:
        flagg = self.konfig.sla.r12_helligdag_teller_som_hverdag
        dag = kalender.lokal_dato(varslet)
        i_tide = kalender.r12_telefonvarsel_i_tide(varslet, helligdag_teller_som_hverdag=flagg)
        merknad = ""
        if not i_tide and dag.weekday() >= 5:
            merknad = "ikke hverdag (lørdag/søndag)"
        elif not i_tide and kalender.er_helligdag(dag) and not flagg:
            merknad = f"ikke hverdag ({kalender.helligdagsnavn(dag)})"
        elif not i_tide:
            merknad = "etter kl. 15:30"
        frist = kalender.frist_r12_oppstart(varslet)
        return [
            _Plikt(f"R12v:{leveranse_id}", "R12", "telefonvarsel",
                   frist=kalender.lokalt_tidspunkt(dag, kalender.R12_TELEFON_SENEST),
                   inklusiv=True, faktisk=varslet, status=OVERHOLDT if i_tide else BRUTT,
                   merknad=merknad, **felles),
            _Plikt(f"R12s:{leveranse_id}", "R12", "oppstart_2t", frist=frist, inklusiv=True,
                   faktisk=startet, status=_status(startet, frist, inklusiv=True),
                   merknad=f"varslet {_lokal_tekst(varslet)}", **felles),
        ]

    def _forlengelser(self, cur: Markor, vedtak_ids: list[str]) -> list[_Plikt]:
        """R11 for extended home-nursing vedtak (matching rule: see module doc)."""
        forlengelser: dict[str, list[tuple[int, str | None, str]]] = {}
        for vedtak_id, posisjon, ny_til, registrert in sorted(cur.i(
                "SELECT vedtak_id, posisjon, ny_til, registrert_dato FROM prj_sla_forlengelse "
                "WHERE {i}", "vedtak_id", vedtak_ids), key=lambda r: (r[0], int(r[1]))):
            forlengelser.setdefault(vedtak_id, []).append((int(posisjon), ny_til, registrert))
        ids = sorted(forlengelser)
        if not ids:
            return []
        vedtak = {r[0]: r for r in cur.i(
            "SELECT vedtak_id, bruker_id, tjenestetype, gyldig_til_fattet FROM prj_sla_vedtak "
            "WHERE {i}", "vedtak_id", ids)}
        leveranser: dict[str, list[tuple[str, str, str]]] = {}
        for vedtak_id, fom, leveranse_id, leverandor_id in sorted(cur.i(
                "SELECT vedtak_id, fom, leveranse_id, leverandor_id FROM prj_sla_leveranse "
                "WHERE {i}", "vedtak_id", ids)):
            leveranser.setdefault(vedtak_id, []).append((fom, leveranse_id, leverandor_id))
        varsler: dict[str, list[datetime]] = {}
        for vedtak_id, _, t in sorted(cur.i(
                "SELECT l.vedtak_id, v.posisjon, v.varslet_tid FROM prj_sla_varsel v "
                "JOIN prj_sla_leveranse l ON l.leveranse_id = v.leveranse_id "
                "WHERE {i} AND v.kanal = ? AND v.hast = 0", "l.vedtak_id", ids,
                params=(Kanal.PASIENTOVERGANG.value,)), key=lambda r: (r[0], int(r[1]))):
            varsler.setdefault(vedtak_id, []).append(tid(t))
        ut = []
        for vedtak_id in ids:
            v = vedtak.get(vedtak_id)
            if v is None or not Tjenestetype(v[2]).er_hjemmesykepleie:
                continue
            gammel_til = v[3]
            for posisjon, ny_til, registrert in forlengelser[vedtak_id]:
                forrige, gammel_til = gammel_til, ny_til
                if forrige is None:
                    continue  # an open-ended vedtak is not extended (the domain refuses it)
                start = date.fromisoformat(forrige) + _EN_DAG
                fra = date.fromisoformat(registrert)
                varsel = min((t for t in varsler.get(vedtak_id, [])
                              if kalender.lokal_dato(t) >= fra), default=None)
                leverandor = next((lev for fom, _, lev in reversed(leveranser.get(vedtak_id, []))
                                   if fom <= start.isoformat()), None)
                frist = kalender.frist_r11_varsel(start)
                ut.append(_Plikt(f"R11f:{vedtak_id}:{posisjon}", "R11", "varsel_forlengelse",
                                 kilde_id=vedtak_id, bruker_id=v[1], leverandor_id=leverandor,
                                 tjenestetype=v[2], frist=frist, inklusiv=True, faktisk=varsel,
                                 status=_status(varsel, frist, inklusiv=True),
                                 merknad=f"forlenget fra {start.isoformat()}"))
        return ut

    def _r16(self, cur: Markor, revurdering_ids: list[str]) -> list[_Plikt]:
        ut = []
        for rev_id, vedtak_id, leverandor_id, anmodet, besvart_t, bruker_id, tjenestetype in \
                cur.i("SELECT r.revurdering_id, r.vedtak_id, r.leverandor_id, r.anmodet_tid, "
                      "r.besvart_tid, v.bruker_id, v.tjenestetype FROM prj_sla_revurdering r "
                      "JOIN prj_sla_vedtak v ON v.vedtak_id = r.vedtak_id WHERE {i}",
                      "r.revurdering_id", revurdering_ids):
            frist = kalender.frist_r16_svar(tid(anmodet))
            besvart = tid(besvart_t) if besvart_t else None
            ut.append(_Plikt(f"R16:{rev_id}", "R16", "svar_revurdering", kilde_id=vedtak_id,
                             bruker_id=bruker_id, leverandor_id=leverandor_id,
                             tjenestetype=tjenestetype, frist=frist, inklusiv=False,
                             faktisk=besvart, status=_status(besvart, frist, inklusiv=False),
                             merknad=f"anmodet {_lokal_tekst(tid(anmodet))}"))
        return ut

    def _r21(self, cur: Markor, melding_ids: list[str]) -> list[_Plikt]:
        ut = []
        terskel = self.konfig.sla.r21_terskel
        for melding_id, leveranse_id, mottatt, videresendt_t, bruker_id, leverandor_id, \
                tjenestetype in cur.i(
                    "SELECT m.melding_id, m.leveranse_id, m.mottatt_tid, m.videresendt_tid, "
                    "l.bruker_id, l.leverandor_id, l.tjenestetype FROM prj_sla_melding m "
                    "JOIN prj_sla_leveranse l ON l.leveranse_id = m.leveranse_id WHERE {i}",
                    "m.melding_id", melding_ids):
            frist = kalender.frist_r21_videresending(tid(mottatt), terskel)
            videresendt = tid(videresendt_t) if videresendt_t else None
            ut.append(_Plikt(f"R21:{melding_id}", "R21", "videresending", kilde_id=leveranse_id,
                             bruker_id=bruker_id, leverandor_id=leverandor_id,
                             tjenestetype=tjenestetype, frist=frist, inklusiv=True,
                             faktisk=videresendt,
                             status=_status(videresendt, frist, inklusiv=True),
                             merknad=f"mottatt {_lokal_tekst(tid(mottatt))}"))
        return ut

    def _r25(self, cur: Markor, vedtak_ids: list[str]) -> list[_Plikt]:
        ut = []
        forleng = self.konfig.sla.r25_forleng_til_virkedag
        for vedtak_id, bruker_id, tjenestetype, mottatt_t, klage_t in cur.i(
                "SELECT vedtak_id, bruker_id, tjenestetype, mottatt_dato, klage_dato "
                "FROM prj_sla_vedtak WHERE {i}", "vedtak_id", vedtak_ids):
            if mottatt_t is None:
                continue
            frist = kalender.frist_r25_klage(date.fromisoformat(mottatt_t),
                                             forleng_til_virkedag=forleng)
            klage = dato(klage_t)
            status = APEN if klage is None else (OVERHOLDT if klage <= frist else BRUTT)
            ut.append(_Plikt(f"R25:{vedtak_id}", "R25", "klagefrist", kilde_id=vedtak_id,
                             bruker_id=bruker_id, leverandor_id=None, tjenestetype=tjenestetype,
                             frist=frist, inklusiv=True, faktisk=klage, status=status,
                             merknad=f"vedtaket mottatt {mottatt_t}"
                             + (" – klagen kom for sent" if status == BRUTT else "")))
        return ut


_PLIKT_TYPER = ("text",) * 11 + ("bigint",) + ("text",) * 4
_LEVERANSEPLIKTER = ("varsel_pasientovergang", "telefonvarsel", "oppstart_2t", "oppstart_14d")
_PLIKT_UPSERT = (
    "ON CONFLICT (plikt_id) DO UPDATE SET leverandor_id = excluded.leverandor_id, "
    "bydel = excluded.bydel, frist_dato = excluded.frist_dato, frist = excluded.frist, "
    "frist_utc = excluded.frist_utc, inklusiv = excluded.inklusiv, faktisk = excluded.faktisk, "
    "status = excluded.status, maaned = excluded.maaned, merknad = excluded.merknad")


def _status(faktisk: datetime | None, frist: datetime, *, inklusiv: bool) -> str:
    if faktisk is None:
        return APEN
    i_tide = faktisk <= frist if inklusiv else faktisk < frist
    return OVERHOLDT if i_tide else BRUTT


# --- queries ------------------------------------------------------------------------------------

_STATUS_NAA = ("CASE WHEN status = 'apen' AND (frist_utc < ? OR (inklusiv = 0 AND frist_utc = ?)) "
               "THEN (CASE WHEN regel = 'R25' THEN 'utlopt' ELSE 'brutt' END) ELSE status END")


def _filter(leverandor_id: str | None, bydel: str | None, maaned: str | None,
            regel: str | None) -> tuple[str, list[Any]]:
    vilkaar, params = [], []
    for kolonne, verdi in (("leverandor_id", leverandor_id), ("bydel", bydel),
                           ("maaned", maaned), ("regel", regel)):
        if verdi is not None:
            vilkaar.append(f"{kolonne} = ?")
            params.append(verdi)
    return (" WHERE " + " AND ".join(vilkaar)) if vilkaar else "", params


def forpliktelser(cur: Markor, naa: datetime, leverandor_id: str | None = None,
                  bydel: str | None = None, maaned: str | None = None,
                  regel: str | None = None, grense: int | None = None) -> list[SlaForpliktelse]:
    hvor, params = _filter(leverandor_id, bydel, maaned, regel)
    n = utc_tekst(naa)
    sql = (f"SELECT plikt_id, regel, plikt, kilde_id, bruker_id, leverandor_id, tjenestetype, "
           f"bydel, frist, faktisk, {_STATUS_NAA}, maaned, merknad FROM prj_sla_plikt{hvor} "
           "ORDER BY frist_utc, plikt_id")
    if grense is not None:
        sql += " LIMIT ?"
        params.append(grense)
    return [SlaForpliktelse(*r) for r in cur.execute(sql, [n, n, *params]).fetchall()]


_GRUPPER = {"leverandor": "leverandor_id", "bydel": "bydel", "maaned": "maaned",
            "regel": "regel", "plikt": "plikt"}


def aggregat(cur: Markor, naa: datetime, gruppering: Sequence[str],
             leverandor_id: str | None = None, bydel: str | None = None,
             maaned: str | None = None, regel: str | None = None) -> list[SlaAggregat]:
    ukjent = [g for g in gruppering if g not in _GRUPPER]
    if ukjent:
        raise ValueError(f"ukjent gruppering {ukjent}; bruk {sorted(_GRUPPER)}")
    kolonner = [_GRUPPER[g] for g in gruppering]
    hvor, params = _filter(leverandor_id, bydel, maaned, regel)
    n = utc_tekst(naa)
    velg = ", ".join(kolonner) + ", " if kolonner else ""
    grupper = f" GROUP BY {', '.join(kolonner)} ORDER BY {', '.join(kolonner)}" if kolonner else ""
    tell = ", ".join(f"SUM(CASE WHEN s = '{s}' THEN 1 ELSE 0 END)" for s in STATUSER)
    rader = cur.execute(
        f"SELECT {velg}{tell} FROM (SELECT {', '.join(kolonner) + ', ' if kolonner else ''}"
        f"{_STATUS_NAA} AS s FROM prj_sla_plikt{hvor}) x{grupper}", [n, n, *params]).fetchall()
    ut = []
    for r in rader:
        tall = [int(x or 0) for x in r[len(kolonner):]]
        if not any(tall):
            continue
        ut.append(SlaAggregat(dict(zip(gruppering, r[:len(kolonner)], strict=True)), *tall))
    return ut


