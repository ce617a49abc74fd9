"""Current provider: who serves a user on a date, pending switches, and each provider's caseload.

Tables: the delivery periods (from the Leveranse events), the switches with their dates (R07),
the user's choices with corrections (R02, R26), and the user's end date (R23). Reading is an
indexed lookup of one user's rows (or, for a caseload, of the candidate users' rows); nothing is
replayed. The decision is the domain's: the rows are handed to ``domain.bruker``'s
``gjeldende_leverandor`` and ``ventende_bytte`` (R03's one definition, tie-break included), so
this view and the write side cannot answer differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain import bruker as b_mod
from domain.begreper import IkkeFunnet, Tjenestetype
from domain.bruker import Kilde, LeveranseRef
from projections.rows import Emne, dato
from projections.runner import Behandler, Projection, WriteBuffer
from projections.store import Cursor

__all__ = ["Caseload", "GjeldendeLeverandor", "Kilde", "LeverandorPaaDato", "VentendeBytte",
           "caseload", "leverandor_paa"]


@dataclass(frozen=True)
class VentendeBytte:
    """R07: notice given, the old delivery runs out its ten days, the new one starts the next day."""

    fra_leverandor_id: str
    til_leverandor_id: str
    oppsigelsesdato: date
    siste_dag_gammel: date
    overgangsdato: date
    ny_leveranse_id: UUID


# (Alike in shape only to other frozen dataclasses, e.g. domain.betaling.Grunnlag.)
@dataclass(frozen=True)
class LeverandorPaaDato:
    bruker_id: UUID
    tjenestetype: Tjenestetype
    dato: date
    leverandor_id: str | None
    kilde: Kilde
    leveranse_id: UUID | None = None
    fom: date | None = None
    tom: date | None = None
    vedtak_id: UUID | None = None
    bytte: VentendeBytte | None = None


# (Alike in shape only to other frozen dataclasses: frister.Leveransefakta, api_tables.LagretSvar.)
@dataclass(frozen=True)
class Caseload:
    leverandor_id: str
    dato: date
    brukere: int
    per_tjenestetype: dict[Tjenestetype, int]


@dataclass(frozen=True)
class _Valgrad:
    tjenestetype: Tjenestetype
    leverandor_id: str
    gyldig_fra: date
    korrigert_av: UUID | None
    posisjon: int


@dataclass(frozen=True)
class _Bytterad:
    gammel_leveranse_id: UUID
    ny_leveranse_id: UUID
    oppsigelsesdato: date
    siste_dag_gammel: date
    fra_leverandor_id: str
    til_leverandor_id: str
    forste_dag_ny: date


class GjeldendeLeverandor(Projection):
    navn = "gjeldende_leverandor"
    VERSJON = 3  # 3: a delivery keeps its position in the log (R03's tie-break, in the domain)
    tabeller = ("prj_gl_bruker", "prj_gl_leveranse", "prj_gl_bytte", "prj_gl_valg")
    ddl = (
        "CREATE TABLE IF NOT EXISTS prj_gl_bruker (bruker_id TEXT PRIMARY KEY, "
        "sluttdato TEXT, sluttarsak TEXT)",
        "CREATE TABLE IF NOT EXISTS prj_gl_leveranse (leveranse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, leverandor_id TEXT NOT NULL, "
        "fom TEXT NOT NULL, tom TEXT, vedtak_id TEXT, sluttarsak TEXT, posisjon BIGINT NOT NULL)",
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

    # Every projection's handler table has this shape (sla.py, betalbar_tid, oppfolging/sporing.py):
    # each says which topics it reads and what handles them; the runner dispatches on it.
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

    def _bruker_registrert(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_gl_bruker (bruker_id) VALUES (?) "
                    "ON CONFLICT (bruker_id) DO NOTHING", (d["originator_id"],))

    def _slutt(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        dodsfall = n.topic == Emne.DODSFALL
        cur.execute("UPDATE prj_gl_bruker SET sluttdato = ?, sluttarsak = ? WHERE bruker_id = ?",
                    (d["dodsdato"] if dodsfall else d["dato"],
                     "dodsfall" if dodsfall else "flyttet", d["originator_id"]))

    def _valg(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_gl_valg (hendelse_id, bruker_id, tjenestetype, "
                    "leverandor_id, gyldig_fra, posisjon) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (hendelse_id) DO NOTHING",
                    (d["hendelse_id"], d["originator_id"], d["tjenestetype"], d["leverandor_id"],
                     d["gyldig_fra"], n.id))

    def _valg_korrigert(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        """R26: the correction replaces the corrected choice; both stay recorded."""
        cur.execute("UPDATE prj_gl_valg SET korrigert_av = ? WHERE hendelse_id = ?",
                    (d["hendelse_id"], d["korrigerer"]))
        self._valg(cur, b, n, d)

    def _byttet(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
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

    def _bestilt(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_gl_leveranse (leveranse_id, bruker_id, tjenestetype, "
                    "leverandor_id, fom, tom, vedtak_id, posisjon) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (leveranse_id) DO NOTHING",
                    (d["originator_id"], d["bruker_id"], d["tjenestetype"], d["leverandor_id"],
                     d["fom"], d["tom"], d["vedtak_id"], n.id))

    def _knyttet(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_gl_leveranse SET vedtak_id = ? WHERE leveranse_id = ?",
                    (d["vedtak_id"], d["originator_id"]))

    def _avsluttet(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_gl_leveranse SET tom = ?, sluttarsak = ? WHERE leveranse_id = ?",
                    (d["sluttdato"], d["arsak"], d["originator_id"]))

    def _forlenget(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("UPDATE prj_gl_leveranse SET tom = ? WHERE leveranse_id = ?",
                    (d["ny_tom"], d["originator_id"]))


# --- queries ------------------------------------------------------------------------------------


_LEVERANSE_SQL = ("SELECT leveranse_id, vedtak_id, tjenestetype, leverandor_id, fom, tom, posisjon "
                  "FROM prj_gl_leveranse WHERE ")


def _leveranse(r: tuple[Any, ...]) -> LeveranseRef:
    return LeveranseRef(UUID(r[0]), UUID(r[1]) if r[1] else None, Tjenestetype(r[2]), r[3],
                        date.fromisoformat(r[4]), dato(r[5]), int(r[6]))


def _sluttdato(cur: Cursor, bruker_id: UUID) -> date | None:
    rad = cur.execute("SELECT sluttdato FROM prj_gl_bruker WHERE bruker_id = ?",
                      (str(bruker_id),)).fetchone()
    if rad is None:
        raise IkkeFunnet("bruker", bruker_id)
    return dato(rad[0])


def leverandor_paa(cur: Cursor, kommunal_id: str, bruker_id: UUID, tjenestetype: Tjenestetype,
                   paa: date) -> LeverandorPaaDato:
    """The provider of a user's tjenestetype on a date (R03, R07, R23): the user's rows, decided
    by ``domain.bruker.gjeldende_leverandor``."""
    bid, t = str(bruker_id), Tjenestetype(tjenestetype)
    sluttdato = _sluttdato(cur, bruker_id)
    leveranser = [_leveranse(r) for r in cur.execute(
        _LEVERANSE_SQL + "bruker_id = ? AND tjenestetype = ?", (bid, t.value)).fetchall()]
    valg = [_Valgrad(Tjenestetype(r[0]), r[1], date.fromisoformat(r[2]),
                     UUID(r[3]) if r[3] else None, int(r[4])) for r in cur.execute(
        "SELECT tjenestetype, leverandor_id, gyldig_fra, korrigert_av, posisjon FROM prj_gl_valg "
        "WHERE bruker_id = ? AND tjenestetype = ?", (bid, t.value)).fetchall()]
    svar = b_mod.gjeldende_leverandor(valg, leveranser, sluttdato, t, paa, kommunal_id)
    lev = svar.leveranse
    if lev is None:
        return LeverandorPaaDato(bruker_id, t, paa, svar.leverandor_id, svar.kilde)
    bytter = [_Bytterad(UUID(r[0]), UUID(r[1]), date.fromisoformat(r[2]),
                        date.fromisoformat(r[3]), r[4], r[5], date.fromisoformat(r[6]))
              for r in cur.execute(
        "SELECT gammel_leveranse_id, ny_leveranse_id, oppsigelsesdato, siste_dag_gammel, "
        "fra_leverandor_id, til_leverandor_id, forste_dag_ny FROM prj_gl_bytte "
        "WHERE gammel_leveranse_id = ?", (str(lev.leveranse_id),)).fetchall()]
    nye = [_leveranse(r) for r in cur.i(_LEVERANSE_SQL + "{i}", "leveranse_id",
                                        sorted(str(x.ny_leveranse_id) for x in bytter))]
    bytte = b_mod.ventende_bytte(bytter, nye, lev.leveranse_id, paa)
    ventende = None if bytte is None else VentendeBytte(
        bytte.fra_leverandor_id, bytte.til_leverandor_id, bytte.oppsigelsesdato,
        bytte.siste_dag_gammel, bytte.forste_dag_ny, bytte.ny_leveranse_id)
    return LeverandorPaaDato(bruker_id, t, paa, lev.leverandor_id, svar.kilde, lev.leveranse_id,
                             lev.fom, lev.tom, lev.vedtak_id, ventende)


def caseload(cur: Cursor, leverandor_id: str, paa: date,
             tjenestetype: Tjenestetype | None = None) -> Caseload:
    """Users whose provider on the date is this one through a running delivery, in total and per
    type. The SQL only narrows to candidate users (a delivery from the provider whose period
    could contain the date); ``gjeldende_leverandor`` decides each one (R03, R08, R23)."""
    d = paa.isoformat()
    sql = ("SELECT DISTINCT bruker_id FROM prj_gl_leveranse WHERE leverandor_id = ? "
           "AND fom <= ? AND (tom IS NULL OR tom >= ?)")
    params: list[Any] = [leverandor_id, d, d]
    if tjenestetype is not None:
        sql += " AND tjenestetype = ?"
        params.append(Tjenestetype(tjenestetype).value)
    kandidater = sorted(r[0] for r in cur.execute(sql, params).fetchall())
    sluttdatoer = {r[0]: dato(r[1]) for r in cur.i(
        "SELECT bruker_id, sluttdato FROM prj_gl_bruker WHERE {i}", "bruker_id", kandidater)}
    per_bruker: dict[str, list[LeveranseRef]] = {}
    for r in cur.i("SELECT bruker_id, leveranse_id, vedtak_id, tjenestetype, leverandor_id, fom, "
                   "tom, posisjon FROM prj_gl_leveranse WHERE {i}", "bruker_id", kandidater):
        per_bruker.setdefault(r[0], []).append(_leveranse(r[1:]))
    typer = [Tjenestetype(tjenestetype)] if tjenestetype is not None else list(Tjenestetype)
    per_type: dict[Tjenestetype, set[str]] = {}
    alle: set[str] = set()
    for bruker_id, leveranser in per_bruker.items():
        for t in typer:
            # Only a delivery puts a user in a caseload, so choices are not read.
            svar = b_mod.gjeldende_leverandor((), leveranser, sluttdatoer.get(bruker_id), t, paa,
                                              "")
            if svar.kilde is Kilde.LEVERANSE and svar.leverandor_id == leverandor_id:
                per_type.setdefault(t, set()).add(bruker_id)
                alle.add(bruker_id)
    return Caseload(leverandor_id, paa, len(alle),
                    {t: len(b) for t, b in sorted(per_type.items())})
