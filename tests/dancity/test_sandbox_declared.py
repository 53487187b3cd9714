"""The sandbox refuses what the official descriptions refuse, derived from the declarations.

Raw httpx against the sandbox app, every generation: each declared body field sent as
``null`` or as an object, each declared bound broken, an empty date and a value outside a
query enum all meet the server's validation 400 (naming the field), and a refused purchase
leaves no record. A reference is recorded exactly as given, never made up; a 405 says which
methods the path takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dancity_sdk._spec import API_VERSIONS, GENERATIONS, Field, Operation
from dancity_sdk.testing import DancitySandbox


def _sandbox(version: str) -> DancitySandbox:
    return DancitySandbox(api_version=version, main_balance=Decimal(10**6))


def _client(sandbox: DancitySandbox) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    return httpx.AsyncClient(transport=transport, base_url=sandbox.base_url)


def _headers(sandbox: DancitySandbox) -> dict[str, str]:
    return {"Authorization": f"Bearer {sandbox.api_key}", "channel": "API"}


def _url(version: str, op: Operation) -> str:
    path = op.path
    for placeholder, _ in op.path_params:
        path = path.replace("{" + placeholder + "}", "x1")
    return GENERATIONS[version].prefix + path


def _body_fields() -> Iterator[Any]:
    for version in API_VERSIONS:
        for op in GENERATIONS[version].operations.values():
            for field in op.body_fields:
                ident = f"{version}-{op.name}-{field.name}"
                yield pytest.param(version, op, field, id=ident)


def _past_bounds() -> Iterator[Any]:
    for version in API_VERSIONS:
        for op in GENERATIONS[version].operations.values():
            for where, fields in (("json", op.body_fields), ("params", op.query_fields)):
                for field in fields:
                    for past, message in _past(field):
                        ident = f"{version}-{op.name}-{field.name}-{message.split()[-1]}"
                        yield pytest.param(version, op, where, field, past, message, id=ident)


def _past(field: Field) -> Iterator[tuple[object, str]]:
    if field.minimum is not None:
        yield field.minimum - 1, f"{field.name} must not be less than {field.minimum}"
    if field.maximum is not None:
        yield field.maximum + 1, f"{field.name} must not be greater than {field.maximum}"
    if field.min_length is not None:
        yield "1" * (field.min_length - 1), f"{field.name} must be longer than or equal to"
    if field.max_length is not None:
        yield "1" * (field.max_length + 1), f"{field.name} must be shorter than or equal to"
    if field.enum:
        yield "AAA", f"{field.name} must be one of the following values"


def _assert_refused(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["success"], body["statusCode"], body["error"]) == (False, 400, "Bad Request")
    assert any(error.startswith(message) for error in body["errors"]), body["errors"]


@pytest.mark.anyio
@pytest.mark.parametrize(("version", "op", "field"), list(_body_fields()))
async def test_a_null_or_an_object_for_a_declared_body_field_is_a_400(
    version: str, op: Operation, field: Field
) -> None:
    sandbox = _sandbox(version)
    async with _client(sandbox) as http:
        wrongs: tuple[object, ...] = (None, {})
        for wrong in wrongs:
            response = await http.request(
                op.method, _url(version, op), json={field.name: wrong}, headers=_headers(sandbox)
            )
            _assert_refused(response, f"{field.name} must be")
    assert sandbox.transactions == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("version", "op", "where", "field", "past", "message"), list(_past_bounds())
)
async def test_a_value_past_a_declared_bound_is_a_400(
    version: str, op: Operation, where: str, field: Field, past: object, message: str
) -> None:
    sandbox = _sandbox(version)
    async with _client(sandbox) as http:
        given = {field.name: past}
        url, headers = _url(version, op), _headers(sandbox)
        if where == "json":
            response = await http.request(op.method, url, headers=headers, json=given)
        else:
            response = await http.request(
                op.method, url, headers=headers, params={field.name: str(past)}
            )
    _assert_refused(response, message)
    assert sandbox.transactions == []


@pytest.mark.anyio
@pytest.mark.parametrize("version", API_VERSIONS)
@pytest.mark.parametrize("name", ["cable.buy", "betting.fund", "electricity.buy"])
async def test_a_null_customer_ref_is_refused_not_recorded_empty(version: str, name: str) -> None:
    sandbox = _sandbox(version)
    op = GENERATIONS[version].operations[name]
    async with _client(sandbox) as http:
        response = await http.post(
            _url(version, op), json={"customerRef": None}, headers=_headers(sandbox)
        )
    _assert_refused(response, "customerRef must be a string")
    assert sandbox.transactions == []


@pytest.mark.anyio
@pytest.mark.parametrize("version", API_VERSIONS)
async def test_an_empty_date_and_an_unknown_action_are_refused(version: str) -> None:
    sandbox = _sandbox(version)
    prefix = GENERATIONS[version].prefix
    async with _client(sandbox) as http:
        empty = await http.get(
            f"{prefix}/transactions", params={"start_date": ""}, headers=_headers(sandbox)
        )
        action = await http.get(
            f"{prefix}/plans/internet", params={"action": "AAA"}, headers=_headers(sandbox)
        )
        fine = await http.get(
            f"{prefix}/plans/internet", params={"action": "FILTER"}, headers=_headers(sandbox)
        )
    _assert_refused(empty, "start_date must be a valid ISO 8601 date string")
    _assert_refused(action, "action must be one of the following values: FILTER")
    assert fine.status_code == 200


@pytest.mark.anyio
@pytest.mark.parametrize("ref", ["ORDER 7 ", " spaced"])
async def test_a_reference_is_recorded_exactly_as_given(ref: str) -> None:
    sandbox = _sandbox("2026-05-31")
    body = {"product": "MTN Airtime", "phone": "08012345678", "amount": 100, "customerRef": ref}
    async with _client(sandbox) as http:
        response = await http.post("/api/v1/airtime/buy", json=body, headers=_headers(sandbox))
    assert response.status_code == 200, response.text
    assert [r["customerRef"] for r in sandbox.transactions] == [ref]


@pytest.mark.anyio
async def test_a_405_names_the_methods_the_path_takes() -> None:
    sandbox = _sandbox("2026-05-31")
    async with _client(sandbox) as http:
        response = await http.delete("/api/v1/airtime/buy", headers=_headers(sandbox))
        listing = await http.post("/api/v1/transactions", headers=_headers(sandbox))
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["statusCode"] == 405
    assert listing.status_code == 405
    assert set(listing.headers["allow"].split(", ")) == {"GET", "HEAD"}
