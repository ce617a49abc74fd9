"""Small helpers the projections share: event topics, and how values are written to tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from eventsourcing.utils import get_topic

from domain import ansvar
from domain import bruker as b_mod
from domain import leveranse as l_mod
from domain import vedtak as v_mod
from domain.ansvar import Tidslinje

if TYPE_CHECKING:
    from projections.runner import WriteBuffer
    from projections.store import Cursor


def emne(cls: type) -> str:
    """The topic an event class is stored under (what ``select_notifications`` filters on)."""
    return get_topic(cls)


class Emne:
    """Topics of the events the projections read (decoded as dicts, never as pydantic models)."""

    BRUKER_REGISTRERT = emne(b_mod.BrukerRegistrert)
    LEVERANDOR_VALGT = emne(b_mod.LeverandorValgt)
    VALG_KORRIGERT = emne(b_mod.LeverandorvalgKorrigert)
    LEVERANDOR_BYTTET = emne(b_mod.LeverandorByttet)
    FLYTTET_TIL_BYDEL = emne(b_mod.FlyttetTilBydel)
    FLYTTET_UT = emne(b_mod.FlyttetUtAvKommunen)
    DODSFALL = emne(b_mod.DodsfallRegistrert)

    VEDTAK_FATTET = emne(v_mod.VedtakFattet)
    VEDTAK_MOTTATT = emne(v_mod.VedtakMottatt)
    REVURDERING_ANMODET = emne(v_mod.RevurderingAnmodet)
    REVURDERING_BESVART = emne(v_mod.RevurderingBesvart)
    VEDTAK_FORLENGET = emne(v_mod.VedtakForlenget)
    VEDTAK_REVIDERT = emne(v_mod.VedtakRevidert)
    VEDTAK_AVSLUTTET = emne(v_mod.VedtakAvsluttet)
    KLAGE_MOTTATT = emne(v_mod.KlageMottatt)

    LEVERANSE_BESTILT = emne(l_mod.LeveranseBestilt)
    LEVERANDOR_VARSLET = emne(l_mod.LeverandorVarslet)
    KNYTTET_TIL_VEDTAK = emne(l_mod.LeveranseKnyttetTilVedtak)
    LEVERANSE_STARTET = emne(l_mod.LeveranseStartet)
    BESOK_UTFORT = emne(l_mod.BesokUtfort)
    BESOK_AVBESTILT = emne(l_mod.BesokAvbestilt)
    BESOK_RAPPORTERT = emne(l_mod.BesokRapportert)  # many visits of one delivery (time report)
    AVBESTILLINGER_RAPPORTERT = emne(l_mod.AvbestillingerRapportert)
    BEKYMRING_MOTTATT = emne(l_mod.BekymringsmeldingMottatt)
    BEKYMRING_VIDERESENDT = emne(l_mod.BekymringsmeldingVideresendt)
    LEVERANSE_AVSLUTTET = emne(l_mod.LeveranseAvsluttet)
    LEVERANSE_FORLENGET = emne(l_mod.LeveransePeriodeForlenget)


def tid(tekst: str) -> datetime:
    """An instant as stored in an event (ISO 8601 with offset)."""
    return datetime.fromisoformat(tekst)


def dato(tekst: str | None) -> date | None:
    return None if tekst is None else date.fromisoformat(tekst)


def utc_tekst(dt: datetime) -> str:
    """An instant as fixed-width UTC text, so text order is time order in both stores."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def brok_tekst(x: Fraction | int) -> str:
    """An exact amount as text ("n" or "n/d"); read back with ``Fraction(text)``."""
    if isinstance(x, int) or x.denominator == 1:
        return str(int(x))
    return f"{x.numerator}/{x.denominator}"


# --- R24: the bydel history, kept by every projection that attributes to a bydel -----------

def bydel_ddl(tabell: str) -> str:
    """The registration (posisjon 0) and each move (posisjon: its notification id), as recorded;
    ``bydelhistorikk`` folds them with ``domain.ansvar.tidslinje``."""
    return (f"CREATE TABLE IF NOT EXISTS {tabell} (bruker_id TEXT NOT NULL, "
            "posisjon BIGINT NOT NULL, dato TEXT NOT NULL, bydel TEXT NOT NULL, "
            "PRIMARY KEY (bruker_id, posisjon))")


def bydel_rad(tabell: str, bruker_id: str, posisjon: int, dato_: str, bydel: str,
              cur: WriteBuffer) -> None:
    """Record a registration (posisjon 0, ``date.min``) or a move (its notification id)."""
    cur.execute(f"INSERT INTO {tabell} (bruker_id, posisjon, dato, bydel) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (bruker_id, posisjon) DO NOTHING", (bruker_id, posisjon, dato_, bydel))


def bydelhistorikk(cur: Cursor, tabell: str, brukere: Sequence[str]) -> dict[str, Tidslinje]:
    """R24: each bruker's bydel over time, as ``domain.ansvar`` decides it."""
    rader: dict[str, list[tuple[int, str, str]]] = {}
    for bruker_id, posisjon, dato_, bydel in cur.i(
            f"SELECT bruker_id, posisjon, dato, bydel FROM {tabell} WHERE {{i}}", "bruker_id",
            sorted(brukere)):
        rader.setdefault(bruker_id, []).append((int(posisjon), dato_, bydel))
    ut: dict[str, Tidslinje] = {}
    for bruker_id, rr in rader.items():
        rr.sort()
        if rr[0][0] != 0:
            continue  # the registration not seen (yet): no bydel to attribute to
        ut[bruker_id] = ansvar.tidslinje(
            rr[0][2], ((date.fromisoformat(d), by) for _, d, by in rr[1:]))
    return ut
