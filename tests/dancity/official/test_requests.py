"""Every request the SDK sends, for every operation of every generation, is what that
generation's official description declares: openapi-core finds no violation, and nothing
undeclared travels (openapi-core lets unknown body properties and query parameters pass,
so the declared names are checked from the description directly).
"""

from __future__ import annotations

import functools
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from dancity_sdk import InvalidInputError, UnsupportedOperationError
from dancity_sdk._spec import API_VERSIONS, GENERATIONS, Operation, generations_with
from tests.dancity._operations import (
    ROWS,
    SAMPLES,
    Row,
    arguments,
    calls_of,
    lacking,
    method_of,
    own_arguments,
    positional,
    rows_of,
)
from tests.dancity.official import _official
from tests.dancity.official._calls import KEY, Recorder, client, example_body

CASES = [
    pytest.param(version, call, full, id=f"{version}-{call.id}-{'full' if full else 'minimal'}")
    for version in API_VERSIONS
    for call in calls_of(version)
    for full in (False, True)
]


class _OpenAPIRequest:
    """An httpx request as openapi-core reads requests."""

    def __init__(self, request: httpx.Request) -> None:
        url = urlsplit(str(request.url))
        self.host_url = f"{url.scheme}://{url.netloc}"
        self.path = url.path
        self.method = request.method.lower()
        self.body: bytes | None = request.content or None
        self.content_type = request.headers.get("content-type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(url.query)),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        )


@functools.cache
def _openapi(api_version: str) -> OpenAPI:
    return OpenAPI.from_dict(_official.description(api_version))


def _violations(api_version: str, request: httpx.Request) -> list[str]:
    result = _openapi(api_version).unmarshal_request(_OpenAPIRequest(request))
    found = [repr(error) for error in result.errors]
    found += [f"{e.__cause__!r}" for e in result.errors if e.__cause__ is not None]
    return found


def _undeclared(api_version: str, request: httpx.Request) -> list[str]:
    """Body properties and query parameters the description does not declare."""
    raw = next(
        op
        for (method, path), op in _official.operations(api_version).items()
        if method == request.method and _matches(path, request.url.path)
    )
    extra: list[str] = []
    query = _official.parameters(api_version, raw, "query")
    extra += [f"query {k}" for k in parse_qs(request.url.query.decode()) if k not in query]
    schema = _official.body_schema(api_version, raw)
    body = json.loads(request.content) if request.content else None
    if schema is None:
        extra += ["a body"] if body is not None else []
    elif "properties" in schema:
        extra += [f"body {k}" for k in body or {} if k not in schema["properties"]]
    return extra


def _matches(template: str, path: str) -> bool:
    parts, actual = template.split("/"), path.split("/")
    return len(parts) == len(actual) and all(
        p == a or (p.startswith("{") and p.endswith("}"))
        for p, a in zip(parts, actual, strict=True)
    )


@pytest.mark.anyio
@pytest.mark.parametrize(("api_version", "call", "full"), CASES)
async def test_the_request_is_exactly_what_the_description_declares(
    api_version: str, call: Row, full: bool
) -> None:
    op = GENERATIONS[api_version].operations[call.operation]
    recorder = Recorder(example_body(api_version, op), status=op.success_status)
    kwargs = arguments(call, op, full=full)
    async with client(recorder, api_version) as dc:
        await method_of(dc, call)(*positional(call), **kwargs)
    (request,) = recorder.requests
    assert request.method == op.method
    assert _matches(GENERATIONS[api_version].prefix + op.path, request.url.path)
    assert _violations(api_version, request) == []
    assert _undeclared(api_version, request) == []
    if op.body_fields and not op.open_body:
        # each argument given lands under its declared name, with the SDK's own fields
        sdk_filled = {"customer_ref", "type"}
        expected = {
            f.name
            for f in op.body_fields
            if f.arg in kwargs or f.arg in sdk_filled or f.default is not None
        }
        assert set(json.loads(request.content)) == expected


@pytest.mark.parametrize("api_version", API_VERSIONS)
def test_every_declared_operation_has_a_call(api_version: str) -> None:
    covered = {call.operation for call in calls_of(api_version)}
    assert covered == set(GENERATIONS[api_version].operations)


def test_every_row_plays_in_some_generation_and_is_named_once() -> None:
    assert all(any(row in rows_of(v) for v in API_VERSIONS) for row in ROWS)
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))


@pytest.mark.anyio
@pytest.mark.loop_agnostic  # refused before any I/O (closing the caller's pool: a no-op)
@pytest.mark.parametrize(
    ("api_version", "call"),
    [pytest.param(v, c, id=f"{v}-{c.id}") for v in API_VERSIONS for c in lacking(v)],
)
async def test_an_operation_the_generation_lacks_is_refused_before_io(
    api_version: str, call: Row
) -> None:
    recorder = Recorder({})
    async with client(recorder, api_version) as dc:
        with pytest.raises(UnsupportedOperationError) as caught:
            await method_of(dc, call)(*positional(call), **own_arguments(call))
    assert recorder.requests == []
    having = generations_with(call.operation)
    assert caught.value.available_in == having
    assert all(repr(v) in str(caught.value) for v in having)
    assert api_version in str(caught.value)


def _foreign_arguments() -> list[Any]:
    """(generation, call, argument, a generation taking it) for each argument a
    generation's operation lacks while another generation's same operation takes it."""
    cases: dict[str, Any] = {}
    for version in API_VERSIONS:
        for call in calls_of(version):
            op = GENERATIONS[version].operations[call.operation]
            mine = {f.arg for f in (*op.body_fields, *op.query_fields)}
            for other, theirs in _same_operation(call.operation):
                for arg in {f.arg for f in (*theirs.body_fields, *theirs.query_fields)} - mine:
                    if arg in SAMPLES:
                        key = f"{version}-{call.id}-{arg}"
                        cases[key] = pytest.param(version, call, arg, other, id=key)
    return list(cases.values())


def _same_operation(name: str) -> list[tuple[str, Operation]]:
    return [(v, g.operations[name]) for v, g in GENERATIONS.items() if name in g.operations]


@pytest.mark.anyio
@pytest.mark.loop_agnostic  # refused before any I/O (closing the caller's pool: a no-op)
@pytest.mark.parametrize(("api_version", "call", "argument", "taker"), _foreign_arguments())
async def test_an_argument_the_generation_lacks_is_refused_naming_who_takes_it(
    api_version: str, call: Row, argument: str, taker: str
) -> None:
    op = GENERATIONS[api_version].operations[call.operation]
    recorder = Recorder({})
    kwargs = {**arguments(call, op, full=False), argument: SAMPLES[argument]}
    async with client(recorder, api_version) as dc:
        with pytest.raises(InvalidInputError) as caught:
            await method_of(dc, call)(*positional(call), **kwargs)
    assert recorder.requests == []
    assert caught.value.field == argument
    assert repr(taker) in str(caught.value)
    assert "12345" not in str(caught.value)  # a PIN never appears in an error


def _request(version: str, path: str, body: dict[str, Any]) -> httpx.Request:
    return httpx.Request(
        "POST",
        "https://api.dancity.app" + GENERATIONS[version].prefix + path,
        json=body,
        headers={"Authorization": "Bearer " + KEY, "channel": "API"},
    )


def test_the_checks_see_a_missing_field_and_an_undeclared_one() -> None:
    good = {"product": "MTN Airtime", "phone": "08012345678", "amount": 200}
    assert _violations("2026-05-09", _request("2026-05-09", "/airtime/buy", good)) == []
    assert _undeclared("2026-05-09", _request("2026-05-09", "/airtime/buy", good)) == []
    missing = {"product": "MTN Airtime", "phone": "08012345678"}
    assert _violations("2026-05-09", _request("2026-05-09", "/airtime/buy", missing)) != []
    with_pin = {**good, "pin": "1234"}
    assert _undeclared("2026-05-09", _request("2026-05-09", "/airtime/buy", with_pin)) == [
        "body pin"
    ]
    assert _violations("2026-04-27", _request("2026-04-27", "/airtime/buy", good)) != []
