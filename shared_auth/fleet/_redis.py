"""The fleet journal store on Redis, and the one way this package talks to Redis.

Redis commands go through the maintained ``redis`` library's **blocking** client, called in
a worker thread (``anyio.to_thread``). Its asyncio client does not run under trio ("no
running event loop"), and the thread hop costs about 0.1 ms on loopback, small beside a
purchase; a blocking client is also not tied to one event loop, so one journal or budget
serves the blocking twins' portal too.

Each intent is one JSON string under ``<prefix>:intent:<key>``; the keys of open intents
are kept in the set ``<prefix>:open`` so recovery lists them without a scan. Every
transition is one Lua script, so a claim (``GET`` + ``SET`` + ``SADD``) and a conditional
update (only the claim's owner may settle it) are atomic. Settled records get a time to
live; open ones never expire.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from shared_auth._errors import ConfigurationError
from shared_auth.fleet._intent import Intent, encode_result

if TYPE_CHECKING:
    import redis

__all__ = ["RedisStore", "redis_client"]

REDIS_HINT: Final = "Redis support needs the 'redis' extra: pip install 'dptcay-dancity-sdk[redis]'"

_CLAIM: Final = """
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return false
"""
_UPDATE: Final = """
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local record = cjson.decode(current)
if record.owner ~= ARGV[1] then return 0 end
record.state = ARGV[2]
record.updated_at = tonumber(ARGV[3])
if ARGV[4] ~= '' then record.result = ARGV[4] end
if ARGV[5] ~= '' then record.note = ARGV[5] end
local ttl = tonumber(ARGV[6])
if ttl > 0 then
  redis.call('SET', KEYS[1], cjson.encode(record), 'EX', ttl)
  redis.call('SREM', KEYS[2], ARGV[7])
else
  redis.call('SET', KEYS[1], cjson.encode(record))
  redis.call('SADD', KEYS[2], ARGV[7])
end
return 1
"""
_RELEASE: Final = """
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current).owner ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
"""
_TAKE_OVER: Final = """
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local record = cjson.decode(current)
if record.owner ~= ARGV[1] or record.state == 'settled' then return 0 end
record.owner = ARGV[2]
record.lease_until = tonumber(ARGV[3])
record.updated_at = tonumber(ARGV[4])
redis.call('SET', KEYS[1], cjson.encode(record))
return 1
"""


def redis_client(source: Any) -> redis.Redis:
    """A blocking ``redis.Redis`` from a ``redis://`` / ``rediss://`` / ``unix://`` URL or a client.

    Raises:
        ConfigurationError: not a Redis URL or blocking client (an asyncio client is
            refused: it cannot run under trio).
        ImportError: the ``redis`` extra is not installed.
    """
    try:
        import redis  # noqa: PLC0415 - optional extra
    except ImportError as exc:
        raise ImportError(REDIS_HINT) from exc
    if isinstance(source, redis.Redis):
        return source
    if isinstance(source, str) and source.startswith(("redis://", "rediss://", "unix://")):
        client: redis.Redis = redis.Redis.from_url(source)
        return client
    msg = (
        "expected a redis:// (or rediss://, unix://) URL or a blocking redis.Redis client, "
        f"not {type(source).__name__}; an asyncio client does not run under trio"
    )
    raise ConfigurationError(msg)


class RedisStore:
    """Intents in Redis, shared by every process and host that uses the same server."""

    def __init__(self, source: Any, *, prefix: str = "sdk-journal") -> None:
        self._redis = redis_client(source)
        self._prefix = prefix
        self._open_key = f"{prefix}:open"
        self._claim = self._redis.register_script(_CLAIM)
        self._update = self._redis.register_script(_UPDATE)
        self._release = self._redis.register_script(_RELEASE)
        self._take_over = self._redis.register_script(_TAKE_OVER)

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self._prefix!r})"

    def _key(self, key: str) -> str:
        return f"{self._prefix}:intent:{key}"

    def claim(self, intent: Intent) -> Intent | None:
        """Store ``intent``; return ``None`` if it is now ours, else the record in the way."""
        current = self._claim(
            keys=[self._key(intent.key), self._open_key], args=[intent.to_json(), intent.key]
        )
        return None if current is None else Intent.from_json(current)

    def update(
        self,
        key: str,
        owner: str,
        *,
        state: str,
        now: float,
        result: Any = None,
        note: str | None = None,
        expires_at: float | None = None,
    ) -> bool:
        """Move ``key`` to ``state`` if ``owner`` still holds it; a settled record expires."""
        ttl = 0 if expires_at is None else max(1, round(expires_at - now))
        text = "" if result is None else encode_result(result)
        done = self._update(
            keys=[self._key(key), self._open_key],
            args=[owner, state, repr(now), text, note or "", ttl, key],
        )
        return bool(done)

    def release(self, key: str, owner: str) -> bool:
        """Forget ``key`` if ``owner`` holds it (nothing was charged)."""
        return bool(self._release(keys=[self._key(key), self._open_key], args=[owner, key]))

    def take_over(
        self, key: str, old_owner: str, new_owner: str, lease_until: float, now: float
    ) -> bool:
        """Hand an open claim from ``old_owner`` to ``new_owner`` (compare and set)."""
        done = self._take_over(
            keys=[self._key(key)], args=[old_owner, new_owner, repr(lease_until), repr(now)]
        )
        return bool(done)

    def get(self, key: str) -> Intent | None:
        """The record of ``key``, if any."""
        raw: bytes | None = self._redis.get(self._key(key))  # type: ignore[assignment]
        return None if raw is None else Intent.from_json(raw)

    def open_intents(self) -> list[Intent]:
        """Every intent not settled, oldest first."""
        keys = sorted(k.decode() for k in self._members())
        if not keys:
            return []
        rows: list[bytes | None] = self._redis.mget(  # type: ignore[assignment]
            [self._key(k) for k in keys]
        )
        intents = [Intent.from_json(raw) for raw in rows if raw is not None]
        return sorted((i for i in intents if i.open), key=lambda i: i.created_at)

    def _members(self) -> set[bytes]:
        members: set[bytes] = self._redis.smembers(self._open_key)  # type: ignore[assignment]
        return members

    def purge(self, now: float) -> int:
        """Nothing to do: settled records expire by themselves."""
        del now
        return 0

    def close(self) -> None:
        """Close the connection pool."""
        self._redis.close()
