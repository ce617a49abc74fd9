"""A small tracking projection for contract follow-up (R27, R28, R28a): the facts no other
projection keeps in a form the follow-up report needs.

Tables (ids, dates, staff pseudonyms and times only; no names, no fødselsnummer):

- ``prj_opf_leveranse``: delivery → bruker, provider, tjenestetype (from ``LeveranseBestilt``);
- ``prj_opf_besok``: one row per visit (single or from a time report): delivery, the Oslo date
  it counts on (``domain.betaling.telledag``), staff pseudonym (R28a);
- ``prj_opf_bytte``: one row per switch (``LeverandorByttet``): from, to, notice date (R06, R28);
- ``prj_opf_bekymring``: concern reports received (R21);
- ``prj_opf_avvik``: deviations and complaints registered about the service (R27).

It follows the framework in ``projections/runner.py`` (tracking row in ``prj_sporing``, exactly
once, handlers only write) and runs in its own ``ProjectionRun`` next to the three main projections.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import Notification

from domain import betaling, kalender
from domain import bruker as b_mod
from domain import leveranse as l_mod
from projections.rows import Emne, emne, tid
from projections.runner import Behandler, Projection, WriteBuffer

AVVIK_REGISTRERT = emne(l_mod.AvvikRegistrert)
LEVERANDOR_BYTTET = emne(b_mod.LeverandorByttet)


_BESOK_SQL = ("INSERT INTO prj_opf_besok (besok_id, leveranse_id, dato, ansatt) "
              "VALUES (?, ?, ?, ?) ON CONFLICT (besok_id) DO NOTHING")


class Oppfolgingssporing(Projection):
    navn: ClassVar[str] = "oppfolging"
    # 2: visits and cancellations reported in batches; 3: cancellations are no longer kept here
    # (the invoice control reads them from payable hours, placed in the same days)
    VERSJON: ClassVar[int] = 3
    tabeller: ClassVar[tuple[str, ...]] = (
        "prj_opf_leveranse", "prj_opf_besok", "prj_opf_bytte",
        "prj_opf_bekymring", "prj_opf_avvik")
    ddl: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS prj_opf_leveranse (leveranse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, leverandor_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, "
        "fom TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS prj_opf_besok (besok_id TEXT PRIMARY KEY, "
        "leveranse_id TEXT NOT NULL, dato TEXT NOT NULL, ansatt TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS prj_opf_besok_dato ON prj_opf_besok (dato)",
        "CREATE TABLE IF NOT EXISTS prj_opf_bytte (hendelse_id TEXT PRIMARY KEY, "
        "bruker_id TEXT NOT NULL, tjenestetype TEXT NOT NULL, fra_leverandor_id TEXT NOT NULL, "
        "til_leverandor_id TEXT NOT NULL, dato TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS prj_opf_bekymring (melding_id TEXT PRIMARY KEY, "
        "leveranse_id TEXT NOT NULL, dato TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS prj_opf_avvik (avvik_id TEXT PRIMARY KEY, "
        "leveranse_id TEXT NOT NULL, type TEXT NOT NULL, dato TEXT NOT NULL)",
    )

    # Same shape as every projection's handler table (see gjeldende_leverandor.py).
    def behandlere(self) -> dict[str, Behandler]:
        return {
            Emne.LEVERANSE_BESTILT: self._bestilt,
            Emne.BESOK_UTFORT: self._besok,
            Emne.BESOK_RAPPORTERT: self._besok_rapportert,
            LEVERANDOR_BYTTET: self._byttet,
            Emne.BEKYMRING_MOTTATT: self._bekymring,
            AVVIK_REGISTRERT: self._avvik,
        }

    def _bestilt(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_opf_leveranse (leveranse_id, bruker_id, leverandor_id, "
                    "tjenestetype, fom) VALUES (?, ?, ?, ?, ?) ON CONFLICT (leveranse_id) "
                    "DO NOTHING", (str(d["originator_id"]), str(d["bruker_id"]),
                                   d["leverandor_id"], d["tjenestetype"], d["fom"]))

    def _besok(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute(_BESOK_SQL,
                    (str(d["besok_id"]), str(d["originator_id"]),
                     betaling.telledag(tid(d["start"])).isoformat(), d["ansatt"]))

    def _besok_rapportert(self, cur: WriteBuffer, b: Any, n: Notification,
                          d: dict[str, Any]) -> None:
        """A time report's visits: one row each, as for a ``BesokUtfort``."""
        leveranse_id, sha = UUID(str(d["originator_id"])), d["fil_sha256"]
        for x in d["besok"]:
            besok_id = l_mod.rapportert_besok_id(leveranse_id, sha, x["linje"])
            cur.execute(_BESOK_SQL, (str(besok_id), str(leveranse_id),
                                     betaling.telledag(tid(x["start"])).isoformat(), x["ansatt"]))

    def _byttet(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_opf_bytte (hendelse_id, bruker_id, tjenestetype, "
                    "fra_leverandor_id, til_leverandor_id, dato) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (hendelse_id) DO NOTHING",
                    (str(d["hendelse_id"]), str(d["originator_id"]), d["tjenestetype"],
                     d["fra_leverandor_id"], d["til_leverandor_id"], d["oppsigelsesdato"]))

    def _bekymring(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_opf_bekymring (melding_id, leveranse_id, dato) "
                    "VALUES (?, ?, ?) ON CONFLICT (melding_id) DO NOTHING",
                    (str(d["melding_id"]), str(d["originator_id"]),
                     kalender.lokal_dato(tid(d["mottatt_tid"])).isoformat()))

    def _avvik(self, cur: WriteBuffer, b: Any, n: Notification, d: dict[str, Any]) -> None:
        cur.execute("INSERT INTO prj_opf_avvik (avvik_id, leveranse_id, type, dato) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (avvik_id) DO NOTHING",
                    (str(d["avvik_id"]), str(d["originator_id"]), d["type"],
                     kalender.lokal_dato(tid(d["mottatt_tid"])).isoformat()))
