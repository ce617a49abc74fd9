"""Current provider: who serves a user on a date, pending switches, and each provider's caseload.

Tables: the delivery periods (from the Leveranse events), the switches with their dates (R07),
the user's choices with corrections (R02, R26), and the user's end date (R23). Reading is an
indexed lookup; nothing is replayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.felles import IkkeFunnet, Tjenestetype
from projections.felles import Emne, dato
from projections.lager import Markor
from projections.rammeverk import Behandler, Projeksjon, Skrivebuffer


class Kilde:
    """Where the answer of ``leverandor_paa`` comes from."""

    LEVERANSE = "leveranse"  # an active delivery on the date
    VALG = "valg"  # no delivery that day, but a choice in force (R02)
    KOMMUNAL = "ingen_valg_kommunal"  # no delivery, no choice: the municipal provider (R03)
    AVSLUTTET = "avsluttet"  # the user died or moved out before the date (R23)


@dataclass(frozen=True)
class VentendeBytte:
    """R07: notice given, the old delivery runs out its ten days, the new one starts the next day."""

    fra_leverandor_id: str
    til_leverandor_id: str
    oppsigelsesdato: date
    siste_dag_gammel: date
    overgangsdato: date
    ny_leveranse_id: UUID


@dataclass(frozen=True)
class LeverandorPaaDato:
    bruker_id: UUID
    tjenestetype: Tjenestetype
    dato: date
    leverandor_id: str | None
    kilde: str
    leveranse_id: UUID | None = None
    fom: date | None = None
    tom: date | None = None
    vedtak_id: UUID | None = None
    bytte: VentendeBytte | None = None


@dataclass(frozen=True)
class Caseload:
    leverandor_id: str
    dato: date
    brukere: int
    per_tjenestetype: dict[Tjenestetype, int]


class GjeldendeLeverandor(Projeksjon):
    navn = "gjeldende_leverandor"
    VERSJON = 2
    tabeller = ("prj_gl_bruker", "prj_gl_leveranse", "prj_gl_bytte", "prj_gl_valg")
    ddl = (
        "CREATE TABLE IF NOT EXISTS prj_gl_bruker (bruker_id TEXT PRIMARY KEY, "
        "sluttdato TEXT, sluttarsak TEXT)",
        "CREATE TABLE IF NOT EXISTS prj_gl_leveranse (leveranse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, leverandor_id TEXT NOT NULL, "
        "fom TEXT NOT NULL, tom TEXT, vedtak_id TEXT, sluttarsak TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_gl_leveranse_bruker "
        "ON prj_gl_leveranse (bruker_id, tjenestetype)",
        "CREATE INDEX IF NOT EXISTS prj_gl_leveranse_leverandor "
        "ON prj_gl_leveranse (leverandor_id, fom)",
        "CREATE TABLE IF NOT EXISTS prj_gl_bytte (ny_leveranse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, fra_leverandor_id TEXT NOT NULL, "
        "til_leverandor_id TEXT NOT NULL, oppsigelsesdato TEXT NOT NULL, "
        "siste_dag_gammel TEXT NOT NULL, forste_dag_ny TEXT NOT NULL, "
        "gammel_leveranse_id TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS prj_gl_bytte_gammel ON prj_gl_bytte (gammel_leveranse_id)",
        "CREATE TABLE IF NOT EXISTS prj_gl_valg (hendelse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, leverandor_id TEXT NOT NULL, "
        "gyldig_fra TEXT NOT NULL, posisjon BIGINT NOT NULL, korrigert_av TEXT)",
        "CREATE INDEX IF NOT EXISTS prj_gl_valg_bruker ON prj_gl_valg (bruker_id, tjenestetype)",
    )

    def behandlere(self) -> dict[str, Behandler]:
        return {
            Emne.BRUKER_REGISTRERT: self._bruker_registrert,
            Emne.DODSFALL: self._slutt,
            Emne.FLYTTET_UT: self._slutt,
            Emne.LEVERANDOR_VALGT: self._valg,
            Emne.VALG_KORRIGERT: self._valg_korrigert,
            Emne.LEVERANDOR_BYTTET: self._byttet,
            Emne.LEVERANSE_BESTILT: self._bestilt,
            Emne.KNYTTET_TIL_VEDTAK: self._knyttet,
            Emne.LEVERANSE_AVSLUTTET: self._avsluttet,
            Emne.LEVERANSE_FORLENGET: self._forlenget,
        }

    def _bruker_registrert(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_gl_bruker (bruker_id) VALUES (?) "
                    "ON CONFLICT (bruker_id) DO NOTHING", (d["originator_id"],))

    def _slutt(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        dodsfall = n.topic == Emne.DODSFALL
        cur.execute("UPDATE prj_gl_bruker SET sluttdato = ?, sluttarsak = ? WHERE bruker_id = ?",
                    (d["dodsdato"] if dodsfall else d["dato"],
                     "dodsfall" if dodsfall else "flyttet", d["originator_id"]))

    def _valg(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_gl_valg (hendelse_id, bruker_id, tjenestetype, "
                    "leverandor_id, gyldig_fra, posisjon) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (hendelse_id) DO NOTHING",
                    (d["hendelse_id"], d["originator_id"], d["tjenestetype"], d["leverandor_id"],
                     d["gyldig_fra"], n.id))

    def _valg_korrigert(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        """R26: the correction replaces the corrected choice; both stay recorded."""
        cur.execute("UPDATE prj_gl_valg SET korrigert_av = ? WHERE hendelse_id = ?",
                    (d["hendelse_id"], d["korrigerer"]))
        self._valg(cur, b, n, d)

    def _byttet(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        """R06-R07: the switch is also the user's new choice from the changeover date."""
        cur.execute("INSERT INTO prj_gl_bytte (ny_leveranse_id, bruker_id, tjenestetype, "
                    "fra_leverandor_id, til_leverandor_id, oppsigelsesdato, siste_dag_gammel, "
                    "forste_dag_ny, gammel_leveranse_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (ny_leveranse_id) DO NOTHING",
                    (d["ny_leveranse_id"], d["originator_id"], d["tjenestetype"],
                     d["fra_leverandor_id"], d["til_leverandor_id"], d["oppsigelsesdato"],
                     d["siste_dag_gammel"], d["forste_dag_ny"], d["gammel_leveranse_id"]))
        cur.execute("INSERT INTO prj_gl_valg (hendelse_id, bruker_id, tjenestetype, "
                    "leverandor_id, gyldig_fra, posisjon) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (hendelse_id) DO NOTHING",
                    (d["hendelse_id"], d["originator_id"], d["tjenestetype"],
                     d["til_leverandor_id"], d["forste_dag_ny"], n.id))

    def _bestilt(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_gl_leveranse (leveranse_id, bruker_id, tjenestetype, "
                    "leverandor_id, fom, tom, vedtak_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (leveranse_id) DO NOTHING",
                    (d["originator_id"], d["bruker_id"], d["tjenestetype"], d["leverandor_id"],
                     d["fom"], d["tom"], d["vedtak_id"]))

    def _knyttet(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_gl_leveranse SET vedtak_id = ? WHERE leveranse_id = ?",
                    (d["vedtak_id"], d["originator_id"]))

    def _avsluttet(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_gl_leveranse SET tom = ?, sluttarsak = ? WHERE leveranse_id = ?",
                    (d["sluttdato"], d["arsak"], d["originator_id"]))

    def _forlenget(self, cur: Skrivebuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_gl_leveranse SET tom = ? WHERE leveranse_id = ?",
                    (d["ny_tom"], d["originator_id"]))


# --- queries ------------------------------------------------------------------------------------


def leverandor_paa(cur: Markor, kommunal_id: str, bruker_id: UUID, tjenestetype: Tjenestetype,
                   paa: date) -> LeverandorPaaDato:
    """The provider of a user's tjenestetype on a date (R03, R07, R23)."""
    bid, t, d = str(bruker_id), Tjenestetype(tjenestetype), paa.isoformat()
    bruker = cur.execute("SELECT sluttdato FROM prj_gl_bruker WHERE bruker_id = ?",
                         (bid,)).fetchone()
    if bruker is None:
        raise IkkeFunnet("bruker", bruker_id)
    if bruker[0] is not None and d > bruker[0]:
        return LeverandorPaaDato(bruker_id, t, paa, None, Kilde.AVSLUTTET)
    lev = cur.execute(
        "SELECT leveranse_id, leverandor_id, fom, tom, vedtak_id FROM prj_gl_leveranse "
        "WHERE bruker_id = ? AND tjenestetype = ? AND fom <= ? AND (tom IS NULL OR tom >= ?) "
        "AND (tom IS NULL OR tom >= fom) ORDER BY fom DESC LIMIT 1", (bid, t.value, d, d)
    ).fetchone()
    if lev is not None:
        bytte = cur.execute(
            "SELECT b.fra_leverandor_id, b.til_leverandor_id, b.oppsigelsesdato, "
            "b.siste_dag_gammel, b.forste_dag_ny, b.ny_leveranse_id "
            "FROM prj_gl_bytte b JOIN prj_gl_leveranse ny ON ny.leveranse_id = b.ny_leveranse_id "
            "WHERE b.gammel_leveranse_id = ? AND b.oppsigelsesdato <= ? "
            "AND b.siste_dag_gammel >= ? AND (ny.tom IS NULL OR ny.tom >= ny.fom) "
            "ORDER BY b.oppsigelsesdato DESC LIMIT 1", (lev[0], d, d)).fetchone()
        ventende = None if bytte is None else VentendeBytte(
            bytte[0], bytte[1], date.fromisoformat(bytte[2]), date.fromisoformat(bytte[3]),
            date.fromisoformat(bytte[4]), UUID(bytte[5]))
        return LeverandorPaaDato(bruker_id, t, paa, lev[1], Kilde.LEVERANSE, UUID(lev[0]),
                                 date.fromisoformat(lev[2]), dato(lev[3]),
                                 UUID(lev[4]) if lev[4] else None, ventende)
    valg = cur.execute(
        "SELECT leverandor_id FROM prj_gl_valg WHERE bruker_id = ? AND tjenestetype = ? "
        "AND korrigert_av IS NULL AND gyldig_fra <= ? ORDER BY gyldig_fra DESC, posisjon DESC "
        "LIMIT 1", (bid, t.value, d)).fetchone()
    if valg is not None:
        return LeverandorPaaDato(bruker_id, t, paa, valg[0], Kilde.VALG)
    return LeverandorPaaDato(bruker_id, t, paa, kommunal_id, Kilde.KOMMUNAL)


def caseload(cur: Markor, leverandor_id: str, paa: date,
             tjenestetype: Tjenestetype | None = None) -> Caseload:
    """Users with an active delivery from the provider on the date, in total and per type."""
    d = paa.isoformat()
    sql = ("SELECT tjenestetype, bruker_id FROM prj_gl_leveranse WHERE leverandor_id = ? "
           "AND fom <= ? AND (tom IS NULL OR tom >= ?) AND (tom IS NULL OR tom >= fom)")
    params: list[Any] = [leverandor_id, d, d]
    if tjenestetype is not None:
        sql += " AND tjenestetype = ?"
        params.append(Tjenestetype(tjenestetype).value)
    per_type: dict[Tjenestetype, set[str]] = {}
    alle: set[str] = set()
    for t, bruker_id in cur.execute(sql, params).fetchall():
        per_type.setdefault(Tjenestetype(t), set()).add(bruker_id)
        alle.add(bruker_id)
    return Caseload(leverandor_id, paa, len(alle),
                    {t: len(b) for t, b in sorted(per_type.items())})
