"""Append rate of single commands through BrukervalgApp, next to plain inserts, in one run.

For each store (SQLite file, throwaway PostgreSQL) it times N single commands (one visit each,
on N different deliveries: one transaction per command, like real use) and, in the same run,
N plain single-row INSERT transactions of the same payload size with sqlite3 / psycopg.
Prints a markdown table; with --skriv it is appended to docs/benchmarks.md.

    ./bv bench append [--antall 2000] [--skriv]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
import uuid
from datetime import datetime, timedelta

import psycopg

from application.app import BrukervalgApp
from application.syntetisk import syntetisk_fodselsnummer
from benchmarks._rapport import legg_til_i_benchmarks
from domain import kommandoer as k
from domain.begreper import Aktor, Rolle, Tjenestetype
from domain.kalender import OSLO
from domain.vedtak import Omfang
from tests.pgserver import ThrowawayPostgres

SB = Aktor(person_id="bench-sb", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
VM = Aktor(person_id="bench-vm", rolle=Rolle.VEDTAKSMYNDIG, organisasjon="bydel:frogner")
LEV = Aktor(person_id="bench-lev", rolle=Rolle.LEVERANDOR, organisasjon="leverandor:kommunal")


def _forbered(app: BrukervalgApp, antall: int) -> list[uuid.UUID]:
    import random

    rng = random.Random(7)
    leveranser = []
    for _ in range(antall):
        b = app.registrer_bruker(k.RegistrerBruker(fodselsnummer=syntetisk_fodselsnummer(rng),
                                                   navn="Bench Bruker", bydel="frogner"), SB)
        v = app.fatt_vedtak(k.FattVedtak(bruker_id=b.id, tjenestetype=Tjenestetype.HJEMMESYKEPLEIE_DAG,
                                         gyldig_fra=datetime(2026, 1, 1).date(), omfang=Omfang(minutter=300),
                                         vedtaksdato=datetime(2026, 1, 1).date()), VM)
        lev = app.bestill_leveranse(k.BestillLeveranse(
            bruker_id=b.id, tjenestetype=Tjenestetype.HJEMMESYKEPLEIE_DAG, vedtak_id=v.id,
            fom=datetime(2026, 1, 1).date()), SB)
        leveranser.append(lev.id)
    return leveranser


def _kommandoer(app: BrukervalgApp, leveranser: list[uuid.UUID]) -> tuple[float, int]:
    start = datetime(2026, 2, 2, 8, tzinfo=OSLO)
    t0 = time.perf_counter()
    for i, lid in enumerate(leveranser):
        s = start + timedelta(minutes=i)
        app.registrer_besok(k.RegistrerBesok(leveranse_id=lid, start=s, slutt=s + timedelta(minutes=40),
                                             ansatt="ans-1"), LEV)
    return time.perf_counter() - t0, len(leveranser)


def _payload(app: BrukervalgApp) -> bytes:
    siste = app.recorder.select_notifications(start=app.recorder.max_notification_id(), limit=1)[0]
    return siste.state


def _rå_sqlite(sti: str, payload: bytes, antall: int) -> float:
    con = sqlite3.connect(sti, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, originator_id TEXT, originator_version INTEGER, "
                "topic TEXT, state BLOB, UNIQUE(originator_id, originator_version))")
    t0 = time.perf_counter()
    for _ in range(antall):
        con.execute("BEGIN")
        con.execute("INSERT INTO e (originator_id, originator_version, topic, state) VALUES (?,?,?,?)",
                    (str(uuid.uuid4()), 1, "domain.leveranse:BesokUtfort", payload))
        con.execute("COMMIT")
    return time.perf_counter() - t0


def _rå_postgres(dsn: str, payload: bytes, antall: int) -> float:
    with psycopg.connect(dsn) as con:
        con.execute("CREATE TABLE e (id bigserial PRIMARY KEY, originator_id uuid, "
                    "originator_version int, topic text, state bytea, "
                    "UNIQUE(originator_id, originator_version))")
        con.commit()
        t0 = time.perf_counter()
        for _ in range(antall):
            con.execute("INSERT INTO e (originator_id, originator_version, topic, state) "
                        "VALUES (%s,%s,%s,%s)", (uuid.uuid4(), 1, "domain.leveranse:BesokUtfort", payload))
            con.commit()
        return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--antall", type=int, default=2000)
    p.add_argument("--skriv", action="store_true", help="append the table to docs/benchmarks.md")
    args = p.parse_args()
    rader = []
    with tempfile.TemporaryDirectory() as tmp, ThrowawayPostgres() as pg:
        for store in ("sqlite", "postgres"):
            if store == "sqlite":
                env = {"BRUKERVALG_STORE": "sqlite", "BRUKERVALG_SQLITE_PATH": os.path.join(tmp, "bv.db")}
            else:
                env = {"BRUKERVALG_STORE": "postgres", **pg.env(pg.create_database("bench_append"))}
            app = BrukervalgApp(env=env)
            leveranser = _forbered(app, args.antall)
            sek, n = _kommandoer(app, leveranser)
            payload = _payload(app)
            modul = app.env.get("PERSISTENCE_MODULE")
            app.close()
            if store == "sqlite":
                rå = _rå_sqlite(os.path.join(tmp, "raw.db"), payload, n)
                grunnlinje = "sqlite3, én rad per transaksjon"
            else:
                rå = _rå_postgres(pg.dsn(pg.create_database("bench_raw")), payload, n)
                grunnlinje = "psycopg, én rad per transaksjon"
            rader.append((store, modul, n / sek, n / rå, (n / sek) / (n / rå), grunnlinje, len(payload)))
    tabell = ["| lager | recorder | kommandoer/s (1 hendelse hver) | rå insert/s | forhold | grunnlinje "
              "| bytes per hendelse |", "|---|---|---:|---:|---:|---|---:|"]
    for store, modul, app_rate, rå_rate, forhold, grunnlinje, storrelse in rader:
        tabell.append(f"| {store} | `{modul}` | {app_rate:,.0f} | {rå_rate:,.0f} | {forhold:.2f}× | "
                      f"{grunnlinje} | {storrelse} |")
    tekst = "\n".join(tabell)
    print(tekst)
    if args.skriv:
        legg_til_i_benchmarks("Append", f"./bv bench append --antall {args.antall}", tekst)


if __name__ == "__main__":
    main()
