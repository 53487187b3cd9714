"""Schemathesis against the sandbox, per generation: no server error, no answer off its shape.

Schemathesis generates requests (valid and invalid) for every operation of the official
description, with the response schemas of ``_shapes``. Each case goes to the sandbox's ASGI
app in-process, with the merchant key and ``channel`` the sandbox issued (generated
credentials would only ever meet the 401 path), and schemathesis's own checks judge the
answer: ``not_a_server_error`` and ``response_schema_conformance``. Examples are bounded
(``EXAMPLES`` per operation and mode) so the folder stays quick.
"""

from __future__ import annotations

import copy
import functools
from decimal import Decimal
from typing import Any, Final

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from dancity_sdk._spec import API_VERSIONS, GENERATIONS
from dancity_sdk.testing import DancitySandbox
from tests.dancity.official_sandbox._shapes import official_shapes

EXAMPLES: Final = 5
MODES: Final = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS: Final = [not_a_server_error, response_schema_conformance]
SEED: Final = 31


@functools.cache
def _schema(api_version: str) -> Any:
    return schemathesis.openapi.from_dict(copy.deepcopy(official_shapes(api_version)))


def _operations() -> list[Any]:
    cases = []
    for api_version in API_VERSIONS:
        generation = GENERATIONS[api_version]
        for name, op in sorted(generation.operations.items()):
            for mode in MODES:
                ident = f"{api_version}-{name}-{mode.value}"
                path = generation.prefix + op.path
                cases.append(pytest.param(api_version, op.method, path, mode, id=ident))
    return cases


def _sandbox(api_version: str) -> DancitySandbox:
    # Generous limits and balance: the run is about shapes and crashes, not throttling.
    return DancitySandbox(
        api_version=api_version,
        seed=SEED,
        per_key_limit=10**9,
        purchase_limit=10**9,
        main_balance=Decimal(10**12),
    )


async def _send(sandbox: DancitySandbox, kwargs: dict[str, Any]) -> httpx.Response:
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    async with httpx.AsyncClient(transport=transport) as http:
        return await http.request(
            kwargs["method"],
            kwargs["url"],
            headers=kwargs.get("headers"),
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            content=kwargs.get("data"),
        )


@pytest.mark.parametrize(("api_version", "method", "path", "mode"), _operations())
@pytest.mark.anyio
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
async def test_no_server_error_and_no_answer_off_the_official_shape(
    api_version: str, method: str, path: str, mode: GenerationMode, data: st.DataObject
) -> None:
    operation = _schema(api_version)[path][method]
    case = data.draw(operation.as_strategy(generation_mode=mode))
    sandbox = _sandbox(api_version)
    credentials = {"Authorization": f"Bearer {sandbox.api_key}", "channel": "API"}
    kwargs = case.as_transport_kwargs(base_url=sandbox.base_url, headers=credentials)
    kwargs["headers"].update(credentials)  # a negated security header would only meet a 401
    response = await _send(sandbox, kwargs)
    case.validate_response(response, checks=CHECKS)
