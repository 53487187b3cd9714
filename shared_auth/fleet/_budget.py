"""One rate budget for a fleet: a sliding window per API key, kept in Redis.

Every process that uses the same Redis and the same key draws from one window, so four
workers "under the limit" together stay under it too. Each
[`SharedWindow.acquire`][shared_auth.fleet.SharedWindow.acquire] is one atomic Lua script (prune,
count, take a slot or answer the wait), timed by the Redis server's clock so hosts whose clocks
disagree still share one window.

Why a script and not the ``limits`` library: its moving window on async Redis storage
runs only on asyncio (with redis-py's or coredis's asyncio client, both fail under trio
with "no running event loop"), and it has no "how long until a slot frees" answer for
waiting (a refused hit needs a second round trip to ask). Measured on loopback (a busy
machine): ``limits`` ~0.19-0.25 ms per hit on asyncio; this script through the blocking
client in a worker thread ~0.35-0.4 ms on asyncio and 0.4-1.0 ms on trio: the price of one
code path that runs on both loops, small beside an HTTP call to the API.

The server is the truth: a response with ``X-RateLimit-Remaining: 0`` (or a 429's
``Retry-After``) holds the matching window until the server's reset, for every process.

When Redis is down, frozen or unreachable, every acquire is bounded (socket and connect
timeouts on the budget's client, a bound on the thread hop that the call's deadline can
abandon) and the user's outage policy decides: fail closed with
`RateBudgetUnavailableError` (the default), or throttle each process to its share of the
limit ([`LocalFallback`][shared_auth.fleet.LocalFallback]) until Redis answers again.
"""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias
from urllib.parse import urlsplit, urlunsplit

from shared_auth._errors import ConfigurationError, RateBudgetUnavailableError
from shared_auth._ratelimit import RateLimit
from shared_auth._throttle import Throttle
from shared_auth.fleet._redis import redis_client, redis_hint

if TYPE_CHECKING:
    import httpx
    import redis

__all__ = [
    "BUDGET_TIMEOUT",
    "LocalFallback",
    "RateBudget",
    "RateBudgetOutage",
    "SharedWindow",
    "budget_client",
    "describe_target",
    "key_id",
    "observe",
    "outage_policy",
    "shared_windows",
    "windows_for",
]

#: Seconds the budget's Redis client waits to connect, and for each answer (unless the URL
#: sets ``socket_timeout``/``socket_connect_timeout``): one acquire is ~0.4 ms when healthy.
BUDGET_TIMEOUT: Final = 1.0

_logger = logging.getLogger("shared_auth.fleet")


@dataclass(frozen=True)
class LocalFallback:
    """While the shared budget is unreachable, throttle each process to its share of the limit.

    Each process falls back to its own in-process throttle of ``limit // processes``
    requests per window (at least 1), so ``processes`` workers together stay within the
    key's limit. Set ``processes`` to the most workers that share the key at once: fewer
    than that, and the fleet can exceed the limit (the server's 429s still hold it back);
    more, and each worker waits longer than it needs to.

    Attributes:
        processes: How many processes share the key (the share is ``limit // processes``).
        recheck: Seconds between attempts to reach Redis again while it is down (calls in
            between use the local share without waiting for Redis).
    """

    processes: int
    recheck: float = 1.0

    def __post_init__(self) -> None:
        processes: object = self.processes
        if not isinstance(processes, int) or isinstance(processes, bool):
            msg = f"LocalFallback(processes=) must be an int, not {type(self.processes).__name__}"
            raise ConfigurationError(msg)
        if self.processes < 1:
            msg = f"LocalFallback(processes=) must be at least 1; got {self.processes}"
            raise ConfigurationError(msg)
        if not self.recheck > 0:
            msg = (
                f"LocalFallback(recheck=) must be a positive number of seconds; got {self.recheck}"
            )
            raise ConfigurationError(msg)

    def share(self, limit: int) -> int:
        """This process's part of a window of ``limit`` requests (at least 1)."""
        return max(1, limit // self.processes)


#: What a shared budget does while its Redis is unreachable: ``"fail"`` (raise
#: `RateBudgetUnavailableError`; nothing is sent) or a `LocalFallback`.
RateBudgetOutage: TypeAlias = Literal["fail"] | LocalFallback

#: What ``rate_budget=`` takes: ``None`` or ``"local"`` (each client's window in its own
#: process), or a ``redis://``/``rediss://``/``unix://`` URL or a blocking ``redis.Redis``
#: (one window per key, shared by every process that uses it; the ``redis`` extra).
RateBudget: TypeAlias = "str | redis.Redis | None"

#: Seconds a fail-closed budget answers from memory after an outage, without asking Redis.
_FAIL_RECHECK: Final = 0.25


def outage_policy(value: object) -> RateBudgetOutage:
    """``value`` as an outage policy.

    Raises:
        ConfigurationError: anything but ``"fail"`` or a ``LocalFallback``.
    """
    if value == "fail" or isinstance(value, LocalFallback):
        return value
    msg = (
        f'rate_budget_outage= must be "fail" (the default: refuse calls while the shared '
        "budget's Redis is unreachable) or LocalFallback(processes=N) (throttle each process "
        f"to limit/N meanwhile), not {value!r}"
    )
    raise ConfigurationError(msg)


def describe_target(source: Any) -> str:
    """Where a budget lives, for messages: a Redis URL or client with credentials masked."""
    if isinstance(source, str):
        try:
            parts = urlsplit(source)
            host = parts.hostname or ""
            port = parts.port
        except ValueError:
            return "<a Redis URL that could not be parsed>"
        netloc = host if port is None else f"{host}:{port}"
        if parts.password is not None:
            netloc = f"{parts.username or ''}:***@{netloc}"
        elif parts.username:
            netloc = f"***@{netloc}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    kwargs = getattr(getattr(source, "connection_pool", None), "connection_kwargs", {})
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    return f"redis://{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"


def budget_client(source: Any) -> redis.Redis:
    """A blocking Redis client for a budget: bounded timeouts, no retries of its own.

    A URL gets ``BUDGET_TIMEOUT`` as its socket and connect timeouts (its own
    ``socket_timeout=``/``socket_connect_timeout=`` query parameters win); a client you
    pass keeps its settings, and the acquire's own bound still applies.
    """
    if not (isinstance(source, str) and source.startswith(("redis://", "rediss://", "unix://"))):
        return redis_client(source)
    try:
        import redis  # noqa: PLC0415 - optional extra
        from redis.backoff import NoBackoff  # noqa: PLC0415
        from redis.retry import Retry  # noqa: PLC0415
    except ImportError as exc:
        raise ImportError(redis_hint()) from exc
    client: redis.Redis = redis.Redis.from_url(
        source,
        socket_timeout=BUDGET_TIMEOUT,
        socket_connect_timeout=BUDGET_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )
    return client


def _bound(client: redis.Redis) -> float:
    """The longest one acquire's round trip may take: connecting, then the answer."""
    kwargs = client.connection_pool.connection_kwargs
    connect = kwargs.get("socket_connect_timeout") or BUDGET_TIMEOUT
    answer = kwargs.get("socket_timeout") or BUDGET_TIMEOUT
    return float(connect) + float(answer)


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

    Every round trip to Redis is bounded (the client's timeouts, and a bound on the thread
    hop, which the call's deadline can also abandon). When Redis cannot be reached,
    ``outage`` decides: ``"fail"`` raises `RateBudgetUnavailableError` (nothing is sent), a
    [`LocalFallback`][shared_auth.fleet.LocalFallback] takes a slot in this process's share.
    """

    def __init__(
        self,
        client: redis.Redis,
        name: str,
        limit: int,
        window: float,
        *,
        margin: float | None = None,
        outage: RateBudgetOutage = "fail",
        target: str | None = None,
    ) -> None:
        super().__init__(limit, window, margin=0.02 if margin is None else margin)
        self.name = name
        self.outage = outage_policy(outage)
        self.target: str = describe_target(client) if target is None else target
        self._keys = [f"{name}:starts", f"{name}:hold"]
        self._span_ms = round(self._span * 1000)
        self._script = client.register_script(_ACQUIRE)
        self._restamp_script = client.register_script(_RESTAMP)
        self._mover = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rate-budget")
        self._hold_until_ms = 0
        self._bound = _bound(client)
        self._local = (
            Throttle(outage.share(limit), window) if isinstance(outage, LocalFallback) else None
        )
        self._down_until = 0.0  # monotonic: until then, Redis is not asked again
        self._down_reason = ""

    def __repr__(self) -> str:
        return f"SharedWindow({self.name!r}, limit={self.limit}, window={self.window})"

    def _try(self, member: str, hold: int) -> tuple[int, int]:
        args: list[int | str] = [self.limit, self._span_ms, member, hold]
        wait_ms, now_ms = self._script(keys=self._keys, args=args)
        return int(wait_ms), int(now_ms)

    async def _ask(self, member: str) -> tuple[int, int] | None:
        """One bounded round trip; ``None`` if Redis could not be reached."""
        import anyio  # noqa: PLC0415 - loaded with the first acquire
        import anyio.to_thread  # noqa: PLC0415
        from redis.exceptions import RedisError  # noqa: PLC0415 - a client exists: redis is in

        if self._down_until > time.monotonic():
            return None
        hold = self._hold_until_ms
        try:
            with anyio.fail_after(self._bound):
                # Abandonable: a cancelled call (its deadline) does not wait for a stuck socket.
                answer = await anyio.to_thread.run_sync(
                    self._try, member, hold, abandon_on_cancel=True
                )
        except (RedisError, OSError) as exc:  # OSError includes the bound's TimeoutError
            self._went_down(exc)
            return None
        if hold and self._hold_until_ms == hold:
            self._hold_until_ms = 0  # sent: Redis holds every process now
        if self._down_reason:
            _logger.info("the shared rate budget at %s answers again", self.target)
            self._down_reason = ""
        return answer

    def _went_down(self, exc: BaseException) -> None:
        detail = str(exc) or f"no answer within {self._bound:g}s"
        reason = f"{type(exc).__name__}: {detail}"
        recheck = self.outage.recheck if isinstance(self.outage, LocalFallback) else _FAIL_RECHECK
        self._down_until = time.monotonic() + recheck
        if not self._down_reason and isinstance(self.outage, LocalFallback):
            _logger.warning(
                "the shared rate budget at %s is unreachable (%s): each process now throttles "
                "itself to %d requests per %gs (LocalFallback(processes=%d)) until it answers",
                self.target,
                reason,
                self.outage.share(self.limit),
                self.window,
                self.outage.processes,
            )
        self._down_reason = reason

    def _unavailable(self) -> RateBudgetUnavailableError:
        msg = (
            f"the shared rate budget (rate_budget={self.target!r}) is unreachable "
            f"({self._down_reason}); nothing was sent. Calls fail closed so the fleet never "
            "exceeds the key's limit: retry once Redis is back, or pass "
            "rate_budget_outage=LocalFallback(processes=N) to throttle each of N processes to "
            "limit/N while it is down"
        )
        return RateBudgetUnavailableError(msg, target=self.target)

    async def _acquire_locally(self, waited: float) -> float:
        if self._local is None:
            raise self._unavailable()
        # A hold the server asked for (a 429, an exhausted window) still applies here.
        hold = self._hold_until_ms / 1000 - time.time()
        if hold > 0:
            await self._sleep(hold)
            waited += hold
        return waited + await self._local.acquire()

    async def acquire(self) -> float:
        """Wait for a free slot in the shared window and take it; return the seconds waited.

        Raises:
            RateBudgetUnavailableError: Redis could not be reached and the outage policy
                is ``"fail"`` (nothing was sent).
        """
        waited = 0.0
        member = secrets.token_hex(8)
        while True:
            # Read before asking: the slot's age is then never underestimated.
            asked = time.monotonic()
            answer = await self._ask(member)
            if answer is None:
                return await self._acquire_locally(waited)
            wait_ms, now_ms = answer
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
        now = time.monotonic()
        if self._down_until > now:
            return  # Redis is down: a restamp would only wait for its timeout
        moved = score + round((now - since) * 1000)
        self._mover.submit(self._restamp_script, keys=self._keys[:1], args=[moved, member])

    def hold_until(self, when: float) -> None:
        """Take no slot before Unix time ``when`` (sent to Redis with the next acquire)."""
        self._hold_until_ms = max(self._hold_until_ms, round(when * 1000))


def shared_windows(
    source: str | redis.Redis,
    *,
    api: str,
    secret: str,
    windows: Mapping[str, tuple[int, float]],
    prefix: str = "sdk-rate",
    outage: RateBudgetOutage = "fail",
) -> dict[str, SharedWindow]:
    """One `SharedWindow` per named window of an API key, in the Redis ``source``."""
    policy = outage_policy(outage)
    client = budget_client(source)
    target = describe_target(source)
    base = f"{prefix}:{api}:{key_id(secret)}"
    return {
        name: SharedWindow(client, f"{base}:{name}", limit, window, outage=policy, target=target)
        for name, (limit, window) in windows.items()
    }


def windows_for(
    rate_budget: RateBudget,
    *,
    api: str,
    secret: str,
    windows: Mapping[str, tuple[int, float]],
    outage: RateBudgetOutage = "fail",
) -> dict[str, Throttle]:
    """The throttles a client counts against: in-process by default, or shared in Redis.

    Args:
        rate_budget: ``None`` or ``"local"`` for in-process throttles; a Redis URL or a
            blocking ``redis.Redis`` for windows shared by every process using it.
        api: The API's name (part of the Redis key).
        secret: The API key the windows belong to (only a digest of it is used).
        windows: Each window's name and ``(limit, seconds)``.
        outage: What a shared window does while Redis is unreachable (``"fail"`` or a
            ``LocalFallback``).

    Raises:
        ConfigurationError: ``rate_budget`` is not a Redis URL or client, or ``outage`` is
            not an outage policy.
    """
    policy = outage_policy(outage)
    if rate_budget is None or rate_budget == "local":
        return {name: Throttle(limit, window) for name, (limit, window) in windows.items()}
    return dict(shared_windows(rate_budget, api=api, secret=secret, windows=windows, outage=policy))


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
