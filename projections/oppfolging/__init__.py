"""Contract follow-up: invoice control (betalingskontroll) and the follow-up report (R18, R28).

Reads the ``Projections`` facade (payable hours, SLA) and a small tracking projection of its own
(``sporing.Oppfolgingssporing``: visits with staff pseudonyms, switches, concerns, R27 deviations)::

    with Projections(app) as p:
        o = Oppfolging(p)
        o.oppdater()
        kontroll = o.betalingskontroll("2care", 2026, 3, fakturagrunnlag_tekst)
        rapport = o.rapport("2026-01", "2026-03")            # all providers side by side

Rendering (CSV, xlsx, HTML) lives in ``interfaces/rapport``. Definitions: docs/oppfolging.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from projections import Projections
from projections.oppfolging.kontroll import (
    Betalingskontroll,
    Grunnlagsfeil,
    Kontrollinje,
    Krav,
    kontroller,
    les_fakturagrunnlag,
)
from projections.oppfolging.rapport import (
    REGLER,
    Fristrad,
    Leverandorrapport,
    Oppfolgingsrapport,
    Tall,
    bytter_ut_innen_90,
    fra_betalbare,
    kontinuitet,
    legg_sammen,
    maaneder,
    sporingstall,
)
from projections.oppfolging.sporing import Oppfolgingssporing
from projections.runner import ProjectionRun, RunResult

__all__ = ["Betalingskontroll", "Grunnlagsfeil", "Kontrollinje", "Krav", "Leverandorrapport",
           "Oppfolging", "Oppfolgingsrapport", "Oppfolgingssporing", "Tall",
           "les_fakturagrunnlag"]


class Oppfolging:
    """Invoice control and follow-up report over one application's projections."""

    def __init__(self, projeksjoner: Projections) -> None:
        self.p = projeksjoner
        self.sporing = Oppfolgingssporing(projeksjoner.settings)
        self._kjoring = ProjectionRun(projeksjoner.app, projeksjoner.store, [self.sporing],
                                projeksjoner.batchstorrelse)

    def oppdater(self) -> RunResult:
        """Catch up the main projections and the tracking projection."""
        self.p.oppdater()
        return self._kjoring.oppdater()

    def gjenoppbygg(self) -> RunResult:
        self._kjoring.slett([self.sporing])
        self._kjoring = ProjectionRun(self.p.app, self.p.store, [self.sporing], self.p.batchstorrelse)
        return self._kjoring.oppdater()

    def _les(self) -> Any:
        self._kjoring.opprett()
        return self.p.store.read()

    def leverandorer(self) -> list[str]:
        """Every provider that has or had a delivery."""
        with self._les() as cur:
            return sorted(str(r[0]) for r in cur.execute(
                "SELECT DISTINCT leverandor_id FROM prj_opf_leveranse").fetchall())

    def betalingskontroll(self, leverandor_id: str, aar: int, maaned: int,
                          fakturagrunnlag: str | Sequence[Krav] | None = None) -> Betalingskontroll:
        """Payable next to claimed for one provider and month (claims: CSV text or parsed)."""
        krav = (les_fakturagrunnlag(fakturagrunnlag) if isinstance(fakturagrunnlag, str)
                else fakturagrunnlag)
        mnd = self.p.betalbare_timer(leverandor_id, aar, maaned)
        return kontroller(mnd, krav)

    def rapport(self, fra: str, til: str, leverandorer: Sequence[str] | None = None,
                naa: datetime | None = None) -> Oppfolgingsrapport:
        """The follow-up report for months ``fra``..``til`` ('YYYY-MM'), per provider."""
        mnd = maaneder(fra, til)
        levs = list(leverandorer) if leverandorer is not None else self.leverandorer()
        naa = naa or self.p.app.klokke()
        sla: dict[tuple[str, str, str], Fristrad] = {}
        for a in self.p.sla_oppsummering(("leverandor", "regel", "maaned"), naa=naa):
            g = a.gruppe
            sla[(str(g["leverandor"]), str(g["regel"]), str(g["maaned"]))] = Fristrad(
                a.overholdt, a.brutt, a.apen)
        ut = []
        for lev in levs:
            per_mnd: dict[str, Tall] = {}
            alle_brukere: set[str] = set()
            with self._les() as cur:
                spor = {m: sporingstall(cur, lev, m) for m in mnd}
                innen_90 = bytter_ut_innen_90(cur, lev, f"{fra}-01", f"{til}-31")
            for m in mnd:
                t = Tall()
                fra_betalbare(t, self.p.betalbare_timer(lev, int(m[:4]), int(m[5:7])))
                s = spor[m]
                brukere = {b for b, _, _ in s["besok"]}
                alle_brukere |= brukere
                t.brukere_betjent = len(brukere)
                t.besok = len(s["besok"])
                t.bekymringsmeldinger = s["bekymringsmeldinger"]
                t.avvik_registrert = s["avvik"].get("avvik", 0)
                t.klager = s["avvik"].get("klage_paa_tjenesten", 0)
                t.bytter_inn, t.bytter_ut = s["bytter_inn"], s["bytter_ut"]
                t.kontinuitet = kontinuitet(s["besok"], m)
                for r in REGLER:
                    t.frister[r] = sla.get((lev, r, m), Fristrad())
                per_mnd[m] = t
            ut.append(Leverandorrapport(lev, fra, til, per_mnd,
                                        legg_sammen(list(per_mnd.values()), len(alle_brukere)),
                                        innen_90))
        return Oppfolgingsrapport(fra, til, naa, ut)
