"""Small helpers the projections share: event topics, and how values are written to tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

from eventsourcing.utils import get_topic

from domain import bruker as b_mod
from domain import leveranse as l_mod
from domain import vedtak as v_mod


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
