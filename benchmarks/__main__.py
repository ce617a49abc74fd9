"""`./bv bench NAME [args]`: run one benchmark module from this folder (python -m benchmarks.NAME)."""

from __future__ import annotations

import pkgutil
import runpy
import sys
from pathlib import Path


def main() -> None:
    navn = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                  if not m.name.startswith("_"))
    if len(sys.argv) < 2 or sys.argv[1] not in navn:
        print("usage: ./bv bench NAME [args]   where NAME is one of: " + ", ".join(navn))
        raise SystemExit(2)
    modul = sys.argv.pop(1)
    runpy.run_module(f"benchmarks.{modul}", run_name="__main__")


main()
