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

The journal's identity is the key ``<prefix>:identity``, written when the journal is
created; every script first compares it with the identity the process opened, in the same
round trip, so a flushed Redis (or one restarted without persistence) refuses the claim. A
server without persistence is refused at open unless ``allow_volatile=True``. Every command
is bounded by ``socket_timeout`` and ``socket_connect_timeout`` (5 s by default).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Final

import attrs

from shared_auth._errors import (
    ConfigurationError,
    JournalLostError,
    JournalMissingError,
    JournalVolatileError,
    describe_target,
)
from shared_auth._version import install_hint
from shared_auth.fleet._identity import (
    UNKNOWN,
    Identity,
    lost_message,
    migrated_key,
    missing_message,
)
from shared_auth.fleet._intent import Change, Intent, encode_result

if TYPE_CHECKING:
    import redis

__all__ = ["DEFAULT_SOCKET_TIMEOUT", "RedisStore", "is_volatile", "redis_client", "redis_hint"]


def redis_hint() -> str:
    """What to install for Redis support."""
    return f"Redis support needs the 'redis' extra: {install_hint('redis')}"


#: Seconds a Redis command (and a connection attempt) may take before it fails.
DEFAULT_SOCKET_TIMEOUT: Final = 5.0
#: Every script starts by checking the journal's identity (KEYS[1], ARGV[1]).
_CHECK: Final = """
local identity = redis.call('GET', KEYS[1])
if identity ~= ARGV[1] then return {'identity', identity or ''} end
"""

_CLAIM: Final = (
    _CHECK
    + """
local current = redis.call('GET', KEYS[2])
if current then return current end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
return false
"""
)
# Read the record of KEYS[2] into ``record`` (0 when there is none).
_RECORD: Final = """
local current = redis.call('GET', KEYS[2])
if not current then return 0 end
local record = cjson.decode(current)
"""
_UPDATE: Final = (
    _CHECK
    + _RECORD
    + """
if record.owner ~= ARGV[2] then return 0 end
record.state = ARGV[3]
record.updated_at = tonumber(ARGV[4])
if ARGV[5] ~= '' then record.result = ARGV[5] end
if ARGV[6] ~= '' then record.note = ARGV[6] end
local ttl = tonumber(ARGV[7])
if ttl > 0 then
  redis.call('SET', KEYS[2], cjson.encode(record), 'EX', ttl)
  redis.call('SREM', KEYS[3], ARGV[8])
else
  redis.call('SET', KEYS[2], cjson.encode(record))
  redis.call('SADD', KEYS[3], ARGV[8])
end
return 1
"""
)
_RELEASE: Final = (
    _CHECK
    + """
local current = redis.call('GET', KEYS[2])
if not current or cjson.decode(current).owner ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[3])
return 1
"""
)
_TAKE_OVER: Final = (
    _CHECK
    + _RECORD
    + """
if record.owner ~= ARGV[2] or record.state == 'settled' then return 0 end
record.owner = ARGV[3]
record.lease_until = tonumber(ARGV[4])
record.updated_at = tonumber(ARGV[5])
redis.call('SET', KEYS[2], cjson.encode(record))
return 1
"""
)


def redis_client(
    source: Any,
    *,
    socket_timeout: float | None = DEFAULT_SOCKET_TIMEOUT,
    socket_connect_timeout: float | None = DEFAULT_SOCKET_TIMEOUT,
) -> redis.Redis:
    """A blocking ``redis.Redis`` from a ``redis://`` / ``rediss://`` / ``unix://`` URL or a client.

    A URL's client gets ``socket_timeout`` and ``socket_connect_timeout`` (the URL's own
    ``?socket_timeout=`` wins); a client passed in keeps its own settings.

    Raises:
        ConfigurationError: not a Redis URL or blocking client (an asyncio client is
            refused: it cannot run under trio).
        ImportError: the ``redis`` extra is not installed.
    """
    try:
        import redis  # noqa: PLC0415 - optional extra
    except ImportError as exc:
        raise ImportError(redis_hint()) from exc
    if isinstance(source, redis.Redis):
        return source
    if isinstance(source, str) and source.startswith(("redis://", "rediss://", "unix://")):
        client: redis.Redis = redis.Redis.from_url(
            source,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_connect_timeout,
        )
        return client
    msg = (
        "expected a redis:// (or rediss://, unix://) URL or a blocking redis.Redis client, "
        f"not {type(source).__name__}; an asyncio client does not run under trio"
    )
    raise ConfigurationError(msg)


def _describe(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    host, port = kwargs.get("host", "localhost"), kwargs.get("port", 6379)
    return f"redis://{host}:{port}/{kwargs.get('db', 0)}"


def is_volatile(client: redis.Redis) -> bool:
    """Whether ``client``'s server keeps nothing across a restart (no RDB save, no AOF).

    ``False`` when CONFIG is disabled (a managed Redis): the identity checks still apply.
    """
    import redis as redis_lib  # noqa: PLC0415 - the optional extra, present by now

    try:
        save_config: dict[str, Any] = client.config_get("save")  # type: ignore[assignment]
        aof_config: dict[str, Any] = client.config_get("appendonly")  # type: ignore[assignment]
    except redis_lib.ResponseError:
        return False
    return not save_config.get("save") and aof_config.get("appendonly") in {"no", b"no"}


class RedisStore:
    """Intents in Redis, shared by every process and host that uses the same server.

    Args:
        source: A ``redis://`` URL or a blocking ``redis.Redis``.
        prefix: The journal's key prefix.
        create: Create the journal on first use if it does not exist (development and
            tests; in production create it once with ``python -m shared_auth.fleet init``).
        allow_volatile: Accept a server without persistence (a restart empties it).
        socket_timeout: Seconds a command may take (a URL's client only).
        socket_connect_timeout: Seconds a connection attempt may take (a URL's client only).
    """

    backend: Final = "redis"

    def __init__(
        self,
        source: Any,
        *,
        prefix: str = "sdk-journal",
        create: bool = False,
        allow_volatile: bool = False,
        socket_timeout: float | None = DEFAULT_SOCKET_TIMEOUT,
        socket_connect_timeout: float | None = DEFAULT_SOCKET_TIMEOUT,
    ) -> None:
        self._redis = redis_client(
            source, socket_timeout=socket_timeout, socket_connect_timeout=socket_connect_timeout
        )
        self.where = describe_target(source) if isinstance(source, str) else _describe(self._redis)
        self._prefix = prefix
        self._create = create
        self._allow_volatile = allow_volatile
        self._open_key = f"{prefix}:open"
        self._identity_key = f"{prefix}:identity"
        self._claim = self._redis.register_script(_CLAIM)
        self._update = self._redis.register_script(_UPDATE)
        self._release = self._redis.register_script(_RELEASE)
        self._take_over = self._redis.register_script(_TAKE_OVER)
        self._lock = threading.Lock()
        self._raw = ""
        self.identity: Identity | None = None

    def __repr__(self) -> str:
        return f"RedisStore({self.where!r}, prefix={self._prefix!r})"

    def _key(self, key: str) -> str:
        return f"{self._prefix}:intent:{key}"

    # --- opening, creating, identity ---------------------------------------------------------

    def _check_persistence(self) -> None:
        if self._allow_volatile or not is_volatile(self._redis):
            return
        msg = (
            "this Redis keeps no data across a restart (no RDB save, appendonly no): a "
            "restart would empty the journal. Turn on persistence (appendonly yes) or "
            "pass allow_volatile=True"
        )
        raise JournalVolatileError(msg, backend=self.backend, journal=self.where)

    def _has_records(self) -> bool:
        if self._redis.exists(self._open_key):
            return True
        keys = self._redis.scan_iter(match=f"{self._prefix}:intent:*", count=1000)
        return next(iter(keys), None) is not None

    def _missing(self, *, legacy: bool = False) -> JournalMissingError:
        return JournalMissingError(
            missing_message(self.where, legacy=legacy), backend=self.backend, journal=self.where
        )

    def _migrate(self) -> None:
        """Rewrite the per-route keys an earlier version wrote (a journal it adopts)."""
        head = len(self._key(""))
        for name in list(self._redis.scan_iter(match=f"{self._prefix}:intent:*", count=500)):
            raw: bytes | None = self._redis.get(name)  # type: ignore[assignment]
            if raw is None:
                continue
            old = name.decode()[head:]
            intent = Intent.from_json(raw)
            new = migrated_key(old, intent.api, intent.reference)
            if new == old:
                continue
            moved = attrs.evolve(intent, key=new).to_json()
            ttl: int = self._redis.ttl(name)  # type: ignore[assignment]
            if self._redis.set(self._key(new), moved, nx=True, ex=ttl if ttl > 0 else None):
                self._redis.delete(name)
                self._redis.srem(self._open_key, old)
                if intent.open:
                    self._redis.sadd(self._open_key, new)

    def _adopt(self, raw: str) -> Identity:
        self._raw, self.identity = raw, Identity.from_json(raw)
        return self.identity

    def _mismatch(self, found: str | bytes) -> None:
        """The identity in Redis is not the one this process knew: adopt it or refuse."""
        raw = found.decode() if isinstance(found, bytes) else found
        known = self.identity
        if known is None:
            raise self._missing()
        if raw:
            current = Identity.from_json(raw)
            if current.adoptable_by(known) and raw != self._raw:
                self._adopt(raw)
                return
            what = f"its identity is now {current.id}, which does not acknowledge the loss"
        else:
            what = "its identity key is gone (flushed, or restarted without persistence)"
        raise JournalLostError(
            lost_message(self.where, known, what), backend=self.backend, journal=self.where
        )

    def _ensure(self) -> str:
        """The identity this process checks against (opened on first use)."""
        if self.identity is None:
            with self._lock:
                if self.identity is None:
                    self._check_persistence()
                    raw: bytes | None = self._redis.get(self._identity_key)  # type: ignore[assignment]
                    if raw is None:
                        if not self._create:
                            raise self._missing(legacy=self._has_records())
                        self._initialise(Identity.new())
                    else:
                        self._adopt(raw.decode())
        return self._raw

    def _initialise(self, identity: Identity) -> bool:
        legacy = self._has_records()
        created = bool(self._redis.set(self._identity_key, identity.to_json(), nx=True))
        if created and legacy:
            self._migrate()
        raw: bytes = self._redis.get(self._identity_key)  # type: ignore[assignment]
        self._adopt(raw.decode())
        return created

    def open(self) -> Identity:
        """Open (and check) the journal; its identity.

        Raises:
            JournalMissingError: it was never created.
            JournalLostError: it is not the journal this process knew.
            JournalVolatileError: the server has no persistence (and it was not allowed).
        """
        known = self._ensure()
        raw: bytes | None = self._redis.get(self._identity_key)  # type: ignore[assignment]
        if raw is None or raw.decode() != known:
            self._mismatch(b"" if raw is None else raw)
        assert self.identity is not None  # noqa: S101
        return self.identity

    def create(self) -> tuple[Identity, bool]:
        """Create the journal if it does not exist; its identity and whether it was created."""
        self._check_persistence()
        with self._lock:
            created = self._initialise(Identity.new())
        assert self.identity is not None  # noqa: S101
        return self.identity, created

    def acknowledge(self) -> Identity:
        """Record that the journal was lost: a fresh identity that supersedes the old one."""
        self._check_persistence()
        with self._lock:
            raw: bytes | None = self._redis.get(self._identity_key)  # type: ignore[assignment]
            if raw is not None:
                supersedes = Identity.from_json(raw).id
            elif self.identity is not None:
                supersedes = self.identity.id
            else:
                supersedes = UNKNOWN
            fresh = Identity.new(supersedes)
            self._redis.set(self._identity_key, fresh.to_json())
            return self._adopt(fresh.to_json())

    def _script(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        """Run a transition; on an identity mismatch adopt (and run it again) or refuse."""
        while True:
            known = self._ensure()
            result = script(keys=[self._identity_key, *keys], args=[known, *args])
            if isinstance(result, list) and result and result[0] == b"identity":
                self._mismatch(result[1])
                continue
            return result

    # --- the records -----------------------------------------------------------------------

    def claim(self, intent: Intent) -> Intent | None:
        """Store ``intent``; return ``None`` if it is now ours, else the record in the way.

        Raises:
            JournalLostError: the journal was flushed or replaced (nothing is claimed).
        """
        current = self._script(
            self._claim, [self._key(intent.key), self._open_key], [intent.to_json(), intent.key]
        )
        return None if current is None else Intent.from_json(current)

    def update(self, key: str, owner: str, change: Change) -> bool:
        """Apply ``change`` to ``key`` if ``owner`` still holds it; a settled record expires."""
        expires_at, now = change.expires_at, change.now
        ttl = 0 if expires_at is None else max(1, round(expires_at - now))
        text = "" if change.result is None else encode_result(change.result)
        done = self._script(
            self._update,
            [self._key(key), self._open_key],
            [owner, change.state, repr(now), text, change.note or "", ttl, key],
        )
        return bool(done)

    def release(self, key: str, owner: str) -> bool:
        """Forget ``key`` if ``owner`` holds it (nothing was charged)."""
        return bool(self._script(self._release, [self._key(key), self._open_key], [owner, key]))

    def take_over(
        self, key: str, old_owner: str, new_owner: str, lease_until: float, now: float
    ) -> bool:
        """Hand an open claim from ``old_owner`` to ``new_owner`` (compare and set)."""
        done = self._script(
            self._take_over, [self._key(key)], [old_owner, new_owner, repr(lease_until), repr(now)]
        )
        return bool(done)

    def get(self, key: str) -> Intent | None:
        """The record of ``key``, if any."""
        self.open()
        raw: bytes | None = self._redis.get(self._key(key))  # type: ignore[assignment]
        return None if raw is None else Intent.from_json(raw)

    def open_intents(self) -> list[Intent]:
        """Every intent not settled, oldest first."""
        self.open()
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
