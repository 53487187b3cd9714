"""Every operation of every generation, sent valid requests, answers in the official shapes.

The requests are the typed client's, for every row of ``tests.dancity._operations``.
"""

from __future__ import annotations

import httpx
import pytest

from dancity_sdk._spec import API_VERSIONS, GENERATIONS
from dancity_sdk.testing import DancitySandbox
from tests.dancity.official import _official
from tests.dancity.official_sandbox._exercise import Run, _Wire, play
from tests.dancity.official_sandbox._shapes import derived_schema, official_shapes


@pytest.mark.parametrize("api_version", API_VERSIONS)
@pytest.mark.anyio
async def test_every_operation_answers_valid_requests_in_the_official_shapes(
    api_version: str,
) -> None:
    run = await play(api_version)
    assert run.covered == set(GENERATIONS[api_version].operations)
    assert run.request_violations == []  # the scenario itself is what the description allows
    assert run.response_violations == []
    assert run.failures == []


def test_derived_schemas_require_what_the_example_shows() -> None:
    schema = derived_schema({"transactionId": "T-1", "pins": [{"pin": "1"}], "iso": None})
    assert schema["required"] == ["iso", "pins", "transactionId"]
    assert schema["properties"]["iso"] == {}
    assert schema["properties"]["pins"]["items"]["required"] == ["pin"]


@pytest.mark.parametrize("api_version", API_VERSIONS)
def test_every_example_only_response_gets_a_schema_in_a_copy(api_version: str) -> None:
    published = _official.description(api_version)
    shaped = official_shapes(api_version)
    example_only = 0
    for path, item in published["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                media = response.get("content", {}).get("application/json", {})
                copy = shaped["paths"][path][method]["responses"][status]
                if media and "schema" not in media:
                    example_only += 1
                    assert "schema" in copy["content"]["application/json"]
    # 2026-04-27 publishes schemas (free-form envelopes) and no examples.
    assert (example_only > 0) == (api_version != "2026-04-27")


@pytest.mark.anyio
async def test_the_exchange_check_sees_a_request_and_an_answer_off_the_description() -> None:
    run = Run("2026-05-31", DancitySandbox(api_version="2026-05-31"))
    request = httpx.Request(
        "POST",
        "https://sandbox/api/v1/airtime/buy",
        json={"product": "MTN Airtime"},
        headers={"Authorization": "Bearer " + run.sandbox.api_key},
    )
    answer = {"success": True, "message": "OK", "data": {"unexpected": 1}}
    await _Wire(run)(httpx.Response(200, json=answer, request=request))
    assert run.covered == {"airtime.buy"}
    (refused,) = run.request_violations
    assert "'amount' is a required property" in refused
    (off_shape,) = run.response_violations
    assert "'amountPaid' is a required property" in off_shape
