"""Schemathesis against the API's own OpenAPI document, in-process, as ``st run --checks all
--mode all`` runs it: every phase (examples, coverage, fuzzing, stateful), positive and negative
data, and every check (a 5xx, status codes, content types, headers and bodies against the
document, schema-violating requests accepted, schema-valid requests rejected, a missing
required header accepted, unsupported methods and the ``Allow`` header, ignored authentication,
use after free, resource availability, object-level authorization).

Each operation gets a token of a role that may call it (so requests reach the application), and
a path id is half the time one of the seeded case's real ids (so both the found and the 404
answers are checked). The example count is bounded to keep the run to about a minute.

Configured, with reasons:
- a schema-valid request may be answered 412 (a stale ``If-Match``) or 422 (a domain rule,
  which a schema cannot express); Schemathesis' own list leaves both out;
- the two operations whose body is a CSV file (``lastOppTidsrapport``, ``betalingskontroll``)
  are not held to "schema-valid is accepted": a JSON Schema cannot say what a readable CSV
  file is (its header, its columns); the 400 names the line instead. Every other check holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.config._checks import PositiveDataAcceptanceConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.generation import GenerationMode
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER
from schemathesis.specs.openapi.formats import unregister_string_format

from domain.begreper import Rolle
from interfaces.http.skjema import MINSTE_DATO, STORSTE_DATO
from interfaces.http.tilgang import TILGANG
from tests.e2e.conftest import ROLLER, Api, Sak

EKSEMPLER = 8
FORETRUKKET = ["vm", "sb", "kb", "lev", "ko"]  # frogner's roles and 2care, in this order
GYLDIG_AVVIST = ["2xx", "401", "403", "404", "409", "412", "422", "429"]
HODER = {"if-match", "x-formaal", "idempotency-key", "content-type"}
CSV_INN = {"POST /leverandorer/{leverandor_id}/tidsrapporter",
           "POST /oppfolging/betalingskontroll/{leverandor}/{maaned}"}


def rolle_for(operasjon: str) -> str:
    return next(n for n in FORETRUKKET if Rolle(ROLLER[n][0]) in TILGANG[operasjon])


def operasjon_id(op: Any) -> str:
    return str(op.definition.raw["operationId"])


TIDSSONER = st.sampled_from([UTC, ZoneInfo("Europe/Oslo"), timezone(timedelta(hours=-5))])


@pytest.fixture(scope="module", autouse=True)
def datoer_i_rekkevidde() -> Iterator[None]:
    """Dates as the schema describes them (years 1900–2199), generated directly, not filtered."""
    schemathesis.openapi.format("date", st.dates(MINSTE_DATO, STORSTE_DATO).map(date.isoformat))
    schemathesis.openapi.format("date-time", st.datetimes(
        datetime(1900, 1, 2), datetime(2199, 12, 30), timezones=TIDSSONER).map(datetime.isoformat))
    yield
    unregister_string_format("date")
    unregister_string_format("date-time")


def test_all_checks_all_phases_positive_and_negative_data(api: Api,
                                                          saker: dict[str, Sak]) -> None:
    skjema = schemathesis.openapi.from_asgi("/schema/openapi.json", api.litestar)
    skjema.config.phases.update(phases=["examples", "coverage", "fuzzing", "stateful"])
    skjema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=EKSEMPLER, deterministic=True)
    skjema.config.checks.update(included_check_names=["all"])
    skjema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=GYLDIG_AVVIST)

    class Token:
        """A token of a role that may call the operation (Schemathesis removes it or swaps it
        for a bad one itself where a check needs that)."""

        def get(self, case: Any, ctx: Any) -> str:
            return api.token(rolle_for(operasjon_id(case.operation)))

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    skjema.auth(refresh_interval=None, cache_by_key=lambda case, ctx: case.operation.label)(Token)
    sak = saker["frogner"]
    ekte = {"bruker_id": str(sak.bruker), "vedtak_id": str(sak.vedtak),
            "leveranse_id": str(sak.leveranse)}

    def before_call(ctx: Any, case: Any, kwargs: Any) -> None:
        for navn, verdi in (case.path_parameters or {}).items():
            if navn in ekte and isinstance(verdi, str) and len(verdi) == 36 and \
                    int(verdi[-1], 16) % 2 == 0:
                case.path_parameters[navn] = ekte[navn]

    GLOBAL_HOOK_DISPATCHER.register_hook_with_name(before_call, "before_call")
    feil: Counter[tuple[str, str]] = Counter()
    eksempel: dict[tuple[str, str], str] = {}
    sendt, operasjoner, tillatt = 0, set(), 0
    foer = api.antall_hendelser()
    try:
        for hendelse in from_schema(skjema).execute():
            if isinstance(hendelse, events.FatalError | events.NonFatalError):
                feil[("motor", type(hendelse).__name__)] += 1
                eksempel.setdefault(("motor", type(hendelse).__name__), str(hendelse.info)[:400])
            if not isinstance(hendelse, events.ScenarioFinished):
                continue
            sendt += len(hendelse.recorder.interactions)
            for case_id, sjekker in hendelse.recorder.checks.items():
                for sjekk in sjekker:
                    if sjekk.status != Status.FAILURE:
                        continue
                    svar = hendelse.recorder.interactions.get(case_id)
                    label = hendelse.label or "?"
                    if sjekk.name == "positive_data_acceptance" and label in CSV_INN:
                        tillatt += 1
                        continue
                    feil[(label, sjekk.name)] += 1
                    eksempel.setdefault((label, sjekk.name), (
                        f"{sjekk.failure_info.failure if sjekk.failure_info else ''}"[:300]
                        + (f" | {svar.request.method} {svar.request.uri} "
                           f"{ {k: v for k, v in svar.request.headers.items() if k.lower() in HODER} } -> "
                           f"{svar.response.status_code if svar.response else None} "
                           f"{(svar.response.content or b'')[:200]!r}" if svar.response else "")
                        if svar else ""))
            if hendelse.label:
                operasjoner.add(hendelse.label)
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(before_call)
    print(f"schemathesis: {sendt} forespørsler, {len(operasjoner)} operasjoner, "
          f"{sum(feil.values())} feil ({tillatt} CSV-unntak)")
    assert not feil, "\n".join(f"{n} × {k}: {eksempel[k]}" for k, n in feil.most_common())
    assert len(operasjoner) >= len(TILGANG) and sendt > 1000
    assert api.antall_hendelser() > foer  # the fuzzing reached the application and wrote
