"""A visit on a long delivery: command latency with and without the decoded-event buffer.

    ./bv bench lang_leveranse [--besok 800] [--maal 50] [--lager sqlite|postgres]

One delivery gets ``--besok`` visits reported one by one (one event each, as a provider's system
posting every visit does over a year); then ``--maal`` more visits are timed, once by an
application without the buffer (``BRUKERVALG_HENDELSEBUFFER=0``: every command reads and decodes
all of the delivery's events) and once with it (only the new events are read), alternating in
blocks of 10 on the same store in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from application.app import BrukervalgApp
from domain import kommandoer as k
from domain.kalender import OSLO
from tests.conftest import KOMMUNAL
from tests.integration.conftest import lag_sak


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--besok", type=int, default=800)
    p.add_argument("--maal", type=int, default=60)
    p.add_argument("--lager", choices=["sqlite", "postgres"], default="sqlite")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as mappe:
        if args.lager == "sqlite":
            env = {"BRUKERVALG_STORE": "sqlite", "BRUKERVALG_SQLITE_PATH": str(Path(mappe) / "l.db")}
            _kjor(env, args)
        else:
            from tests.pgserver import ThrowawayPostgres

            with ThrowawayPostgres() as pg:
                _kjor({"BRUKERVALG_STORE": "postgres", **pg.env(pg.create_database("lang"))}, args)


def _kjor(env: dict[str, str], args: argparse.Namespace) -> None:
    klokke = lambda: datetime(2027, 3, 1, 12, tzinfo=OSLO)  # noqa: E731
    med = BrukervalgApp(env=env, klokke=klokke)
    uten = BrukervalgApp(env={**env, "BRUKERVALG_HENDELSEBUFFER": "0"}, klokke=klokke)
    sak = lag_sak(med, fom=date(2025, 1, 1))
    start = datetime(2025, 1, 2, 8, tzinfo=OSLO)
    besok = [k.RegistrerBesok(leveranse_id=sak.leveranse_id, start=start + timedelta(hours=12 * i),
                              slutt=start + timedelta(hours=12 * i, minutes=30), ansatt="a-1")
             for i in range(args.besok + args.maal)]
    for b in besok[:args.besok]:
        med.registrer_besok(b, KOMMUNAL)
    tider: dict[str, list[float]] = {"uten buffer": [], "med buffer": []}
    neste = args.besok
    while neste < len(besok):
        for navn, app in (("uten buffer", uten), ("med buffer", med)):
            for b in besok[neste:neste + 5]:
                t0 = time.perf_counter()
                app.registrer_besok(b, KOMMUNAL)
                tider[navn].append((time.perf_counter() - t0) * 1000)
            neste += 5
    hendelser = len(list(med.events.get(sak.leveranse_id)))
    print(f"| måling ({args.lager}, leveransen har {args.besok}–{hendelser} hendelser) "
          "| median ms per besøk | p90 ms |")
    print("|---|---:|---:|")
    for navn, ms in tider.items():
        print(f"| {navn} | {statistics.median(ms):.2f} | {statistics.quantiles(ms, n=10)[-1]:.2f} |")
    forhold = statistics.median(tider["uten buffer"]) / statistics.median(tider["med buffer"])
    print(f"\nMed buffer {forhold:.1f}× raskere (median).")
    med.close()
    uten.close()


if __name__ == "__main__":
    main()
