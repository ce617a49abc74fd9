"""Schemathesis against the API's own OpenAPI document, in-process.

Every operation is fuzzed with data that fits the schema (positive) and data that does not
(negative), with a valid token of a role that may call it and with path parameters that point at
real resources (a seeded bruker, vedtak and delivery), so requests get past the access check into
the application. Then the stateful phase follows the OpenAPI links from creating operations.
Checks: no 5xx, status codes, content types, headers and bodies conform to the document, and
negative data is rejected. The example counts are bounded to keep the suite fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.formats import unregister_string_format

from domain.felles import Rolle
from interfaces.http.skjema import MINSTE_DATO, STORSTE_DATO
from interfaces.http.tilgang import TILGANG
from tests.e2e.conftest import ROLLER, Api, Sak

SJEKKER = [not_a_server_error, status_code_conformance, content_type_conformance,
           response_headers_conformance, response_schema_conformance, negative_data_rejection]
EKSEMPLER = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}
FORETRUKKET = ["vm", "sb", "kb", "lev", "ko"]  # frogner's roles and 2care, in this order


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


@pytest.fixture
def skjema(api: Api, saker: dict[str, Sak]) -> tuple[Any, Api, dict[str, Sak]]:
    return schemathesis.openapi.from_asgi("/schema/openapi.json", api.litestar), api, saker


def _kjor(op: Any, api: Api, modus: GenerationMode, stier: dict[str, str]) -> int:
    """Fuzz one operation; returns how many cases were sent."""
    hode = api.hode(rolle_for(operasjon_id(op)))
    faste = {k: v for k, v in stier.items() if k in {p.name for p in op.path_parameters}}
    strategi = op.as_strategy(generation_mode=modus, path_parameters=faste or None)
    sendt = 0

    @settings(max_examples=EKSEMPLER[modus], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=strategi, ekte_sti=st.booleans())
    def test(case: Any, ekte_sti: bool) -> None:
        nonlocal sendt
        if not ekte_sti:  # also random ids: the 404 path must conform too
            for navn in faste:
                case.path_parameters[navn] = "0b8f2c1e-5d7a-4e7b-9a51-3f6f0d1c2b4a"
        headers = {**hode, **(case.headers or {})} if modus.is_negative else \
            {**(case.headers or {}), **hode}
        headers["Authorization"] = hode["Authorization"]  # fuzz the data, not the token
        if not modus.is_negative:  # a random If-Match is stale; If-Match has its own tests
            headers.pop("If-Match", None)
        case.headers = headers
        response = case.call()
        case.validate_response(response, checks=SJEKKER)
        sendt += 1

    test()
    return sendt


@pytest.mark.parametrize("modus", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["positive", "negative"])
def test_every_operation_conforms_to_its_own_openapi(skjema: tuple[Any, Api, dict[str, Sak]],
                                                     modus: GenerationMode) -> None:
    schema, api, saker = skjema
    sak = saker["frogner"]
    stier = {"bruker_id": str(sak.bruker), "vedtak_id": str(sak.vedtak),
             "leveranse_id": str(sak.leveranse)}
    foer = api.antall_hendelser()
    sendt = {operasjon_id(r.ok()): _kjor(r.ok(), api, modus, stier)
             for r in schema.get_all_operations()}
    assert set(sendt) == set(TILGANG)
    assert all(n > 0 for n in sendt.values()), sendt
    if modus is GenerationMode.POSITIVE:
        assert api.antall_hendelser() > foer  # the fuzzing reached the application and wrote


def test_stateful_links_from_creating_operations(skjema: tuple[Any, Api, dict[str, Sak]]) -> None:
    schema, api, saker = skjema
    bruker = str(saker["frogner"].bruker)
    maskin = schema.as_state_machine()
    foer = api.antall_hendelser()

    class MedToken(maskin):  # type: ignore[misc, valid-type]
        def before_call(self, case: Any) -> None:
            if "bruker_id" in case.path_parameters:  # the one bruker the roles can reach
                case.path_parameters["bruker_id"] = bruker
            case.headers = {**(case.headers or {}),
                            **api.hode(rolle_for(operasjon_id(case.operation)))}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=SJEKKER[:-1])

    MedToken.run(settings=settings(max_examples=15, stateful_step_count=6, deadline=None,
                                   database=None, derandomize=True,
                                   suppress_health_check=list(HealthCheck)))
    assert api.antall_hendelser() > foer  # the chains reached real resources and wrote
