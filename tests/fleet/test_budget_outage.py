"""The shared rate budget when its Redis is killed, frozen or never there: asyncio and trio.

Real redis-server processes (SIGKILL, SIGSTOP/SIGCONT), a closed port for "never reachable",
and the Dancity sandbox's ledger for "nothing was sent".
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import anyio
import httpx
import pytest
import redis

from dancity_sdk import AsyncDancityClient
from dancity_sdk.testing import DancitySandbox
from dptcay_sdk import AsyncDptcayClient
from shared_auth import APITimeoutError, ConfigurationError, RetryPolicy, SDKError
from shared_auth.fleet import (
    LocalFallback,
    RateBudgetUnavailableError,
    SharedWindow,
    open_journal,
    shared_windows,
)
from tests.fleet.redis_server import RedisProcess, redis_process, unreachable_redis_url

pytestmark = pytest.mark.anyio
KEY = "dcy_live_" + "cd" * 20
PHONE = "08031234567"


@pytest.fixture
def server() -> Iterator[RedisProcess]:
    """A redis-server of this test's own, to kill or freeze (thawed and stopped after)."""
    with redis_process() as process:
        yield process


def _window(url: str, *, limit: int = 100, outage: LocalFallback | None = None) -> SharedWindow:
    windows = shared_windows(
        url, api="dancity", secret=KEY, windows={"key": (limit, 60.0)}, outage=outage or "fail"
    )
    return windows["key"]


async def test_a_killed_redis_fails_closed_with_a_typed_error_naming_the_option(
    server: RedisProcess,
) -> None:
    url_with_password = server.url.replace("redis://", "redis://:hunter2-secret@")
    window = _window(server.url)
    assert await window.acquire() == 0.0
    server.kill()
    with pytest.raises(RateBudgetUnavailableError) as caught:
        await window.acquire()
    message = str(caught.value)
    assert "rate_budget=" in message
    assert server.url in message
    assert "LocalFallback(processes=N)" in message
    assert "nothing was sent" in message
    assert caught.value.target == server.url
    # Credentials in the URL are masked in the message and the target.
    guarded = _window(url_with_password)
    with pytest.raises(RateBudgetUnavailableError) as caught:
        await guarded.acquire()
    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in caught.value.target
    assert ":***@127.0.0.1" in caught.value.target


async def test_no_raw_redis_error_escapes_a_loop_of_calls(server: RedisProcess) -> None:
    window = _window(server.url)
    server.kill()
    raised: list[type[BaseException]] = []
    for _ in range(50):
        try:
            await window.acquire()
        except Exception as exc:
            raised.append(type(exc))
    assert raised == [RateBudgetUnavailableError] * 50


async def test_a_never_reachable_redis_fails_closed() -> None:
    window = _window(unreachable_redis_url())
    with pytest.raises(RateBudgetUnavailableError, match="ConnectionError"):
        await window.acquire()


async def test_a_frozen_redis_is_cut_by_the_socket_timeout(server: RedisProcess) -> None:
    window = _window(server.url)
    assert await window.acquire() == 0.0
    server.freeze()
    with pytest.raises(RateBudgetUnavailableError, match="TimeoutError"):
        await window.acquire()


@pytest.mark.timeout(30)
async def test_a_frozen_redis_does_not_hold_a_call_past_its_deadline(
    server: RedisProcess,
) -> None:
    sandbox = DancitySandbox(seed=3)
    # A client of the user's with no socket timeout: only the call's deadline can end the wait.
    untimed = redis.Redis.from_url(server.url)
    server.freeze()
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncDancityClient(
            sandbox.api_key,
            base_url=sandbox.base_url,
            http_client=http,
            rate_budget=untimed,
            retry=RetryPolicy(max_retries=0, deadline=0.2),
        ) as client,
    ):
        # The thread hop is abandoned when the deadline passes: the stuck socket is left behind.
        with pytest.raises(APITimeoutError, match="deadline passed waiting for the client-side"):
            await client.vas.airtime.buy(
                product="MTN Airtime", phone=PHONE, amount=Decimal(100), customer_ref="frz-1"
            )
    assert sandbox.transactions == []
    server.thaw()
    untimed.close()


async def test_a_local_fallback_throttles_to_this_process_share_and_returns_to_redis(
    server: RedisProcess,
) -> None:
    window = _window(server.url, limit=8, outage=LocalFallback(processes=4, recheck=1e-6))
    server.kill()
    # 8 per window shared by 4 processes: this one may start 2, then waits for the window.
    assert await window.acquire() == 0.0
    assert await window.acquire() == 0.0
    with anyio.move_on_after(0.2) as scope:
        await window.acquire()
    assert scope.cancelled_caught
    server.start()  # the same port: Redis is back, and the budget is shared again
    assert await window.acquire() == 0.0
    client = redis.Redis.from_url(server.url)
    try:
        assert client.zcard(f"{window.name}:starts") == 1
    finally:
        client.close()


async def test_a_local_fallback_says_so_once_in_a_warning(
    server: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    window = _window(server.url, limit=100, outage=LocalFallback(processes=4))
    server.kill()
    for _ in range(3):
        await window.acquire()
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "25 requests per 60s" in warnings[0].getMessage()
    assert server.url in warnings[0].getMessage()


async def test_a_journaled_purchase_refused_by_the_budget_is_released_and_bought_once_later(
    server: RedisProcess, tmp_path: Path
) -> None:
    sandbox = DancitySandbox(seed=4)
    journal_path = tmp_path / "journal.db"
    transport = httpx.ASGITransport(app=sandbox.app, client=("127.0.0.1", 123))

    async def buy() -> str:
        async with (
            httpx.AsyncClient(transport=transport) as http,
            AsyncDancityClient(
                sandbox.api_key,
                base_url=sandbox.base_url,
                http_client=http,
                rate_budget=server.url,
                retry=RetryPolicy(max_retries=0),
                journal=open_journal(journal_path, create=True),
            ) as client,
        ):
            tx = await client.vas.airtime.buy(
                product="MTN Airtime", phone=PHONE, amount=Decimal(100), customer_ref="bud-1"
            )
            return str(tx.tranx_id)

    server.kill()
    with pytest.raises(RateBudgetUnavailableError):
        await buy()
    assert sandbox.transactions == []
    journal = open_journal(journal_path)
    assert journal.store.open_intents() == []  # released: nothing was sent
    journal.store.close()
    server.start()
    tranx_id = await buy()
    assert [r["tranxId"] for r in sandbox.transactions] == [tranx_id]


async def test_the_error_is_an_sdk_error_on_the_dptcay_client_too(server: RedisProcess) -> None:
    server.kill()
    async with AsyncDptcayClient(
        "dp_test_sk_" + "a" * 32,
        base_url="http://127.0.0.1:9/v1",
        rate_plan=(10, 1.0),
        rate_budget=server.url,
        retry=RetryPolicy(max_retries=0),
    ) as client:
        with pytest.raises(SDKError) as caught:
            await client.currencies.list()
    assert isinstance(caught.value, RateBudgetUnavailableError)


def test_an_unknown_outage_policy_is_refused_before_any_io() -> None:
    with pytest.raises(ConfigurationError, match=r"LocalFallback\(processes=N\)"):
        AsyncDancityClient(KEY, rate_budget="redis://127.0.0.1:9/0", rate_budget_outage="local")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="rate_budget_outage="):
        AsyncDptcayClient("dp_test_sk_" + "a" * 32, rate_budget_outage="local")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="at least 1"):
        LocalFallback(processes=0)
    with pytest.raises(ConfigurationError, match="must be an int"):
        LocalFallback(processes=2.5)  # type: ignore[arg-type]
    assert LocalFallback(processes=3).share(120) == 40
    assert LocalFallback(processes=500).share(120) == 1
