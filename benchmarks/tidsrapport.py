"""Import of providers' time reports: rows/s against PostgreSQL COPY of the same rows, and peak
memory for a file ten times larger, measured in one run on a throwaway PostgreSQL.

    ./bv bench tidsrapport [--brukere 300] [--gjentak 3] [--skriv]

Each import runs in its own process, so its peak RSS is its own, and its resident memory is
printed after each quarter of the file; its CPU time is reported too (the rest of its wall time
is waiting for PostgreSQL). Both clocks start on open connections: COPY's after connecting, the
import's after its application has opened its connection pool and run the column-wise path
once on two made-up lines (as a running server has done at start, ``serverapp``).

The file is a month of visits (two a day per user, home nursing) with a few cancellations,
sorted by user as a provider's system exports it. With ``--gjentak N`` each file is made N
times (new users each time) and imported and copied N times; the table gives the median and the
range of the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg

from application.app import BrukervalgApp
from application.syntetisk import syntetisk_fodselsnummer
from application.tidsrapport import KOLONNER
from benchmarks._rapport import legg_til_i_benchmarks
from domain import kommandoer as k
from domain.begreper import Aktor, Rolle, Tjenestetype
from domain.kalender import OSLO
from domain.vedtak import Omfang
from tests.pgserver import ThrowawayPostgres

SB = Aktor(person_id="bench-sb", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
VM = Aktor(person_id="bench-vm", rolle=Rolle.VEDTAKSMYNDIG, organisasjon="bydel:frogner")
LEV = Aktor(person_id="bench-2care", rolle=Rolle.LEVERANDOR, organisasjon="leverandor:2care")
HSP = Tjenestetype.HJEMMESYKEPLEIE_DAG


_BRUKTE_FNR: set[str] = set()


def lag_brukere(app: BrukervalgApp, antall: int, seed: int) -> list[str]:
    """``antall`` new users, each with one delivery from 2care. A synthetic fødselsnummer that
    an earlier user of the run already has is drawn again: the same number would register the
    same user, who would then have two deliveries (and that file would measure the line-by-line
    path for them)."""
    rng = random.Random(seed)
    ider = []
    for _ in range(antall):
        fnr = syntetisk_fodselsnummer(rng)
        while fnr in _BRUKTE_FNR:
            fnr = syntetisk_fodselsnummer(rng)
        _BRUKTE_FNR.add(fnr)
        b = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=fnr,
                                                   navn="Bench Bruker", bydel="frogner"), SB)
        v = app.fatt_vedtak(k.FattVedtak(bruker_id=b.id, tjenestetype=HSP, gyldig_fra=date(2026, 1, 1),
                                         omfang=Omfang(minutter=7 * 90), vedtaksdato=date(2026, 1, 1)), VM)
        app.bestill_leveranse(k.BestillLeveranse(bruker_id=b.id, tjenestetype=HSP, vedtak_id=v.id,
                                                 fom=date(2026, 1, 1), leverandor_id="2care"), SB)
        ider.append(str(b.id))
    return ider


def skriv_fil(sti: Path, brukere: list[str]) -> int:
    rader = 0
    with sti.open("w", encoding="utf-8") as f:
        f.write(";".join(KOLONNER) + "\n")
        for i, bruker in enumerate(brukere):
            for dag in range(31):
                for kl in (8, 20):
                    start = datetime(2026, 3, 1, kl, tzinfo=OSLO) + timedelta(days=dag, minutes=i % 30)
                    slutt = start + timedelta(minutes=40 + (dag % 3) * 5)
                    if (dag + i) % 29 == 0:
                        avb = (start - timedelta(hours=14)).isoformat()
                        f.write(f"avbestilling;{bruker};{HSP};{start.isoformat()};{slutt.isoformat()};"
                                f";;;{avb};OL-beskjedjournal {i}-{dag}\n")
                    else:
                        f.write(f"besok;{bruker};{HSP};{start.isoformat()};{slutt.isoformat()};"
                                f"2c-{(i + dag) % 7};ordinaer;;;\n")
                    rader += 1
    return rader


def kjor_import(env_json: str, fil: str) -> None:
    """Child process: import the file and print rows/s and peak RSS as JSON, and the resident
    memory after each chunk (the curve shows whether memory levels off as the file goes on)."""
    from application.tidsrapport import Tidsrapportimport
    from application.tidsrapport.kolonner import varm_opp

    app = BrukervalgApp(env=json.loads(env_json))
    # As COPY's clock starts on an open connection, and a running server's pool is open: the
    # pool's connections opened and the insert statements rendered before the clock starts.
    ds = app.recorder.datastore  # type: ignore[attr-defined]
    with ds.get_connection():
        pass
    ds.pool.wait(30)
    app.recorder._prepare_statements()  # type: ignore[attr-defined]
    varm_opp(app.mapper)  # as a server does at start (polars' first use)
    kurve: list[tuple[int, int]] = []

    def rss(n: int) -> None:
        with open("/proc/self/statm") as f:
            kurve.append((n, int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20))

    t0, c0 = time.perf_counter(), time.process_time()
    s = Tidsrapportimport(app, "2care", LEV).importer(lambda: open(fil, "rb"),
                                                      fremdrift=rss)
    sek, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"linjer": s.linjer, "godtatt": s.godtatt, "avvist": s.avvist, "sekunder": sek,
                      "cpu": cpu, "hendelser": s.hendelser, "kolonnevis": s.kolonnevis,
                      "kurve": kurve,
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _kvarter(kurve: list[list[int]]) -> str:
    """The resident memory (MB) when a quarter, half, three quarters and all of the file is done."""
    if not kurve:
        return "–"
    alle = kurve[-1][0]
    return " / ".join(str(next(mb for n, mb in kurve if n >= alle * q / 4)) for q in (1, 2, 3, 4))


def copy_rate(dsn: str, fil: Path) -> tuple[int, float]:
    with psycopg.connect(dsn) as con:
        con.execute("CREATE TABLE IF NOT EXISTS rader (type text, bruker text, tjenestetype text, "
                    "start timestamptz, slutt timestamptz, ansatt text, kategori text, tiltakskode text, "
                    "avbestilt_tid timestamptz, journalreferanse text)")
        con.execute("TRUNCATE rader")
        con.commit()
        t0 = time.perf_counter()
        with con.cursor() as cur, cur.copy("COPY rader FROM STDIN WITH (FORMAT csv, DELIMITER ';', "
                                           "HEADER true, NULL '')") as cp, fil.open("rb") as f:
            while blokk := f.read(1 << 20):
                cp.write(blokk)
        con.commit()
        sek = time.perf_counter() - t0
        n = con.execute("SELECT count(*) FROM rader").fetchone()[0]
    return n, sek


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--barn":
        kjor_import(sys.argv[2], sys.argv[3])
        return
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--brukere", type=int, default=300, help="users in the small file (the large has 10x)")
    p.add_argument("--gjentak", type=int, default=1, help="make, import and copy each file N times")
    p.add_argument("--skriv", action="store_true", help="append the table to docs/benchmarks.md")
    args = p.parse_args()
    resultater: dict[str, list[tuple[int, dict, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, ThrowawayPostgres() as pg:
        db = pg.create_database("bench_import")
        env = {"BRUKERVALG_STORE": "postgres", **pg.env(db)}
        app = BrukervalgApp(env=env)
        seed = 0
        for runde in range(args.gjentak):
            for navn, antall in (("liten", args.brukere), ("stor (10×)", args.brukere * 10)):
                seed += 1
                t0 = time.perf_counter()
                brukere = lag_brukere(app, antall, seed)
                print(f"{navn} #{runde + 1}: {antall} brukere opprettet på {time.perf_counter() - t0:.0f} s",
                      file=sys.stderr)
                fil = Path(tmp) / f"{seed}.csv"
                rader = skriv_fil(fil, brukere)
                barn = subprocess.run([sys.executable, "-m", "benchmarks.tidsrapport", "--barn",
                                       json.dumps(env), str(fil)], capture_output=True, text=True,
                                      check=True, env={**os.environ, "PYTHONPATH": str(
                                          Path(__file__).resolve().parents[1])})
                imp = json.loads(barn.stdout.strip().splitlines()[-1])
                n, copy_sek = copy_rate(pg.dsn(db), fil)
                resultater.setdefault(navn, []).append((rader, imp, n / copy_sek))
                print(f"  import {imp['linjer'] / imp['sekunder']:,.0f} rader/s, COPY "
                      f"{n / copy_sek:,.0f} rader/s, forhold "
                      f"{imp['linjer'] / imp['sekunder'] / (n / copy_sek):.3f}×, peak RSS "
                      f"{imp['maxrss_mb']:.0f} MB, RSS per kvart {_kvarter(imp['kurve'])} MB, "
                      f"kolonnevis {imp['kolonnevis']:,} av {imp['linjer']:,} linjer",
                      file=sys.stderr)
                fil.unlink()
        app.close()
    linjer = ["| fil | rader | hendelser | import rader/s | import CPU µs/rad | COPY rader/s | forhold "
              "(median) | forhold (spenn) | peak RSS import (MB) | RSS ¼ / ½ / ¾ / hele (MB) | "
              "kolonnevis |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for navn, runder in resultater.items():
        forhold = sorted((r[1]["linjer"] / r[1]["sekunder"]) / r[2] for r in runder)
        midt = sorted(runder, key=lambda r: (r[1]["linjer"] / r[1]["sekunder"]) / r[2])[len(runder) // 2]
        rader, imp, copy = midt
        kolonnevis = sum(r[1]["kolonnevis"] for r in runder) / sum(r[1]["linjer"] for r in runder)
        rate = imp["linjer"] / imp["sekunder"]
        linjer.append(f"| {navn} | {rader:,} | {imp['hendelser']:,} | {rate:,.0f} | "
                      f"{imp['cpu'] / imp['linjer'] * 1e6:.1f} | {copy:,.0f} | "
                      f"{statistics.median(forhold):.3f}× | {forhold[0]:.3f}–{forhold[-1]:.3f}× | "
                      f"{max(r[1]['maxrss_mb'] for r in runder):.0f} | {_kvarter(imp['kurve'])} | "
                      f"{kolonnevis:.0%} |")
    tekst = "\n".join(linjer)
    print(tekst)
    if args.skriv:
        legg_til_i_benchmarks("Import av tidsrapport", f"./bv bench tidsrapport --brukere "
                              f"{args.brukere} --gjentak {args.gjentak}", tekst)


if __name__ == "__main__":
    main()
