"""Given / when / then for the deciders, without a store: the past as a list of events per
aggregate (``Historikk``), folded into state by the aggregate's own ``projiser``; the new events
stated exactly as (class, aggregate, version, data) (``som``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from domain.begreper import Aktor, Hendelse, Kontekst, Regelbrudd, Rolle

OSLO = ZoneInfo("Europe/Oslo")
SB = Aktor(person_id="sb-1", rolle=Rolle.SAKSBEHANDLER, organisasjon="bydel:frogner")
VM = Aktor(person_id="vm-1", rolle=Rolle.VEDTAKSMYNDIG, organisasjon="bydel:frogner")
NAA = datetime(2026, 6, 1, 9, 0, tzinfo=OSLO)  # a Monday; "when" happens now
FOR = datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)  # when the given facts were recorded


def ktx(aktor: Aktor = SB, naa: datetime = NAA) -> Kontekst:
    return Kontekst(aktor=aktor, naa=naa)


class Historikk:
    """The recorded events of one aggregate, numbered 1, 2, … in the order they are given."""

    def __init__(self, ident: UUID | None = None) -> None:
        self.id = ident or uuid4()
        self.hendelser: list[Hendelse] = []

    def __call__(self, cls: type[Hendelse], aktor: Aktor = SB, **data: Any) -> Historikk:
        self.hendelser.append(cls(originator_id=self.id, originator_version=len(self.hendelser) + 1,
                                  timestamp=FOR, aktor=aktor, **data))
        return self

    @property
    def siste(self) -> Hendelse:
        return self.hendelser[-1]


def som(e: Hendelse) -> tuple[str, UUID, int, dict[str, Any]]:
    """A new event as a test states it: its class, aggregate, version and own data."""
    data = {navn: getattr(e, navn) for navn in type(e).model_fields
            if navn not in Hendelse.model_fields}
    return type(e).__name__, e.originator_id, e.originator_version, data


def regelbrudd(beslutt: Callable[..., object], *args: object) -> tuple[str, str]:
    """Then: the decision refuses, naming (rule, field); nothing else is checked by it."""
    with pytest.raises(Regelbrudd) as e:
        beslutt(*args)
    return e.value.regel, e.value.felt
