"""The purchase journal: at most one send per intent, across processes, hosts and crashes.

`Journal` wraps a store (`SQLiteStore` or `RedisStore`, both blocking and short) and runs
each of its calls in a worker thread, so asyncio and trio never block on a file or a
socket. Every store call is bounded by the journal's ``timeout`` and by the calling
request's deadline: a frozen backend is abandoned (its thread finishes on its own) and the
caller gets `JournalUnavailableError`. A backend's own exceptions never reach the caller.
`Journal.run_once` is what a client does around one money-moving request; `Journal.recover`
settles what dead workers left open.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict, TypeVar, Unpack, cast

from shared_auth._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    ConfigurationError,
    JournalError,
    JournalUnavailableError,
    OutcomeUnknownError,
    RateBudgetUnavailableError,
    SDKError,
)
from shared_auth.fleet._intent import (
    Change,
    Intent,
    IntentConflictError,
    IntentInProgressError,
)
from shared_auth.fleet._recovery import Reconciler, RecoveryReport, needs_review, recover_intents
from shared_auth.fleet._store import Store

if TYPE_CHECKING:
    from redis import Redis

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_SETTLED_TTL",
    "DEFAULT_TIMEOUT",
    "Journal",
    "JournalOptions",
    "OpenJournalOptions",
    "Reconciler",
    "RecoveryReport",
    "open_journal",
]

_T = TypeVar("_T")
#: Longer than a call may take with the default retry policy (a 120 s deadline): a claim
#: older than this belongs to a worker that died.
DEFAULT_LEASE: Final = 180.0
#: How long a settled intent is kept (seconds, a week): a retry within it gets the recorded
#: answer instead of buying again.
DEFAULT_SETTLED_TTL: Final = 7 * 24 * 3600.0
#: Seconds one journal call may take when the request has no (shorter) deadline.
DEFAULT_TIMEOUT: Final = 5.0
#: Seconds granted to record an answer that arrived when the deadline has (nearly) passed.
_RECORD_GRACE: Final = 1.0

_LOGGER = logging.getLogger("shared_auth.fleet")


class JournalOptions(TypedDict, total=False):
    """What every journal takes besides its backend (see `Journal`)."""

    lease: float
    settled_ttl: float
    timeout: float
    clock: Callable[[], float]


class _SQLiteOptions(JournalOptions, total=False):
    synchronous: Literal["NORMAL", "FULL"]
    busy_timeout: float


class _RedisOptions(JournalOptions, total=False):
    prefix: str
    socket_timeout: float | None
    socket_connect_timeout: float | None


class OpenJournalOptions(_SQLiteOptions, _RedisOptions, total=False):
    """`open_journal`'s: every journal's, and its backend's (another backend's is a TypeError).

    ``synchronous`` and ``busy_timeout`` are `Journal.sqlite`'s; ``prefix``,
    ``socket_timeout`` and ``socket_connect_timeout`` are `Journal.redis`'s.
    """


class Journal:
    """Where the intents of money-moving requests are claimed before they are sent.

    Use `open_journal` (``"sqlite:///path/to/journal.db"``, a plain path, or
    ``"redis://host:6379/0"``), or `Journal.sqlite` / `Journal.redis`. A journal is created
    once, explicitly (``python -m shared_auth.fleet init <target>``, `Journal.create`, or
    ``create=True`` in development and tests); opening one that does not exist raises
    `JournalMissingError` at its first use or at `Journal.check`.

    Args:
        store: The backend.
        lease: Seconds a worker may hold a claim; keep it longer than a call can take.
        settled_ttl: Seconds a settled record is kept (a retry within it gets the answer).
        timeout: Seconds one backend call may take (also bounded by the request's deadline).
    """

    def __init__(
        self,
        store: Store,
        *,
        lease: float = DEFAULT_LEASE,
        settled_ttl: float = DEFAULT_SETTLED_TTL,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if lease <= 0 or settled_ttl <= 0 or timeout <= 0:
            msg = "a journal needs lease > 0, settled_ttl > 0 and timeout > 0"
            raise ConfigurationError(msg)
        self.store = store
        self.lease = lease
        self.settled_ttl = settled_ttl
        self.timeout = timeout
        self._clock = clock

    @classmethod
    def sqlite(
        cls,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        create: bool = False,
        busy_timeout: float = 5.0,
        **options: Unpack[JournalOptions],
    ) -> Journal:
        """A journal in a SQLite file (the embedded default; one host).

        ``synchronous="NORMAL"`` keeps every committed claim through a process crash;
        ``"FULL"`` also through a power loss, at the price of an fsync per write.
        ``create=True`` creates the file on first use if it is missing (development and
        tests). ``busy_timeout`` (at most 5 s) bounds the wait for another writer's lock.

        Raises:
            ConfigurationError: the file's folder is missing or not writable.
        """
        from shared_auth.fleet._sqlite import SQLiteStore  # noqa: PLC0415

        store = SQLiteStore(path, synchronous=synchronous, create=create, busy_timeout=busy_timeout)
        return cls(store, **options)

    @classmethod
    def redis(
        cls,
        source: str | Redis,
        *,
        prefix: str = "sdk-journal",
        create: bool = False,
        allow_volatile: bool = False,
        socket_timeout: float | None = 5.0,
        socket_connect_timeout: float | None = 5.0,
        **options: Unpack[JournalOptions],
    ) -> Journal:
        """A journal in Redis (a URL or a blocking ``redis.Redis``), shared by a fleet.

        A server without persistence is refused (`JournalVolatileError`) unless
        ``allow_volatile=True``. ``socket_timeout`` and ``socket_connect_timeout`` bound each
        command of a URL's client (a client passed in keeps its own).

        Raises:
            ConfigurationError: not a Redis URL or blocking client.
        """
        from shared_auth.fleet._redis import RedisStore  # noqa: PLC0415

        store = RedisStore(
            source,
            prefix=prefix,
            create=create,
            allow_volatile=allow_volatile,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_connect_timeout,
        )
        return cls(store, **options)

    @classmethod
    async def create(
        cls,
        target: str | os.PathLike[str] | Journal,
        *,
        allow_volatile: bool = False,
        **options: Unpack[OpenJournalOptions],
    ) -> Journal:
        """Create the journal at ``target`` (if it does not exist yet) and open it.

        What ``python -m shared_auth.fleet init`` does. A journal that exists is opened
        as it is; one written by an earlier version is adopted (its keys are migrated).

        Raises:
            JournalError: the backend failed (or a Redis without persistence).
        """
        journal = open_journal(target, allow_volatile=allow_volatile, **options)
        await journal._run(journal.store.create)  # noqa: SLF001
        return journal

    @property
    def backend(self) -> str:
        """``"sqlite"``, ``"redis"``, or a custom store's class name."""
        return str(getattr(self.store, "backend", type(self.store).__name__))

    @property
    def where(self) -> str:
        """The journal's path or URL (credentials masked)."""
        return str(getattr(self.store, "where", repr(self.store)))

    def __repr__(self) -> str:
        return f"Journal({self.store!r}, lease={self.lease})"

    async def _run(
        self,
        fn: Callable[..., _T],
        *args: Any,
        until: float | None = None,
        reference: str | None = None,
        sent: bool = False,
        **kwargs: Any,
    ) -> _T:
        """Run a store call in a thread, bounded by ``timeout`` and ``until`` (anyio time).

        ``reference``: the purchase it is for; unless ``sent``, an error says nothing was.

        Raises:
            JournalError: typed; the backend's exception (if any) is ``__cause__``.
        """
        import anyio  # noqa: PLC0415 - loaded with the first journal call
        import anyio.to_thread  # noqa: PLC0415

        limit = self.timeout
        if until is not None:
            limit = max(0.0, min(limit, until - anyio.current_time()))
        call = functools.partial(fn, *args, **kwargs)
        try:
            with anyio.move_on_after(limit) as scope:
                return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
        except JournalError as exc:
            exc._before_send(None if sent else reference)  # noqa: SLF001 - its own family
            exc.reference = exc.reference or reference
            raise
        except SDKError:
            raise
        except Exception as exc:
            msg = f"the journal failed: {type(exc).__name__}: {exc}"
            error = JournalUnavailableError(msg, backend=self.backend, journal=self.where)
            error._before_send(None if sent else reference)  # noqa: SLF001
            error.reference = reference
            raise error from exc
        del scope
        bound = "the call's deadline" if limit < self.timeout else "the journal's timeout"
        msg = f"the journal did not answer within {limit:.3g} s ({bound})"
        error = JournalUnavailableError(msg, backend=self.backend, journal=self.where)
        error._before_send(None if sent else reference)  # noqa: SLF001
        error.reference = reference
        raise error

    # --- the journal itself ---------------------------------------------------------------

    async def check(self) -> str:
        """Open the journal and check it is the one this process knew; its identity's id.

        Raises:
            JournalMissingError: it was never created (or vanished before it was opened).
            JournalLostError: it was deleted, replaced or flushed since this process opened it.
            JournalUnavailableError: the backend cannot be reached.
            JournalVolatileError: a Redis without persistence (and no ``allow_volatile``).
        """
        identity = await self._run(self.store.open)
        return identity.id

    async def acknowledge_loss(self) -> str:
        """Acknowledge that the journal was lost; the new identity's id.

        Reconcile first: every purchase the lost journal knew must be checked against
        the API's transaction list, because the new journal knows none of them. The store
        gets a fresh identity that records the one it supersedes (it is created if it is
        gone); running processes adopt it and take purchases again.
        """
        identity = await self._run(self.store.acknowledge)
        _LOGGER.warning(
            "journal=%s: loss acknowledged; new identity %s supersedes %s",
            self.where,
            identity.id,
            identity.supersedes,
        )
        return identity.id

    # --- the records ----------------------------------------------------------------------

    async def get(self, key: str) -> Intent | None:
        """The record of ``key``, if any."""
        return await self._run(self.store.get, key)

    async def open_intents(self) -> list[Intent]:
        """Every intent not settled (claimed, sent or unknown), oldest first."""
        return await self._run(self.store.open_intents)

    async def aclose(self) -> None:
        """Close the backend's connection."""
        await self._run(self.store.close)

    # --- one money-moving request -----------------------------------------------------------

    async def run_once(
        self,
        *,
        key: str,
        api: str,
        reference: str,
        fingerprint: str,
        owner: str,
        send: Callable[[], Awaitable[object]],
        reconcile: Reconciler | None,
        deadline: float | None = None,
    ) -> object:
        """Send at most once per ``key``; return the API's answer, fresh or recorded.

        ``send()`` performs the request and returns the decoded answer. ``reconcile`` asks
        the API for its record of ``reference`` (``None``: the API cannot be asked).
        ``deadline`` (seconds) bounds every journal call before the send; recording the
        answer after it gets at least a second more.

        A journal failure before the send raises a `JournalError` (nothing was sent); one
        after it (recording the outcome) is logged as one WARNING and the caller gets the
        answer, or the send's own error: the intent stays open for `recover`.

        Raises:
            JournalError: the journal failed, was lost, or does not exist; nothing was sent.
            IntentConflictError: ``key`` was claimed with different parameters.
            IntentInProgressError: a live worker holds the claim.
            IntentNeedsReviewError: the intent may have taken effect and cannot be checked.
            OutcomeUnknownError: from ``send()``: the intent is recorded as unknown.
        """
        import anyio  # noqa: PLC0415

        until = None if deadline is None else anyio.current_time() + deadline
        now = self._clock()
        mine = Intent(
            key=key,
            api=api,
            reference=reference,
            fingerprint=fingerprint,
            state="claimed",
            owner=owner,
            lease_until=now + self.lease,
            created_at=now,
            updated_at=now,
        )
        existing = await self._run(self.store.claim, mine, until=until, reference=reference)
        if existing is not None:
            if existing.fingerprint != fingerprint:
                msg = (
                    f"the reference {reference!r} was already used for another purchase or with "
                    "different parameters; nothing was sent (use a new reference for a new "
                    "purchase)"
                )
                raise IntentConflictError(msg, field="reference")
            answer = await self._resolve(existing, owner, reconcile, until)
            if answer is not _SEND:
                return answer
        return await self._send(key, reference, owner, send, until)

    async def _send(
        self,
        key: str,
        reference: str,
        owner: str,
        send: Callable[[], Awaitable[object]],
        until: float | None,
    ) -> object:
        marked = await self._run(
            self.store.update,
            key,
            owner,
            Change(state="sent", now=self._clock()),
            until=until,
            reference=reference,
        )
        if not marked:
            # Recovery (or another worker) took the claim over while we were not looking.
            msg = f"the claim on {key!r} was taken over before sending; nothing was sent"
            raise IntentInProgressError(msg, reference=reference, retry_after=1.0)
        try:
            answer = await send()
        except RateBudgetUnavailableError:
            # The shared rate budget refused before sending: nothing can have been charged.
            await self._record(reference, "a refusal", until, self.store.release, key, owner)
            raise
        except APIError as exc:
            if _never_charged(exc):
                await self._record(reference, "a refusal", until, self.store.release, key, owner)
            else:
                change = Change(state="unknown", now=self._clock(), note=str(exc)[:500])
                await self._record(
                    reference, "an unknown outcome", until, self.store.update, key, owner, change
                )
            raise
        await self._record(reference, "the answer", until, self.settle_sync, key, owner, answer)
        return answer

    async def _record(
        self,
        reference: str,
        what: str,
        until: float | None,
        fn: Callable[..., Any],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Record an outcome after the send: a journal failure is logged, never raised."""
        import anyio  # noqa: PLC0415

        if until is not None:
            until = max(until, anyio.current_time() + _RECORD_GRACE)
        try:
            await self._shielded(fn, *args, until=until, reference=reference, sent=True, **kwargs)
        except JournalError as exc:
            _LOGGER.warning(
                "journal=%s (%s) could not record %s for %r after it was sent (%s); the intent "
                "stays open as 'sent': once the journal is back run `python -m "
                "shared_auth.fleet recover %s` (if the journal was lost, reconcile from the "
                "API's transaction list)",
                self.where,
                self.backend,
                what,
                reference,
                exc,
                self.where,
            )

    def settle_sync(self, key: str, owner: str, answer: object) -> bool:
        """Record ``answer`` for ``key`` (blocking; the owner only)."""
        now = self._clock()
        change = Change(state="settled", now=now, result=answer, expires_at=now + self.settled_ttl)
        return self.store.update(key, owner, change)

    async def _shielded(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        # The answer is in hand: record it even if the caller is being cancelled.
        import anyio  # noqa: PLC0415

        with anyio.CancelScope(shield=True):
            result = await self._run(fn, *args, **kwargs)
        return result  # noqa: RET504 - mypy cannot see that the shielded block returns

    async def _resolve(
        self, intent: Intent, owner: str, reconcile: Reconciler | None, until: float | None
    ) -> object:
        """The answer for an intent someone claimed before, or ``_SEND`` once it is ours."""
        if intent.state == "settled":
            return intent.result
        now = self._clock()
        dead = intent.lease_expired(now)
        if not dead and intent.state != "unknown":
            raise IntentInProgressError(
                f"another worker ({intent.owner}) is sending {intent.reference!r} right now; "
                "nothing was sent: retry after its lease ends",
                reference=intent.reference,
                retry_after=intent.lease_until - now,
            )
        ref = intent.reference
        # Fence the holder out before asking the API, so two of us never both send.
        if not await self._run(
            self.store.take_over,
            intent.key,
            intent.owner,
            owner,
            now + self.lease,
            now,
            until=until,
            reference=ref,
        ):
            raise IntentInProgressError(
                f"another worker took over {intent.reference!r} just now; nothing was sent",
                reference=intent.reference,
                retry_after=1.0,
            )
        if intent.state == "claimed":
            return _SEND  # its holder died before sending anything
        if reconcile is None:
            note = "may have taken effect; the API cannot be searched by this reference"
            change = Change(state="unknown", now=now, note=note)
            await self._run(
                self.store.update, intent.key, owner, change, until=until, reference=ref
            )
            raise needs_review(intent)
        found = await reconcile(intent.reference)
        if found is not None:
            await self._record(
                ref, "the reconciled answer", until, self.settle_sync, intent.key, owner, found
            )
            return found
        if not dead:
            # Sent, outcome lost, not on record yet: it may still arrive. Hand it back.
            change = Change(state="unknown", now=now)
            await self._run(
                self.store.update, intent.key, owner, change, until=until, reference=ref
            )
            raise IntentInProgressError(
                f"{intent.reference!r} was sent and is not on record yet; nothing was sent "
                "again: retry later (or run journal.recover())",
                reference=intent.reference,
                retry_after=intent.lease_until - now,
            )
        return _SEND  # the API never received it: sending now is the first send

    # --- recovery -------------------------------------------------------------------------

    async def recover(
        self,
        reconcilers: Mapping[str, Reconciler] | None = None,
        *,
        grace: float = 0.0,
        only_api: str | None = None,
    ) -> RecoveryReport:
        """Settle or release every open intent whose holder's lease ran out.

        Args:
            reconcilers: Per API name, how to ask the API for its record of a reference
                (the SDK clients' ``journal_reconciler()``). An API without one has its
                sent intents reported for review instead of guessed at.
            grace: Extra seconds past a lease before an intent counts as abandoned.
            only_api: Recover this API's intents only (others are left as they are).
        """
        return await recover_intents(self, reconcilers or {}, grace=grace, only_api=only_api)


_SEND: Final = object()


def _never_charged(error: APIError) -> bool:
    """Whether ``error`` proves the request was refused or never arrived.

    A 4xx (including 429) is a refusal; a connection error on a state-changing request is
    raised only when nothing was sent. Anything else (5xx, a lost answer, an unreadable 2xx)
    may have taken effect.
    """
    if isinstance(error, OutcomeUnknownError):
        return False
    if isinstance(error, APIStatusError):
        return error.status_code < 500  # noqa: PLR2004
    return isinstance(error, APIConnectionError)


def open_journal(
    target: str | os.PathLike[str] | Journal,
    *,
    create: bool = False,
    allow_volatile: bool = False,
    **options: Unpack[OpenJournalOptions],
) -> Journal:
    """A journal from ``"sqlite:///path"``, a file path, or ``"redis://…"`` (or a journal).

    Nothing is read or written here: what needs no I/O is checked now (the SQLite file's
    folder exists and is writable, the URL's scheme), the rest at the first use or at
    `Journal.check`.

    Args:
        target: Where the journal is.
        create: Create it on first use if it does not exist (development and tests; in
            production run ``python -m shared_auth.fleet init <target>`` once).
        allow_volatile: Accept a Redis without persistence (ignored for SQLite).
        **options: For `Journal.sqlite` / `Journal.redis` and `Journal`.

    Raises:
        ConfigurationError: an unknown scheme, or a folder that is missing or not writable.
    """
    if isinstance(target, Journal):
        return target
    text = os.fspath(target)
    if text.startswith(("redis://", "rediss://", "unix://")):
        redis_options = cast("_RedisOptions", options)  # a SQLite keyword: TypeError
        return Journal.redis(text, create=create, allow_volatile=allow_volatile, **redis_options)
    if text.startswith("sqlite://"):
        path = text.removeprefix("sqlite://")
        path = path[1:] if path.startswith("//") else path  # sqlite:////abs → /abs
        return Journal.sqlite(path, create=create, **cast("_SQLiteOptions", options))
    if "://" in text:
        msg = f"a journal is a sqlite:/// path, a file path or a redis:// URL, not {text!r}"
        raise ConfigurationError(msg)
    return Journal.sqlite(text, create=create, **cast("_SQLiteOptions", options))
