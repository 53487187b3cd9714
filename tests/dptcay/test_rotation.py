"""Zero-downtime key rotation: create, switch, drain the old key's requests, revoke."""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest

from dptcay_sdk import (
    ApiKey,
    AsyncDptcayClient,
    AuthenticationError,
    InternalServerError,
    KeyRotationError,
    Secret,
)
from dptcay_sdk import _client as client_module
from dptcay_sdk._credentials import DptcayKeyAuth
from dptcay_sdk.testing import DptcaySandbox, RatePlan

pytestmark = pytest.mark.anyio


class _Wire(httpx.AsyncBaseTransport):
    """The sandbox behind a network: optional latency and a gate, and a log of arrivals."""

    def __init__(self, sb: DptcaySandbox, *, max_latency: float = 0.0) -> None:
        self._inner = httpx.ASGITransport(app=sb.app)
        self._max_latency = max_latency
        self._random = random.Random(1)
        self.gate: anyio.Event | None = None
        self.arrivals: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._max_latency:
            # On the way to the server: the request already carries its key.
            await anyio.sleep(self._random.uniform(0, self._max_latency))
        if self.gate is not None and request.method == "GET":
            await self.gate.wait()
        self.arrivals.append(request.method)
        return await self._inner.handle_async_request(request)


@pytest.fixture
def sb() -> DptcaySandbox:
    return DptcaySandbox(plan=RatePlan(100_000, name="load"))


@contextlib.asynccontextmanager
async def _client(
    sb: DptcaySandbox, transport: httpx.AsyncBaseTransport
) -> AsyncIterator[AsyncDptcayClient]:
    async with httpx.AsyncClient(transport=transport) as http:
        yield AsyncDptcayClient(sb.write_key, base_url=sb.base_url, http_client=http)


async def _assert_revoked(sb: DptcaySandbox, key: Secret) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app)) as http:
        stale = AsyncDptcayClient(key, base_url=sb.base_url, http_client=http)
        with pytest.raises(AuthenticationError, match="revoked"):
            await stale.currencies.list()


async def test_200_concurrent_gets_survive_a_rotation(sb: DptcaySandbox) -> None:
    wire = _Wire(sb, max_latency=0.004)
    async with _client(sb, wire) as dp:
        payment = await dp.payments.create(amount=1, currency="BTC")
        old = dp.api_key
        failures: list[BaseException] = []
        done: list[str] = []
        rotated: list[ApiKey] = []

        async def get(delay: float) -> None:
            await anyio.sleep(delay)
            try:
                done.append((await dp.payments.get(payment.id)).id)
            except Exception as exc:
                failures.append(exc)

        async def rotate() -> None:
            await anyio.sleep(0.002)
            rotated.append(await dp.rotate_key(label="rotated under load"))

        delays = random.Random(2)
        async with anyio.create_task_group() as tg:
            for _ in range(200):
                tg.start_soon(get, delays.uniform(0, 0.006))
            tg.start_soon(rotate)

        assert failures == []
        assert len(done) == 200
        (new,) = rotated
        assert dp.api_key == new.key != old
        assert "DELETE" in wire.arrivals
        assert wire.arrivals.count("GET") == 200
        await _assert_revoked(sb, old)
        assert (await dp.payments.get(payment.id)).id == payment.id


async def test_revoke_waits_until_old_key_requests_have_arrived(sb: DptcaySandbox) -> None:
    wire = _Wire(sb)
    async with _client(sb, wire) as dp:
        payment = await dp.payments.create(amount=1, currency="BTC")
        old = dp.api_key
        wire.gate = anyio.Event()
        results: list[object] = []

        async def held_get() -> None:
            results.append(await dp.payments.get(payment.id))

        async with anyio.create_task_group() as tg:
            tg.start_soon(held_get)
            await anyio.sleep(0.001)
            assert dp._auth.in_flight(old) == 1
            tg.start_soon(dp.rotate_key)
            while dp.api_key == old:  # noqa: ASYNC110 - waiting on the client's state
                await anyio.sleep(0.001)
            await anyio.sleep(0.02)
            assert "DELETE" not in wire.arrivals  # revoke is waiting for the held GET
            wire.gate.set()

        assert wire.arrivals[-2:] == ["GET", "DELETE"]
        assert len(results) == 1
        assert dp._auth.in_flight(old) == 0
        await _assert_revoked(sb, old)


async def test_drain_is_bounded_and_then_revokes_anyway(
    sb: DptcaySandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(client_module, "_DRAIN_TIMEOUT", 0.02)
    wire = _Wire(sb)
    async with _client(sb, wire) as dp:
        payment = await dp.payments.create(amount=1, currency="BTC")
        old = dp.api_key
        wire.gate = anyio.Event()
        failures: list[Exception] = []

        async def held_get() -> None:
            try:
                await dp.payments.get(payment.id)
            except AuthenticationError as exc:
                failures.append(exc)

        with caplog.at_level(logging.WARNING, logger="dptcay_sdk"):
            async with anyio.create_task_group() as tg:
                tg.start_soon(held_get)
                await anyio.sleep(0.001)
                await dp.rotate_key()
                wire.gate.set()
        assert "1 request(s) still in flight" in caplog.text
        assert len(failures) == 1  # the straggler reached the server after the revoke
        await _assert_revoked(sb, old)


async def test_failed_revoke_raises_with_the_new_key(sb: DptcaySandbox) -> None:
    inner = httpx.ASGITransport(app=sb.app)

    class _Broken(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "DELETE":
                return httpx.Response(500, json={"error": {"code": "boom", "message": "down"}})
            return await inner.handle_async_request(request)

    async with httpx.AsyncClient(transport=_Broken()) as http:
        dp = AsyncDptcayClient(sb.write_key, base_url=sb.base_url, http_client=http, max_retries=0)
        old = dp.api_key
        with pytest.raises(KeyRotationError) as info:
            await dp.rotate_key(label="v2")
    new_key = info.value.new_key
    assert isinstance(new_key, ApiKey)
    assert dp.api_key == new_key.key
    assert isinstance(info.value.__cause__, InternalServerError)
    assert old.get_secret_value() not in str(info.value)
    assert new_key.key.get_secret_value() not in str(info.value)
    # The old key still works: nothing was revoked.
    async with httpx.AsyncClient(transport=inner) as http:
        stale = AsyncDptcayClient(old, base_url=sb.base_url, http_client=http)
        assert len(await stale.currencies.list()) > 0


async def test_failed_create_changes_nothing(sb: DptcaySandbox) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sb.app)) as http:
        reader = AsyncDptcayClient(sb.read_key, base_url=sb.base_url, http_client=http)
        with pytest.raises(Exception, match="keys:write"):
            await reader.rotate_key()
        assert reader.api_key == Secret(sb.read_key)


# --- the in-flight accounting of DptcayKeyAuth ----------------------------------------

KEY_A = "dp_test_sk_" + "A" * 20
KEY_B = "dp_test_sk_" + "B" * 20


async def test_in_flight_counts_until_the_response_or_failure() -> None:
    auth = DptcayKeyAuth(KEY_A)
    release = anyio.Event()
    both_arrived = anyio.Event()
    seen: list[int] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(auth.in_flight(KEY_A))
        if len(seen) == 2:
            both_arrived.set()
        await release.wait()
        if request.url.path == "/fail":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:

        async def send(path: str) -> None:
            with contextlib.suppress(httpx.ConnectError):
                await http.get("https://x" + path, auth=auth)

        async with anyio.create_task_group() as tg:
            tg.start_soon(send, "/ok")
            tg.start_soon(send, "/fail")
            await both_arrived.wait()  # an event, not a sleep: a loaded machine cannot break it
            assert auth.in_flight() == 2
            auth.set_key(KEY_B)
            assert auth.in_flight() == 0  # the new key has nothing in flight
            assert auth.in_flight(KEY_A) == 2
            assert auth.in_flight(Secret(KEY_A)) == 2
            release.set()
    assert seen == [1, 2]
    assert auth.in_flight(KEY_A) == 0
    assert auth.in_flight(KEY_B) == 0
    assert auth.in_flight("dp_test_sk_" + "C" * 20) == 0


async def test_in_flight_is_released_on_cancellation() -> None:
    auth = DptcayKeyAuth(KEY_A)

    async def handler(request: httpx.Request) -> httpx.Response:
        await anyio.sleep_forever()
        raise AssertionError  # pragma: no cover

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        with anyio.move_on_after(0.01):
            await http.get("https://x/", auth=auth)
    assert auth.in_flight(KEY_A) == 0


def test_sync_flow_counts_too() -> None:
    auth = DptcayKeyAuth(KEY_A)
    counts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        counts.append(auth.in_flight())
        assert request.headers["Authorization"] == f"Bearer {KEY_A}"
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        http.get("https://x/", auth=auth)
    assert counts == [1]
    assert auth.in_flight() == 0


def test_switching_back_keeps_the_count() -> None:
    auth = DptcayKeyAuth(KEY_A)
    flow = auth.auth_flow(httpx.Request("GET", "https://x/"))
    next(flow)
    auth.set_key(KEY_B)
    auth.set_key(KEY_A)
    assert auth.in_flight() == 1
    flow.close()
    assert auth.in_flight() == 0
    assert auth.key == Secret(KEY_A)
