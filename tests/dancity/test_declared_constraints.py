"""Every constraint a description declares on a request field is checked before any I/O.

The cases are derived from the declarations in ``dancity_sdk._spec`` (which
``tests/dancity/official/test_spec.py`` holds to the official files field by field): for
each field of each operation of each generation that declares a bound, a value just past
it is refused by ``build`` and the value on it is placed. A few cases then go through the
public client to show no request leaves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from dancity_sdk import AsyncDancityClient, InvalidInputError
from dancity_sdk._bodies import build
from dancity_sdk._spec import API_VERSIONS, GENERATIONS, Field, Operation

KEY = "dcy_live_" + "ab" * 20
RECORD = {"_id": "6a1c", "tranxId": "DNTY1", "status": "SUCCESS", "amount": 100}


def _filler(field: Field) -> object:
    """A value every declaration accepts for ``field``."""
    if field.enum:
        return field.enum[0]
    if field.kind in ("money", "number", "integer"):
        return field.minimum if field.minimum is not None else 1
    if field.kind == "boolean":
        return True
    if field.kind == "datetime":
        return "2026-06-01T00:00:00Z"
    return "x" * (field.min_length or 1)


def _bounded() -> Iterator[Any]:
    for version in API_VERSIONS:
        for op in GENERATIONS[version].operations.values():
            for field in (*op.body_fields, *op.query_fields):
                for kind, edge, past in _edges(field):
                    ident = f"{version}-{op.name}-{field.name}-{kind}"
                    yield pytest.param(version, op, field, edge, past, id=ident)


def _edges(field: Field) -> Iterator[tuple[str, object, object]]:
    """``(constraint, a value on the bound, a value just past it)``."""
    if field.minimum is not None:
        yield "minimum", field.minimum, field.minimum - 1
    if field.maximum is not None:
        yield "maximum", field.maximum, field.maximum + 1
    if field.min_length is not None:
        yield "minLength", "1" * field.min_length, "1" * (field.min_length - 1)
    if field.max_length is not None:
        yield "maxLength", "1" * field.max_length, "1" * (field.max_length + 1)
    if field.enum:
        yield "enum", field.enum[-1], "NOT-" + str(field.enum[0])


def _values(op: Operation, field: Field, value: object) -> dict[str, object]:
    values = {f.arg: _filler(f) for f in (*op.body_fields, *op.query_fields) if f.required}
    values.update({arg: "p" for _, arg in op.path_params})
    values[field.arg] = value
    return values


def test_the_derived_cases_cover_every_kind_of_constraint() -> None:
    kinds = {param.values[2].name + ":" + param.id.rsplit("-", 1)[1] for param in _bounded()}
    assert {"amount:minimum", "amount:maximum", "limit:maximum", "pin:minLength"} <= kinds
    assert {"pin:maxLength", "quantity:maximum", "meterType:enum", "action:enum"} <= kinds


@pytest.mark.parametrize(("version", "op", "field", "edge", "past"), list(_bounded()))
def test_a_value_past_a_declared_bound_is_refused_and_one_on_it_placed(
    version: str, op: Operation, field: Field, edge: object, past: object
) -> None:
    generation = GENERATIONS[version]
    request = build(generation, op, _values(op, field, edge))
    placed = {**(request.json or {}), **(request.params or {})}
    assert placed[field.name] == edge
    with pytest.raises(InvalidInputError) as info:
        build(generation, op, _values(op, field, past))
    assert info.value.field == field.arg
    assert version in str(info.value)
    assert op.name in str(info.value)


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        data: Any = RECORD if request.method == "POST" else {"transactions": []}
        return httpx.Response(200, json={"success": True, "message": "ok", "data": data})


def _client(recorder: Recorder, version: str) -> AsyncDancityClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder.handle))
    return AsyncDancityClient(KEY, http_client=http, api_version=version)


@pytest.mark.anyio
@pytest.mark.parametrize("version", API_VERSIONS)
async def test_a_listing_past_100_rows_is_refused_before_any_request(version: str) -> None:
    recorder = Recorder()
    async with _client(recorder, version) as dc:
        with pytest.raises(InvalidInputError, match="at most 100") as info:
            await dc.vas.transactions.list(limit=1000)
        assert info.value.field == "limit"
        assert recorder.requests == []
        await dc.vas.transactions.list(limit=100)
    assert recorder.requests[0].url.params["limit"] == "100"


@pytest.mark.anyio
async def test_the_2026_04_27_internet_pin_is_exactly_five_characters() -> None:
    recorder = Recorder()
    buy: dict[str, Any] = {"plan": "P1", "account_id": "1234", "phone": "08012345678"}
    async with _client(recorder, "2026-04-27") as dc:
        with pytest.raises(InvalidInputError, match="exactly 5 characters") as info:
            await dc.vas.internet.buy(**buy, pin="1234")
        assert info.value.field == "pin"
        assert "1234" not in str(info.value)
        assert recorder.requests == []
        await dc.vas.internet.buy(**buy, pin="12345")
        # Other operations of that generation declare no length: a 4-digit PIN is sent.
        await dc.vas.airtime.buy(product="MTN Airtime", phone="08012345678", amount=50, pin="1234")
    assert [json.loads(r.content)["pin"] for r in recorder.requests] == ["12345", "1234"]


@pytest.mark.anyio
async def test_education_quantity_bounds_follow_the_generation() -> None:
    recorder = Recorder()
    async with _client(recorder, "2026-05-31") as dc:
        with pytest.raises(InvalidInputError, match="at most 5"):
            await dc.vas.education.purchase(product="WAEC", quantity=6)
        assert recorder.requests == []
    async with _client(recorder, "2026-05-09") as dc:  # declares no maximum
        await dc.vas.education.purchase(product="WAEC", quantity=6)
    assert json.loads(recorder.requests[0].content)["quantity"] == 6


@pytest.mark.anyio
@pytest.mark.parametrize("version", API_VERSIONS)
async def test_a_date_filter_that_is_no_date_time_is_refused_before_any_request(
    version: str,
) -> None:
    recorder = Recorder()
    async with _client(recorder, version) as dc:
        with pytest.raises(InvalidInputError, match="ISO 8601 date-time") as info:
            await dc.vas.transactions.list(start_date="yesterday")
        assert info.value.field == "start_date"
        assert recorder.requests == []
        await dc.vas.transactions.list(start_date="2026-06-01T00:00:00Z", end_date="2026-06-02")
    assert recorder.requests[0].url.params["start_date"] == "2026-06-01T00:00:00Z"
