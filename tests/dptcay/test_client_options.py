"""Per-call options (with_options), the timeout convention and a caller's httpx client."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import httpx
import pytest

from dptcay_sdk import AsyncDptcayClient, ConfigurationError, Payment, ResultList
from dptcay_sdk._models import make_dptcay_converter
from tests.dptcay.test_models import PAYMENT as WIRE_PAYMENT

pytestmark = pytest.mark.anyio

KEY = "dp_test_sk_" + "Ab3" * 8


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=WIRE_PAYMENT, headers={"x-request-id": "req_1"})


async def test_with_options_is_a_cheap_copy_sharing_the_pool() -> None:
    recorder = Recorder()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as http,
        AsyncDptcayClient(KEY, http_client=http) as dp,
    ):
        slow = dp.with_options(
            timeout=120, max_retries=0, deadline=None, extra_headers={"X-T": "1"}
        )
        assert slow.timeout == httpx.Timeout(120)
        assert slow.retry_policy.max_retries == 0
        assert slow.retry_policy.deadline is None
        assert dp.retry_policy.max_retries == 2  # the original is unchanged
        assert slow.payments is not dp.payments
        await slow.payments.get("pay_1")
        await dp.payments.get("pay_1")
        await slow.aclose()  # closes nothing: the pool is the original's
        await dp.payments.get("pay_1")
    first, second, third = recorder.requests
    assert first.headers["X-T"] == "1"
    assert first.extensions["timeout"] == httpx.Timeout(120).as_dict()
    assert "X-T" not in second.headers
    assert second.extensions["timeout"] == dp.timeout.as_dict()
    assert third.url.path.endswith("/payments/pay_1")


@pytest.mark.loop_agnostic  # awaits nothing
async def test_with_options_refuses_credential_headers() -> None:
    dp = AsyncDptcayClient(KEY)
    with pytest.raises(ConfigurationError, match="Authorization"):
        dp.with_options(extra_headers={"Authorization": "Bearer x"})


async def test_results_carry_the_request_id_and_raw_response() -> None:
    recorder = Recorder()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as http,
        AsyncDptcayClient(KEY, http_client=http) as dp,
    ):
        payment = await dp.payments.get("pay_1")
    assert payment.request_id == "req_1"


async def test_a_callers_http_client_gets_the_sdk_user_agent_and_timeouts() -> None:
    recorder = Recorder()
    async with (
        httpx.AsyncClient(
            transport=httpx.MockTransport(recorder.handler), timeout=httpx.Timeout(1.0)
        ) as http,
        AsyncDptcayClient(KEY, http_client=http, timeout=45) as dp,
    ):
        await dp.payments.get("pay_1")
    (request,) = recorder.requests
    assert request.headers["User-Agent"].startswith("dptcay-sdk-python/")
    assert request.extensions["timeout"] == httpx.Timeout(45).as_dict()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": -1}, "timeout must be a positive number"),
        ({"timeout": math.nan}, "timeout must be a positive number"),
        ({"timeout": True}, "timeout must be a positive number"),
        ({"timeout": httpx.Timeout(5, read=-2)}, "timeout must be a positive number"),
        ({"max_retries": -1}, "max_retries must be an int >= 0"),
        ({"max_retries": 1.5}, "max_retries must be an int >= 0"),
        ({"deadline": 0}, "deadline must be a positive number"),
        ({"deadline": math.inf}, "deadline must be a positive number"),
        ({"http_client": httpx.Client()}, "must be an httpx.AsyncClient"),
        ({"retry": {"max_retries": 1}}, "retry must be a RetryPolicy"),
    ],
)
def test_bad_options_are_configuration_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        AsyncDptcayClient(KEY, **kwargs)


def test_timeout_none_disables_it_and_not_given_is_the_default() -> None:
    assert AsyncDptcayClient(KEY, timeout=None).timeout == httpx.Timeout(None)
    assert AsyncDptcayClient(KEY).timeout == httpx.Timeout(30.0, connect=10.0)
    assert AsyncDptcayClient(KEY, deadline=None).retry_policy.deadline is None


async def test_to_dict_and_to_json_round_trip_through_the_converter() -> None:
    recorder = Recorder()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as http,
        AsyncDptcayClient(KEY, http_client=http) as dp,
    ):
        payment = await dp.payments.get("pay_1")
    data = payment.to_dict()
    assert json.loads(payment.to_json()) == data
    assert data["amount"] == str(payment.amount)  # money as a decimal string
    assert dp.converter.structure(data, type(payment)) == payment
    info = payment.response_info
    assert info is not None
    assert (info.status_code, info.request_id, info.method) == (200, "req_1", "GET")
    # an object built by hand serialises with a fresh converter of its SDK
    copy = dp.converter.structure(data, type(payment))
    assert copy.response_info is None
    assert copy.to_dict() == data


async def test_a_slice_of_results_stays_a_result_list() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        del request
        rows = [{"code": c, "network": "n", "name": c} for c in ("BTC", "ETH", "SOL")]
        return httpx.Response(200, json={"data": rows}, headers={"x-request-id": "req_2"})

    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
        AsyncDptcayClient(KEY, http_client=http) as dp,
    ):
        currencies = await dp.currencies.list()
    head = currencies[:2]
    assert isinstance(head, ResultList)
    assert [c.code for c in head] == ["BTC", "ETH"]
    assert head.request_id == "req_2"
    assert "<table>" in head._repr_html_()


@pytest.mark.loop_agnostic  # awaits nothing
async def test_hook_factories_follow_a_copied_converter() -> None:
    # Factories take (cl, converter): a copy with another Decimal hook builds models with it.
    base = AsyncDptcayClient(KEY).converter
    copied = base.copy()
    copied.register_structure_hook(Decimal, lambda value, _: Decimal(value) * 100)
    expected = make_dptcay_converter().structure(WIRE_PAYMENT, Payment).amount
    assert copied.structure(WIRE_PAYMENT, Payment).amount == expected * 100
    assert base.structure(WIRE_PAYMENT, Payment).amount == expected


async def test_a_test_can_inject_its_converter_into_a_client() -> None:
    recorder = Recorder()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as http,
        AsyncDptcayClient(KEY, http_client=http) as dp,
    ):
        custom = dp.converter.copy()
        custom.register_structure_hook(Decimal, lambda _value, _type: Decimal(7))
        dp._converter = custom  # built lazily: a test may set its own before the first call
        payment = await dp.payments.get("pay_1")
    assert payment.amount == Decimal(7)


async def test_default_headers_go_with_every_request_and_never_a_credential() -> None:
    recorder = Recorder()
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as http,
        AsyncDptcayClient(KEY, http_client=http, default_headers={"X-Team": "payments"}) as dp,
    ):
        await dp.payments.get("pay_1")
        await dp.with_options(extra_headers={"X-Trace": "t1"}).payments.get("pay_1")
    first, second = recorder.requests
    assert first.headers["X-Team"] == "payments"
    assert (second.headers["X-Team"], second.headers["X-Trace"]) == ("payments", "t1")
    for name in ("Authorization", "authorization"):
        with pytest.raises(ConfigurationError, match="must not set"):
            AsyncDptcayClient(KEY, default_headers={name: "Bearer x"})
