"""Payable hours, the results: every marked (delivery, month) computed from the inputs.

The rules are the domain's: ``projections.beregning`` gathers a month's basis and
``domain.betaling.beregn`` decides it (R05, R17, R18, R18a, R20, R23); R24 splits the month
per responsible bydel through ``domain.ansvar.ansvarsperioder``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import ansvar, betaling, kalender
from projections import beregning
from projections.beregning import RESULTAT_KOLONNER, RESULTAT_TYPER
from projections.betalbar_tid.inputs import _LEVERT_HODE, _LEVERT_TYPER, _NOKKEL_TYPER
from projections.rows import bydelhistorikk
from projections.runner import Projection
from projections.store import Cursor, Store


class Maanedsberegning(Projection):
    """The month computation of ``BetalbarTid``, run after catching up (``etterarbeid``)."""

    flush_size = 2000

    # --- computing the touched months -------------------------------------------------------

    def etterarbeid(self, store: Store) -> None:
        """Compute the marked months, in key order, a chunk per transaction (each holds the
        lock, so no batch runs in between; a mark made later is computed next time)."""
        n = self.flush_size
        etter: tuple[Any, ...] = ("", 0, 0)
        while True:
            with store.write(locks=[self.navn]) as cur:
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

        betalbar_sen = self.settings.sen_avbestilling.betalbar
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
