"""The deadline and the per-call timeout bound a whole call on transports that ignore
httpx's timeouts: the in-process sandboxes (``httpx.ASGITransport``) and async
``httpx.MockTransport`` handlers. Outcomes are asserted, and that the call came back while
the server still held the request (events and flags, no wall-clock bounds).
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest

from dancity_sdk import AsyncDancityClient
from dancity_sdk._credentials import DancityJWTAuth
from dptcay_sdk import AsyncDptcayClient
from shared_auth import APITimeoutError, OutcomeUnknownError, RetryPolicy
from shared_auth._models import make_converter
from shared_auth._pipeline import Pipeline

# The shared names: the tests below call both SDKs and a bare pipeline.
from shared_auth.testing import FaultInjector
from tests.dptcay.test_models import PAYMENT as WIRE_PAYMENT
from tests.shared_auth._support import EchoPipeline
from tests.shared_auth.test_outcomes import parse_error

pytestmark = pytest.mark.anyio

KEY = "dp_test_sk_" + "Ab3" * 8


# --- the documented sandbox fixtures (in-process ASGI) -------------------------------------


async def test_a_purchase_the_sandbox_holds_past_the_deadline_is_of_unknown_outcome(
    dptcay_client: AsyncDptcayClient, dptcay_faults: FaultInjector
) -> None:
    dptcay_faults.delay_next(30, method="POST", path="/payments")
    hurried = dptcay_client.with_options(deadline=0.5)
    with pytest.raises(OutcomeUnknownError) as info:
        await hurried.payments.create(amount=Decimal(5), currency="USDC", order_id="A-7")
    assert info.value.reference == "A-7"
    assert dptcay_faults.delayed.is_set()  # it was sent, and cut while the sandbox held it
    assert "deadline" in str(info.value)


async def test_a_per_call_timeout_bounds_a_read_the_sandbox_holds(
    dptcay_client: AsyncDptcayClient, dptcay_faults: FaultInjector
) -> None:
    dptcay_faults.delay_next(30, method="GET", path="/currencies")
    with pytest.raises(APITimeoutError) as info:
        await dptcay_client.with_options(timeout=0.3, max_retries=0).currencies.list()
    assert not isinstance(info.value, OutcomeUnknownError)
    assert "per-attempt timeout" in str(info.value)


async def test_a_read_cut_by_its_timeout_is_retried_within_the_deadline(
    dptcay_client: AsyncDptcayClient, dptcay_faults: FaultInjector
) -> None:
    dptcay_faults.delay_next(30, method="GET", path="/currencies")  # the first attempt only
    currencies = await dptcay_client.with_options(timeout=0.3, max_retries=1).currencies.list()
    assert len(currencies) > 0
    assert dptcay_faults.delayed.is_set()
    assert dptcay_faults.pending() == []


async def test_a_dancity_purchase_the_sandbox_holds_past_the_deadline(
    dancity_client: AsyncDancityClient, dancity_faults: FaultInjector
) -> None:
    dancity_faults.delay_next(30, method="POST")
    hurried = dancity_client.with_options(deadline=0.5)
    with pytest.raises(OutcomeUnknownError) as info:
        await hurried.vas.airtime.buy(
            product="MTN Airtime", phone="08012345678", amount=Decimal(200), customer_ref="R-9"
        )
    assert info.value.reference == "R-9"
    assert dancity_faults.delayed.is_set()


# --- an async MockTransport handler --------------------------------------------------------


class Slow:
    """An async handler that holds the first ``hold`` requests 30 s, then answers."""

    def __init__(self, hold: int = 1_000) -> None:
        self.hold = hold
        self.seen: list[str] = []
        self.finished = 0
        self.cut = 0

    async def handler(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.method)
        if len(self.seen) <= self.hold:
            try:
                await anyio.sleep(30)
            except BaseException:
                self.cut += 1
                raise
            self.finished += 1  # pragma: no cover - cut first
        return httpx.Response(200, json=WIRE_PAYMENT)


async def _client(slow: Slow, **options: Any) -> AsyncDptcayClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(slow.handler))
    return AsyncDptcayClient(KEY, http_client=http, **options)


async def test_a_held_purchase_is_cut_at_the_deadline_with_its_reference() -> None:
    slow = Slow()
    dp = await _client(slow, deadline=0.3)
    with pytest.raises(OutcomeUnknownError) as info:
        await dp.payments.create(amount=Decimal(5), currency="USDC", order_id="B-2")
    assert info.value.reference == "B-2"
    assert (slow.seen, slow.cut, slow.finished) == (["POST"], 1, 0)


async def test_a_held_read_is_cut_at_the_deadline() -> None:
    slow = Slow()
    dp = await _client(slow, deadline=0.3)
    with pytest.raises(APITimeoutError) as info:
        await dp.payments.get("pay_1")
    assert not isinstance(info.value, OutcomeUnknownError)
    assert slow.finished == 0
    assert slow.cut == len(slow.seen) >= 1


async def test_a_held_read_is_cut_by_its_timeout_and_retried() -> None:
    slow = Slow(hold=1)
    dp = await _client(slow, timeout=0.2, max_retries=1, deadline=None)
    payment = await dp.payments.get("pay_1")
    assert payment.id == WIRE_PAYMENT["id"]
    assert (slow.seen, slow.cut, slow.finished) == (["GET", "GET"], 1, 0)


async def test_a_plain_function_handler_gets_no_scope_and_still_answers() -> None:
    # A sync handler cannot wait: the pipeline trusts it (and P1 measures this path).
    http = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json=WIRE_PAYMENT))
    )
    dp = AsyncDptcayClient(KEY, http_client=http, deadline=0.3)
    assert (await dp.payments.get("pay_1")).id == WIRE_PAYMENT["id"]


async def test_a_purchase_waiting_for_its_jwt_at_the_deadline_was_not_sent() -> None:
    # The attempt's scope fires just after the deadline: the auth flow's own bound reports
    # first, so a purchase that never left is not reported as of unknown outcome.
    async def slow_provider() -> str:
        await anyio.sleep(30)
        raise AssertionError  # pragma: no cover - cut by the deadline

    slow = Slow()
    async with httpx.AsyncClient(transport=httpx.MockTransport(slow.handler)) as client:
        pipeline = EchoPipeline(
            Pipeline(
                base_url="https://api.example.test",
                get_client=lambda: client,
                parse_error=parse_error,
                policy=RetryPolicy(deadline=0.3),
                logger=logging.getLogger("shared_auth"),
                converter=make_converter,
            )
        )
        with pytest.raises(APITimeoutError, match="JWT provider") as info:
            await pipeline.send(
                "POST", "/buy", auth=DancityJWTAuth(provider=slow_provider), reference="C-3"
            )
    assert not isinstance(info.value, OutcomeUnknownError)
    assert slow.seen == []


class _HoldingTransport(httpx.AsyncBaseTransport):
    """A user's own transport that ignores the request's timeouts."""

    def __init__(self) -> None:
        self.cut = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        del request
        try:
            await anyio.sleep(30)
        except BaseException:
            self.cut += 1
            raise
        return httpx.Response(200, json=WIRE_PAYMENT)  # pragma: no cover - cut first


async def test_a_user_s_own_transport_is_bounded_too() -> None:
    transport = _HoldingTransport()
    async with httpx.AsyncClient(transport=transport) as http:
        dp = AsyncDptcayClient(KEY, http_client=http, deadline=0.3)
        with pytest.raises(OutcomeUnknownError) as info:
            await dp.refunds.create(payment_id="pay_1", amount=Decimal(1), reason="test")
    assert transport.cut == 1
    assert info.value.path == "/refunds"


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # aiohttp runs on asyncio only
async def test_the_aiohttp_transport_cuts_a_held_purchase(
    dptcay_sandbox: Any, dptcay_faults: FaultInjector
) -> None:
    pytest.importorskip("httpx_aiohttp")
    from dptcay_sdk.testing._server import serve_in_thread  # noqa: PLC0415 - uvicorn
    from shared_auth._fast import aiohttp_http_client  # noqa: PLC0415 - the fast extra

    dptcay_faults.delay_next(30, method="POST", path="/payments")
    with serve_in_thread(dptcay_faults, host="127.0.0.1", port=0) as url:
        async with (
            aiohttp_http_client() as http,
            AsyncDptcayClient(dptcay_sandbox.write_key, base_url=url, http_client=http) as dp,
        ):
            with pytest.raises(OutcomeUnknownError) as info:
                await dp.with_options(deadline=0.5).payments.create(
                    amount=Decimal(5), currency="USDC", order_id="F-1"
                )
    assert info.value.reference == "F-1"
    assert dptcay_faults.delayed.is_set()
