"""The shared rate budget on a real Redis server, on asyncio and trio.

Times are read on the clock the budget keeps, Redis's (the stamp the server gave each slot),
never measured by the test: a slow machine cannot make them pass or fail.
"""

from __future__ import annotations

import threading
import time

import anyio
import httpx
import pytest
import redis

from shared_auth import ConfigurationError
from shared_auth._throttle import Throttle
from shared_auth.fleet import SharedWindow, observe, shared_windows, windows_for
from shared_auth.fleet._budget import _TAKEN, key_id

KEY = "dcy_live_" + "ab" * 20


@pytest.fixture
def clean_redis(redis_url: str) -> str:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return redis_url


def _max_in_any_window(stamps: list[int], window: int) -> int:
    stamps = sorted(stamps)
    return max(sum(1 for s in stamps if start <= s < start + window) for start in stamps)


def _granted(window: SharedWindow) -> int:
    """When Redis gave this task its latest slot of ``window``, in server milliseconds."""
    taken = _TAKEN.get()
    assert taken is not None
    return taken[id(window)][1]


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
    stamps: list[int] = []  # on Redis's clock, the one the shared window keeps

    async def worker(w: SharedWindow) -> None:
        for _ in range(limit):
            await w.acquire()
            stamps.append(_granted(w))

    async with anyio.create_task_group() as tg:
        for w in windows:
            tg.start_soon(worker, w)
    assert len(stamps) == 3 * limit
    # Never more than `limit` starts in any window, so 3 windows' worth spans 2 full ones.
    window_ms = round(window * 1000)
    assert _max_in_any_window(stamps, window_ms) <= limit
    assert max(stamps) - min(stamps) >= 2 * window_ms


@pytest.mark.anyio
async def test_an_exhausted_server_window_holds_every_process_until_it_frees(
    clean_redis: str,
) -> None:
    first = shared_windows(clean_redis, api="dptcay", secret=KEY, windows={"key": (100, 60.0)})
    second = shared_windows(clean_redis, api="dptcay", secret=KEY, windows={"key": (100, 60.0)})
    assert await first["key"].acquire() == 0.0
    observe(first, httpx.Headers({"X-RateLimit-Limit": "100", "Retry-After": "1"}))
    hold_ms = first["key"]._hold_until_ms
    assert hold_ms > 0
    waits: dict[str, float] = {}
    granted: dict[str, int] = {}
    hold_sent = threading.Event()  # set in the thread that carried the hold to Redis
    carry = first["key"]._try

    def carry_then_tell(member: str, hold: int) -> tuple[int, int]:
        try:
            return carry(member, hold)
        finally:
            hold_sent.set()

    first["key"]._try = carry_then_tell  # type: ignore[method-assign]

    async def take(name: str, windows: dict[str, SharedWindow]) -> None:
        waits[name] = await windows["key"].acquire()
        granted[name] = _granted(windows["key"])

    async with anyio.create_task_group() as tg:
        tg.start_soon(take, "first", first)  # carries the hold to Redis, then waits
        await anyio.to_thread.run_sync(hold_sent.wait)
        tg.start_soon(take, "second", second)  # another process: held until the same instant
    # Neither got a slot before the hold ended, on Redis's clock; both had to wait for it.
    assert granted["first"] >= hold_ms
    assert granted["second"] >= hold_ms
    assert waits["first"] > 0
    assert waits["second"] > 0


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
