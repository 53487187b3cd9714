"""The shared rate budget on a real Redis server, on asyncio and trio."""

from __future__ import annotations

import time

import anyio
import httpx
import pytest
import redis

from shared_auth import ConfigurationError, Throttle
from shared_auth.fleet import SharedWindow, observe, shared_windows, windows_for
from shared_auth.fleet._budget import key_id

KEY = "dcy_live_" + "ab" * 20


@pytest.fixture
def clean_redis(redis_url: str) -> str:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return redis_url


def _max_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    return max(sum(1 for s in stamps if start <= s < start + window) for start in stamps)


@pytest.mark.anyio
async def test_windows_of_separate_clients_share_one_budget(clean_redis: str) -> None:
    limit, window = 5, 1.0
    # Three clients with their own connections stand for three processes.
    windows = [
        shared_windows(clean_redis, api="dancity", secret=KEY, windows={"key": (limit, window)})[
            "key"
        ]
        for _ in range(3)
    ]
    stamps: list[float] = []

    async def worker(w: SharedWindow) -> None:
        for _ in range(limit):
            await w.acquire()
            stamps.append(time.monotonic())

    start = time.monotonic()
    async with anyio.create_task_group() as tg:
        for w in windows:
            tg.start_soon(worker, w)
    elapsed = time.monotonic() - start
    assert len(stamps) == 3 * limit
    # Never more than `limit` starts in any window (a little less than the window, for the
    # scheduling slack between Redis's stamp and ours), so 3 windows' worth needs 2 full ones.
    assert _max_in_any_window(stamps, window - 0.02) <= limit
    assert elapsed >= 2 * window


@pytest.mark.anyio
async def test_an_exhausted_server_window_holds_every_process_until_it_frees(
    clean_redis: str,
) -> None:
    first = shared_windows(clean_redis, api="dptcay", secret=KEY, windows={"key": (100, 60.0)})
    second = shared_windows(clean_redis, api="dptcay", secret=KEY, windows={"key": (100, 60.0)})
    assert await first["key"].acquire() == 0.0
    observe(first, httpx.Headers({"X-RateLimit-Limit": "100", "Retry-After": "2"}))
    waits: dict[str, float] = {}

    async def take(name: str, windows: dict[str, SharedWindow], after: float) -> None:
        await anyio.sleep(after)
        waits[name] = await windows["key"].acquire()

    async with anyio.create_task_group() as tg:
        tg.start_soon(take, "first", first, 0.0)  # carries the hold to Redis, then waits
        tg.start_soon(take, "second", second, 0.5)  # another process: held until the same instant
    assert waits["first"] >= 1.9
    assert 1.0 <= waits["second"] < waits["first"]


def test_headers_with_room_left_change_nothing(clean_redis: str) -> None:
    windows = shared_windows(clean_redis, api="dptcay", secret=KEY, windows={"key": (10, 60.0)})
    observe(
        windows, httpx.Headers({"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "9999999999"})
    )
    assert windows["key"]._hold_until_ms == 0
    reset = int(time.time()) + 30
    observe(
        windows,
        httpx.Headers(
            {
                "X-RateLimit-Limit": "10",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
            }
        ),
    )
    assert windows["key"]._hold_until_ms == (reset - 1) * 1000


def test_the_default_budget_is_the_in_process_throttle(clean_redis: str) -> None:
    local = windows_for(None, api="dancity", secret=KEY, windows={"key": (120, 60.0)})
    assert type(local["key"]) is Throttle
    shared = windows_for(clean_redis, api="dancity", secret=KEY, windows={"key": (120, 60.0)})
    assert isinstance(shared["key"], SharedWindow)
    assert KEY not in repr(shared["key"])
    assert key_id(KEY) in shared["key"].name
    with pytest.raises(ConfigurationError, match="redis://"):
        windows_for("memcached://x", api="dancity", secret=KEY, windows={"key": (1, 1.0)})
