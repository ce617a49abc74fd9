"""The one progress bar of every long command (import, projections, chain verification): tqdm,
on stderr, with Norwegian numbers.

Callers give the absolute count so far (and the total when known); ``lukk()`` draws the last
state once and returns the count it showed, so a summary printed after it can use the same
figure.
"""

from __future__ import annotations

import sys
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, TextIO

from babel.numbers import format_decimal
from tqdm import tqdm

__all__ = ["Fremdriftslinje"]


def _tall(x: float) -> str:
    return format_decimal(round(x), format="#,##0", locale="nb_NO")


# The stubs (types-tqdm) make tqdm generic in what it iterates; at run time the class is not
# subscriptable. A bar here is counted by hand, so it iterates nothing in particular.
if TYPE_CHECKING:
    _Tqdm = tqdm[Any]
else:
    _Tqdm = tqdm


class _NorskTqdm(_Tqdm):
    @property
    def format_dict(self) -> MutableMapping[str, Any]:
        d = super().format_dict
        n, total, sekunder = d["n"], d["total"], d["elapsed"]
        d["antall"] = _tall(n) + (f" av {_tall(total)}" if total else "")
        fart = n / sekunder if sekunder else 0.0
        d["fart"] = f"{_tall(fart)} {d['unit']}/s"
        d["prosent"] = f"{(100 * n / total) if total else 100:3.0f}\u00a0%"
        return d


_MED_TOTAL = "{desc}: {prosent} |{bar}| {antall} {unit}, {fart}"
_UTEN_TOTAL = "{desc}: {antall} {unit}, {fart}"


class Fremdriftslinje:
    """A progress line: ``importerer: 12 345 linjer, 4 321 linjer/s``."""

    def __init__(self, tekst: str, enhet: str, strom: TextIO | None = None,
                 total: int | None = None) -> None:
        self._strom = strom or sys.stderr
        self._bar: _NorskTqdm | None = None
        self._tekst, self._enhet, self._total = tekst, enhet, total
        self.antall = 0

    def _start(self) -> _NorskTqdm:
        if self._bar is None:
            self._bar = _NorskTqdm(
                total=self._total, desc=self._tekst, unit=self._enhet, file=self._strom,
                bar_format=_MED_TOTAL if self._total else _UTEN_TOTAL, ncols=100,
                mininterval=0.2, leave=True, dynamic_ncols=False)
        return self._bar

    def __call__(self, antall: int, total: int | None = None) -> None:
        bar = self._start()
        if total is not None and total != bar.total:
            bar.total = total
            bar.bar_format = _MED_TOTAL if total else _UTEN_TOTAL
        self.antall = antall
        bar.n = antall
        bar.update(0)  # redraws at most every mininterval

    def lukk(self) -> int:
        """Draw the final state (once) and end the line; returns the count shown."""
        if self._bar is not None:
            self._bar.n = self.antall
            self._bar.close()
            self._bar = None
        return self.antall
