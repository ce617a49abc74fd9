"""The README's layout section names every module and package of the tree, so it cannot go stale.

Two levels deep in each layer (``domain/bruker/tilstand.py`` is level two); a package with its
own README (``application/infrastructure/ledger/``) and the controllers (one per resource) are
named as a whole. A pattern in the section (``skjema*.py``) covers the modules it matches.
"""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

ROT = Path(__file__).resolve().parents[2]
LAG = ("domain", "application", "projections", "interfaces")
SOM_HELHET = {"application/infrastructure/ledger", "interfaces/http/controllers"}


def _layout() -> str:
    tekst = (ROT / "README.md").read_text(encoding="utf-8")
    etter = tekst[tekst.index("## Layout"):]
    return etter[etter.index("```") + 3:etter.index("```", etter.index("```") + 3)]


def _oppforinger(mappe: Path, dybde: int) -> list[Path]:
    svar: list[Path] = []
    for sti in sorted(mappe.iterdir()):
        if sti.name.startswith((".", "__")) or sti.name in ("config",):
            continue
        if sti.is_dir() and (sti / "__init__.py").exists():
            svar.append(sti)
            rel = sti.relative_to(ROT).as_posix()
            if dybde < 2 and rel not in SOM_HELHET:
                svar += _oppforinger(sti, dybde + 1)
        elif sti.suffix == ".py":
            svar.append(sti)
    return svar


def _nevnt(navn: str, layout: str, monstre: list[str]) -> bool:
    return bool(re.search(rf"(?<![\w.]){re.escape(navn)}(?![\w])", layout)) or any(
        fnmatch(navn + ".py", m) for m in monstre)


def test_the_readme_layout_names_every_module_and_package() -> None:
    layout = _layout()
    monstre = [t for t in re.findall(r"[\w*]+\*[\w*]*\.py", layout)]
    mangler = [sti.relative_to(ROT).as_posix()
               for lag in LAG for sti in [ROT / lag, *_oppforinger(ROT / lag, 1)]
               if not _nevnt(sti.stem if sti.suffix else sti.name, layout, monstre)]
    assert mangler == []


def test_the_readme_layout_names_every_document() -> None:
    layout = _layout()
    monstre = re.findall(r"[\w*-]+\*[\w*]*\.md", layout)
    mangler = [p.name for p in sorted((ROT / "docs").glob("*.md"))
               if p.name not in layout and not any(fnmatch(p.name, m) for m in monstre)]
    assert mangler == []


def test_the_check_notices_a_module_the_layout_does_not_name() -> None:
    assert not _nevnt("ny_modul", _layout(), [])
    assert _nevnt("skjema_brukere", "x skjema*.py y", ["skjema*.py"])
