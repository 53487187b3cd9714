"""One rate budget for a fleet: a sliding window per API key, kept in Redis.

Every process that uses the same Redis and the same key draws from one window, so four
workers "under the limit" together stay under it too. Each :meth:`SharedWindow.acquire` is
one atomic Lua script (prune, count, take a slot or answer the wait), timed by the Redis
server's clock so hosts whose clocks disagree still share one window.

Why a script and not the ``limits`` library: its moving window on async Redis storage
runs only on asyncio (with redis-py's or coredis's asyncio client, both fail under trio
with "no running event loop"), costs ~0.2 ms per hit on loopback against ~0.2 ms for this
script through the blocking client in a worker thread, and has no "how long until a slot
frees" answer for waiting (a refused hit needs a second round trip to ask).

The server is the truth: a response with ``X-RateLimit-Remaining: 0`` (or a 429's
``Retry-After``) holds the matching window until the server's reset, for every process.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Mapping
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
if held > now then return held - now end
local span = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], span)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + span - now)
"""


def key_id(secret: str) -> str:
    """A name for a key's window that does not reveal the key."""
    return hashlib.sha256(secret.encode()).hexdigest()[:20]


class SharedWindow(Throttle):
    """At most ``limit`` request starts in any ``window`` seconds, across every process.

    Like :class:`Throttle`, each slot is kept ``margin`` longer than the window because the
    server stamps a request when it arrives, a little after it left.
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
        super().__init__(limit, window, margin=margin)
        self.name = name
        self._keys = [f"{name}:starts", f"{name}:hold"]
        self._span_ms = round(self._span * 1000)
        self._script = client.register_script(_ACQUIRE)
        self._hold_until_ms = 0

    def __repr__(self) -> str:
        return f"SharedWindow({self.name!r}, limit={self.limit}, window={self.window})"

    def _try(self) -> int:
        hold, self._hold_until_ms = self._hold_until_ms, 0
        args: list[int | str] = [self.limit, self._span_ms, secrets.token_hex(8), hold]
        wait_ms: int = self._script(keys=self._keys, args=args)
        return wait_ms

    async def acquire(self) -> float:
        """Wait for a free slot in the shared window and take it; return the seconds waited."""
        import anyio.to_thread  # noqa: PLC0415 - loaded with the first acquire

        waited = 0.0
        while True:
            wait_ms = await anyio.to_thread.run_sync(self._try)
            if wait_ms <= 0:
                return waited
            # A little jitter keeps processes that were refused together from retrying together.
            delay = wait_ms / 1000 + random.random() * 0.005  # noqa: S311 - not security
            waited += delay
            await self._sleep(delay)

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

    The common case costs one header lookup.
    """
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
