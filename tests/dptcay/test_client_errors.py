"""Every error body shape becomes the right typed error, with code, message and hint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from dptcay_sdk import (
    APIStatusError,
    AsyncDptcayClient,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
)

pytestmark = pytest.mark.anyio

KEY = "dp_test_sk_" + "Ab3" * 8

Call = Callable[[AsyncDptcayClient], Awaitable[Any]]


def _client(response: httpx.Response) -> AsyncDptcayClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda _request: response))
    return AsyncDptcayClient(KEY, http_client=http, max_retries=0)


FLAT_401 = {"error": "Unauthorized", "code": 401, "message": "Invalid API key"}
FLAT_429 = {"error": "Rate Limited", "code": 429, "message": "Slow down"}
NESTED_400 = {"error": {"code": "invalid_request", "message": "amount is required"}}
HTML = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


@pytest.mark.parametrize(
    ("status", "content", "error", "code", "message", "hint"),
    [
        (401, FLAT_401, AuthenticationError, "Unauthorized", "Invalid API key", "dashboard"),
        (400, NESTED_400, BadRequestError, "invalid_request", "amount is required", None),
        (
            404,
            {"error": {"code": "resource_missing"}},
            NotFoundError,
            "resource_missing",
            None,
            None,
        ),
        (429, FLAT_429, RateLimitError, "Rate Limited", "Slow down", "Retry-After"),
        (502, HTML, InternalServerError, None, None, "proxy or gateway"),
        (500, b"", InternalServerError, None, None, "body_excerpt"),
        (503, b"not json", InternalServerError, None, None, "body_excerpt"),
        (
            400,
            {"error": "Bad", "code": "bad_thing", "message": "x"},
            BadRequestError,
            "bad_thing",
            "x",
            None,
        ),
        (418, [1, 2], APIStatusError, None, None, "proxy"),
    ],
    ids=[
        "flat-401",
        "nested-400",
        "nested-no-message",
        "flat-429",
        "html",
        "empty",
        "text",
        "string-code",
        "teapot-list",
    ],
)
async def test_error_shapes(
    status: int,
    content: object,
    error: type[APIStatusError],
    code: str | None,
    message: str | None,
    hint: str | None,
) -> None:
    if isinstance(content, bytes):
        response = httpx.Response(status, content=content, headers={"content-type": "text/html"})
    else:
        response = httpx.Response(status, json=content)
    with pytest.raises(error) as info:
        await _client(response).payments.get("pay_1")
    exc = info.value
    assert type(exc) is error  # dptcay_sdk.<name>, raised as such
    assert exc.status_code == status
    assert exc.code == code
    assert exc.api_message == message
    assert exc.method == "GET"
    assert exc.path == "/payments/pay_1"
    assert str(status) in str(exc)
    if hint is not None:
        assert hint in str(exc)
    if isinstance(content, bytes):
        assert exc.body_excerpt == content.decode()[:200]


async def test_html_body_excerpt_is_kept() -> None:
    response = httpx.Response(502, content=HTML)
    with pytest.raises(InternalServerError) as info:
        await _client(response).currencies.list()
    assert "502 Bad Gateway" in info.value.body_excerpt


async def test_403_names_the_scope_of_the_route() -> None:
    body = {"error": "Forbidden", "code": 403, "message": "no"}
    cases: list[tuple[Call, str]] = [
        (lambda dp: dp.payments.create(amount=1, currency="BTC"), "payments:write"),
        (lambda dp: dp.refunds.create(payment_id="pay_1"), "refunds:write"),
        (lambda dp: dp.webhooks.register(url="https://e.com/h"), "webhooks:write"),
        (lambda dp: dp.keys.create(scope="read"), "keys:write"),
        (lambda dp: dp.payments.get("pay_1"), "payments:read"),
        (lambda dp: dp.currencies.list(), "currencies:read"),
    ]
    for call, scope in cases:
        with pytest.raises(PermissionDeniedError) as info:
            await call(_client(httpx.Response(403, json=body)))
        assert scope in str(info.value)
        assert "read key cannot" in str(info.value)


async def test_429_carries_retry_after_and_rate_limit() -> None:
    headers = {"Retry-After": "7", "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"}
    response = httpx.Response(429, json=FLAT_429, headers=headers)
    with pytest.raises(RateLimitError) as info:
        await _client(response).payments.get("pay_1")
    assert info.value.retry_after == 7
    assert info.value.rate_limit is not None
    assert info.value.rate_limit.limit == 100


async def test_unreadable_success_body_lists_the_failing_paths() -> None:
    body = {"id": "pay_1", "status": 5, "amount": "lots", "metadata": []}
    with pytest.raises(ResponseValidationError) as info:
        await _client(httpx.Response(200, json=body)).payments.get("pay_1")
    errors = info.value.errors
    assert any("$.amount" in e for e in errors)
    assert any("$.status" in e for e in errors)
    assert any("$.currency" in e for e in errors)
    assert "Payment" in str(info.value)


async def test_unreadable_list_names_the_item() -> None:
    body = {"object": "list", "data": [{"code": "BTC"}, {"name": "no code"}]}
    with pytest.raises(ResponseValidationError) as info:
        await _client(httpx.Response(200, json=body)).currencies.list()
    assert any("$.data[1].code" in e for e in info.value.errors)


async def test_non_json_success_body_is_a_validation_error() -> None:
    with pytest.raises(ResponseValidationError):
        await _client(httpx.Response(200, content=b"<html>")).payments.get("pay_1")


async def test_success_body_that_is_not_an_object() -> None:
    # A 2xx to a request that changes state means it took effect: an unreadable receipt is
    # an unknown outcome, never a plain error a caller might answer by sending it again.
    changes: tuple[Call, ...] = (
        lambda dp: dp.payments.create(amount=1, currency="BTC", order_id="A-7"),
        lambda dp: dp.keys.create(scope="write"),
        lambda dp: dp.refunds.create(payment_id="pay_1"),
        lambda dp: dp.webhooks.register(url="https://e.com/h"),
    )
    for call in changes:
        with pytest.raises(OutcomeUnknownError, match="expected a JSON object") as info:
            await call(_client(httpx.Response(200, json=[1], headers={"x-request-id": "r1"})))
        assert info.value.status_code == 200
        assert info.value.request_id == "r1"
        assert info.value.body_excerpt == "[1]"
    with pytest.raises(ResponseValidationError, match="expected a JSON object"):
        await _client(httpx.Response(200, json=[1])).keys.revoke(KEY)
