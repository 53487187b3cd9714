"""Bad arguments are refused before any network I/O, with messages that say how to fix them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dptcay_sdk import AsyncDptcayClient, InvalidInputError, InvalidInputTypeError, Secret

# Every call here is refused by argument validation before any request, lock or wait: one
# loop is enough (see tests/conftest.py).
pytestmark = [pytest.mark.anyio, pytest.mark.loop_agnostic]

KEY = "dp_test_sk_" + "Ab3" * 8

Call = Callable[[AsyncDptcayClient], Awaitable[Any]]


def _pay(**kwargs: Any) -> Call:
    args = {"amount": Decimal("125.50"), "currency": "USDC", **kwargs}
    return lambda dp: dp.payments.create(**args)


def _refund(**kwargs: Any) -> Call:
    args = {"payment_id": "pay_1", **kwargs}
    return lambda dp: dp.refunds.create(**args)


def _hook(**kwargs: Any) -> Call:
    args = {"url": "https://example.com/hook", **kwargs}
    return lambda dp: dp.webhooks.register(**args)


# (call, error class, field, words the message must contain)
CASES: list[tuple[str, Call, type[InvalidInputError], str, tuple[str, ...]]] = [
    ("float", _pay(amount=125.5), InvalidInputTypeError, "amount", ("Decimal('125.50')", "float")),
    ("bool", _pay(amount=True), InvalidInputTypeError, "amount", ("bool",)),
    ("str amount", _pay(amount="125.50"), InvalidInputTypeError, "amount", ("Decimal",)),
    ("zero", _pay(amount=Decimal(0)), InvalidInputError, "amount", ("greater than 0",)),
    ("negative", _pay(amount=-5), InvalidInputError, "amount", ("greater than 0",)),
    ("nan", _pay(amount=Decimal("NaN")), InvalidInputError, "amount", ("finite",)),
    ("inf", _pay(amount=Decimal("Infinity")), InvalidInputError, "amount", ("finite",)),
    ("empty currency", _pay(currency=""), InvalidInputError, "currency", ("blank",)),
    ("blank currency", _pay(currency="  "), InvalidInputError, "currency", ("blank",)),
    ("currency type", _pay(currency=None), InvalidInputTypeError, "currency", ("str",)),
    ("blank network", _pay(network=" "), InvalidInputError, "network", ("None",)),
    ("order_id type", _pay(order_id=12), InvalidInputTypeError, "order_id", ("str",)),
    ("metadata list", _pay(metadata=[("a", "b")]), InvalidInputTypeError, "metadata", ("str",)),
    ("metadata int", _pay(metadata={"a": 1}), InvalidInputTypeError, "metadata", ("str()",)),
    ("metadata key", _pay(metadata={1: "a"}), InvalidInputTypeError, "metadata", ("str",)),
    ("expires float", _pay(expires_in=1.5), InvalidInputTypeError, "expires_in", ("int",)),
    ("expires bool", _pay(expires_in=True), InvalidInputTypeError, "expires_in", ("int",)),
    ("expires zero", _pay(expires_in=0), InvalidInputError, "expires_in", ("positive",)),
    ("refund zero", _refund(amount=Decimal(0)), InvalidInputError, "amount", ("greater than 0",)),
    ("refund neg", _refund(amount=Decimal(-1)), InvalidInputError, "amount", ("greater than 0",)),
    ("refund float", _refund(amount=1.0), InvalidInputTypeError, "amount", ("Decimal",)),
    ("refund id", _refund(payment_id=""), InvalidInputError, "payment_id", ("blank",)),
    ("http url", _hook(url="http://example.com/h"), InvalidInputError, "url", ("https://",)),
    ("not a url", _hook(url="example.com/hook"), InvalidInputError, "url", ("https://",)),
    ("no host", _hook(url="https:///hook"), InvalidInputError, "url", ("https://",)),
    ("bad url", _hook(url="https://[::1/x"), InvalidInputError, "url", ("https://",)),
    ("url type", _hook(url=None), InvalidInputTypeError, "url", ("str",)),
    ("event", _hook(events=["payment.done"]), InvalidInputError, "events", ("payment.completed",)),
    ("event str", _hook(events="payment.completed"), InvalidInputTypeError, "events", ("list",)),
    ("no events", _hook(events=[]), InvalidInputError, "events", ("None",)),
    ("event type", _hook(events=[1]), InvalidInputError, "events", ("known",)),
    (
        "scope",
        lambda dp: dp.keys.create(scope="admin"),
        InvalidInputError,
        "scope",
        ("'read'", "'write'"),
    ),
    ("label", lambda dp: dp.keys.create(scope="read", label=""), InvalidInputError, "label", ()),
    ("revoke junk", lambda dp: dp.keys.revoke("nope"), InvalidInputError, "key", ("dp_",)),
    (
        "revoke type",
        lambda dp: dp.keys.revoke(42),  # type: ignore[arg-type]
        InvalidInputTypeError,
        "key",
        ("str",),
    ),
    (
        "revoke secret",
        lambda dp: dp.keys.revoke(Secret("dcy_live_" + "a" * 40)),
        InvalidInputError,
        "key",
        ("dptcay API key",),
    ),
    ("get blank", lambda dp: dp.payments.get(" "), InvalidInputError, "payment_id", ()),
    ("rotate read", lambda dp: dp.rotate_key(scope="read"), InvalidInputError, "scope", ("write",)),
]


@pytest.fixture
def recorded() -> list[httpx.Request]:
    return []


@pytest.fixture
def dp(recorded: list[httpx.Request]) -> AsyncDptcayClient:
    def handler(request: httpx.Request) -> httpx.Response:
        recorded.append(request)
        return httpx.Response(500)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return AsyncDptcayClient(KEY, http_client=http, max_retries=0)


@pytest.mark.parametrize(
    ("call", "error", "field", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_bad_input_is_refused_before_any_request(
    dp: AsyncDptcayClient,
    recorded: list[httpx.Request],
    call: Call,
    error: type[InvalidInputError],
    field: str,
    words: tuple[str, ...],
) -> None:
    with pytest.raises(error) as info:
        await call(dp)
    assert type(info.value) is error  # dptcay_sdk.<name>, raised as such
    assert info.value.field == field
    assert field in str(info.value)
    for word in words:
        assert word in str(info.value)
    assert recorded == []


async def test_float_amount_is_also_a_type_error(dp: AsyncDptcayClient) -> None:
    with pytest.raises(TypeError):
        await dp.payments.create(amount=1.0, currency="BTC")  # type: ignore[arg-type]


async def test_a_malformed_key_is_never_echoed(dp: AsyncDptcayClient) -> None:
    secretish = "dp_test_sk_tooshort"
    with pytest.raises(InvalidInputError) as info:
        await dp.keys.revoke(secretish)
    assert secretish not in str(info.value)
