"""A durable webhook inbox: store each delivery once, hand each event to one handler at a time.

[`Inbox.receive`][shared_auth.fleet.Inbox.receive] is what a webhook endpoint calls: the
API's source verifies the raw bytes and names the event's deduplication key, the store
keeps the raw body and headers, and the caller learns whether the event is new or a
redelivery. A consumer ([`Inbox.drain`][shared_auth.fleet.Inbox.drain] or
[`Inbox.run`][shared_auth.fleet.Inbox.run]) leases stored events, runs the handler, and
marks them done; a failing handler is retried with backoff, then parked with its error.

The guarantee is **at least once per event, never two handlers at once**: a consumer that
dies after the handler's effect and before the "done" mark leaves the event to run again
when its lease ends. Make the handler's effect idempotent by
[`InboxEvent.key`][shared_auth.fleet.InboxEvent] (a unique row, an idempotency key on the
API call) and the effect happens exactly once.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Final, TypedDict, TypeVar, Unpack

import anyio
import anyio.to_thread
import attrs

from shared_auth._errors import ConfigurationError, InvalidInputTypeError
from shared_auth.fleet._inbox_model import (
    InboxError,
    InboxEvent,
    InboxStore,
    InboxUnavailableError,
    Receipt,
    WebhookSource,
    keep_headers,
)
from shared_auth.fleet._intent import new_owner

__all__ = ["DEFAULT_INBOX_RETENTION", "Handler", "Inbox", "InboxOptions", "open_inbox"]

_T = TypeVar("_T")
_log = logging.getLogger("shared_auth.fleet.inbox")

#: Providers retry a delivery for hours (eleven, on the usual schedule); a week covers that.
DEFAULT_INBOX_RETENTION: Final = 7 * 24 * 3600.0
#: The shortest retention accepted: longer than the provider's retry window (~11 h).
MIN_RETENTION: Final = 12 * 3600.0

#: ``async (event) -> None``; raising means "not handled, try again later".
Handler = Callable[[InboxEvent], Awaitable[None]]


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _backend_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [sqlite3.Error, OSError, TimeoutError]
    try:
        import redis  # noqa: PLC0415 - optional extra
    except ImportError:
        pass
    else:
        errors.append(redis.RedisError)
    return tuple(errors)


class InboxOptions(TypedDict, total=False):
    """[`Inbox`][shared_auth.fleet.Inbox]'s settings, for `open_inbox` (see there)."""

    lease: float
    retention: float
    max_attempts: int
    backoff: float
    max_backoff: float
    deadline: float
    clock: Callable[[], float]


@attrs.define(repr=False, eq=False)
class Inbox:
    """Webhook deliveries stored durably and processed one handler at a time.

    Use [`open_inbox`][shared_auth.fleet.open_inbox] with an API's source (each SDK's
    ``…WebhookSource``).

    Attributes:
        store: The backend (SQLite or Redis).
        source: Verifies deliveries and names their keys.
        lease: Seconds a consumer holds an event; renewed while its handler runs, so a
            dead consumer's events are handed over this long after it died.
        retention: Seconds a handled event's key is remembered (at least 12 hours: longer
            than the provider's ~11 hour retry window).
        max_attempts: Handler runs before an event is parked for a person.
        backoff: Seconds before the first retry; doubled on each further failure.
        max_backoff: Cap on the retry delay.
        deadline: Seconds any one backend call may take before
            [`InboxUnavailableError`][shared_auth.fleet.InboxUnavailableError].
    """

    store: InboxStore
    source: WebhookSource
    lease: float = attrs.field(default=30.0, kw_only=True)
    retention: float = attrs.field(default=DEFAULT_INBOX_RETENTION, kw_only=True)
    max_attempts: int = attrs.field(default=5, kw_only=True)
    backoff: float = attrs.field(default=1.0, kw_only=True)
    max_backoff: float = attrs.field(default=300.0, kw_only=True)
    deadline: float = attrs.field(default=5.0, kw_only=True)
    _clock: Callable[[], float] = attrs.field(default=time.time, kw_only=True, alias="clock")
    _errors: tuple[type[BaseException], ...] = attrs.field(init=False, factory=_backend_errors)

    def __attrs_post_init__(self) -> None:
        lease, deadline, backoff = self.lease, self.deadline, self.backoff
        max_backoff, retention, max_attempts = self.max_backoff, self.retention, self.max_attempts
        if lease <= 0 or deadline <= 0 or backoff < 0 or max_backoff < backoff:
            msg = "an inbox needs lease > 0, deadline > 0 and 0 <= backoff <= max_backoff"
            raise ConfigurationError(msg)
        if retention < MIN_RETENTION:
            msg = (
                f"retention={retention!r} s is shorter than the provider's retry window "
                "(about 11 hours): a late redelivery would be handled again. Keep 12 h or more"
            )
            raise ConfigurationError(msg)
        if max_attempts < 1:
            msg = "max_attempts must be at least 1"
            raise ConfigurationError(msg)

    def __repr__(self) -> str:
        return f"Inbox({self.store!r}, api={self.source.api!r})"

    # --- backend calls: in a thread, bounded, typed -----------------------------------------

    def _typed(self, exc: BaseException, key: str | None) -> InboxError:
        if isinstance(exc, InboxError):
            return exc
        what = "did not answer in time" if isinstance(exc, TimeoutError) else "failed"
        msg = (
            f"the webhook inbox ({self.store.backend}) {what}: {type(exc).__name__}; "
            "nothing was lost (a delivery answered with 5xx is sent again)"
        )
        return InboxUnavailableError(
            msg, backend=self.store.backend, journal=self.store.where, key=key
        )

    def _sync(self, fn: Callable[..., _T], *args: Any, key: str | None = None) -> _T:
        try:
            return fn(*args)
        except self._errors as exc:
            raise self._typed(exc, key) from exc

    async def _run(self, fn: Callable[..., _T], *args: Any, key: str | None = None) -> _T:
        try:
            with anyio.fail_after(self.deadline):
                return await anyio.to_thread.run_sync(
                    functools.partial(self._sync, fn, *args, key=key), abandon_on_cancel=True
                )
        except TimeoutError as exc:
            raise self._typed(exc, key) from exc

    async def _shielded(self, fn: Callable[..., _T], *args: Any, key: str | None = None) -> _T:
        with anyio.CancelScope(shield=True):
            result = await self._run(fn, *args, key=key)
        return result  # noqa: RET504 - mypy cannot see that the shielded block returns

    # --- receiving ---------------------------------------------------------------------------

    def _accept(
        self, raw_body: bytes, headers: Mapping[str, str]
    ) -> tuple[Any, Callable[[], bool]]:
        """The verified event, and the store call that records it (run blocking or not)."""
        checked: object = raw_body  # callers without type checking may pass a str or a dict
        body = bytes(checked) if isinstance(checked, bytearray | memoryview) else checked
        if not isinstance(body, bytes):
            msg = (
                f"raw_body must be the request's raw bytes (await request.body()), not "
                f"{type(raw_body).__name__}: a decoded or re-serialised body does not verify"
            )
            raise InvalidInputTypeError(msg, field="raw_body")
        accepted = self.source.accept(body, headers)
        header_text = json.dumps(keep_headers(headers), separators=(",", ":"))
        insert = functools.partial(
            self.store.insert, accepted, self.source.api, body, header_text, self._clock()
        )
        return accepted, insert

    async def receive(self, raw_body: bytes, headers: Mapping[str, str]) -> Receipt:
        """Verify a delivery, store it with its headers, and say whether it is new.

        Answer the provider 2xx only after this returns: the event is then stored durably.

        Args:
            raw_body: The request body exactly as received (never a re-serialised one).
            headers: The request's headers (any mapping; names are case-insensitive).

        Raises:
            SDKError: from the source: a bad signature (one of
                ``source.signature_errors``: answer 401) or a body that is not an event of
                this API (answer 400). Nothing is stored.
            InboxError: the backend failed or did not answer within ``deadline`` (answer
                503: the provider sends it again).
        """
        accepted, insert = self._accept(raw_body, headers)
        new = await self._run(insert, key=accepted.key)
        return Receipt(key=accepted.key, event=accepted.event, duplicate=not new)

    def receive_sync(self, raw_body: bytes, headers: Mapping[str, str]) -> Receipt:
        """[`receive`][shared_auth.fleet.Inbox.receive] for blocking code (Flask, scripts).

        Bounded by the backend's own timeouts (SQLite's lock wait, Redis's socket timeout).
        """
        accepted, insert = self._accept(raw_body, headers)
        new = self._sync(insert, key=accepted.key)
        return Receipt(key=accepted.key, event=accepted.event, duplicate=not new)

    # --- consuming ---------------------------------------------------------------------------

    def _delay(self, attempts: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** max(0, attempts - 1)))

    async def claim(self, owner: str) -> InboxEvent | None:
        """Lease the next ready event to ``owner`` (``None`` when nothing is ready)."""
        now = self._clock()
        return await self._run(self.store.claim, owner, now, now + self.lease)

    async def handle(self, event: InboxEvent, owner: str, handler: Handler) -> str:
        """Run ``handler`` on a claimed event and record the outcome.

        Returns:
            ``"done"``, ``"retry"``, ``"parked"``, or ``"lost"`` when the lease was taken
            over meanwhile (the new holder decides; nothing is recorded).
        """
        if event.attempts > self.max_attempts:
            return await self._shielded(self._settle, event, owner, None, key=event.key)
        error: str | None = None
        finished = False
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(self._keep_lease, event, owner)
                try:
                    await handler(event)
                except Exception as exc:  # noqa: BLE001 - the handler's failure is recorded
                    error = _describe(exc)
                finished = True
                tg.cancel_scope.cancel()
        except BaseException:
            if finished:  # cancelled after the handler ran: record its outcome all the same
                await self._shielded(self._settle, event, owner, error, key=event.key)
            else:  # cancelled mid-handler: hand the event back now, not at lease end
                now = self._clock()
                await self._shielded(self.store.retry, event, owner, now, None, key=event.key)
            raise
        return await self._shielded(self._settle, event, owner, error, key=event.key)

    def _settle(self, event: InboxEvent, owner: str, error: str | None) -> str:
        """Record a handler's outcome (blocking): done, retry later, or park."""
        now = self._clock()
        if event.attempts > self.max_attempts:
            reason = event.last_error or "its consumer stopped (lease ran out) on every attempt"
            return "parked" if self.store.park(event, owner, reason, now) else "lost"
        if error is None:
            if self.store.complete(event, owner, now, event.received_at + self.retention):
                return "done"
            _log.warning("inbox: the lease on %s ran out before it was marked done", event.key)
            return "lost"
        if event.attempts >= self.max_attempts:
            _log.warning("inbox: %s parked after %d attempts: %s", event.key, event.attempts, error)
            return "parked" if self.store.park(event, owner, error, now) else "lost"
        next_at = now + self._delay(event.attempts)
        return "retry" if self.store.retry(event, owner, next_at, error) else "lost"

    def drain_sync(
        self,
        handler: Callable[[InboxEvent], object],
        *,
        owner: str | None = None,
        limit: int | None = None,
    ) -> int:
        """[`drain`][shared_auth.fleet.Inbox.drain] for blocking code (scripts, notebooks).

        ``handler`` is a plain function. The lease is not renewed while it runs: keep each
        run shorter than ``lease``, or it may be handed to another consumer meanwhile.
        """
        owner = owner or new_owner()
        count = 0
        while limit is None or count < limit:
            now = self._clock()
            event = self._sync(self.store.claim, owner, now, now + self.lease)
            if event is None:
                break
            error: str | None = None
            if event.attempts <= self.max_attempts:
                try:
                    handler(event)
                except Exception as exc:  # noqa: BLE001 - the handler's failure is recorded
                    error = _describe(exc)
            self._sync(self._settle, event, owner, error, key=event.key)
            count += 1
        return count

    async def _keep_lease(self, event: InboxEvent, owner: str) -> None:
        while True:
            await anyio.sleep(self.lease / 3)
            try:
                held = await self._run(
                    self.store.renew, event, owner, self._clock() + self.lease, key=event.key
                )
            except InboxError as exc:  # try again next time; the lease may still hold
                _log.warning("inbox: could not renew the lease on %s: %s", event.key, exc)
                continue
            if not held:
                return

    async def drain(
        self, handler: Handler, *, owner: str | None = None, limit: int | None = None
    ) -> int:
        """Handle ready events until none is ready (or ``limit`` were handled).

        For a FastAPI background task, an arq job or a cron: it returns when the inbox has
        nothing ready. Returns how many events were handed to ``handler``.
        """
        owner = owner or new_owner()
        count = 0
        while limit is None or count < limit:
            event = await self.claim(owner)
            if event is None:
                break
            await self.handle(event, owner, handler)
            count += 1
        return count

    async def run(
        self,
        handler: Handler,
        *,
        owner: str | None = None,
        poll_interval: float = 0.5,
        purge_every: float = 3600.0,
    ) -> None:
        """Consume forever (until cancelled), polling every ``poll_interval`` when idle.

        A backend failure is logged and retried after ``poll_interval``: a worker outlives a
        Redis restart. Every ``purge_every`` seconds it also forgets handled events past
        their retention (SQLite; Redis expires them by itself).
        """
        owner = owner or new_owner()
        purged_at = 0.0
        while True:
            try:
                if self._clock() - purged_at >= purge_every:
                    await self.purge()
                    purged_at = self._clock()
                handled = await self.drain(handler, owner=owner)
            except InboxError as exc:
                _log.warning("inbox consumer: %s", exc)
                handled = 0
            if not handled:
                await anyio.sleep(poll_interval)

    # --- for people ------------------------------------------------------------------------------

    async def get(self, key: str) -> InboxEvent | None:
        """The event stored under ``key``, if any."""
        return await self._run(self.store.get, key, key=key)

    async def parked(self) -> list[InboxEvent]:
        """Every parked event with its ``last_error``, in receive order."""
        return await self._run(self.store.parked)

    async def requeue(self, key: str) -> bool:
        """Put a parked event back in line (after fixing what made it fail)."""
        return await self._run(self.store.requeue, key, self._clock(), key=key)

    async def counts(self) -> dict[str, int]:
        """How many events are pending, leased, done and parked."""
        return await self._run(self.store.counts)

    async def purge(self) -> int:
        """Forget handled events older than the retention (SQLite; Redis expires them)."""
        return await self._run(self.store.purge, self._clock())

    async def aclose(self) -> None:
        """Close the backend's connection."""
        await self._run(self.store.close)


def open_inbox(
    target: str | os.PathLike[str] | InboxStore,
    source: WebhookSource,
    *,
    create: bool = False,
    allow_volatile: bool = False,
    prefix: str = "sdk-inbox",
    **options: Unpack[InboxOptions],
) -> Inbox:
    """An inbox on ``"sqlite:///path"``, a file path, ``"redis://…"``, or a store object.

    Args:
        target: Where events live. The same targets as the journal; keep the inbox in its
            own file (or Redis prefix).
        source: The API's verifier and key (an SDK's ``…WebhookSource``).
        create: Create the inbox if it does not exist. Production code creates it once (the
            CLI ``python -m shared_auth.fleet.inbox init TARGET``) and opens it without
            this, so a lost inbox is an error rather than a fresh empty one.
        allow_volatile: Accept a Redis without persistence (refused by default, as for the
            journal: a restart would empty the inbox and old events would be accepted again).
        prefix: The Redis key prefix.
        **options: For [`Inbox`][shared_auth.fleet.Inbox] (``lease``, ``retention``, …).

    Raises:
        ConfigurationError: an unknown scheme, or a SQLite folder that does not exist.
        InboxMissingError: the inbox does not exist and ``create`` is false.
        InboxVolatileError: a Redis without persistence (and ``allow_volatile`` is false).
        InboxUnavailableError: the backend could not be reached.
    """
    store: InboxStore
    if isinstance(target, str | os.PathLike):
        text = os.fspath(target)
        if text.startswith(("redis://", "rediss://", "unix://")):
            from shared_auth.fleet._inbox_redis import RedisInboxStore  # noqa: PLC0415

            store = RedisInboxStore(text, prefix=prefix, allow_volatile=allow_volatile)
        elif "://" in text and not text.startswith("sqlite://"):
            msg = f"an inbox is a sqlite:/// path, a file path or a redis:// URL, not {text!r}"
            raise ConfigurationError(msg)
        else:
            from shared_auth.fleet._inbox_sqlite import SQLiteInboxStore  # noqa: PLC0415

            path = text.removeprefix("sqlite://")
            folder = Path(path).resolve().parent
            if not folder.is_dir():
                msg = f"the inbox's folder {str(folder)!r} does not exist: create it first"
                raise ConfigurationError(msg)
            store = SQLiteInboxStore(path)
    elif hasattr(target, "claim") and hasattr(target, "insert"):
        store = target
    else:
        store = _redis_object(target, prefix, allow_volatile=allow_volatile)
    inbox = Inbox(store, source, **options)
    inbox._sync(functools.partial(store.ensure, create=create))  # noqa: SLF001 - same module
    return inbox


def _redis_object(target: Any, prefix: str, *, allow_volatile: bool) -> InboxStore:
    from shared_auth.fleet._inbox_redis import RedisInboxStore  # noqa: PLC0415

    return RedisInboxStore(target, prefix=prefix, allow_volatile=allow_volatile)
