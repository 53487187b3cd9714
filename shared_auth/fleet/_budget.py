"""One rate budget for a fleet: a sliding window per API key, kept in Redis.

Every process that uses the same Redis and the same key draws from one window, so four
workers "under the limit" together stay under it too. Each :meth:`SharedWindow.acquire` is
one atomic Lua script (prune, count, take a slot or answer the wait), timed by the Redis
server's clock so hosts whose clocks disagree still share one window.

Why a script and not the ``limits`` library: its moving window on async Redis storage
runs only on asyncio (with redis-py's or coredis's asyncio client, both fail under trio
with "no running event loop"), and it has no "how long until a slot frees" answer for
waiting (a refused hit needs a second round trip to ask). Measured on loopback (a busy
machine): ``limits`` ~0.19-0.25 ms per hit on asyncio; this script through the blocking
client in a worker thread ~0.35-0.4 ms on asyncio and 0.4-1.0 ms on trio: the price of one
code path that runs on both loops, small beside an HTTP call to the API.

The server is the truth: a response with ``X-RateLimit-Remaining: 0`` (or a 429's
``Retry-After``) holds the matching window until the server's reset, for every process.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final

from shared_auth._ratelimit import RateLimit
from shared_auth._throttle import Throttle
from shared_auth.fleet._redis import redis_client

if TYPE_CHECKING:
    import httpx
    import redis

__all__ = ["SharedWindow", "key_id", "observe", "shared_windows", "windows_for"]

_ACQUIRE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold_until = tonumber(ARGV[4])
if hold_until > now then
  local current = tonumber(redis.call('GET', KEYS[2]) or '0')
  if hold_until > current then
    redis.call('SET', KEYS[2], hold_until, 'PX', hold_until - now)
  end
end
local held = tonumber(redis.call('GET', KEYS[2]) or '0')
if held > now then return {held - now, now} end
local span = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], span)
  return {0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {math.max(1, tonumber(oldest[2]) + span - now), now}
"""
# Move a slot later (never earlier), if it is still in the window.
_RESTAMP: Final = "return redis.call('ZADD', KEYS[1], 'XX', 'GT', ARGV[1], ARGV[2])"

#: Per task: the slot each shared window gave the request in flight (window id → member,
#: its score in Redis milliseconds, and when it was taken on this host's monotonic clock).
_TAKEN: ContextVar[dict[int, tuple[str, int, float]] | None] = ContextVar("_TAKEN", default=None)


def key_id(secret: str) -> str:
    """A name for a key's window that does not reveal the key."""
    return hashlib.sha256(secret.encode()).hexdigest()[:20]


class SharedWindow(Throttle):
    """At most ``limit`` request starts in any ``window`` seconds, across every process.

    The server stamps a request when it arrives, which may be well after the slot was
    taken (a burst queues at the server). So when the answer comes back, the slot is
    moved to the moment it arrived (the server's stamp is no later), measured as the time
    since the slot was taken, which needs no clock agreement. The move rides along with
    a background thread right away (off the event loop and off the caller's path).

    With slots moved, ``margin`` only covers scheduling noise: it defaults to 20 ms here.
    """

    def __init__(
        self,
        client: redis.Redis,
        name: str,
        limit: int,
        window: float,
        *,
        margin: float | None = None,
    ) -> None:
        super().__init__(limit, window, margin=0.02 if margin is None else margin)
        self.name = name
        self._keys = [f"{name}:starts", f"{name}:hold"]
        self._span_ms = round(self._span * 1000)
        self._script = client.register_script(_ACQUIRE)
        self._restamp_script = client.register_script(_RESTAMP)
        self._mover = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rate-budget")
        self._hold_until_ms = 0

    def __repr__(self) -> str:
        return f"SharedWindow({self.name!r}, limit={self.limit}, window={self.window})"

    def _try(self, member: str) -> tuple[int, int]:
        hold, self._hold_until_ms = self._hold_until_ms, 0
        args: list[int | str] = [self.limit, self._span_ms, member, hold]
        wait_ms, now_ms = self._script(keys=self._keys, args=args)
        return int(wait_ms), int(now_ms)

    async def acquire(self) -> float:
        """Wait for a free slot in the shared window and take it; return the seconds waited."""
        import anyio.to_thread  # noqa: PLC0415 - loaded with the first acquire

        waited = 0.0
        member = secrets.token_hex(8)
        while True:
            # Read before asking: the slot's age is then never underestimated.
            asked = time.monotonic()
            wait_ms, now_ms = await anyio.to_thread.run_sync(self._try, member)
            if wait_ms <= 0:
                taken = _TAKEN.get() or {}
                _TAKEN.set({**taken, id(self): (member, now_ms, asked)})
                return waited
            # A little jitter keeps processes that were refused together from retrying together.
            delay = wait_ms / 1000 + random.random() * 0.005  # noqa: S311 - not security
            waited += delay
            await self._sleep(delay)

    def answered(self) -> None:
        """The request this task took a slot for was answered: move the slot to now."""
        taken = _TAKEN.get()
        slot = None if taken is None else taken.get(id(self))
        if slot is None:
            return
        _TAKEN.set({k: v for k, v in taken.items() if k != id(self)} if taken else None)
        member, score, since = slot
        moved = score + round((time.monotonic() - since) * 1000)
        self._mover.submit(self._restamp_script, keys=self._keys[:1], args=[moved, member])

    def hold_until(self, when: float) -> None:
        """Take no slot before Unix time ``when`` (sent to Redis with the next acquire)."""
        self._hold_until_ms = max(self._hold_until_ms, round(when * 1000))


def shared_windows(
    source: Any,
    *,
    api: str,
    secret: str,
    windows: Mapping[str, tuple[int, float]],
    prefix: str = "sdk-rate",
) -> dict[str, SharedWindow]:
    """One :class:`SharedWindow` per named window of an API key, in the Redis ``source``."""
    client = redis_client(source)
    base = f"{prefix}:{api}:{key_id(secret)}"
    return {
        name: SharedWindow(client, f"{base}:{name}", limit, window)
        for name, (limit, window) in windows.items()
    }


def windows_for(
    rate_budget: Any, *, api: str, secret: str, windows: Mapping[str, tuple[int, float]]
) -> dict[str, Throttle]:
    """The throttles a client counts against: in-process by default, or shared in Redis.

    Args:
        rate_budget: ``None`` or ``"local"`` for in-process throttles; a Redis URL or a
            blocking ``redis.Redis`` for windows shared by every process using it.
        api: The API's name (part of the Redis key).
        secret: The API key the windows belong to (only a digest of it is used).
        windows: Each window's name and ``(limit, seconds)``.
    """
    if rate_budget is None or rate_budget == "local":
        return {name: Throttle(limit, window) for name, (limit, window) in windows.items()}
    return dict(shared_windows(rate_budget, api=api, secret=secret, windows=windows))


def observe(windows: Mapping[str, Throttle], headers: httpx.Headers) -> None:
    """Let the server's headers correct shared windows: an exhausted window waits for reset.

    The common case costs one header lookup per window.
    """
    for window in windows.values():
        if isinstance(window, SharedWindow):
            window.answered()
    if headers.get("x-ratelimit-remaining") != "0" and "retry-after" not in headers:
        return
    rate = RateLimit.from_headers(headers)
    if rate is None:
        return
    if rate.retry_after is not None:
        until = time.time() + rate.retry_after
    elif rate.reset_at is not None:
        # The reset is rounded up to a whole second: one second earlier is the latest
        # instant the window is surely still full, so holding until then never wastes a slot.
        until = rate.reset_at.timestamp() - 1.0
    else:
        return
    shared = [w for w in windows.values() if isinstance(w, SharedWindow)]
    matching = [w for w in shared if w.limit == rate.limit] or shared
    for window in matching:
        window.hold_until(until)
