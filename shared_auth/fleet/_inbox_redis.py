"""The webhook inbox in Redis, shared by every receiver and consumer of a fleet.

Keys, under a prefix (default ``sdk-inbox``):

* ``<prefix>:meta``: the inbox's identity, written once when it is created. Every script
  checks it first, so a Redis that was flushed or restarted without persistence is
  reported ([`InboxLostError`][shared_auth.fleet.InboxLostError]) instead of accepting
  every old event again as new.
* ``<prefix>:ev:<key>``: one hash per event (raw body, headers, state, lease, attempts,
  last error). Done events expire after the retention; open and parked ones never do.
* ``<prefix>:grp:<group>``: the group's unfinished events in receive order. Only its head
  is ever offered to a consumer, so a transaction's events are handed over in order.
* ``<prefix>:heads``: a sorted set of group heads, scored by when each is next available
  (received, retry due, or lease end). A claim is one ``ZRANGEBYSCORE … LIMIT 0 1``.
* ``<prefix>:parked``: parked events by receive order.

Every transition is one Lua script (atomic on the server). The scripts touch keys they
derive from the prefix, so the inbox needs a single Redis (or one Cluster hash slot via a
``{tag}`` in the prefix), like the journal.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any, Final

from shared_auth._errors import describe_target
from shared_auth.fleet._inbox_model import (
    Accepted,
    InboxEvent,
    InboxLostError,
    InboxMissingError,
    InboxVolatileError,
)
from shared_auth.fleet._redis import is_volatile, redis_client

if TYPE_CHECKING:
    import redis

__all__ = ["RedisInboxStore"]

_CHECK: Final = "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end\n"
_HELD: Final = """
local state = redis.call('HGET', KEYS[2], 'state')
if state ~= 'leased' or redis.call('HGET', KEYS[2], 'owner') ~= ARGV[2] then return 0 end
"""


def _held(body: str) -> str:
    """A script that runs ``body`` only in the inbox it knew, on an event its caller holds."""
    return _CHECK + _HELD + body


# Offer the group's next event, if any, as the group's head.
_PROMOTE: Final = """
local nxt = redis.call('LINDEX', KEYS[3], 0)
if nxt then
  redis.call('ZADD', KEYS[4], redis.call('HGET', PREFIX .. ':ev:' .. nxt, 'next_at'), nxt)
end
"""
_RECEIVE: Final = (
    _CHECK
    + """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], 'key', ARGV[2], 'api', ARGV[3], 'grp', ARGV[4], 'event', ARGV[5],
  'body', ARGV[6], 'headers', ARGV[7], 'seq', seq, 'received_at', ARGV[8], 'state', 'pending',
  'owner', '', 'lease_until', 0, 'next_at', ARGV[8], 'attempts', 0)
if redis.call('RPUSH', KEYS[4], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[5], ARGV[8], ARGV[2])
end
return 1
"""
)
_CLAIM: Final = (
    _CHECK
    + """
local found = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, 1)
if #found == 0 then return 0 end
local ev = ARGV[5] .. ':ev:' .. found[1]
if redis.call('EXISTS', ev) == 0 then
  redis.call('ZREM', KEYS[2], found[1])
  return 0
end
redis.call('HSET', ev, 'state', 'leased', 'owner', ARGV[3], 'lease_until', ARGV[4])
redis.call('HINCRBY', ev, 'attempts', 1)
redis.call('ZADD', KEYS[2], ARGV[4], found[1])
return redis.call('HGETALL', ev)
"""
)
_RENEW: Final = _held(
    """
redis.call('HSET', KEYS[2], 'lease_until', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1
"""
)
_COMPLETE: Final = _held(
    "local PREFIX = ARGV[5]\n"
    """
redis.call('HSET', KEYS[2], 'state', 'done', 'owner', '')
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('LREM', KEYS[3], 1, ARGV[4])
redis.call('ZREM', KEYS[4], ARGV[4])
""" + _PROMOTE + "return 1\n"
)
_RETRY: Final = _held(
    """
redis.call('HSET', KEYS[2], 'state', 'pending', 'owner', '', 'next_at', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], 'last_error', ARGV[4]) end
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5])
return 1
"""
)
_PARK: Final = _held(
    "local PREFIX = ARGV[6]\n"
    """
redis.call('HSET', KEYS[2], 'state', 'parked', 'owner', '', 'last_error', ARGV[3],
  'next_at', ARGV[4])
redis.call('LREM', KEYS[3], 1, ARGV[5])
redis.call('ZREM', KEYS[4], ARGV[5])
redis.call('ZADD', KEYS[5], redis.call('HGET', KEYS[2], 'seq'), ARGV[5])
""" + _PROMOTE + "return 1\n"
)
_REQUEUE: Final = (
    _CHECK
    + """
if redis.call('HGET', KEYS[2], 'state') ~= 'parked' then return 0 end
redis.call('HSET', KEYS[2], 'state', 'pending', 'attempts', 0, 'next_at', ARGV[2])
redis.call('ZREM', KEYS[5], ARGV[3])
if redis.call('RPUSH', KEYS[3], ARGV[3]) == 1 then
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
end
return 1
"""
)


def _event(raw: Any) -> InboxEvent:
    items = (
        list(raw.items()) if isinstance(raw, dict) else list(zip(raw[::2], raw[1::2], strict=True))
    )
    fields = {k.decode() if isinstance(k, bytes) else k: v for k, v in items}

    def text(name: str) -> str:
        value = fields.get(name, b"")
        return value.decode() if isinstance(value, bytes) else str(value)

    error = text("last_error")
    return InboxEvent(
        key=text("key"),
        api=text("api"),
        group=text("grp"),
        event=text("event"),
        body=bytes(fields.get("body", b"")),
        headers=json.loads(text("headers") or "{}"),
        seq=int(text("seq") or 0),
        received_at=float(text("received_at") or 0),
        state=text("state"),  # type: ignore[arg-type]
        attempts=int(text("attempts") or 0),
        last_error=error or None,
        owner=text("owner"),
        lease_until=float(text("lease_until") or 0),
    )


class RedisInboxStore:
    """Webhook events in Redis.

    Args:
        source: A ``redis://`` URL (opened with the socket timeouts below) or a blocking
            ``redis.Redis`` (its own timeouts apply).
        prefix: Key prefix; one inbox per prefix.
        timeout: Socket connect and read timeout in seconds (a URL's client only).
        allow_volatile: Accept a server without persistence (a restart empties it).
    """

    backend: Final = "redis"

    def __init__(
        self,
        source: Any,
        *,
        prefix: str = "sdk-inbox",
        timeout: float = 5.0,
        allow_volatile: bool = False,
    ) -> None:
        self._redis: redis.Redis = redis_client(
            source, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        kwargs = self._redis.connection_pool.connection_kwargs
        self.where = (
            describe_target(source)
            if isinstance(source, str)
            else f"redis://{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"
        )
        self._allow_volatile = allow_volatile
        self._prefix = prefix
        self._meta = f"{prefix}:meta"
        self._heads = f"{prefix}:heads"
        self._parked = f"{prefix}:parked"
        self._identity = ""
        register = self._redis.register_script
        self._receive = register(_RECEIVE)
        self._claim = register(_CLAIM)
        self._renew = register(_RENEW)
        self._complete = register(_COMPLETE)
        self._retry = register(_RETRY)
        self._park = register(_PARK)
        self._requeue = register(_REQUEUE)

    def __repr__(self) -> str:
        return f"RedisInboxStore(prefix={self._prefix!r})"

    def _ev(self, key: str) -> str:
        return f"{self._prefix}:ev:{key}"

    def _grp(self, group: str) -> str:
        return f"{self._prefix}:grp:{group}"

    def ensure(self, *, create: bool) -> None:
        """Read the inbox's identity (writing one first only when ``create``).

        Raises:
            InboxMissingError: no inbox under this prefix and ``create`` is false.
        """
        self._check_persistence()
        if create:
            self._redis.set(self._meta, uuid.uuid4().hex, nx=True)
        raw: bytes | None = self._redis.get(self._meta)  # type: ignore[assignment]
        if raw is None:
            msg = (
                f"no webhook inbox under the Redis prefix {self._prefix!r}: create it once with "
                "create=True or `python -m shared_auth.fleet.inbox init URL`. If it existed, "
                "this Redis lost its data (flushed, or restarted without persistence)"
            )
            raise InboxMissingError(msg, backend=self.backend, journal=self.where)
        self._identity = raw.decode()

    def _check_persistence(self) -> None:
        # The journal's rule: a server that keeps nothing across a restart is refused.
        if self._allow_volatile or not is_volatile(self._redis):
            return
        msg = (
            "this Redis keeps no data across a restart (no RDB save, appendonly no): a "
            "restart would empty the inbox and every old event would be accepted again. "
            "Turn on persistence (appendonly yes) or pass allow_volatile=True"
        )
        raise InboxVolatileError(msg, backend=self.backend, journal=self.where)

    def _call(self, script: Any, keys: list[str], args: list[Any], key: str | None) -> Any:
        result = script(keys=[self._meta, *keys], args=[self._identity, *args])
        if result == -1:
            msg = (
                f"the webhook inbox under {self._prefix!r} is gone from Redis (flushed, or "
                "restarted without persistence): its deduplication memory is lost, so no "
                "delivery is accepted. Restore it, or create a new inbox and re-check recent "
                "events by hand"
            )
            raise InboxLostError(msg, backend=self.backend, journal=self.where, key=key)
        return result

    def insert(self, accepted: Accepted, api: str, body: bytes, headers: str, now: float) -> bool:
        """Store a delivery; ``False`` when its key is already stored."""
        keys = [
            self._ev(accepted.key),
            f"{self._prefix}:seq",
            self._grp(accepted.group),
            self._heads,
        ]
        args = [accepted.key, api, accepted.group, accepted.event, body, headers, repr(now)]
        return bool(self._call(self._receive, keys, args, accepted.key))

    def claim(self, owner: str, now: float, lease_until: float) -> InboxEvent | None:
        """Lease the earliest available group head to ``owner``."""
        args = [repr(now), owner, repr(lease_until), self._prefix]
        raw = self._call(self._claim, [self._heads], args, None)
        return None if raw == 0 else _event(raw)

    def renew(self, event: InboxEvent, owner: str, lease_until: float) -> bool:
        """Extend ``owner``'s lease."""
        keys = [self._ev(event.key), self._heads]
        return bool(self._call(self._renew, keys, [owner, repr(lease_until), event.key], event.key))

    def complete(self, event: InboxEvent, owner: str, now: float, expires_at: float) -> bool:
        """Mark the event done; it expires at ``expires_at``."""
        ttl = max(1, round(expires_at - now))
        keys = [self._ev(event.key), self._grp(event.group), self._heads]
        args = [owner, ttl, event.key, self._prefix]
        return bool(self._call(self._complete, keys, args, event.key))

    def retry(self, event: InboxEvent, owner: str, next_at: float, error: str | None) -> bool:
        """Hand the event back, due again at ``next_at``."""
        keys = [self._ev(event.key), self._heads]
        args = [owner, repr(next_at), error or "", event.key]
        return bool(self._call(self._retry, keys, args, event.key))

    def park(self, event: InboxEvent, owner: str, error: str, now: float) -> bool:
        """Set the event aside for a person, with its error."""
        keys = [self._ev(event.key), self._grp(event.group), self._heads, self._parked]
        args = [owner, error, repr(now), event.key, self._prefix]
        return bool(self._call(self._park, keys, args, event.key))

    def requeue(self, key: str, now: float) -> bool:
        """Put a parked event back in line (attempts start again)."""
        current = self.get(key)
        if current is None:
            return False
        keys = [self._ev(key), self._grp(current.group), self._heads, self._parked]
        return bool(self._call(self._requeue, keys, [repr(now), key], key))

    def get(self, key: str) -> InboxEvent | None:
        """The event stored under ``key``, if any."""
        raw = self._redis.hgetall(self._ev(key))
        return _event(raw) if raw else None

    def parked(self) -> list[InboxEvent]:
        """Every parked event, in receive order."""
        keys: list[bytes] = self._redis.zrange(self._parked, 0, -1)  # type: ignore[assignment]
        events = [self.get(k.decode()) for k in keys]
        return [e for e in events if e is not None]

    def counts(self) -> dict[str, int]:
        """How many events are in each state (a full scan: for operators and tests)."""
        counts: dict[str, int] = {}
        for name in self._redis.scan_iter(match=f"{self._prefix}:ev:*", count=500):
            state: Any = self._redis.hget(name, "state")
            if isinstance(state, bytes):
                counts[state.decode()] = counts.get(state.decode(), 0) + 1
        return counts

    def purge(self, now: float) -> int:
        """Nothing to do: done events expire by themselves."""
        del now
        return 0

    def close(self) -> None:
        """Close the connection pool."""
        self._redis.close()
