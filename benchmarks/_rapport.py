"""What the benchmarks share: appending a fresh result table to docs/benchmarks.md (``--skriv``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def legg_til_i_benchmarks(tittel: str, kommando: str, tekst: str) -> None:
    """Append ``tekst`` under a heading with the title, the time and the command that made it."""
    with BENCHMARKS_MD.open("a", encoding="utf-8") as f:
        f.write(f"\n### {tittel}, {datetime.now():%Y-%m-%d %H:%M} (`{kommando}`)\n\n{tekst}\n")
