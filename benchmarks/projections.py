"""Rebuild rate of the three projections against the raw read-and-decode rate, on PostgreSQL.

    .venv/bin/python -m benchmarks.projections            # a synthetic year, 3 000 users
    .venv/bin/python -m benchmarks.projections --small    # a few minutes
    .venv/bin/python -m benchmarks.projections --skriv    # also write docs/benchmarks-projections.md

One run: start a throwaway PostgreSQL server (tests/pgserver.py), write a synthetic year through
BrukervalgApp (benchmarks/syntetisk_aar.py), and measure twice: when half the days are written
and at the end (memory must stay flat as the log grows). Each measurement alternates, in fresh
processes, a *raw* pass (``select_notifications`` in batches + ``mapper.decode_state`` for every
notification of the topics the projections read: the floor any projection pays) and a *rebuild*
(``gjenoppbygg``: drop the tables, apply every event to all three projections, compute every
touched month); the rates are medians over the rounds, peak memory is each process's max RSS.
Then the query latencies on the rebuilt tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

ROT = Path(__file__).resolve().parent.parent
DOK = ROT / "docs" / "benchmarks-projections.md"


def _app(port: int, db: str) -> Any:
    from application.app import BrukervalgApp
    from tests.pgserver import ThrowawayPostgres

    env = {"BRUKERVALG_STORE": "postgres", **ThrowawayPostgres(port=port).env(db)}
    # Let the application's settings choose the recorder (the hash-chain recorder when present).
    env.pop("PERSISTENCE_MODULE")
    return BrukervalgApp(env=env)


def _emner() -> list[str]:
    from projections import ProjectionSettings
    from projections.betalbar_tid import BetalbarTid
    from projections.gjeldende_leverandor import GjeldendeLeverandor
    from projections.sla import Sla

    konfig = ProjectionSettings.last()
    return sorted({t for p in (GjeldendeLeverandor(konfig), BetalbarTid(konfig), Sla(konfig))
                   for t in p.behandlere()})


# --- the measuring child processes ----------------------------------------------------------


def _maal_raa(app: Any, batch: int, pydantic: bool) -> dict[str, Any]:
    emner = _emner()
    dekod = app.mapper.to_domain_event if pydantic else app.mapper.decode_state
    t0 = time.perf_counter()
    pos, antall = 0, 0
    while True:
        notifikasjoner = app.recorder.select_notifications(pos + 1, batch, topics=emner)
        if not notifikasjoner:
            break
        for n in notifikasjoner:
            dekod(n)
        antall += len(notifikasjoner)
        pos = notifikasjoner[-1].id
    return {"hendelser": antall, "sekunder": time.perf_counter() - t0}


def _maal_gjenoppbygging(app: Any, batch: int) -> dict[str, Any]:
    from projections import Projections

    with Projections(app, batchstorrelse=batch) as p:
        # The three read models of issue #3. gjenoppbygg() without names also rebuilds the
        # contract follow-up's tracking (one row per visit), which this benchmark never measured.
        r = p.gjenoppbygg(navn=[x.navn for x in p.alle])
        status = p.status()
    return {"hendelser": r.hendelser, "sekunder": r.sekunder, "a_jour": status.a_jour}


def _maal_sporringer(app: Any, rng: random.Random) -> dict[str, Any]:
    from domain.begreper import Tjenestetype
    from projections import Projections

    with Projections(app) as p, p.store.read() as cur:
        brukere = [UUID(r[0]) for r in cur.execute(
            "SELECT bruker_id FROM prj_gl_bruker").fetchall()]
        maaneder = sorted({(int(a), int(m)) for a, m in cur.execute(
            "SELECT DISTINCT aar, maaned FROM prj_bt_maaned").fetchall()})
    with Projections(app) as p:
        tider: dict[str, list[float]] = {"leverandor_paa": [], "caseload": [],
                                         "betalbare_timer": [], "sla_oppsummering": []}

        def tid(navn: str, f: Any, *a: Any) -> Any:
            t0 = time.perf_counter()
            svar = f(*a)
            tider[navn].append((time.perf_counter() - t0) * 1000)
            return svar

        midt = maaneder[len(maaneder) // 2]
        for b in rng.sample(brukere, min(300, len(brukere))):
            tid("leverandor_paa", p.leverandor_paa, b, Tjenestetype.HJEMMESYKEPLEIE_DAG,
                date(midt[0], midt[1], 15))
        linjer = 0
        for _ in range(3):
            for lev in sorted(app.ref.leverandorer):
                tid("caseload", p.caseload, lev, date(midt[0], midt[1], 15))
                linjer = max(linjer, len(tid("betalbare_timer", p.betalbare_timer, lev,
                                             *midt).linjer))
            tid("sla_oppsummering", p.sla_oppsummering, ("leverandor", "regel"), None, None,
                f"{midt[0]:04d}-{midt[1]:02d}")
    return {"ms": {k: {"median": statistics.median(v), "maks": max(v), "n": len(v)}
                   for k, v in tider.items()}, "storste_leverandormaaned_linjer": linjer,
            "maaned": f"{midt[0]:04d}-{midt[1]:02d}"}


def _topp_rss_mb() -> float:
    """This process's peak resident memory since exec (VmHWM). ``ru_maxrss`` would not do: it
    survives exec, so a child would report its parent's peak (the generator's)."""
    for linje in Path("/proc/self/status").read_text().splitlines():
        if linje.startswith("VmHWM:"):
            return int(linje.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def barn(args: argparse.Namespace) -> None:
    app = _app(args.port, args.db)
    if args.maal == "raa":
        svar = _maal_raa(app, args.batch, pydantic=False)
    elif args.maal == "pydantic":
        svar = _maal_raa(app, args.batch, pydantic=True)
    elif args.maal == "gjenoppbygg":
        svar = _maal_gjenoppbygging(app, args.batch)
    else:
        svar = _maal_sporringer(app, random.Random(5))
    svar["maxrss_mb"] = _topp_rss_mb()
    app.close()
    print(json.dumps(svar))


def _kjor_barn(port: int, db: str, maal: str, batch: int) -> dict[str, Any]:
    ut = subprocess.run([sys.executable, "-m", "benchmarks.projections", "--maal", maal,
                         "--port", str(port), "--db", db, "--batch", str(batch)],
                        cwd=ROT, check=True, capture_output=True, text=True)
    return json.loads(ut.stdout.strip().splitlines()[-1])


def maal(port: int, db: str, runder: int, batch: int) -> dict[str, Any]:
    """Alternate raw and rebuild passes in fresh processes; medians and peak memory."""
    raa, bygg = [], []
    for _ in range(runder):
        raa.append(_kjor_barn(port, db, "raa", batch))
        bygg.append(_kjor_barn(port, db, "gjenoppbygg", batch))
    pyd = _kjor_barn(port, db, "pydantic", batch)
    sporringer = _kjor_barn(port, db, "sporringer", batch)
    fart_raa = statistics.median(x["hendelser"] / x["sekunder"] for x in raa)
    fart_bygg = statistics.median(x["hendelser"] / x["sekunder"] for x in bygg)
    return {
        "hendelser_lest": raa[0]["hendelser"],
        "raa_per_s": fart_raa, "raa_runder": [round(x["hendelser"] / x["sekunder"]) for x in raa],
        "gjenoppbygg_per_s": fart_bygg,
        "gjenoppbygg_runder": [round(x["hendelser"] / x["sekunder"]) for x in bygg],
        "gjenoppbygg_sekunder": statistics.median(x["sekunder"] for x in bygg),
        "forhold": fart_bygg / fart_raa,
        "pydantic_per_s": pyd["hendelser"] / pyd["sekunder"],
        "maxrss_raa_mb": max(x["maxrss_mb"] for x in raa),
        "maxrss_gjenoppbygg_mb": max(x["maxrss_mb"] for x in bygg),
        "a_jour": all(x["a_jour"] for x in bygg),
        "sporringer": sporringer,
    }


# --- the run --------------------------------------------------------------------------------


def _tall(x: float) -> str:
    """Thousands separated by a space, as Norwegian text writes them."""
    return f"{x:,.0f}".replace(",", " ")


def _rapport(args: argparse.Namespace, stats: Any, recorder: str, hode: int,
             malinger: list[tuple[str, int, dict[str, Any]]], sekunder: float) -> str:
    kommando = ".venv/bin/python -m benchmarks.projections" + (" --small" if args.small else "") \
        + (f" --brukere {args.brukere}" if args.brukere else "") \
        + (f" --dager {args.dager}" if args.dager else "") + " --skriv"
    linjer = [
        "# Benchmark: projections (rebuild rate, raw read rate, memory, queries)",
        "",
        f"Command: `{kommando}` (one run, {sekunder / 60:.1f} min). Written by "
        "`benchmarks/projections.py`; the method is in its docstring.",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, PostgreSQL from tests/pgserver.py (fsync off), "
        f"recorder `{recorder}`. The machine is shared with other work; every rate is the "
        "median of the rounds shown.",
        "",
        f"Data (`benchmarks/syntetisk_aar.py`, seed {args.seed}): {stats.brukere} users over "
        f"{args.dager or (120 if args.small else 365)} days, {stats.vedtak} vedtak, "
        f"{stats.leveranser} deliveries, {stats.besok} visits ({stats.akutte_besok} acute), "
        f"{stats.avbestillinger} cancellations, {stats.bytter} switches, {stats.dodsfall} "
        f"deaths, {stats.utflyttinger} moves out, {stats.bydelsflyttinger} bydel moves, "
        f"{stats.revurderinger} revurderinger, {stats.bekymringsmeldinger} concern reports, "
        f"{stats.klager} appeals, {stats.forlengelser} extensions, {stats.hasteoppstarter} "
        f"urgent starts: {hode} events in the log, written in {stats.sekunder:.0f} s.",
        "",
        "| log size | events read | raw read+decode (events/s) | rebuild, all three "
        "(events/s) | rebuild / raw | rebuild time | peak RSS raw | peak RSS rebuild |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for navn, storrelse, m in malinger:
        linjer.append(
            f"| {navn}: {_tall(storrelse)} | {_tall(m['hendelser_lest'])} | "
            f"{_tall(m['raa_per_s'])} ({', '.join(_tall(x) for x in m['raa_runder'])}) | "
            f"{_tall(m['gjenoppbygg_per_s'])} "
            f"({', '.join(_tall(x) for x in m['gjenoppbygg_runder'])}) | "
            f"**{m['forhold']:.2f}** | {m['gjenoppbygg_sekunder']:.1f} s | "
            f"{m['maxrss_raa_mb']:.0f} MB | {m['maxrss_gjenoppbygg_mb']:.0f} MB |")
    siste = malinger[-1][2]
    linjer += [
        "",
        f"For scale: reading and building the pydantic events instead (`to_domain_event`) runs "
        f"at {_tall(siste['pydantic_per_s'])} events/s; the projections decode to dicts "
        "(`decode_state`), as the raw pass does.",
        "",
        f"Queries on the rebuilt tables (full size, month {siste['sporringer']['maaned']}; "
        "milliseconds, median / max):",
        "",
        "| query | median ms | max ms | calls |",
        "|---|---|---|---|",
    ]
    for navn, v in siste["sporringer"]["ms"].items():
        linjer.append(f"| `{navn}` | {v['median']:.2f} | {v['maks']:.2f} | {v['n']} |")
    linjer += [
        "",
        f"The largest provider month had {siste['sporringer']['storste_leverandormaaned_linjer']} "
        "invoice lines. Target: rebuild ≥ 0.5 × raw; memory flat as the log grows (compare the "
        "two rows: the peak is one batch and one chunk of months, not the log).",
        "",
    ]
    return "\n".join(linjer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="300 users, 120 days")
    parser.add_argument("--brukere", type=int)
    parser.add_argument("--dager", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runder", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--skriv", action="store_true", help=f"write {DOK.relative_to(ROT)}")
    parser.add_argument("--maal", choices=["raa", "pydantic", "gjenoppbygg", "sporringer"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.maal:
        barn(args)
        return

    from benchmarks.syntetisk_aar import generer
    from tests.pgserver import ThrowawayPostgres

    brukere = args.brukere or (300 if args.small else 3000)
    dager = args.dager or (120 if args.small else 365)
    t0 = time.perf_counter()
    malinger: list[tuple[str, int, dict[str, Any]]] = []
    with ThrowawayPostgres() as server:
        db = server.create_database("projeksjoner_bench")
        app = _app(server.port, db)
        recorder = f"{type(app.recorder).__module__}.{type(app.recorder).__qualname__}"

        def underveis(dag: int, stats: Any) -> None:
            hode = app.recorder.max_notification_id() or 0
            print(f"  måler ved dag {dag} ({hode} hendelser) ...", file=sys.stderr, flush=True)
            malinger.append((f"day {dag}", hode, maal(server.port, db, args.runder, args.batch)))

        def fremdrift(dag: int, stats: Any) -> None:
            print(f"\r  dag {dag}/{dager}: {stats.hendelser} hendelser", end="", file=sys.stderr,
                  flush=True)

        print(f"Skriver et syntetisk år: {brukere} brukere, {dager} dager ...", file=sys.stderr)
        stats = generer(app, brukere=brukere, dager=dager, seed=args.seed,
                        underveis=underveis, underveis_dag=dager // 2, fremdrift=fremdrift)
        hode = app.recorder.max_notification_id() or 0
        print(f"\n  måler ved slutten ({hode} hendelser) ...", file=sys.stderr, flush=True)
        malinger.append((f"day {dager}", hode, maal(server.port, db, args.runder, args.batch)))
        app.close()
    rapport = _rapport(args, stats, recorder, hode, malinger, time.perf_counter() - t0)
    print(rapport)
    if args.skriv:
        DOK.parent.mkdir(exist_ok=True)
        DOK.write_text(rapport, encoding="utf-8")
        print(f"Skrev {DOK.relative_to(ROT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
