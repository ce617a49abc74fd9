"""Reference data: providers (municipal and private, with level codes) and bydeler (R29).

Providers are data, not code: the JSON files in ``application/config`` are the default, and
``BRUKERVALG_REFERANSEDATA`` may point at a folder with the same two files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from domain.begreper import IkkeFunnet, Regelbrudd, Tjenestetype

STANDARD_MAPPE = Path(__file__).parent / "config"

Leverandortype = Literal["kommunal", "privat"]


def _leverandortype(verdi: object) -> Leverandortype:
    """A provider's type as the file gives it; anything else stops the loading."""
    match verdi:
        case "kommunal":
            return "kommunal"
        case "privat":
            return "privat"
    raise ValueError(f"leverandorer.json: type {verdi!r} er verken 'kommunal' eller 'privat'")


@dataclass(frozen=True)
class Leverandor:
    id: str
    navn: str
    type: Leverandortype
    nivakode: str | None
    tjenestetyper: frozenset[Tjenestetype]


@dataclass(frozen=True)
class Kontaktperson:
    navn: str
    epost: str


# Alike only in shape with other small frozen records (e.g. ledger/verify.py's ChainBreak): reference
# data, no shared logic.
@dataclass(frozen=True)
class Bydel:
    id: str
    navn: str
    kontaktperson: Kontaktperson


@dataclass(frozen=True)
class Referansedata:
    leverandorer: dict[str, Leverandor]
    kommunal_id: str
    bydeler: dict[str, Bydel]

    @classmethod
    def last(cls, mappe: Path | None = None) -> Referansedata:
        mappe = mappe or Path(os.environ.get("BRUKERVALG_REFERANSEDATA", STANDARD_MAPPE))
        lev = json.loads((mappe / "leverandorer.json").read_text(encoding="utf-8"))
        byd = json.loads((mappe / "bydeler.json").read_text(encoding="utf-8"))
        leverandorer = {
            x["id"]: Leverandor(x["id"], x["navn"], _leverandortype(x["type"]), x["nivakode"],
                                frozenset(Tjenestetype(t) for t in x["tjenestetyper"]))
            for x in lev["leverandorer"]
        }
        bydeler = {x["id"]: Bydel(x["id"], x["navn"], Kontaktperson(**x["kontaktperson"]))
                   for x in byd["bydeler"]}
        return cls(leverandorer, lev["kommunal_leverandor"], bydeler)

    def leverandor(self, leverandor_id: str, tjenestetype: Tjenestetype | None = None,
                   felt: str = "leverandor_id") -> Leverandor:
        """R02/R05: a provider must be one under the scheme, for the tjenestetype chosen."""
        lev = self.leverandorer.get(leverandor_id)
        if lev is None:
            raise Regelbrudd("R02", felt, f"ukjent leverandør {leverandor_id!r}")
        if tjenestetype is not None and tjenestetype not in lev.tjenestetyper:
            raise Regelbrudd("R02", felt, f"{lev.navn} leverer ikke {tjenestetype}")
        return lev

    def bydel(self, bydel_id: str, felt: str = "bydel") -> Bydel:
        byd = self.bydeler.get(bydel_id)
        if byd is None:
            raise Regelbrudd("R24", felt, f"ukjent bydel {bydel_id!r}")
        return byd

    def navn(self, ident: str) -> str:
        """What a person reads for a provider's or a bydel's id: its name (the id if unknown)."""
        kjent = self.leverandorer.get(ident) or self.bydeler.get(ident)
        return kjent.navn if kjent else ident

    def finn_bydel(self, bydel_id: str) -> Bydel:
        if bydel_id not in self.bydeler:
            raise IkkeFunnet("bydel", bydel_id, felt="bydel")
        return self.bydeler[bydel_id]
