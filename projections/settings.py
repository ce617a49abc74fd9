"""The projections' configuration: dated prices, contract terms, co-payment tables, SLA choices.

Values live in TOML files under ``projections/config`` (or the folder named by
``BRUKERVALG_PROJEKSJONER_KONFIG``), never in code. Money is read from strings into ``Decimal``,
so no binary float ever touches an amount.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar, overload

from domain.begreper import Tjenestetype
from domain.frister import Fristregler

STANDARD_MAPPE = Path(__file__).parent / "config"
MILJO_MAPPE = "BRUKERVALG_PROJEKSJONER_KONFIG"


class SettingsError(ValueError):
    """A configuration file is missing a value or holds one the rules do not allow."""


def _belop(verdi: Any, hvor: str) -> Decimal:
    if not isinstance(verdi, str):
        raise SettingsError(f"{hvor}: beløp skrives som tekst (\"612.50\"), fikk {verdi!r}")
    try:
        belop = Decimal(verdi)
    except InvalidOperation:
        raise SettingsError(f"{hvor}: {verdi!r} er ikke et beløp") from None
    if not belop.is_finite() or belop < 0:
        raise SettingsError(f"{hvor}: beløpet må være et endelig tall >= 0")
    return belop


@dataclass(frozen=True)
class Timepriser:
    """R05: one hourly price per tjenestetype and year, the same for every provider."""

    per_aar: dict[int, dict[Tjenestetype, Decimal]]

    def pris(self, tjenestetype: Tjenestetype, aar: int) -> Decimal | None:
        return self.per_aar.get(aar, {}).get(tjenestetype)

    @classmethod
    def fra_toml(cls, data: dict[str, Any]) -> Timepriser:
        per_aar: dict[int, dict[Tjenestetype, Decimal]] = {}
        for aar_tekst, tabell in data.items():
            try:
                aar = int(aar_tekst)
            except ValueError:
                raise SettingsError(f"timepris.{aar_tekst}: nøkkelen må være et år") from None
            if not isinstance(tabell, dict):
                raise SettingsError(f"timepris.{aar}: forventet en tabell")
            priser: dict[Tjenestetype, Decimal] = {}
            for nokkel, verdi in tabell.items():
                if nokkel.startswith("_"):
                    continue
                try:
                    tjenestetype = Tjenestetype(nokkel)
                except ValueError:
                    # R05: a key that is not a tjenestetype (e.g. a provider) is refused.
                    raise SettingsError(
                        f"timepris.{aar}.{nokkel}: ukjent tjenestetype; R05 gir én pris per "
                        "tjenestetype og år, lik for alle leverandører") from None
                if isinstance(verdi, dict):
                    raise SettingsError(f"timepris.{aar}.{nokkel}: R05 tillater ikke pris "
                                             "per leverandør")
                priser[tjenestetype] = _belop(verdi, f"timepris.{aar}.{nokkel}")
            per_aar[aar] = priser
        return cls(per_aar)


# (Alike in shape only to other frozen dataclasses, e.g. application.referansedata.Kontaktperson.)
@dataclass(frozen=True)
class SenAvbestilling:
    """R20: whether a late cancellation is paid is a contract term (default: not payable)."""

    betalbar: bool
    terskel: timedelta


@dataclass(frozen=True)
class Egenandelstrinn:
    fra_g: Decimal
    under_g: Decimal | None
    kr_per_time: Decimal
    tak_kr: Decimal | None
    tak_timer: Decimal | None
    tak_per: str  # "maaned" | "aar"

    @property
    def tak_belop(self) -> Decimal | None:
        if self.tak_kr is not None:
            return self.tak_kr
        if self.tak_timer is not None:
            return self.tak_timer * self.kr_per_time
        return None


@dataclass(frozen=True)
class Egenandelstabell:
    gyldig_fra: date
    trinn: tuple[Egenandelstrinn, ...]


@dataclass(frozen=True)
class Egenandelskonfig:
    """R19: dated co-payment tables and dated G (grunnbeløp) values."""

    tabeller: tuple[Egenandelstabell, ...]
    grunnbelop: tuple[tuple[date, Decimal], ...]

    def tabell_paa(self, dato: date) -> Egenandelstabell:
        gjeldende = [t for t in self.tabeller if t.gyldig_fra <= dato]
        if not gjeldende:
            raise SettingsError(f"ingen egenandelstabell gjelder {dato}")
        return gjeldende[-1]

    def g_paa(self, dato: date) -> Decimal:
        gjeldende = [kr for fra, kr in self.grunnbelop if fra <= dato]
        if not gjeldende:
            raise SettingsError(f"grunnbeløpet for {dato} mangler i konfigurasjonen")
        return gjeldende[-1]

    @classmethod
    def fra_toml(cls, data: dict[str, Any]) -> Egenandelskonfig:
        tabeller = []
        for i, t in enumerate(data.get("tabell", [])):
            trinn = []
            for j, x in enumerate(t["trinn"]):
                hvor = f"tabell[{i}].trinn[{j}]"
                tak_per = x.get("tak_per", "aar")
                if tak_per not in ("maaned", "aar"):
                    raise SettingsError(f"{hvor}.tak_per må være maaned eller aar")
                if "tak_kr" in x and "tak_timer" in x:
                    raise SettingsError(f"{hvor}: oppgi tak_kr eller tak_timer, ikke begge")
                trinn.append(Egenandelstrinn(
                    fra_g=Decimal(str(x.get("fra_g", 0))),
                    under_g=Decimal(str(x["under_g"])) if "under_g" in x else None,
                    kr_per_time=_belop(x["kr_per_time"], f"{hvor}.kr_per_time"),
                    tak_kr=_belop(x["tak_kr"], f"{hvor}.tak_kr") if "tak_kr" in x else None,
                    tak_timer=Decimal(str(x["tak_timer"])) if "tak_timer" in x else None,
                    tak_per=tak_per))
            trinn.sort(key=lambda x: x.fra_g)
            for a, b in zip(trinn, trinn[1:], strict=False):
                if a.under_g != b.fra_g:
                    raise SettingsError(f"tabell[{i}]: inntektstrinnene må henge sammen "
                                             f"({a.under_g} G ≠ {b.fra_g} G)")
            if trinn[0].fra_g != 0 or trinn[-1].under_g is not None:
                raise SettingsError(f"tabell[{i}]: trinnene må dekke 0 G og oppover")
            tabeller.append(Egenandelstabell(t["gyldig_fra"], tuple(trinn)))
        tabeller.sort(key=lambda t: t.gyldig_fra)
        grunnbelop = sorted((g["gyldig_fra"], _belop(g["kr"], "grunnbelop.kr"))
                            for g in data.get("grunnbelop", []))
        return cls(tuple(tabeller), tuple(grunnbelop))


_T = TypeVar("_T")

# The choices the deadline rules leave open: defined (and parsed) in the domain, read here.
SlaKonfig = Fristregler


def les_fristregler(mappe: Path | None = None) -> Fristregler:
    """The deadline rules' settings from ``sla.toml`` (read once by whoever composes the app)."""
    regler: Fristregler = ProjectionSettings._les(
        Path(mappe or os.environ.get(MILJO_MAPPE) or STANDARD_MAPPE), "sla.toml", Fristregler.fra_toml)
    return regler


@dataclass(frozen=True)
class ProjectionSettings:
    timepriser: Timepriser
    sen_avbestilling: SenAvbestilling
    egenandel: Egenandelskonfig
    sla: SlaKonfig

    # A file's TOML as read, or what ``tolk`` makes of it (its ValueError as SettingsError).
    @overload
    @staticmethod
    def _les(mappe: Path, navn: str) -> dict[str, Any]: ...

    @overload
    @staticmethod
    def _les(mappe: Path, navn: str, tolk: Callable[[dict[str, Any]], _T]) -> _T: ...

    @staticmethod
    def _les(mappe: Path, navn: str, tolk: Callable[[dict[str, Any]], _T] | None = None
             ) -> dict[str, Any] | _T:
        sti = mappe / navn
        try:
            with sti.open("rb") as f:
                data = tomllib.load(f)
        except FileNotFoundError:
            raise SettingsError(f"konfigurasjonsfilen {sti} finnes ikke") from None
        if tolk is None:
            return data
        try:
            return tolk(data)
        except ValueError as e:
            raise SettingsError(str(e)) from None

    @classmethod
    def last(cls, mappe: Path | None = None) -> ProjectionSettings:
        mappe = Path(mappe or os.environ.get(MILJO_MAPPE) or STANDARD_MAPPE)

        def les(navn: str) -> dict[str, Any]:
            return cls._les(mappe, navn)

        betaling = les("betaling.toml")
        sen = betaling.get("sen_avbestilling", {})
        terskel = sen.get("terskel_timer", 24)
        if not isinstance(terskel, int | float) or terskel < 0:
            raise SettingsError("sen_avbestilling.terskel_timer må være et tall >= 0")
        return cls(
            timepriser=Timepriser.fra_toml(betaling.get("timepris", {})),
            sen_avbestilling=SenAvbestilling(betalbar=bool(sen.get("betalbar", False)),
                                             terskel=timedelta(hours=terskel)),
            egenandel=Egenandelskonfig.fra_toml(les("egenandel.toml")),
            sla=les_fristregler(mappe))

    def fingeravtrykk(self, *deler: str) -> str:
        """A short hash of the settings that change stored rows (not prices: read at query time)."""
        verdier: dict[str, Any] = {
            "sen_avbestilling": [self.sen_avbestilling.betalbar,
                                 self.sen_avbestilling.terskel.total_seconds()],
            "sla": [self.sla.r21_terskel.total_seconds(), self.sla.r12_helligdag_teller_som_hverdag,
                    self.sla.r25_forleng_til_virkedag],
        }
        valgt = {k: verdier[k] for k in deler}
        return hashlib.sha256(json.dumps(valgt, sort_keys=True).encode()).hexdigest()[:12]
