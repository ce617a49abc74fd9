"""The API's one representation of a deadline: the domain's ``frister.Frist``, rendered.

A rule's deadline is either an instant (R11, R12, R21: in time up to and including it; R16: in
time only before the next working day's midnight) or a day (R13, R25: in time all of that Oslo
day). ``domain.frister.Frist`` holds exactly that, and every answer gives it the same three
fields: ``tidspunkt`` (the instant, in Oslo time) or ``dato`` (the day), never both, and
``inklusiv`` (whether the instant or day itself is still in time). Nothing is decided here;
whether a deadline has passed is ``Frist.passert`` and is in each answer's ``status``.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from domain import kalender
from domain.frister import Frist


class FristUt(BaseModel):
    """En frist: et tidspunkt eller en dag (aldri begge), og om tidspunktet/dagen selv er i tide."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"tidspunkt": "2026-03-04T00:00:00+01:00", "dato": None, "inklusiv": False},
        {"tidspunkt": None, "dato": "2026-03-16", "inklusiv": True}]})

    tidspunkt: datetime | None = Field(description=(
        "fristen som tidspunkt i Oslo-tid (RFC 3339); null når fristen er en dag"))
    dato: date | None = Field(description=(
        "fristen som dag: i tide til og med utgangen av dagen (Oslo); null når fristen er et "
        "tidspunkt"))
    inklusiv: bool = Field(description=(
        "true: i tide til og med tidspunktet (eller hele dagen); false: i tide bare før "
        "tidspunktet (R16: før midnatt)"))


def frist_ut(frist: Frist) -> FristUt:
    """The domain's deadline as the API gives it (the instant shown in Oslo time)."""
    if frist.dato is not None:
        return FristUt(tidspunkt=None, dato=frist.dato, inklusiv=frist.inklusiv)
    assert frist.tidspunkt is not None
    return FristUt(tidspunkt=kalender.lokal(frist.tidspunkt), dato=None, inklusiv=frist.inklusiv)
