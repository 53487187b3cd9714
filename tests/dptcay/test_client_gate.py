"""The admission gate: at most ``max_concurrency`` requests in flight, first come first served.

A MockTransport handler holds each request until the test lets it go, and counts how many
it holds at once; ``anyio.wait_all_tasks_blocked`` orders the steps (no sleeps).
"""

from __future__ import annotations

from decimal import Decimal

import anyio
import httpx
import pytest

from dptcay_sdk import APITimeoutError, AsyncDptcayClient, ConfigurationError, OutcomeUnknownError
from shared_auth._gate import DEFAULT_MAX_CONCURRENCY, pool_size
from tests.dptcay.test_models import PAYMENT as WIRE_PAYMENT

pytestmark = pytest.mark.anyio

KEY = "dp_test_sk_" + "Ab3" * 8


class Held:
    """Holds every request until released; records arrivals and the most held at once."""

    def __init__(self) -> None:
        self.arrived: list[str] = []
        self.in_flight = 0
        self.most = 0
        self._go: dict[str, anyio.Event] = {}
        self.answer_first: httpx.Response | None = None

    def _event(self, name: str) -> anyio.Event:
        return self._go.setdefault(name, anyio.Event())

    def release(self, name: str) -> None:
        self._event(name).set()

    async def handler(self, request: httpx.Request) -> httpx.Response:
        name = request.method + " " + request.url.path.rsplit("/", 1)[-1]
        self.arrived.append(name)
        if self.answer_first is not None:
            answer, self.answer_first = self.answer_first, None
            return answer
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await self._event(name).wait()
        finally:
            self.in_flight -= 1
        return httpx.Response(200, json=WIRE_PAYMENT)


def _client(held: Held, **options: object) -> tuple[httpx.AsyncClient, AsyncDptcayClient]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(held.handler))
    return http, AsyncDptcayClient(KEY, http_client=http, **options)  # type: ignore[arg-type]


async def test_the_gate_admits_first_come_first_served_and_never_more_than_its_size() -> None:
    held = Held()
    http, dp = _client(held, max_concurrency=2)
    names = [f"pay_{i}" for i in range(6)]
    async with http, dp, anyio.create_task_group() as tg:
        for name in names:
            tg.start_soon(dp.payments.get, name)
            await anyio.wait_all_tasks_blocked()
        assert held.arrived == ["GET pay_0", "GET pay_1"]  # the other four wait at the gate
        # Released out of order: the freed slots still go to the oldest waiters.
        for name in ["pay_1", "pay_0", "pay_3", "pay_2", "pay_5", "pay_4"]:
            held.release("GET " + name)
            await anyio.wait_all_tasks_blocked()
    assert held.arrived == [f"GET {name}" for name in names]
    assert held.most == 2


async def test_copies_from_with_options_share_the_gate() -> None:
    held = Held()
    http, dp = _client(held, max_concurrency=1)
    copy = dp.with_options(timeout=60, max_retries=0)
    async with http, dp, anyio.create_task_group() as tg:
        tg.start_soon(dp.payments.get, "pay_0")
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(copy.payments.get, "pay_1")
        await anyio.wait_all_tasks_blocked()
        assert held.arrived == ["GET pay_0"]  # the copy waits for the original's slot
        held.release("GET pay_0")
        held.release("GET pay_1")
    assert held.arrived == ["GET pay_0", "GET pay_1"]
    assert held.most == 1


async def test_a_purchase_whose_deadline_passes_at_the_gate_is_refused_unsent() -> None:
    held = Held()
    http, dp = _client(held, max_concurrency=1)
    async with http, dp, anyio.create_task_group() as tg:
        tg.start_soon(dp.payments.get, "pay_0")
        await anyio.wait_all_tasks_blocked()
        hurried = dp.with_options(deadline=0.2)
        with pytest.raises(APITimeoutError, match="free connection") as info:
            await hurried.payments.create(amount=Decimal(5), currency="USDC", order_id="A-1")
        held.release("GET pay_0")
    assert not isinstance(info.value, OutcomeUnknownError)
    assert "nothing was sent" in str(info.value)
    assert held.arrived == ["GET pay_0"]  # the purchase never reached the server


async def test_a_call_cancelled_at_the_gate_takes_no_slot() -> None:
    held = Held()
    http, dp = _client(held, max_concurrency=1)
    async with http, dp, anyio.create_task_group() as tg:
        tg.start_soon(dp.payments.get, "pay_0")
        await anyio.wait_all_tasks_blocked()
        async with anyio.create_task_group() as waiters:
            waiters.start_soon(dp.payments.get, "pay_1")
            await anyio.wait_all_tasks_blocked()
            waiters.cancel_scope.cancel()  # cancelled while it waits at the gate
        held.release("GET pay_0")
        await anyio.wait_all_tasks_blocked()
        # Had the cancelled waiter kept the slot, this call would wait at the gate.
        tg.start_soon(dp.payments.get, "pay_2")
        await anyio.wait_all_tasks_blocked()
        assert held.arrived == ["GET pay_0", "GET pay_2"]  # pay_1 was never sent
        held.release("GET pay_2")
    assert held.most == 1


async def test_the_slot_is_released_before_a_wait_for_a_retry() -> None:
    held = Held()
    held.answer_first = httpx.Response(429, headers={"Retry-After": "30"})
    http, dp = _client(held, max_concurrency=1)
    async with http, dp, anyio.create_task_group() as tg:
        tg.start_soon(dp.payments.get, "pay_0")  # answered 429, then waits 30 s
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(dp.payments.get, "pay_1")
        await anyio.wait_all_tasks_blocked()
        assert held.arrived == ["GET pay_0", "GET pay_1"]  # admitted during pay_0's wait
        tg.cancel_scope.cancel()


async def test_the_gate_is_sized_from_the_http_client_s_pool() -> None:
    held = Held()
    limits = httpx.Limits(max_connections=3)
    mounts = {"all://": httpx.MockTransport(held.handler)}
    http = httpx.AsyncClient(limits=limits, mounts=mounts)
    dp = AsyncDptcayClient(KEY, http_client=http)
    async with http, dp, anyio.create_task_group() as tg:
        for i in range(5):
            tg.start_soon(dp.payments.get, f"pay_{i}")
            await anyio.wait_all_tasks_blocked()
        assert len(held.arrived) == 3
        for i in range(5):
            held.release(f"GET pay_{i}")
            await anyio.wait_all_tasks_blocked()
    assert held.most == 3


async def test_clients_sharing_one_http_client_share_its_gate() -> None:
    held = Held()
    limits = httpx.Limits(max_connections=1)
    http = httpx.AsyncClient(limits=limits, mounts={"all://": httpx.MockTransport(held.handler)})
    first, second = (
        AsyncDptcayClient(KEY, http_client=http),
        AsyncDptcayClient(KEY, http_client=http),
    )
    async with http, first, second, anyio.create_task_group() as tg:
        tg.start_soon(first.payments.get, "pay_0")
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(second.payments.get, "pay_1")
        await anyio.wait_all_tasks_blocked()
        assert held.arrived == ["GET pay_0"]  # one pool of one connection: one at a time
        held.release("GET pay_0")
        held.release("GET pay_1")
    assert held.arrived == ["GET pay_0", "GET pay_1"]
    assert held.most == 1


def test_the_pool_size_is_read_from_the_transport() -> None:
    assert pool_size(httpx.AsyncClient(limits=httpx.Limits(max_connections=7))) == 7
    assert pool_size(httpx.AsyncClient(limits=httpx.Limits(max_connections=None))) is None
    assert (
        pool_size(httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200))))
        is None
    )
    assert DEFAULT_MAX_CONCURRENCY == 100


def test_the_pool_size_of_the_aiohttp_transport_is_its_limit() -> None:
    transport_module = pytest.importorskip("httpx_aiohttp")
    limits = httpx.Limits(max_connections=12)
    http = httpx.AsyncClient(transport=transport_module.AiohttpTransport(limits=limits))
    assert pool_size(http) == 12


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "10"])
def test_max_concurrency_is_checked_before_any_io(value: object) -> None:
    with pytest.raises(ConfigurationError, match="max_concurrency must be an int >= 1"):
        AsyncDptcayClient(KEY, max_concurrency=value)  # type: ignore[arg-type]


async def test_the_sdks_own_pool_opens_100_connections_and_keeps_20_alive() -> None:
    # httpx's defaults, chosen by measurement (P8): the gate admits 100 calls.
    async with AsyncDptcayClient(KEY, base_url="http://127.0.0.1:9/v1") as client:
        http = client._client()
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert (pool._max_connections, pool._max_keepalive_connections) == (100, 20)
        assert pool_size(http) == 100
