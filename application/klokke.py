"""The clock that gives every command its recording time (``Kontekst.naa``).

In production it is the system clock. In development mode only, ``BRUKERVALG_KLOKKE`` moves it,
so a training environment, a demo or an acceptance scenario can be run as of any date:

- an instant with offset (``2026-06-01T12:00:00+02:00``): the clock starts there when the process
  starts and then runs at normal speed (so recorded order stays observable);
- a signed offset (``+30d``, ``-2d``, ``+3h``, ``-90m``): the system clock moved by that much.

Outside development mode the setting is refused (like development keys): a recording time is a
fact, and in production only the real clock may write it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from application.infrastructure.settings import StoreSettingsError

MILJOVARIABEL = "BRUKERVALG_KLOKKE"
_FORSKYVNING = re.compile(r"^([+-])(\d{1,6})([dhm])$")
_ENHET = {"d": "days", "h": "hours", "m": "minutes"}

Klokke = Callable[[], datetime]


class Klokkefeil(StoreSettingsError):
    """``BRUKERVALG_KLOKKE`` is set where it must not be, or cannot be read."""


def systemklokke() -> datetime:
    return datetime.now(UTC)


def forskyvning(verdi: str, naa: datetime) -> timedelta:
    """How far the clock is moved from ``naa`` (the real time when the process starts)."""
    tekst = verdi.strip()
    if m := _FORSKYVNING.match(tekst):
        steg = timedelta(**{_ENHET[m[3]]: int(m[2])})
        return steg if m[1] == "+" else -steg
    try:
        tid = datetime.fromisoformat(tekst)
    except ValueError:
        raise Klokkefeil(f"{MILJOVARIABEL}={verdi!r}: bruk et tidspunkt med tidssone "
                         "(2026-06-01T12:00:00+02:00) eller en forskyvning (+30d, -2h, +90m)") \
            from None
    if tid.tzinfo is None or tid.utcoffset() is None:
        raise Klokkefeil(f"{MILJOVARIABEL}={verdi!r}: tidspunktet må ha tidssone (BV2)")
    return tid - naa


def klokke_fra_miljo(environ: Mapping[str, str], utvikling: bool,
                     naa: Klokke = systemklokke) -> Klokke | None:
    """The development clock the environment asks for, or None for the system clock.

    Raises:
        Klokkefeil: the setting outside development mode, or one that cannot be read.
    """
    verdi = (environ.get(MILJOVARIABEL) or "").strip()
    if not verdi:
        return None
    if not utvikling:
        raise Klokkefeil(f"{MILJOVARIABEL} godtas bare i utviklingsmodus; i produksjon skrives "
                         "registreringstiden bare av systemklokken")
    flytt = forskyvning(verdi, naa())
    return lambda: naa() + flytt
