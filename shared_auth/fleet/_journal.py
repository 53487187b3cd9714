"""The purchase journal: at most one send per intent, across processes, hosts and crashes.

:class:`Journal` wraps a store (:class:`SQLiteStore` or :class:`RedisStore`, both blocking
and short) and runs each of its calls in a worker thread, so asyncio and trio never block
on a file or a socket. :meth:`Journal.run_once` is what a client does around one
money-moving request; :meth:`Journal.recover` settles what dead workers left open.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Literal, Protocol, TypeVar

import attrs

from shared_auth._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    ConfigurationError,
    OutcomeUnknownError,
    RateBudgetUnavailableError,
)
from shared_auth.fleet._intent import (
    Intent,
    IntentConflictError,
    IntentInProgressError,
    IntentNeedsReviewError,
    new_owner,
)

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_SETTLED_TTL",
    "Journal",
    "Reconciler",
    "RecoveryReport",
    "open_journal",
]

_T = TypeVar("_T")
#: Longer than a call may take with the default retry policy (a 120 s deadline): a claim
#: older than this belongs to a worker that died.
DEFAULT_LEASE: Final = 180.0
DEFAULT_SETTLED_TTL: Final = 7 * 24 * 3600.0

#: ``async (reference) -> the API's record of it (decoded JSON), or None if it has none``.
Reconciler = Callable[[str], Awaitable[Any]]


class Store(Protocol):
    """What a journal backend does; every method blocks briefly and is thread-safe."""

    def claim(self, intent: Intent) -> Intent | None: ...
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
    ) -> bool: ...
    def release(self, key: str, owner: str) -> bool: ...
    def take_over(
        self, key: str, old_owner: str, new_owner: str, lease_until: float, now: float
    ) -> bool: ...
    def get(self, key: str) -> Intent | None: ...
    def open_intents(self) -> list[Intent]: ...
    def purge(self, now: float) -> int: ...
    def close(self) -> None: ...


@attrs.frozen(kw_only=True)
class RecoveryReport:
    """What :meth:`Journal.recover` found and did.

    Attributes:
        settled: Intents the API had a record of: settled with it, never sent again.
        released: Intents the API has no record of (never sent, or never arrived): their
            claims were dropped, so the job can run again.
        needs_review: Intents that may have taken effect on an API that cannot be asked
            (dptcay payments by ``order_id``): a person must check them.
        in_progress: Intents whose holder's lease has not run out (a live worker).
    """

    settled: tuple[Intent, ...] = ()
    released: tuple[Intent, ...] = ()
    needs_review: tuple[Intent, ...] = ()
    in_progress: tuple[Intent, ...] = ()

    def __str__(self) -> str:
        summary = (
            f"settled {len(self.settled)}, released {len(self.released)}, "
            f"needs review {len(self.needs_review)}, in progress {len(self.in_progress)}"
        )
        lines = [summary]
        lines.extend(
            f"  needs review: {i.api} {i.reference!r} ({i.state}"
            + (f": {i.note}" if i.note else "")
            + ")"
            for i in self.needs_review
        )
        return "\n".join(lines)


class Journal:
    """Where the intents of money-moving requests are claimed before they are sent.

    Use :func:`open_journal` (``"sqlite:///path/to/journal.db"``, a plain path, or
    ``"redis://host:6379/0"``), or :meth:`sqlite` / :meth:`redis`.

    Args:
        store: The backend.
        lease: Seconds a worker may hold a claim; keep it longer than a call can take.
        settled_ttl: Seconds a settled record is kept (a retry within it gets the answer).
    """

    def __init__(
        self,
        store: Store,
        *,
        lease: float = DEFAULT_LEASE,
        settled_ttl: float = DEFAULT_SETTLED_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if lease <= 0 or settled_ttl <= 0:
            msg = "a journal needs lease > 0 and settled_ttl > 0"
            raise ConfigurationError(msg)
        self.store = store
        self.lease = lease
        self.settled_ttl = settled_ttl
        self._clock = clock

    @classmethod
    def sqlite(
        cls,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        **options: Any,
    ) -> Journal:
        """A journal in a SQLite file (the embedded default; one host).

        ``synchronous="NORMAL"`` keeps every committed claim through a process crash;
        ``"FULL"`` also through a power loss, at the price of an fsync per write.
        """
        from shared_auth.fleet._sqlite import SQLiteStore  # noqa: PLC0415

        return cls(SQLiteStore(path, synchronous=synchronous), **options)

    @classmethod
    def redis(cls, source: Any, *, prefix: str = "sdk-journal", **options: Any) -> Journal:
        """A journal in Redis (a URL or a blocking ``redis.Redis``), shared by a fleet."""
        from shared_auth.fleet._redis import RedisStore  # noqa: PLC0415

        return cls(RedisStore(source, prefix=prefix), **options)

    def __repr__(self) -> str:
        return f"Journal({self.store!r}, lease={self.lease})"

    async def _run(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        import anyio.to_thread  # noqa: PLC0415 - loaded with the first journal call

        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

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
        send: Callable[[], Awaitable[Any]],
        reconcile: Reconciler | None,
    ) -> Any:
        """Send at most once per ``key``; return the API's answer, fresh or recorded.

        ``send()`` performs the request and returns the decoded answer. ``reconcile`` asks
        the API for its record of ``reference`` (``None``: the API cannot be asked).

        Raises:
            IntentConflictError: ``key`` was claimed with different parameters.
            IntentInProgressError: a live worker holds the claim.
            IntentNeedsReviewError: the intent may have taken effect and cannot be checked.
            OutcomeUnknownError: from ``send()``: the intent is recorded as unknown.
        """
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
        existing = await self._run(self.store.claim, mine)
        if existing is not None:
            if existing.fingerprint != fingerprint:
                msg = (
                    f"the reference {reference!r} was already used for a request with different "
                    "parameters; nothing was sent (use a new reference for a new purchase)"
                )
                raise IntentConflictError(msg, field="reference")
            answer = await self._resolve(existing, owner, reconcile)
            if answer is not _SEND:
                return answer
        return await self._send(key, owner, send)

    async def _send(self, key: str, owner: str, send: Callable[[], Awaitable[Any]]) -> Any:
        if not await self._run(self.store.update, key, owner, state="sent", now=self._clock()):
            # Recovery (or another worker) took the claim over while we were not looking.
            msg = f"the claim on {key!r} was taken over before sending; nothing was sent"
            raise IntentInProgressError(msg, reference=key.rsplit(":", 1)[-1], retry_after=1.0)
        try:
            answer = await send()
        except RateBudgetUnavailableError:
            # The shared rate budget refused before sending: nothing can have been charged.
            await self._shielded(self.store.release, key, owner)
            raise
        except APIError as exc:
            if _never_charged(exc):
                await self._shielded(self.store.release, key, owner)
            else:
                note = str(exc)[:500]
                now = self._clock()
                await self._shielded(
                    self.store.update, key, owner, state="unknown", now=now, note=note
                )
            raise
        await self._shielded(self.settle_sync, key, owner, answer)
        return answer

    def settle_sync(self, key: str, owner: str, answer: Any) -> bool:
        """Record ``answer`` for ``key`` (blocking; the owner only)."""
        now = self._clock()
        return self.store.update(
            key, owner, state="settled", now=now, result=answer, expires_at=now + self.settled_ttl
        )

    async def _shielded(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        # The answer is in hand: record it even if the caller is being cancelled.
        import anyio  # noqa: PLC0415

        with anyio.CancelScope(shield=True):
            result = await self._run(fn, *args, **kwargs)
        return result  # noqa: RET504 - mypy cannot see that the shielded block returns

    async def _resolve(self, intent: Intent, owner: str, reconcile: Reconciler | None) -> Any:
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
        # Fence the holder out before asking the API, so two of us never both send.
        if not await self._run(
            self.store.take_over, intent.key, intent.owner, owner, now + self.lease, now
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
            await self._run(
                self.store.update, intent.key, owner, state="unknown", now=now, note=note
            )
            raise _needs_review(intent)
        found = await reconcile(intent.reference)
        if found is not None:
            await self._shielded(self.settle_sync, intent.key, owner, found)
            return found
        if not dead:
            # Sent, outcome lost, not on record yet: it may still arrive. Hand it back.
            await self._run(self.store.update, intent.key, owner, state="unknown", now=now)
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
        reconcilers = reconcilers or {}
        owner = new_owner()
        now = self._clock()
        await self._run(self.store.purge, now)
        report: dict[str, list[Intent]] = {
            "settled": [],
            "released": [],
            "needs_review": [],
            "in_progress": [],
        }
        for intent in await self.open_intents():
            if only_api is not None and intent.api != only_api:
                continue
            if now < intent.lease_until + grace:
                report["in_progress"].append(intent)
                continue
            outcome = await self._recover_one(intent, owner, reconcilers.get(intent.api), now)
            report[outcome].append(intent)
        return RecoveryReport(**{name: tuple(items) for name, items in report.items()})

    async def _recover_one(
        self, intent: Intent, owner: str, reconcile: Reconciler | None, now: float
    ) -> str:
        if not await self._run(
            self.store.take_over, intent.key, intent.owner, owner, now + self.lease, now
        ):
            return "in_progress"  # someone else is on it
        if intent.state == "claimed":
            await self._run(self.store.release, intent.key, owner)
            return "released"
        if reconcile is None:
            note = "may have taken effect; the API cannot be searched by this reference"
            await self._run(
                self.store.update, intent.key, owner, state="unknown", now=now, note=note
            )
            return "needs_review"
        found = await reconcile(intent.reference)
        if found is None:
            await self._run(self.store.release, intent.key, owner)
            return "released"
        await self._run(self.settle_sync, intent.key, owner, found)
        return "settled"


_SEND: Final[Any] = object()


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


def _needs_review(intent: Intent) -> IntentNeedsReviewError:
    msg = (
        f"{intent.reference!r} was sent by a worker that did not record the answer, and this "
        "API cannot be searched by that reference: check the dashboard and webhook "
        "deliveries before sending it again; nothing was sent"
    )
    return IntentNeedsReviewError(msg, reference=intent.reference)


def open_journal(target: str | os.PathLike[str] | Journal, **options: Any) -> Journal:
    """A journal from ``"sqlite:///path"``, a file path, or ``"redis://…"`` (or a journal).

    Raises:
        ConfigurationError: an unknown scheme.
    """
    if isinstance(target, Journal):
        return target
    text = os.fspath(target)
    if text.startswith(("redis://", "rediss://", "unix://")):
        return Journal.redis(text, **options)
    if text.startswith("sqlite://"):
        return Journal.sqlite(text.removeprefix("sqlite://"), **options)
    if "://" in text:
        msg = f"a journal is a sqlite:/// path, a file path or a redis:// URL, not {text!r}"
        raise ConfigurationError(msg)
    return Journal.sqlite(text, **options)
